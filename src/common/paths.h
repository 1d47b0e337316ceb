/* paths.h: where digitpad's files are, decided in one place.
 *
 * The core takes every path from its caller and reads no environment; this
 * module reads it, through a getenv-like function the caller passes (NULL:
 * the process's own getenv), so that tests can give a made-up environment.
 *
 *   user data      $XDG_DATA_HOME/digitpad (an absolute XDG_DATA_HOME only,
 *                  as the XDG spec says), else $HOME/.local/share/digitpad
 *   user models    <user data>/models: where the window saves
 *   bundled model  mnist-784-128-10.json in $DIGITPAD_MODELS, the source
 *                  tree's models/, the installed $datadir/digitpad/models,
 *                  or ./models, the first that holds it
 *   window model   the bundled model that reads drawn digits best (the one
 *                  trained with distortions, tests/test_drawn.c measures
 *                  it), found the same way; else the bundled model
 *   MNIST          --data DIR alone when given; else $DIGITPAD_DATA,
 *                  ./data/mnist, <user data>/mnist, the source tree's
 *                  data/mnist, the first that holds it */
#ifndef DIGITPAD_PATHS_H
#define DIGITPAD_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define PATHS_MAX 4096
#define PATHS_MNIST_PLACES 4
#define PATHS_BUNDLED_MODEL "mnist-784-128-10.json"
#define PATHS_WINDOW_MODEL "mnist-784-128-10-distorted.json"

/* Reads one environment variable (NULL when unset), as getenv does. */
typedef const char *(*paths_getenv)(const char *name);

/* digitpad's user data folder (see above) into out (len bytes). False when
 * neither XDG_DATA_HOME nor HOME is usable, or the path is too long, with
 * the reason in err. Creates nothing. */
bool paths_data_home(paths_getenv env, char *out, size_t len, dp_error *err);

/* <user data>/models into out, created (with its parents, mode 0755) when
 * `create`. */
bool paths_models_dir(paths_getenv env, bool create, char *out, size_t len, dp_error *err);

/* A new file name in the user models folder (created if needed), named
 * with the local time: "digitpad-20261201-193000.json", "-2", "-3"... for
 * saves within the same second. */
bool paths_new_model_path(paths_getenv env, char *out, size_t len, dp_error *err);

/* Creates dir and its missing parents (mode 0755). */
bool paths_make_dir(const char *dir, dp_error *err);

/* The bundled model's path into out: the first place above that holds it,
 * else the source tree's (so a message names a sensible path). */
void paths_bundled_model(paths_getenv env, char *out, size_t len);

/* The model the window starts with into out: PATHS_WINDOW_MODEL from the
 * first of the bundled model's places that holds it, else the bundled
 * model (paths_bundled_model). The command line's default stays the
 * bundled model. */
void paths_window_model(paths_getenv env, char *out, size_t len);

/* The places MNIST is looked for when no --data is given, in order, as
 * up to PATHS_MNIST_PLACES paths in places (unset variables left out).
 * Returns how many. */
size_t paths_mnist_places(paths_getenv env, char places[PATHS_MNIST_PLACES][PATHS_MAX]);

/* The MNIST folder: dir when not NULL (which must hold it), else the first
 * of paths_mnist_places that does; into out. False with a message naming
 * the places tried. */
bool paths_find_mnist(const char *dir, paths_getenv env, char *out, size_t len, dp_error *err);

/* The same for one split (prefix "train" or "t10k"): a command that reads
 * only the test files (eval) looks for those, and names those when missing. */
bool paths_find_mnist_split(const char *dir, paths_getenv env, const char *prefix, char *out,
                            size_t len, dp_error *err);

#endif
