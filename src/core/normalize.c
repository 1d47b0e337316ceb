/* normalize.c: MNIST-style normalisation of a drawing or a picture.
 *
 * Coordinates are pixel indices: pixel i of a row has its centre at x = i
 * and covers [i - 0.5, i + 0.5). The output's centre of mass is placed at
 * index (14, 14): MNIST's own test digits average (14.00, 13.99) that way.
 *
 * Resampling is one function for every scale: output pixel u looks at the
 * source interval of width L = 1/scale around its centre, widened to at
 * least one source pixel, and takes each source pixel's share of that
 * interval as its weight. Downscaling (L >= 1) is then an exact area
 * average, which keeps stroke weight; upscaling (L < 1) becomes linear
 * interpolation between pixel centres; the two agree at scale 1, where an
 * aligned image comes through unchanged. */
#include "normalize.h"

#include <math.h>
#include <string.h>

#define OUT_SIDE 28
#define BOX_SIDE 20.0
#define CENTRE NORMALIZE_CENTRE

/* A peak below this is no ink at all (noise in a scan, JPEG ringing). */
#define INK_MIN 0.05f
/* Pixels fainter than this share of the peak do not count for the bounding
 * box: anti-aliasing fringes and stray specks would otherwise grow it. */
#define INK_BOX_SHARE 0.1f

static float clamp01(float v)
{
    if (!(v > 0.0f)) // also catches NaN
        return 0.0f;
    return v > 1.0f ? 1.0f : v;
}

/* One axis of the resampling: the source interval seen by an output pixel
 * and the range of source pixels it touches. */
typedef struct span {
    double a, b;     // interval [a, b) in source index coordinates, b - a >= 1
    long first, last; // source pixels with a non-zero share, clipped to [lo, hi]
} span;

static span make_span(double centre, double len, long lo, long hi)
{
    if (len < 1.0)
        len = 1.0;
    span s;
    s.a = centre - 0.5 * len;
    s.b = centre + 0.5 * len;
    // Pixel i covers [i - 0.5, i + 0.5): it overlaps [a, b) when i > a - 0.5 and i < b + 0.5.
    double f = floor(s.a + 0.5);
    double l = ceil(s.b - 0.5);
    s.first = f < (double)lo ? lo : (f > (double)hi + 1 ? hi + 1 : (long)f);
    s.last = l > (double)hi ? hi : (l < (double)lo - 1 ? lo - 1 : (long)l);
    return s;
}

static double share(const span *s, long i)
{
    double lo = (double)i - 0.5, hi = (double)i + 0.5;
    if (lo < s->a)
        lo = s->a;
    if (hi > s->b)
        hi = s->b;
    return hi > lo ? hi - lo : 0.0;
}

/* Resamples the source window [x0, x1] x [y0, y1] (inclusive, everything
 * outside counts as background) into out (28 x 28): output index u looks at
 * source x = cx + (u - 14) * step, and likewise for rows. With renormalise,
 * weights are divided by their sum instead of the interval's length, so
 * that pixels past the image edge are ignored rather than read as 0. */
static void resample(float *out, const float *img, size_t w, long x0, long x1, long y0, long y1,
                     double cx, double cy, double step_x, double step_y, bool renormalise)
{
    for (long v = 0; v < OUT_SIDE; v++) {
        span sy = make_span(cy + ((double)v - CENTRE) * step_y, step_y, y0, y1);
        for (long u = 0; u < OUT_SIDE; u++) {
            span sx = make_span(cx + ((double)u - CENTRE) * step_x, step_x, x0, x1);
            double sum = 0.0, wsum = 0.0;
            for (long j = sy.first; j <= sy.last; j++) {
                double wy = share(&sy, j);
                if (wy <= 0.0)
                    continue;
                const float *row = img + (size_t)j * w;
                double rsum = 0.0, rw = 0.0;
                for (long i = sx.first; i <= sx.last; i++) {
                    double wx = share(&sx, i);
                    rsum += wx * clamp01(row[i]);
                    rw += wx;
                }
                sum += wy * rsum;
                wsum += wy * rw;
            }
            double area = (sy.b - sy.a) * (sx.b - sx.a);
            double val = renormalise ? (wsum > 0.0 ? sum / wsum : 0.0) : sum / area;
            out[v * OUT_SIDE + u] = clamp01((float)val);
        }
    }
}

bool normalize_center_of_mass(const float *out, double *cx, double *cy)
{
    double m = 0.0, mx = 0.0, my = 0.0;
    for (size_t y = 0; y < OUT_SIDE; y++)
        for (size_t x = 0; x < OUT_SIDE; x++) {
            double v = out[y * OUT_SIDE + x];
            m += v;
            mx += v * (double)x;
            my += v * (double)y;
        }
    if (!(m > 0.0))
        return false;
    *cx = mx / m;
    *cy = my / m;
    return true;
}

