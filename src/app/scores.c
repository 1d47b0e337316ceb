/* scores.c: the article's arithmetic as the window says it (scores.h). */
#include "scores.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/explain.h"

void scores_init(scores_state *st)
{
    st->worked = false;
    st->label = -1;
    st->random_acc = -1.0;
}

void scores_on_eval(scores_state *st, size_t epoch, bool fresh, double accuracy)
{
    if (epoch == 0 && fresh && accuracy >= 0 && accuracy <= 1)
        st->random_acc = accuracy;
}

bool scores_pick_label(scores_state *st, int label, size_t n_classes)
{
    if (label < 0 || (size_t)label >= n_classes)
        return false;
    st->label = st->label == label ? -1 : label;
    return true;
}

int scores_loss_label(const scores_state *st, const scoring *sc, int test_label,
                      const char **why)
{
    const char *w = "";
    int label = -1;
    if (sc->has_guess) {
        if (st->label >= 0 && (size_t)st->label < sc->n_classes) {
            label = st->label;
            w = "picked";
        } else if (test_label >= 0 && (size_t)test_label < sc->n_classes) {
            label = test_label;
            w = "true label";
        } else {
            label = (int)sc->guess;
            w = "the guess";
        }
    }
    if (why)
        *why = w;
    return label;
}

void scores_format_logit(char *out, size_t len, float z)
{
    if (!isfinite(z))
        snprintf(out, len, "%s", z > 0 ? "+inf" : z < 0 ? "-inf" : "nan");
    else if (fabsf(z) >= 99.995f)
        snprintf(out, len, "%+.0f", (double)z);
    else if (fabsf(z) < 0.005f)
        snprintf(out, len, " 0.00");
    else
        snprintf(out, len, "%+.2f", (double)z);
}

/* An exponential between 0 and 1 in at most 7 characters: "1.000",
 * "0.0312", "3.2e-05", "0" for what float rounded to zero. */
static void format_exp(char *out, size_t len, float e)
{
    if (e == 0.0f)
        snprintf(out, len, "0");
    else if (e >= 0.9995f)
        snprintf(out, len, "%.3f", (double)e);
    else if (e >= 0.001f)
        snprintf(out, len, "%.4f", (double)e);
    else
        snprintf(out, len, "%.1e", (double)e);
}

double scores_prob_sum(const float *p, size_t n)
{
    double t = 0.0;
    for (size_t i = 0; i < n; i++)
        t += (double)p[i];
    return t;
}

void scores_worked_of(const scoring *sc, bool on, panel_worked *out)
{
    memset(out, 0, sizeof *out);
    out->on = on;
    out->has_guess = sc->has_guess;
    size_t n = sc->n_classes < SCORES_ROWS ? sc->n_classes : SCORES_ROWS;
    out->n = n;
    if (!sc->has_guess)
        return;
    for (size_t i = 0; i < n; i++) {
        scores_format_logit(out->logit[i], sizeof out->logit[i], sc->logits[i]);
        format_exp(out->exp[i], sizeof out->exp[i], sc->exps[i]);
        snprintf(out->prob[i], sizeof out->prob[i], "%.4f", (double)sc->probs[i]);
    }
    snprintf(out->max, sizeof out->max, "%.2f", (double)sc->max_logit);
    snprintf(out->total, sizeof out->total, "%.4f", (double)sc->exp_total);
    snprintf(out->sum, sizeof out->sum, "%.4f", scores_prob_sum(sc->probs, n));
    size_t g = sc->guess;
    char e[16];
    format_exp(e, sizeof e, sc->exps[g]);
    snprintf(out->top, sizeof out->top, "%s / %s = %.4f", e, out->total, (double)sc->probs[g]);
}

/* A loss or a probability in a few characters that never reads as a
 * false 0: "0.0123", "2.1e-07" below 0.001 (but 0 itself), "0.9999". */
static void format_small(char *out, size_t len, double v)
{
    if (v == 0.0)
        v = 0.0; // -log 1 is -0: said as 0
    if (v != 0.0 && fabs(v) < 0.001)
        snprintf(out, len, "%.1e", v);
    else
        snprintf(out, len, "%.4f", v);
}

