/* atomic_file.c: saving a file so that it is either the old one or the
 * new one, never half of either (atomic_file.h). */
#include "atomic_file.h"

#include "read_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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

/* A temporary's name is "<stem>.tmp-<pid>-XXXXXX", the stem being the
 * file's name, or as much of it as leaves room for the suffix within
 * NAME_MAX: a 250-byte name still gets a temporary (issue 14). */
#define TEMP_SUFFIX_ROOM 32 // ".tmp-" + a pid of up to 20 digits + "-XXXXXX" is at most 32

static size_t temp_stem_len(const char *base)
{
    size_t n = strlen(base), room = NAME_MAX - TEMP_SUFFIX_ROOM;
    return n < room ? n : room;
}

/* A new mkstemp template "<folder>/<stem>.tmp-<pid>-XXXXXX" beside target
 * (caller frees), with the length of target's folder part (through its last
 * '/') in *dir_len; NULL when out of memory. */
static char *temp_template(const char *target, size_t *dir_len)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t stem = temp_stem_len(base);
    *dir_len = (size_t)(base - target);
    char suffix[48];
    snprintf(suffix, sizeof suffix, ".tmp-%ld-XXXXXX", (long)getpid());
    size_t suffix_len = strlen(suffix);
    char *tmp = malloc(*dir_len + stem + suffix_len + 1);
    if (tmp) {
        memcpy(tmp, target, *dir_len + stem);
        memcpy(tmp + *dir_len + stem, suffix, suffix_len + 1);
    }
    return tmp;
}

/* One whose process is gone was left by a save that was killed mid-write:
 * remove it. */
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
    size_t base_len = temp_stem_len(base);
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

/* The file a save to path replaces: path itself, or the end of its chain of
 * symbolic links (created when the last link dangles), so that the save
 * writes through a link to its target, in the target's folder, and the
 * link stays a link. A new string (caller frees), or NULL with err. */
static char *save_target(const char *path, dp_error *err)
{
    char *p = strdup(path);
    for (int hops = 0; p; hops++) {
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
            return p; // the file (or a new one, or an error the save will meet and name)
        if (hops == 40) {
            free(p);
            dp_fail(err, "a loop of symbolic links");
            return NULL;
        }
        char link[4096];
        ssize_t n = readlink(p, link, sizeof link - 1);
        if (n < 0) {
            int e = errno;
            free(p);
            dp_fail(err, "cannot read the symbolic link: %s", strerror(e));
            return NULL;
        }
        link[n] = '\0';
        const char *slash = strrchr(p, '/');
        char *next;
        if (link[0] == '/' || !slash) {
            next = strdup(link);
        } else {
            // A relative target is relative to the link's own folder.
            size_t dir_len = (size_t)(slash - p) + 1;
            next = malloc(dir_len + (size_t)n + 1);
            if (next) {
                memcpy(next, p, dir_len);
                memcpy(next + dir_len, link, (size_t)n + 1);
            }
        }
        free(p);
        p = next;
    }
    dp_fail(err, "out of memory");
    return NULL;
}

bool dp_write_file_atomic(const char *path, const void *data, size_t len, dp_error *err)
{
    return dp_write_file_atomic_noted(path, data, len, NULL, 0, err);
}

bool dp_write_file_atomic_noted(const char *path, const void *data, size_t len, char *note,
                                size_t note_len, dp_error *err)
{
    if (note && note_len)
        note[0] = '\0';
    if (path[0] == '\0')
        return dp_fail(err, "empty file name");
    char *target = save_target(path, err);
    if (!target)
        return false;

    // What is there now: a regular file keeps its permissions and owner;
    // anything else (a device, a FIFO, a folder) is refused, never replaced.
    struct stat old;
    bool had = lstat(target, &old) == 0;
    if (had && !S_ISREG(old.st_mode)) {
        free(target);
        return dp_fail(err, "is %s, not a regular file: not replaced", dp_file_kind(old.st_mode));
    }
    if (had && old.st_nlink > 1 && note && note_len)
        snprintf(note, note_len, "it had %ju hard links; the save gave this name a file of its "
                 "own, the other names keep the old contents", (uintmax_t)old.st_nlink);

    dp_sweep_stale_temps(target);
    size_t dir_len;
    char *tmp = temp_template(target, &dir_len);
    if (!tmp) {
        free(target);
        return dp_fail(err, "out of memory");
    }

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        free(target);
        return dp_fail(err, "cannot create a temporary file next to it: %s", strerror(e));
    }
    const char *step = "cannot set the permissions of the temporary file";
    if (fchmod(fd, had ? old.st_mode & 07777 : 0644) != 0)
        goto fail;
    if (had && (old.st_uid != geteuid() || old.st_gid != getegid()) &&
        fchown(fd, old.st_uid, old.st_gid) != 0) {
        // Only root can give a file away; the owner may still set the group.
        if (fchown(fd, (uid_t)-1, old.st_gid) != 0 && note && note_len && !note[0])
            snprintf(note, note_len, "it now belongs to you: its owner could not be kept");
    }
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
    if (rename(tmp, target) != 0)
        goto fail;
    free(tmp);
    bool synced = sync_dir_of(target, err);
    free(target);
    return synced;

fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    free(target);
    return dp_fail(err, "%s: %s", step, strerror(e));
}

bool dp_check_atomic_write(const char *path, dp_error *err)
{
    if (path[0] == '\0')
        return dp_fail(err, "empty file name");
    char *target = save_target(path, err);
    if (!target)
        return false;
    struct stat st;
    if (lstat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
        free(target);
        return dp_fail(err, "is %s, not a regular file: not replaced", dp_file_kind(st.st_mode));
    }
    size_t dir_len;
    char *tmp = temp_template(target, &dir_len);
    if (!tmp) {
        free(target);
        return dp_fail(err, "out of memory");
    }
    // The folder, as the save will meet it.
    char *dir = strndup(target, dir_len > 1 ? dir_len - 1 : dir_len); // without its last '/'
    bool ok = dir != NULL;
    if (!ok) {
        dp_fail(err, "out of memory");
    } else if (dir_len > 0 && stat(dir, &st) != 0) {
        ok = dp_fail(err, "cannot save in the folder %s: %s", dir, strerror(errno));
    } else if (dir_len > 0 && !S_ISDIR(st.st_mode)) {
        ok = dp_fail(err, "cannot save in %s: it is %s, not a folder", dir,
                     dp_file_kind(st.st_mode));
    } else {
        int fd = mkstemp(tmp);
        if (fd < 0) {
            ok = dp_fail(err, "cannot create a file in the folder %s: %s", dir_len ? dir : ".",
                         strerror(errno));
        } else {
            close(fd);
            unlink(tmp);
        }
    }
    free(dir);
    free(tmp);
    free(target);
    return ok;
}
