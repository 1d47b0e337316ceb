/* model_scan.c: the syntax check, kernel census and lean copy of a model
 * file's JSON (model_scan.h).
 *
 * The grammar accepted is cJSON's (1.7), so that a file loads exactly when
 * it loaded before: whitespace is any byte up to 0x20 inside the text; a
 * number is what strtod makes of the run of "0-9+-eE." that starts with '-'
 * or a digit (the whole run, as cJSON 1.7.18 and Debian's 1.7.15 copy it;
 * older ones took 63 bytes of it); strings take the
 * escapes \b \f \n \r \t \" \\ \/ and \uXXXX with paired surrogates; a
 * UTF-8 byte order mark may open a text of 5 bytes or more. */
#include "model_scan.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest magnitude that still rounds to a finite float: FLT_MAX plus half
 * of its last place. A double at or past it becomes infinity. */
#define FLOAT_OVERFLOW_EDGE 0x1.ffffffp+127

/* Numbers up to this long are converted in a buffer on the stack. */
#define NUMBER_SHORT 63

/* Where a value is: C_KERNEL a layer's "kernel", C_NAD the "not_a_digit"
 * object, C_NAD_MEANS and C_NAD_DIRECTIONS its two arrays of rows. */
enum ctx { C_PLAIN, C_ROOT, C_LAYERS, C_LAYER, C_KERNEL, C_NAD, C_NAD_MEANS, C_NAD_DIRECTIONS };

typedef struct scanner {
    const uint8_t *p;
    size_t len, i, depth;
    model_scan *res;
    // the lean copy: original bytes up to `copied` are in it
    char *out;
    size_t out_len, out_cap, copied;
    bool full; // past the value cap: nothing more is copied
    bool oom;
    // a failure other than a syntax error (its message is in err)
    bool failed;
    dp_error *err;
} scanner;

/* The top-level members model_file reads; the values of all others are
 * left out of the lean copy. */
static const char *const root_keys[] = {"format", "version",  "input",      "labels",
                                        "layers", "training", "not_a_digit"};

/* A syntax error at s->i (model_scan_text turns it into a line and column). */
static bool syntax(scanner *s)
{
    (void)s;
    return false;
}

static void skip_ws(scanner *s)
{
    while (s->i < s->len && s->p[s->i] <= 0x20)
        s->i++;
}

static void lean_put(scanner *s, const void *data, size_t n)
{
    if (s->full || s->oom)
        return;
    if (s->out_len + n + 1 > s->out_cap) {
        size_t cap = s->out_cap ? s->out_cap : 4096;
        while (cap < s->out_len + n + 1)
            cap *= 2;
        char *p = realloc(s->out, cap);
        if (!p) {
            s->oom = true;
            return;
        }
        s->out = p;
        s->out_cap = cap;
    }
    memcpy(s->out + s->out_len, data, n);
    s->out_len += n;
}

/* Puts the original text up to `start` in the lean copy, then `with`
 * instead of the text from `start` to the scanner's position. */
static void lean_replace(scanner *s, size_t start, const char *with)
{
    lean_put(s, s->p + s->copied, start - s->copied);
    lean_put(s, with, strlen(with));
    s->copied = s->i;
}

