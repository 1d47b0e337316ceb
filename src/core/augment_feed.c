/* augment_feed.c: the distortion producer thread and its ring (see
 * augment_feed.h for who owns what). */
#include "augment_feed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The distortions' generator: another stream than the shuffle's. */
#define DISTORT_SEED_SALT 0x61756d656e740d13ull

/* Source images asked for this many ahead of the one being distorted. */
#define AUGMENT_PREFETCH_AHEAD 2

bool augment_batch_init(augment_batch *b, size_t max_batch, size_t pixels, dp_error *err)
{
    memset(b, 0, sizeof *b);
    if (max_batch < 1 || max_batch > 65536 || pixels < 1 || pixels > MLP_MAX_UNITS)
        return dp_fail(err, "a batch of %zu images of %zu pixels is outside the caps", max_batch,
                       pixels);
    b->images = malloc(max_batch * pixels);
    b->labels = malloc(max_batch);
    if (!b->images || !b->labels || !mlp_sparse_init(&b->sx, max_batch, pixels, err)) {
        augment_batch_destroy(b);
        return dp_fail(err, "out of memory for a batch of %zu distorted images", max_batch);
    }
    b->max_batch = max_batch;
    b->pixels = pixels;
    return true;
}

void augment_batch_destroy(augment_batch *b)
{
    if (!b)
        return;
    free(b->images);
    free(b->labels);
    mlp_sparse_destroy(&b->sx);
    memset(b, 0, sizeof *b);
}

/* The batch's images as a dataset of their own. */
static dataset batch_view(const augment_batch *b, size_t rows, size_t cols)
{
    dataset view = {
        .count = b->n, .rows = rows, .cols = cols, .images = b->images, .labels = b->labels,
    };
    return view;
}

void augment_batch_floats(const augment_batch *b, float *x)
{
    dataset view = batch_view(b, 1, b->pixels);
    uint8_t *y = malloc(b->n ? b->n : 1);
    if (y) // dataset_batch_scaled writes the labels too
        dataset_batch_scaled(&view, NULL, 0, b->n, b->input_scale, x, y);
    free(y);
}

/* Makes the batch at the producer's position into b and moves on. Returns
 * false when told to stop part-way. */
static bool make_batch(augment_feed *f, augment_batch *b)
{
    const dataset *d = f->data;
    if (f->step == 0)
        dataset_shuffle(f->order, d->count, &f->shuffle_rng); // as train_session_step does
    size_t first = f->step * f->batch;
    size_t n = d->count - first < f->batch ? d->count - first : f->batch;
    mlp_sparse_batch *sx = &b->sx;
    size_t nnz = 0;
    // The order is shuffled: each source image is a cache miss of 13 lines
    // unless asked for ahead (an eighth of an image's time went waiting).
    dataset_prefetch(d, NULL, f->order + first,
                     n < AUGMENT_PREFETCH_AHEAD ? n : AUGMENT_PREFETCH_AHEAD);
    for (size_t i = 0; i < n; i++) {
        if (atomic_load_explicit(&f->stop, memory_order_relaxed))
            return false;
        if (i + AUGMENT_PREFETCH_AHEAD < n)
            dataset_prefetch(d, NULL, f->order + first + i + AUGMENT_PREFETCH_AHEAD, 1);
        size_t s = f->order[first + i];
        // The ink index is of the stored images: each distorted one lists
        // its own ink as it is made (the by-sample view).
        sx->row_start[i] = (uint32_t)nnz;
        nnz += augment_image_sparse(b->images + i * f->pixels, d->images + s * f->pixels,
                                    &f->work, &f->distort_rng, f->table, f->table_div255,
                                    sx->row_index + nnz, sx->row_value + nnz);
        b->labels[i] = d->labels[s];
        atomic_fetch_add_explicit(&f->images_made, 1, memory_order_relaxed);
    }
    sx->row_start[n] = (uint32_t)nnz;
    sx->batch = n;
    sx->nnz = nnz;
    b->n = n;
    b->epoch = f->epoch;
    b->input_scale = f->input_scale;
    dataset view = batch_view(b, d->rows, d->cols);
    b->sparse = dataset_sparse_enough(&view, nnz, n);
    if (b->sparse)
        mlp_sparse_transpose(&b->sx);
    f->step++;
    b->epoch_end = f->step == f->steps_per_epoch;
    if (b->epoch_end) {
        f->step = 0;
        f->epoch++;
    }
    return true;
}

