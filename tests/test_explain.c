/* test_explain: one neuron's arithmetic, softmax, the loss and the pixel
 * scale against hand-worked values, and against the forward pass and
 * training's loss for the bundled model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "explain.h"
#include "inspect.h"
#include "mlp.h"
#include "model_file.h"

#include "check.h"

/* 3 inputs -> 2 hidden (ReLU) -> 2 outputs (softmax), every number exact in
 * binary so the hand-worked sums are exact too. */
static void hand_net(mlp *net)
{
    size_t sizes[] = {3, 2, 2};
    mlp_init(net, sizes, 3, NULL);
    // kernel (in, out): unit 0's weights are 1, 2, -1; unit 1's -1, 0.5, 1.
    const float w1[] = {1, -1, 2, 0.5f, -1, 1}, b1[] = {0, -0.75f};
    const float w2[] = {1, 2, -1, 0.5f}, b2[] = {0, 0};
    memcpy(net->layers[0].kernel, w1, sizeof w1);
    memcpy(net->layers[0].bias, b1, sizeof b1);
    memcpy(net->layers[1].kernel, w2, sizeof w2);
    memcpy(net->layers[1].bias, b2, sizeof b2);
}

static void test_hand_neuron(void)
{
    mlp net;
    hand_net(&net);
    const float x[3] = {0.5f, 1.0f, 0.25f};
    float scratch[64], products[3];
    explain_neuron n;
    dp_error err;

    // Unit 0: 0.5*1 + 1*2 + 0.25*(-1) = 2.25, + bias 0 = 2.25, ReLU keeps it.
    CHECK(explain_neuron_compute(&net, x, 1, 0, 3, 0, products, &n, scratch, &err), "unit 0");
    CHECK(n.products_sum == 2.25 && n.bias == 0.0f && n.pre_activation == 2.25f &&
              n.output == 2.25f,
          "unit 0: sum 2.25 + 0 = 2.25 -> 2.25 (got %g + %g = %g -> %g)", n.products_sum, n.bias,
          n.pre_activation, n.output);
    CHECK(products[0] == 0.5f && products[1] == 2.0f && products[2] == -0.25f,
          "unit 0's products 0.5, 2, -0.25");
    CHECK(n.n_top == 3 && n.top[0].input == 1 && n.top[1].input == 0 && n.top[2].input == 2,
          "largest |product| first: inputs 1, 0, 2");
    CHECK(n.top[0].value == 1.0f && n.top[0].weight == 2.0f && n.top[0].product == 2.0f,
          "top term 1 x 2 = 2");
    CHECK(n.act == MLP_ACT_RELU && !strcmp(explain_activation_name(n.act), "ReLU"), "ReLU named");

    // Unit 1: -0.5 + 0.5 + 0.25 = 0.25, + bias -0.75 = -0.5, negative -> 0.
    // Two products tie at |0.5|: the lower input comes first; k = 2 keeps two.
    CHECK(explain_neuron_compute(&net, x, 1, 1, 2, 0, NULL, &n, scratch, &err), "unit 1");
    CHECK(n.products_sum == 0.25 && n.bias == -0.75f && n.pre_activation == -0.5f &&
              n.output == 0.0f,
          "unit 1: 0.25 - 0.75 = -0.5 -> 0 (got %g, %g, %g)", n.products_sum, n.pre_activation,
          n.output);
    CHECK(n.n_top == 2 && n.top[0].input == 0 && n.top[0].product == -0.5f &&
              n.top[1].input == 1 && n.top[1].product == 0.5f,
          "k = 2: inputs 0 (-0.5) and 1 (+0.5)");

    // Output unit 1 sees hidden (2.25, 0): score 2.25 * 2 = 4.5, and its
    // probability 1 / (1 + e^(2.25 - 4.5)) = 0.904650535.
    CHECK(explain_neuron_compute(&net, x, 2, 1, 4, 0, NULL, &n, scratch, &err), "output unit 1");
    CHECK(n.n_inputs == 2 && n.n_nonzero == 1 && n.n_top == 1 && n.top[0].input == 0,
          "only the hidden unit that is on contributes");
    CHECK(n.pre_activation == 4.5f && n.act == MLP_ACT_SOFTMAX, "score 4.5 (got %g)",
          n.pre_activation);
    CHECK(fabsf(n.output - 0.904650535f) < 1e-6f, "probability 0.90465 (got %.9g)", n.output);

    // Image coordinates for a first-layer input: 3 pixels in rows of 2.
    CHECK(explain_neuron_compute(&net, x, 1, 0, 1, 2, NULL, &n, scratch, &err) &&
              n.top[0].row == 0 && n.top[0].col == 1,
          "input 1 of a 2-wide image is row 0, column 1");

    CHECK(!explain_neuron_compute(&net, x, 3, 0, 1, 0, NULL, &n, scratch, &err) &&
              strstr(err.msg, "layer 3"),
          "layer out of range refused (%s)", err.msg);
    CHECK(!explain_neuron_compute(&net, x, 1, 2, 1, 0, NULL, &n, scratch, &err) &&
              strstr(err.msg, "unit 2"),
          "unit out of range refused (%s)", err.msg);
    CHECK(!explain_neuron_compute(&net, x, 0, 0, 1, 0, NULL, &n, scratch, &err),
          "layer 0 (the pixels) has no neuron");

    float logits[2], exps[2], probs[2], fwd[2], mx;
    explain_logits(&net, x, logits, scratch);
    CHECK(logits[0] == 2.25f && logits[1] == 4.5f, "logits 2.25, 4.5");
    float total = explain_softmax(logits, 2, exps, probs, &mx);
    CHECK(mx == 4.5f && exps[1] == 1.0f && fabsf(total - 1.10539922f) < 1e-6f,
          "shifted by the max: exp 0.1054, 1; total 1.1054 (got %g)", total);
    mlp_predict(&net, x, fwd, scratch);
    CHECK(!memcmp(fwd, probs, sizeof probs), "softmax worked out = mlp_predict, bit for bit");
    mlp_destroy(&net);
}

