/* fmt_common.c: the Keras layer list that .keras, .h5 and TF.js all carry,
 * the activation table, and the small pieces the format readers share. */
#include "fmt_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_file.h"

/* ------------------------------------------------------- activations */

/* What digitpad runs, by its names in each format. A new activation in the
 * core is one more line here. */
static const struct {
    mlp_activation act;
    const char *keras, *onnx;
} act_table[] = {
    {MLP_ACT_RELU, "relu", "Relu"},
    {MLP_ACT_SOFTMAX, "softmax", "Softmax"},
    {MLP_ACT_LINEAR, "linear", "Identity"},
    {MLP_ACT_SIGMOID, "sigmoid", "Sigmoid"},
    {MLP_ACT_TANH, "tanh", "Tanh"},
};
#define N_ACTS (sizeof act_table / sizeof act_table[0])

const char *fmt_act_keras(mlp_activation a)
{
    for (size_t i = 0; i < N_ACTS; i++)
        if (act_table[i].act == a)
            return act_table[i].keras;
    return NULL;
}

const char *fmt_act_onnx(mlp_activation a)
{
    for (size_t i = 0; i < N_ACTS; i++)
        if (act_table[i].act == a)
            return act_table[i].onnx;
    return NULL;
}

bool fmt_act_from_keras(const char *name, mlp_activation *a)
{
    for (size_t i = 0; i < N_ACTS; i++)
        if (strcmp(act_table[i].keras, name) == 0) {
            *a = act_table[i].act;
            return true;
        }
    return false;
}

bool fmt_act_from_onnx(const char *op, mlp_activation *a)
{
    for (size_t i = 0; i < N_ACTS; i++)
        if (strcmp(act_table[i].onnx, op) == 0) {
            *a = act_table[i].act;
            return true;
        }
    return false;
}

/* The network the core trains: hidden layers of any hidden activation
 * (mlp_activation_is_hidden), a softmax output (the loss is written for it). */
static bool act_fits(size_t l, size_t n, mlp_activation a)
{
    return l + 1 == n ? a == MLP_ACT_SOFTMAX : mlp_activation_is_hidden(a);
}

static void act_names(char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N_ACTS && o < len; i++) {
        int k = snprintf(out + o, len - o, "%s%s", i == 0 ? "" : (i + 1 == N_ACTS ? " and " : ", "),
                         act_table[i].keras);
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

/* ------------------------------------------------------------- misc */

const char *fmt_shown(const char *s, char out[48])
{
    size_t n = strlen(s);
    if (n < 40) {
        memcpy(out, s, n + 1);
        return out;
    }
    memcpy(out, s, 36);
    memcpy(out + 36, "...", 4);
    return out;
}

float fmt_f32le(const uint8_t *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

void fmt_put_f32le(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    p[0] = (uint8_t)u;
    p[1] = (uint8_t)(u >> 8);
    p[2] = (uint8_t)(u >> 16);
    p[3] = (uint8_t)(u >> 24);
}

void fmt_buf_put(fmt_buf *b, const void *p, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) {
                b->failed = true;
                return;
            }
            cap *= 2;
        }
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void fmt_buf_byte(fmt_buf *b, uint8_t c)
{
    fmt_buf_put(b, &c, 1);
}

bool fmt_check_finite(const mlp *net, dp_error *err)
{
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i]))
            return dp_fail(err, "a weight is not a finite number (parameter %zu)", i);
    return true;
}

/* ------------------------------------------------------------- JSON */

cJSON *fmt_json_parse(const uint8_t *buf, size_t len, const char *what, dp_error *err)
{
    if (len > FMT_MAX_JSON_BYTES) {
        dp_fail(err, "%s: %zu bytes is more than the %zu MiB allowed", what, len,
                FMT_MAX_JSON_BYTES >> 20);
        return NULL;
    }
    // Nesting is counted before cJSON (which recurses once a level) sees it.
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > FMT_MAX_JSON_DEPTH) {
                dp_fail(err, "%s: nested more than %d levels deep", what, FMT_MAX_JSON_DEPTH);
                return NULL;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)buf, len, &end, false);
    if (!root) {
        size_t at = end ? (size_t)(end - (const char *)buf) : 0;
        dp_fail(err, "%s: not JSON: syntax error at byte %zu", what, at);
        return NULL;
    }
    size_t at = (size_t)(end - (const char *)buf);
    while (at < len && (buf[at] == ' ' || buf[at] == '\n' || buf[at] == '\r' || buf[at] == '\t' ||
                        buf[at] == '\0'))
        at++;
    if (at < len) {
        cJSON_Delete(root);
        dp_fail(err, "%s: trailing data after the JSON at byte %zu", what, at);
        return NULL;
    }
    return root;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A shape list [null, 28, 28] (batch first, null or a number). */
