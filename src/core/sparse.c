/* sparse.c: the first layer over ink only (sparse.h): the sparse batch,
 * the ink index, the batch builders, and one build per vector unit of the
 * first layer's sparse loops (sparse_kernels.inc). */
#include "sparse.h"

#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "mlp.h"
#include "simd.h"
#include "sparse_kernels.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------------------
 * The sparse batch and the first layer's sparse loops. */

bool mlp_sparse_init(mlp_sparse_batch *s, size_t max_batch, size_t inputs, dp_error *err)
{
    memset(s, 0, sizeof *s);
    if (max_batch < 1 || max_batch > 65536 || inputs < 1 || inputs > MLP_MAX_UNITS)
        return dp_fail(err, "a sparse batch of %zu x %zu is outside the caps", max_batch, inputs);
    size_t cap = max_batch * inputs;
    s->row_start = malloc((max_batch + 1) * sizeof *s->row_start);
    // 16 spare slots: the builders of a batch may write a few past its end.
    s->row_index = malloc((cap + 16) * sizeof *s->row_index);
    s->row_value = dp_floats(cap + 16);
    s->col_start = malloc((inputs + 1) * sizeof *s->col_start);
    s->col_sample = malloc(cap * sizeof *s->col_sample);
    s->col_value = dp_floats(cap);
    if (!s->row_start || !s->row_index || !s->row_value || !s->col_start || !s->col_sample ||
        !s->col_value) {
        mlp_sparse_destroy(s);
        return dp_fail(err, "out of memory for a sparse batch of %zu", max_batch);
    }
    s->max_batch = max_batch;
    s->inputs = inputs;
    return true;
}

void mlp_sparse_destroy(mlp_sparse_batch *s)
{
    free(s->row_start);
    free(s->row_index);
    free(s->row_value);
    free(s->col_start);
    free(s->col_sample);
    free(s->col_value);
    memset(s, 0, sizeof *s);
}

void mlp_sparse_transpose(mlp_sparse_batch *s)
{
    // A counting sort by input, stable in sample order. Local restrict
    // pointers: otherwise every counter store could alias row_start and the
    // index arrays, and the compiler reloads them for each value.
    uint32_t *restrict start = s->col_start;
    const uint32_t *restrict row_start = s->row_start;
    const uint16_t *restrict row_index = s->row_index;
    const float *restrict row_value = s->row_value;
    uint16_t *restrict col_sample = s->col_sample;
    float *restrict col_value = s->col_value;
    size_t inputs = s->inputs, batch = s->batch, nnz = row_start[batch];
    memset(start, 0, (inputs + 1) * sizeof *start);
    for (size_t k = 0; k < nnz; k++)
        start[row_index[k] + 1]++;
    for (size_t i = 0; i < inputs; i++)
        start[i + 1] += start[i];
    for (size_t b = 0; b < batch; b++) {
        uint32_t k1 = row_start[b + 1];
        for (uint32_t k = row_start[b]; k < k1; k++) {
            uint32_t at = start[row_index[k]]++;
            col_sample[at] = (uint16_t)b;
            col_value[at] = row_value[k];
        }
    }
    // The pass above moved each start to the next one's: shift back.
    memmove(start + 1, start, inputs * sizeof *start);
    start[0] = 0;
    s->nnz = nnz;
}

/* One build per vector unit (dp_vector_unit_here, simd.h), each with the
 * vector type and accumulator count its registers hold. */
DP_TARGET_AVX512 static void forward_sparse_avx512(float *out, const mlp_sparse_batch *x,
                                                   const float *kernel, const float *bias,
                                                   size_t out_n)
{
    sparse_forward_v16(out, x, kernel, bias, out_n, 8);
}

DP_TARGET_AVX2 static void forward_sparse_avx2(float *out, const mlp_sparse_batch *x,
                                               const float *kernel, const float *bias,
                                               size_t out_n)
{
    sparse_forward_v8(out, x, kernel, bias, out_n, 8);
}

static void forward_sparse_sse2(float *out, const mlp_sparse_batch *x, const float *kernel,
                                const float *bias, size_t out_n)
{
    sparse_forward_v4(out, x, kernel, bias, out_n, 8);
}

