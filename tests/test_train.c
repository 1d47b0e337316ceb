/* test_train: training must learn, be reproducible, and the background
 * trainer must hand over weights and progress and stop when told.
 *
 * The first part needs no download: a synthetic 10-class problem of 8x8
 * "digits" (a fixed random prototype per class plus noise). The second part
 * trains on the first 2,000 MNIST images when data/mnist is present and is
 * skipped otherwise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "dataset.h"
#include "simd.h"
#include "mlp.h"
#include "train.h"
#include "trainer.h"

#include "check.h"

/* n noisy samples of 10 prototypes, side x side pixels. */
static void make_synthetic(dataset *ds, size_t n, size_t side, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, 12345); // prototypes are the same for every split
    size_t px = side * side;
    uint8_t proto[10][64 * 64];
    for (int c = 0; c < 10; c++)
        for (size_t i = 0; i < px; i++)
            proto[c][i] = dp_rng_uniform(&r) < 0.3 ? 255 : 0;
    dp_rng_seed(&r, seed);
    ds->count = n;
    ds->rows = ds->cols = side;
    ds->images = malloc(n * px);
    ds->labels = malloc(n);
    for (size_t s = 0; s < n; s++) {
        uint8_t c = (uint8_t)dp_rng_below(&r, 10);
        ds->labels[s] = c;
        for (size_t i = 0; i < px; i++) {
            // Flip a fifth of the pixels: learnable, not trivially.
            uint8_t v = proto[c][i];
            if (dp_rng_uniform(&r) < 0.2)
                v = (uint8_t)(255 - v);
            ds->images[s * px + i] = v;
        }
    }
}

static void test_learns_synthetic(void)
{
    dataset train, test;
    make_synthetic(&train, 3000, 8, 1);
    make_synthetic(&test, 1000, 8, 2);
    size_t sizes[] = {64, 32, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "init");
    mlp_init_glorot(&net, 1);
    eval_result before, after;
    evaluate(&net, &test, &before, NULL);
    train_config cfg = train_config_default();
    train_session s;
    dp_error err;
    CHECK(train_session_init(&s, &net, &train, &cfg, &err), "session: %s", err.msg);
    double first_loss = 0, last_loss = 0;
    for (int e = 0; e < 3; e++) {
        bool done = false;
        while (!done)
            train_session_step(&s, &done);
        if (e == 0)
            first_loss = train_session_loss(&s);
        last_loss = train_session_loss(&s);
    }
    evaluate(&net, &test, &after, NULL);
    printf("synthetic: test accuracy %.3f -> %.3f, epoch loss %.3f -> %.3f\n", before.accuracy,
           after.accuracy, first_loss, last_loss);
    CHECK(before.accuracy < 0.3, "untrained is near chance: %.3f", before.accuracy);
    CHECK(after.accuracy > 0.9, "trained accuracy %.3f", after.accuracy);
    CHECK(last_loss < first_loss * 0.7, "loss falls epoch by epoch: %.3f -> %.3f", first_loss,
          last_loss);
    CHECK(s.epoch == 3 && s.steps_per_epoch == (3000 + 31) / 32, "epoch and step counts");
    size_t total = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            total += after.confusion[t][p];
    CHECK(total == 1000, "confusion counts every sample: %zu", total);

    // Same seed, same data, same thread count: the same weights bit for bit.
    mlp net2;
    mlp_init(&net2, sizes, 3, NULL);
    mlp_init_glorot(&net2, 1);
    train_session s2;
    train_session_init(&s2, &net2, &train, &cfg, NULL);
    for (int e = 0; e < 3; e++) {
        bool done = false;
        while (!done)
            train_session_step(&s2, &done);
    }
    CHECK(memcmp(net.params, net2.params, net.n_params * sizeof(float)) == 0,
          "reproducible bit for bit");
    train_session_destroy(&s2);
    mlp_destroy(&net2);
    train_session_destroy(&s);
    mlp_destroy(&net);
    dataset_destroy(&train);
    dataset_destroy(&test);
}

/* One step, counting each sample it trained on in seen[] (the session's
 * order between its cursor before and after). */
static bool counted_step(train_session *s, int *seen)
{
    size_t before = s->sample;
    bool done = false;
    train_session_step(s, &done);
    size_t after = done ? s->data->count : s->sample;
    for (size_t i = before; i < after; i++)
        seen[s->order[i]]++;
    return done;
}

/* The sample cursor: an epoch is exactly the training set, each sample
 * once, across a change of batch size (train_session_move) and across a
 * save and a resume in a new session (train_session_resume), with the
 * epoch's figures going on from the first session's. */
