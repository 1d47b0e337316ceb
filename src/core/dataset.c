/* dataset.c: finding, reading and holding MNIST; batches and shuffles. */
#include "dataset.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A compressed file may be a little larger than what it inflates to
 * (stored blocks); 1 MiB of slack covers that for IDX_MAX_BYTES. */
#define DATASET_MAX_FILE (IDX_MAX_BYTES + 16 + ((size_t)1 << 20))

#define MNIST_SIDE 28

bool dp_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len, dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dp_fail(err, "cannot open: %s", strerror(errno));

    /* The buffer never grows past limit; reading limit bytes means the file
     * is over the cap (no allocation may exceed PTRDIFF_MAX anyway). */
    size_t limit = max_len < PTRDIFF_MAX ? max_len + 1 : PTRDIFF_MAX;
    /* Start from the size the file claims (one byte more, to see the end in
     * the first read), but trust only what reading gives. */
    size_t cap = 64 * 1024;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
        if ((uint64_t)st.st_size > max_len) {
            fclose(f);
            return dp_fail(err, "file is %llu bytes, more than the cap of %zu",
                           (unsigned long long)st.st_size, max_len);
        }
        cap = (size_t)st.st_size + 1;
    }
    if (cap > limit)
        cap = limit;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return dp_fail(err, "out of memory (%zu bytes)", cap);
    }
    size_t len = 0;
    for (;;) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break; // end of file or an error, told apart below
        if (cap == limit) {
            free(buf);
            fclose(f);
            return dp_fail(err, "file is more than the cap of %zu bytes", max_len);
        }
        size_t grown = cap < limit / 2 ? cap * 2 : limit;
        uint8_t *bigger = realloc(buf, grown);
        if (!bigger) {
            free(buf);
            fclose(f);
            return dp_fail(err, "out of memory (%zu bytes)", grown);
        }
        buf = bigger;
        cap = grown;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return dp_fail(err, "cannot read: %s", e ? strerror(e) : "read error");
    }
    fclose(f);
    *out = buf;
    *out_len = len;
    return true;
}

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

/* Writes the first existing variant of dir/prefix-kind-idxN-ubyte to out
 * (size out_len); if none exists, writes the plain name and returns false. */
static bool find_file(const char *dir, const char *prefix, const char *kind, int dims, char *out,
                      size_t out_len)
{
    for (size_t i = 0; i < N_NAME_PATTERNS; i++) {
        int n = snprintf(out, out_len, name_patterns[i], dir, prefix, kind, dims);
        if (n > 0 && (size_t)n < out_len && is_regular_file(out))
            return true;
    }
    snprintf(out, out_len, name_patterns[0], dir, prefix, kind, dims);
    return false;
}

static bool holds_mnist(const char *dir)
{
    char path[4096 + 64];
    return find_file(dir, "train", "images", 3, path, sizeof path);
}

static bool copy_path(char *out, size_t out_len, const char *path, dp_error *err)
{
    size_t n = strlen(path);
    if (n >= out_len)
        return dp_fail(err, "%s: path is too long (%zu bytes)", path, n);
    memcpy(out, path, n + 1);
    return true;
}

