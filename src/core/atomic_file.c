/* atomic_file.c: saving a file so that it is either the old one or the
 * new one, never half of either (atomic_file.h). */
#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Flushes the folder holding path, so that a rename in it survives a crash.
 * Some file systems cannot sync a folder (EINVAL): that is not an error. */
static bool sync_dir_of(const char *path, dp_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return dp_fail(err, "out of memory");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return dp_fail(err, "saved, but cannot open its folder to flush it: %s", strerror(errno));
    bool ok = true;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        ok = dp_fail(err, "saved, but flushing its folder failed: %s", strerror(errno));
    close(fd);
    return ok;
}

/* Temporary files are named "<file>.tmp-<pid>-XXXXXX". One whose process
 * is gone was left by a save that was killed mid-write: remove it. */
size_t dp_sweep_stale_temps(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return 0;
    size_t base_len = strlen(base);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, ".tmp-", 5) != 0)
            continue;
        const char *p = name + base_len + 5;
        char *end;
        errno = 0;
        long pid = strtol(p, &end, 10);
        if (errno || end == p || *end != '-' || pid <= 0 || strlen(end + 1) != 6)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; // its process still runs (or is not ours to judge)
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", dir, name);
        if (unlink(full) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

bool dp_write_file_atomic(const char *path, const void *data, size_t len, dp_error *err)
{
    size_t n = strlen(path);
    if (n == 0)
        return dp_fail(err, "empty file name");
    dp_sweep_stale_temps(path);
    char suffix[48];
    snprintf(suffix, sizeof suffix, ".tmp-%ld-XXXXXX", (long)getpid());
    size_t suffix_len = strlen(suffix);
    char *tmp = malloc(n + suffix_len + 1);
    if (!tmp)
        return dp_fail(err, "out of memory");
    memcpy(tmp, path, n);
    memcpy(tmp + n, suffix, suffix_len + 1);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return dp_fail(err, "cannot create a temporary file next to it: %s", strerror(e));
    }
    const char *step = "cannot set the permissions of the temporary file";
    if (fchmod(fd, 0644) != 0)
        goto fail;
    step = "cannot write";
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            goto fail;
        }
        p += w;
        left -= (size_t)w;
    }
    step = "cannot flush to disk";
    if (fsync(fd) != 0)
        goto fail;
    step = "cannot close the temporary file";
    int rc = close(fd);
    fd = -1;
    if (rc != 0)
        goto fail;
    step = "cannot replace the file";
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    return sync_dir_of(path, err);

fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return dp_fail(err, "%s: %s", step, strerror(e));
}
