/* ui.c: shared drawing helpers, the header, the status line, the shortcut
 * overlay, and ui_draw which puts the panels together (ui.h). */
#include "ui.h"
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool ui_init(ui_ctx *u, SDL_Renderer *renderer, text_ctx *text, bool surface_mode)
{
    memset(u, 0, sizeof *u);
    u->renderer = renderer;
    u->surface_mode = surface_mode;
    u->text = text;
    u->scale = 1.0f;
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    u->canvas_tex = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888,
                                      SDL_TEXTUREACCESS_STREAMING, CANVAS_N, CANVAS_N);
    u->input_tex = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888,
                                     SDL_TEXTUREACCESS_STREAMING, CANVAS_N, CANVAS_N);
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (!u->canvas_tex || !u->input_tex || !ui_views_init(u)) {
        ui_destroy(u);
        return false;
    }
    SDL_SetTextureScaleMode(u->canvas_tex, SDL_ScaleModeNearest);
    SDL_SetTextureScaleMode(u->input_tex, SDL_ScaleModeNearest);
    u->canvas_tex_version = u->input_tex_version = UINT64_MAX;
    u->wrapped_version = UINT64_MAX;
    u->all_dirty = true;
    return true;
}

void ui_destroy(ui_ctx *u)
{
    if (u->frame)
        SDL_DestroyTexture(u->frame);
    u->frame = NULL;
    if (u->canvas_tex)
        SDL_DestroyTexture(u->canvas_tex);
    if (u->input_tex)
        SDL_DestroyTexture(u->input_tex);
    u->canvas_tex = u->input_tex = NULL;
    ui_views_destroy(u);
    ui_controls_destroy(u);
    ui_samples_destroy(u);
}

/* ---- helpers ---------------------------------------------------------- */

