/* test_common.c: src/common (flags, format, paths, model_load) and the
 * core's text writers it hands on (json_string, float_text). Paths are
 * composed from a made-up environment, never the real one. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "flags.h"
#include "format.h"
#include "model_load.h"
#include "paths.h"
#include "rng.h"

#define STR_EQ(got, want) CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got), (want))

/* ---- flags ---- */

static void test_opt(void)
{
    char *argv[] = {"train", "--model", "a.json", "--model=b.json", "--modelx", "--model=", "--model"};
    int argc = 7, i = 1;
    const char *v = NULL;
    dp_error err = {""};
    CHECK(flags_opt(argc, argv, &i, "--model", &v, &err), "separate value");
    CHECK(i == 2 && v && strcmp(v, "a.json") == 0, "i %d", i);
    i = 3;
    CHECK(flags_opt(argc, argv, &i, "--model", &v, &err) && i == 3 && strcmp(v, "b.json") == 0,
          "joined value");
    i = 4;
    v = "untouched";
    CHECK(!flags_opt(argc, argv, &i, "--model", &v, &err) && strcmp(v, "untouched") == 0,
          "a longer name is another option");
    i = 5;
    CHECK(flags_opt(argc, argv, &i, "--model", &v, &err) && v && v[0] == '\0',
          "--model= is an empty value, for the caller to judge");
    i = 6;
    CHECK(flags_opt(argc, argv, &i, "--model", &v, &err) && v == NULL, "missing value");
    STR_EQ(err.msg, "--model: needs a value");
}

static void test_numbers(void)
{
    dp_error err;
    size_t n = 0;
    CHECK(flags_parse_size("--batch", "32", 1, 65536, &n, &err) && n == 32, "32");
    CHECK(flags_parse_size("--epochs", "0", 0, 1000, &n, &err) && n == 0, "0");
    static const char *bad[] = {"", " 32", "32 ", "+32", "-1", "3x", "0x10", "1e3", "3.0"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CHECK(!flags_parse_size("--batch", bad[k], 1, 65536, &n, &err), "'%s' taken", bad[k]);
        char want[64];
        snprintf(want, sizeof want, "--batch: '%s' is not a whole number", bad[k]);
        STR_EQ(err.msg, want);
    }
    CHECK(!flags_parse_size("--batch", "99999999999999999999999", 1, 65536, &n, &err), "huge");
    CHECK(!flags_parse_size("--batch", "65537", 1, 65536, &n, &err), "over");
    STR_EQ(err.msg, "--batch: 65537 is out of range (1 to 65536)");
    CHECK(!flags_parse_size("--epochs", NULL, 0, 1000, &n, &err), "no value");
    STR_EQ(err.msg, "--epochs: needs a value");

    uint64_t u = 0;
    CHECK(flags_parse_u64("--n", "18446744073709551615", UINT64_MAX, &u, &err) && u == UINT64_MAX,
          "u64 max");
    CHECK(!flags_parse_u64("--n", "18446744073709551616", UINT64_MAX, &u, &err), "u64 max + 1");

    // Seeds: 0 to 2^53, which a model file keeps exactly; " -1" is not a
    // seed (strtoull alone skips the blank and wraps -1 around).
    CHECK(flags_parse_seed("--seed", "9007199254740992", &u, &err) && u == (uint64_t)1 << 53,
          "2^53");
    CHECK(flags_parse_seed("--seed", "0", &u, &err) && u == 0, "0");
    static const char *bad_seeds[] = {"9007199254740993", " -1", "-1", " 1", "", "18446744073709551615"};
    for (size_t k = 0; k < sizeof bad_seeds / sizeof bad_seeds[0]; k++) {
        CHECK(!flags_parse_seed("--seed", bad_seeds[k], &u, &err), "seed '%s' taken", bad_seeds[k]);
        CHECK(strstr(err.msg, "--seed: '") == err.msg && strstr(err.msg, "2^53"), "%s", err.msg);
    }

    double d = 0;
    CHECK(flags_parse_float("--lr", "0.001", 1e-9, 10, &d, &err) && d == 0.001, "0.001");
    CHECK(flags_parse_float("--lr", "1e-3", 1e-9, 10, &d, &err) && d == 0.001, "1e-3");
    static const char *bad_floats[] = {"", " 1", "1 ", "x", "nan", "inf", "1e400", "0.1.2"};
    for (size_t k = 0; k < sizeof bad_floats / sizeof bad_floats[0]; k++) {
        CHECK(!flags_parse_float("--lr", bad_floats[k], 1e-9, 10, &d, &err), "'%s' taken",
              bad_floats[k]);
        char want[64];
        snprintf(want, sizeof want, "--lr: '%s' is not a number", bad_floats[k]);
        STR_EQ(err.msg, want);
    }
    CHECK(!flags_parse_float("--lr", "11", 1e-9, 10, &d, &err), "over");
    STR_EQ(err.msg, "--lr: 11 is out of range (1e-09 to 10)");

    size_t w[MLP_MAX_LAYERS], k = 0;
    CHECK(flags_parse_layers("--layers", "256,128,64", w, 15, &k, &err) && k == 3 && w[0] == 256 &&
              w[1] == 128 && w[2] == 64, "three layers");
    CHECK(flags_parse_layers("--layers", "4096", w, 15, &k, &err) && k == 1, "the cap");
    static const char *bad_layers[] = {"", ",", "1,,2", "128,", " 128", "0", "4097", "-1"};
    for (size_t q = 0; q < sizeof bad_layers / sizeof bad_layers[0]; q++)
        CHECK(!flags_parse_layers("--layers", bad_layers[q], w, 15, &k, &err), "'%s' taken",
              bad_layers[q]);
    CHECK(!flags_parse_layers("--layers", "1,2,3", w, 2, &k, &err), "too many");
    STR_EQ(err.msg, "--layers: at most 2 hidden layers");
}

