/* window.h: the window's parts put together, and the functions that
 * change them: input (app_handle), once a frame (app_update), start.
 *
 * app_state is a composition, not a bag of fields: each part owns its
 * state and is changed through its own functions (model_slot, training,
 * curves, canvas, scoring, views, report, events); this file's functions
 * route input to the parts and act on what the parts ask for (a view's
 * view_request, training's news). The loop in app.c translates SDL's
 * events into app_input_event and draws with ui.h; nothing here touches
 * SDL, so tests drive the whole window without a display. */
#ifndef DIGITPAD_APP_WINDOW_H
#define DIGITPAD_APP_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "controls.h"
#include "core/mlp.h"
#include "curves.h"
#include "events.h"
#include "layout.h"
#include "model_slot.h"
#include "recent.h"
#include "report.h"
#include "lesson.h"
#include "scores.h"
#include "scoring.h"
#include "teach.h"
#include "training.h"
#include "views.h"

#define APP_PATH_MAX 4096

typedef enum app_input_kind {
    APP_IN_MOUSE_DOWN,
    APP_IN_MOUSE_UP,
    APP_IN_MOUSE_MOVE,
    APP_IN_KEY,
    APP_IN_RESIZE, // w, h (drawable pixels), scale
    APP_IN_DROP_FILE,
    APP_IN_QUIT,
    APP_IN_WHEEL,  // x, y (the mouse), wheel (+1 up / -1 down)
    APP_IN_LEAVE,  // the mouse left the window
} app_input_kind;

typedef enum app_key {
    APP_KEY_NONE,
    APP_KEY_SPACE,     // train / pause / resume
    APP_KEY_R,         // reset to fresh weights
    APP_KEY_C,         // clear
    APP_KEY_BACKSPACE, // clear
    APP_KEY_Z,         // with ctrl: undo
    APP_KEY_S,         // with ctrl: save
    APP_KEY_P,         // MNIST normalisation on/off
    APP_KEY_E,         // eraser on/off
    APP_KEY_HELP,      // ? or F1
    APP_KEY_F12,       // screenshot
    APP_KEY_ESCAPE,    // close the help
    APP_KEY_Q,         // with ctrl: quit
    APP_KEY_1,         // 1..5: the views beside the canvas (APP_KEY_1 + view)
    APP_KEY_2,
    APP_KEY_3,
    APP_KEY_4,
    APP_KEY_5,
    APP_KEY_TAB,       // next view (with shift: the previous one)
    APP_KEY_T,         // a random test digit on the canvas
    APP_KEY_PAGE_UP,   // the previous page of weight tiles or gallery images
    APP_KEY_PAGE_DOWN, // the next page
    APP_KEY_G,         // the why view: gradient x input / plain gradient
    APP_KEY_SLOWER,    // [: train slower
    APP_KEY_FASTER,    // ]: train faster
    APP_KEY_PERIOD,    // .: one training step
    APP_KEY_RETURN,    // the settings' Apply, a question's first answer (the arrows
                       // below also move in the settings panel while it is open)
    APP_KEY_LABEL,     // issue 13: Ctrl+0..9 keeps the drawing as digit `digit`
    APP_KEY_F,         // fine-tune on the person's digits
    APP_KEY_M,         // the "my digits" panel
    APP_KEY_A,         // train on distorted digits or not
    APP_KEY_D,         // the next dataset
    APP_KEY_6,         // the neuron view (again: back to the most active unit)
    APP_KEY_7,         // the network view
    APP_KEY_LEFT,      // the neuron view: the previous / next unit; the settings: a value down / up
    APP_KEY_RIGHT,
    APP_KEY_UP,        // the neuron view: the layer below / above; the settings: the rows
    APP_KEY_DOWN,
    APP_KEY_O,         // with ctrl: the Open panel
    APP_KEY_L,         // the lesson on / off (Left / Right move it while it is open)
    APP_KEY_PICK_LABEL, // Shift+digit: the label whose loss is shown (digit)
} app_key;

/* One input, with SDL's details taken out. Positions are in drawable pixels
 * (the same space as the layout). */
typedef struct app_input_event {
    app_input_kind kind;
    float x, y;
    int button;       // 1 left, 2 middle, 3 right
    app_key key;
    bool ctrl;
    bool shift;
    int wheel;        // WHEEL: +1 away from the user, -1 towards
    int w, h;         // RESIZE
    float scale;      // RESIZE
    const char *path; // DROP_FILE (not kept)
    int digit;        // KEY with APP_KEY_LABEL or APP_KEY_PICK_LABEL: 0..9
} app_input_event;

