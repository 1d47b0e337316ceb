/* augment.c: random affine and elastic distortions of uint8 images. */
#include "augment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#define AUGMENT_PI 3.14159265358979323846

/* Lanes of the smoothing loops: a chunk of this many outputs is summed in
 * registers over all the taps (one AVX-512 vector, two AVX2 or four SSE2
 * ones), rather than read and written back once a tap. */
#define SMOOTH_LANES 16
/* Rows of the smoothing loops summed side by side. */
#define SMOOTH_ROWS 4

augment_config augment_config_default(bool affine, bool elastic)
{
    augment_config c = {
        .affine = affine,
        .elastic = elastic,
        .rotate_deg = 10.0f,
        .scale = 0.1f,
        .shear = 0.2f,
        .translate = 2.0f,
        .sigma = 4.0f,
        .alpha = 34.0f,
        .field_bank = 256,
        .field_refresh = 16,
    };
    return c;
}

static bool range_ok(float v, float max)
{
    return isfinite(v) && v >= 0.0f && v <= max;
}

bool augment_work_init(augment_work *w, const augment_config *cfg, size_t rows, size_t cols,
                       dp_error *err)
{
    memset(w, 0, sizeof *w);
    if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024)
        return dp_fail(err, "images of %zux%zu pixels cannot be distorted (1 to 1024 a side)",
                       rows, cols);
    if (!range_ok(cfg->rotate_deg, 180.0f) || !range_ok(cfg->scale, 0.9f) ||
        !range_ok(cfg->shear, 4.0f) || !range_ok(cfg->translate, 1024.0f))
        return dp_fail(err, "affine ranges out of bounds (rotation 0 to 180 degrees, scale 0 to "
                            "0.9, shear 0 to 4, shift 0 to 1024 px)");
    if (cfg->elastic && (!(cfg->sigma > 0.0f) || cfg->sigma > AUGMENT_MAX_SIGMA ||
                         !range_ok(cfg->alpha, 1024.0f)))
        return dp_fail(err, "elastic sigma must be in (0, %g] and alpha in [0, 1024]",
                       (double)AUGMENT_MAX_SIGMA);
    if (cfg->elastic && cfg->field_bank > 65536)
        return dp_fail(err, "a bank of %zu fields is more than 65536", cfg->field_bank);
    w->cfg = *cfg;
    w->rows = rows;
    w->cols = cols;
    if (!cfg->elastic)
        return true;
    w->radius = (size_t)ceilf(3.0f * cfg->sigma);
    size_t taps = 2 * w->radius + 1, wide_rows = rows + 2 * w->radius;
    size_t wide = wide_rows * (cols + 2 * w->radius);
    w->cols_pad = (cols + SMOOTH_LANES - 1) / SMOOTH_LANES * SMOOTH_LANES;
    w->kernel = malloc(taps * sizeof *w->kernel);
    // The slack after the last row: what its dropped outputs read.
    w->noise = calloc(wide + w->cols_pad - cols, sizeof *w->noise);
    w->bits = malloc((wide + 1) / 2 * sizeof *w->bits);
    w->smooth = malloc(wide_rows * w->cols_pad * sizeof *w->smooth);
    w->dx = malloc(rows * cols * sizeof *w->dx);
    w->dy = malloc(rows * cols * sizeof *w->dy);
    if (cfg->field_bank)
        w->bank = malloc(cfg->field_bank * 2 * rows * cols * sizeof *w->bank);
    if (!w->kernel || !w->noise || !w->bits || !w->smooth || !w->dx || !w->dy ||
        (cfg->field_bank && !w->bank)) {
        augment_work_destroy(w);
        return dp_fail(err, "out of memory for distortions");
    }
    augment_gaussian_kernel(w->kernel, cfg->sigma, w->radius);
    return true;
}

void augment_work_destroy(augment_work *w)
{
    if (!w)
        return;
    free(w->kernel);
    free(w->noise);
    free(w->bits);
    free(w->smooth);
    free(w->dx);
    free(w->dy);
    free(w->bank);
    memset(w, 0, sizeof *w);
}

