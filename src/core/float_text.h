/* float_text.h: numbers as the shortest text that reads back exactly.
 *
 * The one float formatter of digitpad: the model writer prints every weight
 * with it (so save -> load -> save gives the same bytes), and the faces
 * print through it (src/common/format.h). Both functions write the C
 * locale's text ('.' as the decimal point) as long as LC_NUMERIC is "C",
 * which it is in a program that never calls setlocale; model_file_write
 * sets it around itself. */
#ifndef DIGITPAD_FLOAT_TEXT_H
#define DIGITPAD_FLOAT_TEXT_H

#include <stddef.h>

/* Room for any float_text result and its NUL ("-1.23456789e-38"). */
#define FLOAT_TEXT_MAX 32
/* Room for any float_text_double result and its NUL. */
#define FLOAT_TEXT_DOUBLE_MAX 40

/* Writes the shortest of printf's %.1g ... %.9g that reads back as exactly
 * f, both by strtof and by strtod then a cast to float (cJSON's way), into
 * out (FLOAT_TEXT_MAX bytes). Zero is "0" or "-0". f must be finite.
 * Returns the length. */
size_t float_text(char *out, float f);

/* The same for a double: the first of %.15g, %.16g, %.17g that strtod
 * reads back exactly (0.001 stays "0.001"), into out
 * (FLOAT_TEXT_DOUBLE_MAX bytes). Returns the length. */
size_t float_text_double(char *out, double d);

#endif
