/* ui_controls.c: painting issue 11's controls (controls.h): the training
 * bar, and over the other panels the single step's card, the settings
 * panel and the questions. Only paints what the panel structs say. */
#include "ui.h"
#include "ui_views.h"

#include <stdio.h>
#include <string.h>

static SDL_Rect R(app_rect r)
{
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

void ui_draw_trainbar(ui_ctx *u, const app_state *s)
{
    const panel_trainbar *p = &u->now.trainbar;
    ui_button(u, s, BTN_STEP, "Step  .|Step", false, p->step_enabled);
    ui_button(u, s, BTN_SPEED_1, "1/s", p->speed == 1, true);
    ui_button(u, s, BTN_SPEED_10, "10/s", p->speed == 10, true);
    ui_button(u, s, BTN_SPEED_100, "100/s", p->speed == 100, true);
    ui_button(u, s, BTN_SPEED_FULL, "Full", p->speed == 0, true);
    ui_button(u, s, BTN_SETTINGS, "Settings|Set", p->settings_on, true);
}

/* A small button drawn from a rectangle (the overlays' own, not the layout's). */
static void small_button(ui_ctx *u, app_rect r, const char *label, bool active, bool hover,
                         bool enabled)
{
    if (r.w <= 0)
        return;
    SDL_Color bg = active ? UI_ACCENT_DIM : hover && enabled ? UI_BUTTON_HOVER : UI_BUTTON;
    ui_fill_round(u, R(r), (float)ui_px(u, 5), bg);
    SDL_Color fg = !enabled ? UI_FAINT : (SDL_Color){220, 224, 232, 255};
    ui_clip(u, R(r));
    text_draw_in(u->text, FONT_BOLD, label, R(r), fg, TEXT_CENTER);
    ui_unclip(u);
}

/* The step's 32 images, 8 to a row, into the texture (re-made per step). */
static void make_step_texture(ui_ctx *u, const app_state *s, const panel_step *p)
{
    if (!u->step_tex) {
        u->step_tex = SDL_CreateTexture(u->renderer, SDL_PIXELFORMAT_ARGB8888,
                                        SDL_TEXTUREACCESS_STREAMING, 8 * CANVAS_N, 4 * CANVAS_N);
        if (!u->step_tex)
            return;
        SDL_SetTextureScaleMode(u->step_tex, SDL_ScaleModeNearest);
        u->step_key = UINT64_MAX;
    }
    if (u->step_key == p->global_step)
        return;
    const dataset *d = &s->train.data.train;
    if (s->train.data_state != TRAINING_DATA_LOADED || d->rows * d->cols != CANVAS_N * CANVAS_N)
        return;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(u->step_tex, NULL, &pixels, &pitch) != 0)
        return;
    for (size_t i = 0; i < p->n && i < TRAINER_STEP_SHOWN; i++) {
        if (p->index[i] >= d->count)
            continue;
        const uint8_t *img = d->images + (size_t)p->index[i] * CANVAS_N * CANVAS_N;
        int tx = (int)(i % 8) * CANVAS_N, ty = (int)(i / 8) * CANVAS_N;
        for (int row = 0; row < CANVAS_N; row++) {
            uint8_t *dst = (uint8_t *)pixels + (size_t)(ty + row) * (size_t)pitch + (size_t)tx * 4;
            for (int col = 0; col < CANVAS_N; col++) {
                uint8_t v = img[row * CANVAS_N + col];
                dst[4 * col] = dst[4 * col + 1] = dst[4 * col + 2] = v;
                dst[4 * col + 3] = 255;
            }
        }
    }
    SDL_UnlockTexture(u->step_tex);
    u->step_key = p->global_step;
}

static void draw_step(ui_ctx *u, const app_state *s)
{
    const panel_step *p = &u->now.overlays.step;
    step_geom g;
    step_view_geom(s->layout.view, s->layout.scale, p->n, &g);
    SDL_Rect card = R(g.card);
    ui_fill(u, card, UI_BG);
    ui_panel(u, card);
    ui_clip(u, card);
    int x = card.x + ui_px(u, 10);
    // Cut at a word with an ellipsis where the card is narrow (900 x 600
    // cut the figures' line mid-number at its edge).
    int w = card.x + card.w - ui_px(u, 3) - x;
    uv_text_fit(u, FONT_BOLD, p->title, x, g.text_y[0], g.close.x - ui_px(u, 6) - x, UI_TRAIN);
    uv_text_fit(u, FONT_SMALL, p->figures, x, g.text_y[1], w, UI_TEXT);
    uv_text_fit(u, FONT_SMALL, p->caption, x, g.text_y[2], w, UI_DIM);
    small_button(u, g.close, "×", false, rect_contains(g.close, s->mouse_x, s->mouse_y), true);
    make_step_texture(u, s, p);
    for (size_t i = 0; i < g.n; i++) {
        SDL_Rect t = R(g.tiles[i]);
        if (u->step_tex && u->step_key == p->global_step) {
            SDL_Rect src = {(int)(i % 8) * CANVAS_N, (int)(i / 8) * CANVAS_N, CANVAS_N, CANVAS_N};
            SDL_RenderCopy(u->renderer, u->step_tex, &src, &t);
        }
        bool right = p->answer[i] == p->label[i];
        SDL_Color c = right ? UI_GOOD : UI_BAD;
        int bw = ui_px(u, 2) > 1 ? ui_px(u, 2) : 1;
        ui_fill(u, (SDL_Rect){t.x, t.y + t.h - bw, t.w, bw}, c);
        char a[16];
        snprintf(a, sizeof a, "%s", model_slot_label(&s->model, p->answer[i]));
        text_draw(u->text, FONT_SMALL, a, t.x + t.w - ui_px(u, 2), t.y, c, TEXT_RIGHT);
    }
    ui_unclip(u);
}

