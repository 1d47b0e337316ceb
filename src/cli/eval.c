#include "cli.h"

int cli_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("eval", "not built yet");
    return 2;
}
