/* picture.c: recognising, sizing and structurally checking picture files
 * (picture.h), and the PGM decoder.
 *
 * The checks follow the formats' specifications: PNG (ISO/IEC 15948, the
 * W3C PNG specification), JPEG (ITU-T T.81, its marker syntax), BMP
 * (Microsoft's BITMAPFILEHEADER / BITMAPINFOHEADER and its later
 * versions), PGM (netpbm's pgm(5)). Multi-byte numbers are decoded with
 * shifts, every size is checked before it is used. */
#include "picture.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

const char *picture_format_name(picture_format format)
{
    switch (format) {
    case PICTURE_PNG:
        return "PNG";
    case PICTURE_JPEG:
        return "JPEG";
    case PICTURE_BMP:
        return "BMP";
    case PICTURE_PGM:
        return "PGM";
    }
    return "?";
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

bool picture_check_size(size_t width, size_t height, dp_error *err)
{
    if (width == 0 || height == 0)
        return dp_fail(err, "picture has zero size (%zux%zu)", width, height);
    if (width > PICTURE_MAX_SIDE || height > PICTURE_MAX_SIDE)
        return dp_fail(err, "picture is %zux%zu, over the cap of %d pixels a side", width, height,
                       PICTURE_MAX_SIDE);
    if (width * height > PICTURE_MAX_PIXELS) // no overflow: both sides are at most 2^14
        return dp_fail(err, "picture is %zux%zu, over the cap of %zu pixels", width, height,
                       PICTURE_MAX_PIXELS);
    return true;
}

/* ---- PNG ---- */

/* The inflated image data, checked as it streams out of zlib: every row
 * starts with a filter type 0..4, and there are exactly as many bytes as
 * the header's size, depth and interlacing make. */
typedef struct png_rows {
    size_t width, height, bits; // bits a pixel
    bool interlaced;
    int pass;        // 0 without interlacing; 0..6 Adam7 passes
    size_t rows_left; // in this pass
    size_t row_bytes; // in this pass, without the filter byte
    size_t next;      // offset of the next filter byte in the stream
    size_t total;     // bytes the stream must inflate to
    bool done;        // every row seen
} png_rows;

static const uint8_t adam7[7][4] = { // x0, y0, dx, dy
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
};

static void png_pass_size(const png_rows *r, int pass, size_t *w, size_t *h)
{
    if (!r->interlaced) {
        *w = r->width;
        *h = r->height;
        return;
    }
    size_t x0 = adam7[pass][0], y0 = adam7[pass][1], dx = adam7[pass][2], dy = adam7[pass][3];
    *w = r->width > x0 ? (r->width - x0 + dx - 1) / dx : 0;
    *h = r->height > y0 ? (r->height - y0 + dy - 1) / dy : 0;
}

/* Moves to the first pass from `pass` on that has rows, or sets done. */
static void png_rows_seek(png_rows *r, int pass)
{
    int passes = r->interlaced ? 7 : 1;
    for (; pass < passes; pass++) {
        size_t w, h;
        png_pass_size(r, pass, &w, &h);
        if (w && h) {
            r->pass = pass;
            r->rows_left = h;
            r->row_bytes = (w * r->bits + 7) / 8;
            return;
        }
    }
    r->done = true;
}

static void png_rows_init(png_rows *r, size_t width, size_t height, size_t bits, bool interlaced)
{
    memset(r, 0, sizeof *r);
    r->width = width;
    r->height = height;
    r->bits = bits;
    r->interlaced = interlaced;
    for (int pass = 0; pass < (interlaced ? 7 : 1); pass++) {
        size_t w, h;
        png_pass_size(r, pass, &w, &h);
        if (w && h)
            r->total += h * (1 + (w * bits + 7) / 8);
    }
    png_rows_seek(r, 0);
}

/* Checks the filter bytes in out (n bytes at stream offset pos). */
static bool png_rows_feed(png_rows *r, const uint8_t *out, size_t pos, size_t n, dp_error *err)
{
    if (pos + n > r->total)
        return dp_fail(err, "PNG: damaged: the image data inflates to more than the %zu bytes "
                            "its size needs", r->total);
    while (!r->done && r->next < pos + n) {
        uint8_t f = out[r->next - pos];
        if (f > 4)
            return dp_fail(err, "PNG: damaged: row filter type %u at byte %zu of the image data "
                                "(0 to 4)", f, r->next);
        r->next += 1 + r->row_bytes;
        if (--r->rows_left == 0)
            png_rows_seek(r, r->pass + 1);
    }
    return true;
}

typedef struct png_inflater {
    z_stream zs;
    bool started, ended;
    size_t produced;
    png_rows rows;
    uint8_t *out; // scratch for the inflated bytes, which are only looked at
} png_inflater;

#define PNG_SCRATCH 65536

static bool png_inflate_chunk(png_inflater *z, const uint8_t *data, size_t len, dp_error *err)
{
    if (z->ended) {
        if (len == 0)
            return true;
        return dp_fail(err, "PNG: damaged: image data continues after its compressed stream ends");
    }
    if (!z->started) {
        memset(&z->zs, 0, sizeof z->zs);
        if (inflateInit(&z->zs) != Z_OK)
            return dp_fail(err, "PNG: out of memory for inflating");
        z->started = true;
    }
    z->zs.next_in = (Bytef *)(uintptr_t)data;
    z->zs.avail_in = (uInt)len; // a chunk is under 2^31 bytes
    while (z->zs.avail_in > 0) {
        z->zs.next_out = z->out;
        z->zs.avail_out = PNG_SCRATCH;
        int rc = inflate(&z->zs, Z_NO_FLUSH);
        size_t got = PNG_SCRATCH - z->zs.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return dp_fail(err, "PNG: damaged image data: %s",
                           z->zs.msg ? z->zs.msg : "inflate failed");
        if (!png_rows_feed(&z->rows, z->out, z->produced, got, err))
            return false;
        z->produced += got;
        if (rc == Z_STREAM_END) {
            z->ended = true;
            if (z->zs.avail_in > 0)
                return dp_fail(err, "PNG: damaged: image data continues after its compressed "
                                    "stream ends");
            break;
        }
        if (rc == Z_BUF_ERROR && got == 0)
            break;
    }
    return true;
}

static bool png_check(const uint8_t *buf, size_t len, picture_info *info, dp_error *err)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 8 || memcmp(buf, sig, 8) != 0)
        return dp_fail(err, "PNG: damaged signature (a file sent as text?)");
    png_inflater z;
    memset(&z, 0, sizeof z);
    bool ok = false, seen_ihdr = false, seen_plte = false, seen_idat = false, idat_over = false;
    unsigned colour = 0;
    size_t pos = 8;
    for (;;) {
        if (len - pos < 12) {
            dp_fail(err, "PNG: truncated: the file ends at byte %zu, before the IEND chunk", len);
            goto done;
        }
        size_t n = be32(buf + pos);
        const uint8_t *type = buf + pos + 4, *data = buf + pos + 8;
        char name[5] = {0};
        for (int k = 0; k < 4; k++) {
            uint8_t c = type[k];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                dp_fail(err, "PNG: damaged: no chunk type at byte %zu", pos + 4);
                goto done;
            }
            name[k] = (char)c;
        }
        if (n > 0x7fffffffu) {
            dp_fail(err, "PNG: damaged: chunk %s at byte %zu claims %zu bytes", name, pos, n);
            goto done;
        }
        if (n > len - pos - 12) {
            dp_fail(err, "PNG: truncated: chunk %s at byte %zu needs %zu bytes, %zu are left", name,
                    pos, n + 12, len - pos);
            goto done;
        }
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), type, (uInt)(n + 4));
        if (crc != be32(data + n)) {
            dp_fail(err, "PNG: damaged: chunk %s at byte %zu fails its CRC check", name, pos);
            goto done;
        }
        bool is_idat = !memcmp(name, "IDAT", 4);
        if (!seen_ihdr && memcmp(name, "IHDR", 4) != 0) {
            dp_fail(err, "PNG: damaged: the first chunk is %s, not IHDR", name);
            goto done;
        }
        if (seen_idat && !is_idat)
            idat_over = true;
        if (!memcmp(name, "IHDR", 4)) {
            if (seen_ihdr || n != 13) {
                dp_fail(err, seen_ihdr ? "PNG: damaged: a second IHDR chunk"
                                       : "PNG: damaged: IHDR is not 13 bytes");
                goto done;
            }
            seen_ihdr = true;
            uint32_t w = be32(data), h = be32(data + 4);
            unsigned depth = data[8];
            colour = data[9];
            if (w > 0x7fffffffu || h > 0x7fffffffu) {
                dp_fail(err, "PNG: damaged: size %ux%u in IHDR", w, h);
                goto done;
            }
            if (!picture_check_size(w, h, err))
                goto done;
            static const unsigned channels[7] = {1, 0, 3, 1, 2, 0, 4};
            bool depth_ok = colour < 7 && channels[colour] &&
                            (colour == 0   ? (depth == 1 || depth == 2 || depth == 4 ||
                                              depth == 8 || depth == 16)
                             : colour == 3 ? (depth == 1 || depth == 2 || depth == 4 || depth == 8)
                                           : (depth == 8 || depth == 16));
            if (!depth_ok) {
                dp_fail(err, "PNG: damaged: colour type %u with bit depth %u", colour, depth);
                goto done;
            }
            if (data[10] != 0 || data[11] != 0 || data[12] > 1) {
                dp_fail(err, "PNG: damaged: unknown compression, filter or interlace method");
                goto done;
            }
            info->width = w;
            info->height = h;
            png_rows_init(&z.rows, w, h, channels[colour] * depth, data[12] == 1);
        } else if (!memcmp(name, "PLTE", 4)) {
            if (seen_plte || seen_idat || n == 0 || n % 3 != 0 || n > 768 || colour == 0 ||
                colour == 4) {
                dp_fail(err, "PNG: damaged: misplaced or malformed PLTE chunk at byte %zu", pos);
                goto done;
            }
            seen_plte = true;
        } else if (is_idat) {
            if (idat_over) {
                dp_fail(err, "PNG: damaged: IDAT chunks are not one after the other");
                goto done;
            }
            if (colour == 3 && !seen_plte) {
                dp_fail(err, "PNG: damaged: a palette picture without a PLTE chunk");
                goto done;
            }
            if (!z.out && !(z.out = malloc(PNG_SCRATCH))) {
                dp_fail(err, "PNG: out of memory");
                goto done;
            }
            seen_idat = true;
            if (!png_inflate_chunk(&z, data, n, err))
                goto done;
        } else if (!memcmp(name, "IEND", 4)) {
            if (!seen_idat) {
                dp_fail(err, "PNG: damaged: no image data (IDAT) before IEND");
                goto done;
            }
            if (!z.ended) {
                dp_fail(err, "PNG: truncated: the image data stops after %zu of %zu bytes",
                        z.produced, z.rows.total);
                goto done;
            }
            if (z.produced != z.rows.total) {
                dp_fail(err, "PNG: damaged: the image data is %zu bytes, its size needs %zu",
                        z.produced, z.rows.total);
                goto done;
            }
            ok = true; // bytes after IEND are ignored, as every reader does
            goto done;
        } else if (name[0] >= 'A' && name[0] <= 'Z') {
            dp_fail(err, "PNG: unknown critical chunk %s at byte %zu", name, pos);
            goto done;
        }
        pos += n + 12;
    }
