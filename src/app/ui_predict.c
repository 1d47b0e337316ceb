/* ui_predict.c: the network's answer, the softmax bars, and this drawing's
 * probability over the course of training (ui.h). */
#include "panels.h"
#include "ui.h"
#include "ui_views.h"
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Room for a label cut short and its ellipsis. */
#define SCORING_LABEL_CUT 80

static void draw_name(ui_ctx *u, text_font f, const char *name, int x, int y, int w, SDL_Color c);

void ui_draw_guess(ui_ctx *u, const app_state *s)
{
    const panel_guess g = u->now.guess;
    SDL_Rect r = ui_rect(s->layout.guess);
    ui_panel(u, r);
    int inset = ui_px(u, 16);
    if (!g.has_guess) {
        text_draw_in(u->text, FONT_BIG, "–", (SDL_Rect){r.x + inset, r.y, r.w, r.h}, UI_FAINT,
                     TEXT_LEFT);
        text_draw_in(u->text, FONT_BODY, "no guess yet",
                     (SDL_Rect){r.x + inset + ui_px(u, 60), r.y, r.w, r.h}, UI_FAINT, TEXT_LEFT);
        return;
    }
    int big_h = text_height(u->text, FONT_BIG);
    if (!g.sure) {
        int w = text_draw(u->text, FONT_BIG, "?", r.x + inset, r.y + (r.h - big_h) / 2, UI_TRAIN,
                          TEXT_LEFT);
        int x = r.x + inset + w + ui_px(u, 14);
        int th = text_height(u->text, FONT_BOLD), bh = text_height(u->text, FONT_SMALL);
        int y = r.y + (r.h - 2 * th - bh - ui_px(u, 4)) / 2;
        int tw = r.x + r.w - x - ui_px(u, 6);
        if (g.detector) {
            /* The detector's verdict, and what it measured: the drawing
             * against the training digits of the class chosen. */
            int sh = text_height(u->text, FONT_SMALL) + ui_px(u, 1);
            // What the figure measures, in a line, where the panel has room for it.
            bool room = r.h >= th + 3 * sh + ui_px(u, 14);
            int lines = room ? 3 : 2;
            y = r.y + (r.h - th - lines * sh - ui_px(u, 4)) / 2;
            uv_text_fit(u, FONT_BOLD, "not a digit?", x, y, tw, UI_TRAIN);
            const char *const measure[] = {g.measure, g.measure_short};
            uv_text_fit_alt(u, FONT_SMALL, measure, 2, x, y + th + ui_px(u, 3), tw, UI_TEXT);
            int ly = y + th + sh + ui_px(u, 3);
            if (room) {
                char what[96];
                snprintf(what, sizeof what, "what MNIST's %ss cannot rebuild", g.label);
                const char *const whats[] = {what, "vs. the training digits"};
                uv_text_fit_alt(u, FONT_SMALL, whats, 2, x, ly, tw, UI_DIM);
                ly += sh;
            }
            uv_text_fit(u, FONT_SMALL, g.best_guess, x, ly, tw, UI_DIM);
            return;
        }
        ui_clip(u, (SDL_Rect){x, r.y, tw, r.h});
        text_draw(u->text, FONT_BOLD, "not sure:", x, y, UI_TRAIN, TEXT_LEFT);
        text_draw(u->text, FONT_BOLD, "is this a digit?", x, y + th, UI_TEXT, TEXT_LEFT);
        text_draw(u->text, FONT_SMALL, g.best_guess, x, y + 2 * th + ui_px(u, 4), UI_DIM,
                  TEXT_LEFT);
        ui_unclip(u);
        return;
    }
    // A digit is drawn big; a class name ("Ankle boot") big when it leaves
    // room for the percentage, else as a title, cut with an ellipsis at
    // half the panel.
    int lw;
    text_size(u->text, FONT_BIG, g.label, &lw, NULL);
    int name_room = r.w / 2 - inset;
    int w;
    if (lw <= name_room) {
        w = text_draw(u->text, FONT_BIG, g.label, r.x + inset, r.y + (r.h - big_h) / 2, UI_ACCENT,
                      TEXT_LEFT);
    } else {
        int tth = text_height(u->text, FONT_TITLE);
        text_size(u->text, FONT_TITLE, g.label, &w, NULL);
        if (w > name_room)
            w = name_room;
        draw_name(u, FONT_TITLE, g.label, r.x + inset, r.y + (r.h - tth) / 2, w, UI_ACCENT);
    }
    int x = r.x + inset + (w > ui_px(u, 40) ? w : ui_px(u, 40)) + ui_px(u, 16);
    int th = text_height(u->text, FONT_TITLE), bh = text_height(u->text, FONT_SMALL);
    int y = r.y + (r.h - th - bh - ui_px(u, 2)) / 2;
    text_draw(u->text, FONT_TITLE, g.percent, x, y, UI_TEXT, TEXT_LEFT);
    text_draw(u->text, FONT_SMALL, g.how, x, y + th + ui_px(u, 2), UI_DIM, TEXT_LEFT);
}

