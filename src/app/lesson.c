/* lesson.c: the article walked through on the live window (lesson.h). */
#include "lesson.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"

/* Our own words, one step a row. */
static const lesson_step steps[LESSON_STEPS] = {
    {"The data",
     "MNIST's 70,000 handwritten digits are {h}x{w} pixels, each a value from 0 (no ink) to "
     "255 (full ink). The network gets each value divided by 255: a number from 0 to 1. Hover "
     "the outlined picture to read a pixel both ways.",
     LESSON_AT_PREVIEW, -1, false},
    {"Flatten",
     "Flatten lays the {h}x{w} grid out as one line of {in} numbers, row after row; from then "
     "on the network does not know which pixels were neighbours. The table's first row: {in} "
     "inputs, nothing to learn.",
     LESSON_AT_PARAMS, -1, false},
    {"Dense",
     "Each of the {hidden} hidden units multiplies each of the {in} inputs by a weight of its "
     "own, adds up the products and a bias. View 6 works one unit out for your drawing; view 2 "
     "draws every unit's {in} weights as a {h}x{w} tile.",
     LESSON_AT_VIEW, VIEW_NEURON, false},
    {"ReLU",
     "ReLU passes a positive sum on and turns a negative one into 0. View 1 lights each hidden "
     "unit by its output for your drawing and counts those switched off: usually more than "
     "half of them.",
     LESSON_AT_VIEW, VIEW_HIDDEN, false},
    {"Softmax",
     "The last layer gives {out} raw scores, one per digit (beside the bars). Softmax raises e "
     "to each, adds them up and divides each by that total, so the {out} shares sum to 1: "
     "worked out here, in place of the bars.",
     LESSON_AT_BARS, -1, true},
    {"Counting parameters",
     "Every weight and bias is a number that training adjusts: {in} x {hidden} + {hidden} = "
     "{p1} in the hidden layer, {hidden} x {out} + {out} = {p2} in the output layer, {total} in "
     "all, as the table adds up.",
     LESSON_AT_PARAMS, -1, false},
    {"Training",
     "Training shows the network a batch of images, compares its answers with the labels (the "
     "loss, -log of the right digit's share), nudges every parameter to lower it, repeats. "
     "Space trains: fresh weights (R) climb from 10 %, trained ones from their curve's end.",
     LESSON_AT_CURVES, -1, false},
    {"Deeper networks",
     "More hidden layers can be stacked: digitpad --layers 256,128,64 trains three. This "
     "network has {layers}; view 7 draws it whole. On MNIST the deeper one ends near the single "
     "layer's 97-98 %, with more than twice the parameters.",
     LESSON_AT_VIEW, VIEW_NETWORK, false},
};

const lesson_step *lesson_step_at(size_t i)
{
    return i < LESSON_STEPS ? &steps[i] : NULL;
}

void lesson_init(lesson *l, bool on)
{
    l->on = on;
    l->step = 0;
    l->status_before[0] = '\0';
    l->status_before_error = false;
}

bool lesson_move(lesson *l, int dir)
{
    if (dir < 0 && l->step > 0) {
        l->step--;
        return true;
    }
    if (dir > 0 && l->step + 1 < LESSON_STEPS) {
        l->step++;
        return true;
    }
    return false;
}

/* A placeholder's value for net, or NULL when name is none of them. */
static const char *value_of(const char *name, size_t n, const mlp *net, size_t h, size_t w,
                            char *buf, size_t len)
{
    size_t layers = net && net->n_layers ? net->n_layers : 0;
    size_t in = layers ? net->sizes[0] : h * w;
    size_t hidden = layers > 1 ? net->sizes[1] : 0;
    size_t out = layers ? net->sizes[layers] : 10;
    unsigned long long p1 = layers ? (unsigned long long)net->sizes[0] * net->sizes[1] + net->sizes[1] : 0;
    unsigned long long p2 = layers > 1 ? (unsigned long long)net->sizes[1] * net->sizes[2] + net->sizes[2] : 0;
    unsigned long long total = 0;
    for (size_t l = 0; l < layers; l++)
        total += (unsigned long long)net->sizes[l] * net->sizes[l + 1] + net->sizes[l + 1];
#define IS(s) (n == sizeof(s) - 1 && !memcmp(name, s, n))
    if (IS("in"))
        format_thousands(buf, len, in);
    else if (IS("hidden"))
        format_thousands(buf, len, hidden);
    else if (IS("out"))
        snprintf(buf, len, "%zu", out);
    else if (IS("p1"))
        format_thousands(buf, len, p1);
    else if (IS("p2"))
        format_thousands(buf, len, p2);
    else if (IS("total"))
        format_thousands(buf, len, total);
    else if (IS("h"))
        snprintf(buf, len, "%zu", h);
    else if (IS("w"))
        snprintf(buf, len, "%zu", w);
    else if (IS("layers"))
        snprintf(buf, len, "%zu hidden layer%s", layers ? layers - 1 : 0,
                 layers == 2 ? "" : "s");
    else
        return NULL;
#undef IS
    return buf;
}

