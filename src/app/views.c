/* views.c: the views' names, switching, the once-a-frame update, the
 * shared geometry and what input does to them (views.h). Each view's own
 * contents are in view_hidden.c, view_weights.c, view_why.c and
 * view_mistakes.c, view_neuron.c and view_network.c. No SDL here. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inspect.h"

/* ---- life cycle --------------------------------------------------------- */

void views_init(views *v, app_view first, int gallery_t, int gallery_p)
{
    memset(v, 0, sizeof *v);
    v->view = (unsigned)first < VIEW_COUNT ? first : VIEW_HIDDEN;
    v->why.why_class = -1;
    v->sel_layer = v->sel_unit = -1;
    v->hover_layer = v->hover_unit = v->hover_cell = v->hover_thumb = -1;
    v->mistakes.gallery_true = v->mistakes.gallery_pred = VIEW_NO_CELL;
    v->neuron.hover_input = -1;
    v->network.hover_layer = v->network.hover_unit = -1;
    if (gallery_t >= 0 && gallery_t < 10 && gallery_p >= 0 && gallery_p < 10) {
        v->mistakes.gallery_true = gallery_t;
        v->mistakes.gallery_pred = gallery_p;
    }
}

void views_destroy(views *v)
{
    free(v->hidden.acts);
    free(v->inspect_scratch);
    free(v->mistakes.test_pred);
    free(v->mistakes.test_conf);
    free(v->mistakes.gallery);
    view_neuron_destroy(v);
    view_network_destroy(v);
    memset(v, 0, sizeof *v);
}

const char *view_class_label(const view_ctx *c, size_t i)
{
    return model_slot_label(c->model, i);
}

/* ---- names and switching ----------------------------------------------- */

static const char *const names[VIEW_COUNT] = {"hidden", "weights", "why",    "mistakes",
                                              "log",    "neuron",  "network"};
static const char *const labels[VIEW_COUNT] = {
    "Hidden layer|Hidden", "Weights|Weights", "Why this answer|Why", "Mistakes|Mistakes", "Log|Log",
    "One neuron|Neuron",   "Network|Net",
};

const char *view_name(app_view v)
{
    return (unsigned)v < VIEW_COUNT ? names[v] : "?";
}

const char *view_label(app_view v)
{
    return (unsigned)v < VIEW_COUNT ? labels[v] : "?";
}

bool view_from_name(const char *name, app_view *out)
{
    for (int v = 0; v < VIEW_COUNT; v++) {
        if (!strcmp(name, names[v])) {
            *out = (app_view)v;
            return true;
        }
    }
    return false;
}

view_request views_show(views *v, const view_ctx *c, app_view id)
{
    view_request r = {0};
    if ((unsigned)id >= VIEW_COUNT || id == v->view)
        return r;
    v->view = id;
    v->hover_layer = v->hover_unit = v->hover_cell = v->hover_thumb = -1;
    v->hover_nav = VIEW_NAV_NONE;
    v->neuron.hover_input = -1;
    v->neuron.emitted = false; // the unit is shown again: its event goes out again
    v->network.hover_layer = v->network.hover_unit = -1;
    v->network.layout_sent = false;
    event_view(c->events, view_name(id));
    views_hover(v, c, c->mouse_x, c->mouse_y);
    if (id == VIEW_MISTAKES)
        r.want |= VIEW_WANT_DATA; // the test set's answers need MNIST
    return r;
}

/* ---- the model and the data --------------------------------------------- */

void views_on_model(views *v, const view_ctx *c)
{
    const mlp *net = &c->model->net;
    size_t units = inspect_units(net);
    size_t width = mlp_max_width(net);
    // Never a buffer too small for this network: without room there is none.
    free(v->hidden.acts);
    free(v->inspect_scratch);
    v->hidden.acts = malloc(units * sizeof *v->hidden.acts);
    v->inspect_scratch = malloc((4 * width + units) * sizeof *v->inspect_scratch);
    if (!v->hidden.acts || !v->inspect_scratch) {
        free(v->hidden.acts);
        free(v->inspect_scratch);
        v->hidden.acts = v->inspect_scratch = NULL;
    }
    v->hidden.acts_input = v->hidden.acts_net = UINT64_MAX;
    // A new model shows at once, not after the throttles' next turn.
    v->views_net_time = v->tiles_net_time = v->views_input_time = -1e9;
    v->why.has_saliency = false;
    v->why.saliency_version++;
    if (v->sel_layer >= 0 && ((size_t)v->sel_layer + 1 >= net->n_layers ||
                              (size_t)v->sel_unit >= net->sizes[v->sel_layer + 1]))
        v->sel_layer = v->sel_unit = -1;
    v->hover_layer = v->hover_unit = -1;
    v->weights.page = 0;
    view_neuron_on_model(v, c);
    v->network.edges_net = UINT64_MAX;
    v->network.layout_sent = false;
    v->network.hover_layer = v->network.hover_unit = -1;
    views_forget_answers(v, c);
    v->want_eval = true;
}

