/* ui_views.c: the tab strip, the view panel (each view painted by its own
 * ui_view_*.c) and the helpers they share (ui_views.h). What each view
 * shows and where its parts go come from views.h; these files only paint
 * them. Pictures (weight tiles, the saliency map, the gallery) live
 * in streaming textures that are re-made only when their key changes: the
 * weight tiles at most four times a second while training. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/inspect.h"
#include "views.h"


static SDL_Texture *streaming(SDL_Renderer *r, int w, int h)
{
    SDL_Texture *t = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (t)
        SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    return t;
}

bool ui_views_init(ui_ctx *u)
{
    u->tiles_tex = streaming(u->renderer, ATLAS_SIDE, ATLAS_SIDE);
    u->thumbs_tex = streaming(u->renderer, ATLAS_SIDE, ATLAS_SIDE);
    u->unit_tex = streaming(u->renderer, CANVAS_N, CANVAS_N);
    u->heat_tex = streaming(u->renderer, CANVAS_N, CANVAS_N);
    u->tiles_key = u->thumbs_key = u->unit_key = u->heat_key = 0;
    u->neuron_tex = streaming(u->renderer, 3 * CANVAS_N, CANVAS_N);
    u->net_input_tex = streaming(u->renderer, CANVAS_N, CANVAS_N);
    u->neuron_key = u->net_input_key = 0;
    if (u->thumbs_tex)
        SDL_SetTextureScaleMode(u->thumbs_tex, SDL_ScaleModeLinear);
    return u->tiles_tex && u->thumbs_tex && u->unit_tex && u->heat_tex && u->neuron_tex &&
           u->net_input_tex;
}

void ui_views_destroy(ui_ctx *u)
{
    SDL_Texture **all[] = {&u->tiles_tex, &u->thumbs_tex, &u->unit_tex,
                           &u->heat_tex,  &u->neuron_tex, &u->net_input_tex};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (*all[i])
            SDL_DestroyTexture(*all[i]);
        *all[i] = NULL;
    }
}

/* ---- helpers ----------------------------------------------------------- */

