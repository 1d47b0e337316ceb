/* test_normalize.c: MNIST-style normalisation.
 *
 * Digits are drawn here with anti-aliased thick strokes (4x4 supersampling
 * of the distance to a polyline), once small in a corner and once large in
 * the middle of a 200x200 picture; after normalisation both must look the
 * same, sit with their centre of mass at (14, 14) and fit a 20x20 box. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

#include "check.h"

#define SIDE 200
#define N28 (28 * 28)

typedef struct pt {
    double x, y;
} pt;

/* Shapes in unit coordinates (x right, y down), as polylines. */
static const pt seven[] = {{0.0, 0.0}, {1.0, 0.0}, {0.35, 1.4}};
static const pt seven_bar[] = {{0.2, 0.75}, {0.85, 0.75}};

static double seg_dist(double px, double py, pt a, pt b)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    double t = ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy);
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
    return sqrt(ex * ex + ey * ey);
}

/* Adds a polyline of n points, scaled by s and moved to (ox, oy), with
 * stroke width thick (in units), as ink coverage in [0, 1]. */
static void draw_polyline(float *img, size_t w, size_t h, const pt *p, size_t n, double ox,
                          double oy, double s, double thick)
{
    const int ss = 4;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            int hits = 0;
            for (int sy = 0; sy < ss; sy++)
                for (int sx = 0; sx < ss; sx++) {
                    double px = ((double)x + (sx + 0.5) / ss - ox) / s;
                    double py = ((double)y + (sy + 0.5) / ss - oy) / s;
                    for (size_t k = 0; k + 1 < n; k++)
                        if (seg_dist(px, py, p[k], p[k + 1]) <= thick / 2) {
                            hits++;
                            break;
                        }
                }
            float c = (float)hits / (float)(ss * ss);
            if (c > img[y * w + x])
                img[y * w + x] = c;
        }
}

static void draw_seven(float *img, double ox, double oy, double s)
{
    draw_polyline(img, SIDE, SIDE, seven, 3, ox, oy, s, 0.2);
    draw_polyline(img, SIDE, SIDE, seven_bar, 2, ox, oy, s, 0.2);
}

/* A ring (a "0"): coverage of an annulus of radii (r - thick/2, r + thick/2)
 * stretched vertically by 1.4, centred at (ox, oy). */
static void draw_ring(float *img, double ox, double oy, double r, double thick)
{
    const int ss = 4;
    for (size_t y = 0; y < SIDE; y++)
        for (size_t x = 0; x < SIDE; x++) {
            int hits = 0;
            for (int sy = 0; sy < ss; sy++)
                for (int sx = 0; sx < ss; sx++) {
                    double dx = (double)x + (sx + 0.5) / ss - ox;
                    double dy = ((double)y + (sy + 0.5) / ss - oy) / 1.4;
                    double d = sqrt(dx * dx + dy * dy);
                    hits += fabs(d - r) <= thick / 2;
                }
            img[y * SIDE + x] = (float)hits / (float)(ss * ss);
        }
}

static double mean_abs_diff(const float *a, const float *b)
{
    double s = 0;
    for (size_t i = 0; i < N28; i++)
        s += fabs((double)a[i] - (double)b[i]);
    return s / N28;
}

static void centre_of_mass(const float *o, double *cx, double *cy)
{
    double m = 0, mx = 0, my = 0;
    for (size_t y = 0; y < 28; y++)
        for (size_t x = 0; x < 28; x++) {
            m += o[y * 28 + x];
            mx += o[y * 28 + x] * (double)x;
            my += o[y * 28 + x] * (double)y;
        }
    *cx = mx / m;
    *cy = my / m;
}

/* Longer side of the ink's box in output pixels, to a fraction of a pixel:
 * whole pixels from the first to the last one with ink above 0.1, plus the
 * share of the outermost ones that is filled (an edge pixel at 0.4 holds ink
 * over about 0.4 of its width). Counting pixels above 0.5 instead can give
 * 21 for a box of exactly 20 that starts halfway through a pixel. */
static double box_side(const float *o)
{
    size_t x0 = 28, x1 = 0, y0 = 28, y1 = 0;
    for (size_t y = 0; y < 28; y++)
        for (size_t x = 0; x < 28; x++)
            if (o[y * 28 + x] >= 0.1f) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
    if (x0 > x1)
        return 0;
    float l = 0, r = 0, t = 0, b = 0;
    for (size_t y = y0; y <= y1; y++) {
        l = fmaxf(l, o[y * 28 + x0]);
        r = fmaxf(r, o[y * 28 + x1]);
    }
    for (size_t x = x0; x <= x1; x++) {
        t = fmaxf(t, o[y0 * 28 + x]);
        b = fmaxf(b, o[y1 * 28 + x]);
    }
    double bw = (double)(x1 - x0) - 1 + l + r, bh = (double)(y1 - y0) - 1 + t + b;
    return bw > bh ? bw : bh;
}

