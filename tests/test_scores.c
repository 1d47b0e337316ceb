/* test_scores: the article's arithmetic as the window says it (scores.h),
 * against hand-worked values; the lesson's table (lesson.h); the theme's
 * contrast (theme.h); and the scores event of the real window state with
 * the bundled model, redone independently from the model file's own text
 * (read here with cJSON, computed in double). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/lesson.h"
#include "app/panels.h"
#include "app/scores.h"
#include "app/theme.h"
#include "app/window.h"
#include "core/explain.h"

#include "check.h"

/* A scoring filled in by hand: logits, and softmax worked out by explain. */
static void hand_scoring(scoring *sc, const float *logits, size_t n)
{
    scoring_init(sc);
    sc->n_classes = n;
    sc->has_guess = true;
    memcpy(sc->logits, logits, n * sizeof *logits);
    sc->exp_total = explain_softmax(logits, n, sc->exps, sc->probs, &sc->max_logit);
    sc->guess = argmax(sc->probs, n);
}

static void test_format(void)
{
    char b[16];
    scores_format_logit(b, sizeof b, 8.714f);
    CHECK(!strcmp(b, "+8.71"), "%s", b);
    scores_format_logit(b, sizeof b, -3.2f);
    CHECK(!strcmp(b, "-3.20"), "%s", b);
    scores_format_logit(b, sizeof b, 0.001f);
    CHECK(!strcmp(b, " 0.00"), "%s", b);
    scores_format_logit(b, sizeof b, 123.4f);
    CHECK(!strcmp(b, "+123"), "%s", b);
}

static void test_worked(void)
{
    /* The article's kind of example: scores 1.2, 0.5, 8.7. Less the largest
     * (8.7): e^-7.5 = 5.531e-4, e^-8.2 = 2.747e-4, e^0 = 1; total 1.000828;
     * p = 5.526e-4, 2.744e-4, 0.999173. */
    static const float z[3] = {1.2f, 0.5f, 8.7f};
    scoring sc;
    hand_scoring(&sc, z, 3);
    panel_worked w;
    scores_worked_of(&sc, true, &w);
    CHECK(w.on && w.has_guess && w.n == 3, "worked");
    CHECK(!strcmp(w.logit[0], "+1.20") && !strcmp(w.logit[2], "+8.70"), "%s %s", w.logit[0],
          w.logit[2]);
    CHECK(!strcmp(w.exp[0], "5.5e-04") && !strcmp(w.exp[1], "2.7e-04") && !strcmp(w.exp[2], "1.000"),
          "exps %s %s %s", w.exp[0], w.exp[1], w.exp[2]);
    CHECK(!strcmp(w.max, "8.70") && !strcmp(w.total, "1.0008"), "max %s total %s", w.max, w.total);
    CHECK(!strcmp(w.prob[2], "0.9992") && !strcmp(w.prob[0], "0.0006"), "probs %s %s", w.prob[2],
          w.prob[0]);
    CHECK(!strcmp(w.sum, "1.0000"), "sum %s", w.sum);
    CHECK(!strcmp(w.top, "1.000 / 1.0008 = 0.9992"), "top %s", w.top);

    // Ten equal scores: each e^0 = 1, total 10, each 1/10.
    float zero[10] = {0};
    hand_scoring(&sc, zero, 10);
    scores_worked_of(&sc, false, &w);
    CHECK(!w.on && !strcmp(w.total, "10.0000") && !strcmp(w.prob[7], "0.1000") &&
              !strcmp(w.exp[4], "1.000") && !strcmp(w.sum, "1.0000"),
          "flat: total %s p %s", w.total, w.prob[7]);
    CHECK(fabs(scores_prob_sum(sc.probs, 10) - 1.0) < 1e-6, "sum");

    // No answer: nothing but the flag.
    scoring_init(&sc);
    scores_worked_of(&sc, true, &w);
    CHECK(w.on && !w.has_guess && !w.logit[0][0], "empty");
}

