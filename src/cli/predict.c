/* predict.c: `digitpad predict [--model FILE] [--json] [--raw] IMAGE...`
 *
 * Reads each picture as grey levels (PNG, JPEG, BMP and the rest through
 * SDL2_image, PGM with the strict parser below), turns it into ink on a dark
 * background, normalises it the way the model was trained (MNIST's box and
 * centre of mass, or a plain resize with --raw or "preprocess": "none"), and
 * prints the network's answer. A picture that cannot be read is reported on
 * one line and the others still run; the exit status is then 1. */
#include <SDL_image.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "flags.h"
#include "mlp.h"
#include "model_file.h"
#include "model_load.h"
#include "paths.h"
#include "normalize.h"

/* Caps on what a picture may be: no side over 16384 pixels and no more
 * than 64 Mpixel in all (a 256 MiB grey buffer); files up to 256 MiB. */
#define PREDICT_MAX_SIDE 16384
#define PREDICT_MAX_PIXELS ((size_t)64 * 1024 * 1024)
#define PREDICT_MAX_FILE ((size_t)256 * 1024 * 1024)

/* Ink fainter than this after inversion counts as none (as in normalize.c). */
#define PREDICT_INK_MIN 0.05f

#define SIDE 28

static void usage(FILE *f)
{
    fputs("usage: digitpad predict [--model FILE] [--json] [--raw] IMAGE...\n"
          "\n"
          "Reads the digit in each picture (PNG, JPEG, BMP, PGM) with the model.\n"
          "Dark ink on a light background is inverted first, as MNIST is light on dark.\n"
          "\n"
          "  --model FILE   the model (default: the bundled mnist-784-128-10.json)\n"
          "  --json         one JSON object per picture and line\n"
          "  --raw          only resize to 28x28: no bounding box or centring\n"
          "  -h, --help     this help\n",
          f);
}

/* A grey picture: brightness in [0, 1], (h, w) row-major, owned. */
typedef struct grey_image {
    size_t w, h;
    float *px;
} grey_image;

static bool check_size(size_t w, size_t h, dp_error *err)
{
    if (w == 0 || h == 0)
        return dp_fail(err, "picture has zero size (%zux%zu)", w, h);
    if (w > PREDICT_MAX_SIDE || h > PREDICT_MAX_SIDE)
        return dp_fail(err, "picture is %zux%zu, over the cap of %d pixels a side", w, h,
                       PREDICT_MAX_SIDE);
    if (w * h > PREDICT_MAX_PIXELS) // no overflow: both sides are at most 2^14
        return dp_fail(err, "picture is %zux%zu, over the cap of %zu pixels", w, h,
                       PREDICT_MAX_PIXELS);
    return true;
}

static bool grey_alloc(grey_image *img, size_t w, size_t h, dp_error *err)
{
    img->w = w;
    img->h = h;
    img->px = malloc(w * h * sizeof *img->px);
    if (!img->px)
        return dp_fail(err, "out of memory for a %zux%zu picture", w, h);
    return true;
}

/* ---- PGM (netpbm P5 binary and P2 plain), parsed from a buffer ---- */

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

/* Parses a P5 or P2 PGM from buf into img (brightness = sample / maxval).
 * Only the first picture of a multi-picture file is read. */
