/* text_fit.h: a string cut to a width with an ellipsis, between UTF-8
 * characters, its end or its middle given way ("a-really-long…epochs20.json").
 * Plain functions over a measuring callback (the window passes SDL_ttf's,
 * the tests a made-up one): no SDL here. */
#ifndef DIGITPAD_APP_TEXT_FIT_H
#define DIGITPAD_APP_TEXT_FIT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum text_cut {
    TEXT_CUT_END,    // "the status line says th…"
    TEXT_CUT_MIDDLE, // a file name keeps its start and its end: "a-really-lo…epochs20.json"
} text_cut;

/* The width of s in pixels, as the text will be drawn. */
typedef int (*text_measure_fn)(void *ctx, const char *s);

/* txt into out (len bytes) as it fits in w pixels: whole when it does,
 * else with as many characters as fit beside an ellipsis ("…"), cut at
 * its end or in its middle; "" when not even the ellipsis fits (w < its
 * width). Returns the width of out. */
int text_fit_cut(const char *txt, int w, text_cut where, text_measure_fn measure, void *ctx,
                 char *out, size_t len);

#endif
