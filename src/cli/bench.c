/* digitpad bench: how fast this machine trains and answers, measured
 * against its own limit in the same run.
 *
 * For the article's model (784-128-10) and a deeper one (784-256-128-64-10
 * unless --layers says otherwise) it measures, on one BLAS thread:
 *   - training samples/s at batch 32 and 128 (train_session_step on MNIST,
 *     or on synthetic data of MNIST's shape when MNIST is not found);
 *   - the step's effective GFLOP/s (the dense FLOP count below over the
 *     step's time) and its share of this machine's sgemm peak: above 100 %
 *     when the sparse first layer skips the zero pixels' work;
 *   - where a step's time goes (the batch, the forward and backward passes,
 *     the update), as train_session_step itself measures it; Adam on its
 *     own; and what the same step's products cost as dense sgemm calls
 *     (the OpenBLAS path a dense batch takes), for comparison;
 *   - one-image inference latency (p50, p99) from a 28x28 uint8 drawing to
 *     probabilities, without and with normalize_mnist;
 *   - model JSON write/parse in memory and save/load through a file;
 *   - the not-a-digit detector (novelty.h): its fit, and one drawing's score;
 *   - peak resident memory; and (without --quick) the wall time and test
 *     accuracy of the article's 5-epoch training.
 *
 * FLOP count of one training step, per sample, summed over dense layers of
 * in inputs and out outputs (multiply and add counted as 2):
 *   forward           2 * in * out   (every layer)
 *   backward dW       2 * in * out   (every layer: inputs^T . dZ)
 *   backward dX       2 * in * out   (every layer but the first: dZ . W^T)
 * Bias, ReLU, softmax and Adam are not counted (they are O(out) or
 * O(params), not O(batch * in * out)). For 784-128-10 that is 409,088
 * FLOPs per sample.
 *
 * Every figure is the median (or the stated percentile) of repeated runs
 * after a warm-up. Nothing here is hard-coded: the machine sets them all.
 *
 * This file calls CBLAS itself, the one place outside src/core/ that does:
 * the sgemm peak and the step's products alone must be measured on the very
 * library and calls the core uses. */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "augment.h"
#include "augment_feed.h"
#include "cli.h"
#include "clock.h"
#include "dataset.h"
#include "flags.h"
#include "format.h"
#include "paths.h"
#include "mlp.h"
#include "model_file.h"
#include "normalize.h"
#include "novelty.h"
#include "simd.h"
#include "train.h"

#define BENCH_MAX_MODELS 3 // the article's, a deeper one, Simard's 784-800-10
#define BENCH_AUGMENT_KINDS 3 // affine, elastic, both
#define BENCH_MAX_SHAPES (3 * MLP_MAX_LAYERS)
#define BENCH_PEAK_SIDE 1024
#define BENCH_FULL_EPOCHS 5

/* ---------------------------------------------------------------------------
 * Clocks and statistics. */

static double now_us(void)
{
    return dp_clock_seconds() * 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns its p-th percentile (0..100), nearest rank. */
static double percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* CPU time (user + system) this process has used, in microseconds. */
static double cpu_us(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Peak resident set of this process so far, in MiB (Linux reports KiB). */
static double peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_maxrss / 1024.0;
}

static void fill_uniform(float *v, size_t n, dp_rng *r, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        v[i] = lo + (hi - lo) * (float)dp_rng_uniform(r);
}

/* ---------------------------------------------------------------------------
 * What is measured, per model and per batch size. */

typedef struct gemm_figure {
    const char *op;   // "forward", "dW", "dX"
    size_t layer;
    size_t m, n, k;
    double us;        // one call, median
    double gflops;
} gemm_figure;

typedef struct train_figures {
    size_t batch;
    double samples_per_s; // train_session_step, median over chunks
    double step_us;       // batch / samples_per_s
    double gflops;        // counted FLOPs / step_us
    double peak_percent;  // of the 1024^3 sgemm peak
    double sgemm_us;      // the step's matrix products alone, in sequence
    double sgemm_gflops;
    double adam_us;       // adam_update over all parameters, on its own
    // Inside train_session_step (train_step_times), medians:
    double batch_us;      // this batch (or swapping in the one made last step) and the next
    double forward_us;    // the forward pass
    double backward_us;   // loss and every gradient but the first kernel's
    double update_us;     // Adam, with the first kernel's gradient on the sparse path
    double sparse_share;  // share of batches that took the sparse first layer
    double parts_us;      // the four parts summed per step
    double vs_floor;      // step_us / (sgemm_us + adam_us)
    size_t n_shapes;
    gemm_figure shapes[BENCH_MAX_SHAPES];
} train_figures;

typedef struct model_figures {
    size_t sizes[MLP_MAX_LAYERS + 1];
    size_t n_sizes;
    size_t n_params;
    double flops_per_sample;
    train_figures train[2]; // batch 32, batch 128
    double infer_p50_us, infer_p99_us;
    double norm_p50_us, norm_p99_us;
    size_t infer_reps;
    bool has_json;
    size_t json_bytes;
    double write_ms, parse_ms, save_ms, load_ms;
    char json_error[256];
} model_figures;

/* Training with distortions (issue 13), 784-128-10 at batch 32, measured in
 * turn with the plain runs. */
typedef struct augment_figures {
    bool measured;
    size_t batch;
    double plain_samples_per_s;                  // models[0].train[0]
    double samples_per_s[BENCH_AUGMENT_KINDS];   // median over chunks
    double waited_share[BENCH_AUGMENT_KINDS];    // steps that found no batch ready
    double producer_us[BENCH_AUGMENT_KINDS];     // the producer's CPU per image, alone
    double nnz_per_image, stored_nnz_per_image;  // ink pixels, distorted (both) and stored
    // CPU time while training (thread clocks), whatever the load: the trainer's
    // per sample (waits excluded), the producer's per image, and plain's.
    double plain_cpu_us, trainer_cpu_us[BENCH_AUGMENT_KINDS], feed_cpu_us[BENCH_AUGMENT_KINDS];
    double sparse_path_us, dense_path_us;        // a distorted batch's forward + backward
} augment_figures;

static const char *const augment_kinds[BENCH_AUGMENT_KINDS] = {"affine", "elastic", "both"};

typedef struct bench_report {
    char cpu[128];
    char blas[160];     // "OpenBLAS 0.3.21 (Cooperlake kernels)"
    bool quick;
    bool synthetic;
    char data_dir[4096];
    size_t n_train, n_test;
    double peak_gflops; // sgemm BENCH_PEAK_SIDE^3, one thread
    size_t n_models;
    model_figures models[BENCH_MAX_MODELS];
    bool has_full;      // 5-epoch training was run
    size_t full_runs;
    double full_s;      // median wall time: session set-up and every step
    double full_setup_ms; // of which the set-up (buffers, the ink index)
    double full_s_min, full_s_max;
    double full_accuracy;
    double full_loss;
    double rss_training_mib; // peak RSS with one training session on the full data
    double rss_total_mib;    // peak RSS of the whole bench
    double cpu_share;        // CPU time / wall time: well below 1, others took the CPU
    augment_figures augment;
    // The not-a-digit detector (novelty.h) of the article's model:
    bool has_novelty;
    double novelty_fit_s;    // novelty_fit on the training and test sets, one run
    double novelty_p50_us, novelty_p99_us; // novelty_score of one drawing
    char novelty_error[256];
} bench_report;

/* How many repetitions: --quick keeps the whole run well under 30 s. */
typedef struct bench_reps {
    size_t chunks;       // throughput chunks of chunk_samples
    size_t chunk_samples;
    size_t steps;        // steps timed part by part for the breakdown
    size_t gemm;         // repetitions of the sgemm sequence and of each shape
    size_t infer;
    size_t json;
    size_t peak;
    size_t full_runs;
} bench_reps;

static double step_flops_per_sample(const size_t *sizes, size_t n_sizes)
{
    double f = 0.0;
    for (size_t l = 0; l + 1 < n_sizes; l++) {
        double io = (double)sizes[l] * (double)sizes[l + 1];
        f += 2.0 * io;         // forward
        f += 2.0 * io;         // dW
        if (l > 0)
            f += 2.0 * io;     // dX (never computed for the first layer)
    }
    return f;
}

/* ---------------------------------------------------------------------------
 * Data: MNIST, or synthetic uint8 images of the same shape. */

/* Fills ds with n synthetic images: a few random strokes of ink on black,
 * like a drawing, with random labels (accuracy on these means nothing). */
static bool synthetic_dataset(dataset *ds, size_t n, uint64_t seed, dp_error *err)
{
    memset(ds, 0, sizeof *ds);
    ds->rows = ds->cols = 28;
    ds->images = calloc(n, 28 * 28);
    ds->labels = malloc(n);
    if (!ds->images || !ds->labels) {
        dataset_destroy(ds);
        return dp_fail(err, "out of memory for synthetic data");
    }
    ds->count = n;
    dp_rng r;
    dp_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        uint8_t *img = ds->images + i * 28 * 28;
        ds->labels[i] = (uint8_t)dp_rng_below(&r, 10);
        double x = 8.0 + 12.0 * dp_rng_uniform(&r), y = 6.0 + 16.0 * dp_rng_uniform(&r);
        for (int s = 0; s < 60; s++) {
            x += 1.5 * (dp_rng_uniform(&r) - 0.5);
            y += 1.5 * (dp_rng_uniform(&r) - 0.5);
            x = x < 4.0 ? 4.0 : (x > 23.0 ? 23.0 : x);
            y = y < 4.0 ? 4.0 : (y > 23.0 ? 23.0 : y);
            for (int py = (int)y - 2; py <= (int)y + 2; py++)
                for (int px = (int)x - 2; px <= (int)x + 2; px++) {
                    double d = hypot(px - x, py - y);
                    double ink = 255.0 * (2.0 - d);
                    uint8_t *p = img + py * 28 + px;
                    if (ink > *p)
                        *p = (uint8_t)(ink > 255.0 ? 255.0 : ink);
                }
        }
    }
    return true;
}