static void test_loss(void)
{
    model_slot m;
    memset(&m, 0, sizeof m);
    m.have = true; // with the labels "0".."9"
    CHECK(model_meta_default(&m.meta, 28, 28, 10, NULL), "meta");
    scores_state st;
    scores_init(&st);
    /* Scores ln 1 and ln 1 (and very low ones): p = 0.5, 0.5 -> the loss
     * for either is -log 0.5 = ln 2 = 0.6931. */
    float z[10] = {0, -40, -40, 0, -40, -40, -40, -40, -40, -40};
    scoring sc;
    hand_scoring(&sc, z, 10);
    panel_loss_named l;
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(l.has && l.label == 0 && !strcmp(l.why, "the guess"), "the guess: %d %s", l.label, l.why);
    CHECK(fabs(l.loss - 0.693147) < 1e-5, "ln 2: %g", l.loss);
    CHECK(!strcmp(l.formula, "-log p[0] = -log 0.5000 = 0.6931"), "%s", l.formula);
    CHECK(!strcmp(l.short_text, "drawing as 0: 0.6931"), "%s", l.short_text);
    CHECK(!strcmp(l.chance, "epoch 0, random weights: about 10 %") &&
              !strcmp(l.chance_short, "epoch 0: ~10 %"),
          "%s", l.chance);
    CHECK(!strcmp(l.start_note, l.chance), "fresh weights start at random: %s", l.start_note);
    // A model saved part way into its first epoch is not random weights,
    // though it has no curve yet; nor is one read without a training record.
    strcpy(m.path, "part.json");
    m.meta.has_training = true;
    m.meta.has_progress = true;
    m.meta.progress.epoch = 1;
    m.meta.progress.batches_done = 105;
    m.meta.progress.batches_per_epoch = 977;
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(!strcmp(l.start_note, "saved in epoch 1: not random"), "%s",
          l.start_note);
    m.meta.has_progress = false;
    m.meta.has_training = false;
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(!strcmp(l.start_note, "trained before; its file holds no curve"), "%s", l.start_note);
    m.meta.has_training = true; // a file saying 0 epochs: fresh weights, saved
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(!strcmp(l.start_note, l.chance), "a saved fresh model: %s", l.start_note);
    m.path[0] = '\0';
    m.meta.has_training = false;

    // A test image's true label comes before the guess, a picked label before both.
    scores_loss_of(&st, &sc, &m, 3, 0.0983, &l);
    CHECK(l.label == 3 && !strcmp(l.why, "true label"), "true label %d", l.label);
    CHECK(!strcmp(l.chance, "epoch 0, random weights: 9.8 % (chance 10 %)") &&
              !strcmp(l.chance_mid, "epoch 0, random: 9.8 %") &&
              !strcmp(l.chance_short, "epoch 0: 9.8 %"),
          "%s / %s / %s", l.chance, l.chance_mid, l.chance_short);
    // Where the accuracy curve starts: a fresh network's evaluation, kept.
    scores_on_eval(&st, 0, false, 0.97);
    scores_on_eval(&st, 1, true, 0.90);
    CHECK(st.random_acc < 0, "a trained or loaded network is not random weights");
    scores_on_eval(&st, 0, true, 0.0983);
    CHECK(st.random_acc == 0.0983, "fresh weights at epoch 0: %g", st.random_acc);
    CHECK(scores_pick_label(&st, 7, 10) && st.label == 7, "pick 7");
    scores_loss_of(&st, &sc, &m, 3, -1.0, &l);
    /* p[7] = e^-40 / 2 = 2.1e-18, clipped at 1e-7 as training clips it:
     * -log 1e-7 = 16.1181. */
    CHECK(l.label == 7 && !strcmp(l.why, "picked") && fabs(l.loss - 16.1181) < 1e-3,
          "picked 7: %g", l.loss);
    CHECK(!strcmp(l.formula, "-log p[7] = -log 2.1e-18 = 16.1181"), "%s", l.formula);
    CHECK(scores_pick_label(&st, 7, 10) && st.label == -1, "picking it again drops it");
    CHECK(!scores_pick_label(&st, 10, 10) && !scores_pick_label(&st, -1, 10) && st.label == -1,
          "out of range");
    // A tiny loss is never shown as 0.
    // (p[0] = 1 / (1 + 9 e^-12) = 1 - 5.53e-5: -log p = 5.5e-05.)
    float sure[10] = {12, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    hand_scoring(&sc, sure, 10);
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    // (Float's total of the ten exponentials is off by a few ulps of 1: 5.6e-05 here.)
    CHECK(fabs(l.loss - 5.53e-5) < 0.02 * 5.53e-5 && !strncmp(l.short_text, "drawing as 0: 5.", 16) &&
              strstr(l.short_text, "e-05"),
          "a tiny loss: %s (%g)", l.short_text, l.loss);
    // A probability that rounds to 1 in float has loss 0 (not "-0.0000").
    float surer[10] = {30, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    hand_scoring(&sc, surer, 10);
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(!strcmp(l.short_text, "drawing as 0: 0.0000"), "p = 1: %s", l.short_text);
    scoring_init(&sc);
    scores_loss_of(&st, &sc, &m, -1, -1.0, &l);
    CHECK(!l.has, "no answer, no loss");
    model_meta_destroy(&m.meta);
}

/* The guess panel with the detector: its verdict and what it measured. */
static void test_guess_detector(void)
{
    model_slot m;
    memset(&m, 0, sizeof m);
    m.have = true;
    CHECK(model_meta_default(&m.meta, 28, 28, 10, NULL), "meta");
    float z[10] = {0, 0, 0, 0, 3, 0, 0, 0, 0, 0};
    scoring sc;
    hand_scoring(&sc, z, 10);
    sc.has_novelty = true;
    sc.novelty.ratio = 3.14;
    sc.novelty.threshold_ratio = 2.9;
    sc.novelty.not_a_digit = true;
    sc.sure = false;
    panel_guess g;
    panel_guess_of(&sc, &m, &g);
    CHECK(g.has_guess && !g.sure && g.detector && !strcmp(g.measure, "unlike 4s: 3.1x (limit 2.9x)") &&
              !strcmp(g.measure_short, "3.1x, limit 2.9x"),
          "%s / %s", g.measure, g.measure_short);
    sc.has_novelty = false;
    panel_guess_of(&sc, &m, &g);
    CHECK(!g.detector && !g.measure[0], "no detector, no measure");
    model_meta_destroy(&m.meta);
}

static void test_pixels(void)
{
    panel_pixel p;
    // A test image's byte 204: the network gets 204 / 255 = 0.8.
    scores_pixel_of(12, 7, explain_pixel_input(204, 1.0 / 255.0), 1.0 / 255.0, &p);
    CHECK(p.on && !strcmp(p.where, "row 12, col 7") && !strcmp(p.value, "204 of 255"),
          "%s / %s", p.where, p.value);
    CHECK(!strcmp(p.div, "204 / 255") && !strcmp(p.input_text, "= 0.8000 in"), "%s %s",
          p.div, p.input_text);
    // A drawn pixel between bytes: 0.5 stands for 127.5.
    scores_pixel_of(0, 27, 0.5f, 1.0 / 255.0, &p);
    CHECK(!strcmp(p.value, "127.5 of 255") && !strcmp(p.input_text, "= 0.5000 in"),
          "%s %s", p.value, p.input_text);
    // A model fed 0..255 (scale 1): the value goes in as it is.
    scores_pixel_of(1, 1, 51.0f, 1.0, &p);
    CHECK(!strcmp(p.value, "51 of 255") && !strcmp(p.div, "51 x 1"), "%s %s", p.value,
          p.div);

    // Where the cells of the network's input are, in every size the window is tried at.
    static const int sizes[][2] = {{900, 600}, {1280, 800}, {1920, 1080}};
    for (size_t k = 0; k < 3; k++) {
        app_layout l;
        layout_compute(&l, sizes[k][0], sizes[k][1], 1.0f, 2);
        app_rect img = scores_preview_image(&l);
        CHECK(img.w == img.h && img.w >= 56 && img.w % 28 == 0, "image %dx%d", img.w, img.h);
        CHECK(img.x >= l.preview.x && img.y + img.h <= l.preview.y + l.preview.h &&
                  img.x + img.w <= l.preview.x + l.preview.w,
              "image outside the preview");
        int cell = img.w / 28, row = -1, col = -1;
        bool in = scores_preview_cell(&l, (float)(img.x + 5 * cell + cell / 2),
                                      (float)(img.y + 3 * cell + cell / 2), &row, &col);
        CHECK(in && row == 3 && col == 5, "cell (%d, %d)", row, col);
        CHECK(!scores_preview_cell(&l, (float)(img.x + img.w + 2), (float)img.y, &row, &col),
              "beside the image");
    }
}

static void test_lesson(void)
{
    static const char *const titles[LESSON_STEPS] = {
        "The data", "Flatten", "Dense", "ReLU", "Softmax", "Counting parameters", "Training",
        "Deeper networks"};
    for (size_t i = 0; i < LESSON_STEPS; i++) {
        const lesson_step *st = lesson_step_at(i);
        CHECK(st && !strcmp(st->title, titles[i]), "step %zu: %s", i, st ? st->title : "none");
    }
    CHECK(lesson_step_at(LESSON_STEPS) == NULL, "past the end");
    CHECK(lesson_step_at(2)->view == VIEW_NEURON && lesson_step_at(3)->view == VIEW_HIDDEN &&
              lesson_step_at(4)->worked && lesson_step_at(7)->view == VIEW_NETWORK,
          "Dense shows a unit worked out, ReLU the hidden layer, softmax is worked out, deeper "
          "networks the diagram");

    // The numbers come from the network: 784 x 128 + 128 = 100,480, 128 x 10 + 10 = 1,290.
    size_t sizes[] = {784, 128, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "mlp");
    char t[600];
    lesson_text(5, &net, 28, 28, t, sizeof t);
    CHECK(strstr(t, "784 x 128 + 128 = 100,480") && strstr(t, "128 x 10 + 10 = 1,290") &&
              strstr(t, "101,770 in all"),
          "%s", t);
    lesson_text(0, &net, 28, 28, t, sizeof t);
    CHECK(strstr(t, "28x28 pixels") && strstr(t, "divided by 255"), "%s", t);
    for (size_t i = 0; i < LESSON_STEPS; i++) {
        lesson_text(i, &net, 28, 28, t, sizeof t);
        CHECK(!strchr(t, '{') && !strchr(t, '}') && strlen(t) > 100 && strlen(t) <= 260,
              "step %zu: %zu chars: %s", i, strlen(t), t);
    }
    lesson_text(7, &net, 28, 28, t, sizeof t);
    CHECK(strstr(t, "This network has 1 hidden layer;"), "%s", t);
    // Step 7 is true with a trained model loaded as well as with fresh weights.
    lesson_text(6, &net, 28, 28, t, sizeof t);
    CHECK(strstr(t, "fresh weights (R) climb from 10 %, trained ones from their curve's end") &&
              !strstr(t, "accuracy climbs from 10 %"),
          "%s", t);
    mlp_destroy(&net);
    size_t deep[] = {784, 256, 128, 64, 10};
    CHECK(mlp_init(&net, deep, 5, NULL), "deep");
    lesson_text(7, &net, 28, 28, t, sizeof t);
    CHECK(strstr(t, "This network has 3 hidden layers;"), "%s", t);
    mlp_destroy(&net);
    char small[8];
    lesson_text(5, NULL, 28, 28, small, sizeof small);
    CHECK(strlen(small) == 7, "cut to the buffer: %s", small);

    lesson l;
    lesson_init(&l, true);
    CHECK(l.on && l.step == 0 && !lesson_move(&l, -1) && l.step == 0, "no step before the first");
    for (int i = 0; i < LESSON_STEPS - 1; i++)
        CHECK(lesson_move(&l, 1), "next %d", i);
    CHECK(l.step == LESSON_STEPS - 1 && !lesson_move(&l, 1), "no step after the last");

    // The card never hides the part a step points at, at any size tried.
    static const int win[][3] = {{900, 600, 100}, {1280, 800, 100}, {1920, 1080, 100},
                                 {1280, 800, 150}, {1920, 1080, 200}};
    for (size_t k = 0; k < sizeof win / sizeof win[0]; k++) {
        app_layout lay;
        layout_compute(&lay, win[k][0], win[k][1], (float)win[k][2] / 100.0f, 2);
        for (size_t i = 0; i < LESSON_STEPS; i++) {
            lesson_layout ll;
            lesson_layout_of(&lay, i, &ll);
            app_rect a = ll.card, b = ll.target;
            bool overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            CHECK(!overlap, "%dx%d: step %zu's card covers its target", win[k][0], win[k][1], i);
            CHECK(a.x >= 0 && a.y >= 0 && a.x + a.w <= lay.w && a.y + a.h <= lay.h,
                  "card outside the window");
            CHECK(lesson_click_at(&ll, (float)(ll.next.x + 2), (float)(ll.next.y + 2)) == 1 &&
                      lesson_click_at(&ll, (float)(ll.back.x + 2), (float)(ll.back.y + 2)) == -1 &&
                      lesson_click_at(&ll, (float)(ll.close.x + 2), (float)(ll.close.y + 2)) == 2 &&
                      lesson_click_at(&ll, (float)(a.x + 3), (float)(a.y + a.h / 2)) == 3 &&
                      lesson_click_at(&ll, (float)(a.x - 3), (float)(a.y - 3)) == 0,
                  "the card's buttons");
        }
    }
}

static void test_contrast(void)
{
    const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0}, grey[3] = {119, 119, 119};
    CHECK(fabs(theme_contrast(white, black) - 21.0) < 1e-9, "21:1");
    // #777 on white is the classic just-failing grey: 4.48:1.
    CHECK(fabs(theme_contrast(grey, white) - 4.48) < 0.01, "%g", theme_contrast(grey, white));
    CHECK(theme_contrast(white, grey) == theme_contrast(grey, white), "symmetric");

    // Every colour text is drawn in, on every surface text sits on.
    static const uint8_t text[][3] = {{THEME_TEXT}, {THEME_DIM}, {THEME_FAINT}, {THEME_ACCENT},
                                      {THEME_TRAIN}, {THEME_GOOD}, {THEME_BAD}};
    static const char *const text_names[] = {"TEXT", "DIM", "FAINT", "ACCENT", "TRAIN", "GOOD", "BAD"};
    static const uint8_t ground[][3] = {{THEME_PANEL}, {THEME_BG}, {THEME_HEADER}};
    static const char *const ground_names[] = {"PANEL", "BG", "HEADER"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        for (size_t j = 0; j < sizeof ground / sizeof ground[0]; j++) {
            double c = theme_contrast(text[i], ground[j]);
            CHECK(c >= 4.5, "%s on %s: %.2f:1", text_names[i], ground_names[j], c);
        }
    // The explanatory grey before (96, 103, 120) was 3.0:1: the test would have caught it.
    const uint8_t old_faint[3] = {96, 103, 120}, panel[3] = {THEME_PANEL};
    CHECK(theme_contrast(old_faint, panel) < 4.5, "the old faint passes?");
}

/* ---- the scores event against the model file's arithmetic ------------- */

typedef struct captured {
    char *lines[64];
    size_t n;
} captured;

static void capture(void *ctx, const char *line)
{
    captured *c = ctx;
    if (c->n < 64)
        c->lines[c->n++] = strdup(line);
}

static const char *last_event(const captured *c, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"event\":\"%s\"", name);
    for (size_t i = c->n; i-- > 0;)
        if (strstr(c->lines[i], key))
            return c->lines[i];
    return NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool numbers(const cJSON *arr, double *out, size_t n)
{
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        return false;
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        if (!cJSON_IsNumber(v))
            return false;
        out[i++] = v->valuedouble;
    }
    return true;
}

/* The model file's network, run in double: relu(b1 + x K1), b2 + h K2. */
static bool file_logits(const cJSON *model, const double *x, double *logits)
{
    const cJSON *layers = cJSON_GetObjectItem(model, "layers");
    if (cJSON_GetArraySize(layers) != 2)
        return false;
    double h[128];
    for (int l = 0; l < 2; l++) {
        const cJSON *L = cJSON_GetArrayItem(layers, l);
        const cJSON *kernel = cJSON_GetObjectItem(L, "kernel");
        size_t in = l == 0 ? 784 : 128, out = l == 0 ? 128 : 10;
        double bias[128], row[128];
        if (!numbers(cJSON_GetObjectItem(L, "bias"), bias, out) ||
            (size_t)cJSON_GetArraySize(kernel) != in)
            return false;
        double *y = l == 0 ? h : logits;
        for (size_t j = 0; j < out; j++)
            y[j] = bias[j];
        for (size_t i = 0; i < in; i++) {
            if (!numbers(cJSON_GetArrayItem(kernel, (int)i), row, out))
                return false;
            double a = l == 0 ? x[i] : h[i];
            for (size_t j = 0; j < out; j++)
                y[j] += a * row[j];
        }
        if (l == 0)
            for (size_t j = 0; j < out; j++)
                h[j] = h[j] > 0 ? h[j] : 0;
    }
    return true;
}

static void test_scores_event(void)
{
    const char *dir = getenv("DIGITPAD_MODELS");
    char path[1024];
    snprintf(path, sizeof path, "%s/mnist-784-128-10.json", dir ? dir : "models");
    char *text = slurp(path);
    if (!text) {
        printf("skipping the scores event check: %s cannot be read\n", path);
        return;
    }
    cJSON *model = cJSON_Parse(text);
    free(text);
    CHECK(model != NULL, "the model file is not JSON");

    app_config cfg;
    app_config_default(&cfg);
    cfg.model_path = path;
    cfg.bundled_path = path;
    cfg.data_dir = "/nonexistent/digitpad-test";
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->model.have, "bundled model not loaded: %s", s->report.status);
    // A 7 drawn through the mouse handler.
    static const float seven[][2] = {{6, 6}, {21, 6}, {13, 23}};
    for (size_t i = 0; i < 3; i++) {
        float x = (float)s->layout.canvas.x + seven[i][0] / 28.0f * (float)s->layout.canvas.w;
        float y = (float)s->layout.canvas.y + seven[i][1] / 28.0f * (float)s->layout.canvas.h;
        app_input_event ev = {.kind = i == 0 ? APP_IN_MOUSE_DOWN : APP_IN_MOUSE_MOVE,
                              .x = x, .y = y, .button = 1};
        app_handle(s, &ev);
    }
    app_input_event up = {.kind = APP_IN_MOUSE_UP, .x = 0, .y = 0, .button = 1};
    up.x = (float)s->layout.canvas.x + 13.0f / 28.0f * (float)s->layout.canvas.w;
    up.y = (float)s->layout.canvas.y + 23.0f / 28.0f * (float)s->layout.canvas.h;
    app_handle(s, &up);
    app_update(s, 0.5);
    const char *line = last_event(cap, "scores");
    CHECK(line != NULL, "no scores event after drawing");
    cJSON *ev = line ? cJSON_Parse(line) : NULL;
    CHECK(ev != NULL, "the scores event is not JSON: %.200s", line ? line : "");
    double x[784], logits[10], probs[10], want[10];
    bool shaped = ev && numbers(cJSON_GetObjectItem(ev, "input"), x, 784) &&
                  numbers(cJSON_GetObjectItem(ev, "logits"), logits, 10) &&
                  numbers(cJSON_GetObjectItem(ev, "probs"), probs, 10);
    CHECK(shaped, "input[784], logits[10], probs[10]");
    if (shaped && model && file_logits(model, x, want)) {
        double ink = 0, worst = 0, mx = want[0], total = 0, sum = 0;
        for (size_t i = 0; i < 784; i++) {
            CHECK(x[i] >= 0 && x[i] <= 1, "input %zu = %g is not a pixel / 255", i, x[i]);
            ink += x[i];
        }
        CHECK(ink > 10, "hardly any ink fed: %g", ink);
        for (size_t k = 0; k < 10; k++) {
            worst = fmax(worst, fabs(logits[k] - want[k]));
            mx = fmax(mx, want[k]);
        }
        // float sums of 784 products against double: a few float ulps of 10.
        CHECK(worst < 1e-3, "logits differ from the file's arithmetic by %g", worst);
        printf("scores event: logits within %.2g of the model file's arithmetic in double\n",
               worst);
        for (size_t k = 0; k < 10; k++)
            total += exp(want[k] - mx);
        for (size_t k = 0; k < 10; k++) {
            double p = exp(want[k] - mx) / total;
            CHECK(fabs(probs[k] - p) < 1e-5, "p[%zu] %g, from the file %g", k, probs[k], p);
            sum += probs[k];
        }
        CHECK(fabs(sum - 1.0) < 1e-5, "probabilities sum to %g", sum);
        const char *pred = last_event(cap, "prediction");
        int best = 0;
        for (int k = 1; k < 10; k++)
            if (want[k] > want[best])
                best = k;
        char idx[32];
        snprintf(idx, sizeof idx, "\"index\":%d,", best);
        CHECK(pred && strstr(pred, idx), "prediction %s, the file's argmax %d", pred ? pred : "none",
              best);
        CHECK(best == 7, "the drawn 7 read as %d", best);
    }
    cJSON_Delete(ev);
    cJSON_Delete(model);

    // The label pick: a right click on a bar, and Shift+digit.
    app_rect b = s->layout.bars;
    int row = b.h / 10;
    app_input_event click = {.kind = APP_IN_MOUSE_DOWN, .button = 3, .x = (float)b.x + 40,
                             .y = (float)(b.y + 4 * row + row / 2)};
    app_handle(s, &click);
    CHECK(s->scores.label == 4 && s->views.view != VIEW_WHY, "right click on bar 4: %d",
          s->scores.label);
    app_input_event key = {.kind = APP_IN_KEY, .key = APP_KEY_PICK_LABEL, .digit = 9, .shift = true};
    app_handle(s, &key);
    CHECK(s->scores.label == 9, "Shift+9: %d", s->scores.label);
    // The answer toggles softmax worked out; L opens the lesson and Right moves it.
    app_rect g = s->layout.guess;
    app_input_event on = {.kind = APP_IN_MOUSE_DOWN, .button = 1, .x = (float)(g.x + g.w / 2),
                          .y = (float)(g.y + g.h / 2)};
    app_handle(s, &on);
    CHECK(s->scores.worked, "a click on the answer works softmax out");
    app_input_event l = {.kind = APP_IN_KEY, .key = APP_KEY_L};
    char before[sizeof s->report.status];
    snprintf(before, sizeof before, "%s", s->report.status);
    app_handle(s, &l);
    CHECK(s->lesson.on && s->lesson.step == 0 && !s->scores.worked, "the lesson opens at its start");
    CHECK(strstr(s->report.status, "lesson: Right") == s->report.status, "the lesson's keys: %s",
          s->report.status);
    app_input_event right = {.kind = APP_IN_KEY, .key = APP_KEY_RIGHT};
    for (int i = 0; i < 4; i++)
        app_handle(s, &right);
    CHECK(s->lesson.step == 4 && s->scores.worked, "the softmax step works it out");
    app_handle(s, &right);
    CHECK(s->lesson.step == 5 && !s->scores.worked, "and the next one goes back to the bars");
    app_input_event left = {.kind = APP_IN_KEY, .key = APP_KEY_LEFT};
    app_handle(s, &left);
    app_handle(s, &left);
    CHECK(s->lesson.step == 3 && s->views.view == VIEW_HIDDEN, "ReLU shows the hidden layer");
    app_input_event esc = {.kind = APP_IN_KEY, .key = APP_KEY_ESCAPE};
    app_handle(s, &esc);
    CHECK(!s->lesson.on, "Esc closes the lesson");
    // The status line no longer names the lesson's keys: it says what it said before.
    CHECK(!strcmp(s->report.status, before) && before[0], "after Esc the status reads '%s', "
          "before the lesson '%s'", s->report.status, before);
    // A status set while the lesson is open stays when it closes.
    app_handle(s, &l);
    report_status(&s->report, false, "saved somewhere");
    app_handle(s, &l);
    CHECK(!s->lesson.on && !strcmp(s->report.status, "saved somewhere"), "L closed it: '%s'",
          s->report.status);

    app_state_destroy(s);
    free(s);
    for (size_t i = 0; i < cap->n; i++)
        free(cap->lines[i]);
    free(cap);
}

int main(void)
{
    test_format();
    test_worked();
    test_loss();
    test_guess_detector();
    test_pixels();
    test_lesson();
    test_contrast();
    test_scores_event();
    return check_summary();
}
