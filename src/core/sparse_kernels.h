/* sparse_kernels.h: the first layer's loops over a sparse batch.
 *
 * Internal to sparse.c: the forward pass, the kernel gradient a row at a
 * time (dense_backward_sparse_kernel stores the rows; sparse_adam_rows
 * applies Adam to each row while it is in registers, so the gradient of the
 * 100,352-weight kernel is never written to memory).
 *
 * Each loop keeps `vecs` vectors of outputs in registers, a constant where
 * it is inlined, and comes in three vector types, one per vector unit:
 * 16 floats (AVX-512), 8 (AVX2) and 4 (SSE2). GCC keeps a vector wider than
 * the unit's registers on the stack, not in registers: one 16-float type
 * for all made training 6 times slower on AVX2 and 2.5 times on SSE2; one
 * 8-float type cost AVX-512 2 us a step in the forward pass (twice the
 * instructions for the same loads). Every type and count sums each output
 * in the same order, to the same bits. */
#ifndef DIGITPAD_SPARSE_KERNELS_H
#define DIGITPAD_SPARSE_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "simd.h"
#include "sparse.h"

typedef float dp_vec16 __attribute__((vector_size(64)));
typedef float dp_vec8 __attribute__((vector_size(32)));
typedef float dp_vec4 __attribute__((vector_size(16)));

/* The most vectors any loop keeps as accumulators. */
enum { SPARSE_MAX_VECS = 16 };

/* Each sample's outputs are summed in registers, a block at a time (8
 * vectors: 128 outputs with AVX-512, 64 with AVX2, 32 with SSE2), over its
 * non-zero inputs in ascending order (the bias first). Done one
 * sample at a time, every entry reads a 512-byte kernel row from the L2
 * cache (the kernel is 401 KB), and the loop runs at the L2's bandwidth:
 * about 17 cycles an entry against 10 when the row is in L1. The samples of
 * a batch share their rows (a batch of 32 MNIST digits reads each of about
 * 550 inked rows 9 times), so the inputs are taken in blocks of
 * FORWARD_PIXELS: every sample of a group adds its entries in the block,
 * from a cursor into its sorted entries, before the next block starts, and
 * the block's rows in use stay in L1 meanwhile. Each sum still runs bias,
 * then inputs in ascending order: the same bits as sample by sample. 112
 * inputs are four image rows, about 80 inked rows (40 KB); smaller blocks
 * cost more in stopping and restarting each sample's sum than they save
 * (32: no faster than no blocks at all), and larger ones fall out of L1.
 * Per batch of 32 here (Zen 4): 22.5 -> 16.5 us at 128 outputs, 122 -> 46
 * at 200 (the narrower block gains most), but 12 -> 19 at 7, whose whole
 * kernel fits in L1 anyway. */
enum { FORWARD_PIXELS = 112, FORWARD_GROUP = 32 };

#define KVEC dp_vec16
#define KLANES 16
#define KNAME(n) sparse_##n##_v16
#include "sparse_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

#define KVEC dp_vec8
#define KLANES 8
#define KNAME(n) sparse_##n##_v8
#include "sparse_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

#define KVEC dp_vec4
#define KLANES 4
#define KNAME(n) sparse_##n##_v4
#include "sparse_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

#endif
