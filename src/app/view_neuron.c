/* view_neuron.c: view 6, one unit's sum worked out with the network's own
 * numbers (views.h): its inputs, its weights and their products as
 * pictures, the largest contributions, their total, + bias, the value
 * before the activation and after it. The arithmetic is the core's
 * (explain_neuron_compute); this file chooses the unit, keeps the numbers
 * current and says them in words. No SDL here. */
#include "views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inspect.h"

/* ---- life cycle --------------------------------------------------------- */

void view_neuron_destroy(views *v)
{
    view_neuron_state *n = &v->neuron;
    free(n->acts);
    free(n->products);
    free(n->scratch);
    n->acts = n->products = n->scratch = NULL;
    n->has = false;
}

void view_neuron_on_model(views *v, const view_ctx *c)
{
    view_neuron_state *n = &v->neuron;
    view_neuron_destroy(v);
    n->hover_input = -1;
    n->emitted = false;
    n->version++;
    if (!c->model->have)
        return;
    const mlp *net = &c->model->net;
    // The input's copy, then every layer's output (inspect_forward).
    n->acts = malloc((net->sizes[0] + inspect_units(net)) * sizeof *n->acts);
    n->products = malloc(mlp_max_width(net) * sizeof *n->products);
    n->scratch = malloc(explain_scratch_floats(net) * sizeof *n->scratch);
    if (!n->acts || !n->products || !n->scratch)
        view_neuron_destroy(v); // no numbers rather than a buffer too small
    if (n->layer > 0 && ((size_t)n->layer > net->n_layers ||
                         (size_t)n->unit >= net->sizes[n->layer]))
        n->layer = n->unit = 0;
}

/* ---- which unit --------------------------------------------------------- */

/* Layer l's outputs (1-based; 0: the input) in acts as the update wrote it. */
static const float *layer_values(const view_neuron_state *n, const mlp *net, size_t l)
{
    if (l == 0)
        return n->acts;
    return n->acts + net->sizes[0] + inspect_layer_offset(net, l - 1);
}

/* The most active unit of layer l for the input the numbers are for. */
static size_t most_active(const view_neuron_state *n, const mlp *net, size_t l)
{
    if (!n->acts || !n->has)
        return 0;
    return explain_most_active_unit(net, n->acts + net->sizes[0], l);
}

bool view_neuron_shown(const views *v, const view_ctx *c, size_t *layer, size_t *unit)
{
    const view_neuron_state *n = &v->neuron;
    if (!c->model->have || c->model->net.n_layers < 1)
        return false;
    const mlp *net = &c->model->net;
    if (n->layer > 0 && (size_t)n->layer <= net->n_layers &&
        (size_t)n->unit < net->sizes[n->layer]) {
        *layer = (size_t)n->layer;
        *unit = (size_t)n->unit;
        return true;
    }
    *layer = 1;
    *unit = most_active(n, net, 1);
    return true;
}

void view_neuron_choose(views *v, const view_ctx *c, int layer, int unit)
{
    view_neuron_state *n = &v->neuron;
    n->hover_input = -1;
    if (!c->model->have || layer <= 0) {
        n->layer = n->unit = 0;
        return;
    }
    const mlp *net = &c->model->net;
    if ((size_t)layer > net->n_layers)
        layer = (int)net->n_layers;
    int units = (int)net->sizes[layer];
    n->layer = layer;
    n->unit = unit < 0 ? 0 : unit >= units ? units - 1 : unit;
}

void view_neuron_step(views *v, const view_ctx *c, int du, int dl)
{
    size_t layer, unit;
    if (!view_neuron_shown(v, c, &layer, &unit))
        return;
    const mlp *net = &c->model->net;
    if (dl != 0) {
        long l = (long)layer + dl;
        if (l < 1 || l > (long)net->n_layers)
            return;
        view_neuron_choose(v, c, (int)l, (int)most_active(&v->neuron, net, (size_t)l));
        return;
    }
    long units = (long)net->sizes[layer];
    long u = ((long)unit + du) % units;
    if (u < 0)
        u += units;
    view_neuron_choose(v, c, (int)layer, (int)u);
}

/* ---- once a frame --------------------------------------------------------- */

const float *view_neuron_inputs(const views *v, const view_ctx *c)
{
    const view_neuron_state *n = &v->neuron;
    if (!n->has || !c->model->have || n->ex_layer < 1)
        return NULL;
    return layer_values(n, &c->model->net, (size_t)n->ex_layer - 1);
}

