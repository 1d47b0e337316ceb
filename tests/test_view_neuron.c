/* test_view_neuron.c: views 6 (one neuron worked out) and 7 (the network
 * as a diagram), without a display.
 *
 * A hand-built 784-2-3 network whose sums are exact in binary: the neuron
 * view's default unit, its lines of arithmetic and its neuron event against
 * the values worked out here; choosing a unit by keys, by the chooser's
 * buttons, by a pin in the hidden view and by a click in the network view;
 * the diagram's edges and its network event. With the bundled model: the
 * neuron event's numbers against the model file's own arithmetic, redone
 * here in double from the JSON weights (read with cJSON, not the model
 * reader). And both views' geometry at the sizes and scales the window is
 * made for. */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/layout.h"
#include "app/views.h"
#include "app/window.h"
#include "core/explain.h"
#include "core/float_text.h"

#include "check.h"
#include "events.h"

#define VC(s) ((view_ctx[1]){app_view_ctx(s)})

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

static double clock_t_ = 1.0;

static void tick(app_state *s)
{
    clock_t_ += 0.5; // past every view's throttle
    app_update(s, clock_t_);
}

static void key(app_state *s, app_key k)
{
    app_input_event ev = {.kind = APP_IN_KEY, .key = k};
    app_handle(s, &ev);
    tick(s);
}

static void click_rect(app_state *s, app_rect r)
{
    float x = (float)r.x + (float)r.w / 2, y = (float)r.y + (float)r.h / 2;
    app_input_event mv = {.kind = APP_IN_MOUSE_MOVE, .x = x, .y = y};
    app_handle(s, &mv);
    app_input_event dn = {.kind = APP_IN_MOUSE_DOWN, .x = x, .y = y, .button = 1};
    app_handle(s, &dn);
    app_input_event up = {.kind = APP_IN_MOUSE_UP, .x = x, .y = y, .button = 1};
    app_handle(s, &up);
    tick(s);
}

/* ---- the hand-built network --------------------------------------------- */

/* 784 -> 2 (ReLU) -> 3 (softmax). Pixels (0,0) = 0.5, (1,2) = 1, (27,27) =
 * 0.25. Unit 0: 0.5*1 + 1*2 + 0.25*(-1) + 0 = 2.25 -> 2.25. Unit 1:
 * 0.5*(-1) + 1*0.5 + 0.25*1 - 0.75 = -0.5 -> 0. Output 2 gets 2.25 from
 * unit 0, the others 0. */
static void hand_model(app_state *s, float *img)
{
    size_t sizes[] = {784, 2, 3};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL), "mlp_init");
    CHECK(model_meta_default(&meta, 28, 28, 3, NULL), "meta");
    mlp_layer *L = &net.layers[0];
    L->kernel[0 * 2 + 0] = 1.0f;
    L->kernel[30 * 2 + 0] = 2.0f;
    L->kernel[783 * 2 + 0] = -1.0f;
    L->kernel[0 * 2 + 1] = -1.0f;
    L->kernel[30 * 2 + 1] = 0.5f;
    L->kernel[783 * 2 + 1] = 1.0f;
    L->bias[1] = -0.75f;
    net.layers[1].kernel[0 * 3 + 2] = 1.0f;
    app_state_use_model(s, &net, &meta, "");
    memset(img, 0, 784 * sizeof *img);
    img[0] = 0.5f;
    img[30] = 1.0f;
    img[783] = 0.25f;
    canvas_set_bitmap(&s->canvas, img);
    tick(s);
}

static void check_line(const char *got, const char *want, const char *what)
{
    CHECK(!strcmp(got, want), "%s: \"%s\", want \"%s\"", what, got, want);
}

