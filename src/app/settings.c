/* settings.c: the training settings panel's values, steps and geometry
 * (settings.h). */
#include "settings.h"

#include <math.h>
#include <string.h>

const mlp_activation settings_activations[4] = {MLP_ACT_RELU, MLP_ACT_LINEAR, MLP_ACT_SIGMOID,
                                                MLP_ACT_TANH};

void settings_init(settings_panel *p)
{
    memset(p, 0, sizeof *p);
    p->hidden[0] = 128;
    p->n_hidden = 1;
    p->act = MLP_ACT_RELU;
}

void settings_open(settings_panel *p, const mlp *net)
{
    p->visible = true;
    p->asking = false;
    if (!net || net->n_layers < 1)
        return;
    p->n_hidden = 0;
    for (size_t l = 1; l < net->n_layers && p->n_hidden < SETTINGS_MAX_HIDDEN; l++)
        p->hidden[p->n_hidden++] = net->sizes[l];
    p->act = net->n_layers > 1 ? net->layers[0].act : MLP_ACT_RELU;
    if (p->row >= (int)settings_rows(p))
        p->row = 0;
}

bool settings_shape_changed(const settings_panel *p, const mlp *net)
{
    if (!net || net->n_layers != p->n_hidden + 1)
        return true;
    for (size_t i = 0; i < p->n_hidden; i++)
        if (net->sizes[i + 1] != p->hidden[i])
            return true;
    return p->n_hidden > 0 && net->layers[0].act != p->act;
}

/* The lr's scale: 1 and 3 in each decade from 1e-5 to 1. */
static const double lr_scale[] = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0};
#define LR_N (sizeof lr_scale / sizeof lr_scale[0])

double settings_lr_step(double lr, int dir)
{
    // Compared with a relative margin: 0.001 given as a decimal is on the scale.
    if (dir > 0) {
        for (size_t i = 0; i < LR_N; i++)
            if (lr_scale[i] > lr * (1 + 1e-9))
                return lr_scale[i];
        return lr_scale[LR_N - 1];
    }
    if (dir < 0) {
        for (size_t i = LR_N; i-- > 0;)
            if (lr_scale[i] < lr * (1 - 1e-9))
                return lr_scale[i];
        return lr_scale[0];
    }
    return lr;
}

/* The power of two after (dir > 0) or before v, within lo..hi. */
static size_t pow2_step(size_t v, int dir, size_t lo, size_t hi)
{
    size_t p = lo;
    if (dir > 0) {
        while (p <= v && p < hi)
            p *= 2;
        return p > hi ? hi : p;
    }
    if (dir < 0) {
        size_t below = lo;
        while (p < v && p <= hi) {
            below = p;
            p *= 2;
        }
        return below;
    }
    return v;
}

size_t settings_batch_step(size_t batch, int dir)
{
    return pow2_step(batch, dir, 1, SETTINGS_MAX_BATCH);
}

size_t settings_width_step(size_t width, int dir)
{
    return pow2_step(width, dir, 1, SETTINGS_MAX_WIDTH);
}

size_t settings_epochs_step(size_t epochs, int dir)
{
    if (dir > 0)
        return epochs < SETTINGS_MAX_EPOCHS ? epochs + 1 : SETTINGS_MAX_EPOCHS;
    if (dir < 0)
        return epochs > 1 ? epochs - 1 : 1;
    return epochs;
}

mlp_activation settings_activation_step(mlp_activation act, int dir)
{
    int at = 0;
    for (int i = 0; i < 4; i++)
        if (settings_activations[i] == act)
            at = i;
    at = (at + (dir > 0 ? 1 : dir < 0 ? 3 : 0)) % 4;
    return settings_activations[at];
}

bool settings_add_layer(settings_panel *p)
{
    if (p->n_hidden >= SETTINGS_MAX_HIDDEN)
        return false;
    p->hidden[p->n_hidden] = p->n_hidden ? p->hidden[p->n_hidden - 1] : 128;
    p->n_hidden++;
    return true;
}

bool settings_remove_layer(settings_panel *p, size_t i)
{
    if (i >= p->n_hidden)
        return false;
    memmove(p->hidden + i, p->hidden + i + 1, (p->n_hidden - i - 1) * sizeof *p->hidden);
    p->n_hidden--;
    return true;
}

size_t settings_rows(const settings_panel *p)
{
    return SETTINGS_ROW_LAYER0 + p->n_hidden + (p->n_hidden < SETTINGS_MAX_HIDDEN ? 1 : 0);
}

static int px(float v, float scale)
{
    return (int)lroundf(v * scale);
}