static double total_ink(const float *o)
{
    double s = 0;
    for (size_t i = 0; i < N28; i++)
        s += o[i];
    return s;
}

static void check_pair(const char *name, const float *small_img, const float *large_img,
                       double max_diff)
{
    float a[N28], b[N28];
    CHECK(normalize_mnist(a, small_img, SIDE, SIDE), "%s small: ink expected", name);
    CHECK(normalize_mnist(b, large_img, SIDE, SIDE), "%s large: ink expected", name);
    double d = mean_abs_diff(a, b);
    printf("%s: mean abs diff small vs large %.4f (ink %.1f vs %.1f)\n", name, d, total_ink(a),
           total_ink(b));
    CHECK(d < max_diff, "%s: mean abs diff %.4f >= %.3f", name, d, max_diff);

    const float *outs[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        double cx, cy;
        centre_of_mass(outs[k], &cx, &cy);
        double side = box_side(outs[k]);
        printf("%s %s: centre of mass (%.3f, %.3f), box side %.2f\n", name, k ? "large" : "small",
               cx, cy, side);
        CHECK(fabs(cx - 14) < 0.5 && fabs(cy - 14) < 0.5, "%s: centre (%.3f, %.3f)", name, cx, cy);
        CHECK(side >= 18 && side <= 20.5, "%s: box side %.2f", name, side);
        float lo = 1, hi = 0;
        for (size_t i = 0; i < N28; i++) {
            lo = outs[k][i] < lo ? outs[k][i] : lo;
            hi = outs[k][i] > hi ? outs[k][i] : hi;
        }
        CHECK(lo >= 0 && hi <= 1 && hi > 0.9f, "%s: range [%g, %g]", name, lo, hi);
    }
}

