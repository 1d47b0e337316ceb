/* ui_canvas.c: the drawing as drawn, its tool row, and what the network
 * receives (ui.h). */
#include "ui.h"

#include <math.h>
#include <stdio.h>

/* Copies a 28x28 image of [0, 1] values into a streaming texture, as white
 * ink on black. */
static void upload(SDL_Texture *tex, const float *img)
{
    void *pixels;
    int pitch;
    if (SDL_LockTexture(tex, NULL, &pixels, &pitch) != 0)
        return;
    for (int i = 0; i < CANVAS_N; i++) {
        Uint32 *row = (Uint32 *)((Uint8 *)pixels + (size_t)i * (size_t)pitch);
        for (int j = 0; j < CANVAS_N; j++) {
            float v = img[i * CANVAS_N + j];
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            Uint32 g = (Uint32)lroundf(v * 255.0f);
            Uint32 b = (Uint32)lroundf(v * 255.0f + (1.0f - v) * 8.0f);
            row[j] = 0xff000000u | (g << 16) | (g << 8) | b;
        }
    }
    SDL_UnlockTexture(tex);
}

static void ring(ui_ctx *u, float cx, float cy, float r, SDL_Color c)
{
    const int n = 32;
    float w = fmaxf(1.0f, (float)ui_px(u, 1.2f));
    for (int i = 0; i < n; i++) {
        float a0 = (float)i * 6.2831853f / (float)n, a1 = (float)(i + 1) * 6.2831853f / (float)n;
        ui_line(u, cx + r * cosf(a0), cy + r * sinf(a0), cx + r * cosf(a1), cy + r * sinf(a1), w, c);
    }
}

static void draw_cursor(ui_ctx *u, const app_state *s)
{
    if (!rect_contains(s->layout.canvas, s->mouse_x, s->mouse_y) || s->help_visible)
        return;
    float cell = (float)s->layout.canvas.w / (float)CANVAS_N;
    bool erase = s->erase_mode;
    float rad = (erase ? s->canvas.erase_radius : s->canvas.pen_radius) * cell;
    ring(u, s->mouse_x, s->mouse_y, rad, erase ? ui_alpha(UI_BAD, 200) : ui_alpha(UI_ACCENT, 170));
    ui_flush(u);
}

void ui_draw_board(ui_ctx *u, const app_state *s)
{
    SDL_Rect outer = ui_rect(s->layout.canvas);
    int e = ui_px(u, 1) > 0 ? ui_px(u, 1) : 1;
    ui_fill(u, outer, s->drawing ? UI_ACCENT_DIM : UI_PANEL_EDGE);
    SDL_Rect r = {outer.x + e, outer.y + e, outer.w - 2 * e, outer.h - 2 * e};
    if (u->canvas_tex_version != s->score.scored_canvas) {
        upload(u->canvas_tex, s->score.raw);
        u->canvas_tex_version = s->score.scored_canvas;
    }
    SDL_RenderCopy(u->renderer, u->canvas_tex, NULL, &r);

    // The grid, faint, and MNIST's 20x20 box, fainter still.
    float cell = (float)r.w / (float)CANVAS_N;
    SDL_Color grid = {255, 255, 255, cell >= 8 ? 14 : 8};
    for (int i = 1; i < CANVAS_N; i++) {
        int off = (int)lroundf((float)i * cell);
        ui_fill(u, (SDL_Rect){r.x + off, r.y, 1, r.h}, grid);
        ui_fill(u, (SDL_Rect){r.x, r.y + off, r.w, 1}, grid);
    }
    int b0 = (int)lroundf(4 * cell), b1 = (int)lroundf(24 * cell);
    SDL_SetRenderDrawColor(u->renderer, 92, 170, 255, 40);
    SDL_RenderDrawRect(u->renderer, &(SDL_Rect){r.x + b0, r.y + b0, b1 - b0, b1 - b0});

    const panel_board *p = &u->now.board;
    if (p->badge[0]) {
        // A test image on the canvas: which one, and its true label.
        const char *buf = p->badge;
        int tw, th;
        text_size(u->text, FONT_SMALL, buf, &tw, &th);
        SDL_Rect badge = {r.x + ui_px(u, 8), r.y + ui_px(u, 8), tw + ui_px(u, 16), th + ui_px(u, 8)};
        ui_fill_round(u, badge, (float)ui_px(u, 5), (SDL_Color){25, 28, 35, 220});
        text_draw_in(u->text, FONT_SMALL, buf, badge, UI_GOOD, TEXT_CENTER);
    }
    if (canvas_is_empty(&s->canvas)) {
        int th = text_height(u->text, FONT_BODY);
        text_draw(u->text, FONT_BODY, "Draw a digit here", r.x + r.w / 2, r.y + r.h / 2 - th,
                  UI_FAINT, TEXT_CENTER);
        text_draw(u->text, FONT_SMALL, "left button draws, right button erases", r.x + r.w / 2,
                  r.y + r.h / 2 + ui_px(u, 4), ui_alpha(UI_FAINT, 200), TEXT_CENTER);
    }
    draw_cursor(u, s);
}


