/* test_scoring: the drawing's answer: entropy and "sure", the runner-up,
 * the model's input scale, when the prediction is announced, and the
 * scratch that always fits the network. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/scoring.h"

#include "check.h"

static void test_pure(void)
{
    float flat[10], onehot[10] = {0}, two[10] = {0};
    for (int i = 0; i < 10; i++)
        flat[i] = 0.1f;
    onehot[7] = 1.0f;
    two[2] = 0.6f;
    two[5] = 0.4f;
    CHECK(fabsf(scoring_entropy(flat, 10) - 1.0f) < 1e-5f, "flat entropy");
    CHECK(scoring_entropy(onehot, 10) == 0.0f, "one-hot entropy");
    // 0.6 / 0.4: -(0.6 ln 0.6 + 0.4 ln 0.4) / ln 10 = 0.6730 / 2.3026 = 0.2923.
    CHECK(fabsf(scoring_entropy(two, 10) - 0.2923f) < 1e-3f, "two-class entropy %g",
          (double)scoring_entropy(two, 10));
    CHECK(scoring_is_sure(two, 10) && scoring_is_sure(onehot, 10) && !scoring_is_sure(flat, 10),
          "sure");
    CHECK(scoring_second(two, 10, 2) == 5 && scoring_second(onehot, 10, 7) == 0, "runner-up");
    CHECK(scoring_second(onehot, 1, 0) == 0, "one class");

    // The model's scale: 1/255 leaves [0, 1] as it is; 1 gives 0..255.
    float img[3] = {0.0f, 0.5f, 1.0f}, out[3];
    scoring_apply_scale(img, 1.0 / 255.0, out, 3);
    CHECK(!memcmp(img, out, sizeof out), "1/255 changed the input");
    scoring_apply_scale(img, 1.0, out, 3);
    CHECK(out[0] == 0.0f && fabsf(out[1] - 127.5f) < 1e-4f && fabsf(out[2] - 255.0f) < 1e-4f,
          "scale 1: %g %g", (double)out[1], (double)out[2]);
}

static void test_update(void)
{
    size_t sizes[] = {784, 8, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "net");
    mlp_init_glorot(&net, 3);
    canvas c;
    CHECK(canvas_init(&c), "canvas");
    scoring s;
    scoring_init(&s);
    CHECK(scoring_fit(&s, &net) && s.scratch_len >= 2 * 784 && s.n_classes == 10, "fit");

    // An empty canvas: nothing to announce (an empty answer is said once, when ink goes).
    unsigned ch = scoring_update(&s, &c, &net, &meta, 1);
    CHECK(!s.has_guess && (ch & SCORING_NEW_INPUT) && !(ch & SCORING_ANNOUNCE), "empty: %u", ch);
    CHECK(scoring_update(&s, &c, &net, &meta, 1) == SCORING_SAME, "nothing changed");

    canvas_begin_stroke(&c, 14, 4, false);
    canvas_add_point(&c, 14, 24);
    canvas_end_stroke(&c);
    ch = scoring_update(&s, &c, &net, &meta, 1);
    CHECK(s.has_guess && (ch & SCORING_ANNOUNCE), "ink: %u", ch);
    float sum = 0;
    for (size_t i = 0; i < 10; i++)
        sum += s.probs[i];
    CHECK(fabsf(sum - 1.0f) < 1e-4f, "sum %g", (double)sum);
    CHECK(s.guess == argmax(s.probs, 10) && s.runner_up == scoring_second(s.probs, 10, s.guess),
          "guess and runner-up");
    CHECK(s.sure == scoring_is_sure(s.probs, 10), "sure");

    // New weights with the same guess: a new answer, no announcement.
    uint64_t iv = s.input_version;
    ch = scoring_update(&s, &c, &net, &meta, 2);
    CHECK((ch & SCORING_NEW_ANSWER) && !(ch & SCORING_NEW_INPUT) && !(ch & SCORING_ANNOUNCE) &&
              s.input_version == iv,
          "same guess: %u", ch);

    // The model's scale reaches the network's numbers but not the picture.
    meta.scale = 1.0;
    canvas_add_point(&c, 0, 0); // (nothing open: no change)
    c.version++;
    scoring_update(&s, &c, &net, &meta, 2);
    float max_in = 0, max_img = 0;
    for (size_t i = 0; i < 784; i++) {
        max_in = fmaxf(max_in, s.input[i]);
        max_img = fmaxf(max_img, s.image[i]);
    }
    CHECK(max_img <= 1.0f && max_in > 200.0f && fabsf(max_in - 255.0f * max_img) < 1e-2f,
          "scale 1: input %g, image %g", (double)max_in, (double)max_img);
    meta.scale = 1.0 / 255.0;

    // Clearing: the empty answer is announced once.
    canvas_clear(&c);
    ch = scoring_update(&s, &c, &net, &meta, 2);
    CHECK(!s.has_guess && (ch & SCORING_ANNOUNCE), "cleared: %u", ch);

    // A wider network: the scratch grows to fit it (never a buffer too small).
    size_t wide[] = {784, 2000, 10};
    mlp big;
    CHECK(mlp_init(&big, wide, 3, NULL), "wide");
    CHECK(scoring_fit(&s, &big) && s.scratch_len >= 2 * 2000, "scratch %zu", s.scratch_len);
    mlp_destroy(&big);

    scoring_destroy(&s);
    canvas_destroy(&c);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

/* Softmax worked out in scoring: the logits are the model's (bias + inputs
 * x kernel), exps and their total give probs, and probs are mlp_predict's
 * own bits. With a not-a-digit detector, "sure" is its verdict. */
