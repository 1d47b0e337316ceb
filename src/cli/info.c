/* digitpad info: the article's table of a model's layers and parameters. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "flags.h"
#include "format.h"
#include "model_file.h"
#include "model_load.h"
#include "paths.h"

int cli_info(int argc, char **argv)
{
    const char *model_path = NULL;
    dp_error err;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (flags_opt(argc, argv, &i, "--model", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            model_path = v;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: digitpad info [--model FILE]\n"
                 "Prints the model's layers and trainable parameters (default: the bundled model).");
            return 0;
        } else if (argv[i][0] != '-' && !model_path) {
            model_path = argv[i];
        } else {
            cli_error(argv[i], "unknown option for info (try digitpad info --help)");
            return 2;
        }
    }
    mlp net;
    model_meta meta;
    char used[PATHS_MAX];
    if (!model_load(model_path, NULL, &net, &meta, used, sizeof used, &err)) {
        cli_fail(&err);
        return 1;
    }
    model_path = used;
    char num[32];
    printf("Model: %s\n\n", model_path);
    printf("%-8s %-22s %8s %28s\n", "Layer", "Type", "Neurons", "Trainable parameters");
    printf("%-8s %-22s %8s %28s\n", "--------", "----------------------", "--------",
           "----------------------------");
    char type[64];
    snprintf(type, sizeof type, "Input (Flatten %zux%zu)", meta.height, meta.width);
    printf("%-8s %-22s %8zu %28s\n", "input", type, net.sizes[0], "0");
    size_t total = 0;
    for (size_t l = 0; l < net.n_layers; l++) {
        const mlp_layer *L = &net.layers[l];
        size_t p = L->in * L->out + L->out;
        total += p;
        char formula[64], name[24];
        snprintf(formula, sizeof formula, "%zu x %zu + %zu = ", L->in, L->out, L->out);
        format_thousands(num, sizeof num, p);
        strncat(formula, num, sizeof formula - strlen(formula) - 1);
        snprintf(name, sizeof name, "%zu", l + 1);
        static const char *const shown[] = {[MLP_ACT_RELU] = "ReLU", [MLP_ACT_SOFTMAX] = "softmax",
                                            [MLP_ACT_LINEAR] = "linear",
                                            [MLP_ACT_SIGMOID] = "sigmoid", [MLP_ACT_TANH] = "tanh"};
        snprintf(type, sizeof type, "Dense, %s",
                 (size_t)L->act < sizeof shown / sizeof shown[0] ? shown[L->act] : "?");
        printf("%-8s %-22s %8zu %28s\n", name, type, L->out, formula);
    }
    format_thousands(num, sizeof num, total);
    printf("%-8s %-22s %8s %28s\n", "total", "", "", num);
    if (meta.has_training && meta.n_history > 0) {
        const model_epoch *e = &meta.history[meta.n_history - 1];
        printf("\nTrained %d epoch%s on %s (batch %zu, Adam lr %g, seed %llu): test accuracy "
               "%.4f, test loss %.4f\n",
               meta.epochs, meta.epochs == 1 ? "" : "s", meta.dataset, meta.batch_size, meta.learning_rate,
               (unsigned long long)meta.seed, e->val_accuracy, e->val_loss);
    }
    if (meta.has_progress) {
        const model_progress *p = &meta.progress;
        char done[32], all[32];
        format_thousands(done, sizeof done, p->samples_done);
        format_thousands(all, sizeof all, p->samples_per_epoch);
        char phrase[96];
        model_meta_progress_text(&meta, phrase, sizeof phrase);
        printf("Saved during training: %s (%s of %s samples)", phrase, done, all);
        if (!isnan(p->loss) && !isnan(p->accuracy))
            printf(", loss so far %.4f, accuracy %.4f", p->loss, p->accuracy);
        printf("\n");
    }
    if (meta.n_schedule) {
        printf("Learning rate and batch size as training went:\n");
        for (size_t i = 0; i < meta.n_schedule; i++) {
            const model_setting *c = &meta.schedule[i];
            printf("  from epoch %d, sample %zu: lr %g, batch %zu\n", c->epoch, c->samples_done,
                   c->learning_rate, c->batch_size);
        }
    }
    printf("Input preprocessing: %s\n",
           meta.preprocess == MODEL_PREPROCESS_MNIST ? "mnist (bounding box, 20x20, centre of mass)"
                                                      : "none (the canvas as drawn)");
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return 0;
}
