/* test_app.c: the window's state, canvas and layout, without a display.
 *
 * Drives app_handle with mouse and key events as the SDL loop would, and
 * checks the layout at several sizes, the stroke rendering, the MNIST-style
 * normalisation, the prediction events, loading a broken file and saving.
 * With the bundled model (when it loads), a drawn 1 and 0 must be read as
 * such. */
#define _XOPEN_SOURCE 700 // setenv, mkdtemp
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/canvas.h"
#include "app/layout.h"
#include "app/panels.h"
#include "app/window.h"
#include "core/model_any.h"
#include "core/model_file.h"
#include "core/read_file.h"
#include "core/normalize.h"

#include "check.h"
#include "events.h"

/* ---- layout ------------------------------------------------------------ */

static bool overlap(app_rect a, app_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool inside(app_rect in, app_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static void check_layout(int w, int h, float asked, size_t n_layers)
{
    app_layout l;
    layout_compute(&l, w, h, asked, n_layers);
    // The minimum (900 x 600 design pixels) is honoured by shrinking the scale.
    float scale = l.scale;
    CHECK(l.w == w && l.h == h, "%dx%d@%g: laid out as %dx%d", w, h, (double)asked, l.w, l.h);
    CHECK(scale <= asked && (float)LAYOUT_MIN_W * scale <= (float)w + 0.5f &&
              (float)LAYOUT_MIN_H * scale <= (float)h + 0.5f,
          "%dx%d@%g: laid out at scale %g", w, h, (double)asked, (double)scale);
    float fit = fminf((float)w / LAYOUT_MIN_W, (float)h / LAYOUT_MIN_H);
    CHECK(scale >= fminf(asked, fit) - 0.0501f,
          "%dx%d@%g: shrunk further than needed, to %g", w, h, (double)asked, (double)scale);
    app_rect win = {0, 0, w, h};
    app_rect r[32];
    const char *name[32];
    size_t n = layout_panels(&l, r, name, 32);
    for (size_t i = 0; i < n; i++) {
        CHECK(r[i].w > 0 && r[i].h > 0, "%dx%d@%g: %s is empty (%dx%d)", w, h, (double)scale,
              name[i], r[i].w, r[i].h);
        CHECK(inside(r[i], win), "%dx%d@%g: %s (%d,%d %dx%d) leaves the window", w, h,
              (double)scale, name[i], r[i].x, r[i].y, r[i].w, r[i].h);
        for (size_t j = i + 1; j < n; j++)
            CHECK(!overlap(r[i], r[j]), "%dx%d@%g: %s and %s overlap", w, h, (double)scale, name[i],
                  name[j]);
    }
    CHECK(l.canvas.w == l.canvas.h, "canvas is not square");
    // The canvas sits in its column, over its tool row and the layer table.
    CHECK(l.tools.w >= l.canvas.w && l.canvas.x >= l.tools.x &&
              l.canvas.x + l.canvas.w <= l.tools.x + l.tools.w && l.params.w == l.tools.w,
          "%dx%d@%g: the canvas (%d+%d) is not in its column (%d+%d)", w, h, (double)scale,
          l.canvas.x, l.canvas.w, l.tools.x, l.tools.w);
    // A deeper network's longer layer table takes some of the canvas's height.
    int min_canvas = n_layers <= 2 ? 300 : n_layers <= 4 ? 250 : 200;
    CHECK(l.canvas.w >= (int)((float)min_canvas * scale), "%dx%d@%g: canvas only %d px", w, h,
          (double)scale, l.canvas.w);
    CHECK(l.loss_chart.h >= (int)(80 * scale), "%dx%d@%g: loss chart only %d px high", w, h,
          (double)scale, l.loss_chart.h);
    // The views beside the canvas: under their tabs, with room to show something.
    CHECK(l.view.h >= (int)(200 * scale) && l.view.w >= (int)(300 * scale),
          "%dx%d@%g: the view panel is only %dx%d", w, h, (double)scale, l.view.w, l.view.h);
    CHECK(l.tabs.y + l.tabs.h <= l.view.y && l.tabs.x == l.view.x && l.tabs.w == l.view.w,
          "%dx%d@%g: the tabs are not above the view", w, h, (double)scale);
    CHECK(l.loss_chart.y + l.loss_chart.h <= l.tabs.y && l.acc_chart.y + l.acc_chart.h <= l.tabs.y,
          "%dx%d@%g: the curves are not above the tabs", w, h, (double)scale);
    // Buttons sit inside their rows and do not overlap.
    const app_rect rows[BTN_COUNT] = {
        [BTN_CLEAR] = l.tools,    [BTN_UNDO] = l.tools,     [BTN_ERASE] = l.tools,
        [BTN_PREPROCESS] = l.tools, [BTN_TRAIN] = l.controls, [BTN_RESET] = l.controls,
        [BTN_SAVE] = l.controls,  [BTN_HELP] = l.header,
        [BTN_TAB_HIDDEN] = l.tabs, [BTN_TAB_WEIGHTS] = l.tabs, [BTN_TAB_WHY] = l.tabs,
        [BTN_TAB_MISTAKES] = l.tabs, [BTN_TAB_LOG] = l.tabs,
        [BTN_TAB_NEURON] = l.tabs, [BTN_TAB_NETWORK] = l.tabs,
        [BTN_STEP] = l.trainbar, [BTN_SPEED_1] = l.trainbar, [BTN_SPEED_10] = l.trainbar,
        [BTN_SPEED_100] = l.trainbar, [BTN_SPEED_FULL] = l.trainbar, [BTN_SETTINGS] = l.trainbar,
    };
    for (int i = 0; i < BTN_COUNT; i++) {
        CHECK(l.buttons[i].w > 0 && inside(l.buttons[i], rows[i]), "button %d outside its row", i);
        for (int j = i + 1; j < BTN_COUNT; j++)
            CHECK(!overlap(l.buttons[i], l.buttons[j]), "buttons %d and %d overlap", i, j);
        float cx = (float)l.buttons[i].x + (float)l.buttons[i].w / 2;
        float cy = (float)l.buttons[i].y + (float)l.buttons[i].h / 2;
        CHECK(layout_button_at(&l, cx, cy) == (layout_button)i, "button %d not found at its centre",
              i);
    }
}

static void test_layout(void)
{
    check_layout(1280, 800, 1.0f, 2);
    check_layout(900, 600, 1.0f, 2);
    check_layout(2560, 1600, 2.0f, 2);
    check_layout(1920, 1080, 1.0f, 4);
    check_layout(1800, 1200, 1.5f, 2);
    check_layout(1800, 1200, 2.0f, 2); // 900x600 at scale 2
    /* Five hidden layers: the table takes the canvas's height, not its
     * column's width. Hand-worked at 900x600: a body of 600 - 48 - 30 - 2 *
     * 16 = 490 px less the tools (36), the table (9 rows of 20 + 12) and two
     * gaps of 14 leaves a 234 px canvas, centred in a 300 px column. */
    check_layout(900, 600, 1.0f, 6);
    check_layout(1280, 800, 1.0f, 6);
    check_layout(1920, 1080, 2.0f, 6);
    app_layout d;
    layout_compute(&d, 900, 600, 1.0f, 6);
    CHECK(d.canvas.w == 234 && d.tools.w == LAYOUT_COLUMN1_MIN && d.tools.x == 16 &&
              d.canvas.x == 16 + (300 - 234) / 2 && d.preview.x == 16 + 300 + 14,
          "deep at 900x600: canvas %d at %d, column %d at %d, preview at %d", d.canvas.w,
          d.canvas.x, d.tools.w, d.tools.x, d.preview.x);
    // 2560x1600 at scale 2 is 1280x800 at scale 1, doubled.
    app_layout a, b;
    layout_compute(&a, 1280, 800, 1.0f, 2);
    layout_compute(&b, 2560, 1600, 2.0f, 2);
    CHECK(abs(b.canvas.w - 2 * a.canvas.w) <= 2, "HiDPI canvas %d vs %d", b.canvas.w, a.canvas.w);

    /* Issue 14: every --ui-scale in every window size, the window given
     * (900x600, 1280x800, 1920x1080, 1400x900) and a HiDPI one. The layout
     * used to be clamped to 900*s x 600*s, past the window's edge. */
    static const float scales[] = {1.0f, 1.1f, 1.2f, 1.45f, 1.5f, 2.0f, 2.5f, 3.0f, 4.0f};
    static const int sizes[][2] = {{900, 600}, {1280, 800}, {1920, 1080}, {1400, 900},
                                   {2560, 1600}, {1000, 1000}, {2400, 620}};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++)
        for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++)
            for (size_t n = 2; n <= 4; n += 2)
                check_layout(sizes[j][0], sizes[j][1], scales[i], n);
    // Hand-worked: 1280x800 fits 800/600 = 1.33, so scale 2 becomes 1.3;
    // 1920x1080 fits 1.8, so 1.5 stays 1.5.
    layout_compute(&a, 1280, 800, 2.0f, 2);
    CHECK(fabsf(a.scale - 1.3f) < 1e-4f, "1280x800@2 laid out at %g", (double)a.scale);
    layout_compute(&a, 1920, 1080, 1.5f, 2);
    CHECK(a.scale == 1.5f, "1920x1080@1.5 laid out at %g", (double)a.scale);
    CHECK(layout_fit_scale(900, 600, 1.1f) == 1.0f, "900x600@1.1: %g",
          (double)layout_fit_scale(900, 600, 1.1f));
    // Below 450x300 the scale stops at its floor; the drawable stays the window.
    layout_compute(&a, 300, 200, 1.0f, 2);
    CHECK(a.scale == LAYOUT_MIN_SCALE && a.w == 300 && a.h == 200, "300x200: %gx at %dx%d",
          (double)a.scale, a.w, a.h);
}

