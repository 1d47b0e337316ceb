/* idx.c: IDX images and labels from a memory buffer (raw or gzip).
 *
 * Every size read from the header is checked against the caps in idx.h, in
 * 64-bit arithmetic that cannot overflow, before anything is allocated. */
#include "idx.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST // next_in points at const bytes
#include <zlib.h>

#define IDX_TYPE_UBYTE 0x08
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_LABELS_HEADER ((size_t)8)
#define IDX_IMAGES_HEADER ((size_t)16)

static uint32_t read_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* *out = a * b; false when the product does not fit in 64 bits. */
static bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static bool is_gzip(const uint8_t *buf, size_t len)
{
    return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* zlib counts in uInt; larger spans are fed in pieces. */
static uInt clamp_uint(size_t n)
{
    return n > UINT_MAX ? UINT_MAX : (uInt)n;
}

bool idx_inflate(const uint8_t *buf, size_t len, size_t max_out, uint8_t **out, size_t *out_len,
                 dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!is_gzip(buf, len))
        return true;

    /* One byte more than allowed, so that a stream that would not stop at
     * max_out is seen as too large rather than as complete. */
    size_t limit = max_out == SIZE_MAX ? SIZE_MAX : max_out + 1;
    size_t cap = len < SIZE_MAX / 4 ? len * 4 : SIZE_MAX;
    if (cap < 64 * 1024)
        cap = 64 * 1024;
    if (cap > limit)
        cap = limit;
    uint8_t *dst = malloc(cap);
    if (!dst)
        return dp_fail(err, "out of memory inflating gzip stream (%zu bytes)", cap);

    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        free(dst);
        return dp_fail(err, "cannot start zlib: %s", zs.msg ? zs.msg : "out of memory");
    }

    size_t in_pos = 0, out_pos = 0;
    bool ok = false;
    for (;;) {
        if (out_pos == cap) {
            if (cap == limit) {
                dp_fail(err, "gzip stream inflates to more than %zu bytes", max_out);
                break;
            }
            size_t grown = cap <= limit / 2 ? cap * 2 : limit;
            uint8_t *bigger = realloc(dst, grown);
            if (!bigger) {
                dp_fail(err, "out of memory inflating gzip stream (%zu bytes)", grown);
                break;
            }
            dst = bigger;
            cap = grown;
        }
        zs.next_in = buf + in_pos;
        zs.avail_in = clamp_uint(len - in_pos);
        zs.next_out = dst + out_pos;
        zs.avail_out = clamp_uint(cap - out_pos);
        uInt given_in = zs.avail_in, given_out = zs.avail_out;
        int ret = inflate(&zs, Z_NO_FLUSH);
        in_pos += given_in - zs.avail_in;
        out_pos += given_out - zs.avail_out;

        if (out_pos > max_out) { // the extra byte was used
            dp_fail(err, "gzip stream inflates to more than %zu bytes", max_out);
            break;
        }
        if (ret == Z_STREAM_END) {
            if (in_pos == len) {
                ok = true;
                break;
            }
            /* gzip allows several members one after another (cat a.gz b.gz). */
            if (!is_gzip(buf + in_pos, len - in_pos)) {
                dp_fail(err, "trailing data: %zu bytes after the gzip stream", len - in_pos);
                break;
            }
            inflateReset(&zs);
            continue;
        }
        if (ret == Z_DATA_ERROR) {
            dp_fail(err, "corrupt gzip stream: %s", zs.msg ? zs.msg : "invalid data");
            break;
        }
        if (ret == Z_MEM_ERROR) {
            dp_fail(err, "out of memory inflating gzip stream");
            break;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            dp_fail(err, "corrupt gzip stream: zlib error %d", ret);
            break;
        }
        /* No output room left: go round and grow. Otherwise zlib stopped
         * because the input ran out before the stream's end. */
        if (out_pos < cap && in_pos == len) {
            dp_fail(err, "truncated gzip stream: the data ends before the end of the stream");
            break;
        }
    }
    inflateEnd(&zs);
    if (!ok) {
        free(dst);
        return false;
    }
    *out = dst;
    *out_len = out_pos;
    return true;
}

