/* model_file.c: the digitpad-mlp JSON format (docs/model-format.md).
 *
 * Reading goes through model_scan, which checks the syntax, counts the
 * kernels' rows in place and hands cJSON a lean copy without the kernels'
 * numbers (read straight from the text into the network at the end) and
 * without top-level members the format does not define; nothing is
 * allocated for the network until the whole tree has been checked: every
 * type, every size against the caps of mlp.h, every number against the
 * range of a float. Writing does not use
 * cJSON: a model is mostly one long run of floats, and a cJSON node per
 * number would cost more than the numbers themselves, so the text is written
 * directly into a growing buffer. */
#include "model_file.h"

#include "float_text.h"
#include "json_string.h"
#include "model_scan.h"
#include "novelty.h"
#include "read_file.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_NAME "digitpad-mlp"
/* Version 2 added the hidden activations linear, sigmoid and tanh: a file
 * that uses one says version 2, so an older digitpad refuses it by its
 * version; a ReLU network is still written as version 1. Both are read. */
#define FORMAT_VERSION 2

#define MODEL_MAX_EPOCHS 1000000
#define MODEL_MAX_BATCH 1000000

/* Largest magnitude that still rounds to a finite float: FLT_MAX plus half
 * of its last place. A double at or past it becomes infinity. */
#define FLOAT_OVERFLOW_EDGE 0x1.ffffffp+127

/* ------------------------------------------------------------- reading */

static const char *json_kind(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an unknown kind of value";
}

/* A string from the file, made fit for a message: at most 40 bytes, with
 * control characters and quotes replaced. */
static const char *shown(const char *s, char out[48])
{
    size_t n = 0;
    for (; s[n] && n < 40; n++) {
        unsigned char c = (unsigned char)s[n];
        out[n] = c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : (char)c;
    }
    if (s[n]) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The number of items of an array (cJSON keeps a linked list). */
static size_t count_items(const cJSON *arr)
{
    size_t n = 0;
    for (const cJSON *it = arr->child; it; it = it->next)
        n++;
    return n;
}

/* An integer in [lo, hi] at `where`, or a message. */
static bool get_integer(const cJSON *v, const char *where, double lo, double hi, double *out,
                        dp_error *err)
{
    if (!cJSON_IsNumber(v))
        return dp_fail(err, "%s: expected an integer, got %s", where, json_kind(v));
    double d = v->valuedouble;
    if (d != floor(d) || d < lo || d > hi)
        return dp_fail(err, "%s: expected an integer from %.0f to %.0f, got %g", where, lo, hi, d);
    *out = d;
    return true;
}

/* A finite number at `where`; positive if `positive`, else in [0, 1). */
static bool get_real(const cJSON *v, const char *where, bool positive, double *out, dp_error *err)
{
    if (!cJSON_IsNumber(v))
        return dp_fail(err, "%s: expected a number, got %s", where, json_kind(v));
    double d = v->valuedouble;
    if (positive && !(d > 0 && isfinite(d)))
        return dp_fail(err, "%s: expected a positive number, got %g", where, d);
    if (!positive && !(d >= 0 && d < 1))
        return dp_fail(err, "%s: expected a number from 0 to below 1, got %g", where, d);
    *out = d;
    return true;
}

/* A string of 1 to cap-1 bytes of valid UTF-8, copied to out if out is not
 * NULL. (JSON is UTF-8: a file holding other bytes in a string would be
 * refused by Python's json and other strict readers once saved again.) */
static bool get_string(const cJSON *v, const char *where, size_t cap, char *out, dp_error *err)
{
    if (!cJSON_IsString(v))
        return dp_fail(err, "%s: expected a string, got %s", where, json_kind(v));
    size_t n = strlen(v->valuestring), bad;
    if (n == 0)
        return dp_fail(err, "%s: empty string", where);
    if (n >= cap)
        return dp_fail(err, "%s: %zu bytes, at most %zu", where, n, cap - 1);
    if (!json_utf8_valid(v->valuestring, &bad))
        return dp_fail(err, "%s: not valid UTF-8 (byte %zu is 0x%02x)", where, bad,
                       (unsigned char)v->valuestring[bad]);
    if (out)
        memcpy(out, v->valuestring, n + 1);
    return true;
}

/* Checks that every item of arr (n of them) is a number that fits a float. */
static bool check_floats(const cJSON *arr, const char *where, dp_error *err)
{
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        if (!cJSON_IsNumber(it))
            return dp_fail(err, "%s[%zu]: expected a number, got %s", where, i, json_kind(it));
        if (!(fabs(it->valuedouble) < FLOAT_OVERFLOW_EDGE))
            return dp_fail(err, "%s[%zu]: %g is not a finite float", where, i, it->valuedouble);
    }
    return true;
}

static void copy_floats(float *dst, const cJSON *arr)
{
    for (const cJSON *it = arr->child; it; it = it->next)
        *dst++ = (float)it->valuedouble;
}

typedef struct layer_json {
    const cJSON *kernel, *bias;
    const model_kernel_span *span; // the kernel's numbers in the text, when model_scan took them
    size_t in, out;
    mlp_activation act;
} layer_json;

/* The kernel checks of check_layer, on what model_scan counted in place,
 * in the same order and words. */
static bool check_kernel_span(const model_kernel_span *k, const char *where, dp_error *err)
{
    if (k->rows == 0)
        return dp_fail(err, "%s.kernel: empty (it needs one row per input)", where);
    if (k->rows > MLP_MAX_UNITS)
        return dp_fail(err, "%s.kernel: %zu rows (inputs), at most %d", where, k->rows,
                       MLP_MAX_UNITS);
    switch (k->problem) {
    case MODEL_KERNEL_OK:
        return true;
    case MODEL_KERNEL_ROW_NOT_ARRAY:
        return dp_fail(err, "%s.kernel[%zu]: expected an array of numbers, got %s", where, k->row,
                       k->kind);
    case MODEL_KERNEL_EMPTY_ROW:
        return dp_fail(err, "%s.kernel[0]: empty row (a layer needs at least one unit)", where);
    case MODEL_KERNEL_WIDE_ROW:
        return dp_fail(err, "%s.kernel[0]: %zu values (units), at most %d", where, k->count,
                       MLP_MAX_UNITS);
    case MODEL_KERNEL_UNEVEN:
        return dp_fail(err, "%s.kernel: row %zu has %zu values, expected %zu", where, k->row,
                       k->count, k->cols);
    case MODEL_KERNEL_NOT_NUMBER:
        return dp_fail(err, "%s.kernel[%zu][%zu]: expected a number, got %s", where, k->row,
                       k->index, k->kind);
    }
    return dp_fail(err, "%s.kernel: unreadable", where);
}

/* Checks layer l of n: an object with a known activation in the right place
 * and a rectangular kernel and a bias of finite floats. span is what
 * model_scan found of the layer's kernel, or NULL. */
