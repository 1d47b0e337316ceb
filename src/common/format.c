#include "format.h"

#include <stdbool.h>
#include <stdio.h>

void format_thousands(char *out, size_t len, unsigned long long v)
{
    if (len == 0)
        return;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        bool comma = i > 0 && (n - i) % 3 == 0;
        if (o + (comma ? 2 : 1) >= len)
            break;
        if (comma)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}
