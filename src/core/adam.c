/* adam.c: Adam's constants and its flat update loop. */
#include <math.h>

#include "adam.h"
#include "simd.h"

adam_step adam_constants(float lr, float beta_1, float beta_2, float eps, uint64_t t)
{
    double td = (double)t;
    adam_step a = {
        .alpha = (float)(lr * sqrt(1.0 - pow(beta_2, td)) / (1.0 - pow(beta_1, td))),
        .beta_1 = beta_1,
        .beta_2 = beta_2,
        .one_b1 = 1.0f - beta_1,
        .one_b2 = 1.0f - beta_2,
        .eps = eps,
    };
    return a;
}

/* The update is memory- and divide-bound: wider vectors pay off directly. */
DP_MULTIVERSION
void adam_apply(float *restrict params, float *restrict grads, float *restrict m,
                float *restrict v, size_t n, const adam_step *a)
{
    adam_step s = *a; // a local copy: the stores to params cannot change it
    for (size_t i = 0; i < n; i++) {
        adam_one(&params[i], &m[i], &v[i], grads[i], &s);
        grads[i] = 0.0f; // ready for the next batch's accumulation
    }
}

void adam_update(float *restrict params, float *restrict grads, float *restrict m,
                 float *restrict v, size_t n, float lr, float beta_1, float beta_2, float eps,
                 uint64_t t)
{
    adam_step a = adam_constants(lr, beta_1, beta_2, eps, t);
    adam_apply(params, grads, m, v, n, &a);
}
