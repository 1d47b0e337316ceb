/* sparse_rows.h: the first layer's kernel gradient, one row at a time.
 *
 * Internal to the core. mlp.c stores the rows as a gradient; train.c uses
 * each row while it is still in registers to apply Adam (the gradient of a
 * 100,352-weight kernel is then never written to memory). Both include this
 * inline code from functions built for several vector units (simd.h). */
#ifndef DIGITPAD_SPARSE_ROWS_H
#define DIGITPAD_SPARSE_ROWS_H

#include <stddef.h>
#include <string.h>

#include "mlp.h"

/* Sixteen floats, one AVX-512 register (two AVX2, four SSE ones). */
typedef float dp_v16 __attribute__((vector_size(64)));
enum { SPARSE_BLOCK = 128, SPARSE_VECS = SPARSE_BLOCK / 16 };

/* g (out_n) = init + sum over the samples where input i is non-zero of
 * value * dout[sample] (init NULL: zeros), summed in sample order with a
 * block of outputs held in registers. */
static inline __attribute__((always_inline)) void sparse_row_gradient(float *g, const float *init,
                                       const float *restrict dout,
                                       const mlp_sparse_batch *restrict x, size_t i, size_t out_n)
{
    uint32_t k0 = x->col_start[i], k1 = x->col_start[i + 1];
    size_t j0 = 0;
    for (; j0 + SPARSE_BLOCK <= out_n; j0 += SPARSE_BLOCK) {
        dp_v16 acc[SPARSE_VECS];
        if (init)
            memcpy(acc, init + j0, sizeof acc);
        else
            memset(acc, 0, sizeof acc);
        for (uint32_t k = k0; k < k1; k++) {
            const float *d = dout + (size_t)x->col_sample[k] * out_n + j0;
            float a = x->col_value[k];
            for (int q = 0; q < SPARSE_VECS; q++) {
                dp_v16 dv;
                memcpy(&dv, d + 16 * q, sizeof dv);
                acc[q] += a * dv;
            }
        }
        memcpy(g + j0, acc, sizeof acc);
    }
    if (j0 < out_n) { // the last, narrower block
        for (size_t j = j0; j < out_n; j++)
            g[j] = init ? init[j] : 0.0f;
        for (uint32_t k = k0; k < k1; k++) {
            const float *d = dout + (size_t)x->col_sample[k] * out_n;
            float a = x->col_value[k];
            for (size_t j = j0; j < out_n; j++)
                g[j] += a * d[j];
        }
    }
}

#endif