static void test_worked_and_detector(void)
{
    size_t sizes[] = {784, 8, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "net");
    mlp_init_glorot(&net, 5);
    canvas c;
    CHECK(canvas_init(&c), "canvas");
    scoring s;
    scoring_init(&s);
    CHECK(scoring_fit(&s, &net), "fit");
    canvas_begin_stroke(&c, 8, 8, false);
    canvas_add_point(&c, 20, 20);
    canvas_end_stroke(&c);
    scoring_update(&s, &c, &net, &meta, 1);
    CHECK(s.has_guess && !s.has_novelty, "a guess without a detector");
    float probs[10], scratch[2 * 784];
    mlp_predict(&net, s.input, probs, scratch);
    CHECK(!memcmp(probs, s.probs, sizeof probs), "probs are not mlp_predict's bits");
    float mx = s.logits[0];
    for (size_t i = 1; i < 10; i++)
        mx = fmaxf(mx, s.logits[i]);
    double total = 0;
    for (size_t i = 0; i < 10; i++) {
        CHECK(fabsf(s.exps[i] - expf(s.logits[i] - mx)) <= 1e-6f, "exp %zu", i);
        total += (double)s.exps[i];
    }
    CHECK(s.max_logit == mx && fabs(total - (double)s.exp_total) < 1e-5, "max %g, total %g",
          (double)s.max_logit, (double)s.exp_total);
    for (size_t i = 0; i < 10; i++)
        CHECK(fabs((double)s.exps[i] / total - (double)s.probs[i]) < 1e-6, "p %zu", i);

    /* A detector whose means and components are all zero: nothing of the
     * drawing's stroke features f is rebuilt, so the residual and the score
     * are |f|^2. */
    novelty *nv = malloc(sizeof *nv);
    CHECK(nv && novelty_init(nv, 10, 28, 28, 7, 12, 1, NULL), "novelty_init");
    float feat[NOVELTY_MAX_FEATURES];
    novelty_features(nv, s.input, feat);
    double norm2 = 0;
    for (size_t i = 0; i < nv->features; i++)
        norm2 += (double)feat[i] * (double)feat[i];
    CHECK(norm2 > 0, "a stroke has no edges?");
    nv->median = 1.0;
    nv->threshold = norm2 * 0.5; // the drawing is twice the limit: not a digit
    meta.not_a_digit = nv;
    unsigned ch = scoring_update(&s, &c, &net, &meta, 2);
    CHECK(s.has_novelty && s.novelty.not_a_digit && !s.sure, "flagged: sure %d", s.sure);
    CHECK(fabs(s.novelty.score - norm2) < 1e-4 * norm2, "score %g, |f|^2 %g", s.novelty.score,
          norm2);
    CHECK(s.novelty.cls == s.guess, "compared with class %zu, the guess is %zu", s.novelty.cls,
          s.guess);
    bool was = s.sure;
    nv->threshold = norm2 * 2.0; // now well under the limit: a digit
    ch = scoring_update(&s, &c, &net, &meta, 3);
    CHECK(s.has_novelty && !s.novelty.not_a_digit && s.sure, "not flagged");
    CHECK(was != s.sure && (ch & SCORING_ANNOUNCE), "a changed verdict is announced: %u", ch);
    // A detector for another shape is not used: the old rule decides.
    size_t other[] = {784, 8, 4};
    mlp small;
    CHECK(mlp_init(&small, other, 3, NULL), "small");
    mlp_init_glorot(&small, 2);
    scoring_fit(&s, &small);
    scoring_update(&s, &c, &small, &meta, 4);
    CHECK(!s.has_novelty && s.sure == scoring_is_sure(s.probs, 4), "a detector that does not fit");
    mlp_destroy(&small);

    scoring_destroy(&s);
    canvas_destroy(&c);
    mlp_destroy(&net);
    model_meta_destroy(&meta); // frees the detector
}

int main(void)
{
    test_pure();
    test_update();
    test_worked_and_detector();
    return check_summary();
}
