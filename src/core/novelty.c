/* novelty.c: the not-a-digit detector (novelty.h). */
#include "novelty.h"

#include "dense_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Steps of subspace iteration for each class's principal components; the
 * residual needs only the subspace they span, and after 60 steps its
 * measured rates no longer move. */
#define PCA_STEPS 60
/* Batch of the fit's covariance updates. */
#define FIT_BATCH 512
/* Every n-th training digit is held out of the components' fit, for the
 * median and the threshold. */
#define HELD_OUT_STRIDE 6
_Static_assert(NOVELTY_MIN_TRAIN >= 2 * HELD_OUT_STRIDE, "a fit holds out at least two images");

static size_t block_floats(size_t n_classes, size_t features, size_t k)
{
    return n_classes * features * (1 + k);
}

bool novelty_init(novelty *nv, size_t n_classes, size_t height, size_t width, size_t cell,
                  size_t bins, size_t n_components, dp_error *err)
{
    memset(nv, 0, sizeof *nv);
    size_t side = height > width ? height : width;
    if (n_classes < 1 || n_classes > MLP_MAX_UNITS || height < 1 || width < 1 ||
        height > MLP_MAX_UNITS || width > MLP_MAX_UNITS || height * width > MLP_MAX_UNITS)
        return dp_fail(err, "not-a-digit detector of %zu classes for %zux%zu pixels is out of "
                       "range", n_classes, height, width);
    if (cell < 1 || cell > side || bins < 2 || bins > NOVELTY_MAX_BINS)
        return dp_fail(err, "not-a-digit detector with cells of %zu pixels and %zu bins is out "
                       "of range (cells of 1 to %zu pixels, 2 to %d bins)", cell, bins, side,
                       NOVELTY_MAX_BINS);
    size_t cy = (height + cell - 1) / cell, cx = (width + cell - 1) / cell;
    size_t features = cy * cx * bins; // each factor is at most 4096 or 36: no overflow
    if (features > NOVELTY_MAX_FEATURES)
        return dp_fail(err, "not-a-digit detector of %zu features, at most %d", features,
                       NOVELTY_MAX_FEATURES);
    if (n_components < 1 || n_components > NOVELTY_MAX_COMPONENTS || n_components > features)
        return dp_fail(err, "not-a-digit detector of %zu components is out of range (1 to %zu)",
                       n_components,
                       features < NOVELTY_MAX_COMPONENTS ? features : NOVELTY_MAX_COMPONENTS);
    if (block_floats(n_classes, features, n_components) > MLP_MAX_PARAMS)
        return dp_fail(err, "not-a-digit detector of more than %zu numbers", MLP_MAX_PARAMS);
    nv->block = dp_floats(block_floats(n_classes, features, n_components));
    if (!nv->block)
        return dp_fail(err, "out of memory for the not-a-digit detector");
    memset(nv->block, 0, block_floats(n_classes, features, n_components) * sizeof(float));
    nv->n_classes = n_classes;
    nv->height = height;
    nv->width = width;
    nv->inputs = height * width;
    nv->cell = cell;
    nv->bins = bins;
    nv->cells_y = cy;
    nv->cells_x = cx;
    nv->features = features;
    nv->n_components = n_components;
    nv->means = nv->block;
    nv->components = nv->means + n_classes * features;
    return true;
}

void novelty_destroy(novelty *nv)
{
    free(nv->block);
    memset(nv, 0, sizeof *nv);
}

bool novelty_copy(novelty *dst, const novelty *src, dp_error *err)
{
    if (!novelty_init(dst, src->n_classes, src->height, src->width, src->cell, src->bins,
                      src->n_components, err))
        return false;
    memcpy(dst->block, src->block,
           block_floats(src->n_classes, src->features, src->n_components) * sizeof(float));
    dst->median = src->median;
    dst->threshold = src->threshold;
    dst->held_out_flagged = src->held_out_flagged;
    dst->test_flagged = src->test_flagged;
    return true;
}

bool novelty_fits(const novelty *nv, const mlp *net)
{
    return nv->block && net->sizes[0] == nv->inputs && net->sizes[net->n_layers] == nv->n_classes;
}

