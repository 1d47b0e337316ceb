/* test_formats: the foreign formats (fmt.h, model_any.h).
 *
 *   - every writer (TF.js, .keras, ONNX) read back by digitpad's reader, bit
 *     for bit, with the input's shape and scale;
 *   - TF.js model.json files written here by hand from tfjs's format (the
 *     shape tfjs saves and the converter's, several groups and shards), with
 *     hand-worked outputs;
 *   - a broken-input table per reader, each with its own one-line reason;
 *   - with a folder argument, the Keras files make_keras_fixtures.py wrote
 *     there with h5py, shaped as Keras writes them (test_formats DIR). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fmt.h"
#include "model_any.h"

/* ------------------------------------------------------------ helpers */

typedef struct shard {
    const char *name;
    const uint8_t *data;
    size_t len;
} shard;

typedef struct shards {
    shard s[4];
    size_t n;
} shards;

static bool get_shard(void *ctx, const char *path, const uint8_t **data, size_t *len, dp_error *err)
{
    shards *s = ctx;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->s[i].name, path)) {
            *data = s->s[i].data;
            *len = s->s[i].len;
            return true;
        }
    return dp_fail(err, "shard %s: cannot open: No such file or directory", path);
}

static void f32s(uint8_t *out, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int b = 0; b < 4; b++)
            out[4 * i + (size_t)b] = (uint8_t)(u >> (8 * b));
    }
}

static bool same_net(const mlp *a, const mlp *b)
{
    if (!mlp_same_shape(a, b))
        return false;
    for (size_t l = 0; l < a->n_layers; l++)
        if (a->layers[l].act != b->layers[l].act)
            return false;
    return memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0;
}

static void make_net(mlp *net, model_meta *meta, const size_t *sizes, size_t n, size_t h, size_t w,
                     uint64_t seed)
{
    dp_error err;
    if (!mlp_init(net, sizes, n, &err) || !model_meta_default(meta, h, w, sizes[n - 1], &err))
        abort();
    mlp_init_glorot(net, seed);
    // Biases that are not zero, and a negative zero, so that every bit counts.
    for (size_t l = 0; l < net->n_layers; l++)
        for (size_t j = 0; j < net->layers[l].out; j++)
            net->layers[l].bias[j] = (float)((double)(j + 1) / 3.0 - 0.5) * 0.1f;
    net->layers[0].kernel[1] = -0.0f;
    net->layers[0].kernel[2] = 1e-45f; // a denormal
}

/* ---------------------------------------------------- writers read back */

