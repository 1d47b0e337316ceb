/* idx.h: the IDX format of the MNIST files, parsed from memory.
 *
 * An IDX file is a big-endian header (two zero bytes, a type byte 0x08 for
 * unsigned bytes, a dimension count) followed by one 32-bit size per
 * dimension and the data. digitpad reads two kinds: images (3 dimensions:
 * count, rows, cols; magic 0x00000803) and labels (1 dimension: count;
 * magic 0x00000801). The buffer may also be a gzip stream, which is
 * inflated first (see idx_inflate).
 *
 * Caps (docs/model-format.md, "Limits"): at most IDX_MAX_ITEMS items, at
 * most IDX_MAX_SIDE rows or columns, at most IDX_MAX_BYTES of data. */
#ifndef DIGITPAD_IDX_H
#define DIGITPAD_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define IDX_MAX_ITEMS ((size_t)10 * 1000 * 1000)
#define IDX_MAX_SIDE ((size_t)1024)
#define IDX_MAX_BYTES ((size_t)512 * 1024 * 1024)

typedef struct idx_images {
    size_t count, rows, cols;
    uint8_t *pixels; // (count, rows, cols), owned
} idx_images;

typedef struct idx_labels {
    size_t count;
    uint8_t *labels; // (count), owned, each <= 9
} idx_labels;

/* Parse an image or label file held in buf (raw IDX, or gzip of it). On
 * success the result owns a fresh copy of the data; on failure nothing is
 * left to free and err says what is wrong ("wrong magic 0x00000801: not an
 * image file", "truncated: header says 60000 images of 28x28 but the file
 * holds 1234 bytes of data", ...). */
bool idx_parse_images(const uint8_t *buf, size_t len, idx_images *out, dp_error *err);
bool idx_parse_labels(const uint8_t *buf, size_t len, idx_labels *out, dp_error *err);

/* The same, taking ownership of buf (from malloc): it becomes the result's
 * data or is freed, success or not, so a file is never held twice. */
bool idx_parse_images_owned(uint8_t *buf, size_t len, idx_images *out, dp_error *err);
bool idx_parse_labels_owned(uint8_t *buf, size_t len, idx_labels *out, dp_error *err);

void idx_images_destroy(idx_images *img);
void idx_labels_destroy(idx_labels *lab);

/* If buf starts with the gzip magic, inflates it into a new buffer (*out,
 * *out_len, caller frees) of at most max_out bytes and returns true; a corrupt
 * or oversized stream returns false with a reason. If buf is not gzip,
 * sets *out = NULL and returns true. */
bool idx_inflate(const uint8_t *buf, size_t len, size_t max_out, uint8_t **out, size_t *out_len,
                 dp_error *err);

#endif
