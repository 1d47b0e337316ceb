/* layout.c: the window's arrangement as a function of its size (layout.h).
 *
 * Three columns under a header and above a status line:
 *   1. the canvas (square, as large as fits), its tool row, the layer table;
 *   2. what the network sees, its answer, the ten bars, this drawing's chart;
 *   3. training: controls, progress, the loss and accuracy curves side by
 *      side, and under them the views that look inside the network (hidden
 *      layer, weights, why, mistakes, log) behind a row of tabs. */
#include "layout.h"

#include <math.h>

static int px(float v, float scale)
{
    return (int)lroundf(v * scale);
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static app_rect rect(int x, int y, int w, int h)
{
    return (app_rect){x, y, w < 0 ? 0 : w, h < 0 ? 0 : h};
}

/* Lays out n buttons in row r from left to right with the given relative
 * widths and spacing. */
static void row_of_buttons(app_layout *l, app_rect r, const layout_button *ids,
                           const float *weights, size_t n, int spacing)
{
    float total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    int avail = r.w - spacing * (int)(n - 1);
    int x = r.x;
    for (size_t i = 0; i < n; i++) {
        int w = i + 1 == n ? r.x + r.w - x : (int)((float)avail * weights[i] / total);
        l->buttons[ids[i]] = rect(x, r.y, w, r.h);
        x += w + spacing;
    }
}

float layout_fit_scale(int w, int h, float scale)
{
    if (!(scale > 0.0f) || !isfinite(scale))
        scale = 1.0f;
    if (scale > LAYOUT_MAX_SCALE)
        scale = LAYOUT_MAX_SCALE;
    float fit = fminf((float)w / LAYOUT_MIN_W, (float)h / LAYOUT_MIN_H);
    if (scale <= fit)
        return scale;
    /* In steps of 1/20, so that a window being dragged smaller does not
     * reload the fonts at every pixel. */
    fit = floorf(fit * 20.0f) / 20.0f;
    return fit < LAYOUT_MIN_SCALE ? LAYOUT_MIN_SCALE : fit;
}

void layout_compute(app_layout *l, int w, int h, float scale, size_t n_layers)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    l->w = w;
    l->h = h;
    scale = layout_fit_scale(w, h, scale);
    /* Only a drawable smaller than the minimum at LAYOUT_MIN_SCALE is laid
     * out larger than itself; the drawing is clipped to l->w x l->h. */
    w = w < px(LAYOUT_MIN_W, scale) ? px(LAYOUT_MIN_W, scale) : w;
    h = h < px(LAYOUT_MIN_H, scale) ? px(LAYOUT_MIN_H, scale) : h;
    if (n_layers < 1)
        n_layers = 1;
    if (n_layers > 16)
        n_layers = 16;

    l->scale = scale;
    int pad = l->pad = px(16, scale);
    int gap = l->gap = px(14, scale);

    l->header = rect(0, 0, w, px(48, scale));
    l->status = rect(0, h - px(30, scale), w, px(30, scale));
    int top = l->header.h + pad;
    int bottom = l->status.y - pad;
    int body_h = bottom - top;
    int body_w = w - 2 * pad - 2 * gap;

    // Column 1: canvas, tools, parameter table.
    int tools_h = px(36, scale);
    int row_h = px(20, scale);
    int table_h = (int)(n_layers + 3) * row_h + px(12, scale);
    int side = body_h - tools_h - table_h - 2 * gap;
    int by_width = (int)(0.38f * (float)body_w);
    if (side > by_width)
        side = by_width;
    /* The column keeps the width its tool row and table need (their four
     * buttons' labels and three columns of figures) when a deep network's
     * table leaves the canvas less: the canvas is centred in it. (Five
     * hidden layers at 900 x 600 made the column 234 px, and "Eraser" and
     * "MNIST: on" ran out of their buttons.) */
    int col_w = side;
    int least = px(LAYOUT_COLUMN1_MIN, scale) < by_width ? px(LAYOUT_COLUMN1_MIN, scale) : by_width;
    if (col_w < least)
        col_w = least;
    int x1 = pad;
    l->canvas = rect(x1 + (col_w - side) / 2, top, side, side);
    l->tools = rect(x1, top + side + gap, col_w, tools_h);
    l->params = rect(x1, l->tools.y + tools_h + gap, col_w, table_h);

    // Column 2: what the network sees and says.
    int wp = clampi((int)(0.2f * (float)body_w), px(200, scale), px(280, scale));
    int x2 = x1 + col_w + gap;
    int cap = px(22, scale);
    int cell = (int)floorf(fminf((float)wp * 0.62f, (float)px(140, scale)) / 28.0f);
    if (cell < 2)
        cell = 2;
    int guess_h = px(84, scale);
    int bar_row = px(22, scale);
    int min_chart = px(90, scale);
    int fixed = cap + 28 * cell + guess_h + 10 * bar_row + 3 * gap;
    if (body_h - fixed < min_chart) {
        guess_h = px(68, scale);
        bar_row = px(18, scale);
        fixed = cap + 28 * cell + guess_h + 10 * bar_row + 3 * gap;
        while (body_h - fixed < min_chart && cell > 2) {
            cell--;
            fixed -= 28;
        }
    }
    int y = top;
    l->preview = rect(x2, y, wp, cap + 28 * cell);
    y += l->preview.h + gap;
    l->guess = rect(x2, y, wp, guess_h);
    y += guess_h + gap;
    l->bars = rect(x2, y, wp, 10 * bar_row);
    y += l->bars.h + gap;
    l->digit_chart = rect(x2, y, wp, bottom - y);

    // Column 3: training.
    int x3 = x2 + wp + gap;
    int wr = w - pad - x3;
    y = top;
    // A short window (900 x 600) is compact: the rows above the view give
    // up a few pixels each, so that the view at the bottom (one neuron's
    // sum needs its lines) keeps its room beside the training bar.
    bool compact = bottom - top < px(520, scale);
    l->controls = rect(x3, y, wr, px(compact ? 32 : 36, scale));
    y += l->controls.h + px(compact ? 4 : 6, scale);
    l->trainbar = rect(x3, y, wr, px(compact ? 26 : 28, scale));
    y += l->trainbar.h + gap;
    l->progress = rect(x3, y, wr, px(compact ? 46 : 50, scale));
    y += l->progress.h + gap;
    int rest = bottom - y;
    int charts_h = clampi((int)((compact ? 0.2f : 0.25f) * (float)rest), px(compact ? 80 : 92, scale),
                          px(200, scale));
    int loss_w = (wr - gap) / 2;
    l->loss_chart = rect(x3, y, loss_w, charts_h);
    l->acc_chart = rect(x3 + loss_w + gap, y, wr - loss_w - gap, charts_h);
    y += charts_h + gap;
    int tabs_h = px(compact ? 28 : 30, scale);
    l->tabs = rect(x3, y, wr, tabs_h);
    y += tabs_h + px(compact ? 4 : 6, scale);
    l->view = rect(x3, y, wr, bottom - y);

    // Buttons.
    int sp = px(8, scale);
    static const layout_button tools[] = {BTN_CLEAR, BTN_UNDO, BTN_ERASE, BTN_PREPROCESS};
    static const float tool_w[] = {1.0f, 1.0f, 1.0f, 1.7f};
    row_of_buttons(l, l->tools, tools, tool_w, 4, sp);
    static const layout_button ctl[] = {BTN_TRAIN, BTN_RESET, BTN_SAVE};
    static const float ctl_w[] = {1.6f, 1.0f, 1.0f};
    row_of_buttons(l, l->controls, ctl, ctl_w, 3, sp);
    static const layout_button bar[] = {BTN_STEP,      BTN_SPEED_1,    BTN_SPEED_10,
                                        BTN_SPEED_100, BTN_SPEED_FULL, BTN_SETTINGS};
    static const float bar_w[] = {1.0f, 0.75f, 0.85f, 0.95f, 0.85f, 1.6f};
    row_of_buttons(l, l->trainbar, bar, bar_w, 6, px(4, scale));
    static const layout_button tabs[] = {BTN_TAB_HIDDEN,   BTN_TAB_WEIGHTS, BTN_TAB_WHY,
                                         BTN_TAB_MISTAKES, BTN_TAB_LOG,     BTN_TAB_NEURON,
                                         BTN_TAB_NETWORK};
    // As wide as their short names ("Hidden", "Weights", "Why", ...), so that
    // all seven fit a 900 x 600 window.
    static const float tab_w[] = {1.12f, 1.24f, 0.78f, 1.36f, 0.68f, 1.17f, 0.7f};
    row_of_buttons(l, l->tabs, tabs, tab_w, 7, px(4, scale));
    int hb = px(30, scale);
    l->buttons[BTN_HELP] = rect(w - pad - hb, (l->header.h - hb) / 2, hb, hb);
}

size_t layout_panels(const app_layout *l, app_rect *rects, const char **names, size_t max)
{
    const struct {
        const char *name;
        app_rect r;
    } all[] = {
        {"header", l->header},         {"status", l->status},     {"canvas", l->canvas},
        {"tools", l->tools},           {"params", l->params},     {"preview", l->preview},
        {"guess", l->guess},           {"bars", l->bars},         {"digit_chart", l->digit_chart},
        {"controls", l->controls},     {"progress", l->progress},     {"loss_chart", l->loss_chart},
        {"acc_chart", l->acc_chart},   {"tabs", l->tabs},         {"view", l->view},
        {"trainbar", l->trainbar},
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n && i < max; i++) {
        if (rects)
            rects[i] = all[i].r;
        if (names)
            names[i] = all[i].name;
    }
    return n;
}

bool rect_contains(app_rect r, float x, float y)
{
    return x >= (float)r.x && y >= (float)r.y && x < (float)(r.x + r.w) &&
           y < (float)(r.y + r.h);
}

layout_button layout_button_at(const app_layout *l, float x, float y)
{
    for (int i = 0; i < BTN_COUNT; i++)
        if (rect_contains(l->buttons[i], x, y))
            return (layout_button)i;
    return BTN_NONE;
}
