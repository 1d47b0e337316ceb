/* options.c: the window's command line (options.h). */
#include "options.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void options_help(FILE *f)
{
    fputs("usage: digitpad [OPTIONS]\n"
          "\n"
          "Opens the window: draw a digit with the mouse, see the network's answer,\n"
          "train it live on MNIST.\n"
          "\n"
          "  --model FILE        the model to start with (default: the bundled one);\n"
          "                      Ctrl+S saves back to it\n"
          "  --data DIR          the MNIST folder (default: $DIGITPAD_DATA, ./data/mnist,\n"
          "                      $XDG_DATA_HOME/digitpad/mnist)\n"
          "  --fresh             start from fresh random weights, not a model file\n"
          "  --train             start training at once\n"
          "  --layers 128        hidden layer widths, e.g. 256,128,64 (fresh weights\n"
          "                      when they differ from the model's)\n"
          "  --epochs 5  --batch 32  --lr 0.001  --seed 1\n"
          "  --limit N           train on the first N training images only\n"
          "  --size WxH          the window's size (default 1280x800)\n"
          "  --ui-scale X        enlarge everything X times (on top of HiDPI)\n"
          "  --print-events      JSON lines on stdout: ready, prediction, progress,\n"
          "                      epoch, confusion, view, saliency, gallery, test_digit,\n"
          "                      saved, loaded, error, screenshot, stats\n"
          "  --screenshot FILE   save the window as PNG after the first frames\n"
          "  --screenshot-after-ms N   ... or after N ms\n"
          "  --screenshot-after-epoch N   ... or halfway through the epoch after the N-th\n"
          "  --draw STROKES      draw strokes through the mouse handler at start:\n"
          "                      \"x,y;x,y;...|x,y;...\" in canvas cells (0 to 28)\n"
          "  --drop FILE         act as if FILE were dropped on the window (after --draw)\n"
          "  --view NAME         the view shown first: hidden, weights, why, mistakes, log\n"
          "  --gallery T,P       open the mistakes view's cell: true T read as P\n"
          "  --test-digit N      put test image N on the canvas once MNIST is read\n"
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
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_error(what, "%s", msg);
}

const char *options_bundled_model(void)
{
    return cli_default_model_path();
}

static bool need_value(const char *flag, const char *v)
{
    if (!v || !v[0]) {
        options_error(flag, "needs a value");
        return false;
    }
    return true;
}

/* Flags that take no value. */
static bool is_switch(const char *a)
{
    static const char *const switches[] = {"--help-window", "-h", "--help", "--train", "--fresh",
                                           "--quit-after-training", "--print-events"};
    for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++)
        if (!strcmp(a, switches[i]))
            return true;
    return false;
}

