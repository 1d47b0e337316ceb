/* test_mlp: the network's maths against finite differences and hand-worked
 * values, and determinism. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"
#include "train.h"

#include "check.h"

/* Mean cross-entropy of the batch, computed in double from the float net. */
static double batch_loss(const mlp *net, mlp_workspace *ws, const float *x, const uint8_t *y,
                         size_t batch)
{
    const float *p = mlp_forward(net, ws, x, batch);
    size_t n = net->sizes[net->n_layers];
    double loss = 0.0;
    for (size_t b = 0; b < batch; b++)
        loss -= log((double)p[b * n + y[b]]);
    return loss / (double)batch;
}

/* Every parameter's analytic gradient against a central difference. */
static void check_gradients(const size_t *sizes, size_t n_sizes, size_t batch, uint64_t seed,
                            mlp_activation act)
{
    mlp net;
    mlp_workspace ws;
    if (!mlp_init(&net, sizes, n_sizes, NULL) || !mlp_workspace_init(&ws, &net, batch, NULL) ||
        !mlp_set_hidden_activation(&net, act, NULL)) {
        CHECK(0, "init");
        return;
    }
    mlp_init_glorot(&net, seed);
    dp_rng r;
    dp_rng_seed(&r, seed + 100);
    // Biases non-zero too, so their gradients are exercised off the origin.
    for (size_t l = 0; l < net.n_layers; l++)
        for (size_t o = 0; o < net.layers[l].out; o++)
            net.layers[l].bias[o] = (float)(dp_rng_uniform(&r) * 0.2 - 0.1);
    size_t n_in = sizes[0], n_out = sizes[n_sizes - 1];
    float *x = malloc(batch * n_in * sizeof *x);
    uint8_t *y = malloc(batch);
    float *grads = calloc(net.n_params, sizeof *grads);
    for (size_t i = 0; i < batch * n_in; i++)
        x[i] = (float)dp_rng_uniform(&r);
    for (size_t b = 0; b < batch; b++)
        y[b] = (uint8_t)dp_rng_below(&r, n_out);

    mlp_forward(&net, &ws, x, batch);
    size_t correct = 0;
    double loss_sum = mlp_backward(&net, &ws, grads, x, y, batch, &correct);
    double loss0 = batch_loss(&net, &ws, x, y, batch);
    CHECK(fabs(loss_sum / (double)batch - loss0) < 1e-5, "backward's loss %g vs forward %g",
          loss_sum / (double)batch, loss0);

    double worst = 0.0;
    size_t worst_i = 0, skipped = 0;
    for (size_t i = 0; i < net.n_params; i++) {
        float keep = net.params[i];
        const float h = 1e-2f;
        net.params[i] = keep + h;
        double lp = batch_loss(&net, &ws, x, y, batch);
        net.params[i] = keep - h;
        double lm = batch_loss(&net, &ws, x, y, batch);
        net.params[i] = keep;
        double num = (lp - lm) / (2.0 * h);
        double ana = grads[i];
        // A step that crosses a ReLU's kink makes the difference meaningless.
        double err = fabs(num - ana) / fmax(1e-3, fabs(num) + fabs(ana));
        if (err > 0.05 && fabs(num - ana) > 2e-3) {
            skipped++;
            continue;
        }
        if (err > worst) {
            worst = err;
            worst_i = i;
        }
    }
    CHECK(worst < 0.02, "worst relative gradient error %g at parameter %zu", worst, worst_i);
    CHECK(skipped * 50 < net.n_params, "%zu of %zu parameters disagree with finite differences",
          skipped, net.n_params);
    if (act != MLP_ACT_RELU)
        CHECK(skipped == 0, "%s has no kinks, yet %zu parameters disagree", mlp_activation_name(act),
              skipped);
    printf("gradient check %zu layers, %s, %zu params: worst relative error %.2e, %zu at kinks\n",
           net.n_layers, mlp_activation_name(act), net.n_params, worst, skipped);
    free(x);
    free(y);
    free(grads);
    mlp_workspace_destroy(&ws);
    mlp_destroy(&net);
}

