/* ui_scores.c: painting the scores' panels (scores.h): softmax worked out
 * in the chart's place under the bars, this drawing's loss beside the loss
 * curve, where the curves start (random weights), the hovered pixel of the
 * network's input. Only paints what panels_of put in u->now. */
#include "ui.h"
#include "ui_views.h"

#include "core/explain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void ui_scores_draw_worked(ui_ctx *u, const app_state *s)
{
    const panel_digit *d = &u->now.digit;
    const panel_worked *w = &d->worked;
    SDL_Rect r = ui_rect(s->layout.digit_chart);
    ui_panel(u, r);
    SDL_Rect in = ui_caption(u, r, "SOFTMAX, WORKED OUT", NULL);
    in.h = r.y + r.h - in.y - ui_px(u, 6);
    int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 2);
    int y = in.y;
    if (!w->has_guess) {
        uv_text_wrap(u, FONT_SMALL, "Draw a digit: its ten raw scores become ten "
                     "probabilities here.", in, y, UI_FAINT);
        return;
    }
    /* The numbers first (they are what the panel is for), each line in its
     * long form where it fits, else its short one: never a cut word. */
    char lng[128], shrt[96];
    const struct {
        SDL_Color c;
        bool show;
    } style[4] = {{UI_DIM, true}, {UI_TEXT, true}, {UI_ACCENT, true}, {UI_TRAIN, d->loss.has}};
    for (int k = 0; k < 4 && y + lh <= in.y + in.h; k++) {
        if (!style[k].show)
            continue;
        switch (k) {
        case 0:
            snprintf(lng, sizeof lng, "columns: z, e^(z - %s), p", w->max);
            snprintf(shrt, sizeof shrt, "z, e^(z-%s), p", w->max);
            break;
        case 1:
            snprintf(lng, sizeof lng, "total of the e's: %s", w->total);
            snprintf(shrt, sizeof shrt, "total %s", w->total);
            break;
        case 2:
            snprintf(lng, sizeof lng, "p = e / total; sum of p: %s", w->sum);
            snprintf(shrt, sizeof shrt, "p = e/total, sum %s", w->sum);
            break;
        default:
            snprintf(lng, sizeof lng, "loss %s", d->loss.formula);
            snprintf(shrt, sizeof shrt, "loss %s", d->loss.short_text + strlen("drawing "));
            break;
        }
        int tw;
        text_size(u->text, FONT_MONO, lng, &tw, NULL);
        uv_text_fit(u, FONT_MONO, tw <= in.w ? lng : shrt, in.x, y, in.w, style[k].c);
        y += lh;
    }
    y += ui_px(u, 4);
    SDL_Rect words = {in.x, y, in.w, in.y + in.h - y};
    static const char *const why[] = {
        "Softmax makes the scores positive (e to the power of each, less the largest, which "
        "changes no share) and divides each by their total: ten shares of 1. Right-click a bar "
        "(or Shift+digit) to name the true label; click the answer to go back.",
        "Softmax: e to each score, divided by their total, so the ten shares sum to 1. "
        "Right-click a bar to name the true label.",
        "Each share: e^(z - max) / total.",
    };
    uv_text_wrap_alt(u, FONT_SMALL, why, 3, words, y, UI_FAINT);
}

/* The drawing's loss as a level across the loss chart, labelled: the
 * curve is the mean of this same -log p over the training images. */
