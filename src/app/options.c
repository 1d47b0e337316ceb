/* options.c: the window's command line (options.h). */
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/flags.h"
#include "common/format.h"
#include "common/paths.h"
#include "recent.h"
#include "dataset_choice.h"

void options_help(FILE *f)
{
    fputs("usage: digitpad [OPTIONS] [MODEL-FILE]\n"
          "\n"
          "Opens the window: draw a digit with the mouse, see the network's answer,\n"
          "train it live on MNIST.\n"
          "\n"
          "  --model FILE        the model to start with (default: the bundled one):\n"
          "                      digitpad .json, .keras, .h5, TF.js model.json or ONNX;\n"
          "                      Ctrl+S saves back to it (a new .json for the others)\n"
          "  --data DIR          the MNIST folder (default: $DIGITPAD_DATA, ./data/mnist,\n"
          "                      $XDG_DATA_HOME/digitpad/mnist)\n"
          "  --fresh             start from fresh random weights, not a model file\n"
          "  --train             start training at once\n"
          "  --layers 128        hidden layer widths, e.g. 256,128,64 (fresh weights\n"
          "                      when they differ from the model's)\n"
          "  --epochs 5  --batch 32  --lr 0.001  --seed 1\n"
          "  --limit N           train on the first N training images only\n"
          "  --speed N           train at N batches a second (0: full speed, the\n"
          "                      default); [ and ] in the window step it\n"
          "  --size WxH          the window's size (default 1280x800)\n"
          "  --ui-scale X        enlarge everything X times (on top of HiDPI), as far\n"
          "                      as the window has room for (0.5 to 4)\n"
          "  --print-events      JSON lines on stdout: ready, prediction, progress,\n"
          "                      epoch, confusion, view, saliency, gallery, test_digit,\n"
          "                      saved, loaded, error, screenshot, stats, sample,\n"
          "                      sample_deleted, finetune, augment, dataset, neuron,\n"
          "                      network, settings, step, controls\n"
          "  --screenshot FILE   save the window as PNG after the first frames\n"
          "  --screenshot-after-ms N   ... or after N ms\n"
          "  --screenshot-after-epoch N   ... or halfway through the epoch after the N-th\n"
          "  --draw STROKES      draw strokes through the mouse handler at start:\n"
          "                      \"x,y;x,y;...|x,y;...\" in canvas cells (0 to 28)\n"
          "  --drop FILE         act as if FILE were dropped on the window (after --draw)\n"
          "  --view NAME         the view shown first: hidden, weights, why, mistakes, log,\n"
          "                      neuron, network\n"
          "  --gallery T,P       open the mistakes view's cell: true T read as P\n"
          "  --test-digit N      put test image N on the canvas once MNIST is read\n"
          "  --lesson            open the lesson (L): the article step by step\n"
          "  --quit-after-ms N   close the window after N ms\n"
          "  --quit-after-training   close the window when the planned epochs are done\n"
          "  --help-window       this help\n"
          "\n"
          "Options take their value as the next word or after '=' (--model=FILE).\n"
          "In the window, ? or F1 lists the keys.\n",
          f);
}

void options_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_error_v(what, fmt, ap);
    va_end(ap);
}

const char *options_bundled_model(void)
{
    static char path[PATHS_MAX];
    if (!path[0]) // the bundled model that reads drawings best (paths.h)
        paths_window_model(NULL, path, sizeof path);
    return path;
}

const char *options_recent_file(void)
{
    static char path[RECENT_PATH_MAX];
    if (!path[0] && !recent_default_file(NULL, path, sizeof path, NULL))
        return NULL;
    return path;
}

/* Issue 13: where the person's digits are kept, <user data>/my-digits
 * (NULL when there is no user data folder: then only in memory). */
const char *options_samples_dir(void)
{
    static char path[PATHS_MAX];
    char home[PATHS_MAX];
    if (!path[0]) {
        if (!paths_data_home(NULL, home, sizeof home, NULL))
            return NULL;
        int n = snprintf(path, sizeof path, "%s/my-digits", home);
        if (n < 0 || (size_t)n >= sizeof path) {
            path[0] = 0;
            return NULL;
        }
    }
    return path;
}