/* A hand-drawn-looking "7" on the 28x28 grid, for when MNIST is absent. */
static void synthetic_seven(uint8_t *img)
{
    memset(img, 0, 28 * 28);
    const double pts[][2] = {{7, 6}, {21, 6}, {17, 14}, {13, 23}};
    for (size_t s = 0; s + 1 < sizeof pts / sizeof pts[0]; s++) {
        for (int t = 0; t <= 40; t++) {
            double u = t / 40.0;
            double x = pts[s][0] + u * (pts[s + 1][0] - pts[s][0]);
            double y = pts[s][1] + u * (pts[s + 1][1] - pts[s][1]);
            for (int py = (int)y - 2; py <= (int)y + 2; py++)
                for (int px = (int)x - 2; px <= (int)x + 2; px++) {
                    double ink = 255.0 * (2.2 - hypot(px - x, py - y));
                    uint8_t *p = img + py * 28 + px;
                    if (ink > *p)
                        *p = (uint8_t)(ink > 255.0 ? 255.0 : ink);
                }
        }
    }
}

static void read_cpu_name(char *out, size_t len)
{
    snprintf(out, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *colon = strchr(line, ':');
        if (!colon)
            break;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        snprintf(out, len, "%s", colon);
        out[strcspn(out, "\n")] = '\0';
        break;
    }
    fclose(f);
}

/* ---------------------------------------------------------------------------
 * sgemm alone: the machine's peak, and the step's own products. */

typedef struct gemm_call {
    enum CBLAS_TRANSPOSE ta, tb;
    int m, n, k;
    const float *a;
    int lda;
    const float *b;
    int ldb;
    float beta;
    float *c;
    int ldc;
} gemm_call;

static void gemm_run(const gemm_call *g)
{
    cblas_sgemm(CblasRowMajor, g->ta, g->tb, g->m, g->n, g->k, 1.0f, g->a, g->lda, g->b, g->ldb,
                g->beta, g->c, g->ldc);
}

static bool measure_peak(bench_report *rep, const bench_reps *reps, dp_error *err)
{
    const size_t n = BENCH_PEAK_SIDE;
    float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b),
          *c = malloc(n * n * sizeof *c);
    double *t = malloc(reps->peak * sizeof *t);
    if (!a || !b || !c || !t) {
        free(a);
        free(b);
        free(c);
        free(t);
        return dp_fail(err, "out of memory for the sgemm peak");
    }
    dp_rng r;
    dp_rng_seed(&r, 7);
    fill_uniform(a, n * n, &r, -1.0f, 1.0f);
    fill_uniform(b, n * n, &r, -1.0f, 1.0f);
    gemm_call g = {CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, a, (int)n, b, (int)n,
                   0.0f, c, (int)n};
    for (int w = 0; w < 2; w++)
        gemm_run(&g);
    for (size_t i = 0; i < reps->peak; i++) {
        double t0 = now_us();
        gemm_run(&g);
        t[i] = now_us() - t0;
    }
    double us = median(t, reps->peak);
    rep->peak_gflops = 2.0 * (double)n * (double)n * (double)n / us * 1e-3;
    free(a);
    free(b);
    free(c);
    free(t);
    return true;
}

/* The sgemm calls of one training step, in the order and with the
 * arguments dense_forward and dense_backward use, on buffers of the step's
 * shapes (contents do not change the time of a dense product). */
static bool measure_step_gemms(const mlp *net, size_t batch, double flops_per_step,
                               const bench_reps *reps, train_figures *tf, dp_error *err)
{
    size_t L = net->n_layers, width = mlp_max_width(net);
    size_t act_total = 0;
    for (size_t l = 0; l <= L; l++)
        act_total += batch * net->sizes[l];
    float *acts_block = malloc(act_total * sizeof(float));
    float *delta = malloc(2 * batch * width * sizeof(float));
    float *grads = calloc(net->n_params, sizeof(float));
    size_t n_t = reps->gemm;
    double *t = malloc(n_t * sizeof *t);
    if (!acts_block || !delta || !grads || !t) {
        free(acts_block);
        free(delta);
        free(grads);
        free(t);
        return dp_fail(err, "out of memory for the sgemm shapes");
    }
    float *acts[MLP_MAX_LAYERS + 1];
    float *p = acts_block;
    for (size_t l = 0; l <= L; l++) {
        acts[l] = p;
        p += batch * net->sizes[l];
    }
    dp_rng r;
    dp_rng_seed(&r, 11);
    fill_uniform(acts_block, act_total, &r, 0.0f, 1.0f);
    fill_uniform(delta, 2 * batch * width, &r, -0.01f, 0.01f);

    gemm_call calls[BENCH_MAX_SHAPES];
    size_t nc = 0;
    int B = (int)batch;
    for (size_t l = 0; l < L; l++) {
        const mlp_layer *ly = &net->layers[l];
        int in = (int)ly->in, out = (int)ly->out;
        tf->shapes[nc] = (gemm_figure){"forward", l, batch, ly->out, ly->in, 0.0, 0.0};
        calls[nc++] = (gemm_call){CblasNoTrans, CblasNoTrans, B, out, in, acts[l], in, ly->kernel,
                                  out, 1.0f, acts[l + 1], out};
    }
    for (size_t l = L; l-- > 0;) {
        const mlp_layer *ly = &net->layers[l];
        mlp_offsets o = mlp_layer_offsets(net, l);
        int in = (int)ly->in, out = (int)ly->out;
        float *dout = delta + (l % 2) * batch * width, *dinp = delta + ((l + 1) % 2) * batch * width;
        tf->shapes[nc] = (gemm_figure){"dW", l, ly->in, ly->out, batch, 0.0, 0.0};
        calls[nc++] = (gemm_call){CblasTrans, CblasNoTrans, in, out, B, acts[l], in, dout, out,
                                  1.0f, grads + o.kernel, out};
        if (l > 0) {
            tf->shapes[nc] = (gemm_figure){"dX", l, batch, ly->in, ly->out, 0.0, 0.0};
            calls[nc++] = (gemm_call){CblasNoTrans, CblasTrans, B, in, out, dout, out, ly->kernel,
                                      out, 0.0f, dinp, in};
        }
    }
    tf->n_shapes = nc;

    // The whole sequence, as a step runs it.
    for (size_t w = 0; w < n_t / 5 + 10; w++)
        for (size_t c = 0; c < nc; c++)
            gemm_run(&calls[c]);
    for (size_t i = 0; i < n_t; i++) {
        double t0 = now_us();
        for (size_t c = 0; c < nc; c++)
            gemm_run(&calls[c]);
        t[i] = now_us() - t0;
        // The accumulating products grow their outputs; keep them bounded.
        if (i % 64 == 63) {
            memset(grads, 0, net->n_params * sizeof *grads);
            fill_uniform(acts_block + batch * net->sizes[0], act_total - batch * net->sizes[0], &r,
                         0.0f, 1.0f);
        }
    }
    tf->sgemm_us = median(t, n_t);
    tf->sgemm_gflops = flops_per_step / tf->sgemm_us * 1e-3;

    // Each shape on its own.
    for (size_t c = 0; c < nc; c++) {
        for (size_t w = 0; w < 10; w++)
            gemm_run(&calls[c]);
        for (size_t i = 0; i < n_t; i++) {
            double t0 = now_us();
            gemm_run(&calls[c]);
            t[i] = now_us() - t0;
        }
        gemm_figure *s = &tf->shapes[c];
        s->us = median(t, n_t);
        s->gflops = 2.0 * (double)s->m * (double)s->n * (double)s->k / s->us * 1e-3;
    }
    free(acts_block);
    free(delta);
    free(grads);
    free(t);
    return true;
}

