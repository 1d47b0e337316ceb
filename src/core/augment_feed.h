/* augment_feed.h: distorted batches made on the other core.
 *
 * A producer thread walks the training set in the order a train_session
 * would (the same shuffle from the same seed), distorts each image
 * (augment.h) into a batch of its own, builds that batch's sparse form
 * (both views) or, for a batch too dense for it, keeps it as bytes, and
 * puts it into a small ring. The trainer takes the oldest finished batch
 * by swapping buffers with it: no copy, and no wait while the producer
 * keeps ahead. With two cores the distortions cost the step nothing.
 *
 * The batches depend on the seed alone, never on timing: one thread makes
 * them in order, from its own generators. The stored images are only read.
 *
 * Threads: the producer owns the order, the generators and the slots it is
 * filling; a slot changes hands under the mutex; stop is an atomic seen
 * between images, so augment_feed_destroy returns within one image's work
 * (plus the join). */
#ifndef DIGITPAD_AUGMENT_FEED_H
#define DIGITPAD_AUGMENT_FEED_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "augment.h"
#include "dataset.h"
#include "error.h"
#include "mlp.h"

/* Finished batches the producer may keep ahead of the trainer: enough for
 * a few milliseconds of its work, so that on a busy machine, where either
 * thread may lose its core for a scheduler's time slice, the other has
 * work or batches to go on with (with 4, three steps in four waited for a
 * batch under load). A full producer waits until half are taken. Fewer
 * for large batches: the ring holds at most AUGMENT_FEED_RING_BYTES (and
 * two batches at least). */
#define AUGMENT_FEED_SLOTS 16
#define AUGMENT_FEED_RING_BYTES ((size_t)64 << 20)

/* How long a consumer that finds no batch ready watches for one before it
 * sleeps, in microseconds: about one batch of 32 distorted images. */
#define AUGMENT_FEED_SPIN_US 200.0

/* One batch of distorted samples. */
typedef struct augment_batch {
    size_t max_batch, pixels;
    size_t n;            // samples in this batch
    uint8_t *images;     // (max_batch, pixels) the distorted images
    uint8_t *labels;     // (max_batch)
    bool sparse;         // sx holds the batch (both views); else only images do
    mlp_sparse_batch sx; // built from the distorted images themselves
    size_t epoch;        // the epoch it belongs to, from 0
    bool epoch_end;      // the last batch of its epoch
    double input_scale;  // what a byte was multiplied by in sx
} augment_batch;

bool augment_batch_init(augment_batch *b, size_t max_batch, size_t pixels, dp_error *err);
/* Safe on a zeroed struct. */
void augment_batch_destroy(augment_batch *b);

/* The batch as floats (n, pixels), each byte times the feed's input scale
 * (the same bits as dataset_batch_scaled), for the dense path. */
void augment_batch_floats(const augment_batch *b, float *x);

typedef struct augment_feed {
    const dataset *data; // not owned; read only
    size_t batch, pixels, steps_per_epoch;
    double input_scale;  // what an input byte is multiplied by (train_config's)
    float table[256];    // each byte's input value (dataset_scale_table)
    bool table_div255;   // table is b / 255 (DATASET_DEFAULT_SCALE)
    // The producer's own: the order, the generators, the scratch.
    uint32_t *order;       // (data->count)
    dp_rng shuffle_rng;    // the same stream as a train_session's
    dp_rng distort_rng;
    augment_work work;
    size_t epoch, step;    // of the next batch to make
    // The ring: slots[(head + i) % n_slots] for i < ready are finished.
    augment_batch slots[AUGMENT_FEED_SLOTS];
    size_t n_slots;        // the ring's size, 2 to AUGMENT_FEED_SLOTS
    size_t head;           // under mu
    _Atomic size_t ready;  // changed under mu; a consumer finding none
                           // watches it without the mutex before sleeping
    bool producer_waiting; // under mu: the ring was full and the producer waits
    pthread_mutex_t mu;
    pthread_cond_t filled, emptied;
    _Atomic bool stop;
    _Atomic size_t images_made; // distorted images finished, for tests and bench
    pthread_t thread;
    bool started, joined;  // the consumer's (augment_feed_stop, _destroy)
    // Counters for digitpad bench (written under mu).
    uint64_t taken;        // batches taken
    uint64_t waited;       // of which the trainer found none ready and waited
    double wait_us;        // for this long in all
    double spin_us;        // of which watching, on the CPU (the rest asleep)
} augment_feed;

/* Sets up the ring for batches of `batch` samples of data (which must
 * outlive the feed and not change), distorted as cfg says, each byte times
 * input_scale (0: DATASET_DEFAULT_SCALE), and starts the producer. seed sets
 * the shuffle (as train_config.seed does) and the distortions. On failure
 * nothing is left to free or stop. */
bool augment_feed_init(augment_feed *f, const dataset *data, const augment_config *cfg,
                       size_t batch, double input_scale, uint64_t seed, dp_error *err);

/* Stops the producer: it finishes the image it is distorting and ends
 * (joined before this returns); augment_feed_next then returns false.
 * Safe to call twice. */
void augment_feed_stop(augment_feed *f);

/* Stops the producer (augment_feed_stop) and frees everything. Safe on a
 * zeroed struct and after a failed init. */
void augment_feed_destroy(augment_feed *f);

/* The next batch, in order: waits until the producer has finished it, then
 * swaps its buffers with b's (b must have been made by augment_batch_init
 * with the feed's batch size and pixels). Returns false once the feed is
 * stopped (batches finished before are dropped). Called by one consumer
 * thread at a time. */
bool augment_feed_next(augment_feed *f, augment_batch *b);

/* Whether the producer has filled the ring and rests (or has stopped): it
 * takes no CPU until a batch is taken. For digitpad bench, which times
 * runs in turn and waits for the others' producers to rest first. */
bool augment_feed_resting(augment_feed *f);

#endif
