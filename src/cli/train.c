#include "cli.h"

int cli_train(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("train", "not built yet");
    return 2;
}