static bool read_shape(const cJSON *arr, size_t i, fmt_topology *t, dp_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n < 2 || n > 5)
        return dp_fail(err, "layer %zu: an input shape of %zu dimensions (digitpad takes an image "
                            "or a vector)", i, n);
    size_t k = 0;
    for (const cJSON *d = arr->child; d; d = d->next, k++) {
        if (k == 0)
            continue; // the batch
        if (!cJSON_IsNumber(d) || !(d->valuedouble >= 1 && d->valuedouble <= MLP_MAX_UNITS) ||
            d->valuedouble != floor(d->valuedouble))
            return dp_fail(err, "layer %zu: input shape dimension %zu is not a whole number from 1 "
                                "to %d", i, k, MLP_MAX_UNITS);
        t->input_dims[k - 1] = (size_t)d->valuedouble;
    }
    t->n_input_dims = n - 1;
    size_t prod = 1;
    for (size_t d = 0; d < t->n_input_dims; d++) {
        prod *= t->input_dims[d];
        if (prod > MLP_MAX_UNITS)
            return dp_fail(err, "layer %zu: an input of more than %d values", i, MLP_MAX_UNITS);
    }
    if (t->n_input_dims == 3 && t->input_dims[2] != 1 && t->input_dims[0] != 1)
        return dp_fail(err, "layer %zu: an input of %zu channels (digitpad reads one grey channel)",
                       i, t->input_dims[2]);
    return true;
}

static bool has_shape_key(const cJSON *cfg, const cJSON **shape)
{
    static const char *keys[] = {"batch_shape", "batch_input_shape", "batchInputShape"};
    for (size_t k = 0; k < 3; k++) {
        const cJSON *s = get(cfg, keys[k]);
        if (cJSON_IsArray(s)) {
            *shape = s;
            return true;
        }
    }
    return false;
}

