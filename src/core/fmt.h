/* fmt.h: the model formats of other frameworks (docs/model-format.md,
 * "Other formats"): Keras 3 `.keras`, tf.keras 2 `.h5` and TensorFlow.js
 * Layers `model.json` read; ONNX, TensorFlow.js Layers and `.keras`
 * written (and ONNX read back, for what digitpad writes and its like).
 *
 * Each reader is a parser over memory buffers with a thin file wrapper, and
 * leaves nothing to free when it fails: err says what is wrong in one line,
 * without the file name. What digitpad can run is a chain of Dense layers
 * (after InputLayer, Flatten, Rescaling; Dropout and Activation where they
 * map exactly); anything else is refused naming the layer. model_any.h
 * picks the reader by a file's content. */
#ifndef DIGITPAD_FMT_H
#define DIGITPAD_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mlp.h"
#include "model_file.h"

/* Caps of the foreign formats, besides those of mlp.h and model_file.h. */
#define FMT_MAX_JSON_BYTES ((size_t)16 * 1024 * 1024) // config.json, model.json, an attribute
#define FMT_MAX_JSON_DEPTH 64
#define FMT_MAX_CONFIG_LAYERS 256     // entries in a model config's layer list
#define FMT_MAX_SHARD_FILES 4096      // paths in a TF.js weights manifest, all groups
#define FMT_MAX_MANIFEST_WEIGHTS 65536 // weight entries in a TF.js manifest

/* ------------------------------------------------------------ TF.js */

/* Hands the reader the bytes of one shard named by the manifest (a path
 * relative to model.json's folder, already checked to stay inside it). The
 * bytes stay the caller's and must live until the parse returns. On failure
 * returns false with err set ("group1-shard2of2.bin: cannot open: ..."). */
typedef bool (*tfjs_shard_fn)(void *ctx, const char *path, const uint8_t **data, size_t *len,
                              dp_error *err);

/* Parses a TF.js Layers model.json (both `modelTopology.config.layers`, as
 * tfjs saves, and `modelTopology.model_config`, as tensorflowjs_converter
 * writes) with its weights manifest, fetching each shard through get_shard. */
bool tfjs_parse(const uint8_t *json, size_t len, tfjs_shard_fn get_shard, void *ctx, mlp *net,
                model_meta *meta, dp_error *err);

/* Reads path (a model.json) and the shards beside it. */
bool tfjs_load(const char *path, mlp *net, model_meta *meta, dp_error *err);

/* Writes the model as tfjs saves one: model.json text (*json, NUL-ended,
 * caller frees) naming one shard `shard_name`, and that shard's bytes
 * (*bin, caller frees; float32 little-endian). */
bool tfjs_write(const mlp *net, const model_meta *meta, const char *shard_name, char **json,
                size_t *json_len, uint8_t **bin, size_t *bin_len, dp_error *err);

/* Writes folder dir (made if missing) with model.json and weights.bin,
 * each file atomically. */
bool tfjs_save(const char *dir, const mlp *net, const model_meta *meta, dp_error *err);

/* ------------------------------------------------------------ Keras */

/* Parses a Keras 3 `.keras` zip (config.json, model.weights.h5 with the
 * weights at layers/<name>/vars/<i>). */
bool keras_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err);

/* Parses a tf.keras 2 `.h5` (model_config attribute; weights found through
 * the layer_names and weight_names attributes of model_weights). */
bool keras_h5_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err);

/* Writes a `.keras` zip in Keras 3's layout into *out (caller frees). */
bool keras_write(const mlp *net, const model_meta *meta, uint8_t **out, size_t *out_len,
                 dp_error *err);

/* ------------------------------------------------------------ ONNX */

/* Writes an ONNX model (opset 13): input "input" float32 [N, inputs] with a
 * dynamic batch dimension N, holding pixel values already divided by 255 (a
 * Mul node rescales them when the model's scale is not 1/255), Gemm per
 * layer and its activation, output "probabilities" [N, outputs]. */
bool onnx_write(const mlp *net, const model_meta *meta, uint8_t **out, size_t *out_len,
                dp_error *err);

/* Reads an ONNX model of the shape onnx_write makes: Gemm (transB 0 or 1)
 * with its activation (Relu, Identity, Sigmoid, Tanh; Softmax last), an
 * optional leading Mul by a scalar. */
bool onnx_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err);

#endif
