/* simd.h: building hot loops for the vector units this CPU has.
 *
 * DP_MULTIVERSION makes gcc compile a function for AVX-512, AVX2 and plain
 * x86-64 and pick one when the program loads. Without -ffp-contract (off
 * under -std=c11) every version computes the same bits. Not under the
 * sanitizers: their instrumented ifunc resolver runs before their runtime
 * is up and crashes. Not under clang, whose target_clones differs. Not with
 * -DDP_NO_MULTIVERSION, which builds for the -m flags given alone: how CI
 * checks that AVX2 and plain SSE2 builds train to the same bits. */
#ifndef DIGITPAD_SIMD_H
#define DIGITPAD_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                            \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__) &&                            \
    !defined(DP_NO_MULTIVERSION)
#define DP_MULTIVERSIONED 1
#define DP_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#define DP_TARGET_AVX512 __attribute__((target("avx512f")))
#define DP_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define DP_MULTIVERSIONED 0
#define DP_MULTIVERSION
#define DP_TARGET_AVX512
#define DP_TARGET_AVX2
#endif

/* Which build of a hot loop the CPU can run: DP_TARGET_AVX512 functions
 * (32 vector registers of 16 floats), DP_TARGET_AVX2 ones (16 of 8) or
 * plain x86-64 ones (16 of 4). Multiversioned builds ask the CPU; the
 * others were built for their -m flags and answer from them. */
typedef enum { DP_UNIT_SSE2, DP_UNIT_AVX2, DP_UNIT_AVX512 } dp_vector_unit;

static inline dp_vector_unit dp_vector_unit_here(void)
{
#if DP_MULTIVERSIONED
    if (__builtin_cpu_supports("avx512f"))
        return DP_UNIT_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return DP_UNIT_AVX2;
    return DP_UNIT_SSE2;
#elif defined(__AVX512F__)
    return DP_UNIT_AVX512;
#elif defined(__AVX2__)
    return DP_UNIT_AVX2;
#else
    return DP_UNIT_SSE2;
#endif
}

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
