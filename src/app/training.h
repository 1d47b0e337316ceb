/* training.h: the window's training: the dataset (found, read on the
 * loader thread), the trainer thread's life cycle and the settings it was
 * started with, and its events drained once a frame into what the other
 * parts read (progress, the throughput, the state to show).
 *
 * The trainer thread owns its own copy of the network; this part hands it
 * the window's weights when it is made, takes its snapshots back into the
 * window's network, and passes on the drawing it should watch (the probe).
 * The trainer and the loader get only what they work on (the network, the
 * data, a path) and wake the window through the callback given to
 * training_init. No SDL here. */
#ifndef DIGITPAD_APP_TRAINING_H
#define DIGITPAD_APP_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/dataset.h"
#include "core/error.h"
#include "core/mlp.h"
#include "core/trainer.h"
#include "events.h"
#include "loader.h"

#define TRAINING_PATH_MAX 4096

typedef enum training_data_state {
    TRAINING_DATA_UNKNOWN,  // not looked for yet
    TRAINING_DATA_MISSING,  // no MNIST found
    TRAINING_DATA_FOUND,    // a folder exists, not read
    TRAINING_DATA_LOADING,  // the loader thread is reading it
    TRAINING_DATA_LOADED,
    TRAINING_DATA_FAILED,   // reading it failed
} training_data_state;

/* What a training run is started with. Issue 11's live controls (lr,
 * batch, speed, layers, activation, one step) change `next`; a trainer
 * takes it when it is made, and `running` keeps what it got. */
typedef struct training_settings {
    size_t epochs;   // 5
    size_t batch;    // 32
    double lr;       // 0.001, as the person gave it (saved as such)
    uint64_t seed;   // 1
    unsigned speed;  // batches a second, 0: full speed (--speed, [ and ]); live
    bool augment;    // issue 13: distorted digits (affine + elastic, augment.h's defaults)
} training_settings;

/* The speeds [ and ] step through, slowest first (0: full speed last). */
#define TRAINING_SPEEDS {1u, 10u, 100u, 0u}

typedef struct training {
    // The data.
    training_data_state data_state;
    const char *data_arg;                // --data (not owned), or NULL to search
    char data_dir[TRAINING_PATH_MAX];
    char data_error[256];
    size_t limit;                        // train on the first N images (0: all)
    mnist data;                          // when LOADED
    loader loader;
    bool start_when_loaded;              // Train was asked for while reading

    // The trainer.
    training_settings next;              // for the next trainer
    training_settings running;           // the current trainer's
    trainer trainer;
    bool have_trainer;
    loader_wake_fn wake;                 // given to the trainer and the loader
    void *wake_ctx;
    events *events;                      // not owned: trainer_stopped
    trainer_state shown_state;           // what the window shows
    uint64_t snapshot_version;
    size_t epochs_planned;
    uint64_t probe_sent;                 // the input version given to the probe
    bool probe_dirty;
    uint64_t pred_version;               // of the test-set answers taken
    // Issue 13: fine-tuning as the trainer's job, the batches it sees.
    bool finetuning;                     // a job handed to the trainer has not reported
    uint64_t finetune_version;           // of the job report taken
    uint64_t seen_version;               // of the batch images taken
    // Where training stood when the weights last taken were made, and
    // where the next trainer starts (issue 11: a save records how far
    // training had got; continuing goes on from there).
    trainer_position weights_pos;
    bool have_weights_pos;
    uint64_t start_step;                 // the trainer's global step when it was made
    bool want_resume;                    // the next trainer starts at `resume`
    train_position resume;
    uint64_t resume_step;
    double applied_lr, before_lr;        // the trainer's settings, and those before the
    size_t applied_batch, before_batch;  // last SETTING event changed them

    // Progress, from the drained events.
    trainer_event last_event;            // the newest STEP or EPOCH
    bool have_progress;
    double samples_per_s;                // measured here from the batch counter
    double rate_t0;
    uint64_t rate_step0;
    double now;
} training;

/* No data looked for and no trainer yet. data_arg (--data) is kept, not
 * copied. wake is called from the trainer and loader threads (may be NULL). */
void training_init(training *t, const training_settings *settings, const char *data_arg,
                   size_t limit, events *events, loader_wake_fn wake, void *wake_ctx);
/* Stops the trainer (within one batch) and the loader, frees the data. */
void training_destroy(training *t);