static bool pgm_parse(const uint8_t *buf, size_t len, grey_image *img, dp_error *err)
{
    img->px = NULL;
    if (len < 3 || buf[0] != 'P' || (buf[1] != '5' && buf[1] != '2') ||
        !(pgm_is_space(buf[2]) || buf[2] == '#'))
        return dp_fail(err, "PGM: not a P5 or P2 file");
    bool plain = buf[1] == '2';
    pgm_cursor c = {buf + 2, buf + len};
    unsigned long w, h, maxval;
    if (!pgm_number(&c, PREDICT_MAX_SIDE, &w, "width", false, err) ||
        !pgm_number(&c, PREDICT_MAX_SIDE, &h, "height", false, err) ||
        !pgm_number(&c, 65535, &maxval, "maxval", plain, err))
        return false;
    if (maxval == 0)
        return dp_fail(err, "PGM: maxval is 0 (must be 1 to 65535)");
    if (!plain && !pgm_is_space(*c.p))
        return dp_fail(err, "PGM: maxval must be followed by one whitespace byte, not a comment");
    if (!check_size(w, h, err) || !grey_alloc(img, w, h, err))
        return false;
    size_t n = (size_t)w * h;
    float inv = 1.0f / (float)maxval;

    if (!plain) {
        c.p++; // exactly one whitespace byte ends the header
        size_t bps = maxval < 256 ? 1 : 2;
        size_t have = (size_t)(c.end - c.p);
        if (have / bps < n) {
            dp_fail(err, "PGM: truncated: %zu of %zu bytes of pixels", have, n * bps);
            goto fail;
        }
        for (size_t k = 0; k < n; k++) {
            unsigned long v = bps == 1 ? c.p[k] : ((unsigned long)c.p[2 * k] << 8) | c.p[2 * k + 1];
            if (v > maxval) {
                dp_fail(err, "PGM: pixel (%zu, %zu) is %lu, over maxval %lu", k % w, k / w, v,
                        maxval);
                goto fail;
            }
            img->px[k] = (float)v * inv;
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
        if (!pgm_number(&c, maxval, &v, "pixel", true, err)) {
            if (err) {
                char why[sizeof err->msg];
                memcpy(why, err->msg, sizeof why);
                dp_fail(err, "%s (at %zu, %zu)", why, k % w, k / w);
            }
            goto fail;
        }
        img->px[k] = (float)v * inv;
    }
    return true;

fail:
    free(img->px);
    img->px = NULL;
    return false;
}

/* ---- Everything else, through SDL2_image ---- */

/* Decodes buf with SDL2_image into brightness. Transparent pixels are
 * background: when most of the picture is transparent, what is opaque is
 * the drawing, and the background takes the opposite tone to its strokes
 * (black strokes on nothing become black on white); when most is opaque,
 * the holes take the picture's mean tone and leave the decision to the
 * border test like any other pixel. */
static bool sdl_decode(const uint8_t *buf, size_t len, grey_image *img, dp_error *err)
{
    img->px = NULL;
    if (len > (size_t)INT32_MAX)
        return dp_fail(err, "file is too large for SDL2_image");
    SDL_RWops *rw = SDL_RWFromConstMem(buf, (int)len);
    if (!rw)
        return dp_fail(err, "%s", SDL_GetError());
    SDL_Surface *loaded = IMG_Load_RW(rw, 1);
    if (!loaded)
        return dp_fail(err, "not a picture digitpad can read (PNG, JPEG, BMP, PGM): %s",
                       IMG_GetError());
    SDL_Surface *s = NULL;
    if (loaded->w <= 0 || loaded->h <= 0) {
        dp_fail(err, "picture has zero size (%dx%d)", loaded->w, loaded->h);
        goto fail;
    }
    if (!check_size((size_t)loaded->w, (size_t)loaded->h, err))
        goto fail;
    s = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGBA32, 0);
    if (!s) {
        dp_fail(err, "cannot convert the picture: %s", SDL_GetError());
        goto fail;
    }
    if (!grey_alloc(img, (size_t)s->w, (size_t)s->h, err))
        goto fail;
    if (SDL_MUSTLOCK(s) && SDL_LockSurface(s) != 0) {
        dp_fail(err, "cannot read the picture: %s", SDL_GetError());
        goto fail;
    }

    // RGBA32 is R, G, B, A in memory whatever the byte order.
    size_t w = img->w, h = img->h, n = w * h;
    double alpha_sum = 0, lum_alpha_sum = 0;
    for (size_t y = 0; y < h; y++) {
        const uint8_t *row = (const uint8_t *)s->pixels + y * (size_t)s->pitch;
        for (size_t x = 0; x < w; x++) {
            const uint8_t *p = row + 4 * x;
            // Rec. 601 luma on the stored (gamma-encoded) values, as most "to grey" tools do.
            float lum = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
            float a = p[3] / 255.0f;
            img->px[y * w + x] = lum;
            alpha_sum += a;
            lum_alpha_sum += (double)lum * a;
        }
    }
    if (alpha_sum < (double)n) {
        float mean = alpha_sum > 0 ? (float)(lum_alpha_sum / alpha_sum) : 0.0f;
        float bg = alpha_sum < 0.5 * (double)n ? (mean < 0.5f ? 1.0f : 0.0f) : mean;
        for (size_t y = 0; y < h; y++) {
            const uint8_t *row = (const uint8_t *)s->pixels + y * (size_t)s->pitch;
            for (size_t x = 0; x < w; x++) {
                float a = row[4 * x + 3] / 255.0f;
                img->px[y * w + x] = img->px[y * w + x] * a + bg * (1.0f - a);
            }
        }
    }
    if (SDL_MUSTLOCK(s))
        SDL_UnlockSurface(s);
    SDL_FreeSurface(s);
    SDL_FreeSurface(loaded);
    return true;

fail:
    free(img->px);
    img->px = NULL;
    SDL_FreeSurface(s);
    SDL_FreeSurface(loaded);
    return false;
}

