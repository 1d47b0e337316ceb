/* ui_view_neuron.c: painting view 6, one unit's sum worked out (views.h
 * says what and where; this paints it). The three pictures of a
 * first-layer unit (input, weights, products) live in one 84x28 texture,
 * re-made when the numbers change. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/inspect.h"

/* An input value as a grey level, as the preview shows what the network gets. */
static void grey(float x, double scale, uint8_t rgb[3])
{
    double t = explain_pixel_value(x, scale > 0.0 ? scale : 1.0 / 255.0) / 255.0;
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    uint8_t g = (uint8_t)lround(t * 255.0);
    rgb[0] = rgb[1] = g;
    rgb[2] = (uint8_t)lround(t * 255.0 + (1.0 - t) * 8.0);
}

static float max_abs(const float *a, size_t n)
{
    float m = 0.0f;
    for (size_t i = 0; i < n; i++)
        m = fmaxf(m, fabsf(a[i]));
    return m;
}

/* The colour of input i in picture p (0 input, 1 weights, 2 products). */
static void input_rgb(const app_state *s, const float *in, size_t layer, size_t unit, int p, size_t i,
                      float wscale, float pscale, uint8_t rgb[3])
{
    const mlp_layer *L = &s->model.net.layers[layer - 1];
    if (p == 0) {
        if (layer == 1)
            grey(in[i], s->model.meta.scale, rgb);
        else
            view_activation_color(in[i], max_abs(in, L->in), rgb);
    } else if (p == 1) {
        inspect_color(L->kernel[i * L->out + unit], wscale, rgb);
    } else {
        inspect_color(s->views.neuron.products[i], pscale, rgb);
    }
}

static void upload(ui_ctx *u, const app_state *s, const float *in, size_t layer, size_t unit,
                   float wscale, float pscale)
{
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, s->views.neuron.version);
    UI_SIG(key, layer);
    UI_SIG(key, unit);
    if (key == u->neuron_key)
        return;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->neuron_tex, NULL, &pixels, &pitch) != 0)
        return;
    u->neuron_key = key;
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; i < CANVAS_N * CANVAS_N; i++) {
            uint8_t rgb[3];
            input_rgb(s, in, layer, unit, p, i, wscale, pscale, rgb);
            uint8_t *px = (uint8_t *)pixels + (i / CANVAS_N) * (size_t)pitch +
                          ((size_t)p * CANVAS_N + i % CANVAS_N) * 4;
            px[0] = rgb[0];
            px[1] = rgb[1];
            px[2] = rgb[2];
            px[3] = 255;
        }
    SDL_UnlockTexture(u->neuron_tex);
}

static void button(ui_ctx *u, app_rect r, const char *glyph, bool enabled, bool hover)
{
    if (r.w <= 0)
        return;
    ui_fill_round(u, uv_R(r), (float)ui_px(u, 5), hover && enabled ? UI_BUTTON_HOVER : UI_BUTTON);
    text_draw_in(u->text, FONT_BOLD, glyph, uv_R(r), enabled ? UI_TEXT : UI_FAINT, TEXT_CENTER);
}

/* A line of mono text in r at y; returns the next line's y. */
static int line(ui_ctx *u, const char *txt, app_rect r, int y, SDL_Color c)
{
    int lh = ui_px(u, VIEW_NEURON_LINE_H);
    if (!txt[0] || y + lh > r.y + r.h + ui_px(u, 2))
        return y;
    uv_text_fit(u, FONT_MONO, txt, r.x, y, r.w, c);
    return y + lh;
}

