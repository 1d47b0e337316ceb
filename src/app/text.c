/* text.c: SDL2_ttf text with fontconfig fonts and a texture cache (text.h). */
#include "text.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int face; // 0 regular, 1 bold, 2 mono
    float px;
} font_spec[FONT_COUNT] = {
    [FONT_SMALL] = {0, 12.0f},  [FONT_BODY] = {0, 14.0f}, [FONT_BOLD] = {1, 14.0f},
    [FONT_CAPTION] = {1, 11.0f}, [FONT_TITLE] = {1, 18.0f}, [FONT_BIG] = {1, 64.0f},
    [FONT_MONO] = {2, 12.0f},
};

/* Asks fontconfig for pattern; true with the file when the best match's
 * family is the one asked for (or when any match will do). */
static bool match_font(const char *pattern, const char *family, char *out, size_t len)
{
    FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
    if (!pat)
        return false;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    if (!m)
        return false;
    bool ok = false;
    FcChar8 *file = NULL, *fam = NULL;
    if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch && file) {
        bool family_ok = !family || (FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
                                     fam && !strcmp((const char *)fam, family));
        if (family_ok) {
            snprintf(out, len, "%s", (const char *)file);
            ok = true;
        }
    }
    FcPatternDestroy(m);
    return ok;
}

static bool find_fonts(text_ctx *t, char *err, size_t err_len)
{
    if (!FcInit()) {
        snprintf(err, err_len, "fontconfig could not start; install fontconfig and fonts-dejavu-core");
        return false;
    }
    static const char *const wanted[3][2] = {
        {"DejaVu Sans", "DejaVu Sans:style=Book"},
        {"DejaVu Sans", "DejaVu Sans:style=Bold"},
        {"DejaVu Sans Mono", "DejaVu Sans Mono:style=Book"},
    };
    static const char *const fallback[3] = {"sans-serif", "sans-serif:bold", "monospace"};
    for (int i = 0; i < 3; i++) {
        if (match_font(wanted[i][1], wanted[i][0], t->file[i], sizeof t->file[i]))
            continue;
        if (match_font(fallback[i], NULL, t->file[i], sizeof t->file[i]))
            continue;
        if (i > 0) { // no bold or mono face: the regular one will do
            memcpy(t->file[i], t->file[0], sizeof t->file[i]);
            continue;
        }
        snprintf(err, err_len,
                 "no font found through fontconfig (looked for \"DejaVu Sans\", then "
                 "\"sans-serif\"); install fonts-dejavu-core");
        return false;
    }
    return true;
}

static void close_fonts(text_ctx *t)
{
    for (int i = 0; i < FONT_COUNT; i++) {
        if (t->fonts[i])
            TTF_CloseFont(t->fonts[i]);
        t->fonts[i] = NULL;
    }
}

static void clear_cache(text_ctx *t)
{
    for (size_t i = 0; i < TEXT_CACHE_SLOTS; i++) {
        if (t->cache[i].tex)
            SDL_DestroyTexture(t->cache[i].tex);
        t->cache[i].tex = NULL;
    }
}

static bool open_fonts(text_ctx *t, float scale, char *err, size_t err_len)
{
    for (int i = 0; i < FONT_COUNT; i++) {
        int pt = (int)lroundf(font_spec[i].px * scale);
        const char *file = t->file[font_spec[i].face];
        t->fonts[i] = TTF_OpenFont(file, pt);
        if (!t->fonts[i] && font_spec[i].face != 0)
            t->fonts[i] = TTF_OpenFont(t->file[0], pt);
        if (!t->fonts[i]) {
            snprintf(err, err_len, "%s: cannot open this font: %s (install fonts-dejavu-core)",
                     file, TTF_GetError());
            close_fonts(t);
            return false;
        }
        TTF_SetFontHinting(t->fonts[i], TTF_HINTING_LIGHT);
    }
    t->scale = scale;
    return true;
}

bool text_init(text_ctx *t, SDL_Renderer *renderer, float scale, char *err, size_t err_len)
{
    memset(t, 0, sizeof *t);
    t->renderer = renderer;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, err_len, "SDL_ttf: %s", TTF_GetError());
        return false;
    }
    if (!find_fonts(t, err, err_len) || !open_fonts(t, scale, err, err_len)) {
        TTF_Quit();
        return false;
    }
    return true;
}

