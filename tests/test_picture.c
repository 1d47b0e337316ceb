/* test_picture: picture_check (format, size, caps, completeness) and the
 * PGM decoder, on pictures this program builds byte by byte: valid PNG
 * (every colour type, interlaced or not), JPEG marker streams, BMP (plain
 * and RLE) and PGM, then a table of broken and foreign ones, each with the
 * one line it must be refused with. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "check.h"
#include "picture.h"

typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes;

static void put(bytes *b, const void *data, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2 + 64;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "test_picture: out of memory\n");
            exit(1);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_u8(bytes *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}

static void put_be16(bytes *b, unsigned v)
{
    put_u8(b, v >> 8);
    put_u8(b, v);
}

static void put_be32(bytes *b, uint32_t v)
{
    put_be16(b, v >> 16);
    put_be16(b, v & 0xffff);
}

static void put_le16(bytes *b, unsigned v)
{
    put_u8(b, v);
    put_u8(b, v >> 8);
}

static void put_le32(bytes *b, uint32_t v)
{
    put_le16(b, v & 0xffff);
    put_le16(b, v >> 16);
}

static void put_str(bytes *b, const char *s)
{
    put(b, s, strlen(s));
}

/* ---- builders ---- */

static void png_chunk(bytes *b, const char *type, const uint8_t *data, size_t n)
{
    put_be32(b, (uint32_t)n);
    size_t at = b->len;
    put(b, type, 4);
    if (n)
        put(b, data, n);
    put_be32(b, (uint32_t)crc32(0, b->p + at, (uInt)(n + 4)));
}

typedef struct png_spec {
    uint32_t w, h;
    unsigned depth, colour, interlace;
    int filter;       // the filter byte of every row (0 normally)
    long extra_bytes; // inflated bytes more (or fewer, if negative) than the size needs
    bool no_plte;     // leave out PLTE of a palette picture
    unsigned split_idat; // image data in two IDAT chunks (1), with a tEXt between them (2)
} png_spec;

static size_t png_channels(unsigned colour)
{
    return colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 1;
}

/* The raw (filtered) image data for spec: every row filter byte then
 * bytes i*37. With interlacing, the Adam7 passes one after the other. */
