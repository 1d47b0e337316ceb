/* mlp.c: dense layers, ReLU, softmax and cross-entropy, forward and
 * backward, over one parameter block. The matrix products are our own
 * (dense_kernels.c); CBLAS is left only for its version and thread count. */
#include "mlp.h"

#include "dense_kernels.h"
#include "simd.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * The network's shape and its one parameter block. */

static void mlp_bind(mlp *net)
{
    size_t off = 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        mlp_layer *L = &net->layers[l];
        L->in = net->sizes[l];
        L->out = net->sizes[l + 1];
        L->act = l + 1 == net->n_layers ? MLP_ACT_SOFTMAX : MLP_ACT_RELU;
        L->kernel = net->params + off;
        off += L->in * L->out;
        L->bias = net->params + off;
        off += L->out;
    }
}

float *dp_floats(size_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(float) - 64)
        return NULL;
    size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63; // aligned_alloc wants a multiple
    float *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

bool mlp_init(mlp *net, const size_t *sizes, size_t n_sizes, dp_error *err)
{
    memset(net, 0, sizeof *net);
    if (n_sizes < 2)
        return dp_fail(err, "a network needs at least one layer");
    if (n_sizes - 1 > MLP_MAX_LAYERS)
        return dp_fail(err, "%zu layers is more than the cap of %d", n_sizes - 1, MLP_MAX_LAYERS);
    size_t total = 0;
    for (size_t i = 0; i < n_sizes; i++) {
        if (sizes[i] < 1 || sizes[i] > MLP_MAX_UNITS)
            return dp_fail(err, "layer width %zu is outside 1 to %d", sizes[i], MLP_MAX_UNITS);
        if (i > 0)
            total += sizes[i - 1] * sizes[i] + sizes[i]; // each <= 4096*4096+4096: no overflow
    }
    if (total > MLP_MAX_PARAMS)
        return dp_fail(err, "%zu parameters is more than the cap of %zu", total, MLP_MAX_PARAMS);
    float *params = dp_floats(total);
    if (!params)
        return dp_fail(err, "out of memory for %zu parameters", total);
    net->n_layers = n_sizes - 1;
    memcpy(net->sizes, sizes, n_sizes * sizeof *sizes);
    net->n_params = total;
    net->params = params;
    mlp_bind(net);
    return true;
}

bool mlp_set_activation(mlp *net, size_t layer, mlp_activation act, dp_error *err)
{
    if (layer + 1 >= net->n_layers)
        return dp_fail(err, "layer %zu is not a hidden layer (the network has %zu hidden)", layer,
                       net->n_layers - 1);
    if (!mlp_activation_is_hidden(act))
        return dp_fail(err, "%s is not a hidden layer's activation (relu, linear, sigmoid or "
                       "tanh)", mlp_activation_name(act));
    net->layers[layer].act = act;
    return true;
}

bool mlp_set_hidden_activation(mlp *net, mlp_activation act, dp_error *err)
{
    for (size_t l = 0; l + 1 < net->n_layers; l++)
        if (!mlp_set_activation(net, l, act, err))
            return false;
    return true;
}

void mlp_destroy(mlp *net)
{
    free(net->params);
    memset(net, 0, sizeof *net);
}

void mlp_init_glorot(mlp *net, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, seed);
    for (size_t l = 0; l < net->n_layers; l++) {
        mlp_layer *L = &net->layers[l];
        double limit = sqrt(6.0 / (double)(L->in + L->out));
        for (size_t i = 0; i < L->in * L->out; i++)
            L->kernel[i] = (float)((2.0 * dp_rng_uniform(&r) - 1.0) * limit);
        memset(L->bias, 0, L->out * sizeof *L->bias);
    }
}

bool mlp_clone(mlp *dst, const mlp *src, dp_error *err)
{
    if (!mlp_init(dst, src->sizes, src->n_layers + 1, err))
        return false;
    mlp_copy_params(dst, src);
    return true;
}

void mlp_copy_params(mlp *dst, const mlp *src)
{
    memcpy(dst->params, src->params, src->n_params * sizeof *src->params);
    for (size_t l = 0; l < src->n_layers; l++)
        dst->layers[l].act = src->layers[l].act;
}

bool mlp_same_shape(const mlp *a, const mlp *b)
{
    if (a->n_layers != b->n_layers)
        return false;
    for (size_t i = 0; i <= a->n_layers; i++)
        if (a->sizes[i] != b->sizes[i])
            return false;
    return true;
}