static bool check_layer(const cJSON *layer, size_t l, size_t n, const model_kernel_span *span,
                        layer_json *lj, dp_error *err)
{
    char where[48], row_where[64], tmp[48];
    snprintf(where, sizeof where, "layers[%zu]", l);
    if (!cJSON_IsObject(layer))
        return dp_fail(err, "%s: expected an object, got %s", where, json_kind(layer));

    const cJSON *type = get(layer, "type");
    if (type) {
        if (!cJSON_IsString(type))
            return dp_fail(err, "%s.type: expected a string, got %s", where, json_kind(type));
        if (strcmp(type->valuestring, "dense") != 0)
            return dp_fail(err, "%s.type: unknown layer type \"%s\" (only dense)", where,
                           shown(type->valuestring, tmp));
    }

    const cJSON *act = get(layer, "activation");
    if (!act)
        return dp_fail(err, "%s: missing \"activation\"", where);
    if (!cJSON_IsString(act))
        return dp_fail(err, "%s.activation: expected a string, got %s", where, json_kind(act));
    bool last = l + 1 == n;
    if (!mlp_activation_from_name(act->valuestring, &lj->act))
        return dp_fail(err, "%s.activation: unknown activation \"%s\" (relu, linear, sigmoid, "
                       "tanh or softmax)", where, shown(act->valuestring, tmp));
    if (last && lj->act != MLP_ACT_SOFTMAX)
        return dp_fail(err, "%s.activation: the last layer must be softmax, not %s", where,
                       mlp_activation_name(lj->act));
    if (!last && lj->act == MLP_ACT_SOFTMAX)
        return dp_fail(err, "%s.activation: softmax is only for the last layer (hidden layers "
                       "are relu, linear, sigmoid or tanh)", where);

    const cJSON *kernel = get(layer, "kernel");
    if (!kernel)
        return dp_fail(err, "%s: missing \"kernel\"", where);
    if (!cJSON_IsArray(kernel))
        return dp_fail(err, "%s.kernel: expected an array of rows of numbers, got %s", where,
                       json_kind(kernel));
    lj->span = NULL;
    size_t rows = count_items(kernel), cols = 0;
    if (rows == 0 && span) {
        // model_scan left [] in the kernel's place; its numbers stay in the text
        if (!check_kernel_span(span, where, err))
            return false;
        lj->span = span;
        rows = span->rows;
        cols = span->cols;
        goto bias;
    }
    if (rows == 0)
        return dp_fail(err, "%s.kernel: empty (it needs one row per input)", where);
    if (rows > MLP_MAX_UNITS)
        return dp_fail(err, "%s.kernel: %zu rows (inputs), at most %d", where, rows,
                       MLP_MAX_UNITS);
    size_t r = 0;
    for (const cJSON *row = kernel->child; row; row = row->next, r++) {
        snprintf(row_where, sizeof row_where, "%s.kernel[%zu]", where, r);
        if (!cJSON_IsArray(row))
            return dp_fail(err, "%s: expected an array of numbers, got %s", row_where,
                           json_kind(row));
        size_t k = count_items(row);
        if (r == 0) {
            if (k == 0)
                return dp_fail(err, "%s: empty row (a layer needs at least one unit)", row_where);
            if (k > MLP_MAX_UNITS)
                return dp_fail(err, "%s: %zu values (units), at most %d", row_where, k,
                               MLP_MAX_UNITS);
            cols = k;
        } else if (k != cols) {
            return dp_fail(err, "%s.kernel: row %zu has %zu values, expected %zu", where, r, k,
                           cols);
        }
        if (!check_floats(row, row_where, err))
            return false;
    }

bias:;
    const cJSON *bias = get(layer, "bias");
    if (!bias)
        return dp_fail(err, "%s: missing \"bias\"", where);
    snprintf(row_where, sizeof row_where, "%s.bias", where);
    if (!cJSON_IsArray(bias))
        return dp_fail(err, "%s: expected an array of numbers, got %s", row_where,
                       json_kind(bias));
    size_t nb = count_items(bias);
    if (nb != cols)
        return dp_fail(err, "%s: %zu values, expected %zu (one per unit)", row_where, nb, cols);
    if (!check_floats(bias, row_where, err))
        return false;

    lj->kernel = kernel;
    lj->bias = bias;
    lj->in = rows;
    lj->out = cols;
    return true;
}

static bool check_input(const cJSON *input, size_t inputs, model_meta *m, dp_error *err)
{
    char tmp[48];
    m->height = 28;
    m->width = 28;
    m->scale = 1.0 / 255.0;
    m->preprocess = MODEL_PREPROCESS_MNIST;
    if (input) {
        if (!cJSON_IsObject(input))
            return dp_fail(err, "input: expected an object, got %s", json_kind(input));
        const cJSON *v;
        double d;
        if ((v = get(input, "height"))) {
            if (!get_integer(v, "input.height", 1, MLP_MAX_UNITS, &d, err))
                return false;
            m->height = (size_t)d;
        }
        if ((v = get(input, "width"))) {
            if (!get_integer(v, "input.width", 1, MLP_MAX_UNITS, &d, err))
                return false;
            m->width = (size_t)d;
        }
        if ((v = get(input, "scale")) && !get_real(v, "input.scale", true, &m->scale, err))
            return false;
        if (!model_meta_scale_ok(m->scale))
            return dp_fail(err, "input scale %g is not between %g and %g", m->scale, MODEL_SCALE_MIN,
                           MODEL_SCALE_MAX);
        if ((v = get(input, "preprocess"))) {
            if (!cJSON_IsString(v))
                return dp_fail(err, "input.preprocess: expected a string, got %s", json_kind(v));
            if (strcmp(v->valuestring, "mnist") == 0)
                m->preprocess = MODEL_PREPROCESS_MNIST;
            else if (strcmp(v->valuestring, "none") == 0)
                m->preprocess = MODEL_PREPROCESS_NONE;
            else
                return dp_fail(err, "input.preprocess: unknown preprocessing \"%s\" (mnist or none)",
                               shown(v->valuestring, tmp));
        }
    }
    // Both are at most 4096, so the product cannot overflow.
    if (m->height * m->width != inputs)
        return dp_fail(err, "input is %zux%zu = %zu pixels but layers[0].kernel has %zu rows",
                       m->height, m->width, m->height * m->width, inputs);
    return true;
}

static bool check_labels(const cJSON *labels, size_t outputs, dp_error *err)
{
    if (!labels)
        return true;
    if (!cJSON_IsArray(labels))
        return dp_fail(err, "labels: expected an array of strings, got %s", json_kind(labels));
    size_t n = count_items(labels);
    if (n != outputs)
        return dp_fail(err, "labels: %zu labels for %zu outputs", n, outputs);
    size_t i = 0;
    char where[32];
    for (const cJSON *it = labels->child; it; it = it->next, i++) {
        snprintf(where, sizeof where, "labels[%zu]", i);
        if (!get_string(it, where, MODEL_LABEL_MAX, NULL, err))
            return false;
    }
    return true;
}

/* A history value: a number, or null (or absent) for "not measured". */
static bool get_history_value(const cJSON *entry, const char *key, size_t i, double *out,
                              dp_error *err)
{
    const cJSON *v = get(entry, key);
    if (!v || cJSON_IsNull(v)) {
        *out = NAN;
        return true;
    }
    if (!cJSON_IsNumber(v))
        return dp_fail(err, "training.history[%zu].%s: expected a number or null, got %s", i, key,
                       json_kind(v));
    *out = v->valuedouble;
    return true;
}

/* The part-done epoch's numbers against each other and the section
 * (m->epochs, m->batch_size), for the reader and the writer alike. */
static bool check_progress_values(const model_meta *m, dp_error *err)
{
    const model_progress *p = &m->progress;
    if (p->epoch != m->epochs + 1)
        return dp_fail(err, "training.progress.epoch: %d, but training.epochs says %d epoch%s "
                       "are done (the epoch under way is %d)", p->epoch, m->epochs,
                       m->epochs == 1 ? "" : "s", m->epochs + 1);
    if (p->samples_per_epoch < 2 || (double)p->samples_per_epoch > MODEL_MAX_SAMPLES)
        return dp_fail(err, "training.progress.samples_per_epoch: %zu is outside 2 to %.0f",
                       p->samples_per_epoch, MODEL_MAX_SAMPLES);
    if (p->samples_done < 1 || p->samples_done >= p->samples_per_epoch)
        return dp_fail(err, "training.progress.samples_done: %zu is outside 1 to %zu (a part of "
                       "the epoch's %zu samples)", p->samples_done, p->samples_per_epoch - 1,
                       p->samples_per_epoch);
    if (p->batches_done < 1 || p->batches_done > p->samples_done)
        return dp_fail(err, "training.progress.batches_done: %zu is outside 1 to %zu (at least "
                       "one sample a batch)", p->batches_done, p->samples_done);
    size_t left = p->samples_per_epoch - p->samples_done;
    if (p->batches_per_epoch <= p->batches_done || p->batches_per_epoch - p->batches_done > left)
        return dp_fail(err, "training.progress.batches_per_epoch: %zu is outside %zu to %zu (the "
                       "batches done and at least one, at most one a sample, for the %zu samples "
                       "left)", p->batches_per_epoch, p->batches_done + 1, p->batches_done + left,
                       left);
    if ((double)p->global_step > (double)MODEL_MAX_SEED || p->shuffle_seed > MODEL_MAX_SEED)
        return dp_fail(err, "training.progress: global_step or shuffle_seed is larger than 2^53");
    if (p->shuffles > MODEL_MAX_EPOCHS)
        return dp_fail(err, "training.progress.shuffles: %llu is more than %d",
                       (unsigned long long)p->shuffles, MODEL_MAX_EPOCHS);
    if (!isnan(p->loss) && !(p->loss >= 0 && isfinite(p->loss)))
        return dp_fail(err, "training.progress.loss: %g is not a loss (0 or more)", p->loss);
    if (!isnan(p->accuracy) && !(p->accuracy >= 0 && p->accuracy <= 1))
        return dp_fail(err, "training.progress.accuracy: %g is outside 0 to 1", p->accuracy);
    return true;
}

