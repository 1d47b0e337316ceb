/* recent.h: the models the window opened or saved, most recent first, at
 * most RECENT_MAX, kept between runs (issue 16; the Open panel of issue 11
 * shows them).
 *
 * The list lives in $XDG_STATE_HOME/digitpad/recent (an absolute
 * XDG_STATE_HOME only, as the XDG spec says; else
 * $HOME/.local/state/digitpad/recent): the spec's place for "recently used
 * files", which are state, not data to keep or settings. The file is text,
 * one absolute path a line, most recent first, written whole through
 * dp_write_file_atomic. A list that is missing, unreadable or broken is
 * never an error: what cannot be used in it (a relative path, a control
 * character, a line too long, a repeat, more than RECENT_MAX) is skipped,
 * and a file that is not text at all counts as empty. No SDL here. */
#ifndef DIGITPAD_APP_RECENT_H
#define DIGITPAD_APP_RECENT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/paths.h"
#include "core/error.h"

#define RECENT_MAX 10
#define RECENT_PATH_MAX 4096
/* A list file larger than this is not one digitpad wrote: ignored. */
#define RECENT_FILE_MAX (RECENT_MAX * (RECENT_PATH_MAX + 1) + 4096)

typedef struct recent {
    char file[RECENT_PATH_MAX];            // where the list is kept ("": only in memory)
    size_t count;
    char paths[RECENT_MAX][RECENT_PATH_MAX]; // [0] is the most recent
} recent;

/* The list's file (see above) into out. False when neither XDG_STATE_HOME
 * nor HOME is usable or the path does not fit, with the reason in err.
 * env as in paths.h (NULL: the process's getenv). Creates nothing. */
bool recent_default_file(paths_getenv env, char *out, size_t len, dp_error *err);

/* An empty list kept in file (NULL or "": kept in memory only). */
void recent_init(recent *r, const char *file);

/* Replaces the list with what buf (len bytes, a list file's contents)
 * holds that can be used (see above). Returns how many paths it kept. */
size_t recent_parse(recent *r, const char *buf, size_t len);

/* Reads the list from its file: a missing or broken file leaves it empty
 * (or with what could be used). Returns how many paths it holds. */
size_t recent_load(recent *r);

/* Puts path first (made absolute against the current folder, symbolic
 * links resolved when it exists), removing an older entry of it and
 * whatever falls past RECENT_MAX. False (the list unchanged) for a path
 * the list cannot hold: empty, with a newline or other control character,
 * or too long. */
bool recent_add(recent *r, const char *path);

/* The list as its file holds it, into out (len bytes). Returns the length
 * it needs (as snprintf does). */
size_t recent_format(const recent *r, char *out, size_t len);

/* Writes the list to its file, atomically, creating its folder. True with
 * nothing done for a list kept in memory only; false with the reason in
 * err when it cannot be written (the old file is then intact). */
bool recent_save(const recent *r, dp_error *err);

/* recent_add then recent_save: what the window calls when it opened or
 * saved path. */
bool recent_remember(recent *r, const char *path, dp_error *err);

/* How many paths, and the i-th (0: the most recent; NULL past the end). */
size_t recent_count(const recent *r);
const char *recent_get(const recent *r, size_t i);

#endif