static void test_sample_cursor(void)
{
    enum { N = 1000 };
    dataset train;
    make_synthetic(&train, N, 8, 5);
    size_t sizes[] = {64, 16, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "init");
    mlp_init_glorot(&net, 3);
    train_config cfg = train_config_default();
    cfg.batch = 32;
    cfg.seed = 77;
    train_session a;
    dp_error err;
    CHECK(train_session_init(&a, &net, &train, &cfg, &err), "session: %s", err.msg);
    static int seen[N];
    // Epoch 1 whole, then 7 batches of 32 (224 samples) into epoch 2.
    bool done = false;
    while (!done)
        done = counted_step(&a, seen);
    memset(seen, 0, sizeof seen);
    for (int k = 0; k < 7; k++)
        counted_step(&a, seen);
    CHECK(a.sample == 224 && a.step == 7 && a.shuffles == 2, "at sample %zu, step %zu, %llu shuffles",
          a.sample, a.step, (unsigned long long)a.shuffles);

    // Batches of 50 from here: the 776 left take 16 (15 of 50 and one of 26).
    train_config c50 = cfg;
    c50.batch = 50;
    train_session b;
    CHECK(train_session_init(&b, &net, &train, &c50, &err), "session of 50: %s", err.msg);
    train_session_move(&b, &a);
    train_session_destroy(&a);
    CHECK(b.sample == 224 && b.step == 7 && b.steps_per_epoch == 7 + 16, "moved: sample %zu, "
          "%zu of %zu steps", b.sample, b.step, b.steps_per_epoch);
    for (int k = 0; k < 3; k++)
        counted_step(&b, seen); // 374 samples done, 10 batches
    train_position pos;
    train_session_position(&b, &pos);
    CHECK(pos.samples == N && pos.samples_done == 374 && pos.batches_done == 10 &&
          pos.batches_left == 13 && pos.order_seed == 77 && pos.shuffles == 2 && pos.seen == 374,
          "position: %zu done, %zu + %zu batches, %llu shuffles", pos.samples_done,
          pos.batches_done, pos.batches_left, (unsigned long long)pos.shuffles);
    uint32_t *order = malloc(N * sizeof *order);
    memcpy(order, b.order, N * sizeof *order);

    // A new session (as a saved model read again): the rest of epoch 2,
    // in the same order, each sample not seen yet exactly once.
    mlp net2;
    CHECK(mlp_clone(&net2, &net, NULL), "clone");
    train_config other = c50;
    other.seed = 5; // its own seed: the order comes from the position's
    train_session r;
    CHECK(train_session_init(&r, &net2, &train, &other, &err), "resumed: %s", err.msg);
    bool exact = false;
    CHECK(train_session_resume(&r, &pos, &exact) && exact, "resumes with the same order");
    CHECK(r.step == 10 && r.steps_per_epoch == 23 && r.sample == 374, "resumed at step %zu of %zu",
          r.step, r.steps_per_epoch);
    int rest[N] = {0};
    memcpy(rest, seen, sizeof rest);
    size_t steps = 0;
    done = false;
    while (!done) {
        done = counted_step(&r, rest);
        steps++;
    }
    CHECK(memcmp(r.order, order, N * sizeof *order) == 0, "the epoch's order made again");
    bool once = true;
    for (int i = 0; i < N; i++)
        once = once && rest[i] == 1;
    CHECK(once && steps == 13 && r.epoch == 1, "the epoch is every sample once (%zu steps)", steps);
    CHECK(r.seen == N, "its figures count the whole epoch: %zu", r.seen);

    // The original session goes on the same way.
    done = false;
    while (!done)
        done = counted_step(&b, seen);
    once = true;
    for (int i = 0; i < N; i++)
        once = once && seen[i] == 1;
    CHECK(once, "across the change of batch size, every sample once");
    CHECK(fabs(train_session_loss(&b) - train_session_loss(&r)) < 0.05, "the same epoch's loss "
          "near enough (%g, %g: the same samples, Adam's moments afresh)", train_session_loss(&b),
          train_session_loss(&r));

    // No order known: the rest from a fresh shuffle, as many samples as were left.
    train_session f;
    CHECK(train_session_init(&f, &net2, &train, &other, &err), "fresh: %s", err.msg);
    train_position blind = pos;
    blind.shuffles = 0;
    CHECK(train_session_resume(&f, &blind, &exact) && !exact, "resumes with a fresh order");
    memset(rest, 0, sizeof rest);
    done = false;
    while (!done)
        done = counted_step(&f, rest);
    size_t trained = 0;
    for (int i = 0; i < N; i++)
        trained += (size_t)rest[i];
    CHECK(trained == N - 374, "%zu samples trained after a resume of 374 of %d", trained, N);
    // Refused: another training set's size, an epoch's start.
    train_position wrong = pos;
    wrong.samples = N + 1;
    CHECK(!train_session_resume(&f, &wrong, &exact), "another set's size");
    wrong = pos;
    wrong.samples_done = 0;
    CHECK(!train_session_resume(&f, &wrong, &exact), "an epoch's start");
    train_session_destroy(&f);
    train_session_destroy(&r);
    train_session_destroy(&b);
    free(order);
    mlp_destroy(&net2);
    mlp_destroy(&net);
    dataset_destroy(&train);
}

/* The sparse batch holds exactly the dense batch's non-zero values. */
static void test_sparse_batch(void)
{
    dataset ds;
    make_synthetic(&ds, 50, 9, 7); // 81 pixels: five 16-pixel blocks and a tail
    uint32_t idx[5] = {3, 0, 49, 17, 17};
    float x[5 * 81];
    uint8_t y1[5], y2[5];
    mlp_sparse_batch sx;
    CHECK(mlp_sparse_init(&sx, 5, 81, NULL), "sparse init");
    dataset_batch(&ds, idx, 0, 5, x, y1);
    size_t nnz = dataset_batch_sparse(&ds, NULL, idx, 0, 5, &sx, y2);
    size_t want = 0;
    for (size_t i = 0; i < 5 * 81; i++)
        want += x[i] != 0.0f;
    CHECK(nnz == want && sx.row_start[5] == want, "non-zero count %zu, want %zu", nnz, want);
    bool same = memcmp(y1, y2, 5) == 0;
    for (size_t b = 0; b < 5; b++)
        for (uint32_t k = sx.row_start[b]; k < sx.row_start[b + 1]; k++)
            same = same && x[b * 81 + sx.row_index[k]] == sx.row_value[k] &&
                   (k == sx.row_start[b] || sx.row_index[k] > sx.row_index[k - 1]);
    CHECK(same, "the sparse batch's values, positions and labels match the dense batch");
    mlp_sparse_destroy(&sx);
    dataset_destroy(&ds);
}

