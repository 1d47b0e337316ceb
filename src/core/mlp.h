/* mlp.h: a multilayer perceptron of dense layers.
 *
 * Hidden layers use ReLU unless set otherwise (linear, sigmoid or tanh;
 * mlp_set_activation), the last layer softmax. Every parameter lives in
 * one float block (`params`); `layers[l].kernel` and `layers[l].bias` point
 * into it. Gradients and the optimiser's moments are float blocks of the
 * same length and layout, so `mlp_offsets` finds a layer's slice in any of
 * them, and the optimiser update is one flat loop.
 *
 * Kernels are stored as Keras stores a Dense kernel: row = input unit,
 * column = output unit, (in, out) row-major. */
#ifndef DIGITPAD_MLP_H
#define DIGITPAD_MLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rng.h"    // dp_rng, used by mlp_init_glorot
#include "sparse.h" // mlp_sparse_batch, for the sparse passes below

/* Documented caps (docs/model-format.md): a model with more layers, more
 * units in one layer or more parameters in all is refused. */
#define MLP_MAX_LAYERS 16
#define MLP_MAX_UNITS 4096
#define MLP_MAX_PARAMS ((size_t)64 * 1024 * 1024)

/* A layer's activation. Hidden layers take any but softmax (ReLU unless
 * set otherwise); the last layer is always softmax, whose gradient comes
 * fused with the cross-entropy's. */
typedef enum mlp_activation {
    MLP_ACT_RELU,    // max(0, x)
    MLP_ACT_SOFTMAX, // the last layer's
    MLP_ACT_LINEAR,  // x: without it a stack of layers is still one straight line
    MLP_ACT_SIGMOID, // 1 / (1 + e^-x)
    MLP_ACT_TANH,    // tanh x
} mlp_activation;

/* Keras's name for act: "relu", "softmax", "linear", "sigmoid", "tanh". */
const char *mlp_activation_name(mlp_activation act);
/* The activation called name (Keras's names above); false when none is. */
bool mlp_activation_from_name(const char *name, mlp_activation *act);
/* Whether act may be a hidden layer's activation: all but softmax. */
bool mlp_activation_is_hidden(mlp_activation act);

typedef struct mlp_layer {
    size_t in, out;
    mlp_activation act;
    float *kernel; // (in, out)
    float *bias;   // (out)
} mlp_layer;

typedef struct mlp {
    size_t n_layers;
    size_t sizes[MLP_MAX_LAYERS + 1]; // sizes[0] = inputs, sizes[n_layers] = outputs
    size_t n_params;
    float *params;                    // (n_params), owned
    mlp_layer layers[MLP_MAX_LAYERS]; // views into params
} mlp;

/* Where layer l's kernel and bias start inside any block of n_params floats. */
typedef struct mlp_offsets {
    size_t kernel, bias;
} mlp_offsets;

/* n zeroed floats starting on a 64-byte cache line, so that the vector
 * loads of a 128-float kernel row never straddle two lines (a 15 % slower
 * Adam step when they did); free() releases them. NULL when out of memory
 * or n is 0. */
float *dp_floats(size_t n);

/* Creates a network with sizes[0] inputs and n_sizes-1 dense layers (ReLU for
 * all but the last, softmax for the last). Parameters are zeroed; call
 * mlp_init_glorot for Keras's initialisation. On failure (sizes out of the
 * caps, out of memory) returns false and leaves nothing to free. */
bool mlp_init(mlp *net, const size_t *sizes, size_t n_sizes, dp_error *err);

/* Frees the parameter block. Safe on a zeroed struct. */
void mlp_destroy(mlp *net);

/* Sets hidden layer `layer`'s activation (0 .. n_layers-2); act must be a
 * hidden one (mlp_activation_is_hidden). Parameters are left alone. */
bool mlp_set_activation(mlp *net, size_t layer, mlp_activation act, dp_error *err);
/* The same for every hidden layer. */
bool mlp_set_hidden_activation(mlp *net, mlp_activation act, dp_error *err);

/* Keras's defaults: Glorot-uniform kernels (limit sqrt(6 / (in + out))) and
 * zero biases, from a deterministic generator seeded with seed. */
void mlp_init_glorot(mlp *net, uint64_t seed);

/* Makes dst an independent copy of src, activations included (dst must be
 * uninitialised or destroyed). */
bool mlp_clone(mlp *dst, const mlp *src, dp_error *err);

/* Copies parameters (and the layers' activations) between two networks of
 * the same shape. */
void mlp_copy_params(mlp *dst, const mlp *src);

/* True when a and b have the same layer sizes. */
bool mlp_same_shape(const mlp *a, const mlp *b);

mlp_offsets mlp_layer_offsets(const mlp *net, size_t layer);

/* Largest layer width, for sizing scratch buffers. */
size_t mlp_max_width(const mlp *net);