void text_destroy(text_ctx *t)
{
    clear_cache(t);
    close_fonts(t);
    if (TTF_WasInit())
        TTF_Quit();
    FcFini(); // nothing else in digitpad uses fontconfig
}

bool text_set_scale(text_ctx *t, float scale, char *err, size_t err_len)
{
    if (fabsf(scale - t->scale) < 1e-3f)
        return true;
    clear_cache(t);
    close_fonts(t);
    return open_fonts(t, scale, err, err_len);
}

void text_frame(text_ctx *t)
{
    t->frame++;
}

static uint64_t hash_key(int font, const char *s)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)font;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Finds or renders s in font f. May return NULL (empty string, render
 * failure). *transient is set when the caller must destroy the entry's
 * texture itself (too long to cache). */
static text_entry *lookup(text_ctx *t, text_font f, const char *s, text_entry *tmp,
                          bool *transient)
{
    *transient = false;
    if (!s[0])
        return NULL;
    size_t len = strlen(s);
    uint64_t h = hash_key((int)f, s);
    size_t set = (size_t)(h % (TEXT_CACHE_SLOTS / TEXT_CACHE_WAYS)) * TEXT_CACHE_WAYS;
    text_entry *victim = NULL;
    if (len < TEXT_KEY_MAX) {
        for (size_t i = 0; i < TEXT_CACHE_WAYS; i++) {
            text_entry *e = &t->cache[set + i];
            if (e->tex && e->hash == h && e->font == (int)f && !strcmp(e->key, s)) {
                e->used = t->frame;
                return e;
            }
            if (!victim || !e->tex || (victim->tex && e->used < victim->used))
                victim = e;
        }
    }
    SDL_Surface *surf = TTF_RenderUTF8_Blended(t->fonts[f], s, (SDL_Color){255, 255, 255, 255});
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->renderer, surf);
    int w = surf->w, hgt = surf->h;
    SDL_FreeSurface(surf);
    if (!tex)
        return NULL;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    t->renders++;
    text_entry *e = victim;
    if (!e) {
        e = tmp;
        *transient = true;
    } else if (e->tex) {
        SDL_DestroyTexture(e->tex);
    }
    e->hash = h;
    e->font = (int)f;
    e->used = t->frame;
    e->w = w;
    e->h = hgt;
    e->tex = tex;
    if (!*transient)
        memcpy(e->key, s, len + 1);
    return e;
}

int text_draw(text_ctx *t, text_font f, const char *s, int x, int y, SDL_Color c,
              text_align align)
{
    text_entry tmp;
    bool transient;
    text_entry *e = lookup(t, f, s, &tmp, &transient);
    if (!e)
        return 0;
    SDL_Rect dst = {x, y, e->w, e->h};
    if (align == TEXT_CENTER)
        dst.x -= e->w / 2;
    else if (align == TEXT_RIGHT)
        dst.x -= e->w;
    SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(e->tex, c.a);
    SDL_RenderCopy(t->renderer, e->tex, NULL, &dst);
    int w = e->w;
    if (transient)
        SDL_DestroyTexture(e->tex);
    return w;
}

int text_draw_in(text_ctx *t, text_font f, const char *s, SDL_Rect r, SDL_Color c,
                 text_align align)
{
    int h = text_height(t, f);
    int x = align == TEXT_LEFT ? r.x : align == TEXT_CENTER ? r.x + r.w / 2 : r.x + r.w;
    return text_draw(t, f, s, x, r.y + (r.h - h) / 2, c, align);
}

void text_size(text_ctx *t, text_font f, const char *s, int *w, int *h)
{
    int tw = 0, th = 0;
    if (s[0])
        TTF_SizeUTF8(t->fonts[f], s, &tw, &th);
    else
        th = TTF_FontHeight(t->fonts[f]);
    if (w)
        *w = tw;
    if (h)
        *h = th;
}

int text_height(text_ctx *t, text_font f)
{
    return TTF_FontHeight(t->fonts[f]);
}