done:
    if (z.started)
        inflateEnd(&z.zs);
    free(z.out);
    if (ok)
        info->format = PICTURE_PNG;
    return ok;
}

/* ---- JPEG ---- */

static bool jpeg_sof(const uint8_t *seg, size_t n, unsigned marker, picture_info *info,
                     dp_error *err)
{
    if (marker == 0xc3 || marker == 0xc7 || marker == 0xcb || marker == 0xcf)
        return dp_fail(err, "JPEG: lossless JPEG is not read");
    if (marker == 0xc5 || marker == 0xc6 || marker == 0xcd || marker == 0xce)
        return dp_fail(err, "JPEG: hierarchical JPEG is not read");
    if (n < 6)
        return dp_fail(err, "JPEG: damaged: frame header of %zu bytes", n);
    unsigned precision = seg[0], nf = seg[5];
    size_t h = be16(seg + 1), w = be16(seg + 3);
    if (precision != 8)
        return dp_fail(err, "JPEG: %u-bit samples are not read (only 8-bit)", precision);
    if (h == 0)
        return dp_fail(err, "JPEG: the height is left to a DNL marker, which is not read");
    if (!picture_check_size(w, h, err))
        return false;
    if (nf != 1 && nf != 3 && nf != 4)
        return dp_fail(err, "JPEG: %u colour components are not read (1, 3 or 4)", nf);
    if (n != 6 + 3 * (size_t)nf)
        return dp_fail(err, "JPEG: damaged: frame header of %zu bytes for %u components", n, nf);
    for (unsigned k = 0; k < nf; k++) {
        unsigned hs = seg[6 + 3 * k + 1] >> 4, vs = seg[6 + 3 * k + 1] & 15;
        if (hs < 1 || hs > 4 || vs < 1 || vs > 4)
            return dp_fail(err, "JPEG: damaged: sampling factors %ux%u of component %u", hs, vs,
                           k);
    }
    info->width = w;
    info->height = h;
    info->jpeg_components = nf;
    return true;
}

