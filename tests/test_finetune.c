/* test_finetune: fine-tuning the bundled model on a synthetic "hand" (MNIST
 * digits under one fixed distortion: a strong slant and a thicker pen) makes
 * it read that hand's held-out digits better and keeps MNIST's test accuracy
 * at 0.97 or more. Needs MNIST (skipped without it) and models/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment.h"
#include "dataset.h"
#include "finetune.h"
#include "model_file.h"
#include "train.h"

#include "check.h"

#define SIDE 28
#define PX (SIDE * SIDE)

/* The hand: sheared by 0.6 (x += 0.6 (y - centre): a strong forward slant)
 * and the pen a pixel wider (each pixel the largest of itself and its
 * right and lower neighbours). */
static void write_in_hand(uint8_t *out, const uint8_t *in)
{
    float m[6] = {1.0f, -0.6f, 0.6f * 13.5f, 0.0f, 1.0f, 0.0f}; // read at u = x - 0.6 (y - c)
    uint8_t slanted[PX];
    augment_warp(slanted, in, m, NULL, NULL, SIDE, SIDE);
    for (size_t y = 0; y < SIDE; y++)
        for (size_t x = 0; x < SIDE; x++) {
            uint8_t v = slanted[y * SIDE + x];
            if (x + 1 < SIDE && slanted[y * SIDE + x + 1] > v)
                v = slanted[y * SIDE + x + 1];
            if (y + 1 < SIDE && slanted[(y + 1) * SIDE + x] > v)
                v = slanted[(y + 1) * SIDE + x];
            out[y * SIDE + x] = v;
        }
}

/* n samples of the hand from MNIST's training images from first on. */
static void hand_samples(dataset *out, const dataset *src, size_t first, size_t n)
{
    out->count = n;
    out->rows = out->cols = SIDE;
    out->images = malloc(n * PX);
    out->labels = malloc(n);
    for (size_t i = 0; i < n; i++) {
        write_in_hand(out->images + i * PX, src->images + (first + i) * PX);
        out->labels[i] = src->labels[first + i];
    }
}

static double accuracy_on(const mlp *net, const dataset *ds)
{
    eval_result r;
    return evaluate(net, ds, &r, NULL) ? r.accuracy : -1.0;
}

int main(void)
{
    mnist m;
    dp_error err;
    if (!dataset_load_mnist(getenv("DIGITPAD_DATA"), &m, &err)) {
        printf("skipping: %s\n", err.msg);
        return 0;
    }
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    mlp net;
    model_meta meta;
    CHECK(model_file_load(path, &net, &meta, &err), "%s: %s", path, err.msg);

    // 160 digits in the hand (the person's), and 2,000 more never shown, to
    // see whether new digits in that hand now read right.
    dataset mine, fresh;
    hand_samples(&mine, &m.train, 50000, 160);
    hand_samples(&fresh, &m.train, 52000, 2000);
    uint8_t *before_bytes = malloc(mine.count * PX);
    memcpy(before_bytes, mine.images, mine.count * PX);
    double fresh_before = accuracy_on(&net, &fresh);

    finetune_config cfg = finetune_config_default();
    finetune_result res;
    bool ok = finetune(&net, &mine, &m.train, &m.test, &cfg, &res, NULL, &err);
    CHECK(ok, "finetune: %s", err.msg);
    double fresh_after = accuracy_on(&net, &fresh);
    printf("samples %zu (trained %zu, held %zu), replayed %zu\n", res.samples, res.trained,
           res.held, res.replayed);
    printf("held-out hand: %.4f -> %.4f; new digits in the hand: %.4f -> %.4f; MNIST test: "
           "%.4f -> %.4f\n",
           res.before_mine, res.after_mine, fresh_before, fresh_after, res.before_mnist,
           res.after_mnist);
    CHECK(res.trained == 120 && res.held == 40 && res.replayed == 960, "split %zu/%zu, %zu",
          res.trained, res.held, res.replayed);
    // The bundled model misreads the slanted, thick hand often; after.
    CHECK(res.before_mine < 0.9, "the hand was already read well (%.4f): no test",
          res.before_mine);
    CHECK(res.after_mine >= res.before_mine + 0.05, "held-out hand %.4f -> %.4f",
          res.before_mine, res.after_mine);
    CHECK(fresh_after >= fresh_before + 0.05, "new digits in the hand %.4f -> %.4f",
          fresh_before, fresh_after);
    CHECK(res.after_mnist >= 0.97, "MNIST test accuracy fell to %.4f", res.after_mnist);
    CHECK(fabs(res.before_mnist - 0.9764) < 0.002, "the bundled model's MNIST accuracy %.4f",
          res.before_mnist);
    CHECK(!memcmp(before_bytes, mine.images, mine.count * PX), "the samples were changed");

    // Stopped before the first batch: an error, nothing trained.
    _Atomic bool stop = true;
    CHECK(!finetune(&net, &mine, &m.train, &m.test, &cfg, &res, &stop, &err) &&
              strstr(err.msg, "stopped"),
          "a stopped fine-tuning: %s", err.msg);
    // Too few samples.
    dataset one = mine;
    one.count = 1;
    CHECK(!finetune(&net, &one, &m.train, &m.test, &cfg, &res, NULL, &err), "one sample accepted");

    free(before_bytes);
    dataset_destroy(&mine);
    dataset_destroy(&fresh);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    mnist_destroy(&m);
    return check_summary();
}
