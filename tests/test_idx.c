/* test_idx: IDX parsing (raw and gzip), its refusals, and the dataset
 * functions built on it. Every input is built here; no download needed. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "dataset.h"
#include "idx.h"

static int passed, failed;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (cond) {                                                                      \
            passed++;                                                                    \
        } else {                                                                         \
            failed++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                                \
    } while (0)

/* Checks that msg contains want, and shows both when it does not. */
#define CHECK_MSG(msg, want)                                                             \
    do {                                                                                 \
        if (strstr((msg), (want))) {                                                     \
            passed++;                                                                    \
        } else {                                                                         \
            failed++;                                                                    \
            fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__,   \
                    (msg), (want));                                                      \
        }                                                                                \
    } while (0)

typedef struct bytes {
    uint8_t *p;
    size_t len;
} bytes;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "test_idx: out of memory\n");
        exit(1);
    }
    return p;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A valid image file: pixel i of the file is (i * 7 + seed) & 0xff. */
static bytes make_images(uint32_t count, uint32_t rows, uint32_t cols, unsigned seed)
{
    size_t n = (size_t)count * rows * cols;
    bytes b = {xmalloc(16 + n), 16 + n};
    b.p[0] = 0;
    b.p[1] = 0;
    b.p[2] = 0x08;
    b.p[3] = 3;
    put_be32(b.p + 4, count);
    put_be32(b.p + 8, rows);
    put_be32(b.p + 12, cols);
    for (size_t i = 0; i < n; i++)
        b.p[16 + i] = (uint8_t)(i * 7 + seed);
    return b;
}

/* A valid label file: label i is (i + seed) % 10. */
static bytes make_labels(uint32_t count, unsigned seed)
{
    bytes b = {xmalloc(8 + (size_t)count), 8 + (size_t)count};
    b.p[0] = 0;
    b.p[1] = 0;
    b.p[2] = 0x08;
    b.p[3] = 1;
    put_be32(b.p + 4, count);
    for (size_t i = 0; i < count; i++)
        b.p[8 + i] = (uint8_t)((i + seed) % 10);
    return b;
}

/* in as one gzip member (deflate with a gzip wrapper: windowBits 16 + 15). */
static bytes gzip_bytes(const uint8_t *in, size_t len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        fprintf(stderr, "test_idx: deflateInit2 failed\n");
        exit(1);
    }
    size_t cap = deflateBound(&zs, (uLong)len) + 64;
    bytes out = {xmalloc(cap), 0};
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out.p;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        fprintf(stderr, "test_idx: deflate did not finish\n");
        exit(1);
    }
    out.len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

static void bytes_free(bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
}

/* ---- valid inputs ---------------------------------------------------- */

static void test_valid_images(bool gz)
{
    bytes raw = make_images(3, 2, 4, 5);
    bytes in = gz ? gzip_bytes(raw.p, raw.len) : raw;
    if (gz)
        CHECK(in.p[0] == 0x1f && in.p[1] == 0x8b);
    idx_images img;
    dp_error err = {""};
    CHECK(idx_parse_images(in.p, in.len, &img, &err));
    CHECK(img.count == 3 && img.rows == 2 && img.cols == 4);
    CHECK(img.pixels && memcmp(img.pixels, raw.p + 16, 24) == 0);
    idx_images_destroy(&img);
    CHECK(img.pixels == NULL && img.count == 0);
    if (gz)
        bytes_free(&in);
    bytes_free(&raw);
}

static void test_valid_labels(bool gz)
{
    bytes raw = make_labels(25, 3);
    bytes in = gz ? gzip_bytes(raw.p, raw.len) : raw;
    idx_labels lab;
    dp_error err = {""};
    CHECK(idx_parse_labels(in.p, in.len, &lab, &err));
    CHECK(lab.count == 25);
    CHECK(lab.labels && memcmp(lab.labels, raw.p + 8, 25) == 0);
    idx_labels_destroy(&lab);
    if (gz)
        bytes_free(&in);
    bytes_free(&raw);
}

