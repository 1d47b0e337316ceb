/* test_views.c: the views beside the canvas, without a display.
 *
 * Hand-built networks whose activations and saliency are worked out here:
 * the hidden cells' colours and ReLU's zero count for a known input, the
 * weight tiles' pixels against inspect_color, the why view's map against
 * the analytic gradient x input (and a click on a bar choosing the class),
 * "not sure" on flat and peaked distributions, the views switched by keys,
 * tabs and Tab, the test image as a canvas bitmap, every view's geometry at
 * the window sizes the layout is made for, and the weight tiles' refresh
 * rate. With MNIST and the bundled model: the confusion matrix the window
 * gets from its trainer against evaluate() on the whole test set and on a
 * slice, the gallery of one cell, and a test image put on the canvas by a
 * click. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/canvas.h"
#include "app/layout.h"
#include "app/window.h"
#include "app/views.h"
#include "core/inspect.h"
#include "core/model_file.h"
#include "core/train.h"

#include "check.h"
#include "events.h"

/* What the views read of s, as a pointer for one call. */
#define VC(s) ((view_ctx[1]){app_view_ctx(s)})

static size_t count_events(const captured *c, const char *kind)
{
    char key[64];
    snprintf(key, sizeof key, "\"event\":\"%s\"", kind);
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += strstr(c->lines[i], key) != NULL;
    return n;
}

static app_state *new_state(captured *cap, int w, int h, float scale)
{
    app_config cfg;
    app_config_default(&cfg);
    cfg.data_dir = "/nonexistent/digitpad-test";
    app_state *s = calloc(1, sizeof *s);
    CHECK(app_state_init(s, &cfg, w, h, scale, capture, cap, NULL, NULL), "init");
    return s;
}

static void free_state(app_state *s)
{
    app_state_destroy(s);
    free(s);
}

/* A zeroed network of the given sizes as the window's model. */
static void use_net(app_state *s, const size_t *sizes, size_t n, mlp *net)
{
    model_meta meta;
    CHECK(mlp_init(net, sizes, n, NULL), "mlp_init");
    CHECK(model_meta_default(&meta, 28, 28, sizes[n - 1], NULL), "meta");
    app_state_use_model(s, net, &meta, "");
}

static void put_bitmap(app_state *s, const float *img, double t)
{
    canvas_set_bitmap(&s->canvas, img);
    app_update(s, t);
}

static void key(app_state *s, app_key k, bool shift)
{
    app_input_event ev = {.kind = APP_IN_KEY, .key = k, .shift = shift};
    app_handle(s, &ev);
}

static void click_at(app_state *s, float x, float y)
{
    app_input_event mv = {.kind = APP_IN_MOUSE_MOVE, .x = x, .y = y};
    app_handle(s, &mv);
    app_input_event ev = {.kind = APP_IN_MOUSE_DOWN, .x = x, .y = y, .button = 1};
    app_handle(s, &ev);
    app_input_event up = {.kind = APP_IN_MOUSE_UP, .x = x, .y = y, .button = 1};
    app_handle(s, &up);
}

static void click_rect(app_state *s, app_rect r)
{
    click_at(s, (float)r.x + (float)r.w / 2, (float)r.y + (float)r.h / 2);
}

