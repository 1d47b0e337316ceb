#include "app.h"

#include <stdio.h>

int app_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "digitpad: the window is not built yet\n");
    return 2;
}