static void draw_settings(ui_ctx *u, const app_state *s)
{
    const panel_settings *p = &u->now.overlays.settings;
    settings_geom g;
    settings_geom_of(&s->ctl.settings, &s->layout, &g);
    ui_fill(u, (SDL_Rect){0, 0, s->layout.w, s->layout.h}, (SDL_Color){8, 9, 12, 170});
    SDL_Rect card = R(g.card);
    ui_panel(u, card);
    ui_clip(u, card);
    int inset = ui_px(u, 20);
    text_draw(u->text, FONT_TITLE, "Training settings", card.x + inset, g.title_y, UI_TEXT,
              TEXT_LEFT);
    small_button(u, g.close, "×", false, p->hover.kind == SETTINGS_HIT_CLOSE, true);
    for (size_t r = 0; r < p->n_rows; r++) {
        SDL_Rect row = R(g.row[r]);
        if ((int)r == p->row)
            ui_fill_round(u, row, (float)ui_px(u, 4), (SDL_Color){34, 38, 48, 255});
        SDL_Rect label = {row.x + ui_px(u, 8), row.y, row.w, row.h};
        text_draw_in(u->text, FONT_BODY, p->label[r], label, (int)r == p->row ? UI_TEXT : UI_DIM,
                     TEXT_LEFT);
        bool hov_row = p->hover.row == (int)r;
        bool add = r + 1 == p->n_rows && p->n_hidden < SETTINGS_MAX_HIDDEN;
        if (r == SETTINGS_ROW_ACTIVATION) {
            for (int i = 0; i < 4; i++)
                small_button(u, g.act[i], mlp_activation_name(settings_activations[i]),
                             p->act == i,
                             hov_row && p->hover.kind == SETTINGS_HIT_ACT && p->hover.which == i,
                             true);
            continue;
        }
        if (add) {
            small_button(u, g.minus[r], "+ add a hidden layer", false,
                         hov_row && p->hover.kind == SETTINGS_HIT_ADD, true);
            continue;
        }
        small_button(u, g.minus[r], "−", false, hov_row && p->hover.kind == SETTINGS_HIT_MINUS,
                     true);
        text_draw_in(u->text, FONT_MONO, p->value[r], R(g.value[r]), UI_TEXT, TEXT_CENTER);
        small_button(u, g.plus[r], "+", false, hov_row && p->hover.kind == SETTINGS_HIT_PLUS,
                     true);
        if (r >= SETTINGS_ROW_LAYER0)
            small_button(u, g.remove[r - SETTINGS_ROW_LAYER0], "remove", false,
                         hov_row && p->hover.kind == SETTINGS_HIT_REMOVE, true);
        else if (r == SETTINGS_ROW_LR || r == SETTINGS_ROW_BATCH)
            text_draw(u->text, FONT_SMALL, "live", g.plus[r].x + g.plus[r].w + ui_px(u, 12),
                      g.plus[r].y + ui_px(u, 5), UI_FAINT, TEXT_LEFT);
    }
    SDL_Rect note = {card.x + inset, g.note_y, card.w - 2 * inset, ui_px(u, 18)};
    text_draw_in(u->text, FONT_SMALL, p->note, note, p->asking ? UI_TRAIN : UI_FAINT, TEXT_LEFT);
    text_draw(u->text, FONT_SMALL, "↑↓ row  ·  ←→ change  ·  Enter apply  ·  Esc close",
              card.x + inset, g.note_y + ui_px(u, 20), UI_FAINT, TEXT_LEFT);
    if (p->asking)
        small_button(u, g.cancel, "Keep", false, p->hover.kind == SETTINGS_HIT_CANCEL, true);
    small_button(u, g.apply, p->apply, p->asking, p->hover.kind == SETTINGS_HIT_APPLY,
                 p->changed);
    ui_unclip(u);
}

