/* test_panels: what the guess and bars panels show, from made-up answers,
 * and that what decides a redraw is what is drawn. */
#include <string.h>

#include "app/panels.h"

#include "check.h"

static void answer(scoring *s, const float *p, size_t n)
{
    scoring_init(s);
    s->n_classes = n;
    memcpy(s->probs, p, n * sizeof *p);
    s->has_guess = true;
    s->guess = argmax(s->probs, n);
    s->runner_up = scoring_second(s->probs, n, s->guess);
    s->sure = scoring_is_sure(s->probs, n);
}

int main(void)
{
    model_slot m;
    model_slot_init(&m, NULL, NULL, NULL, NULL);
    size_t hidden[] = {4};
    mlp net;
    model_meta meta;
    CHECK(model_slot_make_fresh(hidden, 1, 1, &net, &meta, NULL), "fresh");
    model_slot_take(&m, &net, &meta, "");

    // A sure 3 with 8 a distant second.
    float p[10] = {0.001f, 0.002f, 0.003f, 0.971f, 0.002f, 0.004f, 0.001f, 0.002f, 0.012f, 0.002f};
    scoring s;
    answer(&s, p, 10);
    panel_guess g;
    panel_guess_of(&s, &m, &g);
    CHECK(g.has_guess && g.sure && !strcmp(g.label, "3") && !strcmp(g.percent, "97.1 %") &&
              !strcmp(g.runner_up, "8") && !strcmp(g.how, "sure"),
          "guess %s %s runner-up %s how %s", g.label, g.percent, g.runner_up, g.how);

    // A close call is said as one: "or 8? (31 %)".
    float close[10] = {0.01f, 0.01f, 0.01f, 0.62f, 0.01f, 0.01f, 0.01f, 0.01f, 0.31f, 0.0f};
    answer(&s, close, 10);
    panel_guess_of(&s, &m, &g);
    CHECK(g.sure && !strcmp(g.percent, "62.0 %") && !strcmp(g.how, "or 8? (31 %)"), "close: %s / %s",
          g.percent, g.how);

    /* The same guess with the same probability and a different runner-up:
     * the panel says another thing, so it must be redrawn. (The old
     * signature hashed the guess, its probability and "sure" only, and
     * kept showing "or 8?".) */
    float other[10] = {0.01f, 0.01f, 0.01f, 0.62f, 0.01f, 0.31f, 0.01f, 0.01f, 0.01f, 0.0f};
    scoring s2;
    answer(&s2, other, 10);
    panel_guess g2;
    panel_guess_of(&s2, &m, &g2);
    CHECK(s2.guess == s.guess && s2.sure == s.sure &&
              (int)(s2.probs[s2.guess] * 1000 + 0.5f) == (int)(s.probs[s.guess] * 1000 + 0.5f),
          "the old signature's inputs are the same");
    CHECK(memcmp(&g, &g2, sizeof g) != 0 && !strcmp(g2.how, "or 5? (31 %)"),
          "the runner-up's change is not seen: %s", g2.how);

    // Not sure: no label announced, the best guess in small print.
    float flat[10] = {0.12f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.08f};
    answer(&s, flat, 10);
    panel_guess_of(&s, &m, &g);
    CHECK(g.has_guess && !g.sure && !strcmp(g.best_guess, "best guess 0, 12 %") && !g.percent[0],
          "not sure: %s", g.best_guess);
    // No ink: no guess.
    scoring_init(&s);
    panel_guess_of(&s, &m, &g);
    CHECK(!g.has_guess, "a guess without ink");

    // The bars: a row each, the fill in pixels of the track.
    app_layout l;
    memset(&l, 0, sizeof l);
    l.scale = 1.0f;
    l.bars = (app_rect){100, 200, 274, 300}; // 30 px a row; track 274 - 22 - 52 = 200 px
    answer(&s, p, 10);
    panel_bars b;
    panel_bars_of(&s, &m, &l, 8, &b);
    CHECK(b.n == 10 && b.row == 30 && b.track_x == 122 && b.track_w == 200 && b.bar_h == 18,
          "geometry: row %d track %d+%d bar %d", b.row, b.track_x, b.track_w, b.bar_h);
    CHECK(b.top == 3 && b.why == 8 && b.fill[3] == 194 && !strcmp(b.percent[3], "97.1%"),
          "top: fill %d, %s", b.fill[3], b.percent[3]);
    // 1.2 % of 200 px is 2 px: drawn as a dot as wide as the bar is high.
    CHECK(b.fill[8] == b.bar_h && b.fill[0] == 0 && !strcmp(b.percent[0], "0.1%"),
          "small bars: %d %d %s", b.fill[8], b.fill[0], b.percent[0]);
    CHECK(!strcmp(b.label[9], "9"), "label %s", b.label[9]);
    panel_bars b2;
    s.probs[8] = 0.0121f; // the same on screen: the same struct, no redraw
    panel_bars_of(&s, &m, &l, 8, &b2);
    CHECK(!memcmp(&b, &b2, sizeof b), "an invisible change redraws");
    panel_bars_of(&s, &m, &l, -1, &b2);
    CHECK(memcmp(&b, &b2, sizeof b) != 0, "the why mark's change is not seen");

    // Class names widen the label column to the longest (7.5 px a byte
    // and 10: "Ankle boot" wants 85 px), but never past 38 % of the panel.
    if (m.meta.labels && m.meta.n_labels >= 10) {
        snprintf(m.meta.labels[9], MODEL_LABEL_MAX, "Ankle boot");
        panel_bars_of(&s, &m, &l, -1, &b2);
        CHECK(b2.label_w == 85 && b2.track_x == 185 && b2.track_w == 274 - 85 - 52,
              "class names: label column %d, track %d+%d", b2.label_w, b2.track_x, b2.track_w);
        snprintf(m.meta.labels[9], MODEL_LABEL_MAX, "A very long class name here");
        panel_bars_of(&s, &m, &l, -1, &b2);
        CHECK(b2.label_w == 274 * 38 / 100, "a long name: column %d", b2.label_w);
    } else {
        CHECK(false, "the model slot has its ten labels");
    }

    /* A chart's caption figures: the accuracy chart of a 900 x 600 window
     * has about 80 px after "ACCURACY" for two 45 px figures and a 10 px
     * gap. It showed the training figure alone (92.39 % for the bundled
     * model, on distorted digits) beside a status line saying "test
     * accuracy 98.36 %"; the test figure is the one kept now. */
    CHECK(panel_caption_figures(100, 45, 45, 10) == PANEL_FIGURES_BOTH, "room for both");
    CHECK(panel_caption_figures(99, 45, 45, 10) == PANEL_FIGURES_TEST,
          "one short of both: the test figure");
    CHECK(panel_caption_figures(80, 45, 45, 10) == PANEL_FIGURES_TEST, "900 x 600: the test figure");
    CHECK(panel_caption_figures(80, 45, 0, 10) == PANEL_FIGURES_TRAIN,
          "before the first epoch's test: the training figure");
    CHECK(panel_caption_figures(80, 0, 45, 10) == PANEL_FIGURES_TEST, "a test figure alone");
    CHECK(panel_caption_figures(40, 38, 45, 10) == PANEL_FIGURES_TRAIN,
          "a test figure too wide, a training one that fits");
    CHECK(panel_caption_figures(30, 45, 45, 10) == PANEL_FIGURES_NONE, "no room: none");
    CHECK(panel_caption_figures(80, 0, 0, 10) == PANEL_FIGURES_NONE, "no figures: none");

    model_slot_destroy(&m);
    return check_summary();
}
