/* model_load.h: opening a model as both faces do. */
#ifndef DIGITPAD_MODEL_LOAD_H
#define DIGITPAD_MODEL_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "mlp.h"
#include "model_file.h"
#include "paths.h"

/* Loads the model at path (digitpad JSON, Keras .keras or .h5, TF.js
 * model.json, ONNX: model_any_load), or the bundled one when path is NULL (found
 * with paths_bundled_model and env). The path used is written to used
 * (used_len bytes) when used is not NULL. On success net and meta belong
 * to the caller; on failure nothing is left to free and err holds one line
 * "PATH: reason" ready to show. */
bool model_load(const char *path, paths_getenv env, mlp *net, model_meta *meta, char *used,
                size_t used_len, dp_error *err);

#endif
