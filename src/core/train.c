/* train.c: mini-batch training with Adam, and evaluation. */
#include "train.h"

#include "clock.h"
#include "simd.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

train_config train_config_default(void)
{
    train_config c = {
        .batch = 32, .lr = 0.001, .beta_1 = 0.9, .beta_2 = 0.999, .epsilon = 1e-7, .seed = 1,
        .input_scale = DATASET_DEFAULT_SCALE,
        .augment = augment_config_default(false, false),
    };
    return c;
}

/* A label past the last output would be read (and its gradient written)
 * outside the sample's row: refuse such data. */
static bool check_outputs(const mlp *net, const dataset *data, dp_error *err)
{
    size_t outputs = net->sizes[net->n_layers], classes = dataset_classes(data);
    if (classes > outputs)
        return dp_fail(err, "the data has labels 0 to %zu but the network has only %zu output%s",
                       classes - 1, outputs, outputs == 1 ? "" : "s");
    return true;
}

size_t train_work_bytes(const mlp *net, size_t batch)
{
    // mlp_workspace: two deltas of the widest layer and every layer's
    // activations; the dense batch; two sparse batches (uint16 index and
    // float value, by sample and by input); the labels.
    size_t floats = 2 * batch * mlp_max_width(net) + batch * net->sizes[0];
    for (size_t l = 1; l <= net->n_layers; l++)
        floats += batch * net->sizes[l];
    size_t sparse = 2 * (batch * net->sizes[0] * 2 * (sizeof(uint16_t) + sizeof(float)));
    return floats * sizeof(float) + sparse + 2 * batch;
}

bool train_session_init(train_session *s, mlp *net, const dataset *data, const train_config *cfg,
                        dp_error *err)
{
    memset(s, 0, sizeof *s);
    if (cfg->batch < 1 || cfg->batch > 65536)
        return dp_fail(err, "batch size %zu is outside 1 to 65536", cfg->batch);
    if (data->count == 0)
        return dp_fail(err, "no training samples");
    if (data->count > UINT32_MAX)
        return dp_fail(err, "too many training samples");
    if (data->rows * data->cols != net->sizes[0])
        return dp_fail(err, "the data's %zux%zu images do not fit the network's %zu inputs",
                       data->rows, data->cols, net->sizes[0]);
    if (!check_outputs(net, data, err))
        return false;
    if (!(cfg->input_scale >= 0 && isfinite(cfg->input_scale)))
        return dp_fail(err, "input scale %g is not a positive number", cfg->input_scale);
    s->net = net;
    s->data = data;
    s->cfg = *cfg;
    if (s->cfg.input_scale == 0)
        s->cfg.input_scale = DATASET_DEFAULT_SCALE;
    // No batch is bigger than the data: size the working memory by that.
    size_t work = cfg->batch < data->count ? cfg->batch : data->count;
    size_t need = train_work_bytes(net, work);
    if (need > TRAIN_MAX_WORK_BYTES)
        return dp_fail(err, "a batch of %zu through layers up to %zu wide needs %zu MiB of "
                            "working memory, over the cap of %zu MiB (make the batch smaller)",
                       work, mlp_max_width(net), need >> 20, TRAIN_MAX_WORK_BYTES >> 20);
    size_t n = net->n_params;
    s->grads = dp_floats(n);
    s->m = dp_floats(n);
    s->v = dp_floats(n);
    s->x = dp_floats(work * net->sizes[0]);
    s->y = malloc(work);
    s->y_next = malloc(work);
    s->row_inked = calloc(net->sizes[0], 1);
    s->live_rows = malloc(net->sizes[0] * sizeof *s->live_rows);
    s->order = malloc(data->count * sizeof *s->order);
    if (!s->grads || !s->m || !s->v || !s->x || !s->y || !s->y_next || !s->row_inked ||
        !s->live_rows || !s->order ||
        !mlp_workspace_init(&s->ws, net, work, err) ||
        !mlp_sparse_init(&s->sx, work, net->sizes[0], err) ||
        !mlp_sparse_init(&s->sx_next, work, net->sizes[0], err)) {
        train_session_destroy(s);
        return dp_fail(err, "out of memory for training");
    }
    for (size_t i = 0; i < data->count; i++)
        s->order[i] = (uint32_t)i;
    dp_rng_seed(&s->rng, cfg->seed);
    s->order_seed = cfg->seed;
    s->steps_per_epoch = (data->count + cfg->batch - 1) / cfg->batch;
    if (cfg->augment.affine || cfg->augment.elastic) {
        s->feed = malloc(sizeof *s->feed);
        if (!s->feed) {
            train_session_destroy(s);
            return dp_fail(err, "out of memory for training");
        }
        // Batches of `work`: with fewer samples than a batch, the one batch
        // there is (the same batches as of cfg->batch).
        if (!augment_batch_init(&s->fed, work, net->sizes[0], err) ||
            !augment_feed_init(s->feed, data, &cfg->augment, work, s->cfg.input_scale,
                               cfg->seed, err)) {
            free(s->feed); // a failed init left nothing in it
            s->feed = NULL;
            train_session_destroy(s);
            return false;
        }
    }
    return true;
}

