/* model_meta.c: everything a model file holds besides the weights
 * (model_meta.h). */
#include "model_meta.h"

#include "json_string.h"
#include "novelty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

void model_meta_training_defaults(model_meta *meta)
{
    snprintf(meta->dataset, sizeof meta->dataset, "mnist");
    meta->epochs = 0;
    meta->batch_size = 32;
    meta->seed = 1;
    meta->learning_rate = 0.001;
    meta->beta_1 = 0.9;
    meta->beta_2 = 0.999;
    meta->epsilon = 1e-7;
}

bool model_meta_scale_ok(double scale)
{
    return scale >= MODEL_SCALE_MIN && scale <= MODEL_SCALE_MAX; // false for NaN too
}

bool model_meta_label_ok(const char *s)
{
    size_t n = strnlen(s, MODEL_LABEL_MAX);
    return n > 0 && n < MODEL_LABEL_MAX && json_utf8_valid(s, NULL);
}

bool model_meta_labels_default(const model_meta *meta)
{
    char want[MODEL_LABEL_MAX];
    for (size_t i = 0; i < meta->n_labels; i++) {
        snprintf(want, sizeof want, "%zu", i);
        if (strcmp(meta->labels[i], want) != 0)
            return false;
    }
    return true;
}

bool model_meta_default(model_meta *meta, size_t height, size_t width, size_t outputs, dp_error *err)
{
    memset(meta, 0, sizeof *meta);
    if (height < 1 || width < 1 || height > MLP_MAX_UNITS || width > MLP_MAX_UNITS ||
        height * width > MLP_MAX_UNITS)
        return dp_fail(err, "an input of %zux%zu pixels is outside 1 to %d pixels", height, width,
                       MLP_MAX_UNITS);
    if (outputs < 1 || outputs > MLP_MAX_UNITS)
        return dp_fail(err, "%zu outputs is outside 1 to %d", outputs, MLP_MAX_UNITS);
    char(*labels)[MODEL_LABEL_MAX] = calloc(outputs, sizeof *labels);
    if (!labels)
        return dp_fail(err, "out of memory");
    for (size_t i = 0; i < outputs; i++)
        snprintf(labels[i], MODEL_LABEL_MAX, "%zu", i);
    meta->height = height;
    meta->width = width;
    meta->scale = 1.0 / 255.0;
    meta->preprocess = MODEL_PREPROCESS_MNIST;
    meta->n_labels = outputs;
    meta->labels = labels;
    meta->has_training = false;
    model_meta_training_defaults(meta);
    return true;
}

bool model_meta_copy(model_meta *dst, const model_meta *src, dp_error *err)
{
    model_meta m = *src;
    m.labels = NULL;
    m.history = NULL;
    m.schedule = NULL;
    m.not_a_digit = NULL;
    if (src->n_labels > 0) {
        m.labels = malloc(src->n_labels * sizeof *m.labels);
        if (!m.labels)
            goto oom;
        memcpy(m.labels, src->labels, src->n_labels * sizeof *m.labels);
    }
    if (src->n_history > 0) {
        m.history = malloc(src->n_history * sizeof *m.history);
        if (!m.history)
            goto oom;
        memcpy(m.history, src->history, src->n_history * sizeof *m.history);
    }
    if (src->n_schedule > 0) {
        m.schedule = malloc(src->n_schedule * sizeof *m.schedule);
        if (!m.schedule)
            goto oom;
        memcpy(m.schedule, src->schedule, src->n_schedule * sizeof *m.schedule);
    }
    if (src->not_a_digit) {
        m.not_a_digit = malloc(sizeof *m.not_a_digit);
        if (!m.not_a_digit || !novelty_copy(m.not_a_digit, src->not_a_digit, NULL))
            goto oom;
    }
    *dst = m;
    return true;
oom:
    free(m.not_a_digit);
    free(m.schedule);
    free(m.history);
    free(m.labels);
    memset(dst, 0, sizeof *dst);
    return dp_fail(err, "out of memory");
}

bool model_meta_add_epoch(model_meta *meta, const model_epoch *e, dp_error *err)
{
    if (meta->n_history >= MODEL_MAX_HISTORY) {
        // Full: the oldest epoch makes room, so training can go on for ever.
        memmove(meta->history, meta->history + 1,
                (MODEL_MAX_HISTORY - 1) * sizeof *meta->history);
        meta->history[MODEL_MAX_HISTORY - 1] = *e;
        meta->n_history = MODEL_MAX_HISTORY;
    } else {
        model_epoch *h = realloc(meta->history, (meta->n_history + 1) * sizeof *h);
        if (!h)
            return dp_fail(err, "out of memory");
        h[meta->n_history++] = *e;
        meta->history = h;
    }
    meta->has_training = true;
    return true;
}

