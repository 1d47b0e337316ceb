/* views.c: what the views beside the canvas show, where their parts go,
 * and what input does to them (views.h). No SDL here. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inspect.h"

/* ---- names and switching ----------------------------------------------- */

static const char *const names[VIEW_COUNT] = {"hidden", "weights", "why", "mistakes", "log"};
static const char *const labels[VIEW_COUNT] = {
    "Hidden layer|Hidden", "Weights|Weights", "Why this answer|Why", "Mistakes|Mistakes", "Log|Log",
};

const char *view_name(app_view v)
{
    return (unsigned)v < VIEW_COUNT ? names[v] : "?";
}

const char *view_label(app_view v)
{
    return (unsigned)v < VIEW_COUNT ? labels[v] : "?";
}

bool view_from_name(const char *name, app_view *out)
{
    for (int v = 0; v < VIEW_COUNT; v++) {
        if (!strcmp(name, names[v])) {
            *out = (app_view)v;
            return true;
        }
    }
    return false;
}

void views_show(app_state *s, app_view v)
{
    if ((unsigned)v >= VIEW_COUNT || v == s->view)
        return;
    s->view = v;
    s->hover_layer = s->hover_unit = s->hover_cell = s->hover_thumb = -1;
    s->hover_nav = VIEW_NAV_NONE;
    app_emitf(s, "{\"event\":\"view\",\"name\":\"%s\"}", view_name(v));
    views_hover(s, s->mouse_x, s->mouse_y);
    if (v == VIEW_MISTAKES)
        app_want_data(s); // the test set's answers need MNIST
}

/* ---- not sure ---------------------------------------------------------- */

float view_entropy(const float *p, size_t n)
{
    if (n < 2)
        return 0.0f;
    double h = 0.0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0.0f)
            h -= (double)p[i] * log((double)p[i]);
    return (float)(h / log((double)n));
}

bool view_is_sure(const float *p, size_t n)
{
    if (n == 0)
        return false;
    float top = p[argmax(p, n)];
    return top >= VIEW_SURE_MIN_TOP && view_entropy(p, n) <= VIEW_SURE_MAX_ENTROPY;
}

/* ---- hidden layer ------------------------------------------------------ */

void view_activation_color(float a, float max, uint8_t rgb[3])
{
    if (!(a > 0.0f) || !(max > 0.0f)) {
        rgb[0] = VIEW_OFF_R;
        rgb[1] = VIEW_OFF_G;
        rgb[2] = VIEW_OFF_B;
        return;
    }
    inspect_color(0.2f * max + 0.8f * fminf(a, max), max, rgb);
}

static bool have_acts(const app_state *s)
{
    return s->have_model && s->acts && s->has_guess && s->acts_input == s->views_input;
}

size_t view_hidden_cells(const app_state *s, size_t layer, uint8_t *rgb)
{
    if (!s->have_model || layer + 1 >= s->net.n_layers)
        return 0;
    size_t n = s->net.sizes[layer + 1];
    if (!have_acts(s)) {
        for (size_t u = 0; u < n; u++)
            view_activation_color(0.0f, 0.0f, rgb + 3 * u);
        return 0;
    }
    const float *a = s->acts + inspect_layer_offset(&s->net, layer);
    float max = 0.0f;
    for (size_t u = 0; u < n; u++)
        max = a[u] > max ? a[u] : max;
    for (size_t u = 0; u < n; u++)
        view_activation_color(a[u], max, rgb + 3 * u);
    return inspect_zero_units(&s->net, s->acts, layer);
}

float view_incoming_colors(const app_state *s, size_t layer, size_t unit, uint8_t *rgb)
{
    if (!s->have_model || layer >= s->net.n_layers)
        return 0.0f;
    const mlp_layer *L = &s->net.layers[layer];
    if (unit >= L->out)
        return 0.0f;
    float scale = 0.0f;
    for (size_t i = 0; i < L->in; i++)
        scale = fmaxf(scale, fabsf(L->kernel[i * L->out + unit]));
    for (size_t i = 0; i < L->in; i++)
        inspect_color(L->kernel[i * L->out + unit], scale, rgb + 3 * i);
    return scale;
}

/* ---- weight images ----------------------------------------------------- */

float view_weight_tile(const app_state *s, size_t unit, uint8_t *rgba)
{
    if (!s->have_model || unit >= s->net.sizes[1]) {
        memset(rgba, 0, CANVAS_N * CANVAS_N * 4);
        return 0.0f;
    }
    return inspect_weight_tile(&s->net, unit, CANVAS_N, CANVAS_N, rgba);
}

