/* test_options: the window's command line: both spellings of a value,
 * what is refused and with which exit status. */
#include <string.h>

#include "app/options.h"

#include "check.h"

static int parse(app_options *o, const char *a, const char *b, const char *c)
{
    char *argv[5] = {"digitpad", (char *)a, (char *)b, (char *)c, NULL};
    int argc = 1 + (a != NULL) + (b != NULL) + (c != NULL);
    return options_parse(argc, argv, o);
}

int main(void)
{
    app_options o;
    CHECK(parse(&o, NULL, NULL, NULL) == -1 && o.width == 1280 && o.height == 800 &&
              o.cfg.epochs == 5 && o.cfg.batch == 32 && o.cfg.lr == 0.001 && !o.cfg.model_path,
          "defaults");
    CHECK(parse(&o, "--model=m.json", NULL, NULL) == -1 && !strcmp(o.cfg.model_path, "m.json"),
          "--model=FILE");
    CHECK(parse(&o, "--model", "m.json", "--train") == -1 && !strcmp(o.cfg.model_path, "m.json") &&
              o.cfg.train,
          "--model FILE");
    CHECK(parse(&o, "--print-events", "m.json", "--train") == -1 && o.print_events &&
              !strcmp(o.cfg.model_path, "m.json") && o.cfg.train,
          "the model file after an option");
    CHECK(parse(&o, "a.json", "b.json", NULL) == 2, "two model files");
    CHECK(parse(&o, "--model", "a.json", "b.json") == 2, "--model and a model file");
    CHECK(parse(&o, "--lr=0.0005", "--layers", "256,128") == -1 && o.cfg.lr == 0.0005 &&
              o.cfg.n_hidden == 2 && o.cfg.hidden[1] == 128 && o.cfg.layers_given,
          "--lr=, --layers");
    CHECK(parse(&o, "--view=why", "--gallery", "5,3") == -1 && o.cfg.view == VIEW_WHY &&
              o.cfg.gallery_true == 5 && o.cfg.gallery_pred == 3,
          "--view, --gallery");
    CHECK(parse(&o, "--size=900x600", "--ui-scale", "1.5") == -1 && o.width == 900 &&
              o.height == 600 && o.ui_scale == 1.5,
          "--size, --ui-scale");
    CHECK(parse(&o, "--quit-after-ms", "0", NULL) == -1 && o.quit_after_ms == 1, "0 ms is at once");
    CHECK(parse(&o, NULL, NULL, NULL) == -1 && o.cfg.speed == 0, "full speed by default");
    CHECK(parse(&o, "--speed", "10", NULL) == -1 && o.cfg.speed == 10, "--speed 10");
    CHECK(parse(&o, "--speed=0", NULL, NULL) == -1 && o.cfg.speed == 0, "--speed=0: full");
    // --draw: points on the canvas only (0 to 28 cells, both ends in), said before the window.
    CHECK(parse(&o, "--draw", "0,0;28,28|r14,4;14,24", NULL) == -1 && o.draw, "--draw corners");
    CHECK(parse(&o, "--draw", "14,4;14,29", NULL) == 2, "--draw y 29");
    CHECK(parse(&o, "--draw", "-0.5,4", NULL) == 2, "--draw x -0.5");
    CHECK(parse(&o, "--draw", "14,4|300,4;1,1", NULL) == 2, "--draw 300 in a second stroke");
    CHECK(parse(&o, "--draw", "nan,4", NULL) == 2, "--draw nan");
    CHECK(parse(&o, "--draw", "14,4;x", NULL) == 2, "--draw malformed");
    CHECK(parse(&o, "--draw", "14,4;14,24|", NULL) == -1, "--draw with a trailing bar");
    CHECK(parse(&o, "--speed", "-1", NULL) == 2, "--speed -1");
    CHECK(parse(&o, "--speed", "fast", NULL) == 2, "--speed fast");
    // Refused, with status 2 (the reason goes to stderr).
    CHECK(parse(&o, "--train=1", NULL, NULL) == 2, "a value on a switch");
    CHECK(parse(&o, "--model", NULL, NULL) == 2, "--model without a file");
    CHECK(parse(&o, "--model=", NULL, NULL) == 2, "--model= empty");
    CHECK(parse(&o, "--epochs=x", NULL, NULL) == 2, "--epochs=x");
    CHECK(parse(&o, "--epochs", "0", NULL) == 2, "--epochs 0");
    CHECK(parse(&o, "--size", "800x600", NULL) == 2, "a window smaller than the least");
    CHECK(parse(&o, "--size", "16385x900", NULL) == 2, "a window wider than the most");
    CHECK(parse(&o, "--size", "16384x16384", NULL) == -1 && o.width == 16384, "the most");
    CHECK(parse(&o, "--view", "sideways", NULL) == 2, "no such view");
    CHECK(parse(&o, "--gallery", "5,10", NULL) == 2, "no such cell");
    CHECK(parse(&o, "--modelx", NULL, NULL) == 2, "unknown option");
    CHECK(parse(&o, "--help-window", NULL, NULL) == 0, "help");
    return check_summary();
}