void view_neuron_update(views *v, const view_ctx *c)
{
    view_neuron_state *n = &v->neuron;
    if (!c->model->have || !n->acts || !n->products || !n->scratch)
        return;
    const mlp *net = &c->model->net;
    bool fresh = !n->has || n->ex_input != v->views_input || n->ex_net != v->views_net;
    if (fresh) {
        memcpy(n->acts, c->score->input, net->sizes[0] * sizeof *n->acts);
        inspect_forward(net, n->acts, n->acts + net->sizes[0]);
        n->has = true; // the activations are; ex follows below
        n->ex_input = v->views_input;
        n->ex_net = v->views_net;
    }
    size_t layer, unit;
    if (!view_neuron_shown(v, c, &layer, &unit))
        return;
    if (fresh || n->ex_layer != (int)layer || n->ex_unit != (int)unit) {
        size_t width = net->sizes[0] == CANVAS_N * CANVAS_N ? CANVAS_N : 0;
        dp_error err;
        if (!explain_neuron_compute(net, n->acts, layer, unit, EXPLAIN_MAX_TOP, width, n->products,
                                    &n->ex, n->scratch, &err)) {
            n->has = false;
            return;
        }
        n->ex_layer = (int)layer;
        n->ex_unit = (int)unit;
        n->version++;
    }
    // The event when the view shows a unit whose numbers are new.
    const explain_neuron *e = &n->ex;
    if (v->view == VIEW_NEURON &&
        (!n->emitted || n->sent_layer != n->ex_layer || n->sent_unit != n->ex_unit ||
         n->sent_bias != e->bias || n->sent_sum != e->pre_activation ||
         n->sent_output != e->output)) {
        n->emitted = true;
        n->sent_layer = n->ex_layer;
        n->sent_unit = n->ex_unit;
        n->sent_bias = e->bias;
        n->sent_sum = e->pre_activation;
        n->sent_output = e->output;
        event_neuron(c->events, e->layer, e->unit, mlp_activation_name(e->act), e->n_inputs,
                     e->n_nonzero, e->bias, e->products_sum, e->pre_activation, e->output);
    }
}

/* ---- in words ------------------------------------------------------------ */

/* "pixels" for the first layer of a picture, else "outputs of layer l". */
static bool pictured(const mlp *net, size_t layer)
{
    return layer == 1 && net->sizes[0] == CANVAS_N * CANVAS_N;
}

