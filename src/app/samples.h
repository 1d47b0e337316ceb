/* samples.h: the digits a person teaches the window, kept on disk.
 *
 * Ctrl+0 ... Ctrl+9 keeps what the network is given for the current
 * drawing (28x28 bytes, MNIST's form) under that label. The samples live
 * in one folder ($XDG_DATA_HOME/digitpad/my-digits/) as IDX files in
 * MNIST's naming, so that `digitpad train --also DIR` (and `--data DIR`:
 * the t10k pair holds the same samples) reads them: every change rewrites
 * the four files atomically (idx_write.h), and deleting the last sample
 * removes them. A folder whose files cannot be read is never written over:
 * the store refuses changes until they are moved away. No SDL, no threads. */
#ifndef DIGITPAD_APP_SAMPLES_H
#define DIGITPAD_APP_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/error.h"

#define SAMPLES_SIDE 28
#define SAMPLES_PIXELS (SAMPLES_SIDE * SAMPLES_SIDE)
#define SAMPLES_MAX 10000 // kept at most (7.8 MB); the oldest is not dropped: adding refuses
#define SAMPLES_PATH_MAX 4096

typedef struct samples {
    char dir[SAMPLES_PATH_MAX]; // where they are kept ("": only in memory)
    size_t count, cap;
    uint8_t *images;            // (cap, SAMPLES_PIXELS)
    uint8_t *labels;            // (cap)
    size_t per_label[10];
    bool broken;                // the files there could not be read: not written over
    char broken_msg[512];       // why (names the file)
    uint64_t version;           // bumps with every change
} samples;

/* An empty store kept in dir (NULL or "": in memory only; the folder is
 * made on the first save). Nothing is read yet. */
void samples_init(samples *s, const char *dir);
void samples_destroy(samples *s);

/* Reads the samples kept in dir, if any. No files: an empty store, true.
 * Files that cannot be read: false, err (and broken_msg) name the file,
 * the store stays empty and refuses changes. */
bool samples_load(samples *s, dp_error *err);

/* Keeps img (SAMPLES_PIXELS bytes) as label (0..9) and saves. On a failed
 * save the sample is not kept (memory and disk agree) and err says why. */
bool samples_add(samples *s, const uint8_t *img, int label, dp_error *err);

/* Deletes sample i (the others keep their order) and saves. */
bool samples_remove(samples *s, size_t i, dp_error *err);

/* How many samples of label (0..9) are kept. */
size_t samples_count(const samples *s, int label);

/* A copy of the samples as a dataset (28x28; the caller destroys it). */
bool samples_to_dataset(const samples *s, dataset *out, dp_error *err);

/* The network's input picture ([0, 1] floats) as a sample's bytes. */
void samples_from_picture(const float *picture, uint8_t *out);

#endif