/* ---------------------------------------------------------------------------
 * Training: throughput through train_session_step, then the same step timed
 * part by part. */

/* One (model, batch) training run for the throughput figures. */
typedef struct train_run {
    const dataset *data;
    mlp net;
    train_session s;
    bool live;
    size_t batch, steps; // steps per chunk
    augment_config augment; // distortions (none when both kinds are off)
    double *t;           // (chunks) samples/s
    double cpu_us, feed_cpu_us; // over the timed chunks: this thread's, the producer's
    size_t cpu_samples;
} train_run;

static void train_run_destroy(train_run *r)
{
    if (r->live)
        train_session_destroy(&r->s);
    mlp_destroy(&r->net);
    free(r->t);
    memset(r, 0, sizeof *r);
}

/* A thread's CPU clock in microseconds (NAN when it cannot be read). */
static double thread_cpu_us(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return NAN;
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

/* Times `steps` calls of train_session_step; returns samples/s. Adds the
 * CPU time of this thread and of the distortion thread (if any) to r's. */
static double train_chunk(train_run *r)
{
    size_t count = r->data->count, samples = 0;
    clockid_t feed_clock;
    bool feed = r->s.feed && pthread_getcpuclockid(r->s.feed->thread, &feed_clock) == 0;
    double f0 = feed ? thread_cpu_us(feed_clock) : 0.0;
    // The trainer's watching for a batch is waiting, not work: left out.
    double spin0 = r->s.feed ? r->s.feed->spin_us : 0.0;
    double c0 = thread_cpu_us(CLOCK_THREAD_CPUTIME_ID), t0 = now_us();
    for (size_t i = 0; i < r->steps; i++) {
        // Count what the step really trains on (an epoch's last batch may be short).
        size_t first = r->s.step * r->batch;
        samples += count - first < r->batch ? count - first : r->batch;
        train_session_step(&r->s, NULL);
    }
    double wall = now_us() - t0;
    r->cpu_us += thread_cpu_us(CLOCK_THREAD_CPUTIME_ID) - c0;
    if (r->s.feed)
        r->cpu_us -= r->s.feed->spin_us - spin0;
    if (feed)
        r->feed_cpu_us += thread_cpu_us(feed_clock) - f0;
    r->cpu_samples += samples;
    return (double)samples / (wall * 1e-6);
}

/* Waits (up to 100 ms) until every run's distortion producer has refilled
 * its ring and rests: a run timed while the one before it refills would
 * share the second core with that producer, which training alone never
 * does. */
static void let_producers_rest(train_run *runs, size_t n_runs)
{
    double t0 = now_us();
    for (size_t i = 0; i < n_runs; i++)
        while (runs[i].live && runs[i].s.feed && !augment_feed_resting(runs[i].s.feed) &&
               now_us() - t0 < 100e3) {
            struct timespec nap = {0, 100 * 1000};
            nanosleep(&nap, NULL);
        }
}

/* Samples/s of train_session_step for every model at every batch size: one
 * chunk of about chunk_samples each as a warm-up, then chunks taken in
 * turn (so a burst of load from elsewhere hits every figure alike), and
 * the median per run. runs[m * 2 + b] keep their trained networks. */
static bool measure_throughput(train_run *runs, size_t n_runs, const bench_reps *reps,
                               dp_error *err)
{
    for (size_t i = 0; i < n_runs; i++) {
        train_run *r = &runs[i];
        train_config cfg = train_config_default();
        cfg.batch = r->batch;
        if (r->augment.affine || r->augment.elastic)
            cfg.augment = r->augment;
        r->steps = (reps->chunk_samples + r->batch - 1) / r->batch;
        r->t = malloc(reps->chunks * sizeof *r->t);
        if (!r->t)
            return dp_fail(err, "out of memory");
        if (!train_session_init(&r->s, &r->net, r->data, &cfg, err))
            return false;
        r->live = true;
        train_chunk(r);
        r->cpu_us = r->feed_cpu_us = 0.0; // the warm-up's left out
        r->cpu_samples = 0;
    }
    for (size_t c = 0; c < reps->chunks; c++)
        for (size_t i = 0; i < n_runs; i++) {
            let_producers_rest(runs, n_runs);
            runs[i].t[c] = train_chunk(&runs[i]);
        }
    return true;
}

/* Where the time of train_session_step goes, read from the step itself
 * (train_session.times): the batch, the forward pass, the backward pass and
 * the update. Then adam_update on its own over all the parameters, on the
 * moments the steps left (so they are realistic: no denormals pile up). */
static bool measure_breakdown(const mlp *src, const dataset *train, size_t batch,
                              const bench_reps *reps, train_figures *tf, dp_error *err)
{
    mlp net;
    if (!mlp_clone(&net, src, err))
        return false;
    train_config cfg = train_config_default();
    cfg.batch = batch;
    size_t steps = reps->steps, warm = steps / 10 + 10, n = net.n_params;
    train_session s;
    if (!train_session_init(&s, &net, train, &cfg, err)) {
        mlp_destroy(&net);
        return false;
    }
    double *t = malloc(5 * steps * sizeof *t);
    float *p = dp_floats(n), *g = dp_floats(n), *m = dp_floats(n), *v = dp_floats(n);
    bool ok = t && p && g && m && v;
    if (ok) {
        double *tb = t, *tf_ = t + steps, *tbw = t + 2 * steps, *tu = t + 3 * steps,
               *tsum = t + 4 * steps;
        train_step_times times;
        size_t sparse = 0;
        for (size_t i = 0; i < warm + steps; i++) {
            s.times = i >= warm ? &times : NULL;
            train_session_step(&s, NULL);
            if (i < warm)
                continue;
            size_t j = i - warm;
            sparse += times.sparse;
            tb[j] = times.batch_us;
            tf_[j] = times.forward_us;
            tbw[j] = times.backward_us;
            tu[j] = times.update_us;
            tsum[j] = times.batch_us + times.forward_us + times.backward_us + times.update_us;
        }
        tf->batch_us = median(tb, steps);
        tf->forward_us = median(tf_, steps);
        tf->backward_us = median(tbw, steps);
        tf->update_us = median(tu, steps);
        tf->parts_us = median(tsum, steps);
        tf->sparse_share = (double)sparse / (double)steps;

        // Adam alone, as the step runs it: denormals flushed (see simd.h).
        memcpy(p, net.params, n * sizeof *p);
        memcpy(m, s.m, n * sizeof *m);
        memcpy(v, s.v, n * sizeof *v);
        dp_fp_mode mode = dp_flush_denormals_begin();
        for (size_t i = 0; i < warm + steps; i++) {
            double t0 = now_us();
            adam_update(p, g, m, v, n, cfg.lr, cfg.beta_1, cfg.beta_2, cfg.epsilon, s.t + 1 + i);
            if (i >= warm)
                t[i - warm] = now_us() - t0;
        }
        dp_flush_denormals_end(mode);
        tf->adam_us = median(t, steps);
    } else {
        dp_fail(err, "out of memory for the step breakdown");
    }
    free(t);
    free(p);
    free(g);
    free(m);
    free(v);
    train_session_destroy(&s);
    mlp_destroy(&net);
    return ok;
}

/* ---------------------------------------------------------------------------
 * Distortions: the producer thread alone, and the two ways a distorted batch
 * can take through the first layer. */

/* The producer's own CPU time per image (its thread's clock), for each kind,
 * with the batches taken as fast as they come; and the ink of the distorted
 * images against the stored ones. */
static bool measure_producer(const dataset *train, size_t batches, augment_figures *af,
                             dp_error *err)
{
    augment_batch b;
    if (!augment_batch_init(&b, 32, train->rows * train->cols, err))
        return false;
    bool ok = true;
    for (size_t k = 0; ok && k < BENCH_AUGMENT_KINDS; k++) {
        augment_config c = augment_config_default(k != 1, k != 0);
        augment_feed f;
        if (!augment_feed_init(&f, train, &c, 32, 0, 1, err)) {
            ok = false;
            break;
        }
        clockid_t clock;
        struct timespec t0 = {0}, t1 = {0};
        bool timed = pthread_getcpuclockid(f.thread, &clock) == 0 && clock_gettime(clock, &t0) == 0;
        size_t images = 0, nnz = 0;
        for (size_t i = 0; i < batches && augment_feed_next(&f, &b); i++) {
            images += b.n;
            nnz += b.sx.nnz;
        }
        timed = timed && clock_gettime(clock, &t1) == 0;
        // The ring's batches made ahead are counted in the time too: a few.
        size_t made = atomic_load(&f.images_made);
        augment_feed_destroy(&f);
        af->producer_us[k] = timed && made ? ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
                                              (double)(t1.tv_nsec - t0.tv_nsec) * 1e-3) /
                                                 (double)made
                                           : NAN;
        if (k == 2 && images)
            af->nnz_per_image = (double)nnz / (double)images;
    }
    size_t px = train->rows * train->cols, stored = 0;
    for (size_t i = 0; i < train->count * px; i++)
        stored += train->images[i] != 0;
    af->stored_nnz_per_image = train->count ? (double)stored / (double)train->count : 0.0;
    augment_batch_destroy(&b);
    return ok;
}

