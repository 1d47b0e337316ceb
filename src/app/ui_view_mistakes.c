/* ui_view_mistakes.c: painting view 4, the confusion matrix and the gallery
 * of one cell's test images. */
#include "ui_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "core/inspect.h"

static void upload_thumbs(ui_ctx *u, const app_state *s, const view_mistakes_layout *l)
{
    uint64_t key = UI_SIG_INIT;
    UI_SIG(key, s->views.mistakes.gallery_version);
    UI_SIG(key, s->views.mistakes.gallery_first);
    UI_SIG(key, l->thumbs.n);
    if (key == u->thumbs_key)
        return;
    u->thumbs_key = key;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->thumbs_tex, NULL, &pixels, &pitch) != 0)
        return;
    const dataset *d = &s->train.data.test;
    for (size_t i = 0; i < l->thumbs.n && i < UI_TILE_MAX; i++) {
        size_t idx = s->views.mistakes.gallery[s->views.mistakes.gallery_first + i];
        const uint8_t *img = d->images + idx * CANVAS_N * CANVAS_N;
        int tx = (int)(i % UI_TILE_COLS) * CANVAS_N, ty = (int)(i / UI_TILE_COLS) * CANVAS_N;
        for (int row = 0; row < CANVAS_N; row++) {
            uint8_t *dst = (uint8_t *)pixels + (size_t)(ty + row) * (size_t)pitch + (size_t)tx * 4;
            for (int col = 0; col < CANVAS_N; col++) {
                uint8_t v = img[row * CANVAS_N + col];
                dst[4 * col] = dst[4 * col + 1] = v;
                dst[4 * col + 2] = (uint8_t)(v + (255 - v) * 8 / 255);
                dst[4 * col + 3] = 255;
            }
        }
    }
    SDL_UnlockTexture(u->thumbs_tex);
}

/* With no cell open: how to open one, and the most frequent mistakes. */
static void draw_gallery_hint(ui_ctx *u, const app_state *s, SDL_Rect g)
{
    int y = uv_text_wrap(u, FONT_BODY, "Click a cell to see its test images; click an image to put it on the canvas.",
                      g, g.y + ui_px(u, 2), UI_DIM);
    y += ui_px(u, 10);
    text_draw(u->text, FONT_CAPTION, "MOST OFTEN CONFUSED", g.x, y, UI_DIM, TEXT_LEFT);
    y += text_height(u->text, FONT_CAPTION) + ui_px(u, 6);
    bool used[10][10] = {{false}};
    for (int k = 0; k < 6; k++) {
        int bt = -1, bp = -1;
        for (int t = 0; t < 10; t++)
            for (int p = 0; p < 10; p++)
                if (t != p && !used[t][p] && s->views.mistakes.confusion[t][p] &&
                    (bt < 0 || s->views.mistakes.confusion[t][p] > s->views.mistakes.confusion[bt][bp])) {
                    bt = t;
                    bp = p;
                }
        if (bt < 0)
            break;
        used[bt][bp] = true;
        char line[96];
        snprintf(line, sizeof line, "%s read as %s", model_slot_label(&s->model, (size_t)bt), model_slot_label(&s->model, (size_t)bp));
        int lh = text_height(u->text, FONT_BODY) + ui_px(u, 3);
        if (y + lh > g.y + g.h)
            break;
        uv_text_fit(u, FONT_BODY, line, g.x, y, g.w, UI_TEXT);
        char num[16];
        snprintf(num, sizeof num, "%u", s->views.mistakes.confusion[bt][bp]);
        text_draw(u->text, FONT_MONO, num, g.x + g.w, y + ui_px(u, 1), (SDL_Color){255, 160, 150, 255},
                  TEXT_RIGHT);
        y += lh;
    }
}

