/* test_model_file.c: the digitpad-mlp JSON format.
 *
 * Round trips (bytes and bits), the number formatting rule against a
 * literal reading of it, a table of broken files that must each be refused
 * with a precise message, and the atomic save. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mlp.h"
#include "model_file.h"
#include "model_scan.h"
#include "novelty.h"

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static bool check(bool ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

/* ------------------------------------------------------------- helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

/* The formatting rule read literally: the first of %.1g ... %.9g that
 * strtof and strtod (then a cast) both read back as exactly f. */
static void reference_format(char *out, size_t cap, float f)
{
    for (int p = 1; p <= 9; p++) {
        snprintf(out, cap, "%.*g", p, (double)f);
        float a = strtof(out, NULL), b = (float)strtod(out, NULL);
        if (memcmp(&a, &f, sizeof f) == 0 && memcmp(&b, &f, sizeof f) == 0)
            return;
    }
}

static bool make_net(mlp *net, model_meta *meta, const size_t *sizes, size_t n, size_t height,
                     size_t width, uint64_t seed)
{
    dp_error err;
    if (!mlp_init(net, sizes, n, &err)) {
        printf("mlp_init: %s\n", err.msg);
        return false;
    }
    mlp_init_glorot(net, seed);
    if (!model_meta_default(meta, height, width, sizes[n - 1], &err)) {
        printf("model_meta_default: %s\n", err.msg);
        mlp_destroy(net);
        return false;
    }
    return true;
}

/* Parses len bytes from a buffer of exactly that size (no NUL after it),
 * so that a reader looking past the end shows under valgrind. */
static bool parse_exact(const char *text, size_t len, mlp *net, model_meta *meta, dp_error *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    memcpy(copy, text, len);
    bool ok = model_file_parse(copy, len, net, meta, err);
    free(copy);
    return ok;
}

static bool same_meta(const model_meta *a, const model_meta *b)
{
    if (a->height != b->height || a->width != b->width || a->preprocess != b->preprocess ||
        memcmp(&a->scale, &b->scale, sizeof a->scale) != 0 || a->n_labels != b->n_labels ||
        a->has_training != b->has_training || a->n_history != b->n_history ||
        a->has_progress != b->has_progress || a->n_schedule != b->n_schedule)
        return false;
    for (size_t i = 0; i < a->n_labels; i++)
        if (strcmp(a->labels[i], b->labels[i]) != 0)
            return false;
    if (!a->has_training)
        return true;
    if (strcmp(a->dataset, b->dataset) != 0 || a->epochs != b->epochs ||
        a->batch_size != b->batch_size || a->seed != b->seed ||
        memcmp(&a->learning_rate, &b->learning_rate, sizeof(double)) != 0 ||
        memcmp(&a->beta_1, &b->beta_1, sizeof(double)) != 0 ||
        memcmp(&a->beta_2, &b->beta_2, sizeof(double)) != 0 ||
        memcmp(&a->epsilon, &b->epsilon, sizeof(double)) != 0)
        return false;
    for (size_t i = 0; i < a->n_history; i++) {
        const model_epoch *x = &a->history[i], *y = &b->history[i];
        // NaN (not measured) is written as null and comes back as NaN.
        double xs[4] = {x->loss, x->accuracy, x->val_loss, x->val_accuracy};
        double ys[4] = {y->loss, y->accuracy, y->val_loss, y->val_accuracy};
        if (x->epoch != y->epoch)
            return false;
        for (int k = 0; k < 4; k++)
            if (isnan(xs[k]) ? !isnan(ys[k]) : memcmp(&xs[k], &ys[k], sizeof(double)) != 0)
                return false;
    }
    for (size_t i = 0; i < a->n_schedule; i++) {
        const model_setting *x = &a->schedule[i], *y = &b->schedule[i];
        if (x->epoch != y->epoch || x->samples_done != y->samples_done ||
            memcmp(&x->learning_rate, &y->learning_rate, sizeof(double)) != 0 ||
            x->batch_size != y->batch_size)
            return false;
    }
    if (a->has_progress) {
        const model_progress *x = &a->progress, *y = &b->progress;
        if (x->epoch != y->epoch || x->samples_done != y->samples_done ||
            x->samples_per_epoch != y->samples_per_epoch || x->batches_done != y->batches_done ||
            x->batches_per_epoch != y->batches_per_epoch || x->global_step != y->global_step ||
            x->shuffle_seed != y->shuffle_seed || x->shuffles != y->shuffles)
            return false;
        double xs[2] = {x->loss, x->accuracy}, ys[2] = {y->loss, y->accuracy};
        for (int k = 0; k < 2; k++)
            if (isnan(xs[k]) ? !isnan(ys[k]) : memcmp(&xs[k], &ys[k], sizeof(double)) != 0)
                return false;
    }
    return true;
}

/* write -> parse -> write: same bytes, same parameter bits, same meta. */
static void check_round_trip(const char *name, const mlp *net, const model_meta *meta)
{
    dp_error err;
    char *a = NULL, *b = NULL;
    size_t alen, blen;
    mlp back;
    model_meta mback;
    if (!CHECK(model_file_write(net, meta, &a, &alen, &err))) {
        printf("  %s: write: %s\n", name, err.msg);
        return;
    }
    CHECK(strlen(a) == alen);
    if (!CHECK(parse_exact(a, alen, &back, &mback, &err))) {
        printf("  %s: parse: %s\n", name, err.msg);
        free(a);
        return;
    }
    CHECK(mlp_same_shape(net, &back));
    CHECK(back.n_params == net->n_params &&
          memcmp(back.params, net->params, net->n_params * sizeof(float)) == 0);
    for (size_t l = 0; l < back.n_layers; l++)
        CHECK(back.layers[l].act == net->layers[l].act);
    if (!CHECK(same_meta(meta, &mback)))
        printf("  %s: meta differs after the round trip\n", name);
    if (CHECK(model_file_write(&back, &mback, &b, &blen, &err))) {
        if (!CHECK(alen == blen && memcmp(a, b, alen) == 0))
            printf("  %s: second write differs (%zu vs %zu bytes)\n", name, alen, blen);
    }
    free(a);
    free(b);
    mlp_destroy(&back);
    model_meta_destroy(&mback);
}

/* ------------------------------------------------------ (a) round trips */

