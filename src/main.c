/* digitpad: draw a digit, watch a neural network learn to read it.
 *
 * main only picks the subcommand; each lives in src/cli/, and with none
 * (or only options) the window in src/app/ opens. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"
#include "config.h"

static void usage(FILE *f)
{
    fputs("usage: digitpad [COMMAND] [OPTIONS]\n"
          "\n"
          "With no command, opens the window: draw a digit, see the network's answer,\n"
          "train it live (digitpad --help-window for its options).\n"
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
          "\n"
          "  -h, --help       this help\n"
          "  -V, --version    the version\n"
          "\n"
          "MNIST is looked for in --data, $DIGITPAD_DATA, ./data/mnist, then\n"
          "$XDG_DATA_HOME/digitpad/mnist; scripts/fetch-mnist fetches it.\n",
          f);
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
        };
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
            if (!strcmp(cmd, cmds[i].name))
                return cmds[i].run(argc - 1, argv + 1);
        if (cmd[0] != '-') {
            fprintf(stderr, "digitpad: %s: unknown command (try digitpad --help)\n", cmd);
            return 2;
        }
    }
    return app_main(argc, argv);
}
