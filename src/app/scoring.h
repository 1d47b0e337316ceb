/* scoring.h: the drawing's answer. Renders the canvas into what the
 * network gets (MNIST's normalisation or the canvas as drawn, in the
 * model's input scale), runs the window's network on it and keeps the
 * probabilities, the guess, the runner-up and whether the guess is clear
 * enough to announce. Plain functions, no SDL. */
#ifndef DIGITPAD_APP_SCORING_H
#define DIGITPAD_APP_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "core/mlp.h"
#include "core/model_file.h"
#include "core/novelty.h"

#define SCORING_MAX_CLASSES 16

/* The guess is announced only when its probability is at least this ... */
#define SCORING_SURE_MIN_TOP 0.5f
/* ... and the distribution's normalised entropy at most this. */
#define SCORING_SURE_MAX_ENTROPY 0.55f

typedef struct scoring {
    float raw[CANVAS_N * CANVAS_N];   // the canvas as drawn, [0, 1]
    float image[CANVAS_N * CANVAS_N]; // what the network is given, as a [0, 1] picture
    float input[CANVAS_N * CANVAS_N]; // ... and as its numbers (image in the model's input.scale)
    uint64_t input_version;           // bumps when input changes
    uint64_t scored_canvas, scored_net, scored_preprocess; // what the answer is for
    float probs[SCORING_MAX_CLASSES];
    size_t n_classes;
    bool has_guess;                   // there is ink, and an answer
    size_t guess;                     // argmax of probs
    size_t runner_up;                 // the second most probable class
    bool sure;                        // without a detector scoring_is_sure(probs); with
                                      // one, not novelty.not_a_digit
    // Softmax worked out (explain.h), for the scores panel and event: the
    // raw scores, each exp(z - max), their total; probs[i] = exps[i] / total.
    float logits[SCORING_MAX_CLASSES];
    float exps[SCORING_MAX_CLASSES];
    float exp_total, max_logit;
    // The model's not-a-digit detector, when it has one (model_meta.not_a_digit).
    bool has_novelty;                 // the verdict below is the detector's
    novelty_result novelty;           // the drawing against its guess's class
    float *scratch;                   // (scratch_len) mlp_predict's and explain_logits'
    size_t scratch_len;
} scoring;

/* An empty answer. Nothing is allocated until scoring_fit. */
void scoring_init(scoring *s);
void scoring_destroy(scoring *s);

/* Makes room for net (its classes, mlp_predict's scratch) and forces a
 * re-score. Returns false when out of memory: then there is no scratch and
 * no answer until a later call succeeds (never a buffer too small). */
bool scoring_fit(scoring *s, const mlp *net);

/* What scoring_update changed. */
typedef enum scoring_change {
    SCORING_SAME = 0,
    SCORING_NEW_INPUT = 1,  // the network's input changed (a new or edited drawing, P)
    SCORING_NEW_ANSWER = 2, // probabilities changed
    SCORING_ANNOUNCE = 4,   // the prediction event should go out (input or guess changed)
} scoring_change;

/* Re-scores when the canvas, the weights (net_version) or the model's
 * preprocessing changed since the last call. Returns scoring_change bits.
 * When meta has a not-a-digit detector that fits net, "sure" is its
 * verdict (a digit) and novelty holds its measure; without one, "sure" is
 * scoring_is_sure. */
unsigned scoring_update(scoring *s, const canvas *c, const mlp *net, const model_meta *meta,
                        uint64_t net_version);

/* Entropy of n probabilities divided by log(n): 0 when one class has all
 * of it, 1 when all are equal. */
float scoring_entropy(const float *p, size_t n);
/* True when the top probability is at least SCORING_SURE_MIN_TOP and the
 * normalised entropy at most SCORING_SURE_MAX_ENTROPY; otherwise the window
 * says "not sure: is this a digit?" instead of a label. */
bool scoring_is_sure(const float *p, size_t n);
/* The most probable class other than top (0 when n < 2). */
size_t scoring_second(const float *p, size_t n, size_t top);

/* The network's numbers for a [0, 1] picture: img * 255 * scale (exactly
 * img when scale is 1/255). */
void scoring_apply_scale(const float *img, double scale, float *out, size_t n);

#endif
