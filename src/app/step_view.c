/* step_view.c: the single step's card (step_view.h). */
#include "step_view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void step_view_init(step_view *v)
{
    memset(v, 0, sizeof *v);
}

void step_view_take(step_view *v, const trainer_event *ev)
{
    v->ev = *ev;
    v->have = true;
    v->visible = true;
}

void step_view_hide(step_view *v)
{
    v->visible = false;
}

void step_view_forget(step_view *v)
{
    step_view_init(v);
}

void panel_step_of(const step_view *v, panel_step *out)
{
    memset(out, 0, sizeof *out);
    if (!v->have || !v->visible)
        return;
    const trainer_event *e = &v->ev;
    out->visible = true;
    out->global_step = e->global_step;
    snprintf(out->title, sizeof out->title, "Step %llu: one batch of %zu image%s",
             (unsigned long long)e->global_step, e->batch, e->batch == 1 ? "" : "s");
    size_t right = (size_t)lround((double)e->batch_accuracy * (double)e->batch);
    double rel = e->weight_norm > 0 ? 100.0 * e->weight_move / e->weight_norm : 0.0;
    snprintf(out->figures, sizeof out->figures,
             "loss %.4f · %zu/%zu right · weights moved %.3g (%.2g %%)",
             (double)e->batch_loss, right, e->batch, e->weight_move, rel);
    if (e->shown < e->batch)
        snprintf(out->caption, sizeof out->caption,
                 "its first %zu, answered before the step (green: right)", e->shown);
    else
        snprintf(out->caption, sizeof out->caption,
                 "answered before the step (green: right, red: wrong)");
    out->n = e->shown;
    memcpy(out->index, e->shown_index, sizeof out->index);
    memcpy(out->label, e->shown_label, sizeof out->label);
    memcpy(out->answer, e->shown_answer, sizeof out->answer);
}

static int px(float v, float scale)
{
    return (int)lroundf(v * scale);
}

void step_view_geom(app_rect area, float scale, size_t n, step_geom *g)
{
    memset(g, 0, sizeof *g);
    if (n > TRAINER_STEP_SHOWN)
        n = TRAINER_STEP_SHOWN;
    g->n = n;
    g->card = area;
    int inset = px(10, scale);
    int cb = px(22, scale);
    g->close = (app_rect){area.x + area.w - inset - cb, area.y + px(6, scale), cb, cb};
    int line = px(18, scale);
    for (int i = 0; i < 3; i++)
        g->text_y[i] = area.y + px(8, scale) + i * line;
    int top = g->text_y[2] + line + px(4, scale);
    int cols = 8, rows = (int)((n + 7) / 8);
    if (rows < 1)
        rows = 1;
    int sp = px(4, scale);
    int w = area.w - 2 * inset, h = area.y + area.h - inset - top;
    int by_w = (w - (cols - 1) * sp) / cols, by_h = (h - (rows - 1) * sp) / rows;
    int side = by_w < by_h ? by_w : by_h;
    if (side < 8)
        side = 8;
    int x0 = area.x + inset + (w - (cols * side + (cols - 1) * sp)) / 2;
    for (size_t i = 0; i < n; i++) {
        int c = (int)(i % 8), r = (int)(i / 8);
        g->tiles[i] = (app_rect){x0 + c * (side + sp), top + r * (side + sp), side, side};
    }
}
