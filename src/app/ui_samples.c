/* ui_samples.c: the "my digits" panel (teach.h), painted over the tabs and
 * the view from teach_layout: a counter per digit, the samples kept (newest
 * first; the one picked outlined), the buttons, the last fine-tuning's
 * figures and the strip of distorted training digits. */
#include <stdio.h>
#include <string.h>

#include "ui.h"
#include "ui_views.h"

#define SAMPLES_ATLAS_COLS 16
#define SAMPLES_ATLAS_ROWS 7 // 6 rows of samples (TEACH_MAX_THUMBS), 1 of the preview

uint64_t ui_samples_key(const app_state *s)
{
    const teach *t = &s->teach;
    uint64_t h = UI_SIG_INIT;
    UI_SIG(h, t->samples.version);
    UI_SIG(h, t->samples.count);
    UI_SIG(h, t->selected);
    UI_SIG(h, t->first);
    UI_SIG(h, t->hover);
    UI_SIG(h, t->have_result);
    UI_SIG(h, t->preview_version);
    UI_SIG(h, t->choice.current);
    UI_SIG(h, t->choice.count);
    UI_SIG(h, s->train.next.augment);
    bool busy = app_teach_busy(s);
    UI_SIG(h, busy);
    bool running = training_running(&s->train); // the strip's caption says which
    UI_SIG(h, running);
    h = ui_sig(h, t->message, strlen(t->message));
    UI_SIG(h, s->layout);
    return h;
}

static void put_image(void *pixels, int pitch, size_t slot, const uint8_t *img)
{
    int tx = (int)(slot % SAMPLES_ATLAS_COLS) * SAMPLES_SIDE;
    int ty = (int)(slot / SAMPLES_ATLAS_COLS) * SAMPLES_SIDE;
    for (int row = 0; row < SAMPLES_SIDE; row++) {
        uint8_t *dst = (uint8_t *)pixels + (size_t)(ty + row) * (size_t)pitch + (size_t)tx * 4;
        for (int col = 0; col < SAMPLES_SIDE; col++) {
            uint8_t v = img[row * SAMPLES_SIDE + col];
            dst[4 * col] = dst[4 * col + 1] = dst[4 * col + 2] = v;
            dst[4 * col + 3] = 255;
        }
    }
}

/* The atlas of the thumbnails shown and the preview, re-made when they change. */
static void make_atlas(ui_ctx *u, const app_state *s, const teach_layout *tl)
{
    const teach *t = &s->teach;
    if (!u->samples_tex) {
        u->samples_tex = SDL_CreateTexture(u->renderer, SDL_PIXELFORMAT_ARGB8888,
                                           SDL_TEXTUREACCESS_STREAMING,
                                           SAMPLES_ATLAS_COLS * SAMPLES_SIDE,
                                           SAMPLES_ATLAS_ROWS * SAMPLES_SIDE);
        if (!u->samples_tex)
            return;
        SDL_SetTextureScaleMode(u->samples_tex, SDL_ScaleModeLinear);
        u->samples_tex_key = 0;
    }
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, t->samples.version);
    UI_SIG(key, t->first);
    UI_SIG(key, tl->n_thumbs);
    UI_SIG(key, t->preview_version);
    if (key == u->samples_tex_key)
        return;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->samples_tex, NULL, &pixels, &pitch) != 0)
        return;
    for (size_t k = 0; k < tl->n_thumbs; k++) {
        long i = teach_thumb_sample(t, k);
        if (i >= 0)
            put_image(pixels, pitch, k, t->samples.images + (size_t)i * SAMPLES_PIXELS);
    }
    for (size_t k = 0; k < t->n_preview; k++)
        put_image(pixels, pitch, (SAMPLES_ATLAS_ROWS - 1) * SAMPLES_ATLAS_COLS + k, t->preview[k]);
    SDL_UnlockTexture(u->samples_tex);
    u->samples_tex_key = key;
}

static SDL_Rect atlas_src(size_t slot)
{
    return (SDL_Rect){(int)(slot % SAMPLES_ATLAS_COLS) * SAMPLES_SIDE,
                      (int)(slot / SAMPLES_ATLAS_COLS) * SAMPLES_SIDE, SAMPLES_SIDE, SAMPLES_SIDE};
}

