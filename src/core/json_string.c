#include "json_string.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are not one (stray continuation, overlong form, surrogate,
 * past U+10FFFF, cut short). */
static size_t utf8_length(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) // a NUL ends the string here too
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

size_t json_string(char *out, size_t out_len, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t need = 1, o = 0;
    // Room for the closing quote and the NUL is kept back while writing.
    bool writing = out && out_len >= 3, cut = false;
    if (writing)
        out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        char e[8];
        const char *piece = e;
        size_t len, step = 1;
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            e[0] = '\\';
            e[1] = (char)c;
            len = 2;
        } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            e[0] = '\\';
            e[1] = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            len = 2;
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(e, "\\u00", 4);
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            len = 6;
        } else if ((step = utf8_length(p)) == 0) {
            piece = "\\ufffd";
            len = 6;
            step = 1;
        } else {
            piece = (const char *)p;
            len = step;
        }
        need += len;
        if (writing && !cut) {
            if (o + len + 2 <= out_len) {
                memcpy(out + o, piece, len);
                o += len;
            } else {
                cut = true;
            }
        }
        p += step;
    }
    need += 1;
    if (writing) {
        out[o++] = '"';
        out[o] = '\0';
    } else if (out && out_len > 0) {
        out[0] = '\0';
    }
    return need;
}
