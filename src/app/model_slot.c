/* model_slot.c: the current model (model_slot.h). */
#define _XOPEN_SOURCE 700 // realpath, localtime_r
#include "model_slot.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "common/paths.h"
#include "core/read_file.h"
#include "config.h"

void model_slot_init(model_slot *m, const char *save_to, const char *bundled,
                     loader_wake_fn wake, void *wake_ctx)
{
    memset(m, 0, sizeof *m);
    snprintf(m->save_to, sizeof m->save_to, "%s", save_to ? save_to : "");
    snprintf(m->bundled, sizeof m->bundled, "%s", bundled ? bundled : "");
    loader_init(&m->loader, wake, wake_ctx);
}

static void drop_model(model_slot *m)
{
    if (m->have) {
        mlp_destroy(&m->net);
        model_meta_destroy(&m->meta);
    }
    m->have = false;
}

void model_slot_drop_undo(model_slot *m)
{
    if (m->have_undo) {
        mlp_destroy(&m->undo_net);
        model_meta_destroy(&m->undo_meta);
    }
    m->have_undo = false;
}

bool model_slot_keep_undo(model_slot *m, dp_error *err)
{
    model_slot_drop_undo(m);
    if (!m->have)
        return false;
    if (!mlp_clone(&m->undo_net, &m->net, err))
        return false;
    if (!model_meta_copy(&m->undo_meta, &m->meta, err)) {
        mlp_destroy(&m->undo_net);
        return false;
    }
    snprintf(m->undo_path, sizeof m->undo_path, "%s", m->path);
    snprintf(m->undo_name, sizeof m->undo_name, "%s", m->name);
    m->undo_format = m->format;
    m->undo_dirty = m->dirty;
    m->undo_trained = m->trained;
    m->have_undo = true;
    return true;
}

bool model_slot_undo(model_slot *m)
{
    if (!m->have_undo)
        return false;
    drop_model(m);
    m->net = m->undo_net;
    m->meta = m->undo_meta;
    memset(&m->undo_net, 0, sizeof m->undo_net);
    memset(&m->undo_meta, 0, sizeof m->undo_meta);
    m->have_undo = false;
    m->have = true;
    snprintf(m->path, sizeof m->path, "%s", m->undo_path);
    snprintf(m->name, sizeof m->name, "%s", m->undo_name);
    m->format = m->undo_format;
    m->dirty = m->undo_dirty;
    m->trained = m->undo_trained;
    m->version++;
    return true;
}

void model_slot_mark_trained(model_slot *m)
{
    m->trained = true;
}

bool model_slot_unsaved_training(const model_slot *m)
{
    return m->have && m->trained;
}

void model_slot_destroy(model_slot *m)
{
    loader_destroy(&m->loader);
    model_slot_drop_undo(m);
    drop_model(m);
    memset(m, 0, sizeof *m);
}

const char *model_slot_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void model_slot_shape(const mlp *net, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t l = 0; l <= net->n_layers && o < len; l++)
        o += (size_t)snprintf(out + o, len - o, "%s%zu", l ? "-" : "", net->sizes[l]);
}

const char *model_slot_label(const model_slot *m, size_t i)
{
    if (m->have && i < m->meta.n_labels && m->meta.labels)
        return m->meta.labels[i];
    return "?";
}

bool model_slot_check(const mlp *net, const model_meta *meta, size_t min_classes,
                      dp_error *err)
{
    size_t out = net->sizes[net->n_layers];
    if (meta->height != CANVAS_N || meta->width != CANVAS_N || net->sizes[0] != 784)
        return dp_fail(err, "the window draws 28x28 digits; this model takes %zux%zu inputs",
                       meta->height, meta->width);
    if (out > MODEL_SLOT_MAX_CLASSES)
        return dp_fail(err, "the window shows at most %d classes; this model has %zu",
                       MODEL_SLOT_MAX_CLASSES, out);
    if (out < min_classes)
        return dp_fail(err, "this model has %zu output%s, fewer than the data's %zu labels", out,
                       out == 1 ? "" : "s", min_classes);
    return true;
}

bool model_slot_read_any(const char *path, size_t min_classes, mlp *net, model_meta *meta,
                         model_format *format, dp_error *err)
{
    if (!model_any_load(path, net, meta, format, err))
        return false;
    if (!model_slot_check(net, meta, min_classes, err)) {
        mlp_destroy(net);
        model_meta_destroy(meta);
        return false;
    }
    return true;
}

bool model_slot_read(const char *path, size_t min_classes, mlp *net, model_meta *meta,
                     dp_error *err)
{
    return model_slot_read_any(path, min_classes, net, meta, NULL, err);
}

void model_slot_take(model_slot *m, mlp *net, model_meta *meta, const char *path)
{
    model_slot_take_format(m, net, meta, path, MODEL_FORMAT_DIGITPAD);
}

void model_slot_take_format(model_slot *m, mlp *net, model_meta *meta, const char *path,
                            model_format format)
{
    drop_model(m);
    m->net = *net;
    m->meta = *meta;
    memset(net, 0, sizeof *net);
    memset(meta, 0, sizeof *meta);
    // The layer views into params moved with the struct copy but still point into the same block.
    m->have = true;
    m->dirty = false;
    m->trained = false;
    m->format = path && path[0] ? format : MODEL_FORMAT_DIGITPAD;
    snprintf(m->path, sizeof m->path, "%s", path ? path : "");
    if (path && path[0])
        snprintf(m->name, sizeof m->name, "%.200s%s", model_slot_base_name(path),
                 model_slot_is_bundled(m, path) ? " (bundled)" : "");
    else
        snprintf(m->name, sizeof m->name, "fresh random weights");
    m->version++;
}