static bool same_rgb(const uint8_t *a, const uint8_t *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

/* ---- hidden layer ------------------------------------------------------ */

static void test_hidden_cells(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    size_t sizes[] = {784, 4, 10};
    mlp net;
    use_net(s, sizes, 3, &net);
    // Pixel 0 lit: unit 0 gets +1, unit 1 gets -1 (off); unit 2 has bias
    // 0.5, unit 3 bias -1 (off).
    mlp_layer *L = &s->model.net.layers[0];
    L->kernel[0 * 4 + 0] = 1.0f;
    L->kernel[0 * 4 + 1] = -1.0f;
    L->bias[2] = 0.5f;
    L->bias[3] = -1.0f;
    s->model.version++;
    float img[784] = {0};
    img[0] = 1.0f;
    uint8_t rgb[4 * 3];
    CHECK(view_hidden_cells(&s->views, VC(s), 0, rgb) == 0, "cells without a drawing report zeros");
    put_bitmap(s, img, 1.0);
    CHECK(s->score.has_guess, "no guess for the bitmap");
    size_t zeros = view_hidden_cells(&s->views, VC(s), 0, rgb);
    CHECK(zeros == 2, "ReLU switched off %zu of 4, want 2", zeros);
    CHECK(zeros == inspect_zero_units(&s->model.net, s->views.hidden.acts, 0), "zero count differs from inspect's");
    uint8_t want[3], off[3] = {VIEW_OFF_R, VIEW_OFF_G, VIEW_OFF_B};
    inspect_color(1.0f, 1.0f, want); // the largest activation: the top of the map
    CHECK(same_rgb(rgb, want) && want[0] == 255 && want[1] == 120 && want[2] == 40,
          "unit 0: (%d,%d,%d)", rgb[0], rgb[1], rgb[2]);
    CHECK(same_rgb(rgb + 3, off), "unit 1 is not drawn off: (%d,%d,%d)", rgb[3], rgb[4], rgb[5]);
    inspect_color(0.2f + 0.8f * 0.5f, 1.0f, want);
    CHECK(same_rgb(rgb + 6, want), "unit 2 at half the top: (%d,%d,%d)", rgb[6], rgb[7], rgb[8]);
    CHECK(same_rgb(rgb + 9, off), "unit 3 is not drawn off");
    // A barely-on unit is still told from an off one.
    uint8_t dim[3];
    view_activation_color(1e-6f, 1.0f, dim);
    CHECK(!same_rgb(dim, off), "a barely-on unit looks off");

    // Hover and click a unit in the view: its value shows, it is pinned,
    // and the weights view keeps it.
    view_hidden_layout hl;
    view_hidden_layout_of(VC(s), &hl);
    CHECK(hl.n_grids == 1 && hl.grid[0].n == 4, "hidden layout: %zu grids", hl.n_grids);
    app_rect cell = view_grid_cell(&hl.grid[0], 2);
    click_rect(s, cell);
    CHECK(s->views.hover_layer == 0 && s->views.hover_unit == 2, "hover %d/%d", s->views.hover_layer, s->views.hover_unit);
    CHECK(s->views.sel_layer == 0 && s->views.sel_unit == 2, "click did not pin unit 2");
    key(s, APP_KEY_2, false);
    CHECK(s->views.view == VIEW_WEIGHTS && s->views.sel_unit == 2, "the weights view lost the pinned unit");
    view_weights_layout wl;
    view_weights_layout_of(&s->views, VC(s), &wl);
    click_rect(s, view_grid_cell(&wl.grid, 2));
    CHECK(s->views.sel_unit == -1, "clicking the pinned tile again did not let it go");
    click_rect(s, view_grid_cell(&wl.grid, 3));
    CHECK(s->views.sel_layer == 0 && s->views.sel_unit == 3, "clicking tile 3 did not pin unit 3");
    key(s, APP_KEY_1, false);
    CHECK(s->views.view == VIEW_HIDDEN && s->views.sel_unit == 3, "the hidden view does not show tile 3's unit");

    // Deeper models: one grid per hidden layer, incoming weights from the layer before.
    size_t deep[] = {784, 6, 5, 10};
    mlp net2;
    use_net(s, deep, 4, &net2);
    CHECK(s->views.sel_unit == 3, "pinned unit 3 of layer 1 is still valid in 784-6-5-10");
    view_hidden_layout_of(VC(s), &hl);
    CHECK(hl.n_grids == 2 && hl.grid[0].n == 6 && hl.grid[1].n == 5, "deep layout");
    s->model.net.layers[1].kernel[4 * 5 + 2] = -0.5f; // layer 2's unit 2 from layer 1's unit 4
    s->model.net.layers[1].kernel[1 * 5 + 2] = 0.25f;
    uint8_t in[6 * 3];
    float sc = view_incoming_colors(VC(s), 1, 2, in);
    inspect_color(-0.5f, 0.5f, want);
    CHECK(sc == 0.5f && same_rgb(in + 12, want), "incoming colours of a deeper unit");
    free_state(s);
    free(cap);
}

/* ---- weight tiles ------------------------------------------------------ */

static void test_weight_tiles(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    size_t sizes[] = {784, 3, 10};
    mlp net;
    use_net(s, sizes, 3, &net);
    mlp_layer *L = &s->model.net.layers[0];
    // Unit 1: a hand-set kernel with a known largest magnitude 0.8.
    for (size_t i = 0; i < 784; i++)
        L->kernel[i * 3 + 1] = 0.4f * sinf((float)i * 0.37f);
    L->kernel[100 * 3 + 1] = 0.8f;
    L->kernel[200 * 3 + 1] = -0.8f;
    L->kernel[300 * 3 + 1] = 0.0f;
    uint8_t rgba[784 * 4];
    float scale = view_weight_tile(VC(s), 1, rgba);
    CHECK(scale == 0.8f, "tile scale %g", (double)scale);
    int bad = 0;
    for (size_t i = 0; i < 784; i++) {
        uint8_t want[3];
        inspect_color(L->kernel[i * 3 + 1], 0.8f, want);
        bad += !same_rgb(rgba + 4 * i, want) || rgba[4 * i + 3] != 255;
    }
    CHECK(bad == 0, "%d tile pixels differ from inspect_color", bad);
    // The documented ends and middle of the map.
    const uint8_t *hi = rgba + 4 * 100, *lo = rgba + 4 * 200, *mid = rgba + 4 * 300;
    CHECK(hi[0] == 255 && hi[1] == 120 && hi[2] == 40, "+max is (%d,%d,%d)", hi[0], hi[1], hi[2]);
    CHECK(lo[0] == 40 && lo[1] == 90 && lo[2] == 255, "-max is (%d,%d,%d)", lo[0], lo[1], lo[2]);
    CHECK(mid[0] == 24 && mid[1] == 24 && mid[2] == 28, "zero is (%d,%d,%d)", mid[0], mid[1], mid[2]);
    // Row-major 28x28: pixel 100 is row 3, column 16.
    CHECK(rgba + 4 * (3 * 28 + 16) == hi, "layout");

    // Live tiles: they follow new weights at most four times a second.
    key(s, APP_KEY_2, false);
    app_update(s, 10.0);
    uint64_t v0 = s->views.tiles_net;
    int changes = 0;
    uint64_t last = v0;
    for (int f = 1; f <= 120; f++) { // two seconds of frames at 60 Hz, a snapshot every frame
        s->model.version++;
        app_update(s, 10.0 + f / 60.0);
        if (s->views.tiles_net != last) {
            changes++;
            last = s->views.tiles_net;
        }
    }
    CHECK(changes >= 6 && changes <= 9, "tiles re-made %d times in 2 s", changes);
    s->model.version++;
    app_update(s, 13.0);
    CHECK(s->views.tiles_net == s->model.version, "the last weights never reached the tiles");
    free_state(s);
    free(cap);
}

/* ---- why this answer --------------------------------------------------- */

static void test_saliency_view(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    size_t sizes[] = {784, 2, 3};
    mlp net;
    use_net(s, sizes, 3, &net);
    const size_t p = 100, q = 200;
    mlp_layer *L1 = &s->model.net.layers[0], *L2 = &s->model.net.layers[1];
    L1->kernel[p * 2 + 0] = 2.0f;
    L1->kernel[q * 2 + 0] = -1.0f;
    L1->bias[0] = 0.5f; // h0 = 2 x_p - x_q + 0.5 = 0.5 (on)
    L1->kernel[p * 2 + 1] = 1.0f;
    L1->kernel[q * 2 + 1] = 1.0f;
    L1->bias[1] = -2.0f; // h1 = x_p + x_q - 2 = -0.5 (off)
    const float w2[2][3] = {{1.0f, -1.0f, 0.5f}, {3.0f, 3.0f, 3.0f}};
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 3; c++)
            L2->kernel[i * 3 + c] = w2[i][c];
    s->model.version++;
    key(s, APP_KEY_3, false);
    CHECK(s->views.view == VIEW_WHY, "3 did not open the why view");
    float img[784] = {0};
    img[p] = 0.5f;
    img[q] = 1.0f;
    put_bitmap(s, img, 1.0);
    // Logits 0.5, -0.5, 0.25: class 0, but flat enough not to be announced.
    CHECK(s->score.has_guess && s->score.guess == 0, "guess %zu", s->score.guess);
    CHECK(!s->score.sure, "a 42/16/33 split announced as sure");
    const char *pe = last_event(cap, "prediction");
    CHECK(pe && strstr(pe, "\"sure\":false"), "prediction event: %s", pe ? pe : "none");
    CHECK(s->views.why.has_saliency && s->views.why.saliency_class == 0, "no saliency of class 0");
    /* d logit_0 / dx = W1[:,0] * w2[0][0] (h1 is off): x_p * 2 = 1, x_q * -1 = -1. */
    int bad = 0;
    for (size_t i = 0; i < 784; i++) {
        float want = i == p ? 1.0f : i == q ? -1.0f : 0.0f;
        bad += fabsf(s->views.why.saliency[i] - want) > 1e-6f;
    }
    CHECK(bad == 0, "class 0's map: %d pixels off (p %g, q %g)", bad, (double)s->views.why.saliency[p],
          (double)s->views.why.saliency[q]);
    float up, down;
    view_saliency_sums(&s->views, &up, &down);
    CHECK(fabsf(up - 1.0f) < 1e-6f && fabsf(down + 1.0f) < 1e-6f, "sums %g %g", (double)up, (double)down);
    const char *se = last_event(cap, "saliency");
    CHECK(se && strstr(se, "\"class\":0"), "saliency event: %s", se ? se : "none");

    // A click on class 1's bar explains class 1: the signs flip (w2[0][1] = -1).
    app_rect b = s->layout.bars;
    size_t n = s->score.n_classes;
    click_at(s, (float)b.x + 10.0f, (float)b.y + (float)(b.h / (int)n) * 1.5f);
    app_update(s, 2.0);
    CHECK(s->views.why.why_class == 1 && view_why_class(&s->views, VC(s)) == 1 && s->views.why.saliency_class == 1, "bar click: class %d",
          s->views.why.why_class);
    CHECK(fabsf(s->views.why.saliency[p] + 1.0f) < 1e-6f && fabsf(s->views.why.saliency[q] - 1.0f) < 1e-6f,
          "class 1's map: p %g q %g", (double)s->views.why.saliency[p], (double)s->views.why.saliency[q]);
    se = last_event(cap, "saliency");
    CHECK(se && strstr(se, "\"class\":1"), "saliency event: %s", se ? se : "none");
    // The same bar again: back to the answer.
    click_at(s, (float)b.x + 10.0f, (float)b.y + (float)(b.h / (int)n) * 1.5f);
    app_update(s, 3.0);
    CHECK(s->views.why.why_class == -1 && s->views.why.saliency_class == 0, "second click kept class %d", s->views.why.why_class);
    // Against inspect_saliency directly, for class 2.
    s->views.why.why_class = 2;
    app_update(s, 4.0);
    float direct[784], scratch[4 * 784 + 8];
    inspect_saliency(&s->model.net, s->score.input, 2, direct, scratch);
    CHECK(memcmp(direct, s->views.why.saliency, sizeof direct) == 0, "the view's map is not inspect_saliency's");
    // G: the plain gradient, which is not zero where there is no ink. For
    // class 2 (h1 off): d logit_2 / dx = W1[:,0] * 0.5, so pixel p gives 1
    // and an empty pixel r with a weight of its own gives 0.5 * 4.
    const size_t r = 300;
    L1->kernel[r * 2 + 0] = 4.0f;
    s->model.version++;
    key(s, APP_KEY_G, false);
    app_update(s, 4.5);
    CHECK(s->views.why.gradient && s->views.why.has_saliency, "G did not switch to the gradient");
    CHECK(fabsf(s->views.why.saliency[p] - 1.0f) < 1e-6f && fabsf(s->views.why.saliency[r] - 2.0f) < 1e-6f,
          "gradient map: p %g (want 1), empty r %g (want 2)", (double)s->views.why.saliency[p],
          (double)s->views.why.saliency[r]);
    se = last_event(cap, "saliency");
    CHECK(se && strstr(se, "\"mode\":\"gradient\""), "saliency event: %s", se ? se : "none");
    key(s, APP_KEY_G, false);
    app_update(s, 4.6);
    CHECK(!s->views.why.gradient && s->views.why.saliency[r] == 0.0f, "G again: gradient x input, 0 where no ink");
    // Clearing the canvas: nothing to explain.
    key(s, APP_KEY_C, false);
    app_update(s, 5.0);
    CHECK(!s->views.why.has_saliency && view_why_class(&s->views, VC(s)) == -1, "saliency without a drawing");
    free_state(s);
    free(cap);
}

