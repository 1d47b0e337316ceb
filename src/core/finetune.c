/* finetune.c: more training on one person's samples, with MNIST replayed. */
#include "finetune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

finetune_config finetune_config_default(void)
{
    finetune_config c = {
        .held_out = 0.25,
        .repeat = 8,
        .replay = 1.0,
        .epochs = 4,
        .batch = 32,
        .lr = 0.001f,
        .seed = 1,
    };
    return c;
}

/* A dataset of n samples of like's size, owned. */
static bool dataset_alloc(dataset *ds, const dataset *like, size_t n, dp_error *err)
{
    memset(ds, 0, sizeof *ds);
    size_t px = like->rows * like->cols;
    ds->images = malloc(n * px + 1);
    ds->labels = malloc(n + 1);
    if (!ds->images || !ds->labels) {
        dataset_destroy(ds);
        return dp_fail(err, "out of memory for %zu samples", n);
    }
    ds->count = n;
    ds->rows = like->rows;
    ds->cols = like->cols;
    return true;
}

static void copy_sample(dataset *dst, size_t at, const dataset *src, size_t s)
{
    size_t px = src->rows * src->cols;
    memcpy(dst->images + at * px, src->images + s * px, px);
    dst->labels[at] = src->labels[s];
}

static bool accuracy(const mlp *net, const dataset *ds, double *acc, dp_error *err)
{
    eval_result r;
    if (!evaluate(net, ds, &r, err))
        return false;
    *acc = r.accuracy;
    return true;
}

bool finetune(mlp *net, const dataset *mine, const dataset *replay, const dataset *test,
              const finetune_config *cfg, finetune_result *out, const _Atomic bool *stop,
              dp_error *err)
{
    memset(out, 0, sizeof *out);
    size_t px = net->sizes[0];
    if (mine->count < 2)
        return dp_fail(err, "%zu samples: fine-tuning needs at least 2 (one to judge by)",
                       mine->count);
    if (mine->rows * mine->cols != px || replay->rows * replay->cols != px ||
        test->rows * test->cols != px)
        return dp_fail(err, "the samples do not fit the network's %zu inputs", px);
    if (!(cfg->held_out > 0.0 && cfg->held_out < 1.0) || cfg->repeat < 1 || cfg->repeat > 10000 ||
        !(cfg->replay >= 0.0 && cfg->replay <= 100.0) || cfg->epochs > 10000)
        return dp_fail(err, "fine-tuning settings out of range");
    if (cfg->replay > 0.0 && replay->count == 0)
        return dp_fail(err, "no MNIST samples to replay");

    // The split: a seeded shuffle, the first `held` kept out.
    dp_rng r;
    dp_rng_seed(&r, cfg->seed);
    size_t n = mine->count;
    size_t held = (size_t)lround((double)n * cfg->held_out);
    held = held < 1 ? 1 : held > n - 1 ? n - 1 : held;
    size_t trained = n - held;
    size_t shown = trained * cfg->repeat;
    size_t replayed = (size_t)llround((double)shown * cfg->replay);
    uint32_t *order = malloc(n * sizeof *order);
    dataset held_set, mixed;
    memset(&held_set, 0, sizeof held_set);
    memset(&mixed, 0, sizeof mixed);
    bool ok = order != NULL;
    if (!ok)
        dp_fail(err, "out of memory for fine-tuning");
    ok = ok && dataset_alloc(&held_set, mine, held, err) &&
         dataset_alloc(&mixed, mine, shown + replayed, err);
    if (ok) {
        for (size_t i = 0; i < n; i++)
            order[i] = (uint32_t)i;
        dataset_shuffle(order, n, &r);
        for (size_t i = 0; i < held; i++)
            copy_sample(&held_set, i, mine, order[i]);
        for (size_t k = 0; k < cfg->repeat; k++)
            for (size_t i = 0; i < trained; i++)
                copy_sample(&mixed, k * trained + i, mine, order[held + i]);
        for (size_t i = 0; i < replayed; i++)
            copy_sample(&mixed, shown + i, replay, (size_t)dp_rng_below(&r, replay->count));
        out->samples = n;
        out->trained = trained;
        out->held = held;
        out->replayed = replayed;
        ok = accuracy(net, &held_set, &out->before_mine, err) &&
             accuracy(net, test, &out->before_mnist, err);
    }

    train_session s;
    memset(&s, 0, sizeof s);
    if (ok && cfg->epochs > 0) {
        train_config tc = train_config_default();
        tc.batch = cfg->batch;
        tc.lr = cfg->lr;
        tc.seed = cfg->seed;
        ok = train_session_init(&s, net, &mixed, &tc, err);
        for (size_t e = 0; ok && e < cfg->epochs; e++) {
            bool done = false;
            while (ok && !done) {
                if (stop && atomic_load(stop)) {
                    ok = dp_fail(err, "fine-tuning stopped");
                    break;
                }
                train_session_step(&s, &done);
            }
        }
        train_session_destroy(&s);
    }
    if (ok)
        ok = accuracy(net, &held_set, &out->after_mine, err) &&
             accuracy(net, test, &out->after_mnist, err);
    free(order);
    dataset_destroy(&held_set);
    dataset_destroy(&mixed);
    return ok;
}