static bool jpeg_check(const uint8_t *buf, size_t len, picture_info *info, dp_error *err)
{
    bool seen_sof = false, seen_sos = false;
    size_t pos = 2; // past SOI
    for (;;) {
        if (pos >= len)
            return dp_fail(err, "JPEG: truncated: the file ends at byte %zu, before the "
                                "end-of-image marker", len);
        if (buf[pos] != 0xff)
            return dp_fail(err, "JPEG: damaged: no marker at byte %zu", pos);
        while (pos < len && buf[pos] == 0xff) // fill bytes
            pos++;
        if (pos >= len)
            return dp_fail(err, "JPEG: truncated: the file ends at byte %zu, before the "
                                "end-of-image marker", len);
        unsigned m = buf[pos++];
        if (m == 0xd9) {
            if (!seen_sos)
                return dp_fail(err, "JPEG: damaged: no image data before the end-of-image marker");
            info->format = PICTURE_JPEG; // bytes after EOI are ignored, as every reader does
            return true;
        }
        if (m == 0x00 || m == 0xd8)
            return dp_fail(err, "JPEG: damaged: marker 0x%02x at byte %zu", m, pos - 1);
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue; // no length
        if (len - pos < 2)
            return dp_fail(err, "JPEG: truncated: the file ends inside a marker at byte %zu",
                           pos - 2);
        size_t n = be16(buf + pos);
        if (n < 2)
            return dp_fail(err, "JPEG: damaged: marker 0x%02x at byte %zu has length %zu", m,
                           pos - 2, n);
        if (n > len - pos)
            return dp_fail(err, "JPEG: truncated: marker 0x%02x at byte %zu needs %zu bytes, %zu "
                                "are left", m, pos - 2, n, len - pos);
        const uint8_t *seg = buf + pos + 2;
        if (m == 0xee && n - 2 >= 5 && memcmp(seg, "Adobe", 5) == 0)
            info->jpeg_adobe = true;
        bool is_sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
        if (is_sof) {
            if (seen_sof)
                return dp_fail(err, "JPEG: damaged: a second frame header at byte %zu", pos - 2);
            if (!jpeg_sof(seg, n - 2, m, info, err))
                return false;
            seen_sof = true;
        }
        pos += n;
        if (m != 0xda)
            continue;
        if (!seen_sof)
            return dp_fail(err, "JPEG: damaged: image data before the frame header");
        seen_sos = true;
        // Entropy-coded data runs to the next marker that is not a stuffed
        // 0xff00 or a restart marker.
        for (;;) {
            const uint8_t *ff = memchr(buf + pos, 0xff, len - pos);
            if (!ff || (size_t)(ff - buf) + 1 >= len)
                return dp_fail(err, "JPEG: truncated: the file ends inside the image data, "
                                    "before the end-of-image marker");
            pos = (size_t)(ff - buf);
            uint8_t b = buf[pos + 1];
            if (b == 0x00 || (b >= 0xd0 && b <= 0xd7))
                pos += 2;
            else if (b == 0xff)
                pos += 1;
            else
                break;
        }
    }
}