/* A class name at (x, y) in at most w pixels: whole when it fits, else as
 * many of its characters as fit and an ellipsis ("T-shirt/t…"); a name is
 * not prose, so it is cut between characters (of UTF-8), not words. */
static void draw_name(ui_ctx *u, text_font f, const char *name, int x, int y, int w, SDL_Color c)
{
    char cut[SCORING_LABEL_CUT];
    snprintf(cut, sizeof cut, "%s", name);
    int tw;
    text_size(u->text, f, cut, &tw, NULL);
    size_t n = strlen(cut);
    while (tw > w && n > 0) {
        do
            n--;
        while (n > 0 && ((unsigned char)cut[n] & 0xc0) == 0x80); // a character's first byte
        memcpy(cut + n, "\u2026", sizeof "\u2026");
        text_size(u->text, f, cut, &tw, NULL);
    }
    if (tw <= w)
        text_draw(u->text, f, cut, x, y, c, TEXT_LEFT);
}

/* A bar's label in its column (line). */
static void bar_label(ui_ctx *u, bool strong, const char *label, SDL_Rect line)
{
    text_font f = strong ? FONT_BOLD : FONT_BODY;
    int th = text_height(u->text, f);
    draw_name(u, f, label, line.x, line.y + (line.h - th) / 2, line.w - ui_px(u, 6),
              strong ? UI_TEXT : UI_DIM);
}

/* Softmax worked out in the bars' place: each digit's raw score z, e to the
 * power of z less the largest score, and that divided by their total. */
static void draw_bars_worked(ui_ctx *u, const app_state *s, const panel_bars *b)
{
    SDL_Rect r = ui_rect(s->layout.bars);
    const panel_worked *w = &b->worked;
    int lw = b->label_w;
    int col_z = r.x + lw + (r.w - lw) * 30 / 100;   // right edges of the columns
    int col_e = r.x + lw + (r.w - lw) * 66 / 100;
    int col_p = r.x + r.w;
    for (size_t i = 0; i < b->n; i++) {
        int y = r.y + (int)i * b->row;
        bool top = (int)i == b->top;
        SDL_Rect line = {r.x, y, lw, b->row};
        if ((int)i == b->picked)
            uv_outline(u, (SDL_Rect){r.x - ui_px(u, 4), y + 1, lw - ui_px(u, 4), b->row - 2},
                       uv_line_w(u), UI_TRAIN);
        bar_label(u, top || (int)i == b->picked, b->label[i], line);
        if (!w->has_guess)
            continue;
        SDL_Color c = top ? UI_TEXT : UI_DIM;
        text_draw_in(u->text, FONT_MONO, w->logit[i], (SDL_Rect){col_z, y, 0, b->row}, c, TEXT_RIGHT);
        text_draw_in(u->text, FONT_MONO, w->exp[i], (SDL_Rect){col_e, y, 0, b->row}, c, TEXT_RIGHT);
        text_draw_in(u->text, FONT_MONO, w->prob[i], (SDL_Rect){col_p, y, 0, b->row},
                     top ? UI_ACCENT : UI_DIM, TEXT_RIGHT);
    }
}

