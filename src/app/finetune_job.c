/* finetune_job.c: fine-tuning on a background thread (finetune_job.h). */
#include "finetune_job.h"

#include <stdlib.h>
#include <string.h>

void finetune_job_init(finetune_job *j, loader_wake_fn wake, void *wake_ctx)
{
    memset(j, 0, sizeof *j);
    atomic_init(&j->stop, false);
    atomic_init(&j->done, false);
    j->wake = wake;
    j->wake_ctx = wake_ctx;
}

static void *run(void *arg)
{
    finetune_job *j = arg;
    j->ok = finetune(&j->net, &j->mine, j->replay, j->test, &j->cfg, &j->result, &j->stop,
                     &j->err);
    atomic_store(&j->done, true);
    if (j->wake)
        j->wake(j->wake_ctx);
    return NULL;
}

static void free_copies(finetune_job *j)
{
    mlp_destroy(&j->net);
    dataset_destroy(&j->mine);
}

bool finetune_job_start(finetune_job *j, const mlp *net, const dataset *mine,
                        const dataset *replay, const dataset *test, const finetune_config *cfg,
                        dp_error *err)
{
    if (j->running)
        return dp_fail(err, "fine-tuning already");
    memset(&j->net, 0, sizeof j->net);
    memset(&j->mine, 0, sizeof j->mine);
    if (!mlp_clone(&j->net, net, err))
        return false;
    size_t px = mine->rows * mine->cols, n = mine->count ? mine->count : 1;
    j->mine = *mine;
    j->mine.images = malloc(n * px);
    j->mine.labels = malloc(n);
    if (!j->mine.images || !j->mine.labels) {
        free_copies(j);
        return dp_fail(err, "out of memory");
    }
    memcpy(j->mine.images, mine->images, mine->count * px);
    memcpy(j->mine.labels, mine->labels, mine->count);
    j->replay = replay;
    j->test = test;
    j->cfg = *cfg;
    j->ok = false;
    memset(&j->err, 0, sizeof j->err);
    memset(&j->result, 0, sizeof j->result);
    atomic_store(&j->stop, false);
    atomic_store(&j->done, false);
    if (pthread_create(&j->thread, NULL, run, j) != 0) {
        free_copies(j);
        return dp_fail(err, "cannot start a thread");
    }
    j->running = true;
    return true;
}

bool finetune_job_finished(finetune_job *j)
{
    return j->running && atomic_load(&j->done);
}

bool finetune_job_busy(const finetune_job *j)
{
    return j->running;
}

bool finetune_job_join(finetune_job *j, mlp *net, finetune_result *out, dp_error *err)
{
    if (!j->running)
        return dp_fail(err, "no fine-tuning started");
    pthread_join(j->thread, NULL);
    j->running = false;
    bool ok = j->ok;
    if (ok && !mlp_same_shape(net, &j->net))
        ok = dp_fail(&j->err, "the model changed shape while fine-tuning");
    if (ok) {
        mlp_copy_params(net, &j->net);
        *out = j->result;
    } else if (err) {
        *err = j->err;
    }
    free_copies(j);
    return ok;
}

void finetune_job_destroy(finetune_job *j)
{
    if (j->running) {
        atomic_store(&j->stop, true);
        pthread_join(j->thread, NULL);
        j->running = false;
        free_copies(j);
    }
}