/* ---- not sure ---------------------------------------------------------- */

static void test_not_sure(void)
{
    float flat[10], peaked[10] = {0}, low[10], two[10] = {0}, spread[10];
    for (int i = 0; i < 10; i++) {
        flat[i] = 0.1f;
        low[i] = 0.55f / 9.0f;
        spread[i] = 0.45f / 9.0f;
    }
    peaked[3] = 0.97f;
    peaked[5] = 0.03f;
    low[7] = 0.45f;
    two[1] = 0.6f;
    two[7] = 0.4f;
    spread[2] = 0.55f;
    CHECK(fabsf(scoring_entropy(flat, 10) - 1.0f) < 1e-5f, "uniform entropy %g", (double)scoring_entropy(flat, 10));
    float onehot[10] = {0};
    onehot[4] = 1.0f;
    CHECK(scoring_entropy(onehot, 10) == 0.0f, "one-hot entropy");
    CHECK(!scoring_is_sure(flat, 10), "a flat distribution is sure");
    CHECK(scoring_is_sure(peaked, 10), "a peaked distribution is not sure");
    CHECK(scoring_is_sure(onehot, 10), "one-hot is not sure");
    CHECK(!scoring_is_sure(low, 10), "top 0.45 is sure");
    CHECK(scoring_is_sure(two, 10), "0.6 / 0.4 between two classes is not sure");
    CHECK(!scoring_is_sure(spread, 10), "0.55 over an even spread (entropy %.2f) is sure",
          (double)scoring_entropy(spread, 10));
}