/* A distorted batch's forward and backward passes (no Adam) on the sparse
 * path (its sparse form, which the producer builds) and on the dense one
 * (its bytes made floats here, then the dense products): which is faster. */
static bool measure_augment_paths(const dataset *train, size_t batches, augment_figures *af,
                                  dp_error *err)
{
    const size_t sizes[] = {784, 128, 10};
    mlp net;
    if (!mlp_init(&net, sizes, 3, err))
        return false;
    mlp_init_glorot(&net, 1);
    mlp_workspace ws;
    augment_batch b;
    augment_feed f;
    augment_config c = augment_config_default(true, true);
    memset(&f, 0, sizeof f);
    memset(&b, 0, sizeof b);
    float *grads = dp_floats(net.n_params), *x = dp_floats(32 * 784);
    double *ts = malloc(2 * batches * sizeof *ts), *td = ts ? ts + batches : NULL;
    bool ok = grads && x && ts;
    if (!ok) {
        dp_fail(err, "out of memory");
    } else if (!mlp_workspace_init(&ws, &net, 32, err)) {
        ok = false;
    } else {
        ok = augment_batch_init(&b, 32, 784, err) && augment_feed_init(&f, train, &c, 32, 0, 1, err);
        size_t n = 0;
        while (ok && n < batches && augment_feed_next(&f, &b)) {
            if (!b.sparse || b.n != 32)
                continue;
            double t0 = now_us();
            mlp_forward_sparse(&net, &ws, &b.sx);
            mlp_backward_sparse(&net, &ws, grads, &b.sx, b.labels, NULL);
            double t1 = now_us();
            augment_batch_floats(&b, x);
            mlp_forward(&net, &ws, x, b.n);
            mlp_backward(&net, &ws, grads, x, b.labels, b.n, NULL);
            double t2 = now_us();
            memset(grads, 0, net.n_params * sizeof *grads);
            ts[n] = t1 - t0;
            td[n] = t2 - t1;
            n++;
        }
        af->sparse_path_us = median(ts, n);
        af->dense_path_us = median(td, n);
        mlp_workspace_destroy(&ws);
    }
    augment_feed_destroy(&f);
    augment_batch_destroy(&b);
    free(grads);
    free(x);
    free(ts);
    mlp_destroy(&net);
    return ok;
}

/* ---------------------------------------------------------------------------
 * Inference: a uint8 drawing to probabilities, one image at a time. */

static bool measure_inference(const mlp *net, const uint8_t *drawings, size_t n_drawings,
                              const bench_reps *reps, model_figures *mf, dp_error *err)
{
    size_t n_in = net->sizes[0], n_out = net->sizes[net->n_layers];
    size_t width = mlp_max_width(net);
    float *img = malloc(n_in * sizeof *img), *x = malloc(n_in * sizeof *x);
    float *probs = malloc(n_out * sizeof *probs), *scratch = malloc(2 * width * sizeof *scratch);
    size_t reps_n = reps->infer, warm = reps_n / 10 + 100;
    double *t = malloc(2 * reps_n * sizeof *t);
    if (!img || !x || !probs || !scratch || !t) {
        free(img);
        free(x);
        free(probs);
        free(scratch);
        free(t);
        return dp_fail(err, "out of memory for inference");
    }
    volatile size_t sink = 0; // keeps the answers alive
    for (int with_norm = 0; with_norm < 2; with_norm++) {
        double *tt = t + (size_t)with_norm * reps_n;
        for (size_t i = 0; i < warm + reps_n; i++) {
            const uint8_t *d = drawings + (i % n_drawings) * n_in;
            double t0 = now_us();
            if (with_norm) {
                for (size_t p = 0; p < n_in; p++)
                    img[p] = (float)d[p] / 255.0f; // as dataset_batch scales
                normalize_mnist(x, img, 28, 28);
            } else {
                for (size_t p = 0; p < n_in; p++)
                    x[p] = (float)d[p] / 255.0f;
            }
            mlp_predict(net, x, probs, scratch);
            double t1 = now_us();
            sink += argmax(probs, n_out);
            if (i >= warm)
                tt[i - warm] = t1 - t0;
        }
    }
    (void)sink;
    mf->infer_reps = reps_n;
    mf->infer_p50_us = percentile(t, reps_n, 50.0);
    mf->infer_p99_us = percentile(t, reps_n, 99.0);
    mf->norm_p50_us = percentile(t + reps_n, reps_n, 50.0);
    mf->norm_p99_us = percentile(t + reps_n, reps_n, 99.0);
    free(img);
    free(x);
    free(probs);
    free(scratch);
    free(t);
    return true;
}

/* ---------------------------------------------------------------------------
 * Model JSON: write and parse in memory, save and load through a file. */

static bool make_temp_dir(char *out, size_t len, dp_error *err)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    if ((size_t)snprintf(out, len, "%s/digitpad-bench-XXXXXX", base) >= len)
        return dp_fail(err, "TMPDIR is too long");
    if (!mkdtemp(out))
        return dp_fail(err, "cannot make a folder in %s: %s", base, strerror(errno));
    return true;
}

static void json_figures(const mlp *net, const bench_reps *reps, model_figures *mf)
{
    dp_error err;
    model_meta meta;
    if (!model_meta_default(&meta, 28, 28, net->sizes[net->n_layers], &err)) {
        snprintf(mf->json_error, sizeof mf->json_error, "%s", err.msg);
        return;
    }
    char dir[4096], path[4200];
    if (!make_temp_dir(dir, sizeof dir, &err)) {
        snprintf(mf->json_error, sizeof mf->json_error, "%s", err.msg);
        model_meta_destroy(&meta);
        return;
    }
    snprintf(path, sizeof path, "%s/model.json", dir);
    size_t n = reps->json;
    double *t = malloc(4 * n * sizeof *t);
    bool ok = t != NULL;
    if (!ok)
        dp_fail(&err, "out of memory");
    for (size_t i = 0; ok && i < n + 1; i++) { // the first round is the warm-up
        char *buf = NULL;
        size_t len = 0;
        mlp back;
        model_meta back_meta;
        double t0 = now_us();
        ok = model_file_write(net, &meta, &buf, &len, &err);
        double t1 = now_us();
        if (!ok)
            break;
        ok = model_file_parse((const uint8_t *)buf, len, &back, &back_meta, &err);
        double t2 = now_us();
        free(buf);
        if (!ok)
            break;
        mlp_destroy(&back);
        model_meta_destroy(&back_meta);
        double t3 = now_us();
        ok = model_file_save(path, net, &meta, &err);
        double t4 = now_us();
        if (!ok)
            break;
        ok = model_file_load(path, &back, &back_meta, &err);
        double t5 = now_us();
        if (!ok)
            break;
        if (!mlp_same_shape(&back, net) ||
            memcmp(back.params, net->params, net->n_params * sizeof *net->params) != 0) {
            ok = dp_fail(&err, "the model read back differs from the one written");
        }
        mlp_destroy(&back);
        model_meta_destroy(&back_meta);
        mf->json_bytes = len;
        if (i > 0) {
            t[i - 1] = (t1 - t0) * 1e-3;
            t[n + i - 1] = (t2 - t1) * 1e-3;
            t[2 * n + i - 1] = (t4 - t3) * 1e-3;
            t[3 * n + i - 1] = (t5 - t4) * 1e-3;
        }
    }
    if (ok) {
        mf->has_json = true;
        mf->write_ms = median(t, n);
        mf->parse_ms = median(t + n, n);
        mf->save_ms = median(t + 2 * n, n);
        mf->load_ms = median(t + 3 * n, n);
    } else {
        snprintf(mf->json_error, sizeof mf->json_error, "%s", err.msg);
    }
    free(t);
    unlink(path);
    rmdir(dir);
    model_meta_destroy(&meta);
}

