/* inspect.h: looking inside a network, for the window's views.
 *
 * Plain functions over a network and one input: every hidden unit's
 * activation, which input pixels pushed a class's score up or down, and the
 * first layer's weights as colour tiles. None allocates. */
#ifndef DIGITPAD_INSPECT_H
#define DIGITPAD_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlp.h"

/* Total of the hidden layers' widths plus the output width: how many floats
 * inspect_forward writes. */
size_t inspect_units(const mlp *net);

/* Runs x through the network keeping every layer's output: acts receives
 * hidden layer 1's ReLU outputs, then hidden layer 2's, ..., then the
 * softmax probabilities (inspect_units(net) floats in all). */
void inspect_forward(const mlp *net, const float *x, float *acts);

/* Number of units at exactly zero in hidden layer l (0-based) of acts as
 * written by inspect_forward: ReLU's "switched off" count. */
size_t inspect_zero_units(const mlp *net, const float *acts, size_t layer);

/* Offset of hidden layer l's activations inside acts. */
size_t inspect_layer_offset(const mlp *net, size_t layer);

/* The gradient of class cls's logit with respect to each input:
 * out[i] = d logit / d x[i]. Unlike the saliency below it is not zero where
 * there is no ink: it shows where ink *would* raise or lower the class
 * (the empty gap at the top of a 4, for one). scratch as for saliency. */
void inspect_input_gradient(const mlp *net, const float *x, size_t cls, float *out,
                            float *scratch);

/* Gradient x input saliency of class cls's score (its logit, before
 * softmax) with respect to each input: out[i] = x[i] * d logit / d x[i].
 * Positive values pushed the class up, negative pulled it down. scratch
 * must hold 4 * mlp_max_width(net) + inspect_units(net) floats. */
void inspect_saliency(const mlp *net, const float *x, size_t cls, float *out, float *scratch);

/* Colours a weight (or saliency) value on the diverging map used across
 * the views: t = clamp(v / scale, -1, 1); negative is blue (t = -1 is
 * (40, 90, 255)), zero is near-black (24, 24, 28) and positive is orange-red
 * (t = 1 is (255, 120, 40)), linear in between. Writes r, g, b. */
void inspect_color(float v, float scale, uint8_t rgb[3]);

/* Unit u's incoming weights in layer 0 as a (height, width) RGBA tile
 * (4 bytes per pixel, alpha 255), coloured by inspect_color with the scale
 * being the largest |weight| of that unit. Returns that scale. */
float inspect_weight_tile(const mlp *net, size_t unit, size_t height, size_t width, uint8_t *rgba);

#endif
