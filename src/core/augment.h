/* augment.h: distortions of training digits, made as their batch is made.
 *
 * Two kinds, applied in one resampling of each image (bilinear, zero
 * outside the image), never to the stored images:
 *
 *   - affine: the digit rotated, scaled (each axis on its own), sheared and
 *     shifted about the image centre, each amount drawn uniformly from its
 *     documented range (augment_config);
 *   - elastic (Simard, Steinkraus & Platt 2003, "Best practices for
 *     convolutional neural networks applied to visual document analysis"):
 *     each pixel's source is moved by a displacement field made of uniform
 *     noise in [-1, 1] smoothed by a Gaussian of standard deviation sigma
 *     and scaled by alpha; their sigma = 4, alpha = 34 is the default.
 *
 * Every function is deterministic given the generator's state: the same
 * seed gives the same distortions. Images are uint8, row-major, (rows, cols). */
#ifndef DIGITPAD_AUGMENT_H
#define DIGITPAD_AUGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "rng.h"

typedef struct augment_config {
    bool affine;      // draw a random affine map for each image
    bool elastic;     // draw a random displacement field for each image
    float rotate_deg; // rotation uniform in [-rotate_deg, rotate_deg] degrees      (10)
    float scale;      // each axis scaled by a factor in [1 - scale, 1 + scale]      (0.1)
    float shear;      // x += k * y about the centre, k uniform in [-shear, shear]  (0.2)
    float translate;  // a shift uniform in [-translate, translate] px on each axis (2)
    float sigma;      // elastic: the smoothing Gaussian's standard deviation, px   (4)
    float alpha;      // elastic: the smoothed noise's scale, px                    (34)
    size_t field_bank;    // elastic: fields kept to be reused (256; 0: a fresh one per image)
    size_t field_refresh; // elastic with a bank: one of its fields redrawn every this many
                          // images (16)
} augment_config;

/* Why a bank: smoothing a fresh field costs about 25 us an image, ten
 * times what a training step of the article's model spends on a digit. A
 * bank of fields is kept instead, each used as one of 8 variants (each
 * component's sign flipped or not, the two components swapped or not: the
 * components are independent smoothed noise, symmetric about 0, so every
 * variant is as likely as the field itself), and one field of it is redrawn
 * every field_refresh images. With the defaults a field is used about 16
 * times (twice as each variant) before it is redrawn, each time on another
 * digit and with another affine map. */

/* The documented defaults above, with affine and elastic as asked. */
augment_config augment_config_default(bool affine, bool elastic);

/* Largest sigma accepted (the smoothing kernel reaches 3 sigma each way). */
#define AUGMENT_MAX_SIGMA 16.0f

/* Scratch for distorting images of one size with one config: the smoothing
 * kernel and the noise and field buffers. The caller owns the struct;
 * a failed init leaves nothing to free. */
typedef struct augment_work {
    augment_config cfg;
    size_t rows, cols;
    size_t radius;  // the kernel's half-width: ceil(3 sigma)
    float *kernel;  // (2 * radius + 1) Gaussian taps summing to 1
    size_t cols_pad; // cols rounded up to the smoothing loops' 16 lanes
    float *noise;   // (rows + 2 radius, cols + 2 radius) uniform noise, and slack
    uint64_t *bits; // the random draws the noise is made of
    float *smooth;  // (rows + 2 radius, cols_pad) the noise smoothed along rows
    float *dx, *dy; // (rows, cols) the displacement field, px
    float *bank;    // (field_bank, 2, rows, cols): dx then dy of each kept field
    bool bank_full; // filled (by the first image)
    size_t since_refresh, refresh_at; // images since a field was redrawn; the next to redraw
} augment_work;

/* Checks the config (ranges finite and non-negative, scale below 1, sigma
 * at most AUGMENT_MAX_SIGMA, images of 1 to 1024 pixels a side) and sets
 * up the scratch. */
bool augment_work_init(augment_work *w, const augment_config *cfg, size_t rows, size_t cols,
                       dp_error *err);
/* Safe on a zeroed struct. */
void augment_work_destroy(augment_work *w);

/* The normalised Gaussian: k (2 * radius + 1) with k[radius + d] proportional
 * to exp(-d^2 / (2 sigma^2)), summing to 1. */
void augment_gaussian_kernel(float *k, float sigma, size_t radius);

/* Draws a random affine map as it is used: from an output pixel (x, y) to
 * where it is read in the source, u = m[0] x + m[1] y + m[2],
 * v = m[3] x + m[4] y + m[5]. It is the inverse of the digit's movement
 * (rotation, scale, shear, shift about the centre of a rows x cols image)
 * drawn from cfg's ranges. */
void augment_affine_draw(float m[6], const augment_config *cfg, size_t rows, size_t cols,
                         dp_rng *r);

/* The identity map for augment_warp. */
void augment_affine_identity(float m[6]);

/* Draws an elastic displacement field into w->dx and w->dy (rows, cols):
 * noise uniform in [-1, 1] on a grid wider by the kernel's radius on every
 * side, smoothed by w's Gaussian (so every pixel gets a whole kernel: the
 * field is the same in distribution everywhere, edges included) and scaled
 * by alpha. Each component then has mean 0, |d| <= alpha and variance
 * alpha^2 / 3 * (sum of the taps squared)^2. */
void augment_field_draw(augment_work *w, dp_rng *r);

/* out (rows, cols) = in resampled at the map m plus the field (dx, dy),
 * both (rows, cols), or no field when dx or dy is NULL: output pixel (x, y)
 * reads in at (u + dx, v + dy) bilinearly, zero outside, rounded to the
 * nearest byte. The identity map with no field gives in back bit for bit.
 * out and in must not overlap. */
void augment_warp(uint8_t *out, const uint8_t *in, const float m[6], const float *dx,
                  const float *dy, size_t rows, size_t cols);

/* One distorted copy of in (w's size) into out, as w's config asks: a
 * fresh affine map and/or field drawn from r (with a bank, a field of it
 * under a random symmetry; the bank is filled from r by the first call).
 * With neither, a copy. The same r state and w history give the same bytes. */
void augment_image(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r);

/* augment_image, and the copy's non-zero pixels listed as a sparse batch
 * lists one sample's: their positions, ascending, in index and their bytes
 * through table (dataset_scale_table) in value. Returns how many. index and
 * value need room for rows * cols entries and 16 more (each the spare slots
 * of mlp_sparse_init): writes may run past the last entry. table_div255
 * says table is dataset_scale_table's for DATASET_DEFAULT_SCALE (b / 255,
 * computed instead of looked up). The same entries as
 * dataset_batch_sparse_scaled gives for out, found as the pixels are made
 * instead of by a second pass over them. */
size_t augment_image_sparse(uint8_t *out, const uint8_t *in, augment_work *w, dp_rng *r,
                            const float table[256], bool table_div255, uint16_t *index,
                            float *value);

#endif
