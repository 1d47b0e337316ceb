/* flags.h: command-line options, the same for the CLI and the window.
 *
 * Every option takes its value as "--flag VALUE" or "--flag=VALUE". The
 * number parsers are strict: the whole text must be the number (no sign
 * where none is allowed, no leading or trailing blanks, nothing after it),
 * within the range given. Nothing here prints: a failure returns false
 * with a one-line message in err that already names the flag ("--epochs:
 * 'x' is not a whole number"), for the face to show its own way (the CLI
 * prints "digitpad: " and it). */
#ifndef DIGITPAD_FLAGS_H
#define DIGITPAD_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model_meta.h"

/* The largest seed digitpad accepts: a model file keeps its seed as a JSON
 * number, which readers hold as a double, exact for integers up to 2^53
 * (docs/model-format.md); a larger seed could not be saved and read back,
 * so it is refused before training rather than at the save after it. */
#define FLAGS_MAX_SEED MODEL_MAX_SEED

/* Whether argv[*i] is the option `name` ("--model"): as "--model FILE"
 * (then *i moves past FILE) or "--model=FILE". When it is, returns true
 * with *value pointing into argv; a missing value ("--model" last) sets
 * *value NULL and says so in err. Not this option: false, nothing set. */
bool flags_opt(int argc, char **argv, int *i, const char *name, const char **value,
               dp_error *err);

/* A whole number in [min, max] ("32"). s NULL: "needs a value". */
bool flags_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out,
                      dp_error *err);

/* A whole number from 0 to max (UINT64_MAX allowed). */
bool flags_parse_u64(const char *flag, const char *s, uint64_t max, uint64_t *out, dp_error *err);

/* A seed: a whole number from 0 to FLAGS_MAX_SEED. */
bool flags_parse_seed(const char *flag, const char *s, uint64_t *out, dp_error *err);

/* A finite number in [min, max] ("0.001", "1e-3"). */
bool flags_parse_float(const char *flag, const char *s, double min, double max, double *out,
                       dp_error *err);

/* Hidden layer widths, "128" or "256,128,64": each 1 to 4096, at most max
 * of them, into out[0..*n). */
bool flags_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n,
                        dp_error *err);

#endif
