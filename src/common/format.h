/* format.h: numbers and text as both faces show them.
 *
 * The JSON string escaper and the shortest round-trip float live in the
 * core (json_string.h, float_text.h), where the model writer needs them;
 * they are included here so that a face needs only this header: one rule
 * for every JSON string and every float digitpad prints. */
#ifndef DIGITPAD_FORMAT_H
#define DIGITPAD_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include "float_text.h"  // float_text, float_text_double
#include "json_string.h" // json_string

/* Writes v with thousands separators ("101,770") into out (len bytes,
 * always NUL-terminated; cut short when len is too small). */
void format_thousands(char *out, size_t len, unsigned long long v);

/* Writes s as text safe to show on a terminal into out (len bytes, always
 * NUL-terminated when len > 0; cut before a whole character or escape when
 * too small): printable UTF-8 as it is; a backslash as \\; C0 control
 * characters, DEL and each byte of invalid UTF-8 as \xHH; the C1 controls
 * U+0080 to U+009F (which terminals obey as well) as \u0080 to \u009f. So
 * a label holding "\x1b[2J" cannot clear the screen. Returns the length
 * the whole text needs (without the NUL), as snprintf does. */
size_t format_terminal(char *out, size_t len, const char *s);

/* Prints "digitpad: what: message" (or "digitpad: message" when what is
 * NULL) on stderr as one line: the one error printer, behind both faces'
 * own names (cli_error, options_error). */
void format_error_v(const char *what, const char *fmt, va_list ap);

#endif
