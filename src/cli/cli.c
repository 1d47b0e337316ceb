/* cli.c: the CLI's one error printer, its JSON string writer and its
 * writer of text from files (escaped for the terminal). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "format.h"
#include "json_string.h"

void cli_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_error_v(what, fmt, ap);
    va_end(ap);
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

void cli_print_text(FILE *f, const char *s, size_t width)
{
    char small[512];
    size_t need = format_terminal(small, sizeof small, s);
    char *text = small;
    if (need >= sizeof small && (text = malloc(need + 1)) != NULL)
        format_terminal(text, need + 1, s);
    if (!text)
        text = small; // cut short, still escaped
    // The escaped text is valid UTF-8: count characters, not bytes.
    size_t chars = 0, bytes = 0;
    while (text[bytes] && (width == 0 || chars < width)) {
        size_t n = json_utf8_length((const unsigned char *)text + bytes);
        bytes += n ? n : 1;
        chars++;
    }
    for (size_t k = chars; k < width; k++)
        fputc(' ', f);
    fwrite(text, 1, bytes, f);
    if (text != small)
        free(text);
}

int cli_fail(const dp_error *err)
{
    fprintf(stderr, "digitpad: %s\n", err->msg);
    return 2;
}