/* Any hidden activation: the output after it is the layer's own, named. */
static void test_activations(void)
{
    mlp net;
    hand_net(&net);
    const float x[3] = {0.5f, 1.0f, 0.25f};
    float scratch[64];
    explain_neuron n0, n1;
    dp_error err;
    // Unit 0's value before the activation is 2.25, unit 1's -0.5.
    const struct {
        mlp_activation act;
        const char *name;
        double out0, out1;
    } cases[] = {
        {MLP_ACT_RELU, "ReLU", 2.25, 0.0},
        {MLP_ACT_LINEAR, "linear", 2.25, -0.5},
        {MLP_ACT_SIGMOID, "sigmoid", 0.904650535, 0.377540669},
        {MLP_ACT_TANH, "tanh", 0.978026115, -0.462117157},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        CHECK(mlp_set_activation(&net, 0, cases[c].act, &err), "set %s", cases[c].name);
        explain_neuron_compute(&net, x, 1, 0, 3, 0, NULL, &n0, scratch, &err);
        explain_neuron_compute(&net, x, 1, 1, 3, 0, NULL, &n1, scratch, &err);
        CHECK(n0.act == cases[c].act && !strcmp(explain_activation_name(n0.act), cases[c].name),
              "%s named", cases[c].name);
        CHECK(n0.pre_activation == 2.25f && n1.pre_activation == -0.5f,
              "%s: the values before it do not change", cases[c].name);
        CHECK(fabs(n0.output - cases[c].out0) < 1e-6 && fabs(n1.output - cases[c].out1) < 1e-6,
              "%s: 2.25 -> %g (got %g), -0.5 -> %g (got %g)", cases[c].name, cases[c].out0,
              n0.output, cases[c].out1, n1.output);
        CHECK(strlen(explain_activation_rule(cases[c].act)) > 3, "%s has a rule", cases[c].name);
        // The forward pass agrees.
        float acts[4];
        inspect_forward(&net, x, acts);
        CHECK(acts[0] == n0.output && acts[1] == n1.output, "%s: as inspect_forward",
              cases[c].name);
    }
    mlp_destroy(&net);
}

