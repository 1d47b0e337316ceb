/* ui.h: drawing the window from its state. Only the ui_*.c files and app.c
 * touch the SDL renderer; they read app_state and never change it.
 *
 * The window is drawn panel by panel into pixels that persist between
 * frames: a render-target texture on a GPU, or, with SDL's software
 * renderer (chosen where OpenGL is itself emulated in software, as under
 * Xvfb), the window's own surface. What each panel shows is a small
 * struct made by a pure function (panels.h); a frame redraws only the
 * panels whose struct differs from the one last drawn, and the draw
 * functions paint from that struct (u->now).
 * On a GPU the texture is then copied to the screen; in software only the
 * changed rectangles are sent to the window. So a frame while training
 * redraws the curves and the progress, not the canvas, table and captions,
 * and an idle window draws nothing at all.
 *
 * Each panel has its own file: ui_canvas.c (the drawing, what the network
 * sees, the tool row), ui_predict.c (the answer, the bars, this drawing's
 * chart), ui_train.c (controls, progress, curves, layer table, log),
 * ui_views.c (the tabs and the views that look inside the network) and
 * ui.c (shared helpers, header, status line, the shortcut overlay). */
#ifndef DIGITPAD_APP_UI_H
#define DIGITPAD_APP_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "window.h"
#include "panels.h"
#include "text.h"
#include "theme.h"

/* The theme: a dark one, with one accent for "the answer" and one for
 * training. */
#define UI_BG ((SDL_Color){THEME_BG, 255})
#define UI_PANEL ((SDL_Color){THEME_PANEL, 255})
#define UI_PANEL_EDGE ((SDL_Color){THEME_PANEL_EDGE, 255})
#define UI_TRACK ((SDL_Color){THEME_TRACK, 255})
#define UI_TEXT ((SDL_Color){THEME_TEXT, 255})
#define UI_DIM ((SDL_Color){THEME_DIM, 255})
#define UI_FAINT ((SDL_Color){THEME_FAINT, 255})
#define UI_GRID ((SDL_Color){THEME_GRID, 255})
#define UI_ACCENT ((SDL_Color){THEME_ACCENT, 255})
#define UI_ACCENT_DIM ((SDL_Color){THEME_ACCENT_DIM, 255})
#define UI_TRAIN ((SDL_Color){THEME_TRAIN, 255})
#define UI_GOOD ((SDL_Color){THEME_GOOD, 255})
#define UI_BAD ((SDL_Color){THEME_BAD, 255})
#define UI_BUTTON ((SDL_Color){THEME_BUTTON, 255})
#define UI_BUTTON_HOVER ((SDL_Color){THEME_BUTTON_HOVER, 255})

#define UI_MAX_VERTS 65536
/* The weight tiles' and the gallery's texture: at most 256 pictures of
 * 28x28, 16 across. */
#define UI_TILE_COLS 16
#define UI_TILE_MAX 256
#define UI_MAX_COLUMNS 4096

/* The panels, each redrawn on its own. */
typedef enum ui_region {
    UI_R_HEADER,
    UI_R_STATUS,
    UI_R_BOARD,
    UI_R_TOOLS,
    UI_R_PARAMS,
    UI_R_PREVIEW,
    UI_R_GUESS,
    UI_R_BARS,
    UI_R_DIGIT,
    UI_R_CONTROLS,
    UI_R_PROGRESS,
    UI_R_LOSS,
    UI_R_ACC,
    UI_R_TABS,
    UI_R_VIEW,
    UI_R_TRAINBAR,
    UI_R_COUNT,
} ui_region;

/* What the loop measured, shown in the status line. */
typedef struct ui_frame_info {
    double fps;
    double frame_ms_p99;
} ui_frame_info;