void ui_draw_tools(ui_ctx *u, const app_state *s)
{
    const panel_tools *p = &u->now.tools;
    bool empty = p->empty;
    ui_button(u, s, BTN_CLEAR, "Clear", false, !empty);
    ui_button(u, s, BTN_UNDO, "Undo", false, !empty);
    ui_button(u, s, BTN_ERASE, "Eraser", p->erase, true);
    bool mnist = p->mnist;
    ui_button(u, s, BTN_PREPROCESS, mnist ? "Normalise: on|Norm: on" : "Normalise: off|Norm: off", mnist, true);
}

void ui_draw_preview(ui_ctx *u, const app_state *s)
{
    SDL_Rect p = ui_rect(s->layout.preview);
    bool mnist = s->model.meta.preprocess == MODEL_PREPROCESS_MNIST;
    text_draw(u->text, FONT_CAPTION, "NETWORK INPUT", p.x, p.y, UI_DIM, TEXT_LEFT);
    SDL_Rect img = ui_rect(scores_preview_image(&s->layout)); // where a hover finds a pixel
    int top = img.y, side = img.w;
    int e = ui_px(u, 1) > 0 ? ui_px(u, 1) : 1;
    ui_fill(u, (SDL_Rect){img.x - e, img.y - e, img.w + 2 * e, img.h + 2 * e}, UI_PANEL_EDGE);
    if (u->input_tex_version != s->score.input_version) {
        upload(u->input_tex, s->score.image);
        u->input_tex_version = s->score.input_version;
    }
    SDL_RenderCopy(u->renderer, u->input_tex, NULL, &img);
    // Beside it: what the numbers are.
    int x = img.x + img.w + ui_px(u, 12);
    int w = p.x + p.w - x;
    if (ui_scores_draw_pixel(u, s, img, (SDL_Rect){x, top, w > ui_px(u, 60) ? w : 0, side}))
        return;
    if (w > ui_px(u, 60)) {
        int y = top;
        int lh = text_height(u->text, FONT_SMALL) + ui_px(u, 2);
        ui_clip(u, (SDL_Rect){x, p.y, w, p.h});
        bool bitmap = s->canvas.has_bitmap;
        text_draw(u->text, FONT_BOLD, bitmap ? "test image" : mnist ? "normalised" : "raw", x, y,
                  bitmap ? UI_GOOD : mnist ? UI_ACCENT : UI_TRAIN, TEXT_LEFT);
        y += lh + ui_px(u, 4);
        static const char *const norm[] = {"ink scaled", "into 20×20,", "centre of", "mass centred"};
        static const char *const norm_short[] = {"20×20 box,", "centred"};
        static const char *const raw[] = {"the canvas", "as drawn;", "P normalises"};
        static const char *const raw_short[] = {"as drawn"};
        int bottom = top + side - lh + ui_px(u, 2); // where "784 inputs" goes
        int room = (bottom - y) / lh;
        static const char *const test[] = {"from MNIST,", "given as it", "is; C clears"};
        static const char *const test_short[] = {"as it is"};
        const char *const *lines = bitmap ? test : mnist ? norm : raw;
        int n = bitmap ? 3 : mnist ? 4 : 3;
        if (n > room) {
            lines = bitmap ? test_short : mnist ? norm_short : raw_short;
            n = bitmap ? 1 : mnist ? 2 : 1;
        }
        for (int i = 0; i < n && i < room; i++)
            text_draw(u->text, FONT_SMALL, lines[i], x, y + i * lh, UI_FAINT, TEXT_LEFT);
        text_draw(u->text, FONT_SMALL, "784 inputs", x, bottom, UI_DIM, TEXT_LEFT);
        ui_unclip(u);
    }
}