uint64_t ui_sig(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

void ui_clip(ui_ctx *u, SDL_Rect r)
{
    ui_flush(u);
    SDL_Rect out = r;
    if (u->clipping && !SDL_IntersectRect(&u->clip, &r, &out))
        out = (SDL_Rect){u->clip.x, u->clip.y, 0, 0};
    SDL_RenderSetClipRect(u->renderer, &out);
}

void ui_unclip(ui_ctx *u)
{
    ui_flush(u);
    SDL_RenderSetClipRect(u->renderer, u->clipping ? &u->clip : NULL);
}

SDL_Rect ui_rect(app_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

int ui_px(const ui_ctx *u, float v)
{
    return (int)lroundf(v * u->scale);
}

SDL_Color ui_alpha(SDL_Color c, Uint8 a)
{
    c.a = a;
    return c;
}

void ui_fill(ui_ctx *u, SDL_Rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(u->renderer, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(u->renderer, &r);
}

static void push_vert(ui_ctx *u, float x, float y, SDL_Color c)
{
    if (u->n_verts >= UI_MAX_VERTS)
        ui_flush(u);
    u->verts[u->n_verts++] = (SDL_Vertex){{x, y}, c, {0, 0}};
}

static void push_tri(ui_ctx *u, float x0, float y0, float x1, float y1, float x2, float y2,
                     SDL_Color c)
{
    if (u->n_verts + 3 > UI_MAX_VERTS)
        ui_flush(u);
    push_vert(u, x0, y0, c);
    push_vert(u, x1, y1, c);
    push_vert(u, x2, y2, c);
}

void ui_flush(ui_ctx *u)
{
    if (u->n_verts)
        SDL_RenderGeometry(u->renderer, NULL, u->verts, u->n_verts, NULL, 0);
    u->n_verts = 0;
}

void ui_line(ui_ctx *u, float x0, float y0, float x1, float y1, float w, SDL_Color c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-4f) {
        dx = 1;
        dy = 0;
        len = 1;
    }
    float nx = -dy / len * w * 0.5f, ny = dx / len * w * 0.5f;
    push_tri(u, x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, c);
    push_tri(u, x0 + nx, y0 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny, c);
}

void ui_dot(ui_ctx *u, float x, float y, float radius, SDL_Color c)
{
    const int n = 12;
    for (int i = 0; i < n; i++) {
        float a0 = (float)i * 6.2831853f / (float)n, a1 = (float)(i + 1) * 6.2831853f / (float)n;
        push_tri(u, x, y, x + radius * cosf(a0), y + radius * sinf(a0), x + radius * cosf(a1),
                 y + radius * sinf(a1), c);
    }
}

void ui_polyline(ui_ctx *u, const SDL_FPoint *pts, int n, float width, SDL_Color c)
{
    if (n < 2)
        return;
    ui_flush(u);
    SDL_SetRenderDrawColor(u->renderer, c.r, c.g, c.b, c.a);
    int passes = width < 1.5f ? 1 : width < 2.5f ? 2 : 3;
    static const float offset[3] = {0.0f, 1.0f, -1.0f};
    for (int p = 0; p < passes; p++) {
        if (offset[p] != 0.0f) {
            for (int i = 0; i < n; i++)
                u->pts2[i] = (SDL_FPoint){pts[i].x, pts[i].y + offset[p]};
            SDL_RenderDrawLinesF(u->renderer, u->pts2, n);
        } else {
            SDL_RenderDrawLinesF(u->renderer, pts, n);
        }
    }
}

void ui_fill_round(ui_ctx *u, SDL_Rect r, float radius, SDL_Color c)
{
    float rad = fminf(radius, fminf((float)r.w, (float)r.h) * 0.5f);
    if (rad < 1.0f) {
        ui_fill(u, r, c);
        return;
    }
    ui_flush(u);
    /* The middle band and the two side bands as rectangles (SDL's software
     * renderer fills those several times faster than triangles, and panels
     * are most of the window), the corners as triangle fans. */
    rad = floorf(rad);
    int ir = (int)rad;
    float x0 = (float)r.x, y0 = (float)r.y, x1 = (float)(r.x + r.w), y1 = (float)(r.y + r.h);
    SDL_SetRenderDrawColor(u->renderer, c.r, c.g, c.b, c.a);
    SDL_Rect bands[3] = {{r.x + ir, r.y, r.w - 2 * ir, r.h},
                         {r.x, r.y + ir, ir, r.h - 2 * ir},
                         {r.x + r.w - ir, r.y + ir, ir, r.h - 2 * ir}};
    SDL_RenderFillRects(u->renderer, bands, 3);
    // Corners.
    const float cx[4] = {x0 + rad, x1 - rad, x1 - rad, x0 + rad};
    const float cy[4] = {y0 + rad, y0 + rad, y1 - rad, y1 - rad};
    const float start[4] = {3.14159265f, 4.71238898f, 0.0f, 1.57079633f};
    const int seg = 6;
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < seg; i++) {
            float a0 = start[k] + (float)i * 1.57079633f / (float)seg;
            float a1 = start[k] + (float)(i + 1) * 1.57079633f / (float)seg;
            push_tri(u, cx[k], cy[k], cx[k] + rad * cosf(a0), cy[k] + rad * sinf(a0),
                     cx[k] + rad * cosf(a1), cy[k] + rad * sinf(a1), c);
        }
    }
    ui_flush(u);
}

void ui_panel(ui_ctx *u, SDL_Rect r)
{
    float rad = (float)ui_px(u, 8);
    ui_fill_round(u, r, rad, UI_PANEL_EDGE);
    int e = ui_px(u, 1) > 0 ? ui_px(u, 1) : 1;
    ui_fill_round(u, (SDL_Rect){r.x + e, r.y + e, r.w - 2 * e, r.h - 2 * e}, rad - (float)e,
                  UI_PANEL);
}

SDL_Rect ui_caption(ui_ctx *u, SDL_Rect panel, const char *caption, const char *right)
{
    int inset = ui_px(u, 12);
    int top = ui_px(u, 9);
    text_draw(u->text, FONT_CAPTION, caption, panel.x + inset, panel.y + top, UI_DIM, TEXT_LEFT);
    if (right && right[0])
        text_draw(u->text, FONT_SMALL, right, panel.x + panel.w - inset, panel.y + top - ui_px(u, 1),
                  UI_FAINT, TEXT_RIGHT);
    int h = top + text_height(u->text, FONT_CAPTION) + ui_px(u, 6);
    return (SDL_Rect){panel.x + inset, panel.y + h, panel.w - 2 * inset, panel.h - h - ui_px(u, 10)};
}