static void test_round_trips(void)
{
    dp_error err;
    mlp net;
    model_meta meta;
    const size_t small[] = {6, 4, 3};
    if (!CHECK(make_net(&net, &meta, small, 3, 2, 3, 42)))
        return;
    check_round_trip("6-4-3, no training", &net, &meta);

    // Each hidden activation survives a round trip, per layer; any but
    // ReLU makes the file version 2, so an older digitpad refuses it by
    // its version rather than misreading it.
    static const mlp_activation acts[] = {MLP_ACT_LINEAR, MLP_ACT_SIGMOID, MLP_ACT_TANH};
    const size_t deep[] = {6, 5, 4, 3};
    for (size_t k = 0; k < 3; k++) {
        mlp dnet;
        model_meta dmeta;
        if (!CHECK(make_net(&dnet, &dmeta, deep, 4, 2, 3, 7)))
            continue;
        CHECK(mlp_set_activation(&dnet, 1, acts[k], &err));
        check_round_trip(mlp_activation_name(acts[k]), &dnet, &dmeta);
        char *text = NULL;
        size_t len;
        if (CHECK(model_file_write(&dnet, &dmeta, &text, &len, &err))) {
            char want[64];
            snprintf(want, sizeof want, "\"activation\": \"%s\"", mlp_activation_name(acts[k]));
            CHECK(strstr(text, want) != NULL);
            CHECK(strstr(text, "\"activation\": \"relu\"") != NULL); // layer 0 kept ReLU
            CHECK(strstr(text, "\"version\": 2,") != NULL);
        }
        free(text);
        CHECK(mlp_set_hidden_activation(&dnet, acts[k], &err));
        check_round_trip(mlp_activation_name(acts[k]), &dnet, &dmeta);
        CHECK(!mlp_set_activation(&dnet, 2, MLP_ACT_TANH, &err)); // the last layer stays softmax
        CHECK(!mlp_set_activation(&dnet, 0, MLP_ACT_SOFTMAX, &err));
        mlp_destroy(&dnet);
        model_meta_destroy(&dmeta);
    }
    {
        char *text = NULL;
        size_t len;
        if (CHECK(model_file_write(&net, &meta, &text, &len, &err)))
            CHECK(strstr(text, "\"version\": 1,") != NULL); // ReLU stays version 1
        free(text);
    }

    // Labels that need escaping, preprocessing "none", biases that are not
    // zero, and a history with an unmeasured (NaN) value.
    snprintf(meta.labels[0], MODEL_LABEL_MAX, "cat \"A\"");
    snprintf(meta.labels[1], MODEL_LABEL_MAX, "back\\slash\ttab");
    snprintf(meta.labels[2], MODEL_LABEL_MAX, "\xc3\xa9t\xc3\xa9"); // "été" in UTF-8
    meta.preprocess = MODEL_PREPROCESS_NONE;
    meta.scale = 1.0 / 3.0;
    for (size_t i = 0; i < net.layers[0].out; i++)
        net.layers[0].bias[i] = 0.01f * (float)(i + 1);
    model_epoch e1 = {1, 0.3012345678901234, 0.91, 0.2, 0.94};
    model_epoch e2 = {2, 0.1 + 0.2, 0.95, NAN, 0.96};
    CHECK(model_meta_add_epoch(&meta, &e1, &err));
    CHECK(model_meta_add_epoch(&meta, &e2, &err));
    CHECK(meta.has_training && meta.n_history == 2);
    snprintf(meta.dataset, sizeof meta.dataset, "mnist");
    meta.epochs = 2;
    meta.batch_size = 64;
    meta.seed = ((uint64_t)1 << 53) - 1;
    meta.learning_rate = (double)0.001f; // a float widened, as the trainer stores it
    check_round_trip("6-4-3, with training", &net, &meta);

    // Saved part way into epoch 3, after a change of the learning rate and
    // the batch size; then without the loss measured.
    {
        model_meta pm;
        if (CHECK(model_meta_copy(&pm, &meta, &err))) {
            pm.has_progress = true;
            pm.progress = (model_progress){.epoch = 3, .samples_done = 2600, .samples_per_epoch = 6000,
                                           .batches_done = 57, .batches_per_epoch = 132,
                                           .global_step = 243, .loss = 0.125, .accuracy = 0.96875,
                                           .shuffle_seed = 1, .shuffles = 3};
            model_setting at = {.epoch = 3, .samples_done = 1000, .learning_rate = 0.01,
                                .batch_size = 64};
            CHECK(model_meta_note_setting(&pm, &at, (double)0.001f, 64, &err));
            at = (model_setting){.epoch = 3, .samples_done = 2000, .learning_rate = 0.01,
                                 .batch_size = 48};
            CHECK(model_meta_note_setting(&pm, &at, 0.01, 64, &err));
            CHECK(pm.n_schedule == 3 && pm.batch_size == 48 && pm.learning_rate == 0.01);
            check_round_trip("6-4-3, mid-epoch", &net, &pm);
            char *t = NULL;
            size_t tl;
            if (CHECK(model_file_write(&net, &pm, &t, &tl, &err))) {
                CHECK(strstr(t, "\n    \"progress\": {\"epoch\": 3, \"samples_done\": 2600, "
                                "\"samples_per_epoch\": 6000, \"batches_done\": 57, "
                                "\"batches_per_epoch\": 132, \"global_step\": 243, \"loss\": 0.125, "
                                "\"accuracy\": 0.96875, \"shuffle_seed\": 1, \"shuffles\": 3}\n  }") != NULL);
                CHECK(strstr(t, "\"schedule\": [\n      {\"epoch\": 1, \"samples_done\": 0, "
                                "\"learning_rate\": 0.0010000000474974513, \"batch_size\": 64},\n"
                                "      {\"epoch\": 3, \"samples_done\": 1000, \"learning_rate\": 0.01, "
                                "\"batch_size\": 64},\n      {\"epoch\": 3, \"samples_done\": 2000, "
                                "\"learning_rate\": 0.01, \"batch_size\": 48}\n    ]") != NULL);
                free(t);
            }
            pm.progress.loss = NAN;
            pm.progress.accuracy = NAN;
            check_round_trip("6-4-3, mid-epoch, nothing measured", &net, &pm);
            model_meta_destroy(&pm);
        }
    }

    char *text;
    size_t len;
    if (CHECK(model_file_write(&net, &meta, &text, &len, &err))) {
        CHECK(strstr(text, "\"format\": \"digitpad-mlp\"") != NULL);
        CHECK(strstr(text, "\"cat \\\"A\\\"\"") != NULL);
        CHECK(strstr(text, "\"back\\\\slash\\ttab\"") != NULL);
        CHECK(strstr(text, "\"preprocess\": \"none\"") != NULL);
        CHECK(strstr(text, "\"scale\": 0.3333333333333333,") != NULL);
        CHECK(strstr(text, "\"loss\": 0.30000000000000004") != NULL);
        CHECK(strstr(text, "\"val_loss\": null") != NULL);
        CHECK(strstr(text, "\"seed\": 9007199254740991") != NULL);
        CHECK(strstr(text, "\"epsilon\": 1e-07}") != NULL);
        // One kernel row per line: 6 rows for the first layer, 4 for the second.
        size_t lines = 0;
        for (const char *p = text; *p; p++)
            lines += *p == '\n';
        CHECK(lines > 6 + 4);
        free(text);
    }
    mlp_destroy(&net);
    model_meta_destroy(&meta);

    const size_t mnist[] = {784, 128, 10};
    if (!CHECK(make_net(&net, &meta, mnist, 3, 28, 28, 1)))
        return;
    check_round_trip("784-128-10", &net, &meta);
    for (int i = 0; i < 5; i++) {
        model_epoch e = {i + 1, 0.25 / (i + 1), 0.9 + 0.01 * i, 0.2 / (i + 1), 0.91 + 0.01 * i};
        CHECK(model_meta_add_epoch(&meta, &e, &err));
    }
    meta.epochs = 5;
    check_round_trip("784-128-10, trained", &net, &meta);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

/* -------------------------------------------------- (b) special floats */

static void test_special_floats(void)
{
    dp_error err;
    mlp net;
    model_meta meta;
    const size_t sizes[] = {4, 4};
    if (!CHECK(make_net(&net, &meta, sizes, 2, 2, 2, 3)))
        return;
    const float special[20] = {
        0x1p-149f,   -0x1p-149f, 0x1.8p-148f, 1e-40f,     FLT_MIN,   -0.0f,     0.0f,
        FLT_MAX,     -FLT_MAX,   1.0f / 3.0f, 0.1f,       1e-5f,     123456789.0f,
        16777217.0f, 100.0f,     1.0f,        -2.5e-07f,  0.001f,    65504.0f,  3.0e38f,
    };
    memcpy(net.params, special, sizeof special);
    check_round_trip("special floats", &net, &meta);

    const struct {
        float f;
        const char *text;
    } expect[] = {
        {0x1p-149f, "1e-45"},      {-0x1p-149f, "-1e-45"},   {-0.0f, "-0"},
        {0.0f, "0"},               {FLT_MAX, "3.4028235e+38"}, {1.0f / 3.0f, "0.33333334"},
        {0.1f, "0.1"},             {1e-5f, "1e-05"},         {123456789.0f, "1.2345679e+08"},
        {100.0f, "1e+02"},         {FLT_MIN, "1.1754944e-38"}, {0.001f, "0.001"},
        {1e-40f, "1e-40"},         {65504.0f, "65504"},
    };
    char *text;
    size_t len;
    if (CHECK(model_file_write(&net, &meta, &text, &len, &err))) {
        for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
            char ref[40], pattern[48];
            reference_format(ref, sizeof ref, expect[i].f);
            if (!CHECK(strcmp(ref, expect[i].text) == 0))
                printf("  reference gives %s for %s\n", ref, expect[i].text);
            // Between "[" or ", " and "," or "]".
            snprintf(pattern, sizeof pattern, " %s,", expect[i].text);
            bool found = strstr(text, pattern) != NULL;
            snprintf(pattern, sizeof pattern, "[%s,", expect[i].text);
            found = found || strstr(text, pattern) != NULL;
            snprintf(pattern, sizeof pattern, " %s]", expect[i].text);
            found = found || strstr(text, pattern) != NULL;
            if (!CHECK(found))
                printf("  %s not written as such\n", expect[i].text);
        }
        free(text);
    }

    // A non-finite weight cannot be saved, and says where it is.
    net.layers[0].kernel[1 * 4 + 2] = NAN;
    text = NULL;
    CHECK(!model_file_write(&net, &meta, &text, &len, &err) && text == NULL);
    CHECK(strstr(err.msg, "layers[0].kernel[1][2] is nan") != NULL);
    net.layers[0].kernel[1 * 4 + 2] = 0;
    net.layers[0].bias[3] = -INFINITY;
    CHECK(!model_file_write(&net, &meta, &text, &len, &err));
    CHECK(strstr(err.msg, "layers[0].bias[3] is -inf") != NULL);
    mlp_destroy(&net);
    model_meta_destroy(&meta);

    // Random bit patterns (every exponent, denormals included) and
    // Glorot-sized values: every number as the literal rule writes it.
    const size_t wide[] = {64, 64, 64};
    if (!CHECK(make_net(&net, &meta, wide, 3, 8, 8, 5)))
        return;
    for (size_t i = 0; i < net.layers[0].in * net.layers[0].out + net.layers[0].out; i++) {
        float f;
        do {
            uint32_t u = (uint32_t)next_random();
            memcpy(&f, &u, sizeof f);
        } while (!isfinite(f));
        net.params[i] = f;
    }
    check_round_trip("random bit patterns", &net, &meta);
    if (CHECK(model_file_write(&net, &meta, &text, &len, &err))) {
        size_t bad = 0;
        char *row = malloc(64 * 20 + 8);
        for (size_t l = 0; l < net.n_layers && row; l++) {
            const mlp_layer *L = &net.layers[l];
            for (size_t r = 0; r <= L->in; r++) {
                const float *v = r < L->in ? L->kernel + r * L->out : L->bias;
                size_t n = 0;
                row[n++] = '[';
                for (size_t c = 0; c < L->out; c++) {
                    if (c > 0)
                        n += (size_t)sprintf(row + n, ", ");
                    reference_format(row + n, 20, v[c]);
                    n += strlen(row + n);
                }
                snprintf(row + n, 3, "]");
                if (!strstr(text, row) && bad++ < 3)
                    printf("  row not written by the rule: %.80s...\n", row);
            }
        }
        CHECK(row != NULL && bad == 0);
        free(row);
        free(text);
    }
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

/* ------------------------------------------------- (c) broken models */

#define HEAD "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 1, \"width\": 2}, "
#define L0 "{\"type\": \"dense\", \"activation\": \"relu\", \"kernel\": [[1, 2, 3], [4, 5, 6]], " \
           "\"bias\": [0, 0, 0]}"
#define L1 "{\"type\": \"dense\", \"activation\": \"softmax\", \"kernel\": [[1, 2], [3, 4], [5, 6]], " \
           "\"bias\": [0, 0]}"
#define LAYERS(a, b) "\"layers\": [" a ", " b "]"
#define GOOD HEAD LAYERS(L0, L1) "}"
#define WITH_L0(kernel, bias) HEAD LAYERS("{\"activation\": \"relu\", \"kernel\": " kernel \
                                          ", \"bias\": " bias "}", L1) "}"
