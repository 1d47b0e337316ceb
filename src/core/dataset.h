/* dataset.h: MNIST on disk and in memory.
 *
 * Images stay uint8 in memory (47 MB for all of MNIST); batches are turned
 * into floats (x / 255) only when they are used. */
#ifndef DIGITPAD_DATASET_H
#define DIGITPAD_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "idx.h"
#include "read_file.h" // dp_read_file
#include "mlp.h"
#include "rng.h"
#include "sparse.h" // the ink index and sparse batches of a dataset

/* What an input byte is multiplied by, unless a model says otherwise
 * (input.scale): 1/255, applied as a division by 255 (what the Keras
 * program does; 51 / 255 is 0.2f, not the float after it). */
#define DATASET_DEFAULT_SCALE (1.0 / 255.0)

typedef struct dataset {
    size_t count;
    size_t rows, cols;  // 28, 28
    uint8_t *images;    // (count, rows * cols), owned
    uint8_t *labels;    // (count), owned
} dataset;

typedef struct mnist {
    dataset train; // 60,000
    dataset test;  // 10,000
    char dir[4096];
} mnist;

/* Finds the MNIST folder: dir if not NULL, else ./data/mnist. The core
 * reads no environment: the full list of places ($DIGITPAD_DATA, XDG...)
 * is made by src/common (paths_find_mnist), which calls
 * dataset_find_dir_among. Writes the folder chosen to out (size out_len).
 * Returns false when it does not hold the training images, with a message
 * naming it. */
bool dataset_find_dir(const char *dir, char *out, size_t out_len, dp_error *err);

/* The first of dirs[0..n) that holds MNIST's training images, written to
 * out; false when none does, with a message naming the places tried. NULL
 * or empty entries are skipped. */
bool dataset_find_dir_among(const char *const *dirs, size_t n, char *out, size_t out_len,
                            dp_error *err);

/* The folder holding one split's images (prefix "train" or "t10k"): dir
 * alone when not NULL, else the first of dirs[0..n) (NULL or empty entries
 * skipped), written to out; false with a message naming the folder and the
 * files looked for, or the places tried. */
bool dataset_find_split(const char *dir, const char *const *dirs, size_t n, const char *prefix,
                        char *out, size_t out_len, dp_error *err);

/* Reads one image file and its label file (raw or .gz, either naming:
 * "train-images-idx3-ubyte" or "train-images.idx3-ubyte", each optionally
 * with ".gz") into ds. prefix is "train" or "t10k". On failure err->msg
 * starts with the path of the offending file followed by ": ". */
bool dataset_load(const char *dir, const char *prefix, dataset *ds, dp_error *err);

/* Both splits of MNIST from dir (./data/mnist if dir is NULL). */
bool dataset_load_mnist(const char *dir, mnist *m, dp_error *err);

/* A dataset from parsed IDX parts (takes ownership of both on success; on a
 * count or shape mismatch returns false and frees nothing). */
bool dataset_from_idx(dataset *ds, idx_images *img, idx_labels *lab, dp_error *err);

/* Keeps only the first n samples (n <= count). */
void dataset_truncate(dataset *ds, size_t n);

void dataset_destroy(dataset *ds);
void mnist_destroy(mnist *m);

/* Converts the samples at indices[0..n) into x (n, rows*cols) scaled by
 * 1/255, and copies their labels to y (n). indices NULL means 0..n-1
 * starting at first. */
void dataset_batch(const dataset *ds, const uint32_t *indices, size_t first, size_t n, float *x,
                   uint8_t *y);
/* The same with each pixel times scale (a model's input.scale); with
 * DATASET_DEFAULT_SCALE, the same bits as dataset_batch. */
void dataset_batch_scaled(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                          double scale, float *x, uint8_t *y);

/* 1 + the largest label in ds (0 when empty): how many outputs a network
 * needs to be trained or evaluated on it. */
size_t dataset_classes(const dataset *ds);

/* Fisher-Yates shuffle of idx[0..n) with r. */
void dataset_shuffle(uint32_t *idx, size_t n, dp_rng *r);

#endif