/* The non-zero index lists each image's ink in order, and a batch made from
 * it is the batch made by testing every pixel, for every byte value: the
 * table of x / 255 holds the bits the run-time division gives. */
static void test_nonzero_index(void)
{
    enum { N = 40, SIDE = 9, PX = SIDE * SIDE };
    dataset ds = {.count = N, .rows = SIDE, .cols = SIDE};
    ds.images = malloc(N * PX);
    ds.labels = malloc(N);
    dp_rng r;
    dp_rng_seed(&r, 99);
    for (size_t s = 0; s < N; s++) {
        ds.labels[s] = (uint8_t)(s % 10);
        for (size_t i = 0; i < PX; i++)
            ds.images[s * PX + i] = dp_rng_uniform(&r) < 0.6 ? 0 : (uint8_t)(s * PX + i);
    }
    for (size_t v = 0; v < 256; v++) // every byte value somewhere: images 0, 1, 2 and 4
        ds.images[(v < 3 * PX ? 0 : PX) + v] = (uint8_t)v;
    memset(ds.images + 3 * PX, 0, PX);   // an empty image
    memset(ds.images + 7 * PX, 200, PX); // a full one
    ds.images[7 * PX + PX - 1] = 0;      // but for its last pixel
    bool seen[256] = {false};
    for (size_t i = 0; i < N * PX; i++)
        seen[ds.images[i]] = true;
    size_t values = 0;
    for (int v = 0; v < 256; v++)
        values += seen[v];
    CHECK(values == 256, "the images hold every byte value (%zu)", values);

    dataset_nonzero nz;
    dp_error err;
    CHECK(dataset_nonzero_build(&nz, &ds, &err), "index: %s", err.msg);
    bool exact = nz.count == N && nz.start[0] == 0, maximal = true;
    for (size_t s = 0; s < N && exact; s++) {
        uint8_t covered[PX] = {0};
        for (uint32_t r = nz.start[s]; r < nz.start[s + 1]; r++) {
            exact = exact && nz.run_len[r] > 0 && nz.run_at[r] + nz.run_len[r] <= PX;
            for (size_t j = 0; exact && j < nz.run_len[r]; j++)
                covered[nz.run_at[r] + j]++;
            if (r > nz.start[s]) // ascending, and a run never continues the last one
                maximal = maximal && nz.run_at[r] > nz.run_at[r - 1] + nz.run_len[r - 1];
        }
        for (size_t i = 0; i < PX; i++)
            exact = exact && covered[i] == (ds.images[s * PX + i] != 0);
    }
    CHECK(exact && maximal, "the runs cover exactly the non-zero pixels of each image, once, "
                            "in order, each as long as it can be");
    CHECK(nz.start[4] == nz.start[3] && nz.start[8] - nz.start[7] == 1 &&
              nz.run_len[nz.start[7]] == PX - 1,
          "an empty image has no runs, a full one a single run of all but its zero");

    // A run longer than 255 pixels is split.
    dataset wide = {.count = 2, .rows = 20, .cols = 20};
    wide.images = malloc(2 * 400);
    wide.labels = calloc(2, 1);
    memset(wide.images, 7, 2 * 400);
    wide.images[400 + 100] = 0;
    dataset_nonzero nzw;
    CHECK(dataset_nonzero_build(&nzw, &wide, &err), "index: %s", err.msg);
    CHECK(nzw.start[1] == 2 && nzw.run_len[0] == 255 && nzw.run_at[1] == 255 &&
              nzw.run_len[1] == 145 && nzw.start[2] == 5 && nzw.run_len[2] == 100 &&
              nzw.run_at[3] == 101 && nzw.run_len[3] == 255 && nzw.run_at[4] == 356 &&
              nzw.run_len[4] == 44,
          "runs of 400 and 299 pixels are split at 255");
    mlp_sparse_batch sw;
    uint8_t yw[2];
    mlp_sparse_init(&sw, 2, 400, NULL);
    size_t nw = dataset_batch_sparse(&wide, &nzw, NULL, 0, 2, &sw, yw);
    bool ramp = nw == 799;
    for (size_t k = 0; ramp && k < nw; k++)
        ramp = sw.row_index[k] == (k < 400 ? k : k - 400 + (k - 400 >= 100)) &&
               sw.row_value[k] == 7.0f / 255.0f;
    CHECK(ramp, "the split runs give every pixel once (%zu values)", nw);
    mlp_sparse_destroy(&sw);
    dataset_nonzero_destroy(&nzw);
    dataset_destroy(&wide);

    uint32_t idx[N];
    for (size_t i = 0; i < N; i++)
        idx[i] = (uint32_t)((i * 17 + 5) % N);
    mlp_sparse_batch a, b;
    CHECK(mlp_sparse_init(&a, N, PX, NULL) && mlp_sparse_init(&b, N, PX, NULL), "sparse init");
    float *x = malloc(N * PX * sizeof *x);
    uint8_t ya[N], yb[N], yx[N];
    size_t na = dataset_batch_sparse(&ds, &nz, idx, 0, N, &a, ya);
    size_t nb = dataset_batch_sparse(&ds, NULL, idx, 0, N, &b, yb);
    dataset_batch(&ds, idx, 0, N, x, yx);
    bool same = na == nb && memcmp(a.row_start, b.row_start, (N + 1) * sizeof *a.row_start) == 0 &&
                memcmp(a.row_index, b.row_index, na * sizeof *a.row_index) == 0 &&
                memcmp(a.row_value, b.row_value, na * sizeof *a.row_value) == 0 &&
                memcmp(ya, yb, N) == 0 && memcmp(ya, yx, N) == 0;
    CHECK(same, "from the index or by testing every pixel: the same batch");
    size_t dense_nnz = 0;
    bool bits = true;
    for (size_t s = 0; s < N; s++)
        for (uint32_t k = a.row_start[s]; k < a.row_start[s + 1]; k++)
            bits = bits && memcmp(&x[s * PX + a.row_index[k]], &a.row_value[k], sizeof(float)) == 0;
    for (size_t i = 0; i < N * PX; i++)
        dense_nnz += x[i] != 0.0f;
    CHECK(bits && dense_nnz == na, "every sparse value has the dense batch's bits (%zu values)", na);

    dataset big = {.count = 1, .rows = 300, .cols = 300, .images = NULL};
    dataset_nonzero nz_big;
    CHECK(!dataset_nonzero_build(&nz_big, &big, &err) && strstr(err.msg, "90000 pixels"),
          "images over 65,536 pixels are refused: %s", err.msg);
    free(x);
    mlp_sparse_destroy(&a);
    mlp_sparse_destroy(&b);
    dataset_nonzero_destroy(&nz);
    dataset_destroy(&ds);
}