/* Every unit of a deeper random network with other activations. */
static void test_deep_units(void)
{
    size_t sizes[] = {20, 9, 7, 4};
    mlp net;
    mlp_init(&net, sizes, 4, NULL);
    mlp_init_glorot(&net, 3);
    dp_error err;
    mlp_set_activation(&net, 0, MLP_ACT_TANH, &err);
    mlp_set_activation(&net, 1, MLP_ACT_SIGMOID, &err);
    for (size_t p = 0; p < net.n_params; p++)
        net.params[p] += 0.01f * (float)(p % 5);
    float x[20], acts[20], scratch[256];
    for (int i = 0; i < 20; i++)
        x[i] = i % 3 ? (float)i / 20.0f : 0.0f;
    inspect_forward(&net, x, acts);
    size_t off = 0, differ = 0;
    for (size_t l = 1; l <= net.n_layers; l++) {
        for (size_t u = 0; u < net.sizes[l]; u++) {
            explain_neuron n;
            explain_neuron_compute(&net, x, l, u, 5, 0, NULL, &n, scratch, &err);
            differ += n.output != acts[off + u];
            differ += fabs(n.products_sum + n.bias - n.pre_activation) > 1e-5;
        }
        off += net.sizes[l];
    }
    CHECK(differ == 0, "20-9(tanh)-7(sigmoid)-4: every unit as the forward pass (%zu differ)",
          differ);
    mlp_destroy(&net);
}

/* The article's kind of scores, worked out by hand (with a calculator):
 * max 8.7; exp(z - 8.7) sum to 1.32115689. */
static void test_softmax_by_hand(void)
{
    const float z[10] = {1.2f, 0.5f, 8.7f, 2.0f, -1.0f, 0.0f, 3.1f, 4.4f, 0.9f, 7.5f};
    const double want_exp[10] = {0.000553084, 0.000274654, 1.0, 0.001230911, 6.1283e-05,
                                 0.000166586, 0.003697864, 0.013568559, 0.000409735,
                                 0.301194212};
    const double want_p[10] = {0.000418636, 0.000207890, 0.756912, 0.000931690, 4.6386e-05,
                               0.000126091, 0.002798955, 0.010270200, 0.000310134, 0.227978};
    float exps[10], p[10], ref[10], mx;
    float total = explain_softmax(z, 10, exps, p, &mx);
    CHECK(mx == 8.7f, "max is 8.7");
    CHECK(fabs(total - 1.32115689) < 1e-6, "total 1.321157 (got %.7f)", total);
    double sum = 0, worst = 0;
    for (int i = 0; i < 10; i++) {
        sum += p[i];
        double e = fabs(exps[i] - want_exp[i]) + fabs(p[i] - want_p[i]);
        worst = e > worst ? e : worst;
    }
    CHECK(worst < 2e-6, "each exp and probability as worked by hand (worst %g)", worst);
    CHECK(fabs(sum - 1.0) < 1e-6, "probabilities sum to 1 (%.9f)", sum);
    softmax_forward(ref, z, 1, 10);
    CHECK(!memcmp(ref, p, sizeof p), "the same bits as softmax_forward");
}

static void test_loss(void)
{
    const float p[4] = {0.25f, 0.5f, 0.25f, 0.0f};
    CHECK(fabs(explain_loss(p, 4, 1) - 0.69314718) < 1e-7, "-log 0.5 = 0.6931");
    CHECK(fabs(explain_loss(p, 4, 0) - 1.38629436) < 1e-7, "-log 0.25 = 1.3863");
    CHECK(fabs(explain_loss(p, 4, 3) - 16.1180957) < 1e-6, "p = 0 is clipped to 1e-7: 16.118");
    // What training adds up, one sample and one label at a time.
    const float z[10] = {1.2f, 0.5f, 8.7f, 2.0f, -1.0f, 0.0f, 3.1f, 4.4f, 0.9f, 7.5f};
    float probs[10], exps[10], d[10];
    explain_softmax(z, 10, exps, probs, NULL);
    for (uint8_t y = 0; y < 10; y++) {
        double want = softmax_xent_backward(d, probs, &y, 1, 10, 1.0f);
        CHECK(explain_loss(probs, 10, y) == want, "label %u: %g = training's %g", y,
              explain_loss(probs, 10, y), want);
    }
}

