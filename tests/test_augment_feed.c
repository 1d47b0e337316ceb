/* test_augment_feed: the distortion producer hands over the batches a
 * train_session would make, distorted, in order and from the seed alone,
 * and stops when told, mid-batch or blocked on a full ring. Run under
 * ThreadSanitizer in CI. Synthetic data: no download needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "augment_feed.h"
#include "dataset.h"
#include "train.h"

#include "check.h"

#define SIDE 28
#define PX (SIDE * SIDE)

/* n images: a bar of random position and length, label = its length % 10. */
static void make_bars(dataset *ds, size_t n, uint64_t seed)
{
    ds->count = n;
    ds->rows = ds->cols = SIDE;
    ds->images = calloc(n, PX);
    ds->labels = malloc(n);
    dp_rng r;
    dp_rng_seed(&r, seed);
    for (size_t s = 0; s < n; s++) {
        size_t x0 = 6 + dp_rng_below(&r, 12), y0 = 4 + dp_rng_below(&r, 4);
        size_t len = 8 + dp_rng_below(&r, 12);
        for (size_t y = y0; y < y0 + len; y++)
            for (size_t x = x0; x < x0 + 3; x++)
                ds->images[s * PX + y * SIDE + x] = (uint8_t)(128 + dp_rng_below(&r, 128));
        ds->labels[s] = (uint8_t)(len % 10);
    }
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* Everything a batch hands over, hashed. */
static uint64_t batch_hash(const augment_batch *a)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t meta[4] = {a->n, a->sparse, a->epoch, a->epoch_end};
    h = fnv(h, meta, sizeof meta);
    h = fnv(h, a->images, a->n * PX);
    h = fnv(h, a->labels, a->n);
    if (a->sparse) {
        h = fnv(h, a->sx.row_start, (a->n + 1) * sizeof *a->sx.row_start);
        h = fnv(h, a->sx.row_index, a->sx.nnz * sizeof *a->sx.row_index);
        h = fnv(h, a->sx.row_value, a->sx.nnz * sizeof *a->sx.row_value);
        h = fnv(h, a->sx.col_start, (PX + 1) * sizeof *a->sx.col_start);
        h = fnv(h, a->sx.col_sample, a->sx.nnz * sizeof *a->sx.col_sample);
        h = fnv(h, a->sx.col_value, a->sx.nnz * sizeof *a->sx.col_value);
    }
    return h;
}

/* The order is the session's; without distortion the batches are the
 * stored images; epochs end where they should, the last batch short. */
static void test_order_and_identity(void)
{
    dataset ds;
    make_bars(&ds, 1000, 1);
    augment_config c = augment_config_default(true, false);
    c.rotate_deg = c.scale = c.shear = c.translate = 0.0f; // the identity map
    augment_feed f;
    const size_t batch = 96; // 1000 = 10 * 96 + 40
    CHECK(augment_feed_init(&f, &ds, &c, batch, 0, 42, NULL), "init");
    augment_batch b, ref;
    CHECK(augment_batch_init(&b, batch, PX, NULL) && augment_batch_init(&ref, batch, PX, NULL),
          "batch init");
    // What train_session_step does: shuffle with dp_rng seeded by the seed at
    // the start of every epoch, then take the order batch by batch.
    uint32_t *order = malloc(ds.count * sizeof *order);
    for (size_t i = 0; i < ds.count; i++)
        order[i] = (uint32_t)i;
    dp_rng r;
    dp_rng_seed(&r, 42);
    bool images_ok = true, sparse_ok = true, flags_ok = true;
    for (size_t e = 0; e < 3; e++) {
        dataset_shuffle(order, ds.count, &r);
        for (size_t step = 0; step < 11; step++) {
            CHECK(augment_feed_next(&f, &b), "next");
            size_t first = step * batch, n = step < 10 ? batch : 40;
            flags_ok &= b.n == n && b.epoch == e && b.epoch_end == (step == 10);
            for (size_t i = 0; i < b.n; i++)
                images_ok &= !memcmp(b.images + i * PX, ds.images + order[first + i] * PX, PX) &&
                             b.labels[i] == ds.labels[order[first + i]];
            size_t nnz = dataset_batch_sparse(&ds, NULL, order + first, 0, n, &ref.sx, ref.labels);
            mlp_sparse_transpose(&ref.sx);
            sparse_ok &= b.sparse && nnz == b.sx.nnz &&
                         !memcmp(ref.sx.row_index, b.sx.row_index, nnz * sizeof(uint16_t)) &&
                         !memcmp(ref.sx.row_value, b.sx.row_value, nnz * sizeof(float)) &&
                         !memcmp(ref.sx.col_start, b.sx.col_start, (PX + 1) * sizeof(uint32_t)) &&
                         !memcmp(ref.sx.col_sample, b.sx.col_sample, nnz * sizeof(uint16_t));
        }
    }
    CHECK(flags_ok, "batch sizes or epoch flags wrong");
    CHECK(images_ok, "undistorted batches are not the session's samples in its order");
    CHECK(sparse_ok, "the sparse batch differs from the one made from the stored images");
    augment_feed_destroy(&f);
    augment_batch_destroy(&b);
    augment_batch_destroy(&ref);
    free(order);
    dataset_destroy(&ds);
}

