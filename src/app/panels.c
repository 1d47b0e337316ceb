/* panels.c: what the panels show (panels.h). */
#include "panels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void panel_guess_of(const scoring *sc, const model_slot *m, panel_guess *out)
{
    memset(out, 0, sizeof *out);
    if (!sc->has_guess)
        return;
    out->has_guess = true;
    out->sure = sc->sure;
    float p = sc->probs[sc->guess];
    snprintf(out->label, sizeof out->label, "%s", model_slot_label(m, sc->guess));
    if (!sc->sure) {
        /* A low top probability or a flat distribution: no label is
         * announced (the bars still show the whole distribution). */
        snprintf(out->best_guess, sizeof out->best_guess, "best guess %s, %.0f %%", out->label,
                 (double)(p * 100.0f));
        return;
    }
    snprintf(out->percent, sizeof out->percent, "%.1f %%", (double)(p * 100.0f));
    size_t second = scoring_second(sc->probs, sc->n_classes, sc->guess);
    snprintf(out->runner_up, sizeof out->runner_up, "%s", model_slot_label(m, second));
    // A close call between two classes is said as such.
    if (p >= 0.9f || sc->n_classes < 2)
        snprintf(out->how, sizeof out->how, "sure");
    else if (sc->probs[second] >= 0.25f)
        snprintf(out->how, sizeof out->how, "or %s? (%.0f %%)", out->runner_up,
                 (double)(sc->probs[second] * 100.0f));
    else
        snprintf(out->how, sizeof out->how, "fairly sure");
}

static int px(const app_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

void panel_bars_of(const scoring *sc, const model_slot *m, const app_layout *l, int why,
                   panel_bars *out)
{
    memset(out, 0, sizeof *out);
    app_rect r = l->bars;
    size_t n = sc->n_classes ? sc->n_classes : 10;
    out->n = n;
    out->has_guess = sc->has_guess;
    out->top = sc->has_guess ? (int)sc->guess : -1;
    out->why = why >= 0 && (size_t)why < n ? why : -1;
    out->row = r.h / (int)n;
    out->label_w = px(l, 22);
    int pct_w = px(l, 52);
    out->track_x = r.x + out->label_w;
    out->track_w = r.w - out->label_w - pct_w;
    out->bar_h = out->row * 5 / 8;
    for (size_t i = 0; i < n && i < SCORING_MAX_CLASSES; i++) {
        float p = sc->has_guess && i < sc->n_classes ? sc->probs[i] : 0.0f;
        snprintf(out->label[i], sizeof out->label[i], "%s", model_slot_label(m, i));
        int fw = (int)lroundf(p * (float)out->track_w);
        out->fill[i] = fw > 0 ? (fw < out->bar_h ? out->bar_h : fw) : 0;
        if (sc->has_guess)
            snprintf(out->percent[i], sizeof out->percent[i], p >= 0.995f ? "%.0f%%" : "%.1f%%",
                     (double)(p * 100.0f));
    }
}