void augment_gaussian_kernel(float *k, float sigma, size_t radius)
{
    double sum = 0.0, taps[2 * 3 * 16 + 3];
    size_t n = 2 * radius + 1;
    for (size_t i = 0; i < n; i++) {
        double d = (double)i - (double)radius;
        taps[i] = exp(-d * d / (2.0 * (double)sigma * (double)sigma));
        sum += taps[i];
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (float)(taps[i] / sum);
}

/* Uniform in [lo, hi] from r. */
static float uniform_in(dp_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * (float)dp_rng_uniform(r);
}

void augment_affine_identity(float m[6])
{
    m[0] = 1.0f, m[1] = 0.0f, m[2] = 0.0f;
    m[3] = 0.0f, m[4] = 1.0f, m[5] = 0.0f;
}

void augment_affine_draw(float m[6], const augment_config *cfg, size_t rows, size_t cols,
                         dp_rng *r)
{
    // The digit's movement about the centre c: o = R(theta) Sh(k) S(sx, sy) s + t,
    // drawn in this order so that a seed always gives the same map.
    double theta = uniform_in(r, -cfg->rotate_deg, cfg->rotate_deg) * (AUGMENT_PI / 180.0);
    double sx = uniform_in(r, 1.0f - cfg->scale, 1.0f + cfg->scale);
    double sy = uniform_in(r, 1.0f - cfg->scale, 1.0f + cfg->scale);
    double k = uniform_in(r, -cfg->shear, cfg->shear);
    double tx = uniform_in(r, -cfg->translate, cfg->translate);
    double ty = uniform_in(r, -cfg->translate, cfg->translate);
    double c = cos(theta), s = sin(theta);
    // F = R Sh S = [[c, -s], [s, c]] [[1, k], [0, 1]] [[sx, 0], [0, sy]]
    double f00 = c * sx, f01 = (c * k - s) * sy;
    double f10 = s * sx, f11 = (s * k + c) * sy;
    double det = f00 * f11 - f01 * f10; // sx * sy > 0
    double i00 = f11 / det, i01 = -f01 / det, i10 = -f10 / det, i11 = f00 / det;
    // s = c + F^-1 (o - c - t), with o the output pixel.
    double cx = ((double)cols - 1.0) / 2.0, cy = ((double)rows - 1.0) / 2.0;
    double ox = cx + tx, oy = cy + ty;
    m[0] = (float)i00;
    m[1] = (float)i01;
    m[2] = (float)(cx - i00 * ox - i01 * oy);
    m[3] = (float)i10;
    m[4] = (float)i11;
    m[5] = (float)(cy - i10 * ox - i11 * oy);
}

/* out (rows, cols) = the wide grid in (rows + 2 radius, cols + 2 radius)
 * smoothed by k along each row, into smooth (rows + 2 radius, cols_pad),
 * then down each column, then scaled. Each output is k[0] x[0] + k[1] x[1]
 * + ... in that order, whatever the vector unit, so every unit gives the
 * same bits. cols_pad is cols rounded up to SMOOTH_LANES: the row pass
 * reads past a row's end into the next (or into in's zeroed slack after
 * the last) for outputs that are dropped. */
typedef float smooth_vec __attribute__((vector_size(SMOOTH_LANES * sizeof(float))));

/* The SMOOTH_LANES floats at p (any alignment), as a vector. */
#define SMOOTH_LOAD(v, p) memcpy(&(v), (p), sizeof(smooth_vec))

DP_MULTIVERSION
static void smooth_grid(float *restrict out, float *restrict smooth, const float *restrict in,
                        const float *restrict k, size_t radius, float scale, size_t rows,
                        size_t cols, size_t cols_pad)
{
    size_t taps = 2 * radius + 1, wide_cols = cols + 2 * radius, wide_rows = rows + 2 * radius;
    // SMOOTH_ROWS rows at once: their sums are independent, so their adds
    // overlap instead of each waiting on the one before (a lone sum of 25
    // taps is 25 adds' latency: the field took 7 us, not 2). Each sum is
    // still made in the order the comment above gives.
    size_t i = 0;
    for (; i + SMOOTH_ROWS <= wide_rows; i += SMOOTH_ROWS) {
        for (size_t j0 = 0; j0 < cols_pad; j0 += SMOOTH_LANES) {
            const float *restrict at = in + i * wide_cols + j0;
            smooth_vec x, acc[SMOOTH_ROWS];
            for (int r = 0; r < SMOOTH_ROWS; r++) {
                SMOOTH_LOAD(x, at + (size_t)r * wide_cols);
                acc[r] = k[0] * x;
            }
            for (size_t t = 1; t < taps; t++)
                for (int r = 0; r < SMOOTH_ROWS; r++) {
                    SMOOTH_LOAD(x, at + (size_t)r * wide_cols + t);
                    acc[r] += k[t] * x;
                }
            for (int r = 0; r < SMOOTH_ROWS; r++)
                memcpy(smooth + (i + (size_t)r) * cols_pad + j0, &acc[r], sizeof acc[r]);
        }
    }
    for (; i < wide_rows; i++) {
        const float *restrict row = in + i * wide_cols;
        for (size_t j0 = 0; j0 < cols_pad; j0 += SMOOTH_LANES) {
            smooth_vec x, acc;
            SMOOTH_LOAD(x, row + j0);
            acc = k[0] * x;
            for (size_t t = 1; t < taps; t++) {
                SMOOTH_LOAD(x, row + j0 + t);
                acc += k[t] * x;
            }
            memcpy(smooth + i * cols_pad + j0, &acc, sizeof acc);
        }
    }
    i = 0;
    for (; i + SMOOTH_ROWS <= rows; i += SMOOTH_ROWS) {
        for (size_t j0 = 0; j0 < cols_pad; j0 += SMOOTH_LANES) {
            const float *restrict s0 = smooth + i * cols_pad + j0;
            smooth_vec x, acc[SMOOTH_ROWS];
            for (int r = 0; r < SMOOTH_ROWS; r++) {
                SMOOTH_LOAD(x, s0 + (size_t)r * cols_pad);
                acc[r] = k[0] * x;
            }
            for (size_t t = 1; t < taps; t++)
                for (int r = 0; r < SMOOTH_ROWS; r++) {
                    SMOOTH_LOAD(x, s0 + ((size_t)r + t) * cols_pad);
                    acc[r] += k[t] * x;
                }
            size_t n = cols - j0 < SMOOTH_LANES ? cols - j0 : SMOOTH_LANES;
            for (int r = 0; r < SMOOTH_ROWS; r++) {
                acc[r] *= scale;
                memcpy(out + (i + (size_t)r) * cols + j0, &acc[r], n * sizeof(float));
            }
        }
    }
    for (; i < rows; i++) {
        for (size_t j0 = 0; j0 < cols_pad; j0 += SMOOTH_LANES) {
            const float *restrict s0 = smooth + i * cols_pad + j0;
            smooth_vec x, acc;
            SMOOTH_LOAD(x, s0);
            acc = k[0] * x;
            for (size_t t = 1; t < taps; t++) {
                SMOOTH_LOAD(x, s0 + t * cols_pad);
                acc += k[t] * x;
            }
            acc *= scale;
            size_t n = cols - j0 < SMOOTH_LANES ? cols - j0 : SMOOTH_LANES;
            memcpy(out + i * cols + j0, &acc, n * sizeof(float));
        }
    }
}

/* noise[0..n) = uniform in [-1, 1), two values from each 64-bit draw
 * (24 bits each: the top and the next), in order. */
static void fill_noise(float *restrict noise, uint64_t *restrict bits, size_t n, dp_rng *r)
{
    size_t draws = (n + 1) / 2;
    dp_rng_fill(r, bits, draws);
    const float step = 2.0f / 16777216.0f;
    for (size_t i = 0; i < n / 2; i++) {
        // 24-bit integers are exact as int32 and as float.
        noise[2 * i] = (float)(int32_t)(bits[i] >> 40) * step - 1.0f;
        noise[2 * i + 1] = (float)(int32_t)((bits[i] >> 8) & 0xffffff) * step - 1.0f;
    }
    if (n % 2)
        noise[n - 1] = (float)(int32_t)(bits[draws - 1] >> 40) * step - 1.0f;
}

void augment_field_draw(augment_work *w, dp_rng *r)
{
    size_t rows = w->rows, cols = w->cols, rad = w->radius;
    size_t n = (rows + 2 * rad) * (cols + 2 * rad);
    float *field[2] = {w->dx, w->dy};
    for (int f = 0; f < 2; f++) {
        fill_noise(w->noise, w->bits, n, r);
        smooth_grid(field[f], w->smooth, w->noise, w->kernel, rad, w->cfg.alpha, rows, cols,
                    w->cols_pad);
    }
}

/* One resampling, as the kernels below share it. The source sits inside a
 * zero border in pad (one pixel before each row and column, two after, and
 * a few bytes of slack for 4-byte reads), so that every read is in bounds
 * once u is clamped to [-1, cols] and v to [-1, rows]: past those every
 * pixel the bilinear weights reach is zero anyway. An output pixel reads
 * pad at (tu, tv) = (u + 1, v + 1): columns floor(tu) and the next, rows
 * floor(tv) and the next. It can only read ink when box[0] <= tu < box[1]
 * and box[2] <= tv < box[3] (box is the source's ink box widened by what a
 * 2x2 read reaches); elsewhere its value is exactly 0, so the vector
 * kernels skip the reads of such pixels and of chunks made only of them. */
typedef struct warp_job {
    uint8_t *out;
    const uint8_t *pad;
    size_t pw; // pad's row length, cols + 3
    const uint32_t *quad; // (rows + 2, pw) for the vector kernels (build_quads)
    const float *m, *dx, *dy; // dx, dy NULL: no field
    float sign_x, sign_y;
    size_t rows, cols;
    float box[4];
    // When index is not NULL, a kernel that lists the ink as it goes (W_EMIT)
    // appends each non-zero output's position and table value (or byte / 255
    // when div255) and counts them in emitted; the others leave it to
    // list_ink after them.
    uint16_t *index;
    float *value;
    const float *table;
    bool div255;
    size_t emitted;
} warp_job;

#define WARP_PAD_SLACK 4

/* Pixels x_from..cols-1 of row y, one at a time: the reference every
 * vector kernel follows operation for operation. */
static void warp_row_scalar(const warp_job *j, size_t y, size_t x_from)
{
    const float *m = j->m;
    size_t cols = j->cols, pw = j->pw;
    float u_row = m[1] * (float)y + m[2], v_row = m[4] * (float)y + m[5];
    float u_max = (float)cols, v_max = (float)j->rows;
    for (size_t x = x_from; x < cols; x++) {
        size_t at = y * cols + x;
        float u = m[0] * (float)x + u_row;
        float v = m[3] * (float)x + v_row;
        if (j->dx) {
            u += j->sign_x * j->dx[at];
            v += j->sign_y * j->dy[at];
        }
        // Comparisons, not fmaxf (a library call here); NaN gives -1: a
        // NaN map reads the border.
        u = u > -1.0f ? u : -1.0f;
        u = u < u_max ? u : u_max;
        v = v > -1.0f ? v : -1.0f;
        v = v < v_max ? v : v_max;
        // u + 1 >= 0, so truncation is floor (floorf is a library call
        // on plain x86-64).
        float tu = u + 1.0f, tv = v + 1.0f;
        int x1 = (int)tu, y1 = (int)tv; // in pad's coordinates
        float ax = tu - (float)x1, ay = tv - (float)y1;
        const uint8_t *p = j->pad + (size_t)y1 * pw + (size_t)x1;
        float p00 = p[0], p10 = p[1], p01 = p[pw], p11 = p[pw + 1];
        // With ax = ay = 0 this is exactly p00: the identity is exact.
        float top = p00 + ax * (p10 - p00), bottom = p01 + ax * (p11 - p01);
        float value = top + ay * (bottom - top) + 0.5f;
        j->out[at] = value >= 255.0f ? 255 : (uint8_t)value;
    }
}

#if defined(__SSE2__)
/* Four pixels at a time, rows of at least 4 (a row's last chunk overlaps
 * the one before when 4 does not divide it: the same values again). */
static void warp_sse2(const warp_job *j)
{
    const float *m = j->m;
    size_t cols = j->cols;
    const __m128 m0 = _mm_set1_ps(m[0]), m3 = _mm_set1_ps(m[3]);
    const __m128 lo = _mm_set1_ps(-1.0f), one = _mm_set1_ps(1.0f), half = _mm_set1_ps(0.5f);
    const __m128 umax = _mm_set1_ps((float)cols), vmax = _mm_set1_ps((float)j->rows);
    const __m128 sx = _mm_set1_ps(j->sign_x), sy = _mm_set1_ps(j->sign_y);
    const __m128 bx0 = _mm_set1_ps(j->box[0]), bx1 = _mm_set1_ps(j->box[1]);
    const __m128 by0 = _mm_set1_ps(j->box[2]), by1 = _mm_set1_ps(j->box[3]);
    const __m128 lanes = _mm_setr_ps(0.0f, 1.0f, 2.0f, 3.0f);
    const __m128i byte = _mm_set1_epi32(0xff), top_byte = _mm_set1_epi32(255);
    for (size_t y = 0; y < j->rows; y++) {
        const __m128 ur = _mm_set1_ps(m[1] * (float)y + m[2]);
        const __m128 vr = _mm_set1_ps(m[4] * (float)y + m[5]);
        for (size_t x0 = 0; x0 < cols; x0 += 4) {
            size_t x = x0 + 4 <= cols ? x0 : cols - 4, at = y * cols + x;
            __m128 xs = _mm_add_ps(_mm_set1_ps((float)x), lanes); // exact
            __m128 u = _mm_add_ps(_mm_mul_ps(m0, xs), ur);
            __m128 v = _mm_add_ps(_mm_mul_ps(m3, xs), vr);
            if (j->dx) {
                u = _mm_add_ps(u, _mm_mul_ps(sx, _mm_loadu_ps(j->dx + at)));
                v = _mm_add_ps(v, _mm_mul_ps(sy, _mm_loadu_ps(j->dy + at)));
            }
            // maxps gives its second operand for NaN, as the comparison above.
            u = _mm_min_ps(_mm_max_ps(u, lo), umax);
            v = _mm_min_ps(_mm_max_ps(v, lo), vmax);
            __m128 tu = _mm_add_ps(u, one), tv = _mm_add_ps(v, one);
            __m128 inside = _mm_and_ps(_mm_and_ps(_mm_cmpge_ps(tu, bx0), _mm_cmplt_ps(tu, bx1)),
                                       _mm_and_ps(_mm_cmpge_ps(tv, by0), _mm_cmplt_ps(tv, by1)));
            if (!_mm_movemask_ps(inside)) {
                memset(j->out + at, 0, 4);
                continue;
            }
            __m128i xi = _mm_cvttps_epi32(tu), yi = _mm_cvttps_epi32(tv);
            __m128 ax = _mm_sub_ps(tu, _mm_cvtepi32_ps(xi));
            __m128 ay = _mm_sub_ps(tv, _mm_cvtepi32_ps(yi));
            int32_t xs_i[4], ys_i[4];
            _mm_storeu_si128((__m128i *)(void *)xs_i, xi);
            _mm_storeu_si128((__m128i *)(void *)ys_i, yi);
            // Each lane's p00 | p10 << 8 | p01 << 16 | p11 << 24 (build_quads),
            // built from registers: a 16-byte load of four 4-byte stores
            // would stall on store forwarding.
            const uint32_t *qd = j->quad;
            size_t pw = j->pw;
            __m128i q = _mm_setr_epi32((int)qd[(size_t)ys_i[0] * pw + (size_t)xs_i[0]],
                                       (int)qd[(size_t)ys_i[1] * pw + (size_t)xs_i[1]],
                                       (int)qd[(size_t)ys_i[2] * pw + (size_t)xs_i[2]],
                                       (int)qd[(size_t)ys_i[3] * pw + (size_t)xs_i[3]]);
            __m128 p00 = _mm_cvtepi32_ps(_mm_and_si128(q, byte));
            __m128 p10 = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 8), byte));
            __m128 p01 = _mm_cvtepi32_ps(_mm_and_si128(_mm_srli_epi32(q, 16), byte));
            __m128 p11 = _mm_cvtepi32_ps(_mm_srli_epi32(q, 24));
            __m128 top = _mm_add_ps(p00, _mm_mul_ps(ax, _mm_sub_ps(p10, p00)));
            __m128 bottom = _mm_add_ps(p01, _mm_mul_ps(ax, _mm_sub_ps(p11, p01)));
            __m128 value = _mm_add_ps(_mm_add_ps(top, _mm_mul_ps(ay, _mm_sub_ps(bottom, top))), half);
            __m128i b = _mm_cvttps_epi32(value);
            // min(b, 255) without SSE4.1's pminsd
            __m128i over = _mm_cmpgt_epi32(b, top_byte);
            b = _mm_or_si128(_mm_andnot_si128(over, b), _mm_and_si128(over, top_byte));
            b = _mm_packs_epi32(b, b);
            b = _mm_packus_epi16(b, b);
            int32_t four = _mm_cvtsi128_si32(b);
            memcpy(j->out + at, &four, 4);
        }
    }
}
#endif