mlp_offsets mlp_layer_offsets(const mlp *net, size_t layer)
{
    mlp_offsets o = {
        .kernel = (size_t)(net->layers[layer].kernel - net->params),
        .bias = (size_t)(net->layers[layer].bias - net->params),
    };
    return o;
}

size_t mlp_max_width(const mlp *net)
{
    size_t w = 0;
    for (size_t i = 0; i <= net->n_layers; i++)
        if (net->sizes[i] > w)
            w = net->sizes[i];
    return w;
}

/* ---------------------------------------------------------------------------
 * Layers. */

/* Our own products, not the BLAS's: their bits do not depend on the CPU
 * or on a BLAS's version (dense_kernels.h). */
void dense_forward(float *out, const float *inp, const float *kernel, const float *bias,
                   size_t batch, size_t in, size_t out_n)
{
    dense_kernels_forward(out, inp, kernel, bias, batch, in, out_n);
}

/* dbias (out) += the column sums of dout (batch, out). */
static void bias_backward(float *dbias, const float *dout, size_t batch, size_t out_n)
{
    for (size_t b = 0; b < batch; b++) {
        const float *d = dout + b * out_n;
        for (size_t o = 0; o < out_n; o++)
            dbias[o] += d[o];
    }
}

void dense_backward(float *dinp, float *dkernel, float *dbias, const float *dout,
                    const float *inp, const float *kernel, size_t batch, size_t in, size_t out_n)
{
    // dkernel (in, out) += inp^T (in, batch) . dout (batch, out)
    dense_kernels_backward_kernel(dkernel, dout, inp, batch, in, out_n);
    bias_backward(dbias, dout, batch, out_n);
    // dinp (batch, in) = dout (batch, out) . kernel^T (out, in)
    if (dinp)
        dense_kernels_backward_input(dinp, dout, kernel, batch, in, out_n);
}

