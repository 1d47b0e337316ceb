/* json_string.h: the one JSON string escaper of digitpad.
 *
 * Used by the model writer for labels and the dataset name, and by the
 * window's --print-events writer (through src/common/format.h) for paths,
 * labels and messages: one rule for every JSON text digitpad prints. */
#ifndef DIGITPAD_JSON_STRING_H
#define DIGITPAD_JSON_STRING_H

#include <stddef.h>

/* Writes s as a JSON string, quotes included, into out (out_len bytes,
 * NUL-terminated when out_len > 0): '"' and '\\' escaped, \b \f \n \r \t
 * as such, other control characters and DEL as \u00XX, valid UTF-8 as it
 * is, and each byte of invalid UTF-8 as \ufffd (so the result is always
 * valid JSON, whatever a path or a file held). When out is too small the
 * string is cut before a whole character or escape and still closed with
 * its quote (out_len >= 3); with out_len < 3 out gets "" or nothing.
 * Returns the length the whole string needs (without the NUL), as
 * snprintf does: out NULL and out_len 0 measure it. */
size_t json_string(char *out, size_t out_len, const char *s);

#endif
