/* view_why.c: view 3, which pixels pushed the answer (views.h). */
#include "views.h"

#include <math.h>
#include <string.h>

#include "core/inspect.h"

int view_why_class(const views *v, const view_ctx *c)
{
    if (!c->score->has_guess)
        return -1;
    if (v->why.why_class >= 0 && (size_t)v->why.why_class < c->score->n_classes)
        return v->why.why_class;
    return (int)c->score->guess;
}

void view_saliency_sums(const views *v, float *pushed_up, float *pulled_down)
{
    float up = 0.0f, down = 0.0f;
    for (size_t i = 0; v->why.has_saliency && i < CANVAS_N * CANVAS_N; i++) {
        if (v->why.saliency[i] > 0.0f)
            up += v->why.saliency[i];
        else
            down += v->why.saliency[i];
    }
    *pushed_up = up;
    *pulled_down = down;
}

float view_saliency_scale(const views *v)
{
    float m = 0.0f;
    for (size_t i = 0; v->why.has_saliency && i < CANVAS_N * CANVAS_N; i++)
        m = fmaxf(m, fabsf(v->why.saliency[i]));
    return 0.6f * m;
}

bool view_saliency(views *v, const view_ctx *c)
{
    view_why_state *w = &v->why;
    const mlp *net = &c->model->net;
    int cls = view_why_class(v, c);
    if (cls < 0 || !c->model->have || !v->inspect_scratch ||
        net->sizes[0] != CANVAS_N * CANVAS_N) {
        if (w->has_saliency) {
            w->has_saliency = false;
            w->saliency_version++;
        }
        return false;
    }
    bool same_subject = w->has_saliency && w->saliency_class == (size_t)cls &&
                        w->saliency_input == v->views_input;
    if (same_subject && w->saliency_net == v->views_net)
        return true;
    if (w->gradient) // where ink would push the class, ink or not
        inspect_input_gradient(net, c->score->input, (size_t)cls, w->saliency,
                               v->inspect_scratch);
    else
        inspect_saliency(net, c->score->input, (size_t)cls, w->saliency, v->inspect_scratch);
    w->saliency_class = (size_t)cls;
    w->saliency_input = v->views_input;
    w->saliency_net = v->views_net;
    w->has_saliency = true;
    w->saliency_version++;
    if (!same_subject) {
        float up, down;
        view_saliency_sums(v, &up, &down);
        event_saliency(c->events, cls, view_class_label(c, (size_t)cls), w->gradient, up, down);
    }
    return true;
}

void view_why_layout_of(const view_ctx *c, view_why_layout *l)
{
    memset(l, 0, sizeof *l);
    app_rect v = view_inner(c);
    int cap = view_caption_h(c), gap = view_px(c, 16);
    l->caption = view_rect(v.x, v.y, v.w, cap);
    app_rect area = view_rect(v.x, v.y + cap, v.w, v.h - cap);
    int side = area.w - view_px(c, 172) - gap;
    if (side > area.h)
        side = area.h;
    if (side >= CANVAS_N)
        side = side / CANVAS_N * CANVAS_N;
    l->heat = view_rect(area.x, area.y, side, side);
    l->side = view_rect(area.x + side + gap, area.y, area.x + area.w - (area.x + side + gap),
                        area.h);
}
