/* model_slot.h: the window's current model: its network and file
 * metadata, where it came from, whether it has changes not saved, opening
 * another (from a file on the loader thread, or at once) and saving it.
 *
 * The slot owns net and meta. Its version bumps whenever the weights
 * change (a load, fresh weights, a trainer snapshot), so the parts that
 * show them know when to look again. No SDL here. */
#ifndef DIGITPAD_APP_MODEL_SLOT_H
#define DIGITPAD_APP_MODEL_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/mlp.h"
#include "core/model_any.h"
#include "core/model_file.h"
#include "loader.h"

#define MODEL_SLOT_PATH_MAX 4096
/* The window shows at most this many classes (bars). */
#define MODEL_SLOT_MAX_CLASSES 16

typedef struct model_slot {
    mlp net;
    model_meta meta;
    bool have;                          // net and meta hold a model
    char path[MODEL_SLOT_PATH_MAX];     // where it came from ("" for fresh weights)
    char name[256];                     // for the header
    char save_to[MODEL_SLOT_PATH_MAX];  // --model: Ctrl+S writes back there ("": a new file)
    char bundled[MODEL_SLOT_PATH_MAX];  // the bundled model (never overwritten)
    model_format format;                // the format it was read from (a save is always digitpad's)
    bool dirty;                         // changed since it was loaded or saved
    uint64_t version;                   // bumps when the weights change
    uint64_t resets;                    // fresh weights made here
    loader loader;                      // a dropped file being read
    bool trained;                       // trained since it was loaded, made or saved
    // What fresh weights replaced (model_slot_keep_undo), for Ctrl+Z.
    bool have_undo;
    mlp undo_net;
    model_meta undo_meta;
    char undo_path[MODEL_SLOT_PATH_MAX];
    char undo_name[256];
    model_format undo_format;
    bool undo_dirty, undo_trained;
} model_slot;

/* An empty slot. save_to (--model, or NULL) is where saves go unless it is
 * the bundled model (bundled may be NULL). wake is handed to the loader. */
void model_slot_init(model_slot *m, const char *save_to, const char *bundled,
                     loader_wake_fn wake, void *wake_ctx);
/* Waits for a file being read and frees the model. */
void model_slot_destroy(model_slot *m);

/* Can the window use this model: 28x28 inputs, at most
 * MODEL_SLOT_MAX_CLASSES classes and at least min_classes (the data's
 * labels)? False with the reason in err. */
bool model_slot_check(const mlp *net, const model_meta *meta, size_t min_classes,
                      dp_error *err);

/* Reads path in any format model_any_load reads (.keras, .h5, TF.js
 * model.json, ONNX, digitpad JSON) and checks it (model_slot_check); on
 * failure nothing is left to free. format (may be NULL) gets the format. */
bool model_slot_read_any(const char *path, size_t min_classes, mlp *net, model_meta *meta,
                         model_format *format, dp_error *err);
/* model_slot_read_any without the format. */
bool model_slot_read(const char *path, size_t min_classes, mlp *net, model_meta *meta,
                     dp_error *err);

/* Takes ownership of net and meta (left empty) as the current model, from
 * path ("" or NULL for fresh weights). */
void model_slot_take(model_slot *m, mlp *net, model_meta *meta, const char *path);
/* model_slot_take of a model read from a file in format (so that a save
 * never writes digitpad JSON over a foreign file). */
void model_slot_take_format(model_slot *m, mlp *net, model_meta *meta, const char *path,
                            model_format format);

/* Fresh Glorot weights 784 - hidden... - 10 with default metadata (for
 * model_slot_take); on failure nothing is left to free. */
bool model_slot_make_fresh(const size_t *hidden, size_t n_hidden, uint64_t seed, mlp *net,
                           model_meta *meta, dp_error *err);

/* Fresh weights in the current shape (seed + the resets so far), and the
 * training record forgotten. */
void model_slot_reset(model_slot *m, uint64_t seed);
/* The trainer's record forgotten, the weights kept (they arrive as a
 * snapshot); the header says fresh weights. */
void model_slot_forget_training(model_slot *m);

/* The weights changed (a snapshot): bumps the version, marks it unsaved. */
void model_slot_touch(model_slot *m);
/* The trainer trained these weights (a batch): training that a Reset or a
 * new shape would lose until it is saved (issue 11 asks first). */
void model_slot_mark_trained(model_slot *m);
/* Has the model training that is not saved? */
bool model_slot_unsaved_training(const model_slot *m);

/* Keeps a copy of the current model (weights, record, file, unsaved
 * state) for model_slot_undo, in place of any kept before. False when out
 * of memory (nothing kept). */
bool model_slot_keep_undo(model_slot *m, dp_error *err);
/* Puts the kept model back as the current one (the current is dropped);
 * false when nothing is kept. */
bool model_slot_undo(model_slot *m);
/* Forgets the kept model. */
void model_slot_drop_undo(model_slot *m);

/* Starts reading a file on the loader thread; model_slot_poll says when it
 * is read. False (err says why) when one is being read already. */
bool model_slot_open(model_slot *m, const char *path, dp_error *err);
/* A file started with model_slot_open, once read: true with net and meta
 * owned by the caller (path: which file), or true with *failed and err set.
 * False while nothing has arrived. */
bool model_slot_poll(model_slot *m, mlp *net, model_meta *meta, bool *failed, dp_error *err,
                     char *path, size_t path_len);
/* model_slot_poll that also gives the file's format (may be NULL). */
bool model_slot_poll_any(model_slot *m, mlp *net, model_meta *meta, model_format *format,
                         bool *failed, dp_error *err, char *path, size_t path_len);

/* Where Ctrl+S writes: the file the model came from or was last saved to,
 * else save_to, unless it is the bundled model or a file in another format
 * (model_slot_is_foreign); else a new file named by the time in the user's
 * models folder (made if missing; model_slot_new_path).
 * Saves are digitpad JSON, so a .keras, .h5, TF.js or ONNX file is never
 * written over. */
bool model_slot_save_path(const model_slot *m, char *out, size_t len, dp_error *err);
/* A new file in the user's models folder (Ctrl+Shift+S, save as). */
bool model_slot_new_path(char *out, size_t len, dp_error *err);
/* Saves the model to path (atomically, digitpad JSON); on success it is
 * the slot's path, in digitpad's format, and no longer dirty; when save_to
 * was a file in another format, path takes its place. */
bool model_slot_save(model_slot *m, const char *path, dp_error *err);

/* Is path a model file in a format other than digitpad's: by its content
 * when it can be read, else by its name (.keras, .h5, .hdf5, .onnx)? */
bool model_slot_is_foreign(const char *path);

/* Is path the bundled model or in the installed models folder? */
bool model_slot_is_bundled(const model_slot *m, const char *path);

/* Class i's label ("?" beyond the model's). */
const char *model_slot_label(const model_slot *m, size_t i);
/* "784-128-10". */
void model_slot_shape(const mlp *net, char *out, size_t len);
/* The last path component. */
const char *model_slot_base_name(const char *path);

#endif