static void test_softmax_xent(void)
{
    // softmax of (1, 2, 3): e^-2, e^-1, 1 over their sum.
    float z[3] = {1, 2, 3}, p[3], d[3];
    softmax_forward(p, z, 1, 3);
    double s = exp(-2.0) + exp(-1.0) + 1.0;
    CHECK(fabs(p[0] - exp(-2.0) / s) < 1e-6 && fabs(p[2] - 1.0 / s) < 1e-6, "softmax values");
    // Large logits must not overflow.
    float big[2] = {1000, 1001}, pb[2];
    softmax_forward(pb, big, 1, 2);
    CHECK(isfinite(pb[0]) && fabs(pb[0] + pb[1] - 1.0) < 1e-6, "softmax stable for big logits");
    uint8_t y = 1;
    double loss = softmax_xent_backward(d, p, &y, 1, 3, 1.0f);
    CHECK(fabs(loss + log(exp(-1.0) / s)) < 1e-6, "cross-entropy value %g", loss);
    CHECK(fabs(d[0] - p[0]) < 1e-7 && fabs(d[1] - (p[1] - 1.0f)) < 1e-7, "fused gradient p - onehot");
}

static void test_relu(void)
{
    float a[4] = {-1.0f, 0.0f, 0.5f, 2.0f}, o[4], d[4], g[4] = {1, 1, 1, 1};
    relu_forward(o, a, 4);
    CHECK(o[0] == 0.0f && o[1] == 0.0f && o[2] == 0.5f && o[3] == 2.0f, "relu forward");
    relu_backward(d, g, o, 4);
    CHECK(d[0] == 0.0f && d[1] == 0.0f && d[2] == 1.0f && d[3] == 1.0f, "relu backward gates");
}

/* One Adam step, worked by hand: t = 1, m = 0.1 g, v = 0.001 g^2, the bias
 * corrections make the step lr * g / (|g| + eps') = lr * sign(g) almost. */
/* Each activation and its derivative at hand-worked points; names both ways. */
static void test_activations(void)
{
    const float x[3] = {-1.0f, 0.0f, 2.0f};
    float y[3], d[3];
    activation_forward(MLP_ACT_LINEAR, y, x, 3);
    CHECK(y[0] == -1.0f && y[1] == 0.0f && y[2] == 2.0f, "linear forward");
    activation_forward(MLP_ACT_SIGMOID, y, x, 3);
    CHECK(fabsf(y[0] - 0.26894142f) < 1e-6f && y[1] == 0.5f && fabsf(y[2] - 0.88079708f) < 1e-6f,
          "sigmoid forward %g %g %g", (double)y[0], (double)y[1], (double)y[2]);
    for (int i = 0; i < 3; i++)
        d[i] = 2.0f;
    activation_backward(MLP_ACT_SIGMOID, d, y, 3); // 2 * y (1 - y): 0.5 at 0
    CHECK(d[1] == 0.5f && fabsf(d[2] - 2.0f * 0.88079708f * 0.11920292f) < 1e-6f, "sigmoid backward");
    activation_forward(MLP_ACT_TANH, y, x, 3);
    CHECK(fabsf(y[0] + 0.76159416f) < 1e-6f && y[1] == 0.0f && fabsf(y[2] - 0.96402758f) < 1e-6f,
          "tanh forward");
    for (int i = 0; i < 3; i++)
        d[i] = 1.0f;
    activation_backward(MLP_ACT_TANH, d, y, 3); // 1 - tanh^2: 1 at 0
    CHECK(d[1] == 1.0f && fabsf(d[0] - (1.0f - 0.76159416f * 0.76159416f)) < 1e-6f, "tanh backward");
    for (int i = 0; i < 3; i++)
        d[i] = 3.0f;
    activation_backward(MLP_ACT_LINEAR, d, x, 3);
    CHECK(d[0] == 3.0f && d[2] == 3.0f, "linear passes the gradient");
    activation_forward(MLP_ACT_SIGMOID, y, (const float[]){-200.0f, 200.0f, -88.0f}, 3);
    CHECK(y[0] == 0.0f && y[1] == 1.0f && isfinite(y[2]), "sigmoid saturates without NaN");
    mlp_activation a;
    CHECK(mlp_activation_from_name("tanh", &a) && a == MLP_ACT_TANH, "tanh by name");
    CHECK(!mlp_activation_from_name("gelu", &a), "gelu is not one");
    CHECK(strcmp(mlp_activation_name(MLP_ACT_LINEAR), "linear") == 0, "linear's name");
    // A network's hidden activation is its own, copied with it; the last
    // layer stays softmax.
    size_t sizes[] = {4, 3, 3, 2};
    mlp net, copy;
    mlp_init(&net, sizes, 4, NULL);
    CHECK(net.layers[0].act == MLP_ACT_RELU && net.layers[2].act == MLP_ACT_SOFTMAX, "defaults");
    CHECK(mlp_set_hidden_activation(&net, MLP_ACT_TANH, NULL), "set tanh");
    CHECK(mlp_clone(&copy, &net, NULL) && copy.layers[0].act == MLP_ACT_TANH &&
              copy.layers[1].act == MLP_ACT_TANH && copy.layers[2].act == MLP_ACT_SOFTMAX,
          "clone keeps the activations");
    dp_error err;
    CHECK(!mlp_set_activation(&net, 2, MLP_ACT_RELU, &err), "the output layer is not hidden");
    CHECK(!mlp_set_hidden_activation(&net, MLP_ACT_SOFTMAX, &err), "softmax is not hidden");
    mlp_destroy(&copy);
    mlp_destroy(&net);
}