int main(void)
{
    static float small_img[SIDE * SIDE], large_img[SIDE * SIDE];

    /* Threshold for small vs large, 0.03 mean absolute difference: the small
     * 7 is only 21 pixels tall (scaled by about 1), so its anti-aliasing,
     * quantised to its own coarse pixels, differs from the large one's along
     * every stroke edge; measured, that costs 0.016 (0.012 for the ring).
     * Real mistakes cost more: the same output moved by one pixel differs by
     * 0.05 (sideways) to 0.07 (down), a 7 with its top bar 15% longer by
     * 0.04. So 0.03 passes resampling noise and fails a misplacement. */
    memset(small_img, 0, sizeof small_img);
    memset(large_img, 0, sizeof large_img);
    draw_seven(small_img, 6.3, 4.7, 15.0);  // 15 x 21 pixels, top left corner
    draw_seven(large_img, 45.2, 28.9, 100.0); // 100 x 140 pixels, middle
    check_pair("seven", small_img, large_img, 0.03);

    draw_ring(small_img, 180.4, 182.1, 8.0, 3.2);  // about 19 x 27 pixels, bottom right corner
    draw_ring(large_img, 100.0, 100.0, 45.0, 18.0); // about 108 x 151 pixels
    check_pair("ring", small_img, large_img, 0.03);

    /* Wider than tall: the longer side is the width. */
    memset(large_img, 0, sizeof large_img);
    static const pt dash[] = {{0.0, 0.0}, {1.0, 0.0}};
    draw_polyline(large_img, SIDE, SIDE, dash, 2, 20, 90, 150, 0.1);
    float o[N28];
    CHECK(normalize_mnist(o, large_img, SIDE, SIDE), "dash: ink expected");
    CHECK(box_side(o) >= 18 && box_side(o) <= 20.5, "dash: box side %.2f", box_side(o));

    /* Blank pictures and pictures with only faint noise have no ink. */
    memset(small_img, 0, sizeof small_img);
    for (size_t i = 0; i < N28; i++)
        o[i] = 0.5f;
    CHECK(!normalize_mnist(o, small_img, SIDE, SIDE), "blank: no ink expected");
    CHECK(total_ink(o) == 0, "blank: output not zeroed");
    for (size_t i = 0; i < SIDE * SIDE; i++)
        small_img[i] = (float)(i % 7) * 0.005f;
    CHECK(!normalize_mnist(o, small_img, SIDE, SIDE), "faint noise: no ink expected");
    CHECK(!normalize_mnist(o, small_img, 0, 10), "zero width: no ink expected");

    /* A single ink pixel becomes a centred blob rather than a failure. */
    memset(small_img, 0, sizeof small_img);
    small_img[3 * SIDE + 190] = 1;
    CHECK(normalize_mnist(o, small_img, SIDE, SIDE), "dot: ink expected");
    double cx, cy;
    centre_of_mass(o, &cx, &cy);
    CHECK(fabs(cx - 14) < 0.5 && fabs(cy - 14) < 0.5, "dot: centre (%.3f, %.3f)", cx, cy);

    /* NaN and out-of-range values are read as clamped to [0, 1]. */
    memset(large_img, 0, sizeof large_img);
    draw_seven(large_img, 45.2, 28.9, 100.0);
    large_img[0] = NAN;
    large_img[1] = 7.0f;
    large_img[2] = -3.0f;
    CHECK(normalize_mnist(o, large_img, SIDE, SIDE), "nan: ink expected");
    int finite = 1;
    for (size_t i = 0; i < N28; i++)
        finite &= o[i] >= 0 && o[i] <= 1;
    CHECK(finite, "nan: output outside [0, 1]");

    /* Auto-invert: dark ink on white paper is flipped, light on dark kept. */
    for (size_t i = 0; i < SIDE * SIDE; i++)
        small_img[i] = 1.0f;
    small_img[100 * SIDE + 100] = 0.0f;
    CHECK(normalize_auto_invert(small_img, SIDE, SIDE), "white paper: inversion expected");
    CHECK(small_img[0] == 0.0f && small_img[100 * SIDE + 100] == 1.0f, "white paper: not inverted");
    CHECK(!normalize_auto_invert(small_img, SIDE, SIDE), "black paper: no inversion expected");
    CHECK(small_img[0] == 0.0f && small_img[100 * SIDE + 100] == 1.0f, "black paper: changed");
    memset(large_img, 0, sizeof large_img);
    draw_seven(large_img, 45.2, 28.9, 100.0);
    for (size_t i = 0; i < SIDE * SIDE; i++)
        small_img[i] = 1.0f - large_img[i];
    CHECK(normalize_auto_invert(small_img, SIDE, SIDE), "dark seven: inversion expected");
    float maxerr = 0;
    for (size_t i = 0; i < SIDE * SIDE; i++)
        maxerr = fmaxf(maxerr, fabsf(small_img[i] - large_img[i]));
    CHECK(maxerr < 1e-6f, "dark seven: inverted differs by %g", maxerr);
    float one = 0.9f;
    CHECK(normalize_auto_invert(&one, 1, 1) && fabsf(one - 0.1f) < 1e-6f, "1x1: %g", one);

    /* Resize: a constant stays constant at every size, up or down. */
    static const size_t sizes[][2] = {{200, 150}, {28, 28}, {10, 7}, {1, 1}, {29, 1000}, {3, 57}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t w = sizes[k][0], h = sizes[k][1];
        for (size_t i = 0; i < w * h; i++)
            small_img[i] = 0.37f;
        normalize_resize(o, small_img, w, h);
        float err = 0;
        for (size_t i = 0; i < N28; i++)
            err = fmaxf(err, fabsf(o[i] - 0.37f));
        CHECK(err < 1e-5f, "resize %zux%zu: constant off by %g", w, h, err);
    }
    /* A 28x28 picture comes through unchanged. */
    for (size_t i = 0; i < N28; i++)
        small_img[i] = (float)((i * 37) % 101) / 100.0f;
    normalize_resize(o, small_img, 28, 28);
    float err = 0;
    for (size_t i = 0; i < N28; i++)
        err = fmaxf(err, fabsf(o[i] - small_img[i]));
    CHECK(err < 1e-6f, "resize 28x28: changed by %g", err);
    /* 56x56 of 2x2 blocks averages each block. */
    for (size_t y = 0; y < 56; y++)
        for (size_t x = 0; x < 56; x++)
            small_img[y * 56 + x] = (float)((x + y) % 2);
    normalize_resize(o, small_img, 56, 56);
    err = 0;
    for (size_t i = 0; i < N28; i++)
        err = fmaxf(err, fabsf(o[i] - 0.5f));
    CHECK(err < 1e-6f, "resize 56x56 checker: off by %g", err);

    return check_summary();
}
