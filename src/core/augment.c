/* augment.c: random affine and elastic distortions of uint8 images. */
#include "augment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define AUGMENT_PI 3.14159265358979323846

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
    w->kernel = malloc(taps * sizeof *w->kernel);
    w->noise = malloc(wide_rows * (cols + 2 * w->radius) * sizeof *w->noise);
    w->smooth = malloc(wide_rows * cols * sizeof *w->smooth);
    w->dx = malloc(rows * cols * sizeof *w->dx);
    w->dy = malloc(rows * cols * sizeof *w->dy);
    if (cfg->field_bank)
        w->bank = malloc(cfg->field_bank * 2 * rows * cols * sizeof *w->bank);
    if (!w->kernel || !w->noise || !w->smooth || !w->dx || !w->dy ||
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
 * smoothed by k along each row, then down each column, into smooth, then
 * scaled: loops over a row, tap after tap, that vectorise; every vector
 * unit adds in the same order, so gives the same bits. */
DP_MULTIVERSION
static void smooth_grid(float *restrict out, float *restrict smooth, const float *restrict in,
                        const float *restrict k, size_t radius, float scale, size_t rows,
                        size_t cols)
{
    size_t taps = 2 * radius + 1, wide_cols = cols + 2 * radius, wide_rows = rows + 2 * radius;
    for (size_t i = 0; i < wide_rows; i++) {
        const float *restrict row = in + i * wide_cols;
        float *restrict s = smooth + i * cols;
        for (size_t j = 0; j < cols; j++)
            s[j] = k[0] * row[j];
        for (size_t t = 1; t < taps; t++) {
            float kt = k[t];
            for (size_t j = 0; j < cols; j++)
                s[j] += kt * row[j + t];
        }
    }
    for (size_t i = 0; i < rows; i++) {
        float *restrict o = out + i * cols;
        const float *restrict s0 = smooth + i * cols;
        for (size_t j = 0; j < cols; j++)
            o[j] = k[0] * s0[j];
        for (size_t t = 1; t < taps; t++) {
            const float *restrict st = smooth + (i + t) * cols;
            float kt = k[t];
            for (size_t j = 0; j < cols; j++)
                o[j] += kt * st[j];
        }
        for (size_t j = 0; j < cols; j++)
            o[j] *= scale;
    }
}

void augment_field_draw(augment_work *w, dp_rng *r)
{
    size_t rows = w->rows, cols = w->cols, rad = w->radius;
    size_t n = (rows + 2 * rad) * (cols + 2 * rad);
    float *field[2] = {w->dx, w->dy};
    for (int f = 0; f < 2; f++) {
        // Two noise values from each 64-bit draw (24 bits each).
        for (size_t i = 0; i < n; i += 2) {
            uint64_t bits = dp_rng_next(r);
            w->noise[i] = (float)(bits >> 40) * (2.0f / 16777216.0f) - 1.0f;
            if (i + 1 < n)
                w->noise[i + 1] = (float)((bits >> 8) & 0xffffff) * (2.0f / 16777216.0f) - 1.0f;
        }
        smooth_grid(field[f], w->smooth, w->noise, w->kernel, rad, w->cfg.alpha, rows, cols);
    }
}

/* augment_warp with the field's components each times a sign (+1 or -1). */
static void warp(uint8_t *restrict out, const uint8_t *restrict in, const float m[6],
                 const float *dx, const float *dy, float sign_x, float sign_y, size_t rows,
                 size_t cols)
{
    // The source inside a zero border (one pixel before, two after), so that
    // every read is in bounds once u is clamped to [-1, cols] and v to
    // [-1, rows]: past those every pixel the bilinear weights reach is zero
    // anyway. Branch-free, four pixels at a time.
    size_t pw = cols + 3;
    uint8_t stack_pad[(28 + 3) * (28 + 3)];
    uint8_t *pad = (rows + 3) * pw <= sizeof stack_pad ? stack_pad : malloc((rows + 3) * pw);
    if (!pad) { // out of memory for a large image: give it back undistorted
        memcpy(out, in, rows * cols);
        return;
    }
    memset(pad, 0, pw);
    for (size_t y = 0; y < rows; y++) {
        uint8_t *row = pad + (y + 1) * pw;
        row[0] = 0;
        memcpy(row + 1, in + y * cols, cols);
        row[cols + 1] = row[cols + 2] = 0;
    }
    memset(pad + (rows + 1) * pw, 0, 2 * pw);

    bool field = dx && dy;
    float u_max = (float)cols, v_max = (float)rows;
    for (size_t y = 0; y < rows; y++) {
        float u_row = m[1] * (float)y + m[2], v_row = m[4] * (float)y + m[5];
        size_t x = 0;
#if defined(__SSE2__)
        // Four pixels at a time: the same operations in the same order as
        // the loop below, so the same bytes.
        const __m128 m0 = _mm_set1_ps(m[0]), m3 = _mm_set1_ps(m[3]);
        const __m128 ur = _mm_set1_ps(u_row), vr = _mm_set1_ps(v_row);
        const __m128 lo = _mm_set1_ps(-1.0f), one = _mm_set1_ps(1.0f), half = _mm_set1_ps(0.5f);
        const __m128 umax = _mm_set1_ps(u_max), vmax = _mm_set1_ps(v_max);
        const __m128 sx = _mm_set1_ps(sign_x), sy = _mm_set1_ps(sign_y);
        const __m128i byte = _mm_set1_epi32(0xff), top_byte = _mm_set1_epi32(255);
        for (; x + 4 <= cols; x += 4) {
            size_t at = y * cols + x;
            __m128 xs = _mm_setr_ps((float)x, (float)(x + 1), (float)(x + 2), (float)(x + 3));
            __m128 u = _mm_add_ps(_mm_mul_ps(m0, xs), ur);
            __m128 v = _mm_add_ps(_mm_mul_ps(m3, xs), vr);
            if (field) {
                u = _mm_add_ps(u, _mm_mul_ps(sx, _mm_loadu_ps(dx + at)));
                v = _mm_add_ps(v, _mm_mul_ps(sy, _mm_loadu_ps(dy + at)));
            }
            // maxps gives its second operand for NaN, as the comparison below.
            u = _mm_min_ps(_mm_max_ps(u, lo), umax);
            v = _mm_min_ps(_mm_max_ps(v, lo), vmax);
            __m128 tu = _mm_add_ps(u, one), tv = _mm_add_ps(v, one);
            __m128i xi = _mm_cvttps_epi32(tu), yi = _mm_cvttps_epi32(tv);
            __m128 ax = _mm_sub_ps(tu, _mm_cvtepi32_ps(xi));
            __m128 ay = _mm_sub_ps(tv, _mm_cvtepi32_ps(yi));
            int32_t xs_i[4], ys_i[4];
            _mm_storeu_si128((__m128i *)(void *)xs_i, xi);
            _mm_storeu_si128((__m128i *)(void *)ys_i, yi);
            uint32_t quad[4];
            for (int j = 0; j < 4; j++) {
                // p00 | p10 << 8 | p01 << 16 | p11 << 24
                const uint8_t *p = pad + (size_t)ys_i[j] * pw + (size_t)xs_i[j];
                uint16_t upper, lower;
                memcpy(&upper, p, 2);
                memcpy(&lower, p + pw, 2);
                quad[j] = (uint32_t)upper | (uint32_t)lower << 16;
            }
            // Built from registers: a 16-byte load of four 4-byte stores
            // would stall on store forwarding.
            __m128i q = _mm_setr_epi32((int)quad[0], (int)quad[1], (int)quad[2], (int)quad[3]);
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
            memcpy(out + at, &four, 4);
        }
#endif
        for (; x < cols; x++) {
            size_t at = y * cols + x;
            float u = m[0] * (float)x + u_row;
            float v = m[3] * (float)x + v_row;
            if (field) {
                u += sign_x * dx[at];
                v += sign_y * dy[at];
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
            const uint8_t *p = pad + (size_t)y1 * pw + (size_t)x1;
            float p00 = p[0], p10 = p[1], p01 = p[pw], p11 = p[pw + 1];
            // With ax = ay = 0 this is exactly p00: the identity is exact.
            float top = p00 + ax * (p10 - p00), bottom = p01 + ax * (p11 - p01);
            float value = top + ay * (bottom - top) + 0.5f;
            out[at] = value >= 255.0f ? 255 : (uint8_t)value;
        }
    }
    if (pad != stack_pad)
        free(pad);
}

void augment_warp(uint8_t *restrict out, const uint8_t *restrict in, const float m[6],
                  const float *dx, const float *dy, size_t rows, size_t cols)
{
    warp(out, in, m, dx, dy, 1.0f, 1.0f, rows, cols);
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

void augment_image(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r)
{
    float m[6];
    if (w->cfg.affine)
        augment_affine_draw(m, &w->cfg, w->rows, w->cols, r);
    else
        augment_affine_identity(m);
    if (w->cfg.elastic) {
        const float *fx, *fy;
        float sign_x, sign_y;
        next_field(w, r, &fx, &fy, &sign_x, &sign_y);
        warp(out, in, m, fx, fy, sign_x, sign_y, w->rows, w->cols);
    } else if (w->cfg.affine) {
        augment_warp(out, in, m, NULL, NULL, w->rows, w->cols);
    } else {
        memcpy(out, in, w->rows * w->cols);
    }
}