void settings_geom_of(const settings_panel *p, const app_layout *l, settings_geom *g)
{
    memset(g, 0, sizeof *g);
    float s = l->scale;
    int margin = px(8, s);
    int w = px(560, s), top_h = px(52, s), bottom_h = px(108, s);
    size_t n = settings_rows(p);
    int row_h = px(30, s);
    if (w > l->w - 2 * margin)
        w = l->w - 2 * margin;
    int h = top_h + (int)n * row_h + bottom_h;
    if (h > l->h - 2 * margin) {
        h = l->h - 2 * margin;
        row_h = (h - top_h - bottom_h) / (int)n;
    }
    g->card = (app_rect){(l->w - w) / 2, (l->h - h) / 2, w, h};
    int inset = px(20, s);
    int cb = px(26, s);
    g->close = (app_rect){g->card.x + w - inset - cb, g->card.y + px(12, s), cb, cb};
    g->title_y = g->card.y + px(14, s);
    g->n_rows = n;
    int label_w = px(170, s), btn = row_h - px(6, s) > px(26, s) ? px(26, s) : row_h - px(6, s);
    if (btn < 8)
        btn = 8;
    int value_w = px(96, s), sp = px(6, s);
    int x = g->card.x + inset;
    int y = g->card.y + top_h;
    for (size_t r = 0; r < n; r++, y += row_h) {
        g->row[r] = (app_rect){x, y, w - 2 * inset, row_h};
        int by = y + (row_h - btn) / 2;
        int bx = x + label_w;
        g->minus[r] = (app_rect){bx, by, btn, btn};
        g->value[r] = (app_rect){bx + btn + sp, by, value_w, btn};
        g->plus[r] = (app_rect){bx + btn + 2 * sp + value_w, by, btn, btn};
        if (r >= SETTINGS_ROW_LAYER0 && r - SETTINGS_ROW_LAYER0 < p->n_hidden)
            g->remove[r - SETTINGS_ROW_LAYER0] =
                (app_rect){g->plus[r].x + btn + 2 * sp, by, px(80, s), btn};
        if (r == SETTINGS_ROW_ACTIVATION) {
            int aw = (w - 2 * inset - label_w - 3 * sp) / 4;
            if (aw > px(84, s))
                aw = px(84, s);
            for (int i = 0; i < 4; i++)
                g->act[i] = (app_rect){bx + i * (aw + sp), by, aw, btn};
        }
    }
    // "add a layer" spans the row's buttons.
    if (p->n_hidden < SETTINGS_MAX_HIDDEN) {
        size_t r = n - 1;
        g->minus[r] = (app_rect){g->minus[r].x, g->minus[r].y, px(210, s), g->minus[r].h};
        g->plus[r] = g->value[r] = (app_rect){0, 0, 0, 0};
    }
    g->note_y = y + px(6, s);
    int bh = px(30, s);
    int by = g->card.y + h - px(14, s) - bh;
    int aw = px(230, s), cw = px(90, s);
    g->apply = (app_rect){g->card.x + w - inset - aw, by, aw, bh};
    g->cancel = (app_rect){g->apply.x - px(10, s) - cw, by, cw, bh};
}

settings_hit settings_hit_at(const settings_geom *g, const settings_panel *p, float x, float y)
{
    settings_hit h = {SETTINGS_HIT_NONE, -1, -1};
    if (!rect_contains(g->card, x, y))
        return h;
    h.kind = SETTINGS_HIT_CARD;
    if (rect_contains(g->close, x, y)) {
        h.kind = SETTINGS_HIT_CLOSE;
        return h;
    }
    if (rect_contains(g->apply, x, y)) {
        h.kind = SETTINGS_HIT_APPLY;
        return h;
    }
    if (p->asking && rect_contains(g->cancel, x, y)) {
        h.kind = SETTINGS_HIT_CANCEL;
        return h;
    }
    for (size_t r = 0; r < g->n_rows; r++) {
        if (!rect_contains(g->row[r], x, y))
            continue;
        h.row = (int)r;
        bool add = p->n_hidden < SETTINGS_MAX_HIDDEN && r + 1 == g->n_rows;
        if (r == SETTINGS_ROW_ACTIVATION) {
            for (int i = 0; i < 4; i++)
                if (rect_contains(g->act[i], x, y)) {
                    h.kind = SETTINGS_HIT_ACT;
                    h.which = i;
                }
        } else if (add) {
            if (rect_contains(g->minus[r], x, y))
                h.kind = SETTINGS_HIT_ADD;
        } else if (rect_contains(g->minus[r], x, y)) {
            h.kind = SETTINGS_HIT_MINUS;
        } else if (rect_contains(g->plus[r], x, y)) {
            h.kind = SETTINGS_HIT_PLUS;
        } else if (r >= SETTINGS_ROW_LAYER0 &&
                   rect_contains(g->remove[r - SETTINGS_ROW_LAYER0], x, y)) {
            h.kind = SETTINGS_HIT_REMOVE;
        }
        return h;
    }
    return h;
}
