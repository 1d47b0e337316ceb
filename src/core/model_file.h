/* model_file.h: the digitpad-mlp JSON format (docs/model-format.md).
 *
 * Parsing and writing work on memory buffers; the file functions are thin
 * wrappers. Numbers are written as the shortest decimal that reads back to
 * the same float, so save -> load -> save gives the same bytes. */
#ifndef DIGITPAD_MODEL_FILE_H
#define DIGITPAD_MODEL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mlp.h"

#define MODEL_FILE_MAX_BYTES ((size_t)512 * 1024 * 1024)
#define MODEL_MAX_HISTORY 1000
#define MODEL_LABEL_MAX 32

typedef enum model_preprocess {
    MODEL_PREPROCESS_MNIST, // bounding box -> 20x20 -> centre of mass (default)
    MODEL_PREPROCESS_NONE,  // the canvas as drawn
} model_preprocess;

typedef struct model_epoch {
    int epoch;
    double loss, accuracy, val_loss, val_accuracy;
} model_epoch;

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
} model_meta;

/* Defaults for a network with `outputs` classes: 28x28, scale 1/255,
 * "mnist" preprocessing, labels "0".."outputs-1", no training section. */
bool model_meta_default(model_meta *meta, size_t height, size_t width, size_t outputs, dp_error *err);
bool model_meta_copy(model_meta *dst, const model_meta *src, dp_error *err);
/* Appends one epoch to the history (for continued training). */
bool model_meta_add_epoch(model_meta *meta, const model_epoch *e, dp_error *err);
void model_meta_destroy(model_meta *meta);

/* Parses a model from buf. On success net and meta are initialised and
 * owned by the caller; on failure nothing is left to free and err says
 * exactly what is wrong and where ("layers[1].kernel: row 5 has 9 values,
 * expected 10"). */
bool model_file_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err);

/* Writes the model as JSON into a new NUL-terminated buffer (*out, caller
 * frees, *out_len without the NUL). */
bool model_file_write(const mlp *net, const model_meta *meta, char **out, size_t *out_len,
                      dp_error *err);

/* Reads and parses path. */
bool model_file_load(const char *path, mlp *net, model_meta *meta, dp_error *err);

/* Writes path atomically: to a temporary file in the same folder, flushed
 * to disk, then renamed over path. A failure leaves any old file intact
 * and no temporary behind. */
bool model_file_save(const char *path, const mlp *net, const model_meta *meta, dp_error *err);

/* Removes temporaries "<path>.tmp-<pid>-XXXXXX" whose process no longer
 * runs: what a save killed mid-write leaves. Every save calls it first; the
 * window calls it at start. Returns how many it removed. */
size_t dp_sweep_stale_temps(const char *path);

/* Writes len bytes to path by the same temporary-file-and-rename route. */
bool dp_write_file_atomic(const char *path, const void *data, size_t len, dp_error *err);

#endif
