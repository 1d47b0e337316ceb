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

#include "atomic_file.h" // dp_write_file_atomic, dp_sweep_stale_temps
#include "error.h"
#include "mlp.h"
#include "model_meta.h" // model_meta and its functions

#define MODEL_FILE_MAX_BYTES ((size_t)512 * 1024 * 1024)

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

/* The same, with what the save could not keep (hard links, the owner) in
 * note; see dp_write_file_atomic_noted. */
bool model_file_save_noted(const char *path, const mlp *net, const model_meta *meta, char *note,
                           size_t note_len, dp_error *err);

#endif
