/* train.h: the training loop, one batch at a time, and evaluation.
 *
 * A train_session owns what a run of training needs besides the network:
 * gradients, Adam's moments, scratch, the shuffled order of the samples and
 * the running epoch figures. It is used synchronously by `digitpad train`
 * and from the background thread (trainer.h) by the window: the same code
 * either way. */
#ifndef DIGITPAD_TRAIN_H
#define DIGITPAD_TRAIN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adam.h"
#include "augment.h"
#include "augment_feed.h"
#include "dataset.h"
#include "error.h"
#include "mlp.h"
#include "model_meta.h"

/* The settings are kept as the decimals they were given (what a saved model
 * records); Adam computes with their float roundings, as TensorFlow does. */
typedef struct train_config {
    size_t batch;       // 32
    double lr;          // 0.001
    double beta_1;      // 0.9
    double beta_2;      // 0.999
    double epsilon;     // 1e-7
    uint64_t seed;      // shuffling (and initialisation, done by the caller)
    double input_scale; // what an input byte is multiplied by: the model's input.scale
                        // (DATASET_DEFAULT_SCALE; 0 means that too)
    augment_config augment; // distortions made as batches are (none: both kinds off)
} train_config;

/* Keras's defaults for Adam and fit(): batch 32, lr 1e-3, 0.9, 0.999, 1e-7,
 * seed 1, inputs / 255; no distortions (augment holds augment.h's documented
 * ranges with both kinds off). */
train_config train_config_default(void);

/* Where a step's time went (digitpad bench): filled by train_session_step
 * when the session's `times` points here. Costs four clock reads a step. */
typedef struct train_step_times {
    double batch_us;    // making this batch (or swapping in the one made last step)
                        // and the next one
    double forward_us;
    double backward_us; // the loss and every gradient but the first kernel's
    double update_us;   // Adam; on the sparse path with the first kernel's gradient
    bool sparse;        // the batch took the sparse first layer
} train_step_times;

typedef struct train_session {
    mlp *net;              // not owned
    const dataset *data;   // not owned
    train_config cfg;
    float *grads;          // (n_params)
    float *m, *v;          // (n_params) Adam moments
    uint64_t t;            // Adam steps taken
    mlp_workspace ws;
    float *x;              // (batch, inputs) when the batch is dense
    mlp_sparse_batch sx;   // the batch, when sparse enough (see MLP_SPARSE_MAX_DENSITY)
    uint8_t *y;            // (batch)
    mlp_sparse_batch sx_next; // the next batch of this epoch, made during this step
    uint8_t *y_next;       // (batch)
    bool next_ready;       // sx_next and y_next hold the next step's batch
    uint8_t *row_inked;    // (inputs) 1 once a batch inked the input: its kernel row moves
    uint16_t *live_rows;   // the inputs with row_inked, ascending: the rows Adam sweeps
    size_t n_live_rows;
    dataset_nonzero nz;    // where data's ink is, for building sparse batches
    bool nz_tried;         // nz was made (by the first step), or could not be
    uint32_t *order;       // (data->count)
    dp_rng rng;
    size_t epoch;          // epochs completed
    size_t step;           // batches done in the current epoch
    size_t steps_per_epoch; // step + the batches left at this batch size
    size_t sample;         // samples of this epoch's order done: the next batch starts here
    uint64_t order_seed;   // the order is 0..count-1 shuffled `shuffles` times by one
    uint64_t shuffles;     //   dp_rng seeded order_seed (cfg.seed, unless resumed)
    bool replay;           // the order is to be made so before the next step (resumed)
    double loss_sum;       // this epoch so far
    size_t correct, seen;  // this epoch so far
    train_step_times *times; // when not NULL, each step says where its time went
    augment_feed *feed;    // when distorting: the thread making the batches (owned)
    augment_batch fed;     // the batch last taken from it
} train_session;

/* The working memory of a batch (activations, deltas, the batch itself)
 * is capped: with the parameters' four copies (weights, gradients, Adam's
 * two moments: 1 GiB at MLP_MAX_PARAMS) it bounds what training sets up. */
#define TRAIN_MAX_WORK_BYTES ((size_t)1 << 30)

/* The bytes of working memory a session allocates for batches of `batch`. */
size_t train_work_bytes(const mlp *net, size_t batch);

/* Sets up training net on data with cfg. Refuses a network whose inputs
 * are not the images' pixels or that has fewer outputs than the data has
 * labels, and a batch whose working memory (sized by the smaller of the
 * batch and the number of samples) is over TRAIN_MAX_WORK_BYTES. net and
 * data are not owned and must outlive the session. When cfg->augment asks
 * for distortions, the session starts their producer thread (augment_feed.h:
 * the same order, the batches distorted, made on the other core), which
 * train_session_destroy stops. */
bool train_session_init(train_session *s, mlp *net, const dataset *data, const train_config *cfg,
                        dp_error *err);
void train_session_destroy(train_session *s);

