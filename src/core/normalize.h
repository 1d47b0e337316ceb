/* normalize.h: make a drawing look like an MNIST digit.
 *
 * MNIST's digits were scaled so their ink fits a 20x20 box (aspect ratio
 * kept) and placed in a 28x28 image so that the ink's centre of mass is at
 * the centre. A drawing on the canvas or a picture given to `predict` goes
 * through the same steps before the network sees it. */
#ifndef DIGITPAD_NORMALIZE_H
#define DIGITPAD_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where MNIST puts a digit's centre of mass in its 28x28 image, in
 * pixel-index coordinates (the first pixel's centre is 0): MNIST's own test
 * digits average (14.00, 13.99). */
#define NORMALIZE_CENTRE 14.0

/* Intensity-weighted centre of a 28x28 image in pixel-index coordinates;
 * false when the image is all zero. */
bool normalize_center_of_mass(const float *img, double *cx, double *cy);

/* Normalises a grey image (w, h) of ink intensities in [0, 1] (0 = background)
 * into out (28 * 28), in [0, 1], MNIST-style: bounding box of the ink scaled
 * (area-averaged) into 20x20 keeping aspect ratio, then shifted so the
 * centre of mass lands at (14, 14). Returns false and zeroes out when
 * there is no ink. */
bool normalize_mnist(float *out, const float *img, size_t w, size_t h);

/* Resamples a grey image (w, h) to 28x28 without centring (area average). */
void normalize_resize(float *out, const float *img, size_t w, size_t h);

/* Decides whether a picture is dark ink on a light background from its
 * border (mean of the outermost pixels above 0.5) and, if so, inverts it in
 * place, so that ink becomes high values as in MNIST. Returns true when it
 * inverted. */
bool normalize_auto_invert(float *img, size_t w, size_t h);

#endif