/* What the command line asked for (options.c parses it). */
typedef struct app_config {
    const char *model_path;   // --model, or NULL for the bundled one
    const char *bundled_path; // the bundled model's path
    const char *recent_file;  // where the recent models are kept (NULL: not kept; recent.h)
    const char *data_dir;     // --data, or NULL to search
    bool train;               // --train: start training at once
    bool fresh;               // --fresh: fresh random weights instead of a model file
    bool layers_given;
    size_t hidden[MLP_MAX_LAYERS];
    size_t n_hidden;          // --layers (default 128)
    size_t epochs;            // 5
    size_t batch;             // 32
    double lr;                // 0.001
    bool lr_given, batch_given; // --lr, --batch: over a loaded model's own (train_record.h)
    uint64_t seed;            // 1
    size_t limit;             // --limit: train on the first N samples only (0 = all)
    unsigned speed;           // --speed: batches a second (0 = full)
    bool quit_when_trained;   // --quit-after-training: close when the planned epochs are done
    app_view view;            // --view: the view shown first
    int gallery_true, gallery_pred; // --gallery T,P: open that confusion cell (-1: none)
    long test_digit;          // --test-digit N: test image N on the canvas at start (-1: none)
    const char *samples_dir;  // where the person's digits are kept (NULL: in memory only)
    const char *fashion_dir;  // where Fashion-MNIST is looked for (NULL: not offered)
    bool lesson;              // --lesson: the lesson open at start
} app_config;

void app_config_default(app_config *cfg);

typedef struct app_state {
    app_config cfg;
    double now;               // seconds, from app_update

    // The window's own: its size, the pointer, the overlay.
    app_layout layout;
    int draw_w, draw_h;
    float scale;
    float mouse_x, mouse_y;
    layout_button hover;
    bool help_visible;
    bool erase_mode;
    bool drawing;             // a stroke follows the mouse
    bool quit;
    bool want_screenshot;
    double last_progress_emit;

    // The parts.
    events events;            // the --print-events writer
    report report;            // status line and log
    model_slot model;         // the network the window shows
    canvas canvas;            // what was drawn
    scoring score;            // its answer
    curves curves;            // the charts
    training train;           // MNIST and the trainer
    views views;              // the views beside the canvas
    recent recent;            // the models opened or saved, most recent first
    controls ctl;             // issue 11: step, speeds, settings, questions, undo
    teach teach;              // the person's digits, fine-tuning, distortions, datasets
    scores_state scores;      // softmax worked out or not, the label whose loss is shown
    lesson lesson;            // the lesson's step, when open

    // A test image on the canvas.
    long shown_test;          // its index (-1: none)
    int shown_label;          // its true label
    bool want_test_digit;     // a random test digit once MNIST is read
    long pending_test_digit;  // --test-digit, once MNIST is read (-1: none)
    dp_rng test_rng;
} app_state;

/* Sets up the parts (no model yet) with the layout for a w x h drawable at
 * scale. Events go to sink (may be NULL); wake (may be NULL) is called
 * from the trainer and loader threads when they have news. Returns false
 * when out of memory (nothing left to free). */
bool app_state_init(app_state *s, const app_config *cfg, int w, int h, float scale,
                    events_sink sink, void *sink_ctx, loader_wake_fn wake, void *wake_ctx);
/* Stops the trainer (within one batch) and the loaders, frees everything. */
void app_state_destroy(app_state *s);
/* Stops the trainer (within one batch) and joins the loaders, and frees
 * only what they used; app_state_destroy may still follow. For exit paths
 * that do not return through the loop (exit() from Xlib's error handler):
 * the trainer must not be inside BLAS when the library's destructors run. */
void app_state_stop_threads(app_state *s);

/* Loads the startup model: --model, else the bundled one; when that fails
 * (or --layers asks for another shape), fresh Glorot weights, with the
 * reason in the status line. Starts reading MNIST in the background. */
void app_state_start(app_state *s);

/* Loads path as the window's model now. On failure the current model
 * stays, the status line says why and an error event goes out. */
bool app_state_load(app_state *s, const char *path);
/* Takes ownership of net and meta as the window's model (path may be ""). */
void app_state_use_model(app_state *s, mlp *net, model_meta *meta, const char *path);
/* Saves the model (back to --model unless that is the bundled one, else a
 * new file in the user's models folder); returns success. */