/* The same seed, the same batches, whatever the timing; the stored images
 * stay as they were. */
static void test_reproducible(void)
{
    dataset ds;
    make_bars(&ds, 600, 2);
    uint8_t *before = malloc(ds.count * PX);
    memcpy(before, ds.images, ds.count * PX);
    augment_config c = augment_config_default(true, true);
    augment_feed f1, f2, f3;
    CHECK(augment_feed_init(&f1, &ds, &c, 32, 0, 7, NULL), "init");
    CHECK(augment_feed_init(&f2, &ds, &c, 32, 0, 7, NULL), "init");
    CHECK(augment_feed_init(&f3, &ds, &c, 32, 0, 8, NULL), "init");
    augment_batch a, b, o;
    CHECK(augment_batch_init(&a, 32, PX, NULL) && augment_batch_init(&b, 32, PX, NULL) &&
              augment_batch_init(&o, 32, PX, NULL),
          "batch init");
    // The first feed is drained at once; the second's producer meanwhile
    // fills its ring and waits: other timing, the same batches.
    enum { STEPS = 60 }; // three epochs
    uint64_t hash_a[STEPS], hash_o[STEPS];
    for (int step = 0; step < STEPS; step++) {
        CHECK(augment_feed_next(&f1, &a), "next");
        CHECK(augment_feed_next(&f3, &o), "next");
        hash_a[step] = batch_hash(&a);
        hash_o[step] = batch_hash(&o);
    }
    bool same = true, differs = false;
    for (int step = 0; step < STEPS; step++) {
        CHECK(augment_feed_next(&f2, &b), "next");
        same &= batch_hash(&b) == hash_a[step];
        differs |= hash_o[step] != hash_a[step];
    }
    CHECK(same, "the same seed gave different batches");
    CHECK(differs, "another seed gave the same batches");
    // A distorted batch is not the stored images.
    CHECK(augment_feed_next(&f1, &a), "next");
    bool all_stored = true;
    for (size_t i = 0; i < a.n; i++) {
        bool found = false;
        for (size_t s = 0; s < ds.count && !found; s++)
            found = !memcmp(a.images + i * PX, ds.images + s * PX, PX);
        all_stored &= found;
    }
    CHECK(!all_stored, "the distorted batch is made of stored images");
    augment_feed_destroy(&f1);
    augment_feed_destroy(&f2);
    augment_feed_destroy(&f3);
    CHECK(!memcmp(before, ds.images, ds.count * PX), "the stored images changed");
    augment_batch_destroy(&a);
    augment_batch_destroy(&b);
    augment_batch_destroy(&o);
    free(before);
    dataset_destroy(&ds);
}

/* Stopped part-way through a batch: the producer ends after the image it
 * is on, not at the end of the batch. */
static void test_stop_mid_batch(void)
{
    dataset ds;
    make_bars(&ds, 20000, 3);
    augment_config c = augment_config_default(true, true);
    c.field_bank = 0; // a fresh field per image: tens of us each
    augment_feed f;
    CHECK(augment_feed_init(&f, &ds, &c, 20000, 0, 1, NULL), "init");
    while (atomic_load(&f.images_made) == 0)
        ; // spin until the first image is done
    augment_feed_stop(&f);
    size_t made = atomic_load(&f.images_made);
    CHECK(made < 20000, "the producer finished its batch of 20,000 (%zu) before stopping", made);
    augment_batch b;
    CHECK(augment_batch_init(&b, 20000, PX, NULL), "batch init");
    CHECK(!augment_feed_next(&f, &b), "a stopped feed gave a batch");
    augment_feed_stop(&f); // twice is fine
    augment_feed_destroy(&f);
    augment_batch_destroy(&b);
    dataset_destroy(&ds);
}