bool fmt_keras_topology(const cJSON *model, fmt_topology *t, dp_error *err)
{
    memset(t, 0, sizeof *t);
    t->scale = 1.0 / 255.0;
    if (get(model, "model_config"))
        model = get(model, "model_config");
    if (!cJSON_IsObject(model))
        return dp_fail(err, "the model config is not a JSON object");
    const char *cls = get_str(model, "class_name");
    if (!cls)
        return dp_fail(err, "the model config has no class_name");
    if (strcmp(cls, "Sequential") != 0 && strcmp(cls, "Functional") != 0 &&
        strcmp(cls, "Model") != 0) {
        char tmp[48];
        return dp_fail(err, "a %s model is not supported; digitpad runs Sequential models of "
                            "Dense layers", fmt_shown(cls, tmp));
    }
    const cJSON *cfg = get(model, "config");
    const cJSON *layers = cJSON_IsArray(cfg) ? cfg : get(cfg, "layers"); // Keras 2.0: a bare list
    if (!cJSON_IsArray(layers))
        return dp_fail(err, "the model config has no layer list");
    size_t n = (size_t)cJSON_GetArraySize(layers);
    if (n == 0)
        return dp_fail(err, "the model has no layers");
    if (n > FMT_MAX_CONFIG_LAYERS)
        return dp_fail(err, "%zu layers is more than the %d a model may list", n,
                       FMT_MAX_CONFIG_LAYERS);
    // Keras 3's weights are under layers/<class in snake case>[_k], counted
    // per name, for every layer but the InputLayer.
    struct {
        char name[32];
        unsigned count;
    } used[8];
    size_t n_used = 0;

    size_t i = 0;
    for (const cJSON *L = layers->child; L; L = L->next, i++) {
        char tmp[48], tmp2[48];
        const char *lc = get_str(L, "class_name");
        const cJSON *lcfg = get(L, "config");
        if (!lc || !cJSON_IsObject(lcfg))
            return dp_fail(err, "layer %zu: no class_name and config", i);
        const char *name = get_str(lcfg, "name");
        if (!name)
            name = "";
        const cJSON *shape;
        if (has_shape_key(lcfg, &shape) && t->n_input_dims == 0 && !read_shape(shape, i, t, err))
            return false;
        if (strcmp(lc, "InputLayer") == 0)
            continue;

        char snake[32] = "";
        const char *snakes[] = {"Dense", "dense", "Flatten", "flatten", "Dropout", "dropout",
                                "Activation", "activation", "Rescaling", "rescaling"};
        for (size_t s = 0; s < sizeof snakes / sizeof snakes[0]; s += 2)
            if (strcmp(lc, snakes[s]) == 0)
                snprintf(snake, sizeof snake, "%s", snakes[s + 1]);
        if (!snake[0])
            return dp_fail(err, "layer %zu: %s is not supported; digitpad runs dense networks", i,
                           fmt_shown(lc, tmp));
        unsigned k = 0;
        size_t u = 0;
        for (; u < n_used; u++)
            if (strcmp(used[u].name, snake) == 0)
                break;
        if (u == n_used) {
            snprintf(used[u].name, sizeof used[u].name, "%s", snake);
            used[u].count = 0;
            n_used++;
        } else {
            k = ++used[u].count;
        }

        if (strcmp(lc, "Flatten") == 0 || strcmp(lc, "Dropout") == 0)
            continue; // Flatten is row-major as digitpad is; Dropout is off at inference
        if (strcmp(lc, "Rescaling") == 0) {
            const cJSON *sc = get(lcfg, "scale"), *off = get(lcfg, "offset");
            if (t->n_dense > 0)
                return dp_fail(err, "layer %zu: Rescaling after a Dense layer does not map onto "
                                    "digitpad's input scale", i);
            if (!cJSON_IsNumber(sc) || !(sc->valuedouble > 0) || !isfinite(sc->valuedouble))
                return dp_fail(err, "layer %zu: Rescaling's scale must be one positive number", i);
            if (off && !(cJSON_IsNumber(off) && off->valuedouble == 0))
                return dp_fail(err, "layer %zu: Rescaling with an offset is not supported "
                                    "(digitpad scales its input, it does not shift it)", i);
            // Rescaling(r) takes pixels as they are (0..255).
            t->scale = (t->has_rescaling ? t->scale : 1.0) * sc->valuedouble;
            t->has_rescaling = true;
            continue;
        }
        const cJSON *act = get(lcfg, "activation");
        const char *act_name = cJSON_IsString(act) ? act->valuestring : (act ? NULL : "linear");
        if (!act_name)
            return dp_fail(err, "layer %zu: the activation is not a name", i);
        if (strlen(act_name) >= sizeof t->dense[0].act)
            return dp_fail(err, "layer %zu: unknown activation \"%s\"", i, fmt_shown(act_name, tmp));
        if (strcmp(lc, "Activation") == 0) {
            fmt_dense *prev = t->n_dense ? &t->dense[t->n_dense - 1] : NULL;
            if (!prev || strcmp(prev->act, "linear") != 0)
                return dp_fail(err, "layer %zu: an Activation layer maps onto digitpad only right "
                                    "after a Dense layer without one", i);
            snprintf(prev->act, sizeof prev->act, "%s", act_name);
            continue;
        }
        // Dense. Keras 3's quantised layers say so in their dtype policy
        // ("int8_from_float32", class QuantizedDTypePolicy).
        const cJSON *dt = get(lcfg, "dtype");
        const char *policy = cJSON_IsString(dt) ? dt->valuestring : get_str(get(dt, "config"), "name");
        const char *pcls = get_str(dt, "class_name");
        if ((pcls && strstr(pcls, "Quantized")) ||
            (policy && (!strncmp(policy, "int8", 4) || !strncmp(policy, "int4", 4) ||
                        !strncmp(policy, "float8", 6))))
            return dp_fail(err, "layer %zu (%s): a quantised layer (%s); digitpad reads float32 "
                                "weights", i, fmt_shown(name, tmp), policy ? fmt_shown(policy, tmp2) : "?");
        if (t->n_dense == MLP_MAX_LAYERS)
            return dp_fail(err, "more than %d Dense layers", MLP_MAX_LAYERS);
        const cJSON *units = get(lcfg, "units");
        if (!cJSON_IsNumber(units) || !(units->valuedouble >= 1 && units->valuedouble <= MLP_MAX_UNITS) ||
            units->valuedouble != floor(units->valuedouble))
            return dp_fail(err, "layer %zu: Dense units must be a whole number from 1 to %d", i,
                           MLP_MAX_UNITS);
        fmt_dense *d = &t->dense[t->n_dense++];
        if (strlen(name) >= sizeof d->name)
            return dp_fail(err, "layer %zu: a name of more than %zu bytes", i, sizeof d->name - 1);
        snprintf(d->name, sizeof d->name, "%s", name);
        if (k == 0)
            snprintf(d->path, sizeof d->path, "layers/%s", snake);
        else
            snprintf(d->path, sizeof d->path, "layers/%s_%u", snake, k);
        d->index = i;
        d->units = (size_t)units->valuedouble;
        snprintf(d->act, sizeof d->act, "%s", act_name);
        const cJSON *ub = get(lcfg, "use_bias");
        d->use_bias = !cJSON_IsFalse(ub);
    }
    if (t->n_dense == 0)
        return dp_fail(err, "the model has no Dense layer");
    return true;
}

