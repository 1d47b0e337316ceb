/* ui_view_hidden.c: painting view 1, the hidden units lit by the drawing,
 * and the hovered or pinned unit's details (views.h says what; this paints). */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "core/inspect.h"

/* Unit u of layer 0's incoming weights into the 28x28 unit texture. */
static void upload_unit(ui_ctx *u, const app_state *s, size_t unit)
{
    view_ctx vc = app_view_ctx_const(s);
    uint64_t key = ui_sig(UI_SIG_INIT, &unit, sizeof unit);
    key = ui_sig(key, &s->views.views_net, sizeof s->views.views_net);
    if (key == u->unit_key)
        return;
    u->unit_key = key;
    uint8_t rgba[CANVAS_N * CANVAS_N * 4];
    view_weight_tile(&vc, unit, rgba);
    SDL_UpdateTexture(u->unit_tex, NULL, rgba, CANVAS_N * 4);
}

static void draw_unit_detail(ui_ctx *u, const app_state *s, const view_hidden_layout *l)
{
    view_ctx vc = app_view_ctx_const(s);
    SDL_Rect d = uv_R(l->detail);
    ui_fill(u, (SDL_Rect){d.x, d.y - ui_px(u, 6), d.w, 1}, l->detail_right ? UI_PANEL : UI_PANEL_EDGE);
    int layer, unit;
    if (!uv_unit_on_canvas_view(s, &layer, &unit)) {
        char hint[320];
        snprintf(hint, sizeof hint,
                 "Each cell is one hidden unit: the brighter, the more this drawing turns it on; "
                 "the dark ones ReLU switched off (their output is 0). Hover a unit for its value "
                 "and its incoming weights; click to pin it.");
        uv_text_wrap(u, FONT_SMALL, hint, d, d.y + ui_px(u, 4), UI_FAINT);
        return;
    }
    int side = d.h < ui_px(u, 84) ? d.h : ui_px(u, 84);
    if (l->detail_right)
        side = d.w < ui_px(u, 112) ? d.w : ui_px(u, 112);
    if (side >= CANVAS_N)
        side = side / CANVAS_N * CANVAS_N;
    SDL_Rect pic = {d.x, d.y, side, side};
    float scale;
    size_t inputs = s->model.net.sizes[layer];
    if (layer == 0 && inputs == CANVAS_N * CANVAS_N) {
        upload_unit(u, s, (size_t)unit);
        scale = 0.0f;
        for (size_t i = 0; i < inputs; i++)
            scale = fmaxf(scale, fabsf(s->model.net.layers[0].kernel[i * s->model.net.sizes[1] + (size_t)unit]));
        SDL_RenderCopy(u->renderer, u->unit_tex, NULL, &pic);
    } else {
        // A deeper unit's inputs are the previous layer's units: a grid of them.
        uint8_t rgb[MLP_MAX_UNITS * 3];
        scale = view_incoming_colors(&vc, (size_t)layer, (size_t)unit, rgb);
        view_grid g = view_grid_fit((app_rect){pic.x, pic.y, pic.w, pic.h}, inputs, 1, 0, 1);
        for (size_t i = 0; i < g.n; i++)
            uv_fill_rgb(u, uv_R(view_grid_cell(&g, i)), rgb + 3 * i);
    }
    uv_outline(u, pic, 1, UI_PANEL_EDGE);
    SDL_Rect t = l->detail_right ? (SDL_Rect){d.x, d.y + side + ui_px(u, 8), d.w, d.h - side - ui_px(u, 8)}
                                 : (SDL_Rect){d.x + side + ui_px(u, 14), d.y, d.w - side - ui_px(u, 14), d.h};
    char title[64], value[96], weights[96];
    snprintf(title, sizeof title, "Unit %d of layer %d", unit + 1, layer + 1);
    bool known;
    float a = uv_unit_activation(s, layer, unit, &known);
    if (!known)
        snprintf(value, sizeof value, "draw a digit to see its value");
    else if (a > 0.0f)
        snprintf(value, sizeof value, "output %.3f for this drawing", (double)a);
    else
        snprintf(value, sizeof value, "output 0: switched off by ReLU");
    if (layer == 0)
        snprintf(weights, sizeof weights, "its %zu incoming weights, ±%.3f", inputs, (double)scale);
    else
        snprintf(weights, sizeof weights, "weights from layer %d's %zu units, ±%.3f", layer, inputs,
                 (double)scale);
    int y = t.y + ui_px(u, 1);
    uv_text_fit(u, FONT_BOLD, title, t.x, y, t.w, UI_TEXT);
    y += text_height(u->text, FONT_BOLD) + ui_px(u, 3);
    uv_text_fit(u, FONT_BODY, value, t.x, y, t.w, known && a > 0.0f ? UI_TRAIN : UI_DIM);
    y += text_height(u->text, FONT_BODY) + ui_px(u, 3);
    y = uv_text_wrap(u, FONT_SMALL, weights, t, y, UI_DIM);
    y = uv_text_wrap(u, FONT_SMALL,
                  layer == 0 ? "orange: ink there turns it on, blue: turns it off"
                             : "orange: that unit excites it, blue: inhibits it",
                  t, y, UI_FAINT);
    uv_text_wrap(u, FONT_SMALL,
              s->views.sel_unit == unit && s->views.sel_layer == layer ? "pinned: click it again to let go"
                                                           : "click to pin it (Weights shows it too)",
              t, y, UI_FAINT);
}