/* ---- canvas ------------------------------------------------------------ */

static void stroke(canvas *c, const float *pts, size_t n, float scale, float dx, float dy)
{
    canvas_begin_stroke(c, pts[0] * scale + dx, pts[1] * scale + dy, false);
    for (size_t i = 1; i < n; i++)
        canvas_add_point(c, pts[2 * i] * scale + dx, pts[2 * i + 1] * scale + dy);
    canvas_end_stroke(c);
}

static void test_canvas_strokes(void)
{
    canvas c;
    CHECK(canvas_init(&c), "canvas_init");
    float img[784];
    CHECK(canvas_is_empty(&c), "new canvas not empty");
    canvas_render_raw(&c, img);
    for (int i = 0; i < 784; i++)
        CHECK(img[i] == 0.0f, "ink on an empty canvas at %d", i);

    // A fast stroke: two points 24 cells apart must leave a line, not two dots.
    canvas_begin_stroke(&c, 2.0f, 14.0f, false);
    canvas_add_point(&c, 26.0f, 14.0f);
    canvas_end_stroke(&c);
    canvas_render_raw(&c, img);
    for (int x = 2; x < 26; x++)
        CHECK(img[14 * 28 + x] > 0.9f, "gap in a fast stroke at x=%d: %.2f", x, (double)img[14 * 28 + x]);
    CHECK(img[5 * 28 + 14] == 0.0f, "ink far from the stroke");
    uint64_t v = c.version;

    // Undo removes it; clear removes everything.
    CHECK(canvas_undo(&c), "undo");
    CHECK(c.version != v, "undo did not change the version");
    CHECK(canvas_is_empty(&c), "not empty after undo");
    CHECK(!canvas_undo(&c), "undo with nothing to undo");
    canvas_begin_stroke(&c, 5, 5, false);
    canvas_add_point(&c, 10, 10);
    canvas_begin_stroke(&c, 20, 5, false); // starting a stroke ends the open one
    canvas_add_point(&c, 20, 20);
    canvas_end_stroke(&c);
    CHECK(c.n_strokes == 2, "%zu strokes", c.n_strokes);
    canvas_clear(&c);
    CHECK(canvas_is_empty(&c) && c.n_strokes == 0, "clear");

    // An eraser stroke across a line cuts it.
    canvas_begin_stroke(&c, 14, 2, false);
    canvas_add_point(&c, 14, 26);
    canvas_end_stroke(&c);
    canvas_begin_stroke(&c, 8, 14, true);
    canvas_add_point(&c, 20, 14);
    canvas_end_stroke(&c);
    canvas_render_raw(&c, img);
    CHECK(img[14 * 28 + 14] < 0.05f, "erased pixel still has ink %.2f", (double)img[14 * 28 + 14]);
    CHECK(img[5 * 28 + 14] > 0.9f, "the eraser took too much");
    CHECK(!canvas_is_empty(&c), "ink remains");
    // The normalised image sees the two halves.
    CHECK(canvas_render_mnist(&c, img), "normalised render");

    // Points outside the canvas are clamped.
    canvas_clear(&c);
    canvas_begin_stroke(&c, -10, -10, false);
    CHECK(c.points[0].x == 0.0f && c.points[0].y == 0.0f, "not clamped");
    canvas_destroy(&c);
}

