/* teach.h: teaching the window one person's handwriting, and the data it
 * trains on (issue 13's window parts).
 *
 *   Ctrl+0 ... Ctrl+9  keep what the network is given for the drawing as
 *                      that digit (samples.h; a sample event)
 *   M                  the "my digits" panel (also opened by Ctrl+digit):
 *                      a counter per digit, the
 *                      samples (click one, Delete removes it), the buttons
 *                      below, the last fine-tuning's figures, the preview
 *   F                  fine-tune the model on the samples mixed with MNIST
 *                      replayed, as a job of the trainer thread
 *                      (trainer_finetune); the figures before and after on
 *                      a held-out part of the samples and on MNIST's test
 *                      set (a finetune event)
 *   A                  train on distorted digits (affine + elastic) or not,
 *                      with a strip of the distorted digits: while training,
 *                      the first of the batch the trainer has just trained
 *                      on (trainer_take_seen); else examples made here the
 *                      same way, captioned as examples
 *   D                  the next dataset (dataset_choice.h); a folder of IDX
 *                      files dropped on the window is one too
 *
 * The part owns its state (struct teach); the functions taking app_state
 * route what it decides to the other parts through their own functions.
 * No SDL here: ui_samples.c paints the panel from teach_layout. */
#ifndef DIGITPAD_APP_TEACH_H
#define DIGITPAD_APP_TEACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/augment.h"
#include "core/finetune.h"
#include "core/rng.h"
#include "core/trainer.h"
#include "dataset_choice.h"
#include "layout.h"
#include "loader.h"
#include "samples.h"

#define TEACH_MIN_SAMPLES 8    // fewer and the held-out part is one or two digits
#define TEACH_MAX_THUMBS 96
#define TEACH_PREVIEW 12       // distorted digits in the strip
#define TEACH_REPLAY 3.0       // MNIST digits replayed per sample of the person's shown

typedef enum teach_button {
    TEACH_BTN_NONE = -1,
    TEACH_BTN_CLOSE,
    TEACH_BTN_PREV,
    TEACH_BTN_NEXT,
    TEACH_BTN_DELETE,
    TEACH_BTN_FINETUNE,
    TEACH_BTN_AUGMENT,
    TEACH_BTN_DATASET,
    TEACH_BTN_COUNT,
} teach_button;

/* Where the panel's parts go (drawable pixels), a plain function of the
 * window's layout and how many samples there are. */
typedef struct teach_layout {
    app_rect panel;                    // over the tabs and the view
    app_rect title;
    app_rect counters[10];             // one per digit
    app_rect grid;
    app_rect thumbs[TEACH_MAX_THUMBS]; // the samples shown, newest first
    size_t n_thumbs;                   // how many fit
    app_rect buttons[TEACH_BTN_COUNT];
    app_rect result;                   // the last fine-tuning's figures
    app_rect preview_caption;
    app_rect preview[TEACH_PREVIEW];
} teach_layout;

typedef struct teach {
    samples samples;
    dataset_choice choice;
    bool open;                 // the panel is shown
    long selected;             // the sample picked in the panel (-1: none)
    size_t first;              // the newest-first index of the first thumbnail
    teach_button hover;
    // Fine-tuning.
    bool pending;              // F pressed while MNIST is read: start when it is
    bool job;                  // handed to the trainer, not reported yet
    bool have_result;
    finetune_result result;
    char message[200];         // the panel's line about it ("fine-tuning 40 digits ..."; a
                               // shorter form may follow a '|')
    // The distortions' preview.
    augment_work preview_work;
    bool have_preview_work;
    dp_rng preview_rng;
    uint8_t preview[TEACH_PREVIEW][SAMPLES_PIXELS];
    uint8_t preview_labels[TEACH_PREVIEW];
    size_t n_preview;
    double preview_time;
    uint64_t preview_version;
    uint8_t seen_buf[TRAINER_SEEN * SAMPLES_PIXELS]; // what trainer_take_seen copies into
    bool preview_seen;         // the strip is the trainer's batch, not examples made here
    uint64_t preview_step;     // that batch's number (trainer_seen.global_step)
    size_t preview_epoch;
} teach;

/* Sets up the part: samples kept in samples_dir (NULL: in memory only),
 * MNIST as --data gave it (mnist_dir, or NULL), Fashion-MNIST looked for
 * in fashion_dir. Reads nothing yet. */
void teach_init(teach *t, const char *samples_dir, const char *mnist_dir, const char *fashion_dir);
/* Frees everything (a fine-tuning in progress is the trainer's, stopped with it). */
void teach_destroy(teach *t);

/* The panel's arrangement inside the window's layout l. */
void teach_layout_compute(const teach *t, const app_layout *l, teach_layout *out);
/* The panel's button under (x, y), or TEACH_BTN_NONE; the thumbnail under
 * it (its sample's index) in *sample, or -1. */
teach_button teach_hit(const teach *t, const teach_layout *tl, float x, float y, long *sample);

/* The sample shown in thumbnail k (newest first from t->first), or -1. */
long teach_thumb_sample(const teach *t, size_t k);

/* The strip's caption: what its images are (the trainer's batch while
 * training, "batch 1234: what it is training on"; examples otherwise),
 * with shorter forms after '|' for a narrow panel. augment: distortions
 * are on for training; running: training runs. */
void teach_preview_caption(const teach *t, bool augment, bool running, char *out, size_t n);

#endif
