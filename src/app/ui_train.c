/* ui_train.c: training controls, progress, loss and accuracy curves, the
 * layer table and the log (ui.h). */
#include "common/format.h"
#include "ui.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void ui_draw_controls(ui_ctx *u, const app_state *s)
{
    const panel_controls *p = &u->now.controls;
    ui_button(u, s, BTN_TRAIN, p->train, p->train_active, p->train_enabled);
    ui_button(u, s, BTN_RESET, "Reset", false, true);
    ui_button(u, s, BTN_SAVE, "Save", false, true);
}

void ui_draw_progress(ui_ctx *u, const app_state *s)
{
    const panel_progress *p = &u->now.progress;
    SDL_Rect r = ui_rect(s->layout.progress);
    ui_panel(u, r);
    int inset = ui_px(u, 12);
    bool tight = r.h < ui_px(u, 50); // a compact layout: less padding, the same two lines
    int vpad = ui_px(u, tight ? 5 : 7);
    SDL_Rect in = {r.x + inset, r.y + vpad, r.w - 2 * inset, r.h - 2 * vpad};
    int lh = text_height(u->text, FONT_BODY);
    if (!p->active) {
        text_draw(u->text, FONT_BODY, p->settings, in.x, in.y, UI_DIM, TEXT_LEFT);
        SDL_Color c = p->note_tone == PANEL_TONE_WARN  ? UI_TRAIN
                      : p->note_tone == PANEL_TONE_BAD ? UI_BAD
                                                       : UI_FAINT;
        ui_clip(u, in);
        text_draw(u->text, FONT_SMALL, p->note, in.x, in.y + lh + ui_px(u, tight ? 2 : 5), c,
                  TEXT_LEFT);
        ui_unclip(u);
        return;
    }
    int w = text_draw(u->text, FONT_BOLD, p->title, in.x, in.y, UI_TEXT, TEXT_LEFT);
    int sw = 0, rw = 0;
    text_size(u->text, FONT_SMALL, p->step, &sw, NULL);
    if (p->right[0])
        text_size(u->text, FONT_SMALL, p->right, &rw, NULL);
    // In a narrow window the step gives way to the speed and the time left.
    if (w + ui_px(u, 10) + sw + ui_px(u, 12) + rw <= in.w)
        text_draw(u->text, FONT_SMALL, p->step, in.x + w + ui_px(u, 10), in.y + ui_px(u, 2),
                  UI_DIM, TEXT_LEFT);
    // Narrower still (below the window's minimum), the speed gives way to the title.
    if (w + ui_px(u, 10) + rw <= in.w)
        text_draw(u->text, FONT_SMALL, p->right, in.x + in.w, in.y + ui_px(u, 2), UI_DIM,
                  TEXT_RIGHT);
    int bh = ui_px(u, 6);
    SDL_Rect track = {in.x, in.y + in.h - bh, in.w, bh};
    ui_fill_round(u, track, (float)bh / 2, UI_TRACK);
    int fw = p->bar_fill;
    if (fw > 0)
        ui_fill_round(u, (SDL_Rect){track.x, track.y, fw < bh ? bh : fw, bh}, (float)bh / 2,
                      p->running ? UI_TRAIN : ui_alpha(UI_TRAIN, 150));
}

/* Small coloured legend entries along the caption line, right to left. */
static int legend(ui_ctx *u, int x_right, int y, const char *label, SDL_Color c)
{
    int w = text_draw(u->text, FONT_SMALL, label, x_right, y, UI_DIM, TEXT_RIGHT);
    int th = text_height(u->text, FONT_SMALL);
    int sw = ui_px(u, 10);
    ui_fill(u, (SDL_Rect){x_right - w - ui_px(u, 4) - sw, y + th / 2 - ui_px(u, 1), sw,
                          ui_px(u, 3) > 1 ? ui_px(u, 3) : 2},
            c);
    return x_right - w - sw - ui_px(u, 14);
}

/* The latest train and test figures after a chart's caption, and the
 * legend at the right where it still fits (the figures carry the same
 * colours, so a narrow chart keeps them and drops the legend; too narrow
 * for both, it keeps the test figure: panel_caption_figures). */