void views_on_data(views *v, const view_ctx *c)
{
    view_mistakes_state *m = &v->mistakes;
    size_t n = c->data && c->data->test.count ? c->data->test.count : 1;
    free(m->test_pred);
    free(m->test_conf);
    free(m->gallery);
    m->test_pred = calloc(n, 1);
    m->test_conf = calloc(n, sizeof *m->test_conf);
    m->gallery = calloc(n, sizeof *m->gallery);
    m->n_test = n;
    if (!m->test_pred || !m->test_conf || !m->gallery) {
        free(m->test_pred);
        free(m->test_conf);
        free(m->gallery);
        m->test_pred = NULL;
        m->test_conf = NULL;
        m->gallery = NULL;
        m->n_test = 0;
    }
    m->has_preds = false;
}

/* ---- once a frame ------------------------------------------------------ */

view_request views_update(views *v, const view_ctx *c)
{
    view_request r = {0};
    uint64_t net_version = c->model->version;
    // Follow the weights, but not at every snapshot: the views need not
    // change faster than a person reads them.
    if (v->views_net != net_version && c->now - v->views_net_time >= 0.1) {
        v->views_net = net_version;
        v->views_net_time = c->now;
    }
    if (v->tiles_net != net_version && c->now - v->tiles_net_time >= 0.25) {
        v->tiles_net = net_version;
        v->tiles_net_time = c->now;
    }
    // The drawing too: the bars answer every frame, the views 25 times a second.
    if (v->views_input != c->score->input_version && c->now - v->views_input_time >= 0.04) {
        v->views_input = c->score->input_version;
        v->views_input_time = c->now;
    }
    view_hidden_update(v, c);
    if (v->view == VIEW_WHY)
        view_saliency(v, c);
    if (v->view == VIEW_NEURON)
        view_neuron_update(v, c);
    if (v->view == VIEW_NETWORK)
        view_network_update(v, c);
    if (v->want_eval && c->data)
        r.want |= VIEW_WANT_EVAL;
    return r;
}

void views_eval_sent(views *v)
{
    v->want_eval = false;
}

/* ---- geometry ---------------------------------------------------------- */

int view_px(const view_ctx *c, float v)
{
    return (int)lroundf(v * c->layout->scale);
}