/* Layer functions. Outputs first, sizes last; inputs are (batch, in),
 * outputs (batch, out), all row-major. Backward functions accumulate into
 * the gradient buffers (dkernel, dbias) and overwrite dinp. */
void dense_forward(float *out, const float *inp, const float *kernel, const float *bias,
                   size_t batch, size_t in, size_t out_n);
void dense_backward(float *dinp, float *dkernel, float *dbias, const float *dout,
                    const float *inp, const float *kernel, size_t batch, size_t in, size_t out_n);
/* One sample: out (out_n) = inp (in) . kernel + bias, skipping zero inputs.
 * A drawing is mostly background and ReLU zeroes more than half of the
 * hidden units, so most rows of the kernel need not be read at all. */
void dense_forward_one(float *out, const float *inp, const float *kernel, const float *bias,
                       size_t in, size_t out_n);
void relu_forward(float *out, const float *inp, size_t n);
/* dinp = dout where the ReLU's output was positive, else 0. */
void relu_backward(float *dinp, const float *dout, const float *out, size_t n);
/* The same in place: d = 0 where the ReLU's output was not positive. */
void relu_gate(float *d, const float *out, size_t n);
/* out = act(inp) over n values (in place when out == inp), for a hidden
 * activation. */
void activation_forward(mlp_activation act, float *out, const float *inp, size_t n);
/* In place: d (d loss / d a layer's output, n values) becomes d loss / d its
 * input, given out = act(input): gated by ReLU, times 1 for linear, y (1 -
 * y) for sigmoid, 1 - y^2 for tanh. */
void activation_backward(mlp_activation act, float *d, const float *out, size_t n);
/* Row-wise numerically stable softmax, (batch, n). */
void softmax_forward(float *probs, const float *logits, size_t batch, size_t n);
/* Fused softmax + sparse categorical cross-entropy. Given probs (batch, n)
 * and labels, writes dlogits = (probs - onehot) * scale and returns the sum
 * of -log p[label] over the batch. */
double softmax_xent_backward(float *dlogits, const float *probs, const uint8_t *labels,
                             size_t batch, size_t n, float scale);

/* Scratch for batched forward and backward passes of one network. */
typedef struct mlp_workspace {
    size_t max_batch;
    float *acts[MLP_MAX_LAYERS + 1]; // acts[l+1]: (max_batch, sizes[l+1]); acts[0] unused (input)
    float *delta[2];                 // ping-pong (max_batch, max width)
    float *block;
} mlp_workspace;

bool mlp_workspace_init(mlp_workspace *ws, const mlp *net, size_t max_batch, dp_error *err);
void mlp_workspace_destroy(mlp_workspace *ws);

/* Forward pass of a batch; returns the (batch, outputs) probabilities inside ws. */
const float *mlp_forward(const mlp *net, mlp_workspace *ws, const float *x, size_t batch);

/* Backward pass after mlp_forward on the same x: accumulates the gradient of
 * the mean cross-entropy over the batch into grads (n_params, same layout as
 * params). Returns the summed loss; counts correct top-1 answers into *correct
 * if not NULL. The input gradient of the first layer is never computed. */
double mlp_backward(const mlp *net, mlp_workspace *ws, float *grads, const float *x,
                    const uint8_t *labels, size_t batch, size_t *correct);

/* mlp_forward and mlp_backward with the first layer's input given sparse. */
const float *mlp_forward_sparse(const mlp *net, mlp_workspace *ws, const mlp_sparse_batch *x);
double mlp_backward_sparse(const mlp *net, mlp_workspace *ws, float *grads,
                           const mlp_sparse_batch *x, const uint8_t *labels, size_t *correct);
/* mlp_backward_sparse but for the first layer's kernel gradient: stores the
 * summed loss in *loss and returns d loss / d (the first layer's output
 * before its activation), (batch, sizes[1]) inside ws, from which the caller
 * makes that gradient its own way (train.c applies Adam to each row of it as
 * it is made). */
const float *mlp_backward_sparse_upper(const mlp *net, mlp_workspace *ws, float *grads,
                                      const mlp_sparse_batch *x, const uint8_t *labels,
                                      size_t *correct, double *loss);

/* One input (sizes[0] floats) to probabilities (sizes[n_layers] floats).
 * scratch must hold 2 * mlp_max_width(net) floats. Allocation-free. */
void mlp_predict(const mlp *net, const float *x, float *probs, float *scratch);

/* One layer of one input: out (L->out) = activation(inp . kernel + bias). */
void mlp_layer_forward_one(const mlp_layer *L, float *out, const float *inp);

/* Sets how many threads the BLAS library may use (1 at batch 32 is fastest
 * here and makes training reproducible bit for bit). No-op without OpenBLAS.
 * Returns a short description of the BLAS in use ("OpenBLAS 0.3.21"). */
const char *mlp_blas_threads(int n);

/* Index of the largest of n values. */
size_t argmax(const float *v, size_t n);

#endif