static void test_valid_misc(void)
{
    dp_error err = {""};

    /* Not square, not 28x28: idx accepts any shape within the caps. */
    bytes raw = make_images(2, 28, 20, 0);
    idx_images img;
    CHECK(idx_parse_images(raw.p, raw.len, &img, &err));
    CHECK(img.rows == 28 && img.cols == 20);
    idx_images_destroy(&img);
    bytes_free(&raw);

    /* Two gzip members one after the other inflate as one (as gzip -d does). */
    raw = make_images(4, 3, 3, 1);
    size_t half = raw.len / 2;
    bytes a = gzip_bytes(raw.p, half), b = gzip_bytes(raw.p + half, raw.len - half);
    bytes both = {xmalloc(a.len + b.len), a.len + b.len};
    memcpy(both.p, a.p, a.len);
    memcpy(both.p + a.len, b.p, b.len);
    CHECK(idx_parse_images(both.p, both.len, &img, &err));
    CHECK(img.count == 4 && img.pixels && memcmp(img.pixels, raw.p + 16, 36) == 0);
    idx_images_destroy(&img);
    bytes_free(&a);
    bytes_free(&b);
    bytes_free(&both);

    /* idx_inflate on raw bytes: nothing to do. */
    static uint8_t sentinel;
    uint8_t *out = &sentinel;
    size_t out_len = 99;
    CHECK(idx_inflate(raw.p, raw.len, 100, &out, &out_len, &err));
    CHECK(out == NULL && out_len == 0);

    /* The cap on inflated size holds at the exact byte. */
    bytes gz = gzip_bytes(raw.p, raw.len);
    CHECK(idx_inflate(gz.p, gz.len, raw.len, &out, &out_len, &err));
    CHECK(out && out_len == raw.len && memcmp(out, raw.p, raw.len) == 0);
    free(out);
    CHECK(!idx_inflate(gz.p, gz.len, raw.len - 1, &out, &out_len, &err));
    CHECK(out == NULL);
    CHECK_MSG(err.msg, "gzip stream inflates to more than");
    bytes_free(&gz);
    bytes_free(&raw);
}

/* ---- the table of broken inputs ----------------------------------------- */

enum kind { IMAGES, LABELS };
enum wrap {
    RAW,
    GZIP,             // gzip of the bytes
    GZIP_CORRUPT,     // gzip with a byte of the compressed body changed
    GZIP_TRUNCATED,   // gzip cut in half
    GZIP_HEADER_ONLY, // only the 10-byte gzip header
    GZIP_TRAILING,    // gzip followed by three stray bytes
};

typedef struct bad_case {
    const char *name;
    enum kind kind;
    uint8_t header[16];
    size_t header_len;
    size_t data_len; // bytes after the header, each (i * 7) & 0xff % 10
    bool poke;       // set data[poke_at] = poke_val
    size_t poke_at;
    uint8_t poke_val;
    enum wrap wrap;
    const char *want; // substring the error message must contain
} bad_case;

#define IMG_HDR(n3, n2, n1, n0, r, c) {0, 0, 8, 3, n3, n2, n1, n0, 0, 0, 0, r, 0, 0, 0, c}
#define LAB_HDR(n3, n2, n1, n0) {0, 0, 8, 1, n3, n2, n1, n0}