static bytes png_raw(const png_spec *s)
{
    static const int a7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                 {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    size_t bits = png_channels(s->colour) * s->depth;
    bytes raw = {0};
    if ((uint64_t)s->w * s->h > (uint64_t)64 << 20) { // past the caps: a token of data
        for (int i = 0; i < 1000; i++)
            put_u8(&raw, 0);
        return raw;
    }
    for (int pass = 0; pass < (s->interlace ? 7 : 1); pass++) {
        size_t w = s->w, h = s->h;
        if (s->interlace) {
            w = s->w > (uint32_t)a7[pass][0] ? (s->w - a7[pass][0] + a7[pass][2] - 1) / a7[pass][2]
                                             : 0;
            h = s->h > (uint32_t)a7[pass][1] ? (s->h - a7[pass][1] + a7[pass][3] - 1) / a7[pass][3]
                                             : 0;
        }
        if (!w || !h)
            continue;
        size_t row = (w * bits + 7) / 8;
        for (size_t y = 0; y < h; y++) {
            put_u8(&raw, (unsigned)s->filter);
            for (size_t i = 0; i < row; i++)
                put_u8(&raw, (unsigned)((y * row + i) * 37));
        }
    }
    if (s->extra_bytes > 0)
        for (long i = 0; i < s->extra_bytes; i++)
            put_u8(&raw, 0);
    else
        raw.len -= (size_t)-s->extra_bytes;
    return raw;
}

static bytes make_png(const png_spec *s)
{
    bytes b = {0};
    put(&b, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13];
    for (int k = 0; k < 4; k++) {
        ihdr[k] = (uint8_t)(s->w >> (24 - 8 * k));
        ihdr[4 + k] = (uint8_t)(s->h >> (24 - 8 * k));
    }
    ihdr[8] = (uint8_t)s->depth;
    ihdr[9] = (uint8_t)s->colour;
    ihdr[10] = ihdr[11] = 0;
    ihdr[12] = (uint8_t)s->interlace;
    png_chunk(&b, "IHDR", ihdr, 13);
    if (s->colour == 3 && !s->no_plte) {
        uint8_t plte[6] = {0, 0, 0, 255, 255, 255};
        png_chunk(&b, "PLTE", plte, 6);
    }
    bytes raw = png_raw(s);
    uLongf zlen = compressBound((uLong)raw.len);
    uint8_t *z = malloc(zlen);
    if (!z || compress(z, &zlen, raw.p, (uLong)raw.len) != Z_OK) {
        fprintf(stderr, "test_picture: compress failed\n");
        exit(1);
    }
    if (s->split_idat) {
        png_chunk(&b, "IDAT", z, zlen / 2);
        if (s->split_idat == 2)
            png_chunk(&b, "tEXt", (const uint8_t *)"a\0b", 3);
        png_chunk(&b, "IDAT", z + zlen / 2, zlen - zlen / 2);
    } else {
        png_chunk(&b, "IDAT", z, zlen);
    }
    png_chunk(&b, "IEND", NULL, 0);
    free(z);
    free(raw.p);
    return b;
}

/* A JPEG's marker structure (what picture_check walks; the entropy-coded
 * bytes are not real image data): SOI, APP0, DQT, SOFn, DHT, SOS and data
 * holding a stuffed 0xff00 and a restart marker, EOI. */
typedef struct jpeg_spec {
    unsigned sof, precision, w, h, comps, sampling;
    bool no_sof, two_sofs, progressive_scans, adobe;
} jpeg_spec;

static void jpeg_sof_segment(bytes *b, const jpeg_spec *s)
{
    put_be16(b, 0xff00 | s->sof);
    put_be16(b, 8 + 3 * s->comps);
    put_u8(b, s->precision);
    put_be16(b, s->h);
    put_be16(b, s->w);
    put_u8(b, s->comps);
    for (unsigned k = 0; k < s->comps; k++) {
        put_u8(b, k + 1);
        put_u8(b, k == 0 ? s->sampling : 0x11);
        put_u8(b, 0);
    }
}

static void jpeg_scan(bytes *b)
{
    put_be16(b, 0xffda);
    put_be16(b, 8);
    put_u8(b, 1);
    put_u8(b, 1);
    put_u8(b, 0);
    put_u8(b, 0);
    put_u8(b, 63);
    put_u8(b, 0);
    static const uint8_t data[] = {0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a};
    put(b, data, sizeof data);
}

static bytes make_jpeg(const jpeg_spec *s)
{
    bytes b = {0};
    put_be16(&b, 0xffd8);
    put_be16(&b, 0xffe0); // APP0 JFIF
    put_be16(&b, 16);
    put(&b, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    if (s->adobe) { // APP14 "Adobe": version 100, flags 0, 0, transform 0 (CMYK)
        put_be16(&b, 0xffee);
        put_be16(&b, 14);
        put(&b, "Adobe\0\x64\0\0\0\0\0", 12);
    }
    put_be16(&b, 0xffdb); // DQT: one table of 64 ones
    put_be16(&b, 67);
    put_u8(&b, 0);
    for (int k = 0; k < 64; k++)
        put_u8(&b, 1);
    if (!s->no_sof)
        jpeg_sof_segment(&b, s);
    if (s->two_sofs)
        jpeg_sof_segment(&b, s);
    put_be16(&b, 0xffc4); // DHT: a table with one code
    put_be16(&b, 2 + 17 + 1);
    put_u8(&b, 0);
    for (int k = 0; k < 16; k++)
        put_u8(&b, k == 0);
    put_u8(&b, 0);
    jpeg_scan(&b);
    if (s->progressive_scans) {
        put_be16(&b, 0xffc4);
        put_be16(&b, 2 + 17 + 1);
        put_u8(&b, 0x10);
        for (int k = 0; k < 16; k++)
            put_u8(&b, k == 0);
        put_u8(&b, 0);
        jpeg_scan(&b);
    }
    put_be16(&b, 0xffd9);
    return b;
}

static const jpeg_spec jpeg_ok = {0xc0, 8, 40, 30, 3, 0x22, false, false, false, false};

/* A BMP: 24-bit uncompressed (bpp 24) or 8-bit RLE8 (bpp 8, a palette of
 * two colours), dib 40 or 124 header bytes; a negative h is top-down. */
static bytes make_bmp(int32_t w, int32_t h, unsigned bpp, unsigned dib)
{
    bytes b = {0}, px = {0};
    uint32_t ah = (uint32_t)(h < 0 ? -h : h);
    bool rle = bpp == 8;
    if (rle) {
        for (uint32_t y = 0; y < ah; y++) {
            put_u8(&px, (unsigned)w); // a run of w pixels of colour y & 1
            put_u8(&px, y & 1);
            put_u8(&px, 0); // end of line
            put_u8(&px, 0);
        }
        put_u8(&px, 0); // end of bitmap
        put_u8(&px, 1);
    } else {
        size_t row = ((size_t)w * 24 + 31) / 32 * 4;
        for (size_t i = 0; i < row * ah; i++)
            put_u8(&px, (unsigned)(i * 13));
    }
    size_t palette = rle ? 2 * 4 : 0, off = 14 + dib + palette;
    put_str(&b, "BM");
    put_le32(&b, (uint32_t)(off + px.len));
    put_le32(&b, 0);
    put_le32(&b, (uint32_t)off);
    put_le32(&b, dib);
    put_le32(&b, (uint32_t)w);
    put_le32(&b, (uint32_t)h);
    put_le16(&b, 1);
    put_le16(&b, bpp);
    put_le32(&b, rle ? 1 : 0);
    put_le32(&b, (uint32_t)px.len);
    put_le32(&b, 2835);
    put_le32(&b, 2835);
    put_le32(&b, rle ? 2 : 0);
    put_le32(&b, 0);
    for (unsigned k = 40; k < dib; k++)
        put_u8(&b, 0);
    if (rle) {
        put_le32(&b, 0);
        put_le32(&b, 0xffffff);
    }
    put(&b, px.p, px.len);
    free(px.p);
    return b;
}

static bytes make_text(const char *s)
{
    bytes b = {0};
    put_str(&b, s);
    return b;
}

/* ---- valid pictures ---- */

static void expect_ok(bytes b, picture_format format, size_t w, size_t h, const char *what)
{
    picture_info info;
    dp_error err = {"(no message)"};
    bool ok = picture_check(b.p, b.len, &info, &err);
    CHECK(ok, "%s: refused: %s", what, err.msg);
    if (ok)
        CHECK(info.format == format && info.width == w && info.height == h,
              "%s: %s %zux%zu, expected %s %zux%zu", what, picture_format_name(info.format),
              info.width, info.height, picture_format_name(format), w, h);
    free(b.p);
}

static void test_valid(void)
{
    // Every colour type and depth PNG allows, plain and interlaced, at sizes
    // whose Adam7 passes are partly empty (1x1, 3x2) and at odd widths.
    static const unsigned combos[][2] = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8},
                                         {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8}, {4, 8},
                                         {4, 16}, {6, 8}, {6, 16}};
    static const uint32_t sizes[][2] = {{1, 1}, {3, 2}, {9, 7}, {28, 28}, {33, 5}};
    char what[64];
    for (size_t c = 0; c < sizeof combos / sizeof combos[0]; c++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (unsigned il = 0; il < 2; il++) {
                png_spec p = {sizes[s][0], sizes[s][1], combos[c][1], combos[c][0], il, 0, 0,
                              false, false};
                snprintf(what, sizeof what, "PNG colour %u depth %u %ux%u%s", p.colour, p.depth,
                         p.w, p.h, il ? " interlaced" : "");
                expect_ok(make_png(&p), PICTURE_PNG, p.w, p.h, what);
            }
    png_spec split = {20, 10, 8, 0, 0, 4, 0, false, true};
    expect_ok(make_png(&split), PICTURE_PNG, 20, 10, "PNG in two IDAT chunks, filter 4");
    bytes trailing = make_png(&split);
    put_str(&trailing, "junk after IEND");
    expect_ok(trailing, PICTURE_PNG, 20, 10, "PNG with bytes after IEND");
    png_spec at_cap = {16384, 2048, 1, 0, 0, 0, 0, false, false};
    expect_ok(make_png(&at_cap), PICTURE_PNG, 16384, 2048, "PNG at the caps (32 Mi pixels)");

    expect_ok(make_jpeg(&jpeg_ok), PICTURE_JPEG, 40, 30, "baseline JPEG");
    jpeg_spec j = jpeg_ok;
    j.sof = 0xc2;
    j.progressive_scans = true;
    expect_ok(make_jpeg(&j), PICTURE_JPEG, 40, 30, "progressive JPEG, two scans");
    j = jpeg_ok;
    j.comps = 1;
    j.sampling = 0x11;
    j.w = 16384;
    j.h = 1;
    expect_ok(make_jpeg(&j), PICTURE_JPEG, 16384, 1, "grey JPEG 16384 wide");
    bytes fill = make_jpeg(&jpeg_ok);
    fill.p[fill.len - 2] = 0xff; // EOI preceded by fill bytes: ff ff ff d9
    put_be16(&fill, 0xffd9);
    expect_ok(fill, PICTURE_JPEG, 40, 30, "JPEG with fill bytes before EOI");

    expect_ok(make_bmp(5, 3, 24, 40), PICTURE_BMP, 5, 3, "24-bit BMP");
    expect_ok(make_bmp(7, -4, 24, 124), PICTURE_BMP, 7, 4, "top-down 24-bit BMP, V5 header");
    expect_ok(make_bmp(9, 6, 8, 40), PICTURE_BMP, 9, 6, "RLE8 BMP");

    expect_ok(make_text("P5\n3 2\n255\nabcdef"), PICTURE_PGM, 3, 2, "binary PGM");
    expect_ok(make_text("P2 # c\n2 2 15 1 2 3 4"), PICTURE_PGM, 2, 2, "plain PGM");
}

/* ---- the table of broken and foreign pictures ---- */

enum base { B_PNG, B_PNG_PAL, B_PNG_IL, B_JPEG, B_BMP, B_BMP_RLE, B_TEXT, B_BYTES };

typedef struct bad_case {
    const char *name;
    enum base base;
    png_spec png;      // B_PNG*
    jpeg_spec jpeg;    // B_JPEG (a zero sof: jpeg_ok)
    const char *text;  // B_TEXT, B_BYTES (with text_len)
    size_t text_len;
    long cut;          // keep only this many bytes (negative: drop that many from the end)
    long poke_at;      // -1: none; negative: from the end
    uint8_t poke_val;
    const char *want;
} bad_case;

// An 8x6 RGB picture, 150 bytes of image data, with `extra` more.
#define PNG_OK(extra) {8, 6, 8, 2, 0, 0, extra, false, 0}
#define NO_JPEG {0}

static const bad_case bad_cases[] = {
    {"empty file", B_BYTES, {0}, NO_JPEG, "", 0, 0, -1, 0, "empty file"},
    {"one byte", B_BYTES, {0}, NO_JPEG, "\x89", 1, 0, -1, 0, "not a picture digitpad reads"},
    {"text", B_TEXT, {0}, NO_JPEG, "not a picture\n", 0, 0, -1, 0,
     "not a picture digitpad reads (PNG, JPEG, BMP, PGM)"},
    {"GIF89a, 65535x65535 in 33 bytes", B_BYTES, {0}, NO_JPEG,
     "GIF89a\xff\xff\xff\xff\x80\0\0\0\0\0\0,\0\0\0\0\xff\xff\xff\xff\0\x02\x02\x44\x01\0;", 33,
     0, -1, 0, "GIF pictures are not read: digitpad reads PNG, JPEG, BMP and PGM"},
    {"GIF87a", B_TEXT, {0}, NO_JPEG, "GIF87a\x01\0\x01\0", 0, 0, -1, 0, "GIF pictures"},
    {"SVG", B_TEXT, {0}, NO_JPEG, "<svg width=\"100000\" height=\"100000\"></svg>", 0, 0, -1, 0,
     "SVG pictures are not read"},
    {"SVG after an XML declaration", B_TEXT, {0}, NO_JPEG,
     "\xef\xbb\xbf  <?xml version=\"1.0\"?>\n<!-- x -->\n<svg/>", 0, 0, -1, 0, "SVG pictures"},
    {"HTML", B_TEXT, {0}, NO_JPEG, "<!DOCTYPE html><p>7</p>", 0, 0, -1, 0,
     "XML or HTML pictures are not read"},
    {"TIFF little-endian", B_BYTES, {0}, NO_JPEG, "II*\0\x08\0\0\0", 8, 0, -1, 0,
     "TIFF pictures are not read"},
    {"TIFF big-endian", B_BYTES, {0}, NO_JPEG, "MM\0*\0\0\0\x08", 8, 0, -1, 0, "TIFF pictures"},
    {"XPM", B_TEXT, {0}, NO_JPEG, "/* XPM */\nstatic char *x[] = {\"1 1 1 1\"};", 0, 0, -1, 0,
     "XPM pictures are not read"},
    {"PCX", B_BYTES, {0}, NO_JPEG, "\x0a\x05\x01\x08\0\0\0\0", 8, 0, -1, 0,
     "PCX pictures are not read"},
    {"QOI", B_BYTES, {0}, NO_JPEG, "qoif\0\0\0\x01\0\0\0\x01\x03\0", 14, 0, -1, 0,
     "QOI pictures are not read"},
    {"WebP", B_BYTES, {0}, NO_JPEG, "RIFF\x10\0\0\0WEBPVP8 ", 16, 0, -1, 0,
     "WebP pictures are not read"},
    {"ICO", B_BYTES, {0}, NO_JPEG, "\0\0\x01\0\x01\0", 6, 0, -1, 0, "ICO pictures are not read"},
    {"PPM", B_TEXT, {0}, NO_JPEG, "P6\n1 1\n255\nabc", 0, 0, -1, 0, "PPM pictures are not read"},
    {"PBM", B_TEXT, {0}, NO_JPEG, "P1\n1 1\n1\n", 0, 0, -1, 0, "PBM pictures are not read"},
    {"AVIF", B_BYTES, {0}, NO_JPEG, "\0\0\0\x1c" "ftypavif", 12, 0, -1, 0,
     "AVIF pictures are not read"},

    // PNG
    {"PNG signature damaged (sent as text)", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 0, 4, '\n',
     "PNG: damaged signature"},
    {"PNG signature only", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 8, -1, 0,
     "PNG: truncated: the file ends at byte 8, before the IEND chunk"},
    {"PNG cut inside IHDR", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 20, -1, 0,
     "PNG: truncated: chunk IHDR at byte 8 needs 25 bytes, 12 are left"},
    {"PNG cut inside IDAT", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 50, -1, 0,
     "PNG: truncated: chunk IDAT at byte 33 needs"},
    {"PNG without IEND", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, -12, -1, 0,
     "before the IEND chunk"},
    {"PNG cut inside IEND", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, -3, -1, 0,
     "before the IEND chunk"},
    {"PNG IHDR CRC wrong", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 0, 29, 0x55,
     "PNG: damaged: chunk IHDR at byte 8 fails its CRC check"},
    {"PNG IDAT byte flipped", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 0, 45, 0x55,
     "PNG: damaged: chunk IDAT at byte 33 fails its CRC check"},
    {"PNG 100000x100000 in 74 bytes", B_PNG, {100000, 100000, 8, 0, 0, 0, 0, false, 0}, NO_JPEG, NULL, 0, 0, -1, 0,
     "picture is 100000x100000, over the cap of 16384 pixels a side"},
    {"PNG 16384x2049", B_PNG, {16384, 2049, 1, 0, 0, 0, 0, false, 0}, NO_JPEG, NULL, 0,
     0, -1, 0, "picture is 16384x2049, over the cap of 33554432 pixels"},
    {"PNG width 0", B_PNG, {0, 5, 8, 0, 0, 0, 0, false, false}, NO_JPEG, NULL, 0, 0, -1, 0,
     "picture has zero size (0x5)"},
    {"PNG width 2^31", B_PNG, {0x80000000u, 1, 8, 0, 0, 0, 0, false, 0}, NO_JPEG,
     NULL, 0, 0, -1, 0, "PNG: damaged: size 2147483648x1 in IHDR"},
    {"PNG RGB of depth 4", B_PNG, {4, 4, 4, 2, 0, 0, 0, false, false}, NO_JPEG, NULL, 0, 0, -1, 0,
     "PNG: damaged: colour type 2 with bit depth 4"},
    {"PNG colour type 5", B_PNG, {4, 4, 8, 5, 0, 0, 0, false, false}, NO_JPEG, NULL, 0, 0, -1, 0,
     "PNG: damaged: colour type 5 with bit depth 8"},
    {"PNG interlace method 2", B_PNG, {4, 4, 8, 0, 2, 0, 0, false, false}, NO_JPEG, NULL, 0, 0,
     -1, 0, "PNG: damaged: unknown compression, filter or interlace method"},
    {"PNG palette without PLTE", B_PNG_PAL, {4, 4, 1, 3, 0, 0, 0, true, false}, NO_JPEG, NULL, 0,
     0, -1, 0, "PNG: damaged: a palette picture without a PLTE chunk"},
    {"PNG filter type 5", B_PNG, {8, 6, 8, 2, 0, 5, 0, false, false}, NO_JPEG, NULL, 0, 0, -1, 0,
     "PNG: damaged: row filter type 5 at byte 0 of the image data (0 to 4)"},
    {"PNG interlaced, filter type 9", B_PNG_IL, {9, 9, 8, 0, 1, 9, 0, false, false}, NO_JPEG,
     NULL, 0, 0, -1, 0, "PNG: damaged: row filter type 9 at byte 0"},
    {"PNG image data one byte short", B_PNG, PNG_OK(-1), NO_JPEG, NULL, 0, 0, -1, 0,
     "PNG: damaged: the image data is 149 bytes, its size needs 150"},
    {"PNG image data one byte long", B_PNG, PNG_OK(1), NO_JPEG, NULL, 0, 0, -1, 0,
     "PNG: damaged: the image data inflates to more than the 150 bytes its size needs"},
    {"PNG interlaced data short", B_PNG_IL, {9, 9, 8, 0, 1, 0, -5, false, false}, NO_JPEG, NULL,
     0, 0, -1, 0, "PNG: damaged: the image data is"},
    {"PNG IDATs split by another chunk", B_PNG, {20, 10, 8, 0, 0, 0, 0, false, 2}, NO_JPEG, NULL,
     0, 0, -1, 0, "PNG: damaged: IDAT chunks are not one after the other"},
    {"PNG chunk type with a digit", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 0, 37, '1',
     "PNG: damaged: no chunk type at byte 37"},
    {"PNG chunk length 2^31", B_PNG, PNG_OK(0), NO_JPEG, NULL, 0, 0, 33, 0x80,
     "PNG: damaged: chunk IDAT at byte 33 claims"},

    // JPEG
    {"JPEG SOI only", B_BYTES, {0}, NO_JPEG, "\xff\xd8", 2, 0, -1, 0,
     "JPEG: truncated: the file ends at byte 2, before the end-of-image marker"},
    {"JPEG cut to a third", B_JPEG, {0}, NO_JPEG, NULL, 0, 60, -1, 0,
     "JPEG: truncated: marker 0xdb at byte 20 needs 67 bytes, 38 are left"},
    {"JPEG cut inside the scan", B_JPEG, {0}, NO_JPEG, NULL, 0, -4, -1, 0,
     "JPEG: truncated: the file ends inside the image data, before the end-of-image marker"},
    {"JPEG without EOI", B_JPEG, {0}, NO_JPEG, NULL, 0, -2, -1, 0,
     "the file ends inside the image data"},
    {"JPEG cut after 0xff", B_JPEG, {0}, NO_JPEG, NULL, 0, -1, -1, 0,
     "the file ends inside the image data"},
    {"JPEG 65500x65500", B_JPEG, {0}, {0xc0, 8, 65500, 65500, 3, 0x22, false, false, false, false}, NULL,
     0, 0, -1, 0, "picture is 65500x65500, over the cap of 16384 pixels a side"},
    {"JPEG 8192x4097", B_JPEG, {0}, {0xc0, 8, 8192, 4097, 3, 0x22, false, false, false, false}, NULL, 0,
     0, -1, 0, "picture is 8192x4097, over the cap of 33554432 pixels"},
    {"JPEG width 0", B_JPEG, {0}, {0xc0, 8, 0, 10, 3, 0x22, false, false, false, false}, NULL, 0, 0, -1,
     0, "picture has zero size (0x10)"},
    {"JPEG height by DNL", B_JPEG, {0}, {0xc0, 8, 10, 0, 3, 0x22, false, false, false, false}, NULL, 0, 0,
     -1, 0, "JPEG: the height is left to a DNL marker, which is not read"},
    {"JPEG 12-bit", B_JPEG, {0}, {0xc1, 12, 10, 10, 3, 0x22, false, false, false, false}, NULL, 0, 0, -1,
     0, "JPEG: 12-bit samples are not read (only 8-bit)"},
    {"JPEG lossless", B_JPEG, {0}, {0xc3, 8, 10, 10, 3, 0x22, false, false, false, false}, NULL, 0, 0, -1,
     0, "JPEG: lossless JPEG is not read"},
    {"JPEG hierarchical", B_JPEG, {0}, {0xc5, 8, 10, 10, 3, 0x22, false, false, false, false}, NULL, 0, 0,
     -1, 0, "JPEG: hierarchical JPEG is not read"},
    {"JPEG 2 components", B_JPEG, {0}, {0xc0, 8, 10, 10, 2, 0x22, false, false, false, false}, NULL, 0, 0,
     -1, 0, "JPEG: 2 colour components are not read (1, 3 or 4)"},
    {"JPEG sampling 5x1", B_JPEG, {0}, {0xc0, 8, 10, 10, 3, 0x51, false, false, false, false}, NULL, 0, 0,
     -1, 0, "JPEG: damaged: sampling factors 5x1 of component 0"},
    {"JPEG scan without a frame", B_JPEG, {0}, {0xc0, 8, 10, 10, 3, 0x22, true, false, false, false},
     NULL, 0, 0, -1, 0, "JPEG: damaged: image data before the frame header"},
    {"JPEG two frames", B_JPEG, {0}, {0xc0, 8, 10, 10, 3, 0x22, false, true, false, false}, NULL, 0, 0,
     -1, 0, "JPEG: damaged: a second frame header at byte"},
    {"JPEG EOI straight after SOI", B_BYTES, {0}, NO_JPEG, "\xff\xd8\xff\xd9", 4, 0, -1, 0,
     "JPEG: damaged: no image data before the end-of-image marker"},
    {"JPEG segment length 1", B_BYTES, {0}, NO_JPEG, "\xff\xd8\xff\xe0\x00\x01", 6, 0, -1, 0,
     "JPEG: damaged: marker 0xe0 at byte 2 has length 1"},
    {"JPEG garbage between segments", B_JPEG, {0}, NO_JPEG, NULL, 0, 0, 20, 0x41,
     "JPEG: damaged: no marker at byte 20"},
    {"JPEG second SOI", B_JPEG, {0}, NO_JPEG, NULL, 0, 0, 21, 0xd8,
     "JPEG: damaged: marker 0xd8 at byte 21"},

    // BMP
    {"BMP header only", B_BYTES, {0}, NO_JPEG, "BM\0\0\0\0\0\0\0\0\0\0\0\0", 14, 0, -1, 0,
     "BMP: truncated header: 14 bytes"},
    {"BMP cut in the info header", B_BMP, {0}, NO_JPEG, NULL, 0, 30, -1, 0,
     "BMP: truncated header: 30 bytes"},
    {"BMP cut in the pixels", B_BMP, {0}, NO_JPEG, NULL, 0, -10, -1, 0,
     "BMP: truncated: the pixels need 36 bytes from byte 54, 26 are left"},
    {"BMP RLE without end of bitmap", B_BMP_RLE, {0}, NO_JPEG, NULL, 0, -2, -1, 0,
     "BMP: truncated: the compressed pixels end before the end-of-bitmap code"},
    {"BMP RLE cut in half", B_BMP_RLE, {0}, NO_JPEG, NULL, 0, 75, -1, 0,
     "BMP: truncated: the compressed pixels end before the end-of-bitmap code"},
    {"BMP header size 99", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 14, 99,
     "BMP: header of 99 bytes is not read"},
    {"BMP width 0", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 18, 0, "BMP: size 0x3"},
    {"BMP height 0", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 22, 0, "BMP: size 4x0"},
    {"BMP 2^31-1 wide", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 21, 0x7f,
     "picture is 2130706436x3, over the cap of 16384 pixels a side"},
    {"BMP height -2^31", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 25, 0x80,
     "picture is 4x2147483645, over the cap"},
    {"BMP 2 planes", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 26, 2, "BMP: damaged: 2 planes (must be 1)"},
    {"BMP 7 bits a pixel", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 28, 7,
     "BMP: 7 bits a pixel is not read"},
    {"BMP with a JPEG inside", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 30, 4,
     "BMP: compression 4 with 24 bits a pixel is not read"},
    {"BMP RLE8 of 24 bits", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 30, 1,
     "BMP: compression 1 with 24 bits a pixel is not read"},
    {"BMP pixels past the end", B_BMP, {0}, NO_JPEG, NULL, 0, 0, 11, 0x10,
     "BMP: damaged: pixels said to start at byte 4150"},
    {"BMP 258 colours for 8 bits", B_BMP_RLE, {0}, NO_JPEG, NULL, 0, 0, 47, 0x01,
     "BMP: damaged: 258 palette colours for 8 bits a pixel"},

    // PGM
    {"PGM magic only", B_TEXT, {0}, NO_JPEG, "P5", 0, 0, -1, 0, "PGM: not a P5 or P2 file"},
    {"PGM 99999 wide", B_TEXT, {0}, NO_JPEG, "P5\n99999 10\n255\n", 0, 0, -1, 0,
     "PGM: the width is over 16384"},
    {"PGM 16384x2049", B_TEXT, {0}, NO_JPEG, "P5\n16384 2049\n255\n", 0, 0, -1, 0,
     "picture is 16384x2049, over the cap of 33554432 pixels"},
    {"PGM zero high", B_TEXT, {0}, NO_JPEG, "P5\n10 0\n255\n", 0, 0, -1, 0,
     "picture has zero size (10x0)"},
    {"PGM pixels cut short", B_TEXT, {0}, NO_JPEG, "P5\n10 10\n255\nabc", 0, 0, -1, 0,
     "PGM: truncated: 3 of 100 bytes of pixels"},
    {"PGM 16-bit pixels cut short", B_TEXT, {0}, NO_JPEG, "P5\n2 1\n65535\nabc", 0, 0, -1, 0,
     "PGM: truncated: 3 of 4 bytes of pixels"},
    {"PGM maxval 0", B_TEXT, {0}, NO_JPEG, "P2\n1 1\n0\n0\n", 0, 0, -1, 0,
     "PGM: maxval is 0 (must be 1 to 65535)"},
    {"PGM maxval 65536", B_TEXT, {0}, NO_JPEG, "P2\n1 1\n65536\n0\n", 0, 0, -1, 0,
     "PGM: the maxval is over 65535"},
    {"PGM width with letters", B_TEXT, {0}, NO_JPEG, "P5\n28x 28\n255\n", 0, 0, -1, 0,
     "PGM: the width is not followed by a space"},
    {"PGM header cut after height", B_TEXT, {0}, NO_JPEG, "P5 2 2", 0, 0, -1, 0,
     "PGM: truncated: the file ends after the height"},
    {"PGM comment after maxval", B_TEXT, {0}, NO_JPEG, "P5 1 1 255#c\nx", 0, 0, -1, 0,
     "PGM: maxval must be followed by one whitespace byte, not a comment"},
};

static bytes build_case(const bad_case *c)
{
    bytes b = {0};
    switch (c->base) {
    case B_PNG:
    case B_PNG_PAL:
    case B_PNG_IL:
        b = make_png(&c->png);
        break;
    case B_JPEG:
        b = make_jpeg(c->jpeg.sof ? &c->jpeg : &jpeg_ok);
        break;
    case B_BMP:
        b = make_bmp(4, 3, 24, 40);
        break;
    case B_BMP_RLE:
        b = make_bmp(9, 6, 8, 40);
        break;
    case B_TEXT:
        b = make_text(c->text);
        break;
    case B_BYTES:
        put(&b, c->text, c->text_len);
        break;
    }
    if (c->cut > 0 && (size_t)c->cut < b.len)
        b.len = (size_t)c->cut;
    else if (c->cut < 0)
        b.len -= (size_t)-c->cut;
    if (c->poke_at != -1) {
        size_t at = c->poke_at >= 0 ? (size_t)c->poke_at : b.len - (size_t)-c->poke_at;
        if (at < b.len)
            b.p[at] = c->poke_val;
    }
    return b;
}

static void test_bad(void)
{
    size_t n = sizeof bad_cases / sizeof bad_cases[0];
    for (size_t i = 0; i < n; i++) {
        const bad_case *c = &bad_cases[i];
        bytes b = build_case(c);
        picture_info info;
        dp_error err = {"(no message)"};
        bool ok = picture_check(b.p ? b.p : (const uint8_t *)"", b.len, &info, &err);
        if (getenv("TEST_PICTURE_VERBOSE"))
            printf("%-40s %s\n", c->name, err.msg);
        CHECK(!ok, "%s: accepted", c->name);
        CHECK(strstr(err.msg, c->want) != NULL, "%s: message \"%s\" lacks \"%s\"", c->name,
              err.msg, c->want);
        CHECK(strchr(err.msg, '\n') == NULL, "%s: message of more than one line", c->name);
        // PGM's header is the decoder's: it refuses the same way.
        if (c->text && b.len >= 2 && b.p[0] == 'P' && (b.p[1] == '5' || b.p[1] == '2')) {
            picture_grey g = {1, 1, (float *)&g};
            dp_error err2 = {""};
            CHECK(!picture_decode_pgm(b.p, b.len, &g, &err2) && g.px == NULL &&
                      !strcmp(err.msg, err2.msg),
                  "%s: the decoder says \"%s\"", c->name, err2.msg);
        }
        free(b.p);
    }
    printf("%zu broken pictures refused\n", n);
}

/* ---- the PGM decoder ---- */

static void test_pgm_decode(void)
{
    picture_grey g;
    dp_error err = {""};
    const char *p5 = "P5\n# comment\n3 2\n255\n\x00\x7f\xff\x01\x02\x03";
    CHECK(picture_decode_pgm((const uint8_t *)p5, 27, &g, &err), "P5: %s", err.msg);
    CHECK(g.width == 3 && g.height == 2, "P5 size %zux%zu", g.width, g.height);
    CHECK(g.px[0] == 0.0f && g.px[1] == 127.0f * (1.0f / 255) && g.px[2] == 1.0f &&
              g.px[5] == 3.0f * (1.0f / 255),
          "P5 samples %g %g %g %g", (double)g.px[0], (double)g.px[1], (double)g.px[2],
          (double)g.px[5]);
    picture_grey_destroy(&g);
    CHECK(g.px == NULL, "destroy clears");

    const char *p5w = "P5 2 1 1000\n\x03\xe8\x01\xf4";
    CHECK(picture_decode_pgm((const uint8_t *)p5w, 16, &g, &err), "16-bit P5: %s", err.msg);
    CHECK(g.px[0] == 1.0f && g.px[1] == 0.5f, "16-bit P5: %g %g", (double)g.px[0],
          (double)g.px[1]);
    picture_grey_destroy(&g);

    const char *over = "P5 2 1 1000\n\x03\xe9\x01\xf4";
    CHECK(!picture_decode_pgm((const uint8_t *)over, 16, &g, &err) && g.px == NULL, "over");
    CHECK(strstr(err.msg, "PGM: pixel (0, 0) is 1001, over maxval 1000"), "%s", err.msg);

    const char *p2 = "P2\n2 2\n15\n0 15 # a comment between samples\n5\n10";
    CHECK(picture_decode_pgm((const uint8_t *)p2, strlen(p2), &g, &err), "P2: %s", err.msg);
    CHECK(g.px[0] == 0.0f && g.px[1] == 1.0f && g.px[2] == 5.0f * (1.0f / 15) &&
              g.px[3] == 10.0f * (1.0f / 15),
          "P2 samples");
    picture_grey_destroy(&g);

    const char *p2short = "P2\n2 2\n15\n0 15 5";
    CHECK(!picture_decode_pgm((const uint8_t *)p2short, strlen(p2short), &g, &err), "P2 short");
    CHECK(strstr(err.msg, "PGM: truncated: 3 of 4 pixels"), "%s", err.msg);
    const char *p2bad = "P2\n2 1\n15\n3 16\n";
    CHECK(!picture_decode_pgm((const uint8_t *)p2bad, strlen(p2bad), &g, &err), "P2 over");
    CHECK(strstr(err.msg, "PGM: the pixel is over 15 (at 1, 0)"), "%s", err.msg);
}

/* CMYK JPEGs: the check says how many components and whether Adobe's
 * inverted storage applies; the brightness of CMYK samples worked by hand. */
static void test_cmyk(void)
{
    jpeg_spec spec = jpeg_ok;
    spec.comps = 4;
    spec.adobe = true;
    bytes b = make_jpeg(&spec);
    picture_info info;
    dp_error err = {"(no message)"};
    CHECK(picture_check(b.p, b.len, &info, &err), "Adobe CMYK JPEG: %s", err.msg);
    CHECK(info.jpeg_components == 4 && info.jpeg_adobe, "components %u, adobe %d",
          info.jpeg_components, info.jpeg_adobe);
    free(b.p);
    b = make_jpeg(&jpeg_ok);
    CHECK(picture_check(b.p, b.len, &info, &err), "%s", err.msg);
    CHECK(info.jpeg_components == 3 && !info.jpeg_adobe, "YCbCr: components %u, adobe %d",
          info.jpeg_components, info.jpeg_adobe);
    free(b.p);

    const struct {
        uint8_t c, m, y, k;
        bool inverted;
        float want;
    } table[] = {
        {255, 255, 255, 255, true, 1.0f},  // Adobe: nothing inked, white
        {0, 0, 0, 0, false, 1.0f},         // plain: nothing inked, white
        {255, 255, 255, 0, true, 0.0f},    // Adobe: full black ink
        {0, 0, 0, 255, false, 0.0f},       // plain: full black ink
        {255, 255, 0, 255, true, 0.886f},  // Adobe yellow: 0.299 + 0.587
        {255, 0, 0, 0, false, 0.701f},     // plain cyan: 0.587 + 0.114
        {255, 255, 255, 51, true, 0.2f},   // Adobe: 80 % black, 51/255
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        float got = picture_cmyk_brightness(table[i].c, table[i].m, table[i].y, table[i].k,
                                            table[i].inverted);
        CHECK(fabsf(got - table[i].want) < 1e-6f, "cmyk %zu: %.7f, expected %.7f", i, got,
              table[i].want);
    }
}

int main(void)
{
    test_valid();
    test_cmyk();
    test_bad();
    test_pgm_decode();
    return check_summary();
}
