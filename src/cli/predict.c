#include "cli.h"

int cli_predict(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("predict", "not built yet");
    return 2;
}
