/* trainer.h: training on a background thread, for the window.
 *
 * The trainer thread owns its network, the optimiser and the data order;
 * nobody else touches them. It hands over:
 *   - weights, by copying them into one of a few snapshot slots and
 *     publishing the newest slot's number atomically (the reader copies
 *     under a short per-slot lock, so it never sees a half-written one and
 *     the trainer never waits on the reader for longer than one memcpy);
 *   - progress, through a bounded ring of events that the window drains
 *     every frame (a full ring drops the oldest step events, never epochs);
 *   - and takes commands (start, pause, resume, reset, stop) through a
 *     mutex and a condition variable, checked between batches, so a stop is
 *     seen within one batch;
 *   - and a speed (batches a second, 0 for full speed) read atomically
 *     before each batch: at a set speed the thread waits between batches
 *     on the same condition variable, so a command or a new speed is seen
 *     at once, not after the wait.
 * POSIX threads rather than C11's <threads.h>: glibc's thrd_create starts
 * threads behind ThreadSanitizer's back (it has no interceptor for it), so
 * the race checker could not watch the hand-over. */
#ifndef DIGITPAD_TRAINER_H
#define DIGITPAD_TRAINER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "dataset.h"
#include "error.h"
#include "finetune.h"
#include "mlp.h"
#include "train.h"

#define TRAINER_SLOTS 3
#define TRAINER_RING 1024

typedef enum trainer_state {
    TRAINER_IDLE,     // created, not started (or reset)
    TRAINER_RUNNING,
    TRAINER_PAUSED,
    TRAINER_FINISHED, // all epochs done
    TRAINER_STOPPED,  // thread has ended
} trainer_state;

typedef enum trainer_event_kind {
    TRAINER_EV_STEP,  // every few batches: running loss and accuracy
    TRAINER_EV_EPOCH, // after an epoch and its test evaluation
    TRAINER_EV_DONE,  // all epochs finished
    TRAINER_EV_RESET, // weights were re-initialised
    TRAINER_EV_EVAL,  // a test-set evaluation asked for with trainer_request_eval
    TRAINER_EV_PROBE, // the probe input's probabilities at this step (trainer_set_probe)
    TRAINER_EV_SINGLE, // one batch trained by trainer_step: what it was and what it did
    TRAINER_EV_SETTING, // the lr or batch asked for took effect before this batch (lr, batch,
                        // sample: from where), or the batch could not be made (batch_refused)
    TRAINER_EV_FINETUNE, // a trainer_finetune job ended (trainer_take_finetune has its report)
} trainer_event_kind;

#define TRAINER_PROBE_CLASSES 16
/* A single step's event carries its batch's first images (their training
 * set indices, labels and the network's answers before the step). */
#define TRAINER_STEP_SHOWN 32

typedef struct trainer_event {
    trainer_event_kind kind;
    size_t epoch;            // 1-based epoch the event belongs to (the one just
                             // finished, when it comes at an epoch's end)
    size_t epochs_done;      // epochs completed so far
    size_t epochs;           // planned epochs
    size_t step;             // batches done in this epoch
    size_t steps_per_epoch;
    uint64_t global_step;    // batches since start/reset
    float batch_loss;        // the last batch's loss
    double loss, accuracy;   // running means of this epoch
    double val_loss, val_accuracy; // EPOCH only
    double seconds;          // EPOCH: wall time of the epoch
    uint64_t probe_tag;      // PROBE: the tag given with the probe input
    float probe[TRAINER_PROBE_CLASSES]; // PROBE: its probabilities (first 16 classes)
    bool has_confusion;      // EPOCH and EVAL, when there is test data
    uint32_t confusion[10][10]; // [true][predicted] on the test set, first 10 classes
    // SINGLE: the batch (batch_loss above is its mean loss).
    size_t batch;            // SINGLE, SETTING: samples in the batch
    float batch_accuracy;    // SINGLE: the share of the batch answered right (during the step)
    double weight_move;      // SINGLE: how far the parameters moved (trainer_weight_move)
    double weight_norm;      // SINGLE: the parameters' length before the step
    size_t shown;            // SINGLE: images below, min(batch, TRAINER_STEP_SHOWN)
    uint32_t shown_index[TRAINER_STEP_SHOWN]; // their indices in the training set
    uint8_t shown_label[TRAINER_STEP_SHOWN];
    uint8_t shown_answer[TRAINER_STEP_SHOWN]; // the network's answer before the step
    float shown_p[TRAINER_STEP_SHOWN];        // the probability it gave that answer
    size_t sample;           // samples of the epoch done (its size at an epoch's end)
    double lr;               // SETTING: the learning rate from here on
    bool batch_refused;      // SETTING: batches of the size asked could not be made; batch
                             // is the size kept
    uint64_t finetune_job;   // FINETUNE: the job's number (trainer_finetune's)
    bool finetune_ok;        // FINETUNE: it finished and its weights are the thread's now
} trainer_event;