/* The schedule's entries s[0..n), which are training.schedule[base...]:
 * each in range and later than the one before. */
static bool check_schedule_values(const model_meta *m, const model_setting *s, size_t n,
                                  size_t base, dp_error *err)
{
    for (size_t j = 0; j < n; j++) {
        size_t i = base + j;
        if (s[j].epoch < 1 || s[j].epoch > m->epochs + 1)
            return dp_fail(err, "training.schedule[%zu].epoch: %d is outside 1 to %d (the epochs "
                           "done and the one under way)", i, s[j].epoch, m->epochs + 1);
        if ((double)s[j].samples_done >= MODEL_MAX_SAMPLES)
            return dp_fail(err, "training.schedule[%zu].samples_done: %zu is too large", i,
                           s[j].samples_done);
        if (!(s[j].learning_rate > 0 && isfinite(s[j].learning_rate)))
            return dp_fail(err, "training.schedule[%zu].learning_rate: %g is not a positive "
                           "number", i, s[j].learning_rate);
        if (s[j].batch_size < 1 || s[j].batch_size > MODEL_MAX_BATCH)
            return dp_fail(err, "training.schedule[%zu].batch_size: %zu is outside 1 to %d", i,
                           s[j].batch_size, MODEL_MAX_BATCH);
        if (j > 0 && (s[j].epoch < s[j - 1].epoch ||
                      (s[j].epoch == s[j - 1].epoch && s[j].samples_done <= s[j - 1].samples_done)))
            return dp_fail(err, "training.schedule[%zu]: epoch %d after %zu samples is not later "
                           "than the entry before it (epoch %d after %zu)", i, s[j].epoch,
                           s[j].samples_done, s[j - 1].epoch, s[j - 1].samples_done);
    }
    return true;
}

/* A measured value of the part-done epoch: a number or null (or absent). */
static bool get_measure(const cJSON *obj, const char *key, const char *where, double *out,
                        dp_error *err)
{
    const cJSON *v = get(obj, key);
    *out = NAN;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsNumber(v))
        return dp_fail(err, "%s: expected a number or null, got %s", where, json_kind(v));
    *out = v->valuedouble;
    return true;
}

/* training.progress into m->progress (after the section's epochs,
 * batch_size and seed are known). */
static bool check_progress(const cJSON *pr, model_meta *m, dp_error *err)
{
    m->has_progress = pr != NULL;
    if (!pr)
        return true;
    if (!cJSON_IsObject(pr))
        return dp_fail(err, "training.progress: expected an object, got %s", json_kind(pr));
    model_progress *p = &m->progress;
    memset(p, 0, sizeof *p);
    p->epoch = m->epochs + 1;
    p->shuffle_seed = m->seed;
    static const char *const need[] = {"samples_done", "samples_per_epoch"};
    for (size_t i = 0; i < 2; i++)
        if (!get(pr, need[i]))
            return dp_fail(err, "training.progress: missing \"%s\"", need[i]);
    const cJSON *v;
    double d = 0;
    if ((v = get(pr, "epoch"))) {
        if (!get_integer(v, "training.progress.epoch", 1, MODEL_MAX_EPOCHS + 1.0, &d, err))
            return false;
        p->epoch = (int)d;
    }
    if (!get_integer(get(pr, "samples_per_epoch"), "training.progress.samples_per_epoch", 2,
                     MODEL_MAX_SAMPLES, &d, err))
        return false;
    p->samples_per_epoch = (size_t)d;
    if (!get_integer(get(pr, "samples_done"), "training.progress.samples_done", 1,
                     MODEL_MAX_SAMPLES, &d, err))
        return false;
    p->samples_done = (size_t)d;
    size_t b = m->batch_size;
    p->batches_done = (p->samples_done + b - 1) / b;
    if ((v = get(pr, "batches_done"))) {
        if (!get_integer(v, "training.progress.batches_done", 1, MODEL_MAX_SAMPLES, &d, err))
            return false;
        p->batches_done = (size_t)d;
    }
    size_t left = p->samples_per_epoch > p->samples_done ? p->samples_per_epoch - p->samples_done
                                                         : 0;
    p->batches_per_epoch = p->batches_done + (left + b - 1) / b;
    if ((v = get(pr, "batches_per_epoch"))) {
        if (!get_integer(v, "training.progress.batches_per_epoch", 2, 2 * MODEL_MAX_SAMPLES, &d,
                         err))
            return false;
        p->batches_per_epoch = (size_t)d;
    }
    if ((v = get(pr, "global_step"))) {
        if (!get_integer(v, "training.progress.global_step", 0, (double)MODEL_MAX_SEED, &d, err))
            return false;
        p->global_step = (uint64_t)d;
    }
    if ((v = get(pr, "shuffle_seed"))) {
        if (!get_integer(v, "training.progress.shuffle_seed", 0, (double)MODEL_MAX_SEED, &d, err))
            return false;
        p->shuffle_seed = (uint64_t)d;
    }
    if ((v = get(pr, "shuffles"))) {
        if (!get_integer(v, "training.progress.shuffles", 0, MODEL_MAX_EPOCHS, &d, err))
            return false;
        p->shuffles = (uint64_t)d;
    }
    if (!get_measure(pr, "loss", "training.progress.loss", &p->loss, err) ||
        !get_measure(pr, "accuracy", "training.progress.accuracy", &p->accuracy, err))
        return false;
    return check_progress_values(m, err);
}

/* training.schedule: checked whole here (its entries into out when out is
 * not NULL, else only counted into *n). */
static bool read_schedule(const cJSON *sc, const model_meta *m, model_setting *out, size_t *n,
                          dp_error *err)
{
    *n = 0;
    if (!sc)
        return true;
    if (!cJSON_IsArray(sc))
        return dp_fail(err, "training.schedule: expected an array of objects, got %s",
                       json_kind(sc));
    size_t count = count_items(sc);
    if (count > MODEL_MAX_SCHEDULE)
        return dp_fail(err, "training.schedule: %zu entries, at most %d", count,
                       MODEL_MAX_SCHEDULE);
    model_setting prev[2] = {{0}, {0}}; // the entry before this one, and this one
    size_t i = 0;
    char where[64];
    for (const cJSON *e = sc->child; e; e = e->next, i++) {
        snprintf(where, sizeof where, "training.schedule[%zu]", i);
        if (!cJSON_IsObject(e))
            return dp_fail(err, "%s: expected an object, got %s", where, json_kind(e));
        static const char *const need[] = {"epoch", "learning_rate", "batch_size"};
        for (size_t k = 0; k < 3; k++)
            if (!get(e, need[k]))
                return dp_fail(err, "%s: missing \"%s\"", where, need[k]);
        model_setting s = {0};
        double d = 0;
        snprintf(where, sizeof where, "training.schedule[%zu].epoch", i);
        if (!get_integer(get(e, "epoch"), where, 1, MODEL_MAX_EPOCHS + 1.0, &d, err))
            return false;
        s.epoch = (int)d;
        const cJSON *v = get(e, "samples_done");
        if (v) {
            snprintf(where, sizeof where, "training.schedule[%zu].samples_done", i);
            if (!get_integer(v, where, 0, MODEL_MAX_SAMPLES - 1, &d, err))
                return false;
            s.samples_done = (size_t)d;
        }
        snprintf(where, sizeof where, "training.schedule[%zu].learning_rate", i);
        if (!get_real(get(e, "learning_rate"), where, true, &s.learning_rate, err))
            return false;
        snprintf(where, sizeof where, "training.schedule[%zu].batch_size", i);
        if (!get_integer(get(e, "batch_size"), where, 1, MODEL_MAX_BATCH, &d, err))
            return false;
        s.batch_size = (size_t)d;
        // This entry, and it against the one before (kept in prev).
        prev[1] = s;
        if (i == 0 ? !check_schedule_values(m, &s, 1, 0, err)
                   : !check_schedule_values(m, prev, 2, i - 1, err))
            return false;
        prev[0] = s;
        if (out)
            out[i] = s;
    }
    *n = count;
    return true;
}