void ui_button(ui_ctx *u, const app_state *s, layout_button b, const char *label, bool active,
               bool enabled)
{
    SDL_Rect r = ui_rect(s->layout.buttons[b]);
    if (r.w <= 0)
        return;
    bool hover = s->hover == b && enabled;
    SDL_Color bg = active ? UI_ACCENT_DIM : hover ? UI_BUTTON_HOVER : UI_BUTTON;
    ui_fill_round(u, r, (float)ui_px(u, 6), bg);
    SDL_Color fg = !enabled ? UI_FAINT : active ? UI_TEXT : hover ? UI_TEXT : (SDL_Color){210, 214, 224, 255};
    /* "Long label|Short": the short one where the long one does not fit. */
    char text[128];
    snprintf(text, sizeof text, "%s", label);
    char *bar = strchr(text, '|');
    if (bar) {
        *bar = '\0';
        int w;
        text_size(u->text, FONT_BOLD, text, &w, NULL);
        if (w > r.w - ui_px(u, 12))
            memmove(text, bar + 1, strlen(bar + 1) + 1);
    }
    ui_clip(u, r);
    text_draw_in(u->text, FONT_BOLD, text, r, fg, TEXT_CENTER);
    ui_unclip(u);
}

/* ---- charts ----------------------------------------------------------- */

static float nice_step(float range, int target)
{
    float raw = range / (float)target;
    float mag = powf(10.0f, floorf(log10f(raw)));
    float f = raw / mag;
    float step = f < 1.5f ? 1.0f : f < 3.0f ? 2.0f : f < 7.0f ? 5.0f : 10.0f;
    return step * mag;
}

static void format_tick(char *out, size_t len, float v, float step, bool percent)
{
    if (fabsf(v) < step * 1e-3f)
        v = 0.0f; // no "-0"
    if (percent) {
        snprintf(out, len, "%.0f%%", (double)(v * 100.0f));
        return;
    }
    int dec = step >= 1.0f ? 0 : step >= 0.1f ? 1 : step >= 0.01f ? 2 : 3;
    snprintf(out, len, "%.*f", dec, (double)v);
}

/* A nice step for range, at most `most` of them, whose ticks lie at least
 * min_px apart on an axis len pixels long (fewer ticks on a small chart,
 * so that their labels do not run into each other). */
static float roomy_step(float range, int most, int len, float min_px)
{
    float step = nice_step(range, most);
    for (int t = most - 1; t >= 1 && (float)len * step / range < min_px; t--)
        step = nice_step(range, t);
    if (step > range * 1.001f) { // one tick only: the largest nice value inside, if it has room
        float mag = powf(10.0f, floorf(log10f(range)));
        float f = range / mag;
        float inside = (f >= 5.0f ? 5.0f : f >= 2.0f ? 2.0f : 1.0f) * mag;
        if ((float)len * inside / range >= 0.8f * min_px) // two labels need less room than many
            step = inside;
    }
    return step;
}

float ui_chart_x(const ui_chart *c, float x)
{
    float span = c->x1 - c->x0;
    return (float)c->plot.x + (x - c->x0) / (span > 0 ? span : 1.0f) * (float)c->plot.w;
}

float ui_chart_y(const ui_chart *c, float y)
{
    float span = c->y1 - c->y0;
    return (float)(c->plot.y + c->plot.h) - (y - c->y0) / (span > 0 ? span : 1.0f) * (float)c->plot.h;
}

