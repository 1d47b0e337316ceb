#include "format.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

size_t format_terminal(char *out, size_t len, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t need = 0, o = 0;
    bool cut = false;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        char e[8];
        const char *piece = e;
        size_t n, step = json_utf8_length(p);
        if (*p == '\\') {
            piece = "\\\\";
            n = 2;
            step = 1;
        } else if (step == 0 || *p < 0x20 || *p == 0x7f) {
            e[0] = '\\';
            e[1] = 'x';
            e[2] = hex[*p >> 4];
            e[3] = hex[*p & 15];
            n = 4;
            step = 1;
        } else if (step == 2 && p[0] == 0xc2 && p[1] < 0xa0) { // U+0080..U+009F
            memcpy(e, "\\u00", 4);
            e[4] = hex[p[1] >> 4];
            e[5] = hex[p[1] & 15];
            n = 6;
        } else {
            piece = (const char *)p;
            n = step;
        }
        need += n;
        if (out && !cut) {
            if (o + n < len) {
                memcpy(out + o, piece, n);
                o += n;
            } else {
                cut = true;
            }
        }
        p += step;
    }
    if (out && len > 0)
        out[o] = '\0';
    return need;
}

void format_error_v(const char *what, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (what)
        fprintf(stderr, "digitpad: %s: %s\n", what, msg);
    else
        fprintf(stderr, "digitpad: %s\n", msg);
}
