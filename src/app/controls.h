/* controls.h: issue 11's controls put together: the training bar (Step,
 * the speeds, Settings), the single step's card, the settings panel, the
 * questions asked before something would lose training (Reset, a new
 * shape, training a loaded model from scratch), and undo of a reset and
 * of Clear.
 *
 * Like window.c these functions act on the window's parts through their
 * own functions; the panels (panel_*_of) are pure functions of the state,
 * checked by tests/test_controls.c without a display, and ui_controls.c
 * paints them. */
#ifndef DIGITPAD_APP_CONTROLS_H
#define DIGITPAD_APP_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "open_panel.h"
#include "settings.h"
#include "step_view.h"

struct app_state;
struct app_input_event;

/* What a question asks before it acts. */
typedef enum question_kind {
    QUESTION_NONE,
    QUESTION_RESET,   // fresh weights over unsaved training
    QUESTION_SCRATCH, // Train on a trained model: continue, or from scratch?
} question_kind;

/* The controls' own state, kept in app_state. */
typedef struct controls {
    step_view step;
    settings_panel settings;
    question_kind question;
    // Undo: which came last, a reset (the model slot keeps the old model)
    // or a Clear (the strokes kept here); drawing since cancels either.
    uint64_t undo_seq, model_undo_seq, clear_undo_seq;
    uint64_t model_undo_canvas, clear_undo_canvas; // the canvas version right after
    bool have_clear_undo;
    struct canvas_copy *cleared;                    // the strokes a Clear removed (owned)
    bool continue_chosen;                           // this model's Train said "continue"
    open_panel open;                                // Ctrl+O
} controls;

bool controls_init(controls *c);
void controls_destroy(controls *c);

/* ---- acting on the window ----------------------------------------------- */

/* Step (`.`): trains exactly one batch while paused, idle or finished and
 * shows it (the card, a step event); starts reading MNIST first if needed. */
void app_single_step(struct app_state *s);
/* The single step's event arrived (from the trainer, via window.c). */
void app_on_single_step(struct app_state *s, const struct trainer_event *ev);

/* A test-set evaluation arrived: of untrained weights, it is the curves'
 * epoch 0. */
void app_on_eval(struct app_state *s, const struct trainer_event *ev);

/* Settings that change at once (a running trainer from its next batch):
 * the status line and a settings event say so. */
void app_set_lr(struct app_state *s, double lr);
void app_set_batch(struct app_state *s, size_t batch);
void app_set_epochs(struct app_state *s, size_t epochs);
/* Opens or closes the settings panel (S, the Settings button). */
void app_toggle_settings(struct app_state *s);
/* Applies the settings' shape and activation as fresh weights, asking
 * first when the current weights have unsaved training. */
void app_apply_shape(struct app_state *s);

/* The status line after a save to path: where, and, mid-training, how far
 * training had got (the file records the epochs completed). */
void app_report_saved(struct app_state *s, const char *path);
/* Ctrl+O: the Open panel, listing the saved, bundled and recent models. */
void app_open_panel(struct app_state *s);

/* Reset (R, the button): fresh weights, asking first over unsaved training. */
void app_reset_asked(struct app_state *s);
/* Train (Space, the button) on a loaded, trained model that has not been
 * trained here yet asks "continue training" or "train from scratch";
 * otherwise as app_toggle_training. */
void app_train_asked(struct app_state *s);
/* Clear (C, the button), undoable. */
void app_clear_canvas(struct app_state *s);
/* Ctrl+Z: undoes the last of a reset, a Clear or a stroke. */
void app_undo(struct app_state *s);

/* The overlays (the question, the settings, the step card) take input
 * first: true when this mouse press or key was theirs. */
bool app_controls_mouse_down(struct app_state *s, float x, float y, int button);
bool app_controls_key(struct app_state *s, const struct app_input_event *ev);
/* Is an overlay of the controls shown (input under it goes to it)? */
bool app_controls_modal(const struct app_state *s);

/* ---- what is drawn ------------------------------------------------------ */

/* The training bar. */
typedef struct panel_trainbar {
    unsigned speed;      // batches a second, 0 full
    bool step_enabled;   // not running
    bool settings_on;
    int hover;
} panel_trainbar;

void panel_trainbar_of(const struct app_state *s, panel_trainbar *out);

#define PANEL_SETTINGS_ROWS (SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN + 1)

/* The settings panel. */
typedef struct panel_settings {
    bool visible;
    int row;                                  // the keyboard's
    size_t n_rows, n_hidden;
    char label[PANEL_SETTINGS_ROWS][40];
    char value[PANEL_SETTINGS_ROWS][24];
    int act;                                  // 0..3, settings_activations
    bool changed;                             // the shape differs from the model's
    bool asking;
    char note[200];
    char apply[48];
    settings_hit hover;
} panel_settings;

void panel_settings_of(const struct app_state *s, panel_settings *out);

/* A question. */
typedef struct panel_question {
    question_kind kind;
    char title[96];
    char text[400];
    char yes[48], no[48];
} panel_question;

void panel_question_of(const struct app_state *s, panel_question *out);

/* Where a question's pieces go. */
typedef struct question_geom {
    app_rect card, yes, no;
} question_geom;

void question_geom_of(const app_layout *l, question_geom *g);

/* The Open panel: what each row shows. */
typedef struct panel_open {
    bool visible;
    int row, hover;
    size_t n;
    char name[OPEN_PANEL_MAX][256]; // whole: the drawing cuts it to its column
    char detail[OPEN_PANEL_MAX][200]; // "saved  ·  784-128-10  ·  test 97.55 %" or the reason
    bool broken[OPEN_PANEL_MAX];
} panel_open;

void panel_open_of(const struct app_state *s, panel_open *out);

/* Everything the controls draw over the other panels. */
typedef struct panel_overlays {
    panel_step step;
    panel_settings settings;
    panel_question question;
    panel_open open;
} panel_overlays;

void panel_overlays_of(const struct app_state *s, panel_overlays *out);

#endif
