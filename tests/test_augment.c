/* test_augment: the distortions keep the digit, are made from the seed
 * alone and never touch the images they read.
 *
 * Hand-worked cases (a one-pixel shift, a half-pixel shift, the Gaussian's
 * taps), the identity given back bit for bit, the elastic field's range,
 * variance and smoothness against their closed forms, and the ink of real
 * digits (MNIST's first 2,000 when data/mnist is there, else drawn bars). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment.h"
#include "dataset.h"
#include "sparse.h"

#include "check.h"

#define SIDE 28
#define PX (SIDE * SIDE)

static void random_image(uint8_t *img, dp_rng *r)
{
    for (size_t i = 0; i < PX; i++)
        img[i] = dp_rng_uniform(r) < 0.3 ? (uint8_t)dp_rng_below(r, 256) : 0;
}

static void test_kernel(void)
{
    // sigma 1, radius 3: exp(-d^2/2) = 1, .606531, .135335, .011109; sum 2.505950.
    float k[7];
    augment_gaussian_kernel(k, 1.0f, 3);
    const double want[7] = {0.004433, 0.054005, 0.242036, 0.399050, 0.242036, 0.054005, 0.004433};
    double sum = 0.0;
    for (int i = 0; i < 7; i++) {
        CHECK(fabs(k[i] - want[i]) < 2e-6, "tap %d is %.6f, expected %.6f", i, (double)k[i],
              want[i]);
        sum += k[i];
    }
    CHECK(fabs(sum - 1.0) < 1e-6, "taps sum to %.7f", sum);
}

static void test_identity(void)
{
    dp_rng r;
    dp_rng_seed(&r, 7);
    uint8_t in[PX], out[PX];
    float m[6], zero[PX] = {0};
    augment_affine_identity(m);
    for (int t = 0; t < 20; t++) {
        random_image(in, &r);
        memset(out, 0xab, sizeof out);
        augment_warp(out, in, m, NULL, NULL, SIDE, SIDE);
        CHECK(!memcmp(in, out, PX), "identity map, no field: image %d changed", t);
        memset(out, 0xab, sizeof out);
        augment_warp(out, in, m, zero, zero, SIDE, SIDE);
        CHECK(!memcmp(in, out, PX), "identity map, zero field: image %d changed", t);
    }

    // Ranges of zero and alpha 0 draw identity maps and zero fields.
    augment_config c = augment_config_default(true, true);
    c.rotate_deg = c.scale = c.shear = c.translate = 0.0f;
    c.alpha = 0.0f;
    augment_work w;
    CHECK(augment_work_init(&w, &c, SIDE, SIDE, NULL), "init");
    bool same = true;
    for (int t = 0; t < 20; t++) {
        random_image(in, &r);
        augment_image(out, in, &w, &r);
        same &= !memcmp(in, out, PX);
    }
    CHECK(same, "zero ranges and alpha 0 change the image");
    augment_work_destroy(&w);
}

static void test_hand_shifts(void)
{
    uint8_t in[PX] = {0}, out[PX];
    in[10 * SIDE + 10] = 200;
    in[3 * SIDE + 20] = 255;
    // Read two to the left and one up: everything moves right 2, down 1.
    float m[6] = {1, 0, -2, 0, 1, -1};
    augment_warp(out, in, m, NULL, NULL, SIDE, SIDE);
    CHECK(out[11 * SIDE + 12] == 200 && out[4 * SIDE + 22] == 255, "shifted pixels %d %d",
          out[11 * SIDE + 12], out[4 * SIDE + 22]);
    int lit = 0;
    for (size_t i = 0; i < PX; i++)
        lit += out[i] != 0;
    CHECK(lit == 2, "%d pixels lit after a whole-pixel shift, expected 2", lit);

    // Half a pixel to the right: 200 splits into 100 and 100 (100 + 0.5 is
    // cut to 100), 255 into 128 and 128 (127.5 + 0.5).
    float half[6] = {1, 0, -0.5f, 0, 1, 0};
    augment_warp(out, in, half, NULL, NULL, SIDE, SIDE);
    CHECK(out[10 * SIDE + 10] == 100 && out[10 * SIDE + 11] == 100, "half shift: %d %d",
          out[10 * SIDE + 10], out[10 * SIDE + 11]);
    CHECK(out[3 * SIDE + 20] == 128 && out[3 * SIDE + 21] == 128, "half shift: %d %d",
          out[3 * SIDE + 20], out[3 * SIDE + 21]);

    // The same shift given as a field instead of a map.
    float dx[PX], dy[PX], id[6];
    for (size_t i = 0; i < PX; i++)
        dx[i] = -2.0f, dy[i] = -1.0f;
    augment_affine_identity(id);
    augment_warp(out, in, id, dx, dy, SIDE, SIDE);
    CHECK(out[11 * SIDE + 12] == 200 && out[4 * SIDE + 22] == 255, "field shift %d %d",
          out[11 * SIDE + 12], out[4 * SIDE + 22]);

    // Read from outside: black. A NaN map reads nothing either.
    float away[6] = {1, 0, 100, 0, 1, 0};
    augment_warp(out, in, away, NULL, NULL, SIDE, SIDE);
    int any = 0;
    for (size_t i = 0; i < PX; i++)
        any |= out[i];
    CHECK(any == 0, "a map reading outside the image gave ink");
    float bad[6] = {NAN, 0, 0, 0, 1, 0};
    augment_warp(out, in, bad, NULL, NULL, SIDE, SIDE);
    any = 0;
    for (size_t i = 0; i < PX; i++)
        any |= out[i];
    CHECK(any == 0, "a NaN map gave ink");
}

static void test_affine_ranges(void)
{
    augment_config c = augment_config_default(true, false);
    dp_rng r;
    dp_rng_seed(&r, 3);
    double max_rot = 0.0;
    bool ok = true;
    for (int t = 0; t < 2000; t++) {
        float m[6];
        augment_affine_draw(m, &c, SIDE, SIDE, &r);
        // The map is F^-1 with det F = sx sy in [0.81, 1.21].
        double det = (double)m[0] * m[4] - (double)m[1] * m[3];
        ok &= det > 1.0 / 1.21 - 1e-4 && det < 1.0 / 0.81 + 1e-4;
        // Where the centre reads from: the centre moved back by the shift,
        // at most 2 px (times 1/0.9 and the shear) on each axis.
        double u = m[0] * 13.5 + m[1] * 13.5 + m[2] - 13.5;
        double v = m[3] * 13.5 + m[4] * 13.5 + m[5] - 13.5;
        ok &= fabs(u) < 2.0 / 0.9 * 1.3 && fabs(v) < 2.0 / 0.9 * 1.3;
        double rot = fabs(atan2(m[3], m[0])) * 180.0 / 3.14159265358979;
        if (rot > max_rot)
            max_rot = rot;
    }
    CHECK(ok, "a drawn map out of its ranges");
    // Rotation alone: orthonormal, angle within 10 degrees, reaching near it.
    c.scale = c.shear = c.translate = 0.0f;
    double reach = 0.0;
    for (int t = 0; t < 2000; t++) {
        float m[6];
        augment_affine_draw(m, &c, SIDE, SIDE, &r);
        ok &= fabs(m[0] - m[4]) < 1e-6 && fabs(m[1] + m[3]) < 1e-6 &&
              fabs((double)m[0] * m[0] + (double)m[1] * m[1] - 1.0) < 1e-5;
        double a = fabs(atan2(m[1], m[0])) * 180.0 / 3.14159265358979;
        ok &= a <= 10.0 + 1e-4;
        if (a > reach)
            reach = a;
    }
    CHECK(ok, "a rotation-only map is not a rotation within 10 degrees");
    CHECK(reach > 9.9, "rotations reached only %.2f degrees", reach);
}

/* Mean, variance, largest |d| and neighbour correlation over many fields. */
static void test_field(void)
{
    augment_config c = augment_config_default(false, true);
    augment_work w;
    CHECK(augment_work_init(&w, &c, SIDE, SIDE, NULL), "init");
    CHECK(w.radius == 12, "radius %zu for sigma 4", w.radius);
    // Closed forms: var = alpha^2 / 3 * (sum k^2)^2; the neighbour correlation
    // of smoothed white noise is sum k_t k_{t+1} / sum k_t^2 (close to
    // exp(-1 / (4 sigma^2)) = 0.98450 for sigma 4).
    double k2 = 0.0, k11 = 0.0;
    for (size_t t = 0; t < 2 * w.radius + 1; t++) {
        k2 += (double)w.kernel[t] * w.kernel[t];
        if (t + 1 < 2 * w.radius + 1)
            k11 += (double)w.kernel[t] * w.kernel[t + 1];
    }
    double want_var = 34.0 * 34.0 / 3.0 * k2 * k2, want_rho = k11 / k2;
    CHECK(fabs(want_rho - exp(-1.0 / 64.0)) < 1e-3, "discrete correlation %.5f", want_rho);
    CHECK(fabs(sqrt(want_var) - 1.38) < 0.02, "expected std %.3f px", sqrt(want_var));

    dp_rng r;
    dp_rng_seed(&r, 11);
    double sum = 0.0, sq = 0.0, cross = 0.0, cross_sq = 0.0, max_abs = 0.0;
    size_t n = 0, pairs = 0;
    const int fields = 600;
    for (int f = 0; f < fields; f++) {
        augment_field_draw(&w, &r);
        const float *d[2] = {w.dx, w.dy};
        for (int q = 0; q < 2; q++)
            for (size_t y = 0; y < SIDE; y++)
                for (size_t x = 0; x < SIDE; x++) {
                    double v = d[q][y * SIDE + x];
                    sum += v;
                    sq += v * v;
                    n++;
                    if (fabs(v) > max_abs)
                        max_abs = fabs(v);
                    if (x + 1 < SIDE) {
                        cross += v * d[q][y * SIDE + x + 1];
                        cross_sq += v * v;
                        pairs++;
                    }
                }
    }
    double mean = sum / (double)n, var = sq / (double)n - mean * mean;
    double rho = cross / cross_sq;
    CHECK(fabs(mean) < 0.05, "field mean %.4f px", mean);
    CHECK(fabs(var / want_var - 1.0) < 0.08, "field variance %.4f, closed form %.4f", var,
          want_var);
    CHECK(max_abs <= 34.0, "|d| reached %.3f > alpha", max_abs);
    CHECK(max_abs < 8.0 * sqrt(want_var), "|d| reached %.3f, past 8 std", max_abs);
    CHECK(fabs(rho - want_rho) < 0.005, "neighbour correlation %.5f, closed form %.5f", rho,
          want_rho);
    (void)pairs;

    // Without smoothing (sigma tiny) neighbours are unrelated: the test above
    // would fail for a field that was not smoothed.
    augment_work_destroy(&w);
    c.sigma = 0.1f;
    c.alpha = 1.0f;
    CHECK(augment_work_init(&w, &c, SIDE, SIDE, NULL), "init");
    cross = cross_sq = 0.0;
    for (int f = 0; f < 100; f++) {
        augment_field_draw(&w, &r);
        for (size_t i = 0; i + 1 < PX; i++)
            if ((i + 1) % SIDE) {
                cross += (double)w.dx[i] * w.dx[i + 1];
                cross_sq += (double)w.dx[i] * w.dx[i];
            }
    }
    CHECK(fabs(cross / cross_sq) < 0.05, "unsmoothed noise correlates %.4f", cross / cross_sq);
    augment_work_destroy(&w);
}

