/* ui_views.c: the tab strip and the views beside the canvas (ui.h). What
 * each view shows and where its parts go come from views.h; this file only
 * paints them. Pictures (weight tiles, the saliency map, the gallery) live
 * in streaming textures that are re-made only when their key changes: the
 * weight tiles at most four times a second while training. */
#include "common/format.h"
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/inspect.h"
#include "views.h"

#define ATLAS_SIDE (UI_TILE_COLS * CANVAS_N)

static SDL_Texture *streaming(SDL_Renderer *r, int w, int h)
{
    SDL_Texture *t = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (t)
        SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    return t;
}

bool ui_views_init(ui_ctx *u)
{
    u->tiles_tex = streaming(u->renderer, ATLAS_SIDE, ATLAS_SIDE);
    u->thumbs_tex = streaming(u->renderer, ATLAS_SIDE, ATLAS_SIDE);
    u->unit_tex = streaming(u->renderer, CANVAS_N, CANVAS_N);
    u->heat_tex = streaming(u->renderer, CANVAS_N, CANVAS_N);
    u->tiles_key = u->thumbs_key = u->unit_key = u->heat_key = 0;
    if (u->thumbs_tex)
        SDL_SetTextureScaleMode(u->thumbs_tex, SDL_ScaleModeLinear);
    return u->tiles_tex && u->thumbs_tex && u->unit_tex && u->heat_tex;
}

void ui_views_destroy(ui_ctx *u)
{
    SDL_Texture **all[] = {&u->tiles_tex, &u->thumbs_tex, &u->unit_tex, &u->heat_tex};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (*all[i])
            SDL_DestroyTexture(*all[i]);
        *all[i] = NULL;
    }
}

/* ---- helpers ----------------------------------------------------------- */