static void test_round_trips(void)
{
    const size_t sizes_a[] = {784, 128, 10}, sizes_b[] = {36, 20, 12, 8, 5};
    for (int which = 0; which < 2; which++) {
        mlp net, back;
        model_meta meta, bmeta;
        dp_error err;
        if (which == 0)
            make_net(&net, &meta, sizes_a, 3, 28, 28, 7);
        else {
            make_net(&net, &meta, sizes_b, 5, 6, 6, 8);
            meta.scale = 1.0 / 256.0; // not the default: a Rescaling layer / a Mul node
            // The other hidden activations: Keras's and ONNX's names for them.
            if (!mlp_set_activation(&net, 0, MLP_ACT_TANH, &err) ||
                !mlp_set_activation(&net, 1, MLP_ACT_SIGMOID, &err) ||
                !mlp_set_activation(&net, 2, MLP_ACT_LINEAR, &err))
                abort();
        }
        // TF.js
        char *json;
        uint8_t *bin;
        size_t jlen, blen;
        CHECK(tfjs_write(&net, &meta, "weights.bin", &json, &jlen, &bin, &blen, &err), "%s", err.msg);
        shards s = {{{"weights.bin", bin, blen}}, 1};
        bool ok = tfjs_parse((const uint8_t *)json, jlen, get_shard, &s, &back, &bmeta, &err);
        CHECK(ok, "tfjs read back: %s", err.msg);
        if (ok) {
            CHECK(same_net(&net, &back), "tfjs: the same weights, bit for bit (net %d)", which);
            CHECK(bmeta.height == meta.height && bmeta.width == meta.width, "tfjs: input %zux%zu",
                  bmeta.height, bmeta.width);
            CHECK(bmeta.scale == meta.scale, "tfjs: scale %.17g", bmeta.scale);
            CHECK(model_format_detect((const uint8_t *)json, jlen) == MODEL_FORMAT_TFJS, "detect");
            mlp_destroy(&back);
            model_meta_destroy(&bmeta);
        }
        CHECK(blen == net.n_params * 4, "one shard of %zu floats", net.n_params);
        free(json);
        free(bin);
        // Keras 3
        uint8_t *zip;
        size_t zlen;
        CHECK(keras_write(&net, &meta, &zip, &zlen, &err), "%s", err.msg);
        ok = keras_parse(zip, zlen, &back, &bmeta, &err);
        CHECK(ok, "keras read back: %s", err.msg);
        if (ok) {
            CHECK(same_net(&net, &back), "keras: the same weights, bit for bit (net %d)", which);
            CHECK(bmeta.height == meta.height && bmeta.width == meta.width, "keras: input");
            CHECK(bmeta.scale == meta.scale, "keras: scale %.17g", bmeta.scale);
            CHECK(model_format_detect(zip, zlen) == MODEL_FORMAT_KERAS, "detect");
            mlp_destroy(&back);
            model_meta_destroy(&bmeta);
        }
        // The same model gives the same bytes (no clock in the zip).
        uint8_t *zip2;
        size_t zlen2;
        CHECK(keras_write(&net, &meta, &zip2, &zlen2, &err) && zlen2 == zlen &&
                  memcmp(zip, zip2, zlen) == 0, "keras: the same bytes twice");
        free(zip2);
        free(zip);
        // ONNX
        uint8_t *onnx;
        size_t olen;
        CHECK(onnx_write(&net, &meta, &onnx, &olen, &err), "%s", err.msg);
        ok = onnx_parse(onnx, olen, &back, &bmeta, &err);
        CHECK(ok, "onnx read back: %s", err.msg);
        if (ok) {
            CHECK(same_net(&net, &back), "onnx: the same weights, bit for bit (net %d)", which);
            CHECK(bmeta.height == meta.height && bmeta.width == meta.width, "onnx: input");
            CHECK(bmeta.scale == meta.scale, "onnx: scale %.17g", bmeta.scale);
            CHECK(model_format_detect(onnx, olen) == MODEL_FORMAT_ONNX, "detect");
            mlp_destroy(&back);
            model_meta_destroy(&bmeta);
        }
        free(onnx);

        // Through files: model_any_save then model_any_load.
        char dir[] = "/tmp/test_formats-XXXXXX";
        CHECK(mkdtemp(dir) != NULL, "a temporary folder");
        const struct {
            model_format f;
            const char *out, *in;
        } files[] = {{MODEL_FORMAT_DIGITPAD, "m.json", "m.json"},
                     {MODEL_FORMAT_KERAS, "m.keras", "m.keras"},
                     {MODEL_FORMAT_ONNX, "m.onnx", "m.onnx"},
                     {MODEL_FORMAT_TFJS, "tfjs", "tfjs/model.json"}};
        for (size_t i = 0; i < 4; i++) {
            char out[256], in[256];
            snprintf(out, sizeof out, "%s/%s", dir, files[i].out);
            snprintf(in, sizeof in, "%s/%s", dir, files[i].in);
            CHECK(model_any_save(out, files[i].f, &net, &meta, &err), "%s: %s", out, err.msg);
            model_format got = MODEL_FORMAT_DIGITPAD;
            ok = model_any_load(in, &back, &bmeta, &got, &err);
            CHECK(ok && got == files[i].f, "%s loads as %s: %s", in, model_format_name(files[i].f),
                  ok ? "" : err.msg);
            if (ok) {
                CHECK(same_net(&net, &back), "%s: the same weights", in);
                mlp_destroy(&back);
                model_meta_destroy(&bmeta);
            }
            unlink(in);
        }
        // TF.js onto an existing file: refused in a line naming the file,
        // and the file keeps its bytes.
        char plain[300];
        snprintf(plain, sizeof plain, "%s/taken", dir);
        FILE *pf = fopen(plain, "w");
        CHECK(pf && fputs("keep me", pf) >= 0 && fclose(pf) == 0, "writing %s", plain);
        CHECK(!model_any_save(plain, MODEL_FORMAT_TFJS, &net, &meta, &err), "TF.js over a file");
        CHECK(strstr(err.msg, "is a file: TF.js writes a folder of model.json and weights.bin") &&
                  !strchr(err.msg, '\n'),
              "TF.js over a file: %s", err.msg);
        char kept[16] = {0};
        pf = fopen(plain, "r");
        CHECK(pf && fread(kept, 1, sizeof kept - 1, pf) == 7 && !strcmp(kept, "keep me"),
              "the file was changed: %s", kept);
        if (pf)
            fclose(pf);
        unlink(plain);
        char sub[300];
        snprintf(sub, sizeof sub, "%s/tfjs/weights.bin", dir);
        unlink(sub);
        snprintf(sub, sizeof sub, "%s/tfjs", dir);
        rmdir(sub);
        rmdir(dir);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
}

/* ----------------------------------------------------- TF.js by hand */

/* The hand-worked model: a 2x2 input, Dense(2, relu), Dense(2, softmax).
 * For x = (1, 2, 3, 4): h = relu(x.K1 + b1) = relu(1+3-4, 2+3-1) = (0, 4);
 * logits = h.K2 = (0, 8); softmax = (1/(1+e^8), e^8/(1+e^8)). */
static const float K1[8] = {1, 0, 0, 1, 1, 1, -1, 0}, B1[2] = {0, -1};
static const float K2[4] = {1, -1, 0, 2}, B2[2] = {0, 0};

static void check_hand_model(const mlp *net, const model_meta *meta, const char *what)
{
    CHECK(net->n_layers == 2 && net->sizes[0] == 4 && net->sizes[1] == 2 && net->sizes[2] == 2,
          "%s: 4-2-2", what);
    if (net->n_layers != 2 || net->sizes[0] != 4)
        return;
    CHECK(memcmp(net->layers[0].kernel, K1, sizeof K1) == 0, "%s: kernel 1", what);
    CHECK(memcmp(net->layers[0].bias, B1, sizeof B1) == 0, "%s: bias 1", what);
    CHECK(memcmp(net->layers[1].kernel, K2, sizeof K2) == 0, "%s: kernel 2", what);
    CHECK(meta->height == 2 && meta->width == 2, "%s: 2x2 input, got %zux%zu", what, meta->height,
          meta->width);
    float x[4] = {1, 2, 3, 4}, p[2], scratch[8];
    mlp_predict(net, x, p, scratch);
    double want = 1.0 / (1.0 + exp(8.0));
    CHECK(fabs(p[0] - want) < 1e-7 && fabs(p[1] - (1 - want)) < 1e-6, "%s: p = (%g, %g)", what,
          p[0], p[1]);
}

/* As tfjs's model.save() writes it: modelTopology.config.layers, names like
 * dense_Dense1, one group with one shard. */
static const char TFJS_SAVED[] =
    "{\"modelTopology\":{\"class_name\":\"Sequential\",\"config\":{\"name\":\"sequential_1\","
    "\"layers\":[{\"class_name\":\"Flatten\",\"config\":{\"name\":\"flatten_Flatten1\","
    "\"trainable\":true,\"batch_input_shape\":[null,2,2],\"dtype\":\"float32\"}},"
    "{\"class_name\":\"Dense\",\"config\":{\"units\":2,\"activation\":\"relu\",\"use_bias\":true,"
    "\"kernel_initializer\":{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":1}},"
    "\"name\":\"dense_Dense1\",\"trainable\":true}},"
    "{\"class_name\":\"Dropout\",\"config\":{\"rate\":0.2,\"name\":\"dropout_Dropout1\"}},"
    "{\"class_name\":\"Dense\",\"config\":{\"units\":2,\"activation\":\"linear\",\"use_bias\":true,"
    "\"name\":\"dense_Dense2\",\"trainable\":true}},"
    "{\"class_name\":\"Activation\",\"config\":{\"activation\":\"softmax\",\"name\":\"act\"}}]},"
    "\"keras_version\":\"tfjs-layers 4.22.0\",\"backend\":\"tensor_flow.js\"},"
    "\"format\":\"layers-model\",\"generatedBy\":\"TensorFlow.js tfjs-layers v4.22.0\","
    "\"convertedBy\":null,\"weightsManifest\":[{\"paths\":[\"./weights.bin\"],\"weights\":["
    "{\"name\":\"dense_Dense1/kernel\",\"shape\":[4,2],\"dtype\":\"float32\"},"
    "{\"name\":\"dense_Dense1/bias\",\"shape\":[2],\"dtype\":\"float32\"},"
    "{\"name\":\"dense_Dense2/kernel\",\"shape\":[2,2],\"dtype\":\"float32\"},"
    "{\"name\":\"dense_Dense2/bias\",\"shape\":[2],\"dtype\":\"float32\"}]}]}";