#define EXTRA(more) HEAD LAYERS(L0, L1) ", " more "}"

typedef struct bad_case {
    const char *name, *text, *expect;
} bad_case;

static const bad_case bad_cases[] = {
    {"not JSON", "model: yes", "not JSON: syntax error at line 1, column 1"},
    {"syntax error further down", "{\n  \"format\": \"digitpad-mlp\",\n  \"version\": 1,,\n}",
     "not JSON: syntax error at line 3, column"},
    {"empty", "", "empty file"},
    {"only white space", " \n\t\r\n ", "empty file"},
    {"trailing garbage", GOOD " x", "trailing data after the JSON at byte"},
    {"two objects", GOOD "\n" GOOD, "trailing data after the JSON at byte"},
    {"top-level array", "[" GOOD "]", "expected a JSON object at the top level, got an array"},
    {"top-level null", "null", "expected a JSON object at the top level, got null"},
    {"no format", "{\"version\": 1, " LAYERS(L0, L1) "}", "missing \"format\""},
    {"format not a string", "{\"format\": 7}", "format: expected a string, got a number"},
    {"wrong format", "{\"format\": \"keras\", \"version\": 1}",
     "format is \"keras\", expected \"digitpad-mlp\""},
    {"no version", "{\"format\": \"digitpad-mlp\", " LAYERS(L0, L1) "}", "missing \"version\""},
    {"version a string", "{\"format\": \"digitpad-mlp\", \"version\": \"1\"}",
     "version: expected an integer, got a string"},
    {"version 1.5", "{\"format\": \"digitpad-mlp\", \"version\": 1.5}",
     "version: expected an integer from 1"},
    {"version 0", "{\"format\": \"digitpad-mlp\", \"version\": 0}",
     "version: expected an integer from 1"},
    {"version 3", "{\"format\": \"digitpad-mlp\", \"version\": 3, " LAYERS(L0, L1) "}",
     "version 3 is newer than this digitpad reads (2)"},
    {"no layers", HEAD "\"labels\": [\"a\", \"b\"]}", "missing \"layers\""},
    {"layers an object", HEAD "\"layers\": {}}",
     "layers: expected an array of layer objects, got an object"},
    {"zero layers", HEAD "\"layers\": []}", "layers: empty"},
    {"layer not an object", HEAD "\"layers\": [[1, 2], " L1 "]}",
     "layers[0]: expected an object, got an array"},
    {"unknown layer type", HEAD LAYERS("{\"type\": \"conv2d\"}", L1) "}",
     "layers[0].type: unknown layer type \"conv2d\" (only dense)"},
    {"no activation", HEAD LAYERS("{\"kernel\": [[1]], \"bias\": [0]}", L1) "}",
     "layers[0]: missing \"activation\""},
    {"unknown activation",
     HEAD LAYERS("{\"activation\": \"gelu\", \"kernel\": [[1, 2, 3], [4, 5, 6]], \"bias\": [0, 0, 0]}",
                 L1) "}",
     "layers[0].activation: unknown activation \"gelu\" (relu, linear, sigmoid, tanh or softmax)"},
    {"relu on the last layer",
     HEAD LAYERS(L0, "{\"activation\": \"relu\", \"kernel\": [[1, 2], [3, 4], [5, 6]], \"bias\": [0, 0]}") "}",
     "layers[1].activation: the last layer must be softmax, not relu"},
    {"softmax on a hidden layer",
     HEAD LAYERS("{\"activation\": \"softmax\", \"kernel\": [[1, 2, 3], [4, 5, 6]], \"bias\": [0, 0, 0]}",
                 L1) "}",
     "layers[0].activation: softmax is only for the last layer"},
    {"no kernel", HEAD LAYERS("{\"activation\": \"relu\", \"bias\": [0, 0, 0]}", L1) "}",
     "layers[0]: missing \"kernel\""},
    {"kernel not an array", WITH_L0("\"abc\"", "[0, 0, 0]"),
     "layers[0].kernel: expected an array of rows of numbers, got a string"},
    {"empty kernel", WITH_L0("[]", "[0, 0, 0]"), "layers[0].kernel: empty"},
    {"empty kernel row", WITH_L0("[[], []]", "[]"), "layers[0].kernel[0]: empty row"},
    {"kernel row not an array", WITH_L0("[[1, 2, 3], 4]", "[0, 0, 0]"),
     "layers[0].kernel[1]: expected an array of numbers, got a number"},
    {"uneven kernel rows", WITH_L0("[[1, 2, 3], [4, 5]]", "[0, 0, 0]"),
     "layers[0].kernel: row 1 has 2 values, expected 3"},
    {"string in a kernel", WITH_L0("[[1, \"2\", 3], [4, 5, 6]]", "[0, 0, 0]"),
     "layers[0].kernel[0][1]: expected a number, got a string"},
    {"null in a kernel", WITH_L0("[[1, 2, 3], [4, null, 6]]", "[0, 0, 0]"),
     "layers[0].kernel[1][1]: expected a number, got null"},
    {"NaN as text", WITH_L0("[[1, 2, 3], [4, NaN, 6]]", "[0, 0, 0]"), "not JSON: syntax error"},
    {"Infinity as text", WITH_L0("[[1, 2, 3], [4, 5, Infinity]]", "[0, 0, 0]"),
     "not JSON: syntax error"},
    {"1e39", WITH_L0("[[1, 2, 3], [4, 5, 1e39]]", "[0, 0, 0]"),
     "layers[0].kernel[1][2]: 1e+39 is not a finite float"},
    {"-3.5e38", WITH_L0("[[1, 2, 3], [4, 5, 6]]", "[0, -3.5e38, 0]"),
     "layers[0].bias[1]: -3.5e+38 is not a finite float"},
    {"1e400", WITH_L0("[[1e400, 2, 3], [4, 5, 6]]", "[0, 0, 0]"),
     "layers[0].kernel[0][0]: inf is not a finite float"},
    {"no bias", HEAD LAYERS("{\"activation\": \"relu\", \"kernel\": [[1, 2, 3], [4, 5, 6]]}", L1) "}",
     "layers[0]: missing \"bias\""},
    {"bias a string", WITH_L0("[[1, 2, 3], [4, 5, 6]]", "\"0\""),
     "layers[0].bias: expected an array of numbers, got a string"},
    {"bias too short", WITH_L0("[[1, 2, 3], [4, 5, 6]]", "[0, 0]"),
     "layers[0].bias: 2 values, expected 3 (one per unit)"},
    {"bias too long", WITH_L0("[[1, 2, 3], [4, 5, 6]]", "[0, 0, 0, 0]"),
     "layers[0].bias: 4 values, expected 3 (one per unit)"},
    {"bias with a boolean", WITH_L0("[[1, 2, 3], [4, 5, 6]]", "[0, true, 0]"),
     "layers[0].bias[1]: expected a number, got a boolean"},
    {"sizes that do not chain", WITH_L0("[[1, 2, 3, 4], [4, 5, 6, 7]]", "[0, 0, 0, 0]"),
     "layers[1].kernel has 3 rows but layers[0] has 4 units"},
    {"input size mismatch",
     "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 2, \"width\": 2}, "
     LAYERS(L0, L1) "}",
     "input is 2x2 = 4 pixels but layers[0].kernel has 2 rows"},
    {"default input size mismatch", "{\"format\": \"digitpad-mlp\", \"version\": 1, " LAYERS(L0, L1) "}",
     "input is 28x28 = 784 pixels but layers[0].kernel has 2 rows"},
    {"input height a string",
     "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": \"1\"}, " LAYERS(L0, L1) "}",
     "input.height: expected an integer, got a string"},
    {"negative scale", "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 1, "
                       "\"width\": 2, \"scale\": -1}, " LAYERS(L0, L1) "}",
     "input.scale: expected a positive number, got -1"},
    {"scale past float32", "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 1, "
                           "\"width\": 2, \"scale\": 1e300}, " LAYERS(L0, L1) "}",
     "input scale 1e+300 is not between 1e-09 and 1e+09"},
    {"unknown preprocessing", "{\"format\": \"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 1, "
                              "\"width\": 2, \"preprocess\": \"fancy\"}, " LAYERS(L0, L1) "}",
     "input.preprocess: unknown preprocessing \"fancy\" (mnist or none)"},
    {"labels not an array", EXTRA("\"labels\": \"01\""),
     "labels: expected an array of strings, got a string"},
    {"too many labels", EXTRA("\"labels\": [\"a\", \"b\", \"c\"]"), "labels: 3 labels for 2 outputs"},
    {"too few labels", EXTRA("\"labels\": [\"a\"]"), "labels: 1 labels for 2 outputs"},
    {"labels not strings", EXTRA("\"labels\": [0, 1]"), "labels[0]: expected a string, got a number"},
    {"empty label", EXTRA("\"labels\": [\"a\", \"\"]"), "labels[1]: empty string"},
    {"label too long", EXTRA("\"labels\": [\"a\", \"0123456789012345678901234567890123456789\"]"),
     "labels[1]: 40 bytes, at most 31"},
    // Issue 14: JSON is UTF-8; a label that is not would be written as it is
    // and refused by strict readers (Python's json) of the file digitpad saved.
    {"label of a Latin-1 byte", EXTRA("\"labels\": [\"caf\xe9\", \"b\"]"),
     "labels[0]: not valid UTF-8 (byte 3 is 0xe9)"},
    {"label with a stray continuation byte", EXTRA("\"labels\": [\"a\", \"\x80\"]"),
     "labels[1]: not valid UTF-8 (byte 0 is 0x80)"},
    {"label with an overlong slash", EXTRA("\"labels\": [\"\xc0\xaf\", \"b\"]"),
     "labels[0]: not valid UTF-8 (byte 0 is 0xc0)"},
    {"label with a UTF-8 surrogate", EXTRA("\"labels\": [\"x\xed\xa0\x80\", \"b\"]"),
     "labels[0]: not valid UTF-8 (byte 1 is 0xed)"},
    {"label cut inside a character", EXTRA("\"labels\": [\"a\", \"\xe2\x82\"]"),
     "labels[1]: not valid UTF-8 (byte 0 is 0xe2)"},
    {"label past U+10FFFF", EXTRA("\"labels\": [\"\xf4\x90\x80\x80\", \"b\"]"),
     "labels[0]: not valid UTF-8 (byte 0 is 0xf4)"},
    {"dataset name not UTF-8", EXTRA("\"training\": {\"dataset\": \"mn\xffist\"}"),
     "training.dataset: not valid UTF-8 (byte 2 is 0xff)"},
    {"training not an object", EXTRA("\"training\": []"),
     "training: expected an object, got an array"},
    {"unknown optimizer", EXTRA("\"training\": {\"optimizer\": {\"name\": \"sgd\"}}"),
     "training.optimizer.name: unknown optimizer \"sgd\" (adam)"},
    {"beta_1 of 1", EXTRA("\"training\": {\"optimizer\": {\"beta_1\": 1}}"),
     "training.optimizer.beta_1: expected a number from 0 to below 1, got 1"},
    {"seed too big", EXTRA("\"training\": {\"seed\": 18446744073709551615}"),
     "training.seed: expected an integer from 0 to 9007199254740992"},
    {"negative batch", EXTRA("\"training\": {\"batch_size\": -32}"),
     "training.batch_size: expected an integer from 1 to 1000000, got -32"},
    {"history an object", EXTRA("\"training\": {\"history\": {}}"),
     "training.history: expected an array of objects, got an object"},
    {"history loss a string",
     EXTRA("\"training\": {\"history\": [{\"epoch\": 1, \"loss\": 0.5}, {\"epoch\": 2, \"loss\": \"low\"}]}"),
     "training.history[1].loss: expected a number or null, got a string"},
    // A part-done epoch (training.progress) and the changes of the settings
    // (training.schedule); batch_size 32 and 2 epochs done unless a case says.
#define PROGRESS(body) EXTRA("\"training\": {\"epochs\": 2, \"progress\": {" body "}}")
#define SCHEDULE(body) EXTRA("\"training\": {\"epochs\": 2, \"schedule\": [" body "]}")
    {"progress an array", EXTRA("\"training\": {\"progress\": []}"),
     "training.progress: expected an object, got an array"},
    {"progress without samples_done", PROGRESS("\"samples_per_epoch\": 100"),
     "training.progress: missing \"samples_done\""},
    {"progress without the epoch's size", PROGRESS("\"samples_done\": 10"),
     "training.progress: missing \"samples_per_epoch\""},
    {"progress of another epoch", PROGRESS("\"epoch\": 7, \"samples_done\": 10, \"samples_per_epoch\": 100"),
     "training.progress.epoch: 7, but training.epochs says 2 epochs are done (the epoch under way is 3)"},
    {"progress past the epoch's end", PROGRESS("\"samples_done\": 100, \"samples_per_epoch\": 100"),
     "training.progress.samples_done: 100 is outside 1 to 99 (a part of the epoch's 100 samples)"},
    {"progress of nothing", PROGRESS("\"samples_done\": 0, \"samples_per_epoch\": 100"),
     "training.progress.samples_done: expected an integer from 1 to 4294967295, got 0"},
    {"progress of a fraction", PROGRESS("\"samples_done\": 10.5, \"samples_per_epoch\": 100"),
     "training.progress.samples_done: expected an integer from 1 to 4294967295, got 10.5"},
    {"progress of a one-sample epoch", PROGRESS("\"samples_done\": 1, \"samples_per_epoch\": 1"),
     "training.progress.samples_per_epoch: expected an integer from 2 to 4294967295, got 1"},
    {"more batches than samples", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, \"batches_done\": 11"),
     "training.progress.batches_done: 11 is outside 1 to 10 (at least one sample a batch)"},
    {"no batch left", PROGRESS("\"samples_done\": 64, \"samples_per_epoch\": 100, \"batches_done\": 2, "
                              "\"batches_per_epoch\": 2"),
     "training.progress.batches_per_epoch: 2 is outside 3 to 38 (the batches done and at least one, "
     "at most one a sample, for the 36 samples left)"},
    {"progress loss a string", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, \"loss\": \"low\""),
     "training.progress.loss: expected a number or null, got a string"},
    {"progress accuracy over 1", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, \"accuracy\": 1.5"),
     "training.progress.accuracy: 1.5 is outside 0 to 1"},
    {"progress loss negative", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, \"loss\": -1"),
     "training.progress.loss: -1 is not a loss (0 or more)"},
    {"progress shuffles negative", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, \"shuffles\": -1"),
     "training.progress.shuffles: expected an integer from 0 to 1000000, got -1"},
    {"progress shuffle seed too big", PROGRESS("\"samples_done\": 10, \"samples_per_epoch\": 100, "
                                              "\"shuffle_seed\": 1e300"),
     "training.progress.shuffle_seed: expected an integer from 0 to 9007199254740992, got 1e+300"},
    {"schedule an object", EXTRA("\"training\": {\"schedule\": {}}"),
     "training.schedule: expected an array of objects, got an object"},
    {"schedule entry a number", SCHEDULE("3"), "training.schedule[0]: expected an object, got a number"},
    {"schedule entry without its rate", SCHEDULE("{\"epoch\": 1, \"batch_size\": 32}"),
     "training.schedule[0]: missing \"learning_rate\""},
    {"schedule entry past the training", SCHEDULE("{\"epoch\": 1, \"learning_rate\": 0.001, \"batch_size\": 32}, "
                                                  "{\"epoch\": 4, \"learning_rate\": 0.01, \"batch_size\": 32}"),
     "training.schedule[1].epoch: 4 is outside 1 to 3 (the epochs done and the one under way)"},
    {"schedule out of order", SCHEDULE("{\"epoch\": 2, \"samples_done\": 50, \"learning_rate\": 0.001, \"batch_size\": 32}, "
                                       "{\"epoch\": 2, \"samples_done\": 50, \"learning_rate\": 0.01, \"batch_size\": 32}"),
     "training.schedule[1]: epoch 2 after 50 samples is not later than the entry before it (epoch 2 after 50)"},
    {"schedule rate of 0", SCHEDULE("{\"epoch\": 1, \"learning_rate\": 0, \"batch_size\": 32}"),
     "training.schedule[0].learning_rate: expected a positive number, got 0"},
    {"schedule batch of 0", SCHEDULE("{\"epoch\": 1, \"learning_rate\": 0.1, \"batch_size\": 0}"),
     "training.schedule[0].batch_size: expected an integer from 1 to 1000000, got 0"},
    {"schedule samples negative", SCHEDULE("{\"epoch\": 1, \"samples_done\": -5, \"learning_rate\": 0.1, \"batch_size\": 3}"),
     "training.schedule[0].samples_done: expected an integer from 0 to 4294967294, got -5"},
    {"control characters in a message", "{\"format\": \"a\\nb\"}", "format is \"a?b\""},
    // The optional not-a-digit section (a 1x2 input, 2 classes here: cells
    // of 2 pixels and 2 bins make 2 features). Its arrays of rows are read
    // in place by model_scan, as the kernels are.