static SDL_Rect R(app_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

static void outline(ui_ctx *u, SDL_Rect r, int w, SDL_Color c)
{
    ui_fill(u, (SDL_Rect){r.x - w, r.y - w, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y + r.h, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y, w, r.h}, c);
    ui_fill(u, (SDL_Rect){r.x + r.w, r.y, w, r.h}, c);
}

static int line_w(const ui_ctx *u)
{
    int w = ui_px(u, 1.5f);
    return w < 1 ? 1 : w;
}

static void fill_rgb(ui_ctx *u, SDL_Rect r, const uint8_t rgb[3])
{
    ui_fill(u, r, (SDL_Color){rgb[0], rgb[1], rgb[2], 255});
}

/* A small square button with a glyph (page arrows, close). */
static void nav_button(ui_ctx *u, const app_state *s, app_rect r, const char *glyph, view_nav id,
                       bool enabled)
{
    if (r.w <= 0)
        return;
    bool hover = enabled && s->views.hover_nav == (int)id;
    ui_fill_round(u, R(r), (float)ui_px(u, 5), hover ? UI_BUTTON_HOVER : UI_BUTTON);
    text_draw_in(u->text, FONT_BOLD, glyph, R(r), enabled ? UI_TEXT : UI_FAINT, TEXT_CENTER);
}

/* The diverging map as a horizontal bar from -1 to 1. */
static void legend_bar(ui_ctx *u, SDL_Rect r)
{
    for (int x = 0; x < r.w; x++) {
        uint8_t rgb[3];
        inspect_color(2.0f * ((float)x + 0.5f) / (float)r.w - 1.0f, 1.0f, rgb);
        ui_fill(u, (SDL_Rect){r.x + x, r.y, 1, r.h}, (SDL_Color){rgb[0], rgb[1], rgb[2], 255});
    }
}

/* Text clipped to the width w from x. */
static void text_fit(ui_ctx *u, text_font f, const char *txt, int x, int y, int w, SDL_Color c)
{
    ui_clip(u, (SDL_Rect){x, y, w, text_height(u->text, f) + 2});
    text_draw(u->text, f, txt, x, y, c, TEXT_LEFT);
    ui_unclip(u);
}

/* txt word-wrapped to r's width from y (lines that would leave r are
 * dropped); returns the y under the last line. */
static int text_wrap(ui_ctx *u, text_font f, const char *txt, SDL_Rect r, int y, SDL_Color c)
{
    int lh = text_height(u->text, f) + ui_px(u, 2);
    int space;
    text_size(u->text, f, " ", &space, NULL);
    char line[256] = "", word[128];
    size_t used = 0;
    int line_w = 0;
    const char *p = txt;
    // Each word measured once (not the growing line): this runs on every redraw.
    while (*p && y + lh <= r.y + r.h) {
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        if (n >= sizeof word)
            n = sizeof word - 1;
        memcpy(word, p, n);
        word[n] = '\0';
        int ww;
        text_size(u->text, f, word, &ww, NULL);
        bool wrap = used + 1 + n >= sizeof line;
        if (used && !wrap && 10 * (line_w + space + ww) > 8 * r.w) {
            // Near the edge the sum of the words' widths is not exact (kerning, the
            // spaces): measure the line itself.
            char trial[256 + 128];
            snprintf(trial, sizeof trial, "%s %s", line, word);
            int tw;
            text_size(u->text, f, trial, &tw, NULL);
            wrap = tw > r.w;
        }
        if (used && wrap) {
            text_fit(u, f, line, r.x, y, r.w, c);
            y += lh;
            used = 0;
            line_w = 0;
        }
        if (used) {
            line[used++] = ' ';
            line_w += space;
        }
        memcpy(line + used, word, n + 1);
        used += n;
        line_w += ww;
        p = q;
        while (*p == ' ')
            p++;
    }
    if (used && y + lh <= r.y + r.h) {
        text_fit(u, f, line, r.x, y, r.w, c);
        y += lh;
    }
    return y;
}

static bool unit_on_canvas_view(const app_state *s, int *layer, int *unit)
{
    if (s->views.hover_unit >= 0) {
        *layer = s->views.hover_layer;
        *unit = s->views.hover_unit;
        return true;
    }
    if (s->views.sel_unit >= 0) {
        *layer = s->views.sel_layer;
        *unit = s->views.sel_unit;
        return true;
    }
    return false;
}

static float unit_activation(const app_state *s, int layer, int unit, bool *known)
{
    *known = s->score.has_guess && s->views.hidden.acts && s->views.hidden.acts_input == s->views.views_input;
    if (!*known)
        return 0.0f;
    return s->views.hidden.acts[inspect_layer_offset(&s->model.net, (size_t)layer) + (size_t)unit];
}

/* ---- tabs -------------------------------------------------------------- */

/* The tabs' labels: the long names where all fit, else the short ones,
 * each after its key where all keys fit too; a smaller font when needed. */
static void tab_style(ui_ctx *u, const app_state *s, bool *all_long, bool *keys, text_font *font)
{
    static const text_font fonts[] = {FONT_BOLD, FONT_BODY, FONT_SMALL};
    *all_long = false;
    *keys = false;
    *font = FONT_SMALL;
    for (int f = 0; f < 3; f++) {
        for (int style = 0; style < 3; style++) { // long + key, short + key, short
            bool fits = true;
            for (int v = 0; v < VIEW_COUNT && fits; v++) {
                char name[64];
                snprintf(name, sizeof name, "%s", view_label((app_view)v));
                char *bar = strchr(name, '|');
                *bar = '\0';
                int w, kw = 0;
                text_size(u->text, fonts[f], style == 0 ? name : bar + 1, &w, NULL);
                if (style < 2)
                    text_size(u->text, FONT_SMALL, "5", &kw, NULL);
                fits = w + (style < 2 ? kw + ui_px(u, 6) : 0) + ui_px(u, 12) <=
                       s->layout.buttons[BTN_TAB_HIDDEN + v].w;
            }
            if (fits || (f == 2 && style == 2)) {
                *all_long = style == 0;
                *keys = style < 2;
                *font = fonts[f];
                return;
            }
        }
    }
}

void ui_draw_tabs(ui_ctx *u, const app_state *s)
{
    bool all_long = false, keys = false;
    text_font font = FONT_SMALL;
    tab_style(u, s, &all_long, &keys, &font);
    for (int v = 0; v < VIEW_COUNT; v++) {
        layout_button b = (layout_button)(BTN_TAB_HIDDEN + v);
        SDL_Rect r = ui_rect(s->layout.buttons[b]);
        bool active = (int)s->views.view == v, hover = s->hover == b;
        ui_fill_round(u, r, (float)ui_px(u, 6), active ? UI_ACCENT_DIM : hover ? UI_BUTTON_HOVER : UI_BUTTON);
        if (active)
            ui_fill(u, (SDL_Rect){r.x + ui_px(u, 8), r.y + r.h - ui_px(u, 3), r.w - ui_px(u, 16), ui_px(u, 2)},
                    UI_ACCENT);
        char name[64];
        snprintf(name, sizeof name, "%s", view_label((app_view)v));
        char *bar = strchr(name, '|');
        const char *shown = all_long ? name : bar + 1;
        *bar = '\0';
        char key[4];
        snprintf(key, sizeof key, "%d", v + 1);
        int nw, kw = 0, gap = keys ? ui_px(u, 6) : 0;
        text_size(u->text, font, shown, &nw, NULL);
        if (keys)
            text_size(u->text, FONT_SMALL, key, &kw, NULL);
        int x = r.x + (r.w - nw - kw - gap) / 2;
        ui_clip(u, r);
        if (keys) {
            text_draw_in(u->text, FONT_SMALL, key, (SDL_Rect){x, r.y, kw, r.h},
                         active ? UI_TEXT : UI_FAINT, TEXT_LEFT);
            x += kw + gap;
        }
        text_draw_in(u->text, font, shown, (SDL_Rect){x, r.y, nw, r.h},
                     active || hover ? UI_TEXT : (SDL_Color){210, 214, 224, 255}, TEXT_LEFT);
        ui_unclip(u);
    }
}

/* ---- hidden layer ------------------------------------------------------ */

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
    SDL_Rect d = R(l->detail);
    ui_fill(u, (SDL_Rect){d.x, d.y - ui_px(u, 6), d.w, 1}, l->detail_right ? UI_PANEL : UI_PANEL_EDGE);
    int layer, unit;
    if (!unit_on_canvas_view(s, &layer, &unit)) {
        char hint[320];
        snprintf(hint, sizeof hint,
                 "Each cell is one hidden unit: the brighter, the more this drawing turns it on; "
                 "the dark ones ReLU switched off (their output is 0). Hover a unit for its value "
                 "and its incoming weights; click to pin it.");
        text_wrap(u, FONT_SMALL, hint, d, d.y + ui_px(u, 4), UI_FAINT);
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
            fill_rgb(u, R(view_grid_cell(&g, i)), rgb + 3 * i);
    }
    outline(u, pic, 1, UI_PANEL_EDGE);
    SDL_Rect t = l->detail_right ? (SDL_Rect){d.x, d.y + side + ui_px(u, 8), d.w, d.h - side - ui_px(u, 8)}
                                 : (SDL_Rect){d.x + side + ui_px(u, 14), d.y, d.w - side - ui_px(u, 14), d.h};
    char title[64], value[96], weights[96];
    snprintf(title, sizeof title, "Unit %d of layer %d", unit + 1, layer + 1);
    bool known;
    float a = unit_activation(s, layer, unit, &known);
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
    text_fit(u, FONT_BOLD, title, t.x, y, t.w, UI_TEXT);
    y += text_height(u->text, FONT_BOLD) + ui_px(u, 3);
    text_fit(u, FONT_BODY, value, t.x, y, t.w, known && a > 0.0f ? UI_TRAIN : UI_DIM);
    y += text_height(u->text, FONT_BODY) + ui_px(u, 3);
    y = text_wrap(u, FONT_SMALL, weights, t, y, UI_DIM);
    y = text_wrap(u, FONT_SMALL,
                  layer == 0 ? "orange: ink there turns it on, blue: turns it off"
                             : "orange: that unit excites it, blue: inhibits it",
                  t, y, UI_FAINT);
    text_wrap(u, FONT_SMALL,
              s->views.sel_unit == unit && s->views.sel_layer == layer ? "pinned: click it again to let go"
                                                           : "click to pin it (Weights shows it too)",
              t, y, UI_FAINT);
}