/* Issue 13's dataset chooser: another IDX folder (MNIST's file names) from
 * now on (dir is kept, not copied; NULL: search as at start). Drops the
 * trainer, waits for a read in progress and frees the data read; the next
 * training_want_data reads the new folder. */
void training_set_data(training *t, const char *dir);

/* Looks for MNIST (without reading it): FOUND or MISSING. */
void training_find_data(training *t);
/* Starts reading MNIST in the background if it is there and not read yet.
 * Returns false when there is no MNIST to read (err may say why). */
bool training_want_data(training *t, dp_error *err);

typedef enum training_data_news {
    TRAINING_DATA_NO_NEWS,
    TRAINING_DATA_ARRIVED,
    TRAINING_DATA_BROKEN,  // data_error says why
} training_data_news;
/* Once a frame: has the loader finished? */
training_data_news training_poll_data(training *t);

/* The labels the data has (10 for MNIST; the largest label + 1 once read). */
size_t training_classes(const training *t);

/* Makes the (idle) trainer for net once MNIST is read. False with err set
 * when it cannot (no data yet: err empty). */
bool training_ensure_trainer(training *t, const mlp *net, dp_error *err);
/* The next trainer made starts part way into an epoch, at pos, its batch
 * count going on from global_step (NULL: at an epoch's start). */
void training_set_resume(training *t, const train_position *pos, uint64_t global_step);
/* Stops and frees the trainer (a trainer_stopped event with the time). */
void training_drop_trainer(training *t);

void training_start(training *t);
void training_pause(training *t);
/* Fresh weights in the trainer (they arrive as a snapshot). */
void training_reset(training *t);

/* The speed one step slower (dir < 0) or faster (dir > 0) than speed in
 * TRAINING_SPEEDS: full, 100, 10, 1 batches a second. A speed between two
 * of them (--speed 50) goes to the next one that way; 1 and full stay. */
unsigned training_speed_step(unsigned speed, int dir);
/* Sets the speed for this run and the next: a running trainer keeps it
 * from its next batch on. */
void training_set_speed(training *t, unsigned speed);

/* Trains exactly one batch (issue 11's Step) while the trainer is idle,
 * paused or finished; a TRAINER_EV_SINGLE event follows. False (nothing
 * done) without a trainer or while it runs. */
bool training_step(training *t);
/* The learning rate, batch size and epochs for this run and the next: a
 * running trainer takes the lr and the batch from its next batch on and
 * plans the epochs anew. */
void training_set_lr(training *t, double lr);
void training_set_batch(training *t, size_t batch);
void training_set_epochs(training *t, size_t epochs);

/* The state as the window shows it (IDLE without a trainer). */
trainer_state training_state(const training *t);
bool training_running(const training *t);

/* Once a frame: the newest snapshot into net (same shape; true when one
 * was taken, with where training stood in weights_pos), and the shown
 * state. */
bool training_update(training *t, double now, mlp *net);
/* Pops the next trainer event; STEP and EPOCH also update the progress
 * and the throughput. False when none is waiting. */
bool training_next_event(training *t, trainer_event *ev);

/* Hands the trainer the input to watch when its version changed (x NULL:
 * nothing to watch). */
void training_set_probe(training *t, const float *x, uint64_t version);
/* Asks for a test-set evaluation; false without a trainer. */
bool training_request_eval(training *t);
/* The newest test-set answers (data.test.count each) if newer than the
 * ones taken before. */
bool training_take_predictions(training *t, uint8_t *predicted, float *confidence);

/* Issue 13: fine-tunes the trainer's network on mine (copied) as its job
 * (trainer_finetune: a run is paused first; training_ensure_trainer made
 * the trainer). A TRAINER_EV_FINETUNE event says when it is done, and
 * training_take_finetune gives its report. False with err without a
 * trainer or when it cannot start. */
bool training_finetune(training *t, const dataset *mine, const finetune_config *cfg,
                       dp_error *err);
/* A job handed to the trainer that has not reported (false once the
 * trainer is dropped: its job went with it). */
bool training_finetune_busy(const training *t);
/* The newest job report, if not taken yet (and the fine-tuned weights
 * into weights when not NULL and it succeeded). */
bool training_take_finetune(training *t, trainer_finetune_report *out, mlp *weights);
/* The trainer's newest distorted batch (trainer_take_seen) if not taken
 * yet; images has room for TRAINER_SEEN of the network's inputs. */
bool training_take_seen(training *t, trainer_seen *out, uint8_t *images);

/* How far training is, in epochs of the run (for --screenshot-after-epoch). */
double training_epochs_done(const training *t);

#endif
