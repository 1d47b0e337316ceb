/* finetune.h: teaching a trained model one person's handwriting.
 *
 * The person's samples (a few dozen digits drawn in the window, or any
 * dataset) are split into a part to train on and a held-out part to
 * judge by. The model is trained further on the first part, each sample
 * repeated, mixed with as many MNIST training samples replayed alongside
 * so that MNIST is not forgotten, with Adam at a small learning rate.
 * Accuracy on the held-out part and on MNIST's test set is measured before
 * and after. */
#ifndef DIGITPAD_FINETUNE_H
#define DIGITPAD_FINETUNE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "error.h"
#include "mlp.h"

typedef struct finetune_config {
    double held_out; // share of the samples kept out of training to judge by (0.25)
    size_t repeat;   // each training sample appears this many times an epoch (8)
    double replay;   // MNIST samples replayed per sample shown (1.0)
    size_t epochs;   // passes over the mixed set (4)
    size_t batch;    // 32
    float lr;        // Adam's learning rate (0.001)
    uint64_t seed;   // the split, the replayed samples, the shuffle (1)
} finetune_config;

finetune_config finetune_config_default(void);

typedef struct finetune_result {
    size_t samples;              // the person's samples given
    size_t trained, held;        // how they were split
    size_t replayed;             // MNIST samples mixed in
    double before_mine, after_mine;   // accuracy on the held-out samples
    double before_mnist, after_mnist; // accuracy on MNIST's test set
} finetune_result;

/* Fine-tunes net in place on mine (at least 2 samples, the network's input
 * size) mixed with samples of replay (MNIST's training set), measuring on
 * mine's held-out part and on test (MNIST's test set) before and after.
 * Gives up between batches (false, "fine-tuning stopped", net left part-way
 * trained) once *stop is true; stop may be NULL. None of the datasets is
 * changed. */
bool finetune(mlp *net, const dataset *mine, const dataset *replay, const dataset *test,
              const finetune_config *cfg, finetune_result *out, const _Atomic bool *stop,
              dp_error *err);

#endif