/* As tensorflowjs_converter writes a Keras model: modelTopology.model_config,
 * Keras names, two groups, the first in two shards, and an int32 weight of
 * the optimizer that digitpad skips. */
static const char TFJS_CONVERTED[] =
    "{\"format\":\"layers-model\",\"generatedBy\":\"keras v2.15.0\",\"convertedBy\":"
    "\"TensorFlow.js Converter v4.22.0\",\"modelTopology\":{\"keras_version\":\"2.15.0\","
    "\"backend\":\"tensorflow\",\"model_config\":{\"class_name\":\"Sequential\",\"config\":{"
    "\"name\":\"sequential\",\"layers\":[{\"class_name\":\"InputLayer\",\"config\":{"
    "\"batch_input_shape\":[null,2,2],\"dtype\":\"float32\",\"name\":\"flatten_input\"}},"
    "{\"class_name\":\"Flatten\",\"config\":{\"name\":\"flatten\",\"data_format\":\"channels_last\"}},"
    "{\"class_name\":\"Dense\",\"config\":{\"name\":\"dense\",\"units\":2,\"activation\":\"relu\"}},"
    "{\"class_name\":\"Dense\",\"config\":{\"name\":\"dense_1\",\"units\":2,"
    "\"activation\":\"softmax\",\"use_bias\":true}}]}},\"training_config\":{\"loss\":\"x\"}},"
    "\"weightsManifest\":[{\"paths\":[\"group1-shard1of2.bin\",\"group1-shard2of2.bin\"],"
    "\"weights\":[{\"name\":\"dense/kernel\",\"shape\":[4,2],\"dtype\":\"float32\"},"
    "{\"name\":\"step\",\"shape\":[],\"dtype\":\"int32\"},"
    "{\"name\":\"dense/bias\",\"shape\":[2],\"dtype\":\"float32\"}]},"
    "{\"paths\":[\"group2-shard1of1.bin\"],\"weights\":["
    "{\"name\":\"dense_1/bias\",\"shape\":[2],\"dtype\":\"float32\"},"
    "{\"name\":\"dense_1/kernel\",\"shape\":[2,2],\"dtype\":\"float32\"}]}]}";

