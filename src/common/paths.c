/* paths.c: XDG folders, the bundled model, where MNIST is (paths.h). */
#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dataset.h"

static const char *get(paths_getenv env, const char *name)
{
    const char *v = env ? env(name) : getenv(name);
    return v && v[0] ? v : NULL;
}

/* snprintf that reports a cut as failure. */
static bool put(char *out, size_t len, const char *what, const char *fmt, const char *a,
                const char *b, dp_error *err)
{
    int n = snprintf(out, len, fmt, a, b);
    if (n < 0 || (size_t)n >= len)
        return dp_fail(err, "%s: path is too long", what);
    return true;
}

bool paths_data_home(paths_getenv env, char *out, size_t len, dp_error *err)
{
    const char *xdg = get(env, "XDG_DATA_HOME"), *home = get(env, "HOME");
    if (xdg && xdg[0] == '/') // the spec: a relative XDG_DATA_HOME is ignored
        return put(out, len, xdg, "%s/%s", xdg, "digitpad", err);
    if (home)
        return put(out, len, home, "%s/%s", home, ".local/share/digitpad", err);
    return dp_fail(err, "neither XDG_DATA_HOME nor HOME is set");
}

bool paths_make_dir(const char *dir, dp_error *err)
{
    char path[PATHS_MAX];
    if (!put(path, sizeof path, dir, "%s%s", dir, "", err))
        return false;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        bool ok = mkdir(path, 0755) == 0 || errno == EEXIST;
        *p = '/';
        if (!ok)
            return dp_fail(err, "%s: cannot create: %s", dir, strerror(errno));
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return dp_fail(err, "%s: cannot create: %s", dir, strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return dp_fail(err, "%s: not a folder", dir);
    return true;
}

bool paths_models_dir(paths_getenv env, bool create, char *out, size_t len, dp_error *err)
{
    char home[PATHS_MAX];
    if (!paths_data_home(env, home, sizeof home, err) ||
        !put(out, len, home, "%s/%s", home, "models", err))
        return false;
    return !create || paths_make_dir(out, err);
}

bool paths_new_model_path(paths_getenv env, char *out, size_t len, dp_error *err)
{
    char dir[PATHS_MAX];
    if (!paths_models_dir(env, true, dir, sizeof dir, err))
        return false;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 1; i < 100; i++) {
        char name[64];
        if (i == 1)
            snprintf(name, sizeof name, "digitpad-%s.json", stamp);
        else
            snprintf(name, sizeof name, "digitpad-%s-%d.json", stamp, i);
        if (!put(out, len, dir, "%s/%s", dir, name, err))
            return false;
        if (access(out, F_OK) != 0)
            return true;
    }
    return dp_fail(err, "%s: too many saves this second", dir);
}

/* name in the first of the bundled models' folders that holds it, into
 * out; false (out undefined) when none does. */
static bool find_bundled(paths_getenv env, const char *name, char *out, size_t len)
{
    const char *dirs[] = {get(env, "DIGITPAD_MODELS"), DIGITPAD_SOURCE_DIR "/models",
                          DIGITPAD_MODELS_DIR, "models"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i])
            continue;
        int n = snprintf(out, len, "%s/%s", dirs[i], name);
        if (n > 0 && (size_t)n < len && access(out, R_OK) == 0)
            return true;
    }
    return false;
}

void paths_bundled_model(paths_getenv env, char *out, size_t len)
{
    if (!find_bundled(env, PATHS_BUNDLED_MODEL, out, len))
        snprintf(out, len, "%s/%s", DIGITPAD_SOURCE_DIR "/models", PATHS_BUNDLED_MODEL);
}

void paths_window_model(paths_getenv env, char *out, size_t len)
{
    if (!find_bundled(env, PATHS_WINDOW_MODEL, out, len))
        paths_bundled_model(env, out, len);
}

size_t paths_mnist_places(paths_getenv env, char places[PATHS_MNIST_PLACES][PATHS_MAX])
{
    size_t n = 0;
    const char *data = get(env, "DIGITPAD_DATA");
    if (data && put(places[n], PATHS_MAX, data, "%s%s", data, "", NULL))
        n++;
    snprintf(places[n++], PATHS_MAX, "data/mnist");
    char home[PATHS_MAX];
    if (paths_data_home(env, home, sizeof home, NULL) &&
        put(places[n], PATHS_MAX, home, "%s/%s", home, "mnist", NULL))
        n++;
    // A build run from elsewhere still finds the data its source tree fetched.
    snprintf(places[n++], PATHS_MAX, "%s", DIGITPAD_SOURCE_DIR "/data/mnist");
    return n;
}

bool paths_find_mnist_split(const char *dir, paths_getenv env, const char *prefix, char *out,
                            size_t len, dp_error *err)
{
    char places[PATHS_MNIST_PLACES][PATHS_MAX];
    size_t n = dir ? 0 : paths_mnist_places(env, places);
    const char *list[PATHS_MNIST_PLACES];
    for (size_t i = 0; i < n; i++)
        list[i] = places[i];
    return dataset_find_split(dir, list, n, prefix, out, len, err);
}

bool paths_find_mnist(const char *dir, paths_getenv env, char *out, size_t len, dp_error *err)
{
    return paths_find_mnist_split(dir, env, "train", out, len, err);
}