void ui_view_neuron_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    const views *v = &s->views;
    size_t layer, unit;
    if (!view_neuron_shown(v, &vc, &layer, &unit))
        return;
    view_neuron_layout l;
    view_neuron_layout_of(v, &vc, &l);
    view_neuron_text t;
    view_neuron_text_of(v, &vc, l.max_terms, &t);
    const mlp *net = &s->model.net;

    // The chooser.
    int hb = v->neuron.hover_button;
    button(u, l.layer_prev, "‹", layer > 1, hb == 1);
    button(u, l.layer_next, "›", layer < net->n_layers, hb == 2);
    button(u, l.unit_prev, "‹", true, hb == 3);
    button(u, l.unit_next, "›", true, hb == 4);
    text_draw_in(u->text, FONT_SMALL, t.chooser_layer, uv_R(l.layer_label), UI_TEXT, TEXT_CENTER);
    // "unit 128/128", or just "128/128" where that is too wide for its place.
    int uw;
    text_size(u->text, FONT_SMALL, t.chooser_unit, &uw, NULL);
    const char *ul = t.chooser_unit;
    if (uw > l.unit_label.w && !strncmp(ul, "unit ", 5))
        ul += 5;
    text_draw_in(u->text, FONT_SMALL, ul, uv_R(l.unit_label), UI_TEXT, TEXT_CENTER);
    int after = l.unit_next.x + l.unit_next.w + ui_px(u, 8);
    app_rect in = view_inner(&vc);
    int how_w, short_w;
    text_size(u->text, FONT_SMALL, t.how, &how_w, NULL);
    text_size(u->text, FONT_SMALL, t.how_short, &short_w, NULL);
    const char *how = how_w <= in.x + in.w - after ? t.how : short_w <= in.x + in.w - after ? t.how_short : "";
    if (how[0])
        text_draw(u->text, FONT_SMALL, how, after, l.unit_label.y + ui_px(u, 3), UI_DIM, TEXT_LEFT);

    const float *inputs = view_neuron_inputs(v, &vc);
    if (!inputs || l.pic[0].w <= 0) {
        text_draw_in(u->text, FONT_SMALL, "working it out …", uv_R(in), UI_DIM, TEXT_CENTER);
        return;
    }
    const mlp_layer *L = &net->layers[layer - 1];
    float wscale = 0.0f;
    for (size_t i = 0; i < L->in; i++)
        wscale = fmaxf(wscale, fabsf(L->kernel[i * L->out + unit]));
    float pscale = max_abs(v->neuron.products, L->in);

    // The pictures: input × weights = products.
    static const char *const caps[3] = {"input", "weights", "products"};
    int caps_w = 0;
    for (int p = 0; p < 3; p++) {
        int w;
        text_size(u->text, FONT_SMALL, p == 1 ? "weights ±0.00" : caps[p], &w, NULL);
        caps_w = w > caps_w ? w : caps_w;
    }
    bool long_caps = caps_w <= l.pic_caption[0].w;
    if (l.image) {
        upload(u, s, inputs, layer, unit, wscale, pscale);
        for (int p = 0; p < 3; p++) {
            SDL_Rect src = {p * CANVAS_N, 0, CANVAS_N, CANVAS_N};
            SDL_Rect dst = uv_R(l.pic[p]);
            SDL_RenderCopy(u->renderer, u->neuron_tex, &src, &dst);
        }
    } else {
        for (int p = 0; p < 3; p++)
            for (size_t i = 0; i < l.grid[p].n; i++) {
                uint8_t rgb[3];
                input_rgb(s, inputs, layer, unit, p, i, wscale, pscale, rgb);
                uv_fill_rgb(u, uv_R(view_grid_cell(&l.grid[p], i)), rgb);
            }
    }
    int h = v->neuron.hover_input;
    for (int p = 0; p < 3; p++) {
        uv_outline(u, uv_R(l.pic[p]), 1, UI_PANEL_EDGE);
        char cap[48];
        if (p == 1 && long_caps)
            snprintf(cap, sizeof cap, "weights ±%.2f", (double)wscale);
        else
            snprintf(cap, sizeof cap, "%s", caps[p]);
        text_draw_in(u->text, FONT_SMALL, cap, uv_R(l.pic_caption[p]), UI_DIM, TEXT_CENTER);
        if (h >= 0 && (size_t)h < L->in) {
            SDL_Rect c;
            if (l.image) {
                float px = (float)l.pic[p].w / CANVAS_N;
                c = (SDL_Rect){l.pic[p].x + (int)floorf((float)(h % CANVAS_N) * px),
                               l.pic[p].y + (int)floorf((float)(h / CANVAS_N) * px), (int)ceilf(px),
                               (int)ceilf(px)};
            } else {
                c = uv_R(view_grid_cell(&l.grid[p], (size_t)h));
            }
            uv_outline(u, c, 1, UI_ACCENT);
        }
    }
    for (int i = 0; i < 2; i++)
        text_draw_in(u->text, FONT_TITLE, i == 0 ? "×" : "=", uv_R(l.op[i]), UI_TEXT, TEXT_CENTER);

    // Beside them: the rule, or the input under the mouse.
    SDL_Rect side = uv_R(l.side);
    if (side.w > ui_px(u, 60)) {
        /* In a wide view the title, the rule and a hint; in a narrow one
         * the rule in short, and the input under the mouse in its place. */
        int y = side.y, tw;
        text_size(u->text, FONT_BOLD, t.title, &tw, NULL);
        bool roomy = side.w >= ui_px(u, 180) && side.h >= ui_px(u, 90);
        if (tw <= side.w && side.h >= ui_px(u, 120)) {
            text_draw(u->text, FONT_BOLD, t.title, side.x, y, UI_TEXT, TEXT_LEFT);
            y += text_height(u->text, FONT_BOLD) + ui_px(u, 4);
        }
        if (t.hover[0]) {
            uv_text_wrap(u, FONT_SMALL, t.hover, side, y, UI_ACCENT);
        } else {
            y = uv_text_wrap(u, FONT_SMALL, roomy ? t.rule : t.rule_short, side, y, UI_DIM);
            if (roomy)
                uv_text_wrap(u, FONT_SMALL,
                             l.image ? "Hover a pixel for its product." :
                                       "Click an input for that unit.",
                             side, y + ui_px(u, 4), UI_DIM);
        }
    }

    // The largest contributions, then the sum.
    // "pixel (21,13): ..." where every line has room for it, else "(21,13) ...".
    bool long_terms = true;
    for (size_t i = 0; i < t.n_terms && long_terms; i++) {
        int w;
        text_size(u->text, FONT_MONO, t.term_long[i], &w, NULL);
        long_terms = w <= l.terms.w;
    }
    int y = l.terms.y;
    for (size_t i = 0; i < t.n_terms; i++)
        y = line(u, long_terms ? t.term_long[i] : t.term[i], l.terms, y,
                 v->neuron.ex.top[i].product >= 0.0f ? UI_TRAIN : UI_ACCENT);
    line(u, t.rest, l.terms, y, UI_DIM);
    y = l.sums.y;
    y = line(u, t.sum, l.sums, y, UI_TEXT);
    y = line(u, t.bias, l.sums, y, UI_TEXT);
    y = line(u, t.pre, l.sums, y, UI_TEXT);
    line(u, t.post, l.sums, y, t.off ? UI_DIM : UI_GOOD);
}