void view_neuron_text_of(const views *v, const view_ctx *c, size_t max_terms, view_neuron_text *t)
{
    memset(t, 0, sizeof *t);
    const view_neuron_state *n = &v->neuron;
    size_t layer, unit;
    if (!view_neuron_shown(v, c, &layer, &unit))
        return;
    const mlp *net = &c->model->net;
    const char *act = explain_activation_name(net->layers[layer - 1].act);
    bool hidden = layer < net->n_layers;
    snprintf(t->chooser_layer, sizeof t->chooser_layer, "layer %zu", layer);
    if (hidden) {
        snprintf(t->chooser_unit, sizeof t->chooser_unit, "unit %zu/%zu", unit + 1, net->sizes[layer]);
        snprintf(t->title, sizeof t->title, "Layer %zu (hidden, %s), unit %zu of %zu", layer, act,
                 unit + 1, net->sizes[layer]);
    } else { // an output unit is its class's score
        const char *label = view_class_label(c, unit);
        snprintf(t->chooser_unit, sizeof t->chooser_unit, "class %.20s", label);
        snprintf(t->title, sizeof t->title, "Output %.40s: its score, then %s", label, act);
    }
    if (n->layer > 0) {
        snprintf(t->how, sizeof t->how, "chosen (6 again: the most active)");
        snprintf(t->how_short, sizeof t->how_short, "chosen");
    } else {
        snprintf(t->how, sizeof t->how, "the most active unit for this drawing");
        snprintf(t->how_short, sizeof t->how_short, "most active");
    }
    if (pictured(net, layer))
        snprintf(t->rule, sizeof t->rule,
                 "Each of the %zu pixels times its weight, all added up, plus the bias; then %s.",
                 net->sizes[0], act);
    else
        snprintf(t->rule, sizeof t->rule,
                 "Each of the %zu outputs of %s times its weight, all added up, plus the bias; "
                 "then %s.",
                 net->sizes[layer - 1], layer == 1 ? "the input" : "the layer below", act);
    snprintf(t->rule_short, sizeof t->rule_short, "Σ input × weight, + bias, then %s",
             act);
    if (!n->has || n->ex_layer != (int)layer || n->ex_unit != (int)unit)
        return;
    const explain_neuron *e = &n->ex;
    bool pixels = pictured(net, layer);
    size_t k = max_terms < e->n_top ? max_terms : e->n_top;
    if (k > VIEW_NEURON_MAX_TERMS)
        k = VIEW_NEURON_MAX_TERMS;
    double shown = 0.0;
    for (size_t i = 0; i < k; i++) {
        const explain_term *term = &e->top[i];
        if (pixels) {
            snprintf(t->term[i], sizeof t->term[i], "(%2zu,%2zu) %.3f × %+.3f = %+.3f", term->row,
                     term->col, (double)term->value, (double)term->weight, (double)term->product);
            snprintf(t->term_long[i], sizeof t->term_long[i], "pixel (%zu,%zu): %.3f × %+.3f = %+.3f",
                     term->row, term->col, (double)term->value, (double)term->weight,
                     (double)term->product);
        } else {
            snprintf(t->term[i], sizeof t->term[i], "unit %zu: %.3f × %+.3f = %+.3f",
                     term->input + 1, (double)term->value, (double)term->weight,
                     (double)term->product);
            snprintf(t->term_long[i], sizeof t->term_long[i], "%s", t->term[i]);
        }
        shown += term->product;
    }
    t->n_terms = k;
    size_t more = e->n_nonzero - k, zeros = e->n_inputs - e->n_nonzero;
    if (e->n_nonzero == 0)
        snprintf(t->rest, sizeof t->rest, "every input is 0: all products are 0");
    else if (more > 0 && zeros > 0)
        snprintf(t->rest, sizeof t->rest, "+ %zu more: %+.3f; %zu zeros add 0", more,
                 e->products_sum - shown, zeros);
    else if (more > 0)
        snprintf(t->rest, sizeof t->rest, "+ %zu more: %+.3f", more, e->products_sum - shown);
    else if (zeros > 0)
        snprintf(t->rest, sizeof t->rest, "the other %zu inputs are 0 and add 0", zeros);
    snprintf(t->sum, sizeof t->sum, "sum of all %zu products %+.4f", e->n_inputs, e->products_sum);
    snprintf(t->bias, sizeof t->bias, "+ bias %+.4f", (double)e->bias);
    snprintf(t->pre, sizeof t->pre, "= %+.4f before %s", (double)e->pre_activation, act);
    switch (e->act) {
    case MLP_ACT_RELU:
        t->off = !(e->output > 0.0f);
        if (e->pre_activation > 0.0f)
            snprintf(t->post, sizeof t->post, "ReLU: positive, kept -> %.4f", (double)e->output);
        else
            snprintf(t->post, sizeof t->post, "ReLU: %s -> 0 (switched off)",
                     e->pre_activation < 0.0f ? "negative" : "zero");
        break;
    case MLP_ACT_SOFTMAX:
        snprintf(t->post, sizeof t->post, "softmax over all %zu -> %.4f (%.1f %%)",
                 net->sizes[layer], (double)e->output, 100.0 * (double)e->output);
        break;
    case MLP_ACT_LINEAR:
        snprintf(t->post, sizeof t->post, "linear: unchanged -> %.4f", (double)e->output);
        break;
    case MLP_ACT_SIGMOID:
    case MLP_ACT_TANH:
        snprintf(t->post, sizeof t->post, "%s -> %.4f", act, (double)e->output);
        break;
    }
    // The input under the mouse: its own term.
    const float *in = view_neuron_inputs(v, c);
    int h = n->hover_input;
    if (in && h >= 0 && (size_t)h < e->n_inputs) {
        const mlp_layer *L = &net->layers[layer - 1];
        float w = L->kernel[(size_t)h * L->out + unit];
        if (pixels)
            snprintf(t->hover, sizeof t->hover, "pixel (%d,%d): %.3f × %+.4f = %+.4f", h / CANVAS_N,
                     h % CANVAS_N, (double)in[h], (double)w, (double)n->products[h]);
        else
            snprintf(t->hover, sizeof t->hover, "unit %d of layer %zu: %.3f × %+.4f = %+.4f", h + 1,
                     layer - 1, (double)in[h], (double)w, (double)n->products[h]);
    }
}

/* ---- geometry ------------------------------------------------------------ */

