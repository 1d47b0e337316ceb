/* cli.c: the CLI's one error printer and its JSON string writer. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "json_string.h"

void cli_error(const char *what, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (what)
        fprintf(stderr, "digitpad: %s: %s\n", what, msg);
    else
        fprintf(stderr, "digitpad: %s\n", msg);
}

void cli_json_string(FILE *f, const char *s)
{
    char small[512];
    size_t need = json_string(small, sizeof small, s);
    if (need < sizeof small) {
        fputs(small, f);
        return;
    }
    char *big = malloc(need + 1);
    if (big) {
        json_string(big, need + 1, s);
        fputs(big, f);
        free(big);
    } else {
        fputs(small, f); // cut short, still a valid JSON string
    }
}

int cli_fail(const dp_error *err)
{
    fprintf(stderr, "digitpad: %s\n", err->msg);
    return 2;
}