/* ---- BMP ---- */

static bool bmp_rle_check(const uint8_t *p, size_t n, bool rle4, dp_error *err)
{
    size_t i = 0;
    while (n - i >= 2) {
        uint8_t count = p[i], value = p[i + 1];
        i += 2;
        if (count != 0)
            continue;
        if (value == 1)
            return true; // end of bitmap
        if (value == 0)
            continue; // end of line
        if (value == 2) { // delta
            if (n - i < 2)
                break;
            i += 2;
            continue;
        }
        size_t bytes = rle4 ? ((size_t)value + 1) / 2 : value;
        bytes += bytes & 1; // runs are padded to 16 bits
        if (n - i < bytes)
            break;
        i += bytes;
    }
    return dp_fail(err, "BMP: truncated: the compressed pixels end before the end-of-bitmap code");
}

static bool bmp_check(const uint8_t *buf, size_t len, picture_info *info, dp_error *err)
{
    if (len < 18)
        return dp_fail(err, "BMP: truncated header: %zu bytes", len);
    size_t off = le32(buf + 10), dib = le32(buf + 14);
    int64_t w, h;
    unsigned planes, bpp, compression = 0;
    size_t colours = 0, entry = 4, masks = 0;
    if (dib == 12) {
        if (len < 26)
            return dp_fail(err, "BMP: truncated header: %zu bytes", len);
        w = le16(buf + 18);
        h = le16(buf + 20);
        planes = le16(buf + 22);
        bpp = le16(buf + 24);
        entry = 3;
    } else if (dib == 40 || dib == 52 || dib == 56 || dib == 108 || dib == 124) {
        if (len < 14 + dib)
            return dp_fail(err, "BMP: truncated header: %zu bytes", len);
        w = (int32_t)le32(buf + 18);
        h = (int32_t)le32(buf + 22);
        planes = le16(buf + 26);
        bpp = le16(buf + 28);
        compression = le32(buf + 30);
        colours = le32(buf + 46);
        if (dib == 40 && compression == 3)
            masks = 12; // the bit fields follow the 40-byte header
    } else {
        return dp_fail(err, "BMP: header of %zu bytes is not read (12, 40, 52, 56, 108 or 124)",
                       dib);
    }
    if (w <= 0 || h == 0)
        return dp_fail(err, "BMP: size %lldx%lld", (long long)w, (long long)h);
    bool top_down = h < 0;
    if (top_down)
        h = -h;
    if (!picture_check_size((size_t)w, (size_t)h, err))
        return false;
    if (planes != 1)
        return dp_fail(err, "BMP: damaged: %u planes (must be 1)", planes);
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return dp_fail(err, "BMP: %u bits a pixel is not read", bpp);
    bool rle = compression == 1 || compression == 2;
    if (!(compression == 0 || (compression == 1 && bpp == 8) || (compression == 2 && bpp == 4) ||
          (compression == 3 && (bpp == 16 || bpp == 32))))
        return dp_fail(err, "BMP: compression %u with %u bits a pixel is not read", compression,
                       bpp);
    if (rle && top_down)
        return dp_fail(err, "BMP: damaged: a compressed picture stored top-down");
    if (bpp <= 8) {
        size_t most = (size_t)1 << bpp;
        if (colours > most)
            return dp_fail(err, "BMP: damaged: %zu palette colours for %u bits a pixel", colours,
                           bpp);
        if (colours == 0)
            colours = most;
    } else {
        colours = 0;
    }
    size_t head = 14 + dib + masks + colours * entry;
    if (len < head)
        return dp_fail(err, "BMP: truncated: the header and palette need %zu bytes, the file "
                            "has %zu", head, len);
    if (off < 14 + dib + masks || off > len)
        return dp_fail(err, "BMP: damaged: pixels said to start at byte %zu", off);
    if (rle) {
        if (!bmp_rle_check(buf + off, len - off, compression == 2, err))
            return false;
    } else {
        size_t row = ((size_t)w * bpp + 31) / 32 * 4, need = row * (size_t)h;
        if (need > len - off)
            return dp_fail(err, "BMP: truncated: the pixels need %zu bytes from byte %zu, %zu "
                                "are left", need, off, len - off);
    }
    info->format = PICTURE_BMP;
    info->width = (size_t)w;
    info->height = (size_t)h;
    return true;
}

