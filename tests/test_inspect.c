/* test_inspect: saliency against a hand-worked network and finite
 * differences, ReLU's zero count, and the documented colour map. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "inspect.h"
#include "mlp.h"

#include "check.h"

/* The class's logit, from the hidden activations inspect_forward keeps. */
static double logit(const mlp *net, const float *x, size_t cls, float *acts)
{
    inspect_forward(net, x, acts);
    size_t L = net->n_layers;
    const float *h = L > 1 ? acts + inspect_layer_offset(net, L - 2) : x;
    const mlp_layer *last = &net->layers[L - 1];
    double z = last->bias[cls];
    for (size_t i = 0; i < last->in; i++)
        z += (double)h[i] * last->kernel[i * last->out + cls];
    return z;
}

static void test_hand_worked(void)
{
    size_t sizes[] = {3, 2, 2};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    const float w1[] = {1, -1, 2, 0.5f, -1, 1}, b1[] = {0, 0.1f};
    const float w2[] = {1, 2, -1, 0.5f}, b2[] = {0, 0};
    memcpy(net.layers[0].kernel, w1, sizeof w1);
    memcpy(net.layers[0].bias, b1, sizeof b1);
    memcpy(net.layers[1].kernel, w2, sizeof w2);
    memcpy(net.layers[1].bias, b2, sizeof b2);
    float x[3] = {0.5f, 1.0f, 0.25f}, sal[3], scratch[64], acts[8];
    // Hidden pre-activations 2.25 and 0.35, both on: d logit0 / dx = W1 (1, -1).
    inspect_saliency(&net, x, 0, sal, scratch);
    CHECK(fabsf(sal[0] - 1.0f) < 1e-6f && fabsf(sal[1] - 1.5f) < 1e-6f &&
              fabsf(sal[2] + 0.5f) < 1e-6f,
          "hand-worked saliency (1, 1.5, -0.5): got (%g, %g, %g)", sal[0], sal[1], sal[2]);
    inspect_forward(&net, x, acts);
    CHECK(fabsf(acts[0] - 2.25f) < 1e-6f && fabsf(acts[1] - 0.35f) < 1e-6f, "hidden activations");
    CHECK(fabsf(acts[2] + acts[3] - 1.0f) < 1e-6f, "probabilities after the hidden layer");
    // Switch unit 1 off: its path must stop counting.
    net.layers[0].bias[1] = -5.0f;
    inspect_saliency(&net, x, 0, sal, scratch);
    CHECK(fabsf(sal[0] - 0.5f) < 1e-6f && fabsf(sal[1] - 2.0f) < 1e-6f &&
              fabsf(sal[2] + 0.25f) < 1e-6f,
          "gated saliency (0.5, 2, -0.25): got (%g, %g, %g)", sal[0], sal[1], sal[2]);
    inspect_forward(&net, x, acts);
    CHECK(inspect_zero_units(&net, acts, 0) == 1, "one unit switched off");
    // Where there is no ink, the gradient still says what ink would do.
    float g[3];
    x[0] = 0.0f;
    inspect_input_gradient(&net, x, 0, g, scratch);
    inspect_saliency(&net, x, 0, sal, scratch);
    CHECK(fabsf(g[0] - 1.0f) < 1e-6f && sal[0] == 0.0f,
          "an empty pixel: gradient 1, saliency 0 (got %g, %g)", g[0], sal[0]);
    mlp_destroy(&net);
}

static void test_finite_differences(void)
{
    size_t sizes[] = {12, 9, 7, 4};
    mlp net;
    mlp_init(&net, sizes, 4, NULL);
    mlp_init_glorot(&net, 11);
    for (size_t l = 0; l < net.n_layers; l++)
        for (size_t o = 0; o < net.layers[l].out; o++)
            net.layers[l].bias[o] = 0.05f * (float)(o % 3);
    float x[12], sal[12], scratch[256], acts[64];
    for (int i = 0; i < 12; i++)
        x[i] = (float)((i * 7) % 10) / 10.0f; // x[0] = 0: no ink there
    double worst = 0;
    for (size_t c = 0; c < 4; c++) {
        inspect_saliency(&net, x, c, sal, scratch);
        for (int i = 0; i < 12; i++) {
            float keep = x[i];
            const float h = 1e-3f;
            x[i] = keep + h;
            double up = logit(&net, x, c, acts);
            x[i] = keep - h;
            double down = logit(&net, x, c, acts);
            x[i] = keep;
            double want = keep * (up - down) / (2.0 * h);
            double err = fabs(want - sal[i]);
            worst = err > worst ? err : worst;
            // The plain gradient too, where there is no ink as well.
            float grad[12];
            inspect_input_gradient(&net, x, c, grad, scratch);
            double gerr = fabs((up - down) / (2.0 * h) - grad[i]);
            worst = gerr > worst ? gerr : worst;
        }
    }
    printf("saliency vs finite differences: worst abs error %.2e\n", worst);
    CHECK(worst < 1e-3, "saliency matches finite differences (%g)", worst);
    mlp_destroy(&net);
}

static void test_colors(void)
{
    uint8_t c[3];
    inspect_color(0.0f, 1.0f, c);
    CHECK(c[0] == 24 && c[1] == 24 && c[2] == 28, "zero is near-black");
    inspect_color(2.0f, 2.0f, c);
    CHECK(c[0] == 255 && c[1] == 120 && c[2] == 40, "+scale is orange-red");
    inspect_color(-5.0f, 2.0f, c);
    CHECK(c[0] == 40 && c[1] == 90 && c[2] == 255, "below -scale clamps to blue");
    inspect_color(0.5f, 1.0f, c);
    CHECK(c[0] == 140 && c[1] == 72 && c[2] == 34, "half way is linear: %u %u %u", c[0], c[1], c[2]);
    inspect_color(NAN, 1.0f, c);
    CHECK(c[2] == 255 || c[0] == 255, "NaN gets an end colour, not garbage");

    size_t sizes[] = {4, 2, 2};
    mlp net;
    mlp_init(&net, sizes, 3, NULL);
    const float w1[] = {0.5f, 0, -1.0f, 0, 0.25f, 0, 0, 0}; // unit 0: 0.5, -1, 0.25, 0
    memcpy(net.layers[0].kernel, w1, sizeof w1);
    uint8_t tile[4 * 4];
    float scale = inspect_weight_tile(&net, 0, 2, 2, tile);
    CHECK(scale == 1.0f, "tile scale is the largest |weight|");
    CHECK(tile[4] == 40 && tile[6] == 255 && tile[7] == 255, "weight -1 is full blue, opaque");
    CHECK(tile[12] == 24 && tile[13] == 24, "weight 0 is the zero colour");
    mlp_destroy(&net);
}

int main(void)
{
    test_hand_worked();
    test_finite_differences();
    test_colors();
    return check_summary();
}
