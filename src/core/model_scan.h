/* model_scan.h: one pass over a model file's JSON before cJSON sees it.
 *
 * cJSON spends about 64 bytes on every value it parses, so a model file read
 * whole through it costs some 6 times its size, and a file padded with a
 * big member nobody reads (a "comment" of 50 million numbers) costs
 * gigabytes. model_scan_text checks the whole text's syntax as cJSON would
 * read it (without building anything), and makes a lean copy for cJSON in
 * which
 *   - the first "kernel" array of each of the first MLP_MAX_LAYERS layers,
 *     and the "means" and "directions" arrays of the "not_a_digit" object,
 *     are replaced by [] (their rows are counted and checked here, and
 *     their numbers read by model_scan_kernel straight from the original
 *     text),
 *   - the value of every top-level member the format does not define is
 *     replaced by null (readers ignore such members).
 * What is left is small (labels, biases, history), and its number of values
 * is capped. Memory for reading a model is then the file, the network and
 * a little for the rest. */
#ifndef DIGITPAD_MODEL_SCAN_H
#define DIGITPAD_MODEL_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mlp.h"

/* Nesting deeper than this is refused: the format needs five levels. */
#define MODEL_SCAN_MAX_DEPTH 64
/* Values cJSON may see in the lean copy (64 MiB of cJSON nodes at most). */
#define MODEL_SCAN_MAX_VALUES ((size_t)1 << 20)

/* The first thing wrong with a kernel, in the order model_file reports it:
 * rows are looked at in turn, and in a row its kind, then its length, then
 * its values' kinds. */
typedef enum model_kernel_problem {
    MODEL_KERNEL_OK,
    MODEL_KERNEL_ROW_NOT_ARRAY, // row `row` is `kind`
    MODEL_KERNEL_EMPTY_ROW,     // row 0 has no values
    MODEL_KERNEL_WIDE_ROW,      // row 0 has `count` > MLP_MAX_UNITS values
    MODEL_KERNEL_UNEVEN,        // row `row` has `count` values, not cols
    MODEL_KERNEL_NOT_NUMBER,    // value `index` of row `row` is `kind`
} model_kernel_problem;

typedef struct model_kernel_span {
    size_t start, end; // the array's '[' and one past its ']' in the original text
    size_t rows, cols; // cols: the length of row 0
    model_kernel_problem problem;
    size_t row, index, count;
    const char *kind; // "a string", "an object", ...
} model_kernel_span;

typedef struct model_scan {
    char *lean;      // (lean_len + 1) bytes, NUL-terminated, owned
    size_t lean_len;
    size_t lean_values;
    size_t n_layers; // elements of the first "layers" array, if it is one
    bool has_kernel[MLP_MAX_LAYERS];
    model_kernel_span kernels[MLP_MAX_LAYERS];
    // the first "not_a_digit" member's first "means" and "directions", when
    // they are arrays
    bool has_nad_means, has_nad_directions;
    model_kernel_span nad_means, nad_directions;
} model_scan;

/* Checks buf's syntax (one JSON value, then only whitespace), nesting and
 * caps, and fills *out (model_scan_destroy frees it). On failure nothing is
 * left to free and err says what is wrong as model_file reports it: "not
 * JSON: syntax error at line 3, column 14", "trailing data after the JSON
 * at byte 120", "nested deeper than 64 levels (at byte 9)", "layers:
 * 1000000 layers, at most 16". */
bool model_scan_text(const uint8_t *buf, size_t len, model_scan *out, dp_error *err);
void model_scan_destroy(model_scan *s);

/* Reads the numbers of a kernel that model_scan_text found without a
 * problem into dst (rows * cols floats, row-major), as cJSON would read them
 * (strtod), refusing a number past the range of a float with "WHERE[r][i]:
 * 1e+39 is not a finite float". buf is the original text. */
bool model_scan_kernel(const uint8_t *buf, const model_kernel_span *k, float *dst,
                       const char *where, dp_error *err);

#endif