/* Checks the training section and fills the scalar fields of m; the
 * history is only checked here and copied by fill_history. */
static bool check_training(const cJSON *tr, model_meta *m, size_t *n_history, size_t *n_schedule,
                           dp_error *err)
{
    char tmp[48];
    model_meta_training_defaults(m);
    m->has_training = tr != NULL;
    *n_history = 0;
    *n_schedule = 0;
    if (!tr)
        return true;
    if (!cJSON_IsObject(tr))
        return dp_fail(err, "training: expected an object, got %s", json_kind(tr));
    const cJSON *v;
    double d = 0; // set by every get_integer that succeeds (gcc 12 cannot tell)
    if ((v = get(tr, "dataset")) &&
        !get_string(v, "training.dataset", sizeof m->dataset, m->dataset, err))
        return false;
    if ((v = get(tr, "epochs"))) {
        if (!get_integer(v, "training.epochs", 0, MODEL_MAX_EPOCHS, &d, err))
            return false;
        m->epochs = (int)d;
    }
    if ((v = get(tr, "batch_size"))) {
        if (!get_integer(v, "training.batch_size", 1, MODEL_MAX_BATCH, &d, err))
            return false;
        m->batch_size = (size_t)d;
    }
    if ((v = get(tr, "seed"))) {
        if (!get_integer(v, "training.seed", 0, (double)MODEL_MAX_SEED, &d, err))
            return false;
        m->seed = (uint64_t)d;
    }
    const cJSON *opt = get(tr, "optimizer");
    if (opt) {
        if (!cJSON_IsObject(opt))
            return dp_fail(err, "training.optimizer: expected an object, got %s", json_kind(opt));
        if ((v = get(opt, "name"))) {
            if (!cJSON_IsString(v))
                return dp_fail(err, "training.optimizer.name: expected a string, got %s",
                               json_kind(v));
            if (strcmp(v->valuestring, "adam") != 0)
                return dp_fail(err, "training.optimizer.name: unknown optimizer \"%s\" (adam)",
                               shown(v->valuestring, tmp));
        }
        if ((v = get(opt, "learning_rate")) &&
            !get_real(v, "training.optimizer.learning_rate", true, &m->learning_rate, err))
            return false;
        if ((v = get(opt, "beta_1")) &&
            !get_real(v, "training.optimizer.beta_1", false, &m->beta_1, err))
            return false;
        if ((v = get(opt, "beta_2")) &&
            !get_real(v, "training.optimizer.beta_2", false, &m->beta_2, err))
            return false;
        if ((v = get(opt, "epsilon")) &&
            !get_real(v, "training.optimizer.epsilon", true, &m->epsilon, err))
            return false;
    }
    const cJSON *hist = get(tr, "history");
    if (hist) {
        if (!cJSON_IsArray(hist))
            return dp_fail(err, "training.history: expected an array of objects, got %s",
                           json_kind(hist));
        size_t n = count_items(hist);
        if (n > MODEL_MAX_HISTORY)
            return dp_fail(err, "training.history: %zu epochs, at most %d", n, MODEL_MAX_HISTORY);
        size_t i = 0;
        char where[48];
        for (const cJSON *e = hist->child; e; e = e->next, i++) {
            snprintf(where, sizeof where, "training.history[%zu]", i);
            if (!cJSON_IsObject(e))
                return dp_fail(err, "%s: expected an object, got %s", where, json_kind(e));
            if ((v = get(e, "epoch"))) {
                snprintf(where, sizeof where, "training.history[%zu].epoch", i);
                if (!get_integer(v, where, 0, MODEL_MAX_EPOCHS, &d, err))
                    return false;
            }
            if (!get_history_value(e, "loss", i, &d, err) ||
                !get_history_value(e, "accuracy", i, &d, err) ||
                !get_history_value(e, "val_loss", i, &d, err) ||
                !get_history_value(e, "val_accuracy", i, &d, err))
                return false;
        }
        *n_history = n;
    }
    return check_progress(get(tr, "progress"), m, err) &&
           read_schedule(get(tr, "schedule"), m, NULL, n_schedule, err);
}

static void fill_history(const cJSON *tr, model_epoch *out)
{
    const cJSON *hist = tr ? get(tr, "history") : NULL;
    size_t i = 0;
    for (const cJSON *e = hist ? hist->child : NULL; e; e = e->next, i++) {
        const cJSON *ep = get(e, "epoch");
        out[i].epoch = ep ? (int)ep->valuedouble : (int)i + 1;
        get_history_value(e, "loss", i, &out[i].loss, NULL);
        get_history_value(e, "accuracy", i, &out[i].accuracy, NULL);
        get_history_value(e, "val_loss", i, &out[i].val_loss, NULL);
        get_history_value(e, "val_accuracy", i, &out[i].val_accuracy, NULL);
    }
}

/* The optional "not_a_digit" section (novelty.h): checked whole before
 * anything is allocated; its arrays are read in by fill_not_a_digit. Its
 * two arrays of rows are read as the kernels are: model_scan counts their
 * rows in place and leaves [] for cJSON, and model_scan_kernel reads the
 * numbers from the text. (An array model_scan did not take, behind a key
 * written with escapes, is read through cJSON within its value cap.) */
typedef struct not_a_digit_rows {
    const model_kernel_span *span; // from model_scan, or
    const cJSON *json;             // the array cJSON read
} not_a_digit_rows;

typedef struct not_a_digit_json {
    bool present;
    not_a_digit_rows means, directions;
    size_t cell, bins, components;
    double median, threshold, held_out_flagged, test_flagged;
} not_a_digit_json;

/* A rows x cols array of arrays of finite floats at `where`, through cJSON. */
static bool check_rows(const cJSON *arr, const char *where, size_t rows, size_t cols,
                       dp_error *err)
{
    size_t n = count_items(arr);
    if (n != rows)
        return dp_fail(err, "%s has %zu rows, expected %zu", where, n, rows);
    size_t r = 0;
    char at[64];
    for (const cJSON *row = arr->child; row; row = row->next, r++) {
        snprintf(at, sizeof at, "%s[%zu]", where, r);
        if (!cJSON_IsArray(row))
            return dp_fail(err, "%s: expected an array of numbers, got %s", at, json_kind(row));
        size_t c = count_items(row);
        if (c != cols)
            return dp_fail(err, "%s: row %zu has %zu values, expected %zu", where, r, c, cols);
        if (!check_floats(row, at, err))
            return false;
    }
    return true;
}

/* The same checks, in the same order and words, on what model_scan counted
 * in place. */
static bool check_rows_span(const model_kernel_span *k, const char *where, size_t rows,
                            size_t cols, dp_error *err)
{
    if (k->rows != rows)
        return dp_fail(err, "%s has %zu rows, expected %zu", where, k->rows, rows);
    if (k->problem == MODEL_KERNEL_ROW_NOT_ARRAY && k->row == 0)
        return dp_fail(err, "%s[0]: expected an array of numbers, got %s", where, k->kind);
    if (k->cols != cols)
        return dp_fail(err, "%s: row 0 has %zu values, expected %zu", where, k->cols, cols);
    switch (k->problem) {
    case MODEL_KERNEL_OK:
        return true;
    case MODEL_KERNEL_ROW_NOT_ARRAY:
        return dp_fail(err, "%s[%zu]: expected an array of numbers, got %s", where, k->row,
                       k->kind);
    case MODEL_KERNEL_UNEVEN:
        return dp_fail(err, "%s: row %zu has %zu values, expected %zu", where, k->row, k->count,
                       cols);
    case MODEL_KERNEL_NOT_NUMBER:
        return dp_fail(err, "%s[%zu][%zu]: expected a number, got %s", where, k->row, k->index,
                       k->kind);
    case MODEL_KERNEL_EMPTY_ROW: // row 0's length is checked above
    case MODEL_KERNEL_WIDE_ROW:
        break;
    }
    return dp_fail(err, "%s: unreadable", where);
}