bool fmt_check_shape(const fmt_topology *t, size_t l, const char *what, const size_t *dims,
                     size_t n_dims, size_t rows, size_t cols, dp_error *err)
{
    const fmt_dense *d = &t->dense[l];
    bool ok = cols ? (n_dims == 2 && dims[0] == rows && dims[1] == cols)
                   : (n_dims == 1 && dims[0] == rows);
    if (ok)
        return true;
    char got[96] = "(";
    size_t o = 1;
    for (size_t k = 0; k < n_dims && k < 6 && o < sizeof got - 24; k++)
        o += (size_t)snprintf(got + o, sizeof got - o, "%s%zu", k ? ", " : "", dims[k]);
    snprintf(got + o, sizeof got - o, "%s)", n_dims > 6 ? ", ..." : "");
    if (cols)
        return dp_fail(err, "layer %zu (%s): %s has shape %s, expected (%zu, %zu)", d->index,
                       d->name, what, got, rows, cols);
    return dp_fail(err, "layer %zu (%s): %s has shape %s, expected (%zu)", d->index, d->name, what,
                   got, rows);
}

size_t fmt_inputs(const fmt_topology *t)
{
    size_t prod = t->n_input_dims ? 1 : 0;
    for (size_t k = 0; k < t->n_input_dims; k++)
        prod *= t->input_dims[k]; // each <= MLP_MAX_UNITS and so is their product (read_shape)
    return prod;
}

bool fmt_build(const fmt_topology *t, size_t inputs, mlp *net, model_meta *meta, dp_error *err)
{
    size_t sizes[MLP_MAX_LAYERS + 1];
    mlp_activation acts[MLP_MAX_LAYERS];
    sizes[0] = inputs;
    for (size_t l = 0; l < t->n_dense; l++) {
        const fmt_dense *d = &t->dense[l];
        char names[96];
        act_names(names, sizeof names);
        if (!fmt_act_from_keras(d->act, &acts[l])) {
            char tmp[48];
            return dp_fail(err, "layer %zu (%s): activation \"%s\" is not supported (digitpad has "
                                "%s)", d->index, d->name, fmt_shown(d->act, tmp), names);
        }
        if (!act_fits(l, t->n_dense, acts[l])) {
            if (l + 1 == t->n_dense)
                return dp_fail(err, "layer %zu (%s): the last Dense layer must be softmax, not %s",
                               d->index, d->name, d->act);
            return dp_fail(err, "layer %zu (%s): a hidden Dense layer cannot be %s (relu, "
                                "linear, sigmoid or tanh)", d->index, d->name, d->act);
        }
        sizes[l + 1] = d->units;
    }
    size_t h = 1, w = inputs;
    if (t->n_input_dims > 0) {
        size_t prod = 1;
        for (size_t k = 0; k < t->n_input_dims; k++)
            prod *= t->input_dims[k];
        if (prod != inputs)
            return dp_fail(err, "the input has %zu values but the first Dense kernel has %zu rows",
                           prod, inputs);
        if (t->n_input_dims >= 2) {
            h = t->input_dims[0];
            w = t->input_dims[1];
            if (t->n_input_dims == 3 && t->input_dims[0] == 1) { // channels first
                h = t->input_dims[1];
                w = t->input_dims[2];
            }
        }
    }
    if (t->n_input_dims < 2) {
        // A flat input: square when it can be (784 -> 28x28).
        size_t s = (size_t)(sqrt((double)inputs) + 0.5);
        if (s * s == inputs) {
            h = s;
            w = s;
        }
    }
    if (!mlp_init(net, sizes, t->n_dense + 1, err))
        return false;
    for (size_t l = 0; l + 1 < t->n_dense; l++)
        if (!mlp_set_activation(net, l, acts[l], err)) {
            mlp_destroy(net);
            return false;
        }
    if (!model_meta_default(meta, h, w, sizes[t->n_dense], err)) {
        mlp_destroy(net);
        return false;
    }
    if (!model_meta_scale_ok(t->scale)) {
        dp_fail(err, "input scale %g is not between %g and %g", t->scale, MODEL_SCALE_MIN, MODEL_SCALE_MAX);
        model_meta_destroy(meta);
        mlp_destroy(net);
        return false;
    }
    meta->scale = t->scale;
    if (h != 28 || w != 28)
        meta->preprocess = MODEL_PREPROCESS_NONE;
    return true;
}

