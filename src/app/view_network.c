/* view_network.c: view 7, the whole network as a diagram (views.h): the
 * input picture, each dense layer's units lit by the drawing, and each
 * layer's strongest weights as edges between them (explain_strongest_weights).
 * Clicking a unit opens it in the neuron view (views.c). No SDL here. */
#include "views.h"

#include <stdlib.h>
#include <string.h>

void view_network_destroy(views *v)
{
    free(v->network.edges);
    v->network.edges = NULL;
}

/* Layer l's share of the edges (1-based): at most a tenth of its weights,
 * 300, and an even share of what the view holds. */
static size_t edge_budget(const mlp *net, size_t l)
{
    size_t k = VIEW_NETWORK_MAX_EDGES / net->n_layers;
    size_t weights = net->sizes[l - 1] * net->sizes[l];
    size_t tenth = weights / 10 ? weights / 10 : 1;
    k = k < 300 ? k : 300;
    return k < tenth ? k : tenth;
}

void view_network_update(views *v, const view_ctx *c)
{
    view_network_state *n = &v->network;
    if (!c->model->have)
        return;
    const mlp *net = &c->model->net;
    if (!n->edges) {
        n->edges = malloc(VIEW_NETWORK_MAX_EDGES * sizeof *n->edges);
        if (!n->edges)
            return;
        n->edges_net = UINT64_MAX;
    }
    if (n->edges_net != v->views_net) {
        size_t at = 0;
        n->first_edge[0] = 0;
        for (size_t l = 1; l <= net->n_layers; l++) {
            size_t k = edge_budget(net, l);
            if (at + k > VIEW_NETWORK_MAX_EDGES)
                k = VIEW_NETWORK_MAX_EDGES - at;
            at += explain_strongest_weights(&net->layers[l - 1], EXPLAIN_ALL_UNITS, k,
                                            n->edges + at);
            n->first_edge[l] = at;
        }
        n->edges_net = v->views_net;
        n->version++;
    }
    // Where the units are, once per layout, for tests that click one.
    view_network_layout l;
    view_network_layout_of(v, c, &l);
    uint64_t key = 1469598103934665603ull;
    const unsigned char *p = (const unsigned char *)&l;
    for (size_t i = 0; i < sizeof l; i++)
        key = (key ^ p[i]) * 1099511628211ull;
    if (v->view == VIEW_NETWORK && (!n->layout_sent || key != n->layout_key)) {
        n->layout_sent = true;
        n->layout_key = key;
        events_grid g[MLP_MAX_LAYERS];
        for (size_t i = 0; i < l.n_layers; i++)
            g[i] = (events_grid){l.grid[i].x, l.grid[i].y, l.grid[i].cell, l.grid[i].pitch,
                                 l.grid[i].pitch_y, l.grid[i].cols, l.grid[i].n};
        event_network(c->events, net->sizes, l.n_layers, g);
    }
}

size_t view_network_edges(const views *v, size_t layer, const explain_edge **edges)
{
    const view_network_state *n = &v->network;
    if (!n->edges || layer < 1 || layer > MLP_MAX_LAYERS || n->edges_net == UINT64_MAX) {
        *edges = NULL;
        return 0;
    }
    *edges = n->edges + n->first_edge[layer - 1];
    return n->first_edge[layer] - n->first_edge[layer - 1];
}

/* ---- geometry ------------------------------------------------------------ */

/* A column of n cells as large as fit in area (at most max), centred. */
static view_grid column(app_rect area, size_t n, int gap, int max)
{
    view_grid g;
    memset(&g, 0, sizeof g);
    if (n == 0)
        return g;
    int cell = (area.h + gap) / (int)n - gap;
    if (cell > max)
        cell = max;
    if (cell > area.w)
        cell = area.w;
    if (cell < 1)
        return g;
    g.cell = cell;
    g.pitch = g.pitch_y = cell + gap;
    g.cols = 1;
    g.rows = (int)n;
    g.n = n;
    g.x = area.x + (area.w - cell) / 2;
    g.y = area.y + (area.h - ((int)n * g.pitch - gap)) / 2;
    return g;
}