/* Is a at a later place in training than b? */
static bool setting_after(const model_setting *a, const model_setting *b)
{
    return a->epoch > b->epoch || (a->epoch == b->epoch && a->samples_done > b->samples_done);
}

static bool push_setting(model_meta *meta, const model_setting *s, dp_error *err)
{
    if (meta->n_schedule >= MODEL_MAX_SCHEDULE) {
        // Full: the first entry (how training began) stays, the second goes.
        memmove(meta->schedule + 1, meta->schedule + 2,
                (MODEL_MAX_SCHEDULE - 2) * sizeof *meta->schedule);
        meta->schedule[MODEL_MAX_SCHEDULE - 1] = *s;
        meta->n_schedule = MODEL_MAX_SCHEDULE;
        return true;
    }
    model_setting *n = realloc(meta->schedule, (meta->n_schedule + 1) * sizeof *n);
    if (!n)
        return dp_fail(err, "out of memory");
    n[meta->n_schedule++] = *s;
    meta->schedule = n;
    return true;
}

bool model_meta_note_setting(model_meta *meta, const model_setting *at, double before_lr,
                             size_t before_batch, dp_error *err)
{
    // Entries at this place or past it are superseded: the newest wins.
    while (meta->n_schedule > 0 && !setting_after(at, &meta->schedule[meta->n_schedule - 1]))
        meta->n_schedule--;
    bool ok = true;
    if (meta->n_schedule == 0) {
        bool at_start = at->epoch <= 1 && at->samples_done == 0;
        bool same = at->learning_rate == before_lr && at->batch_size == before_batch;
        if (!at_start && !same) {
            model_setting first = {.epoch = 1, .samples_done = 0, .learning_rate = before_lr,
                                   .batch_size = before_batch};
            ok = push_setting(meta, &first, err) && push_setting(meta, at, err);
        }
    } else {
        const model_setting *last = &meta->schedule[meta->n_schedule - 1];
        if (last->learning_rate != at->learning_rate || last->batch_size != at->batch_size)
            ok = push_setting(meta, at, err);
    }
    if (!ok) {
        meta->n_schedule = 0; // half a schedule would say a wrong thing
    } else {
        // A change undone at the place it was made leaves an entry that
        // changes nothing; the first alone says no more than the section's
        // own settings.
        while (meta->n_schedule >= 2 &&
               meta->schedule[meta->n_schedule - 1].learning_rate ==
                   meta->schedule[meta->n_schedule - 2].learning_rate &&
               meta->schedule[meta->n_schedule - 1].batch_size ==
                   meta->schedule[meta->n_schedule - 2].batch_size)
            meta->n_schedule--;
        if (meta->n_schedule == 1)
            meta->n_schedule = 0;
    }
    meta->learning_rate = at->learning_rate;
    meta->batch_size = at->batch_size;
    return ok;
}

void model_meta_progress_text(const model_meta *meta, char *out, size_t len)
{
    if (!meta->has_progress) {
        if (len)
            out[0] = '\0';
        return;
    }
    const model_progress *p = &meta->progress;
    snprintf(out, len, "epoch %d, %zu of %zu batches", p->epoch, p->batches_done,
             p->batches_per_epoch);
}

bool model_meta_set_not_a_digit(model_meta *meta, novelty *nv, dp_error *err)
{
    novelty *own = NULL;
    if (nv) {
        own = malloc(sizeof *own);
        if (!own)
            return dp_fail(err, "out of memory");
        *own = *nv;
        memset(nv, 0, sizeof *nv);
    }
    if (meta->not_a_digit) {
        novelty_destroy(meta->not_a_digit);
        free(meta->not_a_digit);
    }
    meta->not_a_digit = own;
    return true;
}

void model_meta_destroy(model_meta *meta)
{
    if (meta->not_a_digit) {
        novelty_destroy(meta->not_a_digit);
        free(meta->not_a_digit);
    }
    free(meta->labels);
    free(meta->history);
    free(meta->schedule);
    memset(meta, 0, sizeof *meta);
}