#if DP_MULTIVERSIONED || defined(__AVX2__)
#define WARP_HAVE_AVX2 1
#define WLANES 8
#define WNAME(n) n##_avx2
#define WTARGET DP_TARGET_AVX2
#define WF __m256
#define WI __m256i
#define WM __m256
#define WF_SET1 _mm256_set1_ps
#define WF_RAMP _mm256_setr_ps(0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f)
#define WF_LOADU _mm256_loadu_ps
#define WF_ADD _mm256_add_ps
#define WF_SUB _mm256_sub_ps
#define WF_MUL _mm256_mul_ps
#define WF_MIN _mm256_min_ps
#define WF_MAX _mm256_max_ps
#define WF_FROM_I _mm256_cvtepi32_ps
#define WI_TRUNC _mm256_cvttps_epi32
#define WI_SET1 _mm256_set1_epi32
#define WI_ADD _mm256_add_epi32
#define WI_MULLO _mm256_mullo_epi32
#define WI_AND _mm256_and_si256
#define WI_MIN _mm256_min_epi32
#define WI_SRLI _mm256_srli_epi32
#define W_INSIDE(tu, tv, box)                                                                   \
    _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(tu, (box)[0], _CMP_GE_OQ),                       \
                                _mm256_cmp_ps(tu, (box)[1], _CMP_LT_OQ)),                      \
                  _mm256_and_ps(_mm256_cmp_ps(tv, (box)[2], _CMP_GE_OQ),                       \
                                _mm256_cmp_ps(tv, (box)[3], _CMP_LT_OQ)))
