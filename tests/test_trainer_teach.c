/* test_trainer_teach.c: the trainer's issue-13 parts (trainer.h).
 *
 *   - the batch the network sees: the images the trainer publishes are
 *     exactly the first images of the distorted batch it trained, checked
 *     against an augment_feed of the same seed stepped to that batch (for
 *     single steps, for every batch taken while a run goes on, and at the
 *     end of the run); nothing published without distortions; a reset
 *     forgets them;
 *   - fine-tuning as a trainer job: the report and the weights are those of
 *     finetune() run here on a copy of the same start (bit for bit), the
 *     person's held-out accuracy rises; a run is paused for it; a start
 *     given while the job runs trains on from the fine-tuned weights (at
 *     lr 0, so they must come through unchanged) and only after its event;
 *     a reset given while it runs comes after the job, whose weights stay
 *     in the report; a reset given before it comes first; a trainer
 *     destroyed mid-job stops.
 *
 * Data: 28x28 synthetic "digits", class k a horizontal bar at rows 2k+4
 * and 2k+5 (the "MNIST" here), and the person's hand writing each class
 * as a vertical bar at columns 2k+4 and 2k+5. Waits are counted in polls,
 * never timed. Run under ThreadSanitizer in .ci/run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "augment_feed.h"
#include "dataset.h"
#include "finetune.h"
#include "mlp.h"
#include "rng.h"
#include "train.h"
#include "trainer.h"

#include "check.h"

#define SIDE 28
#define PX (SIDE * SIDE)

static void make_bars(dataset *ds, size_t n, bool vertical, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, seed);
    ds->count = n;
    ds->rows = ds->cols = SIDE;
    ds->images = calloc(n * PX, 1);
    ds->labels = malloc(n);
    for (size_t s = 0; s < n; s++) {
        int k = (int)(s % 10);
        ds->labels[s] = (uint8_t)k;
        uint8_t *img = ds->images + s * PX;
        for (int i = 0; i < PX; i++)
            img[i] = dp_rng_below(&r, 16) == 0 ? 60 : 0;
        int len = 14 + (int)dp_rng_below(&r, 8), from = 3 + (int)dp_rng_below(&r, 4);
        for (int a = 2 * k + 4; a < 2 * k + 6; a++)
            for (int b = from; b < from + len; b++)
                img[vertical ? b * SIDE + a : a * SIDE + b] = 255;
    }
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* Polls (up to ~120 s) for an event of kind; the kinds passed on the way
 * are appended to order (up to 64, when not NULL). */
static bool wait_for(trainer *t, trainer_event_kind kind, trainer_event *ev, int *order,
                     size_t *n_order)
{
    for (int i = 0; i < 1200000; i++) {
        if (trainer_poll(t, ev)) {
            if (order && *n_order < 64)
                order[(*n_order)++] = (int)ev->kind;
            if (ev->kind == kind)
                return true;
            continue;
        }
        sleep_us(100);
    }
    return false;
}

static bool same_params(const mlp *a, const mlp *b)
{
    return mlp_same_shape(a, b) && !memcmp(a->params, b->params, a->n_params * sizeof *a->params);
}

/* ---- the batch the network sees ------------------------------------------ */

#define SEEN_BATCH 20
#define SEEN_SEED 11
#define KEPT 24

typedef struct taken {
    trainer_seen info;
    uint8_t images[TRAINER_SEEN * PX];
} taken;

/* Steps a feed of the trainer's configuration through batch `step` (1-based)
 * of each kept one (sorted by step) and compares. */