/* ---- PGM (netpbm P5 binary and P2 plain) ---- */

typedef struct pgm_cursor {
    const uint8_t *p, *end;
} pgm_cursor;

static bool pgm_is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (to the end of the line). Comments are
 * allowed between plain (P2) samples too, as netpbm's own reader allows. */
static void pgm_skip(pgm_cursor *c)
{
    while (c->p < c->end) {
        if (pgm_is_space(*c->p)) {
            c->p++;
        } else if (*c->p == '#') {
            while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
                c->p++;
        } else {
            break;
        }
    }
}

/* Reads a decimal number of at most max after any whitespace and comments.
 * It must be followed by whitespace, a comment or (with at_end_ok) the end
 * of the buffer, so that "28x" or "2 8" in the wrong place is refused. */
static bool pgm_number(pgm_cursor *c, unsigned long max, unsigned long *out, const char *what,
                       bool at_end_ok, dp_error *err)
{
    pgm_skip(c);
    if (c->p == c->end)
        return dp_fail(err, "PGM: truncated: the file ends before the %s", what);
    if (*c->p < '0' || *c->p > '9')
        return dp_fail(err, "PGM: the %s is not a number", what);
    unsigned long v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (unsigned long)(*c->p - '0');
        if (v > max) // checked at every digit, so v never overflows
            return dp_fail(err, "PGM: the %s is over %lu", what, max);
        c->p++;
    }
    if (c->p == c->end && !at_end_ok)
        return dp_fail(err, "PGM: truncated: the file ends after the %s", what);
    if (c->p < c->end && !(pgm_is_space(*c->p) || *c->p == '#'))
        return dp_fail(err, "PGM: the %s is not followed by a space", what);
    *out = v;
    return true;
}

