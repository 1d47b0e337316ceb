/* lesson.h: the article walked through on the live window (L, --lesson).
 *
 * Eight steps in the article's order (the data, Flatten, Dense, ReLU,
 * softmax, the parameter count, training, deeper networks), each a short
 * text in our own words that points at the part of the window showing it:
 * that part is outlined, and a step may ask for the view that shows it
 * (one unit worked out for Dense, the hidden layer for ReLU, the diagram
 * for deeper networks) or for softmax worked out.
 * The texts are a plain table; the numbers in them (784, 128, 100,480, ...)
 * are filled in from the network shown, so they stay true for any model.
 * No SDL: ui_lesson.c paints the card that lesson_layout places. */
#ifndef DIGITPAD_APP_LESSON_H
#define DIGITPAD_APP_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/mlp.h"
#include "layout.h"
#include "views.h"

/* The part of the window a step points at. */
typedef enum lesson_target {
    LESSON_AT_PREVIEW,  // what the network sees
    LESSON_AT_PARAMS,   // the layer table
    LESSON_AT_VIEW,     // the view beside the canvas
    LESSON_AT_BARS,     // the ten scores and bars
    LESSON_AT_CURVES,   // the loss and accuracy charts
} lesson_target;

typedef struct lesson_step {
    const char *title;  // "Dense"
    const char *text;   // with %-free placeholders: {in} {hidden} {out} {p1} {p2} {total}
                        // {h} {w} {layers}
    lesson_target at;
    int view;           // the view to show (app_view), or -1
    bool worked;        // softmax worked out under the bars
} lesson_step;

#define LESSON_STEPS 8

/* The table, in the article's order. */
const lesson_step *lesson_step_at(size_t i);

#define LESSON_STATUS_MAX 512

typedef struct lesson {
    bool on;
    size_t step;        // 0 .. LESSON_STEPS - 1
    // The status line before the lesson's key hint took it, put back when
    // the lesson closes with the hint still there (input_scores.c).
    char status_before[LESSON_STATUS_MAX];
    bool status_before_error;
} lesson;

void lesson_init(lesson *l, bool on);
/* Moves by dir (+1 next, -1 back) within the steps; false at either end. */
bool lesson_move(lesson *l, int dir);

/* Step i's text with its placeholders filled in from net (the shown
 * network; its first layer's input is h x w pixels) into out. */
void lesson_text(size_t i, const mlp *net, size_t h, size_t w, char *out, size_t len);

/* Where the card and its controls go for step i in layout l: the card
 * over a part of the window the step does not point at. */
typedef struct lesson_layout {
    app_rect target;    // the part outlined
    app_rect card;
    app_rect back, next, close; // its buttons
} lesson_layout;
void lesson_layout_of(const app_layout *l, size_t i, lesson_layout *out);

/* What a click at (x, y) does to an open lesson: -1 back, +1 next, 2 close,
 * 3 inside the card (nothing), 0 outside it (the click goes on). */
int lesson_click_at(const lesson_layout *ll, float x, float y);

#endif