typedef struct ui_ctx {
    SDL_Renderer *renderer;
    text_ctx *text;
    float scale;
    bool surface_mode;        // software renderer drawing into the window's surface
    SDL_Texture *frame;       // GPU: the window's panels, kept between frames (NULL: no targets)
    int frame_w, frame_h;
    SDL_Rect dirty[UI_R_COUNT + 1]; // surface mode: what the last ui_draw changed (+ my digits)
    int n_dirty;
    bool dirty_full;          // ... or everything
    ui_panels now;            // what the panels show in the frame being drawn
    ui_panels shown;          // ... and what they showed when last drawn
    app_layout shown_layout;
    bool all_dirty;
    bool help_drawn;          // the help overlay is on the screen
    SDL_Rect clip;            // the panel being drawn
    bool clipping;
    int redrawn;              // panels drawn in the last frame (for tests and profiling)
    bool profile;             // time each panel on stderr (DIGITPAD_PROFILE)
    ui_frame_info info;
    SDL_Texture *canvas_tex;  // 28x28, the drawing as drawn
    SDL_Texture *input_tex;   // 28x28, what the network gets
    uint64_t canvas_tex_version, input_tex_version;
    // The views' pictures, each re-made only when what it shows changed.
    SDL_Texture *tiles_tex;   // weight tiles of one page, UI_TILE_COLS across
    uint64_t tiles_key;
    SDL_Texture *unit_tex;    // 28x28: the hovered unit's incoming weights
    uint64_t unit_key;
    SDL_Texture *heat_tex;    // 28x28: the saliency map
    uint64_t heat_key;
    SDL_Texture *thumbs_tex;  // the gallery's page of test images
    uint64_t thumbs_key;
    SDL_Texture *neuron_tex;  // 3 x 28 by 28: the neuron view's input, weights, products
    uint64_t neuron_key;
    SDL_Texture *net_input_tex; // 28x28: the network view's input
    uint64_t net_input_key;
    int tiles_made;           // tile pages re-made (for tests and profiling)
    SDL_Vertex verts[UI_MAX_VERTS]; // scratch for lines and shapes
    int n_verts;
    SDL_FPoint pts[UI_MAX_COLUMNS];   // scratch for chart lines, one point per pixel column
    SDL_FPoint pts2[UI_MAX_COLUMNS];
    SDL_FRect rects[UI_MAX_COLUMNS];
    // The log panel's wrapped lines, recomputed when the log or width changes.
    char wrapped[48][REPORT_LOG_LINE];
    SDL_Color wrapped_color[48];
    size_t n_wrapped;
    uint64_t wrapped_version;
    int wrapped_width;
    // issue 11's controls (ui_controls.c)
    SDL_Texture *step_tex;    // the single step's images, 8 x 4 of 28x28
    uint64_t step_key;
    bool overlays_drawn;      // the step card, settings or a question is on the screen
    // Issue 13's "my digits" panel (ui_samples.c), drawn over the tabs and view.
    SDL_Texture *samples_tex; // its thumbnails and the distorted digits' strip
    uint64_t samples_tex_key;
    uint64_t samples_shown;   // ui_samples_key of what is on the screen
    bool samples_drawn;       // the panel is on the screen
} ui_ctx;

/* surface_mode: the renderer is SDL's software renderer on the window's
 * surface, which keeps its pixels from frame to frame. */
bool ui_init(ui_ctx *u, SDL_Renderer *renderer, text_ctx *text, bool surface_mode);
void ui_destroy(ui_ctx *u);

/* Brings the back buffer up to date with state s by redrawing the panels
 * that changed. With force, redraws everything. Returns false when nothing
 * changed (then there is nothing to present); otherwise ui_present shows it. */
bool ui_draw(ui_ctx *u, const app_state *s, const ui_frame_info *info, bool force);

/* Shows what ui_draw drew: SDL_RenderPresent, or in surface mode only the
 * changed rectangles of the window. */
void ui_present(ui_ctx *u, SDL_Window *window);

/* Forgets what is on the screen (after SDL loses render targets). */
void ui_invalidate(ui_ctx *u);

/* Keys of the views' textures (re-made when their key changes): FNV-1a
 * over the bytes of what a picture shows. */
#define UI_SIG_INIT 1469598103934665603ull
uint64_t ui_sig(uint64_t h, const void *data, size_t n);
#define UI_SIG(h, v) ((h) = ui_sig((h), &(v), sizeof(v)))

/* Clipping inside the current panel: clip to r intersected with the panel;
 * unclip returns to the panel's own rectangle. */
void ui_clip(ui_ctx *u, SDL_Rect r);
void ui_unclip(ui_ctx *u);


/* Shared helpers (ui.c). */
SDL_Rect ui_rect(app_rect r);
int ui_px(const ui_ctx *u, float v);
void ui_fill(ui_ctx *u, SDL_Rect r, SDL_Color c);
void ui_fill_round(ui_ctx *u, SDL_Rect r, float radius, SDL_Color c);
void ui_panel(ui_ctx *u, SDL_Rect r);
/* A panel's caption in its top-left corner; returns the rect below it. */
SDL_Rect ui_caption(ui_ctx *u, SDL_Rect panel, const char *caption, const char *right);
/* A button; label may hold a shorter alternative after '|' ("Normalise: on|Norm: on"). */
void ui_button(ui_ctx *u, const app_state *s, layout_button b, const char *label, bool active,
               bool enabled);
