/* ui_predict.c: the network's answer, the softmax bars, and this drawing's
 * probability over the course of training (ui.h). */
#include "ui.h"
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

uint64_t ui_guess_sig(const app_state *s)
{
    uint64_t h = UI_SIG_INIT;
    UI_SIG(h, s->has_guess);
    UI_SIG(h, s->sure);
    if (s->has_guess) {
        UI_SIG(h, s->guess);
        int permille = (int)lroundf(s->probs[s->guess] * 1000.0f);
        UI_SIG(h, permille);
        const char *label = app_label(s, s->guess);
        h = ui_sig(h, label, strlen(label));
    }
    return h;
}

void ui_draw_guess(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.guess);
    ui_panel(u, r);
    int inset = ui_px(u, 16);
    if (!s->has_guess) {
        text_draw_in(u->text, FONT_BIG, "–", (SDL_Rect){r.x + inset, r.y, r.w, r.h}, UI_FAINT,
                     TEXT_LEFT);
        text_draw_in(u->text, FONT_BODY, "no guess yet",
                     (SDL_Rect){r.x + inset + ui_px(u, 60), r.y, r.w, r.h}, UI_FAINT, TEXT_LEFT);
        return;
    }
    const char *label = app_label(s, s->guess);
    float p = s->probs[s->guess];
    int big_h = text_height(u->text, FONT_BIG);
    if (!s->sure) {
        /* A low top probability or a flat distribution: no label is
         * announced (the bars still show the whole distribution). */
        int w = text_draw(u->text, FONT_BIG, "?", r.x + inset, r.y + (r.h - big_h) / 2, UI_TRAIN,
                          TEXT_LEFT);
        int x = r.x + inset + w + ui_px(u, 14);
        int th = text_height(u->text, FONT_BOLD), bh = text_height(u->text, FONT_SMALL);
        int y = r.y + (r.h - 2 * th - bh - ui_px(u, 4)) / 2;
        ui_clip(u, (SDL_Rect){x, r.y, r.x + r.w - x - ui_px(u, 6), r.h});
        text_draw(u->text, FONT_BOLD, "not sure:", x, y, UI_TRAIN, TEXT_LEFT);
        text_draw(u->text, FONT_BOLD, "is this a digit?", x, y + th, UI_TEXT, TEXT_LEFT);
        char buf[64];
        snprintf(buf, sizeof buf, "best guess %s, %.0f %%", label, (double)(p * 100.0f));
        text_draw(u->text, FONT_SMALL, buf, x, y + 2 * th + ui_px(u, 4), UI_DIM, TEXT_LEFT);
        ui_unclip(u);
        return;
    }
    int w = text_draw(u->text, FONT_BIG, label, r.x + inset, r.y + (r.h - big_h) / 2, UI_ACCENT,
                      TEXT_LEFT);
    int x = r.x + inset + (w > ui_px(u, 40) ? w : ui_px(u, 40)) + ui_px(u, 16);
    char buf[64];
    snprintf(buf, sizeof buf, "%.1f %%", (double)(p * 100.0f));
    int th = text_height(u->text, FONT_TITLE), bh = text_height(u->text, FONT_SMALL);
    int y = r.y + (r.h - th - bh - ui_px(u, 2)) / 2;
    text_draw(u->text, FONT_TITLE, buf, x, y, UI_TEXT, TEXT_LEFT);
    // A close call between two classes is said as such.
    size_t second = s->guess == 0 ? 1 : 0;
    for (size_t i = 0; i < s->n_classes; i++)
        if (i != s->guess && s->probs[i] > s->probs[second])
            second = i;
    char how[64];
    if (p >= 0.9f || s->n_classes < 2)
        snprintf(how, sizeof how, "sure");
    else if (s->probs[second] >= 0.25f)
        snprintf(how, sizeof how, "or %s? (%.0f %%)", app_label(s, second),
                 (double)(s->probs[second] * 100.0f));
    else
        snprintf(how, sizeof how, "fairly sure");
    text_draw(u->text, FONT_SMALL, how, x, y + th + ui_px(u, 2), UI_DIM, TEXT_LEFT);
}

uint64_t ui_bars_sig(const app_state *s)
{
    uint64_t h = UI_SIG_INIT;
    UI_SIG(h, s->has_guess);
    UI_SIG(h, s->guess);
    UI_SIG(h, s->n_classes);
    int why = s->view == VIEW_WHY ? view_why_class(s) : -1;
    UI_SIG(h, why);
    for (size_t i = 0; i < s->n_classes; i++) {
        int permille = s->has_guess ? (int)lroundf(s->probs[i] * 1000.0f) : -1;
        UI_SIG(h, permille);
        const char *label = app_label(s, i);
        h = ui_sig(h, label, strlen(label));
    }
    return h;
}