static void check_against_feed(const mnist *data, const augment_config *ac, const taken *kept,
                               size_t n_kept)
{
    augment_feed f;
    dp_error err;
    CHECK(augment_feed_init(&f, &data->train, ac, SEEN_BATCH, 0, SEEN_SEED, &err), "feed: %s",
          err.msg);
    augment_batch b;
    CHECK(augment_batch_init(&b, SEEN_BATCH, PX, &err), "batch: %s", err.msg);
    uint64_t at = 0;
    for (size_t k = 0; k < n_kept; k++) {
        const trainer_seen *si = &kept[k].info;
        while (at < si->global_step && augment_feed_next(&f, &b))
            at++;
        CHECK(at == si->global_step, "the feed stopped at %llu", (unsigned long long)at);
        size_t want_n = b.n < TRAINER_SEEN ? b.n : TRAINER_SEEN;
        CHECK(si->n == want_n && si->rows == SIDE && si->cols == SIDE, "batch %llu: %zu images",
              (unsigned long long)si->global_step, si->n);
        CHECK(!memcmp(kept[k].images, b.images, si->n * PX),
              "batch %llu: the images are not the feed's", (unsigned long long)si->global_step);
        CHECK(!memcmp(si->labels, b.labels, si->n), "batch %llu: the labels",
              (unsigned long long)si->global_step);
        CHECK(si->epoch == b.epoch + 1, "batch %llu: epoch %zu, the feed's %zu",
              (unsigned long long)si->global_step, si->epoch, b.epoch + 1);
        size_t steps = (data->train.count + SEEN_BATCH - 1) / SEEN_BATCH;
        CHECK(si->step == (si->global_step - 1) % steps + 1, "batch %llu: step %zu",
              (unsigned long long)si->global_step, si->step);
    }
    augment_batch_destroy(&b);
    augment_feed_destroy(&f);
}

static void test_seen(const mnist *data, const mlp *start)
{
    trainer_config cfg = {0};
    cfg.train = train_config_default();
    cfg.train.batch = SEEN_BATCH;
    cfg.train.seed = SEEN_SEED;
    cfg.train.augment = augment_config_default(true, true);
    cfg.epochs = 3;
    cfg.init_seed = 5;
    trainer t;
    dp_error err;
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    taken *kept = calloc(KEPT, sizeof *kept);
    size_t n_kept = 0;
    uint64_t have = 0;
    trainer_seen si;
    CHECK(!trainer_take_seen(&t, &si, kept[0].images, &have), "images before any batch");

    // Three single steps: each publishes its own batch.
    trainer_event ev;
    for (int k = 1; k <= 3; k++) {
        trainer_step(&t);
        CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev, NULL, NULL), "step %d", k);
        CHECK(trainer_take_seen(&t, &kept[n_kept].info, kept[n_kept].images, &have),
              "step %d published nothing", k);
        CHECK(kept[n_kept].info.global_step == (uint64_t)k, "step %d is batch %llu", k,
              (unsigned long long)kept[n_kept].info.global_step);
        n_kept++;
    }
    CHECK(!trainer_take_seen(&t, &si, kept[n_kept].images, &have), "the same batch twice");

    // A run at 100 batches a second, where every batch is published:
    // whatever the window would take meanwhile is a batch trained.
    trainer_set_speed(&t, TRAINER_EVERY_BATCH_SPEED);
    trainer_start(&t);
    for (int i = 0; i < 2000000 && trainer_get_state(&t) == TRAINER_RUNNING; i++) {
        if (n_kept < KEPT - 1 &&
            trainer_take_seen(&t, &kept[n_kept].info, kept[n_kept].images, &have)) {
            CHECK(kept[n_kept].info.global_step > kept[n_kept - 1].info.global_step,
                  "batches out of order");
            n_kept++;
        }
        while (trainer_poll(&t, &ev)) {
        }
        sleep_us(50);
    }
    CHECK(trainer_get_state(&t) == TRAINER_FINISHED, "the run did not finish");
    // The last batch of the run (its epoch's end is always published).
    size_t steps = (data->train.count + SEEN_BATCH - 1) / SEEN_BATCH;
    if (trainer_take_seen(&t, &kept[n_kept].info, kept[n_kept].images, &have))
        n_kept++;
    CHECK(kept[n_kept - 1].info.global_step == 3 * steps, "the last batch shown is %llu, not %zu",
          (unsigned long long)kept[n_kept - 1].info.global_step, 3 * steps);
    printf("batches the network saw, taken while it trained: %zu\n", n_kept);
    CHECK(n_kept >= 4, "only %zu batches taken", n_kept);
    check_against_feed(data, &cfg.train.augment, kept, n_kept);

    // They are distorted: not the stored images of their samples (a batch's
    // first images, found in the training set by their label and bytes).
    size_t found = 0;
    for (size_t i = 0; i < kept[0].info.n; i++)
        for (size_t s = 0; s < data->train.count; s++)
            found += !memcmp(kept[0].images + i * PX, data->train.images + s * PX, PX);
    CHECK(found == 0, "%zu of the first batch's images are stored ones", found);

    // A reset forgets them.
    trainer_reset(&t);
    CHECK(wait_for(&t, TRAINER_EV_RESET, &ev, NULL, NULL), "reset");
    CHECK(trainer_take_seen(&t, &si, kept[0].images, &have) && si.n == 0, "a reset kept %zu",
          si.n);
    trainer_destroy(&t);

    // Without distortions nothing is published.
    cfg.train.augment = augment_config_default(false, false);
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    trainer_step(&t);
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev, NULL, NULL), "a plain step");
    have = 0;
    CHECK(!trainer_take_seen(&t, &si, kept[0].images, &have), "undistorted batches published");
    trainer_destroy(&t);
    free(kept);
}