static void test_adam(void)
{
    float p[3] = {1.0f, -2.0f, 0.5f};
    float g[3] = {0.5f, -0.25f, 0.0f};
    float m[3] = {0}, v[3] = {0};
    adam_update(p, g, m, v, 3, 0.001f, 0.9f, 0.999f, 1e-7f, 1);
    // m = 0.05, v = 0.00025; alpha = 0.001 * sqrt(0.001) / 0.1; step = alpha m / (sqrt v + eps)
    double alpha = 0.001 * sqrt(1.0 - 0.999) / (1.0 - 0.9);
    double step0 = alpha * 0.05 / (sqrt(0.00025) + 1e-7);
    CHECK(fabs(m[0] - 0.05f) < 1e-6 && fabs(v[0] - 0.00025f) < 1e-4 * 0.00025f, "moments m %g v %g", m[0], v[0]);
    CHECK(fabs(p[0] - (1.0 - step0)) < 1e-7, "param 0 after one step: %.9g want %.9g", p[0],
          1.0 - step0);
    CHECK(fabs(p[0] - (1.0 - 0.001)) < 1e-6, "first Adam step is ~lr in size");
    CHECK(fabs(p[1] - (-2.0 + 0.001)) < 1e-6, "negative gradient moves up: %.9g", p[1]);
    CHECK(p[2] == 0.5f, "zero gradient leaves the parameter");
    CHECK(g[0] == 0.0f && g[1] == 0.0f, "gradients are left zeroed");
    // Second step with the same gradient, worked by hand.
    g[0] = 0.5f;
    float before = p[0];
    adam_update(p, g, m, v, 3, 0.001f, 0.9f, 0.999f, 1e-7f, 2);
    double m2 = 0.9 * 0.05 + 0.1 * 0.5, v2 = 0.999 * 0.00025 + 0.001 * 0.25;
    double a2 = 0.001 * sqrt(1.0 - 0.999 * 0.999) / (1.0 - 0.81);
    double want = before - a2 * m2 / (sqrt(v2) + 1e-7);
    CHECK(fabs(p[0] - want) < 1e-7, "second step %.9g want %.9g", p[0], want);
}

