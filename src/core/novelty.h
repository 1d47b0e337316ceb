/* novelty.h: "is this a digit at all?", from a measure that can tell.
 *
 * Softmax always shares 100 % among the ten digits, so a scribble or a
 * letter gets a confident digit all the same: the top probability cannot
 * say "none of these". What can is a comparison with the digits the answer
 * stands for.
 *
 * What is compared is the drawing's strokes, not its pixels: the image is
 * softened (a 5-tap binomial blur), and in each cell of a 4x4 grid (7x7
 * pixels a cell on 28x28) the strength of its edges is gathered by their
 * direction into 12 bins of 15 degrees (a histogram of oriented gradients;
 * each bin's square root is kept). For each class the detector keeps the
 * mean of these 192 numbers over MNIST's training digits of that class and
 * their top principal components (the main ways those digits vary: slant,
 * a loop's size, a bar's length, ...). A drawing is compared with the class
 * the network chose: what is left of its features once the class's mean
 * and components have rebuilt all they can (the residual's squared length)
 * says how unlike any digit of that class it is. Letters are made of
 * straight bars meeting at corners and crossings in places no digit has
 * them; a 4 drawn in any common way scores low, an H read as a 4 high.
 *
 * The fit holds out every sixth training digit: the components come from
 * the other five sixths, the median score and the threshold from the
 * held-out ones (a set share of them, 1.25 %, lies above the threshold), so
 * MNIST's test set is only measured, never fitted to: its share above the
 * threshold is kept beside it (test_flagged).
 *
 * Measured (tests/test_novelty.c, README): the residual of the pixels
 * themselves from per-class components, the Mahalanobis distance of the
 * hidden layer's pattern to per-class Gaussians with a shared covariance
 * (Lee et al., NeurIPS 2018), the logits' distance, the top logit and
 * simple statistics of the ink (its amount, pieces, holes, extent) were
 * tried; at the same share of MNIST digits flagged each caught fewer
 * letters, and combining them with this one caught fewer still.
 *
 * The fit makes its products with the dense layers' own kernels
 * (dense_kernels.h), not the BLAS, so it gives the same bits on every CPU;
 * the means and components are rounded to 4 significant digits, which keeps
 * the model file's section small (about 450 KB) and reads back bit for bit.
 *
 * The detector describes the training digits, not the weights: it stays
 * meaningful while the network trains (the class compared with is the live
 * network's answer). It is saved in the model file (docs/model-format.md,
 * "not_a_digit"). */
#ifndef DIGITPAD_NOVELTY_H
#define DIGITPAD_NOVELTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "error.h"
#include "mlp.h"

/* The features and fit by default: cells of 7x7 pixels, 12 direction bins,
 * 24 components a class, 1.25 % of the held-out training digits above the
 * threshold. */
#define NOVELTY_CELL 7
#define NOVELTY_BINS 12
#define NOVELTY_COMPONENTS 24
#define NOVELTY_HELD_OUT_FLAGGED 0.0125
/* Caps for a detector read from a file. */
#define NOVELTY_MAX_COMPONENTS 64
#define NOVELTY_MAX_BINS 36
#define NOVELTY_MAX_FEATURES 1024
/* Training images a fit needs at least (two held out). */
#define NOVELTY_MIN_TRAIN 12

/* The paragraph the window shows beside the verdict. */
#define NOVELTY_EXPLANATION                                                                       \
    "Softmax always shares 100 % among the ten digits, so even a scribble gets a confident "    \
    "answer. To tell whether a drawing is a digit at all, digitpad looks at its strokes: in "    \
    "each of 16 squares of the image, how strong its edges are in each of 12 directions. "       \
    "MNIST's training digits of the class the network chose, their average and the main ways "  \
    "they vary, rebuild as much of that pattern as they can, and what they cannot rebuild is "   \
    "measured. A typical digit leaves little (1x is the median); above the threshold, which "    \
    "1.25 % of held-out training digits pass, the strokes are unlike every digit of that class "  \
    "and digitpad says \"not a digit\"."