static const bad_case bad_cases[] = {
    {"empty image file", IMAGES, {0}, 0, 0, false, 0, 0, RAW, "empty file"},
    {"empty label file", LABELS, {0}, 0, 0, false, 0, 0, RAW, "empty file"},
    {"3-byte header", IMAGES, {0, 0, 8}, 3, 0, false, 0, 0, RAW, "truncated header: 3 bytes"},
    {"7-byte image header", IMAGES, IMG_HDR(0, 0, 0, 1, 28, 28), 7, 0, false, 0, 0, RAW,
     "truncated header: 7 bytes"},
    {"15-byte image header", IMAGES, IMG_HDR(0, 0, 0, 1, 28, 28), 15, 0, false, 0, 0, RAW,
     "truncated header: 15 bytes"},
    {"5-byte label header", LABELS, LAB_HDR(0, 0, 0, 1), 5, 0, false, 0, 0, RAW,
     "truncated header: 5 bytes"},
    {"zip file", IMAGES, {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, 10, false, 0, 0,
     RAW, "not an IDX file: first two bytes must be zero"},
    {"second byte nonzero", LABELS, {0, 1, 8, 1, 0, 0, 0, 1}, 8, 1, false, 0, 0, RAW,
     "not an IDX file: first two bytes must be zero"},
    {"float elements", IMAGES, {0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 16, 4, false, 0,
     0, RAW, "wrong element type 0x0d: only unsigned bytes (0x08) are supported"},
    {"signed byte labels", LABELS, {0, 0, 0x09, 1, 0, 0, 0, 1}, 8, 1, false, 0, 0, RAW,
     "wrong element type 0x09"},
    {"2-dimensional images", IMAGES, {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1}, 12, 1, false, 0, 0, RAW,
     "images file has 2 dimensions, expected 3"},
    {"4-dimensional images", IMAGES, {0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 16, 1, false,
     0, 0, RAW, "images file has 4 dimensions, expected 3"},
    {"2-dimensional labels", LABELS, {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1}, 12, 1, false, 0, 0, RAW,
     "labels file has 2 dimensions, expected 1"},
    {"label file read as images", IMAGES, LAB_HDR(0, 0, 0, 4), 8, 4, false, 0, 0, RAW,
     "wrong magic 0x00000801: expected 0x00000803 (an image file)"},
    {"image file read as labels", LABELS, IMG_HDR(0, 0, 0, 1, 2, 2), 16, 4, false, 0, 0, RAW,
     "wrong magic 0x00000803: expected 0x00000801 (a label file)"},
    {"zero images", IMAGES, IMG_HDR(0, 0, 0, 0, 28, 28), 16, 0, false, 0, 0, RAW, "zero images"},
    {"zero labels", LABELS, LAB_HDR(0, 0, 0, 0), 8, 0, false, 0, 0, RAW, "zero labels"},
    {"160M images", IMAGES, IMG_HDR(0x09, 0x89, 0x68, 0x00, 28, 28), 16, 0, false, 0, 0, RAW,
     "160000000 images is more than the cap of 10000000"},
    {"2^32-1 labels", LABELS, LAB_HDR(0xff, 0xff, 0xff, 0xff), 8, 0, false, 0, 0, RAW,
     "4294967295 labels is more than the cap of 10000000"},
    /* count * rows * cols = (2^32-1)^3 overflows 64 bits; the per-field caps
     * are checked first, so the count cap is what refuses it. */
    {"count*rows*cols past 2^64", IMAGES,
     {0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 16, 0,
     false, 0, 0, RAW, "4294967295 images is more than the cap of 10000000"},
    {"rows*cols past 2^32, count in cap", IMAGES,
     {0, 0, 8, 3, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 16, 0, false, 0, 0,
     RAW, "images of 4294967295x4294967295: a side is more than the cap of 1024"},
    {"zero rows", IMAGES, IMG_HDR(0, 0, 0, 1, 0, 28), 16, 0, false, 0, 0, RAW,
     "zero-sized images: 0x28"},
    {"1025 columns", IMAGES, {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0x04, 0x01}, 16, 0, false, 0,
     0, RAW, "images of 1x1025: a side is more than the cap of 1024"},
    {"1000 images of 1024x1024", IMAGES,
     {0, 0, 8, 3, 0, 0, 0x03, 0xe8, 0, 0, 0x04, 0, 0, 0, 0x04, 0}, 16, 0, false, 0, 0, RAW,
     "1000 images of 1024x1024 (1048576000 bytes) is more than the cap of 536870912 bytes"},
    {"no image data", IMAGES, IMG_HDR(0, 0, 0, 2, 28, 28), 16, 0, false, 0, 0, RAW,
     "truncated: header says 2 images of 28x28 (1568 bytes) but only 0 bytes follow"},
    {"cut inside the first image", IMAGES, IMG_HDR(0, 0, 0, 2, 28, 28), 16, 100, false, 0, 0, RAW,
     "truncated: header says 2 images of 28x28 (1568 bytes) but only 100 bytes follow"},
    {"one pixel short", IMAGES, IMG_HDR(0, 0, 0, 2, 28, 28), 16, 1567, false, 0, 0, RAW,
     "but only 1567 bytes follow"},
    {"60000 images, 1234 bytes", IMAGES, IMG_HDR(0, 0, 0xea, 0x60, 28, 28), 16, 1234, false, 0, 0,
     RAW, "truncated: header says 60000 images of 28x28 (47040000 bytes) but only 1234 bytes follow"},
    {"5 bytes after the images", IMAGES, IMG_HDR(0, 0, 0, 2, 28, 28), 16, 1568 + 5, false, 0, 0, RAW,
     "trailing data: 5 bytes after the last image"},
    {"no label data", LABELS, LAB_HDR(0, 0, 0, 4), 8, 0, false, 0, 0, RAW,
     "truncated: header says 4 labels but only 0 bytes follow"},
    {"one label short", LABELS, LAB_HDR(0, 0, 0, 4), 8, 3, false, 0, 0, RAW,
     "truncated: header says 4 labels but only 3 bytes follow"},
    {"2 bytes after the labels", LABELS, LAB_HDR(0, 0, 0, 4), 8, 6, false, 0, 0, RAW,
     "trailing data: 2 bytes after the last label"},
    {"label 12", LABELS, LAB_HDR(0, 0, 0, 5), 8, 5, true, 3, 12, RAW,
     "label 12 at index 3 is above 9"},
    {"label 255 first", LABELS, LAB_HDR(0, 0, 0, 5), 8, 5, true, 0, 255, RAW,
     "label 255 at index 0 is above 9"},
    {"label 10 last, gzipped", LABELS, LAB_HDR(0, 0, 0, 5), 8, 5, true, 4, 10, GZIP,
     "label 10 at index 4 is above 9"},
    {"gzipped trailing data", IMAGES, IMG_HDR(0, 0, 0, 1, 4, 4), 16, 16 + 5, false, 0, 0, GZIP,
     "trailing data: 5 bytes after the last image"},
    {"corrupt gzip body", IMAGES, IMG_HDR(0, 0, 0, 8, 16, 16), 16, 2048, false, 0, 0, GZIP_CORRUPT,
     "corrupt gzip stream: "},
    {"gzip with unknown method", IMAGES, {0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0},
     16, 0, false, 0, 0, RAW, "corrupt gzip stream: unknown compression method"},
    {"gzip cut in half", IMAGES, IMG_HDR(0, 0, 0, 8, 16, 16), 16, 2048, false, 0, 0, GZIP_TRUNCATED,
     "truncated gzip stream"},
    {"gzip header only", LABELS, LAB_HDR(0, 0, 0, 4), 8, 4, false, 0, 0, GZIP_HEADER_ONLY,
     "truncated gzip stream"},
    {"gzip magic alone", LABELS, {0x1f, 0x8b}, 2, 0, false, 0, 0, RAW, "truncated gzip stream"},
    {"stray bytes after the gzip stream", LABELS, LAB_HDR(0, 0, 0, 4), 8, 4, false, 0, 0,
     GZIP_TRAILING, "trailing data: 3 bytes after the gzip stream"},
    /* Zeros compress ~1000:1, so a small file could ask for a lot of memory. */
    {"gzip inflating past the label cap", LABELS, LAB_HDR(0, 0x98, 0x96, 0x81), 8,
     IDX_MAX_ITEMS + 1, true, 0, 0, GZIP, "gzip stream inflates to more than 10000008 bytes"},
};

static bytes build_case(const bad_case *c)
{
    bytes raw = {xmalloc(c->header_len + c->data_len), c->header_len + c->data_len};
    memcpy(raw.p, c->header, c->header_len);
    uint8_t *data = raw.p + c->header_len;
    for (size_t i = 0; i < c->data_len; i++)
        data[i] = (uint8_t)(i * 7 % 10);
    if (c->data_len > 1000) // big inputs: zeros, to compress well
        memset(data, 0, c->data_len);
    if (c->poke)
        data[c->poke_at] = c->poke_val;
    if (c->wrap == RAW)
        return raw;

    bytes gz = gzip_bytes(raw.p, raw.len);
    bytes_free(&raw);
    switch (c->wrap) {
    case GZIP_CORRUPT:
        /* Past the 10-byte header, inside the deflate data. */
        for (size_t i = 12; i < gz.len - 8 && i < 20; i++)
            gz.p[i] ^= 0xa5;
        break;
    case GZIP_TRUNCATED:
        gz.len /= 2;
        break;
    case GZIP_HEADER_ONLY:
        gz.len = 10;
        break;
    case GZIP_TRAILING: {
        uint8_t *p = realloc(gz.p, gz.len + 3);
        if (!p)
            exit(1);
        gz.p = p;
        memcpy(gz.p + gz.len, "abc", 3);
        gz.len += 3;
        break;
    }
    default:
        break;
    }
    return gz;
}

static void test_bad_inputs(void)
{
    size_t n = sizeof bad_cases / sizeof bad_cases[0];
    CHECK(n >= 15);
    for (size_t i = 0; i < n; i++) {
        const bad_case *c = &bad_cases[i];
        bytes in = build_case(c);
        dp_error err = {"(no message)"};
        bool ok;
        if (c->kind == IMAGES) {
            idx_images img;
            ok = idx_parse_images(in.p, in.len, &img, &err);
            CHECK(img.pixels == NULL); // a failure leaves nothing to free
            if (ok)
                idx_images_destroy(&img);
        } else {
            idx_labels lab;
            ok = idx_parse_labels(in.p, in.len, &lab, &err);
            CHECK(lab.labels == NULL);
            if (ok)
                idx_labels_destroy(&lab);
        }
        if (ok)
            fprintf(stderr, "bad case \"%s\" was accepted\n", c->name);
        CHECK(!ok);
        if (getenv("TEST_IDX_VERBOSE"))
            printf("%-36s %s\n", c->name, err.msg);
        if (!strstr(err.msg, c->want))
            fprintf(stderr, "bad case \"%s\":\n", c->name);
        CHECK_MSG(err.msg, c->want);
        CHECK(strchr(err.msg, '\n') == NULL);
        bytes_free(&in);
    }
}

/* ---- dataset --------------------------------------------------------- */

static void test_from_idx(void)
{
    bytes bi = make_images(3, 2, 2, 0), bl = make_labels(2, 0);
    idx_images img;
    idx_labels lab;
    dp_error err = {""};
    CHECK(idx_parse_images(bi.p, bi.len, &img, &err));
    CHECK(idx_parse_labels(bl.p, bl.len, &lab, &err));
    dataset ds;
    memset(&ds, 0, sizeof ds);
    CHECK(!dataset_from_idx(&ds, &img, &lab, &err));
    CHECK_MSG(err.msg, "3 images but 2 labels");
    CHECK(img.pixels != NULL && lab.labels != NULL); // still the caller's
    idx_labels_destroy(&lab);
    bytes_free(&bl);

    bl = make_labels(3, 0);
    CHECK(idx_parse_labels(bl.p, bl.len, &lab, &err));
    uint8_t *pixels = img.pixels;
    CHECK(dataset_from_idx(&ds, &img, &lab, &err));
    CHECK(ds.count == 3 && ds.rows == 2 && ds.cols == 2 && ds.images == pixels);
    CHECK(img.pixels == NULL && lab.labels == NULL); // moved into ds

    dataset_truncate(&ds, 5);
    CHECK(ds.count == 3);
    dataset_truncate(&ds, 2);
    CHECK(ds.count == 2);
    dataset_destroy(&ds);
    CHECK(ds.images == NULL && ds.count == 0);
    bytes_free(&bi);
    bytes_free(&bl);
}

static void test_batch(void)
{
    uint8_t images[3 * 4] = {0, 255, 51, 128, 1, 2, 3, 4, 10, 20, 30, 40};
    uint8_t labels[3] = {7, 1, 9};
    dataset ds = {.count = 3, .rows = 2, .cols = 2, .images = images, .labels = labels};
    float x[3 * 4];
    uint8_t y[3];

    dataset_batch(&ds, NULL, 0, 3, x, y);
    CHECK(x[0] == 0.0f);
    CHECK(x[1] == 1.0f); // exact: 255 * (1/255) rounds to 1
    /* 51 * (1.0f/255.0f) is 0.20000002f, one float step from 0.2f. */
    CHECK(fabsf(x[2] - 0.2f) <= 0.2f * FLT_EPSILON);
    CHECK(fabsf(x[3] - 128.0f / 255.0f) <= FLT_EPSILON);
    CHECK(y[0] == 7 && y[1] == 1 && y[2] == 9);
    for (size_t i = 0; i < 12; i++)
        CHECK(fabsf(x[i] - (float)images[i] / 255.0f) <= FLT_EPSILON && x[i] >= 0.0f && x[i] <= 1.0f);

    dataset_batch(&ds, NULL, 1, 2, x, y);
    CHECK(fabsf(x[0] - 1.0f / 255.0f) <= FLT_EPSILON && y[0] == 1 && y[1] == 9);

    uint32_t order[2] = {2, 0};
    dataset_batch(&ds, order, 0, 2, x, y);
    CHECK(fabsf(x[0] - 10.0f / 255.0f) <= FLT_EPSILON && x[4] == 0.0f && x[5] == 1.0f);
    CHECK(y[0] == 9 && y[1] == 7);
}

static void test_shuffle(void)
{
    enum { N = 1000 };
    static uint32_t a[N], b[N], c[N];
    for (uint32_t i = 0; i < N; i++)
        a[i] = b[i] = c[i] = i;
    dp_rng r;
    dp_rng_seed(&r, 42);
    dataset_shuffle(a, N, &r);
    dp_rng_seed(&r, 42);
    dataset_shuffle(b, N, &r);
    dp_rng_seed(&r, 43);
    dataset_shuffle(c, N, &r);

    static uint8_t seen[N];
    bool perm = true;
    size_t fixed = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (a[i] >= N || seen[a[i]]++)
            perm = false;
        fixed += a[i] == i;
    }
    CHECK(perm);
    CHECK(fixed < 20); // about one expected; identity would be 1000
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, c, sizeof a) != 0);

    uint32_t one = 5;
    dataset_shuffle(&one, 1, &r);
    CHECK(one == 5);
    dataset_shuffle(NULL, 0, &r);
}

/* ---- files on disk ------------------------------------------------------- */

static char tmp_dir[64];
static char made[32][256];
static size_t n_made;

static const char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    return path;
}

static void write_file(const char *name, bytes b)
{
    const char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0) {
        fprintf(stderr, "test_idx: cannot write %s\n", path);
        exit(1);
    }
    if (n_made < 32)
        snprintf(made[n_made++], sizeof made[0], "%s", path);
}

