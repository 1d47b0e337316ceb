/* ui_views.h: what the files that paint the views share (ui_views.c):
 * small drawing helpers and each view's paint function. Only the ui*.c
 * files include it. */
#ifndef DIGITPAD_APP_UI_VIEWS_H
#define DIGITPAD_APP_UI_VIEWS_H

#include "text_fit.h"
#include "ui.h"
#include "views.h"

/* The weight tiles' and the gallery's texture: UI_TILE_COLS pictures across. */
#define ATLAS_SIDE (UI_TILE_COLS * CANVAS_N)

SDL_Rect uv_R(app_rect r);
/* A frame of width w around r. */
void uv_outline(ui_ctx *u, SDL_Rect r, int w, SDL_Color c);
int uv_line_w(const ui_ctx *u);
void uv_fill_rgb(ui_ctx *u, SDL_Rect r, const uint8_t rgb[3]);
/* A small square button with a glyph (page arrows, close). */
void uv_nav_button(ui_ctx *u, const app_state *s, app_rect r, const char *glyph, view_nav id,
                   bool enabled);
/* The diverging map as a horizontal bar from -1 to 1. */
void uv_legend_bar(ui_ctx *u, SDL_Rect r);
/* Text clipped to the width w from x. */
void uv_text_fit(ui_ctx *u, text_font f, const char *txt, int x, int y, int w, SDL_Color c);
/* txt cut to w pixels in font f with an ellipsis, at its end or in its
 * middle (text_fit.h), into out; returns its width. */
int uv_text_cut(ui_ctx *u, text_font f, const char *txt, int w, text_cut where, char *out,
                size_t len);
/* txt word-wrapped to r's width from y; returns the y under the last line. */
int uv_text_wrap(ui_ctx *u, text_font f, const char *txt, SDL_Rect r, int y, SDL_Color c);
/* The first of n wordings (longest first) that fits whole: on one line of
 * width w (fit_alt), or wrapped into r from y (wrap_alt, which returns the
 * y under its last line); the last one, cut at a word, when none does. */
void uv_text_fit_alt(ui_ctx *u, text_font f, const char *const *alts, size_t n, int x, int y,
                     int w, SDL_Color c);
int uv_text_wrap_alt(ui_ctx *u, text_font f, const char *const *alts, size_t n, SDL_Rect r, int y,
                     SDL_Color c);
/* The unit hovered, else the one pinned; false when neither. */
bool uv_unit_on_canvas_view(const app_state *s, int *layer, int *unit);
/* A unit's activation for the drawing (known: the activations are current). */
float uv_unit_activation(const app_state *s, int layer, int unit, bool *known);

/* Each view, painted inside layout.view. */
void ui_view_hidden_draw(ui_ctx *u, const app_state *s);
void ui_view_weights_draw(ui_ctx *u, const app_state *s);
void ui_view_why_draw(ui_ctx *u, const app_state *s);
void ui_view_mistakes_draw(ui_ctx *u, const app_state *s);
void ui_view_neuron_draw(ui_ctx *u, const app_state *s);
void ui_view_network_draw(ui_ctx *u, const app_state *s);

#endif
