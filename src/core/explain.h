/* explain.h: the article's arithmetic, worked out with the network's own
 * numbers.
 *
 * The Keras MNIST article says what the network does in words: each unit
 * computes (input1 x weight1) + ... + (input784 x weight784) + bias, ReLU
 * turns negatives into 0, the output layer's ten scores go through softmax
 * into probabilities that sum to 1, training minimises sparse categorical
 * cross-entropy, pixels arrive as value / 255. These plain functions compute
 * each of those steps for one input, in the same float arithmetic as the
 * forward pass (mlp_predict, inspect_forward) and training
 * (softmax_xent_backward), so the numbers a view shows are the ones the
 * network used. None allocates; none prints.
 *
 * Layers are numbered as the window's events number them: layer 0 is the
 * input (the pixels), layer l (1 to n_layers) is the l-th dense layer, whose
 * inputs are layer l-1's outputs. */
#ifndef DIGITPAD_EXPLAIN_H
#define DIGITPAD_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mlp.h"

/* Largest contributions kept by explain_neuron. */
#define EXPLAIN_MAX_TOP 32

/* One input's part in a unit's sum. row and col place a first-layer input
 * in the image (input = row * width + col); for deeper layers they are 0
 * and input is the unit of the layer below. */
typedef struct explain_term {
    size_t input;
    size_t row, col;
    float value;   // the input's value (a pixel / 255 for layer 1)
    float weight;  // kernel[input][unit]
    float product; // value * weight, as the forward pass multiplies it
} explain_term;

/* One unit of one layer, worked out for one input. */
typedef struct explain_neuron {
    size_t layer, unit;     // layer 1..n_layers, unit 0..sizes[layer]-1
    size_t n_inputs;        // sizes[layer - 1]
    mlp_activation act;     // the activation applied after the sum
    float bias;
    double products_sum;    // sum of every input x weight, without the bias
    float pre_activation;   // bias + that sum, in the forward pass's own float
                            // order (bias first, then inputs in order): the
                            // "sum" of the window's neuron event
    float output;           // after the activation: what the layer above gets
    size_t n_nonzero;       // inputs that are not 0 (only these contribute)
    size_t n_top;           // entries in top
    explain_term top[EXPLAIN_MAX_TOP]; // largest |product| first
} explain_neuron;

/* Floats of scratch that explain_neuron and explain_logits need. */
size_t explain_scratch_floats(const mlp *net);

/* Works out unit `unit` of layer `layer` (1-based) for the network input x
 * (sizes[0] floats): runs x through layers 1..layer-1, then for this unit
 * keeps the k largest contributions by |input x weight| (k at most
 * EXPLAIN_MAX_TOP; ties by lower input first), their total, the bias, the
 * value before the activation and the output after it. The output is the
 * forward pass's own (for the softmax layer it depends on every unit's
 * score: it is the unit's probability). width is the input image's width
 * (28) for the pixels' row and column, 0 if the input is no image.
 * products, when not NULL, receives all sizes[layer-1] products (the
 * "product image" of a first-layer unit). scratch holds
 * explain_scratch_floats(net) floats. Returns false, with a message, when
 * layer or unit is out of range. */
bool explain_neuron_compute(const mlp *net, const float *x, size_t layer, size_t unit, size_t k,
                            size_t width, float *products, explain_neuron *out, float *scratch,
                            dp_error *err);

/* The output layer's raw scores (logits, before softmax) for x: logits
 * receives sizes[n_layers] floats, computed as mlp_predict computes them.
 * scratch as for explain_neuron_compute. */
void explain_logits(const mlp *net, const float *x, float *logits, float *scratch);

/* Softmax worked out. To keep exp from overflowing, every score is first
 * shifted by the largest one (z - max), which changes no probability:
 * exps[i] = exp(logits[i] - max), total = their sum, probs[i] = exps[i] /
 * total, computed as softmax_forward computes it (a multiply by 1 / total),
 * so probs is bit for bit what mlp_predict returns. Returns the shifted
 * exponentials' total; writes the max to *max if not NULL. */
float explain_softmax(const float *logits, size_t n, float *exps, float *probs, float *max);

/* The loss of one input for a chosen label: -log p[label], the sparse
 * categorical cross-entropy of one sample, with p clipped below at 1e-7 as
 * Keras (and training here) clips it. Equal to what
 * softmax_xent_backward adds up for that sample. label < n. */
double explain_loss(const float *probs, size_t n, size_t label);

/* The loss and accuracy of a network that knows nothing: a uniform guess
 * over n classes scores -log(1/n) = log n (2.3026 for ten digits) and is
 * right 1/n of the time (10 %), where a curve's epoch 0 starts. */
double explain_chance_loss(size_t n);
double explain_chance_accuracy(size_t n);

/* The unit of dense layer `layer` (1-based, a hidden layer) with the
 * largest output in acts (as inspect_forward writes them), lowest index on
 * ties: the neuron view's default. */
size_t explain_most_active_unit(const mlp *net, const float *acts, size_t layer);

/* A pixel as the network gets it: byte value (0-255) times the model's
 * input scale (1/255 for MNIST), rounded to float as training rounds it
 * (for scale 1/255 the very float of value / 255.0f, as dataset_batch). */
float explain_pixel_input(uint8_t value, double scale);

/* The reverse, for a drawn pixel (which need not be a whole byte value):
 * the 0-255 value that input x stands for, x / scale. */
double explain_pixel_value(float x, double scale);

/* The activation's name as the views print it: "ReLU", "softmax",
 * "linear", "sigmoid", "tanh" (mlp_activation_name has Keras's spelling). */
const char *explain_activation_name(mlp_activation act);

/* What the activation does to the value before it, in a few words
 * ("max(0, x): a negative value becomes 0"), for the step "-> output". */
const char *explain_activation_rule(mlp_activation act);

/* ---- the network as a diagram ------------------------------------------ */

/* One weight of a dense layer: kernel[from][to], from an input of the layer
 * (a unit of the layer below, or a pixel) to one of its units. */
typedef struct explain_edge {
    uint32_t from, to;
    float weight;
} explain_edge;

/* Every unit: explain_strongest_weights over the whole layer. */
#define EXPLAIN_ALL_UNITS SIZE_MAX

/* The k weights of layer L with the largest magnitude |w|, largest first
 * (ties: the lower from, then the lower to, first): the strongest
 * connections a diagram draws as edges. With to_unit < L->out only that
 * unit's incoming weights compete; with EXPLAIN_ALL_UNITS all
 * L->in x L->out. out holds k edges; returns how many were written (k, or
 * fewer when there are fewer weights). Weights that are 0 are never
 * strong: they are left out. */
size_t explain_strongest_weights(const mlp_layer *L, size_t to_unit, size_t k, explain_edge *out);

#endif