/* train_session_step makes the first kernel's gradient row by row and
 * applies Adam to each row as it is made, builds the next batch during the
 * step, and flushes denormals. None of that may change a bit: the weights
 * and moments must equal those of the plain sequence (whole gradient, then
 * adam_update) step after step, on the sparse path and on the dense one,
 * at widths whose rows end in a partial block of outputs. */
static void check_step_matches_reference(const dataset *ds, const size_t *sizes, size_t n_sizes,
                                         size_t batch, size_t steps, bool want_sparse,
                                         const char *what)
{
    mlp net, ref;
    mlp_init(&net, sizes, n_sizes, NULL);
    mlp_init_glorot(&net, 11);
    mlp_clone(&ref, &net, NULL);
    train_config cfg = train_config_default();
    cfg.batch = batch;
    train_session s;
    dp_error err;
    CHECK(train_session_init(&s, &net, ds, &cfg, &err), "%s: session: %s", what, err.msg);
    train_step_times times;
    s.times = &times;

    size_t n = ref.n_params, in = sizes[0];
    float *g = calloc(n, sizeof *g), *m = calloc(n, sizeof *m), *v = calloc(n, sizeof *v);
    float *x = malloc(batch * in * sizeof *x);
    uint8_t *y = malloc(batch);
    mlp_workspace ws;
    mlp_sparse_batch sx;
    mlp_workspace_init(&ws, &ref, batch, NULL);
    mlp_sparse_init(&sx, batch, in, NULL);
    bool same = true, path = true, timed = true;
    size_t first_diff = 0;
    for (size_t t = 1; t <= steps; t++) {
        size_t first = s.step * batch;
        train_session_step(&s, NULL); // shuffles at the start of each epoch: read the order after
        if (s.step == 0 && t > 1)
            first = (s.steps_per_epoch - 1) * batch;
        size_t nb = ds->count - first < batch ? ds->count - first : batch;
        const uint32_t *order = s.order + first;
        dp_fp_mode mode = dp_flush_denormals_begin();
        bool sparse = dataset_batch_best(ds, order, 0, nb, &sx, x, y);
        if (sparse) {
            mlp_sparse_transpose(&sx);
            mlp_forward_sparse(&ref, &ws, &sx);
            mlp_backward_sparse(&ref, &ws, g, &sx, y, NULL);
        } else {
            mlp_forward(&ref, &ws, x, nb);
            mlp_backward(&ref, &ws, g, x, y, nb, NULL);
        }
        adam_update(ref.params, g, m, v, n, cfg.lr, cfg.beta_1, cfg.beta_2, cfg.epsilon, t);
        dp_flush_denormals_end(mode);
        path = path && sparse == want_sparse && times.sparse == sparse;
        timed = timed && times.batch_us >= 0 && times.forward_us > 0 && times.backward_us > 0 &&
                times.update_us > 0;
        bool eq = memcmp(ref.params, net.params, n * sizeof(float)) == 0 &&
                  memcmp(m, s.m, n * sizeof(float)) == 0 && memcmp(v, s.v, n * sizeof(float)) == 0;
        if (same && !eq)
            first_diff = t;
        same = same && eq;
    }
    CHECK(path, "%s: every batch took the %s path", what, want_sparse ? "sparse" : "dense");
    CHECK(same, "%s: weights and moments equal the reference bit for bit (first difference at "
                "step %zu)", what, first_diff);
    CHECK(timed, "%s: the step says where its time went", what);
    if (want_sparse)
        CHECK(s.n_live_rows == in - 9 && s.live_rows[0] == 9,
              "%s: the 9 never-inked inputs' rows are left out of the sweep (%zu swept)", what,
              s.n_live_rows);
    free(g);
    free(m);
    free(v);
    free(x);
    free(y);
    mlp_workspace_destroy(&ws);
    mlp_sparse_destroy(&sx);
    train_session_destroy(&s);
    mlp_destroy(&net);
    mlp_destroy(&ref);
}