/* Queues a line of width w (in pixels) into the vertex buffer; flush draws them. */
void ui_line(ui_ctx *u, float x0, float y0, float x1, float y1, float w, SDL_Color c);
void ui_dot(ui_ctx *u, float x, float y, float radius, SDL_Color c);
/* A polyline of n points, about width pixels thick (drawn as offset
 * 1-pixel lines: cheap in software for charts of hundreds of points). */
void ui_polyline(ui_ctx *u, const SDL_FPoint *pts, int n, float width, SDL_Color c);
void ui_flush(ui_ctx *u);
SDL_Color ui_alpha(SDL_Color c, Uint8 a);

/* A chart's axes: data ranges mapped into a plot rectangle. */
typedef struct ui_chart {
    SDL_Rect plot;
    float x0, x1, y0, y1;
} ui_chart;
/* Draws the frame, grid lines and tick labels of a chart inside area;
 * y_percent labels the y axis in percent. With x_log, x values are log10
 * of the quantity and the ticks are its powers of ten (1, 10, 100, 1k). */
ui_chart ui_chart_axes(ui_ctx *u, SDL_Rect area, float x0, float x1, float y0, float y1,
                       bool y_percent, const char *x_label);
ui_chart ui_chart_axes_log_x(ui_ctx *u, SDL_Rect area, float x0, float x1, float y0, float y1,
                             bool y_percent, const char *x_label);
float ui_chart_x(const ui_chart *c, float x);
float ui_chart_y(const ui_chart *c, float y);

/* Each panel's drawing (inside its layout rect), from u->now and s. */
void ui_draw_board(ui_ctx *u, const app_state *s);
void ui_draw_tools(ui_ctx *u, const app_state *s);
void ui_draw_preview(ui_ctx *u, const app_state *s);

void ui_draw_guess(ui_ctx *u, const app_state *s);
void ui_draw_bars(ui_ctx *u, const app_state *s);
void ui_draw_digit(ui_ctx *u, const app_state *s);

void ui_draw_controls(ui_ctx *u, const app_state *s);
void ui_draw_progress(ui_ctx *u, const app_state *s);
void ui_draw_loss(ui_ctx *u, const app_state *s);
void ui_draw_accuracy(ui_ctx *u, const app_state *s);
void ui_draw_params(ui_ctx *u, const app_state *s);
/* The log's lines inside r (the log view). */
void ui_draw_log(ui_ctx *u, const app_state *s, SDL_Rect r);

void ui_draw_tabs(ui_ctx *u, const app_state *s);
void ui_draw_trainbar(ui_ctx *u, const app_state *s);
/* The controls' overlays (step card, settings, question), over the panels. */
bool ui_controls_overlay_visible(const ui_panels *p);
void ui_draw_controls_overlays(ui_ctx *u, const app_state *s);
void ui_controls_destroy(ui_ctx *u);
void ui_draw_view(ui_ctx *u, const app_state *s);
/* The scores (ui_scores.c): softmax worked out in the chart's place, this
 * drawing's loss across the loss chart, where the accuracy starts, the
 * hovered input pixel in img with its figures in side (false: none
 * hovered). The lesson's card and outline, over everything (ui_lesson.c). */
void ui_scores_draw_worked(ui_ctx *u, const app_state *s);
void ui_scores_draw_loss(ui_ctx *u, const app_state *s, const ui_chart *c);
/* ... or, before there is a curve, as a line of text at the foot of in. */
void ui_scores_draw_loss_text(ui_ctx *u, const app_state *s, SDL_Rect in);
void ui_scores_draw_chance(ui_ctx *u, const app_state *s, const ui_chart *c);
void ui_scores_draw_chance_text(ui_ctx *u, const app_state *s, SDL_Rect in);
bool ui_scores_draw_pixel(ui_ctx *u, const app_state *s, SDL_Rect img, SDL_Rect side);
void ui_lesson_draw(ui_ctx *u, const app_state *s);
/* The "my digits" panel (ui_samples.c): what it shows, as a key that
 * changes when it should be drawn again; where it is; painting it; its
 * texture freed. */
uint64_t ui_samples_key(const app_state *s);
app_rect ui_samples_rect(const app_state *s);
void ui_draw_samples(ui_ctx *u, const app_state *s);
void ui_samples_destroy(ui_ctx *u);

/* Creates the views' textures (false when out of memory); frees them. */
bool ui_views_init(ui_ctx *u);
void ui_views_destroy(ui_ctx *u);

#endif