/* A "7" and a "2" as polylines in a unit box. */
static const float seven[] = {0.1f, 0.05f, 0.9f, 0.05f, 0.45f, 0.95f};
static const float two[] = {0.1f, 0.25f, 0.3f, 0.05f, 0.7f, 0.05f, 0.9f, 0.3f,
                            0.1f, 0.95f, 0.9f, 0.95f};

static void test_normalisation(void)
{
    canvas small, large;
    canvas_init(&small);
    canvas_init(&large);
    float a[784], b[784];
    for (int shape = 0; shape < 2; shape++) {
        canvas_clear(&small);
        canvas_clear(&large);
        const float *pts = shape ? two : seven;
        size_t n = shape ? 6 : 3;
        stroke(&small, pts, n, 7.0f, 1.0f, 1.5f); // small, top-left corner
        stroke(&large, pts, n, 22.0f, 3.0f, 3.0f); // large, in the middle
        CHECK(canvas_render_mnist(&small, a) && canvas_render_mnist(&large, b), "render");
        double diff = 0, ink = 0, maxd = 0;
        for (int i = 0; i < 784; i++) {
            double d = fabs((double)a[i] - (double)b[i]);
            diff += d;
            ink += b[i];
            maxd = d > maxd ? d : maxd;
        }
        CHECK(diff / ink < 0.1, "shape %d: small and large differ by %.1f%% of the ink", shape,
              100 * diff / ink);
        CHECK(maxd < 0.35, "shape %d: a pixel differs by %.2f", shape, maxd);
        double cx, cy;
        normalize_center_of_mass(a, &cx, &cy);
        CHECK(fabs(cx - 14.0) < 0.3 && fabs(cy - 14.0) < 0.3,
              "shape %d: centre of mass (%.2f, %.2f)", shape, (double)cx, (double)cy);
        // The ink's bounding box is about 20 px on its longer side.
        int minx = 28, maxx = -1, miny = 28, maxy = -1;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                if (a[y * 28 + x] > 0.1f) {
                    minx = x < minx ? x : minx;
                    maxx = x > maxx ? x : maxx;
                    miny = y < miny ? y : miny;
                    maxy = y > maxy ? y : maxy;
                }
        int side = (maxx - minx > maxy - miny ? maxx - minx : maxy - miny) + 1;
        CHECK(side >= 18 && side <= 22, "shape %d: ink box %d px", shape, side);
        // Stroke width stays MNIST-like: ink per pixel of stroke length about 2-3 px.
        double sum = 0;
        for (int i = 0; i < 784; i++)
            sum += a[i];
        CHECK(sum > 40 && sum < 160, "shape %d: total ink %.1f", shape, sum);
    }
    // A dot is not blown up to fill the box.
    canvas_clear(&small);
    canvas_begin_stroke(&small, 5, 5, false);
    canvas_end_stroke(&small);
    CHECK(canvas_render_mnist(&small, a), "dot");
    double sum = 0;
    for (int i = 0; i < 784; i++)
        sum += a[i];
    CHECK(sum < 200, "a dot became %.0f px of ink", sum);
    canvas_clear(&small);
    CHECK(!canvas_render_mnist(&small, a), "empty canvas normalised to something");
    canvas_destroy(&small);
    canvas_destroy(&large);
}