/* Issue 13: the first images of the newest distorted batch the thread
 * trained on (trainer_take_seen), as the window's strip shows them. */
#define TRAINER_SEEN 16

typedef struct trainer_seen {
    size_t n;              // images (0: none since the start or the last reset)
    size_t rows, cols;
    uint64_t global_step;  // the batch's number since start/reset (1: the first)
    size_t epoch;          // 1-based epoch it belongs to
    size_t step;           // 1-based batch of that epoch
    uint8_t labels[TRAINER_SEEN];
} trainer_seen;

/* Issue 13: what a fine-tuning job (trainer_finetune) came to. */
typedef struct trainer_finetune_report {
    uint64_t job;          // trainer_finetune's number for it
    bool ok;
    finetune_result result; // when ok: the figures before and after
    dp_error err;          // when not
} trainer_finetune_report;

/* Where a run stands: sent with every snapshot, so the window knows how
 * far training had got when the weights it holds were made (a save
 * records it). */
typedef struct trainer_position {
    size_t epochs_done;      // epochs this run completed
    train_position at;       // where it is in the epoch under way
    uint64_t global_step;    // batches since start (or the resumed count) or reset
    double lr;               // the settings the last batch was trained with
    size_t batch;
} trainer_position;

typedef struct trainer_config {
    train_config train;
    size_t epochs;
    uint64_t init_seed;            // for reset
    size_t snapshot_every;         // publish weights every N batches (also at least every 50 ms)
    size_t step_event_every;       // a STEP event every N batches
    unsigned speed;                // batches a second (0: full speed); trainer_set_speed changes it
    void (*wake)(void *ctx);       // called by the thread after each event it queues (may be NULL)
    void *wake_ctx;
    const train_position *resume;  // when not NULL: start part way into an epoch, there
                                   // (train_session_resume; read by trainer_init only)
    uint64_t global_step;          // batches trained before, for a resumed run's count
} trainer_config;