/* ---- why this answer --------------------------------------------------- */

int view_why_class(const app_state *s)
{
    if (!s->has_guess)
        return -1;
    if (s->why_class >= 0 && (size_t)s->why_class < s->n_classes)
        return s->why_class;
    return (int)s->guess;
}

void view_saliency_sums(const app_state *s, float *pushed_up, float *pulled_down)
{
    float up = 0.0f, down = 0.0f;
    for (size_t i = 0; s->has_saliency && i < CANVAS_N * CANVAS_N; i++) {
        if (s->saliency[i] > 0.0f)
            up += s->saliency[i];
        else
            down += s->saliency[i];
    }
    *pushed_up = up;
    *pulled_down = down;
}

float view_saliency_scale(const app_state *s)
{
    float m = 0.0f;
    for (size_t i = 0; s->has_saliency && i < CANVAS_N * CANVAS_N; i++)
        m = fmaxf(m, fabsf(s->saliency[i]));
    return 0.6f * m;
}

bool view_saliency(app_state *s)
{
    int cls = view_why_class(s);
    if (cls < 0 || !s->have_model || !s->inspect_scratch || s->net.sizes[0] != CANVAS_N * CANVAS_N) {
        if (s->has_saliency) {
            s->has_saliency = false;
            s->saliency_version++;
        }
        return false;
    }
    bool same_subject = s->has_saliency && s->saliency_class == (size_t)cls &&
                        s->saliency_input == s->views_input;
    if (same_subject && s->saliency_net == s->views_net)
        return true;
    if (s->why_gradient) // where ink would push the class, ink or not
        inspect_input_gradient(&s->net, s->input, (size_t)cls, s->saliency, s->inspect_scratch);
    else
        inspect_saliency(&s->net, s->input, (size_t)cls, s->saliency, s->inspect_scratch);
    s->saliency_class = (size_t)cls;
    s->saliency_input = s->views_input;
    s->saliency_net = s->views_net;
    s->has_saliency = true;
    s->saliency_version++;
    if (!same_subject) {
        float up, down;
        view_saliency_sums(s, &up, &down);
        char label[MODEL_LABEL_MAX * 2 + 8];
        app_json_string(label, sizeof label, app_label(s, (size_t)cls));
        app_emitf(s, "{\"event\":\"saliency\",\"class\":%d,\"label\":%s,\"mode\":\"%s\","
                     "\"pushed_up\":%.5g,\"pulled_down\":%.5g}",
                  cls, label, s->why_gradient ? "gradient" : "gradient_x_input", (double)up,
                  (double)down);
    }
    return true;
}

/* ---- mistakes ---------------------------------------------------------- */

void view_confusion_counts(const uint8_t *labels, const uint8_t *predicted, size_t first,
                           size_t n, uint32_t out[10][10])
{
    memset(out, 0, 10 * sizeof out[0]);
    for (size_t i = first; i < first + n; i++)
        if (labels[i] < 10 && predicted[i] < 10)
            out[labels[i]][predicted[i]]++;
}

static uint8_t mix(int a, int b, float t)
{
    return (uint8_t)lrintf((float)a + ((float)b - (float)a) * t);
}

void view_confusion_color(uint32_t count, uint32_t row_total, uint32_t max_off, bool diagonal,
                          uint8_t rgb[3])
{
    static const int empty[3] = {30, 33, 42}, good[3] = {62, 168, 110}, bad[3] = {232, 84, 84};
    float t = 0.0f;
    if (diagonal && row_total)
        t = (float)count / (float)row_total;
    else if (!diagonal && max_off && count)
        t = 0.12f + 0.88f * sqrtf((float)count / (float)max_off);
    const int *end = diagonal ? good : bad;
    for (int k = 0; k < 3; k++)
        rgb[k] = mix(empty[k], end[k], t > 1.0f ? 1.0f : t);
}

typedef struct ranked {
    float key;
    uint32_t index;
} ranked;