static void test_glorot_and_shape(void)
{
    size_t sizes[] = {784, 128, 10};
    mlp a, b;
    CHECK(mlp_init(&a, sizes, 3, NULL) && mlp_init(&b, sizes, 3, NULL), "init 784-128-10");
    CHECK(a.n_params == 101770, "the article's 101,770 parameters: %zu", a.n_params);
    // Kernel rows of 128 floats start on cache lines: vector loads never straddle two.
    CHECK(((uintptr_t)a.params & 63) == 0 && ((uintptr_t)a.layers[0].kernel & 63) == 0,
          "the parameter block is 64-byte aligned");
    float *z = dp_floats(3);
    CHECK(z && ((uintptr_t)z & 63) == 0 && z[0] == 0.0f && z[2] == 0.0f && !dp_floats(0),
          "dp_floats: aligned and zeroed; none for 0");
    free(z);
    mlp_init_glorot(&a, 7);
    mlp_init_glorot(&b, 7);
    CHECK(memcmp(a.params, b.params, a.n_params * sizeof(float)) == 0, "same seed, same weights");
    mlp_init_glorot(&b, 8);
    CHECK(memcmp(a.params, b.params, a.n_params * sizeof(float)) != 0, "other seed, other weights");
    float limit = sqrtf(6.0f / (784 + 128));
    float mx = 0, mean = 0;
    for (size_t i = 0; i < 784 * 128; i++) {
        mx = fmaxf(mx, fabsf(a.layers[0].kernel[i]));
        mean += a.layers[0].kernel[i];
    }
    mean /= 784 * 128;
    CHECK(mx <= limit && mx > 0.99f * limit, "glorot limit %g, max %g", limit, mx);
    CHECK(fabsf(mean) < 0.002f, "glorot mean near zero: %g", mean);
    CHECK(a.layers[1].bias[3] == 0.0f, "zero biases");
    mlp_offsets o = mlp_layer_offsets(&a, 1);
    CHECK(o.kernel == 784 * 128 + 128 && o.bias == o.kernel + 1280, "offsets");

    size_t bad[] = {784, 0, 10};
    dp_error err;
    mlp tmp;
    CHECK(!mlp_init(&tmp, bad, 3, &err) &&
              strstr(err.msg, "outside"),
          "zero width refused: %s", err.msg);
    size_t deep[MLP_MAX_LAYERS + 2];
    for (size_t i = 0; i < MLP_MAX_LAYERS + 2; i++)
        deep[i] = 4;
    mlp c;
    CHECK(!mlp_init(&c, deep, MLP_MAX_LAYERS + 2, &err) && strstr(err.msg, "cap"),
          "too many layers refused: %s", err.msg);

    // Single-sample predict equals the batched forward.
    mlp_workspace ws;
    mlp_workspace_init(&ws, &a, 2, NULL);
    float x[2 * 784] = {0}, probs[10], scratch[256];
    for (size_t i = 200; i < 600; i += 3)
        x[784 + i] = (float)(i % 7) / 7.0f;
    const float *pb = mlp_forward(&a, &ws, x, 2);
    mlp_predict(&a, x + 784, probs, scratch);
    float diff = 0;
    for (int k = 0; k < 10; k++)
        diff = fmaxf(diff, fabsf(probs[k] - pb[10 + k]));
    CHECK(diff < 1e-5f, "predict matches forward (max diff %g)", diff);
    mlp_workspace_destroy(&ws);
    mlp_destroy(&a);
    mlp_destroy(&b);
}

/* The sparse first layer must compute what the dense one does, for widths
 * that are whole 128-blocks, a block and a tail, and a tail only. */
static void test_sparse_matches_dense(size_t hidden, mlp_activation act)
{
    size_t sizes[] = {100, hidden, 10};
    const size_t batch = 9;
    mlp net;
    mlp_workspace ws;
    mlp_sparse_batch sx;
    mlp_init(&net, sizes, 3, NULL);
    mlp_set_hidden_activation(&net, act, NULL);
    mlp_init_glorot(&net, hidden);
    for (size_t o = 0; o < hidden; o++)
        net.layers[0].bias[o] = 0.01f * (float)(o % 7);
    mlp_workspace_init(&ws, &net, batch, NULL);
    CHECK(mlp_sparse_init(&sx, batch, 100, NULL), "sparse init");
    float x[9 * 100];
    uint8_t y[9];
    dp_rng r;
    dp_rng_seed(&r, 5);
    size_t k = 0;
    for (size_t b = 0; b < batch; b++) {
        sx.row_start[b] = (uint32_t)k;
        y[b] = (uint8_t)dp_rng_below(&r, 10);
        for (size_t i = 0; i < 100; i++) {
            // Sample 4 is all zeros: an empty row must work too.
            float v = (b != 4 && dp_rng_uniform(&r) < 0.2) ? (float)dp_rng_uniform(&r) : 0.0f;
            x[b * 100 + i] = v;
            if (v != 0.0f) {
                sx.row_index[k] = (uint16_t)i;
                sx.row_value[k++] = v;
            }
        }
    }
    sx.row_start[batch] = (uint32_t)k;
    sx.batch = batch;
    mlp_sparse_transpose(&sx);
    CHECK(sx.nnz == k && sx.col_start[100] == k, "transpose keeps every value");

    float *gd = calloc(net.n_params, sizeof *gd), *gs = calloc(net.n_params, sizeof *gs);
    float pd[9 * 10], ps[9 * 10];
    memcpy(pd, mlp_forward(&net, &ws, x, batch), sizeof pd);
    size_t cd = 0, cs = 0;
    double ld = mlp_backward(&net, &ws, gd, x, y, batch, &cd);
    memcpy(ps, mlp_forward_sparse(&net, &ws, &sx), sizeof ps);
    double ls = mlp_backward_sparse(&net, &ws, gs, &sx, y, &cs);
    float worst_p = 0, worst_g = 0;
    for (size_t i = 0; i < 9 * 10; i++)
        worst_p = fmaxf(worst_p, fabsf(pd[i] - ps[i]));
    for (size_t i = 0; i < net.n_params; i++)
        worst_g = fmaxf(worst_g, fabsf(gd[i] - gs[i]));
    CHECK(worst_p < 1e-6f && fabs(ld - ls) < 1e-5 && cd == cs,
          "width %zu, %s: sparse forward matches dense (max diff %g)", hidden,
          mlp_activation_name(act), worst_p);
    CHECK(worst_g < 1e-6f, "width %zu, %s: sparse gradients match dense (max diff %g)", hidden,
          mlp_activation_name(act), worst_g);
    // Both sum each output in the same order (dense_kernels.h): the same bits.
    CHECK(memcmp(pd, ps, sizeof pd) == 0 && memcmp(gd, gs, net.n_params * sizeof *gd) == 0 &&
              ld == ls,
          "width %zu, %s: sparse and dense passes give the same bits", hidden,
          mlp_activation_name(act));
    free(gd);
    free(gs);
    mlp_sparse_destroy(&sx);
    mlp_workspace_destroy(&ws);
    mlp_destroy(&net);
}

