/* read_file.h: reading a whole file that digitpad was given, safely.
 *
 * A path from the user may name anything: a FIFO (whose open blocks until
 * someone writes to it), a device (/dev/zero never ends), a folder, a
 * symlink loop. Files are opened without blocking and refused, with what
 * they are, unless they are regular files. */
#ifndef DIGITPAD_READ_FILE_H
#define DIGITPAD_READ_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "error.h"

/* What a file of this mode is, for a message: "a folder", "a FIFO",
 * "a device", "a socket", "a regular file", or "not a regular file". */
const char *dp_file_kind(mode_t mode);

/* Opens path for reading (O_NONBLOCK, so a FIFO without a writer cannot
 * hang it; cleared again once open) and checks that it is a regular file.
 * Returns the descriptor (and fills *st when st is not NULL), or -1 with
 * "cannot open: ...", "a loop of symbolic links" or "is a FIFO, not a
 * regular file" (folder, device, socket) in err. */
int dp_open_regular(const char *path, struct stat *st, dp_error *err);

/* Reads a whole regular file (at most max_len bytes) into a new buffer
 * (*out, caller frees; *out_len bytes). */
bool dp_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len, dp_error *err);

#endif