#define NAD(body) EXTRA("\"not_a_digit\": {" body "}")
#define NAD_M "\"method\": \"gradient-subspace\", \"cell\": 2, \"bins\": 2, "
#define NAD_MC NAD_M "\"components\": 1, \"median\": 1, \"threshold\": 2, "
#define NAD_OK_REST "\"median\": 1, \"threshold\": 2, \"means\": [[0, 0], [1, 1]], " \
                    "\"directions\": [[1, 0], [0, 1]]"
#define NAD_DIRS ", \"directions\": [[1, 0], [0, 1]]"
    {"not_a_digit a number", EXTRA("\"not_a_digit\": 3"),
     "not_a_digit: expected an object, got a number"},
    {"not_a_digit without a method", NAD("\"components\": 1, " NAD_OK_REST),
     "not_a_digit: missing \"method\""},
    {"not_a_digit unknown method", NAD("\"method\": \"knn\", \"components\": 1, " NAD_OK_REST),
     "not_a_digit.method: unknown method \"knn\" (gradient-subspace)"},
    {"not_a_digit the older method",
     NAD("\"method\": \"class-subspace\", \"components\": 1, " NAD_OK_REST),
     "not_a_digit.method: \"class-subspace\" is an older detector; fit a new one with"},
    {"not_a_digit without cells",
     NAD("\"method\": \"gradient-subspace\", \"bins\": 2, \"components\": 1, " NAD_OK_REST),
     "not_a_digit: missing \"cell\""},
    {"not_a_digit a cell wider than the image",
     NAD("\"method\": \"gradient-subspace\", \"cell\": 3, \"bins\": 2, \"components\": 1, "
         NAD_OK_REST),
     "not_a_digit.cell: expected an integer from 1 to 2, got 3"},
    {"not_a_digit a billion bins",
     NAD("\"method\": \"gradient-subspace\", \"cell\": 2, \"bins\": 1e9, \"components\": 1, "
         NAD_OK_REST),
     "not_a_digit.bins: expected an integer from 2 to 36, got 1e+09"},
    {"not_a_digit bins a string",
     NAD("\"method\": \"gradient-subspace\", \"cell\": 2, \"bins\": \"12\", \"components\": 1, "
         NAD_OK_REST),
     "not_a_digit.bins: expected an integer, got a string"},
    {"not_a_digit no components", NAD(NAD_M "\"components\": 0, " NAD_OK_REST),
     "not_a_digit.components: expected an integer from 1 to 2, got 0"},
    {"not_a_digit more components than features", NAD(NAD_M "\"components\": 3, " NAD_OK_REST),
     "not_a_digit.components: expected an integer from 1 to 2, got 3"},
    {"not_a_digit 1e18 components", NAD(NAD_M "\"components\": 1e18, " NAD_OK_REST),
     "not_a_digit.components: expected an integer from 1 to 2, got 1e+18"},
    {"not_a_digit negative median",
     NAD(NAD_M "\"components\": 1, \"median\": -1, \"threshold\": 2, "
         "\"means\": [[0, 0], [1, 1]]" NAD_DIRS),
     "not_a_digit.median: expected a positive number, got -1"},
    {"not_a_digit without a threshold",
     NAD(NAD_M "\"components\": 1, \"median\": 1, \"means\": [[0, 0], [1, 1]]" NAD_DIRS),
     "not_a_digit: missing \"threshold\""},
    {"not_a_digit test share of 1.5", NAD(NAD_M "\"components\": 1, \"test_flagged\": 1.5, " NAD_OK_REST),
     "not_a_digit.test_flagged: expected a number from 0 to below 1, got 1.5"},
    {"not_a_digit held-out share negative",
     NAD(NAD_M "\"components\": 1, \"held_out_flagged\": -0.1, " NAD_OK_REST),
     "not_a_digit.held_out_flagged: expected a number from 0 to below 1, got -0.1"},
    {"not_a_digit without means", NAD(NAD_MC "\"directions\": [[1, 0], [0, 1]]"),
     "not_a_digit.means: missing"},
    {"not_a_digit means an object", NAD(NAD_MC "\"means\": {}" NAD_DIRS),
     "not_a_digit.means: expected an array of rows, got an object"},
    {"not_a_digit a mean short", NAD(NAD_MC "\"means\": [[0, 0], [1]]" NAD_DIRS),
     "not_a_digit.means: row 1 has 1 values, expected 2"},
    {"not_a_digit the first mean long", NAD(NAD_MC "\"means\": [[0, 0, 0], [1, 1, 1]]" NAD_DIRS),
     "not_a_digit.means: row 0 has 3 values, expected 2"},
    {"not_a_digit an empty mean", NAD(NAD_MC "\"means\": [[], [1, 1]]" NAD_DIRS),
     "not_a_digit.means: row 0 has 0 values, expected 2"},
    {"not_a_digit one mean for two classes", NAD(NAD_MC "\"means\": [[0, 0]]" NAD_DIRS),
     "not_a_digit.means has 1 rows, expected 2"},
    {"not_a_digit no means at all", NAD(NAD_MC "\"means\": []" NAD_DIRS),
     "not_a_digit.means has 0 rows, expected 2"},
    {"not_a_digit directions missing a class",
     NAD(NAD_MC "\"means\": [[0, 0], [1, 1]], \"directions\": [[1, 0]]"),
     "not_a_digit.directions has 1 rows, expected 2"},
    {"not_a_digit a direction beyond float",
     NAD(NAD_MC "\"means\": [[0, 0], [1, 1]], \"directions\": [[1, 1e39], [0, 1]]"),
     "not_a_digit.directions[0][1]: 1e+39 is not a finite float"},
    {"not_a_digit a direction of -1e400",
     NAD(NAD_MC "\"means\": [[0, 0], [1, 1]], \"directions\": [[1, 0], [-1e400, 1]]"),
     "not_a_digit.directions[1][0]: -inf is not a finite float"},
    {"not_a_digit a mean NaN", NAD(NAD_MC "\"means\": [[0, NaN], [1, 1]]" NAD_DIRS),
     "not JSON: syntax error at line 1, column"},
    {"not_a_digit a mean \"nan\"", NAD(NAD_MC "\"means\": [[0, \"nan\"], [1, 1]]" NAD_DIRS),
     "not_a_digit.means[0][1]: expected a number, got a string"},
    {"not_a_digit a mean a string", NAD(NAD_MC "\"means\": [[0, 0], \"x\"]" NAD_DIRS),
     "not_a_digit.means[1]: expected an array of numbers, got a string"},
    {"not_a_digit the first mean null", NAD(NAD_MC "\"means\": [null, [1, 1]]" NAD_DIRS),
     "not_a_digit.means[0]: expected an array of numbers, got null"},
    {"not_a_digit a mean nested", NAD(NAD_MC "\"means\": [[0, [0]], [1, 1]]" NAD_DIRS),
     "not_a_digit.means[0][1]: expected a number, got an array"},
    {"not_a_digit an escaped key's row short",
     NAD(NAD_MC "\"me\\u0061ns\": [[0, 0], [1]]" NAD_DIRS),
     "not_a_digit.means: row 1 has 1 values, expected 2"},
};

