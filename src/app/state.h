/* state.h: everything the window knows, as plain data, and the functions
 * that change it.
 *
 * The window's loop (app.c) translates SDL's events into app_input_event
 * and calls app_handle; once a frame it calls app_update, which takes the
 * trainer's newest weights and progress and re-scores the drawing. Neither
 * touches SDL, so tests drive the whole window without a display. What the
 * state wants the outside world to know (a new prediction, an epoch, a
 * saved file, an error) goes out as JSON lines through the emit callback,
 * which `--print-events` prints. */
#ifndef DIGITPAD_APP_STATE_H
#define DIGITPAD_APP_STATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "canvas.h"
#include "core/dataset.h"
#include "core/mlp.h"
#include "core/model_file.h"
#include "core/trainer.h"
#include "layout.h"

/* The window shows at most this many classes (bars). */
#define APP_MAX_CLASSES 16
#define APP_LOSS_POINTS 4096
#define APP_EPOCH_POINTS 256
#define APP_DIGIT_POINTS 512
#define APP_LOG_LINES 64
#define APP_LOG_LINE 160
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
} app_key;

/* The views beside the canvas (views.h draws and explains them). */
typedef enum app_view {
    VIEW_HIDDEN,   // each hidden unit's activation for this drawing
    VIEW_WEIGHTS,  // the first layer's kernels as 28x28 tiles
    VIEW_WHY,      // gradient x input saliency of a class
    VIEW_MISTAKES, // the test set's confusion matrix and its images
    VIEW_LOG,      // the Keras-like epoch lines
    VIEW_COUNT,
} app_view;

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
} app_input_event;

/* What the command line asked for. */
typedef struct app_config {
    const char *model_path;  // --model, or NULL for the bundled one
    const char *bundled_path; // the bundled model's path (cli_default_model_path)
    const char *data_dir;    // --data, or NULL to search
    bool train;              // --train: start training at once
    bool fresh;              // --fresh: fresh random weights instead of a model file
    bool layers_given;
    size_t hidden[MLP_MAX_LAYERS];
    size_t n_hidden;         // --layers (default 128)
    size_t epochs;           // 5
    size_t batch;            // 32
    double lr;               // 0.001
    uint64_t seed;           // 1
    size_t limit;            // --limit: train on the first N samples only (0 = all)
    bool quit_when_trained;  // --quit-after-training: close when the planned epochs are done
    app_view view;           // --view: the view shown first
    int gallery_true, gallery_pred; // --gallery T,P: open that confusion cell (-1: none)
    long test_digit;         // --test-digit N: test image N on the canvas at start (-1: none)
} app_config;

void app_config_default(app_config *cfg);

typedef void (*app_emit_fn)(void *ctx, const char *json_line);

typedef enum app_data_state {
    APP_DATA_UNKNOWN,  // not looked for yet
    APP_DATA_MISSING,  // no MNIST found
    APP_DATA_FOUND,    // a folder exists, not loaded
    APP_DATA_LOADING,  // the loader thread is reading it
    APP_DATA_LOADED,
    APP_DATA_FAILED,   // reading it failed
} app_data_state;

typedef struct app_loss_point {
    float x;        // epochs since the start (fractional)
    float loss;     // the batch's loss
    float smooth;   // exponential moving average
    float accuracy; // running accuracy of the epoch
} app_loss_point;

typedef struct app_digit_point {
    float x;                     // epochs since the start
    uint64_t step;               // the trainer's batches so far (at least 1)
    float probs[APP_MAX_CLASSES];
} app_digit_point;

/* The mistakes view's gallery: one cell of the confusion matrix. */
#define APP_NO_CELL (-1)

