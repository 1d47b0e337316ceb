/* text.h: text on the window with SDL2_ttf, fonts found through fontconfig.
 *
 * Rendered strings are kept as textures in a small set-associative cache
 * (white glyphs, coloured at draw time), so a frame that shows the same
 * words as the last one renders no glyphs at all. Only the window thread
 * may use it. */
#ifndef DIGITPAD_APP_TEXT_H
#define DIGITPAD_APP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

typedef enum text_font {
    FONT_SMALL,   // 12 px
    FONT_BODY,    // 14 px
    FONT_BOLD,    // 14 px bold
    FONT_CAPTION, // 11 px bold, for panel captions
    FONT_TITLE,   // 18 px bold
    FONT_BIG,     // 64 px bold: the answer
    FONT_MONO,    // 12 px monospace: numbers and the log
    FONT_COUNT,
} text_font;

typedef enum text_align {
    TEXT_LEFT,
    TEXT_CENTER,
    TEXT_RIGHT,
} text_align;

#define TEXT_CACHE_SLOTS 1024
#define TEXT_CACHE_WAYS 8
#define TEXT_KEY_MAX 192

typedef struct text_entry {
    uint64_t hash;
    uint64_t used;       // frame it was last drawn in
    int font;
    int w, h;
    SDL_Texture *tex;    // NULL: free slot
    char key[TEXT_KEY_MAX];
} text_entry;

typedef struct text_ctx {
    SDL_Renderer *renderer;
    float scale;
    char file[3][1024];  // regular, bold, mono
    TTF_Font *fonts[FONT_COUNT];
    text_entry cache[TEXT_CACHE_SLOTS];
    uint64_t frame;
    uint64_t renders;    // strings rendered (cache misses), for tests and stats
} text_ctx;

/* Finds the fonts (DejaVu Sans, else fontconfig's "sans-serif"; DejaVu
 * Sans Mono, else "monospace") and opens them at the given scale. On
 * failure writes a message to err (for the user: it names the package to
 * install) and leaves nothing to free. */
bool text_init(text_ctx *t, SDL_Renderer *renderer, float scale, char *err, size_t err_len);
void text_destroy(text_ctx *t);

/* Reopens the fonts for another scale (a window moved to a HiDPI screen). */
bool text_set_scale(text_ctx *t, float scale, char *err, size_t err_len);

/* Marks the start of a frame (for the cache's least-recently-used choice). */
void text_frame(text_ctx *t);

/* Draws s with its top at y; x is its left, centre or right edge by align.
 * Returns the width drawn. */
int text_draw(text_ctx *t, text_font f, const char *s, int x, int y, SDL_Color c,
              text_align align);

/* Draws s vertically centred in r, aligned horizontally in it. */
int text_draw_in(text_ctx *t, text_font f, const char *s, SDL_Rect r, SDL_Color c,
                 text_align align);

/* The size s would take. */
void text_size(text_ctx *t, text_font f, const char *s, int *w, int *h);

/* The font's line height. */
int text_height(text_ctx *t, text_font f);

#endif
