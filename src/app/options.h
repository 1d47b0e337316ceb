/* options.h: the window's command line (`digitpad` with no command), and
 * the few facts about this machine the window needs from outside itself
 * (the bundled model, the user's models folder). All the parsing is here,
 * so the window's loop starts with options already checked. */
#ifndef DIGITPAD_APP_OPTIONS_H
#define DIGITPAD_APP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "window.h"

typedef struct app_options {
    app_config cfg;
    bool print_events;
    const char *screenshot;       // --screenshot FILE
    double screenshot_after_ms;   // --screenshot-after-ms
    size_t screenshot_epoch;      // --screenshot-after-epoch (0: not waiting for training)
    double quit_after_ms;         // --quit-after-ms (0: never)
    const char *draw;             // --draw "x,y;x,y|x,y;..." in canvas units
    const char *drop;             // --drop FILE: as if FILE were dropped on the window
    int width, height;            // --size WxH
    double ui_scale;              // --ui-scale
} app_options;

/* Parses argv (after the program name; `--flag VALUE` and `--flag=VALUE`
 * alike). Returns -1 to go on, or the exit status (0 after --help-window,
 * 2 after a bad option, whose one-line reason went to stderr). */
int options_parse(int argc, char **argv, app_options *o);

/* The --help-window text. */
void options_help(FILE *f);

/* "digitpad: what: message" on stderr (what may be NULL). */
void options_error(const char *what, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The bundled model's path. */
const char *options_bundled_model(void);
/* Where the window keeps the recent models (recent_default_file), or NULL
 * when there is nowhere (no HOME). */
const char *options_recent_file(void);
/* Where the person's digits are kept: <user data>/my-digits (NULL: none). */
const char *options_samples_dir(void);

#endif
