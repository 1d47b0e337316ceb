#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "model_file.h"

void cli_error(const char *what, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (what)
        fprintf(stderr, "digitpad: %s: %s\n", what, msg);
    else
        fprintf(stderr, "digitpad: %s\n", msg);
}

bool cli_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out)
{
    if (!s) {
        cli_error(flag, "needs a value");
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || *end != '\0' || errno == ERANGE) {
        cli_error(flag, "'%s' is not a whole number", s);
        return false;
    }
    if (v < min || v > max) {
        cli_error(flag, "%s is out of range (%zu to %zu)", s, min, max);
        return false;
    }
    *out = (size_t)v;
    return true;
}

bool cli_parse_u64(const char *flag, const char *s, unsigned long long *out)
{
    if (!s) {
        cli_error(flag, "needs a value");
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || *end != '\0' || errno == ERANGE) {
        cli_error(flag, "'%s' is not a whole number from 0 to 18446744073709551615", s);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_float(const char *flag, const char *s, double min, double max, double *out)
{
    if (!s) {
        cli_error(flag, "needs a value");
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        cli_error(flag, "'%s' is not a number", s);
        return false;
    }
    if (!(v >= min && v <= max)) {
        cli_error(flag, "%s is out of range (%g to %g)", s, min, max);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n)
{
    if (!s) {
        cli_error(flag, "needs a value");
        return false;
    }
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        if (*p < '0' || *p > '9') {
            cli_error(flag, "'%s' is not a list of layer widths like 128 or 256,128,64", s);
            return false;
        }
        unsigned long long v = strtoull(p, &end, 10);
        if (errno == ERANGE || v < 1 || v > 4096) {
            cli_error(flag, "layer width in '%s' must be 1 to 4096", s);
            return false;
        }
        if (*n == max) {
            cli_error(flag, "at most %zu hidden layers", max);
            return false;
        }
        out[(*n)++] = (size_t)v;
        if (*end == '\0')
            return true;
        if (*end != ',') {
            cli_error(flag, "'%s' is not a list of layer widths like 128 or 256,128,64", s);
            return false;
        }
        p = end + 1;
    }
}

bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
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
        cli_error(name, "needs a value");
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

void cli_thousands(char *out, size_t len, unsigned long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

const char *cli_default_model_path(void)
{
    static char path[4096];
    const char *name = "mnist-784-128-10.json";
    const char *env = getenv("DIGITPAD_MODELS");
    const char *dirs[] = {env, DIGITPAD_SOURCE_DIR "/models", DIGITPAD_MODELS_DIR, "models"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i] || !dirs[i][0])
            continue;
        snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        if (access(path, R_OK) == 0)
            return path;
    }
    snprintf(path, sizeof path, "%s/%s", DIGITPAD_SOURCE_DIR "/models", name);
    return path;
}

bool cli_load_model(const char **path, mlp *net, model_meta *meta)
{
    if (!*path)
        *path = cli_default_model_path();
    dp_error err;
    if (model_file_load(*path, net, meta, &err))
        return true;
    cli_error(*path, "%s", err.msg);
    return false;
}
