/* loader.c: files read on a thread (loader.h). */
#include "loader.h"

#include <stdio.h>
#include <string.h>

void loader_init(loader *l, loader_wake_fn wake, void *wake_ctx)
{
    memset(l, 0, sizeof *l);
    l->wake = wake;
    l->wake_ctx = wake_ctx;
    atomic_init(&l->done, 0);
    l->status = LOADER_IDLE;
}

static void *loader_main(void *arg)
{
    loader *l = arg;
    bool ok;
    if (l->kind == LOADER_MNIST) {
        ok = dataset_load_mnist(l->path, &l->data, &l->err);
        if (ok && l->limit && l->limit < l->data.train.count)
            dataset_truncate(&l->data.train, l->limit);
    } else {
        ok = model_any_load(l->path, &l->net, &l->meta, &l->format, &l->err);
    }
    atomic_store_explicit(&l->done, ok ? 1 : 2, memory_order_release);
    if (l->wake)
        l->wake(l->wake_ctx);
    return NULL;
}

static bool start(loader *l, loader_kind kind, const char *path, size_t limit, dp_error *err)
{
    if (l->status != LOADER_IDLE)
        return dp_fail(err, "still reading %s", l->path);
    l->kind = kind;
    snprintf(l->path, sizeof l->path, "%s", path);
    l->limit = limit;
    memset(&l->err, 0, sizeof l->err);
    atomic_store(&l->done, 0);
    if (pthread_create(&l->thread, NULL, loader_main, l) != 0)
        return dp_fail(err, "cannot start a thread to read %s", path);
    l->started = true;
    l->status = LOADER_RUNNING;
    return true;
}

bool loader_start_mnist(loader *l, const char *dir, size_t limit, dp_error *err)
{
    return start(l, LOADER_MNIST, dir, limit, err);
}

bool loader_start_model(loader *l, const char *path, dp_error *err)
{
    return start(l, LOADER_MODEL, path, 0, err);
}

loader_status loader_poll(loader *l)
{
    if (l->status != LOADER_RUNNING)
        return l->status;
    int done = atomic_load_explicit(&l->done, memory_order_acquire);
    if (!done)
        return LOADER_RUNNING;
    pthread_join(l->thread, NULL);
    l->started = false;
    l->status = done == 1 ? LOADER_OK : LOADER_FAILED;
    return l->status;
}

loader_status loader_wait(loader *l)
{
    if (l->started) {
        pthread_join(l->thread, NULL);
        l->started = false;
        int done = atomic_load_explicit(&l->done, memory_order_acquire);
        l->status = done == 1 ? LOADER_OK : LOADER_FAILED;
    }
    return l->status;
}

void loader_take_mnist(loader *l, mnist *out)
{
    *out = l->data;
    memset(&l->data, 0, sizeof l->data);
    l->status = LOADER_IDLE;
}

void loader_take_model(loader *l, mlp *net, model_meta *meta)
{
    *net = l->net;
    *meta = l->meta;
    memset(&l->net, 0, sizeof l->net);
    memset(&l->meta, 0, sizeof l->meta);
    l->status = LOADER_IDLE;
}

void loader_discard(loader *l)
{
    if (l->status == LOADER_OK) {
        if (l->kind == LOADER_MNIST)
            mnist_destroy(&l->data);
        else {
            mlp_destroy(&l->net);
            model_meta_destroy(&l->meta);
        }
    }
    memset(&l->data, 0, sizeof l->data);
    memset(&l->net, 0, sizeof l->net);
    memset(&l->meta, 0, sizeof l->meta);
    l->status = LOADER_IDLE;
}

void loader_destroy(loader *l)
{
    loader_wait(l);
    loader_discard(l);
}