/* Trains on the next batch (shuffling at the start of each epoch; the last
 * batch of an epoch may be smaller) and returns its mean loss. When the
 * batch ends an epoch, *epoch_done is set true; s->loss_sum etc. then hold
 * that epoch's totals until the next call. */
float train_session_step(train_session *s, bool *epoch_done);

/* Where a session stands in its epoch: what a saved model's
 * training.progress records, and what a new session needs to go on from
 * there (train_session_resume). */
typedef struct train_position {
    size_t samples;        // the training set's size
    size_t samples_done;   // of this epoch (0: at an epoch's start)
    size_t batches_done;   // of this epoch
    size_t batches_left;   // at the session's batch size
    uint64_t order_seed, shuffles; // the epoch's order (train_session.order_seed)
    double loss_sum;       // the running figures so far (over `seen` samples)
    size_t correct, seen;
} train_position;

/* Where s stands. */
void train_session_position(const train_session *s, train_position *out);

/* The position a saved model's record of a part-done epoch describes
 * (its running figures when it knows both the loss and the accuracy). */
void train_position_from_progress(const model_progress *p, train_position *out);

/* The most generator draws a resume spends remaking an epoch's order
 * (shuffles x samples): about a second. */
#define TRAIN_MAX_REPLAY_DRAWS ((uint64_t)1 << 28)

/* Puts a fresh session (no step taken) part way into an epoch, at pos:
 * the next steps train the rest of that epoch, and its figures go on from
 * pos's. The epoch's order is made again from pos->order_seed and
 * pos->shuffles by the first step (on the thread that steps), so that
 * the rest is exactly the samples not yet seen, each once; when pos does
 * not know the order (0 shuffles) or remaking it would take more than
 * TRAIN_MAX_REPLAY_DRAWS, the rest comes from a fresh shuffle instead
 * (*exact false). Returns false, changing nothing, when pos is at an
 * epoch's start, is of a training set of another size, or s distorts its
 * samples (its producer walks its own order from the start): the session
 * then begins an epoch as usual. */
bool train_session_resume(train_session *s, const train_position *pos, bool *exact);

/* Moves what src has learned and where it stands into dst, a fresh
 * session of the same network and data for another batch size: Adam's
 * moments and step count, the rows the sparse path sweeps, the ink index,
 * the epoch's order, the generator and the sample cursor (so that the
 * epoch goes on with the next unseen sample: none is seen twice or
 * skipped), the running figures. src is left to be destroyed. */
void train_session_move(train_session *dst, train_session *src);

/* Stops distorting: the next steps train on the stored images, with Adam's
 * state and the shuffle going on as they were (for a few undistorted last
 * epochs). Stops and frees the distortion thread; nothing when there is
 * none. Call between epochs, from the thread that steps. */
void train_session_stop_distortions(train_session *s);

/* Running mean loss and accuracy of the current (or just finished) epoch. */
double train_session_loss(const train_session *s);
double train_session_accuracy(const train_session *s);

/* Forgets Adam's state and the epoch count (for a reset to fresh weights);
 * a distorting session restarts its producer from the seed. */
void train_session_reset(train_session *s);

typedef struct eval_result {
    size_t samples;
    double loss;               // mean cross-entropy
    double accuracy;
    size_t n_classes;          // outputs, at most 16 counted in confusion
    uint32_t confusion[16][16]; // [true][predicted]
    double per_class_accuracy[16];
} eval_result;

/* What evaluate_with may also do; a zeroed struct asks for nothing more. */
typedef struct eval_options {
    double input_scale;        // what an input byte is multiplied by (0: DATASET_DEFAULT_SCALE)
    uint8_t *predicted;        // when not NULL: each sample's predicted class (ds->count)
    float *confidence;         // when not NULL: the probability given to it (ds->count)
    const _Atomic bool *stop;  // when not NULL: give up between batches once true
} eval_options;

/* Evaluates net on all of ds in batches (opt may be NULL). Refuses a
 * network with fewer outputs than ds has labels. */
bool evaluate_with(const mlp *net, const dataset *ds, const eval_options *opt, eval_result *out,
                   dp_error *err);

/* Evaluates net on all of ds in batches, inputs / 255. */
bool evaluate(const mlp *net, const dataset *ds, eval_result *out, dp_error *err);

/* The same, also writing each sample's predicted class (predicted, ds->count
 * bytes) and the probability given to it (confidence, ds->count floats);
 * either may be NULL. */
bool evaluate_detailed(const mlp *net, const dataset *ds, eval_result *out, uint8_t *predicted,
                       float *confidence, dp_error *err);

/* The same, giving up between batches (false, "evaluation stopped") once
 * *stop is true: the trainer thread's evaluations stay interruptible. */
bool evaluate_cancellable(const mlp *net, const dataset *ds, eval_result *out,
                          uint8_t *predicted, float *confidence, const _Atomic bool *stop,
                          dp_error *err);

#endif