/* ---- the state, driven by events ---------------------------------------- */

static int event_index(const char *line)
{
    const char *p = line ? strstr(line, "\"index\":") : NULL;
    return p ? atoi(p + 8) : -99;
}

static void mouse(app_state *s, app_input_kind kind, float cx, float cy, int button)
{
    app_rect r = s->layout.canvas;
    app_input_event ev = {.kind = kind,
                          .x = (float)r.x + cx / 28.0f * (float)r.w,
                          .y = (float)r.y + cy / 28.0f * (float)r.h,
                          .button = button};
    app_handle(s, &ev);
}

/* Draws a polyline in canvas units through app_handle, moving in steps as
 * a mouse would report. */
static void draw(app_state *s, const float *pts, size_t n)
{
    mouse(s, APP_IN_MOUSE_MOVE, pts[0], pts[1], 0);
    mouse(s, APP_IN_MOUSE_DOWN, pts[0], pts[1], 1);
    for (size_t i = 1; i < n; i++)
        for (int k = 1; k <= 8; k++) {
            float t = (float)k / 8.0f;
            mouse(s, APP_IN_MOUSE_MOVE, pts[2 * i - 2] + t * (pts[2 * i] - pts[2 * i - 2]),
                  pts[2 * i - 1] + t * (pts[2 * i + 1] - pts[2 * i - 1]), 0);
        }
    mouse(s, APP_IN_MOUSE_UP, pts[2 * n - 2], pts[2 * n - 1], 1);
}