void ui_draw_bars(ui_ctx *u, const app_state *s)
{
    const panel_bars *pb = &u->now.bars;
    const panel_bars b = *pb;
    SDL_Rect r = ui_rect(s->layout.bars);
    if (b.worked.on) {
        draw_bars_worked(u, s, pb);
        return;
    }
    // The class the why view explains, marked.
    if (b.why >= 0) {
        SDL_Rect mark = {r.x - ui_px(u, 6), r.y + b.why * b.row, r.w + ui_px(u, 6), b.row};
        ui_fill_round(u, mark, (float)ui_px(u, 5), (SDL_Color){44, 52, 70, 255});
    }
    for (size_t i = 0; i < b.n; i++) {
        int y = r.y + (int)i * b.row;
        bool top = (int)i == b.top;
        SDL_Rect line = {r.x, y, b.label_w, b.row};
        // The label whose loss is shown (a right click on the bar picks it).
        if ((int)i == b.picked)
            uv_outline(u, (SDL_Rect){r.x - ui_px(u, 4), y + 1, b.label_w - ui_px(u, 4), b.row - 2},
                       uv_line_w(u), UI_TRAIN);
        bar_label(u, top || (int)i == b.picked, b.label[i], line);
        // The raw score before softmax.
        if (b.logit_w > 0 && b.has_guess)
            text_draw_in(u->text, FONT_MONO, b.worked.logit[i],
                         (SDL_Rect){b.logit_x + b.logit_w, y, 0, b.row}, top ? UI_TEXT : UI_DIM,
                         TEXT_RIGHT);
        SDL_Rect track = {b.track_x, y + (b.row - b.bar_h) / 2, b.track_w, b.bar_h};
        ui_fill_round(u, track, (float)b.bar_h / 2.0f, UI_TRACK);
        if (b.fill[i] > 0) {
            SDL_Rect fill = {track.x, track.y, b.fill[i], b.bar_h};
            ui_fill_round(u, fill, (float)b.bar_h / 2.0f, top ? UI_ACCENT : UI_ACCENT_DIM);
        }
        if (b.has_guess)
            text_draw_in(u->text, FONT_MONO, b.percent[i], (SDL_Rect){r.x + r.w, y, 0, b.row},
                         top ? UI_TEXT : UI_DIM, TEXT_RIGHT);
    }
}

void ui_draw_digit(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.digit_chart);
    if (r.h < ui_px(u, 40))
        return;
    if (u->now.digit.worked.on) {
        ui_scores_draw_worked(u, s);
        return;
    }
    ui_panel(u, r);
    char caption[96];
    if (s->score.has_guess)
        snprintf(caption, sizeof caption, "P(%s) FOR THIS DRAWING", model_slot_label(&s->model, s->score.guess));
    else
        snprintf(caption, sizeof caption, "THIS DRAWING, WHILE TRAINING");
    int cw;
    text_size(u->text, FONT_CAPTION, caption, &cw, NULL);
    if (cw > r.w - ui_px(u, 24) && !s->score.has_guess)
        snprintf(caption, sizeof caption, "WHILE TRAINING");
    else if (cw > r.w - ui_px(u, 24)) // a class name too long for the title: just P(name)
        snprintf(caption, sizeof caption, "P(%s)", model_slot_label(&s->model, s->score.guess));
    SDL_Rect in = ui_caption(u, r, caption, NULL);
    if (s->curves.digit.n < 2) {
        const char *lines[3];
        if (!s->score.has_guess) {
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
    float x0 = log10f((float)curves_digit(&s->curves, 0)->step), x1 = log10f((float)curves_digit(&s->curves, s->curves.digit.n - 1)->step);
    x0 = floorf(x0);
    x1 = fmaxf(ceilf(x1), x0 + 1.0f);
    ui_chart c = ui_chart_axes_log_x(u, in, x0, x1, 0.0f, 1.0f, true, "step");
    if (c.plot.w < 10)
        return;
    size_t cls = s->score.guess;
    float lw = fmaxf(1.5f, (float)ui_px(u, 2));
    // The runner-up class, faint, so a close race is visible.
    size_t second = scoring_second(s->score.probs, s->score.n_classes, cls);
    for (int pass = 0; pass < 2; pass++) {
        size_t k = pass == 0 ? second : cls;
        SDL_Color col = pass == 0 ? ui_alpha(UI_DIM, 140) : UI_ACCENT;
        for (size_t i = 1; i < s->curves.digit.n; i++)
            ui_line(u, ui_chart_x(&c, log10f((float)curves_digit(&s->curves, i - 1)->step)),
                    ui_chart_y(&c, curves_digit(&s->curves, i - 1)->probs[k]),
                    ui_chart_x(&c, log10f((float)curves_digit(&s->curves, i)->step)), ui_chart_y(&c, curves_digit(&s->curves, i)->probs[k]),
                    pass == 0 ? lw * 0.7f : lw, col);
    }
    ui_flush(u);
    char buf[48];
    snprintf(buf, sizeof buf, "%s", model_slot_label(&s->model, second));
    float ly = ui_chart_y(&c, curves_digit(&s->curves, s->curves.digit.n - 1)->probs[second]);
    int th = text_height(u->text, FONT_SMALL);
    text_draw(u->text, FONT_SMALL, buf, c.plot.x + c.plot.w - ui_px(u, 4),
              (int)ly - th - ui_px(u, 1), UI_DIM, TEXT_RIGHT);
}