static void test_hand_neuron(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    float img[784];
    hand_model(s, img);
    CHECK(last_event(cap, "neuron") == NULL, "a neuron event before the view is shown");
    key(s, APP_KEY_6);
    CHECK(s->views.view == VIEW_NEURON, "6 shows view %d", s->views.view);
    const char *ev = last_event(cap, "neuron");
    // Unit 0 is the most active (2.25 against 0): the default.
    check_line(ev ? ev : "",
               "{\"event\":\"neuron\",\"layer\":1,\"unit\":0,\"activation\":\"relu\",\"inputs\":784,"
               "\"nonzero\":3,\"bias\":0,\"products\":2.25,\"sum\":2.25,\"output\":2.25}",
               "the default unit's event");
    view_neuron_text t;
    view_neuron_text_of(&s->views, VC(s), 5, &t);
    CHECK(t.n_terms == 3, "%zu contribution lines, want 3", t.n_terms);
    check_line(t.term[0], "( 1, 2) 1.000 × +2.000 = +2.000", "largest term");
    check_line(t.term[1], "( 0, 0) 0.500 × +1.000 = +0.500", "second term");
    check_line(t.term[2], "(27,27) 0.250 × -1.000 = -0.250", "third term");
    check_line(t.term_long[0], "pixel (1,2): 1.000 × +2.000 = +2.000", "largest term, long");
    check_line(t.rest, "the other 781 inputs are 0 and add 0", "the rest");
    check_line(t.sum, "sum of all 784 products +2.2500", "sum");
    check_line(t.bias, "+ bias +0.0000", "bias");
    check_line(t.pre, "= +2.2500 before ReLU", "before ReLU");
    check_line(t.post, "ReLU: positive, kept -> 2.2500", "after ReLU");
    check_line(t.chooser_unit, "unit 1/2", "the chooser");
    CHECK(!t.off, "unit 0 is on");
    // Only 2 lines asked for: the third goes into the rest.
    view_neuron_text_of(&s->views, VC(s), 2, &t);
    check_line(t.rest, "+ 1 more: -0.250; 781 zeros add 0", "the rest after two terms");
    // The product image: every input x weight.
    CHECK(s->views.neuron.products[30] == 2.0f && s->views.neuron.products[783] == -0.25f &&
              s->views.neuron.products[1] == 0.0f,
          "product image");

    // Right: unit 1, switched off by ReLU.
    size_t before = cap->n;
    key(s, APP_KEY_RIGHT);
    ev = last_event(cap, "neuron");
    CHECK(cap->n > before, "no event for the next unit");
    check_line(ev ? ev : "",
               "{\"event\":\"neuron\",\"layer\":1,\"unit\":1,\"activation\":\"relu\",\"inputs\":784,"
               "\"nonzero\":3,\"bias\":-0.75,\"products\":0.25,\"sum\":-0.5,\"output\":0}",
               "unit 1's event");
    view_neuron_text_of(&s->views, VC(s), 5, &t);
    check_line(t.pre, "= -0.5000 before ReLU", "unit 1 before ReLU");
    check_line(t.post, "ReLU: negative -> 0 (switched off)", "unit 1 after ReLU");
    CHECK(t.off, "unit 1 is off");
    // The same numbers again: no new event.
    before = cap->n;
    tick(s);
    CHECK(cap->n == before, "an event without a change");
    // Right wraps to unit 0, Left back to 1.
    key(s, APP_KEY_RIGHT);
    CHECK(s->views.neuron.unit == 0, "Right from the last unit wraps: %d", s->views.neuron.unit);
    key(s, APP_KEY_LEFT);
    CHECK(s->views.neuron.unit == 1, "Left: %d", s->views.neuron.unit);

    // Up: the output layer, at its most active unit (class 2), softmax.
    key(s, APP_KEY_UP);
    size_t layer, unit;
    CHECK(view_neuron_shown(&s->views, VC(s), &layer, &unit) && layer == 2 && unit == 2,
          "Up: layer %zu unit %zu, want 2, 2", layer, unit);
    float logits[3] = {0, 0, 2.25f}, exps[3], probs[3];
    explain_softmax(logits, 3, exps, probs, NULL);
    char want[512], p[FLOAT_TEXT_MAX];
    float_text(p, probs[2]);
    snprintf(want, sizeof want,
             "{\"event\":\"neuron\",\"layer\":2,\"unit\":2,\"activation\":\"softmax\",\"inputs\":2,"
             "\"nonzero\":1,\"bias\":0,\"products\":2.25,\"sum\":2.25,\"output\":%s}",
             p);
    ev = last_event(cap, "neuron");
    check_line(ev ? ev : "", want, "the output unit's event");
    CHECK(fabsf(probs[2] - s->score.probs[2]) == 0.0f, "the softmax output is not the bars' %g",
          (double)s->score.probs[2]);
    view_neuron_text_of(&s->views, VC(s), 5, &t);
    check_line(t.term[0], "unit 1: 2.250 × +1.000 = +2.250", "a layer-2 term names its unit");
    check_line(t.chooser_unit, "class 2", "an output unit is its class");
    check_line(t.rest, "the other 1 inputs are 0 and add 0", "layer 2's rest");
    // Up at the top stays; Down goes back to layer 1's most active unit.
    key(s, APP_KEY_UP);
    CHECK(s->views.neuron.layer == 2, "Up past the output layer");
    key(s, APP_KEY_DOWN);
    CHECK(s->views.neuron.layer == 1 && s->views.neuron.unit == 0, "Down: layer %d unit %d",
          s->views.neuron.layer, s->views.neuron.unit);

    // The chooser's buttons with the mouse.
    view_neuron_layout l;
    view_neuron_layout_of(&s->views, VC(s), &l);
    click_rect(s, l.unit_next);
    CHECK(s->views.neuron.unit == 1, "the › button: unit %d", s->views.neuron.unit);
    click_rect(s, l.layer_next);
    CHECK(s->views.neuron.layer == 2, "the layer › button: layer %d", s->views.neuron.layer);
    // In layer 2 the inputs are layer 1's units: clicking one opens it.
    view_neuron_layout_of(&s->views, VC(s), &l);
    CHECK(!l.image && l.grid[0].n == 2, "layer 2's inputs as a grid of 2");
    click_rect(s, view_grid_cell(&l.grid[1], 1));
    CHECK(s->views.neuron.layer == 1 && s->views.neuron.unit == 1,
          "clicking input 1 of layer 2: layer %d unit %d", s->views.neuron.layer,
          s->views.neuron.unit);
    // Hovering a pixel: its own term.
    view_neuron_layout_of(&s->views, VC(s), &l);
    CHECK(l.image, "layer 1's inputs are a picture");
    app_rect px = {l.pic[2].x + 2 * l.pic[2].w / 28, l.pic[2].y + 1 * l.pic[2].h / 28, 1, 1};
    app_input_event mv = {.kind = APP_IN_MOUSE_MOVE, .x = (float)px.x + 0.5f, .y = (float)px.y + 0.5f};
    app_handle(s, &mv);
    CHECK(s->views.neuron.hover_input == 30, "hovering pixel (1,2): input %d", s->views.neuron.hover_input);
    view_neuron_text_of(&s->views, VC(s), 5, &t);
    check_line(t.hover, "pixel (1,2): 1.000 × +0.5000 = +0.5000", "the hovered pixel's term");
    // 6 again: back to the most active unit.
    key(s, APP_KEY_6);
    CHECK(s->views.neuron.layer == 0 && view_neuron_shown(&s->views, VC(s), &layer, &unit) &&
              layer == 1 && unit == 0,
          "6 again: layer %zu unit %zu", layer, unit);

    // A pin in the hidden view is the unit the neuron view shows.
    key(s, APP_KEY_1);
    view_hidden_layout hl;
    view_hidden_layout_of(VC(s), &hl);
    click_rect(s, view_grid_cell(&hl.grid[0], 1));
    CHECK(s->views.sel_unit == 1, "the hidden view pinned unit %d", s->views.sel_unit);
    key(s, APP_KEY_6);
    CHECK(view_neuron_shown(&s->views, VC(s), &layer, &unit) && layer == 1 && unit == 1,
          "after pinning unit 1: layer %zu unit %zu", layer, unit);
    ev = last_event(cap, "neuron");
    CHECK(ev && strstr(ev, "\"unit\":1,"), "the event after the pin: %s", ev ? ev : "none");

    // Training changes the weights: the numbers follow (a new snapshot).
    s->model.net.layers[0].bias[1] = 0.25f;
    s->model.version++;
    tick(s);
    tick(s);
    ev = last_event(cap, "neuron");
    CHECK(ev && strstr(ev, "\"bias\":0.25,") && strstr(ev, "\"sum\":0.5,") &&
              strstr(ev, "\"output\":0.5}"),
          "new weights, new numbers: %s", ev ? ev : "none");
    free_state(s);
    free(cap);
}

