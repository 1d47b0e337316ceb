/* recent.c: the recently used models (recent.h). */
#define _XOPEN_SOURCE 700 // realpath
#include "recent.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/read_file.h"

bool recent_default_file(paths_getenv env, char *out, size_t len, dp_error *err)
{
    const char *xdg = env ? env("XDG_STATE_HOME") : getenv("XDG_STATE_HOME");
    const char *home = env ? env("HOME") : getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') // the spec: a relative XDG_STATE_HOME is ignored
        n = snprintf(out, len, "%s/digitpad/recent", xdg);
    else if (home && home[0])
        n = snprintf(out, len, "%s/.local/state/digitpad/recent", home);
    else
        return dp_fail(err, "neither XDG_STATE_HOME nor HOME is set");
    if (n < 0 || (size_t)n >= len)
        return dp_fail(err, "the recent models' file name is too long");
    return true;
}

void recent_init(recent *r, const char *file)
{
    memset(r, 0, sizeof *r);
    if (file && strlen(file) < sizeof r->file)
        memcpy(r->file, file, strlen(file) + 1);
}

/* Can the list hold this path: absolute, not too long, no control
 * characters (a newline would split it)? */
static bool usable(const char *p, size_t n)
{
    if (n == 0 || n >= RECENT_PATH_MAX || p[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return false;
    return true;
}

static bool holds(const recent *r, const char *p, size_t n)
{
    for (size_t i = 0; i < r->count; i++)
        if (strlen(r->paths[i]) == n && !memcmp(r->paths[i], p, n))
            return true;
    return false;
}

size_t recent_parse(recent *r, const char *buf, size_t len)
{
    r->count = 0;
    if (memchr(buf, '\0', len)) // not a text file: not one digitpad wrote
        return 0;
    size_t at = 0;
    while (at < len && r->count < RECENT_MAX) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - buf) : len;
        const char *p = buf + at;
        size_t n = end - at;
        if (n && p[n - 1] == '\r')
            n--;
        if (usable(p, n) && !holds(r, p, n)) {
            memcpy(r->paths[r->count], p, n);
            r->paths[r->count][n] = '\0';
            r->count++;
        }
        at = end + 1;
    }
    return r->count;
}

size_t recent_load(recent *r)
{
    r->count = 0;
    if (!r->file[0])
        return 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!dp_read_file(r->file, RECENT_FILE_MAX, &buf, &len, NULL))
        return 0; // missing, unreadable, too big or not a regular file: nothing recent
    recent_parse(r, (const char *)buf, len);
    free(buf);
    return r->count;
}

bool recent_add(recent *r, const char *path)
{
    if (!path || !path[0])
        return false;
    char abs[PATH_MAX > RECENT_PATH_MAX ? PATH_MAX : RECENT_PATH_MAX];
    if (!realpath(path, abs)) {
        if (path[0] == '/') {
            if (strlen(path) >= sizeof abs)
                return false;
            memcpy(abs, path, strlen(path) + 1);
        } else {
            char cwd[PATH_MAX];
            if (!getcwd(cwd, sizeof cwd))
                return false;
            int n = snprintf(abs, sizeof abs, "%s/%s", cwd, path);
            if (n < 0 || (size_t)n >= sizeof abs)
                return false;
        }
    }
    size_t n = strlen(abs);
    if (!usable(abs, n))
        return false;
    // Drop an older entry of it; shift the rest down one, the last falling off.
    size_t keep = r->count;
    for (size_t i = 0; i < keep; i++)
        if (!strcmp(r->paths[i], abs)) {
            memmove(r->paths[i], r->paths[i + 1], (keep - i - 1) * sizeof r->paths[0]);
            keep--;
            break;
        }
    if (keep == RECENT_MAX)
        keep--;
    memmove(r->paths[1], r->paths[0], keep * sizeof r->paths[0]);
    memcpy(r->paths[0], abs, n + 1);
    r->count = keep + 1;
    return true;
}

size_t recent_format(const recent *r, char *out, size_t len)
{
    size_t need = 0;
    if (len)
        out[0] = '\0';
    for (size_t i = 0; i < r->count; i++) {
        size_t n = strlen(r->paths[i]);
        if (need + n + 1 < len) {
            memcpy(out + need, r->paths[i], n);
            out[need + n] = '\n';
            out[need + n + 1] = '\0';
        }
        need += n + 1;
    }
    return need;
}

bool recent_save(const recent *r, dp_error *err)
{
    if (!r->file[0])
        return true;
    char dir[RECENT_PATH_MAX];
    memcpy(dir, r->file, strlen(r->file) + 1);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (!paths_make_dir(dir, err))
            return false;
    }
    size_t need = recent_format(r, NULL, 0);
    char *text = malloc(need + 1);
    if (!text)
        return dp_fail(err, "%s: out of memory", r->file);
    recent_format(r, text, need + 1);
    dp_error why = {{0}};
    bool ok = dp_write_file_atomic(r->file, text, need, &why);
    free(text);
    if (!ok)
        return dp_fail(err, "%s: %s", r->file, why.msg);
    return true;
}

bool recent_remember(recent *r, const char *path, dp_error *err)
{
    if (!recent_add(r, path))
        return true; // a path the list cannot hold is simply not remembered
    return recent_save(r, err);
}

size_t recent_count(const recent *r)
{
    return r->count;
}

const char *recent_get(const recent *r, size_t i)
{
    return i < r->count ? r->paths[i] : NULL;
}