/* ---- format ---- */

static void test_thousands(void)
{
    char b[32];
    format_thousands(b, sizeof b, 0);
    STR_EQ(b, "0");
    format_thousands(b, sizeof b, 999);
    STR_EQ(b, "999");
    format_thousands(b, sizeof b, 1000);
    STR_EQ(b, "1,000");
    format_thousands(b, sizeof b, 101770);
    STR_EQ(b, "101,770");
    format_thousands(b, sizeof b, 18446744073709551615ull);
    STR_EQ(b, "18,446,744,073,709,551,615");
    format_thousands(b, 6, 1234567); // room for 5 characters: never a half-written group
    STR_EQ(b, "1,234");
}

static void test_json_string(void)
{
    char b[128];
    json_string(b, sizeof b, "plain");
    STR_EQ(b, "\"plain\"");
    json_string(b, sizeof b, "say \"hi\" \\ back");
    STR_EQ(b, "\"say \\\"hi\\\" \\\\ back\"");
    json_string(b, sizeof b, "a\nb\tc\rd\be\ff");
    STR_EQ(b, "\"a\\nb\\tc\\rd\\be\\ff\"");
    json_string(b, sizeof b, "\x01\x1b[2J\x7f");
    STR_EQ(b, "\"\\u0001\\u001b[2J\\u007f\""); // an escape sequence cannot reach a terminal
    // UTF-8 as it is: 2, 3 and 4 bytes.
    json_string(b, sizeof b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    STR_EQ(b, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    // Invalid UTF-8, one \ufffd per bad byte: a stray continuation, an
    // overlong '/', a sequence cut short, a surrogate, past U+10FFFF.
    json_string(b, sizeof b, "\x80|\xc0\xaf|\xe2\x82|\xed\xa0\x80|\xf4\x90\x80\x80");
    STR_EQ(b, "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
              "\\ufffd\\ufffd\\ufffd\\ufffd\"");
    // Measuring, and cutting: never inside an escape or a character.
    size_t need = json_string(NULL, 0, "ab\"c");
    CHECK(need == 7, "need %zu", need);
    CHECK(json_string(b, 8, "ab\"c") == 7 && strcmp(b, "\"ab\\\"c\"") == 0, "exact fit: %s", b);
    json_string(b, 7, "ab\"c"); // the escape fits, the 'c' and the NUL would not
    STR_EQ(b, "\"ab\\\"\"");
    json_string(b, 6, "ab\"c"); // the escape would not: cut before it
    STR_EQ(b, "\"ab\"");
    json_string(b, 7, "x\xe2\x82\xac");
    STR_EQ(b, "\"x\xe2\x82\xac\"");
    json_string(b, 6, "x\xe2\x82\xac");
    STR_EQ(b, "\"x\"");
    json_string(b, 2, "x");
    STR_EQ(b, "");
}

/* Issue 14: labels from a model file reach the terminal through this. */
static void test_terminal(void)
{
    char b[128];
    format_terminal(b, sizeof b, "seven 7 caf\xc3\xa9 \xe2\x82\xac");
    STR_EQ(b, "seven 7 caf\xc3\xa9 \xe2\x82\xac");
    // Clear the screen, retitle the window, bell, DEL, a CSI of one C1 byte.
    format_terminal(b, sizeof b, "\x1b[2J\x1b]0;pwned\x07\x7f\xc2\x9b" "31m");
    STR_EQ(b, "\\x1b[2J\\x1b]0;pwned\\x07\\x7f\\u009b31m");
    format_terminal(b, sizeof b, "a\nb\tc\\d");
    STR_EQ(b, "a\\x0ab\\x09c\\\\d");
    format_terminal(b, sizeof b, "\xff|\xc0\xaf|\xe2\x82");
    STR_EQ(b, "\\xff|\\xc0\\xaf|\\xe2\\x82");
    format_terminal(b, sizeof b, "\xc2\xa0\xc2\x80"); // no-break space is printable, U+0080 not
    STR_EQ(b, "\xc2\xa0\\u0080");
    CHECK(format_terminal(NULL, 0, "\x1b!") == 5, "measured");
    CHECK(format_terminal(b, 5, "\x1b!") == 5 && strcmp(b, "\\x1b") == 0, "cut: %s", b);
    CHECK(format_terminal(b, 4, "\x1b!") == 5 && strcmp(b, "") == 0, "cut before: %s", b);
}

static bool same_float(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void test_float_text(void)
{
    static const struct {
        float f;
        const char *text;
    } known[] = {
        {0.0f, "0"},           {-0.0f, "-0"},         {0.1f, "0.1"},
        {0.2f, "0.2"},         {1.0f, "1"},           {-2.5f, "-2.5"},
        {1e-7f, "1e-07"},      {16777216.0f, "16777216"}, {3.4028235e38f, "3.4028235e+38"},
        {1.0f / 3.0f, "0.33333334"}, {1.4e-45f, "1e-45"}, {0.015815845f, "0.015815845"},
    };
    char b[FLOAT_TEXT_MAX];
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        size_t n = float_text(b, known[k].f);
        STR_EQ(b, known[k].text);
        CHECK(n == strlen(b), "length %zu", n);
    }
    // A million random bit patterns: each reads back exactly, and no
    // shorter %.Ng does.
    dp_rng r;
    dp_rng_seed(&r, 7);
    int bad = 0;
    for (int k = 0; k < 1000000 && bad < 5; k++) {
        uint32_t bits = (uint32_t)dp_rng_next(&r);
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f))
            continue;
        size_t n = float_text(b, f);
        bool ok = same_float(strtof(b, NULL), f) && n == strlen(b);
        // The rule itself, literally: the first %.Ng that reads back both
        // ways (strtof, and strtod then a cast, as cJSON reads).
        char rule[40];
        for (int p = 1; p <= 9; p++) {
            snprintf(rule, sizeof rule, "%.*g", p, (double)f);
            if (same_float(strtof(rule, NULL), f) && same_float((float)strtod(rule, NULL), f))
                break;
        }
        ok = ok && strcmp(rule, b) == 0;
        if (!ok) {
            bad++;
            CHECK(false, "%a written as %s", (double)f, b);
        }
    }
    CHECK(bad == 0, "%d floats", bad);

    char d[FLOAT_TEXT_DOUBLE_MAX];
    float_text_double(d, 0.001);
    STR_EQ(d, "0.001"); // the decimal given, not the float 0.0010000000474974513
    float_text_double(d, (double)0.001f);
    STR_EQ(d, "0.0010000000474974513");
    float_text_double(d, 1.0 / 255.0);
    CHECK(strtod(d, NULL) == 1.0 / 255.0, "%s", d);
    float_text_double(d, 0.1 + 0.2);
    STR_EQ(d, "0.30000000000000004");
}