void ui_scores_draw_loss(ui_ctx *u, const app_state *s, const ui_chart *c)
{
    const panel_loss_named *l = &u->now.curves.loss;
    // A plot too short for a label beside its curve (900 x 600) keeps only
    // its curve: the worked-out panel under the bars says the same.
    if (c->plot.w < 40 || c->plot.h < 3 * text_height(u->text, FONT_SMALL))
        return;
    // Random weights start at the loss of a uniform guess, ln 10 = 2.30.
    float chance = (float)explain_chance_loss(s->score.n_classes ? s->score.n_classes : 10);
    if (chance <= c->y1 && c->plot.w >= 80) {
        float cy = ui_chart_y(c, chance);
        ui_dot(u, (float)c->plot.x + (float)ui_px(u, 3.5f), cy, (float)ui_px(u, 3.5f), UI_TEXT);
        char t[48];
        snprintf(t, sizeof t, "epoch 0, random: ln %zu = %.2f", s->score.n_classes ? s->score.n_classes : 10,
                 (double)chance);
        int tw0;
        text_size(u->text, FONT_SMALL, t, &tw0, NULL);
        if (tw0 > c->plot.w - ui_px(u, 16))
            snprintf(t, sizeof t, "random: %.2f", (double)chance);
        text_draw(u->text, FONT_SMALL, t, c->plot.x + ui_px(u, 10), (int)cy + ui_px(u, 2), UI_DIM,
                  TEXT_LEFT);
    }
    if (!l->has)
        return;
    float v = (float)l->loss;
    bool above = v > c->y1;
    float y = ui_chart_y(c, above ? c->y1 : v);
    SDL_Color col = ui_alpha(UI_TEXT, 200);
    // Dashed: it is a level, not a series.
    int dash = ui_px(u, 6);
    for (int x = c->plot.x; x < c->plot.x + c->plot.w; x += 2 * dash)
        ui_fill(u, (SDL_Rect){x, (int)y, dash, ui_px(u, 1) > 1 ? ui_px(u, 1) : 1}, col);
    char buf[80];
    snprintf(buf, sizeof buf, "%s%s", above ? "^ " : "", l->short_text);
    int tw;
    text_size(u->text, FONT_SMALL, buf, &tw, NULL);
    if (tw > c->plot.w - ui_px(u, 8)) // "as 3: 0.0023" without "drawing"
        snprintf(buf, sizeof buf, "%s%s", above ? "^ " : "", l->short_text + strlen("drawing "));
    text_size(u->text, FONT_SMALL, buf, &tw, NULL);
    if (tw > c->plot.w - ui_px(u, 8)) // "3: 0.00" in the narrowest chart
        snprintf(buf, sizeof buf, "%s: %.2f", model_slot_label(&s->model, (size_t)l->label),
                 l->loss);
    text_size(u->text, FONT_SMALL, buf, &tw, NULL);
    if (tw > c->plot.w - ui_px(u, 4))
        return;
    int th = text_height(u->text, FONT_SMALL);
    int ty = (int)y - th - ui_px(u, 1);
    if (ty < c->plot.y)
        ty = (int)y + ui_px(u, 2);
    int tx = c->plot.x + c->plot.w - ui_px(u, 4);
    ui_fill_round(u, (SDL_Rect){tx - tw - ui_px(u, 4), ty, tw + ui_px(u, 8), th},
                  (float)ui_px(u, 3), ui_alpha(UI_PANEL, 230));
    text_draw(u->text, FONT_SMALL, buf, tx, ty, UI_TEXT, TEXT_RIGHT);
}

void ui_scores_draw_loss_text(ui_ctx *u, const app_state *s, SDL_Rect in)
{
    const panel_loss_named *l = &u->now.curves.loss;
    (void)s;
    if (!l->has)
        return;
    int th = text_height(u->text, FONT_SMALL);
    int y = in.y + in.h - th - ui_px(u, 4);
    char buf[128];
    snprintf(buf, sizeof buf, "this drawing %s", l->short_text);
    uv_text_fit(u, FONT_SMALL, buf, in.x, y, in.w, UI_TEXT);
}