static void draw_hidden(ui_ctx *u, const app_state *s)
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
    int lw = line_w(u);
    for (size_t i = 0; i < l.n_grids; i++) {
        size_t n = s->model.net.sizes[i + 1];
        size_t zeros = view_hidden_cells(&s->views, &vc, i, rgb);
        SDL_Rect cap = R(l.caption[i]);
        char left[64], right[96];
        snprintf(left, sizeof left, "HIDDEN LAYER %zu  ·  %zu UNITS", i + 1, n);
        int cw = text_draw(u->text, FONT_CAPTION, left, cap.x, cap.y + ui_px(u, 3), UI_DIM, TEXT_LEFT);
        bool known;
        if (l.detail.h == 0 && s->views.hover_layer == (int)i &&
            (unit_activation(s, (int)i, s->views.hover_unit, &known), known)) {
            // No details box in this small window: the hovered unit's value here.
            float a = unit_activation(s, (int)i, s->views.hover_unit, &known);
            snprintf(right, sizeof right, "unit %d: %.3f%s", s->views.hover_unit + 1, (double)a,
                     a > 0.0f ? "" : " (off)");
        } else if (s->score.has_guess) {
            snprintf(right, sizeof right, "ReLU switched off %zu of %zu", zeros, n);
        } else {
            snprintf(right, sizeof right, "draw a digit to light them up");
        }
        int x = cap.x + cw + ui_px(u, 14);
        int rw = cap.x + cap.w - x;
        int tw;
        text_size(u->text, FONT_SMALL, right, &tw, NULL);
        if (tw <= rw)
            text_draw(u->text, FONT_SMALL, right, x, cap.y + ui_px(u, 2),
                      s->score.has_guess ? UI_TRAIN : UI_FAINT, TEXT_LEFT);
        const view_grid *g = &l.grid[i];
        for (size_t k = 0; k < g->n; k++)
            fill_rgb(u, R(view_grid_cell(g, k)), rgb + 3 * k);
        if (s->views.sel_layer == (int)i && s->views.sel_unit >= 0 && (size_t)s->views.sel_unit < g->n)
            outline(u, R(view_grid_cell(g, (size_t)s->views.sel_unit)), lw + 1, UI_ACCENT);
        if (s->views.hover_layer == (int)i && s->views.hover_unit >= 0 && (size_t)s->views.hover_unit < g->n)
            outline(u, R(view_grid_cell(g, (size_t)s->views.hover_unit)), lw, UI_TEXT);
    }
    if (l.detail.h > 0)
        draw_unit_detail(u, s, &l);
}

/* ---- weight images ----------------------------------------------------- */

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