#define W_NONE(mask) (_mm256_movemask_ps(mask) == 0)
#define W_GATHER(idx, mask, base)                                                               \
    _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), (const int *)(const void *)(base), idx, \
                                _mm256_castps_si256(mask), 4)
#define W_STORE_BYTES(p, i) store_bytes_avx2(p, i)
/* Eight int32 lanes of 0 to 255 as eight bytes at p. */
DP_TARGET_AVX2 static inline void store_bytes_avx2(uint8_t *p, __m256i b)
{
    __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
    _mm_storel_epi64((__m128i *)(void *)p, _mm_packus_epi16(w16, w16));
}
#include "augment_warp.inc"
#endif

#if DP_MULTIVERSIONED || defined(__AVX512F__)
#define WARP_HAVE_AVX512 1
#define WLANES 16
#define WNAME(n) n##_avx512
#define WTARGET DP_TARGET_AVX512
#define WF __m512
#define WI __m512i
#define WM __mmask16
#define WF_SET1 _mm512_set1_ps
#define WF_RAMP                                                                                 \
    _mm512_setr_ps(0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f, 10.0f, 11.0f,    \
                   12.0f, 13.0f, 14.0f, 15.0f)
#define WF_LOADU _mm512_loadu_ps
#define WF_ADD _mm512_add_ps
#define WF_SUB _mm512_sub_ps
#define WF_MUL _mm512_mul_ps
#define WF_MIN _mm512_min_ps
#define WF_MAX _mm512_max_ps
#define WF_FROM_I _mm512_cvtepi32_ps
#define WI_TRUNC _mm512_cvttps_epi32
#define WI_SET1 _mm512_set1_epi32
#define WI_ADD _mm512_add_epi32
#define WI_MULLO _mm512_mullo_epi32
#define WI_AND _mm512_and_si512
#define WI_MIN _mm512_min_epi32
#define WI_SRLI _mm512_srli_epi32
#define W_INSIDE(tu, tv, box)                                                                   \
    (__mmask16)(_mm512_cmp_ps_mask(tu, (box)[0], _CMP_GE_OQ) &                                 \
                _mm512_cmp_ps_mask(tu, (box)[1], _CMP_LT_OQ) &                                 \
                _mm512_cmp_ps_mask(tv, (box)[2], _CMP_GE_OQ) &                                 \
                _mm512_cmp_ps_mask(tv, (box)[3], _CMP_LT_OQ))
