/* test_trainer_stress: the hand-over between the trainer thread and a
 * reader, hammered. One thread issues start, pause, resume and reset
 * hundreds of times; another takes weight snapshots and runs predictions
 * with them as fast as it can, the way the window does. Built normally it
 * checks every snapshot gives a probability distribution; under ThreadSanitizer
 * (-Db_sanitize=thread) it must also report no race. The speed is changed
 * among the commands too, and a paced trainer is checked to keep its pace
 * (never faster: a loaded machine only makes it slower), to go at full speed
 * again when told, and to stop at once while it waits between batches. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "mlp.h"
#include "trainer.h"

#include "check.h"

typedef struct reader_ctx {
    trainer *t;
    const mlp *shape;
    atomic_bool stop;
    size_t snapshots, predictions, bad;
} reader_ctx;

static void *reader(void *arg)
{
    reader_ctx *c = arg;
    mlp view;
    if (!mlp_clone(&view, c->shape, NULL))
        return NULL;
    uint64_t have = 0;
    float x[64], probs[10], scratch[128];
    for (int i = 0; i < 64; i++)
        x[i] = (float)(i % 5) / 4.0f;
    while (!atomic_load(&c->stop)) {
        if (trainer_take_snapshot(c->t, &view, &have))
            c->snapshots++;
        mlp_predict(&view, x, probs, scratch);
        c->predictions++;
        float sum = 0.0f;
        for (int k = 0; k < 10; k++)
            sum += probs[k];
        if (!(fabsf(sum - 1.0f) < 1e-3f))
            c->bad++;
        trainer_event ev;
        while (trainer_poll(c->t, &ev))
            if (ev.kind == TRAINER_EV_STEP && !isfinite(ev.loss))
                c->bad++;
    }
    mlp_destroy(&view);
    return NULL;
}

static void make_data(dataset *ds, size_t n, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, seed);
    ds->count = n;
    ds->rows = ds->cols = 8;
    ds->images = malloc(n * 64);
    ds->labels = malloc(n);
    for (size_t s = 0; s < n; s++) {
        ds->labels[s] = (uint8_t)dp_rng_below(&r, 10);
        for (int i = 0; i < 64; i++)
            ds->images[s * 64 + i] = (uint8_t)(dp_rng_below(&r, 4) == 0 ? 255 : (ds->labels[s] * 25));
    }
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 300;
    mlp_blas_threads(1);
    mnist m;
    memset(&m, 0, sizeof m);
    make_data(&m.train, 2000, 1);
    make_data(&m.test, 200, 2);
    size_t sizes[] = {64, 32, 10};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    mlp_init_glorot(&net, 3);
    trainer_config cfg = {.train = train_config_default(), .epochs = 1000000, .init_seed = 3,
                          .snapshot_every = 1, .step_event_every = 1};
    trainer t;
    dp_error err;
    CHECK(trainer_init(&t, &cfg, &net, &m, &err), "trainer_init: %s", err.msg);

    reader_ctx ctx = {.t = &t, .shape = &net};
    atomic_init(&ctx.stop, false);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, reader, &ctx) == 0, "reader thread");

    dp_rng r;
    dp_rng_seed(&r, 9);
    for (int i = 0; i < rounds; i++) {
        if (dp_rng_below(&r, 8) == 0) {
            static const unsigned speeds[] = {0, 1000, 0, 5000};
            trainer_set_speed(&t, speeds[dp_rng_below(&r, 4)]);
        }
        switch (dp_rng_below(&r, 4)) {
        case 0:
            trainer_start(&t);
            break;
        case 1:
            trainer_pause(&t);
            break;
        case 2:
            trainer_reset(&t);
            break;
        default:
            trainer_start(&t); // resume
            break;
        }
        sleep_us((long)dp_rng_below(&r, 2000));
    }
    // And a few full lifetimes: create, run briefly, destroy while running.
    for (int i = 0; i < 20; i++) {
        trainer u;
        CHECK(trainer_init(&u, &cfg, &net, &m, &err), "trainer_init again: %s", err.msg);
        trainer_start(&u);
        sleep_us((long)dp_rng_below(&r, 3000));
        trainer_destroy(&u);
    }
    // Paced: 2 batches a second. The first goes at once, the next 0.5 s
    // later, so 0.6 s holds at most 2 (a loaded machine only makes it fewer).
    {
        trainer_config slow = cfg;
        slow.speed = 2;
        trainer v;
        CHECK(trainer_init(&v, &slow, &net, &m, &err), "paced trainer_init: %s", err.msg);
        CHECK(trainer_get_speed(&v) == 2, "the speed given");
        trainer_start(&v);
        sleep_us(600000);
        trainer_pause(&v);
        uint64_t steps = 0;
        size_t step_events = 0;
        trainer_event ev;
        sleep_us(50000);
        while (trainer_poll(&v, &ev))
            if (ev.kind == TRAINER_EV_STEP) {
                steps = ev.global_step;
                step_events++;
            }
        CHECK(steps >= 1 && steps <= 2 && step_events == steps,
              "at 2 batches/s, 0.6 s gave %llu batches (%zu step events: one a batch)",
              (unsigned long long)steps, step_events);
        // Full speed again: many batches follow (bounded wait, no timing asserted).
        trainer_set_speed(&v, 0);
        trainer_start(&v);
        uint64_t at = steps;
        for (int i = 0; i < 3000 && at < steps + 100; i++) {
            sleep_us(10000);
            while (trainer_poll(&v, &ev))
                if (ev.kind == TRAINER_EV_STEP)
                    at = ev.global_step;
        }
        CHECK(at >= steps + 100, "full speed again: %llu batches", (unsigned long long)at);
        // Stopped while it waits a second between batches: it ends (the wait
        // is on the command's condition variable).
        trainer_set_speed(&v, 1);
        sleep_us(20000);
        trainer_destroy(&v);
    }
    trainer_start(&t);
    sleep_us(20000);
    atomic_store(&ctx.stop, true);
    pthread_join(th, NULL);
    trainer_destroy(&t);
    printf("%d commands; reader took %zu snapshots and ran %zu predictions; %zu bad\n", rounds,
           ctx.snapshots, ctx.predictions, ctx.bad);
    CHECK(ctx.snapshots > 10, "snapshots were handed over: %zu", ctx.snapshots);
    CHECK(ctx.bad == 0, "every prediction from a snapshot is a distribution: %zu bad", ctx.bad);
    mlp_destroy(&net);
    mnist_destroy(&m);
    return check_summary();
}