/* ---------------------------------------------------------------------------
 * The article's whole run: 5 epochs at batch 32, then the test set. */

static bool full_training(const mnist *data, const bench_reps *reps, mlp *trained,
                          bench_report *rep, dp_error *err)
{
    const size_t sizes[] = {784, 128, 10};
    train_config cfg = train_config_default();
    double *t = malloc(2 * reps->full_runs * sizeof *t), *setup = t + reps->full_runs;
    if (!t)
        return dp_fail(err, "out of memory");
    bool ok = true;
    for (size_t run = 0; ok && run < reps->full_runs; run++) {
        mlp net;
        if (!mlp_init(&net, sizes, 3, err)) {
            ok = false;
            break;
        }
        mlp_init_glorot(&net, cfg.seed);
        // The time counts the session's set-up (its buffers and the ink
        // index of the training set), reported on its own as well.
        double t0 = now_us();
        train_session s;
        if (!train_session_init(&s, &net, &data->train, &cfg, err)) {
            mlp_destroy(&net);
            ok = false;
            break;
        }
        setup[run] = now_us() - t0;
        for (size_t e = 0; e < BENCH_FULL_EPOCHS; e++) {
            bool done = false;
            while (!done)
                train_session_step(&s, &done);
        }
        t[run] = (now_us() - t0) * 1e-6;
        train_session_destroy(&s);
        eval_result ev;
        if (!evaluate(&net, &data->test, &ev, err)) {
            mlp_destroy(&net);
            ok = false;
            break;
        }
        rep->full_accuracy = ev.accuracy;
        rep->full_loss = ev.loss;
        if (run + 1 == reps->full_runs) {
            *trained = net; // the caller keeps the last run's network
        } else {
            mlp_destroy(&net);
        }
    }
    if (ok) {
        rep->has_full = true;
        rep->full_runs = reps->full_runs;
        rep->full_setup_ms = median(setup, reps->full_runs) * 1e-3;
        rep->full_s = median(t, reps->full_runs); // sorts t
        rep->full_s_min = t[0];
        rep->full_s_max = t[reps->full_runs - 1];
    }
    free(t);
    return ok;
}

/* ---------------------------------------------------------------------------
 * Output: a table, or one JSON object. */

static void model_name(char *out, size_t len, const model_figures *mf)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < mf->n_sizes && o < len; i++)
        o += (size_t)snprintf(out + o, len - o, "%s%zu", i ? "-" : "", mf->sizes[i]);
}

/* One table row over every (model, batch) column. */
#define TRAIN_ROW(label, fmt, expr)                                                               \
    do {                                                                                          \
        printf("  %-36s", label);                                                                 \
        for (size_t m_ = 0; m_ < rep->n_models; m_++)                                             \
            for (size_t b_ = 0; b_ < 2; b_++) {                                                   \
                const train_figures *tf = &rep->models[m_].train[b_];                             \
                (void)tf;                                                                         \
                printf(fmt, expr);                                                                \
            }                                                                                     \
        printf("\n");                                                                             \
    } while (0)

static void print_table(const bench_report *rep)
{
    char num[64], name[128];
    printf("digitpad bench%s\n", rep->quick ? " --quick" : "");
    printf("  machine    %s, %s, 1 BLAS thread\n", rep->cpu, rep->blas);
    if (rep->synthetic)
        printf("  data       SYNTHETIC uint8 images of MNIST's shape (%zu training, %zu test): "
               "MNIST was not found, accuracy figures mean nothing\n",
               rep->n_train, rep->n_test);
    else
        printf("  data       MNIST from %s (%zu training, %zu test images)\n", rep->data_dir,
               rep->n_train, rep->n_test);
    printf("  sgemm peak %.1f GFLOP/s (%dx%dx%d, one thread, median)\n\n", rep->peak_gflops,
           BENCH_PEAK_SIDE, BENCH_PEAK_SIDE, BENCH_PEAK_SIDE);

    printf("Training step (medians)               ");
    for (size_t m = 0; m < rep->n_models; m++) {
        model_name(name, sizeof name, &rep->models[m]);
        printf("%-24s", name);
    }
    printf("\n  %-36s", "");
    for (size_t m = 0; m < rep->n_models; m++)
        printf("%12s%12s", "batch 32", "batch 128");
    printf("\n");
    TRAIN_ROW("samples/s (train_session_step)", "%12.0f", tf->samples_per_s);
    TRAIN_ROW("step, us", "%12.1f", tf->step_us);
    TRAIN_ROW("effective GFLOP/s (dense count)", "%12.1f", tf->gflops);
    TRAIN_ROW("  as % of sgemm peak", "%11.1f%%", tf->peak_percent);
    TRAIN_ROW("batches on the sparse path", "%11.1f%%", 100.0 * tf->sparse_share);
    TRAIN_ROW("dense products alone (sgemm), us", "%12.1f", tf->sgemm_us);
    TRAIN_ROW("  their GFLOP/s", "%12.1f", tf->sgemm_gflops);
    TRAIN_ROW("Adam alone (adam_update), us", "%12.1f", tf->adam_us);
    printf("  inside train_session_step:\n");
    TRAIN_ROW("  batch: this one and the next, us", "%12.1f", tf->batch_us);
    TRAIN_ROW("  forward pass, us", "%12.1f", tf->forward_us);
    TRAIN_ROW("  backward, all but 1st kernel, us", "%12.1f", tf->backward_us);
    TRAIN_ROW("  Adam + 1st kernel's gradient, us", "%12.1f", tf->update_us);
    TRAIN_ROW("  sum of the four parts, us", "%12.1f", tf->parts_us);
    TRAIN_ROW("step / (dense products + Adam)", "%12.3f", tf->vs_floor);
    for (size_t m = 0; m < rep->n_models; m++) {
        const model_figures *mf = &rep->models[m];
        model_name(name, sizeof name, mf);
        format_thousands(num, sizeof num, (unsigned long long)(mf->flops_per_sample + 0.5));
        printf("  %s: %s FLOPs per sample, %zu parameters\n", name, num, mf->n_params);
    }

    printf("\nsgemm at the step's own shapes (C(m,n) += A(m,k) B(k,n); us per call, GFLOP/s)\n");
    for (size_t m = 0; m < rep->n_models; m++) {
        const model_figures *mf = &rep->models[m];
        model_name(name, sizeof name, mf);
        for (size_t b = 0; b < 2; b++) {
            const train_figures *tf = &mf->train[b];
            printf("  %s, batch %zu:\n", name, tf->batch);
            for (size_t s = 0; s < tf->n_shapes; s++) {
                const gemm_figure *g = &tf->shapes[s];
                char shape[64];
                snprintf(shape, sizeof shape, "%zux%zux%zu", g->m, g->n, g->k);
                printf("    %-8s layer %zu  m,n,k %-14s %9.2f us %8.1f GFLOP/s\n", g->op,
                       g->layer, shape, g->us, g->gflops);
            }
        }
    }

    printf("\nOne 28x28 uint8 drawing -> probabilities ");
    for (size_t m = 0; m < rep->n_models; m++) {
        model_name(name, sizeof name, &rep->models[m]);
        printf("%20s", name);
    }
    printf("\n");
#define MODEL_ROW(label, fmt, expr)                                                               \
    do {                                                                                          \
        printf("  %-39s", label);                                                                 \
        for (size_t m_ = 0; m_ < rep->n_models; m_++) {                                           \
            const model_figures *mf = &rep->models[m_];                                           \
            printf(fmt, expr);                                                                    \
        }                                                                                         \
        printf("\n");                                                                             \
    } while (0)
    MODEL_ROW("scale + mlp_predict, p50 us", "%20.2f", mf->infer_p50_us);
    MODEL_ROW("scale + mlp_predict, p99 us", "%20.2f", mf->infer_p99_us);
    MODEL_ROW("scale + normalize_mnist + predict, p50", "%20.2f", mf->norm_p50_us);
    MODEL_ROW("scale + normalize_mnist + predict, p99", "%20.2f", mf->norm_p99_us);
    MODEL_ROW("repetitions", "%20zu", mf->infer_reps);
    printf("Model JSON (medians)\n");
    MODEL_ROW("size, KiB", "%20.1f", (double)mf->json_bytes / 1024.0);
    MODEL_ROW("model_file_write (to memory), ms", "%20.2f", mf->write_ms);
    MODEL_ROW("model_file_parse (from memory), ms", "%20.2f", mf->parse_ms);
    MODEL_ROW("model_file_save (temp file), ms", "%20.2f", mf->save_ms);
    MODEL_ROW("model_file_load (temp file), ms", "%20.2f", mf->load_ms);
#undef MODEL_ROW
    for (size_t m = 0; m < rep->n_models; m++)
        if (!rep->models[m].has_json)
            printf("  model JSON not measured: %s\n", rep->models[m].json_error);

    const augment_figures *af = &rep->augment;
    if (af->measured) {
        printf("\nTraining with distortions, 784-128-10, batch %zu (in turn with the plain runs)\n",
               af->batch);
        printf("  %-36s%12.0f\n", "plain, samples/s", af->plain_samples_per_s);
        for (size_t k = 0; k < BENCH_AUGMENT_KINDS; k++)
            printf("  %-8s samples/s %9.0f (%5.1f%% of plain; %4.1f%% of steps waited for a "
                   "batch); producer alone %.2f us an image\n",
                   augment_kinds[k], af->samples_per_s[k],
                   100.0 * af->samples_per_s[k] / af->plain_samples_per_s,
                   100.0 * af->waited_share[k], af->producer_us[k]);
        printf("  CPU time a sample while training (thread clocks, whatever the load): plain %.2f us\n",
               af->plain_cpu_us);
        for (size_t k = 0; k < BENCH_AUGMENT_KINDS; k++)
            printf("  %-8s trainer %.2f us + producer %.2f us: %5.1f%% of plain's rate with two "
                   "free cores, %5.1f%% on one\n",
                   augment_kinds[k], af->trainer_cpu_us[k], af->feed_cpu_us[k],
                   100.0 * af->plain_cpu_us / fmax(af->trainer_cpu_us[k], af->feed_cpu_us[k]),
                   100.0 * af->plain_cpu_us / (af->trainer_cpu_us[k] + af->feed_cpu_us[k]));
        printf("  ink pixels an image: %.1f distorted (both), %.1f stored\n", af->nnz_per_image,
               af->stored_nnz_per_image);
        printf("  a distorted batch's forward + backward: sparse %.1f us, dense %.1f us\n",
               af->sparse_path_us, af->dense_path_us);
    }
    if (rep->has_novelty)
        printf("Not a digit (novelty.h), 784-128-10: fitted in %.2f s; one drawing scored "
               "against the answer: p50 %.2f us, p99 %.2f us\n",
               rep->novelty_fit_s, rep->novelty_p50_us, rep->novelty_p99_us);
    else
        printf("Not a digit: not measured: %s\n", rep->novelty_error);

    printf("\n");
    if (rep->has_full)
        printf("Article's training, 784-128-10, batch 32, %d epochs: %.2f s (median of %zu runs, "
               "%.2f to %.2f; %.0f ms of it setting up), %.0f samples/s; test accuracy %.4f, "
               "test loss %.4f%s\n",
               BENCH_FULL_EPOCHS, rep->full_s, rep->full_runs, rep->full_s_min, rep->full_s_max,
               rep->full_setup_ms, (double)(BENCH_FULL_EPOCHS * rep->n_train) / rep->full_s,
               rep->full_accuracy, rep->full_loss, rep->synthetic ? " (synthetic data)" : "");
    else
        printf("Article's %d-epoch training: skipped (--quick)\n", BENCH_FULL_EPOCHS);
    printf("Peak RSS: %.1f MiB with one training session on the full data, %.1f MiB for the "
           "whole bench\n",
           rep->rss_training_mib, rep->rss_total_mib);
    printf("CPU share of wall time: %.1f%%%s\n", 100.0 * rep->cpu_share,
           rep->cpu_share < 0.95 ? " -- other processes took the CPU: these figures are low"
                                 : "");
}
#undef TRAIN_ROW

