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
 * is intact and err says which step failed and why.
 *
 * What is at path is respected: through a symbolic link (or a chain of
 * them) the save replaces the link's target, in the target's folder, and
 * the link stays; a device, FIFO, folder or socket is refused ("is a
 * device, not a regular file: not replaced"), never replaced; an existing
 * file's permissions (and owner, where allowed) are kept, a new file is
 * 0644. A temporary's name fits NAME_MAX however long the file's is. */
bool dp_write_file_atomic(const char *path, const void *data, size_t len, dp_error *err);

/* The same, also writing into note (note_len bytes; "" when there is
 * nothing to say) what the save could not keep: a file with other hard
 * links is replaced by a file of its own under this name (the others keep
 * the old contents), or its owner could not be kept. */
bool dp_write_file_atomic_noted(const char *path, const void *data, size_t len, char *note,
                                size_t note_len, dp_error *err);

/* Removes temporaries "<path>.tmp-<pid>-XXXXXX" (the name cut short to
 * fit NAME_MAX) whose process no longer runs: what a save killed mid-write leaves. Every save calls it first; the
 * window calls it at start. Returns how many it removed. */
size_t dp_sweep_stale_temps(const char *path);

#endif