bool dataset_find_dir(const char *dir, char *out, size_t out_len, dp_error *err)
{
    if (dir) {
        if (!holds_mnist(dir))
            return dp_fail(err, "%s: no MNIST there (no train-images-idx3-ubyte, "
                                "train-images.idx3-ubyte or either with .gz); run scripts/fetch-mnist",
                           dir);
        return copy_path(out, out_len, dir, err);
    }

    char xdg[4096];
    const char *candidates[3];
    size_t n = 0;
    const char *env = getenv("DIGITPAD_DATA");
    if (env && env[0])
        candidates[n++] = env;
    candidates[n++] = "data/mnist";
    /* The XDG spec says to ignore a relative XDG_DATA_HOME. */
    const char *data_home = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int w = -1;
    if (data_home && data_home[0] == '/')
        w = snprintf(xdg, sizeof xdg, "%s/digitpad/mnist", data_home);
    else if (home && home[0])
        w = snprintf(xdg, sizeof xdg, "%s/.local/share/digitpad/mnist", home);
    if (w > 0 && (size_t)w < sizeof xdg)
        candidates[n++] = xdg;

    for (size_t i = 0; i < n; i++)
        if (holds_mnist(candidates[i]))
            return copy_path(out, out_len, candidates[i], err);

    char tried[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof tried; i++) {
        int k = snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", candidates[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return dp_fail(err, "no MNIST found (looked in %s); run scripts/fetch-mnist", tried);
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
    size_t pixels = ds->rows * ds->cols;
    for (size_t i = 0; i < n; i++) {
        size_t s = indices ? indices[i] : first + i;
        pixels_to_float(x + i * pixels, ds->images + s * pixels, pixels);
        y[i] = ds->labels[s];
    }
}

/* x / 255 for every byte value, folded by the compiler: the same division
 * pixels_to_float does at run time, so sparse and dense batches agree bit
 * for bit (test_train checks all 256). */
#define SCALED1(i) ((float)(i) / 255.0f)
#define SCALED4(i) SCALED1(i), SCALED1((i) + 1), SCALED1((i) + 2), SCALED1((i) + 3)
#define SCALED16(i) SCALED4(i), SCALED4((i) + 4), SCALED4((i) + 8), SCALED4((i) + 12)
#define SCALED64(i) SCALED16(i), SCALED16((i) + 16), SCALED16((i) + 32), SCALED16((i) + 48)
static const float byte_scaled[256] = {SCALED64(0), SCALED64(64), SCALED64(128), SCALED64(192)};

/* The non-zero pixels of img as bits, 64 to a word (bits past `pixels`
 * clear); words has room for (pixels + 63) / 64. */
static void nonzero_bits(const uint8_t *restrict img, size_t pixels, uint64_t *restrict words)
{
    size_t n_words = (pixels + 63) / 64, p = 0;
    memset(words, 0, n_words * sizeof *words);
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; p + 16 <= pixels; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(img + p));
        uint64_t mask = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) & 0xFFFFu;
        words[p / 64] |= mask << (p % 64);
    }
#endif
    for (; p < pixels; p++)
        words[p / 64] |= (uint64_t)(img[p] != 0) << (p % 64);
}

/* Appends img's runs of ink to nz from run r (growing the run arrays as
 * needed, *cap runs) and returns the new run count, or SIZE_MAX when out of
 * memory. A run starts at a set bit whose lower neighbour is clear and ends
 * before a clear bit whose lower neighbour is set: found a word at a time,
 * about 25 bit scans per digit instead of a test per pixel. words is
 * scratch for (pixels + 63) / 64. */
static size_t append_runs(dataset_nonzero *nz, size_t *cap, size_t r, const uint8_t *img,
                          size_t pixels, uint64_t *words)
{
    nonzero_bits(img, pixels, words);
    size_t n_words = (pixels + 63) / 64, run_start = 0;
    uint64_t carry = 0; // the last bit of the word before
    for (size_t w = 0; w <= n_words; w++) {
        // One word past the end, all clear, closes a run reaching the end.
        uint64_t m = w < n_words ? words[w] : 0;
        uint64_t shifted = (m << 1) | carry;
        uint64_t starts = m & ~shifted, ends = ~m & shifted;
        carry = m >> 63;
        while (starts | ends) {
            // Within a word a run's end comes after its start; an end at a
            // lower bit than the next start closes the run already open.
            unsigned s_bit = starts ? (unsigned)__builtin_ctzll(starts) : 64;
            unsigned e_bit = ends ? (unsigned)__builtin_ctzll(ends) : 64;
            if (s_bit < e_bit) {
                run_start = w * 64 + s_bit;
                starts &= starts - 1;
                continue;
            }
            size_t run_end = w * 64 + e_bit;
            ends &= ends - 1;
            for (size_t at = run_start; at < run_end; at += 255) { // 255 at most a run
                if (r == *cap) {
                    size_t grown = *cap + *cap / 2 + 1024;
                    uint16_t *grown_at = realloc(nz->run_at, grown * sizeof *grown_at);
                    if (grown_at)
                        nz->run_at = grown_at;
                    uint8_t *grown_len = realloc(nz->run_len, grown);
                    if (grown_len)
                        nz->run_len = grown_len;
                    if (!grown_at || !grown_len)
                        return SIZE_MAX;
                    *cap = grown;
                }
                nz->run_at[r] = (uint16_t)at;
                nz->run_len[r] = (uint8_t)(run_end - at < 255 ? run_end - at : 255);
                r++;
            }
        }
    }
    return r;
}

