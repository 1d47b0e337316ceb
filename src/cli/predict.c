/* predict.c: `digitpad predict [--model FILE] [--json] [--raw] IMAGE...`
 *
 * Reads each picture as grey levels (checked whole by picture_check first;
 * PNG, JPEG and BMP then decoded by SDL2_image, PGM by the core), turns it
 * into ink on a dark background, normalises it the way the model was trained (MNIST's box and
 * centre of mass, or a plain resize with --raw or "preprocess": "none"), and
 * prints the network's answer. A picture that cannot be read is reported on
 * one line and the others still run; the exit status is then 1. */
#include <SDL_image.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dataset.h"
#include "flags.h"
#include "mlp.h"
#include "model_file.h"
#include "model_load.h"
#include "paths.h"
#include "normalize.h"
#include "picture.h"

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

/* ---- PNG, JPEG and BMP, through SDL2_image ---- */

/* libpng prints its warnings (and, before SDL2_image's longjmp, its
 * errors) on stderr itself. The picture was checked whole before it gets
 * here, so what it would say is noise on a good file: stderr is pointed at
 * /dev/null while the decoder runs. predict runs on one thread. */
static int quiet_stderr_begin(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    if (null >= 0)
        close(null);
    return saved;
}

static void quiet_stderr_end(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
}

/* Decodes a picture that picture_check accepted with SDL2_image's loader for
 * its format (never the sniffing IMG_Load, which would also take GIF, SVG,
 * TIFF...) into brightness. Transparent pixels are background: when most of
 * the picture is transparent, what is opaque is the drawing, and the
 * background takes the opposite tone to its strokes (black strokes on
 * nothing become black on white); when most is opaque, the holes take the
 * picture's mean tone and leave the decision to the border test like any
 * other pixel. *buf is freed as soon as the decoder is done with it. */
static bool sdl_decode(uint8_t **buf, size_t len, const picture_info *info, picture_grey *img,
                       dp_error *err)
{
    img->px = NULL;
    SDL_RWops *rw = SDL_RWFromConstMem(*buf, (int)len); // len <= PICTURE_MAX_BYTES < 2^31
    if (!rw)
        return dp_fail(err, "%s", SDL_GetError());
    int saved = quiet_stderr_begin();
    SDL_Surface *loaded = info->format == PICTURE_PNG    ? IMG_LoadPNG_RW(rw)
                          : info->format == PICTURE_JPEG ? IMG_LoadJPG_RW(rw)
                                                         : IMG_LoadBMP_RW(rw);
    quiet_stderr_end(saved);
    SDL_RWclose(rw);
    free(*buf);
    *buf = NULL;
    if (!loaded)
        return dp_fail(err, "%s: damaged: %s", picture_format_name(info->format),
                       IMG_GetError());
    SDL_Surface *s = NULL;
    if (loaded->w <= 0 || loaded->h <= 0 || (size_t)loaded->w != info->width ||
        (size_t)loaded->h != info->height) {
        dp_fail(err, "%s: decoded as %dx%d, but its header says %zux%zu",
                picture_format_name(info->format), loaded->w, loaded->h, info->width,
                info->height);
        goto fail;
    }
    if (info->format == PICTURE_JPEG && info->jpeg_components == 4) {
        // SDL2_image gives a CMYK JPEG's four channels as they are stored,
        // in a 32-bit surface whose bytes are C, M, Y, K in memory; read as
        // RGBA they would make the K channel transparency (a white page
        // with see-through strokes: "no ink found").
        if (loaded->format->BytesPerPixel != 4) {
            dp_fail(err, "JPEG: a CMYK picture decoded as %d bytes a pixel",
                    loaded->format->BytesPerPixel);
            goto fail;
        }
        if (!picture_grey_init(img, (size_t)loaded->w, (size_t)loaded->h, err))
            goto fail;
        if (SDL_MUSTLOCK(loaded) && SDL_LockSurface(loaded) != 0) {
            dp_fail(err, "cannot read the picture: %s", SDL_GetError());
            goto fail;
        }
        for (size_t y = 0; y < img->height; y++) {
            const uint8_t *row = (const uint8_t *)loaded->pixels + y * (size_t)loaded->pitch;
            for (size_t x = 0; x < img->width; x++)
                img->px[y * img->width + x] = picture_cmyk_brightness(
                    row[4 * x], row[4 * x + 1], row[4 * x + 2], row[4 * x + 3], info->jpeg_adobe);
        }
        if (SDL_MUSTLOCK(loaded))
            SDL_UnlockSurface(loaded);
        SDL_FreeSurface(loaded);
        return true;
    }
    s = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(loaded); // before the grey copy: two full pictures at most at a time
    loaded = NULL;
    if (!s) {
        dp_fail(err, "cannot convert the picture: %s", SDL_GetError());
        goto fail;
    }
    if (!picture_grey_init(img, (size_t)s->w, (size_t)s->h, err))
        goto fail;
    if (SDL_MUSTLOCK(s) && SDL_LockSurface(s) != 0) {
        dp_fail(err, "cannot read the picture: %s", SDL_GetError());
        goto fail;
    }

    // RGBA32 is R, G, B, A in memory whatever the byte order.
    size_t w = img->width, h = img->height, n = w * h;
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
    return true;

fail:
    picture_grey_destroy(img);
    SDL_FreeSurface(s);
    SDL_FreeSurface(loaded);
    return false;
}