/* A flag without a value: exactly `name` (so "--train=1" is an error). */
static bool is_flag(const char *a, const char *name, bool *bad)
{
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return false;
    if (a[n] == '=') {
        options_error(name, "takes no value");
        *bad = true;
    }
    return true;
}

/* A value that must not be empty. */
static bool text_value(const char *flag, const char *v, dp_error *err)
{
    if (!v || !v[0]) {
        if (!err->msg[0])
            dp_fail(err, "%s: needs a value", flag);
        return false;
    }
    return true;
}

/* --draw's strokes, "x,y;x,y|rx,y;..." as the window queues them, each
 * point on the canvas (0 to 28 cells, both ends in). */
static bool strokes_value(const char *v, dp_error *err)
{
    if (!text_value("--draw", v, err))
        return false;
    const char *p = v;
    while (*p) {
        if (*p == 'r')
            p++;
        for (;;) {
            char *end;
            double xy[2];
            for (int k = 0; k < 2; k++) {
                xy[k] = strtod(p, &end);
                if (end == p || (k == 0 && *end != ','))
                    return dp_fail(err, "--draw: '%s' is not a list of strokes like "
                                        "\"14,4;14,24|...\"", v);
                p = k == 0 ? end + 1 : end;
            }
            if (!(xy[0] >= 0 && xy[0] <= 28 && xy[1] >= 0 && xy[1] <= 28))
                return dp_fail(err, "--draw: the point %g,%g is out of range (0 to 28 cells)",
                               xy[0], xy[1]);
            if (*p != ';')
                break;
            p++;
        }
        if (*p == '|')
            p++;
        else if (*p)
            return dp_fail(err, "--draw: '%s' is not a list of strokes like \"14,4;14,24|...\"",
                           v);
    }
    return true;
}