static void test_reproducible(void)
{
    augment_config c = augment_config_default(true, true);
    // One scratch each: a bank's fields depend on the images done before.
    augment_work w, wb, wo;
    CHECK(augment_work_init(&w, &c, SIDE, SIDE, NULL) && augment_work_init(&wb, &c, SIDE, SIDE, NULL) &&
              augment_work_init(&wo, &c, SIDE, SIDE, NULL),
          "init");
    dp_rng img_r, a, b;
    dp_rng_seed(&img_r, 5);
    uint8_t in[PX], out_a[PX], out_b[PX];
    bool same = true, changed = false;
    dp_rng_seed(&a, 99);
    dp_rng_seed(&b, 99);
    dp_rng other;
    dp_rng_seed(&other, 100);
    bool differs = false;
    for (int t = 0; t < 50; t++) {
        random_image(in, &img_r);
        augment_image(out_a, in, &w, &a);
        augment_image(out_b, in, &wb, &b);
        same &= !memcmp(out_a, out_b, PX);
        changed |= memcmp(out_a, in, PX) != 0;
        augment_image(out_b, in, &wo, &other);
        differs |= memcmp(out_a, out_b, PX) != 0;
    }
    CHECK(same, "the same seed gave different distortions");
    CHECK(changed, "the distortions changed nothing");
    CHECK(differs, "another seed gave the same distortions");
    augment_work_destroy(&w);
    augment_work_destroy(&wb);
    augment_work_destroy(&wo);
}