static ui_chart chart_axes(ui_ctx *u, SDL_Rect area, float x0, float x1, float y0, float y1,
                           bool y_percent, const char *x_label, bool x_log)
{
    ui_chart c = {{0, 0, 0, 0}, x0, x1, y0, y1};
    int label_w = ui_px(u, y_percent ? 36 : 32);
    if (x_label) { // the x axis's name sits under the y labels
        int xw;
        text_size(u->text, FONT_SMALL, x_label, &xw, NULL);
        if (label_w < xw + ui_px(u, 12))
            label_w = xw + ui_px(u, 12);
    }
    int label_h = text_height(u->text, FONT_SMALL);
    c.plot = (SDL_Rect){area.x + label_w, area.y + label_h / 2, area.w - label_w - ui_px(u, 4),
                        area.h - label_h / 2 - label_h - ui_px(u, 4)};
    if (c.plot.w < 10 || c.plot.h < 10)
        return c;
    ui_fill(u, c.plot, (SDL_Color){20, 23, 29, 255});
    char buf[32];
    // Horizontal grid lines with y labels.
    float ys = roomy_step(y1 - y0, c.plot.h > ui_px(u, 120) ? 5 : 3, c.plot.h,
                          (float)label_h * 1.25f);
    for (float v = ceilf(y0 / ys - 1e-4f) * ys; v <= y1 + ys * 1e-3f; v += ys) {
        float py = floorf(ui_chart_y(&c, v));
        ui_fill(u, (SDL_Rect){c.plot.x, (int)py, c.plot.w, 1}, UI_GRID);
        format_tick(buf, sizeof buf, v, ys, y_percent);
        text_draw(u->text, FONT_SMALL, buf, c.plot.x - ui_px(u, 5), (int)py - label_h / 2, UI_FAINT,
                  TEXT_RIGHT);
    }
    // Vertical grid lines with x labels.
    int most = c.plot.w > ui_px(u, 300) ? 6 : 4;
    float xs = 1.0f;
    for (int t = most; t >= 1; t--) {
        xs = nice_step(x1 - x0, t);
        if (xs < 1.0f && (x1 - x0 >= 1.0f || x_log))
            xs = 1.0f; // whole epochs (or powers of ten)
        // The widest label (the last one, or "100k" on the log axis) and a gap.
        int lw = 0;
        if (x_log)
            snprintf(buf, sizeof buf, "100k");
        else
            format_tick(buf, sizeof buf, x1, xs, false);
        text_size(u->text, FONT_SMALL, buf, &lw, NULL);
        if ((float)c.plot.w * xs / (x1 - x0 > 0 ? x1 - x0 : 1.0f) >= (float)(lw + ui_px(u, 8)))
            break;
    }
    int first_left = c.plot.x; // where the first x label starts
    bool first = true;
    for (float v = ceilf(x0 / xs - 1e-4f) * xs; v <= x1 + xs * 1e-3f; v += xs) {
        float px = floorf(ui_chart_x(&c, v));
        ui_fill(u, (SDL_Rect){(int)px, c.plot.y, 1, c.plot.h}, UI_GRID);
        if (x_log) {
            static const char *const pow10[] = {"1", "10", "100", "1k", "10k", "100k", "1M", "10M"};
            int k = (int)lroundf(v);
            snprintf(buf, sizeof buf, "%s", k >= 0 && k < 8 ? pow10[k] : "");
        } else {
            format_tick(buf, sizeof buf, v, xs, false);
        }
        int w = text_draw(u->text, FONT_SMALL, buf, (int)px, c.plot.y + c.plot.h + ui_px(u, 3),
                          UI_FAINT, TEXT_CENTER);
        if (first && (int)px - w / 2 < first_left)
            first_left = (int)px - w / 2;
        first = false;
    }
    if (x_label) // under the y labels, where there is room
        text_draw(u->text, FONT_SMALL, x_label, first_left - ui_px(u, 6),
                  c.plot.y + c.plot.h + ui_px(u, 3), UI_FAINT, TEXT_RIGHT);
    return c;
}

ui_chart ui_chart_axes(ui_ctx *u, SDL_Rect area, float x0, float x1, float y0, float y1,
                       bool y_percent, const char *x_label)
{
    return chart_axes(u, area, x0, x1, y0, y1, y_percent, x_label, false);
}

ui_chart ui_chart_axes_log_x(ui_ctx *u, SDL_Rect area, float x0, float x1, float y0, float y1,
                             bool y_percent, const char *x_label)
{
    return chart_axes(u, area, x0, x1, y0, y1, y_percent, x_label, true);
}

/* ---- header, status, overlay ------------------------------------------ */