static void write_gz(const char *name, bytes raw)
{
    bytes gz = gzip_bytes(raw.p, raw.len);
    write_file(name, gz);
    bytes_free(&gz);
}

static void make_dir(const char *name)
{
    const char *path = tmp_path(name);
    if (mkdir(path, 0700) != 0) {
        fprintf(stderr, "test_idx: cannot make %s\n", path);
        exit(1);
    }
    if (n_made < 32)
        snprintf(made[n_made++], sizeof made[0], "%s", path);
}

static void remove_tmp(void)
{
    while (n_made > 0) // newest first, so folders are empty when removed
        remove(made[--n_made]);
    rmdir(tmp_dir);
}

static void test_read_file(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    dp_error err = {""};
    CHECK(!dp_read_file(tmp_path("nothing-here"), 100, &buf, &len, &err));
    CHECK(strcmp(err.msg, "cannot open: No such file or directory") == 0);
    CHECK(buf == NULL);

    bytes b = make_labels(100, 0);
    write_file("plain", b);
    CHECK(dp_read_file(tmp_path("plain"), 108, &buf, &len, &err));
    CHECK(buf && len == 108 && memcmp(buf, b.p, 108) == 0);
    free(buf);
    CHECK(!dp_read_file(tmp_path("plain"), 107, &buf, &len, &err));
    CHECK_MSG(err.msg, "more than the cap of 107");
    CHECK(buf == NULL);
    bytes_free(&b);

    b.p = xmalloc(1);
    b.len = 0;
    write_file("zero-bytes", b);
    CHECK(dp_read_file(tmp_path("zero-bytes"), 10, &buf, &len, &err));
    CHECK(len == 0);
    free(buf);
    bytes_free(&b);

    CHECK(!dp_read_file(tmp_dir, 100, &buf, &len, &err));
    CHECK_MSG(err.msg, "is a folder, not a regular file");
}

