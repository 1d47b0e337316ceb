/* ui_view_why.c: painting view 3, the saliency map of the class explained. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "core/inspect.h"

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

void ui_view_why_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_why_layout l;
    view_why_layout_of(&vc, &l);
    int cls = view_why_class(&s->views, &vc);
    const char *label = cls >= 0 ? model_slot_label(&s->model, (size_t)cls) : "";
    SDL_Rect cap = uv_R(l.caption);
    char title[96];
    if (cls >= 0 && s->views.why.gradient)
        snprintf(title, sizeof title, "WHERE INK WOULD PUSH %s UP OR DOWN", label);
    else if (cls >= 0)
        snprintf(title, sizeof title, "WHY %s?  WHICH PIXELS PUSHED ITS SCORE", label);
    else
        snprintf(title, sizeof title, "WHY THIS ANSWER");
    uv_text_fit(u, FONT_CAPTION, title, cap.x, cap.y + ui_px(u, 3), cap.w, UI_DIM);

    SDL_Rect heat = uv_R(l.heat);
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

    SDL_Rect side = uv_R(l.side);
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
        uv_text_fit(u, pf, p, tx, y + ui_px(u, 6), room, UI_TEXT);
        bool clicked = s->views.why.why_class >= 0 && s->views.why.why_class == cls;
        const char *who = clicked ? "the class you clicked" : "the network's answer";
        int ww;
        text_size(u->text, FONT_SMALL, who, &ww, NULL);
        if (ww > room)
            who = clicked ? "clicked" : "the answer";
        uv_text_fit(u, FONT_SMALL, who, tx, y + ui_px(u, 6) + text_height(u->text, pf) + ui_px(u, 2), room,
                 UI_DIM);
        y += big - ui_px(u, 4);
    }
    // Legend: the map's colours and what they mean.
    SDL_Rect bar = {side.x, y, side.w < ui_px(u, 180) ? side.w : ui_px(u, 180), ui_px(u, 10)};
    uv_legend_bar(u, bar);
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
    uv_text_fit(u, FONT_BODY, red, side.x, y, side.w, (SDL_Color){255, 150, 90, 255});
    y += lh;
    uv_text_fit(u, FONT_BODY, blue, side.x, y, side.w, (SDL_Color){120, 160, 255, 255});
    y += lh + ui_px(u, 6);
    if (s->views.why.has_saliency) {
        float up, down;
        view_saliency_sums(&s->views, &up, &down);
        char sums[96];
        snprintf(sums, sizeof sums, "in all  +%.2f  %.2f", (double)up, (double)down);
        uv_text_fit(u, FONT_MONO, sums, side.x, y, side.w, UI_DIM);
        y += text_height(u->text, FONT_MONO) + ui_px(u, 8);
    }
    static const char *const gradient[] = {
        "Gradient of the class's score (its logit) for every pixel, inked or not: where more "
        "ink would raise or lower it, such as the gap at the top of a 4. G: back to gradient "
        "× input.",
        "Where more ink would raise or lower the score. G: gradient × input.",
        "Where ink would move the score.",
    };
    static const char *const times_input[] = {
        "Gradient × input of the class's score (its logit): each pixel's ink times how much "
        "the score moves with it. Click a bar to explain another class; G shows the plain "
        "gradient.",
        "Each pixel's ink times how much the score moves with it. G: plain gradient.",
        "Ink × the score's slope.",
    };
    uv_text_wrap_alt(u, FONT_SMALL, s->views.why.gradient ? gradient : times_input, 3, side, y,
                     UI_FAINT);
}

/* ---- mistakes ---------------------------------------------------------- */