static void draw_header(ui_ctx *u, const app_state *s)
{
    const app_layout *l = &s->layout;
    SDL_Rect h = ui_rect(l->header);
    ui_fill(u, h, (SDL_Color){21, 24, 30, 255});
    ui_fill(u, (SDL_Rect){h.x, h.y + h.h - 1, h.w, 1}, UI_PANEL_EDGE);
    int x = l->pad;
    int tw = text_draw_in(u->text, FONT_TITLE, "digitpad", (SDL_Rect){x, h.y, h.w, h.h}, UI_TEXT,
                          TEXT_LEFT);
    x += tw + ui_px(u, 14);
    const panel_header *p = &u->now.header;
    ui_button(u, s, BTN_HELP, "?", p->help_on, true);
    SDL_Rect hb = ui_rect(l->buttons[BTN_HELP]);
    int sw = text_draw_in(u->text, FONT_SMALL, "shortcuts",
                          (SDL_Rect){hb.x - ui_px(u, 8), h.y, 0, h.h}, UI_FAINT, TEXT_RIGHT);
    /* The model's name gives way, cut in its middle, to its shape, the
     * unsaved mark and the shortcuts label: a long file name ran under
     * "shortcuts" and the ? button. */
    int room = hb.x - ui_px(u, 8) - sw - ui_px(u, 16) - x;
    char shape[160], name[512];
    snprintf(shape, sizeof shape, "  ·  %s", p->shape);
    const char *unsaved = "·  unsaved (Ctrl+S)";
    int shape_w, unsaved_w = 0;
    text_size(u->text, FONT_BODY, shape, &shape_w, NULL);
    if (p->unsaved) {
        text_size(u->text, FONT_BODY, unsaved, &unsaved_w, NULL);
        unsaved_w += ui_px(u, 10);
    }
    int nw = uv_text_cut(u, FONT_BODY, p->model, room - shape_w - unsaved_w, TEXT_CUT_MIDDLE, name,
                         sizeof name);
    SDL_Rect line = {x, h.y + ui_px(u, 1), h.w, h.h};
    if (nw > 0)
        text_draw_in(u->text, FONT_BODY, name, line, UI_DIM, TEXT_LEFT);
    if (nw + shape_w <= room) {
        line.x += nw;
        line.x += text_draw_in(u->text, FONT_BODY, nw > 0 ? shape : p->shape, line, UI_DIM,
                               TEXT_LEFT);
    }
    // Training that a save has not kept yet, as editors mark an unsaved file.
    if (p->unsaved && line.x - x + unsaved_w <= room) {
        line.x += ui_px(u, 10);
        text_draw_in(u->text, FONT_BODY, unsaved, line, UI_TRAIN, TEXT_LEFT);
    }
}

static void draw_status(ui_ctx *u, const app_state *s)
{
    const panel_status *p = &u->now.status;
    SDL_Rect r = ui_rect(s->layout.status);
    ui_fill(u, r, p->error ? (SDL_Color){58, 24, 30, 255} : (SDL_Color){21, 24, 30, 255});
    ui_fill(u, (SDL_Rect){r.x, r.y, r.w, 1}, p->error ? ui_alpha(UI_BAD, 160) : UI_PANEL_EDGE);
    int pad = s->layout.pad;
    int rw = 0;
    if (p->right[0])
        rw = text_draw_in(u->text, FONT_SMALL, p->right, (SDL_Rect){r.x + r.w - pad, r.y, 0, r.h},
                          UI_FAINT, TEXT_RIGHT);
    SDL_Rect left = {r.x + pad, r.y, r.w - 2 * pad - rw - ui_px(u, 16), r.h};
    ui_clip(u, left);
    if (p->error) {
        int w = text_draw_in(u->text, FONT_BOLD, "!", left, UI_BAD, TEXT_LEFT);
        left.x += w + ui_px(u, 8);
        left.w -= w + ui_px(u, 8);
    }
    // Too long (a long file name in it): cut with an ellipsis, not mid-letter at the edge.
    char cut[sizeof p->text];
    uv_text_cut(u, FONT_BODY, p->text, left.w, TEXT_CUT_END, cut, sizeof cut);
    text_draw_in(u->text, FONT_BODY, cut, left, p->error ? (SDL_Color){255, 196, 196, 255} : UI_DIM,
                 TEXT_LEFT);
    ui_unclip(u);
}