void train_session_destroy(train_session *s)
{
    if (s->feed) // stopped before anything it reads is freed
        augment_feed_destroy(s->feed);
    free(s->feed);
    augment_batch_destroy(&s->fed);
    free(s->grads);
    free(s->m);
    free(s->v);
    free(s->x);
    free(s->y);
    free(s->order);
    mlp_workspace_destroy(&s->ws);
    mlp_sparse_destroy(&s->sx);
    mlp_sparse_destroy(&s->sx_next);
    free(s->y_next);
    free(s->row_inked);
    free(s->live_rows);
    dataset_nonzero_destroy(&s->nz);
    memset(s, 0, sizeof *s);
}

static double clock_us(void)
{
    return dp_clock_seconds() * 1e6;
}

/* The ink index of the training set, made by the first step rather than
 * by train_session_init: the window creates its session on the UI thread,
 * and 20 ms there is a dropped frame. Without the memory for it, batches
 * are made by testing every pixel instead: slower, the same bits. */
static const dataset_nonzero *session_index(train_session *s)
{
    if (!s->nz_tried) {
        s->nz_tried = true;
        dp_error ignored;
        dataset_nonzero_build(&s->nz, s->data, &ignored);
    }
    return s->nz.count == s->data->count ? &s->nz : NULL;
}

/* Builds the samples [first, first + n) of this epoch's order into the
 * sparse batch sx and its by-input view, or returns false when the batch is
 * too dense for it (see MLP_SPARSE_MAX_DENSITY). */
static bool build_sparse(train_session *s, size_t first, size_t n, mlp_sparse_batch *sx, uint8_t *y)
{
    size_t nnz = dataset_batch_sparse_scaled(s->data, session_index(s), s->order + first, 0, n,
                                             s->cfg.input_scale, sx, y);
    if (!dataset_sparse_enough(s->data, nnz, n))
        return false;
    mlp_sparse_transpose(sx);
    return true;
}

/* Adam leaves a kernel row alone, to the bit, until its gradient is first
 * non-zero: with m = v = g = 0 the step subtracts alpha * 0 / (0 + eps).
 * The rows of inputs no batch has inked yet are left out of the sweep:
 * for MNIST 67 pixels are blank in every training image, and early on
 * many more, 8 % of the update at least. Marks the inputs this batch inks
 * and rebuilds the list of rows to sweep when one is new. */
static void note_inked_rows(train_session *s, const mlp_sparse_batch *x)
{
    bool grew = false;
    for (size_t i = 0; i < x->inputs; i++)
        if (!s->row_inked[i] && x->col_start[i + 1] != x->col_start[i]) {
            s->row_inked[i] = 1;
            grew = true;
        }
    if (!grew)
        return;
    s->n_live_rows = 0;
    for (size_t i = 0; i < x->inputs; i++)
        if (s->row_inked[i])
            s->live_rows[s->n_live_rows++] = (uint16_t)i;
}

