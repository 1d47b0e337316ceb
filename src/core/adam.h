/* adam.h: the Adam optimiser, as Keras applies it.
 *
 * With t counted from 1:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 * The settings are floats here, as TensorFlow computes with them; the
 * decimals a run was asked for are kept as doubles by whoever records them
 * (train_config, model_meta). */
#ifndef DIGITPAD_ADAM_H
#define DIGITPAD_ADAM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Adam's constants for one step. */
typedef struct adam_step {
    float alpha, beta_1, beta_2, one_b1, one_b2, eps;
} adam_step;

/* The constants for step t (counted from 1): alpha = lr * sqrt(1 - b2^t) /
 * (1 - b1^t), worked out in double and rounded once. */
adam_step adam_constants(float lr, float beta_1, float beta_2, float eps, uint64_t t);

/* One parameter's update: the single statement of Adam's arithmetic, so
 * every loop that updates parameters (adam_apply, the sparse first layer's
 * fused sweep) computes the same bits. */
static inline __attribute__((always_inline)) void adam_one(float *p, float *m, float *v, float g,
                                                           const adam_step *a)
{
    float mi = a->beta_1 * *m + a->one_b1 * g;
    float vi = a->beta_2 * *v + a->one_b2 * g * g;
    *m = mi;
    *v = vi;
    *p -= a->alpha * mi / (sqrtf(vi) + a->eps);
}

/* Updates n parameters in one flat loop (vectorised for the best vector
 * unit); grads is read and left zeroed, ready for the next batch to
 * accumulate into. */
void adam_apply(float *restrict params, float *restrict grads, float *restrict m,
                float *restrict v, size_t n, const adam_step *a);

/* adam_constants then adam_apply. */
void adam_update(float *restrict params, float *restrict grads, float *restrict m,
                 float *restrict v, size_t n, float lr,
                 float beta_1, float beta_2, float eps, uint64_t t);

#endif