/* ---- the network view ---------------------------------------------------- */

static void test_network(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 1280, 800, 1.0f);
    float img[784];
    hand_model(s, img);
    key(s, APP_KEY_7);
    CHECK(s->views.view == VIEW_NETWORK, "7 shows view %d", s->views.view);
    // The edges: the layers' strongest weights, strongest first.
    const explain_edge *e;
    size_t n = view_network_edges(&s->views, 1, &e);
    CHECK(n == 6 && e[0].from == 30 && e[0].to == 0 && e[0].weight == 2.0f,
          "layer 1: %zu edges, the first %u->%u", n, n ? e[0].from : 0, n ? e[0].to : 0);
    n = view_network_edges(&s->views, 2, &e);
    CHECK(n == 1 && e[0].from == 0 && e[0].to == 2, "layer 2: %zu edges", n);
    // Where the units are: the network event and the layout agree.
    view_network_layout l;
    view_network_layout_of(&s->views, VC(s), &l);
    const char *ev = last_event(cap, "network");
    char want[256];
    snprintf(want, sizeof want, "{\"layer\":2,\"x\":%d,\"y\":%d,\"cell\":%d,", l.grid[1].x, l.grid[1].y,
             l.grid[1].cell);
    CHECK(ev && strstr(ev, "\"sizes\":[784,2,3]") && strstr(ev, want), "network event %s",
          ev ? ev : "none");
    // Hover and click output 2: it opens in the neuron view.
    app_rect cell = view_grid_cell(&l.grid[1], 2);
    click_rect(s, cell);
    size_t layer, unit;
    CHECK(s->views.view == VIEW_NEURON && view_neuron_shown(&s->views, VC(s), &layer, &unit) &&
              layer == 2 && unit == 2,
          "clicking output 2: view %d, layer %zu unit %zu", s->views.view, layer, unit);
    ev = last_event(cap, "neuron");
    CHECK(ev && strstr(ev, "\"layer\":2,\"unit\":2,"), "the clicked unit's event: %s", ev ? ev : "none");
    // Back, and a hidden unit.
    key(s, APP_KEY_7);
    view_network_layout_of(&s->views, VC(s), &l);
    click_rect(s, view_grid_cell(&l.grid[0], 1));
    CHECK(s->views.view == VIEW_NEURON && s->views.neuron.layer == 1 && s->views.neuron.unit == 1,
          "clicking hidden unit 1: layer %d unit %d", s->views.neuron.layer, s->views.neuron.unit);
    // Points: pixel (1,2) of the picture, unit centres.
    float x, y;
    view_network_point(&l, 0, 30, 28, &x, &y);
    CHECK(fabsf(x - ((float)l.input.x + 2.5f * (float)l.input.w / 28)) < 1e-3f &&
              fabsf(y - ((float)l.input.y + 1.5f * (float)l.input.h / 28)) < 1e-3f,
          "pixel 30's point");
    int hl, hu;
    view_network_point(&l, 1, 1, 28, &x, &y);
    CHECK(view_network_unit_at(&l, x, y, &hl, &hu) && hl == 1 && hu == 1, "unit at its own centre");
    CHECK(!view_network_unit_at(&l, (float)l.input.x + 1, (float)l.input.y + 1, &hl, &hu),
          "the input picture is no unit");
    free_state(s);
    free(cap);
}