typedef struct novelty {
    size_t n_classes;    // outputs of the network (10)
    size_t height, width; // the input image (28x28)
    size_t inputs;       // height * width
    size_t cell, bins;   // cells of cell x cell pixels; direction bins over 180 degrees
    size_t cells_y, cells_x; // ceil(height / cell), ceil(width / cell)
    size_t features;     // cells_y * cells_x * bins
    size_t n_components; // per class
    float *means;        // (n_classes, features) mean features of each class
    float *components;   // (n_classes, n_components, features) each class's principal
                         // directions, orthonormal to about 4 digits
    double median;       // median score of the held-out training digits
    double threshold;    // score above it: not a digit
    double held_out_flagged; // share of the held-out training digits above the threshold
    double test_flagged; // share of the test digits above it (measured, not fitted)
    float *block;        // owns means and components
} novelty;

/* One input's measure. */
typedef struct novelty_result {
    size_t cls;          // the class compared with
    double distance;     // squared distance of the features from the class's mean
    double residual;     // the part of it the components cannot rebuild (squared)
    double score;        // the residual
    double ratio;        // score / median: 1 is a typical digit
    double threshold_ratio; // threshold / median
    bool not_a_digit;    // score > threshold
} novelty_result;

/* Options of a fit; zeroed fields take the defaults above. */
typedef struct novelty_options {
    size_t n_components;
    size_t cell, bins;
    double held_out_flagged;
    double input_scale; // a pixel byte times this is the input (0: 1/255)
} novelty_options;

/* Allocates a detector of the given shape with its arrays zeroed (for a
 * reader to fill in). Returns false when out of memory or the shape is
 * empty or beyond the caps (cell 1 to the image's larger side, 2 to
 * NOVELTY_MAX_BINS bins, at most NOVELTY_MAX_FEATURES features, 1 to
 * NOVELTY_MAX_COMPONENTS components and no more than the features); nothing
 * is then left to free. */
bool novelty_init(novelty *nv, size_t n_classes, size_t height, size_t width, size_t cell,
                  size_t bins, size_t n_components, dp_error *err);

/* Safe on a zeroed struct. */
void novelty_destroy(novelty *nv);

/* Makes dst (uninitialised) an independent copy of src. */
bool novelty_copy(novelty *dst, const novelty *src, dp_error *err);

/* True when nv fits a network of this shape (its inputs and outputs). */
bool novelty_fits(const novelty *nv, const mlp *net);

/* The features of one input x (inputs floats, as the network gets it) into
 * out (nv->features floats): cell (cy, cx)'s bin b at
 * out[(cy * cells_x + cx) * bins + b]. Allocation-free. */
void novelty_features(const novelty *nv, const float *x, float *out);

/* Fits a detector: each class's mean features and principal components on
 * five sixths of train (images times the input scale, 1/255 unless opt
 * says, labels as classes), the median and the threshold on the other
 * sixth (every sixth image), each digit compared with the class net gives
 * it; then measures the share of test (MNIST's test set; may be NULL) above
 * the threshold. train's images must have as many pixels as net has
 * inputs. Deterministic, the same bits on every CPU. On failure nothing is
 * left to free. A few seconds for MNIST (digitpad bench measures it). */
bool novelty_fit(novelty *nv, const mlp *net, const dataset *train, const dataset *test,
                 const novelty_options *opt, dp_error *err);

/* Scores features f (nv->features floats, from novelty_features) against
 * class cls (< n_classes). Allocation-free. */
void novelty_score_features(const novelty *nv, const float *f, size_t cls, novelty_result *out);

/* Scores one input x (inputs floats, as the network gets it) against class
 * cls (the network's answer, < n_classes): its features, then
 * novelty_score_features. Allocation-free; tens of microseconds at most
 * (digitpad bench measures it). */
void novelty_score(const novelty *nv, const float *x, size_t cls, novelty_result *out);

/* Rounds v to 4 significant decimal digits (as the fit stores its means and
 * components): the shortest text of the result is at most 4 digits long. */
float novelty_round(float v);

#endif