static void test_load(void)
{
    dp_error err = {""};
    char want[512];

    /* train: dotted names, images raw, labels gzipped. */
    bytes ti = make_images(6, 28, 28, 1), tl = make_labels(6, 2);
    write_file("train-images.idx3-ubyte", ti);
    write_gz("train-labels.idx1-ubyte.gz", tl);
    dataset ds;
    CHECK(dataset_load(tmp_dir, "train", &ds, &err));
    CHECK(ds.count == 6 && ds.rows == 28 && ds.cols == 28);
    CHECK(ds.images && memcmp(ds.images, ti.p + 16, 6 * 784) == 0);
    CHECK(ds.labels && memcmp(ds.labels, tl.p + 8, 6) == 0);
    dataset_destroy(&ds);

    /* t10k: the test split is missing at first. */
    CHECK(!dataset_load(tmp_dir, "t10k", &ds, &err));
    snprintf(want, sizeof want, "%s/t10k-images-idx3-ubyte: not found", tmp_dir);
    CHECK_MSG(err.msg, want);

    /* t10k: plain names, images gzipped, one label too few. */
    bytes si = make_images(4, 28, 28, 3), sl = make_labels(3, 4);
    write_gz("t10k-images-idx3-ubyte.gz", si);
    write_file("t10k-labels-idx1-ubyte", sl);
    CHECK(!dataset_load(tmp_dir, "t10k", &ds, &err));
    snprintf(want, sizeof want, "%s/t10k-labels-idx1-ubyte: 4 images but 3 labels", tmp_dir);
    CHECK(strcmp(err.msg, want) == 0);
    if (strcmp(err.msg, want) != 0)
        fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", err.msg, want);
    mnist m;
    CHECK(!dataset_load_mnist(tmp_dir, &m, &err));
    CHECK_MSG(err.msg, "4 images but 3 labels");
    CHECK(m.train.images == NULL);

    /* Fix the labels: both splits load. */
    bytes_free(&sl);
    sl = make_labels(4, 4);
    write_file("t10k-labels-idx1-ubyte", sl);
    CHECK(dataset_load_mnist(tmp_dir, &m, &err));
    CHECK(m.train.count == 6 && m.test.count == 4 && strcmp(m.dir, tmp_dir) == 0);
    CHECK(m.test.images && memcmp(m.test.images, si.p + 16, 4 * 784) == 0);
    mnist_destroy(&m);

    /* A bad file's path leads its message. */
    bytes junk = make_labels(2, 0);
    make_dir("bad");
    write_file("bad/train-images-idx3-ubyte", junk);
    write_file("bad/train-labels-idx1-ubyte", junk);
    char bad_dir[128];
    snprintf(bad_dir, sizeof bad_dir, "%s/bad", tmp_dir);
    CHECK(!dataset_load(bad_dir, "train", &ds, &err));
    snprintf(want, sizeof want, "%s/train-images-idx3-ubyte: wrong magic 0x00000801", bad_dir);
    CHECK_MSG(err.msg, want);
    CHECK(strncmp(err.msg, bad_dir, strlen(bad_dir)) == 0);
    bytes_free(&junk);

    /* Images that are not 28x28 load as a dataset but not as MNIST. */
    make_dir("small");
    bytes smi = make_images(2, 20, 20, 0), sml = make_labels(2, 0);
    write_file("small/train-images-idx3-ubyte", smi);
    write_file("small/train-labels-idx1-ubyte", sml);
    char small_dir[128];
    snprintf(small_dir, sizeof small_dir, "%s/small", tmp_dir);
    CHECK(dataset_load(small_dir, "train", &ds, &err));
    CHECK(ds.rows == 20);
    dataset_destroy(&ds);
    CHECK(!dataset_load_mnist(small_dir, &m, &err));
    CHECK_MSG(err.msg, "images are 20x20, MNIST's are 28x28");
    bytes_free(&smi);
    bytes_free(&sml);

    /* Finding the folder. */
    char found[4096];
    CHECK(dataset_find_dir(tmp_dir, found, sizeof found, &err));
    CHECK(strcmp(found, tmp_dir) == 0);
    make_dir("empty");
    char empty_dir[128];
    snprintf(empty_dir, sizeof empty_dir, "%s/empty", tmp_dir);
    CHECK(!dataset_find_dir(empty_dir, found, sizeof found, &err));
    CHECK(strncmp(err.msg, empty_dir, strlen(empty_dir)) == 0);
    CHECK_MSG(err.msg, "run scripts/fetch-mnist");
    CHECK(!dataset_find_dir(tmp_dir, found, 8, &err)); // out too small
    CHECK_MSG(err.msg, "too long");

    /* Among a list: the first that holds MNIST; NULL and empty entries
     * are skipped; a miss names every place tried. */
    const char *places[] = {empty_dir, NULL, "", tmp_dir, empty_dir};
    CHECK(dataset_find_dir_among(places, 5, found, sizeof found, &err));
    CHECK(strcmp(found, tmp_dir) == 0);
    const char *misses[] = {empty_dir, NULL, "data/mnist"};
    CHECK(!dataset_find_dir_among(misses, 3, found, sizeof found, &err));
    snprintf(want, sizeof want, "no MNIST found (looked in %s, data/mnist); run scripts/fetch-mnist",
             empty_dir);
    CHECK(strcmp(err.msg, want) == 0);
    if (strcmp(err.msg, want) != 0)
        fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", err.msg, want);

    /* The core reads no environment: without a folder it looks in
     * ./data/mnist only, whatever $DIGITPAD_DATA says (src/common's
     * paths_find_mnist reads that). */
    char saved_data[4096];
    const char *v = getenv("DIGITPAD_DATA");
    bool had_data = v && snprintf(saved_data, sizeof saved_data, "%s", v) >= 0;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd) || chdir(empty_dir) != 0) {
        CHECK(!"cannot change folder");
    } else {
        setenv("DIGITPAD_DATA", tmp_dir, 1);
        CHECK(!dataset_find_dir(NULL, found, sizeof found, &err));
        CHECK(strcmp(err.msg, "no MNIST found (looked in data/mnist); run scripts/fetch-mnist") == 0);
        CHECK(!dataset_load_mnist(NULL, &m, &err));
        CHECK_MSG(err.msg, "no MNIST found");
        make_dir("empty/data");
        char link_from[256];
        snprintf(link_from, sizeof link_from, "%s/data/mnist", empty_dir);
        CHECK(symlink(tmp_dir, link_from) == 0);
        CHECK(dataset_find_dir(NULL, found, sizeof found, &err));
        CHECK(strcmp(found, "data/mnist") == 0);
        unlink(link_from);
        if (chdir(cwd) != 0)
            CHECK(!"cannot change folder back");
    }
    if (had_data)
        setenv("DIGITPAD_DATA", saved_data, 1);
    else
        unsetenv("DIGITPAD_DATA");

    bytes_free(&ti);
    bytes_free(&tl);
    bytes_free(&si);
    bytes_free(&sl);
}

