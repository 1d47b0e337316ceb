/* digitpad eval: a model's loss, accuracy and confusion on the test set. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "flags.h"
#include "model_file.h"
#include "model_load.h"
#include "paths.h"
#include "train.h"

static void print_json(const eval_result *r)
{
    printf("{\"samples\": %zu, \"loss\": %.6f, \"accuracy\": %.4f, \"per_class_accuracy\": [",
           r->samples, r->loss, r->accuracy);
    for (size_t c = 0; c < r->n_classes; c++)
        printf("%s%.4f", c ? ", " : "", r->per_class_accuracy[c]);
    printf("], \"confusion\": [");
    for (size_t t = 0; t < r->n_classes; t++) {
        printf("%s[", t ? ", " : "");
        for (size_t p = 0; p < r->n_classes; p++)
            printf("%s%u", p ? ", " : "", (unsigned)r->confusion[t][p]);
        printf("]");
    }
    printf("]}\n");
}

static void print_table(const eval_result *r, const model_meta *meta, const char *path)
{
    fputs("Model:    ", stdout);
    cli_print_text(stdout, path, 0);
    putchar('\n');
    printf("Samples:  %zu\n", r->samples);
    printf("Loss:     %.4f\n", r->loss);
    printf("Accuracy: %.4f (%zu wrong)\n\n", r->accuracy,
           r->samples - (size_t)(r->accuracy * (double)r->samples + 0.5));
    printf("Confusion matrix (rows: true label, columns: predicted)\n\n   true |");
    for (size_t p = 0; p < r->n_classes; p++) {
        putchar(' ');
        cli_print_text(stdout, meta->labels[p], 5); // from the file: escaped
    }
    printf(" | accuracy\n--------+");
    for (size_t p = 0; p < r->n_classes; p++)
        printf("------");
    printf("-+---------\n");
    for (size_t t = 0; t < r->n_classes; t++) {
        fputs("  ", stdout);
        cli_print_text(stdout, meta->labels[t], 5);
        fputs(" |", stdout);
        for (size_t p = 0; p < r->n_classes; p++)
            printf(" %5u", (unsigned)r->confusion[t][p]);
        printf(" |  %.4f\n", r->per_class_accuracy[t]);
    }
}

int cli_eval(int argc, char **argv)
{
    const char *model_path = NULL, *data_dir = NULL;
    bool json = false;
    dp_error err;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (flags_opt(argc, argv, &i, "--model", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            model_path = v;
        } else if (flags_opt(argc, argv, &i, "--data", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            data_dir = v;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: digitpad eval [--model FILE] [--data DIR] [--json]\n"
                 "Evaluates the model (default: the bundled one) on MNIST's 10,000 test images.");
            return 0;
        } else {
            cli_error(argv[i], "unknown option for eval (try digitpad eval --help)");
            return 2;
        }
    }
    mlp_blas_threads(1);

    mlp net;
    model_meta meta;
    char used[PATHS_MAX];
    if (!model_load(model_path, NULL, &net, &meta, used, sizeof used, &err)) {
        cli_fail(&err);
        return 1;
    }
    model_path = used;
    int status = 1;
    char dir[PATHS_MAX];
    dataset test;
    memset(&test, 0, sizeof test);
    if (!paths_find_mnist_split(data_dir, NULL, "t10k", dir, sizeof dir, &err) ||
        !dataset_load(dir, "t10k", &test, &err)) {
        cli_error(NULL, "%s", err.msg);
        goto out;
    }
    eval_result r;
    eval_options opt = {.input_scale = meta.scale}; // the model's own scale
    if (!evaluate_with(&net, &test, &opt, &r, &err)) {
        cli_error(model_path, "%s", err.msg);
        goto out;
    }
    // Weights that overflow make NaN or infinite probabilities, and so the loss.
    if (!isfinite(r.loss)) {
        cli_error(model_path, "the model gives no finite probabilities on the test images (the "
                  "loss is %s): its weights overflow a float", isnan(r.loss) ? "NaN" : "infinite");
        goto out;
    }
    if (json)
        print_json(&r);
    else
        print_table(&r, &meta, model_path);
    status = 0;
out:
    dataset_destroy(&test);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return status;
}
