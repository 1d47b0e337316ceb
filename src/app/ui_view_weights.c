/* ui_view_weights.c: painting view 2, the first layer's kernels as tiles
 * in one texture, re-made at most four times a second while training. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "core/inspect.h"

static void upload_tiles(ui_ctx *u, const app_state *s, const view_weights_layout *l)
{
    view_ctx vc = app_view_ctx_const(s);
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, s->views.tiles_net);
    UI_SIG(key, l->first);
    UI_SIG(key, l->grid.n);
    if (key == u->tiles_key)
        return;
    u->tiles_key = key;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->tiles_tex, NULL, &pixels, &pitch) != 0)
        return;
    uint8_t tile[CANVAS_N * CANVAS_N * 4];
    for (size_t i = 0; i < l->grid.n && i < UI_TILE_MAX; i++) {
        view_weight_tile(&vc, l->first + i, tile);
        int tx = (int)(i % UI_TILE_COLS) * CANVAS_N, ty = (int)(i / UI_TILE_COLS) * CANVAS_N;
        for (int row = 0; row < CANVAS_N; row++)
            memcpy((uint8_t *)pixels + (size_t)(ty + row) * (size_t)pitch + (size_t)tx * 4,
                   tile + row * CANVAS_N * 4, CANVAS_N * 4);
    }
    SDL_UnlockTexture(u->tiles_tex);
    u->tiles_made++;
}

void ui_view_weights_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_weights_layout l;
    view_weights_layout_of(&s->views, &vc, &l);
    if (l.per_page == 0)
        return;
    size_t units = s->model.net.sizes[1];
    SDL_Rect cap = uv_R(l.caption);
    int cw = text_draw(u->text, FONT_CAPTION, "FIRST-LAYER WEIGHTS", cap.x, cap.y + ui_px(u, 3),
                       UI_DIM, TEXT_LEFT);
    char right[96];
    bool live = training_state(&s->train) == TRAINER_RUNNING;
    if (l.pages > 1)
        snprintf(right, sizeof right, "units %zu–%zu of %zu", l.first + 1, l.first + l.grid.n, units);
    else
        snprintf(right, sizeof right, "%zu units, one tile each%s", units, live ? " · live" : "");
    int right_edge = l.prev.w > 0 ? l.prev.x - ui_px(u, 8) : cap.x + cap.w;
    int tw;
    text_size(u->text, FONT_SMALL, right, &tw, NULL);
    if (right_edge - tw > cap.x + cw + ui_px(u, 10))
        text_draw(u->text, FONT_SMALL, right, right_edge, cap.y + ui_px(u, 2), live ? UI_TRAIN : UI_FAINT,
                  TEXT_RIGHT);
    uv_nav_button(u, s, l.prev, "‹", VIEW_NAV_PREV, l.page > 0);
    uv_nav_button(u, s, l.next, "›", VIEW_NAV_NEXT, l.page + 1 < l.pages);

    upload_tiles(u, s, &l);
    for (size_t i = 0; i < l.grid.n && i < UI_TILE_MAX; i++) {
        SDL_Rect src = {(int)(i % UI_TILE_COLS) * CANVAS_N, (int)(i / UI_TILE_COLS) * CANVAS_N, CANVAS_N,
                        CANVAS_N};
        SDL_Rect dst = uv_R(view_grid_cell(&l.grid, i));
        SDL_RenderCopy(u->renderer, u->tiles_tex, &src, &dst);
    }
    int lw = uv_line_w(u);
    if (s->views.sel_layer == 0 && s->views.sel_unit >= (int)l.first && (size_t)s->views.sel_unit < l.first + l.grid.n)
        uv_outline(u, uv_R(view_grid_cell(&l.grid, (size_t)s->views.sel_unit - l.first)), lw + 1, UI_ACCENT);
    if (s->views.hover_layer == 0 && s->views.hover_unit >= (int)l.first &&
        (size_t)s->views.hover_unit < l.first + l.grid.n)
        uv_outline(u, uv_R(view_grid_cell(&l.grid, (size_t)s->views.hover_unit - l.first)), lw, UI_TEXT);

    // Footer: the unit under the mouse (or pinned), and the legend.
    SDL_Rect f = uv_R(l.footer);
    int layer, unit;
    char line[160];
    int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 3);
    if (uv_unit_on_canvas_view(s, &layer, &unit) && layer == 0) {
        bool known;
        float a = uv_unit_activation(s, 0, unit, &known);
        float scale = 0.0f;
        for (size_t i = 0; i < s->model.net.sizes[0]; i++)
            scale = fmaxf(scale, fabsf(s->model.net.layers[0].kernel[i * units + (size_t)unit]));
        if (known)
            snprintf(line, sizeof line, "Unit %d: weights ±%.3f; %s", unit + 1, (double)scale,
                     a > 0.0f ? "on for this drawing" : "off for this drawing (ReLU)");
        else
            snprintf(line, sizeof line, "Unit %d: weights ±%.3f", unit + 1, (double)scale);
        if (known && a > 0.0f) {
            char v[32];
            snprintf(v, sizeof v, ", %.2f", (double)a);
            strncat(line, v, sizeof line - strlen(line) - 1);
        }
        uv_text_fit(u, FONT_SMALL, line, f.x, f.y, f.w, known && a > 0.0f ? UI_TRAIN : UI_TEXT);
    } else {
        static const char *const each[] = {
            "Each tile: one unit's 784 weights, laid out as the 28×28 input.",
            "Each tile: a unit's 784 weights as 28×28.", "Each tile: one unit's weights."};
        uv_text_fit_alt(u, FONT_SMALL, each, 3, f.x, f.y, f.w, UI_DIM);
    }
    int bw = ui_px(u, 60);
    SDL_Rect bar = {f.x, f.y + lh + ui_px(u, 3), bw, ui_px(u, 8)};
    uv_legend_bar(u, bar);
    static const char *const legend[] = {"blue: ink there lowers the unit, orange: raises it",
                                         "blue lowers the unit, orange raises it",
                                         "blue lowers, orange raises"};
    uv_text_fit_alt(u, FONT_SMALL, legend, 3, bar.x + bw + ui_px(u, 8), f.y + lh,
                    f.w - bw - ui_px(u, 8), UI_FAINT);
}

/* ---- why this answer --------------------------------------------------- */
