/* idx_write.h: IDX files written, the inverse of idx.h.
 *
 * The window keeps the digits a person teaches it as MNIST's own format
 * (images: magic 0x00000803, count, rows, cols; labels: 0x00000801, count;
 * sizes big-endian, then the bytes), so that `digitpad train --data` and
 * `--also` read them like any other IDX folder. Each function builds the
 * whole file in a fresh buffer; writing it (atomically) is the caller's. */
#ifndef DIGITPAD_IDX_WRITE_H
#define DIGITPAD_IDX_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The IDX image file of count images of rows x cols bytes at pixels
 * (count, rows, cols) into *out (malloc'd, caller frees), *out_len bytes.
 * Refuses what idx_parse_images would refuse: more than IDX_MAX_ITEMS
 * images, a side of 0 or over IDX_MAX_SIDE, over IDX_MAX_BYTES of data. */
bool idx_encode_images(const uint8_t *pixels, size_t count, size_t rows, size_t cols,
                       uint8_t **out, size_t *out_len, dp_error *err);

/* The IDX label file of count labels (each at most 9, as idx_parse_labels
 * wants) into *out (malloc'd, caller frees). */
bool idx_encode_labels(const uint8_t *labels, size_t count, uint8_t **out, size_t *out_len,
                       dp_error *err);

/* Both encoded and written with dp_write_file_atomic: the images to
 * image_path, then the labels to label_path. A failure leaves each file
 * whole (old or new); err names the file. */
bool idx_write_pair(const char *image_path, const char *label_path, const uint8_t *pixels,
                    const uint8_t *labels, size_t count, size_t rows, size_t cols, dp_error *err);

#endif