void relu_forward(float *out, const float *inp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void relu_backward(float *dinp, const float *dout, const float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dinp[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

/* Separate from relu_backward so that restrict holds: called in place with
 * dinp == dout, relu_backward's overlap check fails and it runs scalar. */
void relu_gate(float *restrict d, const float *restrict out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = out[i] > 0.0f ? d[i] : 0.0f;
}

static const char *const activation_names[] = {
    [MLP_ACT_RELU] = "relu",       [MLP_ACT_SOFTMAX] = "softmax", [MLP_ACT_LINEAR] = "linear",
    [MLP_ACT_SIGMOID] = "sigmoid", [MLP_ACT_TANH] = "tanh",
};
#define N_ACTIVATIONS (sizeof activation_names / sizeof activation_names[0])

const char *mlp_activation_name(mlp_activation act)
{
    return (size_t)act < N_ACTIVATIONS ? activation_names[act] : "unknown";
}

bool mlp_activation_from_name(const char *name, mlp_activation *act)
{
    for (size_t i = 0; i < N_ACTIVATIONS; i++)
        if (strcmp(name, activation_names[i]) == 0) {
            *act = (mlp_activation)i;
            return true;
        }
    return false;
}

bool mlp_activation_is_hidden(mlp_activation act)
{
    return act == MLP_ACT_RELU || act == MLP_ACT_LINEAR || act == MLP_ACT_SIGMOID ||
           act == MLP_ACT_TANH;
}

static void sigmoid_forward(float *restrict out, const float *restrict inp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = 1.0f / (1.0f + expf(-inp[i]));
}

static void tanh_forward(float *restrict out, const float *restrict inp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tanhf(inp[i]);
}

void activation_forward(mlp_activation act, float *out, const float *inp, size_t n)
{
    switch (act) {
    case MLP_ACT_RELU:
        relu_forward(out, inp, n);
        break;
    case MLP_ACT_SIGMOID:
        if (out == inp) // in place: restrict would not hold
            for (size_t i = 0; i < n; i++)
                out[i] = 1.0f / (1.0f + expf(-out[i]));
        else
            sigmoid_forward(out, inp, n);
        break;
    case MLP_ACT_TANH:
        if (out == inp)
            for (size_t i = 0; i < n; i++)
                out[i] = tanhf(out[i]);
        else
            tanh_forward(out, inp, n);
        break;
    default: // linear (and softmax, which is not applied here)
        if (out != inp)
            memcpy(out, inp, n * sizeof *out);
    }
}

void activation_backward(mlp_activation act, float *restrict d, const float *restrict out,
                         size_t n)
{
    switch (act) {
    case MLP_ACT_RELU:
        relu_gate(d, out, n);
        break;
    case MLP_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            d[i] *= out[i] * (1.0f - out[i]);
        break;
    case MLP_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            d[i] *= 1.0f - out[i] * out[i];
        break;
    default: // linear: the gradient passes as it is
        break;
    }
}

void softmax_forward(float *probs, const float *logits, size_t batch, size_t n)
{
    for (size_t b = 0; b < batch; b++) {
        const float *z = logits + b * n;
        float *p = probs + b * n;
        float mx = z[0];
        for (size_t i = 1; i < n; i++)
            mx = z[i] > mx ? z[i] : mx;
        float sum = 0.0f;
        for (size_t i = 0; i < n; i++) {
            p[i] = expf(z[i] - mx);
            sum += p[i];
        }
        float inv = 1.0f / sum;
        for (size_t i = 0; i < n; i++)
            p[i] *= inv;
    }
}

double softmax_xent_backward(float *dlogits, const float *probs, const uint8_t *labels,
                             size_t batch, size_t n, float scale)
{
    double loss = 0.0;
    for (size_t b = 0; b < batch; b++) {
        const float *p = probs + b * n;
        float *d = dlogits + b * n;
        size_t y = labels[b];
        // Keras clips probabilities to [1e-7, 1 - 1e-7] before the log.
        float py = p[y] < 1e-7f ? 1e-7f : p[y];
        loss -= log((double)py);
        for (size_t i = 0; i < n; i++)
            d[i] = p[i] * scale;
        d[y] -= scale;
    }
    return loss;
}

const char *mlp_blas_threads(int n)
{
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(n);
    // OPENBLAS_VERSION is " OpenBLAS 0.3.21 ": drop the blanks around it.
    static const char version[] = OPENBLAS_VERSION;
    static char trimmed[sizeof version];
    size_t a = 0, b = sizeof version - 1;
    while (a < b && version[a] == ' ')
        a++;
    while (b > a && version[b - 1] == ' ')
        b--;
    memcpy(trimmed, version + a, b - a);
    trimmed[b - a] = '\0';
    return trimmed;
#else
    (void)n;
    return "CBLAS";
#endif
}

size_t argmax(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* ---------------------------------------------------------------------------
 * Whole-network passes. */

bool mlp_workspace_init(mlp_workspace *ws, const mlp *net, size_t max_batch, dp_error *err)
{
    memset(ws, 0, sizeof *ws);
    if (max_batch < 1 || max_batch > 65536)
        return dp_fail(err, "batch size %zu is outside 1 to 65536", max_batch);
    size_t width = mlp_max_width(net);
    size_t total = 2 * max_batch * width;
    for (size_t l = 1; l <= net->n_layers; l++)
        total += max_batch * net->sizes[l];
    ws->block = dp_floats(total);
    if (!ws->block)
        return dp_fail(err, "out of memory for a batch of %zu", max_batch);
    ws->max_batch = max_batch;
    float *p = ws->block;
    for (size_t l = 1; l <= net->n_layers; l++) {
        ws->acts[l] = p;
        p += max_batch * net->sizes[l];
    }
    ws->delta[0] = p;
    ws->delta[1] = p + max_batch * width;
    return true;
}

void mlp_workspace_destroy(mlp_workspace *ws)
{
    free(ws->block);
    memset(ws, 0, sizeof *ws);
}

static void activate(const mlp_layer *L, float *out, size_t batch)
{
    if (L->act == MLP_ACT_RELU)
        relu_forward(out, out, batch * L->out);
    else if (L->act == MLP_ACT_SOFTMAX)
        softmax_forward(out, out, batch, L->out);
    else
        activation_forward(L->act, out, out, batch * L->out);
}

/* Layers from..n_layers-1, the input of `from` being inp. */
static const float *forward_layers(const mlp *net, mlp_workspace *ws, size_t batch, size_t from,
                                   const float *inp)
{
    for (size_t l = from; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        float *out = ws->acts[l + 1];
        dense_forward(out, inp, L->kernel, L->bias, batch, L->in, L->out);
        activate(L, out, batch);
        inp = out;
    }
    return ws->acts[net->n_layers];
}

const float *mlp_forward(const mlp *net, mlp_workspace *ws, const float *x, size_t batch)
{
    return forward_layers(net, ws, batch, 0, x);
}

const float *mlp_forward_sparse(const mlp *net, mlp_workspace *ws, const mlp_sparse_batch *x)
{
    const mlp_layer *L = &net->layers[0];
    dense_forward_sparse(ws->acts[1], x, L->kernel, L->bias, L->out);
    activate(L, ws->acts[1], x->batch);
    return forward_layers(net, ws, x->batch, 1, ws->acts[1]);
}

/* The loss and its gradient down to the output of layer 0, accumulating the
 * gradients of layers n_layers-1..1. Returns which delta buffer holds
 * d loss / d (layer 0's pre-activation output). */
static int backward_layers(const mlp *net, mlp_workspace *ws, float *grads, const uint8_t *labels,
                           size_t batch, size_t *correct, double *loss)
{
    size_t L = net->n_layers;
    size_t n_out = net->sizes[L];
    const float *probs = ws->acts[L];
    if (correct) {
        size_t c = 0;
        for (size_t b = 0; b < batch; b++)
            c += argmax(probs + b * n_out, n_out) == labels[b];
        *correct += c;
    }
    *loss = softmax_xent_backward(ws->delta[0], probs, labels, batch, n_out, 1.0f / (float)batch);
    int cur = 0;
    for (size_t l = L; l-- > 1;) {
        const mlp_layer *ly = &net->layers[l];
        mlp_offsets o = mlp_layer_offsets(net, l);
        float *dinp = ws->delta[cur ^ 1];
        dense_backward(dinp, grads + o.kernel, grads + o.bias, ws->delta[cur], ws->acts[l],
                       ly->kernel, batch, ly->in, ly->out);
        // acts[l] is the activation's output of layer l-1: ReLU's zeros gate
        // the gradient; the others scale it by their derivative.
        mlp_activation act = net->layers[l - 1].act;
        if (act == MLP_ACT_RELU)
            relu_gate(dinp, ws->acts[l], batch * ly->in);
        else
            activation_backward(act, dinp, ws->acts[l], batch * ly->in);
        cur ^= 1;
    }
    return cur;
}

double mlp_backward(const mlp *net, mlp_workspace *ws, float *grads, const float *x,
                    const uint8_t *labels, size_t batch, size_t *correct)
{
    double loss;
    int cur = backward_layers(net, ws, grads, labels, batch, correct, &loss);
    const mlp_layer *ly = &net->layers[0];
    mlp_offsets o = mlp_layer_offsets(net, 0);
    // The input's own gradient is never needed: dinp NULL.
    dense_backward(NULL, grads + o.kernel, grads + o.bias, ws->delta[cur], x, ly->kernel, batch,
                   ly->in, ly->out);
    return loss;
}

const float *mlp_backward_sparse_upper(const mlp *net, mlp_workspace *ws, float *grads,
                                      const mlp_sparse_batch *x, const uint8_t *labels,
                                      size_t *correct, double *loss)
{
    int cur = backward_layers(net, ws, grads, labels, x->batch, correct, loss);
    mlp_offsets o = mlp_layer_offsets(net, 0);
    bias_backward(grads + o.bias, ws->delta[cur], x->batch, net->layers[0].out);
    return ws->delta[cur];
}

double mlp_backward_sparse(const mlp *net, mlp_workspace *ws, float *grads,
                           const mlp_sparse_batch *x, const uint8_t *labels, size_t *correct)
{
    double loss;
    const float *d0 = mlp_backward_sparse_upper(net, ws, grads, x, labels, correct, &loss);
    mlp_offsets o = mlp_layer_offsets(net, 0);
    dense_backward_sparse_kernel(grads + o.kernel, d0, x, net->layers[0].out);
    return loss;
}

DP_MULTIVERSION
void dense_forward_one(float *restrict out, const float *restrict inp,
                              const float *restrict kernel, const float *restrict bias, size_t in,
                              size_t out_n)
{
    memcpy(out, bias, out_n * sizeof *out);
    for (size_t i = 0; i < in; i++) {
        float a = inp[i];
        if (a == 0.0f)
            continue;
        const float *row = kernel + i * out_n;
        for (size_t o = 0; o < out_n; o++)
            out[o] += a * row[o];
    }
}

void mlp_layer_forward_one(const mlp_layer *L, float *out, const float *inp)
{
    dense_forward_one(out, inp, L->kernel, L->bias, L->in, L->out);
    activate(L, out, 1);
}

void mlp_predict(const mlp *net, const float *x, float *probs, float *scratch)
{
    size_t width = mlp_max_width(net);
    float *buf[2] = {scratch, scratch + width};
    const float *inp = x;
    for (size_t l = 0; l < net->n_layers; l++) {
        float *out = l + 1 == net->n_layers ? probs : buf[l & 1];
        mlp_layer_forward_one(&net->layers[l], out, inp);
        inp = out;
    }
}