float novelty_round(float v)
{
    // Powers of ten up to 1e22 are exact doubles.
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double a = fabs((double)v);
    if (!(a >= 1e-18) || !(a < 1e18)) // zero, tiny, huge or not a number: as it is
        return v;
    // e with 10^e <= a < 10^(e+1), by comparisons only (no log10: its last
    // bit may differ between the C library's variants for each CPU).
    int e = 0;
    if (a >= 1.0) {
        while (e < 17 && a >= p10[e + 1])
            e++;
    } else {
        while (e > -18 && a * p10[-e] < 1.0)
            e--;
    }
    double q = e <= 3 ? round((double)v * p10[3 - e]) / p10[3 - e]
                      : round((double)v / p10[e - 3]) * p10[e - 3];
    return (float)q;
}

/* ---------------------------------------------------------------------------
 * Features. */

/* atan(t) for 0 <= t <= 1 to about 1e-5 radians, from +, * and / alone, so
 * it gives the same bits everywhere (a polynomial in t^2, Abramowitz and
 * Stegun 4.4.49's form). */
static float atan_unit(float t)
{
    float t2 = t * t;
    return t * (0.99997726f +
                t2 * (-0.33262347f +
                      t2 * (0.19354346f + t2 * (-0.11643287f + t2 * (0.05265332f +
                                                                     t2 * -0.01172120f)))));
}

/* The direction of (gx, gy) folded onto 0 to 180 degrees, in units of 180
 * degrees: [0, 1). */
static float half_turn(float gx, float gy)
{
    if (gy < 0.0f || (gy == 0.0f && gx < 0.0f)) {
        gx = -gx;
        gy = -gy;
    }
    // now 0 <= angle < pi: atan from the octant
    float ax = fabsf(gx), a;
    if (gy <= ax)
        a = atan_unit(gy / ax);               // within 45 degrees of the x axis
    else
        a = 1.57079633f - atan_unit(ax / gy); // within 45 degrees of the y axis
    if (gx < 0.0f)
        a = 3.14159265f - a;
    float u = a / 3.14159265f;
    return u < 1.0f ? (u > 0.0f ? u : 0.0f) : 0.0f;
}

void novelty_features(const novelty *nv, const float *x, float *out)
{
    size_t h = nv->height, w = nv->width, bins = nv->bins, cx_n = nv->cells_x;
    static const float taps[5] = {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f};
    float tmp[MLP_MAX_UNITS], soft[MLP_MAX_UNITS];
    // The 5-tap binomial blur, along rows then down columns, zero outside.
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++) {
            float s = 0.0f;
            for (size_t k = 0; k < 5; k++) {
                size_t cc = c + k;
                if (cc >= 2 && cc - 2 < w)
                    s += taps[k] * x[r * w + cc - 2];
            }
            tmp[r * w + c] = s;
        }
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++) {
            float s = 0.0f;
            for (size_t k = 0; k < 5; k++) {
                size_t rr = r + k;
                if (rr >= 2 && rr - 2 < h)
                    s += taps[k] * tmp[(rr - 2) * w + c];
            }
            soft[r * w + c] = s;
        }
    memset(out, 0, nv->features * sizeof *out);
    float cell = (float)nv->cell;
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++) {
            float right = c + 1 < w ? soft[r * w + c + 1] : 0.0f;
            float left = c > 0 ? soft[r * w + c - 1] : 0.0f;
            float down = r + 1 < h ? soft[(r + 1) * w + c] : 0.0f;
            float up = r > 0 ? soft[(r - 1) * w + c] : 0.0f;
            float gx = right - left, gy = down - up;
            float mag = sqrtf(gx * gx + gy * gy);
            if (!(mag > 0.0f))
                continue;
            float pos = half_turn(gx, gy) * (float)bins;
            size_t b0 = (size_t)pos;
            float fb = pos - (float)b0;
            b0 %= bins;
            size_t b1 = (b0 + 1) % bins;
            // Shared between the four nearest cells' centres.
            float py = ((float)r + 0.5f) / cell - 0.5f, px = ((float)c + 0.5f) / cell - 0.5f;
            float fy0 = floorf(py), fx0 = floorf(px), fy = py - fy0, fx = px - fx0;
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    float yy = fy0 + (float)dy, xx = fx0 + (float)dx;
                    if (yy < 0.0f || xx < 0.0f || yy >= (float)nv->cells_y ||
                        xx >= (float)cx_n)
                        continue;
                    float wt = (dy ? fy : 1.0f - fy) * (dx ? fx : 1.0f - fx) * mag;
                    float *hist = out + ((size_t)yy * cx_n + (size_t)xx) * bins;
                    hist[b0] += wt * (1.0f - fb);
                    hist[b1] += wt * fb;
                }
        }
    for (size_t i = 0; i < nv->features; i++)
        out[i] = sqrtf(out[i]);
}