/* Checks the four fixed bytes of an IDX header: zeros, unsigned bytes, the
 * dimension count of the expected kind. */
static bool check_magic(const uint8_t *buf, size_t len, uint32_t want_magic, const char *kind,
                        const char *one, size_t header_len, dp_error *err)
{
    if (len == 0)
        return dp_fail(err, "empty file");
    if (len < 4)
        return dp_fail(err, "truncated header: %zu bytes (an IDX %s file's header is %zu bytes)",
                       len, one, header_len);
    if (buf[0] != 0 || buf[1] != 0)
        return dp_fail(err, "not an IDX file: first two bytes must be zero, found 0x%02x 0x%02x",
                       buf[0], buf[1]);
    if (buf[2] != IDX_TYPE_UBYTE)
        return dp_fail(err, "wrong element type 0x%02x: only unsigned bytes (0x08) are supported",
                       buf[2]);
    uint32_t magic = read_be32(buf);
    if (magic != want_magic) {
        /* The other kind's magic is the common mistake: say which file it is. */
        if (magic == IDX_MAGIC_LABELS)
            return dp_fail(err, "wrong magic 0x%08x: expected 0x%08x (an image file), this is a label file",
                           magic, want_magic);
        if (magic == IDX_MAGIC_IMAGES)
            return dp_fail(err, "wrong magic 0x%08x: expected 0x%08x (a label file), this is an image file",
                           magic, want_magic);
        return dp_fail(err, "%s file has %u dimensions, expected %u", kind, (unsigned)buf[3],
                       (unsigned)(want_magic & 0xff));
    }
    if (len < header_len)
        return dp_fail(err, "truncated header: %zu bytes (an IDX %s file's header is %zu bytes)",
                       len, one, header_len);
    return true;
}

static bool check_count(uint32_t count, const char *what, dp_error *err)
{
    if (count == 0)
        return dp_fail(err, "zero %s", what);
    if (count > IDX_MAX_ITEMS)
        return dp_fail(err, "%lu %s is more than the cap of %zu", (unsigned long)count, what,
                       IDX_MAX_ITEMS);
    return true;
}

/* The parsed data is moved to the front of the buffer we own and the rest
 * given back: no second copy of up to IDX_MAX_BYTES. */
static uint8_t *take_data(uint8_t *owned, size_t offset, size_t n)
{
    memmove(owned, owned + offset, n);
    uint8_t *shrunk = realloc(owned, n ? n : 1);
    return shrunk ? shrunk : owned;
}

static bool parse_images_raw(uint8_t *buf, size_t len, idx_images *out,
                             dp_error *err)
{
    if (!check_magic(buf, len, IDX_MAGIC_IMAGES, "images", "image", IDX_IMAGES_HEADER, err))
        return false;
    uint32_t count = read_be32(buf + 4), rows = read_be32(buf + 8), cols = read_be32(buf + 12);
    if (!check_count(count, "images", err))
        return false;
    if (rows == 0 || cols == 0)
        return dp_fail(err, "zero-sized images: %lux%lu", (unsigned long)rows, (unsigned long)cols);
    if (rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE)
        return dp_fail(err, "images of %lux%lu: a side is more than the cap of %zu",
                       (unsigned long)rows, (unsigned long)cols, IDX_MAX_SIDE);
    /* The caps above keep this product far from 2^64; it is checked anyway
     * so that the caps can change without reopening an overflow. */
    uint64_t per_image, total;
    if (!mul_u64(rows, cols, &per_image) || !mul_u64(per_image, count, &total))
        return dp_fail(err, "header sizes %lu x %lu x %lu overflow", (unsigned long)count,
                       (unsigned long)rows, (unsigned long)cols);
    if (total > IDX_MAX_BYTES)
        return dp_fail(err, "%lu images of %lux%lu (%llu bytes) is more than the cap of %zu bytes",
                       (unsigned long)count, (unsigned long)rows, (unsigned long)cols,
                       (unsigned long long)total, IDX_MAX_BYTES);
    size_t have = len - IDX_IMAGES_HEADER;
    if (have < total)
        return dp_fail(err, "truncated: header says %lu images of %lux%lu (%llu bytes) but only %zu bytes follow",
                       (unsigned long)count, (unsigned long)rows, (unsigned long)cols,
                       (unsigned long long)total, have);
    if (have > total)
        return dp_fail(err, "trailing data: %llu bytes after the last image",
                       (unsigned long long)(have - total));

    uint8_t *pixels = take_data(buf, IDX_IMAGES_HEADER, (size_t)total);
    if (!pixels)
        return dp_fail(err, "out of memory (%llu bytes of images)", (unsigned long long)total);
    out->count = count;
    out->rows = rows;
    out->cols = cols;
    out->pixels = pixels;
    return true;
}

