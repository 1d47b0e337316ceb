/* explain.c: the article's arithmetic with the network's own numbers
 * (explain.h). */
#include "explain.h"

#include "dataset.h"
#include "inspect.h"

#include <math.h>
#include <string.h>

size_t explain_scratch_floats(const mlp *net)
{
    return 4 * mlp_max_width(net);
}

/* Runs x through the first n dense layers; returns their last output (x
 * itself when n is 0), kept in one of scratch's first two buffers. */
static const float *forward_to(const mlp *net, const float *x, size_t n, float *scratch)
{
    size_t width = mlp_max_width(net);
    const float *inp = x;
    for (size_t l = 0; l < n; l++) {
        float *out = scratch + (l & 1) * width;
        mlp_layer_forward_one(&net->layers[l], out, inp);
        inp = out;
    }
    return inp;
}

/* True when term a belongs before term b: larger |product|, then lower input. */
static bool ranks_before(const explain_term *a, const explain_term *b)
{
    float fa = fabsf(a->product), fb = fabsf(b->product);
    return fa > fb || (fa == fb && a->input < b->input);
}

bool explain_neuron_compute(const mlp *net, const float *x, size_t layer, size_t unit, size_t k,
                            size_t width, float *products, explain_neuron *out, float *scratch,
                            dp_error *err)
{
    if (layer < 1 || layer > net->n_layers)
        return dp_fail(err, "layer %zu is outside 1 to %zu", layer, net->n_layers);
    const mlp_layer *L = &net->layers[layer - 1];
    if (unit >= L->out)
        return dp_fail(err, "unit %zu is outside 0 to %zu", unit, L->out - 1);
    if (k > EXPLAIN_MAX_TOP)
        k = EXPLAIN_MAX_TOP;

    size_t w = mlp_max_width(net);
    const float *inp = forward_to(net, x, layer - 1, scratch);
    // The whole layer as the forward pass computes it, before and after its
    // activation: the unit's values are then the pass's own to the bit.
    float *pre = scratch + 2 * w, *post = scratch + 3 * w;
    dense_forward_one(pre, inp, L->kernel, L->bias, L->in, L->out);
    mlp_layer_forward_one(L, post, inp);

    memset(out, 0, sizeof *out);
    out->layer = layer;
    out->unit = unit;
    out->n_inputs = L->in;
    out->act = L->act;
    out->bias = L->bias[unit];
    out->pre_activation = pre[unit];
    out->output = post[unit];
    double sum = 0.0;
    for (size_t i = 0; i < L->in; i++) {
        explain_term t = {.input = i, .value = inp[i], .weight = L->kernel[i * L->out + unit]};
        t.product = t.value * t.weight;
        if (products)
            products[i] = t.product;
        if (t.value == 0.0f)
            continue; // the forward pass skips it too; its product is 0
        out->n_nonzero++;
        sum += t.product;
        if (layer == 1 && width > 0) {
            t.row = i / width;
            t.col = i % width;
        }
        // Insertion into the short sorted list of the largest.
        size_t at = out->n_top;
        while (at > 0 && ranks_before(&t, &out->top[at - 1]))
            at--;
        if (at >= k)
            continue;
        size_t last = out->n_top < k ? out->n_top : k - 1;
        memmove(&out->top[at + 1], &out->top[at], (last - at) * sizeof t);
        out->top[at] = t;
        if (out->n_top < k)
            out->n_top++;
    }
    out->products_sum = sum;
    return true;
}

void explain_logits(const mlp *net, const float *x, float *logits, float *scratch)
{
    const float *inp = forward_to(net, x, net->n_layers - 1, scratch);
    const mlp_layer *L = &net->layers[net->n_layers - 1];
    dense_forward_one(logits, inp, L->kernel, L->bias, L->in, L->out);
}

float explain_softmax(const float *logits, size_t n, float *exps, float *probs, float *max)
{
    // The same steps, in the same float order, as softmax_forward.
    float mx = logits[0];
    for (size_t i = 1; i < n; i++)
        mx = logits[i] > mx ? logits[i] : mx;
    float total = 0.0f;
    for (size_t i = 0; i < n; i++) {
        exps[i] = expf(logits[i] - mx);
        total += exps[i];
    }
    float inv = 1.0f / total;
    for (size_t i = 0; i < n; i++)
        probs[i] = exps[i] * inv;
    if (max)
        *max = mx;
    return total;
}