static void caption_values(ui_ctx *u, SDL_Rect panel, const char *caption, const char *train,
                           const char *test)
{
    int cw;
    text_size(u->text, FONT_CAPTION, caption, &cw, NULL);
    int x = panel.x + ui_px(u, 12) + cw + ui_px(u, 14);
    int y = panel.y + ui_px(u, 8);
    int end = panel.x + panel.w - ui_px(u, 10);
    int train_w = 0, test_w = 0, gap = ui_px(u, 10);
    if (train[0])
        text_size(u->text, FONT_MONO, train, &train_w, NULL);
    if (test[0])
        text_size(u->text, FONT_MONO, test, &test_w, NULL);
    panel_figures shown = panel_caption_figures(end - x, train_w, test_w, gap);
    if (shown & PANEL_FIGURES_TRAIN)
        x += text_draw(u->text, FONT_MONO, train, x, y, UI_TRAIN, TEXT_LEFT) + gap;
    if (shown & PANEL_FIGURES_TEST)
        x += text_draw(u->text, FONT_MONO, test, x, y, UI_ACCENT, TEXT_LEFT);
    int tw, rw;
    text_size(u->text, FONT_SMALL, "test", &tw, NULL);
    text_size(u->text, FONT_SMALL, "train", &rw, NULL);
    int need = tw + rw + 2 * (ui_px(u, 10) + ui_px(u, 14)) + ui_px(u, 4);
    int right = panel.x + panel.w - ui_px(u, 12);
    if (right - need < x)
        return;
    int lx = legend(u, right, y, "test", UI_ACCENT);
    legend(u, lx, y, "train", UI_TRAIN);
}

static float chart_x_end(const ui_ctx *u, const app_state *s)
{
    const panel_curves *p = &u->now.curves;
    float end = (float)s->curves.n_epochs ? (float)s->curves.epochs[s->curves.n_epochs - 1].epoch : 0.0f;
    // The planned epochs once training has begun (an idle trainer may exist
    // only to evaluate the loaded model on the test set).
    if (p->planned_shown) {
        float planned = (float)(p->base + p->planned);
        if (planned > end)
            end = planned;
    }
    if (s->curves.loss.n && curves_loss(&s->curves, s->curves.loss.n - 1)->x > end)
        end = curves_loss(&s->curves, s->curves.loss.n - 1)->x;
    end = end < 1.0f ? 1.0f : end;
    return end * 1.02f; // room for the last epoch's dots
}

static void empty_hint(ui_ctx *u, SDL_Rect in, const char *msg)
{
    text_draw_in(u->text, FONT_SMALL, msg, in, UI_FAINT, TEXT_CENTER);
}

void ui_draw_loss(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.loss_chart);
    ui_panel(u, r);
    SDL_Rect in = ui_caption(u, r, "LOSS", NULL);
    if (s->curves.loss.n == 0 && s->curves.n_epochs == 0) {
        empty_hint(u, in, "appears while training");
        ui_scores_draw_loss_text(u, s, in);
        return;
    }
    float ymax = 0.1f;
    for (size_t i = 0; i < s->curves.loss.n; i++)
        ymax = fmaxf(ymax, curves_loss(&s->curves, i)->smooth);
    for (size_t i = 0; i < s->curves.n_epochs; i++)
        ymax = fmaxf(ymax, fmaxf((float)s->curves.epochs[i].loss, (float)s->curves.epochs[i].val_loss));
    // Fresh weights: the chart reaches up to where they start, ln 10 (ui_scores.c).
    if (!s->model.path[0] && s->curves.epoch_base == 0)
        ymax = fmaxf(ymax, 2.3026f);
    ymax *= 1.12f;
    ui_chart c = ui_chart_axes(u, in, 0.0f, chart_x_end(u, s), 0.0f, ymax, false, "epoch");
    if (c.plot.w < 10)
        return;
    ui_clip(u, c.plot);
    float lw = fmaxf(1.5f, (float)ui_px(u, 2));
    /* One entry per pixel column: the batch losses' range as a faint band,
     * the smoothed loss as a line. */
    int n = 0, col = INT_MIN;
    for (size_t i = 0; i < s->curves.loss.n && n < UI_MAX_COLUMNS; i++) {
        const curve_loss_point *p = curves_loss(&s->curves, i);
        float px = floorf(ui_chart_x(&c, p->x));
        float y = ui_chart_y(&c, fminf(p->loss, ymax));
        if ((int)px != col) {
            col = (int)px;
            u->rects[n] = (SDL_FRect){px, y, 1.0f, 1.0f};
            n++;
        } else {
            SDL_FRect *rc = &u->rects[n - 1];
            float top = fminf(rc->y, y), bottom = fmaxf(rc->y + rc->h, y + 1.0f);
            rc->y = top;
            rc->h = bottom - top;
        }
        u->pts[n - 1] = (SDL_FPoint){px, ui_chart_y(&c, p->smooth)};
    }
    ui_flush(u);
    SDL_SetRenderDrawColor(u->renderer, UI_TRAIN.r, UI_TRAIN.g, UI_TRAIN.b, 60);
    SDL_RenderFillRectsF(u->renderer, u->rects, n);
    ui_polyline(u, u->pts, n, lw, UI_TRAIN);
    float dot = fmaxf(2.5f, (float)ui_px(u, 3.5f));
    for (size_t i = 0; i < s->curves.n_epochs; i++) {
        const model_epoch *e = &s->curves.epochs[i];
        if (i > 0)
            ui_line(u, ui_chart_x(&c, (float)s->curves.epochs[i - 1].epoch),
                    ui_chart_y(&c, (float)s->curves.epochs[i - 1].val_loss), ui_chart_x(&c, (float)e->epoch),
                    ui_chart_y(&c, (float)e->val_loss), lw * 0.75f, ui_alpha(UI_ACCENT, 170));
        ui_dot(u, ui_chart_x(&c, (float)e->epoch), ui_chart_y(&c, (float)e->loss), dot, UI_TRAIN);
        ui_dot(u, ui_chart_x(&c, (float)e->epoch), ui_chart_y(&c, (float)e->val_loss), dot, UI_ACCENT);
    }
    ui_scores_draw_loss(u, s, &c);
    ui_unclip(u);
    char train[32] = "", test[32] = "";
    /* The epoch's running mean loss: the figure Keras's progress line and,
     * at the epoch's end, the log's epoch line show (not the smoothed
     * batch loss the curve draws). */
    if (s->train.have_trainer && s->train.have_progress)
        snprintf(train, sizeof train, "%.4f", s->train.last_event.loss);
    else if (s->curves.loss.n)
        snprintf(train, sizeof train, "%.4f", (double)curves_loss(&s->curves, s->curves.loss.n - 1)->smooth);
    else if (s->curves.n_epochs)
        snprintf(train, sizeof train, "%.4f", s->curves.epochs[s->curves.n_epochs - 1].loss);
    if (s->curves.n_epochs)
        snprintf(test, sizeof test, "%.4f", s->curves.epochs[s->curves.n_epochs - 1].val_loss);
    caption_values(u, r, "LOSS", train, test);
}