/* Builds text of up to cap bytes; returns it (caller frees). */
static char *build(size_t cap, const char *fmt, ...)
{
    char *s = malloc(cap);
    if (!s)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, cap, fmt, ap);
    va_end(ap);
    return s;
}

/* Appends n copies of piece (separated by sep) to s at *len. */
static void repeat(char *s, size_t *len, const char *piece, const char *sep, size_t n)
{
    size_t pl = strlen(piece), sl = strlen(sep);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            memcpy(s + *len, sep, sl);
            *len += sl;
        }
        memcpy(s + *len, piece, pl);
        *len += pl;
    }
    s[*len] = '\0';
}

static void expect_failure(const char *name, const char *text, size_t len, const char *expect)
{
    mlp net;
    model_meta meta;
    dp_error err = {{0}};
    memset(&net, 0x5a, sizeof net);
    bool ok = parse_exact(text, len, &net, &meta, &err);
    if (!CHECK(!ok)) {
        printf("  %s: was accepted\n", name);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
        return;
    }
    // A failed parse leaves the caller's structs as they were.
    CHECK(net.n_layers == 0x5a5a5a5a5a5a5a5aull);
    if (!CHECK(strstr(err.msg, expect) != NULL))
        printf("  %s: got \"%s\", expected \"%s\"\n", name, err.msg, expect);
}

static void test_broken_models(void)
{
    // The base of most cases is itself good.
    mlp net;
    model_meta meta;
    dp_error err;
    if (CHECK(parse_exact(GOOD, strlen(GOOD), &net, &meta, &err))) {
        CHECK(net.n_layers == 2 && net.sizes[0] == 2 && net.sizes[1] == 3 && net.sizes[2] == 2);
        CHECK(net.layers[1].kernel[5] == 6.0f && meta.height == 1 && meta.width == 2);
        CHECK(strcmp(meta.labels[1], "1") == 0 && !meta.has_training && meta.n_history == 0);
        CHECK(fabs(meta.scale - 1.0 / 255.0) < 1e-18 && meta.preprocess == MODEL_PREPROCESS_MNIST);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  base case: %s\n", err.msg);
    }

    size_t n_cases = sizeof bad_cases / sizeof bad_cases[0];
    for (size_t i = 0; i < n_cases; i++)
        expect_failure(bad_cases[i].name, bad_cases[i].text, strlen(bad_cases[i].text),
                       bad_cases[i].expect);
    CHECK(n_cases >= 25);

    // A NUL byte after the object counts as trailing data.
    char with_nul[sizeof GOOD + 1];
    memcpy(with_nul, GOOD, sizeof GOOD);
    with_nul[sizeof GOOD] = 'x';
    expect_failure("NUL after the object", with_nul, sizeof with_nul,
                   "trailing data after the JSON at byte");

    // 17 layers of 1 unit each.
    const char *one = "{\"activation\": \"relu\", \"kernel\": [[1]], \"bias\": [0]}";
    char *s = build(4096, "{\"format\": \"digitpad-mlp\", \"version\": 1, \"layers\": [");
    size_t len = strlen(s);
    repeat(s, &len, one, ", ", 17);
    len += (size_t)sprintf(s + len, "]}");
    expect_failure("17 layers", s, len, "layers: 17 layers, at most 16");
    free(s);

    // A million empty objects as layers: refused by count, not by memory.
    size_t n = 1000000;
    s = malloc(n * 4 + 256);
    if (CHECK(s != NULL)) {
        len = (size_t)sprintf(s, "{\"format\": \"digitpad-mlp\", \"version\": 1, \"layers\": [");
        repeat(s, &len, "{}", ", ", n);
        len += (size_t)sprintf(s + len, "]}");
        expect_failure("a million layers", s, len, "layers: 1000000 layers, at most 16");
        free(s);
    }

    // Deep nesting, inside and at the top.
    s = malloc(8192);
    if (CHECK(s != NULL)) {
        len = (size_t)sprintf(s, HEAD "\"layers\": ");
        memset(s + len, '[', 2000);
        len += 2000;
        memset(s + len, ']', 2000);
        len += 2000;
        s[len++] = '}';
        expect_failure("2000 nested arrays", s, len, "nested deeper than 64 levels");
        memset(s, '[', 2000);
        expect_failure("2000 [ alone", s, 2000, "nested deeper than 64 levels");
        free(s);
    }

    // 4097 units in one layer, and 4097 inputs.
    s = malloc(64 * 1024);
    if (CHECK(s != NULL)) {
        len = (size_t)sprintf(s, "{\"format\": \"digitpad-mlp\", \"version\": 1, \"layers\": "
                                 "[{\"activation\": \"softmax\", \"kernel\": [[");
        repeat(s, &len, "0", ",", 4097);
        len += (size_t)sprintf(s + len, "]], \"bias\": [0]}]}");
        expect_failure("4097 units", s, len, "layers[0].kernel[0]: 4097 values (units), at most 4096");

        len = (size_t)sprintf(s, "{\"format\": \"digitpad-mlp\", \"version\": 1, \"layers\": "
                                 "[{\"activation\": \"softmax\", \"kernel\": [");
        repeat(s, &len, "[0]", ",", 4097);
        len += (size_t)sprintf(s + len, "], \"bias\": [0]}]}");
        expect_failure("4097 inputs", s, len, "layers[0].kernel: 4097 rows (inputs), at most 4096");
        free(s);
    }

    // A history longer than the cap.
    s = malloc(64 * 1024);
    if (CHECK(s != NULL)) {
        len = (size_t)sprintf(s, EXTRA("\"training\": {\"history\": ["));
        len -= 1; // drop the closing brace EXTRA put there
        repeat(s, &len, "{}", ",", MODEL_MAX_HISTORY + 1);
        len += (size_t)sprintf(s + len, "]}}");
        expect_failure("1001 epochs of history", s, len, "training.history: 1001 epochs, at most 1000");
        free(s);
    }

    // The same model, but the JSON has keys we do not know and a BOM-less
    // CRLF layout: still fine.
    const char *extra = "{\r\n\"comment\": {\"nested\": [1, {\"deep\": null}]},\r\n\"format\": "
                        "\"digitpad-mlp\", \"version\": 1, \"input\": {\"height\": 2, \"width\": 1, "
                        "\"dpi\": 96}, \"layers\": [" L0 ", " L1 "], \"labels\": [\"no\", \"yes\"]}\r\n";
    if (CHECK(parse_exact(extra, strlen(extra), &net, &meta, &err))) {
        CHECK(meta.height == 2 && meta.width == 1 && strcmp(meta.labels[1], "yes") == 0);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  unknown keys: %s\n", err.msg);
    }
}