/* Reads path whole, checks it (picture_check: format, size within the caps,
 * complete) and only then decodes it. */
static bool load_picture(const char *path, picture_grey *img, bool *sdl_ready, dp_error *err)
{
    uint8_t *buf;
    size_t len;
    img->px = NULL;
    if (!dp_read_file(path, PICTURE_MAX_BYTES, &buf, &len, err))
        return false;
    picture_info info;
    bool ok;
    if (!picture_check(buf, len, &info, err)) {
        ok = false;
    } else if (info.format == PICTURE_PGM) {
        ok = picture_decode_pgm(buf, len, img, err);
    } else {
        if (!*sdl_ready) {
            if (SDL_Init(0) != 0) {
                free(buf);
                return dp_fail(err, "cannot start SDL: %s", SDL_GetError());
            }
            *sdl_ready = true;
        }
        ok = sdl_decode(&buf, len, &info, img, err);
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
    // The path and the labels come from outside: escaped for the terminal.
    cli_print_text(stdout, path, 0);
    fputs(": ", stdout);
    cli_print_text(stdout, meta->labels[best], 0);
    printf(" (%.1f%%)\n ", 100.0 * (double)probs[best]);
    for (size_t k = 0; k < n; k++) {
        putchar(' ');
        cli_print_text(stdout, meta->labels[k], 0);
        printf(":%.3f", (double)probs[k]);
    }
    putchar('\n');
}

/* Reads, normalises and classifies one picture. On failure err says why. */
static bool predict_one(const char *path, const char *model_path, const mlp *net,
                        const model_meta *meta, bool mnist_style, bool json, float *probs,
                        float *scratch, bool *sdl_ready, dp_error *err)
{
    picture_grey img = {0, 0, NULL};
    if (!load_picture(path, &img, sdl_ready, err))
        return false;
    bool inverted = normalize_auto_invert(img.px, img.width, img.height);

    float x[SIDE * SIDE];
    bool ink;
    if (mnist_style) {
        ink = stretch_levels(img.px, img.width, img.height) &&
              normalize_mnist(x, img.px, img.width, img.height);
    } else {
        normalize_resize(x, img.px, img.width, img.height);
        float hi = 0;
        for (size_t k = 0; k < SIDE * SIDE; k++)
            hi = x[k] > hi ? x[k] : hi;
        ink = hi >= PREDICT_INK_MIN;
    }
    picture_grey_destroy(&img);
    if (!ink)
        return dp_fail(err, "no ink found (blank picture)");

    // The model's scale maps 0..255 pixel values to its inputs.
    float to_input = (float)(255.0 * meta->scale);
    for (size_t k = 0; k < SIDE * SIDE; k++)
        x[k] *= to_input;
    mlp_predict(net, x, probs, scratch);
    // Weights that overflow give NaN or infinite probabilities: no answer.
    for (size_t k = 0; k < net->sizes[net->n_layers]; k++)
        if (!isfinite(probs[k]))
            return dp_fail(err, "%.120s gives no finite probabilities for this picture (%s at "
                                "output %zu): its weights overflow a float", model_path,
                           isnan(probs[k]) ? "NaN" : "infinity", k);
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
        if (!predict_one(a, model_path, &net, &meta, mnist_style, json, probs, scratch,
                         &sdl_ready, &err)) {
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