static void key(app_state *s, app_key k, bool ctrl)
{
    app_input_event ev = {.kind = APP_IN_KEY, .key = k, .ctrl = ctrl};
    app_handle(s, &ev);
}

static void tiny_model(app_state *s)
{
    size_t sizes[] = {784, 16, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL), "mlp_init");
    CHECK(model_meta_default(&meta, 28, 28, 10, NULL), "meta");
    mlp_init_glorot(&net, 42);
    app_state_use_model(s, &net, &meta, "");
}

static void test_state_events(void)
{
    app_config cfg;
    app_config_default(&cfg);
    cfg.data_dir = "/nonexistent/digitpad-test";
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    tiny_model(s);
    app_update(s, 0.0);
    CHECK(!s->score.has_guess, "a guess on an empty canvas");

    // Drawing through the handler gives a prediction and an event.
    static const float line[] = {14, 4, 14, 24};
    draw(s, line, 2);
    app_update(s, 0.1);
    CHECK(s->score.has_guess, "no guess after drawing");
    const char *ev = last_event(cap, "prediction");
    CHECK(ev && event_index(ev) == (int)s->score.guess, "prediction event: %s", ev ? ev : "none");
    float sum = 0;
    for (size_t i = 0; i < s->score.n_classes; i++)
        sum += s->score.probs[i];
    CHECK(fabsf(sum - 1.0f) < 1e-4f, "probabilities sum to %f", (double)sum);

    // Undo (Ctrl+Z) takes the stroke away: no guess, and an event saying so.
    size_t before = cap->n;
    key(s, APP_KEY_Z, true);
    app_update(s, 0.2);
    CHECK(!s->score.has_guess, "guess after undo");
    CHECK(cap->n > before && event_index(last_event(cap, "prediction")) == -1, "no empty prediction event");

    // P switches the input to the raw canvas and back.
    draw(s, line, 2);
    app_update(s, 0.3);
    float normalised[784];
    memcpy(normalised, s->score.input, sizeof normalised);
    key(s, APP_KEY_P, false);
    app_update(s, 0.4);
    CHECK(s->model.meta.preprocess == MODEL_PREPROCESS_NONE, "P did not switch to raw");
    CHECK(memcmp(normalised, s->score.input, sizeof normalised) != 0, "raw input equals normalised");
    CHECK(memcmp(s->score.raw, s->score.input, sizeof normalised) == 0, "raw input is not the canvas");
    key(s, APP_KEY_P, false);
    app_update(s, 0.5);
    CHECK(s->model.meta.preprocess == MODEL_PREPROCESS_MNIST, "P did not switch back");

    // C clears; the right button erases; E makes the left one erase.
    key(s, APP_KEY_C, false);
    app_update(s, 0.6);
    CHECK(canvas_is_empty(&s->canvas) && !s->score.has_guess, "C did not clear");
    draw(s, line, 2);
    mouse(s, APP_IN_MOUSE_DOWN, 10, 14, 3);
    mouse(s, APP_IN_MOUSE_MOVE, 18, 14, 0);
    mouse(s, APP_IN_MOUSE_UP, 18, 14, 3);
    CHECK(s->canvas.n_strokes == 2 && s->canvas.strokes[1].erase, "right button did not erase");
    key(s, APP_KEY_E, false);
    draw(s, line, 2);
    CHECK(s->canvas.strokes[2].erase, "eraser mode did not erase");
    key(s, APP_KEY_E, false);

    // Buttons: a click on Clear clears.
    app_rect b = s->layout.buttons[BTN_CLEAR];
    app_input_event click = {.kind = APP_IN_MOUSE_DOWN, .x = (float)b.x + 4, .y = (float)b.y + 4,
                             .button = 1};
    app_handle(s, &click);
    CHECK(s->canvas.n_strokes == 0, "the Clear button did not clear");

    // Training without data says how to get it.
    before = cap->n;
    key(s, APP_KEY_SPACE, false);
    CHECK(s->report.status_error && strstr(s->report.status, "scripts/fetch-mnist"), "status: %s", s->report.status);
    CHECK(cap->n > before && last_event(cap, "error"), "no error event");
    // The progress panel names the folder given with --data.
    panel_progress pp;
    panel_progress_of(s, &pp);
    CHECK(!strcmp(pp.note, "no training images in /nonexistent/digitpad-test") &&
              pp.note_tone == PANEL_TONE_WARN,
          "progress note: %s", pp.note);

    // Help opens and closes.
    key(s, APP_KEY_HELP, false);
    CHECK(s->help_visible, "help");
    key(s, APP_KEY_ESCAPE, false);
    CHECK(!s->help_visible, "help stays");

    // A resize moves the canvas and the handler follows it.
    app_input_event rs = {.kind = APP_IN_RESIZE, .w = 2560, .h = 1600, .scale = 2.0f};
    app_handle(s, &rs);
    CHECK(s->layout.canvas.w > 800, "canvas %d after resize", s->layout.canvas.w);
    draw(s, line, 2);
    app_update(s, 0.7);
    CHECK(s->score.has_guess && s->canvas.points[0].x > 13.5f && s->canvas.points[0].x < 14.5f,
          "drawing after resize at %.2f", (double)s->canvas.points[0].x);

    // A broken file dropped on the window: the reason shows, the model stays.
    char dir[] = "/tmp/digitpad-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char bad[512];
    snprintf(bad, sizeof bad, "%s/broken.json", dir);
    FILE *f = fopen(bad, "w");
    fputs("{\"format\": \"digitpad-mlp\", \"layers\": [", f);
    fclose(f);
    const float *params = s->model.net.params;
    uint64_t nv = s->model.version;
    before = cap->n;
    app_input_event drop = {.kind = APP_IN_DROP_FILE, .path = bad};
    app_handle(s, &drop);
    loader_wait(&s->model.loader); // read on the loader thread; app_update takes the result
    app_update(s, 0.8);
    CHECK(s->report.status_error && strstr(s->report.status, "broken.json"), "status: %s", s->report.status);
    CHECK(s->model.net.params == params && s->model.version == nv, "the model changed");
    CHECK(cap->n > before && last_event(cap, "error"), "no error event for a broken file");

    // Ctrl+S saves under $XDG_DATA_HOME (never over the bundled model), and it loads back.
    setenv("XDG_DATA_HOME", dir, 1);
    key(s, APP_KEY_S, true);
    const char *saved = last_event(cap, "saved");
    CHECK(saved != NULL, "no saved event; status: %s", s->report.status);
    char path[1024] = "";
    if (saved) {
        const char *p = strstr(saved, "\"path\":\"") + 8;
        snprintf(path, sizeof path, "%.*s", (int)(strchr(p, '"') - p), p);
        CHECK(strstr(path, "/digitpad/models/digitpad-") && access(path, R_OK) == 0, "saved to %s",
              path);
        float p0 = s->model.net.params[0];
        drop.path = path;
        CHECK(app_state_load(s, path), "loading the saved model: %s", s->report.status);
        CHECK(s->model.net.params[0] == p0, "saved weights differ");
        CHECK(last_event(cap, "loaded") != NULL, "no loaded event");
        // A model from a Keras file: Ctrl+S writes a new digitpad file and
        // says so, the .keras file stays byte for byte (issue 15); both are
        // in the recent list, the save first (issue 16).
        char keras[1100];
        snprintf(keras, sizeof keras, "%s/m.keras", dir);
        CHECK(model_any_save(keras, MODEL_FORMAT_KERAS, &s->model.net, &s->model.meta, NULL),
              "writing m.keras");
        uint8_t *kb = NULL, *ka = NULL;
        size_t kb_len = 0, ka_len = 0;
        CHECK(dp_read_file(keras, 1 << 26, &kb, &kb_len, NULL), "reading m.keras");
        CHECK(app_state_load(s, keras) && s->model.format == MODEL_FORMAT_KERAS,
              "loading m.keras: %s", s->report.status);
        key(s, APP_KEY_S, true);
        CHECK(!s->report.status_error && strstr(s->report.status, "saved as a digitpad model to ") &&
                  strstr(s->report.status, "(m.keras is a Keras file and stays as it was)"),
              "status: %s", s->report.status);
        saved = last_event(cap, "saved");
        char again[1024] = "";
        if (saved) {
            const char *p = strstr(saved, "\"path\":\"") + 8;
            snprintf(again, sizeof again, "%.*s", (int)(strchr(p, '"') - p), p);
        }
        CHECK(strstr(again, "/digitpad/models/digitpad-") && strcmp(again, path) &&
                  access(again, R_OK) == 0,
              "the Keras model saved to %s", again);
        CHECK(dp_read_file(keras, 1 << 26, &ka, &ka_len, NULL) && ka_len == kb_len &&
                  !memcmp(ka, kb, kb_len),
              "m.keras was written over");
        CHECK(recent_count(&s->recent) >= 2 && strstr(recent_get(&s->recent, 0), "/digitpad-") &&
                  strstr(recent_get(&s->recent, 1), "/m.keras"),
              "recent: %s, %s", recent_get(&s->recent, 0), recent_get(&s->recent, 1));
        free(kb);
        free(ka);
        remove(again);
        remove(keras);
        remove(path);
    }
    remove(bad);
    char models[1100];
    snprintf(models, sizeof models, "%s/digitpad/models", dir);
    rmdir(models);
    snprintf(models, sizeof models, "%s/digitpad", dir);
    rmdir(models);
    rmdir(dir);

    app_state_destroy(s);
    free(s);
    free(cap);
}