bool app_state_save(app_state *s);
/* Ctrl+Shift+S: the same into a new file in the user's models folder
 * (new_file), which the next Ctrl+S then goes back to. */
bool app_state_save_as(app_state *s, bool new_file);

void app_handle(app_state *s, const app_input_event *ev);

/* Once a frame: the loaders' and the trainer's news, re-scoring, the
 * views, progress events. now is a monotonic clock in seconds. */
void app_update(app_state *s, double now);

/* Train / pause / resume, as the button and Space do. */
void app_toggle_training(app_state *s);
/* Training's speed (batches a second, 0: full) from now on: the status
 * line and a settings event say so. */
void app_set_speed(app_state *s, unsigned speed);
/* The settings event: what training runs with (training.next, the model's
 * hidden widths and activation). */
void app_emit_settings(app_state *s);
void app_reset_weights(app_state *s);
/* The trainer for the current model, made when MNIST is read (false, the
 * status line saying why, when it cannot be). */
bool app_ensure_trainer(app_state *s);
/* A run begins from an idle trainer: the model records its settings. */
void app_record_run(app_state *s);

/* What the views read of the window (events NULL in the const form, for
 * drawing). */
view_ctx app_view_ctx(app_state *s);
view_ctx app_view_ctx_const(const app_state *s);

/* Maps drawable coordinates to canvas units (0..28). */
void app_canvas_units(const app_state *s, float x, float y, float *cx, float *cy);

/* Puts test image i on the canvas as a bitmap, with its true label shown.
 * False when MNIST is not read or i is out of range. */
bool app_put_test_image(app_state *s, size_t i);

/* Used by input.c: a dropped file read on the loader thread; a random test
 * image (once MNIST is read); what a view asked for; switching views. */
void app_open_dropped(app_state *s, const char *path);
void app_random_test_digit(app_state *s);
void app_act_on(app_state *s, const view_request *r);
void app_show_view(app_state *s, app_view v);
/* The layout again, for the drawable size and scale and the model's depth. */
void app_relayout(app_state *s);

/* The lesson: open or close it, or move by dir (+1, -1); what the step
 * shows (its view, softmax worked out) is put on screen. */
void app_lesson_toggle(app_state *s);
void app_lesson_move(app_state *s, int dir);
/* The scores' and the lesson's share of input (input_scores.c): a click on
 * the lesson's card or the answer (softmax worked out on / off), a right
 * click on a bar (that label's loss), and their keys. True when the input
 * was theirs. */
bool app_scores_click(app_state *s, float x, float y);
bool app_scores_right_click(app_state *s, float x, float y);
bool app_scores_key(app_state *s, const app_input_event *ev);

/* Issue 13 (teach.c): the samples read at start; Ctrl+digit; deleting
 * sample i; F; A; choosing dataset i of teach.choice, or the next one (D);
 * a dropped folder of IDX files (false when path is not one); once a
 * frame; is a fine-tuning under way; M; a mouse event over the panel
 * (true when it was the panel's). */
void app_teach_start(app_state *s);
void app_teach_label(app_state *s, int digit);
bool app_teach_delete(app_state *s, long i);
void app_teach_finetune(app_state *s);
void app_teach_on_finetune(app_state *s, const trainer_event *ev); // the trainer's job ended
void app_teach_toggle_augment(app_state *s);
void app_teach_choose_dataset(app_state *s, size_t i);
void app_teach_next_dataset(app_state *s);
/* Whether the model's ten class names are dataset i's (true when it has no
 * names of its own to compare). */
bool app_teach_labels_match(const app_state *s, size_t i);
/* What the model's class names are, in a few words ("digits",
 * "Fashion-MNIST"), for the status line. */
void app_teach_model_reads(const app_state *s, char *out, size_t len);
/* Training starts on the chosen dataset: its class names go with the
 * weights it makes (fresh or continued), into the model and its file.
 * True when the names changed. */
bool app_teach_labels_follow(app_state *s);
bool app_teach_drop_folder(app_state *s, const char *path);
void app_teach_update(app_state *s);
bool app_teach_busy(const app_state *s);
void app_teach_toggle_panel(app_state *s);
bool app_teach_mouse(app_state *s, float x, float y, bool down);

/* True once training has gone half an epoch past epoch n (or finished);
 * always true for n == 0. */
bool app_training_reached(const app_state *s, size_t n);

#endif