void dense_forward_sparse(float *out, const mlp_sparse_batch *x, const float *kernel,
                          const float *bias, size_t out_n)
{
    switch (dp_vector_unit_here()) {
    case DP_UNIT_AVX512:
        forward_sparse_avx512(out, x, kernel, bias, out_n);
        break;
    case DP_UNIT_AVX2:
        forward_sparse_avx2(out, x, kernel, bias, out_n);
        break;
    default:
        forward_sparse_sse2(out, x, kernel, bias, out_n);
    }
}

/* The kernel gradient's rows, with the row-gradient loop of the given
 * vector type (ROW_GRADIENT) and accumulator count. */
#define BACKWARD_SPARSE_KERNEL(ROW_GRADIENT, VECS)                                                 \
    for (size_t i = 0; i < x->inputs; i++) {                                                      \
        if (x->col_start[i] == x->col_start[i + 1])                                               \
            continue; /* this input was zero in every sample: its row gets nothing */             \
        float *row = dkernel + i * out_n;                                                         \
        ROW_GRADIENT(row, row, dout, x, i, out_n, VECS);                                          \
    }

DP_TARGET_AVX512 static void backward_sparse_kernel_avx512(float *dkernel, const float *dout,
                                                           const mlp_sparse_batch *x,
                                                           size_t out_n)
{
    BACKWARD_SPARSE_KERNEL(sparse_row_gradient_v16, 8)
}

DP_TARGET_AVX2 static void backward_sparse_kernel_avx2(float *dkernel, const float *dout,
                                                       const mlp_sparse_batch *x, size_t out_n)
{
    BACKWARD_SPARSE_KERNEL(sparse_row_gradient_v8, 8)
}

static void backward_sparse_kernel_sse2(float *dkernel, const float *dout,
                                        const mlp_sparse_batch *x, size_t out_n)
{
    BACKWARD_SPARSE_KERNEL(sparse_row_gradient_v4, 8)
}

void dense_backward_sparse_kernel(float *dkernel, const float *dout, const mlp_sparse_batch *x,
                                  size_t out_n)
{
    switch (dp_vector_unit_here()) {
    case DP_UNIT_AVX512:
        backward_sparse_kernel_avx512(dkernel, dout, x, out_n);
        break;
    case DP_UNIT_AVX2:
        backward_sparse_kernel_avx2(dkernel, dout, x, out_n);
        break;
    default:
        backward_sparse_kernel_sse2(dkernel, dout, x, out_n);
    }
}


/* ---------------------------------------------------------------------------
 * Training's fused kernel gradient and Adam update. */

/* The first layer's kernel gradient and its Adam update in one sweep over
 * the kernel rows rows[0..n_rows): each row of the gradient (out_n floats)
 * is made from the sparse batch and used at once, while it is in the L1
 * cache, instead of being written to a 400 KB gradient block and read
 * back. Row r + 1's gradient is made before row r's update, so the CPU can
 * work on both at once: 4 us less a step. The arithmetic and its order are
 * those of mlp_backward_sparse followed by adam_update: the same bits.
 * A macro over the row-gradient loop of a vector type (ROW_GRADIENT) and
 * its accumulator count: one instance per vector unit. */
#define APPLY_SPARSE_ROWS(ROW_GRADIENT, VECS)                                                      \
    do {                                                                                          \
        float g[2][MLP_MAX_UNITS] __attribute__((aligned(64)));                                   \
        if (n_rows == 0)                                                                          \
            break;                                                                                \
        ROW_GRADIENT(g[0], NULL, dout, x, rows[0], out_n, VECS);                                  \
        for (size_t r = 0; r < n_rows; r++) {                                                     \
            if (r + 1 < n_rows)                                                                   \
                ROW_GRADIENT(g[(r + 1) & 1], NULL, dout, x, rows[r + 1], out_n, VECS);            \
            const float *restrict gi = g[r & 1];                                                  \
            size_t at = (size_t)rows[r] * out_n;                                                  \
            float *restrict p = kernel + at, *restrict mi = m + at, *restrict vi = v + at;        \
            for (size_t j = 0; j < out_n; j++)                                                    \
                adam_one(&p[j], &mi[j], &vi[j], gi[j], &a);                                       \
        }                                                                                         \
    } while (0)