/* The real files, when scripts/fetch-mnist has been run; skipped otherwise. */
static void test_real_mnist(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/data/mnist", src ? src : ".");
    dp_error err = {""};
    char found[4096];
    if (!dataset_find_dir(dir, found, sizeof found, &err)) {
        printf("real MNIST: skipped (%s)\n", err.msg);
        return;
    }
    mnist m;
    CHECK(dataset_load_mnist(dir, &m, &err));
    if (err.msg[0])
        fprintf(stderr, "real MNIST: %s\n", err.msg);
    CHECK(m.train.count == 60000 && m.test.count == 10000);
    CHECK(m.train.rows == 28 && m.train.cols == 28);
    CHECK(m.train.labels && m.train.labels[0] == 5 && m.test.labels && m.test.labels[0] == 7);
    mnist_destroy(&m);
}

int main(void)
{
    test_valid_images(false);
    test_valid_images(true);
    test_valid_labels(false);
    test_valid_labels(true);
    test_valid_misc();
    test_bad_inputs();
    test_from_idx();
    test_batch();
    test_shuffle();

    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/digitpad-test-idx-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        fprintf(stderr, "test_idx: mkdtemp: %s\n", strerror(errno));
        failed++;
    } else {
        test_read_file();
        test_load();
        remove_tmp();
    }
    test_real_mnist();

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
