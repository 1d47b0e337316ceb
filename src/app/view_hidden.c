/* view_hidden.c: view 1, each hidden unit lit by the drawing (views.h). */
#include "views.h"

#include <math.h>
#include <string.h>

#include "core/inspect.h"

void view_activation_color(float a, float max, uint8_t rgb[3])
{
    if (!(a > 0.0f) || !(max > 0.0f)) {
        rgb[0] = VIEW_OFF_R;
        rgb[1] = VIEW_OFF_G;
        rgb[2] = VIEW_OFF_B;
        return;
    }
    inspect_color(0.2f * max + 0.8f * fminf(a, max), max, rgb);
}

bool view_have_acts(const views *v, const view_ctx *c)
{
    return c->model->have && v->hidden.acts && c->score->has_guess &&
           v->hidden.acts_input == v->views_input;
}

size_t view_hidden_cells(const views *v, const view_ctx *c, size_t layer, uint8_t *rgb)
{
    const mlp *net = &c->model->net;
    if (!c->model->have || layer + 1 >= net->n_layers)
        return 0;
    size_t n = net->sizes[layer + 1];
    if (!view_have_acts(v, c)) {
        for (size_t u = 0; u < n; u++)
            view_activation_color(0.0f, 0.0f, rgb + 3 * u);
        return 0;
    }
    const float *a = v->hidden.acts + inspect_layer_offset(net, layer);
    float max = 0.0f;
    for (size_t u = 0; u < n; u++)
        max = a[u] > max ? a[u] : max;
    for (size_t u = 0; u < n; u++)
        view_activation_color(a[u], max, rgb + 3 * u);
    return inspect_zero_units(net, v->hidden.acts, layer);
}

float view_incoming_colors(const view_ctx *c, size_t layer, size_t unit, uint8_t *rgb)
{
    const mlp *net = &c->model->net;
    if (!c->model->have || layer >= net->n_layers)
        return 0.0f;
    const mlp_layer *L = &net->layers[layer];
    if (unit >= L->out)
        return 0.0f;
    float scale = 0.0f;
    for (size_t i = 0; i < L->in; i++)
        scale = fmaxf(scale, fabsf(L->kernel[i * L->out + unit]));
    for (size_t i = 0; i < L->in; i++)
        inspect_color(L->kernel[i * L->out + unit], scale, rgb + 3 * i);
    return scale;
}

void view_hidden_update(views *v, const view_ctx *c)
{
    view_hidden_state *h = &v->hidden;
    if (c->model->have && h->acts && c->score->has_guess &&
        (h->acts_input != v->views_input || h->acts_net != v->views_net)) {
        inspect_forward(&c->model->net, c->score->input, h->acts);
        h->acts_input = v->views_input;
        h->acts_net = v->views_net;
    }
}

/* Lays the hidden layers' grids into area, one under the other, each with
 * a share of the height in proportion to its units (so their cells come
 * out about the same size); returns the smallest cell. */
static int hidden_grids(const view_ctx *c, app_rect area, view_hidden_layout *l)
{
    const mlp *net = &c->model->net;
    int cap = view_caption_h(c), gap = view_px(c, 10);
    int n = (int)l->n_grids;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += net->sizes[i + 1];
    int room = area.h - (n - 1) * gap - n * cap;
    int smallest = 1 << 30, y = area.y;
    for (int i = 0; i < n; i++) {
        size_t units = net->sizes[i + 1];
        int share = i + 1 == n ? area.y + area.h - y - cap
                               : (int)((double)room * (double)units / (double)total);
        int cgap = units > 512 ? 1 : view_px(c, 2) > 1 ? view_px(c, 2) : 1;
        l->grid[i] = view_grid_fit(view_rect(area.x, y + cap, area.w, share), units, cgap,
                                   view_px(c, 40), 1);
        l->caption[i] = view_rect(area.x, y, area.w, cap);
        if (l->grid[i].cell < smallest)
            smallest = l->grid[i].cell;
        y += cap + share + gap;
    }
    return smallest;
}

void view_hidden_layout_of(const view_ctx *c, view_hidden_layout *l)
{
    memset(l, 0, sizeof *l);
    const mlp *net = &c->model->net;
    if (!c->model->have || net->n_layers < 2)
        return;
    app_rect v = view_inner(c);
    size_t hidden = net->n_layers - 1;
    l->n_grids = hidden < VIEW_MAX_GRIDS ? hidden : VIEW_MAX_GRIDS;
    int det_h = view_px(c, 96), det_w = view_px(c, 168), gap = view_px(c, 12);
    /* The unit's details under the grids, or beside them where that gives
     * clearly bigger cells; where either would leave cells too small to
     * point at, no details box (the caption line then shows the hovered
     * unit's value, and the weights view its weights). */
    view_hidden_layout below = *l, right = *l, none = *l;
    int cb = hidden_grids(c, view_rect(v.x, v.y, v.w, v.h - det_h - gap), &below);
    int cr = hidden_grids(c, view_rect(v.x, v.y, v.w - det_w - gap, v.h), &right);
    int cn = hidden_grids(c, v, &none);
    int small = view_px(c, 8);
    if (cb < small && cr < small && cn > cb && cn > cr) {
        *l = none;
        l->detail = view_rect(v.x, v.y + v.h, v.w, 0);
    } else if (4 * cr > 5 * cb) { // beside only when that gives clearly bigger cells
        *l = right;
        l->detail = view_rect(v.x + v.w - det_w, v.y, det_w, v.h);
        l->detail_right = true;
    } else {
        *l = below;
        l->detail = view_rect(v.x, v.y + v.h - det_h, v.w, det_h);
    }
    for (size_t i = 0; i < l->n_grids; i++) { // captions start where the grid does
        int dx = l->grid[i].x - l->caption[i].x;
        if (dx > 0) {
            l->caption[i].x += dx;
            l->caption[i].w -= dx;
        }
    }
}