typedef struct trainer {
    trainer_config cfg;
    const mnist *data;             // not owned; must outlive the trainer
    mlp net;                       // the thread's own network
    train_session sess;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;                    // with wake: the paused thread sleeps here
    pthread_cond_t wake;
    _Atomic bool cmd_run, cmd_stop, cmd_reset, cmd_eval; // read by the thread between batches
    _Atomic bool cmd_step;         // one batch while not running (trainer_step)
    _Atomic double lr;             // read before each batch (trainer_set_lr)
    _Atomic size_t batch;          // wanted batch size, made so between batches (trainer_set_batch)
    _Atomic size_t epochs;         // planned epochs, taken between batches (trainer_set_epochs)
    mlp before;                    // the thread's: the weights before a single step
    float *step_scratch;           // (2 * max width + outputs), for the shown answers
    bool started;                  // under lock: trainer_start moved the state to RUNNING
    _Atomic bool waiting;          // the thread is parked until a command: a pause has taken
                                   // effect, the batch in flight is done
    _Atomic int state;             // trainer_state
    _Atomic unsigned speed;        // batches a second, 0: full speed (read before each batch)
    uint64_t resets;
    uint64_t global_step;
    bool resumed, resumed_exact;   // set by trainer_init
    bool unpublished;              // the thread trained a batch it has not published yet
    bool unreported;               // ... or sent a STEP event for (a pause sends one)
    float last_batch_loss;

    mlp slots[TRAINER_SLOTS];
    pthread_mutex_t slot_lock[TRAINER_SLOTS];
    uint64_t slot_version[TRAINER_SLOTS];
    trainer_position slot_pos[TRAINER_SLOTS]; // where training stood when it was taken
    _Atomic int newest_slot;       // -1 before the first publish
    _Atomic uint64_t version;

    // The latest test-set answers, per test sample, for the mistakes view.
    pthread_mutex_t pred_lock;
    uint8_t *predicted;            // (data->test.count)
    float *confidence;             // (data->test.count)
    uint64_t pred_version;
    uint8_t *scratch_pred;         // the thread's own, filled before publishing
    float *scratch_conf;

    // One input the window wants watched: its probabilities are worked out
    // with the thread's own weights at steps 1, 2, 4, 8, ... and then every
    // snapshot_every steps, so the window sees this drawing learned from the
    // very first batch (the newest-wins snapshots skip those).
    pthread_mutex_t probe_lock;
    float *probe_x;                // (inputs), under probe_lock
    uint64_t probe_tag;
    _Atomic bool probe_on;
    float *probe_local;            // the thread's copy
    float *probe_scratch;          // (2 * max width)
    float *probe_probs;            // (outputs)

    pthread_mutex_t ring_lock;
    trainer_event ring[TRAINER_RING];
    size_t ring_head, ring_len;

    // Issue 13: the newest distorted batch's first images (trainer_take_seen).
    pthread_mutex_t seen_lock;
    uint8_t *seen_images;          // (TRAINER_SEEN, inputs), under seen_lock
    trainer_seen seen;             // under seen_lock
    uint64_t seen_version;         // under seen_lock

    // Issue 13: fine-tuning as a job of this thread (trainer_finetune).
    _Atomic bool cmd_finetune;     // a job waits (its input below, under lock)
    _Atomic bool finetune_busy;    // asked for and not yet reported
    dataset ft_mine;               // under lock until the thread takes it
    finetune_config ft_cfg;        // under lock
    uint64_t ft_jobs;              // under lock: jobs asked for
    uint64_t cmd_seq, ft_seq, reset_seq; // under lock: which of a job and a reset came first
    mlp ft_work;                   // the thread's: the copy being fine-tuned
    pthread_mutex_t ft_lock;
    mlp ft_net;                    // under ft_lock: the last finished job's weights
    trainer_finetune_report ft_report; // under ft_lock
    uint64_t ft_version;           // under ft_lock
} trainer;

/* Creates the trainer with a copy of start (its weights and shape) and
 * starts its thread, idle until trainer_start. data must stay alive until
 * trainer_destroy. */
bool trainer_init(trainer *t, const trainer_config *cfg, const mlp *start, const mnist *data,
                  dp_error *err);

/* Stops the thread (within one batch), joins it and frees everything. */
void trainer_destroy(trainer *t);

void trainer_start(trainer *t);  // begin or resume training
void trainer_pause(trainer *t);
void trainer_reset(trainer *t);  // fresh Glorot weights, Adam and epochs forgotten; stays paused/idle
trainer_state trainer_get_state(trainer *t);

/* Batches a second from now on (0: full speed), seen before the next
 * batch; a wait for the old speed ends early. At TRAINER_EVERY_BATCH_SPEED
 * or slower every batch publishes its weights and sends a STEP event (and
 * a PROBE one when a probe is set), so the window can show each batch. */
#define TRAINER_EVERY_BATCH_SPEED 100u
void trainer_set_speed(trainer *t, unsigned batches_per_s);
unsigned trainer_get_speed(trainer *t);

/* Trains exactly one batch while idle, paused or finished (ignored while
 * running): its weights are published and a TRAINER_EV_SINGLE event says
 * what the batch was, its loss and accuracy and how far the weights moved.
 * The state stays as it was. */
void trainer_step(trainer *t);

/* The learning rate from the next batch on (Adam's moments are kept).
 * When a new lr or batch size takes effect, a TRAINER_EV_SETTING event
 * says from where (epoch, step, sample). */
void trainer_set_lr(trainer *t, double lr);
/* The batch size from the next batch on: the thread makes its session
 * anew with Adam's moments, the epoch's order, its sample cursor and its
 * running figures kept (train_session_move), so the epoch goes on with the
 * next unseen sample: none is seen twice or skipped. A size it cannot make
 * (memory) keeps the old one and says so in a TRAINER_EV_SETTING event
 * with batch_refused. */