app_rect view_rect(int x, int y, int w, int h)
{
    return (app_rect){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

app_rect view_inner(const view_ctx *c)
{
    app_rect v = c->layout->view;
    int ix = view_px(c, 12), top = view_px(c, 8), bottom = view_px(c, 10);
    return view_rect(v.x + ix, v.y + top, v.w - 2 * ix, v.h - top - bottom);
}

int view_caption_h(const view_ctx *c)
{
    return view_px(c, 24);
}

view_nav view_nav_at(app_rect prev, app_rect next, app_rect close, float x, float y)
{
    if (prev.w > 0 && rect_contains(prev, x, y))
        return VIEW_NAV_PREV;
    if (next.w > 0 && rect_contains(next, x, y))
        return VIEW_NAV_NEXT;
    if (close.w > 0 && rect_contains(close, x, y))
        return VIEW_NAV_CLOSE;
    return VIEW_NAV_NONE;
}

view_grid view_grid_fit(app_rect area, size_t n, int gap, int max_cell, int snap)
{
    view_grid g;
    memset(&g, 0, sizeof g);
    if (n == 0 || area.w <= 0 || area.h <= 0)
        return g;
    /* The biggest cell over every column count; among equal ones the
     * arrangement with the fewest empty places (128 as 16 x 8, not 15 x 9). */
    int best = 0, best_cols = 1;
    size_t best_empty = 0;
    for (size_t cols = 1; cols <= n; cols++) {
        size_t rows = (n + cols - 1) / cols;
        int cw = (area.w + gap) / (int)cols - gap;
        int ch = (area.h + gap) / (int)rows - gap;
        int c = cw < ch ? cw : ch;
        if (max_cell > 0 && c > max_cell)
            c = max_cell;
        if (snap > 1 && c >= snap)
            c = c / snap * snap;
        size_t empty = cols * rows - n;
        if (c > best || (c == best && c > 0 && empty < best_empty)) {
            best = c;
            best_cols = (int)cols;
            best_empty = empty;
        }
        if (cw < 1)
            break; // more columns only make the cells narrower
    }
    if (best < 1)
        return g;
    g.cell = best;
    g.pitch = g.pitch_y = best + gap;
    g.cols = best_cols;
    g.rows = (int)((n + (size_t)best_cols - 1) / (size_t)best_cols);
    g.n = n;
    int total = g.cols * g.pitch - gap;
    g.x = area.x + (area.w - total) / 2;
    g.y = area.y;
    return g;
}

app_rect view_grid_cell(const view_grid *g, size_t i)
{
    if (g->cols <= 0)
        return view_rect(0, 0, 0, 0);
    int col = (int)(i % (size_t)g->cols), row = (int)(i / (size_t)g->cols);
    return view_rect(g->x + col * g->pitch, g->y + row * g->pitch_y, g->cell, g->cell);
}

int view_grid_at(const view_grid *g, float x, float y)
{
    if (g->n == 0 || g->pitch <= 0 || x < (float)g->x || y < (float)g->y)
        return -1;
    int col = (int)((x - (float)g->x) / (float)g->pitch);
    int row = (int)((y - (float)g->y) / (float)g->pitch_y);
    if (col >= g->cols || row >= g->rows)
        return -1;
    // The gap to the right of and below a cell belongs to nobody.
    if (x >= (float)(g->x + col * g->pitch + g->cell) ||
        y >= (float)(g->y + row * g->pitch_y + g->cell))
        return -1;
    size_t i = (size_t)row * (size_t)g->cols + (size_t)col;
    return i < g->n ? (int)i : -1;
}

int views_bar_at(const view_ctx *c, float x, float y)
{
    app_rect r = c->layout->bars;
    size_t n = c->score->n_classes ? c->score->n_classes : 10;
    int row = r.h / (int)n;
    if (row <= 0 || !rect_contains(r, x, y))
        return -1;
    int i = (int)((y - (float)r.y) / (float)row);
    return i >= 0 && (size_t)i < n ? i : -1;
}

/* ---- input ------------------------------------------------------------- */

static void select_unit(views *v, int layer, int unit)
{
    if (v->sel_layer == layer && v->sel_unit == unit)
        v->sel_layer = v->sel_unit = -1;
    else {
        v->sel_layer = layer;
        v->sel_unit = unit;
        // The neuron view works out the unit pinned last (its layer 1-based).
        v->neuron.layer = layer + 1;
        v->neuron.unit = unit;
    }
}

void views_page(views *v, const view_ctx *c, int dir)
{
    view_mistakes_state *m = &v->mistakes;
    if (v->view == VIEW_NEURON) {
        view_neuron_step(v, c, dir, 0);
    } else if (v->view == VIEW_WEIGHTS) {
        view_weights_layout l;
        view_weights_layout_of(v, c, &l);
        if (l.pages < 2)
            return;
        if (dir < 0 && l.page > 0)
            v->weights.page = l.page - 1;
        else if (dir > 0 && l.page + 1 < l.pages)
            v->weights.page = l.page + 1;
    } else if (v->view == VIEW_MISTAKES && m->gallery_true != VIEW_NO_CELL) {
        view_mistakes_layout l;
        view_mistakes_layout_of(v, c, &l);
        size_t page = (size_t)l.thumbs.cols * (size_t)l.thumbs.rows;
        if (page > UI_VIEW_MAX_THUMBS)
            page = UI_VIEW_MAX_THUMBS;
        if (page == 0)
            return;
        if (dir < 0)
            m->gallery_first = m->gallery_first > page ? m->gallery_first - page : 0;
        else if (m->gallery_first + page < m->n_gallery)
            m->gallery_first += page;
        m->gallery_version++;
    }
}

view_request views_click(views *v, const view_ctx *c, float x, float y)
{
    view_request r = {0};
    int bar = views_bar_at(c, x, y);
    if (bar >= 0) {
        if (v->view == VIEW_WHY && v->why.why_class == bar)
            v->why.why_class = -1; // back to explaining the guess
        else
            v->why.why_class = bar;
        r = views_show(v, c, VIEW_WHY);
        r.handled = true;
        return r;
    }
    if (!rect_contains(c->layout->view, x, y))
        return r;
    r.handled = true;
    // What is under the pointer is what views_hover finds; a click acts on it.
    views_hover(v, c, x, y);
    if (v->view == VIEW_NEURON) {
        view_neuron_layout l;
        view_neuron_layout_of(v, c, &l);
        static const int du[5] = {0, 0, 0, -1, 1}, dl[5] = {0, -1, 1, 0, 0};
        int b = view_neuron_button_at(&l, x, y);
        if (b > 0)
            view_neuron_step(v, c, du[b], dl[b]);
        else if (v->neuron.hover_input >= 0 && !l.image && v->neuron.ex_layer > 1)
            view_neuron_choose(v, c, v->neuron.ex_layer - 1, v->neuron.hover_input);
        views_hover(v, c, x, y);
        return r;
    }
    if (v->view == VIEW_NETWORK) {
        if (v->network.hover_layer > 0) {
            view_neuron_choose(v, c, v->network.hover_layer, v->network.hover_unit);
            r = views_show(v, c, VIEW_NEURON);
            r.handled = true;
        }
        return r;
    }
    view_mistakes_state *m = &v->mistakes;
    if (v->hover_nav == VIEW_NAV_CLOSE) {
        views_close_gallery(v);
    } else if (v->hover_nav != VIEW_NAV_NONE) {
        views_page(v, c, v->hover_nav == VIEW_NAV_PREV ? -1 : 1);
    } else if (v->hover_unit >= 0) {
        select_unit(v, v->hover_layer, v->hover_unit);
    } else if (v->hover_thumb >= 0 && m->gallery_first + (size_t)v->hover_thumb < m->n_gallery) {
        r.want |= VIEW_WANT_TEST_IMAGE;
        r.test_image = (long)m->gallery[m->gallery_first + (size_t)v->hover_thumb];
    } else if (v->hover_cell >= 0) {
        int cell = v->hover_cell;
        if (m->gallery_true == cell / 10 && m->gallery_pred == cell % 10)
            views_close_gallery(v);
        else
            views_open_gallery(v, c, cell / 10, cell % 10);
    }
    views_hover(v, c, x, y); // what is there now
    return r;
}

void views_hover(views *v, const view_ctx *c, float x, float y)
{
    v->hover_layer = v->hover_unit = v->hover_cell = v->hover_thumb = -1;
    v->hover_nav = VIEW_NAV_NONE;
    v->neuron.hover_input = -1;
    v->neuron.hover_button = 0;
    v->network.hover_layer = v->network.hover_unit = -1;
    if (!rect_contains(c->layout->view, x, y))
        return;
    switch (v->view) {
    case VIEW_HIDDEN: {
        view_hidden_layout l;
        view_hidden_layout_of(c, &l);
        for (size_t i = 0; i < l.n_grids; i++) {
            int u = view_grid_at(&l.grid[i], x, y);
            if (u >= 0) {
                v->hover_layer = (int)i;
                v->hover_unit = u;
            }
        }
        break;
    }
    case VIEW_WEIGHTS: {
        view_weights_layout l;
        view_weights_layout_of(v, c, &l);
        v->hover_nav = view_nav_at(l.prev, l.next, (app_rect){0, 0, 0, 0}, x, y);
        int i = view_grid_at(&l.grid, x, y);
        if (i >= 0) {
            v->hover_layer = 0;
            v->hover_unit = (int)l.first + i;
        }
        break;
    }
    case VIEW_MISTAKES: {
        view_mistakes_layout l;
        view_mistakes_layout_of(v, c, &l);
        v->hover_nav = view_nav_at(l.prev, l.next, l.close, x, y);
        v->hover_cell = view_matrix_cell_at(&l, x, y);
        v->hover_thumb = view_grid_at(&l.thumbs, x, y);
        break;
    }
    case VIEW_NEURON: {
        view_neuron_layout l;
        view_neuron_layout_of(v, c, &l);
        v->neuron.hover_input = view_neuron_input_at(v, c, &l, x, y);
        v->neuron.hover_button = view_neuron_button_at(&l, x, y);
        break;
    }
    case VIEW_NETWORK: {
        view_network_layout l;
        view_network_layout_of(v, c, &l);
        int layer, unit;
        if (view_network_unit_at(&l, x, y, &layer, &unit)) {
            v->network.hover_layer = layer;
            v->network.hover_unit = unit;
        }
        break;
    }
    case VIEW_WHY:
    case VIEW_LOG:
    case VIEW_COUNT:
        break;
    }
}

void views_wheel(views *v, const view_ctx *c, float x, float y, int wheel)
{
    if (!rect_contains(c->layout->view, x, y) || wheel == 0)
        return;
    views_page(v, c, wheel > 0 ? -1 : 1);
    views_hover(v, c, x, y);
}

view_request views_toggle_gradient(views *v, const view_ctx *c)
{
    v->why.gradient = !v->why.gradient;
    v->why.has_saliency = false; // recompute in the other mode
    view_request r = {0};
    if (v->view != VIEW_WHY)
        r = views_show(v, c, VIEW_WHY);
    view_saliency(v, c);
    return r;
}

bool views_escape(views *v)
{
    if (v->view == VIEW_MISTAKES && v->mistakes.gallery_true != VIEW_NO_CELL) {
        views_close_gallery(v);
        return true;
    }
    return false;
}