static void outline(ui_ctx *u, SDL_Rect r, int w, SDL_Color c)
{
    ui_fill(u, (SDL_Rect){r.x - w, r.y - w, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y + r.h, r.w + 2 * w, w}, c);
    ui_fill(u, (SDL_Rect){r.x - w, r.y, w, r.h}, c);
    ui_fill(u, (SDL_Rect){r.x + r.w, r.y, w, r.h}, c);
}

static void button(ui_ctx *u, const teach *t, const teach_layout *tl, teach_button b,
                   const char *label, bool active, bool enabled)
{
    SDL_Rect r = ui_rect(tl->buttons[b]);
    if (r.w <= 0)
        return;
    bool hover = t->hover == b && enabled;
    ui_fill_round(u, r, (float)ui_px(u, 6),
                  active ? UI_ACCENT_DIM : hover ? UI_BUTTON_HOVER : UI_BUTTON);
    /* "Longest|shorter|shortest": the first that fits, else the last. */
    char text[128];
    snprintf(text, sizeof text, "%s", label);
    char *bar;
    while ((bar = strchr(text, '|')) != NULL) {
        *bar = '\0';
        int w;
        text_size(u->text, FONT_BOLD, text, &w, NULL);
        if (w <= r.w - ui_px(u, 10))
            break;
        memmove(text, bar + 1, strlen(bar + 1) + 1);
    }
    ui_clip(u, r);
    text_draw_in(u->text, FONT_BOLD, text, r,
                 !enabled ? UI_FAINT : active || hover ? UI_TEXT : (SDL_Color){210, 214, 224, 255},
                 TEXT_CENTER);
    ui_unclip(u);
}

/* Text with shorter alternatives after '|': the first that fits r's width. */
static void fit_text(ui_ctx *u, text_font f, const char *alts, SDL_Rect r, SDL_Color c)
{
    char text[512];
    snprintf(text, sizeof text, "%s", alts);
    char *bar;
    while ((bar = strchr(text, '|')) != NULL) {
        *bar = '\0';
        int w;
        text_size(u->text, f, text, &w, NULL);
        if (w <= r.w)
            break;
        memmove(text, bar + 1, strlen(bar + 1) + 1);
    }
    ui_clip(u, r);
    text_draw_in(u->text, f, text, r, c, TEXT_LEFT);
    ui_unclip(u);
}

app_rect ui_samples_rect(const app_state *s)
{
    teach_layout tl;
    teach_layout_compute(&s->teach, &s->layout, &tl);
    return tl.panel;
}