static void draw_weights(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_weights_layout l;
    view_weights_layout_of(&s->views, &vc, &l);
    if (l.per_page == 0)
        return;
    size_t units = s->model.net.sizes[1];
    SDL_Rect cap = R(l.caption);
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
    nav_button(u, s, l.prev, "‹", VIEW_NAV_PREV, l.page > 0);
    nav_button(u, s, l.next, "›", VIEW_NAV_NEXT, l.page + 1 < l.pages);

    upload_tiles(u, s, &l);
    for (size_t i = 0; i < l.grid.n && i < UI_TILE_MAX; i++) {
        SDL_Rect src = {(int)(i % UI_TILE_COLS) * CANVAS_N, (int)(i / UI_TILE_COLS) * CANVAS_N, CANVAS_N,
                        CANVAS_N};
        SDL_Rect dst = R(view_grid_cell(&l.grid, i));
        SDL_RenderCopy(u->renderer, u->tiles_tex, &src, &dst);
    }
    int lw = line_w(u);
    if (s->views.sel_layer == 0 && s->views.sel_unit >= (int)l.first && (size_t)s->views.sel_unit < l.first + l.grid.n)
        outline(u, R(view_grid_cell(&l.grid, (size_t)s->views.sel_unit - l.first)), lw + 1, UI_ACCENT);
    if (s->views.hover_layer == 0 && s->views.hover_unit >= (int)l.first &&
        (size_t)s->views.hover_unit < l.first + l.grid.n)
        outline(u, R(view_grid_cell(&l.grid, (size_t)s->views.hover_unit - l.first)), lw, UI_TEXT);

    // Footer: the unit under the mouse (or pinned), and the legend.
    SDL_Rect f = R(l.footer);
    int layer, unit;
    char line[160];
    int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 3);
    if (unit_on_canvas_view(s, &layer, &unit) && layer == 0) {
        bool known;
        float a = unit_activation(s, 0, unit, &known);
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
        text_fit(u, FONT_SMALL, line, f.x, f.y, f.w, known && a > 0.0f ? UI_TRAIN : UI_TEXT);
    } else {
        text_fit(u, FONT_SMALL, "Each tile: one unit's 784 weights, laid out as the 28×28 input.",
                 f.x, f.y, f.w, UI_DIM);
    }
    int bw = ui_px(u, 60);
    SDL_Rect bar = {f.x, f.y + lh + ui_px(u, 3), bw, ui_px(u, 8)};
    legend_bar(u, bar);
    text_fit(u, FONT_SMALL, "blue: ink there lowers the unit, orange: raises it",
             bar.x + bw + ui_px(u, 8), f.y + lh, f.w - bw - ui_px(u, 8), UI_FAINT);
}

/* ---- why this answer --------------------------------------------------- */

static void upload_heat(ui_ctx *u, const app_state *s)
{
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, s->views.why.saliency_version);
    if (key == u->heat_key)
        return;
    u->heat_key = key;
    float scale = view_saliency_scale(&s->views);
    uint8_t rgba[CANVAS_N * CANVAS_N * 4];
    for (size_t i = 0; i < CANVAS_N * CANVAS_N; i++) {
        uint8_t *p = rgba + 4 * i;
        inspect_color(s->views.why.saliency[i], scale, p);
        // A faint trace of the ink, so the digit stays readable where the map is near zero.
        float lift = 34.0f * s->score.input[i];
        for (int k = 0; k < 3; k++) {
            float v = (float)p[k] + lift;
            p[k] = (uint8_t)(v > 255.0f ? 255.0f : v);
        }
        p[3] = 255;
    }
    SDL_UpdateTexture(u->heat_tex, NULL, rgba, CANVAS_N * 4);
}