static void *producer_main(void *arg)
{
    augment_feed *f = arg;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        if (f->ready == f->n_slots) {
            // Full: wait until half are taken, not one wake-up per batch.
            f->producer_waiting = true;
            while (f->ready > f->n_slots / 2 && !atomic_load(&f->stop))
                pthread_cond_wait(&f->emptied, &f->mu);
            f->producer_waiting = false;
        }
        if (atomic_load(&f->stop))
            break;
        // The next free slot is the producer's alone until it is counted ready.
        augment_batch *b = &f->slots[(f->head + f->ready) % f->n_slots];
        pthread_mutex_unlock(&f->mu);
        bool made = make_batch(f, b);
        pthread_mutex_lock(&f->mu);
        if (!made)
            break;
        f->ready++;
        pthread_cond_signal(&f->filled);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

bool augment_feed_init(augment_feed *f, const dataset *data, const augment_config *cfg,
                       size_t batch, double input_scale, uint64_t seed, dp_error *err)
{
    memset(f, 0, sizeof *f);
    if (input_scale == 0)
        input_scale = DATASET_DEFAULT_SCALE;
    if (!(input_scale > 0 && isfinite(input_scale)))
        return dp_fail(err, "input scale %g is not a positive number", input_scale);
    if (batch < 1 || batch > 65536)
        return dp_fail(err, "batch size %zu is outside 1 to 65536", batch);
    if (data->count == 0)
        return dp_fail(err, "no training samples");
    if (data->count > UINT32_MAX)
        return dp_fail(err, "too many training samples");
    f->data = data;
    f->batch = batch;
    f->input_scale = input_scale;
    f->pixels = data->rows * data->cols;
    f->steps_per_epoch = (data->count + batch - 1) / batch;
    dataset_scale_table(f->table, input_scale);
    f->table_div255 = input_scale == DATASET_DEFAULT_SCALE;
    if (!augment_work_init(&f->work, cfg, data->rows, data->cols, err))
        return false;
    f->order = malloc(data->count * sizeof *f->order);
    bool ok = f->order != NULL;
    // A slot: the images, the labels and a sparse batch of both views
    // (index, value and sample: 2 + 4 + 2 + 4 bytes an input, sized for the
    // densest batch).
    size_t slot_bytes = batch * f->pixels * 13 + batch;
    f->n_slots = AUGMENT_FEED_RING_BYTES / slot_bytes;
    f->n_slots = f->n_slots < 2 ? 2 : f->n_slots > AUGMENT_FEED_SLOTS ? AUGMENT_FEED_SLOTS : f->n_slots;
    for (size_t i = 0; ok && i < f->n_slots; i++)
        ok = augment_batch_init(&f->slots[i], batch, f->pixels, err);
    if (!ok) {
        augment_feed_destroy(f);
        return dp_fail(err, "out of memory for distorted batches");
    }
    for (size_t i = 0; i < data->count; i++)
        f->order[i] = (uint32_t)i;
    dp_rng_seed(&f->shuffle_rng, seed);
    dp_rng_seed(&f->distort_rng, seed ^ DISTORT_SEED_SALT);
    atomic_init(&f->stop, false);
    atomic_init(&f->images_made, 0);
    atomic_init(&f->ready, 0);
    if (pthread_mutex_init(&f->mu, NULL) != 0) {
        augment_feed_destroy(f);
        return dp_fail(err, "cannot create a mutex");
    }
    if (pthread_cond_init(&f->filled, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        augment_feed_destroy(f);
        return dp_fail(err, "cannot create a condition variable");
    }
    if (pthread_cond_init(&f->emptied, NULL) != 0) {
        pthread_cond_destroy(&f->filled);
        pthread_mutex_destroy(&f->mu);
        augment_feed_destroy(f);
        return dp_fail(err, "cannot create a condition variable");
    }
    if (pthread_create(&f->thread, NULL, producer_main, f) != 0) {
        pthread_cond_destroy(&f->emptied);
        pthread_cond_destroy(&f->filled);
        pthread_mutex_destroy(&f->mu);
        augment_feed_destroy(f);
        return dp_fail(err, "cannot start the distortion thread");
    }
    f->started = true;
    return true;
}

void augment_feed_stop(augment_feed *f)
{
    if (!f->started || f->joined)
        return;
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->stop, true);
    pthread_cond_broadcast(&f->emptied);
    pthread_cond_broadcast(&f->filled);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    f->joined = true;
}

void augment_feed_destroy(augment_feed *f)
{
    if (!f)
        return;
    if (f->started) {
        augment_feed_stop(f);
        pthread_cond_destroy(&f->emptied);
        pthread_cond_destroy(&f->filled);
        pthread_mutex_destroy(&f->mu);
    }
    for (size_t i = 0; i < AUGMENT_FEED_SLOTS; i++)
        augment_batch_destroy(&f->slots[i]);
    augment_work_destroy(&f->work);
    free(f->order);
    memset(f, 0, sizeof *f);
}

/* A spinning thread's hint to the core that it waits (x86's pause). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static double clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

bool augment_feed_next(augment_feed *f, augment_batch *b)
{
    // None ready: the producer is part-way through the next batch on the
    // other core. Watch for it a little before sleeping: when the two
    // threads keep pace a fifth to a third of the steps find the ring
    // empty, and sleeping through each (and being woken) kept distorted
    // training at 79 % of plain's rate; watching, 90 % (README).
    double waited_from = 0.0, spin_us = 0.0;
    bool spun = false;
    if (atomic_load_explicit(&f->ready, memory_order_acquire) == 0 &&
        !atomic_load(&f->stop)) {
        spun = true;
        waited_from = clock_us();
        for (unsigned i = 1; atomic_load_explicit(&f->ready, memory_order_acquire) == 0 &&
                             !atomic_load_explicit(&f->stop, memory_order_relaxed);
             i++) {
            cpu_relax();
            if (i % 256 == 0 && clock_us() - waited_from > AUGMENT_FEED_SPIN_US)
                break;
        }
        spin_us = clock_us() - waited_from;
    }
    pthread_mutex_lock(&f->mu);
    if (f->ready == 0 && !atomic_load(&f->stop)) {
        if (!spun)
            waited_from = clock_us();
        spun = true;
        while (f->ready == 0 && !atomic_load(&f->stop))
            pthread_cond_wait(&f->filled, &f->mu);
    }
    if (spun) {
        f->waited++;
        f->wait_us += clock_us() - waited_from;
        f->spin_us += spin_us;
    }
    if (atomic_load(&f->stop)) {
        pthread_mutex_unlock(&f->mu);
        return false;
    }
    augment_batch *slot = &f->slots[f->head];
    augment_batch t = *b;
    *b = *slot;
    *slot = t;
    f->head = (f->head + 1) % f->n_slots;
    f->ready--;
    f->taken++;
    if (f->ready <= f->n_slots / 2) // a full producer resumes at half
        pthread_cond_signal(&f->emptied);
    pthread_mutex_unlock(&f->mu);
    return true;
}

bool augment_feed_resting(augment_feed *f)
{
    if (!f->started || f->joined)
        return true;
    pthread_mutex_lock(&f->mu);
    bool resting = f->producer_waiting || atomic_load(&f->stop);
    pthread_mutex_unlock(&f->mu);
    return resting;
}
