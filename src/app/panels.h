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

#include "controls.h"
#include "layout.h"
#include "model_slot.h"
#include "scores.h"
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
    bool detector;                    // the verdict is the not-a-digit detector's
    char measure[96];                 // then: "unlike 3s: 4.2x (limit 2.9x)": how much of the
                                      // drawing MNIST's 3s cannot rebuild, against a
                                      // typical 3's (novelty.h)
    char measure_short[48];           // "4.2x, limit 2.9x" where the line is narrow
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
    int logit_x, logit_w;             // the raw scores' column (logit_w 0: not shown)
    int picked;                       // the row whose loss is shown (-1: none picked)
    panel_worked worked;              // the raw scores, and softmax worked out when on
} panel_bars;

/* why: the class the why view explains when it is shown, else -1. */
void panel_bars_of(const scoring *sc, const model_slot *m, const app_layout *l, int why,
                   panel_bars *out);

/* The title line: the model's name and shape, the help button. */
typedef struct panel_header {
    char model[256];
    char shape[128];
    bool unsaved;               // trained (or fine-tuned) since it was loaded or saved
    bool help_hover, help_on;
} panel_header;

/* The status line, and the frame rate at its right. */
typedef struct panel_status {
    char text[512];
    bool error;
    char right[96];
} panel_status;

/* The canvas: its pixels (by version), the pen's outline, a test image's badge. */
typedef struct panel_board {
    uint64_t canvas_version;
    bool drawing, empty;
    char badge[128];                  // "test image #12  ·  true label 4" ("": none)
    bool cursor;                      // the pen's outline at (mouse_x, mouse_y)
    float mouse_x, mouse_y;
    bool erase;
} panel_board;

/* The row of canvas buttons. */
typedef struct panel_tools {
    bool empty, erase, mnist;
    int hover;                        // layout_button under the mouse
} panel_tools;

/* The layer table. */
typedef struct panel_params {
    bool have;
    size_t n_layers;
    size_t sizes[MLP_MAX_LAYERS + 1];
    int act[MLP_MAX_LAYERS];
    size_t height, width;
} panel_params;

/* What the network is given, as a picture. */
typedef struct panel_preview {
    uint64_t input_version;
    bool mnist, bitmap;
    panel_pixel pixel;                // the hovered pixel
} panel_preview;

/* This drawing's probability as the weights change. */
typedef struct panel_digit {
    bool has_guess;
    size_t guess, runner_up;
    char label[PANEL_LABEL_MAX], runner_label[PANEL_LABEL_MAX];
    size_t n;                         // points
    uint64_t canvas_version;
    uint64_t last_step;               // the newest point's
    float last_p, last_runner;
    panel_worked worked;              // on: softmax worked out in the chart's place
    panel_loss_named loss;
} panel_digit;

/* Train / Reset / Save. */
typedef struct panel_controls {
    char train[24];                   // "Train", "Pause", "Resume", "Train more", "Loading…"
    bool train_active, train_enabled;
    int hover;
} panel_controls;

enum { PANEL_TONE_FAINT, PANEL_TONE_WARN, PANEL_TONE_BAD };

/* Epoch n/N, the step, the speed and time left, the bar. */
typedef struct panel_progress {
    bool active;                      // training has begun: the lines below
    char title[64];                   // "Epoch 2/5"
    char step[80];                    // "step 1,200/1,875"
    char right[96];                   // "48,000 samples/s  ·  12 s left", "paused", "done"
    int bar_fill;                     // pixels of the bar's width
    bool running;
    char settings[160];               // idle: "5 epochs  ·  batch 32  ·  Adam, lr 0.001"
    char note[320];                   // idle: where MNIST stands
    int note_tone;
} panel_progress;

/* The loss and accuracy charts (both drawn from the curves). */
typedef struct panel_curves {
    uint64_t version;
    bool planned_shown;               // the planned epochs widen the x axis
    size_t planned, base;
    panel_loss_named loss;            // this drawing's loss, beside the curve
} panel_curves;

/* The tab strip. */
typedef struct panel_tabs {
    int view;
    int hover;
} panel_tabs;

/* The view shown: what its picture depends on (zero for the others). */
typedef struct panel_view {
    int view;
    bool have_model, has_guess, live;
    uint64_t acts_input, acts_net, views_net, tiles_net;
    size_t page;
    int sel_layer, sel_unit, hover_layer, hover_unit, hover_nav, hover_cell, hover_thumb;
    bool has_saliency, sure, gradient;
    uint64_t saliency_version;
    int cls, why_class, permille;
    bool has_confusion, has_preds;
    uint64_t confusion_version, gallery_version;
    int data_state, gallery_true, gallery_pred;
    size_t gallery_first;
    long shown_test;
    uint64_t log_version;
    uint64_t neuron_version, network_version; // views 6 and 7: their numbers, their edges
    int hover_input;
} panel_view;

/* ---- every panel of the window ------------------------------------------ */

struct app_state;

typedef struct ui_panels {
    panel_header header;
    panel_status status;
    panel_board board;
    panel_tools tools;
    panel_params params;
    panel_preview preview;
    panel_guess guess;
    panel_bars bars;
    panel_digit digit;
    panel_controls controls;
    panel_progress progress;
    panel_curves curves;
    panel_tabs tabs;
    panel_view view;
    panel_trainbar trainbar; // issue 11's controls
    panel_overlays overlays;
    struct {
        bool on;
        size_t step;
        uint64_t model_version;
        app_layout layout;
    } lesson;                         // the lesson's card over the window
} ui_panels;

/* What every panel shows for the window's state s, with the frame rate
 * (fps, frame_ms_p99; fps 0: not measured yet) for the status line. */
void panels_of(const struct app_state *s, double fps, double frame_ms_p99, ui_panels *out);

void panel_progress_of(const struct app_state *s, panel_progress *out);
void panel_controls_of(const struct app_state *s, panel_controls *out);

/* Which of a chart's two latest figures (train, test) its caption shows
 * in room pixels, given their widths (0: no such figure yet) and the gap
 * between them: both when they fit; else the test figure alone (the one
 * the status line, the log and the model's file call its accuracy, so a
 * narrow chart never shows a lone training figure that disagrees with
 * them); else the training figure; else none. */
typedef enum panel_figures {
    PANEL_FIGURES_NONE = 0,
    PANEL_FIGURES_TRAIN = 1,
    PANEL_FIGURES_TEST = 2,
    PANEL_FIGURES_BOTH = 3,
} panel_figures;
panel_figures panel_caption_figures(int room, int train_w, int test_w, int gap);

#endif