typedef struct app_state {
    app_config cfg;
    app_emit_fn emit;
    void *emit_ctx;
    double now;          // seconds, from app_update

    // Window.
    app_layout layout;
    int draw_w, draw_h;
    float scale;
    float mouse_x, mouse_y;
    layout_button hover;
    bool help_visible;
    bool erase_mode;
    bool drawing;        // a stroke follows the mouse
    bool quit;
    bool want_screenshot;

    // The model the window uses.
    mlp net;
    model_meta meta;
    bool have_model;
    char model_path[APP_PATH_MAX]; // where it came from ("" for fresh weights)
    char model_name[256];          // for the header
    float *scratch;                // (2 * max width)
    uint64_t net_version;          // bumps when the weights change

    // The drawing and the answer.
    canvas canvas;
    float raw[CANVAS_N * CANVAS_N];   // as drawn
    float input[CANVAS_N * CANVAS_N]; // what the network gets
    uint64_t input_version;           // bumps when input changes
    uint64_t scored_canvas, scored_net, scored_preprocess;
    float probs[APP_MAX_CLASSES];
    size_t n_classes;
    bool has_guess;
    size_t guess;
    bool prediction_emitted;          // the current prediction went out
    int last_emitted_index;

    // This drawing's probabilities as it is learned, from the trainer's
    // probe reports (steps 1, 2, 4, 8, ... then every 25).
    app_digit_point digit[APP_DIGIT_POINTS];
    size_t n_digit;
    uint64_t probe_sent;              // the input_version given to the trainer's probe
    bool probe_dirty;                 // the trainer's probe needs (re)setting

    // Data and trainer.
    app_data_state data_state;
    char data_dir[APP_PATH_MAX];
    char data_error[256];
    mnist data;
    pthread_t loader;
    bool loader_started;
    _Atomic int loader_done;          // 0 running, 1 ok, 2 failed
    dp_error loader_err;
    bool start_when_loaded;
    trainer trainer;
    bool have_trainer;
    uint64_t snapshot_version;
    trainer_state shown_state;
    trainer_event last_event;         // the newest STEP or EPOCH event
    bool have_progress;
    double last_progress_emit;
    double samples_per_s;             // measured here from the step counts
    double rate_t0;
    uint64_t rate_step0;
    double command_time;              // when the last train/pause/reset was given
    uint64_t resets;                  // fresh weights made without a trainer
    size_t epochs_planned;

    // Curves.
    app_loss_point loss[APP_LOSS_POINTS];
    size_t n_loss;
    size_t loss_stride;               // keep every n-th step event when full
    size_t loss_skip;
    float loss_ema;
    model_epoch epochs[APP_EPOCH_POINTS];
    size_t n_epochs;
    size_t epoch_base;                // epochs trained before this session
    uint64_t curves_version;

    // The views beside the canvas (views.h).
    app_view view;
    uint64_t views_net;               // the net_version the views show (follows it at most 10x/s)
    double views_net_time;
    uint64_t views_input;             // the input_version they show (at most 25x/s while drawing)
    double views_input_time;
    uint64_t tiles_net;               // the net_version the weight tiles show (at most 4x/s)
    double tiles_net_time;
    float *acts;                      // (inspect_units) every layer's output for the input
    float *inspect_scratch;           // (4 * max width + inspect_units) for the saliency
    uint64_t acts_input, acts_net;    // what acts were computed for
    float saliency[CANVAS_N * CANVAS_N]; // gradient x input of saliency_class
    size_t saliency_class;
    bool has_saliency;
    uint64_t saliency_input, saliency_net;
    uint64_t saliency_version;        // bumps when the map changes
    int why_class;                    // the class explained; -1: the predicted one
    bool why_gradient;                // the why view shows the plain input gradient
    int sel_layer, sel_unit;          // the highlighted unit (-1: none)
    int hover_layer, hover_unit;      // the unit under the mouse (-1: none)
    int hover_cell, hover_thumb;      // confusion cell (true * 10 + predicted) / gallery image
    int hover_nav;                    // a view's small button under the mouse (views.h)
    size_t weights_page;
    bool sure;                        // the guess is clear enough to announce (views.h)

    // The test set's answers, for the mistakes view.
    bool want_eval;                   // evaluate the weights once a trainer exists
    bool has_confusion;
    uint32_t confusion[10][10];       // [true][predicted]
    size_t confusion_epoch;           // epochs the evaluated weights had been trained
    double confusion_accuracy;
    uint64_t confusion_version;
    uint8_t *test_pred;               // (data.test.count) each test image's predicted class
    float *test_conf;                 // (data.test.count) and its probability
    uint64_t pred_version;            // the trainer's version of them
    bool has_preds;
    int gallery_true, gallery_pred;   // the open cell (APP_NO_CELL: none)
    uint32_t *gallery;                // (data.test.count) indices of its images, most telling first
    size_t n_gallery, gallery_first;  // how many, and the first one shown
    uint64_t gallery_version;
    long shown_test;                  // the test image on the canvas (-1: none)
    int shown_label;                  // its true label
    bool want_test_digit;             // a random test digit once MNIST is read
    long pending_test_digit;          // --test-digit, once MNIST is read (-1: none)
    dp_rng test_rng;

    // Log and status.
    char log[APP_LOG_LINES][APP_LOG_LINE];
    size_t log_head, n_log;
    uint64_t log_version;
    char status[512];
    bool status_error;
    uint64_t status_version;
} app_state;

/* Sets up an empty state (no model yet) with its layout for a w x h
 * drawable at scale. Returns false when out of memory. */
bool app_state_init(app_state *s, const app_config *cfg, int w, int h, float scale,
                    app_emit_fn emit, void *emit_ctx);
/* Stops the trainer (within one batch) and the loader, frees everything. */
void app_state_destroy(app_state *s);

/* Loads the startup model: --model, else the bundled one; when that fails
 * (or --layers asks for another shape), fresh Glorot weights, with the
 * reason in the status line. Looks for MNIST (without reading it). */
void app_state_start(app_state *s);

/* Loads path as the window's model. On failure the current model stays,
 * the status line says why and an error event goes out. */
bool app_state_load(app_state *s, const char *path);
/* Takes ownership of net and meta as the window's model (path may be ""). */
void app_state_use_model(app_state *s, mlp *net, model_meta *meta, const char *path);
/* Saves the model (see issue 3's rules for the path); returns success. */
bool app_state_save(app_state *s);

void app_handle(app_state *s, const app_input_event *ev);

/* Once a frame: trainer snapshot and events, loader, re-scoring, progress
 * events. now is a monotonic clock in seconds. */
void app_update(app_state *s, double now);

/* Train / pause / resume, as the button and Space do. */
void app_toggle_training(app_state *s);
void app_reset_weights(app_state *s);

/* Status line (also sent as an error event when error is true). */
void app_set_status(app_state *s, bool error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The log's i-th line from the oldest (i < n_log). */
const char *app_log_line(const app_state *s, size_t i);

/* Maps drawable coordinates to canvas units (0..28). */
void app_canvas_units(const app_state *s, float x, float y, float *cx, float *cy);

/* Label of class i (from the model file). */
const char *app_label(const app_state *s, size_t i);

/* The trainer's state as the window shows it (IDLE when there is none). */
trainer_state app_training_state(const app_state *s);

/* Writes s as a JSON string literal (with quotes) into out. */
void app_json_string(char *out, size_t out_len, const char *s);

/* Sends one JSON line through the emit callback (printf-style). */
void app_emitf(app_state *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Starts reading MNIST in the background if it is there and not read yet
 * (never waits for it). Returns false when there is no MNIST to read. */
bool app_want_data(app_state *s);

/* Creates the (idle) trainer for the window's model once MNIST is read,
 * for training or for a test-set evaluation. Returns whether one exists. */
bool app_ensure_trainer(app_state *s);

#endif