static bool check_nad_rows(const cJSON *v, const char *key, const model_kernel_span *span,
                           size_t rows, size_t cols, not_a_digit_rows *out, dp_error *err)
{
    char where[48];
    snprintf(where, sizeof where, "not_a_digit.%s", key);
    const cJSON *arr = get(v, key);
    out->span = NULL;
    out->json = NULL;
    if (!arr)
        return dp_fail(err, "%s: missing", where);
    if (!cJSON_IsArray(arr))
        return dp_fail(err, "%s: expected an array of rows, got %s", where, json_kind(arr));
    if (span && count_items(arr) == 0) { // model_scan left [] in its place
        out->span = span;
        return check_rows_span(span, where, rows, cols, err);
    }
    out->json = arr;
    return check_rows(arr, where, rows, cols, err);
}

static bool check_not_a_digit(const cJSON *v, const model_scan *scan, size_t height,
                              size_t width, size_t outputs, not_a_digit_json *nj, dp_error *err)
{
    memset(nj, 0, sizeof *nj);
    if (!v)
        return true;
    if (!cJSON_IsObject(v))
        return dp_fail(err, "not_a_digit: expected an object, got %s", json_kind(v));
    char tmp[48];
    const cJSON *method = get(v, "method");
    if (!method)
        return dp_fail(err, "not_a_digit: missing \"method\"");
    if (!cJSON_IsString(method))
        return dp_fail(err, "not_a_digit.method: expected a string, got %s", json_kind(method));
    if (strcmp(method->valuestring, "class-subspace") == 0)
        return dp_fail(err, "not_a_digit.method: \"class-subspace\" is an older detector; fit "
                       "a new one with digitpad train --not-a-digit");
    if (strcmp(method->valuestring, "gradient-subspace") != 0)
        return dp_fail(err, "not_a_digit.method: unknown method \"%s\" (gradient-subspace)",
                       shown(method->valuestring, tmp));
    const char *names[3] = {"cell", "bins", "components"};
    const cJSON *item[3];
    for (int i = 0; i < 3; i++)
        if (!(item[i] = get(v, names[i])))
            return dp_fail(err, "not_a_digit: missing \"%s\"", names[i]);
    double d;
    size_t side = height > width ? height : width;
    if (!get_integer(item[0], "not_a_digit.cell", 1, (double)side, &d, err))
        return false;
    nj->cell = (size_t)d;
    if (!get_integer(item[1], "not_a_digit.bins", 2, NOVELTY_MAX_BINS, &d, err))
        return false;
    nj->bins = (size_t)d;
    size_t features = ((height + nj->cell - 1) / nj->cell) * ((width + nj->cell - 1) / nj->cell) *
                      nj->bins;
    if (features > NOVELTY_MAX_FEATURES)
        return dp_fail(err, "not_a_digit: cells of %zu pixels and %zu bins make %zu features, "
                       "at most %d", nj->cell, nj->bins, features, NOVELTY_MAX_FEATURES);
    double most = features < NOVELTY_MAX_COMPONENTS ? (double)features : NOVELTY_MAX_COMPONENTS;
    if (!get_integer(item[2], "not_a_digit.components", 1, most, &d, err))
        return false;
    nj->components = (size_t)d;
    const cJSON *median = get(v, "median"), *threshold = get(v, "threshold");
    if (!median || !threshold)
        return dp_fail(err, "not_a_digit: missing \"%s\"", median ? "threshold" : "median");
    if (!get_real(median, "not_a_digit.median", true, &nj->median, err) ||
        !get_real(threshold, "not_a_digit.threshold", true, &nj->threshold, err))
        return false;
    const cJSON *flagged = get(v, "held_out_flagged");
    if (flagged &&
        !get_real(flagged, "not_a_digit.held_out_flagged", false, &nj->held_out_flagged, err))
        return false;
    flagged = get(v, "test_flagged");
    if (flagged && !get_real(flagged, "not_a_digit.test_flagged", false, &nj->test_flagged, err))
        return false;
    // outputs <= 4096, features <= 1024, components <= 64: no overflow
    if (!check_nad_rows(v, "means", scan->has_nad_means ? &scan->nad_means : NULL, outputs,
                        features, &nj->means, err) ||
        !check_nad_rows(v, "directions",
                        scan->has_nad_directions ? &scan->nad_directions : NULL,
                        outputs * nj->components, features, &nj->directions, err))
        return false;
    nj->present = true;
    return true;
}

static bool read_nad_rows(const uint8_t *buf, const not_a_digit_rows *rows, size_t cols,
                          float *dst, const char *where, dp_error *err)
{
    if (rows->span)
        return model_scan_kernel(buf, rows->span, dst, where, err);
    for (const cJSON *row = rows->json->child; row; row = row->next, dst += cols)
        copy_floats(dst, row);
    return true;
}