/* Before there is a curve: where it will start, at the foot of in. */
void ui_scores_draw_chance_text(ui_ctx *u, const app_state *s, SDL_Rect in)
{
    const panel_loss_named *l = &u->now.curves.loss;
    (void)s;
    int th = text_height(u->text, FONT_SMALL);
    // For random weights the longest of the chance line's wordings that
    // fits whole ("epoch 0, random weights: about 10 %" was cut at 1280x800).
    const char *txt = l->start_note;
    if (!strcmp(l->start_note, l->chance)) {
        const char *const tries[] = {l->chance, l->chance_mid, l->chance_short};
        for (size_t k = 0; k < 3; k++) {
            int tw = 0;
            text_size(u->text, FONT_SMALL, tries[k], &tw, NULL);
            txt = tries[k];
            if (tw <= in.w)
                break;
        }
    }
    uv_text_fit(u, FONT_SMALL, txt, in.x, in.y + in.h - th - ui_px(u, 4), in.w, UI_TEXT);
}

/* Where the curves start: at epoch 0 the weights are random, and a
 * random answer is right one time in ten. */
void ui_scores_draw_chance(ui_ctx *u, const app_state *s, const ui_chart *c)
{
    const panel_loss_named *l = &u->now.curves.loss;
    (void)s;
    int th = text_height(u->text, FONT_SMALL);
    if (c->plot.w < 60 || c->plot.h < 3 * th)
        return;
    float chance = 0.1f;
    int x = c->plot.x + ui_px(u, 4);
    /* The longest wording that fits whole in the plot from where it starts
     * (the full one ran out of a 1280 x 800 window's chart, cut after
     * "random weights: 9"). */
    bool beside = chance >= c->y0;
    int room = c->plot.x + c->plot.w - ui_px(u, 4) - (beside ? x + ui_px(u, 4) : x);
    const char *txt = NULL;
    const char *const tries[] = {l->chance, l->chance_mid, l->chance_short};
    int tw = 0;
    for (size_t k = 0; k < 3 && !txt; k++) {
        text_size(u->text, FONT_SMALL, tries[k], &tw, NULL);
        if (tw <= room)
            txt = tries[k];
    }
    if (beside) {
        float y = ui_chart_y(c, chance);
        ui_dot(u, (float)c->plot.x + (float)ui_px(u, 3.5f), y, (float)ui_px(u, 3.5f), UI_TEXT);
        if (txt)
            text_draw(u->text, FONT_SMALL, txt, x + ui_px(u, 4), (int)y - th - ui_px(u, 2),
                      UI_TEXT, TEXT_LEFT);
        return;
    }
    // The chart starts above 10 %: said at its foot, by epoch 0.
    if (!txt)
        return;
    int y = c->plot.y + c->plot.h - th - ui_px(u, 3);
    ui_fill_round(u, (SDL_Rect){x - ui_px(u, 3), y, tw + ui_px(u, 6), th}, (float)ui_px(u, 3),
                  ui_alpha(UI_PANEL, 230));
    text_draw(u->text, FONT_SMALL, txt, x, y, UI_DIM, TEXT_LEFT);
}

bool ui_scores_draw_pixel(ui_ctx *u, const app_state *s, SDL_Rect img, SDL_Rect side)
{
    const panel_pixel *p = &u->now.preview.pixel;
    (void)s;
    if (!p->on || img.w < CANVAS_N)
        return false;
    int cell = img.w / CANVAS_N;
    SDL_Rect c = {img.x + p->col * cell, img.y + p->row * cell, cell, cell};
    uv_outline(u, c, uv_line_w(u), UI_TRAIN);
    if (side.w <= 0)
        return true;
    int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 2);
    int y = side.y;
    uv_text_fit(u, FONT_BOLD, "pixel", side.x, y, side.w, UI_TRAIN);
    y += text_height(u->text, FONT_BOLD) + ui_px(u, 4);
    const char *lines[] = {p->where, p->value, p->div, p->input_text};
    for (size_t i = 0; i < 4 && y + lh <= side.y + side.h; i++, y += lh)
        uv_text_fit(u, i >= 2 ? FONT_MONO : FONT_SMALL, lines[i], side.x, y, side.w,
                    i == 3 ? UI_ACCENT : UI_TEXT);
    return true;
}