#define W_NONE(mask) ((mask) == 0)
#define W_GATHER(idx, mask, base) _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, idx, base, 4)
#define W_STORE_BYTES(p, i) _mm_storeu_si128((__m128i *)(void *)(p), _mm512_cvtepi32_epi8(i))
#define W_EMIT(j, b, at, from) emit_avx512(j, b, at, from)
/* Appends the non-zero lanes of b (pixels at, at + 1, ...) from lane from on
 * to j's ink list: their positions and values packed by compress, stored
 * whole (the list's spare slots take what runs past its end). */
DP_TARGET_AVX512 static inline void emit_avx512(warp_job *j, __m512i b, size_t at, size_t from)
{
    __mmask16 ink = (__mmask16)(_mm512_test_epi32_mask(b, b) & (0xffffu << from));
    if (!ink)
        return;
    size_t k = j->emitted;
    const __m512i ramp = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i pos = _mm512_add_epi32(_mm512_set1_epi32((int)at), ramp);
    _mm256_storeu_si256((__m256i *)(void *)(j->index + k),
                        _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32(ink, pos)));
    // b / 255 divided as byte_scaled's entries were (sparse.c): the same bits.
    __m512 v = j->div255 ? _mm512_div_ps(_mm512_cvtepi32_ps(b), _mm512_set1_ps(255.0f))
                         : _mm512_i32gather_ps(b, j->table, 4);
    _mm512_storeu_ps(j->value + k, _mm512_maskz_compress_ps(ink, v));
    j->emitted = k + (size_t)__builtin_popcount(ink);
}
#include "augment_warp.inc"
#endif