static bool load_picture(const char *path, grey_image *img, bool *sdl_ready, dp_error *err)
{
    uint8_t *buf;
    size_t len;
    if (!dp_read_file(path, PREDICT_MAX_FILE, &buf, &len, err))
        return false;
    bool ok;
    if (len == 0) {
        ok = dp_fail(err, "empty file");
    } else if (len >= 2 && buf[0] == 'P' && (buf[1] == '5' || buf[1] == '2')) {
        ok = pgm_parse(buf, len, img, err);
    } else {
        if (!*sdl_ready) {
            if (SDL_Init(0) != 0) {
                free(buf);
                return dp_fail(err, "cannot start SDL: %s", SDL_GetError());
            }
            *sdl_ready = true;
        }
        ok = sdl_decode(buf, len, img, err);
    }
    free(buf);
    return ok;
}

/* ---- From picture to network input ---- */

/* Photos and scans have grey paper and faint ink: takes the border's median
 * as the background level and the brightest pixel as full ink, and stretches
 * that range to [0, 1]. A clean drawing (background 0, ink 1) is left as it
 * is. Returns false when nothing stands out from the background. */
static bool stretch_levels(float *px, size_t w, size_t h)
{
    size_t hist[256] = {0}, n = 0;
    for (size_t y = 0; y < h; y++) {
        bool edge_row = y == 0 || y == h - 1;
        for (size_t x = 0; x < w; x++) {
            if (!edge_row && x != 0 && x != w - 1)
                continue;
            float v = px[y * w + x];
            v = v > 0 ? (v < 1 ? v : 1) : 0;
            hist[(size_t)(v * 255.0f + 0.5f)]++;
            n++;
        }
    }
    size_t acc = 0, median = 0;
    while (median < 255 && (acc += hist[median]) * 2 < n)
        median++;
    float lo = (float)median / 255.0f, hi = 0;
    for (size_t k = 0; k < w * h; k++)
        hi = px[k] > hi ? px[k] : hi;
    if (hi > 1)
        hi = 1;
    if (hi - lo < PREDICT_INK_MIN)
        return false;
    if (lo == 0 && hi == 1)
        return true;
    float scale = 1.0f / (hi - lo);
    for (size_t k = 0; k < w * h; k++) {
        float v = (px[k] - lo) * scale;
        px[k] = v > 0 ? (v < 1 ? v : 1) : 0;
    }
    return true;
}

/* ---- Output ---- */

static void print_result(const char *path, const model_meta *meta, const float *probs,
                         size_t n, bool inverted, bool json)
{
    size_t best = argmax(probs, n);
    if (json) {
        fputs("{\"file\":", stdout);
        cli_json_string(stdout, path);
        fputs(",\"label\":", stdout);
        cli_json_string(stdout, meta->labels[best]);
        printf(",\"index\":%zu,\"probs\":[", best);
        for (size_t k = 0; k < n; k++)
            printf("%s%.6g", k ? "," : "", (double)probs[k]);
        printf("],\"inverted\":%s}\n", inverted ? "true" : "false");
        return;
    }
    printf("%s: %s (%.1f%%)\n ", path, meta->labels[best], 100.0 * (double)probs[best]);
    for (size_t k = 0; k < n; k++)
        printf(" %s:%.3f", meta->labels[k], (double)probs[k]);
    putchar('\n');
}