void lesson_text(size_t i, const mlp *net, size_t h, size_t w, char *out, size_t len)
{
    if (len == 0)
        return;
    out[0] = '\0';
    const lesson_step *st = lesson_step_at(i);
    if (!st)
        return;
    size_t at = 0;
    for (const char *p = st->text; *p && at + 1 < len;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        char buf[32];
        const char *v = close ? value_of(p + 1, (size_t)(close - p - 1), net, h, w, buf, sizeof buf)
                              : NULL;
        if (v) {
            size_t k = strlen(v);
            if (at + k >= len)
                k = len - 1 - at;
            memcpy(out + at, v, k);
            at += k;
            p = close + 1;
        } else {
            out[at++] = *p++;
        }
    }
    out[at] = '\0';
}

static bool overlaps(app_rect a, app_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static app_rect target_of(const app_layout *l, lesson_target at)
{
    switch (at) {
    case LESSON_AT_PREVIEW:
        return l->preview;
    case LESSON_AT_PARAMS:
        return l->params;
    case LESSON_AT_VIEW:
        return (app_rect){l->tabs.x, l->tabs.y, l->tabs.w, l->view.y + l->view.h - l->tabs.y};
    case LESSON_AT_BARS: {
        int bottom = l->digit_chart.y + l->digit_chart.h;
        return (app_rect){l->bars.x, l->bars.y, l->bars.w, bottom - l->bars.y};
    }
    case LESSON_AT_CURVES:
        return (app_rect){l->controls.x, l->controls.y,
                          l->acc_chart.x + l->acc_chart.w - l->controls.x,
                          l->loss_chart.y + l->loss_chart.h - l->controls.y};
    }
    return l->view;
}

static int px(const app_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

void lesson_layout_of(const app_layout *l, size_t i, lesson_layout *out)
{
    memset(out, 0, sizeof *out);
    const lesson_step *st = lesson_step_at(i);
    if (!st)
        return;
    out->target = target_of(l, st->at);
    /* The card: as wide as the right column (at least 340 design pixels)
     * and 180 high, at the first of these places that leaves the target
     * in sight: over the lower right (the view), the lower left (the
     * canvas's bottom and the table), the upper right (the controls). */
    int w = l->view.w > px(l, 340) ? l->view.w : px(l, 340);
    if (w > l->w - 2 * l->pad)
        w = l->w - 2 * l->pad;
    int h = px(l, 180);
    int bottom = l->status.y - l->pad;
    app_rect places[] = {
        {l->w - l->pad - w, bottom - h, w, h},
        {l->pad, bottom - h, w, h},
        {l->w - l->pad - w, l->controls.y, w, h},
        {l->pad, l->canvas.y, w, h},
    };
    out->card = places[0];
    for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
        if (!overlaps(places[k], out->target)) {
            out->card = places[k];
            break;
        }
    app_rect c = out->card;
    int bw = px(l, 84), bh = px(l, 28), m = px(l, 10);
    out->next = (app_rect){c.x + c.w - m - bw, c.y + c.h - m - bh, bw, bh};
    out->back = (app_rect){out->next.x - px(l, 8) - bw, out->next.y, bw, bh};
    int cs = px(l, 24);
    out->close = (app_rect){c.x + c.w - m - cs, c.y + m / 2, cs, cs};
}

int lesson_click_at(const lesson_layout *ll, float x, float y)
{
    if (rect_contains(ll->close, x, y))
        return 2;
    if (rect_contains(ll->back, x, y))
        return -1;
    if (rect_contains(ll->next, x, y))
        return 1;
    return rect_contains(ll->card, x, y) ? 3 : 0;
}