/* Copies a source row of cols bytes to dst, ORs it into col_ink and says
 * whether it has ink. Sixteen bytes at a time where the row is that long
 * (the last chunk overlaps the one before: the same bytes again), not a
 * library memcpy of 28 bytes for each row: that call was a tenth of the
 * producer's time. */
static bool pad_row(uint8_t *restrict dst, uint8_t *restrict col_ink, const uint8_t *restrict src,
                    size_t cols)
{
#if defined(__SSE2__)
    if (cols >= 16) {
        __m128i any = _mm_setzero_si128();
        for (size_t x0 = 0; x0 < cols; x0 += 16) {
            size_t x = x0 + 16 <= cols ? x0 : cols - 16;
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + x));
            _mm_storeu_si128((__m128i *)(void *)(dst + x), v);
            __m128i *ink = (__m128i *)(void *)(col_ink + x);
            _mm_storeu_si128(ink, _mm_or_si128(_mm_loadu_si128(ink), v));
            any = _mm_or_si128(any, v);
        }
        return _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) != 0xffff;
    }
#endif
    uint8_t any = 0;
    for (size_t x = 0; x < cols; x++) {
        dst[x] = src[x];
        col_ink[x] |= src[x];
        any |= src[x];
    }
    return any != 0;
}

/* quad[y * pw + x] = the four bytes a pixel reading pad at (x, y) needs,
 * pad(x, y) | pad(x + 1, y) << 8 | pad(x, y + 1) << 16 | pad(x + 1, y + 1)
 * << 24, for y in [0, rows + 1] and x in [0, cols + 1] = [0, pw - 2]: the
 * vector kernels then read a pixel's square with one 32-bit load or gather
 * lane, not two. Sixteen at a time with SSE2 (the bytes interleaved). */