/* ---- the bundled model against its file ---------------------------------- */

/* A number of an event line ("\"sum\":"), or NAN. */
static double field(const char *line, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *p = line ? strstr(line, key) : NULL;
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(f);
    return b;
}

/* Unit u of dense layer l (1-based) from the JSON: bias + sum of x * kernel, in
 * double; x has the layer's inputs. */
static double json_unit(const cJSON *layers, size_t l, size_t u, const double *x, double *bias)
{
    const cJSON *L = cJSON_GetArrayItem(layers, (int)l - 1);
    const cJSON *kernel = cJSON_GetObjectItem(L, "kernel");
    *bias = cJSON_GetArrayItem(cJSON_GetObjectItem(L, "bias"), (int)u)->valuedouble;
    double z = *bias;
    int i = 0;
    for (const cJSON *row = kernel->child; row; row = row->next, i++)
        z += x[i] * cJSON_GetArrayItem(row, (int)u)->valuedouble;
    return z;
}

static void test_bundled_against_file(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    char *text = slurp(path);
    CHECK(text != NULL, "cannot read %s", path);
    if (!text)
        return;
    cJSON *doc = cJSON_Parse(text);
    free(text);
    CHECK(doc != NULL, "the bundled model is not JSON");
    const cJSON *layers = cJSON_GetObjectItem(doc, "layers");

    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 900, 600, 1.0f);
    CHECK(app_state_load(s, path), "the window cannot load %s", path);
    // A 4-ish drawing as a bitmap: the network gets exactly these values.
    float img[784] = {0};
    for (int r = 5; r < 22; r++) {
        img[r * 28 + 9] = 1.0f;
        img[r * 28 + 18] = r < 14 ? 0.5f : 1.0f;
    }
    for (int c = 9; c < 20; c++)
        img[14 * 28 + c] = 0.75f;
    canvas_set_bitmap(&s->canvas, img);
    tick(s);
    double x[784], hidden[128];
    for (int i = 0; i < 784; i++)
        x[i] = (double)img[i];
    double max_err = 0.0;
    key(s, APP_KEY_6);
    // Every unit of layer 1, stepping with Right: each event against the file.
    for (size_t u = 0; u < 128; u++) {
        const char *ev = last_event(cap, "neuron");
        size_t layer = (size_t)field(ev, "layer"), unit = (size_t)field(ev, "unit");
        double b, z = json_unit(layers, 1, unit, x, &b);
        double sum = field(ev, "sum"), out = field(ev, "output"), bias = field(ev, "bias");
        CHECK(layer == 1, "layer %zu", layer);
        CHECK((float)bias == (float)b, "unit %zu: bias %.9g, the file says %.9g", unit, bias, b);
        double err = fabs(sum - z);
        max_err = err > max_err ? err : max_err;
        CHECK(err <= 1e-5 * (1.0 + fabs(z)), "unit %zu: sum %.9g, the file's arithmetic %.9g", unit, sum, z);
        CHECK(out == (sum > 0.0 ? sum : 0.0), "unit %zu: ReLU(%.9g) is not %.9g", unit, sum, out);
        key(s, APP_KEY_RIGHT);
    }
    for (size_t u = 0; u < 128; u++) {
        double b, z = json_unit(layers, 1, u, x, &b);
        hidden[u] = z > 0.0 ? z : 0.0;
    }
    // The output layer: its score, and softmax over all ten.
    key(s, APP_KEY_UP);
    double logits[10], mx = -1e30, total = 0.0;
    for (size_t k = 0; k < 10; k++) {
        double b;
        logits[k] = json_unit(layers, 2, k, hidden, &b);
        mx = logits[k] > mx ? logits[k] : mx;
    }
    for (size_t k = 0; k < 10; k++)
        total += exp(logits[k] - mx);
    for (size_t k = 0; k < 10; k++) {
        const char *ev = last_event(cap, "neuron");
        size_t unit = (size_t)field(ev, "unit");
        CHECK(field(ev, "layer") == 2.0 && unit < 10, "the output layer's event: %s", ev ? ev : "none");
        if (unit >= 10)
            break;
        double sum = field(ev, "sum"), out = field(ev, "output");
        double p = exp(logits[unit] - mx) / total;
        CHECK(fabs(sum - logits[unit]) <= 1e-4 * (1.0 + fabs(logits[unit])),
              "output %zu: score %.9g, the file's %.9g", unit, sum, logits[unit]);
        CHECK(fabs(out - p) <= 1e-5, "output %zu: probability %.9g, the file's %.9g", unit, out, p);
        key(s, APP_KEY_RIGHT);
    }
    printf("bundled model: 128 hidden and 10 output units agree with the file, largest "
           "difference of a hidden sum %.3g\n",
           max_err);
    free_state(s);
    free(cap);
    cJSON_Delete(doc);
}