/* ---- switching views --------------------------------------------------- */

static void test_switching(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    size_t sizes[] = {784, 8, 10};
    mlp net;
    use_net(s, sizes, 3, &net);
    CHECK(s->views.view == VIEW_HIDDEN, "first view %d", s->views.view);
    static const app_key keys[] = {APP_KEY_2, APP_KEY_3, APP_KEY_4, APP_KEY_5,
                                   APP_KEY_6, APP_KEY_7, APP_KEY_1};
    for (int i = 0; i < 7; i++) {
        key(s, keys[i], false);
        app_view want = (app_view)((i + 1) % VIEW_COUNT);
        CHECK(s->views.view == want, "key %d: view %d", i + 2, s->views.view);
        char ev[64];
        snprintf(ev, sizeof ev, "{\"event\":\"view\",\"name\":\"%s\"}", view_name(want));
        const char *got = last_event(cap, "view");
        CHECK(got && !strcmp(got, ev), "view event %s, want %s", got ? got : "none", ev);
    }
    size_t before = count_events(cap, "view");
    key(s, APP_KEY_1, false); // already shown: no event
    CHECK(count_events(cap, "view") == before, "switching to the shown view emitted an event");
    key(s, APP_KEY_TAB, false);
    CHECK(s->views.view == VIEW_WEIGHTS, "Tab: %d", s->views.view);
    key(s, APP_KEY_TAB, true);
    key(s, APP_KEY_TAB, true);
    CHECK(s->views.view == VIEW_NETWORK, "Shift+Tab twice from weights: %d", s->views.view);
    key(s, APP_KEY_TAB, false);
    CHECK(s->views.view == VIEW_HIDDEN, "Tab wraps: %d", s->views.view);
    // Ctrl+digit does nothing (a platform shortcut, not a view).
    app_input_event ctrl2 = {.kind = APP_IN_KEY, .key = APP_KEY_2, .ctrl = true};
    app_handle(s, &ctrl2);
    CHECK(s->views.view == VIEW_HIDDEN, "Ctrl+2 switched views");
    // The tabs with the mouse.
    for (int v = VIEW_COUNT - 1; v >= 0; v--) {
        click_rect(s, s->layout.buttons[BTN_TAB_HIDDEN + v]);
        CHECK(s->views.view == (app_view)v, "tab %d: view %d", v, s->views.view);
    }
    // Names round-trip; a wrong one is refused.
    for (int v = 0; v < VIEW_COUNT; v++) {
        app_view back;
        CHECK(view_from_name(view_name((app_view)v), &back) && back == (app_view)v, "name %d", v);
    }
    app_view dummy;
    CHECK(!view_from_name("gallery", &dummy), "an unknown view name was accepted");
    // The mistakes view without MNIST says how to get it, T too.
    key(s, APP_KEY_4, false);
    CHECK(s->train.data_state == TRAINING_DATA_MISSING, "data state %d", s->train.data_state);
    key(s, APP_KEY_T, false);
    CHECK(s->report.status_error && strstr(s->report.status, "scripts/fetch-mnist"), "T without MNIST: %s", s->report.status);
    free_state(s);
    free(cap);
}

/* ---- the canvas bitmap ------------------------------------------------- */

