/* error.h: how the core reports failure.
 *
 * The core never prints and never exits. A function that can fail takes a
 * `dp_error *` (which may be NULL) and returns false; the message says what
 * is wrong in a few words, without the file name, which the caller prefixes:
 * "digitpad: PATH: message". */
#ifndef DIGITPAD_ERROR_H
#define DIGITPAD_ERROR_H

#include <stdbool.h>

typedef struct dp_error {
    char msg[256];
} dp_error;

/* Formats a message into err (if err is not NULL). Always returns false so
 * callers can write `return dp_fail(err, "...")`. */
bool dp_fail(dp_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
