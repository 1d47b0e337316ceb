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
#include "mlp.h"

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

/* Finds the MNIST folder: dir if not NULL, else $DIGITPAD_DATA, then
 * ./data/mnist, then $XDG_DATA_HOME/digitpad/mnist (~/.local/share/...).
 * Writes the folder chosen to out (size out_len). Returns false when none
 * holds the training images, with a message naming the places tried. */
bool dataset_find_dir(const char *dir, char *out, size_t out_len, dp_error *err);

/* Reads one image file and its label file (raw or .gz, either naming:
 * "train-images-idx3-ubyte" or "train-images.idx3-ubyte", each optionally
 * with ".gz") into ds. prefix is "train" or "t10k". On failure err->msg
 * starts with the path of the offending file followed by ": ". */
bool dataset_load(const char *dir, const char *prefix, dataset *ds, dp_error *err);

/* Both splits of MNIST from dir (found with dataset_find_dir if dir is NULL). */
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

/* Where each image's ink is, as runs of consecutive non-zero pixels in
 * raster order, with the ink's values, found once: a sparse batch is then
 * made from the index alone, run by run (MNIST digits have about 25 runs
 * of 6 pixels), instead of testing all 784 pixels of images scattered over
 * 47 MB. Three bytes per run and one per ink pixel: 13 MiB for MNIST's
 * training set. Images of at most 65,536 pixels. */
typedef struct dataset_nonzero {
    size_t count;          // images indexed
    uint32_t *start;       // (count + 1): image s's runs are [start[s], start[s+1])
    uint16_t *run_at;      // the first pixel of each run, ascending within an image
    uint8_t *run_len;      // its length, 1 to 255 (a longer run is split)
    uint32_t *value_start; // (count + 1): image s's values start at value[value_start[s]]
    uint8_t *value;        // the pixels of each image's runs, run after run
} dataset_nonzero;

bool dataset_nonzero_build(dataset_nonzero *nz, const dataset *ds, dp_error *err);
/* Safe on a zeroed struct. */
void dataset_nonzero_destroy(dataset_nonzero *nz);

/* The same samples as a sparse batch (by-sample view only; call
 * mlp_sparse_transpose for the by-input one): each non-zero pixel / 255.
 * nz, when not NULL, is ds's non-zero index (dataset_nonzero_build); without
 * it every pixel is tested. Returns the number of non-zero pixels. sx must
 * hold n samples of rows*cols inputs. */
size_t dataset_batch_sparse(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                            size_t first, size_t n, mlp_sparse_batch *sx, uint8_t *y);

/* Whether a batch of n samples with nnz non-zero pixels goes the sparse way
 * (at most MLP_SPARSE_MAX_DENSITY of its pixels are ink). */
bool dataset_sparse_enough(const dataset *ds, size_t nnz, size_t n);

/* The batch in the form the first layer computes fastest: sparse (sx's
 * by-sample view) when at most MLP_SPARSE_MAX_DENSITY of its pixels are
 * ink, as for nearly every MNIST batch; otherwise dense floats in x. Returns
 * true for sparse. For evaluation; training makes its batches from its
 * session's ink index by the same rule (train.c). */
bool dataset_batch_best(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                        mlp_sparse_batch *sx, float *x, uint8_t *y);

/* Asks the CPU to start loading these samples' pixels (and their entries in
 * nz, if not NULL) into cache. */
void dataset_prefetch(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                      size_t n);

/* Fisher-Yates shuffle of idx[0..n) with r. */
void dataset_shuffle(uint32_t *idx, size_t n, dp_rng *r);

/* Reads a whole file (at most max_len bytes) into a new buffer. */
bool dp_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len, dp_error *err);

#endif