void ui_draw_samples(ui_ctx *u, const app_state *s)
{
    const teach *t = &s->teach;
    teach_layout tl;
    teach_layout_compute(t, &s->layout, &tl);
    SDL_Rect p = ui_rect(tl.panel);
    u->clip = p;
    u->clipping = true;
    SDL_RenderSetClipRect(u->renderer, &p);
    ui_fill(u, p, UI_BG);
    ui_panel(u, p);
    make_atlas(u, s, &tl);

    char line[256];
    snprintf(line, sizeof line, "MY DIGITS  ·  %zu kept%s", t->samples.count,
             t->samples.dir[0] ? "" : " (not saved)");
    text_draw_in(u->text, FONT_CAPTION, line, ui_rect(tl.title), UI_DIM, TEXT_LEFT);
    button(u, t, &tl, TEACH_BTN_CLOSE, "×", false, true);

    for (int d = 0; d < 10; d++) {
        SDL_Rect c = ui_rect(tl.counters[d]);
        size_t n = samples_count(&t->samples, d);
        ui_fill_round(u, c, (float)ui_px(u, 4), n ? (SDL_Color){34, 44, 60, 255} : UI_TRACK);
        char num[32];
        snprintf(num, sizeof num, "%d", d);
        SDL_Rect top = {c.x, c.y, c.w, c.h / 2 + ui_px(u, 2)};
        SDL_Rect bot = {c.x, c.y + c.h / 2, c.w, c.h / 2};
        text_draw_in(u->text, FONT_BOLD, num, top, UI_TEXT, TEXT_CENTER);
        snprintf(num, sizeof num, "%zu", n);
        text_draw_in(u->text, FONT_SMALL, num, bot, n ? UI_GOOD : UI_FAINT, TEXT_CENTER);
    }

    /* Wrapped to the grid's width: at 900 x 600 the hint's lines ran past
     * the panel's right edge. */
    SDL_Rect grid = ui_rect(tl.grid);
    if (t->samples.broken) {
        ui_clip(u, grid);
        uv_text_wrap(u, FONT_BODY, t->samples.broken_msg, grid, grid.y, UI_BAD);
        ui_unclip(u);
    } else if (t->samples.count == 0) {
        static const char *const hint[] = {
            "Draw a digit, then Ctrl+its digit keeps it here. A few of each, then F teaches the "
            "model your hand.",
            "Draw a digit; Ctrl+its digit keeps it. A few of each, then F teaches the model.",
            "Ctrl+digit keeps a drawing; F teaches them.",
        };
        ui_clip(u, grid);
        uv_text_wrap_alt(u, FONT_BODY, hint, 3, grid, grid.y, UI_DIM);
        ui_unclip(u);
    }
    for (size_t k = 0; k < tl.n_thumbs && u->samples_tex; k++) {
        long i = teach_thumb_sample(t, k);
        if (i < 0)
            break;
        SDL_Rect dst = ui_rect(tl.thumbs[k]);
        SDL_Rect src = atlas_src(k);
        SDL_RenderCopy(u->renderer, u->samples_tex, &src, &dst);
        snprintf(line, sizeof line, "%u", (unsigned)t->samples.labels[i]);
        text_draw(u->text, FONT_SMALL, line, dst.x + ui_px(u, 2), dst.y, UI_ACCENT, TEXT_LEFT);
        if (i == t->selected)
            outline(u, dst, ui_px(u, 2), UI_TRAIN);
    }

    bool busy = app_teach_busy(s);
    button(u, t, &tl, TEACH_BTN_PREV, "‹", false, t->first > 0);
    button(u, t, &tl, TEACH_BTN_NEXT, "›", false, t->first + tl.n_thumbs < t->samples.count);
    button(u, t, &tl, TEACH_BTN_DELETE, "Delete|Del", false, t->selected >= 0);
    button(u, t, &tl, TEACH_BTN_FINETUNE,
           busy ? "Fine-tuning…|Tuning…" : "Fine-tune (F)|Tune (F)|Tune",
           busy, t->samples.count >= TEACH_MIN_SAMPLES && !busy);
    button(u, t, &tl, TEACH_BTN_AUGMENT,
           s->train.next.augment ? "Distort: on (A)|Distort: on|Dist. on"
                                 : "Distort: off (A)|Distort: off|Dist. off",
           s->train.next.augment, true);
    const char *dname = t->choice.items[t->choice.current].name;
    snprintf(line, sizeof line, "Data: %s (D)|%s (D)|%s|%.7s", dname, dname, dname, dname);
    button(u, t, &tl, TEACH_BTN_DATASET, line, false, t->choice.count > 1);

    const char *msg = t->message[0] ? t->message
                      : t->samples.count < TEACH_MIN_SAMPLES
                          ? "Fine-tuning wants 8 digits or more (a quarter are held out to judge by).|"
                            "Fine-tuning wants 8 digits or more."
                          : "F fine-tunes the model on them, with MNIST replayed alongside.|"
                            "F fine-tunes the model on them.";
    fit_text(u, FONT_BODY, msg, ui_rect(tl.result), t->have_result ? UI_GOOD : UI_DIM);

    char caption[320];
    teach_preview_caption(t, s->train.next.augment, training_running(&s->train), caption,
                          sizeof caption);
    fit_text(u, FONT_CAPTION, caption, ui_rect(tl.preview_caption),
             t->preview_seen && training_running(&s->train) ? UI_TRAIN : UI_DIM);
    for (size_t k = 0; k < TEACH_PREVIEW && s->train.next.augment && u->samples_tex; k++) {
        SDL_Rect dst = ui_rect(tl.preview[k]);
        if (k >= t->n_preview) {
            ui_fill(u, dst, UI_TRACK);
            continue;
        }
        SDL_Rect src = atlas_src((SAMPLES_ATLAS_ROWS - 1) * SAMPLES_ATLAS_COLS + k);
        SDL_RenderCopy(u->renderer, u->samples_tex, &src, &dst);
    }
    ui_flush(u);
    u->clipping = false;
    SDL_RenderSetClipRect(u->renderer, NULL);
}

void ui_samples_destroy(ui_ctx *u)
{
    if (u->samples_tex)
        SDL_DestroyTexture(u->samples_tex);
    u->samples_tex = NULL;
}