typedef struct pgm_header {
    bool plain;
    unsigned long width, height, maxval;
    pgm_cursor samples; // P5: the sample bytes; P2: the text after maxval
} pgm_header;

static bool pgm_read_header(const uint8_t *buf, size_t len, pgm_header *hd, dp_error *err)
{
    if (len < 3 || buf[0] != 'P' || (buf[1] != '5' && buf[1] != '2') ||
        !(pgm_is_space(buf[2]) || buf[2] == '#'))
        return dp_fail(err, "PGM: not a P5 or P2 file");
    hd->plain = buf[1] == '2';
    pgm_cursor c = {buf + 2, buf + len};
    if (!pgm_number(&c, PICTURE_MAX_SIDE, &hd->width, "width", false, err) ||
        !pgm_number(&c, PICTURE_MAX_SIDE, &hd->height, "height", false, err) ||
        !pgm_number(&c, 65535, &hd->maxval, "maxval", hd->plain, err))
        return false;
    if (hd->maxval == 0)
        return dp_fail(err, "PGM: maxval is 0 (must be 1 to 65535)");
    if (!hd->plain && !pgm_is_space(*c.p))
        return dp_fail(err, "PGM: maxval must be followed by one whitespace byte, not a comment");
    if (!picture_check_size(hd->width, hd->height, err))
        return false;
    if (!hd->plain) {
        c.p++; // exactly one whitespace byte ends the header
        size_t n = (size_t)hd->width * hd->height, bps = hd->maxval < 256 ? 1 : 2;
        size_t have = (size_t)(c.end - c.p);
        if (have / bps < n)
            return dp_fail(err, "PGM: truncated: %zu of %zu bytes of pixels", have, n * bps);
    }
    hd->samples = c;
    return true;
}