static void draw_why(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_why_layout l;
    view_why_layout_of(&vc, &l);
    int cls = view_why_class(&s->views, &vc);
    const char *label = cls >= 0 ? model_slot_label(&s->model, (size_t)cls) : "";
    SDL_Rect cap = R(l.caption);
    char title[96];
    if (cls >= 0 && s->views.why.gradient)
        snprintf(title, sizeof title, "WHERE INK WOULD PUSH %s UP OR DOWN", label);
    else if (cls >= 0)
        snprintf(title, sizeof title, "WHY %s?  WHICH PIXELS PUSHED ITS SCORE", label);
    else
        snprintf(title, sizeof title, "WHY THIS ANSWER");
    text_fit(u, FONT_CAPTION, title, cap.x, cap.y + ui_px(u, 3), cap.w, UI_DIM);

    SDL_Rect heat = R(l.heat);
    ui_fill(u, (SDL_Rect){heat.x - 1, heat.y - 1, heat.w + 2, heat.h + 2}, UI_PANEL_EDGE);
    if (!s->views.why.has_saliency) {
        ui_fill(u, heat, (SDL_Color){24, 24, 28, 255});
        const char *lines[] = {"Draw a digit", "(or press T for", "a test image)"};
        int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 2);
        for (int i = 0; i < 3; i++)
            text_draw(u->text, FONT_SMALL, lines[i], heat.x + heat.w / 2,
                      heat.y + heat.h / 2 - 3 * lh / 2 + i * lh, UI_FAINT, TEXT_CENTER);
    } else {
        upload_heat(u, s);
        SDL_RenderCopy(u->renderer, u->heat_tex, NULL, &heat);
        // MNIST's 20x20 box, as on the canvas.
        float cell = (float)heat.w / (float)CANVAS_N;
        int b0 = (int)lroundf(4 * cell), b1 = (int)lroundf(24 * cell);
        SDL_SetRenderDrawColor(u->renderer, 255, 255, 255, 22);
        SDL_RenderDrawRect(u->renderer, &(SDL_Rect){heat.x + b0, heat.y + b0, b1 - b0, b1 - b0});
    }

    SDL_Rect side = R(l.side);
    if (side.w < ui_px(u, 60))
        return;
    int y = side.y;
    if (cls >= 0) {
        int big = text_height(u->text, FONT_BIG);
        int w = text_draw(u->text, FONT_BIG, label, side.x, y - ui_px(u, 6), s->score.sure || cls != (int)s->score.guess ? UI_ACCENT : UI_TRAIN,
                          TEXT_LEFT);
        char p[64];
        snprintf(p, sizeof p, "P = %.1f %%", (double)(s->score.probs[cls] * 100.0f));
        int tx = side.x + w + ui_px(u, 12), room = side.x + side.w - tx;
        int pw;
        text_size(u->text, FONT_TITLE, p, &pw, NULL);
        text_font pf = pw <= room ? FONT_TITLE : FONT_BOLD;
        text_fit(u, pf, p, tx, y + ui_px(u, 6), room, UI_TEXT);
        bool clicked = s->views.why.why_class >= 0 && s->views.why.why_class == cls;
        const char *who = clicked ? "the class you clicked" : "the network's answer";
        int ww;
        text_size(u->text, FONT_SMALL, who, &ww, NULL);
        if (ww > room)
            who = clicked ? "clicked" : "the answer";
        text_fit(u, FONT_SMALL, who, tx, y + ui_px(u, 6) + text_height(u->text, pf) + ui_px(u, 2), room,
                 UI_DIM);
        y += big - ui_px(u, 4);
    }
    // Legend: the map's colours and what they mean.
    SDL_Rect bar = {side.x, y, side.w < ui_px(u, 180) ? side.w : ui_px(u, 180), ui_px(u, 10)};
    legend_bar(u, bar);
    y += bar.h + ui_px(u, 4);
    text_draw(u->text, FONT_SMALL, "down", bar.x, y, UI_FAINT, TEXT_LEFT);
    text_draw(u->text, FONT_SMALL, "0", bar.x + bar.w / 2, y, UI_FAINT, TEXT_CENTER);
    text_draw(u->text, FONT_SMALL, "up", bar.x + bar.w, y, UI_FAINT, TEXT_RIGHT);
    y += text_height(u->text, FONT_SMALL) + ui_px(u, 8);
    char red[96], blue[96];
    const char *up_verb = s->views.why.gradient ? "ink here raises" : "pushed";
    const char *down_verb = s->views.why.gradient ? "ink here lowers" : "pulled";
    snprintf(red, sizeof red, "red: %s %s%s", up_verb, cls >= 0 ? label : "the class",
             s->views.why.gradient ? "" : " up");
    snprintf(blue, sizeof blue, "blue: %s %s%s", down_verb, cls >= 0 ? label : "the class",
             s->views.why.gradient ? "" : " down");
    int lh = text_height(u->text, FONT_BODY) + ui_px(u, 2);
    text_fit(u, FONT_BODY, red, side.x, y, side.w, (SDL_Color){255, 150, 90, 255});
    y += lh;
    text_fit(u, FONT_BODY, blue, side.x, y, side.w, (SDL_Color){120, 160, 255, 255});
    y += lh + ui_px(u, 6);
    if (s->views.why.has_saliency) {
        float up, down;
        view_saliency_sums(&s->views, &up, &down);
        char sums[96];
        snprintf(sums, sizeof sums, "in all  +%.2f  %.2f", (double)up, (double)down);
        text_fit(u, FONT_MONO, sums, side.x, y, side.w, UI_DIM);
        y += text_height(u->text, FONT_MONO) + ui_px(u, 8);
    }
    text_wrap(u, FONT_SMALL,
              s->views.why.gradient
                  ? "Gradient of the class's score (its logit) for every pixel, inked or "
                    "not: where more ink would raise or lower it, such as the gap at the "
                    "top of a 4. G: back to gradient × input."
                  : "Gradient × input of the class's score (its logit): each pixel's ink "
                    "times how much the score moves with it. Click a bar to explain "
                    "another class; G shows the plain gradient.",
              side, y, UI_FAINT);
}

/* ---- mistakes ---------------------------------------------------------- */

