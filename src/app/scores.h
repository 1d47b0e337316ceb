/* scores.h: the article's arithmetic on the network's own numbers, as the
 * window says it: the raw scores beside the bars, softmax worked out (each
 * score's exponential, their total, each divided by it, summing to 1), the
 * loss of this drawing for a label the person picks (sparse categorical
 * cross-entropy: -log p[label]), what a pixel of the network's input is
 * (0-255, and /255 as the network gets it), and where a curve starts
 * (random weights: about 10 %).
 *
 * Plain functions from the scoring part's numbers to small panel structs
 * of text (panels.h embeds them, ui_scores.c paints them), so tests check
 * the words and figures without a display. The numbers come from
 * scoring.c, which computes them with core/explain.h. */
#ifndef DIGITPAD_APP_SCORES_H
#define DIGITPAD_APP_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "model_slot.h"
#include "scoring.h"

/* The person's choices: softmax worked out in place of the bars and the
 * chart (a click on the answer toggles it), and the label whose loss is
 * shown (a right click on its bar, Shift+digit; -1: none picked). */
typedef struct scores_state {
    bool worked;
    int label;
    double random_acc;               // test accuracy measured of fresh weights (-1: none yet)
} scores_state;

void scores_init(scores_state *st);

/* A test-set evaluation of weights trained `epoch` epochs: of fresh random
 * weights (fresh, epoch 0) it is where the accuracy curve starts, kept. */
void scores_on_eval(scores_state *st, size_t epoch, bool fresh, double accuracy);

/* Picks label (or drops it when it is the one picked); out-of-range labels
 * are ignored. Returns true when the choice changed. */
bool scores_pick_label(scores_state *st, int label, size_t n_classes);

/* The label the loss is worked out for: the one picked, else a test
 * image's true label (test_label >= 0), else the guess; -1 without an
 * answer. *why says which ("picked", "true label", "the guess"). */
int scores_loss_label(const scores_state *st, const scoring *sc, int test_label,
                      const char **why);

/* A score as the bars show it: "+8.71", "-3.20", " 0.00" (always a sign
 * or a space, two decimals; "+99" style for |z| >= 100). */
void scores_format_logit(char *out, size_t len, float z);

/* ---- softmax worked out (the bars and the panel under them) ------------ */

#define SCORES_ROWS 16

typedef struct panel_worked {
    bool on;                          // worked out instead of the bars and the chart
    bool has_guess;
    size_t n;
    char logit[SCORES_ROWS][12];      // z, "+8.71"
    char exp[SCORES_ROWS][16];        // exp(z - max), "1.000", "3.2e-05"
    char prob[SCORES_ROWS][12];       // exp / total, "0.9977"
    char max[24];                     // the largest score, "8.71"
    char total[24];                   // the total of the exponentials, "1.0023"
    char sum[24];                     // the probabilities' sum, "1.0000"
    char top[64];                     // "3: 1.000 / 1.0023 = 0.9977"
} panel_worked;

/* What the scores show for this answer; on as chosen. */
void scores_worked_of(const scoring *sc, bool on, panel_worked *out);

/* The sum of n probabilities in double: 1 to float rounding. */
double scores_prob_sum(const float *p, size_t n);

/* ---- the loss, named ---------------------------------------------------- */

typedef struct panel_loss_named {
    bool has;                         // an answer and a label
    int label;
    float p;                          // p[label]
    double loss;                      // -log p[label], clipped as training clips
    char short_text[64];              // "if it is a 3: 0.0023"
    char formula[96];                 // "-log p[3] = -log 0.9977 = 0.0023"
    char why[32];                     // "picked", "true label", "the guess"
    char chance[96];                  // "epoch 0, random weights: about 10 %"
    char chance_mid[48];              // "epoch 0, random: ~10 %" ("9.8 %" when measured)
    char chance_short[32];            // "epoch 0: ~10 %"
    // Before any curve: where the first one will start. chance for weights
    // that are random (fresh, untrained); for a model trained before whose
    // file has no curve, what is known of it instead.
    char start_note[128];
} panel_loss_named;

/* The loss of this drawing for the label (scores_loss_label), and the
 * chance line: measured_acc >= 0 is a measured accuracy of weights at epoch
 * 0 (random), shown beside the expected 1 / n. */
void scores_loss_of(const scores_state *st, const scoring *sc, const model_slot *m,
                    int test_label, double measured_acc, panel_loss_named *out);

/* ---- the pixels --------------------------------------------------------- */

typedef struct panel_pixel {
    bool on;                          // the mouse is over the network's input
    int row, col;
    float input;                      // what the network gets
    char where[32];                   // "row 12, col 7"
    char value[32];                   // "204 of 255"
    char div[32];                     // "204 / 255"
    char input_text[32];              // "= 0.8000 in": what the network gets
} panel_pixel;

/* The pixel (row, col) of the network's input as the person hovers it:
 * input is the value the network gets (model scale), scale the model's
 * input.scale (1/255). */
void scores_pixel_of(int row, int col, float input, double scale, panel_pixel *out);

/* Where the network's input is drawn inside layout->preview (a square of
 * 28 cells under its caption, a whole number of pixels per cell), and the
 * cell under (x, y): false when (x, y) is outside it. */
app_rect scores_preview_image(const app_layout *l);
bool scores_preview_cell(const app_layout *l, float x, float y, int *row, int *col);

#endif