bool fmt_check_writable(const mlp *net, dp_error *err)
{
    for (size_t l = 0; l < net->n_layers; l++)
        if (!fmt_act_keras(net->layers[l].act))
            return dp_fail(err, "layer %zu: its activation has no name in other formats yet", l);
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i]))
            return dp_fail(err, "parameter %zu is not finite: the model cannot be written", i);
    return true;
}

/* ------------------------------------------------------ config out */

void fmt_dense_name(char out[32], size_t l)
{
    if (l == 0)
        snprintf(out, 32, "dense");
    else
        snprintf(out, 32, "dense_%zu", l);
}

cJSON *fmt_labels_json(const model_meta *meta)
{
    if (model_meta_labels_default(meta))
        return NULL;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < meta->n_labels; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(meta->labels[i]));
    return a;
}

bool fmt_labels_read(const cJSON *labels, model_meta *meta, const char *what, dp_error *err)
{
    if (!cJSON_IsArray(labels))
        return dp_fail(err, "%s: the labels are not an array of strings", what);
    size_t n = (size_t)cJSON_GetArraySize(labels);
    if (n != meta->n_labels)
        return dp_fail(err, "%s: %zu labels for %zu outputs", what, n, meta->n_labels);
    size_t i = 0;
    for (const cJSON *it = labels->child; it; it = it->next, i++)
        if (!cJSON_IsString(it) || !model_meta_label_ok(it->valuestring))
            return dp_fail(err, "%s: label %zu is not a string of 1 to %d bytes of UTF-8", what, i,
                           MODEL_LABEL_MAX - 1);
    i = 0;
    for (const cJSON *it = labels->child; it; it = it->next, i++)
        snprintf(meta->labels[i], MODEL_LABEL_MAX, "%s", it->valuestring);
    return true;
}

bool fmt_scale_is_default(double scale)
{
    return scale == 1.0 / 255.0;
}

static cJSON *shape_json(bool batch, size_t a, size_t b)
{
    cJSON *s = cJSON_CreateArray();
    if (batch)
        cJSON_AddItemToArray(s, cJSON_CreateNull());
    cJSON_AddItemToArray(s, cJSON_CreateNumber((double)a));
    if (b)
        cJSON_AddItemToArray(s, cJSON_CreateNumber((double)b));
    return s;
}

static cJSON *dtype_policy(bool keras3)
{
    if (!keras3)
        return cJSON_CreateString("float32");
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "module", "keras");
    cJSON_AddStringToObject(d, "class_name", "DTypePolicy");
    cJSON *c = cJSON_AddObjectToObject(d, "config");
    cJSON_AddStringToObject(c, "name", "float32");
    cJSON_AddNullToObject(d, "registered_name");
    return d;
}

static cJSON *keras_object(bool keras3, const char *module, const char *cls, cJSON **config)
{
    cJSON *o = cJSON_CreateObject();
    if (keras3)
        cJSON_AddStringToObject(o, "module", module);
    cJSON_AddStringToObject(o, "class_name", cls);
    *config = cJSON_AddObjectToObject(o, "config");
    if (keras3)
        cJSON_AddNullToObject(o, "registered_name");
    return o;
}

