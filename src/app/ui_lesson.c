/* ui_lesson.c: the lesson's card and the outline of the part it points at
 * (lesson.h), drawn over the panels like the shortcut overlay. */
#include "ui.h"
#include "ui_views.h"

#include <stdio.h>

static void button(ui_ctx *u, app_rect r, const char *label, bool enabled, bool hover)
{
    SDL_Rect b = ui_rect(r);
    ui_fill_round(u, b, (float)ui_px(u, 6),
                  !enabled ? UI_PANEL : hover ? UI_BUTTON_HOVER : UI_BUTTON_HOVER);
    text_draw_in(u->text, FONT_BOLD, label, b, enabled ? UI_TEXT : UI_DIM, TEXT_CENTER);
}

void ui_lesson_draw(ui_ctx *u, const app_state *s)
{
    if (!s->lesson.on)
        return;
    size_t i = s->lesson.step;
    const lesson_step *st = lesson_step_at(i);
    if (!st)
        return;
    lesson_layout ll;
    lesson_layout_of(&s->layout, i, &ll);
    // The part the step is about, outlined.
    int ow = ui_px(u, 3) > 2 ? ui_px(u, 3) : 2;
    SDL_Rect t = ui_rect(ll.target);
    int m = ui_px(u, 4);
    uv_outline(u, (SDL_Rect){t.x - m, t.y - m, t.w + 2 * m, t.h + 2 * m}, ow, UI_TRAIN);

    SDL_Rect c = ui_rect(ll.card);
    ui_fill_round(u, (SDL_Rect){c.x - 1, c.y - 1, c.w + 2, c.h + 2}, (float)ui_px(u, 9),
                  ui_alpha(UI_TRAIN, 200));
    ui_fill_round(u, c, (float)ui_px(u, 8), (SDL_Color){30, 34, 43, 255});
    int inset = ui_px(u, 14);
    char head[96];
    snprintf(head, sizeof head, "LESSON %zu/%d", i + 1, LESSON_STEPS);
    int y = c.y + ui_px(u, 10);
    int hw = text_draw(u->text, FONT_CAPTION, head, c.x + inset, y + ui_px(u, 3), UI_TRAIN,
                       TEXT_LEFT);
    uv_text_fit(u, FONT_TITLE, st->title, c.x + inset + hw + ui_px(u, 10), y,
                ll.close.x - (c.x + inset + hw + ui_px(u, 10)) - ui_px(u, 4), UI_TEXT);
    y += text_height(u->text, FONT_TITLE) + ui_px(u, 6);
    char text[600];
    const mlp *net = s->model.have ? &s->model.net : NULL;
    lesson_text(i, net, s->model.meta.height, s->model.meta.width, text, sizeof text);
    SDL_Rect body = {c.x + inset, y, c.w - 2 * inset, ll.next.y - ui_px(u, 4) - y};
    // A narrow card (a small window) takes the smaller font to keep every word.
    uv_text_wrap(u, ll.card.w < ui_px(u, 420) ? FONT_SMALL : FONT_BODY, text, body, y, UI_TEXT);
    button(u, ll.back, "Back", i > 0, false);
    button(u, ll.next, i + 1 < LESSON_STEPS ? "Next" : "Done", true, false);
    text_draw_in(u->text, FONT_BOLD, "×", ui_rect(ll.close), UI_DIM, TEXT_CENTER);
    int sh = text_height(u->text, FONT_SMALL);
    uv_text_fit(u, FONT_SMALL, "keys: Left, Right", c.x + inset,
                ll.next.y + (ll.next.h - sh) / 2, ll.back.x - c.x - inset - ui_px(u, 6), UI_DIM);
}