static void draw_question(ui_ctx *u, const app_state *s)
{
    const panel_question *p = &u->now.overlays.question;
    question_geom g;
    question_geom_of(&s->layout, &g);
    ui_fill(u, (SDL_Rect){0, 0, s->layout.w, s->layout.h}, (SDL_Color){8, 9, 12, 170});
    SDL_Rect card = R(g.card);
    ui_panel(u, card);
    ui_clip(u, card);
    int in = ui_px(u, 20);
    text_draw(u->text, FONT_TITLE, p->title, card.x + in, card.y + ui_px(u, 16), UI_TEXT,
              TEXT_LEFT);
    // The text, wrapped at spaces to the card's width.
    int y = card.y + ui_px(u, 50), lh = text_height(u->text, FONT_BODY) + ui_px(u, 3);
    char line[400] = "";
    const char *w = p->text;
    while (*w) {
        const char *sp = strchr(w, ' ');
        size_t n = sp ? (size_t)(sp - w) : strlen(w);
        char trial[400];
        snprintf(trial, sizeof trial, "%s%s%.*s", line, line[0] ? " " : "", (int)n, w);
        int tw;
        text_size(u->text, FONT_BODY, trial, &tw, NULL);
        if (tw > card.w - 2 * in && line[0]) {
            text_draw(u->text, FONT_BODY, line, card.x + in, y, UI_DIM, TEXT_LEFT);
            y += lh;
            snprintf(line, sizeof line, "%.*s", (int)n, w);
        } else {
            snprintf(line, sizeof line, "%s", trial);
        }
        w += n;
        while (*w == ' ')
            w++;
    }
    if (line[0])
        text_draw(u->text, FONT_BODY, line, card.x + in, y, UI_DIM, TEXT_LEFT);
    small_button(u, g.no, p->no, false, rect_contains(g.no, s->mouse_x, s->mouse_y), true);
    small_button(u, g.yes, p->yes, true, rect_contains(g.yes, s->mouse_x, s->mouse_y), true);
    ui_unclip(u);
}

static void draw_open(ui_ctx *u, const app_state *s)
{
    const panel_open *p = &u->now.overlays.open;
    open_geom g;
    open_geom_of(&s->ctl.open, &s->layout, &g);
    ui_fill(u, (SDL_Rect){0, 0, s->layout.w, s->layout.h}, (SDL_Color){8, 9, 12, 170});
    SDL_Rect card = R(g.card);
    ui_panel(u, card);
    ui_clip(u, card);
    int in = ui_px(u, 20);
    text_draw(u->text, FONT_TITLE, "Open a model", card.x + in, g.title_y, UI_TEXT, TEXT_LEFT);
    small_button(u, g.close, "×", false, rect_contains(g.close, s->mouse_x, s->mouse_y), true);
    if (!p->n)
        text_draw(u->text, FONT_BODY, "No models yet: Ctrl+S saves one; dropping a file opens it.",
                  card.x + in, card.y + ui_px(u, 60), UI_DIM, TEXT_LEFT);
    for (size_t i = 0; i < g.n_rows; i++) {
        size_t k = g.first + i;
        SDL_Rect r = R(g.row[i]);
        if ((int)k == p->row || (int)k == p->hover)
            ui_fill_round(u, r, (float)ui_px(u, 4),
                          (int)k == p->row ? (SDL_Color){34, 38, 48, 255} : UI_BUTTON_HOVER);
        SDL_Rect left = {r.x + ui_px(u, 8), r.y, r.w / 2, r.h};
        /* Half the row for the name, cut in its middle, with a gap before
         * its details (a long one ran into them); the details' longest,
         * "recent  ·  784-128-10  ·  test 97.55 %", fits the other half. */
        char name[sizeof p->name[k]];
        uv_text_cut(u, FONT_BOLD, p->name[k], r.w / 2 - ui_px(u, 8) - ui_px(u, 8), TEXT_CUT_MIDDLE,
                    name, sizeof name);
        ui_clip(u, (SDL_Rect){r.x, r.y, r.w / 2, r.h});
        text_draw_in(u->text, FONT_BOLD, name, left, p->broken[k] ? UI_FAINT : UI_TEXT, TEXT_LEFT);
        ui_unclip(u);
        ui_clip(u, card);
        SDL_Rect right = {r.x + r.w / 2, r.y, r.w / 2 - ui_px(u, 8), r.h};
        text_draw_in(u->text, FONT_SMALL, p->detail[k], right, p->broken[k] ? UI_BAD : UI_DIM,
                     TEXT_LEFT);
    }
    text_draw(u->text, FONT_SMALL, "↑↓ choose  ·  Enter or a click opens  ·  Esc closes",
              card.x + in, card.y + card.h - ui_px(u, 28), UI_FAINT, TEXT_LEFT);
    ui_unclip(u);
}

bool ui_controls_overlay_visible(const ui_panels *p)
{
    return p->overlays.open.visible || p->overlays.step.visible || p->overlays.settings.visible ||
           p->overlays.question.kind != QUESTION_NONE;
}

void ui_draw_controls_overlays(ui_ctx *u, const app_state *s)
{
    const panel_overlays *p = &u->now.overlays;
    if (p->step.visible)
        draw_step(u, s);
    if (p->settings.visible)
        draw_settings(u, s);
    if (p->question.kind != QUESTION_NONE)
        draw_question(u, s);
    if (p->open.visible)
        draw_open(u, s);
}

void ui_controls_destroy(ui_ctx *u)
{
    if (u->step_tex)
        SDL_DestroyTexture(u->step_tex);
    u->step_tex = NULL;
}