static int by_key(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Lists the open cell's images from the latest answers. */
static void fill_gallery(app_state *s)
{
    s->n_gallery = 0;
    s->gallery_version++;
    if (s->gallery_true == APP_NO_CELL || !s->has_preds || !s->gallery ||
        s->data_state != APP_DATA_LOADED)
        return;
    size_t n = s->data.test.count;
    ranked *r = malloc(n * sizeof *r);
    if (!r)
        return;
    size_t m = 0;
    bool diagonal = s->gallery_true == s->gallery_pred;
    for (size_t i = 0; i < n; i++) {
        if (s->data.test.labels[i] != s->gallery_true || s->test_pred[i] != s->gallery_pred)
            continue;
        // Off the diagonal the most confident mistakes first; on it the closest calls.
        r[m].key = diagonal ? s->test_conf[i] : -s->test_conf[i];
        r[m].index = (uint32_t)i;
        m++;
    }
    qsort(r, m, sizeof *r, by_key);
    for (size_t i = 0; i < m; i++)
        s->gallery[i] = r[i].index;
    free(r);
    s->n_gallery = m;
    if (s->gallery_first >= m)
        s->gallery_first = 0;
}

void views_open_gallery(app_state *s, int t, int p)
{
    if (t < 0 || t >= 10 || p < 0 || p >= 10)
        return;
    s->gallery_true = t;
    s->gallery_pred = p;
    s->gallery_first = 0;
    fill_gallery(s);
    if (s->has_preds)
        app_emitf(s, "{\"event\":\"gallery\",\"true\":%d,\"predicted\":%d,\"count\":%zu}", t, p,
                  s->n_gallery);
}

void views_close_gallery(app_state *s)
{
    s->gallery_true = s->gallery_pred = APP_NO_CELL;
    s->n_gallery = 0;
    s->gallery_first = 0;
    s->hover_thumb = -1;
    s->gallery_version++;
}

bool views_put_test_image(app_state *s, size_t i)
{
    if (s->data_state != APP_DATA_LOADED || i >= s->data.test.count)
        return false;
    const dataset *d = &s->data.test;
    if (d->rows != CANVAS_N || d->cols != CANVAS_N)
        return false;
    float img[CANVAS_N * CANVAS_N];
    for (size_t k = 0; k < CANVAS_N * CANVAS_N; k++)
        img[k] = (float)d->images[i * CANVAS_N * CANVAS_N + k] / 255.0f;
    canvas_set_bitmap(&s->canvas, img);
    s->drawing = false;
    s->shown_test = (long)i;
    s->shown_label = d->labels[i];
    char num[32];
    snprintf(num, sizeof num, "%zu", i);
    app_set_status(s, false, "test image #%s: its true label is %s (T: another, C: clear)", num,
                   app_label(s, (size_t)s->shown_label));
    app_emitf(s, "{\"event\":\"test_digit\",\"index\":%zu,\"label\":%d}", i, s->shown_label);
    return true;
}

void views_random_test_digit(app_state *s)
{
    if (s->data_state == APP_DATA_LOADED && s->data.test.count) {
        views_put_test_image(s, (size_t)dp_rng_below(&s->test_rng, s->data.test.count));
        return;
    }
    if (!app_want_data(s)) {
        app_set_status(s, true, "no MNIST found: run scripts/fetch-mnist for test digits");
        return;
    }
    s->want_test_digit = true;
    app_set_status(s, false, "reading MNIST for a test digit ...");
}

void views_on_confusion(app_state *s, const trainer_event *ev, size_t epoch)
{
    memcpy(s->confusion, ev->confusion, sizeof s->confusion);
    s->has_confusion = true;
    s->confusion_epoch = epoch;
    s->confusion_accuracy = ev->val_accuracy;
    s->confusion_version++;
    char m[1400];
    size_t o = 0;
    for (int t = 0; t < 10 && o < sizeof m; t++) {
        o += (size_t)snprintf(m + o, sizeof m - o, "%s[", t ? "," : "");
        for (int p = 0; p < 10 && o < sizeof m; p++)
            o += (size_t)snprintf(m + o, sizeof m - o, "%s%u", p ? "," : "", s->confusion[t][p]);
        if (o < sizeof m)
            o += (size_t)snprintf(m + o, sizeof m - o, "]");
    }
    app_emitf(s, "{\"event\":\"confusion\",\"epoch\":%zu,\"source\":\"%s\",\"accuracy\":%.4f,"
                 "\"matrix\":[%s]}",
              epoch, ev->kind == TRAINER_EV_EPOCH ? "epoch" : "eval", ev->val_accuracy, m);
    if (s->have_trainer && s->test_pred &&
        trainer_take_predictions(&s->trainer, s->test_pred, s->test_conf, &s->pred_version)) {
        bool first = !s->has_preds;
        s->has_preds = true;
        fill_gallery(s);
        if (first && s->gallery_true != APP_NO_CELL)
            app_emitf(s, "{\"event\":\"gallery\",\"true\":%d,\"predicted\":%d,\"count\":%zu}",
                      s->gallery_true, s->gallery_pred, s->n_gallery);
    }
}

void views_on_data(app_state *s)
{
    size_t n = s->data.test.count ? s->data.test.count : 1;
    free(s->test_pred);
    free(s->test_conf);
    free(s->gallery);
    s->test_pred = calloc(n, 1);
    s->test_conf = calloc(n, sizeof *s->test_conf);
    s->gallery = calloc(n, sizeof *s->gallery);
    if (!s->test_pred || !s->test_conf || !s->gallery) {
        free(s->test_pred);
        free(s->test_conf);
        free(s->gallery);
        s->test_pred = NULL;
        s->test_conf = NULL;
        s->gallery = NULL;
    }
    s->has_preds = false;
    s->pred_version = 0;
}

void views_on_model(app_state *s)
{
    size_t units = inspect_units(&s->net);
    size_t width = mlp_max_width(&s->net);
    float *acts = realloc(s->acts, units * sizeof *acts);
    if (acts)
        s->acts = acts;
    float *scratch = realloc(s->inspect_scratch, (4 * width + units) * sizeof *scratch);
    if (scratch)
        s->inspect_scratch = scratch;
    if (!acts || !scratch) {
        free(s->acts);
        free(s->inspect_scratch);
        s->acts = s->inspect_scratch = NULL;
    }
    s->acts_input = s->acts_net = UINT64_MAX;
    // A new model shows at once, not after the throttles' next turn.
    s->views_net_time = s->tiles_net_time = s->views_input_time = -1e9;
    s->has_saliency = false;
    s->saliency_version++;
    if (s->sel_layer >= 0 && ((size_t)s->sel_layer + 1 >= s->net.n_layers ||
                              (size_t)s->sel_unit >= s->net.sizes[s->sel_layer + 1]))
        s->sel_layer = s->sel_unit = -1;
    s->hover_layer = s->hover_unit = -1;
    s->weights_page = 0;
    s->has_confusion = false;
    s->has_preds = false;
    s->pred_version = 0;
    s->confusion_version++;
    fill_gallery(s);
    s->want_eval = true;
}

void views_destroy(app_state *s)
{
    free(s->acts);
    free(s->inspect_scratch);
    free(s->test_pred);
    free(s->test_conf);
    free(s->gallery);
    s->acts = s->inspect_scratch = s->test_conf = NULL;
    s->test_pred = NULL;
    s->gallery = NULL;
}

/* ---- once a frame ------------------------------------------------------ */

void views_update(app_state *s)
{
    // Follow the weights, but not at every snapshot: the views need not
    // change faster than a person reads them.
    if (s->views_net != s->net_version && s->now - s->views_net_time >= 0.1) {
        s->views_net = s->net_version;
        s->views_net_time = s->now;
    }
    if (s->tiles_net != s->net_version && s->now - s->tiles_net_time >= 0.25) {
        s->tiles_net = s->net_version;
        s->tiles_net_time = s->now;
    }
    // The drawing too: the bars answer every frame, the views 25 times a second.
    if (s->views_input != s->input_version && s->now - s->views_input_time >= 0.04) {
        s->views_input = s->input_version;
        s->views_input_time = s->now;
    }
    if (s->have_model && s->acts && s->has_guess &&
        (s->acts_input != s->views_input || s->acts_net != s->views_net)) {
        inspect_forward(&s->net, s->input, s->acts);
        s->acts_input = s->views_input;
        s->acts_net = s->views_net;
    }
    if (s->view == VIEW_WHY)
        view_saliency(s);
    if (!s->canvas.has_bitmap)
        s->shown_test = -1;

    if (s->data_state == APP_DATA_LOADED) {
        if (s->want_eval && !s->have_trainer)
            app_ensure_trainer(s);
        if (s->want_eval && s->have_trainer) {
            trainer_request_eval(&s->trainer);
            s->want_eval = false;
        }
        if (s->pending_test_digit >= 0) {
            if (!views_put_test_image(s, (size_t)s->pending_test_digit))
                app_set_status(s, true, "--test-digit %ld: there are %zu test images",
                               s->pending_test_digit, s->data.test.count);
            s->pending_test_digit = -1;
        }
        if (s->want_test_digit) {
            s->want_test_digit = false;
            views_random_test_digit(s);
        }
    } else if (s->data_state == APP_DATA_MISSING || s->data_state == APP_DATA_FAILED) {
        s->want_test_digit = false;
        s->pending_test_digit = -1;
    }
}

/* ---- geometry ---------------------------------------------------------- */

static int px(const app_state *s, float v)
{
    return (int)lroundf(v * s->layout.scale);
}

static app_rect rect(int x, int y, int w, int h)
{
    return (app_rect){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

/* The view panel's inside, under nothing (each view puts its own caption). */
static app_rect inner(const app_state *s)
{
    app_rect v = s->layout.view;
    int ix = px(s, 12), top = px(s, 8), bottom = px(s, 10);
    return rect(v.x + ix, v.y + top, v.w - 2 * ix, v.h - top - bottom);
}

view_grid view_grid_fit(app_rect area, size_t n, int gap, int max_cell, int snap)
{
    view_grid g;
    memset(&g, 0, sizeof g);
    if (n == 0 || area.w <= 0 || area.h <= 0)
        return g;
    /* The biggest cell over every column count; among equal ones the
     * arrangement with the fewest empty places (128 as 16 x 8, not 15 x 9). */
    int best = 0, best_cols = 1;
    size_t best_empty = 0;
    for (size_t cols = 1; cols <= n; cols++) {
        size_t rows = (n + cols - 1) / cols;
        int cw = (area.w + gap) / (int)cols - gap;
        int ch = (area.h + gap) / (int)rows - gap;
        int c = cw < ch ? cw : ch;
        if (max_cell > 0 && c > max_cell)
            c = max_cell;
        if (snap > 1 && c >= snap)
            c = c / snap * snap;
        size_t empty = cols * rows - n;
        if (c > best || (c == best && c > 0 && empty < best_empty)) {
            best = c;
            best_cols = (int)cols;
            best_empty = empty;
        }
        if (cw < 1)
            break; // more columns only make the cells narrower
    }
    if (best < 1)
        return g;
    g.cell = best;
    g.pitch = g.pitch_y = best + gap;
    g.cols = best_cols;
    g.rows = (int)((n + (size_t)best_cols - 1) / (size_t)best_cols);
    g.n = n;
    int total = g.cols * g.pitch - gap;
    g.x = area.x + (area.w - total) / 2;
    g.y = area.y;
    return g;
}

app_rect view_grid_cell(const view_grid *g, size_t i)
{
    if (g->cols <= 0)
        return rect(0, 0, 0, 0);
    int col = (int)(i % (size_t)g->cols), row = (int)(i / (size_t)g->cols);
    return rect(g->x + col * g->pitch, g->y + row * g->pitch_y, g->cell, g->cell);
}

int view_grid_at(const view_grid *g, float x, float y)
{
    if (g->n == 0 || g->pitch <= 0 || x < (float)g->x || y < (float)g->y)
        return -1;
    int col = (int)((x - (float)g->x) / (float)g->pitch);
    int row = (int)((y - (float)g->y) / (float)g->pitch_y);
    if (col >= g->cols || row >= g->rows)
        return -1;
    // The gap to the right of and below a cell belongs to nobody.
    if (x >= (float)(g->x + col * g->pitch + g->cell) ||
        y >= (float)(g->y + row * g->pitch_y + g->cell))
        return -1;
    size_t i = (size_t)row * (size_t)g->cols + (size_t)col;
    return i < g->n ? (int)i : -1;
}

static int caption_h(const app_state *s)
{
    return px(s, 24);
}

/* Lays the hidden layers' grids into area, one under the other, each with
 * a share of the height in proportion to its units (so their cells come
 * out about the same size); returns the smallest cell. */
static int hidden_grids(const app_state *s, app_rect area, view_hidden_layout *l)
{
    int cap = caption_h(s), gap = px(s, 10);
    int n = (int)l->n_grids;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += s->net.sizes[i + 1];
    int room = area.h - (n - 1) * gap - n * cap;
    int smallest = 1 << 30, y = area.y;
    for (int i = 0; i < n; i++) {
        size_t units = s->net.sizes[i + 1];
        int share = i + 1 == n ? area.y + area.h - y - cap
                               : (int)((double)room * (double)units / (double)total);
        int cgap = units > 512 ? 1 : px(s, 2) > 1 ? px(s, 2) : 1;
        l->grid[i] = view_grid_fit(rect(area.x, y + cap, area.w, share), units, cgap, px(s, 40), 1);
        l->caption[i] = rect(area.x, y, area.w, cap);
        if (l->grid[i].cell < smallest)
            smallest = l->grid[i].cell;
        y += cap + share + gap;
    }
    return smallest;
}

void view_hidden_layout_of(const app_state *s, view_hidden_layout *l)
{
    memset(l, 0, sizeof *l);
    if (!s->have_model || s->net.n_layers < 2)
        return;
    app_rect v = inner(s);
    size_t hidden = s->net.n_layers - 1;
    l->n_grids = hidden < VIEW_MAX_GRIDS ? hidden : VIEW_MAX_GRIDS;
    int det_h = px(s, 96), det_w = px(s, 168), gap = px(s, 12);
    /* The unit's details under the grids, or beside them where that gives
     * clearly bigger cells; where either would leave cells too small to
     * point at, no details box (the caption line then shows the hovered
     * unit's value, and the weights view its weights). */
    view_hidden_layout below = *l, right = *l, none = *l;
    int cb = hidden_grids(s, rect(v.x, v.y, v.w, v.h - det_h - gap), &below);
    int cr = hidden_grids(s, rect(v.x, v.y, v.w - det_w - gap, v.h), &right);
    int cn = hidden_grids(s, v, &none);
    int small = px(s, 8);
    if (cb < small && cr < small && cn > cb && cn > cr) {
        *l = none;
        l->detail = rect(v.x, v.y + v.h, v.w, 0);
    } else if (4 * cr > 5 * cb) { // beside only when that gives clearly bigger cells
        *l = right;
        l->detail = rect(v.x + v.w - det_w, v.y, det_w, v.h);
        l->detail_right = true;
    } else {
        *l = below;
        l->detail = rect(v.x, v.y + v.h - det_h, v.w, det_h);
    }
    for (size_t i = 0; i < l->n_grids; i++) { // captions start where the grid does
        int dx = l->grid[i].x - l->caption[i].x;
        if (dx > 0) {
            l->caption[i].x += dx;
            l->caption[i].w -= dx;
        }
    }
}

void view_weights_layout_of(const app_state *s, view_weights_layout *l)
{
    memset(l, 0, sizeof *l);
    if (!s->have_model || s->net.n_layers < 1)
        return;
    app_rect v = inner(s);
    int cap = caption_h(s), foot = px(s, 40);
    l->caption = rect(v.x, v.y, v.w, cap);
    l->footer = rect(v.x, v.y + v.h - foot, v.w, foot);
    app_rect area = rect(v.x, v.y + cap, v.w, v.h - cap - foot - px(s, 6));
    size_t units = s->net.sizes[1];
    int gap = px(s, 2) > 1 ? px(s, 2) : 1;
    int min_cell = px(s, 14);
    size_t cols = (size_t)((area.w + gap) / (min_cell + gap));
    size_t rows = (size_t)((area.h + gap) / (min_cell + gap));
    size_t fit = cols * rows;
    if (fit < 1)
        fit = 1;
    l->per_page = units < fit ? units : fit;
    if (l->per_page > 256)
        l->per_page = 256;
    if (l->per_page == 0)
        return;
    l->pages = (units + l->per_page - 1) / l->per_page;
    l->page = s->weights_page < l->pages ? s->weights_page : l->pages - 1;
    l->first = l->page * l->per_page;
    l->grid = view_grid_fit(area, l->per_page, gap, 4 * CANVAS_N, CANVAS_N);
    l->grid.n = units - l->first < l->per_page ? units - l->first : l->per_page;
    // Centre the grid vertically too, when it is smaller than its room.
    int used = l->grid.rows * l->grid.pitch - gap;
    if (used < area.h)
        l->grid.y += (area.h - used) / 4;
    if (l->pages > 1) {
        int bw = px(s, 26), bh = cap - px(s, 4);
        l->next = rect(v.x + v.w - bw, v.y, bw, bh);
        l->prev = rect(l->next.x - px(s, 4) - bw, v.y, bw, bh);
    }
}

void view_why_layout_of(const app_state *s, view_why_layout *l)
{
    memset(l, 0, sizeof *l);
    app_rect v = inner(s);
    int cap = caption_h(s), gap = px(s, 16);
    l->caption = rect(v.x, v.y, v.w, cap);
    app_rect area = rect(v.x, v.y + cap, v.w, v.h - cap);
    int side = area.w - px(s, 172) - gap;
    if (side > area.h)
        side = area.h;
    if (side >= CANVAS_N)
        side = side / CANVAS_N * CANVAS_N;
    l->heat = rect(area.x, area.y, side, side);
    l->side = rect(area.x + side + gap, area.y, area.x + area.w - (area.x + side + gap), area.h);
}

void view_mistakes_layout_of(const app_state *s, view_mistakes_layout *l)
{
    memset(l, 0, sizeof *l);
    app_rect v = inner(s);
    int cap = caption_h(s), label = px(s, 18), hint = px(s, 18), gap = px(s, 14);
    l->caption = rect(v.x, v.y, v.w, cap);
    app_rect area = rect(v.x, v.y + cap, v.w, v.h - cap);
    int by_h = (area.h - label - hint) / 10;
    if (by_h < px(s, 20)) { // a small window: no line under the matrix
        hint = 0;
        by_h = (area.h - label) / 10;
    }
    int cap_cell = px(s, 40);
    l->show_matrix = true;
    l->hint = hint > 0;
    bool open = s->gallery_true != APP_NO_CELL;
    /* Square cells, with the gallery (or, with no cell open, a hint) beside
     * the matrix where there is room for both; in a small window the cells
     * take the width they can (wider than high) and an open gallery takes
     * the whole view. */
    int min_gallery = px(s, 150);
    int beside = (area.w - label - gap - min_gallery) / 10;
    if (beside > by_h)
        beside = by_h;
    if (beside > cap_cell)
        beside = cap_cell;
    if (beside >= px(s, 18)) {
        l->cell_w = l->cell_h = beside;
        int gx = area.x + label + 10 * beside + gap;
        l->gallery = rect(gx, area.y, area.x + area.w - gx, area.h);
    } else {
        int by_w = (area.w - label) / 10;
        l->cell_h = by_h < cap_cell ? by_h : cap_cell;
        l->cell_w = by_w < cap_cell ? by_w : cap_cell;
        if (l->cell_w > 2 * l->cell_h)
            l->cell_w = 2 * l->cell_h;
        if (open) {
            l->show_matrix = false;
            l->gallery = area;
        }
    }
    l->matrix = rect(area.x + label, area.y + label, 10 * l->cell_w, 10 * l->cell_h);
    if (!open)
        return;
    app_rect g = l->gallery;
    int gc = px(s, 24);
    l->gallery_caption = rect(g.x, g.y, g.w, gc);
    int b = gc - px(s, 2);
    l->close = rect(g.x + g.w - b, g.y, b, b);
    l->next = rect(l->close.x - px(s, 6) - b, g.y, b, b);
    l->prev = rect(l->next.x - px(s, 4) - b, g.y, b, b);
    app_rect t = rect(g.x, g.y + gc + px(s, 6), g.w, g.h - gc - px(s, 6));
    int thumb = px(s, 44), tgap = px(s, 16), text = px(s, 16);
    view_grid *tg = &l->thumbs;
    tg->cell = thumb;
    tg->pitch = thumb + tgap;
    tg->pitch_y = thumb + text + px(s, 6);
    tg->cols = (t.w + tgap) / tg->pitch;
    tg->rows = (t.h + px(s, 6)) / tg->pitch_y;
    if (tg->cols < 1 || tg->rows < 1) {
        tg->cols = tg->rows = 0;
        return;
    }
    tg->x = t.x;
    tg->y = t.y;
    size_t page = (size_t)tg->cols * (size_t)tg->rows;
    if (page > UI_VIEW_MAX_THUMBS)
        page = UI_VIEW_MAX_THUMBS;
    size_t left = s->n_gallery > s->gallery_first ? s->n_gallery - s->gallery_first : 0;
    tg->n = left < page ? left : page;
}

int views_bar_at(const app_state *s, float x, float y)
{
    app_rect r = s->layout.bars;
    size_t n = s->n_classes ? s->n_classes : 10;
    int row = r.h / (int)n;
    if (row <= 0 || !rect_contains(r, x, y))
        return -1;
    int i = (int)((y - (float)r.y) / (float)row);
    return i >= 0 && (size_t)i < n ? i : -1;
}

/* ---- input ------------------------------------------------------------- */

static void select_unit(app_state *s, int layer, int unit)
{
    if (s->sel_layer == layer && s->sel_unit == unit)
        s->sel_layer = s->sel_unit = -1;
    else {
        s->sel_layer = layer;
        s->sel_unit = unit;
    }
}

/* The confusion cell at (x, y) as true * 10 + predicted, or -1. */
static int matrix_cell_at(const view_mistakes_layout *l, float x, float y)
{
    if (!l->show_matrix || l->cell_w <= 0 || l->cell_h <= 0 || !rect_contains(l->matrix, x, y))
        return -1;
    int p = (int)((x - (float)l->matrix.x) / (float)l->cell_w);
    int t = (int)((y - (float)l->matrix.y) / (float)l->cell_h);
    return t >= 0 && t < 10 && p >= 0 && p < 10 ? t * 10 + p : -1;
}

static view_nav nav_at(app_rect prev, app_rect next, app_rect close, float x, float y)
{
    if (prev.w > 0 && rect_contains(prev, x, y))
        return VIEW_NAV_PREV;
    if (next.w > 0 && rect_contains(next, x, y))
        return VIEW_NAV_NEXT;
    if (close.w > 0 && rect_contains(close, x, y))
        return VIEW_NAV_CLOSE;
    return VIEW_NAV_NONE;
}

void views_page(app_state *s, int dir)
{
    if (s->view == VIEW_WEIGHTS) {
        view_weights_layout l;
        view_weights_layout_of(s, &l);
        if (l.pages < 2)
            return;
        if (dir < 0 && l.page > 0)
            s->weights_page = l.page - 1;
        else if (dir > 0 && l.page + 1 < l.pages)
            s->weights_page = l.page + 1;
    } else if (s->view == VIEW_MISTAKES && s->gallery_true != APP_NO_CELL) {
        view_mistakes_layout l;
        view_mistakes_layout_of(s, &l);
        size_t page = (size_t)l.thumbs.cols * (size_t)l.thumbs.rows;
        if (page > UI_VIEW_MAX_THUMBS)
            page = UI_VIEW_MAX_THUMBS;
        if (page == 0)
            return;
        if (dir < 0)
            s->gallery_first = s->gallery_first > page ? s->gallery_first - page : 0;
        else if (s->gallery_first + page < s->n_gallery)
            s->gallery_first += page;
        s->gallery_version++;
    }
}

bool views_click(app_state *s, float x, float y)
{
    int bar = views_bar_at(s, x, y);
    if (bar >= 0) {
        if (s->view == VIEW_WHY && s->why_class == bar)
            s->why_class = -1; // back to explaining the guess
        else
            s->why_class = bar;
        views_show(s, VIEW_WHY);
        return true;
    }
    if (!rect_contains(s->layout.view, x, y))
        return false;
    // What is under the pointer is what views_hover finds; a click acts on it.
    views_hover(s, x, y);
    if (s->hover_nav == VIEW_NAV_CLOSE) {
        views_close_gallery(s);
    } else if (s->hover_nav != VIEW_NAV_NONE) {
        views_page(s, s->hover_nav == VIEW_NAV_PREV ? -1 : 1);
    } else if (s->hover_unit >= 0) {
        select_unit(s, s->hover_layer, s->hover_unit);
    } else if (s->hover_thumb >= 0 && s->gallery_first + (size_t)s->hover_thumb < s->n_gallery) {
        views_put_test_image(s, s->gallery[s->gallery_first + (size_t)s->hover_thumb]);
    } else if (s->hover_cell >= 0) {
        int c = s->hover_cell;
        if (s->gallery_true == c / 10 && s->gallery_pred == c % 10)
            views_close_gallery(s);
        else
            views_open_gallery(s, c / 10, c % 10);
    }
    views_hover(s, x, y); // what is there now
    return true;
}

void views_hover(app_state *s, float x, float y)
{
    s->hover_layer = s->hover_unit = s->hover_cell = s->hover_thumb = -1;
    s->hover_nav = VIEW_NAV_NONE;
    if (!rect_contains(s->layout.view, x, y))
        return;
    switch (s->view) {
    case VIEW_HIDDEN: {
        view_hidden_layout l;
        view_hidden_layout_of(s, &l);
        for (size_t i = 0; i < l.n_grids; i++) {
            int u = view_grid_at(&l.grid[i], x, y);
            if (u >= 0) {
                s->hover_layer = (int)i;
                s->hover_unit = u;
            }
        }
        break;
    }
    case VIEW_WEIGHTS: {
        view_weights_layout l;
        view_weights_layout_of(s, &l);
        s->hover_nav = nav_at(l.prev, l.next, (app_rect){0, 0, 0, 0}, x, y);
        int i = view_grid_at(&l.grid, x, y);
        if (i >= 0) {
            s->hover_layer = 0;
            s->hover_unit = (int)l.first + i;
        }
        break;
    }
    case VIEW_MISTAKES: {
        view_mistakes_layout l;
        view_mistakes_layout_of(s, &l);
        s->hover_nav = nav_at(l.prev, l.next, l.close, x, y);
        s->hover_cell = matrix_cell_at(&l, x, y);
        s->hover_thumb = view_grid_at(&l.thumbs, x, y);
        break;
    }
    case VIEW_WHY:
    case VIEW_LOG:
    case VIEW_COUNT:
        break;
    }
}

void views_wheel(app_state *s, float x, float y, int wheel)
{
    if (!rect_contains(s->layout.view, x, y) || wheel == 0)
        return;
    views_page(s, wheel > 0 ? -1 : 1);
    views_hover(s, x, y);
}
