/* model_any.h: a model from any file digitpad reads, its format found by
 * content (docs/model-format.md, "Other formats"):
 *   a zip ("PK")                         Keras 3 .keras
 *   the HDF5 signature                   tf.keras 2 .h5
 *   JSON with modelTopology              TF.js Layers model.json (+ shards beside it)
 *   a protobuf starting with ir_version  ONNX (of the shape digitpad writes)
 *   other JSON                           digitpad's own model file
 * and written to any format digitpad writes. */
#ifndef DIGITPAD_MODEL_ANY_H
#define DIGITPAD_MODEL_ANY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mlp.h"
#include "model_file.h"

typedef enum model_format {
    MODEL_FORMAT_DIGITPAD,
    MODEL_FORMAT_KERAS,   // .keras zip
    MODEL_FORMAT_KERAS_H5,
    MODEL_FORMAT_TFJS,
    MODEL_FORMAT_ONNX,
} model_format;

/* The format of a file's first bytes (and, for JSON, its text). */
model_format model_format_detect(const uint8_t *buf, size_t len);

/* "digitpad", "keras", "h5", "tfjs", "onnx". */
const char *model_format_name(model_format f);

/* Reads the model at path in whichever format it is. TF.js shards are read
 * from path's folder. On success net and meta are the caller's; on failure
 * nothing is left to free and err says what is wrong (no file name). If
 * format is not NULL it gets the format found. */
bool model_any_load(const char *path, mlp *net, model_meta *meta, model_format *format,
                    dp_error *err);

/* Writes the model to path in the given format: a file for digitpad,
 * keras and onnx; a folder (model.json + weights.bin) for tfjs. Files are
 * written atomically. Not for MODEL_FORMAT_KERAS_H5 (read only). */
bool model_any_save(const char *path, model_format format, const mlp *net, const model_meta *meta,
                    dp_error *err);

#endif
