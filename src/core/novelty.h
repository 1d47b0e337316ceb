/* novelty.h: "is this a digit at all?", from a measure that can tell.
 *
 * Softmax always shares 100 % among the ten digits, so a scribble or a
 * letter gets a confident digit all the same: the top probability cannot
 * say "none of these". What can is a comparison with the digits the answer
 * stands for. For each class the detector keeps the mean of MNIST's
 * training images of that class and their top principal components (the
 * main ways those digits vary: slant, width, a loop's size, ...). A drawing
 * is compared with the class the network chose: what is left of it once the
 * class's mean and components have rebuilt all they can (the residual,
 * (x - mean_c) minus its projection on the components) says how unlike any
 * digit of that class it is. The score weighs the residual's squared length
 * against the squared distance from the class's mean, residual /
 * sqrt(distance): the length of what is left times the share of the
 * difference it is. (The residual alone lets small, sparse drawings
 * through, a dash or a few dots; the share alone, long strokes that no
 * digit has.) A 4 drawn in any common way scores low; an M read as a 4, or
 * a zig-zag read as an 8, much higher.
 *
 * The score is given as a multiple of its median over the training digits,
 * and "not a digit" is a score above a threshold chosen on MNIST's test set
 * so that a set share of those digits (2 %) lies above it.
 *
 * Measured (tests/test_novelty.c, README): besides this measure the
 * Mahalanobis distance of the hidden layer's pattern to per-class Gaussians
 * with a shared covariance (Lee et al., NeurIPS 2018) and the residual from
 * MNIST's overall principal components were tried; at the same share of
 * MNIST test digits flagged they caught far fewer letters and scribbles,
 * and combining them with this one caught fewer still.
 *
 * The fit makes its products with the dense layers' own kernels
 * (dense_kernels.h), not the BLAS, so it gives the same bits on every CPU.
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

/* Principal components kept per class, and the share of MNIST test digits
 * left above the threshold, by default. */
#define NOVELTY_COMPONENTS 16
#define NOVELTY_TEST_FLAGGED 0.02
/* Caps for a detector read from a file. */
#define NOVELTY_MAX_COMPONENTS 64

/* The paragraph the window shows beside the verdict. */
#define NOVELTY_EXPLANATION                                                                       \
    "Softmax always shares 100 % among the ten digits, so even a scribble gets a confident "    \
    "answer. To tell whether a drawing is a digit at all, digitpad compares it with MNIST's "    \
    "training digits of the class the network chose: their average and the main ways they "     \
    "vary rebuild as much of the drawing as they can, and what they cannot rebuild is "         \
    "measured. A typical digit leaves little (1x is the median); above the threshold, which "   \
    "only 2 % of MNIST's test digits pass, the drawing is unlike every digit of that class and " \
    "digitpad says \"not a digit\"."

typedef struct novelty {
    size_t n_classes;    // outputs of the network (10)
    size_t inputs;       // pixels (784)
    size_t n_components; // per class
    float *means;        // (n_classes, inputs) mean training image of each class
    float *components;   // (n_classes, n_components, inputs) each class's principal
                         // directions, orthonormal
    double median;       // median score of the training digits
    double threshold;    // score above it: not a digit
    double test_flagged; // share of the calibration digits above the threshold
    float *block;        // owns means and components
} novelty;

/* One input's measure. */
typedef struct novelty_result {
    size_t cls;          // the class compared with
    double distance;     // squared distance from the class's mean image
    double residual;     // the part of it the components cannot rebuild (squared)
    double score;        // residual / sqrt(distance)
    double ratio;        // score / median: 1 is a typical digit
    double threshold_ratio; // threshold / median
    bool not_a_digit;    // score > threshold
} novelty_result;

/* Options of a fit; zeroed fields take the defaults above. */
typedef struct novelty_options {
    size_t n_components;
    double test_flagged;
    double input_scale; // a pixel byte times this is the input (0: 1/255)
} novelty_options;

/* Allocates a detector of the given shape with its arrays zeroed (for a
 * reader to fill in). Returns false when out of memory or the shape is
 * empty or beyond the caps; nothing is then left to free. */
bool novelty_init(novelty *nv, size_t n_classes, size_t inputs, size_t n_components,
                  dp_error *err);

/* Safe on a zeroed struct. */
void novelty_destroy(novelty *nv);

/* Makes dst (uninitialised) an independent copy of src. */
bool novelty_copy(novelty *dst, const novelty *src, dp_error *err);

/* True when nv fits a network of this shape (its inputs and outputs). */
bool novelty_fits(const novelty *nv, const mlp *net);

/* Fits a detector: each class's mean and principal components on train
 * (images times the input scale, 1/255 unless opt says, labels as classes), the median on every sixth training
 * digit, and the threshold on calib (MNIST's test set), each digit compared
 * with the class net gives it. train's images must have as many pixels as
 * net has inputs. On failure nothing is left to free. About a second for
 * MNIST (digitpad bench measures it). */
bool novelty_fit(novelty *nv, const mlp *net, const dataset *train, const dataset *calib,
                 const novelty_options *opt, dp_error *err);

/* Scores one input x (inputs floats, as the network gets it) against class
 * cls (the network's answer, < n_classes). Allocation-free; a few
 * microseconds. */
void novelty_score(const novelty *nv, const float *x, size_t cls, novelty_result *out);

#endif
