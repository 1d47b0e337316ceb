/* digitpad: draw a digit, watch a neural network learn to read it.
 *
 * main only picks the subcommand; each lives in src/cli/, and with none
 * (or only options) the window in src/app/ opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"
#include "cli/cli.h"
#include "config.h"

static void usage(FILE *f)
{
    fputs("usage: digitpad [COMMAND] [OPTIONS]\n"
          "\n"
          "With no command, opens the window: draw a digit, see the network's answer,\n"
          "train it live (digitpad --help-window for its options).\n"
          "digitpad FILE opens the window with the model in FILE.\n"
          "\n"
          "commands:\n"
          "  train    [--data DIR] [--model FILE] [--layers 128] [--epochs 5] [--batch 32]\n"
          "           [--lr 0.001] [--seed N] [--limit N] [--out FILE]\n"
          "           [--activation relu|linear|sigmoid|tanh]\n"
          "                                  train an MLP on MNIST, Keras-style\n"
          "  eval     --model FILE [--data DIR] [--json]\n"
          "                                  test-set loss, accuracy, confusion matrix\n"
          "  predict  --model FILE [--json] [--raw] IMAGE...\n"
          "                                  read digits from PNG, JPEG, BMP or PGM pictures\n"
          "  info     --model FILE            the model's layers and parameter counts\n"
          "  bench    [--json] [--quick]      speed and memory figures\n"
          "  convert  [--to digitpad|onnx|tfjs|keras] IN OUT\n"
          "                                  a model to ONNX, TF.js, Keras or digitpad JSON\n"
          "\n"
          "  -h, --help       this help\n"
          "  -V, --version    the version\n"
          "\n"
          "MNIST is looked for in --data, $DIGITPAD_DATA, ./data/mnist, then\n"
          "$XDG_DATA_HOME/digitpad/mnist; scripts/fetch-mnist fetches it.\n",
          f);
}

/* `digitpad FILE` (the .desktop file's Exec=digitpad %f, a file manager's
 * Open): the window with that model, as `digitpad --model FILE ...`. */
static int open_in_window(int argc, char **argv)
{
    char **args = malloc(((size_t)argc + 2) * sizeof *args);
    if (!args) {
        fputs("digitpad: out of memory\n", stderr);
        return 1;
    }
    args[0] = argv[0];
    static char model_flag[] = "--model";
    args[1] = model_flag;
    for (int i = 1; i < argc; i++)
        args[i + 1] = argv[i];
    args[argc + 1] = NULL;
    int status = app_main(argc + 1, args);
    free(args);
    return status;
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const char *cmd = argv[1];
        if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
            printf("digitpad %s\n", DIGITPAD_VERSION);
            return 0;
        }
        static const struct {
            const char *name;
            int (*run)(int, char **);
        } cmds[] = {
            {"train", cli_train}, {"eval", cli_eval}, {"predict", cli_predict},
            {"info", cli_info},   {"bench", cli_bench},
            {"convert", cli_convert},
        };
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
            if (!strcmp(cmd, cmds[i].name))
                return cmds[i].run(argc - 1, argv + 1);
        if (cmd[0] != '-') {
            struct stat st;
            if (stat(cmd, &st) == 0 && S_ISREG(st.st_mode))
                return open_in_window(argc, argv);
            fprintf(stderr, "digitpad: %s: neither a command nor a model file (try digitpad --help)\n",
                    cmd);
            return 2;
        }
    }
    return app_main(argc, argv);
}
