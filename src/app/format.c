/* format.c: numbers as the window writes them (format.h). */
#include "format.h"

#include <stdio.h>
#include <string.h>

void fmt_thousands(char *out, size_t len, unsigned long long v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", v);
    size_t n = strlen(digits), o = 0;
    if (!len)
        return;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}