static void draw_gallery(ui_ctx *u, const app_state *s, const view_mistakes_layout *l)
{
    SDL_Rect g = uv_R(l->gallery);
    if (g.w <= 0)
        return;
    if (l->show_matrix)
        ui_fill(u, (SDL_Rect){g.x - ui_px(u, 8), g.y, 1, g.h}, UI_PANEL_EDGE);
    if (s->views.mistakes.gallery_true == VIEW_NO_CELL) {
        draw_gallery_hint(u, s, g);
        return;
    }
    const char *t = model_slot_label(&s->model, (size_t)s->views.mistakes.gallery_true), *p = model_slot_label(&s->model, (size_t)s->views.mistakes.gallery_pred);
    char title[96];
    SDL_Rect cap = uv_R(l->gallery_caption);
    int room = l->prev.x - cap.x - ui_px(u, 4);
    if (s->views.mistakes.gallery_true == s->views.mistakes.gallery_pred)
        snprintf(title, sizeof title, "%s read right: %zu", t, s->views.mistakes.n_gallery);
    else
        snprintf(title, sizeof title, "%s read as %s: %zu", t, p, s->views.mistakes.n_gallery);
    int tw;
    text_size(u->text, FONT_BOLD, title, &tw, NULL);
    if (tw > room)
        snprintf(title, sizeof title, "%s→%s: %zu", t, p, s->views.mistakes.n_gallery);
    uv_text_fit(u, FONT_BOLD, s->views.mistakes.has_preds ? title : "waiting…", cap.x, cap.y + ui_px(u, 2), room,
             UI_TEXT);
    bool more = s->views.mistakes.gallery_first + l->thumbs.n < s->views.mistakes.n_gallery;
    uv_nav_button(u, s, l->prev, "‹", VIEW_NAV_PREV, s->views.mistakes.gallery_first > 0);
    uv_nav_button(u, s, l->next, "›", VIEW_NAV_NEXT, more);
    uv_nav_button(u, s, l->close, "×", VIEW_NAV_CLOSE, true);
    if (!s->views.mistakes.has_preds || s->views.mistakes.n_gallery == 0) {
        if (s->views.mistakes.has_preds)
            text_draw(u->text, FONT_SMALL, "no test image here", g.x, cap.y + cap.h + ui_px(u, 8),
                      UI_FAINT, TEXT_LEFT);
        return;
    }
    upload_thumbs(u, s, l);
    const view_grid *tg = &l->thumbs;
    // Under each image its true label, the answer and its probability; just
    // the probability where the longest of those would not fit (the caption
    // above says the rest).
    char widest[48];
    snprintf(widest, sizeof widest, "%s→%s 100%%", t, p);
    int ww;
    text_size(u->text, FONT_SMALL, widest, &ww, NULL);
    bool full = ww <= tg->pitch - ui_px(u, 3);
    for (size_t i = 0; i < tg->n && i < UI_TILE_MAX; i++) {
        size_t idx = s->views.mistakes.gallery[s->views.mistakes.gallery_first + i];
        SDL_Rect src = {(int)(i % UI_TILE_COLS) * CANVAS_N, (int)(i / UI_TILE_COLS) * CANVAS_N, CANVAS_N,
                        CANVAS_N};
        SDL_Rect dst = uv_R(view_grid_cell(tg, i));
        SDL_RenderCopy(u->renderer, u->thumbs_tex, &src, &dst);
        if ((long)idx == s->shown_test)
            uv_outline(u, dst, uv_line_w(u) + 1, UI_ACCENT);
        else if (s->views.hover_thumb == (int)i)
            uv_outline(u, dst, uv_line_w(u), UI_TEXT);
        char cap_txt[48];
        if (full)
            snprintf(cap_txt, sizeof cap_txt, "%s→%s %.0f%%", model_slot_label(&s->model, s->train.data.test.labels[idx]),
                     model_slot_label(&s->model, s->views.mistakes.test_pred[idx]), (double)(s->views.mistakes.test_conf[idx] * 100.0f));
        else
            snprintf(cap_txt, sizeof cap_txt, "%.0f%%", (double)(s->views.mistakes.test_conf[idx] * 100.0f));
        text_draw(u->text, FONT_SMALL, cap_txt, dst.x + dst.w / 2, dst.y + dst.h + ui_px(u, 2),
                  s->views.mistakes.gallery_true == s->views.mistakes.gallery_pred ? UI_DIM : (SDL_Color){255, 160, 150, 255},
                  TEXT_CENTER);
    }
}