/* JSON has no NaN or infinity: those become null. */
static void json_number(const char *key, double v, const char *after)
{
    printf("\"%s\":", key);
    if (isfinite(v))
        printf("%.6g", v);
    else
        printf("null");
    fputs(after, stdout);
}

static void print_json(const bench_report *rep)
{
    printf("{\"machine\":{\"cpu\":");
    cli_json_string(stdout, rep->cpu);
    printf(",\"blas\":");
    cli_json_string(stdout, rep->blas);
    printf(",\"blas_threads\":1},\"quick\":%s,", rep->quick ? "true" : "false");
    printf("\"data\":{\"source\":\"%s\",\"dir\":", rep->synthetic ? "synthetic" : "mnist");
    if (rep->synthetic)
        printf("null");
    else
        cli_json_string(stdout, rep->data_dir);
    printf(",\"train\":%zu,\"test\":%zu},", rep->n_train, rep->n_test);
    printf("\"sgemm_peak\":{\"m\":%d,\"n\":%d,\"k\":%d,", BENCH_PEAK_SIDE, BENCH_PEAK_SIDE,
           BENCH_PEAK_SIDE);
    json_number("gflops", rep->peak_gflops, "},");
    printf("\"models\":[");
    for (size_t m = 0; m < rep->n_models; m++) {
        const model_figures *mf = &rep->models[m];
        printf("%s{\"layers\":[", m ? "," : "");
        for (size_t i = 0; i < mf->n_sizes; i++)
            printf("%s%zu", i ? "," : "", mf->sizes[i]);
        printf("],\"params\":%zu,", mf->n_params);
        json_number("flops_per_sample", mf->flops_per_sample, ",\"train\":[");
        for (size_t b = 0; b < 2; b++) {
            const train_figures *tf = &mf->train[b];
            printf("%s{\"batch\":%zu,", b ? "," : "", tf->batch);
            json_number("samples_per_s", tf->samples_per_s, ",");
            json_number("step_us", tf->step_us, ",");
            json_number("gflops", tf->gflops, ",");
            json_number("peak_percent", tf->peak_percent, ",");
            json_number("sgemm_us", tf->sgemm_us, ",");
            json_number("sgemm_gflops", tf->sgemm_gflops, ",");
            json_number("adam_us", tf->adam_us, ",");
            json_number("batch_us", tf->batch_us, ",");
            json_number("sparse_share", tf->sparse_share, ",");
            json_number("forward_us", tf->forward_us, ",");
            json_number("backward_us", tf->backward_us, ",");
            json_number("update_us", tf->update_us, ",");
            json_number("parts_us", tf->parts_us, ",");
            json_number("step_over_sgemm_plus_adam", tf->vs_floor, ",\"shapes\":[");
            for (size_t s = 0; s < tf->n_shapes; s++) {
                const gemm_figure *g = &tf->shapes[s];
                printf("%s{\"op\":\"%s\",\"layer\":%zu,\"m\":%zu,\"n\":%zu,\"k\":%zu,", s ? "," : "",
                       g->op, g->layer, g->m, g->n, g->k);
                json_number("us", g->us, ",");
                json_number("gflops", g->gflops, "}");
            }
            printf("]}");
        }
        printf("],\"inference\":{\"reps\":%zu,", mf->infer_reps);
        json_number("p50_us", mf->infer_p50_us, ",");
        json_number("p99_us", mf->infer_p99_us, ",");
        json_number("normalized_p50_us", mf->norm_p50_us, ",");
        json_number("normalized_p99_us", mf->norm_p99_us, "},");
        const augment_figures *af = &rep->augment;
        if (m == 0 && af->measured) {
            printf("\"augment\":{\"batch\":%zu,", af->batch);
            json_number("plain_samples_per_s", af->plain_samples_per_s, ",");
            json_number("plain_cpu_us_per_sample", af->plain_cpu_us, ",");
            for (size_t k = 0; k < BENCH_AUGMENT_KINDS; k++) {
                printf("\"%s\":{", augment_kinds[k]);
                json_number("samples_per_s", af->samples_per_s[k], ",");
                json_number("vs_plain", af->samples_per_s[k] / af->plain_samples_per_s, ",");
                json_number("waited_share", af->waited_share[k], ",");
                json_number("producer_us_per_image", af->producer_us[k], ",");
                json_number("trainer_cpu_us_per_sample", af->trainer_cpu_us[k], ",");
                json_number("producer_cpu_us_per_sample", af->feed_cpu_us[k], ",");
                // What the CPU times give: bound by the slower thread on two
                // free cores, by their sum on one.
                json_number("two_cores_vs_plain",
                            af->plain_cpu_us / fmax(af->trainer_cpu_us[k], af->feed_cpu_us[k]), ",");
                json_number("one_core_vs_plain",
                            af->plain_cpu_us / (af->trainer_cpu_us[k] + af->feed_cpu_us[k]), "},");
            }
            json_number("nnz_per_image", af->nnz_per_image, ",");
            json_number("stored_nnz_per_image", af->stored_nnz_per_image, ",");
            json_number("sparse_path_us", af->sparse_path_us, ",");
            json_number("dense_path_us", af->dense_path_us, "},");
            json_number("augment_both_vs_plain", af->samples_per_s[2] / af->plain_samples_per_s,
                        ",");
        }
        if (mf->has_json) {
            printf("\"json\":{\"bytes\":%zu,", mf->json_bytes);
            json_number("write_ms", mf->write_ms, ",");
            json_number("parse_ms", mf->parse_ms, ",");
            json_number("save_ms", mf->save_ms, ",");
            json_number("load_ms", mf->load_ms, "}}");
        } else {
            printf("\"json\":{\"error\":");
            cli_json_string(stdout, mf->json_error);
            printf("}}");
        }
    }
    printf("],\"full_training\":");
    if (rep->has_full) {
        printf("{\"layers\":[784,128,10],\"batch\":32,\"epochs\":%d,\"runs\":%zu,",
               BENCH_FULL_EPOCHS, rep->full_runs);
        json_number("seconds", rep->full_s, ",");
        json_number("seconds_min", rep->full_s_min, ",");
        json_number("seconds_max", rep->full_s_max, ",");
        json_number("setup_ms", rep->full_setup_ms, ",");
        json_number("samples_per_s", (double)(BENCH_FULL_EPOCHS * rep->n_train) / rep->full_s,
                    ",");
        json_number("test_accuracy", rep->full_accuracy, ",");
        json_number("test_loss", rep->full_loss, "}");
    } else {
        printf("null");
    }
    printf(",\"not_a_digit\":");
    if (rep->has_novelty) {
        printf("{");
        json_number("fit_s", rep->novelty_fit_s, ",");
        json_number("score_p50_us", rep->novelty_p50_us, ",");
        json_number("score_p99_us", rep->novelty_p99_us, "}");
    } else {
        printf("{\"error\":");
        cli_json_string(stdout, rep->novelty_error);
        printf("}");
    }
    printf(",\"peak_rss_mib\":{");
    json_number("training", rep->rss_training_mib, ",");
    json_number("total", rep->rss_total_mib, "},");
    json_number("cpu_share", rep->cpu_share, "}\n");
}

