/* fmt_internal.h: what the foreign-format readers and writers share (not
 * for use outside src/core/fmt_*.c): the Keras layer list every one of them
 * speaks, the activation table, building the network once the first
 * kernel's shape is known, a byte buffer, whole-file reading. */
#ifndef DIGITPAD_FMT_INTERNAL_H
#define DIGITPAD_FMT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "fmt.h"
#include "mlp.h"
#include "model_file.h"

/* One Dense layer of a foreign model. */
typedef struct fmt_dense {
    char name[128];    // the layer's name in its config ("dense_1")
    char path[160];    // Keras 3: its weights' group, "layers/dense_1"
    size_t index;      // its place in the config's layer list
    size_t units;
    char act[32];      // Keras's name: "relu", "softmax", "linear", ...
    bool use_bias;
} fmt_dense;

/* A Sequential (or chain-shaped Functional) model of Dense layers. */
typedef struct fmt_topology {
    size_t n_dense;
    fmt_dense dense[MLP_MAX_LAYERS];
    size_t input_dims[4]; // the input's shape without the batch dimension
    size_t n_input_dims;  // 0: not stated
    double scale;         // what a pixel (0..255) is multiplied by: a Rescaling's, else 1/255
    bool has_rescaling;
} fmt_topology;

/* Reads a Keras model config: {"class_name": "Sequential", "config":
 * {"layers": [...]}} as Keras 3, tf.keras 2 and tfjs write it (a
 * {"model_config": ...} wrapper, as tensorflowjs_converter writes, is
 * looked through). */
bool fmt_keras_topology(const cJSON *model, fmt_topology *t, dp_error *err);

/* Parses JSON text of at most FMT_MAX_JSON_BYTES and FMT_MAX_JSON_DEPTH
 * levels; what names the text in the message ("config.json"). */
cJSON *fmt_json_parse(const uint8_t *buf, size_t len, const char *what, dp_error *err);

/* Checks a weight's shape against what layer l needs: a kernel (rows, cols)
 * or, with cols 0, a bias (rows). */
bool fmt_check_shape(const fmt_topology *t, size_t l, const char *what, const size_t *dims,
                     size_t n_dims, size_t rows, size_t cols, dp_error *err);

/* The inputs the input shape states (0 when it states none). */
size_t fmt_inputs(const fmt_topology *t);

/* Makes net and meta for t once the first layer's inputs are known:
 * activations through the table, the input image from the input shape. */
bool fmt_build(const fmt_topology *t, size_t inputs, mlp *net, model_meta *meta, dp_error *err);

/* The activation's name in Keras and ONNX for what digitpad runs, and back.
 * NULL / false for what it does not have. */
const char *fmt_act_keras(mlp_activation a);
const char *fmt_act_onnx(mlp_activation a);
bool fmt_act_from_keras(const char *name, mlp_activation *a);
bool fmt_act_from_onnx(const char *op, mlp_activation *a);

/* Checks that net can be written to a foreign format (finite weights, every
 * activation in the table). */
bool fmt_check_writable(const mlp *net, dp_error *err);

/* The model's Keras config as Keras 3 (keras3: config.json, with
 * InputLayer and build_config) or tfjs (modelTopology.config's form: the
 * first layer carries batch_input_shape) writes it: [Rescaling,] Flatten,
 * Dense "dense", "dense_1", ... NULL when out of memory. */
cJSON *fmt_config_json(const mlp *net, const model_meta *meta, bool keras3);

/* The Dense layers' names the writers give: "dense", "dense_1", ... */
void fmt_dense_name(char out[32], size_t l);

/* True when scale is 1/255, the scale the exported formats assume. */
bool fmt_scale_is_default(double scale);

/* The labels other formats cannot say themselves travel as a JSON array of
 * strings (ONNX's "digitpad.labels" metadata, TF.js's userDefinedMetadata,
 * Keras's metadata.json). fmt_labels_json gives that array, or NULL when
 * the labels are the digits' defaults (nothing is written then); the
 * caller frees it. fmt_labels_read checks such an array against meta's
 * outputs and copies it into meta->labels; what names it in a message. */
cJSON *fmt_labels_json(const model_meta *meta);
bool fmt_labels_read(const cJSON *labels, model_meta *meta, const char *what, dp_error *err);

/* A growing byte buffer. A failed append sets failed and keeps what it had. */
typedef struct fmt_buf {
    uint8_t *data;
    size_t len, cap;
    bool failed;
} fmt_buf;
void fmt_buf_put(fmt_buf *b, const void *p, size_t n);
void fmt_buf_byte(fmt_buf *b, uint8_t c);

/* False, with "a weight is not a finite number (parameter i)" in err, when
 * any of net's parameters is NaN or infinite: every reader's last check. */
bool fmt_check_finite(const mlp *net, dp_error *err);

/* Little-endian float32 from/to bytes. */
float fmt_f32le(const uint8_t *p);
void fmt_put_f32le(uint8_t *p, float f);

/* Shortens s to fit a message, with "..." when cut. */
const char *fmt_shown(const char *s, char out[48]);

#endif