static void test_chance_and_default(void)
{
    CHECK(fabs(explain_chance_loss(10) - 2.302585093) < 1e-9, "chance loss ln 10 = 2.3026");
    CHECK(explain_chance_accuracy(10) == 0.1, "chance accuracy 10 %%");
    // Uniform probabilities give exactly that loss, as training counts it.
    float p[10];
    for (int i = 0; i < 10; i++)
        p[i] = 0.1f;
    CHECK(fabs(explain_loss(p, 10, 3) - explain_chance_loss(10)) < 1e-6, "uniform guess");
    mlp net;
    hand_net(&net);
    const float x[3] = {0.5f, 1.0f, 0.25f};
    float acts[4];
    inspect_forward(&net, x, acts); // hidden (2.25, 0)
    CHECK(explain_most_active_unit(&net, acts, 1) == 0, "hidden unit 0 is the most active");
    CHECK(explain_most_active_unit(&net, acts, 2) == 1, "output 1 has the larger probability");
    mlp_destroy(&net);
}

static void test_pixels(void)
{
    int same = 0;
    for (int v = 0; v < 256; v++)
        same += explain_pixel_input((uint8_t)v, 1.0 / 255.0) == (float)v / 255.0f;
    CHECK(same == 256, "scale 1/255: every byte is training's v / 255.0f (%d of 256)", same);
    CHECK(explain_pixel_input(51, 1.0 / 255.0) == 0.2f, "51 -> 0.2");
    CHECK(explain_pixel_input(255, 1.0 / 255.0) == 1.0f, "255 -> 1");
    CHECK(explain_pixel_input(3, 0.3) == 0.9f, "another scale: 3 x 0.3 = 0.9");
    CHECK(fabs(explain_pixel_value(0.2f, 1.0 / 255.0) - 51.0) < 1e-5, "0.2 is 51 of 255");
    CHECK(fabs(explain_pixel_value(0.5f, 1.0 / 255.0) - 127.5) < 1e-9, "0.5 is 127.5 of 255");
}

/* Every unit of the bundled model, on a test digit: the worked-out values are
 * the forward pass's. */
static void test_bundled(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    mlp net;
    model_meta meta;
    dp_error err;
    if (!model_file_load(path, &net, &meta, &err)) {
        CHECK(0, "bundled model: %s", err.msg);
        return;
    }
    float x[784];
    dataset test;
    const char *data = getenv("DIGITPAD_DATA");
    if (data && dataset_load(data, "t10k", &test, &err)) {
        uint8_t y;
        dataset_batch(&test, NULL, 0, 1, x, &y); // test image 0, a 7
        dataset_destroy(&test);
    } else {
        // Without MNIST: a thick diagonal bar stands in for a digit.
        for (int i = 0; i < 784; i++) {
            int r = i / 28, c = i % 28, d = r - c;
            x[i] = r > 4 && r < 24 && d > -3 && d < 3 ? 1.0f - 0.2f * (float)abs(d) : 0.0f;
        }
    }
    size_t nu = inspect_units(&net);
    float *acts = malloc(nu * sizeof *acts);
    float *scratch = malloc(explain_scratch_floats(&net) * sizeof *scratch);
    float logits[10], probs[10], exps[10], fwd[10], products[784];
    inspect_forward(&net, x, acts);
    explain_logits(&net, x, logits, scratch);
    size_t off = 0, mismatch = 0, checked = 0;
    double worst = 0;
    for (size_t l = 1; l <= net.n_layers; l++) {
        for (size_t u = 0; u < net.sizes[l]; u++) {
            explain_neuron n;
            if (!explain_neuron_compute(&net, x, l, u, 10, 28, products, &n, scratch, &err)) {
                mismatch++;
                continue;
            }
            checked++;
            // The same float as the forward pass's activation.
            mismatch += n.output != acts[off + u];
            if (l == net.n_layers)
                mismatch += n.pre_activation != logits[u];
            else
                mismatch += (n.pre_activation > 0 ? n.pre_activation : 0.0f) != acts[off + u];
            // sum of the products + bias = the value before the activation.
            double e = fabs(n.products_sum + n.bias - n.pre_activation);
            worst = e > worst ? e : worst;
            double s = 0;
            for (size_t i = 0; i < n.n_inputs; i++)
                s += products[i];
            mismatch += fabs(s - n.products_sum) > 1e-9;
        }
        off += net.sizes[l];
    }
    CHECK(checked == 138 && mismatch == 0, "every unit of 784-128-10: %zu checked, %zu differ",
          checked, mismatch);
    CHECK(worst < 1e-5, "products' sum + bias = the forward pass's value (worst %.2e)", worst);
    explain_softmax(logits, 10, exps, probs, NULL);
    mlp_predict(&net, x, fwd, scratch);
    CHECK(!memcmp(fwd, probs, sizeof probs), "scores -> probabilities = mlp_predict, bit for bit");
    free(acts);
    free(scratch);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
}