static void upload_thumbs(ui_ctx *u, const app_state *s, const view_mistakes_layout *l)
{
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, s->views.mistakes.gallery_version);
    UI_SIG(key, s->views.mistakes.gallery_first);
    UI_SIG(key, l->thumbs.n);
    if (key == u->thumbs_key)
        return;
    u->thumbs_key = key;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->thumbs_tex, NULL, &pixels, &pitch) != 0)
        return;
    const dataset *d = &s->train.data.test;
    for (size_t i = 0; i < l->thumbs.n && i < UI_TILE_MAX; i++) {
        size_t idx = s->views.mistakes.gallery[s->views.mistakes.gallery_first + i];
        const uint8_t *img = d->images + idx * CANVAS_N * CANVAS_N;
        int tx = (int)(i % UI_TILE_COLS) * CANVAS_N, ty = (int)(i / UI_TILE_COLS) * CANVAS_N;
        for (int row = 0; row < CANVAS_N; row++) {
            uint8_t *dst = (uint8_t *)pixels + (size_t)(ty + row) * (size_t)pitch + (size_t)tx * 4;
            for (int col = 0; col < CANVAS_N; col++) {
                uint8_t v = img[row * CANVAS_N + col];
                dst[4 * col] = dst[4 * col + 1] = v;
                dst[4 * col + 2] = (uint8_t)(v + (255 - v) * 8 / 255);
                dst[4 * col + 3] = 255;
            }
        }
    }
    SDL_UnlockTexture(u->thumbs_tex);
}

/* With no cell open: how to open one, and the most frequent mistakes. */
static void draw_gallery_hint(ui_ctx *u, const app_state *s, SDL_Rect g)
{
    int y = text_wrap(u, FONT_BODY, "Click a cell to see its test images; click an image to put it on the canvas.",
                      g, g.y + ui_px(u, 2), UI_DIM);
    y += ui_px(u, 10);
    text_draw(u->text, FONT_CAPTION, "MOST OFTEN CONFUSED", g.x, y, UI_DIM, TEXT_LEFT);
    y += text_height(u->text, FONT_CAPTION) + ui_px(u, 6);
    bool used[10][10] = {{false}};
    for (int k = 0; k < 6; k++) {
        int bt = -1, bp = -1;
        for (int t = 0; t < 10; t++)
            for (int p = 0; p < 10; p++)
                if (t != p && !used[t][p] && s->views.mistakes.confusion[t][p] &&
                    (bt < 0 || s->views.mistakes.confusion[t][p] > s->views.mistakes.confusion[bt][bp])) {
                    bt = t;
                    bp = p;
                }
        if (bt < 0)
            break;
        used[bt][bp] = true;
        char line[96];
        snprintf(line, sizeof line, "%s read as %s", model_slot_label(&s->model, (size_t)bt), model_slot_label(&s->model, (size_t)bp));
        int lh = text_height(u->text, FONT_BODY) + ui_px(u, 3);
        if (y + lh > g.y + g.h)
            break;
        text_fit(u, FONT_BODY, line, g.x, y, g.w, UI_TEXT);
        char num[16];
        snprintf(num, sizeof num, "%u", s->views.mistakes.confusion[bt][bp]);
        text_draw(u->text, FONT_MONO, num, g.x + g.w, y + ui_px(u, 1), (SDL_Color){255, 160, 150, 255},
                  TEXT_RIGHT);
        y += lh;
    }
}