/* ------------------------------------------------------ (d) saving */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool file_is(const char *path, const char *want, size_t want_len)
{
    size_t len;
    char *got = slurp(path, &len);
    bool same = got && len == want_len && memcmp(got, want, len) == 0;
    free(got);
    return same;
}

/* True when no "*.tmp-*" file is left in dir. */
static bool no_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool clean = true;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-")) {
            printf("  left behind: %s/%s\n", dir, e->d_name);
            clean = false;
        }
    closedir(d);
    return clean;
}

static void test_saving(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[200];
    snprintf(dir, sizeof dir, "%s/test_model_file-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!CHECK(mkdtemp(dir) != NULL))
        return;
    char path[256], sub[256], missing[256], huge[256];
    snprintf(path, sizeof path, "%s/model.json", dir);
    snprintf(sub, sizeof sub, "%s/folder", dir);
    snprintf(missing, sizeof missing, "%s/no/such/folder/model.json", dir);
    snprintf(huge, sizeof huge, "%s/huge.json", dir);

    dp_error err;
    mlp net, back;
    model_meta meta, mback;
    const size_t sizes[] = {6, 5, 3};
    if (!CHECK(make_net(&net, &meta, sizes, 3, 3, 2, 9)))
        return;
    char *text;
    size_t len;
    CHECK(model_file_write(&net, &meta, &text, &len, &err));

    // A save, read back.
    if (CHECK(model_file_save(path, &net, &meta, &err))) {
        CHECK(file_is(path, text, len));
        struct stat st;
        CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
        if (CHECK(model_file_load(path, &back, &mback, &err))) {
            CHECK(memcmp(back.params, net.params, net.n_params * sizeof(float)) == 0);
            mlp_destroy(&back);
            model_meta_destroy(&mback);
        }
    } else {
        printf("  save: %s\n", err.msg);
    }

    // Into a folder that does not exist: refused, nothing left anywhere.
    CHECK(!model_file_save(missing, &net, &meta, &err));
    CHECK(strstr(err.msg, "cannot create a temporary file next to it") != NULL);

    // Over a folder: refused before anything is written.
    CHECK(mkdir(sub, 0755) == 0);
    CHECK(!dp_write_file_atomic(sub, "{}", 2, &err));
    CHECK(strstr(err.msg, "is a folder, not a regular file: not replaced") != NULL);
    struct stat st;
    CHECK(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));

    // A write that runs out of room half way (a file size limit stands in
    // for a full disk): the old file stays as it was.
    mlp big;
    model_meta big_meta;
    const size_t big_sizes[] = {784, 32, 10};
    if (CHECK(make_net(&big, &big_meta, big_sizes, 3, 28, 28, 4))) {
        struct rlimit old_limit, small;
        void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
        if (CHECK(getrlimit(RLIMIT_FSIZE, &old_limit) == 0)) {
            small = old_limit;
            small.rlim_cur = 64 * 1024;
            CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
            CHECK(!model_file_save(path, &big, &big_meta, &err));
            CHECK(strstr(err.msg, "cannot write") != NULL);
            CHECK(setrlimit(RLIMIT_FSIZE, &old_limit) == 0);
        }
        signal(SIGXFSZ, old_handler);
        mlp_destroy(&big);
        model_meta_destroy(&big_meta);
    }
    CHECK(file_is(path, text, len));
    CHECK(no_temporaries(dir));

    // A second save replaces the first.
    net.params[0] = 0.5f;
    char *text2;
    size_t len2;
    CHECK(model_file_write(&net, &meta, &text2, &len2, &err));
    CHECK(model_file_save(path, &net, &meta, &err));
    CHECK(file_is(path, text2, len2) && !file_is(path, text, len));
    CHECK(no_temporaries(dir));
    free(text2);

    // Loading what is not a model file.
    CHECK(!model_file_load(missing, &back, &mback, &err));
    CHECK(strstr(err.msg, "cannot open: ") != NULL);
    CHECK(!model_file_load(sub, &back, &mback, &err));
    CHECK(strstr(err.msg, "is a folder") != NULL);
    int fd = open(huge, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (CHECK(fd >= 0)) {
        // Sparse: costs no disk.
        CHECK(ftruncate(fd, (off_t)MODEL_FILE_MAX_BYTES + 1) == 0);
        close(fd);
        CHECK(!model_file_load(huge, &back, &mback, &err));
        CHECK(strstr(err.msg, "more than the 512 MiB limit") != NULL);
    }

    free(text);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    unlink(huge);
    unlink(path);
    rmdir(sub);
    CHECK(rmdir(dir) == 0);
}

/* ---------------------------------------------- the not-a-digit section */

static void test_not_a_digit(void)
{
    dp_error err;
    mlp net, back;
    model_meta meta, mback;
    // A file without the section, as every older one is, loads without a detector.
    if (CHECK(parse_exact(GOOD, strlen(GOOD), &net, &meta, &err))) {
        CHECK(meta.not_a_digit == NULL);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
    // The smallest good section loads with its numbers.
    const char *small = NAD(NAD_M "\"components\": 1, " NAD_OK_REST);
    if (CHECK(parse_exact(small, strlen(small), &net, &meta, &err))) {
        const novelty *nv = meta.not_a_digit;
        CHECK(nv && nv->n_classes == 2 && nv->inputs == 2 && nv->features == 2 &&
              nv->cell == 2 && nv->bins == 2 && nv->n_components == 1);
        CHECK(nv && nv->means[2] == 1.0f && nv->components[1] == 0.0f &&
              nv->components[3] == 1.0f && nv->median == 1.0 && nv->threshold == 2.0 &&
              nv->test_flagged == 0.0);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  small not_a_digit: %s\n", err.msg);
    }
    // The same with its keys written with escapes (which model_scan does
    // not take, so cJSON reads them): the same numbers. And of two
    // "not_a_digit" members the first counts, as cJSON's lookup has it.
    const char *escaped = NAD(NAD_MC "\"m\\u0065ans\": [[0, 0], [1, 1]], "
                                     "\"direction\\u0073\": [[1, 0], [0, 1]]");
    const char *twice = EXTRA("\"not_a_digit\": {" NAD_M "\"components\": 1, " NAD_OK_REST "}, "
                              "\"not_a_digit\": 7");
    const char *both[2] = {escaped, twice};
    for (int i = 0; i < 2; i++) {
        if (CHECK(parse_exact(both[i], strlen(both[i]), &net, &meta, &err))) {
            const novelty *nv = meta.not_a_digit;
            CHECK(nv && nv->means[2] == 1.0f && nv->means[3] == 1.0f &&
                  nv->components[0] == 1.0f && nv->components[3] == 1.0f);
            mlp_destroy(&net);
            model_meta_destroy(&meta);
        } else {
            printf("  not_a_digit case %d: %s\n", i, err.msg);
        }
    }
    // Huge counts: a mean of 5,000 values, and a million direction rows,
    // each refused with its count before anything is allocated for them.
    char *wide = build(64 << 10, "%s", HEAD LAYERS(L0, L1) ", \"not_a_digit\": {" NAD_MC
                                       "\"means\": [[0");
    size_t wlen = strlen(wide);
    repeat(wide, &wlen, ", 0", "", 4999);
    wlen += (size_t)sprintf(wide + wlen, "], [1, 1]]" NAD_DIRS "}}");
    expect_failure("not_a_digit a mean of 5000 values", wide, wlen,
                   "not_a_digit.means: row 0 has 5000 values, expected 2");
    free(wide);
    char *tall = build(8 << 20, "%s", HEAD LAYERS(L0, L1) ", \"not_a_digit\": {" NAD_MC
                                        "\"means\": [[0, 0], [1, 1]], \"directions\": [");
    size_t tlen = strlen(tall);
    repeat(tall, &tlen, "[1, 0]", ",", 1000000);
    tlen += (size_t)sprintf(tall + tlen, "]}}");
    expect_failure("not_a_digit a million directions", tall, tlen,
                   "not_a_digit.directions has 1000000 rows, expected 2");
    free(tall);

    // Written and read back bit for bit: floats of every kind, doubles that
    // need 17 digits.
    const size_t sizes[] = {6, 4, 3};
    if (!make_net(&net, &meta, sizes, 3, 2, 3, 5))
        return;
    novelty nv;
    CHECK(novelty_init(&nv, 3, 2, 3, 1, 2, 2, &err) && nv.features == 12);
    size_t n = 3 * 12 * 3;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)next_random();
        float f;
        memcpy(&f, &bits, sizeof f);
        nv.block[i] = isfinite(f) ? f : (float)i / 7.0f;
    }
    nv.block[0] = -0.0f;
    nv.block[1] = 1e-45f;
    nv.median = 1.0 / 3.0;
    nv.threshold = 2.0 / 3.0 + 1e-17;
    nv.test_flagged = 0.02;
    nv.held_out_flagged = 0.015;
    novelty keep;
    CHECK(novelty_copy(&keep, &nv, &err));
    CHECK(model_meta_set_not_a_digit(&meta, &nv, &err) && nv.block == NULL);
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    if (CHECK(model_file_write(&net, &meta, &a, &alen, &err)) &&
        CHECK(parse_exact(a, alen, &back, &mback, &err))) {
        const novelty *r = mback.not_a_digit;
        CHECK(r && r->n_classes == 3 && r->inputs == 6 && r->height == 2 && r->width == 3 &&
              r->cell == 1 && r->bins == 2 && r->features == 12 && r->n_components == 2);
        CHECK(r && memcmp(r->block, keep.block, n * sizeof(float)) == 0);
        CHECK(r && memcmp(&r->median, &keep.median, sizeof(double)) == 0 &&
              memcmp(&r->threshold, &keep.threshold, sizeof(double)) == 0 &&
              memcmp(&r->test_flagged, &keep.test_flagged, sizeof(double)) == 0 &&
              memcmp(&r->held_out_flagged, &keep.held_out_flagged, sizeof(double)) == 0);
        CHECK(strstr(a, "\"not_a_digit\": {\n    \"method\": \"gradient-subspace\", \"cell\": 1, "
                        "\"bins\": 2, \"components\": 2,\n    \"median\": 0.3333333333333333,") !=
              NULL);
        // The same bytes again, and a copy of the meta keeps its own detector.
        CHECK(model_file_write(&back, &mback, &b, &blen, &err) && alen == blen &&
              memcmp(a, b, alen) == 0);
        model_meta copy;
        if (CHECK(model_meta_copy(&copy, &mback, &err))) {
            CHECK(copy.not_a_digit && copy.not_a_digit != mback.not_a_digit &&
                  copy.not_a_digit->block != mback.not_a_digit->block &&
                  memcmp(copy.not_a_digit->block, keep.block, n * sizeof(float)) == 0);
            model_meta_destroy(&copy);
        }
        mlp_destroy(&back);
        model_meta_destroy(&mback);
    } else {
        printf("  not_a_digit round trip: %s\n", err.msg);
    }
    free(a);
    free(b);
    // A detector for another shape is not written beside this network.
    novelty other;
    CHECK(novelty_init(&other, 3, 1, 5, 1, 2, 1, &err));
    other.median = other.threshold = 1.0;
    CHECK(model_meta_set_not_a_digit(&meta, &other, &err));
    CHECK(!model_file_write(&net, &meta, &a, &alen, &err) &&
          strstr(err.msg, "the not-a-digit detector is for 5 inputs and 3 classes") != NULL);
    CHECK(model_meta_set_not_a_digit(&meta, NULL, &err) && meta.not_a_digit == NULL);
    novelty_destroy(&keep);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

/* --------------------------------------------------------------- meta */

static void test_meta(void)
{
    dp_error err;
    model_meta a, b;
    if (!CHECK(model_meta_default(&a, 28, 28, 10, &err)))
        return;
    CHECK(a.height == 28 && a.width == 28 && a.n_labels == 10 && !a.has_training);
    CHECK(strcmp(a.labels[9], "9") == 0 && a.scale == 1.0 / 255.0);
    CHECK(a.preprocess == MODEL_PREPROCESS_MNIST && a.n_history == 0);
    CHECK(!model_meta_default(&b, 28, 28, 0, &err));
    CHECK(!model_meta_default(&b, 100, 100, 10, &err));

    for (int i = 1; i <= MODEL_MAX_HISTORY + 5; i++) {
        model_epoch e = {i, 1.0 / i, 0.5, 1.0 / i, 0.5};
        if (!model_meta_add_epoch(&a, &e, &err))
            break;
    }
    // Full: the oldest make room for the newest.
    CHECK(a.n_history == MODEL_MAX_HISTORY && a.has_training);
    CHECK(a.history[0].epoch == 6 && a.history[MODEL_MAX_HISTORY - 1].epoch == MODEL_MAX_HISTORY + 5);

    if (CHECK(model_meta_copy(&b, &a, &err))) {
        CHECK(same_meta(&a, &b) && b.labels != a.labels && b.history != a.history);
        model_meta_destroy(&b);
    }
    model_meta_destroy(&a);
    CHECK(a.labels == NULL && a.history == NULL);
    model_meta_destroy(&a); // twice is fine
}

/* training.progress read with its defaults, and the schedule's rules
 * (model_meta_note_setting), worked by hand. */
static void test_progress(void)
{
    dp_error err = {{0}};
    mlp net;
    model_meta m;
    const char *text = EXTRA("\"training\": {\"epochs\": 2, \"seed\": 9, \"progress\": "
                             "{\"samples_done\": 40, \"samples_per_epoch\": 100}}");
    if (CHECK(parse_exact(text, strlen(text), &net, &m, &err))) {
        const model_progress *p = &m.progress;
        // Batches of 32 (the default): 40 samples took 2, 60 left take 2 more.
        CHECK(m.has_progress && p->epoch == 3 && p->samples_done == 40 &&
              p->samples_per_epoch == 100 && p->batches_done == 2 && p->batches_per_epoch == 4);
        CHECK(p->shuffle_seed == 9 && p->shuffles == 0 && p->global_step == 0);
        CHECK(isnan(p->loss) && isnan(p->accuracy) && m.n_schedule == 0);
        char phrase[64];
        model_meta_progress_text(&m, phrase, sizeof phrase);
        CHECK(strcmp(phrase, "epoch 3, 2 of 4 batches") == 0);
        mlp_destroy(&net);
        model_meta_destroy(&m);
    } else {
        printf("  progress with defaults: %s\n", err.msg);
    }
    if (CHECK(parse_exact(GOOD, strlen(GOOD), &net, &m, &err))) {
        char phrase[8] = "x";
        model_meta_progress_text(&m, phrase, sizeof phrase);
        CHECK(!m.has_progress && m.n_schedule == 0 && phrase[0] == '\0');
        mlp_destroy(&net);
        model_meta_destroy(&m);
    }

    if (!CHECK(model_meta_default(&m, 28, 28, 10, &err)))
        return;
    m.has_training = true;
    // A change before any training is no change: the section says it.
    model_setting at = {.epoch = 1, .samples_done = 0, .learning_rate = 0.01, .batch_size = 32};
    CHECK(model_meta_note_setting(&m, &at, 0.001, 32, &err));
    CHECK(m.n_schedule == 0 && m.learning_rate == 0.01);
    // Part way into epoch 1: the settings before it, then the change.
    at = (model_setting){.epoch = 1, .samples_done = 320, .learning_rate = 0.1, .batch_size = 32};
    CHECK(model_meta_note_setting(&m, &at, 0.01, 32, &err));
    CHECK(m.n_schedule == 2 && m.schedule[0].epoch == 1 && m.schedule[0].samples_done == 0 &&
          m.schedule[0].learning_rate == 0.01 && m.schedule[1].samples_done == 320 &&
          m.schedule[1].learning_rate == 0.1);
    // The same settings again: nothing new.
    at = (model_setting){.epoch = 2, .samples_done = 0, .learning_rate = 0.1, .batch_size = 32};
    CHECK(model_meta_note_setting(&m, &at, 0.1, 32, &err));
    CHECK(m.n_schedule == 2);
    // Another at the place of the last one replaces it; back to the first
    // entry's settings there leaves no change at all.
    at = (model_setting){.epoch = 1, .samples_done = 320, .learning_rate = 0.2, .batch_size = 16};
    CHECK(model_meta_note_setting(&m, &at, 0.1, 32, &err));
    CHECK(m.n_schedule == 2 && m.schedule[1].learning_rate == 0.2 && m.schedule[1].batch_size == 16);
    at = (model_setting){.epoch = 1, .samples_done = 320, .learning_rate = 0.01, .batch_size = 32};
    CHECK(model_meta_note_setting(&m, &at, 0.2, 16, &err));
    CHECK(m.n_schedule == 0 && m.learning_rate == 0.01 && m.batch_size == 32);
    // Full: the first entry stays, the second makes room.
    for (int i = 0; i < MODEL_MAX_SCHEDULE + 3; i++) {
        at = (model_setting){.epoch = 2, .samples_done = (size_t)i + 1,
                             .learning_rate = i % 2 ? 0.5 : 0.25, .batch_size = 32};
        if (!CHECK(model_meta_note_setting(&m, &at, m.learning_rate, 32, &err)))
            break;
    }
    CHECK(m.n_schedule == MODEL_MAX_SCHEDULE && m.schedule[0].epoch == 1 &&
          m.schedule[0].learning_rate == 0.01 &&
          m.schedule[MODEL_MAX_SCHEDULE - 1].samples_done == MODEL_MAX_SCHEDULE + 3);
    CHECK(m.schedule[1].samples_done == 5); // the changes after samples 1 to 4 made room
    model_meta c;
    if (CHECK(model_meta_copy(&c, &m, &err))) {
        CHECK(c.n_schedule == m.n_schedule && c.schedule != m.schedule &&
              memcmp(c.schedule, m.schedule, m.n_schedule * sizeof *m.schedule) == 0);
        model_meta_destroy(&c);
    }
    model_meta_destroy(&m);
}

/* A decimal comma in the user's locale must not leak into the file. */
static void test_locale(void)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    const char *got = NULL;
    for (size_t i = 0; i < 4 && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got) {
        printf("(no locale with a decimal comma installed: locale test skipped)\n");
        return;
    }
    dp_error err;
    mlp net, back;
    model_meta meta, mback;
    const size_t sizes[] = {4, 2};
    if (CHECK(make_net(&net, &meta, sizes, 2, 2, 2, 11))) {
        model_epoch e = {1, 0.5, 0.25, 0.125, 0.0625};
        model_meta_add_epoch(&meta, &e, &err);
        char *text;
        size_t len;
        if (CHECK(model_file_write(&net, &meta, &text, &len, &err))) {
            CHECK(strstr(text, "0,5") == NULL && strstr(text, "\"loss\": 0.5") != NULL);
            if (CHECK(model_file_parse((const uint8_t *)text, len, &back, &mback, &err))) {
                CHECK(memcmp(back.params, net.params, net.n_params * sizeof(float)) == 0);
                mlp_destroy(&back);
                model_meta_destroy(&mback);
            }
            free(text);
        }
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
    setlocale(LC_NUMERIC, "C");
}
/* ------------------------------------------ (e) memory while reading */

/* cJSON's allocations, counted through its hooks: what is live now and
 * the most that was live at once. */
static size_t cjson_live, cjson_peak;

static void *counting_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(size_t) * 2);
    if (!p)
        return NULL;
    p[0] = n;
    cjson_live += n;
    if (cjson_live > cjson_peak)
        cjson_peak = cjson_live;
    return p + 2;
}