void ui_view_hidden_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_hidden_layout l;
    view_hidden_layout_of(&vc, &l);
    if (l.n_grids == 0) {
        SDL_Rect r = ui_rect(s->layout.view);
        text_draw_in(u->text, FONT_SMALL, "this model has no hidden layer", r, UI_FAINT, TEXT_CENTER);
        return;
    }
    static uint8_t rgb[MLP_MAX_UNITS * 3];
    int lw = uv_line_w(u);
    for (size_t i = 0; i < l.n_grids; i++) {
        size_t n = s->model.net.sizes[i + 1];
        size_t zeros = view_hidden_cells(&s->views, &vc, i, rgb);
        SDL_Rect cap = uv_R(l.caption[i]);
        char left[64], right[3][96];
        snprintf(left, sizeof left, "HIDDEN LAYER %zu  ·  %zu UNITS", i + 1, n);
        bool known;
        size_t n_right = 1;
        if (l.detail.h == 0 && s->views.hover_layer == (int)i &&
            (uv_unit_activation(s, (int)i, s->views.hover_unit, &known), known)) {
            // No details box in this small window: the hovered unit's value here.
            float a = uv_unit_activation(s, (int)i, s->views.hover_unit, &known);
            snprintf(right[0], sizeof right[0], "unit %d: %.3f%s", s->views.hover_unit + 1,
                     (double)a, a > 0.0f ? "" : " (off)");
        } else if (s->score.has_guess) {
            /* The count is the article's claim ("more than half"): it gives
             * way to nothing; shorter wordings, then a shorter caption, when
             * the line is narrow (a large UI scale fitted into the window). */
            snprintf(right[0], sizeof right[0], "ReLU switched off %zu of %zu", zeros, n);
            snprintf(right[1], sizeof right[1], "ReLU off: %zu of %zu", zeros, n);
            snprintf(right[2], sizeof right[2], "%zu/%zu off", zeros, n);
            n_right = 3;
        } else {
            snprintf(right[0], sizeof right[0], "draw a digit to light them up");
        }
        int cw, tw = 0;
        size_t pick = n_right;
        for (int pass = 0; pass < 2 && pick == n_right; pass++) {
            if (pass == 1)
                snprintf(left, sizeof left, "LAYER %zu  ·  %zu", i + 1, n);
            text_size(u->text, FONT_CAPTION, left, &cw, NULL);
            int rw = cap.x + cap.w - (cap.x + cw + ui_px(u, 14));
            for (size_t k = 0; k < n_right && pick == n_right; k++) {
                text_size(u->text, FONT_SMALL, right[k], &tw, NULL);
                if (tw <= rw)
                    pick = k;
            }
        }
        text_draw(u->text, FONT_CAPTION, left, cap.x, cap.y + ui_px(u, 3), UI_DIM, TEXT_LEFT);
        if (pick < n_right)
            text_draw(u->text, FONT_SMALL, right[pick], cap.x + cw + ui_px(u, 14),
                      cap.y + ui_px(u, 2), s->score.has_guess ? UI_TRAIN : UI_FAINT, TEXT_LEFT);
        const view_grid *g = &l.grid[i];
        for (size_t k = 0; k < g->n; k++)
            uv_fill_rgb(u, uv_R(view_grid_cell(g, k)), rgb + 3 * k);
        if (s->views.sel_layer == (int)i && s->views.sel_unit >= 0 && (size_t)s->views.sel_unit < g->n)
            uv_outline(u, uv_R(view_grid_cell(g, (size_t)s->views.sel_unit)), lw + 1, UI_ACCENT);
        if (s->views.hover_layer == (int)i && s->views.hover_unit >= 0 && (size_t)s->views.hover_unit < g->n)
            uv_outline(u, uv_R(view_grid_cell(g, (size_t)s->views.hover_unit)), lw, UI_TEXT);
    }
    if (l.detail.h > 0)
        draw_unit_detail(u, s, &l);
}

/* ---- weight images ----------------------------------------------------- */