static void draw_gallery(ui_ctx *u, const app_state *s, const view_mistakes_layout *l)
{
    SDL_Rect g = R(l->gallery);
    if (g.w <= 0)
        return;
    if (l->show_matrix)
        ui_fill(u, (SDL_Rect){g.x - ui_px(u, 8), g.y, 1, g.h}, UI_PANEL_EDGE);
    if (s->views.mistakes.gallery_true == VIEW_NO_CELL) {
        draw_gallery_hint(u, s, g);
        return;
    }
    const char *t = model_slot_label(&s->model, (size_t)s->views.mistakes.gallery_true), *p = model_slot_label(&s->model, (size_t)s->views.mistakes.gallery_pred);
    char title[96];
    SDL_Rect cap = R(l->gallery_caption);
    int room = l->prev.x - cap.x - ui_px(u, 4);
    if (s->views.mistakes.gallery_true == s->views.mistakes.gallery_pred)
        snprintf(title, sizeof title, "%s read right: %zu", t, s->views.mistakes.n_gallery);
    else
        snprintf(title, sizeof title, "%s read as %s: %zu", t, p, s->views.mistakes.n_gallery);
    int tw;
    text_size(u->text, FONT_BOLD, title, &tw, NULL);
    if (tw > room)
        snprintf(title, sizeof title, "%s→%s: %zu", t, p, s->views.mistakes.n_gallery);
    text_fit(u, FONT_BOLD, s->views.mistakes.has_preds ? title : "waiting…", cap.x, cap.y + ui_px(u, 2), room,
             UI_TEXT);
    bool more = s->views.mistakes.gallery_first + l->thumbs.n < s->views.mistakes.n_gallery;
    nav_button(u, s, l->prev, "‹", VIEW_NAV_PREV, s->views.mistakes.gallery_first > 0);
    nav_button(u, s, l->next, "›", VIEW_NAV_NEXT, more);
    nav_button(u, s, l->close, "×", VIEW_NAV_CLOSE, true);
    if (!s->views.mistakes.has_preds || s->views.mistakes.n_gallery == 0) {
        if (s->views.mistakes.has_preds)
            text_draw(u->text, FONT_SMALL, "no test image here", g.x, cap.y + cap.h + ui_px(u, 8),
                      UI_FAINT, TEXT_LEFT);
        return;
    }
    upload_thumbs(u, s, l);
    const view_grid *tg = &l->thumbs;
    // Under each image its true label, the answer and its probability; just
    // the probability where the longest of those would not fit (the caption
    // above says the rest).
    char widest[48];
    snprintf(widest, sizeof widest, "%s→%s 100%%", t, p);
    int ww;
    text_size(u->text, FONT_SMALL, widest, &ww, NULL);
    bool full = ww <= tg->pitch - ui_px(u, 3);
    for (size_t i = 0; i < tg->n && i < UI_TILE_MAX; i++) {
        size_t idx = s->views.mistakes.gallery[s->views.mistakes.gallery_first + i];
        SDL_Rect src = {(int)(i % UI_TILE_COLS) * CANVAS_N, (int)(i / UI_TILE_COLS) * CANVAS_N, CANVAS_N,
                        CANVAS_N};
        SDL_Rect dst = R(view_grid_cell(tg, i));
        SDL_RenderCopy(u->renderer, u->thumbs_tex, &src, &dst);
        if ((long)idx == s->shown_test)
            outline(u, dst, line_w(u) + 1, UI_ACCENT);
        else if (s->views.hover_thumb == (int)i)
            outline(u, dst, line_w(u), UI_TEXT);
        char cap_txt[48];
        if (full)
            snprintf(cap_txt, sizeof cap_txt, "%s→%s %.0f%%", model_slot_label(&s->model, s->train.data.test.labels[idx]),
                     model_slot_label(&s->model, s->views.mistakes.test_pred[idx]), (double)(s->views.mistakes.test_conf[idx] * 100.0f));
        else
            snprintf(cap_txt, sizeof cap_txt, "%.0f%%", (double)(s->views.mistakes.test_conf[idx] * 100.0f));
        text_draw(u->text, FONT_SMALL, cap_txt, dst.x + dst.w / 2, dst.y + dst.h + ui_px(u, 2),
                  s->views.mistakes.gallery_true == s->views.mistakes.gallery_pred ? UI_DIM : (SDL_Color){255, 160, 150, 255},
                  TEXT_CENTER);
    }
}

