/* test_text_fit: names and lines cut to a width with an ellipsis
 * (src/app/text_fit.h), measured by a made-up font in which every
 * character, the ellipsis too, is 7 pixels wide. */
#include <string.h>

#include "app/text_fit.h"

#include "check.h"

/* 7 pixels a UTF-8 character. */
static int measure(void *ctx, const char *s)
{
    int *calls = ctx;
    (*calls)++;
    int chars = 0;
    for (; *s; s++)
        chars += ((unsigned char)*s & 0xc0) != 0x80;
    return 7 * chars;
}

int main(void)
{
    int calls = 0;
    char out[256];
    int w;

    // Fits: whole, measured once.
    w = text_fit_cut("digitpad", 56, TEXT_CUT_END, measure, &calls, out, sizeof out);
    CHECK(w == 56 && !strcmp(out, "digitpad") && calls == 1, "whole: '%s' %d px, %d calls", out, w,
          calls);
    // One pixel short: six characters and the ellipsis (49 px; seven would be 56).
    w = text_fit_cut("digitpad", 55, TEXT_CUT_END, measure, &calls, out, sizeof out);
    CHECK(w == 49 && !strcmp(out, "digitp\u2026"), "end: '%s' %d px", out, w);
    // The middle: its start and its end kept, three characters each.
    w = text_fit_cut("abcdefghij", 49, TEXT_CUT_MIDDLE, measure, &calls, out, sizeof out);
    CHECK(w == 49 && !strcmp(out, "abc\u2026hij"), "middle: '%s' %d px", out, w);
    // One pixel fewer: five characters, the end keeping the odd one (2 + 3).
    w = text_fit_cut("abcdefghij", 48, TEXT_CUT_MIDDLE, measure, &calls, out, sizeof out);
    CHECK(w == 42 && !strcmp(out, "ab\u2026hij"), "middle, 48 px: '%s' %d px", out, w);
    // A file name as the header cuts it: 9 + 11 characters, the extension kept.
    const char *name = "a-really-long-model-file-name-epochs20.json";
    w = text_fit_cut(name, 7 * 21, TEXT_CUT_MIDDLE, measure, &calls, out, sizeof out);
    CHECK(w == 147 && !strcmp(out, "a-really-\u2026ochs20.json"), "file name: '%s' %d px", out, w);
    // Cut between characters, never inside one: é is two bytes.
    w = text_fit_cut("\u00e9\u00e9\u00e9\u00e9\u00e9", 28, TEXT_CUT_END, measure, &calls, out,
                     sizeof out);
    CHECK(w == 28 && !strcmp(out, "\u00e9\u00e9\u00e9\u2026"), "UTF-8 end: '%s' %d px", out, w);
    w = text_fit_cut("\u00e9\u00e9\u00e9\u00e9\u00e9", 28, TEXT_CUT_MIDDLE, measure, &calls, out,
                     sizeof out);
    CHECK(w == 28 && !strcmp(out, "\u00e9\u2026\u00e9\u00e9"), "UTF-8 middle: '%s' %d px", out, w);
    // The ellipsis alone, then nothing.
    w = text_fit_cut("digitpad", 7, TEXT_CUT_END, measure, &calls, out, sizeof out);
    CHECK(w == 7 && !strcmp(out, "\u2026"), "ellipsis alone: '%s'", out);
    w = text_fit_cut("digitpad", 6, TEXT_CUT_MIDDLE, measure, &calls, out, sizeof out);
    CHECK(w == 0 && !out[0], "no room: '%s'", out);
    w = text_fit_cut("", 0, TEXT_CUT_END, measure, &calls, out, sizeof out);
    CHECK(w == 0 && !out[0], "empty: '%s'", out);
    // An out buffer too small for the whole: cut to it (4 + 3 bytes and the NUL).
    char small[8];
    w = text_fit_cut("abcdefghij", 1000, TEXT_CUT_END, measure, &calls, small, sizeof small);
    CHECK(w == 35 && !strcmp(small, "abcd\u2026"), "small buffer: '%s' %d px", small, w);
    return check_summary();
}
