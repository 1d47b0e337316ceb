/* test_trainer_stress: the hand-over between the trainer thread and a
 * reader, hammered. One thread issues start, pause, resume and reset
 * hundreds of times; another takes weight snapshots and runs predictions
 * with them as fast as it can, the way the window does. Built normally it
 * checks every snapshot gives a probability distribution; under ThreadSanitizer
 * (-Db_sanitize=thread) it must also report no race. */
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