/* a . b over n floats in eight running sums (which the compiler can keep in
 * one vector register), added up in a fixed order: the same bits on every
 * run and build. */
static float dot(const float *a, const float *b, size_t n)
{
    float acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t j = 0; j < 8; j++)
            acc[j] += a[i + j] * b[i + j];
    for (; i < n; i++)
        acc[i % 8] += a[i] * b[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

void novelty_score_features(const novelty *nv, const float *f, size_t cls, novelty_result *out)
{
    size_t n = nv->features, k = nv->n_components;
    const float *mean = nv->means + cls * n;
    float v[NOVELTY_MAX_FEATURES];
    float dist = 0.0f;
    for (size_t i = 0; i < n; i++) {
        v[i] = f[i] - mean[i];
        dist += v[i] * v[i];
    }
    // What is left once each component's share is taken away (the
    // components are orthonormal only to their 4 stored digits, so the
    // remainder is formed rather than the shares' squares subtracted).
    for (size_t j = 0; j < k; j++) {
        const float *comp = nv->components + (cls * k + j) * n;
        float p = dot(comp, v, n);
        for (size_t i = 0; i < n; i++)
            v[i] -= p * comp[i];
    }
    float residual = 0.0f;
    for (size_t i = 0; i < n; i++)
        residual += v[i] * v[i];
    out->cls = cls;
    out->distance = dist;
    out->residual = residual < dist ? residual : dist;
    out->score = out->residual;
    out->ratio = nv->median > 0.0 ? out->score / nv->median : 0.0;
    out->threshold_ratio = nv->median > 0.0 ? nv->threshold / nv->median : 0.0;
    out->not_a_digit = out->score > nv->threshold;
}

void novelty_score(const novelty *nv, const float *x, size_t cls, novelty_result *out)
{
    float f[NOVELTY_MAX_FEATURES];
    novelty_features(nv, x, f);
    novelty_score_features(nv, f, cls, out);
}

/* ---------------------------------------------------------------------------
 * Fitting. */

/* Orthonormalises the k rows of q (k, n) by modified Gram-Schmidt, twice
 * over for accuracy. A row that vanishes becomes a unit vector. */
static void orthonormalise(double *q, size_t k, size_t n)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t a = 0; a < k; a++) {
            double *qa = q + a * n;
            for (size_t b = 0; b < a; b++) {
                const double *qb = q + b * n;
                double d = 0.0;
                for (size_t i = 0; i < n; i++)
                    d += qa[i] * qb[i];
                for (size_t i = 0; i < n; i++)
                    qa[i] -= d * qb[i];
            }
            double norm = 0.0;
            for (size_t i = 0; i < n; i++)
                norm += qa[i] * qa[i];
            norm = sqrt(norm);
            if (!(norm > 1e-150)) {
                memset(qa, 0, n * sizeof *qa);
                qa[a % n] = 1.0;
                continue;
            }
            for (size_t i = 0; i < n; i++)
                qa[i] /= norm;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct fit_buffers {
    float *feats;   // (train count, features) every training digit's features
    float *x;       // (inputs)
    uint8_t *y;     // (1)
    float *rows;    // (FIT_BATCH, features) centred features of one class
    float *cov;     // (features, features) their scatter matrix
    float *qf, *zf; // (k, features) the subspace iteration's block, in float
    float *zero;    // (features) zeros: the "bias" of the block's product
    double *q;      // (k, features) the same in double, orthonormalised
    double *sum;    // (features)
    double *scores; // (max(held-out, test))
    float *probs, *scratch;
    double scale;   // a byte times this is an input
} fit_buffers;

static void fit_buffers_free(fit_buffers *b)
{
    free(b->feats);
    free(b->x);
    free(b->y);
    free(b->rows);
    free(b->cov);
    free(b->qf);
    free(b->zf);
    free(b->zero);
    free(b->q);
    free(b->sum);
    free(b->scores);
    free(b->probs);
    free(b->scratch);
}

static bool held_out(size_t s)
{
    return s % HELD_OUT_STRIDE == HELD_OUT_STRIDE - 1;
}

/* One class's mean and top k principal directions, from the features of its
 * training digits that are not held out. */
static void fit_class(novelty *nv, const dataset *train, size_t cls, fit_buffers *b, dp_rng *r)
{
    size_t n = nv->features, k = nv->n_components, count = 0;
    memset(b->sum, 0, n * sizeof *b->sum);
    for (size_t s = 0; s < train->count; s++) {
        if (train->labels[s] != cls || held_out(s))
            continue;
        const float *f = b->feats + s * n;
        for (size_t i = 0; i < n; i++)
            b->sum[i] += f[i];
        count++;
    }
    float *mean = nv->means + cls * n;
    for (size_t i = 0; i < n; i++)
        mean[i] = novelty_round(count ? (float)(b->sum[i] / (double)count) : 0.0f);

    // The class's scatter matrix (its covariance times its count, which
    // changes no direction), a batch of centred rows at a time, through the
    // dense layers' own products: the same bits on every CPU and BLAS
    // (dense_kernels.h), as the weights beside it in a model file.
    memset(b->cov, 0, n * n * sizeof *b->cov);
    size_t m = 0;
    for (size_t s = 0; s <= train->count; s++) {
        bool last = s == train->count;
        if (!last && train->labels[s] == cls && !held_out(s)) {
            const float *f = b->feats + s * n;
            for (size_t i = 0; i < n; i++)
                b->rows[m * n + i] = f[i] - mean[i];
            m++;
        }
        if (m == FIT_BATCH || (last && m > 0)) {
            dense_kernels_backward_kernel(b->cov, b->rows, b->rows, m, n, n);
            m = 0;
        }
    }

    // Subspace iteration: q <- orthonormalised q . cov (the product in
    // float, the orthonormalisation in double).
    for (size_t i = 0; i < k * n; i++)
        b->q[i] = dp_rng_uniform(r) - 0.5;
    orthonormalise(b->q, k, n);
    for (int step = 0; step < PCA_STEPS; step++) {
        for (size_t i = 0; i < k * n; i++)
            b->qf[i] = (float)b->q[i];
        dense_kernels_forward(b->zf, b->qf, b->cov, b->zero, k, n, n);
        for (size_t i = 0; i < k * n; i++)
            b->q[i] = b->zf[i];
        orthonormalise(b->q, k, n);
    }
    float *comp = nv->components + cls * k * n;
    for (size_t i = 0; i < k * n; i++)
        comp[i] = novelty_round((float)b->q[i]);
}

/* The score of sample s of ds against the class net gives it. */
static double score_of(const novelty *nv, const mlp *net, const dataset *ds, size_t s,
                       fit_buffers *b)
{
    dataset_batch_scaled(ds, NULL, s, 1, b->scale, b->x, b->y);
    mlp_predict(net, b->x, b->probs, b->scratch);
    novelty_result res;
    novelty_score(nv, b->x, argmax(b->probs, nv->n_classes), &res);
    return res.score;
}

bool novelty_fit(novelty *nv, const mlp *net, const dataset *train, const dataset *test,
                 const novelty_options *opt, dp_error *err)
{
    memset(nv, 0, sizeof *nv);
    size_t inputs = net->sizes[0], classes = net->sizes[net->n_layers];
    if (train->rows * train->cols != inputs || (test && test->rows * test->cols != inputs))
        return dp_fail(err, "images of %zux%zu pixels for a network of %zu inputs", train->rows,
                       train->cols, inputs);
    if (train->count < NOVELTY_MIN_TRAIN)
        return dp_fail(err, "%zu training images are too few to fit the not-a-digit detector "
                       "(at least %d)", train->count, NOVELTY_MIN_TRAIN);
    for (size_t s = 0; s < train->count; s++)
        if (train->labels[s] >= classes)
            return dp_fail(err, "training label %u of image %zu is not one of %zu classes",
                           train->labels[s], s, classes);
    size_t k = opt && opt->n_components ? opt->n_components : NOVELTY_COMPONENTS;
    size_t cell = opt && opt->cell ? opt->cell : NOVELTY_CELL;
    size_t bins = opt && opt->bins ? opt->bins : NOVELTY_BINS;
    double flagged =
        opt && opt->held_out_flagged > 0 ? opt->held_out_flagged : NOVELTY_HELD_OUT_FLAGGED;
    if (!novelty_init(nv, classes, train->rows, train->cols, cell, bins, k, err))
        return false;

    size_t n = nv->features, n_held = train->count / HELD_OUT_STRIDE;
    size_t n_test = test ? test->count : 0;
    size_t n_scores = n_held > n_test ? n_held : n_test;
    fit_buffers b = {
        .feats = malloc(train->count * n * sizeof(float)),
        .x = malloc(inputs * sizeof(float)),
        .y = malloc(1),
        .rows = malloc(FIT_BATCH * n * sizeof(float)),
        .cov = malloc(n * n * sizeof(float)),
        .qf = malloc(k * n * sizeof(float)),
        .zf = malloc(k * n * sizeof(float)),
        .zero = calloc(n, sizeof(float)),
        .q = malloc(k * n * sizeof(double)),
        .sum = malloc(n * sizeof(double)),
        .scores = malloc(n_scores * sizeof(double)),
        .probs = malloc(classes * sizeof(float)),
        .scratch = malloc(2 * mlp_max_width(net) * sizeof(float)),
    };
    if (!b.feats || !b.x || !b.y || !b.rows || !b.cov || !b.qf || !b.zf || !b.zero || !b.q ||
        !b.sum || !b.scores || !b.probs || !b.scratch) {
        fit_buffers_free(&b);
        novelty_destroy(nv);
        return dp_fail(err, "out of memory fitting the not-a-digit detector");
    }

    b.scale = opt && opt->input_scale > 0 ? opt->input_scale : DATASET_DEFAULT_SCALE;
    for (size_t s = 0; s < train->count; s++) {
        dataset_batch_scaled(train, NULL, s, 1, b.scale, b.x, b.y);
        novelty_features(nv, b.x, b.feats + s * n);
    }
    dp_rng r;
    dp_rng_seed(&r, 12);
    for (size_t c = 0; c < classes; c++)
        fit_class(nv, train, c, &b, &r);

    // The median and the threshold, on the held-out digits: all but
    // `flagged` of them lie at or below it.
    size_t at = 0;
    for (size_t s = 0; s < train->count; s++)
        if (held_out(s))
            b.scores[at++] = score_of(nv, net, train, s, &b);
    qsort(b.scores, at, sizeof *b.scores, cmp_double);
    nv->median = at % 2 ? b.scores[at / 2] : 0.5 * (b.scores[at / 2 - 1] + b.scores[at / 2]);
    size_t allowed = (size_t)floor(flagged * (double)at);
    if (allowed >= at)
        allowed = at - 1;
    nv->threshold = b.scores[at - 1 - allowed];
    size_t above = 0;
    for (size_t s = 0; s < at; s++)
        above += b.scores[s] > nv->threshold;
    nv->held_out_flagged = (double)above / (double)at;

    // The test digits are only measured.
    above = 0;
    for (size_t s = 0; s < n_test; s++)
        above += score_of(nv, net, test, s, &b) > nv->threshold;
    nv->test_flagged = n_test ? (double)above / (double)n_test : 0.0;
    fit_buffers_free(&b);
    return true;
}