void ui_draw_accuracy(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.acc_chart);
    ui_panel(u, r);
    SDL_Rect in = ui_caption(u, r, "ACCURACY", NULL);
    if (s->curves.loss.n == 0 && s->curves.n_epochs == 0) {
        empty_hint(u, in, "train and test, per epoch");
        ui_scores_draw_chance_text(u, s, in);
        return;
    }
    float lo = 1.0f;
    // Skip the first, noisy points of each epoch's running mean when choosing the range.
    for (size_t i = 0; i < s->curves.loss.n; i++)
        if (curves_loss(&s->curves, i)->x - floorf(curves_loss(&s->curves, i)->x) > 0.1f || curves_loss(&s->curves, i)->x < 0.1f)
            lo = fminf(lo, curves_loss(&s->curves, i)->accuracy);
    for (size_t i = 0; i < s->curves.n_epochs; i++)
        lo = fminf(lo, fminf((float)s->curves.epochs[i].accuracy, (float)s->curves.epochs[i].val_accuracy));
    lo = floorf(lo * 10.0f) / 10.0f;
    if (lo > 0.9f)
        lo = 0.9f;
    if (lo < 0.0f)
        lo = 0.0f;
    ui_chart c = ui_chart_axes(u, in, 0.0f, chart_x_end(u, s), lo, 1.0f, true, "epoch");
    if (c.plot.w < 10)
        return;
    ui_clip(u, c.plot);
    float lw = fmaxf(1.5f, (float)ui_px(u, 2));
    /* The running accuracy, one point per pixel column, a separate line per
     * epoch (each epoch's running mean starts afresh). */
    int n = 0, col = INT_MIN;
    float epoch = -1.0f;
    for (size_t i = 0; i <= s->curves.loss.n; i++) {
        const curve_loss_point *p = i < s->curves.loss.n ? curves_loss(&s->curves, i) : NULL;
        // An epoch's last step lands exactly on the next whole number: it still belongs to it.
        float e = p ? ceilf(p->x) - 1.0f : -2.0f;
        if (!p || e != epoch || n == UI_MAX_COLUMNS) {
            ui_polyline(u, u->pts, n, lw, ui_alpha(UI_TRAIN, 200));
            n = 0;
            col = INT_MIN;
            epoch = e;
            if (!p)
                break;
        }
        float px = floorf(ui_chart_x(&c, p->x));
        SDL_FPoint pt = {px, ui_chart_y(&c, fmaxf(p->accuracy, lo))};
        if ((int)px != col) {
            col = (int)px;
            u->pts[n++] = pt;
        } else {
            u->pts[n - 1] = pt;
        }
    }
    float dot = fmaxf(2.5f, (float)ui_px(u, 3.5f));
    for (size_t i = 0; i < s->curves.n_epochs; i++) {
        const model_epoch *e = &s->curves.epochs[i];
        if (i > 0)
            ui_line(u, ui_chart_x(&c, (float)s->curves.epochs[i - 1].epoch),
                    ui_chart_y(&c, (float)s->curves.epochs[i - 1].val_accuracy),
                    ui_chart_x(&c, (float)e->epoch), ui_chart_y(&c, (float)e->val_accuracy), lw,
                    UI_ACCENT);
        ui_dot(u, ui_chart_x(&c, (float)e->epoch), ui_chart_y(&c, (float)e->accuracy), dot, UI_TRAIN);
        ui_dot(u, ui_chart_x(&c, (float)e->epoch), ui_chart_y(&c, (float)e->val_accuracy), dot,
               UI_ACCENT);
    }
    ui_scores_draw_chance(u, s, &c);
    ui_unclip(u);
    char train[32] = "", test[32] = "";
    if (s->curves.loss.n)
        snprintf(train, sizeof train, "%.2f%%", 100.0 * (double)curves_loss(&s->curves, s->curves.loss.n - 1)->accuracy);
    else if (s->curves.n_epochs)
        snprintf(train, sizeof train, "%.2f%%", 100.0 * s->curves.epochs[s->curves.n_epochs - 1].accuracy);
    if (s->curves.n_epochs)
        snprintf(test, sizeof test, "%.2f%%", 100.0 * s->curves.epochs[s->curves.n_epochs - 1].val_accuracy);
    caption_values(u, r, "ACCURACY", train, test);
}

