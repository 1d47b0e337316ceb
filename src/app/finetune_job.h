/* finetune_job.h: fine-tuning (core/finetune.h) on a thread of its own, so
 * the window never waits on it.
 *
 * The job gets a copy of the window's network and of the person's samples;
 * MNIST's training set (replayed) and test set are only read and must stay
 * alive, unchanged, until finetune_job_join. The trainer must not run
 * meanwhile (the window pauses it first and makes a new one from the
 * result): it is a job like the trainer's, on the same kind of background
 * thread, kept apart from trainer.c so that the two cannot step on each
 * other's state. The thread calls wake once when it ends. */
#ifndef DIGITPAD_APP_FINETUNE_JOB_H
#define DIGITPAD_APP_FINETUNE_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/dataset.h"
#include "core/error.h"
#include "core/finetune.h"
#include "core/mlp.h"
#include "loader.h"

typedef struct finetune_job {
    // The thread's own until it ends.
    mlp net;                  // a copy of the window's, fine-tuned in place
    dataset mine;             // a copy of the samples
    const dataset *replay, *test; // not owned
    finetune_config cfg;
    finetune_result result;
    bool ok;
    dp_error err;
    // Shared.
    _Atomic bool stop;
    _Atomic bool done;        // the thread has ended: the fields above are the window's
    loader_wake_fn wake;
    void *wake_ctx;
    pthread_t thread;
    bool running;             // the window's: started and not joined
} finetune_job;

/* A job not started (finetune_job_start starts one). */
void finetune_job_init(finetune_job *j, loader_wake_fn wake, void *wake_ctx);
/* Stops a running job (between batches), joins it and frees its copies. */
void finetune_job_destroy(finetune_job *j);

/* Starts fine-tuning a copy of net on mine (copied) mixed with replay, and
 * measuring on test. False (err) when one runs already or memory is short. */
bool finetune_job_start(finetune_job *j, const mlp *net, const dataset *mine,
                        const dataset *replay, const dataset *test, const finetune_config *cfg,
                        dp_error *err);

/* True once a started job has ended (then finetune_job_join). */
bool finetune_job_finished(finetune_job *j);
/* Joins an ended job: true with the fine-tuned weights copied into net
 * (same shape) and the figures in *out; false with err when it failed or
 * was stopped (net untouched). Frees the job's copies either way. */
bool finetune_job_join(finetune_job *j, mlp *net, finetune_result *out, dp_error *err);

/* Is a job started and not joined? */
bool finetune_job_busy(const finetune_job *j);

#endif