static void build_quads(uint32_t *restrict quad, const uint8_t *restrict pad, size_t pw,
                        size_t rows)
{
    size_t n = pw - 1;
    for (size_t y = 0; y < rows + 2; y++) {
        const uint8_t *r0 = pad + y * pw, *r1 = r0 + pw;
        uint32_t *q = quad + y * pw;
#if defined(__SSE2__)
        if (n >= 16) {
            for (size_t x0 = 0; x0 < n; x0 += 16) {
                size_t x = x0 + 16 <= n ? x0 : n - 16;
                __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(r0 + x));
                __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(r0 + x + 1));
                __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(r1 + x));
                __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(r1 + x + 1));
                __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
                __m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
                _mm_storeu_si128((__m128i *)(void *)(q + x), _mm_unpacklo_epi16(ab_lo, cd_lo));
                _mm_storeu_si128((__m128i *)(void *)(q + x + 4), _mm_unpackhi_epi16(ab_lo, cd_lo));
                _mm_storeu_si128((__m128i *)(void *)(q + x + 8), _mm_unpacklo_epi16(ab_hi, cd_hi));
                _mm_storeu_si128((__m128i *)(void *)(q + x + 12),
                                 _mm_unpackhi_epi16(ab_hi, cd_hi));
            }
            continue;
        }
#endif
        for (size_t x = 0; x < n; x++)
            q[x] = (uint32_t)r0[x] | (uint32_t)r0[x + 1] << 8 | (uint32_t)r1[x] << 16 |
                   (uint32_t)r1[x + 1] << 24;
    }
}

/* The non-zero pixels of out (px of them) listed as augment_image_sparse
 * says; returns how many. Sixteen pixels tested at a time with SSE2, then
 * a step per set bit. */
static size_t list_ink(const uint8_t *restrict out, size_t px, const float *restrict table,
                       uint16_t *restrict index, float *restrict value)
{
    size_t k = 0, p = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; p + 16 <= px; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(out + p));
        unsigned ink = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) & 0xffffu;
        for (; ink; ink &= ink - 1) {
            size_t at = p + (size_t)__builtin_ctz(ink);
            index[k] = (uint16_t)at;
            value[k] = table[out[at]];
            k++;
        }
    }
#endif
    for (; p < px; p++)
        if (out[p]) {
            index[k] = (uint16_t)p;
            value[k] = table[out[p]];
            k++;
        }
    return k;
}

/* augment_warp with the field's components each times a sign (+1 or -1),
 * and, when index is not NULL, out's ink listed (list_ink); returns how
 * many pixels that is (0 without a list). */
static size_t warp_ex(uint8_t *restrict out, const uint8_t *restrict in, const float m[6],
                      const float *dx, const float *dy, float sign_x, float sign_y, size_t rows,
                      size_t cols, uint16_t *index, float *value, const float *table, bool div255)
{
    // pad, then the quads (4-byte aligned) in one block: on the stack for
    // MNIST's size.
    size_t pw = cols + 3, pad_bytes = (rows + 3) * pw + WARP_PAD_SLACK;
    size_t quad_at = (pad_bytes + 3) / 4 * 4, block = quad_at + (rows + 2) * pw * 4;
    uint32_t stack_block[((28 + 3) * (28 + 3) + WARP_PAD_SLACK + 3) / 4 + (28 + 2) * (28 + 3)];
    uint8_t *pad = block <= sizeof stack_block ? (uint8_t *)stack_block : malloc(block);
    if (!pad) { // out of memory for a large image: give it back undistorted
        memcpy(out, in, rows * cols);
        return index ? list_ink(out, rows * cols, table, index, value) : 0;
    }
    // The source in its border, and its ink's box: the rows with ink and
    // the columns any row has ink in.
    memset(pad, 0, pad_bytes);
    uint8_t col_ink[1024] = {0};
    size_t y_first = rows, y_last = 0;
    for (size_t y = 0; y < rows; y++) {
        if (pad_row(pad + (y + 1) * pw + 1, col_ink, in + y * cols, cols)) {
            y_first = y < y_first ? y : y_first;
            y_last = y;
        }
    }
    if (y_first == rows) { // no ink: every pixel reads zeros
        memset(out, 0, rows * cols);
        if (pad != (uint8_t *)stack_block)
            free(pad);
        return 0;
    }
    size_t x_first = 0, x_last = cols - 1;
    while (!col_ink[x_first])
        x_first++;
    while (!col_ink[x_last])
        x_last--;
    // Source column c is pad column c + 1; a pixel reads pad columns
    // floor(tu) and floor(tu) + 1, so ink only when x_first <= floor(tu)
    // <= x_last + 1.
    warp_job j = {
        .out = out, .pad = pad, .pw = pw, .quad = (const uint32_t *)(void *)(pad + quad_at),
        .m = m, .dx = dx && dy ? dx : NULL, .dy = dx && dy ? dy : NULL,
        .sign_x = sign_x, .sign_y = sign_y, .rows = rows, .cols = cols,
        .box = {(float)x_first, (float)x_last + 2.0f, (float)y_first, (float)y_last + 2.0f},
        .index = index, .value = value, .table = table, .div255 = div255,
    };
    bool listed = false; // the kernel made the list as it went
    dp_vector_unit unit = dp_vector_unit_here();
    (void)unit;
#if defined(__SSE2__)
    if (cols >= 4)
        build_quads((uint32_t *)(void *)(pad + quad_at), pad, pw, rows);
#endif
#if defined(WARP_HAVE_AVX512)
    if (unit == DP_UNIT_AVX512 && cols >= 16) {
        warp_avx512(&j);
        listed = true;
    } else
#endif
#if defined(WARP_HAVE_AVX2)
    if (unit >= DP_UNIT_AVX2 && cols >= 8)
        warp_avx2(&j);
    else
#endif
#if defined(__SSE2__)
    if (cols >= 4)
        warp_sse2(&j);
    else
#endif
        for (size_t y = 0; y < rows; y++)
            warp_row_scalar(&j, y, 0);
    if (pad != (uint8_t *)stack_block)
        free(pad);
    if (!index)
        return 0;
    return listed ? j.emitted : list_ink(out, rows * cols, table, index, value);
}

