/* test_icon: the icon the window gets (dist/icon_svg.h, the SVG built into
 * the binary) as SDL_image draws it, and the PNGs drawn from the same SVG
 * for the desktop. The SVG draws a 128-unit square; the pixels checked here
 * are worked out from its coordinates: outside the rounded square (clear),
 * the canvas's background, a pixel of the 3's white stroke, the long blue
 * bar of class 3 and a short bar's empty track.
 *   test_icon [PNG48 PNG128 PNG256]   (the PNGs when they were built) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>

#include "check.h"
#include "icon_svg.h"

typedef struct rgba {
    int r, g, b, a;
} rgba;

/* The pixel at (x, y) of an icon drawn at size px, given in the SVG's
 * 128-unit coordinates (the centre of that unit). */
static rgba pixel_at(SDL_Surface *s, double ux, double uy)
{
    int x = (int)(ux * s->w / 128.0), y = (int)(uy * s->h / 128.0);
    const Uint8 *p = (const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)x * 4;
    Uint32 v;
    memcpy(&v, p, 4);
    rgba c;
    Uint8 r, g, b, a;
    SDL_GetRGBA(v, s->format, &r, &g, &b, &a);
    c.r = r, c.g = g, c.b = b, c.a = a;
    return c;
}

static bool near(rgba c, int r, int g, int b, int tol)
{
    return abs(c.r - r) <= tol && abs(c.g - g) <= tol && abs(c.b - b) <= tol && c.a >= 250;
}

/* Checks the five pixels of an icon drawn at s->w x s->h. */
static void check_icon(const char *what, SDL_Surface *s, int size)
{
    CHECK(s != NULL, "%s at %d px did not load", what, size);
    if (!s)
        return;
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    CHECK(c != NULL, "%s: cannot convert to RGBA: %s", what, SDL_GetError());
    if (!c)
        return;
    CHECK(c->w == size && c->h == size, "%s is %dx%d, not %dx%d", what, c->w, c->h, size, size);
    rgba corner = pixel_at(c, 1.5, 1.5);          // outside the rounded square
    rgba canvas = pixel_at(c, 16 + 2.5 * 2, 29 + 2.5 * 2); // canvas pixel (2, 2): no ink
    // Inside the 3's middle stroke (pixels 12..17 of rows 11 and 12), where
    // even a 48 px pixel falls wholly on white.
    rgba ink = pixel_at(c, 49.3, 60.0);
    rgba bar = pixel_at(c, 102, 53);              // the bar of class 3: #58a6ff
    rgba track = pixel_at(c, 108, 32);            // class 0's empty track: #262d3f
    int tol = size >= 128 ? 6 : 40;               // small sizes blend neighbours
    CHECK(corner.a == 0, "%s at %d px: the corner has alpha %d", what, size, corner.a);
    CHECK(near(canvas, 0x0b, 0x0e, 0x15, tol), "%s at %d px: the canvas is %d,%d,%d", what, size,
          canvas.r, canvas.g, canvas.b);
    CHECK(near(ink, 0xf4, 0xf6, 0xfa, tol), "%s at %d px: the 3's stroke is %d,%d,%d", what, size,
          ink.r, ink.g, ink.b);
    CHECK(near(bar, 0x58, 0xa6, 0xff, size >= 128 ? tol : 80), "%s at %d px: the bar is %d,%d,%d",
          what, size, bar.r, bar.g, bar.b);
    CHECK(bar.b > bar.r + 60, "%s at %d px: the bar is not blue (%d,%d,%d)", what, size, bar.r,
          bar.g, bar.b); // whatever the blending
    CHECK(near(track, 0x26, 0x2d, 0x3f, tol), "%s at %d px: the track is %d,%d,%d", what, size,
          track.r, track.g, track.b);
    SDL_FreeSurface(c);
}

int main(int argc, char **argv)
{
    CHECK(sizeof dp_icon_svg > 1000, "the built-in SVG has %zu bytes", sizeof dp_icon_svg);
    CHECK(memcmp(dp_icon_svg, "<?xml", 5) == 0, "the built-in SVG does not start with <?xml");

    // The window's icon: the built-in SVG through SDL_image's SVG loader.
    int sizes[] = {48, 128};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        SDL_RWops *rw = SDL_RWFromConstMem(dp_icon_svg, (int)sizeof dp_icon_svg);
        CHECK(rw != NULL, "SDL_RWFromConstMem: %s", SDL_GetError());
        SDL_Surface *s = IMG_LoadSizedSVG_RW(rw, sizes[i], sizes[i]);
        if (!s)
            fprintf(stderr, "IMG_LoadSizedSVG_RW: %s\n", IMG_GetError());
        check_icon("built-in SVG", s, sizes[i]);
        SDL_FreeSurface(s);
        SDL_RWclose(rw);
    }

    // What the window does with it (the two lines src/app would use):
    // IMG_Load_RW sniffs the SVG, draws it at its own 128x128 and closes the
    // RWops (freesrc 1), so nothing is left to free but the surface.
    SDL_Surface *own = IMG_Load_RW(SDL_RWFromConstMem(dp_icon_svg, (int)sizeof dp_icon_svg), 1);
    if (!own)
        fprintf(stderr, "IMG_Load_RW: %s\n", IMG_GetError());
    check_icon("built-in SVG, own size", own, 128);
    SDL_FreeSurface(own);

    // The desktop's PNGs, drawn by rsvg-convert at build time.
    int png_sizes[] = {48, 128, 256};
    for (int i = 1; i < argc && i <= 3; i++) {
        SDL_Surface *s = IMG_Load(argv[i]);
        if (!s)
            fprintf(stderr, "%s: %s\n", argv[i], IMG_GetError());
        check_icon(argv[i], s, png_sizes[i - 1]);
        SDL_FreeSurface(s);
    }
    return check_summary();
}
