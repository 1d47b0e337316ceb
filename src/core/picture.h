/* picture.h: what a picture file is, checked before anything decodes it.
 *
 * `digitpad predict` reads PNG, JPEG, BMP and PGM. Decoders allocate what a
 * header asks for (a 74-byte PNG can claim 100000x100000 pixels) and read
 * on past a cut-off file, so picture_check looks at the bytes first: it
 * recognises the format by its magic, reads the width and height from the
 * header and refuses them past the caps below, and walks the file's
 * structure to the end (PNG's chunks, their CRCs and the inflated size of
 * the image data up to IEND; JPEG's markers from SOI through the scans to
 * EOI; BMP's pixel array or RLE stream; PGM's samples), so that a damaged
 * or truncated file is refused here with one line rather than decoded into
 * a confident answer. Other formats are refused by name (GIF, SVG, TIFF,
 * ...). The PGM decoder is here too; the others are left to SDL2_image's
 * loader for the format picture_check found. */
#ifndef DIGITPAD_PICTURE_H
#define DIGITPAD_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* At most 16384 pixels a side and 32 Mi pixels in all (a 8192x4096
 * picture); a file of at most 256 MiB. */
#define PICTURE_MAX_SIDE 16384
#define PICTURE_MAX_PIXELS ((size_t)32 * 1024 * 1024)
#define PICTURE_MAX_BYTES ((size_t)256 * 1024 * 1024)

typedef enum picture_format {
    PICTURE_PNG,
    PICTURE_JPEG,
    PICTURE_BMP,
    PICTURE_PGM,
} picture_format;

typedef struct picture_info {
    picture_format format;
    size_t width, height;
    unsigned jpeg_components; // JPEG: 1 grey, 3 colour, 4 CMYK (or YCCK); 0 otherwise
    bool jpeg_adobe;          // JPEG: has Adobe's APP14 segment, whose CMYK is stored inverted
} picture_info;

/* A grey picture: brightness in [0, 1], (height, width) row-major. */
typedef struct picture_grey {
    size_t width, height;
    float *px; // (height, width), owned
} picture_grey;

/* "PNG", "JPEG", "BMP", "PGM". */
const char *picture_format_name(picture_format format);

/* Checks that buf (len bytes) is a whole PNG, JPEG, BMP or PGM picture
 * within the caps, and fills *info with its format and size. On failure
 * err says what is wrong in one line ("PNG: truncated: chunk IDAT at byte
 * 41 needs 8192 bytes, 20 are left", "GIF pictures are not read: ...").
 * Nothing is allocated beyond a small fixed buffer. */
bool picture_check(const uint8_t *buf, size_t len, picture_info *info, dp_error *err);

/* Checks a width and height against the caps (and against zero). */
bool picture_check_size(size_t width, size_t height, dp_error *err);

/* Decodes a binary (P5) or plain (P2) PGM into *out as brightness =
 * sample / maxval. Only the first picture of a multi-picture file is read.
 * On success the caller owns out->px (picture_grey_destroy); on failure
 * nothing is left to free. */
bool picture_decode_pgm(const uint8_t *buf, size_t len, picture_grey *out, dp_error *err);

/* The brightness in [0, 1] of one CMYK sample as a JPEG decoder gives it
 * (0..255 per channel). Adobe's files (inverted: 255 is no ink, as
 * Photoshop and ImageMagick write them) and plain ones (255 is full ink)
 * differ only in that. The naive conversion the web uses: red = (1 - c)(1 -
 * k), green = (1 - m)(1 - k), blue = (1 - y)(1 - k), then Rec. 601 luma, as
 * for every other colour picture. */
float picture_cmyk_brightness(uint8_t c, uint8_t m, uint8_t y, uint8_t k, bool inverted);

/* Allocates out->px for width x height (checked against the caps). */
bool picture_grey_init(picture_grey *out, size_t width, size_t height, dp_error *err);
void picture_grey_destroy(picture_grey *img);

#endif