double explain_loss(const float *probs, size_t n, size_t label)
{
    (void)n;
    float p = probs[label] < 1e-7f ? 1e-7f : probs[label];
    return -log((double)p);
}

double explain_chance_loss(size_t n)
{
    return n > 0 ? log((double)n) : 0.0;
}

double explain_chance_accuracy(size_t n)
{
    return n > 0 ? 1.0 / (double)n : 0.0;
}

size_t explain_most_active_unit(const mlp *net, const float *acts, size_t layer)
{
    if (layer < 1 || layer > net->n_layers)
        return 0;
    const float *a = acts + inspect_layer_offset(net, layer - 1);
    return argmax(a, net->sizes[layer]);
}

float explain_pixel_input(uint8_t value, double scale)
{
    // As training scales a byte (dataset_scale_table): the usual 1/255 as a
    // float division by 255, so that 51 is 0.2f; any other scale as a
    // product in double.
    if (scale == DATASET_DEFAULT_SCALE)
        return (float)value / 255.0f;
    return (float)((double)value * scale);
}

double explain_pixel_value(float x, double scale)
{
    return (double)x / scale;
}

const char *explain_activation_name(mlp_activation act)
{
    switch (act) {
    case MLP_ACT_RELU:
        return "ReLU";
    case MLP_ACT_SOFTMAX:
        return "softmax";
    case MLP_ACT_LINEAR:
        return "linear";
    case MLP_ACT_SIGMOID:
        return "sigmoid";
    case MLP_ACT_TANH:
        return "tanh";
    }
    return "?";
}

const char *explain_activation_rule(mlp_activation act)
{
    switch (act) {
    case MLP_ACT_RELU:
        return "max(0, x): a negative value becomes 0";
    case MLP_ACT_SOFTMAX:
        return "e^x / (sum of e^x over the layer): the layer's values become probabilities";
    case MLP_ACT_LINEAR:
        return "x: the value passes unchanged";
    case MLP_ACT_SIGMOID:
        return "1 / (1 + e^-x): squeezed into 0 to 1";
    case MLP_ACT_TANH:
        return "tanh x: squeezed into -1 to 1";
    }
    return "?";
}

/* ---- the network as a diagram ------------------------------------------ */

/* True when edge a is stronger than b: larger |weight|, then lower from, then lower to. */
static bool edge_before(const explain_edge *a, const explain_edge *b)
{
    float fa = fabsf(a->weight), fb = fabsf(b->weight);
    if (fa != fb)
        return fa > fb;
    if (a->from != b->from)
        return a->from < b->from;
    return a->to < b->to;
}

/* Restores the heap below i, whose root is the weakest edge kept. */
static void sift_down(explain_edge *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, weakest = i;
        if (l < n && edge_before(&h[weakest], &h[l]))
            weakest = l;
        if (r < n && edge_before(&h[weakest], &h[r]))
            weakest = r;
        if (weakest == i)
            return;
        explain_edge t = h[i];
        h[i] = h[weakest];
        h[weakest] = t;
        i = weakest;
    }
}

static void sift_up(explain_edge *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!edge_before(&h[p], &h[i]))
            return;
        explain_edge t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

size_t explain_strongest_weights(const mlp_layer *L, size_t to_unit, size_t k, explain_edge *out)
{
    if (k == 0 || (to_unit != EXPLAIN_ALL_UNITS && to_unit >= L->out))
        return 0;
    size_t first = to_unit == EXPLAIN_ALL_UNITS ? 0 : to_unit;
    size_t last = to_unit == EXPLAIN_ALL_UNITS ? L->out : to_unit + 1;
    /* A heap of the k strongest so far with the weakest of them at its root:
     * one pass over the weights, each either rejected against the root or
     * swapped in at the cost of log k. */
    size_t n = 0;
    for (size_t i = 0; i < L->in; i++) {
        const float *row = L->kernel + i * L->out;
        for (size_t j = first; j < last; j++) {
            if (row[j] == 0.0f || row[j] != row[j])
                continue;
            explain_edge e = {(uint32_t)i, (uint32_t)j, row[j]};
            if (n < k) {
                out[n] = e;
                sift_up(out, n++);
            } else if (edge_before(&e, &out[0])) {
                out[0] = e;
                sift_down(out, n, 0);
            }
        }
    }
    // Heap sort: the weakest goes to the end, one at a time.
    for (size_t m = n; m > 1; m--) {
        explain_edge t = out[0];
        out[0] = out[m - 1];
        out[m - 1] = t;
        sift_down(out, m - 1, 0);
    }
    return n;
}