/* The resampling written out one pixel at a time, as augment.h defines it:
 * what the vector kernels (which skip the reads of pixels that cannot
 * reach the ink) must give to the bit. */
static void reference_warp(uint8_t *out, const uint8_t *in, const float m[6], const float *dx,
                           const float *dy, size_t rows, size_t cols)
{
    for (size_t y = 0; y < rows; y++)
        for (size_t x = 0; x < cols; x++) {
            float u = m[0] * (float)x + (m[1] * (float)y + m[2]);
            float v = m[3] * (float)x + (m[4] * (float)y + m[5]);
            if (dx && dy) {
                u += dx[y * cols + x];
                v += dy[y * cols + x];
            }
            u = u > -1.0f ? u : -1.0f; // NaN reads the border
            u = u < (float)cols ? u : (float)cols;
            v = v > -1.0f ? v : -1.0f;
            v = v < (float)rows ? v : (float)rows;
            float fu = floorf(u), fv = floorf(v), ax = (u + 1.0f) - (fu + 1.0f);
            float ay = (v + 1.0f) - (fv + 1.0f);
            float p[4];
            for (int q = 0; q < 4; q++) {
                long sx = (long)fu + (q & 1), sy = (long)fv + (q >> 1);
                p[q] = sx < 0 || sy < 0 || sx >= (long)cols || sy >= (long)rows
                           ? 0.0f
                           : (float)in[(size_t)sy * cols + (size_t)sx];
            }
            float top = p[0] + ax * (p[1] - p[0]), bottom = p[2] + ax * (p[3] - p[2]);
            float value = top + ay * (bottom - top) + 0.5f;
            out[y * cols + x] = value >= 255.0f ? 255 : (uint8_t)value;
        }
}