/* Reads, normalises and classifies one picture. On failure err says why. */
static bool predict_one(const char *path, const mlp *net, const model_meta *meta,
                        bool mnist_style, bool json, float *probs, float *scratch,
                        bool *sdl_ready, dp_error *err)
{
    grey_image img = {0, 0, NULL};
    if (!load_picture(path, &img, sdl_ready, err))
        return false;
    bool inverted = normalize_auto_invert(img.px, img.w, img.h);

    float x[SIDE * SIDE];
    bool ink;
    if (mnist_style) {
        ink = stretch_levels(img.px, img.w, img.h) && normalize_mnist(x, img.px, img.w, img.h);
    } else {
        normalize_resize(x, img.px, img.w, img.h);
        float hi = 0;
        for (size_t k = 0; k < SIDE * SIDE; k++)
            hi = x[k] > hi ? x[k] : hi;
        ink = hi >= PREDICT_INK_MIN;
    }
    free(img.px);
    if (!ink)
        return dp_fail(err, "no ink found (blank picture)");

    // The model's scale maps 0..255 pixel values to its inputs.
    float to_input = (float)(255.0 * meta->scale);
    for (size_t k = 0; k < SIDE * SIDE; k++)
        x[k] *= to_input;
    mlp_predict(net, x, probs, scratch);
    print_result(path, meta, probs, net->sizes[net->n_layers], inverted, json);
    return true;
}

/* images has room for argc entries: the pictures, in order, as the one
 * walk over the arguments finds them. */
static int predict_main(int argc, char **argv, const char **images)
{
    const char *model_path = NULL;
    bool json = false, raw = false;
    int n_images = 0;
    bool options_done = false;
    dp_error err;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (options_done || a[0] != '-' || a[1] == '\0') {
            images[n_images++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            options_done = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--raw")) {
            raw = true;
        } else if (flags_opt(argc, argv, &i, "--model", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            if (!v[0]) {
                cli_error("--model", "needs a file name");
                return 2;
            }
            model_path = v;
        } else {
            cli_error(a, "unknown option for predict (try digitpad predict --help)");
            return 2;
        }
    }
    if (n_images == 0) {
        cli_error("predict", "no IMAGE given (try digitpad predict --help)");
        return 2;
    }
    mlp net;
    model_meta meta;
    char used[PATHS_MAX];
    if (!model_load(model_path, NULL, &net, &meta, used, sizeof used, &err)) {
        cli_fail(&err);
        return 1;
    }
    model_path = used;
    int status = 0;
    float *scratch = NULL, *probs = NULL;
    size_t outputs = net.sizes[net.n_layers];
    if (net.sizes[0] != SIDE * SIDE || meta.height != SIDE || meta.width != SIDE) {
        cli_error(model_path, "model reads %zux%zu pictures; predict makes 28x28 ones",
                  meta.height, meta.width);
        status = 1;
        goto done;
    }
    if (meta.n_labels != outputs) {
        cli_error(model_path, "model has %zu labels for %zu outputs", meta.n_labels, outputs);
        status = 1;
        goto done;
    }
    scratch = malloc(2 * mlp_max_width(&net) * sizeof *scratch);
    probs = malloc(outputs * sizeof *probs);
    if (!scratch || !probs) {
        cli_error(NULL, "out of memory");
        status = 1;
        goto done;
    }

    bool mnist_style = !raw && meta.preprocess == MODEL_PREPROCESS_MNIST;
    bool sdl_ready = false;
    for (int k = 0; k < n_images; k++) {
        const char *a = images[k];
        if (!predict_one(a, &net, &meta, mnist_style, json, probs, scratch, &sdl_ready, &err)) {
            fflush(stdout); // keep the error after the answers before it
            cli_error(a, "%s", err.msg);
            status = 1;
        }
    }
    if (sdl_ready) {
        IMG_Quit();
        SDL_Quit();
    }
    if (fflush(stdout) != 0) {
        cli_error(NULL, "cannot write the results");
        status = 1;
    }

done:
    free(scratch);
    free(probs);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    return status;
}

int cli_predict(int argc, char **argv)
{
    const char **images = malloc((size_t)argc * sizeof *images);
    if (!images) {
        cli_error(NULL, "out of memory");
        return 1;
    }
    int status = predict_main(argc, argv, images);
    free(images);
    return status;
}
