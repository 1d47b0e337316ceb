/* events.c: the --print-events lines (events.h). */
#include "events.h"

#include "common/format.h"
#include "core/float_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define EVENT_LINE_MAX 8192
#define PATH_JSON_MAX 8300

void events_init(events *e, events_sink sink, void *ctx)
{
    e->sink = sink;
    e->ctx = ctx;
}

bool events_enabled(const events *e)
{
    return e && e->sink;
}

void events_stdout(void *ctx, const char *json_line)
{
    (void)ctx;
    fputs(json_line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static void emitf(events *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void emitf(events *e, const char *fmt, ...)
{
    if (!events_enabled(e))
        return;
    char line[EVENT_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    e->sink(e->ctx, line);
}

/* A JSON number, or null for NaN and infinities. */
typedef struct num_text {
    char s[32];
} num_text;

static num_text jnum(double v)
{
    num_text t;
    if (!isfinite(v))
        snprintf(t.s, sizeof t.s, "null");
    else
        snprintf(t.s, sizeof t.s, "%.6g", v);
    return t;
}

typedef struct rect_text {
    char s[80];
} rect_text;

static rect_text jrect(events_rect r)
{
    rect_text t;
    snprintf(t.s, sizeof t.s, "{\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d}", r.x, r.y, r.w, r.h);
    return t;
}

void event_controls(events *e, const char *const *names, const events_rect *rects, size_t n)
{
    if (!events_enabled(e))
        return;
    char list[1024] = "";
    size_t at = 0;
    for (size_t i = 0; i < n && at < sizeof list; i++) {
        char name[64];
        json_string(name, sizeof name, names[i]);
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%s:%s", i ? "," : "", name,
                               jrect(rects[i]).s);
    }
    emitf(e, "{\"event\":\"controls\",\"buttons\":{%s}}", list);
}

void event_ready(events *e, events_rect canvas, int win_w, int win_h, double scale,
                 const char *renderer, double startup_ms, const events_rect *tabs, size_t n_tabs,
                 events_rect bars, events_rect view)
{
    if (!events_enabled(e))
        return;
    char t[1024];
    size_t at = 0;
    for (size_t i = 0; i < n_tabs && at < sizeof t; i++)
        at += (size_t)snprintf(t + at, sizeof t - at, "%s%s", i ? "," : "", jrect(tabs[i]).s);
    emitf(e,
          "{\"event\":\"ready\",\"canvas\":%s,\"window\":{\"w\":%d,\"h\":%d},\"scale\":%g,"
          "\"renderer\":\"%s\",\"startup_ms\":%.1f,\"tabs\":[%s],\"bars\":%s,\"view\":%s}",
          jrect(canvas).s, win_w, win_h, scale, renderer ? renderer : "?", startup_ms, t,
          jrect(bars).s, jrect(view).s);
}

void event_error(events *e, const char *message)
{
    if (!events_enabled(e))
        return;
    char msg[1100];
    json_string(msg, sizeof msg, message);
    emitf(e, "{\"event\":\"error\",\"message\":%s}", msg);
}

void event_no_prediction(events *e)
{
    emitf(e, "{\"event\":\"prediction\",\"label\":null,\"index\":-1,\"probs\":[]}");
}

void event_prediction(events *e, const char *label, size_t index, float confidence, bool sure,
                      const float *probs, size_t n)
{
    if (!events_enabled(e))
        return;
    char p[64 * 16];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof p; i++)
        o += (size_t)snprintf(p + o, sizeof p - o, "%s%.4f", i ? "," : "", (double)probs[i]);
    char jl[128];
    json_string(jl, sizeof jl, label);
    emitf(e,
          "{\"event\":\"prediction\",\"label\":%s,\"index\":%zu,\"confidence\":%.4f,"
          "\"sure\":%s,\"probs\":[%s]}",
          jl, index, (double)confidence, sure ? "true" : "false", p);
}

/* Appends n floats, comma-separated, at out + *at (never past cap). */
static void float_list(char *out, size_t cap, size_t *at, const float *v, size_t n)
{
    for (size_t i = 0; i < n && *at + FLOAT_TEXT_MAX + 2 < cap; i++) {
        if (i)
            out[(*at)++] = ',';
        if (isfinite(v[i]))
            *at += float_text(out + *at, v[i]);
        else
            *at += (size_t)snprintf(out + *at, cap - *at, "null");
    }
    out[*at] = '\0';
}

void event_scores(events *e, const float *input, size_t n_input, const float *logits,
                  const float *probs, size_t n)
{
    if (!events_enabled(e))
        return;
    // 784 inputs do not fit emitf's line: this one is made here, to its size.
    enum { CAP = (28 * 28 + 2 * 16) * (FLOAT_TEXT_MAX + 1) + 128 };
    char line[CAP];
    if (n_input > 28 * 28)
        n_input = 28 * 28;
    if (n > 16)
        n = 16;
    size_t at = (size_t)snprintf(line, CAP, "{\"event\":\"scores\",\"input\":[");
    float_list(line, CAP, &at, input, n_input);
    at += (size_t)snprintf(line + at, CAP - at, "],\"logits\":[");
    float_list(line, CAP, &at, logits, n);
    at += (size_t)snprintf(line + at, CAP - at, "],\"probs\":[");
    float_list(line, CAP, &at, probs, n);
    snprintf(line + at, CAP - at, "]}");
    e->sink(e->ctx, line);
}

void event_progress(events *e, size_t epoch, size_t epochs, size_t step, size_t steps_per_epoch,
                    double loss, double accuracy, double batch_loss, double samples_per_s)
{
    emitf(e,
          "{\"event\":\"progress\",\"epoch\":%zu,\"epochs\":%zu,\"step\":%zu,"
          "\"steps_per_epoch\":%zu,\"loss\":%s,\"accuracy\":%s,\"batch_loss\":%s,"
          "\"samples_per_s\":%s}",
          epoch, epochs, step, steps_per_epoch, jnum(loss).s, jnum(accuracy).s,
          jnum(batch_loss).s, jnum(samples_per_s).s);
}

void event_epoch(events *e, int epoch, size_t epochs, double loss, double accuracy,
                 double val_loss, double val_accuracy, double seconds, double samples_per_s)
{
    emitf(e,
          "{\"event\":\"epoch\",\"epoch\":%d,\"epochs\":%zu,\"loss\":%s,\"accuracy\":%s,"
          "\"val_loss\":%s,\"val_accuracy\":%s,\"seconds\":%s,\"samples_per_s\":%s}",
          epoch, epochs, jnum(loss).s, jnum(accuracy).s, jnum(val_loss).s,
          jnum(val_accuracy).s, jnum(seconds).s, jnum(samples_per_s).s);
}

void event_done(events *e, size_t epochs)
{
    emitf(e, "{\"event\":\"done\",\"epochs\":%zu}", epochs);
}

void event_confusion(events *e, size_t epoch, bool from_epoch, double accuracy,
                     const uint32_t matrix[10][10])
{
    if (!events_enabled(e))
        return;
    char m[1400];
    size_t o = 0;
    for (int t = 0; t < 10 && o < sizeof m; t++) {
        o += (size_t)snprintf(m + o, sizeof m - o, "%s[", t ? "," : "");
        for (int p = 0; p < 10 && o < sizeof m; p++)
            o += (size_t)snprintf(m + o, sizeof m - o, "%s%u", p ? "," : "", matrix[t][p]);
        if (o < sizeof m)
            o += (size_t)snprintf(m + o, sizeof m - o, "]");
    }
    emitf(e,
          "{\"event\":\"confusion\",\"epoch\":%zu,\"source\":\"%s\",\"accuracy\":%.4f,"
          "\"matrix\":[%s]}",
          epoch, from_epoch ? "epoch" : "eval", accuracy, m);
}

void event_trainer_stopped(events *e, bool was_running, double ms)
{
    emitf(e, "{\"event\":\"trainer_stopped\",\"was_running\":%s,\"ms\":%.2f}",
          was_running ? "true" : "false", ms);
}

void event_settings(events *e, double lr, size_t batch, size_t epochs, const size_t *layers,
                    size_t n_layers, const char *activation, unsigned speed)
{
    if (!events_enabled(e))
        return;
    char list[16 * 24] = "";
    size_t o = 0;
    for (size_t i = 0; i < n_layers && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%zu", i ? "," : "", layers[i]);
    char act[64];
    json_string(act, sizeof act, activation);
    emitf(e,
          "{\"event\":\"settings\",\"lr\":%s,\"batch\":%zu,\"epochs\":%zu,\"layers\":[%s],"
          "\"activation\":%s,\"speed\":%u}",
          jnum(lr).s, batch, epochs, list, act, speed);
}

void event_step(events *e, uint64_t global_step, double batch_loss, double batch_accuracy,
                size_t batch, double weight_move)
{
    if (!events_enabled(e))
        return;
    emitf(e,
          "{\"event\":\"step\",\"global_step\":%llu,\"batch_loss\":%s,\"batch_accuracy\":%s,"
          "\"batch\":%zu,\"weight_move\":%s}",
          (unsigned long long)global_step, jnum(batch_loss).s, jnum(batch_accuracy).s, batch,
          jnum(weight_move).s);
}

void event_loaded(events *e, const char *path, const char *shape)
{
    if (!events_enabled(e))
        return;
    char jp[PATH_JSON_MAX], js[256];
    json_string(jp, sizeof jp, path);
    json_string(js, sizeof js, shape);
    emitf(e, "{\"event\":\"loaded\",\"path\":%s,\"shape\":%s}", jp, js);
}

void event_saved(events *e, const char *path)
{
    if (!events_enabled(e))
        return;
    char jp[PATH_JSON_MAX];
    json_string(jp, sizeof jp, path);
    emitf(e, "{\"event\":\"saved\",\"path\":%s}", jp);
}

void event_swept(events *e, size_t count)
{
    emitf(e, "{\"event\":\"swept\",\"count\":%zu}", count);
}

void event_view(events *e, const char *name)
{
    emitf(e, "{\"event\":\"view\",\"name\":\"%s\"}", name);
}

void event_saliency(events *e, int cls, const char *label, bool gradient, float pushed_up,
                    float pulled_down)
{
    if (!events_enabled(e))
        return;
    char jl[128];
    json_string(jl, sizeof jl, label);
    emitf(e,
          "{\"event\":\"saliency\",\"class\":%d,\"label\":%s,\"mode\":\"%s\","
          "\"pushed_up\":%.5g,\"pulled_down\":%.5g}",
          cls, jl, gradient ? "gradient" : "gradient_x_input", (double)pushed_up,
          (double)pulled_down);
}

void event_gallery(events *e, int true_label, int predicted, size_t count)
{
    emitf(e, "{\"event\":\"gallery\",\"true\":%d,\"predicted\":%d,\"count\":%zu}", true_label,
          predicted, count);
}

void event_test_digit(events *e, size_t index, int label)
{
    emitf(e, "{\"event\":\"test_digit\",\"index\":%zu,\"label\":%d}", index, label);
}

void event_screenshot(events *e, const char *path)
{
    if (!events_enabled(e))
        return;
    char jp[PATH_JSON_MAX];
    json_string(jp, sizeof jp, path);
    emitf(e, "{\"event\":\"screenshot\",\"path\":%s}", jp);
}

void event_stats(events *e, double fps, double frame_ms_p99, double samples_per_s)
{
    emitf(e, "{\"event\":\"stats\",\"fps\":%.1f,\"frame_ms_p99\":%.2f,\"samples_per_s\":%.0f}",
          fps, frame_ms_p99, samples_per_s);
}

void event_neuron(events *e, size_t layer, size_t unit, const char *activation, size_t inputs,
                  size_t nonzero, float bias, double products, float sum, float output)
{
    if (!events_enabled(e))
        return;
    // Exactly the floats the view shows, so a test can redo the arithmetic.
    char b[FLOAT_TEXT_MAX] = "null", z[FLOAT_TEXT_MAX] = "null", a[FLOAT_TEXT_MAX] = "null";
    char p[FLOAT_TEXT_DOUBLE_MAX] = "null";
    if (isfinite(bias))
        float_text(b, bias);
    if (isfinite(sum))
        float_text(z, sum);
    if (isfinite(output))
        float_text(a, output);
    if (isfinite(products))
        float_text_double(p, products);
    emitf(e,
          "{\"event\":\"neuron\",\"layer\":%zu,\"unit\":%zu,\"activation\":\"%s\",\"inputs\":%zu,"
          "\"nonzero\":%zu,\"bias\":%s,\"products\":%s,\"sum\":%s,\"output\":%s}",
          layer, unit, activation, inputs, nonzero, b, p, z, a);
}

void event_network(events *e, const size_t *sizes, size_t n_layers, const events_grid *grids)
{
    if (!events_enabled(e))
        return;
    char line[EVENT_LINE_MAX];
    size_t at = (size_t)snprintf(line, sizeof line, "{\"event\":\"network\",\"sizes\":[");
    for (size_t l = 0; l <= n_layers && at < sizeof line; l++)
        at += (size_t)snprintf(line + at, sizeof line - at, "%s%zu", l ? "," : "", sizes[l]);
    if (at < sizeof line)
        at += (size_t)snprintf(line + at, sizeof line - at, "],\"layers\":[");
    for (size_t l = 0; l < n_layers && at < sizeof line; l++) {
        const events_grid *g = &grids[l];
        at += (size_t)snprintf(line + at, sizeof line - at,
                               "%s{\"layer\":%zu,\"x\":%d,\"y\":%d,\"cell\":%d,\"pitch\":%d,"
                               "\"pitch_y\":%d,\"cols\":%d,\"n\":%zu}",
                               l ? "," : "", l + 1, g->x, g->y, g->cell, g->pitch, g->pitch_y,
                               g->cols, g->n);
    }
    if (at < sizeof line)
        snprintf(line + at, sizeof line - at, "]}");
    e->sink(e->ctx, line);
}

/* ---- issue 13: the person's digits ------------------------------------ */

void event_sample(events *e, int label, size_t count, size_t total)
{
    emitf(e, "{\"event\":\"sample\",\"label\":%d,\"count\":%zu,\"total\":%zu}", label, count,
          total);
}

void event_sample_deleted(events *e, int label, size_t count, size_t total)
{
    emitf(e, "{\"event\":\"sample_deleted\",\"label\":%d,\"count\":%zu,\"total\":%zu}", label,
          count, total);
}

void event_finetune(events *e, size_t samples, size_t trained, size_t held, double before_mine,
                    double after_mine, double before_mnist, double after_mnist)
{
    emitf(e,
          "{\"event\":\"finetune\",\"samples\":%zu,\"trained\":%zu,\"held\":%zu,"
          "\"before_mine\":%s,\"after_mine\":%s,\"before_mnist\":%s,\"after_mnist\":%s}",
          samples, trained, held, jnum(before_mine).s, jnum(after_mine).s, jnum(before_mnist).s,
          jnum(after_mnist).s);
}

void event_augment(events *e, bool on)
{
    emitf(e, "{\"event\":\"augment\",\"on\":%s}", on ? "true" : "false");
}

void event_dataset(events *e, const char *name, const char *dir)
{
    if (!events_enabled(e))
        return;
    char qn[600], qd[PATH_JSON_MAX];
    json_string(qn, sizeof qn, name);
    json_string(qd, sizeof qd, dir);
    emitf(e, "{\"event\":\"dataset\",\"name\":%s,\"dir\":%s}", qn, qd);
}