/* ---- fine-tuning as a trainer job ----------------------------------------- */

static trainer_config plain_config(void)
{
    trainer_config cfg = {0};
    cfg.train = train_config_default();
    cfg.epochs = 2;
    cfg.init_seed = 9;
    return cfg;
}

static bool same_result(const finetune_result *a, const finetune_result *b)
{
    return a->samples == b->samples && a->trained == b->trained && a->held == b->held &&
           a->replayed == b->replayed && a->before_mine == b->before_mine &&
           a->after_mine == b->after_mine && a->before_mnist == b->before_mnist &&
           a->after_mnist == b->after_mnist;
}

/* Waits for the job's event and takes its report and weights. */
static bool job_result(trainer *t, uint64_t job, trainer_finetune_report *rep, mlp *weights,
                       int *order, size_t *n_order)
{
    trainer_event ev;
    if (!wait_for(t, TRAINER_EV_FINETUNE, &ev, order, n_order))
        return false;
    uint64_t have = 0;
    return ev.finetune_job == job && ev.finetune_ok &&
           trainer_take_finetune(t, rep, weights, &have) && rep->job == job && rep->ok;
}

static void test_finetune_job(const mnist *data, const mlp *start, const dataset *mine)
{
    finetune_config fc = finetune_config_default();
    dp_error err;
    // What the job must come to: finetune() here on a copy of the start.
    mlp ref, fresh_ref, got, snap;
    CHECK(mlp_clone(&ref, start, NULL) && mlp_clone(&got, start, NULL) &&
              mlp_clone(&snap, start, NULL) && mlp_clone(&fresh_ref, start, NULL),
          "clones");
    finetune_result want;
    CHECK(finetune(&ref, mine, &data->train, &data->test, &fc, &want, NULL, &err), "finetune: %s",
          err.msg);
    printf("fine-tuning on %zu of the hand's digits (%zu held out): hand %.4f -> %.4f, "
           "\"MNIST\" %.4f -> %.4f\n",
           want.samples, want.held, want.before_mine, want.after_mine, want.before_mnist,
           want.after_mnist);
    CHECK(want.after_mine > want.before_mine + 0.3, "the hand %.4f -> %.4f", want.before_mine,
          want.after_mine);
    CHECK(want.before_mnist > 0.9 && want.after_mnist > 0.9, "\"MNIST\" %.4f -> %.4f",
          want.before_mnist, want.after_mnist);

    trainer_config cfg = plain_config();
    trainer t;
    trainer_event ev;
    trainer_finetune_report rep;
    uint64_t have;

    // Idle: the job's report and weights are finetune()'s, bit for bit.
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    dataset two = *mine;
    two.count = 1;
    CHECK(!trainer_finetune(&t, &two, &fc, &err) && strstr(err.msg, "at least 2"),
          "one sample taken: %s", err.msg);
    uint64_t job = trainer_finetune(&t, mine, &fc, &err);
    CHECK(job == 1, "job %llu: %s", (unsigned long long)job, err.msg);
    CHECK(job_result(&t, job, &rep, &got, NULL, NULL), "the job's report");
    CHECK(same_result(&rep.result, &want), "the job's figures are not finetune()'s: hand %.4f -> "
          "%.4f", rep.result.before_mine, rep.result.after_mine);
    CHECK(same_params(&got, &ref), "the job's weights are not finetune()'s");
    have = 0;
    CHECK(trainer_take_snapshot(&t, &snap, &have) && same_params(&snap, &ref),
          "the snapshot is not the fine-tuned weights");
    CHECK(!trainer_finetune_busy(&t) && trainer_get_state(&t) == TRAINER_IDLE,
          "state %d after the job", trainer_get_state(&t));
    // A second job starts from the first's result (the thread's weights).
    mlp twice;
    CHECK(mlp_clone(&twice, &ref, NULL), "clone");
    finetune_result want2;
    CHECK(finetune(&twice, mine, &data->train, &data->test, &fc, &want2, NULL, &err), "again");
    job = trainer_finetune(&t, mine, &fc, &err);
    CHECK(job == 2 && job_result(&t, job, &rep, &got, NULL, NULL), "the second job");
    CHECK(same_result(&rep.result, &want2) && same_params(&got, &twice),
          "the second job did not start from the first's weights");
    mlp_destroy(&twice);
    trainer_destroy(&t);

    // Running at lr 0 (the weights stay the start's): the job pauses the
    // run and fine-tunes the weights the thread has; Space, given while
    // it runs, trains on from its result only after its event.
    trainer_config long_run = cfg;
    long_run.epochs = 100000; // still running when the job is asked for
    CHECK(trainer_init(&t, &long_run, start, data, &err), "init: %s", err.msg);
    trainer_set_lr(&t, 0.0);
    trainer_start(&t);
    CHECK(wait_for(&t, TRAINER_EV_STEP, &ev, NULL, NULL), "training");
    job = trainer_finetune(&t, mine, &fc, &err);
    CHECK(job == 1 && trainer_get_state(&t) == TRAINER_PAUSED, "job %llu, state %d",
          (unsigned long long)job, trainer_get_state(&t));
    CHECK(trainer_finetune_busy(&t), "not busy");
    trainer_start(&t); // while the job runs (or before it begins): it waits
    int order[64];
    size_t n_order = 0;
    CHECK(job_result(&t, job, &rep, &got, order, &n_order), "the job, during a run");
    CHECK(same_result(&rep.result, &want) && same_params(&got, &ref),
          "the job did not fine-tune the run's weights");
    n_order = 0;
    CHECK(wait_for(&t, TRAINER_EV_STEP, &ev, order, &n_order), "no training after the job");
    trainer_pause(&t);
    for (int i = 0; i < 100000 && !atomic_load(&t.waiting); i++)
        sleep_us(100);
    while (trainer_poll(&t, &ev)) {
    }
    have = 0;
    CHECK(trainer_take_snapshot(&t, &snap, &have) && same_params(&snap, &ref),
          "training at lr 0 after the job did not go on from its weights");
    trainer_destroy(&t);

    // A start given with the job, before its thread wakes: the job first.
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    trainer_set_lr(&t, 0.0);
    job = trainer_finetune(&t, mine, &fc, &err);
    trainer_start(&t);
    n_order = 0;
    CHECK(job_result(&t, job, &rep, &got, order, &n_order), "the job with a start");
    bool step_before = false;
    for (size_t i = 0; i + 1 < n_order; i++)
        step_before |= order[i] == TRAINER_EV_STEP;
    CHECK(!step_before, "a batch was trained before the job");
    CHECK(same_params(&got, &ref), "the job's weights, with a start");
    trainer_destroy(&t);

    // A reset given while the job runs comes after it; its weights stay in
    // the report, and the fresh weights are what a reset makes.
    mlp_copy_params(&fresh_ref, start);
    mlp_init_glorot(&fresh_ref, cfg.init_seed + 1);
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    job = trainer_finetune(&t, mine, &fc, &err);
    trainer_reset(&t);
    n_order = 0;
    CHECK(job_result(&t, job, &rep, &got, order, &n_order), "the job with a reset after it");
    CHECK(same_result(&rep.result, &want) && same_params(&got, &ref),
          "a reset after the job changed what it fine-tuned");
    CHECK(wait_for(&t, TRAINER_EV_RESET, &ev, NULL, NULL), "the reset after the job");
    have = 0;
    CHECK(trainer_take_snapshot(&t, &snap, &have) && same_params(&snap, &fresh_ref),
          "after the reset: not the fresh weights");
    // The report's weights are still there after the reset: nothing lost.
    have = 0;
    mlp_copy_params(&got, start);
    CHECK(trainer_take_finetune(&t, &rep, &got, &have) && same_params(&got, &ref),
          "the fine-tuned weights went with the reset");
    trainer_destroy(&t);

    // A reset given before the job comes first: the job fine-tunes the fresh weights.
    mlp fresh_tuned;
    CHECK(mlp_clone(&fresh_tuned, &fresh_ref, NULL), "clone");
    finetune_result want_fresh;
    CHECK(finetune(&fresh_tuned, mine, &data->train, &data->test, &fc, &want_fresh, NULL, &err),
          "finetune fresh: %s", err.msg);
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    trainer_reset(&t);
    job = trainer_finetune(&t, mine, &fc, &err);
    n_order = 0;
    CHECK(job_result(&t, job, &rep, &got, order, &n_order), "the job after a reset");
    bool reset_first = false;
    for (size_t i = 0; i < n_order; i++)
        reset_first |= order[i] == TRAINER_EV_RESET;
    CHECK(reset_first, "the reset did not come first");
    CHECK(same_result(&rep.result, &want_fresh) && same_params(&got, &fresh_tuned),
          "the job after a reset did not fine-tune the fresh weights");
    trainer_destroy(&t);

    // Destroyed mid-job: it stops (between batches) and nothing leaks.
    CHECK(trainer_init(&t, &cfg, start, data, &err), "init: %s", err.msg);
    CHECK(trainer_finetune(&t, mine, &fc, &err) == 1, "job");
    trainer_destroy(&t);

    mlp_destroy(&fresh_tuned);
    mlp_destroy(&ref);
    mlp_destroy(&fresh_ref);
    mlp_destroy(&got);
    mlp_destroy(&snap);
}

int main(void)
{
    mnist data;
    memset(&data, 0, sizeof data);
    make_bars(&data.train, 300, false, 1);
    make_bars(&data.test, 200, false, 2);
    dataset mine;
    make_bars(&mine, 40, true, 3);

    // "MNIST" learned: horizontal bars, two epochs.
    size_t sizes[] = {PX, 32, 10};
    mlp start;
    CHECK(mlp_init(&start, sizes, 3, NULL), "mlp");
    mlp_init_glorot(&start, 3);
    train_session s;
    train_config tc = train_config_default();
    dp_error err;
    CHECK(train_session_init(&s, &start, &data.train, &tc, &err), "session: %s", err.msg);
    for (int e = 0; e < 3; e++) {
        bool done = false;
        while (!done)
            train_session_step(&s, &done);
    }
    train_session_destroy(&s);

    test_seen(&data, &start);
    test_finetune_job(&data, &start, &mine);

    mlp_destroy(&start);
    dataset_destroy(&mine);
    mnist_destroy(&data);
    return check_summary();
}