static uint8_t conv_g1[44], conv_g2[24];

static void make_shards(void)
{
    f32s(conv_g1, K1, 8);
    memset(conv_g1 + 32, 0, 4); // step = 0 (int32)
    f32s(conv_g1 + 36, B1, 2);
    f32s(conv_g2, B2, 2);
    f32s(conv_g2 + 8, K2, 4);
}

static void test_tfjs_by_hand(void)
{
    make_shards();
    mlp net;
    model_meta meta;
    dp_error err;
    // One shard: K1 (32 bytes), B1 (8), K2 (16), B2 (8).
    uint8_t shard64[64];
    f32s(shard64, K1, 8);
    f32s(shard64 + 32, B1, 2);
    f32s(shard64 + 40, K2, 4);
    f32s(shard64 + 56, B2, 2);
    shards s = {{{"./weights.bin", shard64, 64}}, 1};
    bool ok = tfjs_parse((const uint8_t *)TFJS_SAVED, strlen(TFJS_SAVED), get_shard, &s, &net,
                         &meta, &err);
    CHECK(ok, "tfjs-saved model.json: %s", err.msg);
    if (ok) {
        check_hand_model(&net, &meta, "tfjs-saved");
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
    // Two shards that cut the first group inside dense/bias's values.
    shards c = {{{"group1-shard1of2.bin", conv_g1, 38},
                 {"group1-shard2of2.bin", conv_g1 + 38, 6},
                 {"group2-shard1of1.bin", conv_g2, 24}},
                3};
    ok = tfjs_parse((const uint8_t *)TFJS_CONVERTED, strlen(TFJS_CONVERTED), get_shard, &c, &net,
                    &meta, &err);
    CHECK(ok, "converter model.json: %s", err.msg);
    if (ok) {
        check_hand_model(&net, &meta, "converted");
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
}

/* Replaces the first `from` in base with `to` (a test's own edit of a good file). */
static char *edit(const char *base, const char *from, const char *to)
{
    const char *at = strstr(base, from);
    if (!at) {
        printf("edit: \"%s\" not in the base text\n", from);
        abort();
    }
    size_t n = strlen(base) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(at - base);
    memcpy(out, base, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_tfjs_broken(void)
{
    make_shards();
    uint8_t shard64[72] = {0}, nan_shard[64];
    f32s(shard64, K1, 8);
    f32s(shard64 + 32, B1, 2);
    f32s(shard64 + 40, K2, 4);
    f32s(shard64 + 56, B2, 2);
    memcpy(nan_shard, shard64, 64);
    float nan = NAN;
    f32s(nan_shard + 44, &nan, 1);
    char deep[400];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    const struct {
        const char *what, *from, *to; // an edit of TFJS_SAVED (from NULL: `to` is the file)
        size_t shard_len;             // bytes of the shard handed over (64: all)
        const uint8_t *shard;         // NULL: the good one
        const char *error;
    } table[] = {
        {"not JSON", NULL, "{\"modelTopology\": [", 64, NULL, "model.json: not JSON"},
        {"trailing data", "]}]}", "]}]} x", 64, NULL, "trailing data after the JSON"},
        {"nested 100 deep", NULL, deep, 64, NULL, "nested more than 64 levels"},
        {"no modelTopology", "\"modelTopology\"", "\"topology\"", 64, NULL, "missing \"modelTopology\""},
        {"a graph model", "\"layers-model\"", "\"graph-model\"", 64, NULL,
         "a TF.js \"graph-model\" is not supported"},
        {"no manifest", "\"weightsManifest\"", "\"manifest\"", 64, NULL,
         "missing \"weightsManifest\""},
        {"shard truncated", NULL, NULL, 60, NULL,
         "shards hold 60 bytes but its weights' shapes need 64"},
        {"shard too long", NULL, NULL, 68, NULL, "more than the 64 bytes"},
        {"shard missing", "./weights.bin", "./missing.bin", 64, NULL,
         "shard ./missing.bin: cannot open"},
        {"shapes disagree with the shard", "\"shape\":[4,2]", "\"shape\":[4,3]", 64, NULL,
         "layer 1 (dense_Dense1): kernel has shape (4, 3), expected (4, 2)"},
        {"sizes that overflow", "\"shape\":[4,2]", "\"shape\":[4294967296,4294967296,16]", 64, NULL,
         "a shape of more than 512 MiB"},
        {"a shape of -1", "\"shape\":[4,2]", "\"shape\":[-1,2]", 64, NULL,
         "shape[0] is not a whole number"},
        {"quantised weights", "\"shape\":[4,2],\"dtype\":\"float32\"",
         "\"shape\":[4,2],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.1,"
         "\"min\":-1}", 64, NULL, "its kernel is quantised (uint8)"},
        {"an int32 kernel", "\"shape\":[4,2],\"dtype\":\"float32\"", "\"shape\":[4,2],\"dtype\":\"int32\"",
         64, NULL, "its kernel is int32; digitpad reads float32"},
        {"string weights", "\"shape\":[2],\"dtype\":\"float32\"}]}]", "\"shape\":[2],\"dtype\":\"string\"}]}]",
         64, NULL, "its dtype is not one digitpad can size"},
        {"a Conv2D", "{\"class_name\":\"Dropout\"", "{\"class_name\":\"Conv2D\"", 64, NULL,
         "layer 2: Conv2D is not supported; digitpad runs dense networks"},
        {"a path out of the folder", "./weights.bin", "../weights.bin", 64, NULL,
         "paths[0]: not a path inside the model's folder"},
        {"an absolute path", "./weights.bin", "/etc/passwd", 64, NULL, "not a path inside"},
        {"a kernel not in the manifest", "dense_Dense1/kernel", "dense_Dense9/kernel", 64, NULL,
         "layer 1 (dense_Dense1): no weight \"dense_Dense1/kernel\""},
        {"elu", "\"activation\":\"relu\"", "\"activation\":\"elu\"", 64, NULL,
         "activation \"elu\" is not supported (digitpad has relu, softmax, linear, sigmoid and "
         "tanh)"},
        {"softmax hidden", "\"activation\":\"relu\"", "\"activation\":\"softmax\"", 64, NULL,
         "a hidden Dense layer cannot be softmax"},
        {"a linear output", "{\"class_name\":\"Activation\",\"config\":{\"activation\":\"softmax\",\"name\":\"act\"}}",
         "{\"class_name\":\"Dropout\",\"config\":{}}", 64, NULL,
         "layer 3 (dense_Dense2): the last Dense layer must be softmax, not linear"},
        {"Activation after relu", "\"activation\":\"linear\"", "\"activation\":\"relu\"", 64, NULL,
         "an Activation layer maps onto digitpad only right after a Dense layer without one"},
        {"three channels", "[null,2,2]", "[null,2,2,3]", 64, NULL, "an input of 3 channels"},
        {"input disagrees", "[null,2,2]", "[null,3,3]", 64, NULL,
         "layer 1 (dense_Dense1): kernel has shape (4, 2), expected (9, 2)"},
        {"zero units", "\"units\":2,\"activation\":\"relu\"", "\"units\":0,\"activation\":\"relu\"",
         64, NULL, "Dense units must be a whole number from 1 to 4096"},
        {"a Functional model's class", "\"Sequential\"", "\"Sequential2\"", 64, NULL,
         "a Sequential2 model is not supported"},
        {"weights not a list", "\"weights\":[", "\"weights\":3,\"w\":[", 64, NULL,
         "needs \"paths\" and \"weights\" lists"},
        {"NaN in a shard", NULL, NULL, 64, nan_shard, "a weight is not a finite number"},
        {"Rescaling with an offset", "{\"class_name\":\"Flatten\"",
         "{\"class_name\":\"Rescaling\",\"config\":{\"scale\":0.5,\"offset\":-1}},"
         "{\"class_name\":\"Flatten\"", 64, NULL, "Rescaling with an offset is not supported"},
        {"no Dense layer", "\"layers\":[", "\"layers\":[],\"x\":[", 64, NULL,
         "the model has no layers"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char *text = table[i].from ? edit(TFJS_SAVED, table[i].from, table[i].to)
                                   : strdup(table[i].to ? table[i].to : TFJS_SAVED);
        shards s = {{{"./weights.bin", table[i].shard ? table[i].shard : shard64, table[i].shard_len}},
                    1};
        mlp net;
        model_meta meta;
        dp_error err = {""};
        bool ok = tfjs_parse((const uint8_t *)text, strlen(text), get_shard, &s, &net, &meta, &err);
        CHECK(!ok && strstr(err.msg, table[i].error), "tfjs %s: got \"%s\", want \"%s\"",
              table[i].what, ok ? "(loaded)" : err.msg, table[i].error);
        CHECK(!strchr(err.msg, '\n'), "one line");
        if (ok) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
        }
        free(text);
    }
}

/* ------------------------------------------------------------ ONNX */

static void test_onnx_broken(void)
{
    const size_t sizes[] = {4, 3, 2};
    mlp net;
    model_meta meta;
    dp_error err;
    make_net(&net, &meta, sizes, 3, 2, 2, 3);
    uint8_t *good;
    size_t len;
    CHECK(onnx_write(&net, &meta, &good, &len, &err), "%s", err.msg);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    uint8_t *buf = malloc(len + 16);
    // Every truncation is refused, or (cut inside trailing metadata) still
    // reads the same network; none crashes.
    size_t refused = 0;
    for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
        memcpy(buf, good, cut);
        bool ok = onnx_parse(buf, cut, &net, &meta, &err);
        if (ok) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
        } else {
            refused++;
            CHECK(err.msg[0] != '\0', "a reason at cut %zu", cut);
        }
    }
    CHECK(refused > 10, "truncated ONNX refused (%zu)", refused);
    // A node digitpad does not run: "Gemm" renamed "Conv" in place.
    memcpy(buf, good, len);
    for (size_t i = 0; i + 4 <= len; i++)
        if (!memcmp(buf + i, "Gemm", 4)) {
            memcpy(buf + i, "Conv", 4);
            break;
        }
    bool ok = onnx_parse(buf, len, &net, &meta, &err);
    CHECK(!ok && strstr(err.msg, "Conv is not supported here; digitpad runs dense networks"),
          "onnx Conv: %s", ok ? "(loaded)" : err.msg);
    // An input scale no float32 can carry (found by the fuzzer: written as
    // 255 * scale in the Mul node it became inf, and the copy did not read
    // back): "0.25" in the metadata changed in place to "1e99".
    make_net(&net, &meta, sizes, 3, 2, 2, 3);
    meta.scale = 0.25;
    uint8_t *scaled;
    size_t slen;
    CHECK(onnx_write(&net, &meta, &scaled, &slen, &err), "%s", err.msg);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    bool replaced = false;
    for (size_t i = 0; i + 4 <= slen && !replaced; i++)
        if (!memcmp(scaled + i, "0.25", 4)) {
            memcpy(scaled + i, "1e99", 4);
            replaced = true;
        }
    CHECK(replaced, "the scale is in the metadata");
    ok = onnx_parse(scaled, slen, &net, &meta, &err);
    CHECK(!ok && strstr(err.msg, "input scale 1e+99 is not between"), "onnx scale 1e99: %s",
          ok ? "(loaded)" : err.msg);
    free(scaled);
    const uint8_t junk[] = {0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f};
    ok = onnx_parse(junk, sizeof junk, &net, &meta, &err);
    CHECK(!ok && strstr(err.msg, "damaged protobuf"), "onnx length past the end: %s", err.msg);
    const uint8_t no_graph[] = {0x08, 0x07};
    ok = onnx_parse(no_graph, sizeof no_graph, &net, &meta, &err);
    CHECK(!ok && strstr(err.msg, "without a graph"), "onnx without a graph: %s", err.msg);
    free(buf);
    free(good);
}

/* -------------------------------------------------------- detection */

static void test_detect(void)
{
    const struct {
        const char *bytes;
        size_t len;
        model_format want;
    } table[] = {
        {"PK\x03\x04rest", 8, MODEL_FORMAT_KERAS},
        {"\x89HDF\r\n\x1a\n....", 12, MODEL_FORMAT_KERAS_H5},
        {"\x08\x07\x12\x08", 4, MODEL_FORMAT_ONNX},
        {"{\"format\": \"digitpad-mlp\", \"layers\": []}", 40, MODEL_FORMAT_DIGITPAD},
        {" {\"modelTopology\": {}, \"weightsManifest\": []}", 46, MODEL_FORMAT_TFJS},
        // A digitpad model that mentions the word in a comment is still digitpad's.
        {"{\"comment\": \"\\\"modelTopology\\\"\", \"format\": \"digitpad-mlp\"}", 61,
         MODEL_FORMAT_DIGITPAD},
        {"", 0, MODEL_FORMAT_DIGITPAD},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        model_format got = model_format_detect((const uint8_t *)table[i].bytes, table[i].len);
        CHECK(got == table[i].want, "detect case %zu: %s, want %s", i, model_format_name(got),
              model_format_name(table[i].want));
    }
}

/* ------------------------------------------- Keras files made by h5py */

static bool read_all(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *buf = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(*buf, 1, (size_t)n, f);
    fclose(f);
    return *len == (size_t)n;
}

static void test_keras_fixtures(const char *dir)
{
    const mlp_activation R = MLP_ACT_RELU, S = MLP_ACT_SOFTMAX;
    const struct {
        const char *file, *expected;
        size_t n_layers;
        double scale;
        mlp_activation acts[3];
    } good[] = {
        {"keras3.keras", "expected-keras3.bin", 2, 1.0 / 255.0, {R, S}},
        {"keras3-deep.keras", "expected-keras3-deep.bin", 3, 1.0 / 255.0, {R, R, S}},
        {"keras3-tanh-sigmoid.keras", "expected-keras3-deep.bin", 3, 1.0 / 255.0,
         {MLP_ACT_TANH, MLP_ACT_SIGMOID, S}},
        {"keras3-rescaling.keras", "expected-keras3.bin", 2, 1.0 / 255.0, {R, S}},
        {"tfkeras2.h5", "expected-tfkeras2.bin", 2, 1.0 / 255.0, {R, S}},
        {"tfkeras2-names.h5", "expected-tfkeras2.bin", 2, 1.0 / 255.0, {R, S}},
    };
    char path[1024];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, good[i].file);
        mlp net;
        model_meta meta;
        dp_error err;
        model_format f;
        bool ok = model_any_load(path, &net, &meta, &f, &err);
        CHECK(ok, "%s: %s", good[i].file, err.msg);
        if (!ok)
            continue;
        uint8_t *want = NULL;
        size_t wlen = 0;
        snprintf(path, sizeof path, "%s/%s", dir, good[i].expected);
        CHECK(read_all(path, &want, &wlen), "%s", path);
        float *w = malloc(wlen);
        for (size_t k = 0; k + 4 <= wlen; k += 4) {
            uint32_t u = (uint32_t)want[k] | (uint32_t)want[k + 1] << 8 |
                         (uint32_t)want[k + 2] << 16 | (uint32_t)want[k + 3] << 24;
            memcpy(&w[k / 4], &u, 4);
        }
        CHECK(net.n_layers == good[i].n_layers && wlen == net.n_params * 4 &&
                  memcmp(net.params, w, wlen) == 0,
              "%s: the weights h5py wrote, bit for bit", good[i].file);
        CHECK(meta.height == 28 && meta.width == 28, "%s: 28x28", good[i].file);
        CHECK(meta.scale == good[i].scale, "%s: scale %.17g", good[i].file, meta.scale);
        for (size_t l = 0; l < net.n_layers && l < 3; l++)
            CHECK(net.layers[l].act == good[i].acts[l], "%s: layer %zu is %s", good[i].file, l,
                  mlp_activation_name(net.layers[l].act));
        // And what digitpad writes from it reads back the same.
        uint8_t *zip;
        size_t zlen;
        mlp back;
        model_meta bmeta;
        ok = keras_write(&net, &meta, &zip, &zlen, &err) && keras_parse(zip, zlen, &back, &bmeta, &err);
        CHECK(ok && same_net(&net, &back), "%s: .keras out and in again", good[i].file);
        if (ok) {
            mlp_destroy(&back);
            model_meta_destroy(&bmeta);
            free(zip);
        }
        free(w);
        free(want);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
    const struct {
        const char *file, *error;
    } bad[] = {
        {"bad-no-config.keras", "no config.json in the zip: not a Keras 3 .keras file"},
        {"bad-no-weights.keras", "no model.weights.h5 in the zip"},
        {"bad-npz.keras", "model.weights.npz are not supported"},
        {"bad-config-not-json.keras", "config.json: not JSON"},
        {"bad-missing-bias.keras", "layer 4 (dense_1): no bias at layers/dense_1/vars/1"},
        {"bad-no-datasets.keras", "layer 2 (dense): no weights at layers/dense/vars in model.weights.h5"},
        {"bad-quantised.keras", "holds 3 variables, not 2 (a quantised layer?"},
        {"bad-int8-policy.keras", "layer 2 (dense): a quantised layer (int8_from_float32)"},
        {"bad-float64.keras", "layer 2 (dense): its kernel is float64, not float32"},
        {"bad-weights-not-hdf5.keras", "model.weights.h5 is not an HDF5 file"},
        {"bad-shape.keras", "layer 2 (dense): kernel has shape (784, 64), expected (784, 128)"},
        {"bad-conv2d.keras", "layer 2: Conv2D is not supported; digitpad runs dense networks"},
        {"bad-elu.keras", "layer 2 (dense): activation \"elu\" is not supported"},
        {"bad-truncated.keras", "not a readable zip"},
        {"bad-weights-only.h5", "an HDF5 file of Keras 3 weights only"},
        {"bad-h5-no-config.h5", "no model_config attribute"},
        {"bad-h5-no-datasets.h5", "layer 3 (dense_1): no weights (model_weights has no group dense_1)"},
        {"bad-h5-not-listed.h5", "layer 3 (dense_1): no weights (the name is not in model_weights' layer_names)"},
        {"bad-h5-shape.h5", "layer 2 (dense): kernel has shape (784, 128), expected (784, 64)"},
        {"bad-huge-shape.keras", "kernel has shape (1073741824, 1073741824), expected (784, 128)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, bad[i].file);
        mlp net;
        model_meta meta;
        dp_error err = {""};
        bool ok = model_any_load(path, &net, &meta, NULL, &err);
        CHECK(!ok && strstr(err.msg, bad[i].error) && !strchr(err.msg, '\n'),
              "%s: got \"%s\", want \"%s\"", bad[i].file, ok ? "(loaded)" : err.msg, bad[i].error);
        if (ok) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
        }
    }
    // Every truncation of a good .keras and .h5 is refused with a reason.
    const char *whole[] = {"keras3.keras", "tfkeras2.h5"};
    for (size_t w = 0; w < 2; w++) {
        snprintf(path, sizeof path, "%s/%s", dir, whole[w]);
        uint8_t *buf;
        size_t len;
        if (!read_all(path, &buf, &len))
            continue;
        size_t refused = 0, tried = 0;
        for (size_t cut = 0; cut < len; cut += len / 23 + 1, tried++) {
            mlp net;
            model_meta meta;
            dp_error err = {""};
            bool ok = w == 0 ? keras_parse(buf, cut, &net, &meta, &err)
                             : keras_h5_parse(buf, cut, &net, &meta, &err);
            if (ok) {
                mlp_destroy(&net);
                model_meta_destroy(&meta);
            } else if (err.msg[0]) {
                refused++;
            }
        }
        CHECK(refused == tried, "%s: %zu of %zu truncations refused with a reason", whole[w],
              refused, tried);
        free(buf);
    }
}

/* --------------------------------------------------------- labels */

static bool has_bytes(const uint8_t *buf, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(buf + i, s, n))
            return true;
    return false;
}

