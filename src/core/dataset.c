/* dataset.c: finding, reading and holding MNIST; batches and shuffles. */
#include "dataset.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


/* A compressed file may be a little larger than what it inflates to
 * (stored blocks); 1 MiB of slack covers that for IDX_MAX_BYTES. */
#define DATASET_MAX_FILE (IDX_MAX_BYTES + 16 + ((size_t)1 << 20))

#define MNIST_SIDE 28

/* The names MNIST goes by: Yann LeCun's, the dotted one of some mirrors,
 * and both gzipped. Raw files first, as they load fastest. */
static const char *const name_patterns[] = {
    "%s/%s-%s-idx%d-ubyte",
    "%s/%s-%s.idx%d-ubyte",
    "%s/%s-%s-idx%d-ubyte.gz",
    "%s/%s-%s.idx%d-ubyte.gz",
};
#define N_NAME_PATTERNS (sizeof name_patterns / sizeof name_patterns[0])

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether something is at path at all (a FIFO, a dangling link, a loop). */
static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Writes the first variant of dir/prefix-kind-idxN-ubyte that is a regular
 * file to out (size out_len), or else the first that is there at all (a
 * FIFO, a symlink loop...: reading it then says what it is, rather than
 * "not found"); if none is there, writes the plain name and returns
 * false. */
static bool find_file(const char *dir, const char *prefix, const char *kind, int dims, char *out,
                      size_t out_len)
{
    int other = -1;
    for (size_t i = 0; i < N_NAME_PATTERNS; i++) {
        int n = snprintf(out, out_len, name_patterns[i], dir, prefix, kind, dims);
        if (n <= 0 || (size_t)n >= out_len)
            continue;
        if (is_regular_file(out))
            return true;
        if (other < 0 && exists(out))
            other = (int)i;
    }
    snprintf(out, out_len, name_patterns[other < 0 ? 0 : other], dir, prefix, kind, dims);
    return other >= 0;
}

static bool holds_split(const char *dir, const char *prefix)
{
    char path[4096 + 64];
    return find_file(dir, prefix, "images", 3, path, sizeof path);
}

static bool copy_path(char *out, size_t out_len, const char *path, dp_error *err)
{
    size_t n = strlen(path);
    if (n >= out_len)
        return dp_fail(err, "%s: path is too long (%zu bytes)", path, n);
    memcpy(out, path, n + 1);
    return true;
}