/* ---------------------------------------------------------------------------
 * The not-a-digit detector: its fit once, and scoring one drawing against
 * the network's answer (what the window adds to each stroke's prediction). */

static void measure_novelty(const mlp *net, const mnist *data, const uint8_t *drawings,
                            size_t n_drawings, const bench_reps *reps, bench_report *rep)
{
    novelty nv;
    dp_error err;
    double t0 = now_us();
    if (!novelty_fit(&nv, net, &data->train, &data->test, NULL, &err)) {
        snprintf(rep->novelty_error, sizeof rep->novelty_error, "%s", err.msg);
        return;
    }
    rep->novelty_fit_s = (now_us() - t0) * 1e-6;
    size_t n_in = net->sizes[0], n_out = net->sizes[net->n_layers];
    size_t reps_n = reps->infer, warm = reps_n / 10 + 100;
    float *x = malloc(n_in * sizeof *x), *probs = malloc(n_out * sizeof *probs);
    float *scratch = malloc(2 * mlp_max_width(net) * sizeof *scratch);
    double *t = malloc(reps_n * sizeof *t);
    if (x && probs && scratch && t) {
        volatile double sink = 0;
        for (size_t i = 0; i < warm + reps_n; i++) {
            const uint8_t *d = drawings + (i % n_drawings) * n_in;
            for (size_t p = 0; p < n_in; p++)
                x[p] = (float)d[p] / 255.0f;
            mlp_predict(net, x, probs, scratch);
            size_t guess = argmax(probs, n_out);
            novelty_result res;
            double t1 = now_us();
            novelty_score(&nv, x, guess, &res);
            double t2 = now_us();
            sink += res.score;
            if (i >= warm)
                t[i - warm] = t2 - t1;
        }
        (void)sink;
        rep->novelty_p50_us = percentile(t, reps_n, 50.0);
        rep->novelty_p99_us = percentile(t, reps_n, 99.0);
        rep->has_novelty = true;
    } else {
        snprintf(rep->novelty_error, sizeof rep->novelty_error, "out of memory");
    }
    free(x);
    free(probs);
    free(scratch);
    free(t);
    novelty_destroy(&nv);
}

/* ---------------------------------------------------------------------------
 * The command. */

static void usage(FILE *f)
{
    fputs("usage: digitpad bench [--json] [--quick] [--data DIR] [--layers 256,128,64]\n"
          "\n"
          "Measures, on one BLAS thread, for 784-128-10, a deeper model and 784-800-10: training\n"
          "samples/s at batch 32 and 128 (784-128-10 at batch 32 also with distortions), the step's GFLOP/s against this machine's sgemm peak, where the\n"
          "step's time goes, one-image inference latency, model JSON speed and peak memory;\n"
          "without --quick also the article's 5-epoch training (wall time, test accuracy).\n"
          "\n"
          "  --json          one JSON object instead of the table\n"
          "  --quick         fewer repetitions and no 5-epoch training (well under 30 s)\n"
          "  --data DIR      MNIST folder (default: as for train; synthetic data if none)\n"
          "  --layers LIST   hidden widths of the second model (default 256,128,64)\n"
          "\n"
          "GFLOP/s counts 2*batch*in*out per dense layer for the forward product, the same\n"
          "for every dW product and for every dX product but the first layer's (never\n"
          "computed); bias, ReLU, softmax and Adam are not counted.\n",
          f);
}

static void progress(const char *what)
{
    if (isatty(STDERR_FILENO)) {
        fprintf(stderr, "\rdigitpad bench: %-60s", what);
        fflush(stderr);
    }
}