static bool same_labels(const model_meta *a, const model_meta *b)
{
    if (a->n_labels != b->n_labels)
        return false;
    for (size_t i = 0; i < a->n_labels; i++)
        if (strcmp(a->labels[i], b->labels[i]) != 0)
            return false;
    return true;
}

/* A Fashion-MNIST-like model's class names survive ONNX, TF.js and Keras;
 * a digit model's default labels add nothing to the files; labels that do
 * not fit the model are refused. */
static void test_labels(void)
{
    const size_t sizes[] = {4, 3, 3};
    const char *names[] = {"T-shirt/top", "Trouser \"long\"", "Ankle boot \xc3\xa9"};
    mlp net, back;
    model_meta meta, bmeta;
    dp_error err;
    make_net(&net, &meta, sizes, 3, 2, 2, 11);
    // Default labels: nothing is written.
    uint8_t *onnx;
    size_t olen;
    CHECK(onnx_write(&net, &meta, &onnx, &olen, &err), "%s", err.msg);
    CHECK(!has_bytes(onnx, olen, "digitpad.labels"), "onnx: default labels are not written");
    free(onnx);
    char *json;
    uint8_t *bin;
    size_t jlen, blen;
    CHECK(tfjs_write(&net, &meta, "w.bin", &json, &jlen, &bin, &blen, &err), "%s", err.msg);
    CHECK(!strstr(json, "userDefinedMetadata"), "tfjs: default labels are not written");
    free(json);
    free(bin);

    for (size_t i = 0; i < 3; i++)
        snprintf(meta.labels[i], MODEL_LABEL_MAX, "%s", names[i]);
    CHECK(onnx_write(&net, &meta, &onnx, &olen, &err), "%s", err.msg);
    bool ok = onnx_parse(onnx, olen, &back, &bmeta, &err);
    CHECK(ok && same_labels(&meta, &bmeta), "onnx labels: %s", ok ? bmeta.labels[2] : err.msg);
    if (ok) {
        mlp_destroy(&back);
        model_meta_destroy(&bmeta);
    }
    free(onnx);

    CHECK(tfjs_write(&net, &meta, "w.bin", &json, &jlen, &bin, &blen, &err), "%s", err.msg);
    shards sh = {{{"w.bin", bin, blen}}, 1};
    ok = tfjs_parse((const uint8_t *)json, jlen, get_shard, &sh, &back, &bmeta, &err);
    CHECK(ok && same_labels(&meta, &bmeta), "tfjs labels: %s", ok ? bmeta.labels[2] : err.msg);
    if (ok) {
        mlp_destroy(&back);
        model_meta_destroy(&bmeta);
    }
    // Two labels for three outputs: refused, naming where.
    char *cut = strstr(json, ",\"Ankle boot");
    CHECK(cut != NULL, "the third label is in model.json");
    if (cut) {
        char *end = strchr(cut + 1, '"');
        end = end ? strchr(end + 1, '"') : NULL;
        if (end)
            memmove(cut, end + 1, strlen(end + 1) + 1);
        ok = tfjs_parse((const uint8_t *)json, strlen(json), get_shard, &sh, &back, &bmeta, &err);
        CHECK(!ok && strstr(err.msg, "userDefinedMetadata.digitpad_labels: 2 labels for 3 outputs"),
              "tfjs two labels: %s", ok ? "(loaded)" : err.msg);
        if (ok) {
            mlp_destroy(&back);
            model_meta_destroy(&bmeta);
        }
    }
    free(json);
    free(bin);

    uint8_t *zip;
    size_t zlen;
    CHECK(keras_write(&net, &meta, &zip, &zlen, &err), "%s", err.msg);
    ok = keras_parse(zip, zlen, &back, &bmeta, &err);
    CHECK(ok && same_labels(&meta, &bmeta), "keras labels: %s", ok ? bmeta.labels[2] : err.msg);
    if (ok) {
        mlp_destroy(&back);
        model_meta_destroy(&bmeta);
    }
    free(zip);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

int main(int argc, char **argv)
{
    test_round_trips();
    test_labels();
    test_tfjs_by_hand();
    test_tfjs_broken();
    test_onnx_broken();
    test_detect();
    if (argc > 1)
        test_keras_fixtures(argv[1]);
    return check_summary();
}