void augment_warp(uint8_t *restrict out, const uint8_t *restrict in, const float m[6],
                  const float *dx, const float *dy, size_t rows, size_t cols)
{
    warp_ex(out, in, m, dx, dy, 1.0f, 1.0f, rows, cols, NULL, NULL, NULL, false);
}

/* Draws a fresh field into bank entry i. */
static void bank_draw(augment_work *w, size_t i, dp_rng *r)
{
    size_t px = w->rows * w->cols;
    augment_field_draw(w, r);
    memcpy(w->bank + i * 2 * px, w->dx, px * sizeof *w->dx);
    memcpy(w->bank + i * 2 * px + px, w->dy, px * sizeof *w->dy);
}

/* The field for the next image, as (fx, fy) and their signs: fresh in
 * w->dx, w->dy, or a bank entry read in place. */
static void next_field(augment_work *w, dp_rng *r, const float **fx, const float **fy,
                       float *sign_x, float *sign_y)
{
    size_t n = w->cfg.field_bank, px = w->rows * w->cols;
    *sign_x = *sign_y = 1.0f;
    if (!n) {
        augment_field_draw(w, r);
        *fx = w->dx;
        *fy = w->dy;
        return;
    }
    if (!w->bank_full) {
        for (size_t i = 0; i < n; i++)
            bank_draw(w, i, r);
        w->bank_full = true;
    }
    if (w->cfg.field_refresh && ++w->since_refresh >= w->cfg.field_refresh) {
        bank_draw(w, w->refresh_at, r);
        w->refresh_at = (w->refresh_at + 1) % n;
        w->since_refresh = 0;
    }
    size_t i = (size_t)dp_rng_below(r, n);
    unsigned variant = (unsigned)dp_rng_below(r, 8);
    const float *bx = w->bank + i * 2 * px, *by = bx + px;
    bool swap = variant & 4;
    *fx = swap ? by : bx;
    *fy = swap ? bx : by;
    *sign_x = variant & 1 ? -1.0f : 1.0f;
    *sign_y = variant & 2 ? -1.0f : 1.0f;
}

/* augment_image and augment_image_sparse: w's draws from r, the copy into
 * out, and its ink listed when index is not NULL (returns how many). */
static size_t distort(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r,
                      const float *table, bool table_div255, uint16_t *index, float *value)
{
    float m[6];
    if (w->cfg.affine)
        augment_affine_draw(m, &w->cfg, w->rows, w->cols, r);
    else
        augment_affine_identity(m);
    const float *fx = NULL, *fy = NULL;
    float sign_x = 1.0f, sign_y = 1.0f;
    if (w->cfg.elastic)
        next_field(w, r, &fx, &fy, &sign_x, &sign_y);
    if (!w->cfg.affine && !w->cfg.elastic) {
        memcpy(out, in, w->rows * w->cols);
        return index ? list_ink(out, w->rows * w->cols, table, index, value) : 0;
    }
    return warp_ex(out, in, m, fx, fy, sign_x, sign_y, w->rows, w->cols, index, value, table,
                   table_div255);
}

void augment_image(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r)
{
    distort(out, in, w, r, NULL, false, NULL, NULL);
}

size_t augment_image_sparse(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r,
                            const float table[256], bool table_div255, uint16_t *index,
                            float *value)
{
    return distort(out, in, w, r, table, table_div255, index, value);
}
