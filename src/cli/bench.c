#include "cli.h"

int cli_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("bench", "not built yet");
    return 2;
}