int cli_bench(int argc, char **argv)
{
    const char *data_dir = NULL;
    bool json = false, quick = false;
    size_t hidden[MLP_MAX_LAYERS] = {256, 128, 64}, n_hidden = 3;
    dp_error err;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (flags_opt(argc, argv, &i, "--data", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            data_dir = v;
        } else if (flags_opt(argc, argv, &i, "--layers", &v, &err)) {
            if (!flags_parse_layers("--layers", v, hidden, MLP_MAX_LAYERS - 1, &n_hidden, &err))
                return cli_fail(&err);
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--quick")) {
            quick = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            cli_error(argv[i], "unknown option for bench (try digitpad bench --help)");
            return 2;
        }
    }

    double wall0 = now_us(), cpu0 = cpu_us();
    static bench_report rep; // large: keep it off the stack
    memset(&rep, 0, sizeof rep);
    snprintf(rep.blas, sizeof rep.blas, "%s", mlp_blas_threads(1));
    for (size_t n = strlen(rep.blas); n > 0 && rep.blas[n - 1] == ' ';)
        rep.blas[--n] = '\0';
#ifdef OPENBLAS_VERSION
    size_t used = strlen(rep.blas);
    snprintf(rep.blas + used, sizeof rep.blas - used, " (%s kernels)", openblas_get_corename());
#endif
    rep.quick = quick;
    read_cpu_name(rep.cpu, sizeof rep.cpu);
    const bench_reps reps = quick ? (bench_reps){.chunks = 9, .chunk_samples = 3200,
                                                 .steps = 300, .gemm = 301,
                                                 .infer = 5001, .json = 5, .peak = 5,
                                                 .full_runs = 0}
                                  : (bench_reps){.chunks = 31, .chunk_samples = 6400,
                                                 .steps = 1500, .gemm = 1001,
                                                 .infer = 20001, .json = 15, .peak = 11,
                                                 .full_runs = 3};

    mnist data;
    memset(&data, 0, sizeof data);
    progress("loading MNIST");
    char found[PATHS_MAX];
    if (paths_find_mnist(data_dir, NULL, found, sizeof found, &err) &&
        dataset_load_mnist(found, &data, &err)) {
        snprintf(rep.data_dir, sizeof rep.data_dir, "%s", data.dir);
    } else if (data_dir) {
        cli_error(data_dir, "%s", err.msg);
        return 1;
    } else {
        if (!synthetic_dataset(&data.train, 60000, 1, &err) ||
            !synthetic_dataset(&data.test, 10000, 2, &err)) {
            cli_error(NULL, "%s", err.msg);
            mnist_destroy(&data);
            return 1;
        }
        rep.synthetic = true;
        fprintf(stderr, "digitpad bench: MNIST not found, timing on synthetic data instead\n");
    }
    rep.n_train = data.train.count;
    rep.n_test = data.test.count;

    // The drawings for inference: the first 100 test digits, or a drawn 7.
    uint8_t seven[28 * 28];
    const uint8_t *drawings = data.test.images;
    size_t n_drawings = data.test.count < 100 ? data.test.count : 100;
    if (rep.synthetic) {
        synthetic_seven(seven);
        drawings = seven;
        n_drawings = 1;
    }

    int status = 1;
    mlp trained;
    memset(&trained, 0, sizeof trained);
    train_run runs[2 * BENCH_MAX_MODELS + BENCH_AUGMENT_KINDS];
    memset(runs, 0, sizeof runs);

    // A warm-up: one training session of the article's model on the full
    // data, alone, as `digitpad train` runs it; its peak is the training
    // peak (the throughput runs below keep four sessions at once).
    progress("warming up");
    train_run warm;
    memset(&warm, 0, sizeof warm);
    const size_t warm_sizes[] = {784, 128, 10};
    bench_reps one = reps;
    one.chunks = 1;
    warm.batch = 32;
    warm.data = &data.train;
    bool warm_ok = mlp_init(&warm.net, warm_sizes, 3, &err);
    if (warm_ok) {
        mlp_init_glorot(&warm.net, 99);
        warm_ok = measure_throughput(&warm, 1, &one, &err);
    }
    train_run_destroy(&warm);
    if (!warm_ok)
        goto fail;
    if (reps.full_runs) {
        progress("training the article's model for 5 epochs");
        if (!full_training(&data, &reps, &trained, &rep, &err))
            goto fail;
    }
    rep.rss_training_mib = peak_rss_mib();

    size_t second[MLP_MAX_LAYERS + 1];
    second[0] = 784;
    for (size_t l = 0; l < n_hidden; l++)
        second[l + 1] = hidden[l];
    second[n_hidden + 1] = 10;
    const size_t article[] = {784, 128, 10}, simard[] = {784, 800, 10};
    const size_t *model_sizes[BENCH_MAX_MODELS] = {article, second, simard};
    const size_t model_n[BENCH_MAX_MODELS] = {3, n_hidden + 2, 3};
    const size_t batches[2] = {32, 128};
    rep.n_models = BENCH_MAX_MODELS;
    for (size_t m = 0; m < rep.n_models; m++) {
        model_figures *mf = &rep.models[m];
        memcpy(mf->sizes, model_sizes[m], model_n[m] * sizeof *mf->sizes);
        mf->n_sizes = model_n[m];
        mf->flops_per_sample = step_flops_per_sample(mf->sizes, mf->n_sizes);
        for (size_t b = 0; b < 2; b++) {
            train_run *r = &runs[m * 2 + b];
            r->batch = batches[b];
            r->data = &data.train;
            if (!mlp_init(&r->net, mf->sizes, mf->n_sizes, &err))
                goto fail;
            mlp_init_glorot(&r->net, 1);
            mf->n_params = r->net.n_params;
        }
    }
    // The article's model at batch 32 with each kind of distortion, timed in
    // turn with the plain runs.
    size_t n_plain = 2 * rep.n_models;
    for (size_t k = 0; k < BENCH_AUGMENT_KINDS; k++) {
        train_run *r = &runs[n_plain + k];
        r->batch = 32;
        r->data = &data.train;
        r->augment = augment_config_default(k != 1, k != 0);
        if (!mlp_init(&r->net, article, 3, &err))
            goto fail;
        mlp_init_glorot(&r->net, 1);
    }
    progress("training throughput, every model and batch in turn");
    if (!measure_throughput(runs, n_plain + BENCH_AUGMENT_KINDS, &reps, &err))
        goto fail;
    augment_figures *af = &rep.augment;
    af->measured = true;
    af->batch = 32;
    for (size_t k = 0; k < BENCH_AUGMENT_KINDS; k++) {
        train_run *r = &runs[n_plain + k];
        af->samples_per_s[k] = median(r->t, reps.chunks);
        const augment_feed *f = r->s.feed;
        af->waited_share[k] = f && f->taken ? (double)f->waited / (double)f->taken : NAN;
        af->trainer_cpu_us[k] = r->cpu_samples ? r->cpu_us / (double)r->cpu_samples : NAN;
        af->feed_cpu_us[k] = r->cpu_samples ? r->feed_cpu_us / (double)r->cpu_samples : NAN;
        train_session_destroy(&r->s);
        r->live = false;
    }
    for (size_t i = 0; i < n_plain; i++) {
        train_figures *tf = &rep.models[i / 2].train[i % 2];
        tf->batch = runs[i].batch;
        tf->samples_per_s = median(runs[i].t, reps.chunks);
        tf->step_us = (double)tf->batch / tf->samples_per_s * 1e6;
        train_session_destroy(&runs[i].s);
        runs[i].live = false;
    }

    for (size_t m = 0; m < rep.n_models; m++) {
        model_figures *mf = &rep.models[m];
        const mlp *net = &runs[m * 2].net; // trained by the batch-32 throughput run
        char name[128], what[192];
        model_name(name, sizeof name, mf);
        for (size_t b = 0; b < 2; b++) {
            train_figures *tf = &mf->train[b];
            snprintf(what, sizeof what, "%s: step parts at batch %zu", name, batches[b]);
            progress(what);
            if (!measure_breakdown(net, &data.train, batches[b], &reps, tf, &err))
                goto fail;
            snprintf(what, sizeof what, "%s: sgemm at batch %zu", name, batches[b]);
            progress(what);
            double flops = mf->flops_per_sample * (double)batches[b];
            if (!measure_step_gemms(net, batches[b], flops, &reps, tf, &err))
                goto fail;
            tf->gflops = flops / tf->step_us * 1e-3;
            tf->vs_floor = tf->step_us / (tf->sgemm_us + tf->adam_us);
        }
        // Inference and JSON on trained weights: the 5-epoch network when there is one,
        // else the batch-32 throughput run's.
        const mlp *use = m == 0 && rep.has_full ? &trained : net;
        snprintf(what, sizeof what, "%s: inference", name);
        progress(what);
        if (!measure_inference(use, drawings, n_drawings, &reps, mf, &err))
            goto fail;
        snprintf(what, sizeof what, "%s: model JSON", name);
        progress(what);
        json_figures(use, &reps, mf);
    }

    af->plain_samples_per_s = rep.models[0].train[0].samples_per_s;
    af->plain_cpu_us = runs[0].cpu_samples ? runs[0].cpu_us / (double)runs[0].cpu_samples : NAN;
    progress("the distortion producer alone");
    if (!measure_producer(&data.train, reps.steps, af, &err))
        goto fail;
    progress("distorted batches: sparse or dense");
    if (!measure_augment_paths(&data.train, reps.steps, af, &err))
        goto fail;
    progress("not-a-digit detector: fit and score");
    measure_novelty(rep.has_full ? &trained : &runs[0].net, &data, drawings, n_drawings, &reps,
                    &rep);

    progress("sgemm peak");
    if (!measure_peak(&rep, &reps, &err))
        goto fail;
    for (size_t m = 0; m < rep.n_models; m++)
        for (size_t b = 0; b < 2; b++) {
            train_figures *tf = &rep.models[m].train[b];
            tf->peak_percent = 100.0 * tf->gflops / rep.peak_gflops;
        }
    rep.rss_total_mib = peak_rss_mib();
    rep.cpu_share = (cpu_us() - cpu0) / (now_us() - wall0);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%78s\r", "");
    if (json)
        print_json(&rep);
    else
        print_table(&rep);
    status = 0;
    goto out;
fail:
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\n");
    cli_error("bench", "%s", err.msg);
out:
    for (size_t i = 0; i < 2 * BENCH_MAX_MODELS + BENCH_AUGMENT_KINDS; i++)
        train_run_destroy(&runs[i]);
    mlp_destroy(&trained);
    mnist_destroy(&data);
    return status;
}
