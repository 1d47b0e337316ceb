/* view_mistakes.c: view 4, the test set's confusion matrix and the images
 * of one of its cells (views.h). */
#include "views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void view_confusion_counts(const uint8_t *labels, const uint8_t *predicted, size_t first,
                           size_t n, uint32_t out[10][10])
{
    memset(out, 0, 10 * sizeof out[0]);
    for (size_t i = first; i < first + n; i++)
        if (labels[i] < 10 && predicted[i] < 10)
            out[labels[i]][predicted[i]]++;
}

static uint8_t mix(int a, int b, float t)
{
    return (uint8_t)lrintf((float)a + ((float)b - (float)a) * t);
}

void view_confusion_color(uint32_t count, uint32_t row_total, uint32_t max_off, bool diagonal,
                          uint8_t rgb[3])
{
    static const int empty[3] = {30, 33, 42}, good[3] = {62, 168, 110}, bad[3] = {232, 84, 84};
    float t = 0.0f;
    if (diagonal && row_total)
        t = (float)count / (float)row_total;
    else if (!diagonal && max_off && count)
        t = 0.12f + 0.88f * sqrtf((float)count / (float)max_off);
    const int *end = diagonal ? good : bad;
    for (int k = 0; k < 3; k++)
        rgb[k] = mix(empty[k], end[k], t > 1.0f ? 1.0f : t);
}

typedef struct ranked {
    float key;
    uint32_t index;
} ranked;