static void draw_help(ui_ctx *u, const app_state *s)
{
    static const char *const keys[][2] = {
        {"Left mouse", "draw"},
        {"Right mouse", "erase"},
        {"E", "eraser on / off for the left button"},
        {"C  or  Backspace", "clear the canvas"},
        {"Ctrl+Z", "undo a stroke, Clear or Reset"},
        {"P", "input: MNIST-normalised / raw"},
        {"T", "a random test digit and its label"},
        {"Space", "train / pause / resume"},
        {"[  /  ]", "train slower / faster (1 to full)"},
        {".", "one step: train one batch, show it"},
        {"S", "settings: lr, batch, epochs, layers"},
        {"R", "reset to fresh random weights"},
        {"Ctrl+Shift+S", "save under a new name"},
        {"Ctrl+O", "open: saved, bundled, recent models"},
        {"Ctrl+S", "save the model"},
        {"Drop a model file", "load it (.json .keras .h5 .onnx)"},
        {"F12", "screenshot (PNG)"},
        {"L", "the lesson: the article step by step"},
        {"?  or  F1", "this help (Esc closes)"},
        {"Ctrl+Q", "quit"},
        {"Ctrl+0 … Ctrl+9", "keep the drawing as that digit"},
        {"M", "my digits: counts, browse, delete"},
        {"F", "fine-tune on my digits (+ MNIST)"},
        {"A", "train on distorted digits on / off"},
        {"D", "next dataset (MNIST, Fashion, ...)"},
    };
    static const char *const views[][2] = {
        {"1", "hidden layer: units lit by the drawing"},
        {"2", "weights: first layer as 28×28 tiles"},
        {"3", "why: pixels that pushed the answer"},
        {"G", "why: gradient × input / plain gradient"},
        {"4", "mistakes: confusion on the test set"},
        {"5", "the training log"},
        {"6  /  7", "one neuron's sum / the network"},
        {"← → ↑ ↓", "in view 6: another unit / layer"},
        {"Tab  /  Shift+Tab", "next / previous view"},
        {"Click a tab", "that view"},
        {"Click a bar", "why that class (in view 3)"},
        {"Right-click a bar", "its loss (also Shift+digit)"},
        {"Click the answer", "softmax worked out"},
        {"Click a unit or tile", "pin it in views 1, 2 (and 6)"},
        {"Click a matrix cell", "its test images"},
        {"Click an image", "put it on the canvas"},
        {"PgUp / PgDn, wheel", "pages of tiles or images"},
        {"Esc", "close the images, or the lesson"},
    };
    const size_t n = sizeof keys / sizeof keys[0], m = sizeof views / sizeof views[0];
    ui_fill(u, (SDL_Rect){0, 0, s->layout.w, s->layout.h}, (SDL_Color){8, 9, 12, 200});
    size_t rows = n > m ? n : m;
    int row = ui_px(u, 24);
    int col_w = ui_px(u, 460);
    int w = 2 * col_w + ui_px(u, 24), h = ui_px(u, 96) + (int)rows * row;
    if (w > s->layout.w - 2 * ui_px(u, 8)) {
        w = s->layout.w - 2 * ui_px(u, 8);
        col_w = (w - ui_px(u, 24)) / 2;
    }
    if (h > s->layout.h - 2 * ui_px(u, 8)) {
        h = s->layout.h - 2 * ui_px(u, 8);
        row = (h - ui_px(u, 96)) / (int)rows;
    }
    SDL_Rect p = {(s->layout.w - w) / 2, (s->layout.h - h) / 2, w, h};
    ui_panel(u, p);
    text_draw(u->text, FONT_TITLE, "Keyboard and mouse", p.x + ui_px(u, 24), p.y + ui_px(u, 18),
              UI_TEXT, TEXT_LEFT);
    int top = p.y + ui_px(u, 56);
    for (int c = 0; c < 2; c++) {
        int x = p.x + ui_px(u, 24) + c * col_w;
        int key_w = c == 0 ? ui_px(u, 150) : ui_px(u, 164);
        text_draw(u->text, FONT_CAPTION, c == 0 ? "DRAWING AND TRAINING" : "LOOKING INSIDE (THE VIEWS)", x,
                  top, UI_DIM, TEXT_LEFT);
        int y = top + ui_px(u, 24);
        const char *const(*list)[2] = c == 0 ? keys : views;
        size_t k = c == 0 ? n : m;
        ui_clip(u, (SDL_Rect){x, p.y, col_w - ui_px(u, 12), p.h});
        /* Where a description is wider than its column (a small window),
         * the column's descriptions take the smaller font: no word is cut. */
        text_font df = FONT_BODY;
        for (size_t i = 0; i < k; i++) {
            int dw;
            text_size(u->text, FONT_BODY, list[i][1], &dw, NULL);
            if (x + key_w + dw > x + col_w - ui_px(u, 12))
                df = FONT_SMALL;
        }
        for (size_t i = 0; i < k; i++, y += row) {
            text_draw(u->text, FONT_BOLD, list[i][0], x, y, UI_ACCENT, TEXT_LEFT);
            text_draw(u->text, df, list[i][1], x + key_w, y + (df == FONT_SMALL ? ui_px(u, 1) : 0),
                      UI_TEXT, TEXT_LEFT);
        }
        ui_unclip(u);
    }
}

/* ---- the frame -------------------------------------------------------- */

typedef struct region_def {
    size_t rect;                       // offset of its app_rect in app_layout
    size_t panel, panel_size;          // its struct in ui_panels
    void (*draw)(ui_ctx *, const app_state *);
} region_def;

#define PANEL(field) offsetof(ui_panels, field), sizeof(((ui_panels *)0)->field)