bool picture_grey_init(picture_grey *out, size_t width, size_t height, dp_error *err)
{
    out->px = NULL;
    out->width = width;
    out->height = height;
    if (!picture_check_size(width, height, err))
        return false;
    out->px = malloc(width * height * sizeof *out->px);
    if (!out->px)
        return dp_fail(err, "out of memory for a %zux%zu picture", width, height);
    return true;
}

void picture_grey_destroy(picture_grey *img)
{
    free(img->px);
    img->px = NULL;
    img->width = img->height = 0;
}

bool picture_decode_pgm(const uint8_t *buf, size_t len, picture_grey *out, dp_error *err)
{
    out->px = NULL;
    pgm_header hd;
    if (!pgm_read_header(buf, len, &hd, err) ||
        !picture_grey_init(out, hd.width, hd.height, err))
        return false;
    size_t w = hd.width, n = w * hd.height;
    float inv = 1.0f / (float)hd.maxval;
    pgm_cursor c = hd.samples;

    if (!hd.plain) {
        bool wide = hd.maxval >= 256;
        for (size_t k = 0; k < n; k++) {
            unsigned long v = wide ? ((unsigned long)c.p[2 * k] << 8) | c.p[2 * k + 1] : c.p[k];
            if (v > hd.maxval) {
                dp_fail(err, "PGM: pixel (%zu, %zu) is %lu, over maxval %lu", k % w, k / w, v,
                        hd.maxval);
                goto fail;
            }
            out->px[k] = (float)v * inv;
        }
        return true;
    }

    for (size_t k = 0; k < n; k++) {
        unsigned long v;
        pgm_skip(&c);
        if (c.p == c.end) {
            dp_fail(err, "PGM: truncated: %zu of %zu pixels", k, n);
            goto fail;
        }
        if (!pgm_number(&c, hd.maxval, &v, "pixel", true, err)) {
            if (err) {
                char why[sizeof err->msg];
                memcpy(why, err->msg, sizeof why);
                dp_fail(err, "%.200s (at %zu, %zu)", why, k % w, k / w);
            }
            goto fail;
        }
        out->px[k] = (float)v * inv;
    }
    return true;

fail:
    picture_grey_destroy(out);
    return false;
}

/* ---- Recognising the format ---- */

static bool starts(const uint8_t *buf, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(buf, magic, n) == 0;
}

