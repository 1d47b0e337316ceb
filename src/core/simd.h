/* simd.h: building hot loops for the vector units this CPU has.
 *
 * DP_MULTIVERSION makes gcc compile a function for AVX-512, AVX2 and plain
 * x86-64 and pick one when the program loads. Without -ffp-contract (off
 * under -std=c11) every version computes the same bits. Not under the
 * sanitizers: their instrumented ifunc resolver runs before their runtime
 * is up and crashes. Not under clang, whose target_clones differs. */
#ifndef DIGITPAD_SIMD_H
#define DIGITPAD_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                            \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define DP_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DP_MULTIVERSION
#endif

/* Flushing denormal floats to zero, for the span of a training step.
 *
 * TensorFlow, and so the Keras program digitpad follows, trains with the
 * x86 FTZ and DAZ bits set: a float too small to be normal (< 1.2e-38)
 * becomes 0. Without them, the Adam moments of pixels that are rarely ink
 * decay through the denormal range (about 6,000 of them at any moment on
 * MNIST) and every operation on one costs a microcode assist. The scope is
 * saved and restored, so the caller's floating-point mode is left alone. */
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
typedef unsigned dp_fp_mode;
static inline dp_fp_mode dp_flush_denormals_begin(void)
{
    dp_fp_mode saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040u); // FTZ (bit 15) and DAZ (bit 6)
    return saved;
}
static inline void dp_flush_denormals_end(dp_fp_mode saved)
{
    _mm_setcsr(saved);
}
#else
typedef int dp_fp_mode;
static inline dp_fp_mode dp_flush_denormals_begin(void)
{
    return 0;
}
static inline void dp_flush_denormals_end(dp_fp_mode saved)
{
    (void)saved;
}
#endif

#endif
