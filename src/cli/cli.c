/* cli.c: the CLI's one error printer, and the old option and formatting
 * names as thin wrappers over src/common for code not yet moved to it. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "flags.h"
#include "format.h"
#include "model_load.h"
#include "paths.h"

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

void cli_json_string(FILE *f, const char *s)
{
    char small[512];
    size_t need = json_string(small, sizeof small, s);
    if (need < sizeof small) {
        fputs(small, f);
        return;
    }
    char *big = malloc(need + 1);
    if (big) {
        json_string(big, need + 1, s);
        fputs(big, f);
        free(big);
    } else {
        fputs(small, f); // cut short, still a valid JSON string
    }
}

int cli_fail(const dp_error *err)
{
    fprintf(stderr, "digitpad: %s\n", err->msg);
    return 2;
}

/* ---- the old names (src/app uses them until it moves to src/common) ---- */

static bool shown(bool ok, const dp_error *err)
{
    if (!ok)
        fprintf(stderr, "digitpad: %s\n", err->msg);
    return ok;
}

bool cli_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out)
{
    dp_error err;
    return shown(flags_parse_size(flag, s, min, max, out, &err), &err);
}

bool cli_parse_u64(const char *flag, const char *s, unsigned long long *out)
{
    dp_error err;
    uint64_t v;
    if (!shown(flags_parse_u64(flag, s, UINT64_MAX, &v, &err), &err))
        return false;
    *out = v;
    return true;
}

bool cli_parse_float(const char *flag, const char *s, double min, double max, double *out)
{
    dp_error err;
    return shown(flags_parse_float(flag, s, min, max, out, &err), &err);
}

bool cli_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n)
{
    dp_error err;
    return shown(flags_parse_layers(flag, s, out, max, n, &err), &err);
}

bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    dp_error err;
    if (!flags_opt(argc, argv, i, name, value, &err))
        return false;
    if (!*value)
        fprintf(stderr, "digitpad: %s\n", err.msg);
    return true;
}

void cli_thousands(char *out, size_t len, unsigned long long v)
{
    format_thousands(out, len, v);
}

const char *cli_default_model_path(void)
{
    static char path[PATHS_MAX];
    paths_bundled_model(NULL, path, sizeof path);
    return path;
}

bool cli_load_model(const char **path, mlp *net, model_meta *meta)
{
    static char used[PATHS_MAX];
    dp_error err;
    bool ok = model_load(*path, NULL, net, meta, used, sizeof used, &err);
    *path = used;
    return shown(ok, &err);
}