void ui_draw_params(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.params);
    ui_panel(u, r);
    if (!s->model.have)
        return;
    const mlp *net = &s->model.net;
    int inset = ui_px(u, 12);
    int row = (r.h - ui_px(u, 12)) / (int)(net->n_layers + 3);
    int x = r.x + inset, w = r.w - 2 * inset;
    int c1 = x + w * 58 / 100, c2 = x + w;
    int y = r.y + ui_px(u, 6);
    char a[64], b[64];
    text_draw_in(u->text, FONT_CAPTION, "LAYER", (SDL_Rect){x, y, w, row}, UI_DIM, TEXT_LEFT);
    text_draw_in(u->text, FONT_CAPTION, "NEURONS", (SDL_Rect){c1, y, 0, row}, UI_DIM, TEXT_RIGHT);
    text_draw_in(u->text, FONT_CAPTION, "PARAMETERS", (SDL_Rect){c2, y, 0, row}, UI_DIM, TEXT_RIGHT);
    y += row;
    snprintf(a, sizeof a, "Input %zu×%zu", s->model.meta.height, s->model.meta.width);
    text_draw_in(u->text, FONT_SMALL, a, (SDL_Rect){x, y, w, row}, UI_TEXT, TEXT_LEFT);
    format_thousands(b, sizeof b, (unsigned long long)net->sizes[0]);
    text_draw_in(u->text, FONT_MONO, b, (SDL_Rect){c1, y, 0, row}, UI_TEXT, TEXT_RIGHT);
    text_draw_in(u->text, FONT_MONO, "0", (SDL_Rect){c2, y, 0, row}, UI_FAINT, TEXT_RIGHT);
    y += row;
    uint64_t total = 0;
    for (size_t l = 0; l < net->n_layers; l++, y += row) {
        const mlp_layer *L = &net->layers[l];
        uint64_t n = (uint64_t)L->in * L->out + L->out;
        total += n;
        snprintf(a, sizeof a, "Dense, %s",
                 L->act == MLP_ACT_RELU ? "ReLU" : mlp_activation_name(L->act));
        text_draw_in(u->text, FONT_SMALL, a, (SDL_Rect){x, y, w, row}, UI_TEXT, TEXT_LEFT);
        format_thousands(b, sizeof b, (unsigned long long)L->out);
        text_draw_in(u->text, FONT_MONO, b, (SDL_Rect){c1, y, 0, row}, UI_TEXT, TEXT_RIGHT);
        format_thousands(b, sizeof b, (unsigned long long)n);
        text_draw_in(u->text, FONT_MONO, b, (SDL_Rect){c2, y, 0, row}, UI_TEXT, TEXT_RIGHT);
    }
    ui_fill(u, (SDL_Rect){x, y, w, 1}, UI_PANEL_EDGE);
    text_draw_in(u->text, FONT_BOLD, "Total trainable", (SDL_Rect){x, y, w, row}, UI_TEXT, TEXT_LEFT);
    format_thousands(b, sizeof b, (unsigned long long)total);
    text_draw_in(u->text, FONT_BOLD, b, (SDL_Rect){c2, y, 0, row}, UI_ACCENT, TEXT_RIGHT);
}