static bool parse_labels_raw(uint8_t *buf, size_t len, idx_labels *out,
                             dp_error *err)
{
    if (!check_magic(buf, len, IDX_MAGIC_LABELS, "labels", "label", IDX_LABELS_HEADER, err))
        return false;
    uint32_t count = read_be32(buf + 4);
    if (!check_count(count, "labels", err))
        return false;
    size_t have = len - IDX_LABELS_HEADER;
    if (have < count)
        return dp_fail(err, "truncated: header says %lu labels but only %zu bytes follow",
                       (unsigned long)count, have);
    if (have > count)
        return dp_fail(err, "trailing data: %zu bytes after the last label", have - count);
    const uint8_t *data = buf + IDX_LABELS_HEADER;
    for (size_t i = 0; i < count; i++)
        if (data[i] > 9)
            return dp_fail(err, "label %u at index %zu is above 9", (unsigned)data[i], i);

    uint8_t *labels = take_data(buf, IDX_LABELS_HEADER, count);
    if (!labels)
        return dp_fail(err, "out of memory (%lu bytes of labels)", (unsigned long)count);
    out->count = count;
    out->labels = labels;
    return true;
}

/* The borrowing readers parse a copy: a parser that owns its buffer can
 * hand the data over in place, and there is one parser, not two. */
static uint8_t *copy_of(const uint8_t *buf, size_t len, dp_error *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        dp_fail(err, "out of memory (%zu bytes)", len);
    else if (len)
        memcpy(copy, buf, len);
    return copy;
}

bool idx_parse_images(const uint8_t *buf, size_t len, idx_images *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *copy = copy_of(buf, len, err);
    return copy && idx_parse_images_owned(copy, len, out, err);
}

bool idx_parse_labels(const uint8_t *buf, size_t len, idx_labels *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *copy = copy_of(buf, len, err);
    return copy && idx_parse_labels_owned(copy, len, out, err);
}

/* The _owned variants take buf (from malloc) and either keep it as the
 * result, the data moved to its front, or free it: a 47 MB file is then
 * never held twice. */
bool idx_parse_images_owned(uint8_t *buf, size_t len, idx_images *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *raw;
    size_t raw_len;
    bool ok = idx_inflate(buf, len, IDX_IMAGES_HEADER + IDX_MAX_BYTES, &raw, &raw_len, err);
    if (ok && !raw)
        return parse_images_raw(buf, len, out, err) || (free(buf), false);
    free(buf);
    if (ok && !parse_images_raw(raw, raw_len, out, err)) {
        free(raw);
        return false;
    }
    return ok;
}

bool idx_parse_labels_owned(uint8_t *buf, size_t len, idx_labels *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *raw;
    size_t raw_len;
    bool ok = idx_inflate(buf, len, IDX_LABELS_HEADER + IDX_MAX_ITEMS, &raw, &raw_len, err);
    if (ok && !raw)
        return parse_labels_raw(buf, len, out, err) || (free(buf), false);
    free(buf);
    if (ok && !parse_labels_raw(raw, raw_len, out, err)) {
        free(raw);
        return false;
    }
    return ok;
}

void idx_images_destroy(idx_images *img)
{
    if (!img)
        return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

void idx_labels_destroy(idx_labels *lab)
{
    if (!lab)
        return;
    free(lab->labels);
    memset(lab, 0, sizeof *lab);
}
