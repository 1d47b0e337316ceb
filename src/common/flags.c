/* flags.c: option matching and strict number parsing (flags.h). */
#include "flags.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

bool flags_opt(int argc, char **argv, int *i, const char *name, const char **value,
               dp_error *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *value = NULL;
        dp_fail(err, "%s: needs a value", name);
        return true;
    }
    *value = argv[++*i];
    return true;
}

/* Digits only, at least one: strtoull alone would take blanks, a sign and
 * "0x" before them. */
static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool flags_parse_u64(const char *flag, const char *s, uint64_t max, uint64_t *out, dp_error *err)
{
    if (!s)
        return dp_fail(err, "%s: needs a value", flag);
    errno = 0;
    unsigned long long v = all_digits(s) ? strtoull(s, NULL, 10) : 0;
    if (!all_digits(s) || errno == ERANGE)
        return dp_fail(err, "%s: '%s' is not a whole number from 0 to %llu", flag, s,
                       (unsigned long long)max);
    if (v > max)
        return dp_fail(err, "%s: %s is out of range (0 to %llu)", flag, s,
                       (unsigned long long)max);
    *out = (uint64_t)v;
    return true;
}

bool flags_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out,
                      dp_error *err)
{
    if (!s)
        return dp_fail(err, "%s: needs a value", flag);
    errno = 0;
    unsigned long long v = all_digits(s) ? strtoull(s, NULL, 10) : 0;
    if (!all_digits(s) || errno == ERANGE)
        return dp_fail(err, "%s: '%s' is not a whole number", flag, s);
    if (v < min || v > max)
        return dp_fail(err, "%s: %s is out of range (%zu to %zu)", flag, s, min, max);
    *out = (size_t)v;
    return true;
}

bool flags_parse_seed(const char *flag, const char *s, uint64_t *out, dp_error *err)
{
    if (!s)
        return dp_fail(err, "%s: needs a value", flag);
    errno = 0;
    unsigned long long v = all_digits(s) ? strtoull(s, NULL, 10) : 0;
    if (!all_digits(s) || errno == ERANGE || v > FLAGS_MAX_SEED)
        return dp_fail(err, "%s: '%s' is not a whole number from 0 to 2^53 = %llu (the largest "
                       "a model file keeps exactly)", flag, s, (unsigned long long)FLAGS_MAX_SEED);
    *out = (uint64_t)v;
    return true;
}

bool flags_parse_float(const char *flag, const char *s, double min, double max, double *out,
                       dp_error *err)
{
    if (!s)
        return dp_fail(err, "%s: needs a value", flag);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    // strtod skips leading blanks: refuse them as the whole-number parsers do.
    bool blank = s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r');
    if (s[0] == '\0' || blank || *end != '\0' || errno == ERANGE || !isfinite(v))
        return dp_fail(err, "%s: '%s' is not a number", flag, s);
    if (!(v >= min && v <= max))
        return dp_fail(err, "%s: %s is out of range (%g to %g)", flag, s, min, max);
    *out = v;
    return true;
}

bool flags_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n,
                        dp_error *err)
{
    if (!s)
        return dp_fail(err, "%s: needs a value", flag);
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        if (*p < '0' || *p > '9')
            return dp_fail(err, "%s: '%s' is not a list of layer widths like 128 or 256,128,64",
                           flag, s);
        unsigned long long v = strtoull(p, &end, 10);
        if (errno == ERANGE || v < 1 || v > MLP_MAX_UNITS)
            return dp_fail(err, "%s: layer width in '%s' must be 1 to %d", flag, s,
                           MLP_MAX_UNITS);
        if (*n == max)
            return dp_fail(err, "%s: at most %zu hidden layers", flag, max);
        out[(*n)++] = (size_t)v;
        if (*end == '\0')
            return true;
        if (*end != ',')
            return dp_fail(err, "%s: '%s' is not a list of layer widths like 128 or 256,128,64",
                           flag, s);
        p = end + 1;
    }
}