/* Adds the time since *mark to *part and moves the mark, when timing. */
static void lap(bool on, double *mark, double *part)
{
    if (!on)
        return;
    double t = clock_us();
    *part += t - *mark;
    *mark = t;
}

float train_session_step(train_session *s, bool *epoch_done)
{
    bool timing = s->times != NULL;
    train_step_times parts = {0};
    double mark = timing ? clock_us() : 0.0;
    size_t batch = s->cfg.batch, count = s->data->count;
    if (s->replay) {
        // Resumed part way into an epoch: its order made again.
        for (size_t i = 0; i < count; i++)
            s->order[i] = (uint32_t)i;
        dp_rng_seed(&s->rng, s->order_seed);
        for (uint64_t k = 0; k < s->shuffles; k++)
            dataset_shuffle(s->order, count, &s->rng);
        s->replay = false;
        s->next_ready = false;
    }
    if (s->sample == 0) {
        // A new epoch: shuffle, and start its running figures afresh.
        dataset_shuffle(s->order, count, &s->rng);
        s->shuffles++;
        s->steps_per_epoch = (count + batch - 1) / batch;
        s->loss_sum = 0.0;
        s->correct = 0;
        s->seen = 0;
        s->next_ready = false;
    }
    size_t first = s->sample;
    size_t n = count - first < batch ? count - first : batch;
    size_t next = first + n, next_n = count - next < batch ? count - next : batch;
    bool sparse;
    if (s->feed) {
        // Made by the producer thread from the same order, distorted. The
        // ink index is of the stored images, so the producer built the
        // sparse batch from the distorted ones themselves.
        if (!augment_feed_next(s->feed, &s->fed))
            return NAN; // the feed is only stopped by train_session_destroy
        n = s->fed.n;
        next_n = 0;
        sparse = s->fed.sparse;
        memcpy(s->y, s->fed.labels, n);
        if (sparse) {
            mlp_sparse_batch t = s->sx;
            s->sx = s->fed.sx;
            s->fed.sx = t;
        } else {
            augment_batch_floats(&s->fed, s->x);
        }
    } else if (s->next_ready) {
        // Made during the last step, while its index entries were in cache.
        mlp_sparse_batch t = s->sx;
        s->sx = s->sx_next;
        s->sx_next = t;
        uint8_t *ty = s->y;
        s->y = s->y_next;
        s->y_next = ty;
        s->next_ready = false;
        sparse = true;
    } else {
        sparse = build_sparse(s, first, n, &s->sx, s->y);
        if (!sparse)
            dataset_batch_scaled(s->data, s->order + first, 0, n, s->cfg.input_scale, s->x, s->y);
    }
    // The next batch's index entries (or images) start loading now and are
    // made into a batch after this one's forward and backward passes,
    // before Adam's sweep over 1.2 MB of parameters and moments pushes them
    // out of the cache.
    if (next_n)
        dataset_prefetch(s->data, session_index(s), s->order + next, next_n);
    lap(timing, &mark, &parts.batch_us);

    dp_fp_mode fp_mode = dp_flush_denormals_begin(); // as TensorFlow trains: see simd.h
    s->t++;
    // Adam computes in float, as TensorFlow does; the config keeps the decimals.
    adam_step a = adam_constants((float)s->cfg.lr, (float)s->cfg.beta_1, (float)s->cfg.beta_2,
                                 (float)s->cfg.epsilon, s->t);
    float *p = s->net->params;
    size_t n_params = s->net->n_params;
    double loss;
    if (sparse) {
        mlp_forward_sparse(s->net, &s->ws, &s->sx);
        lap(timing, &mark, &parts.forward_us);
        const float *d0 =
            mlp_backward_sparse_upper(s->net, &s->ws, s->grads, &s->sx, s->y, &s->correct, &loss);
        lap(timing, &mark, &parts.backward_us);
        if (next_n)
            s->next_ready = build_sparse(s, next, next_n, &s->sx_next, s->y_next);
        lap(timing, &mark, &parts.batch_us);
        // Every parameter but the first kernel's, whose gradient is made and
        // applied row by row.
        mlp_offsets o = mlp_layer_offsets(s->net, 0);
        size_t kn = s->net->sizes[0] * s->net->sizes[1];
        adam_apply(p, s->grads, s->m, s->v, o.kernel, &a);
        adam_apply(p + o.kernel + kn, s->grads + o.kernel + kn, s->m + o.kernel + kn,
                   s->v + o.kernel + kn, n_params - o.kernel - kn, &a);
        note_inked_rows(s, &s->sx);
        sparse_adam_rows(p + o.kernel, s->m + o.kernel, s->v + o.kernel, d0, &s->sx,
                         s->net->sizes[1], &a, s->live_rows, s->n_live_rows);
    } else {
        mlp_forward(s->net, &s->ws, s->x, n);
        lap(timing, &mark, &parts.forward_us);
        loss = mlp_backward(s->net, &s->ws, s->grads, s->x, s->y, n, &s->correct);
        lap(timing, &mark, &parts.backward_us);
        adam_apply(p, s->grads, s->m, s->v, n_params, &a);
        // Every row was updated here: from now on every row is swept.
        memset(s->row_inked, 1, s->net->sizes[0]);
        for (size_t i = 0; i < s->net->sizes[0]; i++)
            s->live_rows[i] = (uint16_t)i;
        s->n_live_rows = s->net->sizes[0];
    }
    dp_flush_denormals_end(fp_mode);
    lap(timing, &mark, &parts.update_us);
    if (timing) {
        parts.sparse = sparse;
        *s->times = parts;
    }
    s->loss_sum += loss;
    s->seen += n;
    s->sample += n;
    s->step++;
    bool done = s->sample >= count;
    if (done) {
        // steps_per_epoch stays the ended epoch's until the next one begins
        s->sample = 0;
        s->step = 0;
        s->epoch++;
    }
    if (epoch_done)
        *epoch_done = done;
    return (float)(loss / (double)n);
}

