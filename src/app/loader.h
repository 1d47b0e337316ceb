/* loader.h: reading a file on a thread of its own, so the window never
 * waits on the disk.
 *
 * One loader reads one thing at a time: MNIST from a folder, or a model
 * file (any format model_any_load reads). The thread gets only what the job needs (a copy of the path, the
 * sample limit) and writes only into the loader's own result, which the
 * window thread takes once loader_poll says the job is over (the done flag
 * is released by the thread and acquired by the poll, so the result is
 * complete when it is seen). When a wake callback is given, the thread
 * calls it as it finishes, so the window's loop need not poll.
 * loader_destroy waits for a running job, on every exit path. */
#ifndef DIGITPAD_APP_LOADER_H
#define DIGITPAD_APP_LOADER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>

#include "core/dataset.h"
#include "core/error.h"
#include "core/mlp.h"
#include "core/model_any.h"
#include "core/model_file.h"

#define LOADER_PATH_MAX 4096

typedef void (*loader_wake_fn)(void *ctx);

typedef enum loader_kind {
    LOADER_MNIST,
    LOADER_MODEL,
} loader_kind;

typedef enum loader_status {
    LOADER_IDLE,    // no job, or its result was taken
    LOADER_RUNNING,
    LOADER_OK,      // done: take the result
    LOADER_FAILED,  // done: err says why
} loader_status;

typedef struct loader {
    loader_wake_fn wake;         // called by the thread when a job ends (may be NULL)
    void *wake_ctx;
    // The job: written before the thread starts, read-only while it runs.
    loader_kind kind;
    char path[LOADER_PATH_MAX];  // the MNIST folder or the model file
    size_t limit;                // MNIST: keep the first N training images (0: all)
    // The result: written by the thread, read after loader_poll saw it done.
    mnist data;
    mlp net;
    model_meta meta;
    model_format format;         // the model file's format
    dp_error err;
    pthread_t thread;
    bool started;                // a thread to join
    _Atomic int done;            // 0 running, 1 ok, 2 failed
    loader_status status;        // as the window thread last saw it
} loader;

/* An idle loader; wake (may be NULL) is called from the loading thread. */
void loader_init(loader *l, loader_wake_fn wake, void *wake_ctx);
/* Waits for a running job and frees a result nobody took. */
void loader_destroy(loader *l);

/* Starts reading MNIST from dir (its first limit training images; 0: all)
 * or the model file at path. False when a job is running or not taken yet,
 * or no thread could be started (err says so). */
bool loader_start_mnist(loader *l, const char *dir, size_t limit, dp_error *err);
bool loader_start_model(loader *l, const char *path, dp_error *err);

/* The job's status, without waiting; joins the thread once it is done. */
loader_status loader_poll(loader *l);
/* Waits for the job to end, then is loader_poll. */
loader_status loader_wait(loader *l);

/* Take the result of a job that ended LOADER_OK (ownership passes to the
 * caller) and make the loader idle again. */
void loader_take_mnist(loader *l, mnist *out);
void loader_take_model(loader *l, mlp *net, model_meta *meta);
/* Forgets a failed (or unwanted) result and makes the loader idle. */
void loader_discard(loader *l);

#endif