/* Makes the detector that check_not_a_digit accepted. */
static bool fill_not_a_digit(const uint8_t *buf, const not_a_digit_json *nj, model_meta *m,
                             size_t outputs, dp_error *err)
{
    if (!nj->present)
        return true;
    novelty nv;
    if (!novelty_init(&nv, outputs, m->height, m->width, nj->cell, nj->bins, nj->components,
                      err))
        return false;
    if (!read_nad_rows(buf, &nj->means, nv.features, nv.means, "not_a_digit.means", err) ||
        !read_nad_rows(buf, &nj->directions, nv.features, nv.components,
                       "not_a_digit.directions", err)) {
        novelty_destroy(&nv);
        return false;
    }
    nv.median = nj->median;
    nv.threshold = nj->threshold;
    nv.held_out_flagged = nj->held_out_flagged;
    nv.test_flagged = nj->test_flagged;
    if (!model_meta_set_not_a_digit(m, &nv, err)) {
        novelty_destroy(&nv);
        return false;
    }
    return true;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool model_file_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err)
{
    size_t first = 0;
    while (first < len && is_space(buf[first]))
        first++;
    if (first == len)
        return dp_fail(err, "empty file");
    if (len > MODEL_FILE_MAX_BYTES)
        return dp_fail(err, "%zu bytes is more than the %zu MiB limit", len,
                       MODEL_FILE_MAX_BYTES >> 20);
    model_scan scan;
    if (!model_scan_text(buf, len, &scan, err))
        return false;
    cJSON *root = cJSON_ParseWithLength(scan.lean, scan.lean_len);
    free(scan.lean); // cJSON keeps copies of what it needs; the spans stay in `scan`
    scan.lean = NULL;
    if (!root) // model_scan has checked the syntax: only memory can run out here
        return dp_fail(err, "out of memory for reading the model");

    char tmp[48];
    bool ok = false;
    mlp tmp_net;
    model_meta m;
    memset(&tmp_net, 0, sizeof tmp_net);
    memset(&m, 0, sizeof m);
    layer_json lj[MLP_MAX_LAYERS];
    size_t sizes[MLP_MAX_LAYERS + 1], n_layers = 0, n_history = 0, n_schedule = 0;

    if (!cJSON_IsObject(root)) {
        dp_fail(err, "expected a JSON object at the top level, got %s", json_kind(root));
        goto out;
    }
    const cJSON *v = get(root, "format");
    if (!v) {
        dp_fail(err, "missing \"format\" (not a digitpad model?)");
        goto out;
    }
    if (!cJSON_IsString(v)) {
        dp_fail(err, "format: expected a string, got %s", json_kind(v));
        goto out;
    }
    if (strcmp(v->valuestring, FORMAT_NAME) != 0) {
        dp_fail(err, "format is \"%s\", expected \"" FORMAT_NAME "\"", shown(v->valuestring, tmp));
        goto out;
    }
    v = get(root, "version");
    if (!v) {
        dp_fail(err, "missing \"version\"");
        goto out;
    }
    double version;
    if (!get_integer(v, "version", 1, INT_MAX, &version, err))
        goto out;
    if (version > FORMAT_VERSION) {
        dp_fail(err, "version %.0f is newer than this digitpad reads (%d)", version,
                FORMAT_VERSION);
        goto out;
    }

    const cJSON *layers = get(root, "layers");
    if (!layers) {
        dp_fail(err, "missing \"layers\"");
        goto out;
    }
    if (!cJSON_IsArray(layers)) {
        dp_fail(err, "layers: expected an array of layer objects, got %s", json_kind(layers));
        goto out;
    }
    n_layers = count_items(layers);
    if (n_layers == 0) {
        dp_fail(err, "layers: empty (a model needs at least one layer)");
        goto out;
    }
    if (n_layers > MLP_MAX_LAYERS) {
        dp_fail(err, "layers: %zu layers, at most %d", n_layers, MLP_MAX_LAYERS);
        goto out;
    }
    size_t l = 0, n_params = 0;
    for (const cJSON *layer = layers->child; layer; layer = layer->next, l++) {
        if (!check_layer(layer, l, n_layers, scan.has_kernel[l] ? &scan.kernels[l] : NULL,
                         &lj[l], err))
            goto out;
        if (l > 0 && lj[l].in != lj[l - 1].out) {
            dp_fail(err, "layers[%zu].kernel has %zu rows but layers[%zu] has %zu units", l,
                    lj[l].in, l - 1, lj[l - 1].out);
            goto out;
        }
        // Each factor is at most MLP_MAX_UNITS, but the sum is checked step by step anyway.
        size_t in = lj[l].in, out = lj[l].out;
        if (in > (SIZE_MAX - out) / out || in * out + out > SIZE_MAX - n_params ||
            (n_params += in * out + out) > MLP_MAX_PARAMS) {
            dp_fail(err, "more than %zu parameters", MLP_MAX_PARAMS);
            goto out;
        }
        sizes[l] = in;
        sizes[l + 1] = out;
    }
    size_t outputs = sizes[n_layers];

    if (!check_input(get(root, "input"), sizes[0], &m, err))
        goto out;
    const cJSON *labels = get(root, "labels");
    if (!check_labels(labels, outputs, err))
        goto out;
    const cJSON *training = get(root, "training");
    if (!check_training(training, &m, &n_history, &n_schedule, err))
        goto out;
    not_a_digit_json nj;
    if (!check_not_a_digit(get(root, "not_a_digit"), &scan, m.height, m.width, outputs, &nj,
                           err))
        goto out;

    // Everything is known to be good: only now allocate.
    if (!mlp_init(&tmp_net, sizes, n_layers + 1, err))
        goto out;
    m.n_labels = outputs;
    m.labels = calloc(outputs, sizeof *m.labels);
    if (n_history > 0)
        m.history = calloc(n_history, sizeof *m.history);
    if (n_schedule > 0)
        m.schedule = calloc(n_schedule, sizeof *m.schedule);
    if (!m.labels || (n_history > 0 && !m.history) || (n_schedule > 0 && !m.schedule)) {
        dp_fail(err, "out of memory");
        goto out;
    }
    for (l = 0; l + 1 < n_layers; l++)
        tmp_net.layers[l].act = lj[l].act; // checked: a hidden activation
    l = 0;
    for (const cJSON *layer = layers->child; layer; layer = layer->next, l++) {
        float *k = tmp_net.layers[l].kernel;
        if (lj[l].span) {
            char where[48];
            snprintf(where, sizeof where, "layers[%zu].kernel", l);
            if (!model_scan_kernel(buf, lj[l].span, k, where, err))
                goto out;
        }
        for (const cJSON *row = lj[l].kernel->child; row; row = row->next, k += lj[l].out)
            copy_floats(k, row);
        copy_floats(tmp_net.layers[l].bias, lj[l].bias);
    }
    if (labels) {
        size_t i = 0;
        for (const cJSON *it = labels->child; it; it = it->next, i++)
            memcpy(m.labels[i], it->valuestring, strlen(it->valuestring) + 1);
    } else {
        for (size_t i = 0; i < outputs; i++)
            snprintf(m.labels[i], MODEL_LABEL_MAX, "%zu", i);
    }
    m.n_history = n_history;
    fill_history(training, m.history);
    if (n_schedule > 0) {
        size_t again;
        read_schedule(get(training, "schedule"), &m, m.schedule, &again, NULL); // checked
        m.n_schedule = n_schedule;
    }
    if (!fill_not_a_digit(buf, &nj, &m, outputs, err))
        goto out;
    ok = true;

out:
    cJSON_Delete(root);
    if (!ok) {
        mlp_destroy(&tmp_net);
        model_meta_destroy(&m);
        return false;
    }
    *net = tmp_net;
    *meta = m;
    return true;
}

/* ------------------------------------------------------------- writing */

typedef struct text {
    char *p;
    size_t len, cap;
    bool oom;
} text;

static bool text_reserve(text *t, size_t extra)
{
    if (t->oom)
        return false;
    if (extra <= t->cap - t->len)
        return true;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap - t->len < extra) {
        if (cap > SIZE_MAX / 2) {
            t->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(t->p, cap);
    if (!p) {
        t->oom = true;
        return false;
    }
    t->p = p;
    t->cap = cap;
    return true;
}

static void text_put(text *t, const char *s, size_t n)
{
    if (text_reserve(t, n)) {
        memcpy(t->p + t->len, s, n);
        t->len += n;
    }
}

static void text_puts(text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

static void text_printf(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void text_printf(text *t, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        t->oom = true; // only short, fixed texts are printed this way
        return;
    }
    text_put(t, tmp, (size_t)n);
}

/* A JSON string (json_string.h). */
static void text_string(text *t, const char *s)
{
    size_t n = json_string(NULL, 0, s);
    if (text_reserve(t, n + 1)) {
        json_string(t->p + t->len, n + 1, s);
        t->len += n;
    }
}

/* A double for the meta data (float_text_double). */
static void text_double(text *t, double d)
{
    char buf[FLOAT_TEXT_DOUBLE_MAX];
    text_puts(t, (float_text_double(buf, d), buf));
}

/* A history value: null when it was not measured (or is not finite). */
static void text_measure(text *t, double d)
{
    if (isfinite(d))
        text_double(t, d);
    else
        text_puts(t, "null");
}

/* A row of n floats as "[a, b, c]". Returns false (with err) for a
 * non-finite value, which JSON cannot hold. */
static bool text_floats(text *t, const float *v, size_t n, const char *what, size_t row,
                        dp_error *err)
{
    // Each number takes at most 15 bytes ("-1.23456789e-38") plus ", ".
    if (!text_reserve(t, n * 17 + 32))
        return true; // t->oom reports it
    char *o = t->p + t->len;
    *o++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            if (row == SIZE_MAX)
                return dp_fail(err, "%s[%zu] is %g: a model with non-finite weights cannot be "
                               "saved", what, i, (double)v[i]);
            return dp_fail(err, "%s[%zu][%zu] is %g: a model with non-finite weights cannot be "
                           "saved", what, row, i, (double)v[i]);
        }
        if (i > 0) {
            *o++ = ',';
            *o++ = ' ';
        }
        o += float_text(o, v[i]);
    }
    *o++ = ']';
    t->len = (size_t)(o - t->p);
    return true;
}

