/* text_fit.c: a string cut to a width with an ellipsis (text_fit.h). */
#include "text_fit.h"

#include <string.h>

#define ELLIPSIS "\u2026"

static bool continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* head bytes of txt, the ellipsis, then txt from tail on, into out. */
static void compose(const char *txt, size_t head, size_t tail, size_t n, char *out)
{
    memcpy(out, txt, head);
    memcpy(out + head, ELLIPSIS, sizeof ELLIPSIS - 1);
    memcpy(out + head + sizeof ELLIPSIS - 1, txt + tail, n - tail);
    out[head + sizeof ELLIPSIS - 1 + n - tail] = '\0';
}

int text_fit_cut(const char *txt, int w, text_cut where, text_measure_fn measure, void *ctx,
                 char *out, size_t len)
{
    if (!len)
        return 0;
    out[0] = '\0';
    size_t n = strlen(txt);
    if (n < len) {
        int full = measure(ctx, txt);
        if (full <= w) {
            memcpy(out, txt, n + 1);
            return full;
        }
    }
    // Characters kept, fewest bytes first dropped: one character less each
    // round, from the end (TEXT_CUT_END) or alternately from the middle's
    // two sides, until the cut fits.
    size_t head = n, tail = n; // txt[0, head) + "…" + txt[tail, n)
    if (where == TEXT_CUT_MIDDLE) {
        head = n / 2;
        while (head > 0 && continuation((unsigned char)txt[head]))
            head--;
        tail = head;
    }
    bool from_head = true;
    for (;;) {
        // Room in out for the cut: drop characters until it fits in len too.
        bool fits_len = head + (sizeof ELLIPSIS - 1) + (n - tail) < len;
        if (fits_len) {
            compose(txt, head, tail, n, out);
            int tw = measure(ctx, out);
            if (tw <= w)
                return tw;
        }
        if (head == 0 && tail == n) {
            out[0] = '\0';
            return 0;
        }
        // Not both at their ends (returned above): one side has a character to give.
        bool drop_head = where == TEXT_CUT_END || from_head;
        if (drop_head && head == 0)
            drop_head = false;
        if (!drop_head && tail == n)
            drop_head = true;
        if (drop_head) {
            do
                head--;
            while (head > 0 && continuation((unsigned char)txt[head]));
        } else {
            do
                tail++;
            while (tail < n && continuation((unsigned char)txt[tail]));
        }
        from_head = !from_head;
    }
}