void ui_view_mistakes_draw(ui_ctx *u, const app_state *s)
{
    view_ctx vc = app_view_ctx_const(s);
    view_mistakes_layout l;
    view_mistakes_layout_of(&s->views, &vc, &l);
    SDL_Rect cap = uv_R(l.caption);
    char right[96] = "";
    if (s->views.mistakes.has_confusion)
        snprintf(right, sizeof right, "%.2f %% right%s", 100.0 * s->views.mistakes.confusion_accuracy,
                 training_state(&s->train) == TRAINER_RUNNING ? " · after each epoch" : "");
    char title[64];
    uint32_t total = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            total += s->views.mistakes.confusion[t][p];
    char num[32];
    format_thousands(num, sizeof num, (unsigned long long)s->views.mistakes.has_confusion ? total : 10000);
    snprintf(title, sizeof title, "MISTAKES ON %s TEST IMAGES", num);
    int cw = text_draw(u->text, FONT_CAPTION, title, cap.x, cap.y + ui_px(u, 3), UI_DIM, TEXT_LEFT);
    int tw;
    text_size(u->text, FONT_SMALL, right, &tw, NULL);
    bool hover_in_caption = s->views.hover_cell >= 0 && !l.hint;
    if (right[0] && cap.w - cw - ui_px(u, 12) >= tw && !hover_in_caption)
        text_draw(u->text, FONT_SMALL, right, cap.x + cap.w, cap.y + ui_px(u, 2), UI_GOOD, TEXT_RIGHT);

    if (!s->views.mistakes.has_confusion) {
        const char *msg = "asking the network about the test set…";
        SDL_Color c = UI_FAINT;
        switch (s->train.data_state) {
        case TRAINING_DATA_MISSING:
            msg = "no MNIST found: run scripts/fetch-mnist";
            c = UI_TRAIN;
            break;
        case TRAINING_DATA_FAILED:
            msg = "cannot read MNIST (see the status line)";
            c = UI_BAD;
            break;
        case TRAINING_DATA_LOADING:
        case TRAINING_DATA_FOUND:
        case TRAINING_DATA_UNKNOWN:
            msg = "reading MNIST…";
            break;
        case TRAINING_DATA_LOADED:
            break;
        }
        SDL_Rect v = ui_rect(s->layout.view);
        text_draw_in(u->text, FONT_BODY, msg, v, c, TEXT_CENTER);
        return;
    }
    if (l.show_matrix) {
        uint32_t max_off = 0;
        for (int t = 0; t < 10; t++)
            for (int p = 0; p < 10; p++)
                if (t != p && s->views.mistakes.confusion[t][p] > max_off)
                    max_off = s->views.mistakes.confusion[t][p];
        int cw = l.cell_w, ch = l.cell_h;
        SDL_Rect m = uv_R(l.matrix);
        int label = ui_px(u, 18);
        bool counts = ch >= ui_px(u, 14) && cw >= ui_px(u, 18);
        text_font cf = cw >= ui_px(u, 30) && ch >= ui_px(u, 22) ? FONT_SMALL : FONT_CAPTION;
        for (int k = 0; k < 10; k++) {
            const char *name = model_slot_label(&s->model, (size_t)k);
            text_draw_in(u->text, FONT_CAPTION, name, (SDL_Rect){m.x + k * cw, m.y - label, cw, label},
                         UI_DIM, TEXT_CENTER);
            text_draw_in(u->text, FONT_CAPTION, name,
                         (SDL_Rect){m.x - label, m.y + k * ch, label - ui_px(u, 4), ch}, UI_DIM, TEXT_RIGHT);
        }
        for (int t = 0; t < 10; t++) {
            uint32_t row = 0;
            for (int p = 0; p < 10; p++)
                row += s->views.mistakes.confusion[t][p];
            for (int p = 0; p < 10; p++) {
                uint32_t n = s->views.mistakes.confusion[t][p];
                uint8_t rgb[3];
                view_confusion_color(n, row, max_off, t == p, rgb);
                SDL_Rect cell = {m.x + p * cw, m.y + t * ch, cw - 1, ch - 1};
                uv_fill_rgb(u, cell, rgb);
                if (counts && n) {
                    char buf[16];
                    snprintf(buf, sizeof buf, "%u", n);
                    int w;
                    text_size(u->text, cf, buf, &w, NULL);
                    if (w > cw - 2 && n >= 1000) { // 1134 as 1.1k (or 1k) where four digits do not fit
                        snprintf(buf, sizeof buf, "%.1fk", (double)n / 1000.0);
                        text_size(u->text, cf, buf, &w, NULL);
                        if (w > cw - 2) {
                            snprintf(buf, sizeof buf, "%.0fk", (double)n / 1000.0);
                            text_size(u->text, cf, buf, &w, NULL);
                        }
                    }
                    if (w <= cw - 2)
                        text_draw_in(u->text, cf, buf, cell, t == p || rgb[0] > 150 ? UI_TEXT : UI_DIM,
                                     TEXT_CENTER);
                }
            }
        }
        if (s->views.mistakes.gallery_true != VIEW_NO_CELL)
            uv_outline(u, (SDL_Rect){m.x + s->views.mistakes.gallery_pred * cw, m.y + s->views.mistakes.gallery_true * ch, cw - 1, ch - 1},
                    uv_line_w(u) + 1, UI_ACCENT);
        if (s->views.hover_cell >= 0)
            uv_outline(u, (SDL_Rect){m.x + (s->views.hover_cell % 10) * cw, m.y + (s->views.hover_cell / 10) * ch, cw - 1,
                                  ch - 1},
                    uv_line_w(u), UI_TEXT);
        // Under the matrix (or in the caption line when there is no room
        // under it): what the axes are, or the hovered cell.
        char hint[128];
        if (s->views.hover_cell >= 0) {
            int t = s->views.hover_cell / 10, p = s->views.hover_cell % 10;
            if (t == p)
                snprintf(hint, sizeof hint, "%u %ss read right", s->views.mistakes.confusion[t][p], model_slot_label(&s->model, (size_t)t));
            else
                snprintf(hint, sizeof hint, "%u %ss read as %s", s->views.mistakes.confusion[t][p], model_slot_label(&s->model, (size_t)t),
                         model_slot_label(&s->model, (size_t)p));
        } else {
            snprintf(hint, sizeof hint, "rows: true digit · columns: the answer · click a cell");
        }
        if (l.hint)
            uv_text_fit(u, FONT_SMALL, hint, m.x - label, m.y + m.h + ui_px(u, 4), m.w + label,
                     s->views.hover_cell >= 0 ? UI_TEXT : UI_FAINT);
        else if (s->views.hover_cell >= 0)
            text_draw(u->text, FONT_SMALL, hint, cap.x + cap.w, cap.y + ui_px(u, 2), UI_TEXT, TEXT_RIGHT);
    }
    draw_gallery(u, s, &l);
}