static void counting_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)q - 2;
    cjson_live -= p[0];
    free(p);
}

/* Issue 14: a tiny model padded with a 2-million-value "comment" made
 * cJSON build a node for every value (64 bytes each: 128 MB here; 5 GB for
 * a 195 MB file). Unknown top-level members and the kernels' numbers never
 * reach cJSON now; what does is capped. */
static void test_memory(void)
{
    cJSON_Hooks hooks = {counting_malloc, counting_free};
    cJSON_InitHooks(&hooks);
    size_t n = 2000000;
    char *s = malloc(n * 2 + 4096);
    mlp net;
    model_meta meta;
    dp_error err = {{0}};
    if (!CHECK(s != NULL))
        return;

    size_t len = (size_t)sprintf(s, "%s", EXTRA("\"comment\": ["));
    len -= 1; // drop the closing brace EXTRA put there
    repeat(s, &len, "0", ",", n);
    len += (size_t)sprintf(s + len, "], \"notes\": {\"a\": [\"x\", {\"b\": null}]}}");
    cjson_peak = 0;
    if (CHECK(parse_exact(s, len, &net, &meta, &err))) {
        CHECK(net.n_layers == 2 && net.layers[0].kernel[5] == 6.0f);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  big comment: %s\n", err.msg);
    }
    if (!CHECK(cjson_peak < 16 * 1024))
        printf("  cJSON took %zu bytes for a model with a 2,000,000-value comment\n", cjson_peak);

    // The same values inside a layer, where model_scan does not cut: refused
    // at the cap rather than parsed.
    len = (size_t)sprintf(s, HEAD LAYERS("{\"type\": \"dense\", \"activation\": \"relu\", "
                                         "\"kernel\": [[1, 2, 3], [4, 5, 6]], \"bias\": [0, 0, 0], "
                                         "\"comment\": [", L1));
    len -= strlen(", " L1 "]");
    repeat(s, &len, "0", ",", MODEL_SCAN_MAX_VALUES);
    len += (size_t)sprintf(s + len, "]}, " L1 "]}");
    cjson_peak = 0;
    expect_failure("a layer's comment past the cap", s, len,
                   "more than 1048576 JSON values besides the kernels' numbers: too big for a model");
    CHECK(cjson_peak == 0);
    free(s);

    // The bundled model: its 101,770 weights are read straight from the text.
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/mnist-784-128-10.json", src ? src : ".");
    cjson_peak = 0;
    if (CHECK(model_file_load(path, &net, &meta, &err))) {
        CHECK(net.n_params == 101770);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  %s: %s\n", path, err.msg);
    }
    if (!CHECK(cjson_peak < 64 * 1024))
        printf("  cJSON took %zu bytes for the bundled model\n", cjson_peak);
    CHECK(cjson_live == 0);
    cJSON_InitHooks(NULL);

    // A byte order mark, and keys written twice: cJSON's first one counts.
    const char *bom = "\xef\xbb\xbf" HEAD LAYERS("{\"activation\": \"relu\", \"kernel\": [[1, 2, 3], "
                      "[4, 5, 6]], \"kernel\": [[9, 9, 9], [9, 9, 9]], \"bias\": [0, 0, 0]}", L1)
                      ", \"layers\": 7}";
    if (CHECK(parse_exact(bom, strlen(bom), &net, &meta, &err))) {
        CHECK(net.layers[0].kernel[0] == 1.0f && net.layers[0].kernel[5] == 6.0f);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    } else {
        printf("  BOM and twice-written keys: %s\n", err.msg);
    }
}
/* ------------------------------------------ (f) what is made can be read */