static void test_step_matches_reference(void)
{
    dataset sparse, dense;
    make_synthetic(&sparse, 300, 9, 21); // 81 inputs, about 38 % ink
    for (size_t i = 0; i < 300; i++) // the top row blank in every image: rows Adam may skip
        memset(sparse.images + i * 81, 0, 9);
    make_synthetic(&dense, 200, 8, 22);
    for (size_t i = 0; i < 200 * 64; i++) // about 70 % ink: the dense path
        if (dense.images[i] == 0 && i % 5 < 3)
            dense.images[i] = (uint8_t)(1 + i % 254);
    size_t wide[] = {81, 200, 10};  // one full 128-block and a 72-wide tail
    size_t narrow[] = {81, 7, 10};  // a tail only
    size_t deep[] = {81, 128, 24, 10};
    size_t flat[] = {64, 48, 10};
    // 300 / 32: the last batch of each epoch is short; 25 steps cross two epochs.
    check_step_matches_reference(&sparse, wide, 3, 32, 25, true, "81-200-10");
    check_step_matches_reference(&sparse, narrow, 3, 32, 12, true, "81-7-10");
    check_step_matches_reference(&sparse, deep, 4, 17, 20, true, "81-128-24-10, batch 17");
    check_step_matches_reference(&dense, flat, 3, 32, 9, false, "64-48-10 on dense images");
    dataset_destroy(&sparse);
    dataset_destroy(&dense);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_trainer_thread(void)
{
    mnist m;
    memset(&m, 0, sizeof m);
    make_synthetic(&m.train, 4000, 8, 3);
    make_synthetic(&m.test, 500, 8, 4);
    size_t sizes[] = {64, 32, 10};
    mlp net, view;
    mlp_init(&net, sizes, 3, NULL);
    mlp_init_glorot(&net, 5);
    mlp_clone(&view, &net, NULL);
    trainer_config cfg = {.train = train_config_default(), .epochs = 2, .init_seed = 5};
    trainer t;
    dp_error err;
    CHECK(trainer_init(&t, &cfg, &net, &m, &err), "trainer_init: %s", err.msg);
    CHECK(trainer_get_state(&t) == TRAINER_IDLE, "idle before start");
    uint64_t have = 0;
    CHECK(trainer_take_snapshot(&t, &view, &have) && have > 0, "initial snapshot published");
    CHECK(memcmp(view.params, net.params, net.n_params * sizeof(float)) == 0,
          "initial snapshot is the starting weights");

    // Watch one test sample being learned, from the first batch on.
    float probe[64];
    for (int i = 0; i < 64; i++)
        probe[i] = (float)m.test.images[i] / 255.0f;
    uint8_t probe_label = m.test.labels[0];
    trainer_set_probe(&t, probe, 42);
    uint64_t probe_steps[64];
    size_t n_probe = 0, bad_probe = 0;
    float first_p = -1.0f, last_p = -1.0f;

    trainer_start(&t);
    size_t epochs_seen = 0, steps_seen = 0;
    double val_acc = 0;
    bool done = false;
    for (int i = 0; i < 2000 && !done; i++) {
        trainer_event ev;
        while (trainer_poll(&t, &ev)) {
            if (ev.kind == TRAINER_EV_PROBE) {
                float sum = 0.0f;
                for (int k = 0; k < 10; k++)
                    sum += ev.probe[k];
                bad_probe += ev.probe_tag != 42 || fabsf(sum - 1.0f) > 1e-4f;
                if (n_probe < 64)
                    probe_steps[n_probe] = ev.global_step;
                n_probe++;
                if (first_p < 0)
                    first_p = ev.probe[probe_label];
                last_p = ev.probe[probe_label];
            }
            if (ev.kind == TRAINER_EV_STEP)
                steps_seen++;
            if (ev.kind == TRAINER_EV_EPOCH) {
                epochs_seen++;
                val_acc = ev.val_accuracy;
            }
            if (ev.kind == TRAINER_EV_DONE)
                done = true;
        }
        sleep_ms(5);
    }
    CHECK(done && epochs_seen == 2, "two epochs then done (%zu)", epochs_seen);
    CHECK(steps_seen > 10, "step events arrive: %zu", steps_seen);
    CHECK(val_acc > 0.8, "learned in the background: val accuracy %.3f", val_acc);
    CHECK(trainer_get_state(&t) == TRAINER_FINISHED, "finished state");
    CHECK(n_probe > 8 && bad_probe == 0, "probe events: %zu, %zu bad", n_probe, bad_probe);
    CHECK(n_probe > 5 && probe_steps[0] == 1 && probe_steps[1] == 2 && probe_steps[2] == 4 &&
              probe_steps[3] == 8,
          "the probe is reported from the first batch on (steps 1, 2, 4, 8)");
    printf("probe: P(true class %u) %.3f at step 1 -> %.3f at the end, %zu reports\n",
           (unsigned)probe_label, (double)first_p, (double)last_p, n_probe);
    CHECK(last_p > first_p + 0.3f, "the probe's true class is learned: %.3f -> %.3f",
          (double)first_p, (double)last_p);
    CHECK(trainer_take_snapshot(&t, &view, &have), "a newer snapshot after training");
    CHECK(memcmp(view.params, net.params, net.n_params * sizeof(float)) != 0,
          "the snapshot holds trained weights");
    uint64_t again = have;
    CHECK(!trainer_take_snapshot(&t, &view, &again) && again == have, "no newer snapshot when idle");

    // An evaluation on request: its confusion counts every test sample, and
    // the per-sample answers are those of the published weights.
    trainer_request_eval(&t);
    trainer_event eval_ev;
    bool eval_seen = false;
    for (int i = 0; i < 400 && !eval_seen; i++) {
        while (!eval_seen && trainer_poll(&t, &eval_ev))
            eval_seen = eval_ev.kind == TRAINER_EV_EVAL;
        if (!eval_seen)
            sleep_ms(5);
    }
    CHECK(eval_seen && eval_ev.has_confusion, "evaluation event with a confusion matrix");
    size_t counted = 0, diagonal = 0;
    for (int a = 0; a < 10; a++)
        for (int b = 0; b < 10; b++) {
            counted += eval_ev.confusion[a][b];
            diagonal += a == b ? eval_ev.confusion[a][b] : 0;
        }
    CHECK(counted == m.test.count, "confusion counts all %zu test samples: %zu", m.test.count,
          counted);
    CHECK(fabs((double)diagonal / (double)counted - eval_ev.val_accuracy) < 1e-9,
          "the diagonal is the accuracy");
    uint8_t *pred = malloc(m.test.count), *want = malloc(m.test.count);
    uint64_t pred_version = 0;
    CHECK(trainer_take_predictions(&t, pred, NULL, &pred_version), "predictions published");
    eval_result direct;
    evaluate_detailed(&view, &m.test, &direct, want, NULL, NULL);
    CHECK(memcmp(pred, want, m.test.count) == 0, "per-sample answers match the snapshot's");
    CHECK(!trainer_take_predictions(&t, pred, NULL, &pred_version), "nothing newer until asked");
    free(pred);
    free(want);
    trainer_destroy(&t);

    // A long run: pause, reset and resume while it trains.
    cfg.epochs = 1000;
    CHECK(trainer_init(&t, &cfg, &net, &m, &err), "trainer_init: %s", err.msg);
    trainer_start(&t);
    sleep_ms(30);
    trainer_pause(&t);
    CHECK(trainer_get_state(&t) == TRAINER_PAUSED, "paused");
    // The batch in flight when the pause came may still publish: wait (on
    // a loaded machine, as long as it takes) until the thread is parked.
    for (int i = 0; i < 2000 && !atomic_load(&t.waiting); i++)
        sleep_ms(5);
    CHECK(atomic_load(&t.waiting), "the thread parks after a pause");
    have = 0;
    trainer_take_snapshot(&t, &view, &have);
    uint64_t v1 = have;
    sleep_ms(60);
    CHECK(!trainer_take_snapshot(&t, &view, &have) && have == v1, "no progress while paused");
    trainer_reset(&t);
    bool reset_seen = false;
    for (int i = 0; i < 400 && !reset_seen; i++) {
        trainer_event ev;
        while (trainer_poll(&t, &ev))
            reset_seen |= ev.kind == TRAINER_EV_RESET;
        sleep_ms(5);
    }
    CHECK(reset_seen, "reset event");
    CHECK(trainer_take_snapshot(&t, &view, &have) && have > v1, "reset publishes fresh weights");
    mlp fresh;
    mlp_clone(&fresh, &net, NULL);
    mlp_init_glorot(&fresh, cfg.init_seed + 1);
    CHECK(memcmp(view.params, fresh.params, net.n_params * sizeof(float)) == 0,
          "reset weights are Glorot with the next seed");
    mlp_destroy(&fresh);
    CHECK(trainer_get_state(&t) == TRAINER_IDLE, "idle after reset");
    trainer_start(&t);
    sleep_ms(30);
    CHECK(trainer_get_state(&t) == TRAINER_RUNNING, "running again");

    // Destroy while running: must join promptly.
    struct timespec a, b;
    timespec_get(&a, TIME_UTC);
    trainer_destroy(&t);
    timespec_get(&b, TIME_UTC);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    printf("trainer: %zu step events, val accuracy %.3f, stop joined in %.2f ms\n", steps_seen,
           val_acc, ms);
    CHECK(ms < 1000.0, "stop joins (%.1f ms)", ms);
    mlp_destroy(&view);
    mlp_destroy(&net);
    mnist_destroy(&m);
}

/* A network with fewer outputs than the data has labels is refused, by
 * training and by evaluation, in one line (it used to write the gradient
 * of label 9 into the next sample's row). */
static void test_outputs_cover_labels(void)
{
    dataset ds;
    make_synthetic(&ds, 100, 8, 9); // labels 0..9
    size_t sizes[] = {64, 16, 5};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    mlp_init_glorot(&net, 1);
    train_config cfg = train_config_default();
    train_session s;
    dp_error err = {""};
    CHECK(!train_session_init(&s, &net, &ds, &cfg, &err), "5 outputs for 10 labels trained");
    CHECK(strcmp(err.msg, "the data has labels 0 to 9 but the network has only 5 outputs") == 0,
          "%s", err.msg);
    eval_result r;
    CHECK(!evaluate(&net, &ds, &r, &err), "5 outputs for 10 labels evaluated");
    CHECK(strstr(err.msg, "only 5 outputs") != NULL, "%s", err.msg);
    CHECK(dataset_classes(&ds) == 10, "%zu classes", dataset_classes(&ds));
    mlp_destroy(&net);
    dataset_destroy(&ds);
}

/* The model's input.scale reaches training and evaluation. One layer, two
 * outputs, kernel row (1, -1) for the first pixel: the logits are (x, -x)
 * for the input x = byte * scale, so label 0's loss is log(1 + e^(-2x)):
 * 0.126928 at x = 1 (255 at 1/255), 0.018149 at x = 2 (255 at 2/255). With
 * one pixel of one the batch is dense; with one of four, sparse. */
static void test_input_scale(void)
{
    for (size_t pixels = 1; pixels <= 4; pixels += 3) {
        dataset ds = {.count = 1, .rows = 1, .cols = pixels};
        ds.images = calloc(pixels, 1);
        ds.labels = calloc(1, 1);
        ds.images[0] = 255;
        size_t sizes[] = {pixels, 2};
        mlp net;
        mlp_init(&net, sizes, 2, NULL);
        net.layers[0].kernel[0] = 1.0f;
        net.layers[0].kernel[1] = -1.0f;
        eval_result r;
        dp_error err;
        eval_options o = {.input_scale = 2.0 / 255.0};
        CHECK(evaluate_with(&net, &ds, &o, &r, &err), "%s", err.msg);
        CHECK(fabs(r.loss - log1p(exp(-4.0))) < 1e-6, "scaled eval loss %.6f (%zu px)", r.loss, pixels);
        CHECK(evaluate(&net, &ds, &r, &err) && fabs(r.loss - log1p(exp(-2.0))) < 1e-6,
              "default eval loss %.6f", r.loss);
        for (int k = 0; k < 2; k++) {
            mlp copy;
            mlp_clone(&copy, &net, NULL);
            train_config cfg = train_config_default();
            cfg.batch = 1;
            cfg.input_scale = k ? 2.0 / 255.0 : 0; // 0: the default
            train_session s;
            CHECK(train_session_init(&s, &copy, &ds, &cfg, &err), "%s", err.msg);
            float loss = train_session_step(&s, NULL);
            double want = log1p(exp(k ? -4.0 : -2.0));
            CHECK(fabs(loss - want) < 1e-6, "training loss %.6f, want %.6f (%zu px)", (double)loss,
                  want, pixels);
            train_session_destroy(&s);
            mlp_destroy(&copy);
        }
        mlp_destroy(&net);
        dataset_destroy(&ds);
    }
    // The settings stay the decimals they were given.
    train_config c = train_config_default();
    CHECK(c.lr == 0.001 && c.beta_2 == 0.999 && c.epsilon == 1e-7, "lr %.17g", c.lr);
}

/* Drains the trainer's events until the RESET event of a reset asked for:
 * the thread has then handled that reset, and nothing of it is left to
 * come. No time limit (a loaded machine is slow; the suite's timeout is
 * the bound). */
static void wait_reset_done(trainer *t)
{
    for (;;) {
        trainer_event ev;
        while (trainer_poll(t, &ev))
            if (ev.kind == TRAINER_EV_RESET)
                return;
        sleep_ms(1);
    }
}

/* trainer_start and trainer_reset move the state themselves: whoever asks
 * next sees RUNNING (or IDLE), without waiting for the thread to wake.
 * Each round waits for its reset to be handled before the next: else the
 * thread could get to round r's reset during round r + 1 (on a loaded
 * machine it did), and what this test looks at would depend on when the
 * thread ran. The states are still checked at once after each call, with
 * the thread free to run (it trains between the start and the pause). */
static void test_trainer_state_at_once(void)
{
    mnist m;
    memset(&m, 0, sizeof m);
    make_synthetic(&m.train, 2000, 8, 3);
    make_synthetic(&m.test, 100, 8, 4);
    size_t sizes[] = {64, 16, 10};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    mlp_init_glorot(&net, 5);
    trainer_config cfg = {.train = train_config_default(), .epochs = 1000, .init_seed = 5};
    trainer t;
    dp_error err;
    CHECK(trainer_init(&t, &cfg, &net, &m, &err), "trainer_init: %s", err.msg);
    for (int round = 0; round < 50; round++) {
        trainer_start(&t);
        CHECK(trainer_get_state(&t) == TRAINER_RUNNING, "round %d: running at once", round);
        trainer_pause(&t);
        CHECK(trainer_get_state(&t) == TRAINER_PAUSED, "round %d: paused at once", round);
        trainer_start(&t);
        trainer_reset(&t);
        CHECK(trainer_get_state(&t) == TRAINER_IDLE, "round %d: idle at once", round);
        wait_reset_done(&t);
        CHECK(trainer_get_state(&t) == TRAINER_IDLE, "round %d: still idle after the reset",
              round);
    }
    // A reset, then a start and a pause before the thread has handled the
    // reset: the pause is the last word, whenever the thread gets to it.
    size_t paused = 0;
    for (int round = 0; round < 50; round++) {
        trainer_reset(&t);
        trainer_start(&t);
        trainer_pause(&t);
        wait_reset_done(&t);
        paused += trainer_get_state(&t) == TRAINER_PAUSED;
    }
    CHECK(paused == 50, "paused after the reset was handled in %zu of 50 rounds", paused);
    trainer_destroy(&t);
    CHECK(true, "stopped");
    mlp_destroy(&net);
    mnist_destroy(&m);
}

/* Each hidden activation learns: the synthetic 8x8 problem for every one,
 * through the same training path as ReLU (sparse first layer included). */
static void test_activations_learn(void)
{
    dataset train, test;
    make_synthetic(&train, 3000, 8, 1);
    make_synthetic(&test, 1000, 8, 2);
    static const mlp_activation acts[] = {MLP_ACT_LINEAR, MLP_ACT_SIGMOID, MLP_ACT_TANH};
    for (size_t a = 0; a < 3; a++) {
        size_t sizes[] = {64, 32, 10};
        mlp net;
        mlp_init(&net, sizes, 3, NULL);
        mlp_set_hidden_activation(&net, acts[a], NULL);
        mlp_init_glorot(&net, 1);
        eval_result before, after;
        evaluate(&net, &test, &before, NULL);
        train_config cfg = train_config_default();
        train_session s;
        CHECK(train_session_init(&s, &net, &train, &cfg, NULL), "session");
        for (int e = 0; e < 3; e++) {
            bool done = false;
            while (!done)
                train_session_step(&s, &done);
        }
        evaluate(&net, &test, &after, NULL);
        printf("synthetic, %s: test accuracy %.3f -> %.3f\n", mlp_activation_name(acts[a]),
               before.accuracy, after.accuracy);
        CHECK(after.accuracy > 0.85 && after.accuracy > before.accuracy + 0.5,
              "%s learns: %.3f -> %.3f", mlp_activation_name(acts[a]), before.accuracy,
              after.accuracy);
        train_session_destroy(&s);
        mlp_destroy(&net);
    }
    dataset_destroy(&train);
    dataset_destroy(&test);
}

/* 2 epochs on 2,000 MNIST images with activation act: the test accuracy on
 * 1,000. */
static double mnist_slice_accuracy(const mnist *m, mlp_activation act)
{
    size_t sizes[] = {784, 128, 10};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    mlp_set_hidden_activation(&net, act, NULL);
    mlp_init_glorot(&net, 1);
    train_config cfg = train_config_default();
    train_session s;
    train_session_init(&s, &net, &m->train, &cfg, NULL);
    for (int e = 0; e < 2; e++) {
        bool done = false;
        while (!done)
            train_session_step(&s, &done);
    }
    eval_result r;
    evaluate(&net, &m->test, &r, NULL);
    train_session_destroy(&s);
    mlp_destroy(&net);
    return r.accuracy;
}

static int test_mnist_slice(void)
{
    mnist m;
    dp_error err;
    if (!dataset_load_mnist(getenv("DIGITPAD_DATA"), &m, &err)) {
        printf("skipping the MNIST slice: %s\n", err.msg);
        return 0;
    }
    dataset_truncate(&m.train, 2000);
    dataset_truncate(&m.test, 1000);
    double relu = mnist_slice_accuracy(&m, MLP_ACT_RELU);
    printf("MNIST slice: 2 epochs on 2,000 images, test accuracy on 1,000: %.3f\n", relu);
    CHECK(relu > 0.80, "learns MNIST from 2,000 images: %.3f", relu);
    // A linear network learns too (it is multinomial logistic regression in
    // disguise), from chance to well above it.
    double linear = mnist_slice_accuracy(&m, MLP_ACT_LINEAR);
    printf("MNIST slice, linear: test accuracy on 1,000: %.3f\n", linear);
    CHECK(linear > 0.75, "a linear network learns MNIST from 2,000 images: %.3f", linear);
    mnist_destroy(&m);
    return 1;
}

/* Issue 14: working memory is sized by the batches there can be. A batch
 * of 65536 over one sample allocated 65536 samples' activations (7.4 GB
 * for three layers of 4096); now one sample's, and a batch whose working
 * memory would pass the cap is refused before anything is allocated. */
static void test_work_memory(void)
{
    dataset ds;
    make_synthetic(&ds, 1, 8, 3);
    size_t sizes[] = {64, 4096, 4096, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 4, NULL), "a 64-4096-4096-10 network");
    mlp_init_glorot(&net, 1);
    train_config cfg = train_config_default();
    cfg.batch = 65536;
    train_session s;
    dp_error err = {""};
    CHECK(train_session_init(&s, &net, &ds, &cfg, &err), "batch 65536 over one sample: %s",
          err.msg);
    CHECK(s.ws.max_batch == 1 && s.sx.max_batch == 1, "sized for %zu and %zu samples",
          s.ws.max_batch, s.sx.max_batch);
    // A batch of one: two deltas of 4096, the input and each layer's outputs as
    // floats; two sparse batches of 64 inputs (index and value, by sample and
    // by input: 12 bytes an input); two labels. 67,370 bytes.
    CHECK(train_work_bytes(&net, 1) == (2 * 4096 + 64 + 4096 + 4096 + 10) * 4 + 2 * 64 * 12 + 2,
          "%zu bytes for a batch of one", train_work_bytes(&net, 1));
    bool done = false;
    float loss = train_session_step(&s, &done);
    CHECK(done && isfinite(loss), "one step of one sample: loss %g", (double)loss);
    train_session_destroy(&s);
    dataset_destroy(&ds);

    // 60000 samples at batch 65536: 60000 times 16458 floats and 1536 bytes,
    // and 2 bytes: 4,042,200,000 bytes, 3854 MiB.
    make_synthetic(&ds, 60000, 8, 4);
    CHECK(train_work_bytes(&net, 60000) > TRAIN_MAX_WORK_BYTES, "%zu bytes",
          train_work_bytes(&net, 60000));
    CHECK(!train_session_init(&s, &net, &ds, &cfg, &err), "a 4 GB batch was set up");
    CHECK(strstr(err.msg, "a batch of 60000 through layers up to 4096 wide needs 3854 MiB of "
                          "working memory, over the cap of 1024 MiB (make the batch smaller)") != NULL,
          "%s", err.msg);
    cfg.batch = 4096; // some 263 MiB
    CHECK(train_session_init(&s, &net, &ds, &cfg, &err), "batch 4096: %s", err.msg);
    train_session_destroy(&s);
    mlp_destroy(&net);
    dataset_destroy(&ds);
}

int main(void)
{
    mlp_blas_threads(1);
    test_learns_synthetic();
    test_sample_cursor();
    test_sparse_batch();
    test_nonzero_index();
    test_step_matches_reference();
    test_trainer_thread();
    test_outputs_cover_labels();
    test_input_scale();
    test_trainer_state_at_once();
    test_work_memory();
    test_activations_learn();
    test_mnist_slice();
    return check_summary();
}