bool dataset_nonzero_build(dataset_nonzero *nz, const dataset *ds, dp_error *err)
{
    memset(nz, 0, sizeof *nz);
    size_t pixels = ds->rows * ds->cols;
    if (pixels == 0 || pixels > 65536)
        return dp_fail(err, "images of %zu pixels cannot be indexed (at most 65536)", pixels);
    nz->start = malloc((ds->count + 1) * sizeof *nz->start);
    uint64_t *words = malloc((pixels + 63) / 64 * sizeof *words);
    // A first guess of 32 runs an image; the arrays grow by half when short
    // and are trimmed at the end (a few MB: a copy costs little).
    size_t cap = ds->count * 32, r = 0;
    nz->run_at = malloc(cap * sizeof *nz->run_at + 1);
    nz->run_len = malloc(cap + 1);
    bool ok = nz->start && words && nz->run_at && nz->run_len;
    for (size_t s = 0; ok && s < ds->count; s++) {
        nz->start[s] = (uint32_t)r;
        r = append_runs(nz, &cap, r, ds->images + s * pixels, pixels, words);
        ok = r != SIZE_MAX && r <= UINT32_MAX;
    }
    free(words);
    if (!ok) {
        dataset_nonzero_destroy(nz);
        return dp_fail(err, "out of memory for the non-zero index of %zu images", ds->count);
    }
    nz->start[ds->count] = (uint32_t)r;
    uint16_t *at = realloc(nz->run_at, r * sizeof *at + 1);
    uint8_t *len = realloc(nz->run_len, r + 1);
    if (at)
        nz->run_at = at;
    if (len)
        nz->run_len = len;

    // The ink's values, run after run: a batch is then made from the index
    // alone, without a random read into the 47 MB of images.
    nz->value_start = malloc((ds->count + 1) * sizeof *nz->value_start);
    size_t total = 0;
    for (size_t q = 0; q < r; q++)
        total += nz->run_len[q];
    // 16 spare bytes: copy_runs reads a run's values 16 at a time.
    nz->value = total <= UINT32_MAX ? malloc(total + 16) : NULL;
    if (!nz->value_start || !nz->value) {
        dataset_nonzero_destroy(nz);
        return dp_fail(err, "out of memory for the non-zero index of %zu images", ds->count);
    }
    memset(nz->value + total, 0, 16);
    size_t v = 0;
    for (size_t i = 0; i < ds->count; i++) {
        nz->value_start[i] = (uint32_t)v;
        const uint8_t *img = ds->images + i * pixels;
        for (uint32_t q = nz->start[i]; q < nz->start[i + 1]; q++) {
            size_t at = nz->run_at[q], len = nz->run_len[q];
            if (len <= 16 && at + 16 <= pixels) {
                // Sixteen bytes at once (the spare ones are overwritten by
                // the next run, or land in the 16 spare bytes at the end).
                uint8_t chunk[16];
                memcpy(chunk, img + at, 16);
                memcpy(nz->value + v, chunk, 16);
            } else {
                memcpy(nz->value + v, img + at, len);
            }
            v += len;
        }
    }
    nz->value_start[ds->count] = (uint32_t)v;
    nz->count = ds->count;
    return true;
}

void dataset_nonzero_destroy(dataset_nonzero *nz)
{
    if (!nz)
        return;
    free(nz->start);
    free(nz->run_at);
    free(nz->run_len);
    free(nz->value_start);
    free(nz->value);
    memset(nz, 0, sizeof *nz);
}

/* Appends the non-zero pixels of one image to sx from position k, testing
 * every pixel (no index): sixteen a compare, then one step per set bit. */
static size_t gather_nonzero(const uint8_t *restrict img, size_t pixels,
                             mlp_sparse_batch *restrict sx, size_t k)
{
    uint64_t words[(MLP_MAX_UNITS + 63) / 64]; // sx holds at most MLP_MAX_UNITS inputs
    nonzero_bits(img, pixels, words);
    for (size_t w = 0; w < (pixels + 63) / 64; w++)
        for (uint64_t m = words[w]; m; m &= m - 1) {
            size_t p = w * 64 + (size_t)__builtin_ctzll(m);
            sx->row_index[k] = (uint16_t)p;
            sx->row_value[k] = byte_scaled[img[p]];
            k++;
        }
    return k;
}

/* The same from the index, a run at a time. With SSE2 every run writes
 * sixteen positions (a ramp plus its start) and sixteen values (the bytes
 * widened and divided by 255: the same bits as byte_scaled) and the cursor
 * moves by its length: no branch on the length below 17, which nearly all
 * MNIST runs are. The values come from the index (vals), read 16 at a time
 * (it has spare bytes at its end); sx has room for the spare writes
 * (mlp_sparse_init). */