static void test_against_reference(void)
{
    dp_rng r;
    dp_rng_seed(&r, 21);
    // Sizes below and above every vector width, and not multiples of them.
    const size_t sides[][2] = {{28, 28}, {1, 1}, {3, 5}, {7, 9}, {17, 15}, {33, 31}, {28, 20}};
    augment_config mild = augment_config_default(true, true), wide = mild;
    wide.rotate_deg = 180.0f;
    wide.scale = 0.8f;
    wide.shear = 2.0f;
    wide.translate = 12.0f;
    size_t mismatched = 0, cases = 0, ink_left = 0;
    for (size_t s = 0; s < sizeof sides / sizeof sides[0]; s++) {
        size_t rows = sides[s][0], cols = sides[s][1], px = rows * cols;
        uint8_t *in = calloc(px, 1), *out = malloc(px), *want = malloc(px);
        float *dx = malloc(px * sizeof *dx), *dy = malloc(px * sizeof *dy);
        CHECK(in && out && want && dx && dy, "out of memory");
        for (int t = 0; t < 300; t++) {
            // Ink in a random box (or none), a map from the default or wide
            // ranges (or a NaN one), a field of up to 6 px (or none).
            memset(in, 0, px);
            if (t % 10) {
                size_t x0 = dp_rng_below(&r, cols), y0 = dp_rng_below(&r, rows);
                size_t x1 = x0 + dp_rng_below(&r, cols - x0), y1 = y0 + dp_rng_below(&r, rows - y0);
                for (size_t y = y0; y <= y1; y++)
                    for (size_t x = x0; x <= x1; x++)
                        if (dp_rng_uniform(&r) < 0.7)
                            in[y * cols + x] = (uint8_t)dp_rng_below(&r, 256);
            }
            float m[6];
            augment_affine_draw(m, t % 3 ? &wide : &mild, rows, cols, &r);
            if (t == 7)
                m[2] = NAN;
            bool field = t % 4 != 0;
            for (size_t i = 0; i < px; i++) {
                dx[i] = (float)(dp_rng_uniform(&r) * 12.0 - 6.0);
                dy[i] = (float)(dp_rng_uniform(&r) * 12.0 - 6.0);
            }
            augment_warp(out, in, m, field ? dx : NULL, field ? dy : NULL, rows, cols);
            reference_warp(want, in, m, field ? dx : NULL, field ? dy : NULL, rows, cols);
            mismatched += memcmp(out, want, px) != 0;
            for (size_t i = 0; i < px; i++)
                ink_left += want[i] != 0;
            cases++;
        }
        free(in);
        free(out);
        free(want);
        free(dx);
        free(dy);
    }
    CHECK(mismatched == 0, "%zu of %zu resamplings differ from the one-pixel formula", mismatched,
          cases);
    CHECK(ink_left > 10000, "only %zu ink pixels in all the cases: too few to test", ink_left);
}

