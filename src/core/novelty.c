/* novelty.c: the not-a-digit detector (novelty.h). */
#include "novelty.h"

#include "dense_kernels.h"
#include "sparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Steps of subspace iteration for each class's principal components; the
 * residual needs only the subspace they span, and after 40 steps its
 * measured rates no longer move. */
#define PCA_STEPS 40
/* Batch of the fit's covariance updates. */
#define FIT_BATCH 512
/* Training digits whose scores set the median (every n-th). */
#define MEDIAN_STRIDE 6

static size_t block_floats(size_t n_classes, size_t inputs, size_t k)
{
    return n_classes * inputs * (1 + k);
}

bool novelty_init(novelty *nv, size_t n_classes, size_t inputs, size_t n_components,
                  dp_error *err)
{
    memset(nv, 0, sizeof *nv);
    if (n_classes < 1 || n_classes > MLP_MAX_UNITS || inputs < 1 || inputs > MLP_MAX_UNITS ||
        n_components < 1 || n_components > NOVELTY_MAX_COMPONENTS || n_components > inputs ||
        block_floats(n_classes, inputs, n_components) > MLP_MAX_PARAMS)
        return dp_fail(err,
                       "not-a-digit detector of %zu classes, %zu inputs and %zu components is "
                       "out of range (1 to %d components)",
                       n_classes, inputs, n_components, NOVELTY_MAX_COMPONENTS);
    nv->block = dp_floats(block_floats(n_classes, inputs, n_components));
    if (!nv->block)
        return dp_fail(err, "out of memory for the not-a-digit detector");
    nv->n_classes = n_classes;
    nv->inputs = inputs;
    nv->n_components = n_components;
    nv->means = nv->block;
    nv->components = nv->means + n_classes * inputs;
    return true;
}

void novelty_destroy(novelty *nv)
{
    free(nv->block);
    memset(nv, 0, sizeof *nv);
}

bool novelty_copy(novelty *dst, const novelty *src, dp_error *err)
{
    if (!novelty_init(dst, src->n_classes, src->inputs, src->n_components, err))
        return false;
    memcpy(dst->block, src->block,
           block_floats(src->n_classes, src->inputs, src->n_components) * sizeof(float));
    dst->median = src->median;
    dst->threshold = src->threshold;
    dst->test_flagged = src->test_flagged;
    return true;
}