static void test_bitmap(void)
{
    canvas c;
    CHECK(canvas_init(&c), "canvas");
    float img[784], out[784];
    for (int i = 0; i < 784; i++)
        img[i] = (float)(i % 29) / 28.0f;
    uint64_t v = c.version;
    canvas_set_bitmap(&c, img);
    CHECK(c.version != v && !canvas_is_empty(&c), "bitmap not taken");
    canvas_render_raw(&c, out);
    CHECK(memcmp(img, out, sizeof out) == 0, "raw render is not the bitmap");
    // Ink over it, then the eraser through it.
    canvas_begin_stroke(&c, 14, 2, false);
    canvas_add_point(&c, 14, 26);
    canvas_end_stroke(&c);
    canvas_render_raw(&c, out);
    CHECK(out[10 * 28 + 14] > 0.99f && out[10 * 28 + 2] == img[10 * 28 + 2], "stroke over bitmap");
    canvas_begin_stroke(&c, 0, 0, true);
    canvas_add_point(&c, 6, 0);
    canvas_end_stroke(&c);
    canvas_render_raw(&c, out);
    CHECK(out[0 * 28 + 3] < 0.05f, "the eraser left the bitmap at %.2f", (double)out[3]);
    // Undo the two strokes, then the bitmap itself.
    CHECK(canvas_undo(&c) && canvas_undo(&c) && c.has_bitmap, "undo strokes");
    CHECK(canvas_undo(&c) && !c.has_bitmap && canvas_is_empty(&c), "undo the bitmap");
    CHECK(!canvas_undo(&c), "undo on an empty canvas");
    canvas_set_bitmap(&c, img);
    canvas_clear(&c);
    CHECK(!c.has_bitmap && canvas_is_empty(&c), "clear keeps the bitmap");
    canvas_destroy(&c);
}

/* ---- geometry ---------------------------------------------------------- */

static bool inside(app_rect in, app_rect out)
{
    return in.w >= 0 && in.h >= 0 && in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static bool overlap(app_rect a, app_rect b)
{
    return a.w > 0 && b.w > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

static app_rect grid_box(const view_grid *g)
{
    if (g->n == 0)
        return (app_rect){g->x, g->y, 0, 0};
    size_t rows = (g->n + (size_t)g->cols - 1) / (size_t)g->cols;
    size_t cols = g->n < (size_t)g->cols ? g->n : (size_t)g->cols;
    return (app_rect){g->x, g->y, (int)cols * g->pitch - (g->pitch - g->cell),
                      (int)rows * g->pitch_y - (g->pitch_y - g->cell)};
}

static void check_views_at(int w, int h, float scale, const size_t *sizes, size_t n_sizes)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, w, h, scale);
    mlp net;
    use_net(s, sizes, n_sizes, &net);
    app_rect v = s->layout.view;
    char what[64];
    snprintf(what, sizeof what, "%dx%d@%g %zu-layer", w, h, (double)scale, n_sizes - 1);

    view_hidden_layout hl;
    view_hidden_layout_of(VC(s), &hl);
    for (size_t i = 0; i < hl.n_grids; i++) {
        app_rect g = grid_box(&hl.grid[i]);
        CHECK(hl.grid[i].n == sizes[i + 1], "%s: hidden grid %zu has %zu of %zu", what, i,
              hl.grid[i].n, sizes[i + 1]);
        CHECK(inside(g, v) && inside(hl.caption[i], v), "%s: hidden grid %zu leaves the view", what, i);
        CHECK(!overlap(g, hl.detail), "%s: hidden grid %zu under the detail", what, i);
        CHECK(hl.grid[i].cell >= (int)(6 * scale), "%s: hidden cells of %d px", what, hl.grid[i].cell);
        for (size_t j = i + 1; j < hl.n_grids; j++)
            CHECK(!overlap(g, grid_box(&hl.grid[j])), "%s: hidden grids overlap", what);
    }
    CHECK(hl.detail.h == 0 || inside(hl.detail, v), "%s: the unit detail leaves the view", what);

    view_weights_layout wl;
    view_weights_layout_of(&s->views, VC(s), &wl);
    app_rect tiles = grid_box(&wl.grid);
    CHECK(inside(tiles, v) && !overlap(tiles, wl.footer) && !overlap(tiles, wl.caption),
          "%s: weight tiles leave their room", what);
    CHECK(wl.grid.cell >= (int)(14 * scale), "%s: tiles of %d px", what, wl.grid.cell);
    CHECK(wl.pages * wl.per_page >= sizes[1], "%s: pages miss units", what);
    if (wl.grid.cell >= 28)
        CHECK(wl.grid.cell % 28 == 0, "%s: tiles of %d px are not whole pixels of the 28x28", what,
              wl.grid.cell);

    view_why_layout yl;
    view_why_layout_of(VC(s), &yl);
    CHECK(inside(yl.heat, v) && inside(yl.side, v) && !overlap(yl.heat, yl.side) &&
              yl.heat.w == yl.heat.h && yl.heat.w >= (int)(100 * scale),
          "%s: why map %dx%d", what, yl.heat.w, yl.heat.h);

    for (int open = 0; open < 2; open++) {
        if (open)
            views_open_gallery(&s->views, VC(s), 5, 3);
        s->views.mistakes.n_gallery = 40; // as if answers were there
        view_mistakes_layout ml;
        view_mistakes_layout_of(&s->views, VC(s), &ml);
        if (ml.show_matrix) {
            CHECK(inside(ml.matrix, v) && ml.cell_h >= (int)(14 * scale) && ml.cell_w >= (int)(18 * scale),
                  "%s: matrix cells %dx%d", what, ml.cell_w, ml.cell_h);
            CHECK(!overlap(ml.matrix, ml.gallery), "%s: the gallery covers the matrix", what);
        }
        CHECK(open == 0 || ml.gallery.w > 0, "%s: no room for the gallery", what);
        CHECK(ml.gallery.w == 0 || inside(ml.gallery, v), "%s: the gallery leaves the view", what);
        if (open) {
            CHECK(ml.thumbs.n >= 4, "%s: only %zu images", what, ml.thumbs.n);
            app_rect th = grid_box(&ml.thumbs);
            th.h += ml.thumbs.pitch_y - ml.thumbs.cell - (int)(6 * scale); // captions under the images
            CHECK(inside(th, ml.gallery), "%s: images leave the gallery", what);
            CHECK(inside(ml.close, ml.gallery) && inside(ml.prev, ml.gallery) && !overlap(ml.prev, ml.next),
                  "%s: gallery buttons", what);
        }
        views_close_gallery(&s->views);
    }
    free_state(s);
    free(cap);
}