/* Splits the log into lines that fit width, breaking at " - ". */
static void wrap_log(ui_ctx *u, const app_state *s, int width)
{
    if (u->wrapped_version == s->report.log_version && u->wrapped_width == width)
        return;
    u->wrapped_version = s->report.log_version;
    u->wrapped_width = width;
    u->n_wrapped = 0;
    const size_t cap = sizeof u->wrapped / sizeof u->wrapped[0];
    for (size_t i = 0; i < s->report.n_log; i++) {
        const char *line = report_log_line(&s->report, i);
        char rest[REPORT_LOG_LINE];
        snprintf(rest, sizeof rest, "%s", line);
        bool first = true;
        while (rest[0]) {
            char piece[REPORT_LOG_LINE + 8];
            snprintf(piece, sizeof piece, "%s%s", first ? "" : "   ", rest);
            int w;
            text_size(u->text, FONT_MONO, piece, &w, NULL);
            size_t cut = strlen(rest);
            if (w > width) {
                // The longest prefix that fits, ending before a " - " if one does, else at a space.
                size_t best = 0;
                for (int pass = 0; pass < 2 && !best; pass++) {
                    const char *sep = pass == 0 ? " - " : " ";
                    for (char *p = strstr(rest, sep); p; p = strstr(p + 1, sep)) {
                        size_t n = (size_t)(p - rest);
                        snprintf(piece, sizeof piece, "%s%.*s", first ? "" : "   ", (int)n, rest);
                        text_size(u->text, FONT_MONO, piece, &w, NULL);
                        if (w > width)
                            break;
                        best = n;
                    }
                }
                if (best)
                    cut = best;
            }
            if (u->n_wrapped == cap) {
                memmove(u->wrapped[0], u->wrapped[1], (cap - 1) * sizeof u->wrapped[0]);
                memmove(u->wrapped_color, u->wrapped_color + 1, (cap - 1) * sizeof u->wrapped_color[0]);
                u->n_wrapped--;
            }
            u->wrapped_color[u->n_wrapped] = !strncmp(line, "Error", 5)   ? UI_BAD
                                             : !strncmp(line, "Epoch", 5) && first ? UI_TEXT
                                                                                   : UI_DIM;
            char *dst = u->wrapped[u->n_wrapped++];
            size_t at = first ? 0 : 3;
            memcpy(dst, "   ", at);
            if (cut > REPORT_LOG_LINE - 1 - at)
                cut = REPORT_LOG_LINE - 1 - at;
            memcpy(dst + at, rest, cut);
            dst[at + cut] = '\0';
            const char *next = rest + cut;
            if (!strncmp(next, " - ", 3))
                next += 3;
            else if (*next == ' ')
                next++;
            memmove(rest, next, strlen(next) + 1);
            first = false;
        }
    }
}

void ui_draw_log(ui_ctx *u, const app_state *s, SDL_Rect r)
{
    if (r.h < ui_px(u, 30))
        return;
    SDL_Rect in = ui_caption(u, r, "LOG", NULL);
    wrap_log(u, s, in.w);
    int lh = text_height(u->text, FONT_MONO) + ui_px(u, 1);
    size_t fit = (size_t)((in.h + ui_px(u, 6)) / lh);
    size_t first = u->n_wrapped > fit ? u->n_wrapped - fit : 0;
    ui_clip(u, (SDL_Rect){r.x, in.y, r.w, r.y + r.h - in.y - ui_px(u, 4)});
    if (u->n_wrapped == 0)
        text_draw(u->text, FONT_MONO, "Keras-style epoch lines appear here.",
                  in.x, in.y, UI_FAINT, TEXT_LEFT);
    for (size_t i = first; i < u->n_wrapped; i++) {
        text_draw(u->text, FONT_MONO, u->wrapped[i], in.x, in.y + (int)(i - first) * lh,
                  u->wrapped_color[i], TEXT_LEFT);
    }
    ui_unclip(u);
}
