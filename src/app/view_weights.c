/* view_weights.c: view 2, the first layer's kernels as tiles (views.h). */
#include "views.h"

#include <string.h>

#include "core/inspect.h"

float view_weight_tile(const view_ctx *c, size_t unit, uint8_t *rgba)
{
    if (!c->model->have || unit >= c->model->net.sizes[1]) {
        memset(rgba, 0, CANVAS_N * CANVAS_N * 4);
        return 0.0f;
    }
    return inspect_weight_tile(&c->model->net, unit, CANVAS_N, CANVAS_N, rgba);
}

void view_weights_layout_of(const views *vs, const view_ctx *c, view_weights_layout *l)
{
    memset(l, 0, sizeof *l);
    if (!c->model->have || c->model->net.n_layers < 1)
        return;
    app_rect v = view_inner(c);
    int cap = view_caption_h(c), foot = view_px(c, 40);
    l->caption = view_rect(v.x, v.y, v.w, cap);
    l->footer = view_rect(v.x, v.y + v.h - foot, v.w, foot);
    app_rect area = view_rect(v.x, v.y + cap, v.w, v.h - cap - foot - view_px(c, 6));
    size_t units = c->model->net.sizes[1];
    int gap = view_px(c, 2) > 1 ? view_px(c, 2) : 1;
    int min_cell = view_px(c, 14);
    size_t cols = (size_t)((area.w + gap) / (min_cell + gap));
    size_t rows = (size_t)((area.h + gap) / (min_cell + gap));
    size_t fit = cols * rows;
    if (fit < 1)
        fit = 1;
    l->per_page = units < fit ? units : fit;
    if (l->per_page > 256)
        l->per_page = 256;
    if (l->per_page == 0)
        return;
    l->pages = (units + l->per_page - 1) / l->per_page;
    l->page = vs->weights.page < l->pages ? vs->weights.page : l->pages - 1;
    l->first = l->page * l->per_page;
    l->grid = view_grid_fit(area, l->per_page, gap, 4 * CANVAS_N, CANVAS_N);
    l->grid.n = units - l->first < l->per_page ? units - l->first : l->per_page;
    // Centre the grid vertically too, when it is smaller than its room.
    int used = l->grid.rows * l->grid.pitch - gap;
    if (used < area.h)
        l->grid.y += (area.h - used) / 4;
    if (l->pages > 1) {
        int bw = view_px(c, 26), bh = cap - view_px(c, 4);
        l->next = view_rect(v.x + v.w - bw, v.y, bw, bh);
        l->prev = view_rect(l->next.x - view_px(c, 4) - bw, v.y, bw, bh);
    }
}