static void add_build_config(cJSON *layer, cJSON *shape)
{
    cJSON *b = cJSON_AddObjectToObject(layer, "build_config");
    cJSON_AddItemToObject(b, "input_shape", shape);
}

cJSON *fmt_config_json(const mlp *net, const model_meta *meta, bool keras3)
{
    size_t h = meta->height, w = meta->width;
    cJSON *cfg, *lc;
    cJSON *model = keras_object(keras3, "keras", "Sequential", &cfg);
    cJSON_AddStringToObject(cfg, "name", "sequential");
    cJSON_AddBoolToObject(cfg, "trainable", true);
    cJSON_AddItemToObject(cfg, "dtype", dtype_policy(keras3));
    cJSON *layers = cJSON_AddArrayToObject(cfg, "layers");
    bool first = true;
    if (keras3) {
        cJSON *in = keras_object(true, "keras.layers", "InputLayer", &lc);
        cJSON_AddItemToObject(lc, "batch_shape", shape_json(true, h, w));
        cJSON_AddStringToObject(lc, "dtype", "float32");
        cJSON_AddBoolToObject(lc, "sparse", false);
        cJSON_AddStringToObject(lc, "name", "input_layer");
        cJSON_AddItemToArray(layers, in);
        first = false;
    }
    if (!fmt_scale_is_default(meta->scale)) {
        // Rescaling takes pixels as they are: the exported model's input is 0..255.
        cJSON *r = keras_object(keras3, "keras.layers", "Rescaling", &lc);
        cJSON_AddStringToObject(lc, "name", "rescaling");
        cJSON_AddBoolToObject(lc, "trainable", true);
        cJSON_AddItemToObject(lc, "dtype", dtype_policy(keras3));
        if (first)
            cJSON_AddItemToObject(lc, "batch_input_shape", shape_json(true, h, w));
        first = false;
        cJSON_AddNumberToObject(lc, "scale", meta->scale);
        cJSON_AddNumberToObject(lc, "offset", 0.0);
        if (keras3)
            add_build_config(r, shape_json(true, h, w));
        cJSON_AddItemToArray(layers, r);
    }
    cJSON *fl = keras_object(keras3, "keras.layers", "Flatten", &lc);
    cJSON_AddStringToObject(lc, "name", "flatten");
    cJSON_AddBoolToObject(lc, "trainable", true);
    cJSON_AddItemToObject(lc, "dtype", dtype_policy(keras3));
    if (first)
        cJSON_AddItemToObject(lc, "batch_input_shape", shape_json(true, h, w));
    cJSON_AddStringToObject(lc, "data_format", "channels_last");
    if (keras3)
        add_build_config(fl, shape_json(true, h, w));
    cJSON_AddItemToArray(layers, fl);
    for (size_t l = 0; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        char name[32];
        fmt_dense_name(name, l);
        cJSON *d = keras_object(keras3, "keras.layers", "Dense", &lc);
        cJSON_AddStringToObject(lc, "name", name);
        cJSON_AddBoolToObject(lc, "trainable", true);
        cJSON_AddItemToObject(lc, "dtype", dtype_policy(keras3));
        cJSON_AddNumberToObject(lc, "units", (double)L->out);
        cJSON_AddStringToObject(lc, "activation", fmt_act_keras(L->act));
        cJSON_AddBoolToObject(lc, "use_bias", true);
        if (keras3) {
            cJSON *ki = keras_object(true, "keras.initializers", "GlorotUniform", &lc);
            cJSON_AddNullToObject(lc, "seed");
            cJSON *bi = keras_object(true, "keras.initializers", "Zeros", &lc);
            cJSON *dc = cJSON_GetObjectItemCaseSensitive(d, "config");
            cJSON_AddItemToObject(dc, "kernel_initializer", ki);
            cJSON_AddItemToObject(dc, "bias_initializer", bi);
            cJSON_AddNullToObject(dc, "kernel_regularizer");
            cJSON_AddNullToObject(dc, "bias_regularizer");
            cJSON_AddNullToObject(dc, "kernel_constraint");
            cJSON_AddNullToObject(dc, "bias_constraint");
            add_build_config(d, shape_json(true, L->in, 0));
        }
        cJSON_AddItemToArray(layers, d);
    }
    if (keras3) {
        cJSON_AddItemToObject(cfg, "build_input_shape", shape_json(true, h, w));
        add_build_config(model, shape_json(true, h, w));
    }
    return model;
}