static void test_geometry(void)
{
    static const size_t one[] = {784, 128, 10}, wide[] = {784, 512, 10}, deep[] = {784, 256, 128, 64, 10};
    const struct {
        int w, h;
        float scale;
    } sizes[] = {{900, 600, 1.0f}, {1280, 800, 1.0f}, {1920, 1080, 1.0f}, {2560, 1600, 2.0f}, {1800, 1200, 1.5f}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        check_views_at(sizes[i].w, sizes[i].h, sizes[i].scale, one, 3);
        check_views_at(sizes[i].w, sizes[i].h, sizes[i].scale, wide, 3);
        check_views_at(sizes[i].w, sizes[i].h, sizes[i].scale, deep, 5);
    }
    // At 1280x800 the 128 tiles are shown at once, at their own 28 px.
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    mlp net;
    use_net(s, one, 3, &net);
    view_weights_layout wl;
    view_weights_layout_of(&s->views, VC(s), &wl);
    CHECK(wl.pages == 1 && wl.grid.n == 128 && wl.grid.cell == 28, "1280x800: %zu pages, %d px",
          wl.pages, wl.grid.cell);
    // A wide layer pages: PgDn / PgUp and the wheel move through it.
    mlp net2;
    size_t huge[] = {784, 1000, 10};
    use_net(s, huge, 3, &net2);
    key(s, APP_KEY_2, false);
    view_weights_layout_of(&s->views, VC(s), &wl);
    CHECK(wl.pages > 1 && wl.first == 0, "1000 units in %zu pages", wl.pages);
    key(s, APP_KEY_PAGE_DOWN, false);
    view_weights_layout_of(&s->views, VC(s), &wl);
    CHECK(wl.page == 1 && wl.first == wl.per_page, "PgDn: page %zu", wl.page);
    app_input_event wheel = {.kind = APP_IN_WHEEL, .x = (float)s->layout.view.x + 20,
                             .y = (float)s->layout.view.y + 60, .wheel = 1};
    app_handle(s, &wheel);
    view_weights_layout_of(&s->views, VC(s), &wl);
    CHECK(wl.page == 0, "wheel up: page %zu", wl.page);
    for (int i = 0; i < 50; i++)
        key(s, APP_KEY_PAGE_DOWN, false);
    view_weights_layout_of(&s->views, VC(s), &wl);
    CHECK(wl.page == wl.pages - 1 && wl.first + wl.grid.n == 1000, "last page ends at %zu",
          wl.first + wl.grid.n);
    click_rect(s, view_grid_cell(&wl.grid, wl.grid.n - 1));
    CHECK(s->views.sel_unit == 999, "the last tile is unit %d", s->views.sel_unit);
    free_state(s);
    free(cap);
}

/* ---- with MNIST: the confusion matrix and the gallery ------------------ */

static bool wait_for(app_state *s, bool *flag, double seconds)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        double t = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9;
        app_update(s, 100.0 + t);
        if (*flag)
            return true;
        if (t > seconds)
            return false;
        struct timespec nap = {0, 5 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}

