/* scoring.c: the drawing's answer (scoring.h). */
#include "scoring.h"

#include "core/explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void scoring_init(scoring *s)
{
    memset(s, 0, sizeof *s);
    s->scored_canvas = s->scored_net = s->scored_preprocess = UINT64_MAX;
}

void scoring_destroy(scoring *s)
{
    free(s->scratch);
    memset(s, 0, sizeof *s);
}

bool scoring_fit(scoring *s, const mlp *net)
{
    size_t need = explain_scratch_floats(net); // at least mlp_predict's 2 x width
    size_t out = net->sizes[net->n_layers];
    s->n_classes = out < SCORING_MAX_CLASSES ? out : SCORING_MAX_CLASSES;
    s->scored_net = UINT64_MAX; // score again with the new network
    if (s->scratch && s->scratch_len >= need)
        return true;
    // Never keep a buffer too small for this network: on failure there is none.
    free(s->scratch);
    s->scratch = malloc(need * sizeof *s->scratch);
    s->scratch_len = s->scratch ? need : 0;
    if (!s->scratch) {
        s->has_guess = false;
        s->sure = false;
    }
    return s->scratch != NULL;
}

float scoring_entropy(const float *p, size_t n)
{
    if (n < 2)
        return 0.0f;
    double h = 0.0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0.0f)
            h -= (double)p[i] * log((double)p[i]);
    return (float)(h / log((double)n));
}

bool scoring_is_sure(const float *p, size_t n)
{
    if (n == 0)
        return false;
    float top = p[argmax(p, n)];
    return top >= SCORING_SURE_MIN_TOP && scoring_entropy(p, n) <= SCORING_SURE_MAX_ENTROPY;
}

size_t scoring_second(const float *p, size_t n, size_t top)
{
    if (n < 2)
        return 0;
    size_t second = top == 0 ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        if (i != top && p[i] > p[second])
            second = i;
    return second;
}

void scoring_apply_scale(const float *img, double scale, float *out, size_t n)
{
    double k = scale * 255.0;
    if (!(scale > 0) || fabs(k - 1.0) < 1e-9) {
        memcpy(out, img, n * sizeof *out);
        return;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (float)((double)img[i] * k);
}

unsigned scoring_update(scoring *s, const canvas *c, const mlp *net, const model_meta *meta,
                        uint64_t net_version)
{
    uint64_t pre = (uint64_t)meta->preprocess;
    bool canvas_changed = c->version != s->scored_canvas;
    bool pre_changed = pre != s->scored_preprocess;
    bool net_changed = net_version != s->scored_net;
    if (!canvas_changed && !net_changed && !pre_changed)
        return SCORING_SAME;
    unsigned out = SCORING_NEW_ANSWER;
    bool had_guess = s->has_guess, was_sure = s->sure;
    size_t old = s->guess;
    if (canvas_changed || pre_changed) {
        canvas_render_raw(c, s->raw);
        bool ink;
        if (meta->preprocess == MODEL_PREPROCESS_MNIST && !c->has_bitmap) {
            ink = canvas_render_mnist(c, s->image);
        } else {
            memcpy(s->image, s->raw, sizeof s->image);
            ink = false;
            for (size_t i = 0; i < CANVAS_N * CANVAS_N && !ink; i++)
                ink = s->image[i] > 0.0f;
        }
        scoring_apply_scale(s->image, meta->scale, s->input, CANVAS_N * CANVAS_N);
        s->has_guess = ink;
        s->input_version++;
        out |= SCORING_NEW_INPUT;
    }
    s->scored_canvas = c->version;
    s->scored_net = net_version;
    s->scored_preprocess = pre;

    if (s->has_guess && s->scratch && net->sizes[0] == CANVAS_N * CANVAS_N) {
        /* The raw scores, then softmax worked out step by step: the same
         * float operations as mlp_predict, so probs are its bits. */
        float logits[MLP_MAX_UNITS], exps[MLP_MAX_UNITS], probs[MLP_MAX_UNITS];
        size_t n_out = net->sizes[net->n_layers];
        explain_logits(net, s->input, logits, s->scratch);
        s->exp_total = explain_softmax(logits, n_out, exps, probs, &s->max_logit);
        memcpy(s->probs, probs, s->n_classes * sizeof *probs);
        memcpy(s->logits, logits, s->n_classes * sizeof *logits);
        memcpy(s->exps, exps, s->n_classes * sizeof *exps);
        s->guess = argmax(s->probs, s->n_classes);
        s->runner_up = scoring_second(s->probs, s->n_classes, s->guess);
        const novelty *nv = meta->not_a_digit;
        s->has_novelty = nv && novelty_fits(nv, net) && s->guess < nv->n_classes;
        if (s->has_novelty) {
            novelty_score(nv, s->input, s->guess, &s->novelty);
            s->sure = !s->novelty.not_a_digit;
        } else {
            memset(&s->novelty, 0, sizeof s->novelty);
            s->sure = scoring_is_sure(s->probs, s->n_classes);
        }
    } else {
        s->has_guess = false;
        s->sure = false;
        s->has_novelty = false;
        memset(&s->novelty, 0, sizeof s->novelty);
        s->guess = s->runner_up = 0;
        memset(s->probs, 0, sizeof s->probs);
        memset(s->logits, 0, sizeof s->logits);
        memset(s->exps, 0, sizeof s->exps);
        s->exp_total = s->max_logit = 0.0f;
    }
    // The prediction event: for a new input, or when the answer's class moved
    // (an empty canvas is said once, not again on every snapshot).
    if ((out & SCORING_NEW_INPUT) && (s->has_guess || had_guess))
        out |= SCORING_ANNOUNCE;
    else if (s->has_guess != had_guess ||
             (s->has_guess && (old != s->guess || was_sure != s->sure)))
        out |= SCORING_ANNOUNCE;
    return out;
}