void train_session_stop_distortions(train_session *s)
{
    if (!s->feed)
        return;
    augment_feed_destroy(s->feed);
    free(s->feed);
    s->feed = NULL;
    s->cfg.augment.affine = s->cfg.augment.elastic = false;
    s->next_ready = false; // the stored images' path makes its next batch afresh
}

void train_session_position(const train_session *s, train_position *out)
{
    size_t count = s->data->count, batch = s->cfg.batch;
    memset(out, 0, sizeof *out);
    out->samples = count;
    out->samples_done = s->sample;
    out->batches_done = s->step;
    out->batches_left = (count - s->sample + batch - 1) / batch;
    out->order_seed = s->order_seed;
    out->shuffles = s->shuffles;
    out->loss_sum = s->loss_sum;
    out->correct = s->correct;
    out->seen = s->seen;
}

void train_position_from_progress(const model_progress *p, train_position *out)
{
    memset(out, 0, sizeof *out);
    out->samples = p->samples_per_epoch;
    out->samples_done = p->samples_done;
    out->batches_done = p->batches_done;
    out->batches_left = p->batches_per_epoch - p->batches_done;
    out->order_seed = p->shuffle_seed;
    out->shuffles = p->shuffles;
    if (!isnan(p->loss) && !isnan(p->accuracy)) {
        out->seen = p->samples_done;
        out->loss_sum = p->loss * (double)p->samples_done;
        out->correct = (size_t)llround(p->accuracy * (double)p->samples_done);
    }
}

