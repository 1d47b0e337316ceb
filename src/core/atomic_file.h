/* atomic_file.h: writing files whole or not at all.
 *
 * A save goes to a temporary file in the same folder ("<file>.tmp-<pid>-
 * XXXXXX"), is flushed to disk, then renamed over the file, and the folder
 * is flushed: a crash or a full disk at any moment leaves the old file or
 * the new one, and a failed save leaves no temporary behind. */
#ifndef DIGITPAD_ATOMIC_FILE_H
#define DIGITPAD_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Writes len bytes of data to path by that route. On failure any old file
 * is intact and err says which step failed and why. */
bool dp_write_file_atomic(const char *path, const void *data, size_t len, dp_error *err);

/* Removes temporaries "<path>.tmp-<pid>-XXXXXX" whose process no longer
 * runs: what a save killed mid-write leaves. Every save calls it first; the
 * window calls it at start. Returns how many it removed. */
size_t dp_sweep_stale_temps(const char *path);

#endif