/* One build per vector unit (dp_vector_unit_here, simd.h). */
DP_TARGET_AVX512 static void apply_sparse_rows_avx512(float *kernel, float *m, float *v,
                                                      const float *dout,
                                                      const mlp_sparse_batch *x, size_t out_n,
                                                      adam_step a, const uint16_t *rows,
                                                      size_t n_rows)
{
    APPLY_SPARSE_ROWS(sparse_row_gradient_v16, 8);
}

DP_TARGET_AVX2 static void apply_sparse_rows_avx2(float *kernel, float *m, float *v,
                                                  const float *dout, const mlp_sparse_batch *x,
                                                  size_t out_n, adam_step a, const uint16_t *rows,
                                                  size_t n_rows)
{
    APPLY_SPARSE_ROWS(sparse_row_gradient_v8, 8);
}

static void apply_sparse_rows_sse2(float *kernel, float *m, float *v, const float *dout,
                                   const mlp_sparse_batch *x, size_t out_n, adam_step a,
                                   const uint16_t *rows, size_t n_rows)
{
    APPLY_SPARSE_ROWS(sparse_row_gradient_v4, 8);
}

void sparse_adam_rows(float *kernel, float *m, float *v, const float *dout,
                      const mlp_sparse_batch *x, size_t out_n, const adam_step *ap,
                      const uint16_t *rows, size_t n_rows)
{
    adam_step a = *ap;
    switch (dp_vector_unit_here()) {
    case DP_UNIT_AVX512:
        apply_sparse_rows_avx512(kernel, m, v, dout, x, out_n, a, rows, n_rows);
        break;
    case DP_UNIT_AVX2:
        apply_sparse_rows_avx2(kernel, m, v, dout, x, out_n, a, rows, n_rows);
        break;
    default:
        apply_sparse_rows_sse2(kernel, m, v, dout, x, out_n, a, rows, n_rows);
    }
}

/* ---------------------------------------------------------------------------
 * The ink index and the batch builders. */

/* x / 255 for every byte value, folded by the compiler: the same division
 * pixels_to_float does at run time, so sparse and dense batches agree bit
 * for bit (test_train checks all 256). */
#define SCALED1(i) ((float)(i) / 255.0f)
#define SCALED4(i) SCALED1(i), SCALED1((i) + 1), SCALED1((i) + 2), SCALED1((i) + 3)
#define SCALED16(i) SCALED4(i), SCALED4((i) + 4), SCALED4((i) + 8), SCALED4((i) + 12)
#define SCALED64(i) SCALED16(i), SCALED16((i) + 16), SCALED16((i) + 32), SCALED16((i) + 48)
static const float byte_scaled[256] = {SCALED64(0), SCALED64(64), SCALED64(128), SCALED64(192)};

/* The non-zero pixels of img as bits, 64 to a word (bits past `pixels`
 * clear); words has room for (pixels + 63) / 64. */
static void nonzero_bits(const uint8_t *restrict img, size_t pixels, uint64_t *restrict words)
{
    size_t n_words = (pixels + 63) / 64, p = 0;
    memset(words, 0, n_words * sizeof *words);
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; p + 16 <= pixels; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(img + p));
        uint64_t mask = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) & 0xFFFFu;
        words[p / 64] |= mask << (p % 64);
    }
#endif
    for (; p < pixels; p++)
        words[p / 64] |= (uint64_t)(img[p] != 0) << (p % 64);
}

/* Appends img's runs of ink to nz from run r (growing the run arrays as
 * needed, *cap runs) and returns the new run count, or SIZE_MAX when out of
 * memory. A run starts at a set bit whose lower neighbour is clear and ends
 * before a clear bit whose lower neighbour is set: found a word at a time,
 * about 25 bit scans per digit instead of a test per pixel. words is
 * scratch for (pixels + 63) / 64. */