static void draw_mistakes(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_mistakes_layout l;
    view_mistakes_layout_of(&s->views, &vc, &l);
    SDL_Rect cap = R(l.caption);
    char right[96] = "";
    if (s->views.mistakes.has_confusion)
        snprintf(right, sizeof right, "%.2f %% right%s", 100.0 * s->views.mistakes.confusion_accuracy,
                 training_state(&s->train) == TRAINER_RUNNING ? " · after each epoch" : "");
    char title[64];
    uint32_t total = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            total += s->views.mistakes.confusion[t][p];
    char num[32];
    format_thousands(num, sizeof num, (unsigned long long)s->views.mistakes.has_confusion ? total : 10000);
    snprintf(title, sizeof title, "MISTAKES ON %s TEST IMAGES", num);
    int cw = text_draw(u->text, FONT_CAPTION, title, cap.x, cap.y + ui_px(u, 3), UI_DIM, TEXT_LEFT);
    int tw;
    text_size(u->text, FONT_SMALL, right, &tw, NULL);
    bool hover_in_caption = s->views.hover_cell >= 0 && !l.hint;
    if (right[0] && cap.w - cw - ui_px(u, 12) >= tw && !hover_in_caption)
        text_draw(u->text, FONT_SMALL, right, cap.x + cap.w, cap.y + ui_px(u, 2), UI_GOOD, TEXT_RIGHT);

    if (!s->views.mistakes.has_confusion) {
        const char *msg = "asking the network about the test set…";
        SDL_Color c = UI_FAINT;
        switch (s->train.data_state) {
        case TRAINING_DATA_MISSING:
            msg = "no MNIST found: run scripts/fetch-mnist";
            c = UI_TRAIN;
            break;
        case TRAINING_DATA_FAILED:
            msg = "cannot read MNIST (see the status line)";
            c = UI_BAD;
            break;
        case TRAINING_DATA_LOADING:
        case TRAINING_DATA_FOUND:
        case TRAINING_DATA_UNKNOWN:
            msg = "reading MNIST…";
            break;
        case TRAINING_DATA_LOADED:
            break;
        }
        SDL_Rect v = ui_rect(s->layout.view);
        text_draw_in(u->text, FONT_BODY, msg, v, c, TEXT_CENTER);
        return;
    }
    if (l.show_matrix) {
        uint32_t max_off = 0;
        for (int t = 0; t < 10; t++)
            for (int p = 0; p < 10; p++)
                if (t != p && s->views.mistakes.confusion[t][p] > max_off)
                    max_off = s->views.mistakes.confusion[t][p];
        int cw = l.cell_w, ch = l.cell_h;
        SDL_Rect m = R(l.matrix);
        int label = ui_px(u, 18);
        bool counts = ch >= ui_px(u, 14) && cw >= ui_px(u, 18);
        text_font cf = cw >= ui_px(u, 30) && ch >= ui_px(u, 22) ? FONT_SMALL : FONT_CAPTION;
        for (int k = 0; k < 10; k++) {
            const char *name = model_slot_label(&s->model, (size_t)k);
            text_draw_in(u->text, FONT_CAPTION, name, (SDL_Rect){m.x + k * cw, m.y - label, cw, label},
                         UI_DIM, TEXT_CENTER);
            text_draw_in(u->text, FONT_CAPTION, name,
                         (SDL_Rect){m.x - label, m.y + k * ch, label - ui_px(u, 4), ch}, UI_DIM, TEXT_RIGHT);
        }
        for (int t = 0; t < 10; t++) {
            uint32_t row = 0;
            for (int p = 0; p < 10; p++)
                row += s->views.mistakes.confusion[t][p];
            for (int p = 0; p < 10; p++) {
                uint32_t n = s->views.mistakes.confusion[t][p];
                uint8_t rgb[3];
                view_confusion_color(n, row, max_off, t == p, rgb);
                SDL_Rect cell = {m.x + p * cw, m.y + t * ch, cw - 1, ch - 1};
                fill_rgb(u, cell, rgb);
                if (counts && n) {
                    char buf[16];
                    snprintf(buf, sizeof buf, "%u", n);
                    int w;
                    text_size(u->text, cf, buf, &w, NULL);
                    if (w > cw - 2 && n >= 1000) { // 1134 as 1.1k (or 1k) where four digits do not fit
                        snprintf(buf, sizeof buf, "%.1fk", (double)n / 1000.0);
                        text_size(u->text, cf, buf, &w, NULL);
                        if (w > cw - 2) {
                            snprintf(buf, sizeof buf, "%.0fk", (double)n / 1000.0);
                            text_size(u->text, cf, buf, &w, NULL);
                        }
                    }
                    if (w <= cw - 2)
                        text_draw_in(u->text, cf, buf, cell, t == p || rgb[0] > 150 ? UI_TEXT : UI_DIM,
                                     TEXT_CENTER);
                }
            }
        }
        if (s->views.mistakes.gallery_true != VIEW_NO_CELL)
            outline(u, (SDL_Rect){m.x + s->views.mistakes.gallery_pred * cw, m.y + s->views.mistakes.gallery_true * ch, cw - 1, ch - 1},
                    line_w(u) + 1, UI_ACCENT);
        if (s->views.hover_cell >= 0)
            outline(u, (SDL_Rect){m.x + (s->views.hover_cell % 10) * cw, m.y + (s->views.hover_cell / 10) * ch, cw - 1,
                                  ch - 1},
                    line_w(u), UI_TEXT);
        // Under the matrix (or in the caption line when there is no room
        // under it): what the axes are, or the hovered cell.
        char hint[128];
        if (s->views.hover_cell >= 0) {
            int t = s->views.hover_cell / 10, p = s->views.hover_cell % 10;
            if (t == p)
                snprintf(hint, sizeof hint, "%u %ss read right", s->views.mistakes.confusion[t][p], model_slot_label(&s->model, (size_t)t));
            else
                snprintf(hint, sizeof hint, "%u %ss read as %s", s->views.mistakes.confusion[t][p], model_slot_label(&s->model, (size_t)t),
                         model_slot_label(&s->model, (size_t)p));
        } else {
            snprintf(hint, sizeof hint, "rows: true digit · columns: the answer · click a cell");
        }
        if (l.hint)
            text_fit(u, FONT_SMALL, hint, m.x - label, m.y + m.h + ui_px(u, 4), m.w + label,
                     s->views.hover_cell >= 0 ? UI_TEXT : UI_FAINT);
        else if (s->views.hover_cell >= 0)
            text_draw(u->text, FONT_SMALL, hint, cap.x + cap.w, cap.y + ui_px(u, 2), UI_TEXT, TEXT_RIGHT);
    }
    draw_gallery(u, s, &l);
}

/* ---- the view panel ---------------------------------------------------- */

void ui_draw_view(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.view);
    ui_panel(u, r);
    if (!s->model.have)
        return;
    switch (s->views.view) {
    case VIEW_HIDDEN:
        draw_hidden(u, s);
        break;
    case VIEW_WEIGHTS:
        draw_weights(u, s);
        break;
    case VIEW_WHY:
        draw_why(u, s);
        break;
    case VIEW_MISTAKES:
        draw_mistakes(u, s);
        break;
    case VIEW_LOG:
    case VIEW_COUNT:
        ui_draw_log(u, s, r);
        break;
    }
}
