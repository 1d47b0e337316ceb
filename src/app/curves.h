/* curves.h: what the charts show: the loss and accuracy while training,
 * the epochs' train and test figures, and the probability of the drawing
 * on the canvas as the weights change.
 *
 * The step-by-step figures come in faster than a chart has pixels, so they
 * go into a series of fixed room that halves itself when full (keeping
 * every other point) and, for the loss, from then on keeps only every
 * second (fourth, ...) new point: the chart always spans the whole run
 * at a bounded cost. Both series are the one type below. No SDL here. */
#ifndef DIGITPAD_APP_CURVES_H
#define DIGITPAD_APP_CURVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model_file.h"
#include "core/trainer.h"

#define CURVES_MAX_CLASSES 16
#define CURVES_LOSS_POINTS 4096
#define CURVES_EPOCH_POINTS 256
#define CURVES_DIGIT_POINTS 512

/* A decimated series of fixed-size items. */
typedef struct series {
    unsigned char *items; // (cap * item_size), owned
    size_t item_size, cap, n;
    bool thin;            // after halving, keep only every stride-th new item
    size_t stride, skip;
} series;

/* Room for cap items of item_size bytes (cap even, at least 2). Returns
 * false when out of memory (then there is nothing to free). */
bool series_init(series *s, size_t item_size, size_t cap, bool thin);
void series_destroy(series *s);
void series_clear(series *s);
/* Appends item (halving first when full); returns false when it was
 * skipped by the thinning. */
bool series_push(series *s, const void *item);
/* Item i (i < n). */
const void *series_at(const series *s, size_t i);

typedef struct curve_loss_point {
    float x;        // epochs since the start (fractional)
    float loss;     // the batch's loss
    float smooth;   // exponential moving average
    float accuracy; // running accuracy of the epoch
} curve_loss_point;

typedef struct curve_digit_point {
    float x;                        // epochs since the start
    uint64_t step;                  // the trainer's batches so far (at least 1)
    float probs[CURVES_MAX_CLASSES];
} curve_digit_point;

typedef struct curves {
    series loss;                    // curve_loss_point
    float loss_ema;
    bool have_ema;
    model_epoch epochs[CURVES_EPOCH_POINTS]; // the newest, oldest first
    size_t n_epochs;
    size_t epoch_base;              // epochs trained before this session
    series digit;                   // curve_digit_point: this drawing, as it is learned
    uint64_t version;               // bumps when anything here changes
} curves;

bool curves_init(curves *c);
void curves_destroy(curves *c);

/* Forgets everything (fresh weights). */
void curves_clear(curves *c);
/* Shows the history a model file records as epoch points, and counts new
 * epochs after it. */
void curves_from_history(curves *c, const model_meta *meta);
/* A new training session over the recorded epochs: the step series starts
 * again after base epochs. */
void curves_new_session(curves *c, size_t base);

/* Where a trainer event sits on the x axis (epochs since the start). */
float curves_epoch_x(const curves *c, const trainer_event *ev);
/* A STEP event: one loss point (the moving average always moves). */
void curves_add_step(curves *c, const trainer_event *ev);
/* An EPOCH event as the model history's record (epoch counted after the
 * base); returns it. */
model_epoch curves_add_epoch(curves *c, const trainer_event *ev);
/* The untrained weights' test loss and accuracy as the point at epoch 0
 * (issue 11: the curves start where training does, measured, not
 * assumed); ignored once there are epoch points or recorded epochs. */
void curves_add_start(curves *c, double val_loss, double val_accuracy);
/* A PROBE event for the drawing: one point of its chart. */
void curves_add_probe(curves *c, const trainer_event *ev);
/* A new drawing: its chart starts again. */
void curves_clear_digit(curves *c);

static inline const curve_loss_point *curves_loss(const curves *c, size_t i)
{
    return (const curve_loss_point *)series_at(&c->loss, i);
}
static inline const curve_digit_point *curves_digit(const curves *c, size_t i)
{
    return (const curve_digit_point *)series_at(&c->digit, i);
}

#endif