bool normalize_mnist(float *out, const float *img, size_t w, size_t h)
{
    memset(out, 0, OUT_SIDE * OUT_SIDE * sizeof *out);
    if (!img || w == 0 || h == 0)
        return false;

    float peak = 0.0f;
    for (size_t k = 0, n = w * h; k < n; k++) {
        float v = clamp01(img[k]);
        if (v > peak)
            peak = v;
    }
    if (peak < INK_MIN)
        return false;

    // Bounding box of the pixels that clearly carry ink.
    float t = peak * INK_BOX_SHARE;
    if (t < INK_MIN)
        t = INK_MIN;
    size_t bx0 = w, bx1 = 0, by0 = h, by1 = 0;
    for (size_t y = 0; y < h; y++) {
        const float *row = img + y * w;
        for (size_t x = 0; x < w; x++) {
            if (clamp01(row[x]) >= t) {
                if (x < bx0)
                    bx0 = x;
                if (x > bx1)
                    bx1 = x;
                if (y < by0)
                    by0 = y;
                if (y > by1)
                    by1 = y;
            }
        }
    }

    /* Sub-pixel extent: an edge pixel filled to a fraction c of the peak
     * holds ink over about c of its width, so the box reaches c past the
     * inner edge of the outermost pixels. With whole pixels, a small drawing
     * would come out up to a pixel too large or too small. */
    float left = 0.0f, right = 0.0f, top = 0.0f, bottom = 0.0f;
    for (size_t y = by0; y <= by1; y++) {
        float l = clamp01(img[y * w + bx0]), r = clamp01(img[y * w + bx1]);
        if (l > left)
            left = l;
        if (r > right)
            right = r;
    }
    for (size_t x = bx0; x <= bx1; x++) {
        float tp = clamp01(img[by0 * w + x]), bt = clamp01(img[by1 * w + x]);
        if (tp > top)
            top = tp;
        if (bt > bottom)
            bottom = bt;
    }
    double ext_x = (double)(bx1 - bx0) - 1.0 + (left + right) / peak;
    double ext_y = (double)(by1 - by0) - 1.0 + (top + bottom) / peak;
    double ext = ext_x > ext_y ? ext_x : ext_y;
    if (ext < 1.0)
        ext = 1.0;
    double step = ext / BOX_SIDE; // source pixels per output pixel

    /* Everything within a pixel of the box takes part, so the faint fringe
     * of anti-aliased strokes is kept; what lies further out is dropped as
     * MNIST's crop did. */
    long x0 = bx0 > 0 ? (long)bx0 - 1 : 0;
    long y0 = by0 > 0 ? (long)by0 - 1 : 0;
    long x1 = bx1 + 1 < w ? (long)bx1 + 1 : (long)bx1;
    long y1 = by1 + 1 < h ? (long)by1 + 1 : (long)by1;

    double m = 0.0, mx = 0.0, my = 0.0;
    for (long y = y0; y <= y1; y++) {
        const float *row = img + (size_t)y * w;
        double rm = 0.0, rmx = 0.0;
        for (long x = x0; x <= x1; x++) {
            double v = clamp01(row[x]);
            rm += v;
            rmx += v * (double)x;
        }
        m += rm;
        mx += rmx;
        my += rm * (double)y;
    }
    double cx = mx / m, cy = my / m; // m > 0: the peak pixel lies inside

    resample(out, img, w, x0, x1, y0, y1, cx, cy, step, step, false);

    /* The centre of mass moves a little in resampling, and more when a
     * lopsided digit loses ink past the 28x28 edge; one correction brings it
     * back to within a few hundredths of a pixel. */
    double ox, oy;
    if (normalize_center_of_mass(out, &ox, &oy) && (fabs(ox - CENTRE) > 0.01 || fabs(oy - CENTRE) > 0.01))
        resample(out, img, w, x0, x1, y0, y1, cx + (ox - CENTRE) * step, cy + (oy - CENTRE) * step,
                 step, step, false);
    return true;
}

void normalize_resize(float *out, const float *img, size_t w, size_t h)
{
    memset(out, 0, OUT_SIDE * OUT_SIDE * sizeof *out);
    if (!img || w == 0 || h == 0)
        return;
    double step_x = (double)w / OUT_SIDE, step_y = (double)h / OUT_SIDE;
    // Output pixel u covers source pixels [u step, (u + 1) step) edge to edge,
    // so its centre in source index coordinates is (u + 0.5) step - 0.5.
    double cx = (CENTRE + 0.5) * step_x - 0.5, cy = (CENTRE + 0.5) * step_y - 0.5;
    resample(out, img, w, 0, (long)w - 1, 0, (long)h - 1, cx, cy, step_x, step_y, true);
}

bool normalize_auto_invert(float *img, size_t w, size_t h)
{
    if (!img || w == 0 || h == 0)
        return false;
    double sum = 0.0;
    size_t n = 0;
    for (size_t y = 0; y < h; y++) {
        if (y == 0 || y == h - 1) {
            for (size_t x = 0; x < w; x++)
                sum += clamp01(img[y * w + x]);
            n += w;
        } else {
            sum += clamp01(img[y * w]);
            n++;
            if (w > 1) {
                sum += clamp01(img[y * w + w - 1]);
                n++;
            }
        }
    }
    if (!(sum / (double)n > 0.5))
        return false;
    for (size_t k = 0, total = w * h; k < total; k++)
        img[k] = 1.0f - clamp01(img[k]);
    return true;
}