/* Thick bars standing in for digits when MNIST is not there. */
static void bar_digits(dataset *ds, size_t n)
{
    ds->count = n;
    ds->rows = ds->cols = SIDE;
    ds->images = calloc(n, PX);
    ds->labels = calloc(n, 1);
    dp_rng r;
    dp_rng_seed(&r, 8);
    for (size_t s = 0; s < n; s++) {
        size_t x0 = 8 + dp_rng_below(&r, 8), y0 = 4 + dp_rng_below(&r, 4);
        for (size_t y = y0; y < y0 + 18; y++)
            for (size_t x = x0; x < x0 + 5; x++)
                ds->images[s * PX + y * SIDE + x] = 255;
        ds->labels[s] = 1;
    }
}

static void ink_centre(const uint8_t *img, double *ink, double *cx, double *cy)
{
    double m = 0.0, sx = 0.0, sy = 0.0;
    for (size_t y = 0; y < SIDE; y++)
        for (size_t x = 0; x < SIDE; x++) {
            double v = img[y * SIDE + x];
            m += v;
            sx += v * (double)x;
            sy += v * (double)y;
        }
    *ink = m;
    *cx = m > 0 ? sx / m : 0.0;
    *cy = m > 0 ? sy / m : 0.0;
}

static void test_ink_and_stored_images(void)
{
    mnist m;
    memset(&m, 0, sizeof m);
    dp_error err;
    dataset ds;
    bool have_mnist = dataset_load_mnist(getenv("DIGITPAD_DATA"), &m, &err);
    if (have_mnist) {
        ds = m.train;
        if (ds.count > 2000)
            ds.count = 2000;
    } else {
        printf("MNIST not found (%s): drawn bars instead\n", err.msg);
        bar_digits(&ds, 500);
    }
    uint8_t *before = malloc(ds.count * PX);
    memcpy(before, ds.images, ds.count * PX);
    const char *names[3] = {"affine", "elastic", "both"};
    for (int kind = 0; kind < 3; kind++) {
        augment_config c = augment_config_default(kind != 1, kind != 0);
        augment_work w;
        CHECK(augment_work_init(&w, &c, SIDE, SIDE, NULL), "init");
        dp_rng r;
        dp_rng_seed(&r, 21);
        double ratio_sum = 0.0, worst = 0.0, moved_sum = 0.0;
        size_t far_off = 0;
        uint8_t out[PX];
        for (size_t s = 0; s < ds.count; s++) {
            const uint8_t *img = ds.images + s * PX;
            augment_image(out, img, &w, &r);
            double i0, x0, y0, i1, x1, y1;
            ink_centre(img, &i0, &x0, &y0);
            ink_centre(out, &i1, &x1, &y1);
            double ratio = i1 / i0;
            ratio_sum += ratio;
            if (fabs(ratio - 1.0) > worst)
                worst = fabs(ratio - 1.0);
            far_off += fabs(ratio - 1.0) > 0.5;
            moved_sum += hypot(x1 - x0, y1 - y0);
        }
        double mean_ratio = ratio_sum / (double)ds.count;
        double mean_moved = moved_sum / (double)ds.count;
        double far_share = (double)far_off / (double)ds.count;
        printf("%s: ink kept %.3f on average (worst off by %.3f, %.2f %% off by more than half), "
               "centre moved %.2f px\n",
               names[kind], mean_ratio, worst, 100.0 * far_share, mean_moved);
        // Scaling each axis by 0.9 to 1.1 changes the area by 0.81 to 1.21;
        // on average the ink stays.
        CHECK(fabs(mean_ratio - 1.0) < 0.05, "%s: ink kept %.3f on average", names[kind],
              mean_ratio);
        // An elastic field squeezes a stroke here and stretches it there
        // (Simard's alpha 34 is strong: a twentieth of digits gain or lose
        // a third of their ink), but hardly ever by half.
        // (Solid drawn bars, without MNIST, fare a little worse: 5 %.)
        CHECK(far_share < (have_mnist ? 0.02 : 0.05),
              "%s: %.2f %% of images' ink off by more than half", names[kind],
              100.0 * far_share);
        CHECK(worst < 1.0, "%s: one image's ink off by %.3f", names[kind], worst);
        CHECK(mean_moved < 3.0, "%s: the ink's centre moved %.2f px on average", names[kind],
              mean_moved);
        augment_work_destroy(&w);
    }
    CHECK(!memcmp(before, ds.images, ds.count * PX), "the stored images changed");
    free(before);
    if (have_mnist)
        mnist_destroy(&m);
    else
        dataset_destroy(&ds);
}

