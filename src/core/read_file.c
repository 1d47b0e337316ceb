/* read_file.c: opening what the user names without hanging on it, and
 * reading it whole (read_file.h). */
#include "read_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *dp_file_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

int dp_open_regular(const char *path, struct stat *st, dp_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP)
            dp_fail(err, "cannot open: a loop of symbolic links");
        else
            dp_fail(err, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat s;
    if (fstat(fd, &s) != 0) {
        int e = errno;
        close(fd);
        dp_fail(err, "cannot read: %s", strerror(e));
        return -1;
    }
    if (!S_ISREG(s.st_mode)) {
        close(fd);
        dp_fail(err, "is %s, not a regular file", dp_file_kind(s.st_mode));
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    if (st)
        *st = s;
    return fd;
}

bool dp_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len, dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    int fd = dp_open_regular(path, NULL, err);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return dp_fail(err, "cannot open: %s", strerror(e));
    }

    /* The buffer never grows past limit; reading limit bytes means the file
     * is over the cap (no allocation may exceed PTRDIFF_MAX anyway). */
    size_t limit = max_len < PTRDIFF_MAX ? max_len + 1 : PTRDIFF_MAX;
    /* Start from the size the file claims (one byte more, to see the end in
     * the first read), but trust only what reading gives. */
    size_t cap = 64 * 1024;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
        if ((uint64_t)st.st_size > max_len) {
            fclose(f);
            return dp_fail(err, "file is %llu bytes, more than the cap of %zu",
                           (unsigned long long)st.st_size, max_len);
        }
        cap = (size_t)st.st_size + 1;
    }
    if (cap > limit)
        cap = limit;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return dp_fail(err, "out of memory (%zu bytes)", cap);
    }
    size_t len = 0;
    for (;;) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break; // end of file or an error, told apart below
        if (cap == limit) {
            free(buf);
            fclose(f);
            return dp_fail(err, "file is more than the cap of %zu bytes", max_len);
        }
        size_t grown = cap < limit / 2 ? cap * 2 : limit;
        uint8_t *bigger = realloc(buf, grown);
        if (!bigger) {
            free(buf);
            fclose(f);
            return dp_fail(err, "out of memory (%zu bytes)", grown);
        }
        buf = bigger;
        cap = grown;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return dp_fail(err, "cannot read: %s", e ? strerror(e) : "read error");
    }
    fclose(f);
    *out = buf;
    *out_len = len;
    return true;
}