static const char *kind_at(const scanner *s)
{
    switch (s->p[s->i]) {
    case '{':
        return "an object";
    case '[':
        return "an array";
    case '"':
        return "a string";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

static bool is_number_start(uint8_t c)
{
    return c == '-' || (c >= '0' && c <= '9');
}

static bool is_number_char(uint8_t c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
}

/* How many bytes of p (n of them, all of "0-9+-eE.") strtod reads as a
 * decimal number: sign, digits with at most one point and at least one
 * digit, then an exponent only if digits follow it. 0 if none. */
static size_t number_length(const uint8_t *p, size_t n)
{
    size_t j = 0, digits = 0;
    if (j < n && (p[j] == '+' || p[j] == '-'))
        j++;
    while (j < n && p[j] >= '0' && p[j] <= '9')
        j++, digits++;
    if (j < n && p[j] == '.') {
        j++;
        while (j < n && p[j] >= '0' && p[j] <= '9')
            j++, digits++;
    }
    if (digits == 0)
        return 0;
    if (j < n && (p[j] == 'e' || p[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (p[k] == '+' || p[k] == '-'))
            k++;
        if (k < n && p[k] >= '0' && p[k] <= '9') {
            while (k < n && p[k] >= '0' && p[k] <= '9')
                k++;
            j = k;
        }
    }
    return j;
}

/* The number at p[0..len): its length (0 if it is not one). */
static size_t number_at(const uint8_t *p, size_t len)
{
    size_t run = 0;
    while (run < len && is_number_char(p[run]))
        run++;
    return number_length(p, run);
}

static bool parse_number(scanner *s)
{
    size_t n = number_at(s->p + s->i, s->len - s->i);
    if (n == 0)
        return syntax(s);
    s->i += n;
    return true;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at p, as cJSON reads them: anything else makes 0. */
static long hex4(const uint8_t *p)
{
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int d = hex_digit(p[k]);
        if (d < 0)
            return 0;
        v = v * 16 + d;
    }
    return v;
}

/* A string, in cJSON's two passes: its end is the first quote that no
 * backslash escapes; then every escape in it must be known and a \u must
 * have its four bytes (and a high surrogate its low one) before that end. */
static bool parse_string(scanner *s)
{
    size_t start = ++s->i, end = start; // past the opening quote
    while (end < s->len && s->p[end] != '"') {
        if (s->p[end] == '\\') {
            if (end + 1 >= s->len)
                return syntax(s);
            end++;
        }
        end++;
    }
    if (end >= s->len) {
        s->i = end;
        return syntax(s);
    }
    for (size_t i = start; i < end;) {
        if (s->p[i] != '\\') {
            i++;
            continue;
        }
        s->i = i;
        uint8_t e = s->p[i + 1];
        if (e != '\0' && strchr("bfnrt\"\\/", e)) {
            i += 2;
            continue;
        }
        if (e != 'u' || end - i < 6)
            return syntax(s);
        long code = hex4(s->p + i + 2);
        if (code >= 0xdc00 && code <= 0xdfff)
            return syntax(s);
        if (code >= 0xd800 && code <= 0xdbff) {
            if (end - i < 12 || s->p[i + 6] != '\\' || s->p[i + 7] != 'u')
                return syntax(s);
            long low = hex4(s->p + i + 8);
            if (low < 0xdc00 || low > 0xdfff)
                return syntax(s);
            i += 12;
        } else {
            i += 6;
        }
    }
    s->i = end + 1;
    return true;
}

static bool parse_literal(scanner *s)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (s->len - s->i >= n && !memcmp(s->p + s->i, words[k], n)) {
            s->i += n;
            return true;
        }
    }
    return syntax(s);
}

/* After a list's item (whitespace skipped): a ',' (and the whitespace after
 * it) means another item follows (1), the closing bracket ends the list (0),
 * anything else is a syntax error (-1). Arrays and objects share it. */
static int after_item(scanner *s, uint8_t close)
{
    if (s->i < s->len && s->p[s->i] == ',') {
        s->i++;
        skip_ws(s);
        return 1;
    }
    if (s->i < s->len && s->p[s->i] == close) {
        s->i++;
        return 0;
    }
    return -1;
}

static bool parse_value(scanner *s, enum ctx ctx, size_t layer, bool counted);

static bool enter(scanner *s)
{
    if (++s->depth > MODEL_SCAN_MAX_DEPTH) {
        s->failed = true;
        return dp_fail(s->err, "nested deeper than %d levels (at byte %zu)", MODEL_SCAN_MAX_DEPTH,
                       s->i);
    }
    s->i++;
    skip_ws(s);
    return true;
}

/* A row of a kernel: counts its values and notes the first that is not a
 * number, then the row's place in the kernel's census. */
static bool parse_kernel_row(scanner *s, model_kernel_span *k, size_t r)
{
    if (!enter(s))
        return false;
    size_t n = 0, bad_index = 0;
    const char *bad = NULL;
    if (s->i < s->len && s->p[s->i] == ']') {
        s->i++;
    } else {
        for (;;) {
            if (s->i >= s->len)
                return syntax(s);
            if (!bad && !is_number_start(s->p[s->i])) {
                bad = kind_at(s);
                bad_index = n;
            }
            if (!parse_value(s, C_PLAIN, 0, false))
                return false;
            n++;
            skip_ws(s);
            int more = after_item(s, ']');
            if (more < 0)
                return syntax(s);
            if (more == 0)
                break;
        }
    }
    s->depth--;
    if (r == 0)
        k->cols = n;
    if (k->problem != MODEL_KERNEL_OK)
        return true;
    if (r == 0 && n == 0) {
        k->problem = MODEL_KERNEL_EMPTY_ROW;
    } else if (r == 0 && n > MLP_MAX_UNITS) {
        k->problem = MODEL_KERNEL_WIDE_ROW;
        k->count = n;
    } else if (r > 0 && n != k->cols) {
        k->problem = MODEL_KERNEL_UNEVEN;
        k->count = n;
    } else if (bad) {
        k->problem = MODEL_KERNEL_NOT_NUMBER;
        k->index = bad_index;
        k->kind = bad;
    }
    if (k->problem != MODEL_KERNEL_OK)
        k->row = r;
    return true;
}

static bool parse_array(scanner *s, enum ctx ctx, size_t layer, bool counted)
{
    size_t start = s->i;
    model_kernel_span *k = NULL;
    if (ctx == C_KERNEL)
        k = &s->res->kernels[layer];
    else if (ctx == C_NAD_MEANS)
        k = &s->res->nad_means;
    else if (ctx == C_NAD_DIRECTIONS)
        k = &s->res->nad_directions;
    if (k) {
        memset(k, 0, sizeof *k);
        k->start = start;
    }
    if (!enter(s))
        return false;
    size_t n = 0;
    if (s->i < s->len && s->p[s->i] == ']') {
        s->i++;
    } else {
        for (;;) {
            if (s->i >= s->len)
                return syntax(s);
            bool ok;
            if (k) {
                if (s->p[s->i] == '[') {
                    ok = parse_kernel_row(s, k, n);
                } else {
                    if (k->problem == MODEL_KERNEL_OK) {
                        k->problem = MODEL_KERNEL_ROW_NOT_ARRAY;
                        k->row = n;
                        k->kind = kind_at(s);
                    }
                    ok = parse_value(s, C_PLAIN, 0, false);
                }
            } else if (ctx == C_LAYERS) {
                s->res->n_layers++;
                ok = parse_value(s, n < MLP_MAX_LAYERS && s->p[s->i] == '{' ? C_LAYER : C_PLAIN, n,
                                 counted);
            } else {
                ok = parse_value(s, C_PLAIN, 0, counted);
            }
            if (!ok)
                return false;
            n++;
            skip_ws(s);
            int more = after_item(s, ']');
            if (more < 0)
                return syntax(s);
            if (more == 0)
                break;
        }
    }
    s->depth--;
    if (k) {
        k->end = s->i;
        k->rows = n;
        if (ctx == C_KERNEL)
            s->res->has_kernel[layer] = true;
        else if (ctx == C_NAD_MEANS)
            s->res->has_nad_means = true;
        else
            s->res->has_nad_directions = true;
        lean_replace(s, start, "[]");
    }
    return true;
}

static bool key_is(const scanner *s, size_t start, const char *name)
{
    size_t n = strlen(name);
    // start is at the opening quote; the key ends one byte before s->i
    return s->i - start == n + 2 && !memcmp(s->p + start + 1, name, n);
}

static bool parse_object(scanner *s, enum ctx ctx, size_t layer, bool counted)
{
    if (!enter(s))
        return false;
    bool seen_layers = false, seen_kernel = false, seen_nad = false, seen_means = false,
         seen_directions = false;
    if (s->i < s->len && s->p[s->i] == '}') {
        s->i++;
        s->depth--;
        return true;
    }
    for (;;) {
        if (s->i >= s->len || s->p[s->i] != '"')
            return syntax(s);
        size_t key = s->i;
        if (!parse_string(s))
            return false;
        bool is_layers = false, unknown = false, is_nad = false;
        enum ctx rows_ctx = C_PLAIN; // C_KERNEL, C_NAD_MEANS or C_NAD_DIRECTIONS
        if (ctx == C_ROOT) {
            unknown = true;
            for (size_t k = 0; k < sizeof root_keys / sizeof root_keys[0]; k++)
                if (key_is(s, key, root_keys[k]))
                    unknown = false;
            if (!seen_layers && key_is(s, key, "layers"))
                is_layers = seen_layers = true;
            // cJSON's lookup finds the first member of a name: so does this
            if (!seen_nad && key_is(s, key, "not_a_digit"))
                is_nad = seen_nad = true;
        } else if (ctx == C_LAYER && !seen_kernel && key_is(s, key, "kernel")) {
            seen_kernel = true;
            rows_ctx = C_KERNEL;
        } else if (ctx == C_NAD && !seen_means && key_is(s, key, "means")) {
            seen_means = true;
            rows_ctx = C_NAD_MEANS;
        } else if (ctx == C_NAD && !seen_directions && key_is(s, key, "directions")) {
            seen_directions = true;
            rows_ctx = C_NAD_DIRECTIONS;
        }
        skip_ws(s);
        if (s->i >= s->len || s->p[s->i] != ':')
            return syntax(s);
        s->i++;
        skip_ws(s);
        if (s->i >= s->len)
            return syntax(s);
        size_t value = s->i;
        bool ok;
        if (unknown) {
            ok = parse_value(s, C_PLAIN, 0, false);
            if (ok)
                lean_replace(s, value, "null");
        } else if (is_layers) {
            ok = parse_value(s, s->p[s->i] == '[' ? C_LAYERS : C_PLAIN, 0, counted);
        } else if (rows_ctx != C_PLAIN && s->p[s->i] == '[') {
            if (counted && ++s->res->lean_values > MODEL_SCAN_MAX_VALUES)
                s->full = true;
            ok = parse_array(s, rows_ctx, layer, false);
        } else if (is_nad && s->p[s->i] == '{') {
            if (counted && ++s->res->lean_values > MODEL_SCAN_MAX_VALUES)
                s->full = true;
            ok = parse_object(s, C_NAD, 0, counted);
        } else {
            ok = parse_value(s, C_PLAIN, 0, counted);
        }
        if (!ok)
            return false;
        skip_ws(s);
        int more = after_item(s, '}');
        if (more < 0)
            return syntax(s);
        if (more == 0)
            break;
    }
    s->depth--;
    return true;
}

static bool parse_value(scanner *s, enum ctx ctx, size_t layer, bool counted)
{
    if (s->i >= s->len)
        return syntax(s);
    if (counted && ++s->res->lean_values > MODEL_SCAN_MAX_VALUES)
        s->full = true;
    uint8_t c = s->p[s->i];
    if (c == '{')
        return parse_object(s, ctx == C_ROOT || ctx == C_LAYER ? ctx : C_PLAIN, layer, counted);
    if (c == '[')
        return parse_array(s, ctx == C_LAYERS || ctx == C_KERNEL ? ctx : C_PLAIN, layer, counted);
    if (c == '"')
        return parse_string(s);
    if (is_number_start(c))
        return parse_number(s);
    return parse_literal(s);
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool model_scan_text(const uint8_t *buf, size_t len, model_scan *out, dp_error *err)
{
    memset(out, 0, sizeof *out);
    scanner s;
    memset(&s, 0, sizeof s);
    s.p = buf;
    s.len = len;
    s.res = out;
    s.err = err;
    // cJSON skips a byte order mark only in a text of 5 bytes or more. The
    // lean copy leaves it out.
    if (len >= 5 && !memcmp(buf, "\xef\xbb\xbf", 3))
        s.i = s.copied = 3;
    skip_ws(&s);
    bool ok = parse_value(&s, C_ROOT, 0, true);
    if (!ok && !s.failed) {
        size_t at = s.i < len ? s.i : len, line = 1, col = 1;
        for (size_t i = 0; i < at; i++) {
            if (buf[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        // Stopped by the end of the text: a file cut short (a copy or a save that did not finish).
        if (s.i >= len)
            dp_fail(err, "not JSON: the text ends at line %zu, column %zu before the JSON does "
                         "(a truncated file?)", line, col);
        else
            dp_fail(err, "not JSON: syntax error at line %zu, column %zu", line, col);
    }
    if (ok) {
        size_t after = s.i;
        while (after < len && is_space(buf[after]))
            after++;
        if (after < len)
            ok = dp_fail(err, "trailing data after the JSON at byte %zu", after);
    }
    if (ok && out->n_layers > MLP_MAX_LAYERS)
        ok = dp_fail(err, "layers: %zu layers, at most %d", out->n_layers, MLP_MAX_LAYERS);
    if (ok && s.full)
        ok = dp_fail(err, "more than %zu JSON values besides the kernels' numbers: too big for "
                          "a model", MODEL_SCAN_MAX_VALUES);
    if (ok) {
        lean_put(&s, buf + s.copied, s.i - s.copied);
        if (s.oom || !s.out)
            ok = dp_fail(err, "out of memory");
    }
    if (!ok) {
        free(s.out);
        memset(out, 0, sizeof *out);
        return false;
    }
    s.out[s.out_len] = '\0';
    out->lean = s.out;
    out->lean_len = s.out_len;
    return true;
}

void model_scan_destroy(model_scan *s)
{
    free(s->lean);
    memset(s, 0, sizeof *s);
}

bool model_scan_kernel(const uint8_t *buf, const model_kernel_span *k, float *dst,
                       const char *where, dp_error *err)
{
    const char point = localeconv()->decimal_point[0];
    size_t i = k->start + 1, end = k->end;
    for (size_t r = 0; r < k->rows; r++) {
        while (i < end && buf[i] != '[')
            i++;
        i++;
        for (size_t c = 0; c < k->cols; c++) {
            while (i < end && !is_number_start(buf[i]))
                i++;
            size_t n = number_at(buf + i, end - i);
            char short_text[NUMBER_SHORT + 1], *text = short_text;
            if (n > NUMBER_SHORT && !(text = malloc(n + 1)))
                return dp_fail(err, "out of memory");
            memcpy(text, buf + i, n);
            text[n] = '\0';
            for (size_t j = 0; j < n; j++)
                if (text[j] == '.')
                    text[j] = point;
            double d = strtod(text, NULL);
            if (text != short_text)
                free(text);
            if (!(fabs(d) < FLOAT_OVERFLOW_EDGE))
                return dp_fail(err, "%s[%zu][%zu]: %g is not a finite float", where, r, c, d);
            *dst++ = (float)d;
            i += n;
        }
        while (i < end && buf[i] != ']')
            i++;
        i++;
    }
    return true;
}
