/* test_loader_stress: the window's threads together, hammered. While the
 * training part trains (its trainer thread), the loader threads read model
 * files and MNIST over and over, and this thread does what the window's
 * loop does: takes snapshots, drains events, gives the probe, starts the
 * next read when one is taken. Built normally it checks every result
 * arrives whole; under ThreadSanitizer (-Db_sanitize=thread, in .ci/run)
 * it must also report no race. */
#define _XOPEN_SOURCE 700 // mkdtemp
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/model_slot.h"
#include "app/training.h"

#include "check.h"
#include "synth_mnist.h"

static atomic_int wakes;

static void count_wake(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&wakes, 1);
}

static void nap(void)
{
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    mlp_blas_threads(1);
    char dir[] = "/tmp/digitpad-stress-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(synth_mnist(dir, 600, 200), "writing the data");
    char model[4200];
    snprintf(model, sizeof model, "%s/m.json", dir);
    size_t sizes[] = {784, 16, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "net");
    mlp_init_glorot(&net, 3);
    CHECK(model_file_save(model, &net, &meta, NULL), "save");

    training_settings set = {.epochs = 1000, .batch = 16, .lr = 0.001, .seed = 1};
    training t;
    training_init(&t, &set, dir, 0, NULL, count_wake, NULL);
    CHECK(training_want_data(&t, NULL), "want data");
    loader_wait(&t.loader);
    CHECK(training_poll_data(&t) == TRAINING_DATA_ARRIVED, "data");
    CHECK(training_ensure_trainer(&t, &net, NULL), "trainer");
    training_start(&t);

    model_slot slot;
    model_slot_init(&slot, NULL, NULL, count_wake, NULL);
    loader data_loader;
    loader_init(&data_loader, count_wake, NULL);
    float x[784];
    for (int i = 0; i < 784; i++)
        x[i] = (float)(i % 7) / 6.0f;

    int models_read = 0, data_read = 0, bad = 0;
    uint64_t probe = 0;
    CHECK(model_slot_open(&slot, model, NULL), "open");
    CHECK(loader_start_mnist(&data_loader, dir, 100, NULL), "read MNIST");
    for (long spin = 0; (models_read < rounds || data_read < rounds) && spin < 20000000; spin++) {
        training_update(&t, 0.0, &net);
        trainer_event ev;
        while (training_next_event(&t, &ev))
            ;
        training_set_probe(&t, x, ++probe / 64);
        mlp got;
        model_meta gm;
        bool failed;
        char path[4200];
        if (model_slot_poll(&slot, &got, &gm, &failed, NULL, path, sizeof path)) {
            if (failed || got.sizes[1] != 16 || strcmp(path, model))
                bad++;
            else
                model_slot_take(&slot, &got, &gm, path);
            models_read++;
            if (models_read < rounds && !model_slot_open(&slot, model, NULL))
                bad++;
        }
        loader_status st = loader_poll(&data_loader);
        if (st == LOADER_OK || st == LOADER_FAILED) {
            mnist m;
            if (st == LOADER_OK) {
                loader_take_mnist(&data_loader, &m);
                if (m.train.count != 100 || m.test.count != 200)
                    bad++;
                mnist_destroy(&m);
            } else {
                bad++;
                loader_discard(&data_loader);
            }
            data_read++;
            if (data_read < rounds && !loader_start_mnist(&data_loader, dir, 100, NULL))
                bad++;
        }
        if (spin % 16 == 0) {
            if (spin % 4096 == 0)
                training_pause(&t);
            else if (spin % 4096 == 2048)
                training_start(&t);
            nap();
        }
    }
    CHECK(models_read >= rounds && data_read >= rounds, "read %d models, %d datasets", models_read,
          data_read);
    CHECK(bad == 0, "%d bad results", bad);
    CHECK(atomic_load(&wakes) >= 2 * rounds, "%d wake-ups", atomic_load(&wakes));
    // Everything stopped and freed while threads may still run.
    CHECK(model_slot_open(&slot, model, NULL), "a last read left running");
    loader_destroy(&data_loader);
    model_slot_destroy(&slot);
    training_destroy(&t);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    remove(model);
    synth_mnist_remove(dir);
    rmdir(dir);
    return check_summary();
}
