/* dense_kernels.c: the dense layers' matrix products (dense_kernels.h), one
 * build per vector unit of one loop (dense_kernels.inc). */
#include "dense_kernels.h"

#include <stdbool.h>
#include <string.h>

#include "simd.h"

/* A product rounded, then its sum rounded: the bits SSE2 gets. gcc contracts
 * a * b + c into an FMA only in its GNU modes (-ffp-contract=fast); under
 * -std=c11, as meson.build builds, it is off, and the FMA that AVX2 and
 * AVX-512 have is never used. clang contracts within an expression unless
 * told not to. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__) && !defined(__STRICT_ANSI__)
#error "dense_kernels.c must be built with -std=c11 (no FMA contraction): see meson.build"
#endif

/* One product in the form every dense product here takes: for each row r
 * of res and each column j < cols,
 *   res[r][j] = init[r][j] (0 when init is NULL)
 *             + sum over t < n_t, ascending, of a(r, t) * m[t][j],
 * a(r, t) = scal[r * scal_row + t * scal_step]. init may be res itself
 * (a sum resumed). */
typedef struct dense_op {
    float *res;
    size_t ld_res;
    const float *init;
    size_t ld_init;
    const float *scal;
    size_t scal_row, scal_step;
    const float *m;
    size_t ld_m;
    size_t n_rows, n_t, cols;
} dense_op;

/* Accumulators: DENSE_MAX_ROWS rows by up to DENSE_MAX_VECS vectors. The
 * narrowest columns are copied DENSE_CHUNK terms at a time. */
enum { DENSE_MAX_ROWS = 4, DENSE_MAX_VECS = 4, DENSE_CHUNK = 256 };

typedef float dp_dvec16 __attribute__((vector_size(64)));
typedef float dp_dvec8 __attribute__((vector_size(32)));
typedef float dp_dvec4 __attribute__((vector_size(16)));

#define KVEC dp_dvec16
#define KLANES 16
#define KNAME(n) dense_##n##_v16
#include "dense_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

#define KVEC dp_dvec8
#define KLANES 8
#define KNAME(n) dense_##n##_v8
#include "dense_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

#define KVEC dp_dvec4
#define KLANES 4
#define KNAME(n) dense_##n##_v4
#include "dense_kernels.inc"
#undef KVEC
#undef KLANES
#undef KNAME

/* One build per vector unit, with as many accumulators as its registers
 * hold beside the loaded vectors: 4 rows by 4 vectors of 16 (AVX-512, 32
 * registers), 4 by 2 of 8 or 4 (AVX2 and SSE2, 16 registers). */
DP_TARGET_AVX512 static void dense_run_avx512(const dense_op *op)
{
    dense_run_v16(op, 4);
}

DP_TARGET_AVX2 static void dense_run_avx2(const dense_op *op)
{
    dense_run_v8(op, 2);
}

static void dense_run_sse2(const dense_op *op)
{
    dense_run_v4(op, 2);
}

static void dense_run(const dense_op *op)
{
    if (op->n_rows == 0 || op->cols == 0)
        return;
    switch (dp_vector_unit_here()) {
    case DP_UNIT_AVX512:
        dense_run_avx512(op);
        break;
    case DP_UNIT_AVX2:
        dense_run_avx2(op);
        break;
    default:
        dense_run_sse2(op);
    }
}

void dense_kernels_forward(float *out, const float *inp, const float *kernel, const float *bias,
                           size_t batch, size_t in, size_t out_n)
{
    dense_op op = {
        .res = out, .ld_res = out_n, .init = bias, .ld_init = 0,
        .scal = inp, .scal_row = in, .scal_step = 1,
        .m = kernel, .ld_m = out_n,
        .n_rows = batch, .n_t = in, .cols = out_n,
    };
    dense_run(&op);
}

void dense_kernels_backward_kernel(float *dkernel, const float *dout, const float *inp,
                                   size_t batch, size_t in, size_t out_n)
{
    dense_op op = {
        .res = dkernel, .ld_res = out_n, .init = dkernel, .ld_init = out_n,
        .scal = inp, .scal_row = 1, .scal_step = in,
        .m = dout, .ld_m = out_n,
        .n_rows = in, .n_t = batch, .cols = out_n,
    };
    dense_run(&op);
}

/* The kernel's transpose, a tile at a time: TILE_OUT of its columns by
 * TILE_IN of its rows (32 KB on the stack), so that the inputs are the
 * lanes. Each sum resumes from dinp where the tile before left it. */
enum { TILE_IN = 128, TILE_OUT = 64 };

void dense_kernels_backward_input(float *dinp, const float *dout, const float *kernel,
                                  size_t batch, size_t in, size_t out_n)
{
    float tile[TILE_OUT * TILE_IN] __attribute__((aligned(64)));
    for (size_t i0 = 0; i0 < in; i0 += TILE_IN) {
        size_t ni = in - i0 < TILE_IN ? in - i0 : TILE_IN;
        for (size_t o0 = 0; o0 < out_n; o0 += TILE_OUT) {
            size_t no = out_n - o0 < TILE_OUT ? out_n - o0 : TILE_OUT;
            for (size_t i = 0; i < ni; i++) {
                const float *k = kernel + (i0 + i) * out_n + o0;
                for (size_t o = 0; o < no; o++)
                    tile[o * TILE_IN + i] = k[o];
            }
            dense_op op = {
                .res = dinp + i0, .ld_res = in,
                .init = o0 == 0 ? NULL : dinp + i0, .ld_init = in,
                .scal = dout + o0, .scal_row = out_n, .scal_step = 1,
                .m = tile, .ld_m = TILE_IN,
                .n_rows = batch, .n_t = no, .cols = ni,
            };
            dense_run(&op);
        }
    }
}