/* ---- geometry ---------------------------------------------------------- */

static bool inside(app_rect r, app_rect outer)
{
    return r.w == 0 || (r.x >= outer.x && r.y >= outer.y && r.x + r.w <= outer.x + outer.w &&
                        r.y + r.h <= outer.y + outer.h);
}

static bool overlap(app_rect a, app_rect b)
{
    return a.w > 0 && b.w > 0 && a.h > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w &&
           a.y < b.y + b.h && b.y < a.y + a.h;
}

static app_rect grid_box(const view_grid *g)
{
    return (app_rect){g->x, g->y, g->cols * g->pitch - (g->pitch - g->cell),
                      g->rows * g->pitch_y - (g->pitch_y - g->cell)};
}

static void test_geometry(void)
{
    static const struct {
        int w, h;
        float scale;
    } sizes[] = {{900, 600, 1}, {1280, 800, 1}, {1920, 1080, 1}, {1350, 900, 1.5f},
                 {1920, 1080, 1.5f}, {1800, 1200, 2}, {1920, 1080, 2}, {2560, 1600, 2}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        captured *cap = calloc(1, sizeof *cap);
        app_state *s = new_state(cap, sizes[k].w, sizes[k].h, sizes[k].scale);
        float img[784];
        hand_model(s, img);
        char where[64];
        snprintf(where, sizeof where, "%dx%d@%g", sizes[k].w, sizes[k].h, (double)sizes[k].scale);
        app_rect view = s->layout.view;
        float sc = s->layout.scale;
        key(s, APP_KEY_6);
        view_neuron_layout l;
        view_neuron_layout_of(&s->views, VC(s), &l);
        app_rect parts[] = {l.layer_prev, l.layer_label, l.layer_next, l.unit_prev, l.unit_label,
                            l.unit_next, l.pic[0], l.op[0], l.pic[1], l.op[1], l.pic[2], l.side,
                            l.terms, l.sums};
        size_t np = sizeof parts / sizeof parts[0];
        for (size_t i = 0; i < np; i++) {
            CHECK(inside(parts[i], view), "%s: neuron part %zu outside the view", where, i);
            for (size_t j = i + 1; j < np; j++)
                CHECK(!overlap(parts[i], parts[j]), "%s: neuron parts %zu and %zu overlap", where, i, j);
        }
        CHECK(l.pic[0].w >= 56 && l.pic[0].w >= (int)(50 * sc),
              "%s: pictures %d px (want at least 2 px a pixel)", where, l.pic[0].w);
        CHECK(l.max_terms >= 2, "%s: room for %zu contributions", where, l.max_terms);
        CHECK(l.sums.h >= (int)(4 * VIEW_NEURON_LINE_H * sc) - 1, "%s: the sums' 4 lines do not fit", where);

        key(s, APP_KEY_7);
        view_network_layout nl;
        view_network_layout_of(&s->views, VC(s), &nl);
        app_rect cols[] = {nl.input, grid_box(&nl.grid[0]), grid_box(&nl.grid[1]), nl.out_labels,
                           nl.caption, nl.footer};
        for (size_t i = 0; i < 6; i++) {
            CHECK(inside(cols[i], view), "%s: network part %zu outside the view", where, i);
            for (size_t j = i + 1; j < 6; j++)
                CHECK(!overlap(cols[i], cols[j]), "%s: network parts %zu and %zu overlap", where, i, j);
        }
        CHECK(nl.grid[1].cell >= (int)(8 * sc), "%s: output units %d px", where, nl.grid[1].cell);
        CHECK(nl.out_labels.w >= (int)(50 * sc), "%s: output labels %d px", where, nl.out_labels.w);
        free_state(s);
        free(cap);
    }
    // A deeper network: one grid per hidden layer, side by side.
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 900, 600, 1.0f);
    size_t deep[] = {784, 256, 128, 64, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, deep, 5, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "deep net");
    app_state_use_model(s, &net, &meta, "");
    key(s, APP_KEY_7);
    view_network_layout nl;
    view_network_layout_of(&s->views, VC(s), &nl);
    CHECK(nl.n_layers == 4, "%zu layers drawn", nl.n_layers);
    for (size_t i = 0; i < 4; i++) {
        CHECK(nl.grid[i].n == deep[i + 1] && nl.grid[i].cell >= 2, "deep layer %zu: %zu units of %d px",
              i + 1, nl.grid[i].n, nl.grid[i].cell);
        CHECK(inside(grid_box(&nl.grid[i]), s->layout.view), "deep layer %zu outside the view", i + 1);
        if (i > 0)
            CHECK(grid_box(&nl.grid[i - 1]).x + grid_box(&nl.grid[i - 1]).w < nl.grid[i].x,
                  "deep layers %zu and %zu not side by side", i, i + 1);
    }
    // Layer 3's unit: inputs from layer 2 (128 of them).
    key(s, APP_KEY_6);
    key(s, APP_KEY_UP);
    key(s, APP_KEY_UP);
    size_t layer, unit;
    CHECK(view_neuron_shown(&s->views, VC(s), &layer, &unit) && layer == 3, "Up twice: layer %zu", layer);
    const char *ev = last_event(cap, "neuron");
    CHECK(ev && strstr(ev, "\"layer\":3,") && strstr(ev, "\"inputs\":128,"), "layer 3's event: %s",
          ev ? ev : "none");
    free_state(s);
    free(cap);
}