static void test_mistakes_with_mnist(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    const char *data = getenv("DIGITPAD_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    mnist m;
    mlp net;
    model_meta meta;
    if (!data || !dataset_load_mnist(data, &m, NULL)) {
        printf("skipping the confusion checks: no MNIST (run scripts/fetch-mnist)\n");
        return;
    }
    if (!model_file_load(path, &net, &meta, NULL)) {
        printf("skipping the confusion checks: %s does not load\n", path);
        mnist_destroy(&m);
        return;
    }
    // What the core says, on the whole test set.
    eval_result whole;
    uint8_t *pred = malloc(m.test.count);
    CHECK(evaluate_detailed(&net, &m.test, &whole, pred, NULL, NULL), "evaluate");

    app_config cfg;
    app_config_default(&cfg);
    cfg.model_path = path;
    cfg.bundled_path = path;
    cfg.data_dir = data;
    cfg.view = VIEW_MISTAKES;
    cfg.gallery_true = 5;
    cfg.gallery_pred = 3;
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = calloc(1, sizeof *s);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->train.data_state == TRAINING_DATA_LOADING, "MNIST is not read in the background at start (%d)",
          s->train.data_state);
    CHECK(wait_for(s, &s->views.mistakes.has_confusion, 60.0), "no confusion matrix after reading MNIST");
    CHECK(wait_for(s, &s->views.mistakes.has_preds, 10.0), "no per-image answers");
    int differ = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            differ += s->views.mistakes.confusion[t][p] != whole.confusion[t][p];
    CHECK(differ == 0, "%d cells differ from evaluate() on the whole test set", differ);
    CHECK(fabs(s->views.mistakes.confusion_accuracy - whole.accuracy) < 1e-9, "accuracy %g vs %g",
          s->views.mistakes.confusion_accuracy, whole.accuracy);
    CHECK(s->views.mistakes.confusion_epoch == (size_t)meta.epochs, "confusion after epoch %zu, model has %d",
          s->views.mistakes.confusion_epoch, meta.epochs);
    const char *ce = last_event(cap, "confusion");
    char row5[128];
    snprintf(row5, sizeof row5, "[%u,%u,%u,%u,%u,%u,%u,%u,%u,%u]", whole.confusion[5][0],
             whole.confusion[5][1], whole.confusion[5][2], whole.confusion[5][3], whole.confusion[5][4],
             whole.confusion[5][5], whole.confusion[5][6], whole.confusion[5][7], whole.confusion[5][8],
             whole.confusion[5][9]);
    CHECK(ce && strstr(ce, "\"epoch\":") && strstr(ce, row5), "confusion event without row 5 %s: %s",
          row5, ce ? ce : "none");

    // A known slice, 2000..2999: the window's answers counted there equal the
    // core's evaluation of just that slice.
    dataset slice = m.test;
    slice.count = 1000;
    slice.images = m.test.images + 2000 * 784;
    slice.labels = m.test.labels + 2000;
    eval_result part;
    CHECK(evaluate(&net, &slice, &part, NULL), "evaluate the slice");
    uint32_t counts[10][10];
    view_confusion_counts(m.test.labels, s->views.mistakes.test_pred, 2000, 1000, counts);
    differ = 0;
    uint32_t sum = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++) {
            differ += counts[t][p] != part.confusion[t][p];
            sum += counts[t][p];
        }
    CHECK(differ == 0 && sum == 1000, "slice: %d cells differ, %u counted", differ, sum);
    CHECK(memcmp(pred, s->views.mistakes.test_pred, m.test.count) == 0, "per-image answers differ");

    // The gallery of 5 read as 3 (opened by the config): its images, the most confident first.
    CHECK(s->views.mistakes.gallery_true == 5 && s->views.mistakes.gallery_pred == 3, "gallery cell");
    CHECK(s->views.mistakes.n_gallery == whole.confusion[5][3], "gallery of %zu, cell says %u", s->views.mistakes.n_gallery,
          whole.confusion[5][3]);
    bool ordered = true, right = true;
    for (size_t i = 0; i < s->views.mistakes.n_gallery; i++) {
        uint32_t k = s->views.mistakes.gallery[i];
        right &= m.test.labels[k] == 5 && s->views.mistakes.test_pred[k] == 3;
        if (i)
            ordered &= s->views.mistakes.test_conf[s->views.mistakes.gallery[i - 1]] >= s->views.mistakes.test_conf[k];
    }
    CHECK(right && ordered, "gallery images right %d, ordered %d", right, ordered);
    CHECK(last_event(cap, "gallery") != NULL, "no gallery event");

    // Clicking a cell opens its gallery; clicking an image puts it on the canvas.
    view_mistakes_layout ml;
    view_mistakes_layout_of(&s->views, VC(s), &ml);
    app_rect cell = {ml.matrix.x + 7 * ml.cell_w, ml.matrix.y + 2 * ml.cell_h, ml.cell_w, ml.cell_h};
    click_rect(s, cell);
    CHECK(s->views.mistakes.gallery_true == 2 && s->views.mistakes.gallery_pred == 7 && s->views.mistakes.n_gallery == whole.confusion[2][7],
          "cell 2/7: %d/%d with %zu", s->views.mistakes.gallery_true, s->views.mistakes.gallery_pred, s->views.mistakes.n_gallery);
    view_mistakes_layout_of(&s->views, VC(s), &ml);
    CHECK(ml.thumbs.n > 0, "no image shown");
    click_rect(s, view_grid_cell(&ml.thumbs, 0));
    app_update(s, 500.0);
    uint32_t first = s->views.mistakes.gallery[0];
    CHECK(s->canvas.has_bitmap && s->shown_test == (long)first && s->shown_label == 2,
          "image on the canvas: %ld label %d", s->shown_test, s->shown_label);
    int off = 0;
    for (size_t i = 0; i < 784; i++)
        off += fabsf(s->score.input[i] - (float)m.test.images[first * 784 + i] / 255.0f) > 1e-6f;
    CHECK(off == 0, "%d input pixels differ from the test image", off);
    CHECK(s->score.has_guess && s->score.guess == 7, "the network's answer for it is %zu, its cell says 7", s->score.guess);
    const char *te = last_event(cap, "test_digit");
    char want[96];
    snprintf(want, sizeof want, "{\"event\":\"test_digit\",\"index\":%u,\"label\":2}", first);
    CHECK(te && !strcmp(te, want), "test_digit event %s", te ? te : "none");
    // The gallery's close button closes it; clicking the cell opens it again.
    view_mistakes_layout_of(&s->views, VC(s), &ml);
    click_rect(s, ml.close);
    CHECK(s->views.mistakes.gallery_true == VIEW_NO_CELL, "the close button kept the gallery");
    click_rect(s, cell);
    CHECK(s->views.mistakes.gallery_true == 2 && s->views.mistakes.gallery_pred == 7, "the cell did not reopen its gallery");
    // Other views explain it.
    key(s, APP_KEY_3, false);
    app_update(s, 501.0);
    CHECK(s->views.why.has_saliency && s->views.why.saliency_class == 7, "why does not explain the image");
    // Esc closes the gallery; C clears the image.
    key(s, APP_KEY_4, false);
    key(s, APP_KEY_ESCAPE, false);
    CHECK(s->views.mistakes.gallery_true == VIEW_NO_CELL, "Esc kept the gallery");
    key(s, APP_KEY_C, false);
    app_update(s, 502.0);
    CHECK(!s->canvas.has_bitmap && s->shown_test == -1 && !s->score.has_guess, "C kept the image");
    // T: a random test digit with its label.
    key(s, APP_KEY_T, false);
    app_update(s, 503.0);
    te = last_event(cap, "test_digit");
    CHECK(s->shown_test >= 0 && te, "T put no test digit");
    if (s->shown_test >= 0)
        CHECK(s->shown_label == m.test.labels[s->shown_test], "T's label %d", s->shown_label);
    CHECK(strstr(s->report.status, "true label"), "status: %s", s->report.status);

    app_state_destroy(s);
    free(s);
    free(cap);
    free(pred);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    mnist_destroy(&m);
}