/* The dense products in their documented order (dense_kernels.h), one
 * scalar sum at a time: what every vector unit must give, to the bit. */
static void reference_forward(float *out, const float *inp, const float *kernel,
                              const float *bias, size_t batch, size_t in, size_t out_n)
{
    for (size_t b = 0; b < batch; b++)
        for (size_t o = 0; o < out_n; o++) {
            float s = bias[o];
            for (size_t i = 0; i < in; i++)
                s += inp[b * in + i] * kernel[i * out_n + o];
            out[b * out_n + o] = s;
        }
}

static void reference_backward(float *dinp, float *dkernel, const float *dout, const float *inp,
                               const float *kernel, size_t batch, size_t in, size_t out_n)
{
    for (size_t i = 0; i < in; i++)
        for (size_t o = 0; o < out_n; o++) {
            float s = dkernel[i * out_n + o];
            for (size_t b = 0; b < batch; b++)
                s += inp[b * in + i] * dout[b * out_n + o];
            dkernel[i * out_n + o] = s;
        }
    for (size_t b = 0; b < batch; b++)
        for (size_t i = 0; i < in; i++) {
            float s = 0.0f;
            for (size_t o = 0; o < out_n; o++)
                s += dout[b * out_n + o] * kernel[i * out_n + o];
            dinp[b * in + i] = s;
        }
}

/* Values of both signs and many magnitudes, a third of them zero, so that
 * a sum taken in another order (or fused into an FMA) shows in the bits. */
static void fill_mixed(float *v, size_t n, dp_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        double u = dp_rng_uniform(r);
        v[i] = u < 0.33 ? 0.0f
                        : (float)((dp_rng_uniform(r) - 0.5) * exp(8.0 * dp_rng_uniform(r) - 4.0));
    }
}

/* dense_forward and dense_backward give the reference's bits for batches
 * of 1, 17 and 32 (blocks of 4 rows and rows left over) and widths on
 * either side of every vector block (4, 8, 16, 32 and 64 lanes), tiles of
 * the kernel's transpose (64 by 128) included. */
