/* dense_kernels.h: the dense layers' matrix products, with the same bits on
 * every CPU.
 *
 * Each output is one sum in a fixed order: the bias (or the gradient so
 * far, or zero) first, then one product a term, its terms in ascending
 * order. The loops keep blocks of outputs in vector registers, one output
 * a lane, so the vector
 * unit (AVX-512, AVX2 or SSE2, one build each, dp_vector_unit_here) changes
 * how many sums run at once but never the order within one; and no product
 * is fused into its sum (no FMA), since SSE2 has none. A BLAS's sgemm picks
 * its kernel and its summation order by the CPU and its own version:
 * training through it made other bits on another machine.
 *
 * A zero factor's term is added, not skipped as the sparse first layer
 * and dense_forward_one skip it: with finite weights adding a zero product
 * changes a sum only when the sum is -0 (to +0), and a sum is -0 only when
 * it starts at -0 and every term so far was -0 (x + -x is +0), which no
 * bias or gradient here is: the sparse and dense passes agree to the bit
 * (test_mlp checks it). Skipping would need a test a term, which
 * mispredicts on ReLU's zeros.
 *
 * mlp.c's dense_forward and dense_backward are these. Row-major throughout;
 * shapes as in mlp.h. */
#ifndef DIGITPAD_DENSE_KERNELS_H
#define DIGITPAD_DENSE_KERNELS_H

#include <stddef.h>

/* out (batch, out_n) = bias (out_n) + inp (batch, in) . kernel (in, out_n):
 * out[b][o] = bias[o], then + inp[b][i] * kernel[i][o] for i ascending. The
 * order of the sparse first layer (dense_forward_sparse) and of
 * dense_forward_one. */
void dense_kernels_forward(float *out, const float *inp, const float *kernel, const float *bias,
                           size_t batch, size_t in, size_t out_n);

/* dkernel (in, out_n) += inp^T . dout (batch, out_n): dkernel[i][o], then
 * + inp[b][i] * dout[b][o] for b ascending. */
void dense_kernels_backward_kernel(float *dkernel, const float *dout, const float *inp,
                                   size_t batch, size_t in, size_t out_n);

/* dinp (batch, in) = dout (batch, out_n) . kernel^T: dinp[b][i] = +0, then
 * + dout[b][o] * kernel[i][o] for o ascending. dinp must not overlap dout
 * or kernel. */
void dense_kernels_backward_input(float *dinp, const float *dout, const float *kernel,
                                  size_t batch, size_t in, size_t out_n);

#endif
