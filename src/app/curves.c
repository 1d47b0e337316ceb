/* curves.c: the charts' series (curves.h). */
#include "curves.h"

#include <stdlib.h>
#include <string.h>

bool series_init(series *s, size_t item_size, size_t cap, bool thin)
{
    memset(s, 0, sizeof *s);
    if (cap < 2 || cap % 2 || !item_size)
        return false;
    s->items = calloc(cap, item_size);
    if (!s->items)
        return false;
    s->item_size = item_size;
    s->cap = cap;
    s->thin = thin;
    s->stride = 1;
    return true;
}

void series_destroy(series *s)
{
    free(s->items);
    memset(s, 0, sizeof *s);
}

void series_clear(series *s)
{
    s->n = 0;
    s->stride = 1;
    s->skip = 0;
}

bool series_push(series *s, const void *item)
{
    if (++s->skip < s->stride)
        return false;
    s->skip = 0;
    if (s->n == s->cap) {
        for (size_t i = 0; i < s->cap / 2; i++)
            memcpy(s->items + i * s->item_size, s->items + (2 * i + 1) * s->item_size,
                   s->item_size);
        s->n = s->cap / 2;
        if (s->thin)
            s->stride *= 2;
    }
    memcpy(s->items + s->n * s->item_size, item, s->item_size);
    s->n++;
    return true;
}

const void *series_at(const series *s, size_t i)
{
    return s->items + i * s->item_size;
}

bool curves_init(curves *c)
{
    memset(c, 0, sizeof *c);
    if (!series_init(&c->loss, sizeof(curve_loss_point), CURVES_LOSS_POINTS, true))
        return false;
    if (!series_init(&c->digit, sizeof(curve_digit_point), CURVES_DIGIT_POINTS, false)) {
        series_destroy(&c->loss);
        return false;
    }
    return true;
}

void curves_destroy(curves *c)
{
    series_destroy(&c->loss);
    series_destroy(&c->digit);
}

void curves_clear(curves *c)
{
    series_clear(&c->loss);
    series_clear(&c->digit);
    c->have_ema = false;
    c->loss_ema = 0;
    c->n_epochs = 0;
    c->epoch_base = 0;
    c->version++;
}

void curves_from_history(curves *c, const model_meta *meta)
{
    curves_clear(c);
    if (!meta->has_training)
        return;
    size_t n = meta->n_history;
    size_t first = n > CURVES_EPOCH_POINTS ? n - CURVES_EPOCH_POINTS : 0;
    for (size_t i = first; i < n; i++)
        c->epochs[c->n_epochs++] = meta->history[i];
    c->epoch_base = n;
}

void curves_new_session(curves *c, size_t base)
{
    series_clear(&c->loss);
    c->have_ema = false;
    c->epoch_base = base;
    c->version++;
}

void curves_clear_digit(curves *c)
{
    if (c->digit.n) {
        series_clear(&c->digit);
        c->version++;
    }
}

float curves_epoch_x(const curves *c, const trainer_event *ev)
{
    float frac = ev->steps_per_epoch ? (float)ev->step / (float)ev->steps_per_epoch : 0.0f;
    return (float)c->epoch_base + (float)(ev->epoch - 1) + frac;
}

void curves_add_step(curves *c, const trainer_event *ev)
{
    float loss = ev->batch_loss;
    c->loss_ema = c->have_ema ? 0.9f * c->loss_ema + 0.1f * loss : loss;
    c->have_ema = true;
    curve_loss_point p = {curves_epoch_x(c, ev), loss, c->loss_ema, (float)ev->accuracy};
    if (series_push(&c->loss, &p))
        c->version++;
}

model_epoch curves_add_epoch(curves *c, const trainer_event *ev)
{
    model_epoch e = {
        .epoch = (int)(c->epoch_base + ev->epoch),
        .loss = ev->loss,
        .accuracy = ev->accuracy,
        .val_loss = ev->val_loss,
        .val_accuracy = ev->val_accuracy,
    };
    if (c->n_epochs == CURVES_EPOCH_POINTS) {
        memmove(c->epochs, c->epochs + 1, (CURVES_EPOCH_POINTS - 1) * sizeof *c->epochs);
        c->n_epochs--;
    }
    c->epochs[c->n_epochs++] = e;
    c->version++;
    return e;
}

void curves_add_start(curves *c, double val_loss, double val_accuracy)
{
    if (c->n_epochs || c->epoch_base)
        return;
    // Nothing has been trained on: the test figures stand for both.
    c->epochs[c->n_epochs++] = (model_epoch){.epoch = 0,
                                             .loss = val_loss,
                                             .accuracy = val_accuracy,
                                             .val_loss = val_loss,
                                             .val_accuracy = val_accuracy};
    c->version++;
}

void curves_add_probe(curves *c, const trainer_event *ev)
{
    curve_digit_point p;
    memset(&p, 0, sizeof p);
    p.x = curves_epoch_x(c, ev);
    p.step = ev->global_step ? ev->global_step : 1;
    for (size_t i = 0; i < CURVES_MAX_CLASSES && i < TRAINER_PROBE_CLASSES; i++)
        p.probs[i] = ev->probe[i];
    series_push(&c->digit, &p);
    c->version++;
}