/* With the bundled model: a drawn 1 and 0, small and large, are read right. */
static void test_bundled_model(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    mlp net;
    model_meta meta;
    if (!model_file_load(path, &net, &meta, NULL)) {
        printf("skipping the bundled-model checks: %s does not load\n", path);
        return;
    }
    mlp_destroy(&net);
    model_meta_destroy(&meta);

    app_config cfg;
    app_config_default(&cfg);
    cfg.model_path = path;
    cfg.bundled_path = path;
    cfg.data_dir = "/nonexistent/digitpad-test";
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->model.have && s->model.path[0], "bundled model not loaded: %s", s->report.status);

    static const float one[] = {15, 5, 14, 23};
    static const float one_small[] = {4, 3, 4, 10};
    float zero[2 * 25];
    for (int i = 0; i < 25; i++) {
        float a = (float)i / 24.0f * 6.2831853f;
        zero[2 * i] = 14 + 6 * sinf(a);
        zero[2 * i + 1] = 14 - 9 * cosf(a);
    }
    float seven_pts[6];
    for (int i = 0; i < 6; i++)
        seven_pts[i] = 4 + seven[i] * 20;
    const struct {
        const float *pts;
        size_t n;
        int want;
        const char *what;
    } cases[] = {
        {one, 2, 1, "a 1"},
        {one_small, 2, 1, "a small 1 in a corner"},
        {zero, 25, 0, "a 0"},
        {seven_pts, 3, 7, "a 7"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        key(s, APP_KEY_C, false);
        draw(s, cases[i].pts, cases[i].n);
        app_update(s, (double)i);
        const char *ev = last_event(cap, "prediction");
        CHECK(event_index(ev) == cases[i].want, "%s read as %d: %s", cases[i].what, event_index(ev),
              ev ? ev : "no event");
    }
    app_state_destroy(s);
    free(s);
    free(cap);
}

int main(void)
{
    test_layout();
    test_canvas_strokes();
    test_normalisation();
    test_state_events();
    test_bundled_model();
    return check_summary();
}