bool model_slot_make_fresh(const size_t *hidden, size_t n_hidden, uint64_t seed, mlp *net,
                           model_meta *meta, dp_error *err)
{
    size_t sizes[MLP_MAX_LAYERS + 1];
    size_t n = 0;
    sizes[n++] = 784;
    for (size_t i = 0; i < n_hidden && n < MLP_MAX_LAYERS; i++)
        sizes[n++] = hidden[i];
    sizes[n++] = 10;
    if (!mlp_init(net, sizes, n, err))
        return false;
    if (!model_meta_default(meta, 28, 28, 10, err)) {
        mlp_destroy(net);
        return false;
    }
    mlp_init_glorot(net, seed);
    return true;
}

void model_slot_forget_training(model_slot *m)
{
    m->meta.has_training = false;
    m->meta.n_history = 0; // the history's storage stays with meta and is freed with it
    m->meta.epochs = 0;
    m->meta.has_progress = false;
    m->meta.n_schedule = 0; // as the history's
    m->dirty = true;
    m->trained = false;
    snprintf(m->name, sizeof m->name, "fresh random weights");
}

void model_slot_reset(model_slot *m, uint64_t seed)
{
    if (!m->have)
        return;
    mlp_init_glorot(&m->net, seed + (++m->resets));
    model_slot_forget_training(m);
    m->version++;
}

void model_slot_touch(model_slot *m)
{
    m->version++;
    m->dirty = true;
}

bool model_slot_open(model_slot *m, const char *path, dp_error *err)
{
    return loader_start_model(&m->loader, path, err);
}

bool model_slot_poll(model_slot *m, mlp *net, model_meta *meta, bool *failed, dp_error *err,
                     char *path, size_t path_len)
{
    return model_slot_poll_any(m, net, meta, NULL, failed, err, path, path_len);
}

bool model_slot_poll_any(model_slot *m, mlp *net, model_meta *meta, model_format *format,
                         bool *failed, dp_error *err, char *path, size_t path_len)
{
    loader_status st = loader_poll(&m->loader);
    if (st != LOADER_OK && st != LOADER_FAILED)
        return false;
    snprintf(path, path_len, "%s", m->loader.path);
    *failed = st == LOADER_FAILED;
    if (*failed) {
        if (err)
            *err = m->loader.err;
        loader_discard(&m->loader);
    } else {
        if (format)
            *format = m->loader.format;
        loader_take_model(&m->loader, net, meta);
    }
    return true;
}

bool model_slot_is_bundled(const model_slot *m, const char *path)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(path, a))
        return false;
    if (m->bundled[0] && realpath(m->bundled, b) && !strcmp(a, b))
        return true;
    if (realpath(DIGITPAD_MODELS_DIR, b)) {
        size_t n = strlen(b);
        if (!strncmp(a, b, n) && a[n] == '/')
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    if (n < t)
        return false;
    for (size_t i = 0; i < t; i++) {
        char c = s[n - t + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != tail[i])
            return false;
    }
    return true;
}

bool model_slot_is_foreign(const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (dp_read_file(path, (size_t)1 << 30, &buf, &len, NULL)) {
        model_format f = model_format_detect(buf, len);
        free(buf);
        if (len > 0)
            return f != MODEL_FORMAT_DIGITPAD;
    }
    return ends_with(path, ".keras") || ends_with(path, ".h5") || ends_with(path, ".hdf5") ||
           ends_with(path, ".onnx");
}

bool model_slot_save_path(const model_slot *m, char *out, size_t len, dp_error *err)
{
    // The file the model came from (or was last saved to), else --model.
    const char *const to[] = {m->path, m->save_to};
    for (size_t i = 0; i < 2; i++) {
        if (to[i][0] && !model_slot_is_bundled(m, to[i]) && !model_slot_is_foreign(to[i])) {
            snprintf(out, len, "%s", to[i]);
            return true;
        }
    }
    return model_slot_new_path(out, len, err);
}

bool model_slot_new_path(char *out, size_t len, dp_error *err)
{
    dp_error why = {{0}};
    if (!paths_new_model_path(NULL, out, len, &why))
        return dp_fail(err, "cannot save: %s", why.msg);
    return true;
}

bool model_slot_save(model_slot *m, const char *path, dp_error *err)
{
    if (!m->have)
        return dp_fail(err, "no model to save");
    if (!model_file_save(path, &m->net, &m->meta, err))
        return false;
    // --model named a file in another format: the digitpad file saved instead
    // is where the next Ctrl+S goes.
    if (m->save_to[0] && strcmp(m->save_to, path) && model_slot_is_foreign(m->save_to))
        snprintf(m->save_to, sizeof m->save_to, "%s", path);
    snprintf(m->path, sizeof m->path, "%s", path);
    snprintf(m->name, sizeof m->name, "%.255s", model_slot_base_name(path));
    m->dirty = false;
    m->trained = false;
    m->format = MODEL_FORMAT_DIGITPAD;
    return true;
}
