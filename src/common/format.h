/* format.h: numbers and text as both faces show them.
 *
 * The JSON string escaper and the shortest round-trip float live in the
 * core (json_string.h, float_text.h), where the model writer needs them;
 * they are included here so that a face needs only this header: one rule
 * for every JSON string and every float digitpad prints. */
#ifndef DIGITPAD_FORMAT_H
#define DIGITPAD_FORMAT_H

#include <stddef.h>

#include "float_text.h"  // float_text, float_text_double
#include "json_string.h" // json_string

/* Writes v with thousands separators ("101,770") into out (len bytes,
 * always NUL-terminated; cut short when len is too small). */
void format_thousands(char *out, size_t len, unsigned long long v);

#endif