void ui_draw_bars(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.bars);
    size_t n = s->n_classes ? s->n_classes : 10;
    int row = r.h / (int)n;
    int label_w = ui_px(u, 22);
    int pct_w = ui_px(u, 52);
    int track_x = r.x + label_w;
    int track_w = r.w - label_w - pct_w;
    int bar_h = row * 5 / 8;
    char buf[32];
    // The class the why view explains, marked.
    int why = s->view == VIEW_WHY ? view_why_class(s) : -1;
    if (why >= 0 && (size_t)why < n) {
        SDL_Rect mark = {r.x - ui_px(u, 6), r.y + why * row, r.w + ui_px(u, 6), row};
        ui_fill_round(u, mark, (float)ui_px(u, 5), (SDL_Color){44, 52, 70, 255});
    }
    for (size_t i = 0; i < n; i++) {
        int y = r.y + (int)i * row;
        bool top = s->has_guess && i == s->guess;
        float p = s->has_guess && i < s->n_classes ? s->probs[i] : 0.0f;
        SDL_Rect line = {r.x, y, label_w, row};
        text_draw_in(u->text, top ? FONT_BOLD : FONT_BODY, app_label(s, i), line,
                     top ? UI_TEXT : UI_DIM, TEXT_LEFT);
        SDL_Rect track = {track_x, y + (row - bar_h) / 2, track_w, bar_h};
        ui_fill_round(u, track, (float)bar_h / 2.0f, UI_TRACK);
        int fw = (int)lroundf(p * (float)track_w);
        if (fw > 0) {
            SDL_Rect fill = {track.x, track.y, fw < bar_h ? bar_h : fw, bar_h};
            ui_fill_round(u, fill, (float)bar_h / 2.0f, top ? UI_ACCENT : UI_ACCENT_DIM);
        }
        if (s->has_guess) {
            snprintf(buf, sizeof buf, p >= 0.995f ? "%.0f%%" : "%.1f%%", (double)(p * 100.0f));
            text_draw_in(u->text, FONT_MONO, buf, (SDL_Rect){r.x + r.w, y, 0, row},
                         top ? UI_TEXT : UI_FAINT, TEXT_RIGHT);
        }
    }
}

uint64_t ui_digit_sig(const app_state *s)
{
    uint64_t h = UI_SIG_INIT;
    UI_SIG(h, s->has_guess);
    UI_SIG(h, s->guess);
    UI_SIG(h, s->n_digit);
    UI_SIG(h, s->scored_canvas);
    if (s->n_digit)
        UI_SIG(h, s->digit[s->n_digit - 1]);
    if (s->has_guess) {
        const char *label = app_label(s, s->guess);
        h = ui_sig(h, label, strlen(label));
    }
    return h;
}

void ui_draw_digit(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.digit_chart);
    if (r.h < ui_px(u, 40))
        return;
    ui_panel(u, r);
    char caption[96];
    if (s->has_guess)
        snprintf(caption, sizeof caption, "P(%s) FOR THIS DRAWING", app_label(s, s->guess));
    else
        snprintf(caption, sizeof caption, "THIS DRAWING, WHILE TRAINING");
    int cw;
    text_size(u->text, FONT_CAPTION, caption, &cw, NULL);
    if (cw > r.w - ui_px(u, 24) && !s->has_guess)
        snprintf(caption, sizeof caption, "WHILE TRAINING");
    SDL_Rect in = ui_caption(u, r, caption, NULL);
    if (s->n_digit < 2) {
        const char *lines[3];
        if (!s->has_guess) {
            lines[0] = "Draw a digit, then train:";
            lines[1] = "its probability is re-scored";
            lines[2] = "with every weight snapshot.";
        } else {
            lines[0] = "Press Train (Space) to watch";
            lines[1] = "the network learn this";
            lines[2] = "drawing, snapshot by snapshot.";
        }
        int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 2);
        int y = in.y + (in.h - 3 * lh) / 2;
        for (int i = 0; i < 3; i++)
            text_draw(u->text, FONT_SMALL, lines[i], in.x + in.w / 2, y + i * lh, UI_FAINT,
                      TEXT_CENTER);
        return;
    }
    /* Steps on a log scale: the network learns most of a digit in its
     * first hundred batches, and the rest slowly. */
    float x0 = log10f((float)s->digit[0].step), x1 = log10f((float)s->digit[s->n_digit - 1].step);
    x0 = floorf(x0);
    x1 = fmaxf(ceilf(x1), x0 + 1.0f);
    ui_chart c = ui_chart_axes_log_x(u, in, x0, x1, 0.0f, 1.0f, true, "step");
    if (c.plot.w < 10)
        return;
    size_t cls = s->guess;
    float lw = fmaxf(1.5f, (float)ui_px(u, 2));
    // The runner-up class, faint, so a close race is visible.
    size_t second = cls == 0 ? 1 : 0;
    for (size_t i = 0; i < s->n_classes; i++)
        if (i != cls && s->probs[i] > s->probs[second])
            second = i;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = pass == 0 ? second : cls;
        SDL_Color col = pass == 0 ? ui_alpha(UI_DIM, 140) : UI_ACCENT;
        for (size_t i = 1; i < s->n_digit; i++)
            ui_line(u, ui_chart_x(&c, log10f((float)s->digit[i - 1].step)),
                    ui_chart_y(&c, s->digit[i - 1].probs[k]),
                    ui_chart_x(&c, log10f((float)s->digit[i].step)), ui_chart_y(&c, s->digit[i].probs[k]),
                    pass == 0 ? lw * 0.7f : lw, col);
    }
    ui_flush(u);
    char buf[48];
    snprintf(buf, sizeof buf, "%s", app_label(s, second));
    float ly = ui_chart_y(&c, s->digit[s->n_digit - 1].probs[second]);
    int th = text_height(u->text, FONT_SMALL);
    text_draw(u->text, FONT_SMALL, buf, c.plot.x + c.plot.w - ui_px(u, 4),
              (int)ly - th - ui_px(u, 1), UI_DIM, TEXT_RIGHT);
}