int options_parse(int argc, char **argv, app_options *o)
{
    memset(o, 0, sizeof *o);
    app_config_default(&o->cfg);
    o->width = 1280;
    o->height = 800;
    o->ui_scale = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        // --flag=VALUE is --flag VALUE.
        char flag[64];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool inline_value = false;
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq && (size_t)(eq - a) < sizeof flag) {
            snprintf(flag, sizeof flag, "%.*s", (int)(eq - a), a);
            a = flag;
            v = eq + 1;
            inline_value = true;
            if (is_switch(a)) {
                options_error(a, "takes no value");
                return 2;
            }
        }
        int used = inline_value ? 0 : 1; // words taken after the flag
        double d;
        unsigned long long u;
        if (!strcmp(a, "--help-window") || !strcmp(a, "-h") || !strcmp(a, "--help")) {
            options_help(stdout);
            return 0;
        } else if (!strcmp(a, "--train")) {
            o->cfg.train = true;
            used = 0;
        } else if (!strcmp(a, "--fresh")) {
            o->cfg.fresh = true;
            used = 0;
        } else if (!strcmp(a, "--quit-after-training")) {
            o->cfg.quit_when_trained = true;
            used = 0;
        } else if (!strcmp(a, "--print-events")) {
            o->print_events = true;
            used = 0;
        } else if (!strcmp(a, "--model")) {
            if (!need_value(a, v))
                return 2;
            o->cfg.model_path = v;
        } else if (!strcmp(a, "--data")) {
            if (!need_value(a, v))
                return 2;
            o->cfg.data_dir = v;
        } else if (!strcmp(a, "--layers")) {
            if (!cli_parse_layers(a, v, o->cfg.hidden, MLP_MAX_LAYERS - 1, &o->cfg.n_hidden))
                return 2;
            o->cfg.layers_given = true;
        } else if (!strcmp(a, "--epochs")) {
            if (!cli_parse_size(a, v, 1, 1000, &o->cfg.epochs))
                return 2;
        } else if (!strcmp(a, "--batch")) {
            if (!cli_parse_size(a, v, 1, 65536, &o->cfg.batch))
                return 2;
        } else if (!strcmp(a, "--limit")) {
            if (!cli_parse_size(a, v, 1, (size_t)1 << 30, &o->cfg.limit))
                return 2;
        } else if (!strcmp(a, "--lr")) {
            if (!cli_parse_float(a, v, 1e-9, 10.0, &o->cfg.lr))
                return 2;
        } else if (!strcmp(a, "--seed")) {
            if (!cli_parse_u64(a, v, &u))
                return 2;
            o->cfg.seed = u;
        } else if (!strcmp(a, "--screenshot")) {
            if (!need_value(a, v))
                return 2;
            o->screenshot = v;
        } else if (!strcmp(a, "--screenshot-after-ms")) {
            if (!cli_parse_float(a, v, 0, 1e9, &o->screenshot_after_ms))
                return 2;
        } else if (!strcmp(a, "--screenshot-after-epoch")) {
            if (!cli_parse_size(a, v, 1, 1000, &o->screenshot_epoch))
                return 2;
        } else if (!strcmp(a, "--quit-after-ms")) {
            if (!cli_parse_float(a, v, 0, 1e12, &o->quit_after_ms))
                return 2;
            if (o->quit_after_ms <= 0)
                o->quit_after_ms = 1;
        } else if (!strcmp(a, "--draw")) {
            if (!need_value(a, v))
                return 2;
            o->draw = v;
        } else if (!strcmp(a, "--drop")) {
            if (!need_value(a, v))
                return 2;
            o->drop = v;
        } else if (!strcmp(a, "--view")) {
            if (!v || !view_from_name(v, &o->cfg.view)) {
                options_error(a, "'%s' is not a view (hidden, weights, why, mistakes, log)",
                              v ? v : "");
                return 2;
            }
        } else if (!strcmp(a, "--gallery")) {
            int t = -1, p = -1;
            char extra;
            if (!v || sscanf(v, "%d,%d%c", &t, &p, &extra) != 2 || t < 0 || t > 9 || p < 0 ||
                p > 9) {
                options_error(a, "'%s' is not a cell like 5,3 (true digit, answer)", v ? v : "");
                return 2;
            }
            o->cfg.gallery_true = t;
            o->cfg.gallery_pred = p;
        } else if (!strcmp(a, "--test-digit")) {
            size_t n;
            if (!cli_parse_size(a, v, 0, 1000000, &n))
                return 2;
            o->cfg.test_digit = (long)n;
        } else if (!strcmp(a, "--size")) {
            int w = 0, h = 0;
            char extra;
            if (!v || sscanf(v, "%dx%d%c", &w, &h, &extra) != 2 || w < LAYOUT_MIN_W ||
                h < LAYOUT_MIN_H || w > 16384 || h > 16384) {
                options_error(a, "'%s' is not a size like 1280x800 (at least %dx%d)", v ? v : "",
                              LAYOUT_MIN_W, LAYOUT_MIN_H);
                return 2;
            }
            o->width = w;
            o->height = h;
        } else if (!strcmp(a, "--ui-scale")) {
            if (!cli_parse_float(a, v, 0.5, 4.0, &d))
                return 2;
            o->ui_scale = d;
        } else {
            options_error(argv[i], "unknown option (try digitpad --help-window)");
            return 2;
        }
        i += used;
    }
    return -1;
}
