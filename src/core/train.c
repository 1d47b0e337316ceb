/* train.c: mini-batch training with Adam, and evaluation. */
#include "train.h"

#include "simd.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

train_config train_config_default(void)
{
    train_config c = {
        .batch = 32, .lr = 0.001f, .beta_1 = 0.9f, .beta_2 = 0.999f, .epsilon = 1e-7f, .seed = 1,
    };
    return c;
}

/* The update is memory- and divide-bound: wider vectors pay off directly. */
DP_MULTIVERSION
void adam_update(float *restrict params, float *restrict grads, float *restrict m,
                 float *restrict v, size_t n, float lr, float beta_1, float beta_2, float eps,
                 uint64_t t)
{
    double td = (double)t;
    float alpha = (float)(lr * sqrt(1.0 - pow(beta_2, td)) / (1.0 - pow(beta_1, td)));
    float one_b1 = 1.0f - beta_1, one_b2 = 1.0f - beta_2;
    for (size_t i = 0; i < n; i++) {
        float g = grads[i];
        float mi = beta_1 * m[i] + one_b1 * g;
        float vi = beta_2 * v[i] + one_b2 * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= alpha * mi / (sqrtf(vi) + eps);
        grads[i] = 0.0f; // ready for the next batch's accumulation
    }
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
    s->net = net;
    s->data = data;
    s->cfg = *cfg;
    size_t n = net->n_params;
    s->grads = calloc(n, sizeof *s->grads);
    s->m = calloc(n, sizeof *s->m);
    s->v = calloc(n, sizeof *s->v);
    s->x = malloc(cfg->batch * net->sizes[0] * sizeof *s->x);
    s->y = malloc(cfg->batch);
    s->order = malloc(data->count * sizeof *s->order);
    if (!s->grads || !s->m || !s->v || !s->x || !s->y || !s->order ||
        !mlp_workspace_init(&s->ws, net, cfg->batch, err) ||
        !mlp_sparse_init(&s->sx, cfg->batch, net->sizes[0], err)) {
        train_session_destroy(s);
        return dp_fail(err, "out of memory for training");
    }
    for (size_t i = 0; i < data->count; i++)
        s->order[i] = (uint32_t)i;
    dp_rng_seed(&s->rng, cfg->seed);
    s->steps_per_epoch = (data->count + cfg->batch - 1) / cfg->batch;
    return true;
}

void train_session_destroy(train_session *s)
{
    free(s->grads);
    free(s->m);
    free(s->v);
    free(s->x);
    free(s->y);
    free(s->order);
    mlp_workspace_destroy(&s->ws);
    mlp_sparse_destroy(&s->sx);
    memset(s, 0, sizeof *s);
}

float train_session_step(train_session *s, bool *epoch_done)
{
    if (s->step == 0) {
        // A new epoch: shuffle, and start its running figures afresh.
        dataset_shuffle(s->order, s->data->count, &s->rng);
        s->loss_sum = 0.0;
        s->correct = 0;
        s->seen = 0;
    }
    size_t first = s->step * s->cfg.batch;
    size_t n = s->data->count - first < s->cfg.batch ? s->data->count - first : s->cfg.batch;
    const uint32_t *idx = s->order + first;
    // The next batch's images load into cache while this one computes.
    size_t next = first + n, next_n = s->data->count - next < n ? s->data->count - next : n;
    dataset_prefetch(s->data, s->order + next, next_n);
    double loss;
    if (dataset_batch_best(s->data, idx, 0, n, &s->sx, s->x, s->y)) {
        mlp_sparse_transpose(&s->sx);
        mlp_forward_sparse(s->net, &s->ws, &s->sx);
        loss = mlp_backward_sparse(s->net, &s->ws, s->grads, &s->sx, s->y, &s->correct);
    } else {
        mlp_forward(s->net, &s->ws, s->x, n);
        loss = mlp_backward(s->net, &s->ws, s->grads, s->x, s->y, n, &s->correct);
    }
    s->t++;
    adam_update(s->net->params, s->grads, s->m, s->v, s->net->n_params, s->cfg.lr,
                s->cfg.beta_1, s->cfg.beta_2, s->cfg.epsilon, s->t);
    s->loss_sum += loss;
    s->seen += n;
    s->step++;
    bool done = s->step == s->steps_per_epoch;
    if (done) {
        s->step = 0;
        s->epoch++;
    }
    if (epoch_done)
        *epoch_done = done;
    return (float)(loss / (double)n);
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
    size_t n = s->net->n_params;
    memset(s->grads, 0, n * sizeof *s->grads);
    memset(s->m, 0, n * sizeof *s->m);
    memset(s->v, 0, n * sizeof *s->v);
    s->t = 0;
    s->epoch = 0;
    s->step = 0;
    s->loss_sum = 0.0;
    s->correct = s->seen = 0;
}

bool evaluate(const mlp *net, const dataset *ds, eval_result *out, dp_error *err)
{
    return evaluate_detailed(net, ds, out, NULL, NULL, err);
}

bool evaluate_detailed(const mlp *net, const dataset *ds, eval_result *out, uint8_t *predicted,
                       float *confidence, dp_error *err)
{
    return evaluate_cancellable(net, ds, out, predicted, confidence, NULL, err);
}

bool evaluate_cancellable(const mlp *net, const dataset *ds, eval_result *out,
                          uint8_t *predicted, float *confidence, const _Atomic bool *stop,
                          dp_error *err)
{
    memset(out, 0, sizeof *out);
    if (ds->rows * ds->cols != net->sizes[0])
        return dp_fail(err, "the data's %zux%zu images do not fit the network's %zu inputs",
                       ds->rows, ds->cols, net->sizes[0]);
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
        const float *probs = dataset_batch_best(ds, NULL, first, n, &sx, x, y)
                                 ? mlp_forward_sparse(net, &ws, &sx)
                                 : mlp_forward(net, &ws, x, n);
        for (size_t b = 0; b < n; b++) {
            const float *p = probs + b * n_out;
            size_t pred = argmax(p, n_out);
            if (predicted)
                predicted[first + b] = (uint8_t)(pred < 255 ? pred : 255);
            if (confidence)
                confidence[first + b] = p[pred];
            float py = y[b] < n_out ? p[y[b]] : 0.0f;
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