/* No hidden layer (784 -> 10): layer 1 is the output, softmax; the diagram
 * has the input and the outputs only. */
static void test_no_hidden_layer(void)
{
    captured *cap = calloc(1, sizeof *cap);
    app_state *s = new_state(cap, 900, 600, 1.0f);
    size_t sizes[] = {784, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 2, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "net");
    net.layers[0].kernel[30 * 10 + 4] = 2.0f;
    app_state_use_model(s, &net, &meta, "");
    float img[784] = {0};
    img[30] = 1.0f;
    canvas_set_bitmap(&s->canvas, img);
    tick(s);
    key(s, APP_KEY_6);
    const char *ev = last_event(cap, "neuron");
    CHECK(ev && strstr(ev, "\"layer\":1,\"unit\":4,\"activation\":\"softmax\"") &&
              strstr(ev, "\"sum\":2,"),
          "784 -> 10: %s", ev ? ev : "none");
    key(s, APP_KEY_UP);
    key(s, APP_KEY_DOWN);
    CHECK(s->views.neuron.layer == 0 || s->views.neuron.layer == 1, "no layer beyond the output");
    key(s, APP_KEY_7);
    view_network_layout nl;
    view_network_layout_of(&s->views, VC(s), &nl);
    CHECK(nl.n_layers == 1 && nl.grid[0].n == 10 && nl.grid[0].cols == 1, "784 -> 10 diagram");
    const explain_edge *e;
    CHECK(view_network_edges(&s->views, 1, &e) == 1 && e[0].from == 30 && e[0].to == 4,
          "its one edge");
    free_state(s);
    free(cap);
}

int main(void)
{
    test_no_hidden_layer();
    test_hand_neuron();
    test_network();
    test_bundled_against_file();
    test_geometry();
    return check_summary();
}