bool dataset_find_split(const char *dir, const char *const *dirs, size_t n, const char *prefix,
                        char *out, size_t out_len, dp_error *err)
{
    if (dir) {
        if (!holds_split(dir, prefix))
            return dp_fail(err, "%s: no MNIST there (no %s-images-idx3-ubyte, "
                                "%s-images.idx3-ubyte or either with .gz); run scripts/fetch-mnist",
                           dir, prefix, prefix);
        return copy_path(out, out_len, dir, err);
    }
    for (size_t i = 0; i < n; i++)
        if (dirs[i] && dirs[i][0] && holds_split(dirs[i], prefix))
            return copy_path(out, out_len, dirs[i], err);
    char tried[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof tried; i++) {
        if (!dirs[i] || !dirs[i][0])
            continue;
        int k = snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", dirs[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return dp_fail(err, "no MNIST found (looked in %s); run scripts/fetch-mnist", tried);
}

bool dataset_find_dir(const char *dir, char *out, size_t out_len, dp_error *err)
{
    const char *here = "data/mnist";
    return dataset_find_split(dir, &here, 1, "train", out, out_len, err);
}

bool dataset_find_dir_among(const char *const *dirs, size_t n, char *out, size_t out_len,
                            dp_error *err)
{
    return dataset_find_split(NULL, dirs, n, "train", out, out_len, err);
}

size_t dataset_classes(const dataset *ds)
{
    uint8_t top = 0;
    for (size_t i = 0; i < ds->count; i++)
        top = ds->labels[i] > top ? ds->labels[i] : top;
    return ds->count ? (size_t)top + 1 : 0;
}

bool dataset_from_idx(dataset *ds, idx_images *img, idx_labels *lab, dp_error *err)
{
    if (img->count != lab->count)
        return dp_fail(err, "%zu images but %zu labels", img->count, lab->count);
    if (!img->pixels || !lab->labels || img->rows == 0 || img->cols == 0)
        return dp_fail(err, "empty images or labels");
    ds->count = img->count;
    ds->rows = img->rows;
    ds->cols = img->cols;
    ds->images = img->pixels;
    ds->labels = lab->labels;
    memset(img, 0, sizeof *img);
    memset(lab, 0, sizeof *lab);
    return true;
}

/* Reads and parses one file; on failure err says "path: reason". */
static bool load_images(const char *path, idx_images *img, dp_error *err)
{
    uint8_t *buf;
    size_t len;
    dp_error inner;
    if (!dp_read_file(path, DATASET_MAX_FILE, &buf, &len, &inner))
        return dp_fail(err, "%s: %s", path, inner.msg);
    bool ok = idx_parse_images_owned(buf, len, img, &inner);
    return ok || dp_fail(err, "%s: %s", path, inner.msg);
}

static bool load_labels(const char *path, idx_labels *lab, dp_error *err)
{
    uint8_t *buf;
    size_t len;
    dp_error inner;
    if (!dp_read_file(path, DATASET_MAX_FILE, &buf, &len, &inner))
        return dp_fail(err, "%s: %s", path, inner.msg);
    bool ok = idx_parse_labels_owned(buf, len, lab, &inner);
    return ok || dp_fail(err, "%s: %s", path, inner.msg);
}

/* dataset_load, also telling the caller which image file it read. */
static bool load_split(const char *dir, const char *prefix, dataset *ds, char *images_path,
                       size_t images_path_len, dp_error *err)
{
    memset(ds, 0, sizeof *ds);
    char labels_path[4096 + 64];
    if (!find_file(dir, prefix, "images", 3, images_path, images_path_len))
        return dp_fail(err, "%s: not found (nor the .idx3-ubyte or .gz variants)", images_path);
    if (!find_file(dir, prefix, "labels", 1, labels_path, sizeof labels_path))
        return dp_fail(err, "%s: not found (nor the .idx1-ubyte or .gz variants)", labels_path);

    idx_images img;
    idx_labels lab;
    if (!load_images(images_path, &img, err))
        return false;
    if (!load_labels(labels_path, &lab, err)) {
        idx_images_destroy(&img);
        return false;
    }
    dp_error inner;
    if (!dataset_from_idx(ds, &img, &lab, &inner)) {
        idx_images_destroy(&img);
        idx_labels_destroy(&lab);
        return dp_fail(err, "%s: %s", labels_path, inner.msg);
    }
    return true;
}

bool dataset_load(const char *dir, const char *prefix, dataset *ds, dp_error *err)
{
    char images_path[4096 + 64];
    return load_split(dir, prefix, ds, images_path, sizeof images_path, err);
}

static bool check_mnist_shape(const dataset *ds, const char *images_path, dp_error *err)
{
    if (ds->rows != MNIST_SIDE || ds->cols != MNIST_SIDE)
        return dp_fail(err, "%s: images are %zux%zu, MNIST's are 28x28", images_path, ds->rows,
                       ds->cols);
    return true;
}

bool dataset_load_mnist(const char *dir, mnist *m, dp_error *err)
{
    memset(m, 0, sizeof *m);
    if (dir) {
        if (!copy_path(m->dir, sizeof m->dir, dir, err))
            return false;
    } else if (!dataset_find_dir(NULL, m->dir, sizeof m->dir, err)) {
        return false;
    }

    char images_path[4096 + 64];
    if (!load_split(m->dir, "train", &m->train, images_path, sizeof images_path, err))
        return false;
    if (!check_mnist_shape(&m->train, images_path, err)) {
        mnist_destroy(m);
        return false;
    }
    if (!load_split(m->dir, "t10k", &m->test, images_path, sizeof images_path, err)) {
        mnist_destroy(m);
        return false;
    }
    if (!check_mnist_shape(&m->test, images_path, err)) {
        mnist_destroy(m);
        return false;
    }
    return true;
}

void dataset_truncate(dataset *ds, size_t n)
{
    if (n < ds->count)
        ds->count = n;
}

void dataset_destroy(dataset *ds)
{
    if (!ds)
        return;
    free(ds->images);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

void mnist_destroy(mnist *m)
{
    if (!m)
        return;
    dataset_destroy(&m->train);
    dataset_destroy(&m->test);
}

/* One sample's pixels to floats; restrict and a plain loop let the compiler
 * vectorise the widening and the multiply. */
static void pixels_to_float(float *restrict dst, const uint8_t *restrict src, size_t n)
{
    // A division, not a multiply by 1/255: x / 255 is what the Keras program
    // feeds, and 51 / 255 must be 0.2f, not the float after it.
    for (size_t i = 0; i < n; i++)
        dst[i] = (float)src[i] / 255.0f;
}

void dataset_batch(const dataset *ds, const uint32_t *indices, size_t first, size_t n, float *x,
                   uint8_t *y)
{
    dataset_batch_scaled(ds, indices, first, n, DATASET_DEFAULT_SCALE, x, y);
}

void dataset_batch_scaled(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                          double scale, float *x, uint8_t *y)
{
    size_t pixels = ds->rows * ds->cols;
    float table[256];
    bool by_255 = scale == DATASET_DEFAULT_SCALE;
    if (!by_255)
        dataset_scale_table(table, scale);
    for (size_t i = 0; i < n; i++) {
        size_t s = indices ? indices[i] : first + i;
        const uint8_t *img = ds->images + s * pixels;
        float *row = x + i * pixels;
        if (by_255) {
            pixels_to_float(row, img, pixels);
        } else {
            for (size_t p = 0; p < pixels; p++)
                row[p] = table[img[p]];
        }
        y[i] = ds->labels[s];
    }
}


void dataset_shuffle(uint32_t *idx, size_t n, dp_rng *r)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)dp_rng_below(r, i);
        uint32_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
