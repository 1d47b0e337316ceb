/* samples.c: the person's digits in memory and on disk (samples.h). */
#define _POSIX_C_SOURCE 200809L // unlink
#include "samples.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/paths.h"
#include "core/idx_write.h"

/* The pairs written: train-* (what --also reads) and t10k-* (so that --data
 * finds a whole MNIST-like folder). */
static const char *const file_names[2][2] = {
    {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
    {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
};

void samples_init(samples *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    if (dir)
        snprintf(s->dir, sizeof s->dir, "%s", dir);
}

void samples_destroy(samples *s)
{
    free(s->images);
    free(s->labels);
    memset(s, 0, sizeof *s);
}

static bool path_of(const samples *s, int pair, int which, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%s", s->dir, file_names[pair][which]);
    return n > 0 && (size_t)n < len;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static bool reserve(samples *s, size_t n)
{
    if (n <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap * 2 : 64;
    while (cap < n)
        cap *= 2;
    uint8_t *img = realloc(s->images, cap * SAMPLES_PIXELS);
    if (!img)
        return false;
    s->images = img;
    uint8_t *lab = realloc(s->labels, cap);
    if (!lab)
        return false;
    s->labels = lab;
    s->cap = cap;
    return true;
}

static void recount(samples *s)
{
    memset(s->per_label, 0, sizeof s->per_label);
    for (size_t i = 0; i < s->count; i++)
        s->per_label[s->labels[i]]++;
    s->version++;
}

bool samples_load(samples *s, dp_error *err)
{
    s->count = 0;
    s->broken = false;
    s->broken_msg[0] = 0;
    recount(s);
    if (!s->dir[0])
        return true;
    char ip[SAMPLES_PATH_MAX + 64], lp[SAMPLES_PATH_MAX + 64];
    if (!path_of(s, 0, 0, ip, sizeof ip) || !path_of(s, 0, 1, lp, sizeof lp))
        return dp_fail(err, "%s: the folder's name is too long", s->dir);
    if (!exists(ip) && !exists(lp))
        return true;
    dataset ds;
    dp_error e = {{0}};
    bool ok = dataset_load(s->dir, "train", &ds, &e);
    if (ok && (ds.rows != SAMPLES_SIDE || ds.cols != SAMPLES_SIDE)) {
        dp_fail(&e, "%s: images of %zux%zu, not 28x28", ip, ds.rows, ds.cols);
        dataset_destroy(&ds);
        ok = false;
    }
    if (ok && ds.count > SAMPLES_MAX) {
        dp_fail(&e, "%s: %zu samples, more than the %d kept", ip, ds.count, SAMPLES_MAX);
        dataset_destroy(&ds);
        ok = false;
    }
    if (ok && !reserve(s, ds.count)) {
        dp_fail(&e, "out of memory for %zu samples", ds.count);
        dataset_destroy(&ds);
        ok = false;
    }
    if (!ok) {
        s->broken = true;
        snprintf(s->broken_msg, sizeof s->broken_msg, "%s", e.msg);
        return dp_fail(err, "%s", e.msg);
    }
    memcpy(s->images, ds.images, ds.count * SAMPLES_PIXELS);
    memcpy(s->labels, ds.labels, ds.count);
    s->count = ds.count;
    dataset_destroy(&ds);
    recount(s);
    return true;
}

/* Writes the store (count samples) to its folder, or removes the files
 * when it is empty. */
static bool save(const samples *s, size_t count, dp_error *err)
{
    if (!s->dir[0])
        return true;
    dp_error e = {{0}};
    if (count > 0 && !paths_make_dir(s->dir, &e))
        return dp_fail(err, "%s: %s", s->dir, e.msg);
    for (int pair = 0; pair < 2; pair++) {
        char ip[SAMPLES_PATH_MAX + 64], lp[SAMPLES_PATH_MAX + 64];
        if (!path_of(s, pair, 0, ip, sizeof ip) || !path_of(s, pair, 1, lp, sizeof lp))
            return dp_fail(err, "%s: the folder's name is too long", s->dir);
        if (count == 0) {
            if ((unlink(ip) != 0 && errno != ENOENT) || (unlink(lp) != 0 && errno != ENOENT))
                return dp_fail(err, "%s: cannot remove the samples: %s", s->dir, strerror(errno));
            continue;
        }
        if (!idx_write_pair(ip, lp, s->images, s->labels, count, SAMPLES_SIDE, SAMPLES_SIDE, err))
            return false;
    }
    return true;
}

bool samples_add(samples *s, const uint8_t *img, int label, dp_error *err)
{
    if (label < 0 || label > 9)
        return dp_fail(err, "label %d: digits are 0 to 9", label);
    if (s->broken)
        return dp_fail(err, "%s (move it away to keep new samples)", s->broken_msg);
    if (s->count >= SAMPLES_MAX)
        return dp_fail(err, "%d samples kept already: delete some first", SAMPLES_MAX);
    if (!reserve(s, s->count + 1))
        return dp_fail(err, "out of memory");
    memcpy(s->images + s->count * SAMPLES_PIXELS, img, SAMPLES_PIXELS);
    s->labels[s->count] = (uint8_t)label;
    if (!save(s, s->count + 1, err))
        return false; // the slot past count is scratch: nothing kept
    s->count++;
    recount(s);
    return true;
}

bool samples_remove(samples *s, size_t i, dp_error *err)
{
    if (i >= s->count)
        return dp_fail(err, "there is no sample %zu (%zu kept)", i + 1, s->count);
    if (s->broken)
        return dp_fail(err, "%s (move it away first)", s->broken_msg);
    /* Saved from a copy without sample i, so a failed save leaves memory
     * as the files are. */
    samples tmp = *s;
    tmp.images = malloc((s->count ? s->count : 1) * SAMPLES_PIXELS);
    tmp.labels = malloc(s->count ? s->count : 1);
    if (!tmp.images || !tmp.labels) {
        free(tmp.images);
        free(tmp.labels);
        return dp_fail(err, "out of memory");
    }
    size_t k = 0;
    for (size_t j = 0; j < s->count; j++) {
        if (j == i)
            continue;
        memcpy(tmp.images + k * SAMPLES_PIXELS, s->images + j * SAMPLES_PIXELS, SAMPLES_PIXELS);
        tmp.labels[k++] = s->labels[j];
    }
    bool ok = save(&tmp, k, err);
    if (ok) {
        memcpy(s->images, tmp.images, k * SAMPLES_PIXELS);
        memcpy(s->labels, tmp.labels, k);
        s->count = k;
        recount(s);
    }
    free(tmp.images);
    free(tmp.labels);
    return ok;
}

size_t samples_count(const samples *s, int label)
{
    return label >= 0 && label <= 9 ? s->per_label[label] : 0;
}

bool samples_to_dataset(const samples *s, dataset *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = s->count ? s->count : 1;
    out->images = malloc(n * SAMPLES_PIXELS);
    out->labels = malloc(n);
    if (!out->images || !out->labels) {
        dataset_destroy(out);
        return dp_fail(err, "out of memory");
    }
    memcpy(out->images, s->images, s->count * SAMPLES_PIXELS);
    memcpy(out->labels, s->labels, s->count);
    out->count = s->count;
    out->rows = out->cols = SAMPLES_SIDE;
    return true;
}

void samples_from_picture(const float *picture, uint8_t *out)
{
    for (size_t i = 0; i < SAMPLES_PIXELS; i++) {
        float v = picture[i];
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        out[i] = (uint8_t)lrintf(v * 255.0f);
    }
}