int options_parse(int argc, char **argv, app_options *o)
{
    memset(o, 0, sizeof *o);
    app_config_default(&o->cfg);
    o->cfg.recent_file = options_recent_file();
    o->cfg.samples_dir = options_samples_dir();
    o->cfg.fashion_dir = DATASET_FASHION_DIR;
    o->width = 1280;
    o->height = 800;
    o->ui_scale = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        dp_error err = {{0}};
        bool bad = false, ok = true;
        double d;
        uint64_t u;
        size_t n;
        if (!strcmp(a, "--help-window") || !strcmp(a, "-h") || !strcmp(a, "--help")) {
            options_help(stdout);
            return 0;
        } else if (is_flag(a, "--train", &bad)) {
            o->cfg.train = true;
        } else if (is_flag(a, "--fresh", &bad)) {
            o->cfg.fresh = true;
        } else if (is_flag(a, "--lesson", &bad)) {
            o->cfg.lesson = true;
        } else if (is_flag(a, "--quit-after-training", &bad)) {
            o->cfg.quit_when_trained = true;
        } else if (is_flag(a, "--print-events", &bad)) {
            o->print_events = true;
        } else if (flags_opt(argc, argv, &i, "--model", &v, &err)) {
            if ((ok = text_value("--model", v, &err)))
                o->cfg.model_path = v;
        } else if (flags_opt(argc, argv, &i, "--data", &v, &err)) {
            if ((ok = text_value("--data", v, &err)))
                o->cfg.data_dir = v;
        } else if (flags_opt(argc, argv, &i, "--layers", &v, &err)) {
            ok = flags_parse_layers("--layers", v, o->cfg.hidden, MLP_MAX_LAYERS - 1,
                                    &o->cfg.n_hidden, &err);
            o->cfg.layers_given = true;
        } else if (flags_opt(argc, argv, &i, "--epochs", &v, &err)) {
            ok = flags_parse_size("--epochs", v, 1, 1000, &o->cfg.epochs, &err);
        } else if (flags_opt(argc, argv, &i, "--batch", &v, &err)) {
            ok = flags_parse_size("--batch", v, 1, 65536, &o->cfg.batch, &err);
            o->cfg.batch_given = true;
        } else if (flags_opt(argc, argv, &i, "--limit", &v, &err)) {
            ok = flags_parse_size("--limit", v, 1, (size_t)1 << 30, &o->cfg.limit, &err);
        } else if (flags_opt(argc, argv, &i, "--speed", &v, &err)) {
            if ((ok = flags_parse_size("--speed", v, 0, 100000, &n, &err)))
                o->cfg.speed = (unsigned)n;
        } else if (flags_opt(argc, argv, &i, "--lr", &v, &err)) {
            ok = flags_parse_float("--lr", v, 1e-9, 10.0, &o->cfg.lr, &err);
            o->cfg.lr_given = true;
        } else if (flags_opt(argc, argv, &i, "--seed", &v, &err)) {
            if ((ok = flags_parse_seed("--seed", v, &u, &err)))
                o->cfg.seed = u;
        } else if (flags_opt(argc, argv, &i, "--screenshot", &v, &err)) {
            if ((ok = text_value("--screenshot", v, &err)))
                o->screenshot = v;
        } else if (flags_opt(argc, argv, &i, "--screenshot-after-ms", &v, &err)) {
            ok = flags_parse_float("--screenshot-after-ms", v, 0, 1e9, &o->screenshot_after_ms,
                                   &err);
        } else if (flags_opt(argc, argv, &i, "--screenshot-after-epoch", &v, &err)) {
            ok = flags_parse_size("--screenshot-after-epoch", v, 1, 1000, &o->screenshot_epoch,
                                  &err);
        } else if (flags_opt(argc, argv, &i, "--quit-after-ms", &v, &err)) {
            ok = flags_parse_float("--quit-after-ms", v, 0, 1e12, &o->quit_after_ms, &err);
            if (ok && o->quit_after_ms <= 0)
                o->quit_after_ms = 1;
        } else if (flags_opt(argc, argv, &i, "--draw", &v, &err)) {
            if ((ok = strokes_value(v, &err)))
                o->draw = v;
        } else if (flags_opt(argc, argv, &i, "--drop", &v, &err)) {
            if ((ok = text_value("--drop", v, &err)))
                o->drop = v;
        } else if (flags_opt(argc, argv, &i, "--view", &v, &err)) {
            if (!v || !view_from_name(v, &o->cfg.view)) {
                options_error("--view", "'%s' is not a view (hidden, weights, why, mistakes, log, neuron, "
                              "network)",
                              v ? v : "");
                return 2;
            }
        } else if (flags_opt(argc, argv, &i, "--gallery", &v, &err)) {
            int t = -1, p = -1;
            char extra;
            if (!v || sscanf(v, "%d,%d%c", &t, &p, &extra) != 2 || t < 0 || t > 9 || p < 0 ||
                p > 9) {
                options_error("--gallery", "'%s' is not a cell like 5,3 (true digit, answer)",
                              v ? v : "");
                return 2;
            }
            o->cfg.gallery_true = t;
            o->cfg.gallery_pred = p;
        } else if (flags_opt(argc, argv, &i, "--test-digit", &v, &err)) {
            if ((ok = flags_parse_size("--test-digit", v, 0, 1000000, &n, &err)))
                o->cfg.test_digit = (long)n;
        } else if (flags_opt(argc, argv, &i, "--size", &v, &err)) {
            int w = 0, h = 0;
            char extra;
            if (!v || sscanf(v, "%dx%d%c", &w, &h, &extra) != 2 || w < LAYOUT_MIN_W ||
                h < LAYOUT_MIN_H || w > 16384 || h > 16384) {
                options_error("--size", "'%s' is not a size like 1280x800 (at least %dx%d, at "
                              "most 16384x16384)", v ? v : "", LAYOUT_MIN_W, LAYOUT_MIN_H);
                return 2;
            }
            o->width = w;
            o->height = h;
        } else if (flags_opt(argc, argv, &i, "--ui-scale", &v, &err)) {
            if ((ok = flags_parse_float("--ui-scale", v, 0.5, 4.0, &d, &err)))
                o->ui_scale = d;
        } else if (a[0] != '-' && a[0] != '\0') {
            // The model file, wherever it comes (digitpad --print-events m.json).
            if (o->cfg.model_path) {
                options_error(a, "a second model file (%s is given already)", o->cfg.model_path);
                return 2;
            }
            o->cfg.model_path = a;
        } else {
            options_error(a, "unknown option (try digitpad --help-window)");
            return 2;
        }
        if (bad)
            return 2;
        if (!ok || err.msg[0]) {
            options_error(NULL, "%s", err.msg);
            return 2;
        }
    }
    return -1;
}