/* The name of a format digitpad recognises but does not read, or NULL. */
static const char *other_format(const uint8_t *buf, size_t len)
{
    if (starts(buf, len, "GIF87a", 6) || starts(buf, len, "GIF89a", 6))
        return "GIF";
    if (starts(buf, len, "II*\0", 4) || starts(buf, len, "MM\0*", 4))
        return "TIFF";
    if (len >= 12 && starts(buf, len, "RIFF", 4) && !memcmp(buf + 8, "WEBP", 4))
        return "WebP";
    if (starts(buf, len, "qoif", 4))
        return "QOI";
    if (starts(buf, len, "/* XPM */", 9))
        return "XPM";
    if (starts(buf, len, "gimp xcf", 8))
        return "XCF";
    if (starts(buf, len, "8BPS", 4))
        return "PSD";
    if (starts(buf, len, "FORM", 4))
        return "IFF/LBM";
    if (len >= 4 && buf[0] == 0 && buf[1] == 0 && (buf[2] == 1 || buf[2] == 2) && buf[3] == 0)
        return buf[2] == 1 ? "ICO" : "CUR";
    if (len >= 12 && !memcmp(buf + 4, "ftyp", 4)) {
        if (!memcmp(buf + 8, "avif", 4) || !memcmp(buf + 8, "avis", 4))
            return "AVIF";
        if (!memcmp(buf + 8, "heic", 4) || !memcmp(buf + 8, "heix", 4) ||
            !memcmp(buf + 8, "mif1", 4))
            return "HEIF";
    }
    if (starts(buf, len, "\xff\x0a", 2) || starts(buf, len, "\0\0\0\x0cJXL ", 8))
        return "JPEG XL";
    if (len >= 2 && buf[0] == 'P' && (buf[1] == '1' || buf[1] == '4'))
        return "PBM";
    if (len >= 2 && buf[0] == 'P' && (buf[1] == '3' || buf[1] == '6'))
        return "PPM";
    if (len >= 2 && buf[0] == 'P' && buf[1] == '7')
        return "PAM";
    if (len >= 4 && buf[0] == 0x0a && buf[1] <= 5 && buf[2] == 1 &&
        (buf[3] == 1 || buf[3] == 2 || buf[3] == 4 || buf[3] == 8))
        return "PCX";
    // SVG and other XML: text that starts with '<' after a BOM and spaces.
    size_t i = 0;
    if (starts(buf, len, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < len && pgm_is_space(buf[i]))
        i++;
    if (i < len && buf[i] == '<') {
        size_t scan = len - i < 4096 ? len - i : 4096;
        for (size_t k = i; k + 4 <= i + scan; k++)
            if (!memcmp(buf + k, "<svg", 4))
                return "SVG";
        return "XML or HTML";
    }
    return NULL;
}

bool picture_check(const uint8_t *buf, size_t len, picture_info *info, dp_error *err)
{
    memset(info, 0, sizeof *info);
    if (len == 0)
        return dp_fail(err, "empty file");
    if (len > PICTURE_MAX_BYTES)
        return dp_fail(err, "file of %zu bytes is over the cap of %zu", len, PICTURE_MAX_BYTES);
    if (starts(buf, len, "\x89PNG", 4))
        return png_check(buf, len, info, err);
    if (starts(buf, len, "\xff\xd8", 2))
        return jpeg_check(buf, len, info, err);
    if (starts(buf, len, "BM", 2))
        return bmp_check(buf, len, info, err);
    if (len >= 2 && buf[0] == 'P' && (buf[1] == '5' || buf[1] == '2')) {
        pgm_header hd;
        if (!pgm_read_header(buf, len, &hd, err))
            return false;
        info->format = PICTURE_PGM;
        info->width = hd.width;
        info->height = hd.height;
        return true;
    }
    const char *other = other_format(buf, len);
    if (other)
        return dp_fail(err, "%s pictures are not read: digitpad reads PNG, JPEG, BMP and PGM",
                       other);
    return dp_fail(err, "not a picture digitpad reads (PNG, JPEG, BMP, PGM)");
}

float picture_cmyk_brightness(uint8_t c, uint8_t m, uint8_t y, uint8_t k, bool inverted)
{
    // Left as "how much is not inked", 0..1.
    float cc = (inverted ? c : 255 - c) / 255.0f, mm = (inverted ? m : 255 - m) / 255.0f;
    float yy = (inverted ? y : 255 - y) / 255.0f, kk = (inverted ? k : 255 - k) / 255.0f;
    return (0.299f * cc + 0.587f * mm + 0.114f * yy) * kk;
}