/* Issue 14: `train --layers 4096,4096,4096,4096 --epochs 0` wrote 729 MB
 * that every reader refused at its 512 MiB cap. The parameter cap is now
 * what a file under that cap holds whatever the weights: checked here at
 * the caps, and against models written with the longest text of every
 * part (numbers of 15 bytes, labels of 31 control characters, a full
 * history of doubles of 24 bytes). */
static void test_caps_agree(void)
{
    size_t most = model_file_max_bytes(MLP_MAX_PARAMS, (size_t)MLP_MAX_LAYERS * MLP_MAX_UNITS,
                                       MLP_MAX_LAYERS, MLP_MAX_UNITS);
    if (!CHECK(most <= MODEL_FILE_MAX_BYTES))
        printf("  a model at the caps may take %zu bytes, over %zu\n", most, MODEL_FILE_MAX_BYTES);

    static const size_t shapes[][5] = {{2, 1, 1}, {3, 5, 2, 0}, {7, 4, 4, 3}, {64, 33, 10}};
    static const size_t lens[] = {2, 3, 4, 3};
    for (size_t k = 0; k < 4; k++) {
        mlp net;
        model_meta meta;
        dp_error err;
        const size_t *sizes = shapes[k];
        if (!CHECK(make_net(&net, &meta, sizes, lens[k], 1, sizes[0], 1)))
            continue;
        for (size_t i = 0; i < net.n_params; i++)
            net.params[i] = -FLT_MIN; // "-1.17549435e-38", the longest a float takes
        for (size_t c = 0; c < meta.n_labels; c++) {
            memset(meta.labels[c], 0x01, MODEL_LABEL_MAX - 1);
            meta.labels[c][MODEL_LABEL_MAX - 1] = '\0';
        }
        meta.has_training = true;
        memset(meta.dataset, 0x02, sizeof meta.dataset - 1);
        meta.dataset[sizeof meta.dataset - 1] = '\0';
        meta.epochs = 1000000;
        meta.batch_size = 1000000;
        meta.seed = ((uint64_t)1 << 53) - 1;
        meta.learning_rate = meta.epsilon = DBL_MIN;
        meta.beta_1 = meta.beta_2 = 0.12345678901234567;
        for (int e = 0; e < MODEL_MAX_HISTORY; e++) {
            model_epoch ep = {1000000, -DBL_MIN, -DBL_MIN, -DBL_MIN, -DBL_MIN};
            CHECK(model_meta_add_epoch(&meta, &ep, &err));
        }
        char *text = NULL;
        size_t len = 0, rows = 0;
        for (size_t l = 0; l + 1 < lens[k]; l++)
            rows += sizes[l];
        size_t bound = model_file_max_bytes(net.n_params, rows, net.n_layers, meta.n_labels);
        if (CHECK(model_file_write(&net, &meta, &text, &len, &err))) {
            if (!CHECK(len <= bound))
                printf("  shape %zu: %zu bytes written, bound %zu\n", k, len, bound);
            mlp back;
            model_meta back_meta;
            if (CHECK(parse_exact(text, len, &back, &back_meta, &err))) {
                CHECK(back.n_params == net.n_params && back.params[0] == -FLT_MIN);
                mlp_destroy(&back);
                model_meta_destroy(&back_meta);
            } else {
                printf("  shape %zu: %s\n", k, err.msg);
            }
            free(text);
        } else {
            printf("  shape %zu: %s\n", k, err.msg);
        }
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }

    // The cap itself: one parameter more is refused when made, not when saved.
    size_t over[] = {4096, 4096, 3584, 10};
    mlp net;
    dp_error err;
    CHECK(!mlp_init(&net, over, 4, &err));
    CHECK(strstr(err.msg, "31500810 parameters is more than the cap of 31457280") != NULL);
}

int main(void)
{
    test_round_trips();
    test_special_floats();
    test_broken_models();
    test_saving();
    test_meta();
    test_progress();
    test_not_a_digit();
    test_locale();
    test_memory();
    test_caps_agree();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
