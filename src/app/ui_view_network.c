/* ui_view_network.c: painting view 7, the network as a diagram (views.h
 * says what and where; this paints it): the strongest weights as lines
 * coloured by sign, the units lit by the drawing. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "core/inspect.h"

/* Layer l's outputs (1-based) for the drawing, or NULL when not current. */
static const float *layer_acts(const app_state *s, size_t l)
{
    bool known;
    uv_unit_activation(s, 0, 0, &known);
    if (!known)
        return NULL;
    return s->views.hidden.acts + inspect_layer_offset(&s->model.net, l - 1);
}

static void upload_input(ui_ctx *u, const app_state *s)
{
    uint64_t key = ui_sig(UI_SIG_INIT, &s->views.views_input, sizeof s->views.views_input);
    if (key == u->net_input_key)
        return;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->net_input_tex, NULL, &pixels, &pitch) != 0)
        return;
    u->net_input_key = key;
    for (size_t i = 0; i < CANVAS_N * CANVAS_N; i++) {
        float v = s->score.image[i];
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        uint8_t *px = (uint8_t *)pixels + (i / CANVAS_N) * (size_t)pitch + (i % CANVAS_N) * 4;
        px[0] = px[1] = (uint8_t)lroundf(v * 255.0f);
        px[2] = (uint8_t)lroundf(v * 255.0f + (1.0f - v) * 8.0f);
        px[3] = 255;
    }
    SDL_UnlockTexture(u->net_input_tex);
}

static SDL_Color edge_color(float w, float max, Uint8 base)
{
    float t = max > 0.0f ? fminf(fabsf(w) / max, 1.0f) : 0.0f;
    SDL_Color c = w >= 0.0f ? (SDL_Color){255, 140, 60, 255} : (SDL_Color){80, 140, 255, 255};
    c.a = (Uint8)(base + (255 - base) * t * t);
    return c;
}

static void draw_edges(ui_ctx *u, const view_network_layout *l, size_t layer, const explain_edge *e,
                       size_t n, float width, Uint8 base)
{
    float max = 0.0f;
    for (size_t i = 0; i < n; i++)
        max = fmaxf(max, fabsf(e[i].weight));
    /* As 1-pixel lines (offset copies for a wider one), not triangles: SDL's
     * software renderer scans a long thin triangle's whole bounding box,
     * which made a redraw of the diagram take ~50 ms. */
    ui_flush(u);
    int passes = width < 1.5f ? 1 : width < 2.5f ? 2 : 3;
    static const float offset[3] = {0.0f, 1.0f, -1.0f};
    for (size_t i = 0; i < n; i++) {
        float x0, y0, x1, y1;
        view_network_point(l, layer - 1, e[i].from, CANVAS_N, &x0, &y0);
        view_network_point(l, layer, e[i].to, CANVAS_N, &x1, &y1);
        SDL_Color c = edge_color(e[i].weight, max, base);
        SDL_SetRenderDrawColor(u->renderer, c.r, c.g, c.b, c.a);
        for (int p = 0; p < passes; p++)
            SDL_RenderDrawLineF(u->renderer, x0, y0 + offset[p], x1, y1 + offset[p]);
    }
}