void trainer_set_batch(trainer *t, size_t batch);
/* The planned epochs from the next batch on (at least the ones done, plus
 * the one under way). */
void trainer_set_epochs(trainer *t, size_t epochs);

/* How far a step moved the parameters: the Euclidean distance between
 * before and after (n floats each), summed in double. */
double trainer_weight_move(const float *before, const float *after, size_t n);
/* The Euclidean length of p (n floats), summed in double. */
double trainer_weight_norm(const float *p, size_t n);

/* If a snapshot newer than *have_version exists, copies it into dst (same
 * shape as the trainer's network), updates *have_version and returns true. */
bool trainer_take_snapshot(trainer *t, mlp *dst, uint64_t *have_version);
/* trainer_take_snapshot that also gives where training stood when those
 * weights were published (pos may be NULL). */
bool trainer_take_snapshot_at(trainer *t, mlp *dst, uint64_t *have_version, trainer_position *pos);
/* Did trainer_init resume part way into an epoch (cfg.resume), and was its
 * order the saved one (exact)? */
bool trainer_resumed(const trainer *t, bool *exact);

/* Asks the thread to evaluate its current weights on the test set (while
 * idle or paused too); a TRAINER_EV_EVAL event and new predictions follow. */
void trainer_request_eval(trainer *t);

/* If the test-set answers are newer than *have_version, copies each test
 * sample's predicted class and its probability (data->test.count of each;
 * either may be NULL) and returns true. */
bool trainer_take_predictions(trainer *t, uint8_t *predicted, float *confidence,
                              uint64_t *have_version);

/* Sets the input whose probabilities the thread reports while it trains
 * (TRAINER_EV_PROBE events carrying tag), or stops that with x NULL. x has
 * the network's input size; it is copied. */
void trainer_set_probe(trainer *t, const float *x, uint64_t tag);

/* Pops the oldest progress event; false when none is waiting. */
bool trainer_poll(trainer *t, trainer_event *ev);

/* Issue 13. If the thread has trained on a distorted batch since the
 * images taken last (*have_version), copies that batch's first images
 * (min(its size, TRAINER_SEEN) of them, exactly as they went into the
 * network, bytes before scaling) into images (room for TRAINER_SEEN of the
 * network's inputs), says which batch they were in *out and returns true.
 * They are published as often as the weights are (every batch of a
 * single step or at TRAINER_EVERY_BATCH_SPEED or slower), so the window's
 * weights and the batch it shows go together. A reset forgets them (n 0). */
bool trainer_take_seen(trainer *t, trainer_seen *out, uint8_t *images, uint64_t *have_version);

/* Issue 13. Fine-tunes the thread's network (finetune.h) on mine (copied)
 * with its training set replayed and its test set measured, as a job of
 * the trainer thread between batches: a run is paused first (the state
 * becomes PAUSED) and the job runs while paused or idle, on a copy of the
 * weights it starts from; when it succeeds the copy becomes the thread's
 * network (published as a snapshot), so nothing else can have changed them
 * meanwhile. A TRAINER_EV_FINETUNE event follows, the report in
 * trainer_take_finetune. Commands given while it runs wait for it: a start
 * trains on from the fine-tuned weights, a reset (or an evaluation, a step)
 * comes after the job (a reset asked for before it, before). Stopped
 * between batches by trainer_destroy. Returns the job's number (1, 2, ...)
 * or 0 with err when a job is under way, mine does not fit the network or
 * memory is short. The network must take bytes / 255 (finetune's scale). */
uint64_t trainer_finetune(trainer *t, const dataset *mine, const finetune_config *cfg,
                          dp_error *err);
/* Has a job been asked for that has not reported yet? */
bool trainer_finetune_busy(trainer *t);
/* If a job has reported since the report taken last (*have_version),
 * copies the report into *out and, when weights is not NULL (the
 * network's shape) and the job succeeded, its fine-tuned weights (kept
 * until the next job, so a reset right after it loses nothing). */
bool trainer_take_finetune(trainer *t, trainer_finetune_report *out, mlp *weights,
                           uint64_t *have_version);

#endif