/* Checks that meta describes net and holds only what the format can say. */
static bool check_for_write(const mlp *net, const model_meta *meta, dp_error *err)
{
    if (net->n_layers < 1 || net->n_layers > MLP_MAX_LAYERS || !net->params)
        return dp_fail(err, "the network has no layers");
    size_t inputs = net->sizes[0], outputs = net->sizes[net->n_layers];
    for (size_t l = 0; l + 1 < net->n_layers; l++)
        if (!mlp_activation_is_hidden(net->layers[l].act))
            return dp_fail(err, "layer %zu's activation %s is not a hidden one", l,
                           mlp_activation_name(net->layers[l].act));
    if (net->layers[net->n_layers - 1].act != MLP_ACT_SOFTMAX)
        return dp_fail(err, "the last layer's activation must be softmax");
    if (meta->height < 1 || meta->width < 1 || meta->height > MLP_MAX_UNITS ||
        meta->width > MLP_MAX_UNITS || meta->height * meta->width != inputs)
        return dp_fail(err, "the input is %zux%zu pixels but the network takes %zu inputs",
                       meta->height, meta->width, inputs);
    if (!model_meta_scale_ok(meta->scale))
        return dp_fail(err, "input scale %g is not between %g and %g", meta->scale, MODEL_SCALE_MIN,
                       MODEL_SCALE_MAX);
    if (meta->preprocess != MODEL_PREPROCESS_MNIST && meta->preprocess != MODEL_PREPROCESS_NONE)
        return dp_fail(err, "unknown preprocessing %d", (int)meta->preprocess);
    if (meta->n_labels != outputs || !meta->labels)
        return dp_fail(err, "%zu labels for %zu outputs", meta->n_labels, outputs);
    for (size_t i = 0; i < meta->n_labels; i++)
        if (!model_meta_label_ok(meta->labels[i]))
            return dp_fail(err, "label %zu is empty, longer than %d bytes or not UTF-8", i,
                           MODEL_LABEL_MAX - 1);
    const novelty *nv = meta->not_a_digit;
    if (nv && (nv->inputs != inputs || nv->n_classes != outputs || !nv->block ||
               nv->height != meta->height || nv->width != meta->width ||
               nv->n_components < 1 || nv->n_components > NOVELTY_MAX_COMPONENTS ||
               nv->features > NOVELTY_MAX_FEATURES))
        return dp_fail(err, "the not-a-digit detector is for %zu inputs and %zu classes, the "
                       "network has %zu and %zu", nv->inputs, nv->n_classes, inputs, outputs);
    if (nv && (!(nv->median > 0 && isfinite(nv->median)) ||
               !(nv->threshold > 0 && isfinite(nv->threshold)) ||
               !(nv->test_flagged >= 0 && nv->test_flagged < 1) ||
               !(nv->held_out_flagged >= 0 && nv->held_out_flagged < 1)))
        return dp_fail(err, "the not-a-digit detector's median, threshold or test share is out "
                       "of range");
    if (!meta->has_training)
        return true;
    if (strnlen(meta->dataset, sizeof meta->dataset) == 0 ||
        strnlen(meta->dataset, sizeof meta->dataset) == sizeof meta->dataset ||
        !json_utf8_valid(meta->dataset, NULL))
        return dp_fail(err, "the dataset name is empty, longer than %zu bytes or not UTF-8",
                       sizeof meta->dataset - 1);
    if (meta->epochs < 0 || meta->epochs > MODEL_MAX_EPOCHS)
        return dp_fail(err, "%d epochs is outside 0 to %d", meta->epochs, MODEL_MAX_EPOCHS);
    if (meta->batch_size < 1 || meta->batch_size > MODEL_MAX_BATCH)
        return dp_fail(err, "batch size %zu is outside 1 to %d", meta->batch_size,
                       MODEL_MAX_BATCH);
    if (meta->seed > MODEL_MAX_SEED)
        return dp_fail(err, "seed %llu is larger than 2^53, which a JSON number cannot hold "
                       "exactly", (unsigned long long)meta->seed);
    if (!(meta->learning_rate > 0 && isfinite(meta->learning_rate)) ||
        !(meta->epsilon > 0 && isfinite(meta->epsilon)) ||
        !(meta->beta_1 >= 0 && meta->beta_1 < 1) || !(meta->beta_2 >= 0 && meta->beta_2 < 1))
        return dp_fail(err, "the optimizer settings are out of range");
    if (meta->n_history > MODEL_MAX_HISTORY || (meta->n_history > 0 && !meta->history))
        return dp_fail(err, "%zu epochs of history, at most %d", meta->n_history,
                       MODEL_MAX_HISTORY);
    for (size_t i = 0; i < meta->n_history; i++)
        if (meta->history[i].epoch < 0 || meta->history[i].epoch > MODEL_MAX_EPOCHS)
            return dp_fail(err, "history epoch number %d is outside 0 to %d",
                           meta->history[i].epoch, MODEL_MAX_EPOCHS);
    if (meta->has_progress && !check_progress_values(meta, err))
        return false;
    if (meta->n_schedule > MODEL_MAX_SCHEDULE || (meta->n_schedule > 0 && !meta->schedule))
        return dp_fail(err, "%zu changes of the settings, at most %d", meta->n_schedule,
                       MODEL_MAX_SCHEDULE);
    return check_schedule_values(meta, meta->schedule, meta->n_schedule, 0, err);
}

/* The "not_a_digit" section: the settings on a line, then one row per
 * class mean and per direction. */
static bool write_not_a_digit(text *t, const novelty *nv, dp_error *err)
{
    text_printf(t, ",\n  \"not_a_digit\": {\n    \"method\": \"gradient-subspace\", \"cell\": %zu, "
                   "\"bins\": %zu, \"components\": %zu,\n    \"median\": ",
                nv->cell, nv->bins, nv->n_components);
    text_double(t, nv->median);
    text_puts(t, ", \"threshold\": ");
    text_double(t, nv->threshold);
    text_puts(t, ", \"held_out_flagged\": ");
    text_double(t, nv->held_out_flagged);
    text_puts(t, ", \"test_flagged\": ");
    text_double(t, nv->test_flagged);
    text_puts(t, ",\n    \"means\": [\n");
    size_t rows[2] = {nv->n_classes, nv->n_classes * nv->n_components};
    const float *data[2] = {nv->means, nv->components};
    const char *what[2] = {"not_a_digit.means", "not_a_digit.directions"};
    for (int a = 0; a < 2; a++) {
        if (a == 1)
            text_puts(t, "    ],\n    \"directions\": [\n");
        for (size_t r = 0; r < rows[a]; r++) {
            text_puts(t, "      ");
            if (!text_floats(t, data[a] + r * nv->features, nv->features, what[a], r, err))
                return false;
            text_puts(t, r + 1 < rows[a] ? ",\n" : "\n");
        }
    }
    text_puts(t, "    ]\n  }");
    return true;
}