/* augment_image_sparse lists exactly the ink augment_image makes, as
 * dataset_batch_sparse_scaled would list it (positions ascending, each byte
 * / 255 or through a custom table), with the same bytes and the same draws:
 * for every kind of distortion, an image with no ink, ink touching every
 * edge, a custom scale; and a hand-worked case (no distortion: a 2x2
 * square's four pixels at their places, with their values). */
static void test_sparse_listing(void)
{
    float div255[256], custom[256];
    dataset_scale_table(div255, DATASET_DEFAULT_SCALE);
    dataset_scale_table(custom, 0.5);
    CHECK(custom[200] == 100.0f && div255[255] == 1.0f, "the tables are b/255 and b*0.5");
    mlp_sparse_batch sx;
    dp_error err;
    CHECK(mlp_sparse_init(&sx, 1, PX, &err), "a sparse batch: %s", err.msg);
    uint16_t *index = malloc((PX + 16) * sizeof *index);
    float *value = malloc((PX + 16) * sizeof *value);
    uint8_t in[PX], plain[PX], listed[PX], label = 0;
    dataset one = {.count = 1, .rows = SIDE, .cols = SIDE, .images = plain, .labels = &label};
    size_t images = 0, entries = 0;
    for (int kind = 0; kind < 4; kind++) {
        augment_config c = augment_config_default(kind & 1, kind & 2);
        augment_work wa, wb;
        CHECK(augment_work_init(&wa, &c, SIDE, SIDE, &err) &&
                  augment_work_init(&wb, &c, SIDE, SIDE, &err),
              "work: %s", err.msg);
        dp_rng ra, rb, img_rng;
        dp_rng_seed(&ra, 11);
        dp_rng_seed(&rb, 11);
        dp_rng_seed(&img_rng, 5 + (uint64_t)kind);
        for (int i = 0; i < 300; i++) {
            if (i == 0)
                memset(in, 0, PX); // no ink
            else if (i == 1)
                memset(in, 255, PX); // ink up to every edge
            else
                random_image(in, &img_rng);
            bool use_custom = i % 3 == 2;
            augment_image(plain, in, &wa, &ra);
            size_t n = augment_image_sparse(listed, in, &wb, &rb, use_custom ? custom : div255,
                                            !use_custom, index, value);
            CHECK(memcmp(plain, listed, PX) == 0, "kind %d image %d: the same bytes", kind, i);
            size_t want = dataset_batch_sparse_scaled(&one, NULL, NULL, 0, 1,
                                                      use_custom ? 0.5 : DATASET_DEFAULT_SCALE,
                                                      &sx, &label);
            CHECK(n == want, "kind %d image %d: %zu entries listed, %zu pixels of ink", kind, i,
                  n, want);
            CHECK(memcmp(index, sx.row_index, n * sizeof *index) == 0 &&
                      memcmp(value, sx.row_value, n * sizeof *value) == 0,
                  "kind %d image %d: the entries are dataset_batch_sparse_scaled's", kind, i);
            images++;
            entries += n;
        }
        augment_work_destroy(&wa);
        augment_work_destroy(&wb);
    }
    CHECK(entries > images * 50, "the images had ink: %zu entries in %zu images", entries, images);

    // A 2x2 square at rows 10-11, cols 20-21, copied: entries 300, 301,
    // 328, 329 with 60/255, 120/255, 180/255, 1.
    memset(in, 0, PX);
    in[10 * SIDE + 20] = 60, in[10 * SIDE + 21] = 120, in[11 * SIDE + 20] = 180;
    in[11 * SIDE + 21] = 255;
    augment_config none = augment_config_default(false, false);
    augment_work w;
    CHECK(augment_work_init(&w, &none, SIDE, SIDE, &err), "work: %s", err.msg);
    dp_rng r;
    dp_rng_seed(&r, 1);
    size_t n = augment_image_sparse(listed, in, &w, &r, div255, true, index, value);
    CHECK(n == 4 && index[0] == 300 && index[1] == 301 && index[2] == 328 && index[3] == 329 &&
              value[1] == 120.0f / 255.0f && value[3] == 1.0f,
          "a copy lists its four pixels (%zu)", n);
    augment_work_destroy(&w);
    free(index);
    free(value);
    mlp_sparse_destroy(&sx);
}

static void test_bad_configs(void)
{
    augment_work w;
    augment_config c = augment_config_default(true, true);
    dp_error err;
    c.sigma = 0.0f;
    CHECK(!augment_work_init(&w, &c, SIDE, SIDE, &err), "sigma 0 accepted");
    c = augment_config_default(true, true);
    c.scale = 1.0f;
    CHECK(!augment_work_init(&w, &c, SIDE, SIDE, &err), "scale 1 (a zero-size digit) accepted");
    c = augment_config_default(true, false);
    c.rotate_deg = NAN;
    CHECK(!augment_work_init(&w, &c, SIDE, SIDE, &err), "NaN rotation accepted");
    c = augment_config_default(true, true);
    CHECK(!augment_work_init(&w, &c, 0, SIDE, &err), "0 rows accepted");
    CHECK(strstr(err.msg, "0x28") != NULL, "message: %s", err.msg);
}

int main(void)
{
    test_kernel();
    test_identity();
    test_hand_shifts();
    test_affine_ranges();
    test_field();
    test_reproducible();
    test_against_reference();
    test_ink_and_stored_images();
    test_sparse_listing();
    test_bad_configs();
    return check_summary();
}