static size_t append_runs(dataset_nonzero *nz, size_t *cap, size_t r, const uint8_t *img,
                          size_t pixels, uint64_t *words)
{
    nonzero_bits(img, pixels, words);
    size_t n_words = (pixels + 63) / 64, run_start = 0;
    uint64_t carry = 0; // the last bit of the word before
    for (size_t w = 0; w <= n_words; w++) {
        // One word past the end, all clear, closes a run reaching the end.
        uint64_t m = w < n_words ? words[w] : 0;
        uint64_t shifted = (m << 1) | carry;
        uint64_t starts = m & ~shifted, ends = ~m & shifted;
        carry = m >> 63;
        while (starts | ends) {
            // Within a word a run's end comes after its start; an end at a
            // lower bit than the next start closes the run already open.
            unsigned s_bit = starts ? (unsigned)__builtin_ctzll(starts) : 64;
            unsigned e_bit = ends ? (unsigned)__builtin_ctzll(ends) : 64;
            if (s_bit < e_bit) {
                run_start = w * 64 + s_bit;
                starts &= starts - 1;
                continue;
            }
            size_t run_end = w * 64 + e_bit;
            ends &= ends - 1;
            for (size_t at = run_start; at < run_end; at += 255) { // 255 at most a run
                if (r == *cap) {
                    size_t grown = *cap + *cap / 2 + 1024;
                    uint16_t *grown_at = realloc(nz->run_at, grown * sizeof *grown_at);
                    if (grown_at)
                        nz->run_at = grown_at;
                    uint8_t *grown_len = realloc(nz->run_len, grown);
                    if (grown_len)
                        nz->run_len = grown_len;
                    if (!grown_at || !grown_len)
                        return SIZE_MAX;
                    *cap = grown;
                }
                nz->run_at[r] = (uint16_t)at;
                nz->run_len[r] = (uint8_t)(run_end - at < 255 ? run_end - at : 255);
                r++;
            }
        }
    }
    return r;
}

bool dataset_nonzero_build(dataset_nonzero *nz, const dataset *ds, dp_error *err)
{
    memset(nz, 0, sizeof *nz);
    size_t pixels = ds->rows * ds->cols;
    if (pixels == 0 || pixels > 65536)
        return dp_fail(err, "images of %zu pixels cannot be indexed (at most 65536)", pixels);
    nz->start = malloc((ds->count + 1) * sizeof *nz->start);
    uint64_t *words = malloc((pixels + 63) / 64 * sizeof *words);
    // A first guess of 32 runs an image; the arrays grow by half when short
    // and are trimmed at the end (a few MB: a copy costs little).
    size_t cap = ds->count * 32, r = 0;
    nz->run_at = malloc(cap * sizeof *nz->run_at + 1);
    nz->run_len = malloc(cap + 1);
    bool ok = nz->start && words && nz->run_at && nz->run_len;
    for (size_t s = 0; ok && s < ds->count; s++) {
        nz->start[s] = (uint32_t)r;
        r = append_runs(nz, &cap, r, ds->images + s * pixels, pixels, words);
        ok = r != SIZE_MAX && r <= UINT32_MAX;
    }
    free(words);
    if (!ok) {
        dataset_nonzero_destroy(nz);
        return dp_fail(err, "out of memory for the non-zero index of %zu images", ds->count);
    }
    nz->start[ds->count] = (uint32_t)r;
    uint16_t *at = realloc(nz->run_at, r * sizeof *at + 1);
    uint8_t *len = realloc(nz->run_len, r + 1);
    if (at)
        nz->run_at = at;
    if (len)
        nz->run_len = len;

    // The ink's values, run after run: a batch is then made from the index
    // alone, without a random read into the 47 MB of images.
    nz->value_start = malloc((ds->count + 1) * sizeof *nz->value_start);
    size_t total = 0;
    for (size_t q = 0; q < r; q++)
        total += nz->run_len[q];
    // 16 spare bytes: copy_runs reads a run's values 16 at a time.
    nz->value = total <= UINT32_MAX ? malloc(total + 16) : NULL;
    if (!nz->value_start || !nz->value) {
        dataset_nonzero_destroy(nz);
        return dp_fail(err, "out of memory for the non-zero index of %zu images", ds->count);
    }
    memset(nz->value + total, 0, 16);
    size_t v = 0;
    for (size_t i = 0; i < ds->count; i++) {
        nz->value_start[i] = (uint32_t)v;
        const uint8_t *img = ds->images + i * pixels;
        for (uint32_t q = nz->start[i]; q < nz->start[i + 1]; q++) {
            size_t at = nz->run_at[q], len = nz->run_len[q];
            if (len <= 16 && at + 16 <= pixels) {
                // Sixteen bytes at once (the spare ones are overwritten by
                // the next run, or land in the 16 spare bytes at the end).
                uint8_t chunk[16];
                memcpy(chunk, img + at, 16);
                memcpy(nz->value + v, chunk, 16);
            } else {
                memcpy(nz->value + v, img + at, len);
            }
            v += len;
        }
    }
    nz->value_start[ds->count] = (uint32_t)v;
    nz->count = ds->count;
    return true;
}