static const region_def regions[UI_R_COUNT] = {
    [UI_R_HEADER] = {offsetof(app_layout, header), PANEL(header), draw_header},
    [UI_R_STATUS] = {offsetof(app_layout, status), PANEL(status), draw_status},
    [UI_R_BOARD] = {offsetof(app_layout, canvas), PANEL(board), ui_draw_board},
    [UI_R_TOOLS] = {offsetof(app_layout, tools), PANEL(tools), ui_draw_tools},
    [UI_R_PARAMS] = {offsetof(app_layout, params), PANEL(params), ui_draw_params},
    [UI_R_PREVIEW] = {offsetof(app_layout, preview), PANEL(preview), ui_draw_preview},
    [UI_R_GUESS] = {offsetof(app_layout, guess), PANEL(guess), ui_draw_guess},
    [UI_R_BARS] = {offsetof(app_layout, bars), PANEL(bars), ui_draw_bars},
    [UI_R_DIGIT] = {offsetof(app_layout, digit_chart), PANEL(digit), ui_draw_digit},
    [UI_R_CONTROLS] = {offsetof(app_layout, controls), PANEL(controls), ui_draw_controls},
    [UI_R_PROGRESS] = {offsetof(app_layout, progress), PANEL(progress), ui_draw_progress},
    [UI_R_LOSS] = {offsetof(app_layout, loss_chart), PANEL(curves), ui_draw_loss},
    [UI_R_ACC] = {offsetof(app_layout, acc_chart), PANEL(curves), ui_draw_accuracy},
    [UI_R_TABS] = {offsetof(app_layout, tabs), PANEL(tabs), ui_draw_tabs},
    [UI_R_VIEW] = {offsetof(app_layout, view), PANEL(view), ui_draw_view},
    [UI_R_TRAINBAR] = {offsetof(app_layout, trainbar), PANEL(trainbar), ui_draw_trainbar},
};

/* Has region i's struct changed since it was last drawn? */
static bool panel_changed(const ui_ctx *u, int i)
{
    const char *now = (const char *)&u->now + regions[i].panel;
    const char *was = (const char *)&u->shown + regions[i].panel;
    return memcmp(now, was, regions[i].panel_size) != 0;
}

/* Makes sure the frame texture matches the layout; false when render
 * targets are not available (then every frame is drawn in full). */
static bool ensure_frame(ui_ctx *u, int w, int h)
{
    if (u->frame && u->frame_w == w && u->frame_h == h)
        return true;
    if (u->frame)
        SDL_DestroyTexture(u->frame);
    u->frame = NULL;
    u->all_dirty = true;
    if (!SDL_RenderTargetSupported(u->renderer))
        return false;
    u->frame = SDL_CreateTexture(u->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                 w, h);
    if (!u->frame)
        return false;
    SDL_SetTextureBlendMode(u->frame, SDL_BLENDMODE_NONE);
    u->frame_w = w;
    u->frame_h = h;
    return true;
}

void ui_invalidate(ui_ctx *u)
{
    u->all_dirty = true;
}