SDL_Rect uv_R(app_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

void uv_outline(ui_ctx *u, SDL_Rect r, int w, SDL_Color c)
{
    ui_fill(u, (SDL_Rect){r.x - w, r.y - w, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y + r.h, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y, w, r.h}, c);
    ui_fill(u, (SDL_Rect){r.x + r.w, r.y, w, r.h}, c);
}

int uv_line_w(const ui_ctx *u)
{
    int w = ui_px(u, 1.5f);
    return w < 1 ? 1 : w;
}

void uv_fill_rgb(ui_ctx *u, SDL_Rect r, const uint8_t rgb[3])
{
    ui_fill(u, r, (SDL_Color){rgb[0], rgb[1], rgb[2], 255});
}

/* A small square button with a glyph (page arrows, close). */
void uv_nav_button(ui_ctx *u, const app_state *s, app_rect r, const char *glyph, view_nav id,
                       bool enabled)
{
    if (r.w <= 0)
        return;
    bool hover = enabled && s->views.hover_nav == (int)id;
    ui_fill_round(u, uv_R(r), (float)ui_px(u, 5), hover ? UI_BUTTON_HOVER : UI_BUTTON);
    text_draw_in(u->text, FONT_BOLD, glyph, uv_R(r), enabled ? UI_TEXT : UI_FAINT, TEXT_CENTER);
}

/* The diverging map as a horizontal bar from -1 to 1. */
void uv_legend_bar(ui_ctx *u, SDL_Rect r)
{
    for (int x = 0; x < r.w; x++) {
        uint8_t rgb[3];
        inspect_color(2.0f * ((float)x + 0.5f) / (float)r.w - 1.0f, 1.0f, rgb);
        ui_fill(u, (SDL_Rect){r.x + x, r.y, 1, r.h}, (SDL_Color){rgb[0], rgb[1], rgb[2], 255});
    }
}

typedef struct uv_measure_ctx {
    text_ctx *text;
    text_font font;
} uv_measure_ctx;

static int uv_measure(void *ctx, const char *s)
{
    const uv_measure_ctx *m = ctx;
    int w;
    text_size(m->text, m->font, s, &w, NULL);
    return w;
}

int uv_text_cut(ui_ctx *u, text_font f, const char *txt, int w, text_cut where, char *out,
                size_t len)
{
    uv_measure_ctx m = {u->text, f};
    return text_fit_cut(txt, w, where, uv_measure, &m, out, len);
}

/* Text clipped to the width w from x. */
void uv_text_fit(ui_ctx *u, text_font f, const char *txt, int x, int y, int w, SDL_Color c)
{
    int tw;
    text_size(u->text, f, txt, &tw, NULL);
    char cut[256];
    if (tw > w) {
        /* Too wide (a small window, or a large UI scale fitted into one):
         * whole words and an ellipsis, never a word cut in half; nothing
         * when not even the first word fits. */
        snprintf(cut, sizeof cut, "%s", txt);
        size_t n = strlen(cut);
        if (n > sizeof cut - sizeof "\u2026")
            n = sizeof cut - sizeof "\u2026"; // room for the ellipsis
        for (;;) {
            while (n > 0 && cut[n - 1] != ' ')
                n--;
            while (n > 0 && strchr(" ,;:(", cut[n - 1]))
                n--;
            if (n == 0)
                return;
            memcpy(cut + n, "\u2026", sizeof "\u2026");
            text_size(u->text, f, cut, &tw, NULL);
            if (tw <= w)
                break;
        }
        txt = cut;
    }
    ui_clip(u, (SDL_Rect){x, y, w, text_height(u->text, f) + 2});
    text_draw(u->text, f, txt, x, y, c, TEXT_LEFT);
    ui_unclip(u);
}

/* txt word-wrapped to r's width from y (lines that would leave r are
 * dropped); returns the y under the last line. */
int uv_text_wrap(ui_ctx *u, text_font f, const char *txt, SDL_Rect r, int y, SDL_Color c)
{
    int lh = text_height(u->text, f) + ui_px(u, 2);
    int space;
    text_size(u->text, f, " ", &space, NULL);
    char line[256] = "", word[128];
    size_t used = 0;
    int line_w = 0;
    const char *p = txt;
    // Each word measured once (not the growing line): this runs on every redraw.
    while (*p && y + lh <= r.y + r.h) {
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        if (n >= sizeof word)
            n = sizeof word - 1;
        memcpy(word, p, n);
        word[n] = '\0';
        int ww;
        text_size(u->text, f, word, &ww, NULL);
        bool wrap = used + 1 + n >= sizeof line;
        if (used && !wrap && 10 * (line_w + space + ww) > 8 * r.w) {
            // Near the edge the sum of the words' widths is not exact (kerning, the
            // spaces): measure the line itself.
            char trial[256 + 128];
            snprintf(trial, sizeof trial, "%s %s", line, word);
            int tw;
            text_size(u->text, f, trial, &tw, NULL);
            wrap = tw > r.w;
        }
        if (used && wrap && y + 2 * lh > r.y + r.h) {
            // The last line with room: what is left, ended with an ellipsis.
            char rest[256 + 512];
            snprintf(rest, sizeof rest, "%s %s", line, p);
            uv_text_fit(u, f, rest, r.x, y, r.w, c);
            return y + lh;
        }
        if (used && wrap) {
            uv_text_fit(u, f, line, r.x, y, r.w, c);
            y += lh;
            used = 0;
            line_w = 0;
        }
        if (used) {
            line[used++] = ' ';
            line_w += space;
        }
        memcpy(line + used, word, n + 1);
        used += n;
        line_w += ww;
        p = q;
        while (*p == ' ')
            p++;
    }
    if (used && y + lh <= r.y + r.h) {
        uv_text_fit(u, f, line, r.x, y, r.w, c);
        y += lh;
    }
    return y;
}

void uv_text_fit_alt(ui_ctx *u, text_font f, const char *const *alts, size_t n, int x, int y,
                     int w, SDL_Color c)
{
    for (size_t i = 0; i < n; i++) {
        int tw;
        text_size(u->text, f, alts[i], &tw, NULL);
        if (tw <= w || i + 1 == n) {
            uv_text_fit(u, f, alts[i], x, y, w, c);
            return;
        }
    }
}

/* How many lines txt takes wrapped to width w (greedy, at spaces). */
static int wrapped_lines(ui_ctx *u, text_font f, const char *txt, int w)
{
    char line[512] = "";
    size_t used = 0;
    int lines = 0;
    for (const char *p = txt; *p;) {
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        char trial[512];
        if (used + 1 + n >= sizeof trial)
            return 1000;
        snprintf(trial, sizeof trial, "%s%s%.*s", line, used ? " " : "", (int)n, p);
        int tw;
        text_size(u->text, f, trial, &tw, NULL);
        if (used && tw > w) {
            lines++;
            snprintf(line, sizeof line, "%.*s", (int)n, p);
            used = n;
        } else {
            memcpy(line, trial, strlen(trial) + 1);
            used = strlen(line);
        }
        p = q;
        while (*p == ' ')
            p++;
    }
    return lines + (used ? 1 : 0);
}

int uv_text_wrap_alt(ui_ctx *u, text_font f, const char *const *alts, size_t n, SDL_Rect r, int y,
                     SDL_Color c)
{
    int lh = text_height(u->text, f) + ui_px(u, 2);
    int room = lh > 0 ? (r.y + r.h - y) / lh : 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (wrapped_lines(u, f, alts[i], r.w) <= room)
            return uv_text_wrap(u, f, alts[i], r, y, c);
    return n ? uv_text_wrap(u, f, alts[n - 1], r, y, c) : y;
}

bool uv_unit_on_canvas_view(const app_state *s, int *layer, int *unit)
{
    if (s->views.hover_unit >= 0) {
        *layer = s->views.hover_layer;
        *unit = s->views.hover_unit;
        return true;
    }
    if (s->views.sel_unit >= 0) {
        *layer = s->views.sel_layer;
        *unit = s->views.sel_unit;
        return true;
    }
    return false;
}

float uv_unit_activation(const app_state *s, int layer, int unit, bool *known)
{
    *known = s->score.has_guess && s->views.hidden.acts && s->views.hidden.acts_input == s->views.views_input;
    if (!*known)
        return 0.0f;
    return s->views.hidden.acts[inspect_layer_offset(&s->model.net, (size_t)layer) + (size_t)unit];
}

/* ---- tabs -------------------------------------------------------------- */

/* The tabs' labels: the long names where all fit, else the short ones,
 * each after its key where all keys fit too; a smaller font when needed. */
static void tab_style(ui_ctx *u, const app_state *s, bool *all_long, bool *keys, text_font *font)
{
    static const text_font fonts[] = {FONT_BOLD, FONT_BODY, FONT_SMALL};
    *all_long = false;
    *keys = false;
    *font = FONT_SMALL;
    for (int f = 0; f < 3; f++) {
        for (int style = 0; style < 3; style++) { // long + key, short + key, short
            bool fits = true;
            for (int v = 0; v < VIEW_COUNT && fits; v++) {
                char name[64];
                snprintf(name, sizeof name, "%s", view_label((app_view)v));
                char *bar = strchr(name, '|');
                *bar = '\0';
                int w, kw = 0;
                text_size(u->text, fonts[f], style == 0 ? name : bar + 1, &w, NULL);
                if (style < 2)
                    text_size(u->text, FONT_SMALL, "5", &kw, NULL);
                // The last resort (seven short names at 900 x 600): a narrower margin.
                int margin = ui_px(u, f == 2 && style == 2 ? 4 : 12);
                fits = w + (style < 2 ? kw + ui_px(u, 6) : 0) + margin <=
                       s->layout.buttons[BTN_TAB_HIDDEN + v].w;
            }
            if (fits || (f == 2 && style == 2)) {
                *all_long = style == 0;
                *keys = style < 2;
                *font = fonts[f];
                return;
            }
        }
    }
}

void ui_draw_tabs(ui_ctx *u, const app_state *s)
{
    bool all_long = false, keys = false;
    text_font font = FONT_SMALL;
    tab_style(u, s, &all_long, &keys, &font);
    for (int v = 0; v < VIEW_COUNT; v++) {
        layout_button b = (layout_button)(BTN_TAB_HIDDEN + v);
        SDL_Rect r = ui_rect(s->layout.buttons[b]);
        bool active = (int)s->views.view == v, hover = s->hover == b;
        ui_fill_round(u, r, (float)ui_px(u, 6), active ? UI_ACCENT_DIM : hover ? UI_BUTTON_HOVER : UI_BUTTON);
        if (active)
            ui_fill(u, (SDL_Rect){r.x + ui_px(u, 8), r.y + r.h - ui_px(u, 3), r.w - ui_px(u, 16), ui_px(u, 2)},
                    UI_ACCENT);
        char name[64];
        snprintf(name, sizeof name, "%s", view_label((app_view)v));
        char *bar = strchr(name, '|');
        const char *shown = all_long ? name : bar + 1;
        *bar = '\0';
        char key[4];
        snprintf(key, sizeof key, "%d", v + 1);
        int nw, kw = 0, gap = keys ? ui_px(u, 6) : 0;
        text_size(u->text, font, shown, &nw, NULL);
        if (keys)
            text_size(u->text, FONT_SMALL, key, &kw, NULL);
        int x = r.x + (r.w - nw - kw - gap) / 2;
        ui_clip(u, r);
        if (keys) {
            text_draw_in(u->text, FONT_SMALL, key, (SDL_Rect){x, r.y, kw, r.h},
                         active ? UI_TEXT : UI_FAINT, TEXT_LEFT);
            x += kw + gap;
        }
        text_draw_in(u->text, font, shown, (SDL_Rect){x, r.y, nw, r.h},
                     active || hover ? UI_TEXT : (SDL_Color){210, 214, 224, 255}, TEXT_LEFT);
        ui_unclip(u);
    }
}

/* ---- hidden layer ------------------------------------------------------ */

/* ---- the view panel ---------------------------------------------------- */

void ui_draw_view(ui_ctx *u, const app_state *s)
{
    SDL_Rect r = ui_rect(s->layout.view);
    ui_panel(u, r);
    if (!s->model.have)
        return;
    switch (s->views.view) {
    case VIEW_HIDDEN:
        ui_view_hidden_draw(u, s);
        break;
    case VIEW_WEIGHTS:
        ui_view_weights_draw(u, s);
        break;
    case VIEW_WHY:
        ui_view_why_draw(u, s);
        break;
    case VIEW_MISTAKES:
        ui_view_mistakes_draw(u, s);
        break;
    case VIEW_NEURON:
        ui_view_neuron_draw(u, s);
        break;
    case VIEW_NETWORK:
        ui_view_network_draw(u, s);
        break;
    case VIEW_LOG:
    case VIEW_COUNT:
        ui_draw_log(u, s, r);
        break;
    }
}