void scores_loss_of(const scores_state *st, const scoring *sc, const model_slot *m,
                    int test_label, double measured_acc, panel_loss_named *out)
{
    memset(out, 0, sizeof *out);
    size_t n = sc->n_classes ? sc->n_classes : 10;
    char acc[16];
    if (measured_acc >= 0) {
        snprintf(out->chance, sizeof out->chance, "epoch 0, random weights: %.1f %% (chance %.0f %%)",
                 100.0 * measured_acc, 100.0 * explain_chance_accuracy(n));
        snprintf(acc, sizeof acc, "%.1f %%", 100.0 * measured_acc);
    } else {
        snprintf(out->chance, sizeof out->chance, "epoch 0, random weights: about %.0f %%",
                 100.0 * explain_chance_accuracy(n));
        snprintf(acc, sizeof acc, "~%.0f %%", 100.0 * explain_chance_accuracy(n));
    }
    snprintf(out->chance_mid, sizeof out->chance_mid, "epoch 0, random: %s", acc);
    snprintf(out->chance_short, sizeof out->chance_short, "epoch 0: %s", acc);
    // Random weights: made here and not trained, or a file that says it
    // was trained 0 epochs. A model saved part way into an epoch, or one
    // read without a training record (an import), is not.
    bool random = m && !m->trained && m->meta.epochs == 0 && !m->meta.has_progress &&
                  (!m->path[0] || m->meta.has_training);
    if (!m || random || measured_acc >= 0) {
        snprintf(out->start_note, sizeof out->start_note, "%s", out->chance);
    } else if (m->meta.has_progress) { // the header says how far into it
        snprintf(out->start_note, sizeof out->start_note, "saved in epoch %d: not random",
                 m->meta.progress.epoch);
    } else {
        snprintf(out->start_note, sizeof out->start_note,
                 "trained before; its file holds no curve");
    }
    const char *why = "";
    int label = scores_loss_label(st, sc, test_label, &why);
    if (label < 0)
        return;
    out->has = true;
    out->label = label;
    out->p = sc->probs[label];
    out->loss = explain_loss(sc->probs, sc->n_classes, (size_t)label);
    const char *name = model_slot_label(m, (size_t)label);
    snprintf(out->why, sizeof out->why, "%s", why);
    char loss[24], p[24];
    format_small(loss, sizeof loss, out->loss);
    format_small(p, sizeof p, (double)out->p);
    snprintf(out->short_text, sizeof out->short_text, "drawing as %s: %s", name, loss);
    snprintf(out->formula, sizeof out->formula, "-log p[%s] = -log %s = %s", name, p, loss);
}

void scores_pixel_of(int row, int col, float input, double scale, panel_pixel *out)
{
    memset(out, 0, sizeof *out);
    out->on = true;
    out->row = row;
    out->col = col;
    out->input = input;
    if (!(scale > 0))
        scale = 1.0 / 255.0;
    double v = explain_pixel_value(input, scale);
    snprintf(out->where, sizeof out->where, "row %d, col %d", row, col);
    /* A drawn pixel need not be a whole byte: to one decimal then; a test
     * image's (always whole) without. */
    double whole = floor(v + 0.5);
    char val[16];
    if (fabs(v - whole) < 0.05)
        snprintf(val, sizeof val, "%.0f", whole);
    else
        snprintf(val, sizeof val, "%.1f", v);
    snprintf(out->value, sizeof out->value, "%s of 255", val);
    if (fabs(scale * 255.0 - 1.0) < 1e-9)
        snprintf(out->div, sizeof out->div, "%s / 255", val);
    else
        snprintf(out->div, sizeof out->div, "%s x %.3g", val, scale);
    snprintf(out->input_text, sizeof out->input_text, "= %.4f in", (double)input);
}

static int px(const app_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

app_rect scores_preview_image(const app_layout *l)
{
    app_rect p = l->preview;
    int top = p.y + px(l, 22);
    int side = p.h - (top - p.y);
    if (side > p.w)
        side = p.w;
    if (side < 0)
        side = 0;
    side = side / 28 * 28;
    return (app_rect){p.x, top, side, side};
}

bool scores_preview_cell(const app_layout *l, float x, float y, int *row, int *col)
{
    app_rect r = scores_preview_image(l);
    if (r.w < 28 || !rect_contains(r, x, y))
        return false;
    int cell = r.w / 28;
    *col = (int)((x - (float)r.x) / (float)cell);
    *row = (int)((y - (float)r.y) / (float)cell);
    if (*col > 27)
        *col = 27;
    if (*row > 27)
        *row = 27;
    return true;
}
