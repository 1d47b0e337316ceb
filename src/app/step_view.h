/* step_view.h: one turn of "predict, compare with the answer, adjust the
 * weights", shown: the batch a single step (Step, `.`) trained on, with
 * the answers the network gave its images before it learned from them,
 * the batch's loss and accuracy and how far the weights moved.
 *
 * The part keeps the trainer's TRAINER_EV_SINGLE event it was given and
 * whether its card is shown (over the view beside the curves, until Esc,
 * its close box or fresh weights). panel_step_of makes what the card shows
 * and step_view_geom where its pieces go; both are plain functions, tested
 * without a display (ui_controls.c paints them). */
#ifndef DIGITPAD_APP_STEP_VIEW_H
#define DIGITPAD_APP_STEP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/trainer.h"
#include "layout.h"

typedef struct step_view {
    bool have;        // a single step was taken since the last reset
    bool visible;     // its card is shown
    trainer_event ev; // that step's TRAINER_EV_SINGLE event
} step_view;

void step_view_init(step_view *v);
/* Keeps a single step's event and shows its card. */
void step_view_take(step_view *v, const trainer_event *ev);
/* Hides the card (the step stays known). */
void step_view_hide(step_view *v);
/* Forgets the step (fresh weights). */
void step_view_forget(step_view *v);

/* What the card shows. */
typedef struct panel_step {
    bool visible;
    uint64_t global_step;
    char title[96];    // "Step 12: one batch of 32 images"
    char figures[192]; // "loss 2.2914  ·  right 4/32 (12.5 %)  ·  weights moved 0.0798 (0.41 %)"
    char caption[96];  // "answered before the step (green: right, red: wrong)"
    size_t n;          // images shown
    uint32_t index[TRAINER_STEP_SHOWN]; // in the training set
    uint8_t label[TRAINER_STEP_SHOWN], answer[TRAINER_STEP_SHOWN];
} panel_step;

void panel_step_of(const step_view *v, panel_step *out);

/* Where the card's pieces go inside area (the view rectangle) at scale. */
typedef struct step_geom {
    app_rect card;
    app_rect close;                     // the x at its top right
    int text_y[3];                      // the title, figures and caption lines
    app_rect tiles[TRAINER_STEP_SHOWN]; // 8 to a row, square
    size_t n;
} step_geom;

void step_view_geom(app_rect area, float scale, size_t n, step_geom *g);

#endif