/* ---- paths, from a made-up environment ---- */

static const char *fake[][2] = {
    {"XDG_DATA_HOME", NULL}, {"HOME", NULL}, {"DIGITPAD_DATA", NULL}, {"DIGITPAD_MODELS", NULL},
};

static const char *fake_getenv(const char *name)
{
    for (size_t k = 0; k < sizeof fake / sizeof fake[0]; k++)
        if (strcmp(fake[k][0], name) == 0)
            return fake[k][1];
    return NULL;
}

static void set_fake(const char *xdg, const char *home, const char *data, const char *models)
{
    fake[0][1] = xdg;
    fake[1][1] = home;
    fake[2][1] = data;
    fake[3][1] = models;
}

static void write_empty(const char *path)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot create %s", path);
    if (f)
        fclose(f);
}

static void test_paths(const char *tmp)
{
    char out[PATHS_MAX];
    dp_error err;
    // Relative places are relative to here: a folder without data/mnist.
    CHECK(chdir(tmp) == 0, "cannot change to %s", tmp);
    set_fake("/x/data", "/home/u", NULL, NULL);
    CHECK(paths_data_home(fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, "/x/data/digitpad");
    set_fake("relative/data", "/home/u", NULL, NULL); // ignored, as the XDG spec says
    CHECK(paths_data_home(fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, "/home/u/.local/share/digitpad");
    set_fake("", "/home/u", NULL, NULL);
    CHECK(paths_data_home(fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, "/home/u/.local/share/digitpad");
    set_fake(NULL, NULL, NULL, NULL);
    CHECK(!paths_data_home(fake_getenv, out, sizeof out, &err), "no home");
    STR_EQ(err.msg, "neither XDG_DATA_HOME nor HOME is set");
    set_fake("/x/data", NULL, NULL, NULL);
    CHECK(paths_models_dir(fake_getenv, false, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, "/x/data/digitpad/models");
    CHECK(!paths_data_home(fake_getenv, out, 10, &err), "too long for out");

    // The places MNIST is looked for, in order.
    char places[PATHS_MNIST_PLACES][PATHS_MAX];
    set_fake("/x/data", "/home/u", "/d/mnist", NULL);
    size_t n = paths_mnist_places(fake_getenv, places);
    CHECK(n == 4, "%zu places", n);
    if (n == 4) {
        STR_EQ(places[0], "/d/mnist");
        STR_EQ(places[1], "data/mnist");
        STR_EQ(places[2], "/x/data/digitpad/mnist");
        CHECK(strstr(places[3], "/data/mnist") != NULL, "%s", places[3]);
    }
    set_fake(NULL, NULL, NULL, NULL);
    n = paths_mnist_places(fake_getenv, places);
    CHECK(n == 2 && strcmp(places[0], "data/mnist") == 0, "%zu places", n);

    // Found through the (fake) environment: $DIGITPAD_DATA first, then XDG.
    char xdg[PATHS_MAX], data[PATHS_MAX], mnist_dir[PATHS_MAX], file[PATHS_MAX + 64];
    snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
    snprintf(data, sizeof data, "%s/data", tmp);
    snprintf(mnist_dir, sizeof mnist_dir, "%s/xdg/digitpad/mnist", tmp);
    CHECK(paths_make_dir(mnist_dir, &err), "%s", err.msg);
    CHECK(paths_make_dir(data, &err), "%s", err.msg);
    snprintf(file, sizeof file, "%s/train-images-idx3-ubyte", mnist_dir);
    write_empty(file);
    set_fake(xdg, NULL, data, NULL);
    CHECK(paths_find_mnist(NULL, fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, mnist_dir);
    snprintf(file, sizeof file, "%s/train-images-idx3-ubyte.gz", data);
    write_empty(file);
    CHECK(paths_find_mnist(NULL, fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, data);
    CHECK(paths_find_mnist(mnist_dir, fake_getenv, out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, mnist_dir);
    CHECK(!paths_find_mnist(tmp, fake_getenv, out, sizeof out, &err), "--data alone is looked in");
    CHECK(strstr(err.msg, "no MNIST there") != NULL, "%s", err.msg);
    // One split: the test files alone are enough for it, and named when missing.
    CHECK(!paths_find_mnist_split(mnist_dir, fake_getenv, "t10k", out, sizeof out, &err),
          "no test files: found");
    CHECK(strstr(err.msg, "no t10k-images-idx3-ubyte") && !strstr(err.msg, "train-images"), "%s",
          err.msg);
    snprintf(file, sizeof file, "%s/t10k-images-idx3-ubyte", tmp);
    write_empty(file);
    CHECK(paths_find_mnist_split(tmp, fake_getenv, "t10k", out, sizeof out, &err), "%s", err.msg);
    STR_EQ(out, tmp);
    unlink(file);

    // User saves: the folder is made, names do not collide.
    set_fake(xdg, NULL, NULL, NULL);
    char first[PATHS_MAX], second[PATHS_MAX];
    CHECK(paths_new_model_path(fake_getenv, first, sizeof first, &err), "%s", err.msg);
    char want_dir[PATHS_MAX + 32];
    snprintf(want_dir, sizeof want_dir, "%s/digitpad/models/digitpad-", xdg);
    CHECK(strncmp(first, want_dir, strlen(want_dir)) == 0, "%s", first);
    CHECK(strlen(first) > 5 && strcmp(first + strlen(first) - 5, ".json") == 0, "%s", first);
    write_empty(first);
    CHECK(paths_new_model_path(fake_getenv, second, sizeof second, &err), "%s", err.msg);
    CHECK(strcmp(first, second) != 0, "the second save got the first's name %s", second);
    unlink(first);
    snprintf(file, sizeof file, "%s/a-file", tmp);
    write_empty(file);
    CHECK(!paths_make_dir(file, &err), "a file is not a folder");
    CHECK(strstr(err.msg, "not a folder") != NULL, "%s", err.msg);

    // The bundled model: $DIGITPAD_MODELS first, when it holds the file.
    char models[PATHS_MAX];
    snprintf(models, sizeof models, "%s/models", tmp);
    CHECK(paths_make_dir(models, &err), "%s", err.msg);
    set_fake(NULL, NULL, NULL, models);
    paths_bundled_model(fake_getenv, out, sizeof out);
    CHECK(strstr(out, "/models/" PATHS_BUNDLED_MODEL) != NULL && strncmp(out, models, strlen(models)) != 0,
          "an empty $DIGITPAD_MODELS is passed over: %s", out);
    snprintf(file, sizeof file, "%s/" PATHS_BUNDLED_MODEL, models);
    write_empty(file);
    paths_bundled_model(fake_getenv, out, sizeof out);
    STR_EQ(out, file);

    // model_load: that (empty) file is refused with its path; the bundled
    // model of the source tree loads.
    mlp net;
    model_meta meta;
    char used[PATHS_MAX];
    CHECK(!model_load(NULL, fake_getenv, &net, &meta, used, sizeof used, &err), "empty model");
    STR_EQ(used, file);
    char want[sizeof file + 32];
    snprintf(want, sizeof want, "%s: empty file", file);
    STR_EQ(err.msg, want);
    unlink(file);
    set_fake(NULL, NULL, NULL, NULL);
#if DIGITPAD_SOURCE_TREE_LOOKUP
    bool loaded = model_load(NULL, fake_getenv, &net, &meta, used, sizeof used, &err);
    CHECK(loaded, "%s", err.msg);
    if (loaded) {
        CHECK(net.n_layers == 2 && net.sizes[1] == 128, "%zu layers", net.n_layers);
        CHECK(strstr(used, PATHS_BUNDLED_MODEL) != NULL, "%s", used);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
#else
    // Built for installing (-Dsource_tree_lookup=false, as debian/rules
    // does): the source tree is never looked at, so with no $DIGITPAD_MODELS
    // the bundled model is the installed one, there or not.
    paths_bundled_model(fake_getenv, out, sizeof out);
    STR_EQ(out, DIGITPAD_MODELS_DIR "/" PATHS_BUNDLED_MODEL);
#endif
}

int main(void)
{
    test_opt();
    test_numbers();
    test_thousands();
    test_json_string();
    test_terminal();
    test_float_text();

    char tmp[] = "/tmp/digitpad-test-common-XXXXXX";
    if (!mkdtemp(tmp)) {
        printf("cannot make a temporary folder\n");
        return 1;
    }
    test_paths(tmp);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmp);
    return check_summary();
}