/* A producer that has filled its ring rests: augment_feed_resting says so
 * only then, and while it rests no image is made; taking batches down to
 * half the ring wakes it again. */
static void test_resting(void)
{
    dataset ds;
    make_bars(&ds, 3000, 6);
    augment_config c = augment_config_default(true, true);
    augment_feed f;
    CHECK(augment_feed_init(&f, &ds, &c, 32, 0, 1, NULL), "init");
    // Not resting before its first batch is made (the bank alone is 256 fields).
    bool early = augment_feed_resting(&f);
    size_t made_early = atomic_load(&f.images_made);
    CHECK(!early || made_early == f.n_slots * 32, "resting with %zu images made", made_early);
    for (int i = 0; i < 20000 && !augment_feed_resting(&f); i++) {
        struct timespec nap = {0, 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    CHECK(augment_feed_resting(&f), "the producer rests once the ring is full");
    size_t made = atomic_load(&f.images_made);
    CHECK(made == f.n_slots * 32, "a full ring of %zu batches holds %zu images", f.n_slots, made);
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    CHECK(atomic_load(&f.images_made) == made, "no image is made while it rests");
    augment_batch b;
    CHECK(augment_batch_init(&b, 32, PX, NULL), "batch init");
    for (size_t i = 0; i <= f.n_slots / 2; i++)
        CHECK(augment_feed_next(&f, &b), "batch %zu", i);
    for (int i = 0; i < 20000 && atomic_load(&f.images_made) == made; i++)
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
    CHECK(atomic_load(&f.images_made) > made, "taking half the ring wakes the producer");
    augment_feed_destroy(&f);
    CHECK(augment_feed_resting(&f), "a destroyed feed rests");
    augment_batch_destroy(&b);
    dataset_destroy(&ds);
}

/* Started and destroyed over and over: with a full ring (the producer
 * waiting), with batches taken, and at once. */
static void test_start_stop_stress(void)
{
    dataset ds;
    make_bars(&ds, 300, 4);
    augment_config c = augment_config_default(true, true);
    c.field_bank = 8;
    augment_batch b;
    CHECK(augment_batch_init(&b, 16, PX, NULL), "batch init");
    bool ok = true;
    for (int round = 0; round < 60; round++) {
        augment_feed f;
        ok &= augment_feed_init(&f, &ds, &c, 16, 0, (uint64_t)round, NULL);
        for (int t = 0; t < round % 7; t++)
            ok &= augment_feed_next(&f, &b);
        if (round % 3 == 0)
            while (true) { // until the ring is full and the producer waits
                pthread_mutex_lock(&f.mu);
                bool waiting = f.producer_waiting;
                pthread_mutex_unlock(&f.mu);
                if (waiting)
                    break;
            }
        augment_feed_destroy(&f);
    }
    CHECK(ok, "a feed failed to start or to give a batch");
    augment_batch_destroy(&b);
    dataset_destroy(&ds);
}

static void test_bad_input(void)
{
    dataset empty = {.count = 0, .rows = SIDE, .cols = SIDE};
    augment_config c = augment_config_default(true, false);
    augment_feed f;
    dp_error err;
    CHECK(!augment_feed_init(&f, &empty, &c, 32, 0, 1, &err), "no samples accepted");
    augment_feed_destroy(&f); // after a failed init: nothing to free
    dataset ds;
    make_bars(&ds, 10, 5);
    CHECK(!augment_feed_init(&f, &ds, &c, 0, 0, 1, &err), "batch 0 accepted");
    c.scale = 2.0f;
    CHECK(!augment_feed_init(&f, &ds, &c, 4, 0, 1, &err), "scale 2 accepted");
    augment_feed_destroy(&f);
    dataset_destroy(&ds);
}

/* A session given distortions trains on the feed's batches: with the
 * identity map those are the plain session's batches, so the weights come
 * out the same to the bit; with real distortions it still learns, and
 * reset starts the distortions over from the seed. */
static void test_session(void)
{
    dataset train;
    make_bars(&train, 2000, 6);
    size_t sizes[] = {PX, 32, 10};
    mlp plain, fed, warped;
    CHECK(mlp_init(&plain, sizes, 3, NULL) && mlp_init(&fed, sizes, 3, NULL) &&
              mlp_init(&warped, sizes, 3, NULL),
          "init");
    mlp_init_glorot(&plain, 3);
    mlp_init_glorot(&fed, 3);
    mlp_init_glorot(&warped, 3);

    train_config cfg = train_config_default();
    train_config cfg_id = cfg;
    cfg_id.augment = augment_config_default(true, false);
    cfg_id.augment.rotate_deg = cfg_id.augment.scale = cfg_id.augment.shear = 0.0f;
    cfg_id.augment.translate = 0.0f;
    train_config cfg_warp = cfg;
    cfg_warp.augment = augment_config_default(true, true);
    train_session a, b, c;
    CHECK(train_session_init(&a, &plain, &train, &cfg, NULL), "plain session");
    CHECK(train_session_init(&b, &fed, &train, &cfg_id, NULL) && b.feed, "identity session");
    CHECK(train_session_init(&c, &warped, &train, &cfg_warp, NULL) && c.feed, "distorting session");
    bool epochs_agree = true;
    for (size_t step = 0; step < 3 * a.steps_per_epoch; step++) {
        bool da, db, dc;
        train_session_step(&a, &da);
        train_session_step(&b, &db);
        train_session_step(&c, &dc);
        epochs_agree &= da == db && db == dc;
    }
    CHECK(epochs_agree, "epochs ended at different steps");
    CHECK(!memcmp(plain.params, fed.params, plain.n_params * sizeof(float)),
          "the identity distortion trained different weights");
    CHECK(memcmp(plain.params, warped.params, plain.n_params * sizeof(float)),
          "distortions changed nothing");
    // Reset: the same run again from fresh weights gives the same weights.
    float *first = malloc(warped.n_params * sizeof(float));
    memcpy(first, warped.params, warped.n_params * sizeof(float));
    mlp_init_glorot(&warped, 3);
    train_session_reset(&c);
    CHECK(c.feed != NULL, "reset lost the feed");
    for (size_t step = 0; step < 3 * c.steps_per_epoch; step++)
        train_session_step(&c, NULL);
    CHECK(!memcmp(first, warped.params, warped.n_params * sizeof(float)),
          "after a reset the distorted run differs");
    free(first);
    train_session_destroy(&a);
    train_session_destroy(&b);
    train_session_destroy(&c);
    mlp_destroy(&plain);
    mlp_destroy(&fed);
    mlp_destroy(&warped);
    dataset_destroy(&train);
}

/* Distorted MNIST digits still teach: 3,000 of them, 3 epochs (skipped
 * without MNIST). */
static void test_session_learns(void)
{
    mnist m;
    dp_error err;
    if (!dataset_load_mnist(getenv("DIGITPAD_DATA"), &m, &err)) {
        printf("skipping the MNIST part: %s\n", err.msg);
        return;
    }
    dataset_truncate(&m.train, 3000);
    dataset_truncate(&m.test, 1000);
    size_t sizes[] = {PX, 64, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "init");
    mlp_init_glorot(&net, 1);
    train_config cfg = train_config_default();
    cfg.augment = augment_config_default(true, true);
    train_session s;
    CHECK(train_session_init(&s, &net, &m.train, &cfg, &err), "session: %s", err.msg);
    eval_result before, after;
    CHECK(evaluate(&net, &m.test, &before, NULL), "evaluate");
    for (size_t step = 0; step < 3 * s.steps_per_epoch; step++)
        train_session_step(&s, NULL);
    CHECK(evaluate(&net, &m.test, &after, NULL), "evaluate");
    printf("3 epochs on 3,000 distorted MNIST digits: test accuracy %.4f -> %.4f\n",
           before.accuracy, after.accuracy);
    CHECK(after.accuracy > 0.7, "distorted training reached only %.4f", after.accuracy);
    train_session_destroy(&s);
    mlp_destroy(&net);
    mnist_destroy(&m);
}

int main(void)
{
    test_session();
    test_session_learns();
    test_order_and_identity();
    test_reproducible();
    test_stop_mid_batch();
    test_resting();
    test_start_stop_stress();
    test_bad_input();
    return check_summary();
}