/* Centres a grid vertically in its area. */
static void centre_y(view_grid *g, app_rect area)
{
    int used = g->rows * g->pitch_y - (g->pitch_y - g->cell);
    if (g->n && used < area.h)
        g->y = area.y + (area.h - used) / 2;
}

void view_network_layout_of(const views *v, const view_ctx *c, view_network_layout *l)
{
    (void)v;
    memset(l, 0, sizeof *l);
    if (!c->model->have || c->model->net.n_layers < 1)
        return;
    const mlp *net = &c->model->net;
    app_rect in = view_inner(c);
    int cap = view_caption_h(c), foot = view_px(c, 34), gap = view_px(c, 6);
    l->caption = view_rect(in.x, in.y, in.w, cap);
    l->footer = view_rect(in.x, in.y + in.h - foot, in.w, foot);
    app_rect a = view_rect(in.x, in.y + cap, in.w, in.h - cap - foot - gap);
    l->n_layers = net->n_layers;
    size_t hidden = net->n_layers - 1;
    /* Across: the input, then each hidden layer's grid, then the outputs
     * with their labels, with room between the columns for the edges. */
    int label_w = view_px(c, 54);
    int out_w = view_px(c, 18);
    int pic = a.h < a.w * 24 / 100 ? a.h : a.w * 24 / 100;
    if (pic >= CANVAS_N)
        pic = pic / CANVAS_N * CANVAS_N;
    int rest = a.w - pic - out_w - label_w;
    // Three or more hidden layers share half the width (each its own grid),
    // so that a wide one (256 units) keeps cells of 2 px in a short view.
    int hid_w = hidden ? (hidden >= 3 ? rest / 2 : rest * 2 / 5) / (int)hidden : 0;
    int span = (rest - hid_w * (int)hidden) / (int)net->n_layers; // each layer's edges
    l->image = net->sizes[0] == CANVAS_N * CANVAS_N;
    int x = a.x;
    if (l->image) {
        l->input = view_rect(x, a.y + (a.h - pic) / 2, pic, pic);
    } else {
        l->input = view_rect(x, a.y, pic, a.h);
        l->in_grid = view_grid_fit(l->input, net->sizes[0], 1, view_px(c, 14), 1);
        centre_y(&l->in_grid, l->input);
    }
    x += pic + span;
    int cgap = view_px(c, 2) > 1 ? view_px(c, 2) : 1;
    for (size_t i = 0; i < hidden; i++) {
        app_rect col = view_rect(x, a.y, hid_w, a.h);
        size_t units = net->sizes[i + 1];
        l->grid[i] = view_grid_fit(col, units, units > 128 ? 1 : cgap, view_px(c, 16), 1);
        centre_y(&l->grid[i], col);
        x += hid_w + span;
    }
    l->grid[hidden] = column(view_rect(x, a.y, out_w, a.h), net->sizes[net->n_layers], cgap,
                             view_px(c, 18));
    l->out_labels = view_rect(x + out_w + view_px(c, 4), a.y, a.x + a.w - x - out_w - view_px(c, 4),
                              a.h);
}

void view_network_point(const view_network_layout *l, size_t layer, size_t unit, size_t width,
                        float *x, float *y)
{
    if (layer == 0 && l->image) {
        size_t w = width ? width : CANVAS_N;
        *x = (float)l->input.x + ((float)(unit % w) + 0.5f) * (float)l->input.w / (float)w;
        *y = (float)l->input.y + ((float)(unit / w) + 0.5f) * (float)l->input.h / (float)w;
        return;
    }
    const view_grid *g = layer == 0 ? &l->in_grid : &l->grid[layer - 1];
    app_rect r = view_grid_cell(g, unit);
    *x = (float)r.x + (float)r.w / 2;
    *y = (float)r.y + (float)r.h / 2;
}

bool view_network_unit_at(const view_network_layout *l, float x, float y, int *layer, int *unit)
{
    for (size_t i = 0; i < l->n_layers; i++) {
        int u = view_grid_at(&l->grid[i], x, y);
        if (u >= 0) {
            *layer = (int)i + 1;
            *unit = u;
            return true;
        }
    }
    return false;
}