/* The views on their own (no app_state): what they ask of the window comes
 * back as a view_request, never as a call. */
static void test_requests(void)
{
    captured *cap = calloc(1, sizeof *cap);
    events ev;
    events_init(&ev, capture, cap);
    model_slot m;
    model_slot_init(&m, NULL, NULL, NULL, NULL);
    size_t hidden[] = {8};
    mlp net;
    model_meta meta;
    CHECK(model_slot_make_fresh(hidden, 1, 1, &net, &meta, NULL), "fresh");
    model_slot_take(&m, &net, &meta, "");
    scoring sc;
    scoring_init(&sc);
    CHECK(scoring_fit(&sc, &m.net), "fit");
    app_layout l;
    layout_compute(&l, 1280, 800, 1.0f, 2);
    view_ctx c = {.model = &m, .score = &sc, .layout = &l, .data = NULL, .events = &ev};
    views v;
    views_init(&v, VIEW_HIDDEN, -1, -1);
    views_on_model(&v, &c);

    // Showing the mistakes view asks for MNIST and says so once.
    view_request r = views_show(&v, &c, VIEW_MISTAKES);
    CHECK((r.want & VIEW_WANT_DATA) && v.view == VIEW_MISTAKES &&
              !strcmp(last_event(cap, "view"), "{\"event\":\"view\",\"name\":\"mistakes\"}"),
          "show mistakes: want %u", r.want);
    size_t n = cap->n;
    r = views_show(&v, &c, VIEW_MISTAKES);
    CHECK(r.want == 0 && cap->n == n, "showing the shown view again");

    // An evaluation is wanted for a new model, but only asked for once MNIST is there.
    r = views_update(&v, &c);
    CHECK(!(r.want & VIEW_WANT_EVAL), "an evaluation without data");
    mnist data;
    memset(&data, 0, sizeof data);
    data.test.count = 40;
    data.test.rows = data.test.cols = 28;
    data.test.labels = calloc(40, 1);
    data.test.images = calloc(40, 784);
    for (size_t i = 0; i < 40; i++)
        data.test.labels[i] = (uint8_t)(i % 10);
    c.data = &data;
    views_on_data(&v, &c);
    r = views_update(&v, &c);
    CHECK(r.want & VIEW_WANT_EVAL, "no evaluation asked for");
    views_eval_sent(&v);
    r = views_update(&v, &c);
    CHECK(!(r.want & VIEW_WANT_EVAL), "asked twice");

    // The answers arrive: the fives (5, 15, 25, 35) read as 3 with rising confidence.
    uint8_t *pred;
    float *conf;
    views_answer_buffers(&v, &pred, &conf);
    for (size_t i = 0; i < 40; i++) {
        pred[i] = data.test.labels[i];
        conf[i] = 0.9f;
    }
    for (size_t i = 5; i < 40; i += 10) {
        pred[i] = 3;
        conf[i] = 0.5f + (float)i / 100.0f;
    }
    trainer_event e;
    memset(&e, 0, sizeof e);
    e.kind = TRAINER_EV_EVAL;
    e.has_confusion = true;
    e.confusion[5][3] = 4;
    e.val_accuracy = 0.9;
    views_on_confusion(&v, &c, &e, 0);
    views_on_answers(&v, &c);
    CHECK(v.mistakes.has_confusion && v.mistakes.has_preds && last_event(cap, "confusion"),
          "confusion kept");
    views_open_gallery(&v, &c, 5, 3);
    CHECK(v.mistakes.n_gallery == 4 && v.mistakes.gallery[0] == 35 && v.mistakes.gallery[3] == 5,
          "gallery: %zu images, first %u", v.mistakes.n_gallery, v.mistakes.gallery[0]);
    CHECK(!strcmp(last_event(cap, "gallery"),
                  "{\"event\":\"gallery\",\"true\":5,\"predicted\":3,\"count\":4}"),
          "gallery event");
    // A click on the first image asks for it on the canvas.
    view_mistakes_layout ml;
    view_mistakes_layout_of(&v, &c, &ml);
    app_rect t0 = view_grid_cell(&ml.thumbs, 0);
    r = views_click(&v, &c, (float)t0.x + 2, (float)t0.y + 2);
    CHECK(r.handled && (r.want & VIEW_WANT_TEST_IMAGE) && r.test_image == 35,
          "click on an image: want %u, image %ld", r.want, r.test_image);
    // Escape closes the gallery; a click outside the views is not theirs.
    CHECK(views_escape(&v) && v.mistakes.gallery_true == VIEW_NO_CELL, "escape");
    r = views_click(&v, &c, 1.0f, 1.0f);
    CHECK(!r.handled && r.want == 0, "a click outside the views");

    views_destroy(&v);
    free(data.test.labels);
    free(data.test.images);
    scoring_destroy(&sc);
    model_slot_destroy(&m);
    free(cap);
}

int main(void)
{
    test_requests();
    test_hidden_cells();
    test_weight_tiles();
    test_saliency_view();
    test_not_sure();
    test_switching();
    test_bitmap();
    test_geometry();
    test_mistakes_with_mnist();
    return check_summary();
}