bool train_session_resume(train_session *s, const train_position *pos, bool *exact)
{
    size_t count = s->data->count, batch = s->cfg.batch;
    if (exact)
        *exact = false;
    if (pos->samples != count || pos->samples_done == 0 || pos->samples_done >= count || s->feed)
        return false;
    bool remake = pos->shuffles > 0 && pos->shuffles <= TRAIN_MAX_REPLAY_DRAWS / count;
    if (remake) {
        s->order_seed = pos->order_seed;
        s->shuffles = pos->shuffles;
    } else {
        // A fresh shuffle from the session's own seed: one, as a first epoch's.
        s->order_seed = s->cfg.seed;
        s->shuffles = 1;
    }
    s->replay = true;
    s->sample = pos->samples_done;
    s->step = pos->batches_done;
    s->steps_per_epoch = s->step + (count - s->sample + batch - 1) / batch;
    s->loss_sum = pos->loss_sum;
    s->correct = pos->correct;
    s->seen = pos->seen;
    if (exact)
        *exact = remake;
    return true;
}

void train_session_move(train_session *dst, train_session *src)
{
    size_t n = src->net->n_params, inputs = src->net->sizes[0], count = src->data->count;
    memcpy(dst->m, src->m, n * sizeof *dst->m);
    memcpy(dst->v, src->v, n * sizeof *dst->v);
    dst->t = src->t;
    memcpy(dst->row_inked, src->row_inked, inputs);
    memcpy(dst->live_rows, src->live_rows, inputs * sizeof *dst->live_rows);
    dst->n_live_rows = src->n_live_rows;
    dst->nz = src->nz;
    dst->nz_tried = src->nz_tried;
    memset(&src->nz, 0, sizeof src->nz);
    memcpy(dst->order, src->order, count * sizeof *dst->order);
    dst->rng = src->rng;
    dst->order_seed = src->order_seed;
    dst->shuffles = src->shuffles;
    dst->replay = src->replay;
    dst->epoch = src->epoch;
    dst->sample = src->sample;
    dst->step = src->step;
    // The batches left, at the new size, after the ones done at the old.
    dst->steps_per_epoch = dst->step + (count - dst->sample + dst->cfg.batch - 1) / dst->cfg.batch;
    dst->loss_sum = src->loss_sum;
    dst->correct = src->correct;
    dst->seen = src->seen;
    dst->times = src->times;
}

double train_session_loss(const train_session *s)
{
    return s->seen ? s->loss_sum / (double)s->seen : 0.0;
}

double train_session_accuracy(const train_session *s)
{
    return s->seen ? (double)s->correct / (double)s->seen : 0.0;
}

void train_session_reset(train_session *s)
{
    if (s->feed) {
        // From the seed again, as a fresh session. Without the memory for
        // that (a failed init frees what it made), undistorted batches.
        dp_error ignored;
        augment_feed_destroy(s->feed);
        if (!augment_feed_init(s->feed, s->data, &s->cfg.augment, s->cfg.batch,
                               s->cfg.input_scale, s->cfg.seed, &ignored)) {
            free(s->feed);
            s->feed = NULL;
        }
    }
    size_t n = s->net->n_params;
    memset(s->grads, 0, n * sizeof *s->grads);
    memset(s->m, 0, n * sizeof *s->m);
    memset(s->v, 0, n * sizeof *s->v);
    s->t = 0;
    s->epoch = 0;
    s->step = 0;
    s->sample = 0;
    s->steps_per_epoch = (s->data->count + s->cfg.batch - 1) / s->cfg.batch;
    s->next_ready = false;
    memset(s->row_inked, 0, s->net->sizes[0]);
    s->n_live_rows = 0;
    s->loss_sum = 0.0;
    s->correct = s->seen = 0;
}

bool evaluate(const mlp *net, const dataset *ds, eval_result *out, dp_error *err)
{
    return evaluate_with(net, ds, NULL, out, err);
}