/* The diagram's edges: the strongest weights of the hand network's first
 * layer (1, -1, 2, 0.5, -1, 1 as kernel[in][out]) worked out by hand. */
static void test_strongest_weights(void)
{
    mlp net;
    hand_net(&net);
    const mlp_layer *L = &net.layers[0];
    explain_edge e[8];
    // By |w|: kernel[1][0] = 2, then the four of magnitude 1 by (from, to), then 0.5.
    size_t n = explain_strongest_weights(L, EXPLAIN_ALL_UNITS, 8, e);
    CHECK(n == 6, "six weights, got %zu", n);
    const uint32_t from[] = {1, 0, 0, 2, 2, 1}, to[] = {0, 0, 1, 0, 1, 1};
    const float w[] = {2, 1, -1, -1, 1, 0.5f};
    for (size_t i = 0; i < 6 && i < n; i++)
        CHECK(e[i].from == from[i] && e[i].to == to[i] && e[i].weight == w[i],
              "edge %zu: %u->%u %g, want %u->%u %g", i, e[i].from, e[i].to, (double)e[i].weight,
              from[i], to[i], (double)w[i]);
    // k smaller than the layer keeps the strongest.
    n = explain_strongest_weights(L, EXPLAIN_ALL_UNITS, 2, e);
    CHECK(n == 2 && e[0].weight == 2.0f && e[1].from == 0 && e[1].to == 0, "the two strongest");
    // One unit's incoming weights only: unit 1 has -1, 0.5, 1.
    n = explain_strongest_weights(L, 1, 8, e);
    CHECK(n == 3 && e[0].from == 0 && e[0].weight == -1.0f && e[1].from == 2 &&
              e[2].from == 1 && e[2].weight == 0.5f,
          "unit 1's incoming weights by strength");
    CHECK(explain_strongest_weights(L, 2, 8, e) == 0, "no unit 2");
    // A zero weight is no edge.
    net.layers[0].kernel[1 * 2 + 0] = 0.0f;
    n = explain_strongest_weights(L, 0, 8, e);
    CHECK(n == 2 && e[0].from == 0 && e[1].from == 2, "zero weights left out, got %zu", n);
    mlp_destroy(&net);

    // Ascending weights over a wide layer (every weight pushes the heap):
    // the k strongest, in order.
    size_t sizes[] = {300, 7, 2};
    mlp big;
    mlp_init(&big, sizes, 3, NULL);
    for (size_t i = 0; i < 300 * 7; i++)
        big.layers[0].kernel[i] = (float)(i + 1) * ((i & 1) ? -1.0f : 1.0f);
    explain_edge top[16];
    n = explain_strongest_weights(&big.layers[0], EXPLAIN_ALL_UNITS, 16, top);
    bool ok = n == 16;
    for (size_t i = 0; i < n; i++)
        ok = ok && fabsf(top[i].weight) == (float)(2100 - i) &&
             top[i].from * 7 + top[i].to == 2099 - i;
    CHECK(ok, "the 16 largest of 2100 ascending weights, largest first");
    mlp_destroy(&big);
}

int main(void)
{
    test_hand_neuron();
    test_activations();
    test_deep_units();
    test_softmax_by_hand();
    test_loss();
    test_pixels();
    test_chance_and_default();
    test_bundled();
    test_strongest_weights();
    return check_summary();
}