void dataset_nonzero_destroy(dataset_nonzero *nz)
{
    if (!nz)
        return;
    free(nz->start);
    free(nz->run_at);
    free(nz->run_len);
    free(nz->value_start);
    free(nz->value);
    memset(nz, 0, sizeof *nz);
}

/* Appends the non-zero pixels of one image to sx from position k, testing
 * every pixel (no index): sixteen a compare, then one step per set bit. */
static size_t gather_nonzero(const uint8_t *restrict img, size_t pixels,
                             mlp_sparse_batch *restrict sx, size_t k,
                             const float *restrict table)
{
    uint64_t words[(MLP_MAX_UNITS + 63) / 64]; // sx holds at most MLP_MAX_UNITS inputs
    nonzero_bits(img, pixels, words);
    for (size_t w = 0; w < (pixels + 63) / 64; w++)
        for (uint64_t m = words[w]; m; m &= m - 1) {
            size_t p = w * 64 + (size_t)__builtin_ctzll(m);
            sx->row_index[k] = (uint16_t)p;
            sx->row_value[k] = table[img[p]];
            k++;
        }
    return k;
}

/* The same from the index, a run at a time. With SSE2 every run writes
 * sixteen positions (a ramp plus its start) and sixteen values (the bytes
 * widened and divided by 255: the same bits as byte_scaled) and the cursor
 * moves by its length: no branch on the length below 17, which nearly all
 * MNIST runs are. The values come from the index (vals), read 16 at a time
 * (it has spare bytes at its end); sx has room for the spare writes
 * (mlp_sparse_init). */
static size_t copy_runs(const uint16_t *restrict run_at, const uint8_t *restrict run_len,
                        const uint8_t *restrict vals, size_t runs,
                        mlp_sparse_batch *restrict sx, size_t k)
{
    uint16_t *restrict index = sx->row_index;
    float *restrict value = sx->row_value;
#if defined(__SSE2__)
    const __m128i ramp_lo = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    const __m128i ramp_hi = _mm_setr_epi16(8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i zero = _mm_setzero_si128();
    const __m128 v255 = _mm_set1_ps(255.0f);
    for (size_t r = 0; r < runs; r++) {
        size_t at = run_at[r], len = run_len[r];
        for (size_t done = 0; done < len; done += 16) {
            __m128i base = _mm_set1_epi16((short)(at + done));
            _mm_storeu_si128((__m128i *)(void *)(index + k + done), _mm_add_epi16(base, ramp_lo));
            _mm_storeu_si128((__m128i *)(void *)(index + k + done + 8),
                             _mm_add_epi16(base, ramp_hi));
            // Values past the run's end are written as spares, overwritten
            // by the next run.
            __m128i b;
            memcpy(&b, vals + done, sizeof b);
            __m128i w_lo = _mm_unpacklo_epi8(b, zero), w_hi = _mm_unpackhi_epi8(b, zero);
            __m128i d[4] = {_mm_unpacklo_epi16(w_lo, zero), _mm_unpackhi_epi16(w_lo, zero),
                            _mm_unpacklo_epi16(w_hi, zero), _mm_unpackhi_epi16(w_hi, zero)};
            for (int q = 0; q < 4; q++)
                _mm_storeu_ps(value + k + done + 4 * q, _mm_div_ps(_mm_cvtepi32_ps(d[q]), v255));
        }
        vals += len;
        k += len;
    }
#else
    for (size_t r = 0; r < runs; r++) {
        size_t at = run_at[r], len = run_len[r];
        for (size_t j = 0; j < len; j++) {
            index[k + j] = (uint16_t)(at + j);
            value[k + j] = byte_scaled[vals[j]];
        }
        vals += len;
        k += len;
    }
#endif
    return k;
}

/* copy_runs for any scale: each value from the table of the 256 bytes'
 * floats. */
static size_t copy_runs_table(const uint16_t *restrict run_at, const uint8_t *restrict run_len,
                              const uint8_t *restrict vals, size_t runs,
                              mlp_sparse_batch *restrict sx, size_t k,
                              const float *restrict table)
{
    for (size_t r = 0; r < runs; r++) {
        size_t at = run_at[r], len = run_len[r];
        for (size_t j = 0; j < len; j++) {
            sx->row_index[k + j] = (uint16_t)(at + j);
            sx->row_value[k + j] = table[vals[j]];
        }
        vals += len;
        k += len;
    }
    return k;
}

void dataset_scale_table(float table[256], double scale)
{
    for (int b = 0; b < 256; b++)
        table[b] = scale == DATASET_DEFAULT_SCALE ? byte_scaled[b] : (float)((double)b * scale);
}

size_t dataset_batch_sparse(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                            size_t first, size_t n, mlp_sparse_batch *sx, uint8_t *y)
{
    return dataset_batch_sparse_scaled(ds, nz, indices, first, n, DATASET_DEFAULT_SCALE, sx, y);
}

size_t dataset_batch_sparse_scaled(const dataset *ds, const dataset_nonzero *nz,
                                   const uint32_t *indices, size_t first, size_t n, double scale,
                                   mlp_sparse_batch *sx, uint8_t *y)
{
    // The default scale takes the vector path (x / 255); any other, a table.
    float custom[256];
    const float *table = byte_scaled;
    if (scale != DATASET_DEFAULT_SCALE) {
        dataset_scale_table(custom, scale);
        table = custom;
    }
    size_t pixels = ds->rows * ds->cols;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = indices ? indices[i] : first + i;
        const uint8_t *img = ds->images + s * pixels;
        sx->row_start[i] = (uint32_t)k;
        if (nz && table == byte_scaled)
            k = copy_runs(nz->run_at + nz->start[s], nz->run_len + nz->start[s],
                          nz->value + nz->value_start[s], nz->start[s + 1] - nz->start[s], sx, k);
        else if (nz)
            k = copy_runs_table(nz->run_at + nz->start[s], nz->run_len + nz->start[s],
                                nz->value + nz->value_start[s], nz->start[s + 1] - nz->start[s],
                                sx, k, table);
        else
            k = gather_nonzero(img, pixels, sx, k, table);
        y[i] = ds->labels[s];
    }
    sx->row_start[n] = (uint32_t)k;
    sx->batch = n;
    sx->nnz = k;
    return k;
}