static bool write_text(text *t, const mlp *net, const model_meta *meta, dp_error *err)
{
    text_puts(t, "{\n  \"format\": \"" FORMAT_NAME "\",\n");
    int version = 1;
    for (size_t l = 0; l + 1 < net->n_layers; l++)
        if (net->layers[l].act != MLP_ACT_RELU)
            version = 2;
    text_printf(t, "  \"version\": %d,\n", version);
    text_printf(t, "  \"input\": {\"height\": %zu, \"width\": %zu, \"scale\": ", meta->height,
                meta->width);
    text_double(t, meta->scale);
    text_printf(t, ", \"preprocess\": \"%s\"},\n",
                meta->preprocess == MODEL_PREPROCESS_NONE ? "none" : "mnist");
    text_puts(t, "  \"labels\": [");
    for (size_t i = 0; i < meta->n_labels; i++) {
        if (i > 0)
            text_puts(t, ", ");
        text_string(t, meta->labels[i]);
    }
    text_puts(t, "],\n  \"layers\": [\n");
    char what[48];
    for (size_t l = 0; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        text_printf(t, "    {\n      \"type\": \"dense\",\n      \"activation\": \"%s\",\n"
                       "      \"kernel\": [\n",
                    l + 1 == net->n_layers ? "softmax" : mlp_activation_name(L->act));
        snprintf(what, sizeof what, "layers[%zu].kernel", l);
        for (size_t r = 0; r < L->in; r++) {
            text_puts(t, "        ");
            if (!text_floats(t, L->kernel + r * L->out, L->out, what, r, err))
                return false;
            text_puts(t, r + 1 < L->in ? ",\n" : "\n");
        }
        text_puts(t, "      ],\n      \"bias\": ");
        snprintf(what, sizeof what, "layers[%zu].bias", l);
        if (!text_floats(t, L->bias, L->out, what, SIZE_MAX, err))
            return false;
        text_puts(t, l + 1 < net->n_layers ? "\n    },\n" : "\n    }\n");
    }
    text_puts(t, "  ]");
    if (meta->has_training) {
        text_puts(t, ",\n  \"training\": {\n    \"dataset\": ");
        text_string(t, meta->dataset);
        text_printf(t, ",\n    \"epochs\": %d,\n    \"batch_size\": %zu,\n    \"seed\": %llu,\n",
                    meta->epochs, meta->batch_size, (unsigned long long)meta->seed);
        text_puts(t, "    \"optimizer\": {\"name\": \"adam\", \"learning_rate\": ");
        text_double(t, meta->learning_rate);
        text_puts(t, ", \"beta_1\": ");
        text_double(t, meta->beta_1);
        text_puts(t, ", \"beta_2\": ");
        text_double(t, meta->beta_2);
        text_puts(t, ", \"epsilon\": ");
        text_double(t, meta->epsilon);
        text_puts(t, "},\n    \"history\": [");
        for (size_t i = 0; i < meta->n_history; i++) {
            const model_epoch *e = &meta->history[i];
            text_printf(t, "%s\n      {\"epoch\": %d, \"loss\": ", i ? "," : "", e->epoch);
            text_measure(t, e->loss);
            text_puts(t, ", \"accuracy\": ");
            text_measure(t, e->accuracy);
            text_puts(t, ", \"val_loss\": ");
            text_measure(t, e->val_loss);
            text_puts(t, ", \"val_accuracy\": ");
            text_measure(t, e->val_accuracy);
            text_puts(t, "}");
        }
        text_puts(t, meta->n_history ? "\n    ]" : "]");
        if (meta->n_schedule) {
            text_puts(t, ",\n    \"schedule\": [");
            for (size_t i = 0; i < meta->n_schedule; i++) {
                const model_setting *c = &meta->schedule[i];
                text_printf(t, "%s\n      {\"epoch\": %d, \"samples_done\": %zu, "
                               "\"learning_rate\": ", i ? "," : "", c->epoch, c->samples_done);
                text_double(t, c->learning_rate);
                text_printf(t, ", \"batch_size\": %zu}", c->batch_size);
            }
            text_puts(t, "\n    ]");
        }
        if (meta->has_progress) {
            const model_progress *p = &meta->progress;
            text_printf(t, ",\n    \"progress\": {\"epoch\": %d, \"samples_done\": %zu, "
                           "\"samples_per_epoch\": %zu, \"batches_done\": %zu, "
                           "\"batches_per_epoch\": %zu, ",
                        p->epoch, p->samples_done, p->samples_per_epoch, p->batches_done,
                        p->batches_per_epoch);
            text_printf(t, "\"global_step\": %llu, \"loss\": ",
                        (unsigned long long)p->global_step);
            text_measure(t, p->loss);
            text_puts(t, ", \"accuracy\": ");
            text_measure(t, p->accuracy);
            text_printf(t, ", \"shuffle_seed\": %llu, \"shuffles\": %llu}",
                        (unsigned long long)p->shuffle_seed, (unsigned long long)p->shuffles);
        }
        text_puts(t, "\n  }");
    }
    if (meta->not_a_digit && !write_not_a_digit(t, meta->not_a_digit, err))
        return false;
    text_puts(t, "\n}\n");
    if (t->oom)
        return dp_fail(err, "out of memory");
    return true;
}

bool model_file_check(const mlp *net, const model_meta *meta, dp_error *err)
{
    return check_for_write(net, meta, err);
}

size_t model_file_max_bytes(size_t params, size_t rows, size_t layers, size_t outputs)
{
    // Per number: "-1.17549435e-38" and ", ". Per kernel row: its indent,
    // brackets, comma and newline. Per layer: type, activation, the keys
    // around kernel and bias. Per label: 31 bytes as \u00XX, quotes and ", ".
    // A history entry: five numbers of up to 24 bytes with their keys. The
    // rest (format, input, the training scalars and the dataset's name) is
    // well under 2 KiB.
    // A schedule entry: four numbers with their keys, under 140 bytes; the
    // progress record, under 400.
    return params * 17 + rows * 12 + layers * 160 + outputs * (31 * 6 + 4) +
           MODEL_MAX_HISTORY * 220 + MODEL_MAX_SCHEDULE * 140 + 2048 + 400;
}

bool model_file_write(const mlp *net, const model_meta *meta, char **out, size_t *out_len,
                      dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!check_for_write(net, meta, err))
        return false;
    // printf and strtod follow LC_NUMERIC; JSON wants '.' whatever the user's locale.
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        return dp_fail(err, "cannot create the C locale: %s", strerror(errno));
    locale_t old = uselocale(c_locale);

    text t = {0};
    // About 11 bytes per number in practice; one reservation covers most models.
    size_t numbers = net->n_params;
    if (meta->not_a_digit)
        numbers += meta->not_a_digit->n_classes * meta->not_a_digit->features *
                   (1 + meta->not_a_digit->n_components);
    text_reserve(&t, numbers * 12 + meta->n_labels * 40 + meta->n_history * 160 +
                        meta->n_schedule * 140 + 4096);
    t.oom = false;
    bool ok = write_text(&t, net, meta, err);
    uselocale(old);
    freelocale(c_locale);
    if (!ok || !text_reserve(&t, 1)) {
        free(t.p);
        return ok ? dp_fail(err, "out of memory") : false;
    }
    if (t.len > MODEL_FILE_MAX_BYTES) { // cannot happen within the caps (model_file_max_bytes)
        free(t.p);
        return dp_fail(err, "the model takes %zu bytes as JSON, more than the %zu MiB a model "
                            "file may have", t.len, MODEL_FILE_MAX_BYTES >> 20);
    }
    t.p[t.len] = '\0';
    *out = t.p;
    *out_len = t.len;
    return true;
}

/* ---------------------------------------------------------------- files */

/* Reads all of path (at most max_len bytes) into a new buffer. */
static bool read_all(const char *path, size_t max_len, uint8_t **out, size_t *out_len,
                     dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    // Not blocking on a FIFO, refusing what is not a regular file.
    struct stat st;
    int fd = dp_open_regular(path, &st, err);
    if (fd < 0)
        return false;
    if ((uintmax_t)st.st_size > max_len) {
        close(fd);
        return dp_fail(err, "%jd bytes is more than the %zu MiB limit", (intmax_t)st.st_size,
                       max_len >> 20);
    }
    // The size is a hint only: the file may change while it is read.
    size_t cap = (size_t)st.st_size + 1, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return dp_fail(err, "out of memory for %zu bytes", cap);
    }
    for (;;) {
        if (len == cap) {
            if (cap > max_len) {
                free(buf);
                close(fd);
                return dp_fail(err, "more than the %zu MiB limit", max_len >> 20);
            }
            size_t ncap = cap > max_len / 2 ? max_len + 1 : cap * 2;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                close(fd);
                return dp_fail(err, "out of memory for %zu bytes", ncap);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return dp_fail(err, "cannot read: %s", strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len > max_len) {
        free(buf);
        return dp_fail(err, "more than the %zu MiB limit", max_len >> 20);
    }
    *out = buf;
    *out_len = len;
    return true;
}

bool model_file_load(const char *path, mlp *net, model_meta *meta, dp_error *err)
{
    uint8_t *buf;
    size_t len;
    if (!read_all(path, MODEL_FILE_MAX_BYTES, &buf, &len, err))
        return false;
    bool ok = model_file_parse(buf, len, net, meta, err);
    free(buf);
    return ok;
}

bool model_file_save(const char *path, const mlp *net, const model_meta *meta, dp_error *err)
{
    return model_file_save_noted(path, net, meta, NULL, 0, err);
}

bool model_file_save_noted(const char *path, const mlp *net, const model_meta *meta, char *note,
                           size_t note_len, dp_error *err)
{
    char *text;
    size_t len;
    if (note && note_len)
        note[0] = '\0';
    if (!model_file_write(net, meta, &text, &len, err))
        return false;
    bool ok = dp_write_file_atomic_noted(path, text, len, note, note_len, err);
    free(text);
    return ok;
}

