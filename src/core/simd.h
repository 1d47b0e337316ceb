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

#endif
