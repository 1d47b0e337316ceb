/* inspect.c: activations, saliency and weight colours (see inspect.h). */
#include "inspect.h"

#include <math.h>
#include <string.h>

size_t inspect_units(const mlp *net)
{
    size_t n = 0;
    for (size_t l = 1; l <= net->n_layers; l++)
        n += net->sizes[l];
    return n;
}

size_t inspect_layer_offset(const mlp *net, size_t layer)
{
    size_t off = 0;
    for (size_t l = 0; l < layer; l++)
        off += net->sizes[l + 1];
    return off;
}

void inspect_forward(const mlp *net, const float *x, float *acts)
{
    const float *inp = x;
    float *out = acts;
    for (size_t l = 0; l < net->n_layers; l++) {
        mlp_layer_forward_one(&net->layers[l], out, inp);
        inp = out;
        out += net->layers[l].out;
    }
}

size_t inspect_zero_units(const mlp *net, const float *acts, size_t layer)
{
    if (layer + 1 >= net->n_layers)
        return 0;
    const float *a = acts + inspect_layer_offset(net, layer);
    size_t zeros = 0;
    for (size_t u = 0; u < net->sizes[layer + 1]; u++)
        zeros += a[u] == 0.0f;
    return zeros;
}

void inspect_input_gradient(const mlp *net, const float *x, size_t cls, float *out,
                            float *scratch)
{
    size_t width = mlp_max_width(net);
    float *acts = scratch;
    float *d = acts + inspect_units(net);
    float *dprev = d + 2 * width;
    inspect_forward(net, x, acts);
    // d logit_cls / d logits is the one-hot of cls; walk it back through
    // each dense layer and the activation that fed it.
    size_t L = net->n_layers;
    memset(d, 0, net->sizes[L] * sizeof *d);
    d[cls] = 1.0f;
    for (size_t l = L; l-- > 0;) {
        const mlp_layer *ly = &net->layers[l];
        float *dst = l == 0 ? out : dprev;
        for (size_t i = 0; i < ly->in; i++) {
            const float *row = ly->kernel + i * ly->out;
            float s = 0.0f;
            for (size_t o = 0; o < ly->out; o++)
                s += row[o] * d[o];
            dst[i] = s;
        }
        if (l > 0) {
            const float *a = acts + inspect_layer_offset(net, l - 1);
            memcpy(d, dprev, ly->in * sizeof *d);
            activation_backward(net->layers[l - 1].act, d, a, ly->in);
        }
    }
}

void inspect_saliency(const mlp *net, const float *x, size_t cls, float *out, float *scratch)
{
    inspect_input_gradient(net, x, cls, out, scratch);
    for (size_t i = 0; i < net->sizes[0]; i++)
        out[i] *= x[i];
}

void inspect_color(float v, float scale, uint8_t rgb[3])
{
    static const float zero[3] = {24, 24, 28}, neg[3] = {40, 90, 255}, pos[3] = {255, 120, 40};
    float t = scale > 0.0f ? v / scale : 0.0f;
    if (!(t >= -1.0f)) // also NaN
        t = t > 0.0f ? 1.0f : -1.0f;
    if (t > 1.0f)
        t = 1.0f;
    const float *end = t < 0.0f ? neg : pos;
    float a = fabsf(t);
    for (int k = 0; k < 3; k++)
        rgb[k] = (uint8_t)lrintf(zero[k] + (end[k] - zero[k]) * a);
}

float inspect_weight_tile(const mlp *net, size_t unit, size_t height, size_t width, uint8_t *rgba)
{
    const mlp_layer *L = &net->layers[0];
    size_t n = height * width < L->in ? height * width : L->in;
    float scale = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float w = fabsf(L->kernel[i * L->out + unit]);
        scale = w > scale ? w : scale;
    }
    for (size_t i = 0; i < height * width; i++) {
        float w = i < n ? L->kernel[i * L->out + unit] : 0.0f;
        inspect_color(w, scale, rgba + 4 * i);
        rgba[4 * i + 3] = 255;
    }
    return scale;
}
