/* model_meta.h: everything in a model file besides the weights: the input
 * (size, scale, preprocessing), the labels, and how it was trained. The
 * settings are doubles holding the decimals a run was given (0.001, not
 * the float 0.0010000000474974513 Adam computes with). */
#ifndef DIGITPAD_MODEL_META_H
#define DIGITPAD_MODEL_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct novelty; // novelty.h: the not-a-digit detector

#define MODEL_MAX_HISTORY 1000
#define MODEL_LABEL_MAX 32
/* The seed is held as a JSON number, which readers (cJSON among them) hold
 * as a double: exact for every integer up to 2^53, not beyond. */
#define MODEL_MAX_SEED ((uint64_t)1 << 53)

typedef enum model_preprocess {
    MODEL_PREPROCESS_MNIST, // bounding box -> 20x20 -> centre of mass (default)
    MODEL_PREPROCESS_NONE,  // the canvas as drawn
} model_preprocess;

typedef struct model_epoch {
    int epoch;
    double loss, accuracy, val_loss, val_accuracy;
} model_epoch;

/* How far the epoch under way had got when the model was saved: the file's
 * training.progress (docs/model-format.md). The epoch's order of samples
 * is 0..samples_per_epoch-1 shuffled `shuffles` times by dataset_shuffle
 * with one dp_rng seeded shuffle_seed (0 shuffles: not known). */
typedef struct model_progress {
    int epoch;                 // the epoch under way: the completed epochs + 1
    size_t samples_done;       // of it: 1 to samples_per_epoch - 1
    size_t samples_per_epoch;  // the training set's size
    size_t batches_done;       // batches of it trained: 1 to samples_done
    size_t batches_per_epoch;  // batches_done + the batches left at the batch size
    uint64_t global_step;      // batches the saving run had trained (0: not known)
    double loss, accuracy;     // running means over samples_done (NAN: not known)
    uint64_t shuffle_seed;
    uint64_t shuffles;
} model_progress;

/* A change of the learning rate or the batch size during training: from
 * `samples_done` samples into `epoch` (1-based) on, training used these
 * (the file's training.schedule). */
typedef struct model_setting {
    int epoch;
    size_t samples_done;
    double learning_rate;
    size_t batch_size;
} model_setting;

#define MODEL_MAX_SCHEDULE 1000
/* A training set's size as a session takes it (train.h: its order is
 * uint32). */
#define MODEL_MAX_SAMPLES 4294967295.0

/* Everything in the file besides the weights. Defaults: model_meta_default. */
typedef struct model_meta {
    size_t height, width;       // input image; height * width == sizes[0]
    double scale;               // 1/255
    model_preprocess preprocess;
    size_t n_labels;            // == outputs
    char (*labels)[MODEL_LABEL_MAX]; // (n_labels), owned
    bool has_training;
    char dataset[64];
    int epochs;
    size_t batch_size;
    uint64_t seed;
    double learning_rate, beta_1, beta_2, epsilon;
    size_t n_history;
    model_epoch *history;       // (n_history), owned
    bool has_progress;          // saved part way into an epoch
    model_progress progress;
    size_t n_schedule;          // 0, or 2 and more: the settings as they changed
    model_setting *schedule;    // (n_schedule), owned; the last entry is what
                                // learning_rate and batch_size say
    struct novelty *not_a_digit; // the file's "not_a_digit" section: NULL when it has
                                 // none; owned (novelty_destroy, then free)
} model_meta;

/* The input scales a model may have: the network is fed pixel * scale, and
 * every format stores the scale (or 255 * scale, ONNX's Mul) as a float32,
 * so it must be a positive number that survives that: between
 * MODEL_SCALE_MIN and MODEL_SCALE_MAX (1/255 and 1 are the usual ones). */
#define MODEL_SCALE_MIN 1e-9
#define MODEL_SCALE_MAX 1e9
bool model_meta_scale_ok(double scale);

/* A label is 1 to MODEL_LABEL_MAX - 1 bytes of UTF-8 (s must hold a NUL
 * within MODEL_LABEL_MAX bytes or be that long). */
bool model_meta_label_ok(const char *s);
/* True when meta's labels are "0", "1", ... in order: a digit model's. */
bool model_meta_labels_default(const model_meta *meta);

/* Defaults for a network with `outputs` classes: 28x28, scale 1/255,
 * "mnist" preprocessing, labels "0".."outputs-1", no training section. */
bool model_meta_default(model_meta *meta, size_t height, size_t width, size_t outputs, dp_error *err);
/* Makes dst an independent copy of src (labels, history, schedule and the
 * not-a-digit detector copied). */
bool model_meta_copy(model_meta *dst, const model_meta *src, dp_error *err);
/* Appends one epoch to the history (for continued training). */
bool model_meta_add_epoch(model_meta *meta, const model_epoch *e, dp_error *err);
/* Records that from `at` on (its epoch and samples_done) training uses
 * at->learning_rate and at->batch_size, where until then it used
 * before_lr and before_batch. A change at the very start of training
 * (epoch 1, sample 0, no schedule yet) is no change: the section's
 * learning_rate and batch_size say it. Otherwise the first change also
 * records the settings before it, from epoch 1; a change at the place of
 * the last entry replaces it; one to the settings of the last entry is
 * none. Full (MODEL_MAX_SCHEDULE), the second entry makes room: the first
 * and the newest are kept. Also sets learning_rate and batch_size. */
bool model_meta_note_setting(model_meta *meta, const model_setting *at, double before_lr,
                             size_t before_batch, dp_error *err);
/* The training record of a part-done epoch as a short phrase, "epoch 3,
 * 812 of 1875 batches" (out gets "" without one). */
void model_meta_progress_text(const model_meta *meta, char *out, size_t len);

/* Frees the labels, history and not-a-digit detector and zeroes meta. Safe
 * on a zeroed struct. */
void model_meta_destroy(model_meta *meta);

/* Sets the training section's fields to what a file without them means:
 * dataset "mnist", 0 epochs, batch 32, seed 1, Adam 0.001, 0.9, 0.999,
 * 1e-7 (has_training, the history, the schedule and the progress are left
 * alone). */
void model_meta_training_defaults(model_meta *meta);

/* Gives meta the detector nv (moved: nv is zeroed, and meta frees it),
 * replacing any it had; NULL removes it. False when out of memory, leaving
 * meta as it was and nv still the caller's. */
bool model_meta_set_not_a_digit(model_meta *meta, struct novelty *nv, dp_error *err);

#endif