bool evaluate_detailed(const mlp *net, const dataset *ds, eval_result *out, uint8_t *predicted,
                       float *confidence, dp_error *err)
{
    eval_options o = {.predicted = predicted, .confidence = confidence};
    return evaluate_with(net, ds, &o, out, err);
}

bool evaluate_cancellable(const mlp *net, const dataset *ds, eval_result *out,
                          uint8_t *predicted, float *confidence, const _Atomic bool *stop,
                          dp_error *err)
{
    eval_options o = {.predicted = predicted, .confidence = confidence, .stop = stop};
    return evaluate_with(net, ds, &o, out, err);
}

bool evaluate_with(const mlp *net, const dataset *ds, const eval_options *opt, eval_result *out,
                   dp_error *err)
{
    eval_options o = opt ? *opt : (eval_options){0};
    uint8_t *predicted = o.predicted;
    float *confidence = o.confidence;
    const _Atomic bool *stop = o.stop;
    double scale = o.input_scale == 0 ? DATASET_DEFAULT_SCALE : o.input_scale;
    memset(out, 0, sizeof *out);
    if (ds->rows * ds->cols != net->sizes[0])
        return dp_fail(err, "the data's %zux%zu images do not fit the network's %zu inputs",
                       ds->rows, ds->cols, net->sizes[0]);
    if (!check_outputs(net, ds, err))
        return false;
    if (!(scale > 0 && isfinite(scale)))
        return dp_fail(err, "input scale %g is not a positive number", scale);
    size_t n_out = net->sizes[net->n_layers];
    const size_t batch = 256;
    mlp_workspace ws;
    mlp_sparse_batch sx;
    if (!mlp_workspace_init(&ws, net, batch, err))
        return false;
    if (!mlp_sparse_init(&sx, batch, net->sizes[0], err)) {
        mlp_workspace_destroy(&ws);
        return false;
    }
    float *x = malloc(batch * net->sizes[0] * sizeof *x);
    uint8_t *y = malloc(batch);
    bool ok = x && y;
    if (!ok)
        dp_fail(err, "out of memory for evaluation");
    size_t counted = n_out < 16 ? n_out : 16;
    uint32_t per_class[16] = {0};
    double loss = 0.0;
    size_t correct = 0;
    for (size_t first = 0; ok && first < ds->count; first += batch) {
        if (stop && atomic_load(stop)) {
            ok = dp_fail(err, "evaluation stopped");
            break;
        }
        size_t n = ds->count - first < batch ? ds->count - first : batch;
        const float *probs = dataset_batch_best_scaled(ds, NULL, first, n, scale, &sx, x, y)
                                 ? mlp_forward_sparse(net, &ws, &sx)
                                 : mlp_forward(net, &ws, x, n);
        for (size_t b = 0; b < n; b++) {
            const float *p = probs + b * n_out;
            size_t pred = argmax(p, n_out);
            if (predicted)
                predicted[first + b] = (uint8_t)(pred < 255 ? pred : 255);
            if (confidence)
                confidence[first + b] = p[pred];
            float py = p[y[b]]; // y[b] < n_out: check_outputs
            loss -= log(py < 1e-7f ? 1e-7 : (double)py);
            correct += pred == y[b];
            if (y[b] < counted && pred < counted)
                out->confusion[y[b]][pred]++;
            if (y[b] < counted)
                per_class[y[b]]++;
        }
    }
    if (ok) {
        out->samples = ds->count;
        out->n_classes = counted;
        out->loss = ds->count ? loss / (double)ds->count : 0.0;
        out->accuracy = ds->count ? (double)correct / (double)ds->count : 0.0;
        for (size_t c = 0; c < counted; c++)
            out->per_class_accuracy[c] =
                per_class[c] ? out->confusion[c][c] / (double)per_class[c] : 0.0;
    }
    free(x);
    free(y);
    mlp_sparse_destroy(&sx);
    mlp_workspace_destroy(&ws);
    return ok;
}
