/* test_training: the window's training part on a small MNIST-shaped
 * dataset written for the test: finding and reading the data on the
 * loader thread, refusing a network with too few outputs, the trainer's
 * life cycle, and its events drained into progress. Shows learning: the
 * loss falls and the test accuracy rises far above chance. */
#define _XOPEN_SOURCE 700 // mkdtemp
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/training.h"

#include "check.h"
#include "events.h"
#include "synth_mnist.h"

static atomic_int wakes;

static void count_wake(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&wakes, 1);
}

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* [ and ]: full, 100, 10, 1 batches a second, and a speed between two of
 * them goes to the next one. */
static void test_speed_steps(void)
{
    CHECK(training_speed_step(0, -1) == 100 && training_speed_step(100, -1) == 10 &&
              training_speed_step(10, -1) == 1 && training_speed_step(1, -1) == 1,
          "slower: %u %u %u %u", training_speed_step(0, -1), training_speed_step(100, -1),
          training_speed_step(10, -1), training_speed_step(1, -1));
    CHECK(training_speed_step(1, 1) == 10 && training_speed_step(10, 1) == 100 &&
              training_speed_step(100, 1) == 0 && training_speed_step(0, 1) == 0,
          "faster");
    CHECK(training_speed_step(50, -1) == 10 && training_speed_step(50, 1) == 100 &&
              training_speed_step(5000, -1) == 100 && training_speed_step(5000, 1) == 0 &&
              training_speed_step(3, 0) == 3,
          "between");
    training t;
    training_settings ts = {.epochs = 1, .batch = 32, .lr = 0.001, .seed = 1, .speed = 10};
    training_init(&t, &ts, NULL, 0, NULL, NULL, NULL);
    CHECK(t.next.speed == 10, "the speed given");
    training_set_speed(&t, 1);
    CHECK(t.next.speed == 1 && t.running.speed == 1, "set without a trainer");
    training_destroy(&t);
}

int main(void)
{
    test_speed_steps();
    mlp_blas_threads(1);
    char dir[] = "/tmp/digitpad-training-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(synth_mnist(dir, 2000, 500), "writing the data");
    captured *cap = calloc(1, sizeof *cap);
    events ev;
    events_init(&ev, capture, cap);
    training_settings set = {.epochs = 2, .batch = 32, .lr = 0.001, .seed = 1};

    // No data where --data points: MISSING, with the core's reason.
    training t;
    training_init(&t, &set, "/nonexistent/digitpad", 0, &ev, count_wake, NULL);
    training_find_data(&t);
    CHECK(t.data_state == TRAINING_DATA_MISSING && strstr(t.data_error, "/nonexistent/digitpad"),
          "missing: %s", t.data_error);
    CHECK(!training_want_data(&t, NULL), "reading what is not there");
    training_destroy(&t);

    training_init(&t, &set, dir, 1000, &ev, count_wake, NULL);
    CHECK(training_classes(&t) == 10, "MNIST's classes before reading");
    CHECK(training_want_data(&t, NULL) && t.data_state == TRAINING_DATA_LOADING, "reading");
    loader_wait(&t.loader);
    CHECK(training_poll_data(&t) == TRAINING_DATA_ARRIVED && t.data_state == TRAINING_DATA_LOADED,
          "data arrived");
    CHECK(t.data.train.count == 1000 && t.data.test.count == 500, "limit: %zu, %zu",
          t.data.train.count, t.data.test.count);
    CHECK(training_classes(&t) == 10, "classes %zu", training_classes(&t));
    CHECK(atomic_load(&wakes) >= 1, "the loader did not wake");

    // A network with fewer outputs than the labels is refused.
    size_t small[] = {784, 8, 3};
    mlp net3;
    CHECK(mlp_init(&net3, small, 3, NULL), "net3");
    dp_error err = {{0}};
    CHECK(!training_ensure_trainer(&t, &net3, &err) && !t.have_trainer &&
              !strcmp(err.msg, "this model has 3 outputs, fewer than the data's 10 labels"),
          "3 outputs: %s", err.msg);
    mlp_destroy(&net3);

    size_t sizes[] = {784, 16, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "net");
    mlp_init_glorot(&net, 5);
    CHECK(training_ensure_trainer(&t, &net, &err), "trainer: %s", err.msg);
    CHECK(training_state(&t) == TRAINER_IDLE && t.running.lr == 0.001, "idle, lr as given");
    float x[784] = {0};
    training_set_probe(&t, x, 1);
    training_start(&t);
    CHECK(training_running(&t), "shown running at once");

    double first_loss = -1, last_val = 0, last_loss = 0;
    size_t epochs = 0, snapshots = 0, steps = 0;
    bool done = false;
    for (long i = 0; i < 600000 && !done; i++) {
        if (training_update(&t, now_s(), &net))
            snapshots++;
        trainer_event e;
        while (training_next_event(&t, &e)) {
            if (e.kind == TRAINER_EV_STEP) {
                steps++;
                if (first_loss < 0)
                    first_loss = e.batch_loss;
            } else if (e.kind == TRAINER_EV_EPOCH) {
                epochs++;
                last_val = e.val_accuracy;
                last_loss = e.loss;
            } else if (e.kind == TRAINER_EV_DONE) {
                done = true;
            }
        }
        if (!done)
            nap();
    }
    CHECK(done && epochs == 2, "done %d after %zu epochs", done, epochs);
    CHECK(steps > 0 && snapshots > 0 && t.have_progress, "steps %zu snapshots %zu", steps,
          snapshots);
    CHECK(last_loss < first_loss / 2, "the loss did not fall: %g -> %g", first_loss, last_loss);
    CHECK(last_val > 0.9, "test accuracy %g", last_val);
    CHECK(training_epochs_done(&t) >= 1.0, "epochs done %g", training_epochs_done(&t));
    CHECK(atomic_load(&wakes) > 2, "the trainer did not wake (%d)", atomic_load(&wakes));

    // An evaluation on request, and the per-image answers.
    CHECK(training_request_eval(&t), "eval");
    bool evaluated = false;
    for (long i = 0; i < 600000 && !evaluated; i++) {
        trainer_event e;
        while (training_next_event(&t, &e))
            evaluated = evaluated || (e.kind == TRAINER_EV_EVAL && e.has_confusion);
        if (!evaluated)
            nap();
    }
    uint8_t *pred = calloc(t.data.test.count, 1);
    float *conf = calloc(t.data.test.count, sizeof *conf);
    CHECK(evaluated && training_take_predictions(&t, pred, conf), "answers");
    size_t right = 0;
    for (size_t i = 0; i < t.data.test.count; i++)
        right += pred[i] == t.data.test.labels[i];
    CHECK(right > 450, "%zu of 500 right", right);
    CHECK(!training_take_predictions(&t, pred, conf), "the same answers twice");
    free(pred);
    free(conf);

    // Stopping reports itself.
    training_drop_trainer(&t);
    CHECK(!t.have_trainer && last_event(cap, "trainer_stopped"), "trainer_stopped event");
    training_destroy(&t);
    mlp_destroy(&net);
    free(cap);
    synth_mnist_remove(dir);
    rmdir(dir);
    return check_summary();
}