static void test_dense_exact(void)
{
    static const size_t batches[] = {1, 17, 32};
    static const size_t widths[] = {1, 3, 10, 17, 64, 129, 200};
    dp_rng r;
    dp_rng_seed(&r, 77);
    size_t cases = 0, bad = 0;
    for (size_t bi = 0; bi < 3; bi++)
        for (size_t ii = 0; ii < 7; ii++)
            for (size_t oi = 0; oi < 7; oi++) {
                size_t batch = batches[bi], in = widths[ii], out_n = widths[oi];
                float *inp = malloc(batch * in * sizeof *inp);
                float *kernel = malloc(in * out_n * sizeof *kernel);
                float *bias = malloc(out_n * sizeof *bias);
                float *dout = malloc(batch * out_n * sizeof *dout);
                float *o1 = malloc(batch * out_n * sizeof *o1);
                float *o2 = malloc(batch * out_n * sizeof *o2);
                float *dk1 = malloc(in * out_n * sizeof *dk1);
                float *dk2 = malloc(in * out_n * sizeof *dk2);
                float *di1 = malloc(batch * in * sizeof *di1);
                float *di2 = malloc(batch * in * sizeof *di2);
                float *db = calloc(out_n, sizeof *db);
                fill_mixed(inp, batch * in, &r);
                fill_mixed(kernel, in * out_n, &r);
                fill_mixed(bias, out_n, &r);
                fill_mixed(dout, batch * out_n, &r);
                fill_mixed(dk1, in * out_n, &r); // a gradient accumulated already
                memcpy(dk2, dk1, in * out_n * sizeof *dk1);
                dense_forward(o1, inp, kernel, bias, batch, in, out_n);
                reference_forward(o2, inp, kernel, bias, batch, in, out_n);
                dense_backward(di1, dk1, db, dout, inp, kernel, batch, in, out_n);
                reference_backward(di2, dk2, dout, inp, kernel, batch, in, out_n);
                bool same = memcmp(o1, o2, batch * out_n * sizeof *o1) == 0 &&
                            memcmp(dk1, dk2, in * out_n * sizeof *dk1) == 0 &&
                            memcmp(di1, di2, batch * in * sizeof *di1) == 0;
                if (!same && bad++ < 5)
                    printf("dense products differ from the reference at batch %zu, %zu -> %zu\n",
                           batch, in, out_n);
                cases++;
                free(inp), free(kernel), free(bias), free(dout), free(o1), free(o2);
                free(dk1), free(dk2), free(di1), free(di2), free(db);
            }
    CHECK(bad == 0, "dense products give the reference's bits in %zu of %zu shapes",
          cases - bad, cases);

    // And the reference is a different sum from a mere approximation: the
    // same products in the opposite order change some bits here.
    float a[64], k[64 * 3], bias[3] = {0.25f, -1.0f, 3.0f}, fwd[3], rev[3];
    fill_mixed(a, 64, &r);
    fill_mixed(k, 64 * 3, &r);
    dense_forward(fwd, a, k, bias, 1, 64, 3);
    for (size_t o = 0; o < 3; o++) {
        float s = bias[o];
        for (size_t i = 64; i-- > 0;)
            s += a[i] * k[i * 3 + o];
        rev[o] = s;
    }
    CHECK(memcmp(fwd, rev, sizeof fwd) != 0, "summation order shows in the bits");
}

static void test_rng(void)
{
    dp_rng r;
    dp_rng_seed(&r, 0);
    int hist[10] = {0};
    for (int i = 0; i < 100000; i++)
        hist[dp_rng_below(&r, 10)]++;
    int lo = hist[0], hi = hist[0];
    for (int i = 1; i < 10; i++) {
        lo = hist[i] < lo ? hist[i] : lo;
        hi = hist[i] > hi ? hist[i] : hi;
    }
    CHECK(lo > 9500 && hi < 10500, "uniform below 10: %d..%d", lo, hi);
}

int main(void)
{
    mlp_blas_threads(1);
    test_softmax_xent();
    test_relu();
    test_adam();
    test_glorot_and_shape();
    test_rng();
    test_activations();
    test_dense_exact();
    static const mlp_activation acts[] = {MLP_ACT_RELU, MLP_ACT_LINEAR, MLP_ACT_SIGMOID,
                                          MLP_ACT_TANH};
    for (size_t a = 0; a < 4; a++) {
        test_sparse_matches_dense(128, acts[a]);
        test_sparse_matches_dense(200, acts[a]);
        test_sparse_matches_dense(7, acts[a]);
        size_t one[] = {5, 3};
        if (a == 0)
            check_gradients(one, 2, 4, 1, acts[a]); // softmax layer alone
        size_t two[] = {7, 6, 4};
        check_gradients(two, 3, 5, 2, acts[a]); // the article's shape, small
        size_t deep[] = {6, 8, 7, 5, 3};
        check_gradients(deep, 5, 3, 3, acts[a]); // deeper, like 256,128,64
    }
    return check_summary();
}