void view_neuron_layout_of(const views *v, const view_ctx *c, view_neuron_layout *l)
{
    memset(l, 0, sizeof *l);
    size_t layer, unit;
    if (!view_neuron_shown(v, c, &layer, &unit))
        return;
    const mlp *net = &c->model->net;
    app_rect in = view_inner(c);
    int cap = view_caption_h(c), bw = view_px(c, 22), bh = cap - view_px(c, 4);
    // The chooser: ‹ layer 1 ›   ‹ unit 38/128 ›
    int x = in.x, y = in.y;
    l->layer_prev = view_rect(x, y, bw, bh);
    l->layer_label = view_rect(x + bw, y, view_px(c, 46), bh);
    l->layer_next = view_rect(l->layer_label.x + l->layer_label.w, y, bw, bh);
    l->unit_prev = view_rect(l->layer_next.x + bw + view_px(c, 8), y, bw, bh);
    l->unit_label = view_rect(l->unit_prev.x + bw, y, view_px(c, 76), bh);
    l->unit_next = view_rect(l->unit_label.x + l->unit_label.w, y, bw, bh);

    // The three pictures, as large as leaves room for the sums below.
    int lh = view_px(c, VIEW_NEURON_LINE_H), op = view_px(c, 16), pcap = view_px(c, 16);
    int gap = view_px(c, 6);
    bool wide = in.w >= view_px(c, 560); // contributions and sums side by side
    int min_lines = wide ? 5 : 7;        // 2-3 contributions + the rest (+ 4 sum lines)
    int top = in.y + cap + view_px(c, 2);
    int by_h = in.y + in.h - top - pcap - gap - min_lines * lh;
    int by_w = (in.w - 2 * op) / 4; // the rest of the row for the words beside them
    int side = by_h < by_w ? by_h : by_w;
    if (side > view_px(c, 7 * CANVAS_N))
        side = view_px(c, 7 * CANVAS_N);
    // Whole screen pixels per input pixel where that costs little of the size.
    int whole = side / CANVAS_N * CANVAS_N;
    if (whole >= CANVAS_N && 10 * (side - whole) <= side)
        side = whole;
    if (side < 0)
        side = 0;
    l->image = pictured(net, layer);
    x = in.x;
    for (int i = 0; i < 3; i++) {
        l->pic[i] = view_rect(x, top, side, side);
        l->pic_caption[i] = view_rect(x - op / 2, top + side, side + op, pcap);
        x += side;
        if (i < 2) {
            l->op[i] = view_rect(x, top, op, side);
            x += op;
        }
        if (!l->image)
            l->grid[i] = view_grid_fit(l->pic[i], net->sizes[layer - 1], 1, 0, 1);
    }
    int sx = x + view_px(c, 12);
    l->side = view_rect(sx, top, in.x + in.w - sx, side + pcap);
    int ty = top + side + pcap + gap;
    int th = in.y + in.h - ty;
    if (wide) {
        int tw = in.w * 11 / 20;
        l->terms = view_rect(in.x, ty, tw, th);
        l->sums = view_rect(in.x + tw + view_px(c, 12), ty, in.w - tw - view_px(c, 12), th);
        int lines = th / lh;
        l->max_terms = lines > 1 ? (size_t)(lines - 1) : 0;
    } else {
        int sums_h = 4 * lh;
        l->terms = view_rect(in.x, ty, in.w, th - sums_h);
        l->sums = view_rect(in.x, ty + th - sums_h, in.w, sums_h);
        int lines = (th - sums_h) / lh;
        l->max_terms = lines > 1 ? (size_t)(lines - 1) : 0;
    }
    if (l->max_terms > VIEW_NEURON_MAX_TERMS)
        l->max_terms = VIEW_NEURON_MAX_TERMS;
}

int view_neuron_button_at(const view_neuron_layout *l, float x, float y)
{
    const app_rect *b[4] = {&l->layer_prev, &l->layer_next, &l->unit_prev, &l->unit_next};
    for (int i = 0; i < 4; i++)
        if (b[i]->w > 0 && rect_contains(*b[i], x, y))
            return i + 1;
    return 0;
}

int view_neuron_input_at(const views *v, const view_ctx *c, const view_neuron_layout *l, float x,
                         float y)
{
    (void)v;
    (void)c;
    for (int i = 0; i < 3; i++) {
        app_rect p = l->pic[i];
        if (p.w <= 0 || !rect_contains(p, x, y))
            continue;
        if (l->image) {
            int col = (int)((x - (float)p.x) * CANVAS_N / (float)p.w);
            int row = (int)((y - (float)p.y) * CANVAS_N / (float)p.h);
            if (col >= 0 && col < CANVAS_N && row >= 0 && row < CANVAS_N)
                return row * CANVAS_N + col;
            return -1;
        }
        return view_grid_at(&l->grid[i], x, y);
    }
    return -1;
}