void ui_view_network_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    const views *v = &s->views;
    view_network_layout l;
    view_network_layout_of(v, &vc, &l);
    if (l.n_layers == 0)
        return;
    const mlp *net = &s->model.net;

    // Caption: the shape, and what the lines are.
    char shape[160] = "";
    size_t at = 0;
    for (size_t i = 0; i <= net->n_layers && at < sizeof shape; i++)
        at += (size_t)snprintf(shape + at, sizeof shape - at, "%s%zu", i ? " → " : "", net->sizes[i]);
    SDL_Rect cap = uv_R(l.caption);
    int cw = text_draw(u->text, FONT_CAPTION, "THE NETWORK", cap.x, cap.y + ui_px(u, 3), UI_DIM,
                       TEXT_LEFT);
    uv_text_fit(u, FONT_SMALL, shape, cap.x + cw + ui_px(u, 10), cap.y + ui_px(u, 2),
                cap.w - cw - ui_px(u, 10), UI_TEXT);

    // Edges under the units: each layer's strongest weights.
    ui_clip(u, uv_R(view_inner(&vc)));
    float lw = fmaxf(1.0f, (float)ui_px(u, 1.0f));
    for (size_t layer = 1; layer <= l.n_layers; layer++) {
        const explain_edge *e;
        size_t n = view_network_edges(v, layer, &e);
        draw_edges(u, &l, layer, e, n, lw, n > 200 ? 40 : 90);
    }
    // The hovered unit's own strongest incoming weights, brighter.
    int hl = v->network.hover_layer, hu = v->network.hover_unit;
    if (hl > 0) {
        // Into a first-layer unit its 24 strongest of 784; deeper, all of them up to 128.
        explain_edge mine[128];
        size_t k = hl == 1 ? 24 : 128;
        size_t n = explain_strongest_weights(&net->layers[hl - 1], (size_t)hu, k, mine);
        draw_edges(u, &l, (size_t)hl, mine, n, 1.5f * lw, 140);
    }
    ui_unclip(u);

    // The input.
    if (l.image) {
        upload_input(u, s);
        SDL_Rect dst = uv_R(l.input);
        SDL_RenderCopy(u->renderer, u->net_input_tex, NULL, &dst);
        uv_outline(u, dst, 1, UI_PANEL_EDGE);
    } else {
        for (size_t i = 0; i < l.in_grid.n; i++) {
            uint8_t rgb[3];
            view_activation_color(s->score.input[i], 1.0f, rgb);
            uv_fill_rgb(u, uv_R(view_grid_cell(&l.in_grid, i)), rgb);
        }
    }
    // The units, lit by the drawing.
    for (size_t layer = 1; layer <= l.n_layers; layer++) {
        const view_grid *g = &l.grid[layer - 1];
        const float *a = layer_acts(s, layer);
        float max = 0.0f;
        bool out = layer == l.n_layers;
        for (size_t i = 0; a && i < g->n; i++)
            max = fmaxf(max, a[i]);
        if (out)
            max = 1.0f; // probabilities: lit by how sure
        for (size_t i = 0; i < g->n; i++) {
            uint8_t rgb[3];
            view_activation_color(a ? a[i] : 0.0f, max, rgb);
            uv_fill_rgb(u, uv_R(view_grid_cell(g, i)), rgb);
        }
        if (out) {
            for (size_t i = 0; i < g->n; i++) {
                app_rect c = view_grid_cell(g, i);
                char lab[48];
                if (a)
                    snprintf(lab, sizeof lab, "%s  %.0f%%", view_class_label(&vc, i), 100.0 * (double)a[i]);
                else
                    snprintf(lab, sizeof lab, "%s", view_class_label(&vc, i));
                SDL_Rect r = {l.out_labels.x, c.y + c.h / 2 - text_height(u->text, FONT_SMALL) / 2,
                              l.out_labels.w, text_height(u->text, FONT_SMALL)};
                if (g->pitch >= text_height(u->text, FONT_SMALL) - ui_px(u, 2))
                    uv_text_fit(u, FONT_SMALL, lab, r.x, r.y, r.w,
                                a && s->score.has_guess && i == s->score.guess ? UI_TEXT : UI_DIM);
            }
        }
    }
    if (hl > 0)
        uv_outline(u, uv_R(view_grid_cell(&l.grid[hl - 1], (size_t)hu)), uv_line_w(u), UI_TEXT);

    // Footer: the hovered unit, or what this is.
    SDL_Rect f = uv_R(l.footer);
    char line1[160], line2[160];
    const char *short1 = NULL, *short2 = NULL;
    if (hl > 0) {
        const float *a = layer_acts(s, (size_t)hl);
        bool out = (size_t)hl == l.n_layers;
        if (a && out)
            snprintf(line1, sizeof line1, "Output %s: probability %.3f", view_class_label(&vc, (size_t)hu),
                     (double)a[hu]);
        else if (a)
            snprintf(line1, sizeof line1, "Layer %d, unit %d: %.3f%s", hl, hu + 1, (double)a[hu],
                     a[hu] > 0.0f ? "" : " (switched off by ReLU)");
        else
            snprintf(line1, sizeof line1, "Layer %d, unit %d", hl, hu + 1);
        snprintf(line2, sizeof line2, "bright lines: its strongest weights; click: its sum worked out");
        short2 = "click: its sum worked out";
    } else {
        size_t n1 = 0, n2 = 0;
        const explain_edge *e;
        n1 = view_network_edges(v, 1, &e);
        if (l.n_layers > 1)
            n2 = view_network_edges(v, l.n_layers, &e);
        char all[32];
        format_thousands(all, sizeof all, net->sizes[0] * net->sizes[1]);
        if (l.n_layers > 1)
            snprintf(line1, sizeof line1,
                     "Lines: the %zu strongest of %s weights into layer 1, %zu into the output", n1,
                     all, n2);
        else
            snprintf(line1, sizeof line1, "Lines: the %zu strongest of %s weights", n1, all);
        snprintf(line2, sizeof line2,
                 "orange raises, blue lowers; units lit by the drawing; click one for its sum");
        short1 = "Lines: the strongest weights";
        short2 = "orange +, blue −; click a unit: its sum";
    }
    int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 3), w1, w2;
    text_size(u->text, FONT_SMALL, line1, &w1, NULL);
    text_size(u->text, FONT_SMALL, line2, &w2, NULL);
    uv_text_fit(u, FONT_SMALL, w1 > f.w && short1 ? short1 : line1, f.x, f.y, f.w,
                hl > 0 ? UI_TEXT : UI_DIM);
    uv_text_fit(u, FONT_SMALL, w2 > f.w && short2 ? short2 : line2, f.x, f.y + lh, f.w, UI_DIM);
}
