/* sparse.h: the first layer over ink only.
 *
 * MNIST digits are about 81 % background, so the first layer's two big
 * products (forward x.W and the kernel gradient x^T.dZ) need only a fifth
 * of the work when they skip the zeros. This module holds everything of
 * that path: the sparse batch (held both ways: by sample for the forward
 * pass, by input for the kernel gradient, one kernel row at a time), the
 * ink index of a dataset (runs of non-zero pixels found once, from which
 * a batch is made without reading the images), the builders of a batch,
 * the first layer's sparse forward pass and kernel gradient, and the fused
 * kernel-gradient-and-Adam sweep of training. The loops themselves are in
 * sparse_kernels.inc, one build per vector unit (sparse_kernels.h).
 *
 * The whole-network passes that start from a sparse batch
 * (mlp_forward_sparse, mlp_backward_sparse...) are in mlp.h. */
#ifndef DIGITPAD_SPARSE_H
#define DIGITPAD_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adam.h"
#include "error.h"

typedef struct dataset dataset; // dataset.h

/* A batch of inputs stored by their non-zero values only. */
typedef struct mlp_sparse_batch {
    size_t max_batch, inputs;
    size_t batch, nnz;
    uint32_t *row_start;  // (max_batch + 1): sample b's values are [row_start[b], row_start[b+1])
    uint16_t *row_index;  // (max_batch * inputs) input of each value
    float *row_value;     // (max_batch * inputs)
    uint32_t *col_start;  // (inputs + 1): input i's values are [col_start[i], col_start[i+1])
    uint16_t *col_sample; // (max_batch * inputs) sample of each value
    float *col_value;     // (max_batch * inputs)
} mlp_sparse_batch;

/* Room for max_batch samples of `inputs` inputs: at most 65,536 samples and
 * 4096 inputs (indices are 16-bit). A failed init leaves nothing to free. */
bool mlp_sparse_init(mlp_sparse_batch *s, size_t max_batch, size_t inputs, dp_error *err);
/* Safe on a zeroed struct. */
void mlp_sparse_destroy(mlp_sparse_batch *s);
/* Builds the by-input view from the by-sample one (row_* and batch set). */
void mlp_sparse_transpose(mlp_sparse_batch *s);

/* The sparse batch is worth it while at most this share of inputs is
 * non-zero; above it the dense products win (measured by digitpad bench). */
#define MLP_SPARSE_MAX_DENSITY 0.5

/* The first layer's forward pass from a sparse batch: out (batch, out_n) =
 * x.kernel + bias, summing each output over the non-zero inputs in order. */
void dense_forward_sparse(float *out, const mlp_sparse_batch *x, const float *kernel,
                          const float *bias, size_t out_n);
/* Accumulates the first layer's kernel gradient from a sparse batch (its
 * bias gradient is the plain sum over the batch). */
void dense_backward_sparse_kernel(float *dkernel, const float *dout, const mlp_sparse_batch *x,
                                  size_t out_n);

/* The first layer's kernel gradient and its Adam update in one sweep over
 * the kernel rows rows[0..n_rows): each row of the gradient (out_n floats)
 * is made from the sparse batch's by-input view and dout (batch, out_n: d
 * loss / d the layer's output before its activation) and applied at once,
 * while it is in the L1 cache. kernel, m and v are the layer's (in, out_n)
 * blocks. The same bits as dense_backward_sparse_kernel then adam_apply. */
void sparse_adam_rows(float *kernel, float *m, float *v, const float *dout,
                      const mlp_sparse_batch *x, size_t out_n, const adam_step *a,
                      const uint16_t *rows, size_t n_rows);

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

/* Indexes all of ds. A failed build leaves nothing to free. */
bool dataset_nonzero_build(dataset_nonzero *nz, const dataset *ds, dp_error *err);
/* Safe on a zeroed struct. */
void dataset_nonzero_destroy(dataset_nonzero *nz);

/* The samples at indices[0..n) (NULL: first..first+n-1) as a sparse batch
 * (by-sample view only; call mlp_sparse_transpose for the by-input one),
 * each non-zero pixel / 255, and their labels in y. nz, when not NULL, is
 * ds's ink index; without it every pixel is tested. Returns the number of
 * non-zero pixels. sx must hold n samples of rows*cols inputs. */
size_t dataset_batch_sparse(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                            size_t first, size_t n, mlp_sparse_batch *sx, uint8_t *y);
/* The same with each pixel times scale (a model's input.scale); with
 * scale 1/255 exactly, the same bits as dataset_batch_sparse. */
size_t dataset_batch_sparse_scaled(const dataset *ds, const dataset_nonzero *nz,
                                   const uint32_t *indices, size_t first, size_t n, double scale,
                                   mlp_sparse_batch *sx, uint8_t *y);

/* table[b] = the input byte b becomes: b / 255 in float for scale 1/255
 * exactly (as the Keras program divides), else (float)(b * scale). */
void dataset_scale_table(float table[256], double scale);

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
/* The same with each pixel times scale (see dataset_batch_sparse_scaled). */
bool dataset_batch_best_scaled(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                               double scale, mlp_sparse_batch *sx, float *x, uint8_t *y);

/* Asks the CPU to start loading these samples' pixels (and their entries in
 * nz, if not NULL) into cache. */
void dataset_prefetch(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                      size_t n);

#endif