bool ui_draw(ui_ctx *u, const app_state *s, const ui_frame_info *info, bool force)
{
    u->scale = s->layout.scale;
    if (info)
        u->info = *info;
    panels_of(s, u->info.fps, u->info.frame_ms_p99, &u->now);
    if (memcmp(&s->layout, &u->shown_layout, sizeof s->layout) != 0) {
        u->shown_layout = s->layout;
        u->all_dirty = true;
    }
    bool target = !u->surface_mode && ensure_frame(u, s->layout.w, s->layout.h);
    if (u->surface_mode && (u->frame_w != s->layout.w || u->frame_h != s->layout.h)) {
        u->frame_w = s->layout.w;
        u->frame_h = s->layout.h;
        u->all_dirty = true;
    }
    uint64_t samples_key = s->teach.open ? ui_samples_key(s) : 0;
    bool samples_changed = s->teach.open != u->samples_drawn ||
                           (s->teach.open && samples_key != u->samples_shown);
    bool overlays = ui_controls_overlay_visible(&u->now);
    bool any = force || u->all_dirty || (!target && !u->surface_mode) ||
               s->help_visible != u->help_drawn || samples_changed ||
               overlays != u->overlays_drawn ||
               (overlays && memcmp(&u->now.overlays, &u->shown.overlays, sizeof u->now.overlays)) ||
               memcmp(&u->now.lesson, &u->shown.lesson, sizeof u->now.lesson) != 0;
    for (int i = 0; i < UI_R_COUNT && !any; i++)
        any = panel_changed(u, i);
    if (!any)
        return false;

    /* Without a render target, or in surface mode under the help overlay,
     * nothing on screen can be kept: draw it all. */
    bool all = u->all_dirty || force || (!target && !u->surface_mode) ||
               (u->surface_mode && (s->help_visible || u->help_drawn)) ||
               s->teach.open != u->samples_drawn || // the panel opened or closed
               (u->surface_mode && (overlays || u->overlays_drawn)) ||
               (u->surface_mode && (s->lesson.on || u->shown.lesson.on));
    text_frame(u->text);
    SDL_SetRenderDrawBlendMode(u->renderer, SDL_BLENDMODE_BLEND);
    if (target)
        SDL_SetRenderTarget(u->renderer, u->frame);
    if (all) {
        SDL_SetRenderDrawColor(u->renderer, UI_BG.r, UI_BG.g, UI_BG.b, 255);
        SDL_RenderClear(u->renderer);
    }
    u->redrawn = 0;
    u->n_dirty = 0;
    for (int i = 0; i < UI_R_COUNT; i++) {
        if (!all && !panel_changed(u, i))
            continue;
        const app_rect *ar = (const app_rect *)((const char *)&s->layout + regions[i].rect);
        /* Nothing is drawn, or sent to the window, outside the drawable
         * (only a window below 450x300 has panels past its edge). */
        SDL_Rect whole = ui_rect(*ar), r;
        if (!SDL_IntersectRect(&whole, &(SDL_Rect){0, 0, s->layout.w, s->layout.h}, &r))
            continue;
        u->clip = r;
        u->clipping = true;
        SDL_RenderSetClipRect(u->renderer, &r);
        if (!all)
            ui_fill(u, r, UI_BG);
        Uint64 c0 = SDL_GetPerformanceCounter();
        regions[i].draw(u, s);
        ui_flush(u);
        if (u->profile) {
            SDL_RenderFlush(u->renderer);
            fprintf(stderr, "  region %d: %.2f ms\n", i,
                    (double)(SDL_GetPerformanceCounter() - c0) * 1e3 / (double)SDL_GetPerformanceFrequency());
        }
        u->dirty[u->n_dirty++] = r;
        u->redrawn++;
    }
    u->clipping = false;
    SDL_RenderSetClipRect(u->renderer, NULL);
    if (target) {
        SDL_SetRenderTarget(u->renderer, NULL);
        SDL_Rect dst = {0, 0, u->frame_w, u->frame_h};
        SDL_RenderCopy(u->renderer, u->frame, NULL, &dst);
    }
    ui_lesson_draw(u, s);
    if (s->teach.open) {
        ui_draw_samples(u, s);
        if (u->n_dirty < UI_R_COUNT + 1)
            u->dirty[u->n_dirty++] = ui_rect(ui_samples_rect(s));
    }
    if (overlays)
        ui_draw_controls_overlays(u, s);
    if (s->help_visible)
        draw_help(u, s);
    ui_flush(u);
    u->samples_drawn = s->teach.open;
    u->samples_shown = samples_key;
    u->shown = u->now;
    u->help_drawn = s->help_visible;
    u->overlays_drawn = overlays;
    u->dirty_full = all;
    u->all_dirty = false;
    return true;
}

/* Copies the parts of in[0..n) that lie inside a w x h window to out;
 * returns how many. */
static int rects_inside(const SDL_Rect *in, int n, int w, int h, SDL_Rect *out)
{
    SDL_Rect all = {0, 0, w, h};
    int k = 0;
    for (int i = 0; i < n; i++)
        if (SDL_IntersectRect(&in[i], &all, &out[k]))
            k++;
    return k;
}

void ui_present(ui_ctx *u, SDL_Window *window)
{
    if (!u->surface_mode || u->dirty_full) {
        SDL_RenderPresent(u->renderer);
        return;
    }
    SDL_RenderFlush(u->renderer);
    /* Only what lies inside the window as it is now: X11 refuses a shared
     * memory image past its edge (BadValue from X_ShmPutImage, which Xlib
     * makes fatal), and the window may have shrunk since this frame was
     * laid out. */
    int ww = 0, wh = 0;
    SDL_GetWindowSize(window, &ww, &wh);
    SDL_Rect rects[UI_R_COUNT + 1];
    int n = rects_inside(u->dirty, u->n_dirty, ww, wh, rects);
    if (n && SDL_UpdateWindowSurfaceRects(window, rects, n) != 0)
        SDL_RenderPresent(u->renderer);
}

