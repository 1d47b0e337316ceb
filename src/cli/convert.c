/* digitpad convert: a model from any format digitpad reads to any it writes. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "flags.h"
#include "model_any.h"

static bool format_of(const char *name, model_format *f)
{
    static const struct {
        const char *name;
        model_format f;
    } table[] = {{"digitpad", MODEL_FORMAT_DIGITPAD}, {"json", MODEL_FORMAT_DIGITPAD},
                 {"onnx", MODEL_FORMAT_ONNX},         {"tfjs", MODEL_FORMAT_TFJS},
                 {"keras", MODEL_FORMAT_KERAS}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(name, table[i].name)) {
            *f = table[i].f;
            return true;
        }
    return false;
}

/* --to left out: from OUT's extension (.json, .onnx, .keras). */
static bool format_of_path(const char *path, model_format *f)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return false;
    return format_of(dot + 1, f);
}

int cli_convert(int argc, char **argv)
{
    const char *to = NULL, *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        dp_error ferr;
        if (flags_opt(argc, argv, &i, "--to", &v, &ferr)) {
            if (!v)
                return cli_fail(&ferr);
            to = v;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: digitpad convert [--to digitpad|onnx|tfjs|keras] IN OUT\n"
                 "Reads IN (digitpad JSON, Keras .keras, tf.keras .h5, TF.js model.json, ONNX)\n"
                 "and writes OUT: a digitpad .json, an ONNX file, a TF.js folder (model.json +\n"
                 "weights.bin) or a Keras 3 .keras. Without --to, OUT's extension decides.");
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_error(argv[i], "unknown option for convert (try digitpad convert --help)");
            return 2;
        } else if (!in) {
            in = argv[i];
        } else if (!out) {
            out = argv[i];
        } else {
            cli_error(argv[i], "convert takes one input and one output");
            return 2;
        }
    }
    if (!in || !out) {
        cli_error("convert", "needs IN and OUT (digitpad convert --to onnx model.json model.onnx)");
        return 2;
    }
    model_format f;
    if (to ? !format_of(to, &f) : !format_of_path(out, &f)) {
        if (to)
            cli_error("--to", "'%s' is not one of digitpad, onnx, tfjs, keras", to);
        else
            cli_error(out, "say which format with --to digitpad|onnx|tfjs|keras");
        return 2;
    }
    mlp net;
    model_meta meta;
    model_format from;
    dp_error err;
    if (!model_any_load(in, &net, &meta, &from, &err)) {
        cli_error(in, "%s", err.msg);
        return 1;
    }
    bool ok = model_any_save(out, f, &net, &meta, &err);
    if (!ok)
        cli_error(out, "%s", err.msg);
    else
        printf("%s (%s) -> %s (%s)\n", in, model_format_name(from), out,
                model_format_name(f));
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return ok ? 0 : 1;
}