static int by_key(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Lists the open cell's images from the latest answers. */
static void fill_gallery(view_mistakes_state *m, const view_ctx *c)
{
    m->n_gallery = 0;
    m->gallery_version++;
    if (m->gallery_true == VIEW_NO_CELL || !m->has_preds || !m->gallery || !c->data)
        return;
    size_t n = c->data->test.count < m->n_test ? c->data->test.count : m->n_test;
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return;
    size_t k = 0;
    bool diagonal = m->gallery_true == m->gallery_pred;
    for (size_t i = 0; i < n; i++) {
        if (c->data->test.labels[i] != m->gallery_true || m->test_pred[i] != m->gallery_pred)
            continue;
        // Off the diagonal the most confident mistakes first; on it the closest calls.
        r[k].key = diagonal ? m->test_conf[i] : -m->test_conf[i];
        r[k].index = (uint32_t)i;
        k++;
    }
    qsort(r, k, sizeof *r, by_key);
    for (size_t i = 0; i < k; i++)
        m->gallery[i] = r[i].index;
    free(r);
    m->n_gallery = k;
    if (m->gallery_first >= k)
        m->gallery_first = 0;
}

void views_open_gallery(views *v, const view_ctx *c, int t, int p)
{
    view_mistakes_state *m = &v->mistakes;
    if (t < 0 || t >= 10 || p < 0 || p >= 10)
        return;
    m->gallery_true = t;
    m->gallery_pred = p;
    m->gallery_first = 0;
    fill_gallery(m, c);
    if (m->has_preds)
        event_gallery(c->events, t, p, m->n_gallery);
}

void views_close_gallery(views *v)
{
    view_mistakes_state *m = &v->mistakes;
    m->gallery_true = m->gallery_pred = VIEW_NO_CELL;
    m->n_gallery = 0;
    m->gallery_first = 0;
    v->hover_thumb = -1;
    m->gallery_version++;
}

void views_on_confusion(views *v, const view_ctx *c, const trainer_event *ev, size_t epoch)
{
    view_mistakes_state *m = &v->mistakes;
    memcpy(m->confusion, ev->confusion, sizeof m->confusion);
    m->has_confusion = true;
    m->confusion_epoch = epoch;
    m->confusion_accuracy = ev->val_accuracy;
    m->confusion_version++;
    event_confusion(c->events, epoch, ev->kind == TRAINER_EV_EPOCH, ev->val_accuracy,
                    (const uint32_t(*)[10])m->confusion);
}

void views_answer_buffers(views *v, uint8_t **predicted, float **confidence)
{
    *predicted = v->mistakes.test_pred;
    *confidence = v->mistakes.test_conf;
}

void views_on_answers(views *v, const view_ctx *c)
{
    view_mistakes_state *m = &v->mistakes;
    bool first = !m->has_preds;
    m->has_preds = m->test_pred != NULL;
    fill_gallery(m, c);
    if (first && m->has_preds && m->gallery_true != VIEW_NO_CELL)
        event_gallery(c->events, m->gallery_true, m->gallery_pred, m->n_gallery);
}

void views_forget_answers(views *v, const view_ctx *c)
{
    view_mistakes_state *m = &v->mistakes;
    m->has_confusion = false;
    m->has_preds = false;
    m->confusion_version++;
    fill_gallery(m, c);
}

int view_matrix_cell_at(const view_mistakes_layout *l, float x, float y)
{
    if (!l->show_matrix || l->cell_w <= 0 || l->cell_h <= 0 || !rect_contains(l->matrix, x, y))
        return -1;
    int p = (int)((x - (float)l->matrix.x) / (float)l->cell_w);
    int t = (int)((y - (float)l->matrix.y) / (float)l->cell_h);
    return t >= 0 && t < 10 && p >= 0 && p < 10 ? t * 10 + p : -1;
}

void view_mistakes_layout_of(const views *vs, const view_ctx *c, view_mistakes_layout *l)
{
    memset(l, 0, sizeof *l);
    app_rect v = view_inner(c);
    int cap = view_caption_h(c), label = view_px(c, 18), hint = view_px(c, 18), gap = view_px(c, 14);
    l->caption = view_rect(v.x, v.y, v.w, cap);
    app_rect area = view_rect(v.x, v.y + cap, v.w, v.h - cap);
    int by_h = (area.h - label - hint) / 10;
    if (by_h < view_px(c, 20)) { // a small window: no line under the matrix
        hint = 0;
        by_h = (area.h - label) / 10;
    }
    int cap_cell = view_px(c, 40);
    l->show_matrix = true;
    l->hint = hint > 0;
    bool open = vs->mistakes.gallery_true != VIEW_NO_CELL;
    /* Square cells, with the gallery (or, with no cell open, a hint) beside
     * the matrix where there is room for both; in a small window the cells
     * take the width they can (wider than high) and an open gallery takes
     * the whole view. */
    int min_gallery = view_px(c, 150);
    int beside = (area.w - label - gap - min_gallery) / 10;
    if (beside > by_h)
        beside = by_h;
    if (beside > cap_cell)
        beside = cap_cell;
    if (beside >= view_px(c, 18)) {
        l->cell_w = l->cell_h = beside;
        int gx = area.x + label + 10 * beside + gap;
        l->gallery = view_rect(gx, area.y, area.x + area.w - gx, area.h);
    } else {
        int by_w = (area.w - label) / 10;
        l->cell_h = by_h < cap_cell ? by_h : cap_cell;
        l->cell_w = by_w < cap_cell ? by_w : cap_cell;
        if (l->cell_w > 2 * l->cell_h)
            l->cell_w = 2 * l->cell_h;
        if (open) {
            l->show_matrix = false;
            l->gallery = area;
        }
    }
    l->matrix = view_rect(area.x + label, area.y + label, 10 * l->cell_w, 10 * l->cell_h);
    if (!open)
        return;
    app_rect g = l->gallery;
    int gc = view_px(c, 24);
    l->gallery_caption = view_rect(g.x, g.y, g.w, gc);
    int b = gc - view_px(c, 2);
    l->close = view_rect(g.x + g.w - b, g.y, b, b);
    l->next = view_rect(l->close.x - view_px(c, 6) - b, g.y, b, b);
    l->prev = view_rect(l->next.x - view_px(c, 4) - b, g.y, b, b);
    app_rect t = view_rect(g.x, g.y + gc + view_px(c, 6), g.w, g.h - gc - view_px(c, 6));
    int thumb = view_px(c, 44), tgap = view_px(c, 16), text = view_px(c, 16);
    view_grid *tg = &l->thumbs;
    tg->cell = thumb;
    tg->pitch = thumb + tgap;
    tg->pitch_y = thumb + text + view_px(c, 6);
    tg->cols = (t.w + tgap) / tg->pitch;
    tg->rows = (t.h + view_px(c, 6)) / tg->pitch_y;
    if (tg->cols < 1 || tg->rows < 1) {
        tg->cols = tg->rows = 0;
        return;
    }
    tg->x = t.x;
    tg->y = t.y;
    size_t page = (size_t)tg->cols * (size_t)tg->rows;
    if (page > UI_VIEW_MAX_THUMBS)
        page = UI_VIEW_MAX_THUMBS;
    size_t left = vs->mistakes.n_gallery > vs->mistakes.gallery_first ? vs->mistakes.n_gallery - vs->mistakes.gallery_first : 0;
    tg->n = left < page ? left : page;
}