bool dataset_sparse_enough(const dataset *ds, size_t nnz, size_t n)
{
    return (double)nnz <= MLP_SPARSE_MAX_DENSITY * (double)(n * ds->rows * ds->cols);
}

bool dataset_batch_best(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                        mlp_sparse_batch *sx, float *x, uint8_t *y)
{
    return dataset_batch_best_scaled(ds, indices, first, n, DATASET_DEFAULT_SCALE, sx, x, y);
}

bool dataset_batch_best_scaled(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                               double scale, mlp_sparse_batch *sx, float *x, uint8_t *y)
{
    size_t nnz = dataset_batch_sparse_scaled(ds, NULL, indices, first, n, scale, sx, y);
    if (dataset_sparse_enough(ds, nnz, n))
        return true;
    dataset_batch_scaled(ds, indices, first, n, scale, x, y);
    return false;
}

/* Asks for the cache lines from first to last (inclusive). */
static void prefetch_range(const void *first, const void *last)
{
#if defined(__GNUC__)
    for (const char *p = first; p <= (const char *)last; p += 64)
        __builtin_prefetch(p);
    __builtin_prefetch(last);
#else
    (void)first;
    (void)last;
#endif
}

void dataset_prefetch(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                      size_t n)
{
    size_t pixels = ds->rows * ds->cols;
    for (size_t i = 0; i < n; i++) {
        size_t id = indices[i];
        if (nz) { // the batch comes from the index alone: runs and their values
            uint32_t r0 = nz->start[id], r1 = nz->start[id + 1];
            if (r1 > r0) {
                prefetch_range(nz->run_at + r0, nz->run_at + r1 - 1);
                prefetch_range(nz->run_len + r0, nz->run_len + r1 - 1);
                prefetch_range(nz->value + nz->value_start[id],
                               nz->value + nz->value_start[id + 1] - 1);
            }
        } else {
            const uint8_t *img = ds->images + id * pixels;
            prefetch_range(img, img + pixels - 1);
        }
    }
}