static size_t copy_runs(const uint16_t *restrict run_at, const uint8_t *restrict run_len,
                        const uint8_t *restrict vals, size_t runs,
                        mlp_sparse_batch *restrict sx, size_t k)
{
    uint16_t *restrict index = sx->row_index;
    float *restrict value = sx->row_value;
#if defined(__SSE2__)
    const __m128i ramp_lo = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    const __m128i ramp_hi = _mm_setr_epi16(8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i zero = _mm_setzero_si128();
    const __m128 v255 = _mm_set1_ps(255.0f);
    for (size_t r = 0; r < runs; r++) {
        size_t at = run_at[r], len = run_len[r];
        for (size_t done = 0; done < len; done += 16) {
            __m128i base = _mm_set1_epi16((short)(at + done));
            _mm_storeu_si128((__m128i *)(void *)(index + k + done), _mm_add_epi16(base, ramp_lo));
            _mm_storeu_si128((__m128i *)(void *)(index + k + done + 8),
                             _mm_add_epi16(base, ramp_hi));
            // Values past the run's end are written as spares, overwritten
            // by the next run.
            __m128i b;
            memcpy(&b, vals + done, sizeof b);
            __m128i w_lo = _mm_unpacklo_epi8(b, zero), w_hi = _mm_unpackhi_epi8(b, zero);
            __m128i d[4] = {_mm_unpacklo_epi16(w_lo, zero), _mm_unpackhi_epi16(w_lo, zero),
                            _mm_unpacklo_epi16(w_hi, zero), _mm_unpackhi_epi16(w_hi, zero)};
            for (int q = 0; q < 4; q++)
                _mm_storeu_ps(value + k + done + 4 * q, _mm_div_ps(_mm_cvtepi32_ps(d[q]), v255));
        }
        vals += len;
        k += len;
    }
#else
    for (size_t r = 0; r < runs; r++) {
        size_t at = run_at[r], len = run_len[r];
        for (size_t j = 0; j < len; j++) {
            index[k + j] = (uint16_t)(at + j);
            value[k + j] = byte_scaled[vals[j]];
        }
        vals += len;
        k += len;
    }
#endif
    return k;
}

size_t dataset_batch_sparse(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                            size_t first, size_t n, mlp_sparse_batch *sx, uint8_t *y)
{
    size_t pixels = ds->rows * ds->cols;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = indices ? indices[i] : first + i;
        const uint8_t *img = ds->images + s * pixels;
        sx->row_start[i] = (uint32_t)k;
        if (nz)
            k = copy_runs(nz->run_at + nz->start[s], nz->run_len + nz->start[s],
                          nz->value + nz->value_start[s], nz->start[s + 1] - nz->start[s], sx, k);
        else
            k = gather_nonzero(img, pixels, sx, k);
        y[i] = ds->labels[s];
    }
    sx->row_start[n] = (uint32_t)k;
    sx->batch = n;
    sx->nnz = k;
    return k;
}

bool dataset_sparse_enough(const dataset *ds, size_t nnz, size_t n)
{
    return (double)nnz <= MLP_SPARSE_MAX_DENSITY * (double)(n * ds->rows * ds->cols);
}

bool dataset_batch_best(const dataset *ds, const uint32_t *indices, size_t first, size_t n,
                        mlp_sparse_batch *sx, float *x, uint8_t *y)
{
    size_t nnz = dataset_batch_sparse(ds, NULL, indices, first, n, sx, y);
    if (dataset_sparse_enough(ds, nnz, n))
        return true;
    dataset_batch(ds, indices, first, n, x, y);
    return false;
}

/* Asks for the cache lines from first to last (inclusive). */
static void prefetch_range(const void *first, const void *last)
{
#if defined(__GNUC__)
    for (const char *p = first; p <= (const char *)last; p += 64)
        __builtin_prefetch(p);
    __builtin_prefetch(last);
#else
    (void)first;
    (void)last;
#endif
}

void dataset_prefetch(const dataset *ds, const dataset_nonzero *nz, const uint32_t *indices,
                      size_t n)
{
    size_t pixels = ds->rows * ds->cols;
    for (size_t i = 0; i < n; i++) {
        size_t id = indices[i];
        if (nz) { // the batch comes from the index alone: runs and their values
            uint32_t r0 = nz->start[id], r1 = nz->start[id + 1];
            if (r1 > r0) {
                prefetch_range(nz->run_at + r0, nz->run_at + r1 - 1);
                prefetch_range(nz->run_len + r0, nz->run_len + r1 - 1);
                prefetch_range(nz->value + nz->value_start[id],
                               nz->value + nz->value_start[id + 1] - 1);
            }
        } else {
            const uint8_t *img = ds->images + id * pixels;
            prefetch_range(img, img + pixels - 1);
        }
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
