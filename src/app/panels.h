/* panels.h: what a panel shows, as a small struct made by a pure function
 * of the parts. The draw functions (ui_*.c) only paint these, and the
 * frame redraws a panel when its struct differs from the one last drawn,
 * so what is compared is exactly what is shown: nothing drawn can go
 * stale. Tests check the structs ("the guess panel for these
 * probabilities shows 3, 97.1 %, runner-up 8") without a display. */
#ifndef DIGITPAD_APP_PANELS_H
#define DIGITPAD_APP_PANELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "model_slot.h"
#include "scoring.h"

#define PANEL_LABEL_MAX 32

/* The answer, large. */
typedef struct panel_guess {
    bool has_guess;                   // else "–  no guess yet"
    bool sure;                        // else "? not sure: is this a digit?"
    char label[PANEL_LABEL_MAX];      // the guess
    char percent[16];                 // sure: "97.1 %"
    char best_guess[64];              // not sure: "best guess 3, 40 %"
    char runner_up[PANEL_LABEL_MAX];  // the second most probable class
    char how[64];                     // sure: "sure", "fairly sure" or "or 8? (31 %)"
} panel_guess;

void panel_guess_of(const scoring *sc, const model_slot *m, panel_guess *out);

/* The softmax bars. */
typedef struct panel_bars {
    size_t n;                         // rows (10 before there is a model)
    bool has_guess;                   // the percentages are shown
    int top;                          // the guess's row (-1: none)
    int why;                          // the row the why view explains (-1: none)
    int row, label_w, track_x, track_w, bar_h; // geometry in drawable pixels
    int fill[SCORING_MAX_CLASSES];    // each bar's filled width (0: empty)
    char label[SCORING_MAX_CLASSES][PANEL_LABEL_MAX];
    char percent[SCORING_MAX_CLASSES][12];
} panel_bars;

/* why: the class the why view explains when it is shown, else -1. */
void panel_bars_of(const scoring *sc, const model_slot *m, const app_layout *l, int why,
                   panel_bars *out);

#endif