bool novelty_fits(const novelty *nv, const mlp *net)
{
    return nv->block && net->sizes[0] == nv->inputs && net->sizes[net->n_layers] == nv->n_classes;
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

void novelty_score(const novelty *nv, const float *x, size_t cls, novelty_result *out)
{
    size_t n = nv->inputs, k = nv->n_components;
    const float *mean = nv->means + cls * n;
    float v[MLP_MAX_UNITS];
    float dist = 0.0f;
    for (size_t i = 0; i < n; i++) {
        v[i] = x[i] - mean[i];
        dist += v[i] * v[i];
    }
    // The components are orthonormal: what they rebuild is sum (c . v)^2.
    float rebuilt = 0.0f;
    for (size_t j = 0; j < k; j++) {
        float p = dot(nv->components + (cls * k + j) * n, v, n);
        rebuilt += p * p;
    }
    double residual = (double)dist - (double)rebuilt;
    out->cls = cls;
    out->distance = dist;
    out->residual = residual > 0.0 ? residual : 0.0;
    out->score = dist > 0.0f ? out->residual / sqrt((double)dist) : 0.0;
    out->ratio = nv->median > 0.0 ? out->score / nv->median : 0.0;
    out->threshold_ratio = nv->median > 0.0 ? nv->threshold / nv->median : 0.0;
    out->not_a_digit = out->score > nv->threshold;
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
                double dot = 0.0;
                for (size_t i = 0; i < n; i++)
                    dot += qa[i] * qb[i];
                for (size_t i = 0; i < n; i++)
                    qa[i] -= dot * qb[i];
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
    float *x;       // (FIT_BATCH, inputs)
    uint8_t *y;     // (FIT_BATCH)
    float *rows;    // (FIT_BATCH, inputs) centred images of one class
    float *cov;     // (inputs, inputs) their scatter matrix
    float *qf, *zf; // (k, inputs) the subspace iteration's block, in float
    float *zero;    // (inputs) zeros: the "bias" of the block's product
    double *q;      // (k, inputs) the same in double, orthonormalised
    double *sum;    // (inputs)
    double *scores; // (max(train / MEDIAN_STRIDE + 1, calib))
    float *probs, *scratch;
    double scale;   // a byte times this is an input
    float table[256]; // each byte's input, as training makes it
} fit_buffers;

static void fit_buffers_free(fit_buffers *b)
{
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

/* One class's mean and top k principal directions, from its images. */
static void fit_class(novelty *nv, const dataset *train, size_t cls, fit_buffers *b, dp_rng *r)
{
    size_t n = nv->inputs, k = nv->n_components, count = 0;
    memset(b->sum, 0, n * sizeof *b->sum);
    for (size_t s = 0; s < train->count; s++) {
        if (train->labels[s] != cls)
            continue;
        const uint8_t *img = train->images + s * n;
        for (size_t i = 0; i < n; i++)
            b->sum[i] += b->table[img[i]];
        count++;
    }
    float *mean = nv->means + cls * n;
    for (size_t i = 0; i < n; i++)
        mean[i] = count ? (float)(b->sum[i] / (double)count) : 0.0f;

    // The class's scatter matrix (its covariance times its count, which
    // changes no direction), a batch of centred images at a time, through
    // the dense layers' own products: the same bits on every CPU and BLAS
    // (dense_kernels.h), as the weights beside it in a model file.
    memset(b->cov, 0, n * n * sizeof *b->cov);
    size_t m = 0;
    for (size_t s = 0; s <= train->count; s++) {
        bool last = s == train->count;
        if (!last && train->labels[s] == cls) {
            const uint8_t *img = train->images + s * n;
            for (size_t i = 0; i < n; i++)
                b->rows[m * n + i] = b->table[img[i]] - mean[i];
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
        comp[i] = (float)b->q[i];
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

bool novelty_fit(novelty *nv, const mlp *net, const dataset *train, const dataset *calib,
                 const novelty_options *opt, dp_error *err)
{
    memset(nv, 0, sizeof *nv);
    size_t inputs = net->sizes[0], classes = net->sizes[net->n_layers];
    if (train->rows * train->cols != inputs || calib->rows * calib->cols != inputs)
        return dp_fail(err, "images of %zux%zu pixels for a network of %zu inputs", train->rows,
                       train->cols, inputs);
    if (train->count < 2 || calib->count < 1)
        return dp_fail(err, "too few images to fit the not-a-digit detector");
    for (size_t s = 0; s < train->count; s++)
        if (train->labels[s] >= classes)
            return dp_fail(err, "training label %u of image %zu is not one of %zu classes",
                           train->labels[s], s, classes);
    size_t k = opt && opt->n_components ? opt->n_components : NOVELTY_COMPONENTS;
    double flagged = opt && opt->test_flagged > 0 ? opt->test_flagged : NOVELTY_TEST_FLAGGED;
    if (!novelty_init(nv, classes, inputs, k, err))
        return false;

    size_t n_med = (train->count + MEDIAN_STRIDE - 1) / MEDIAN_STRIDE;
    size_t n_scores = n_med > calib->count ? n_med : calib->count;
    fit_buffers b = {
        .x = malloc(inputs * sizeof(float)),
        .y = malloc(1),
        .rows = malloc(FIT_BATCH * inputs * sizeof(float)),
        .cov = malloc(inputs * inputs * sizeof(float)),
        .qf = malloc(k * inputs * sizeof(float)),
        .zf = malloc(k * inputs * sizeof(float)),
        .zero = calloc(inputs, sizeof(float)),
        .q = malloc(k * inputs * sizeof(double)),
        .sum = malloc(inputs * sizeof(double)),
        .scores = malloc(n_scores * sizeof(double)),
        .probs = malloc(classes * sizeof(float)),
        .scratch = malloc(2 * mlp_max_width(net) * sizeof(float)),
    };
    if (!b.x || !b.y || !b.rows || !b.cov || !b.qf || !b.zf || !b.zero || !b.q || !b.sum ||
        !b.scores || !b.probs || !b.scratch) {
        fit_buffers_free(&b);
        novelty_destroy(nv);
        return dp_fail(err, "out of memory fitting the not-a-digit detector");
    }

    b.scale = opt && opt->input_scale > 0 ? opt->input_scale : DATASET_DEFAULT_SCALE;
    dataset_scale_table(b.table, b.scale);
    dp_rng r;
    dp_rng_seed(&r, 12);
    for (size_t c = 0; c < classes; c++)
        fit_class(nv, train, c, &b, &r);

    size_t at = 0;
    for (size_t s = 0; s < train->count; s += MEDIAN_STRIDE)
        b.scores[at++] = score_of(nv, net, train, s, &b);
    qsort(b.scores, at, sizeof *b.scores, cmp_double);
    nv->median = at % 2 ? b.scores[at / 2] : 0.5 * (b.scores[at / 2 - 1] + b.scores[at / 2]);

    // The threshold: all but `flagged` of the calibration digits lie at or
    // below it.
    for (size_t s = 0; s < calib->count; s++)
        b.scores[s] = score_of(nv, net, calib, s, &b);
    qsort(b.scores, calib->count, sizeof *b.scores, cmp_double);
    size_t allowed = (size_t)floor(flagged * (double)calib->count);
    if (allowed >= calib->count)
        allowed = calib->count - 1;
    nv->threshold = b.scores[calib->count - 1 - allowed];
    size_t above = 0;
    for (size_t s = 0; s < calib->count; s++)
        above += b.scores[s] > nv->threshold;
    nv->test_flagged = (double)above / (double)calib->count;
    fit_buffers_free(&b);
    return true;
}
