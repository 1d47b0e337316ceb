/* fmt_keras.c: Keras's files. A Keras 3 `.keras` is a zip holding
 * config.json (the model's config), metadata.json and model.weights.h5, an
 * HDF5 file with each layer's variables at layers/<name>/vars/<i>, the name
 * being the layer's class in snake case made unique by _1, _2, ... in the
 * order of the model's layers (keras/src/saving/saving_lib.py). A tf.keras 2
 * `.h5` is one HDF5 file: the config in the model_config attribute, the
 * weights under model_weights/<layer>/<weight name>, the names listed by the
 * layer_names and weight_names attributes (keras/src/legacy/saving/
 * legacy_h5_format.py).
 *
 * HDF5 is read from memory (the core driver with a file image) through
 * libhdf5, whose Debian build is not thread-safe: every use here holds one
 * mutex, and its error printing is turned off. */
#include "fmt.h"
#include "fmt_internal.h"

#include <hdf5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static pthread_mutex_t h5_lock = PTHREAD_MUTEX_INITIALIZER;

static void h5_enter(void)
{
    pthread_mutex_lock(&h5_lock);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void h5_leave(void)
{
    pthread_mutex_unlock(&h5_lock);
}

static bool h5_signature(const uint8_t *buf, size_t len)
{
    static const uint8_t sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    // The superblock is at 0 or after a user block of 512, 1024, 2048, ... bytes.
    for (size_t at = 0; at + 8 <= len && at <= ((size_t)1 << 20); at = at ? at * 2 : 512)
        if (memcmp(buf + at, sig, 8) == 0)
            return true;
    return false;
}

static hid_t h5_open_image(const uint8_t *buf, size_t len, const char *what, dp_error *err)
{
    if (!h5_signature(buf, len)) {
        dp_fail(err, "%s is not an HDF5 file (no HDF5 signature)", what);
        return -1;
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) {
        dp_fail(err, "out of memory");
        return -1;
    }
    hid_t f = -1;
    if (H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) >= 0 &&
        H5Pset_file_image(fapl, (void *)buf, len) >= 0)
        f = H5Fopen("digitpad-image.h5", H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0)
        dp_fail(err, "%s: HDF5 cannot open it (damaged or truncated)", what);
    return f;
}

/* True when every component of path exists under loc. */
static bool h5_has(hid_t loc, const char *path)
{
    char part[512];
    size_t n = strlen(path);
    if (n >= sizeof part)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(part, path, i);
        part[i] = '\0';
        if (i > 0 && H5Lexists(loc, part, H5P_DEFAULT) <= 0)
            return false;
    }
    return true;
}

typedef struct h5_ds {
    hid_t id;
    size_t dims[8];
    size_t n_dims;
} h5_ds;

/* Opens a float32 dataset and reads its shape. */
static bool h5_open_f32(hid_t loc, const char *path, const fmt_dense *d, const char *what,
                        h5_ds *ds, dp_error *err)
{
    ds->id = -1;
    if (!h5_has(loc, path))
        return dp_fail(err, "layer %zu (%s): no %s at %s", d->index, d->name, what, path);
    hid_t id = H5Dopen2(loc, path, H5P_DEFAULT);
    if (id < 0)
        return dp_fail(err, "layer %zu (%s): %s at %s is not a dataset", d->index, d->name, what,
                       path);
    hid_t type = H5Dget_type(id);
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    size_t size = type >= 0 ? H5Tget_size(type) : 0;
    if (type >= 0)
        H5Tclose(type);
    if (cls != H5T_FLOAT || size != 4) {
        H5Dclose(id);
        return dp_fail(err, "layer %zu (%s): its %s is %s%zu, not float32 (quantised or other "
                            "weights are not supported)", d->index, d->name, what,
                       cls == H5T_FLOAT ? "float" : cls == H5T_INTEGER ? "int" : "of type ",
                       cls == H5T_FLOAT || cls == H5T_INTEGER ? size * 8 : (size_t)cls);
    }
    hid_t space = H5Dget_space(id);
    int nd = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[8];
    if (nd < 0 || nd > 8 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        if (space >= 0)
            H5Sclose(space);
        H5Dclose(id);
        return dp_fail(err, "layer %zu (%s): its %s has an unreadable shape", d->index, d->name,
                       what);
    }
    H5Sclose(space);
    ds->n_dims = (size_t)nd;
    for (int k = 0; k < nd; k++)
        ds->dims[k] = dims[k] > (hsize_t)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)dims[k];
    ds->id = id;
    return true;
}

static bool h5_read_f32(h5_ds *ds, float *dst, const fmt_dense *d, const char *what, dp_error *err)
{
    herr_t r = H5Dread(ds->id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst);
    H5Dclose(ds->id);
    ds->id = -1;
    if (r < 0)
        return dp_fail(err, "layer %zu (%s): its %s cannot be read (damaged data)", d->index,
                       d->name, what);
    return true;
}

/* Reads a string attribute (a scalar or a list; variable or fixed length)
 * into a list of NUL-ended strings in one block (*out, caller frees). */
static bool h5_attr_strings(hid_t obj, const char *name, char ***out, size_t *n_out, dp_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (H5Aexists(obj, name) <= 0)
        return dp_fail(err, "no %s attribute", name);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : -1;
    hid_t space = a >= 0 ? H5Aget_space(a) : -1;
    bool ok = false;
    char **list = NULL;
    hid_t mem = -1;
    if (a < 0 || type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING) {
        dp_fail(err, "the %s attribute is not text", name);
        goto done;
    }
    hssize_t np = H5Sget_simple_extent_npoints(space);
    if (np < 0 || np > FMT_MAX_CONFIG_LAYERS * 16) {
        dp_fail(err, "the %s attribute holds %lld strings", name, (long long)np);
        goto done;
    }
    size_t n = (size_t)np;
    htri_t vlen = H5Tis_variable_str(type);
    mem = H5Tcopy(H5T_C_S1);
    if (vlen > 0) {
        char **raw = calloc(n ? n : 1, sizeof *raw);
        if (!raw || H5Tset_size(mem, H5T_VARIABLE) < 0 || H5Aread(a, mem, raw) < 0) {
            free(raw);
            dp_fail(err, "the %s attribute cannot be read", name);
            goto done;
        }
        size_t total = 0;
        bool too_big = false;
        for (size_t i = 0; i < n; i++) {
            size_t l = raw[i] ? strlen(raw[i]) : 0;
            if (l > FMT_MAX_JSON_BYTES - total)
                too_big = true;
            else
                total += l + 1;
        }
        if (!too_big) {
            list = malloc(n * sizeof *list + total + 1);
            if (list) {
                char *p = (char *)(list + n);
                for (size_t i = 0; i < n; i++) {
                    size_t l = raw[i] ? strlen(raw[i]) : 0;
                    memcpy(p, raw[i] ? raw[i] : "", l + 1);
                    list[i] = p;
                    p += l + 1;
                }
            }
        }
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, raw);
        free(raw);
        if (too_big) {
            dp_fail(err, "the %s attribute is more than %zu MiB", name, FMT_MAX_JSON_BYTES >> 20);
            goto done;
        }
    } else {
        size_t size = H5Tget_size(type);
        if (size == 0 || (n && size > FMT_MAX_JSON_BYTES / n)) {
            dp_fail(err, "the %s attribute is more than %zu MiB", name, FMT_MAX_JSON_BYTES >> 20);
            goto done;
        }
        char *raw = malloc(n * size + 1);
        if (!raw || H5Tset_size(mem, size) < 0 || H5Tset_strpad(mem, H5T_STR_NULLPAD) < 0 ||
            H5Aread(a, mem, raw) < 0) {
            free(raw);
            dp_fail(err, "the %s attribute cannot be read", name);
            goto done;
        }
        list = malloc(n * sizeof *list + n * (size + 1) + 1);
        if (list) {
            char *p = (char *)(list + n);
            for (size_t i = 0; i < n; i++) {
                const char *s = raw + i * size;
                size_t l = strnlen(s, size);
                memcpy(p, s, l);
                p[l] = '\0';
                list[i] = p;
                p += l + 1;
            }
        }
        free(raw);
    }
    if (!list) {
        dp_fail(err, "out of memory");
        goto done;
    }
    *out = list;
    *n_out = n;
    ok = true;
done:
    if (mem >= 0)
        H5Tclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (a >= 0)
        H5Aclose(a);
    return ok;
}

/* A list attribute that Keras may have split into name0, name1, ... when
 * it was too big for one object header. */
static bool h5_attr_list(hid_t obj, const char *name, char ***out, size_t *n_out, dp_error *err)
{
    if (H5Aexists(obj, name) > 0)
        return h5_attr_strings(obj, name, out, n_out, err);
    char part[160];
    char **all = NULL;
    size_t n_all = 0, bytes = 0;
    for (int k = 0; k < 64; k++) {
        snprintf(part, sizeof part, "%s%d", name, k);
        if (H5Aexists(obj, part) <= 0)
            break;
        char **l;
        size_t n;
        if (!h5_attr_strings(obj, part, &l, &n, err)) {
            free(all);
            return false;
        }
        size_t add = 0;
        for (size_t i = 0; i < n; i++)
            add += strlen(l[i]) + 1;
        char **grown = malloc((n_all + n) * sizeof *grown + bytes + add + 1);
        if (!grown) {
            free(l);
            free(all);
            return dp_fail(err, "out of memory");
        }
        char *p = (char *)(grown + n_all + n);
        for (size_t i = 0; i < n_all; i++) {
            size_t len = strlen(all[i]) + 1;
            memcpy(p, all[i], len);
            grown[i] = p;
            p += len;
        }
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(l[i]) + 1;
            memcpy(p, l[i], len);
            grown[n_all + i] = p;
            p += len;
        }
        free(l);
        free(all);
        all = grown;
        n_all += n;
        bytes += add;
    }
    if (!all)
        return dp_fail(err, "no %s attribute", name);
    *out = all;
    *n_out = n_all;
    return true;
}

/* Copies the Dense layers' kernels and biases, found by find(), into a new
 * net. first_kernel is already open (its shape gives the inputs). */
typedef bool (*locate_fn)(hid_t f, const void *ctx, const fmt_dense *d, bool bias, char *path,
                          size_t len, dp_error *err);

static bool read_dense_weights(hid_t f, const fmt_topology *t, locate_fn locate, const void *ctx,
                               mlp *net, model_meta *meta, dp_error *err)
{
    h5_ds kern[MLP_MAX_LAYERS], bias[MLP_MAX_LAYERS];
    for (size_t l = 0; l < t->n_dense; l++)
        kern[l].id = bias[l].id = -1;
    bool ok = false, built = false;
    char path[1024];
    for (size_t l = 0; l < t->n_dense; l++) {
        const fmt_dense *d = &t->dense[l];
        if (!locate(f, ctx, d, false, path, sizeof path, err) ||
            !h5_open_f32(f, path, d, "kernel", &kern[l], err))
            goto done;
        if (d->use_bias && (!locate(f, ctx, d, true, path, sizeof path, err) ||
                            !h5_open_f32(f, path, d, "bias", &bias[l], err)))
            goto done;
        size_t rows = l > 0 ? t->dense[l - 1].units
                      : fmt_inputs(t) ? fmt_inputs(t)
                                      : (kern[0].n_dims == 2 ? kern[0].dims[0] : 0);
        if (!fmt_check_shape(t, l, "kernel", kern[l].dims, kern[l].n_dims, rows, d->units, err))
            goto done;
        if (d->use_bias &&
            !fmt_check_shape(t, l, "bias", bias[l].dims, bias[l].n_dims, d->units, 0, err))
            goto done;
    }
    if (kern[0].dims[0] < 1 || kern[0].dims[0] > MLP_MAX_UNITS) {
        dp_fail(err, "the first Dense layer has %zu inputs (1 to %d)", kern[0].dims[0],
                MLP_MAX_UNITS);
        goto done;
    }
    if (!fmt_build(t, kern[0].dims[0], net, meta, err))
        goto done;
    built = true;
    for (size_t l = 0; l < t->n_dense; l++) {
        if (!h5_read_f32(&kern[l], net->layers[l].kernel, &t->dense[l], "kernel", err))
            goto done;
        if (bias[l].id >= 0 && !h5_read_f32(&bias[l], net->layers[l].bias, &t->dense[l], "bias", err))
            goto done;
    }
    if (!fmt_check_finite(net, err))
        goto done;
    ok = true;
done:
    for (size_t l = 0; l < t->n_dense; l++) {
        if (kern[l].id >= 0)
            H5Dclose(kern[l].id);
        if (bias[l].id >= 0)
            H5Dclose(bias[l].id);
    }
    if (!ok && built) {
        mlp_destroy(net);
        model_meta_destroy(meta);
    }
    return ok;
}

/* ------------------------------------------------------ tf.keras .h5 */

typedef struct legacy_ctx {
    hid_t weights; // the model_weights group (or the root)
    char **layer_names;
    size_t n_layer_names;
} legacy_ctx;

static bool locate_legacy(hid_t f, const void *vctx, const fmt_dense *d, bool bias, char *path,
                          size_t len, dp_error *err)
{
    (void)f;
    const legacy_ctx *c = vctx;
    bool listed = false;
    for (size_t i = 0; i < c->n_layer_names; i++)
        if (strcmp(c->layer_names[i], d->name) == 0)
            listed = true;
    if (!listed)
        return dp_fail(err, "layer %zu (%s): no weights (the name is not in model_weights' "
                            "layer_names)", d->index, d->name);
    if (H5Lexists(c->weights, d->name, H5P_DEFAULT) <= 0)
        return dp_fail(err, "layer %zu (%s): no weights (model_weights has no group %s)",
                       d->index, d->name, d->name);
    hid_t g = H5Gopen2(c->weights, d->name, H5P_DEFAULT);
    if (g < 0)
        return dp_fail(err, "layer %zu (%s): model_weights/%s is not a group", d->index, d->name,
                       d->name);
    char **names;
    size_t n;
    dp_error e;
    bool ok = h5_attr_list(g, "weight_names", &names, &n, &e);
    H5Gclose(g);
    if (!ok)
        return dp_fail(err, "layer %zu (%s): %s", d->index, d->name, e.msg);
    const char *want = bias ? "bias" : "kernel";
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(names[i], '/');
        base = base ? base + 1 : names[i];
        size_t wl = strlen(want);
        if (strncmp(base, want, wl) == 0 && (base[wl] == '\0' || base[wl] == ':')) {
            if (found) {
                free(names);
                return dp_fail(err, "layer %zu (%s): two weights named %s", d->index, d->name,
                               want);
            }
            found = names[i];
        }
    }
    if (!found) {
        free(names);
        return dp_fail(err, "layer %zu (%s): no %s among its weight_names", d->index, d->name,
                       want);
    }
    // Found through the attribute, read relative to model_weights.
    ssize_t nlen = H5Iget_name(c->weights, NULL, 0);
    char base[512] = "";
    if (nlen > 0 && (size_t)nlen < sizeof base)
        H5Iget_name(c->weights, base, sizeof base);
    snprintf(path, len, "%s/%s/%s", strcmp(base, "/") == 0 ? "" : base, d->name, found);
    free(names);
    return true;
}

bool keras_h5_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err)
{
    if (len > MODEL_FILE_MAX_BYTES)
        return dp_fail(err, "more than %zu MiB", MODEL_FILE_MAX_BYTES >> 20);
    fmt_topology *t = malloc(sizeof *t);
    if (!t)
        return dp_fail(err, "out of memory");
    h5_enter();
    bool ok = false;
    legacy_ctx c = {.weights = -1};
    char **cfg = NULL;
    size_t n_cfg = 0;
    cJSON *json = NULL;
    hid_t f = h5_open_image(buf, len, "the file", err);
    if (f < 0)
        goto done;
    dp_error e;
    if (!h5_attr_strings(f, "model_config", &cfg, &n_cfg, &e) || n_cfg != 1) {
        if (h5_has(f, "layers") || h5_has(f, "vars"))
            dp_fail(err, "an HDF5 file of Keras 3 weights only (model.weights.h5?): digitpad "
                         "needs the whole model, saved with model.save(\"mnist.keras\")");
        else if (h5_has(f, "model_weights") || H5Aexists(f, "layer_names") > 0)
            dp_fail(err, "no model_config attribute: an .h5 of weights only (save_weights?); "
                         "digitpad needs the whole model (model.save)");
        else
            dp_fail(err, "an HDF5 file but not a Keras model (no model_config attribute)");
        goto done;
    }
    json = fmt_json_parse((const uint8_t *)cfg[0], strlen(cfg[0]), "model_config", err);
    if (!json || !fmt_keras_topology(json, t, err))
        goto done;
    c.weights = h5_has(f, "model_weights") ? H5Gopen2(f, "model_weights", H5P_DEFAULT)
                                           : H5Gopen2(f, "/", H5P_DEFAULT);
    if (c.weights < 0) {
        dp_fail(err, "model_weights is not a group");
        goto done;
    }
    if (!h5_attr_list(c.weights, "layer_names", &c.layer_names, &c.n_layer_names, &e)) {
        dp_fail(err, "model_weights: %s", e.msg);
        goto done;
    }
    ok = read_dense_weights(f, t, locate_legacy, &c, net, meta, err);
done:
    free(c.layer_names);
    if (c.weights >= 0)
        H5Gclose(c.weights);
    if (f >= 0)
        H5Fclose(f);
    h5_leave();
    cJSON_Delete(json);
    free(cfg);
    free(t);
    return ok;
}

/* ----------------------------------------------------- Keras 3 .keras */

static bool locate_keras3(hid_t f, const void *ctx, const fmt_dense *d, bool bias, char *path,
                          size_t len, dp_error *err)
{
    (void)ctx;
    snprintf(path, len, "%s/vars", d->path);
    if (!h5_has(f, path))
        return dp_fail(err, "layer %zu (%s): no weights at %s in model.weights.h5", d->index,
                       d->name, path);
    if (!bias) {
        hid_t g = H5Gopen2(f, path, H5P_DEFAULT);
        H5G_info_t info;
        bool got = g >= 0 && H5Gget_info(g, &info) >= 0;
        if (g >= 0)
            H5Gclose(g);
        size_t want = d->use_bias ? 2 : 1;
        if (!got)
            return dp_fail(err, "layer %zu (%s): %s is not a group", d->index, d->name, path);
        if (info.nlinks > want)
            return dp_fail(err, "layer %zu (%s): %s holds %llu variables, not %zu (a quantised "
                                "layer? digitpad reads float32 kernels and biases)", d->index,
                           d->name, path, (unsigned long long)info.nlinks, want);
    }
    snprintf(path, len, "%s/vars/%d", d->path, bias ? 1 : 0);
    return true;
}

static bool zip_get(zip_t *za, const char *name, size_t cap, uint8_t **out, size_t *out_len,
                      dp_error *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(za, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return dp_fail(err, "no %s in the zip: not a Keras 3 .keras file", name);
    if (st.size > cap)
        return dp_fail(err, "%s: %llu bytes is more than the %zu MiB allowed", name,
                       (unsigned long long)st.size, cap >> 20);
    zip_file_t *zf = zip_fopen(za, name, 0);
    if (!zf)
        return dp_fail(err, "%s: cannot be read from the zip (%s)", name, zip_strerror(za));
    size_t n = (size_t)st.size;
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        zip_fclose(zf);
        return dp_fail(err, "out of memory");
    }
    size_t have = 0;
    while (have < n) {
        zip_int64_t r = zip_fread(zf, buf + have, n - have);
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    uint8_t extra;
    zip_int64_t more = have == n ? zip_fread(zf, &extra, 1) : -1;
    const char *why = zip_file_strerror(zf);
    char reason[96];
    snprintf(reason, sizeof reason, "%s", why ? why : "?");
    zip_fclose(zf);
    if (have != n || more != 0) {
        free(buf);
        return dp_fail(err, "%s: damaged in the zip (%s)", name,
                       have != n || more < 0 ? reason : "longer than its header says");
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return true;
}

/* The labels digitpad keeps in metadata.json ("digitpad_labels"), when the
 * file has them; a file without metadata.json, or whose metadata says
 * nothing of labels, keeps the default ones. */
static bool keras_labels(zip_t *za, model_meta *meta, dp_error *err)
{
    if (zip_name_locate(za, "metadata.json", 0) < 0)
        return true;
    uint8_t *text;
    size_t n;
    if (!zip_get(za, "metadata.json", FMT_MAX_JSON_BYTES, &text, &n, err))
        return false;
    cJSON *md = fmt_json_parse(text, n, "metadata.json", err);
    free(text);
    if (!md)
        return false;
    const cJSON *labels = cJSON_IsObject(md) ? cJSON_GetObjectItemCaseSensitive(md, "digitpad_labels")
                                             : NULL;
    bool ok = !labels || fmt_labels_read(labels, meta, "metadata.json: digitpad_labels", err);
    cJSON_Delete(md);
    return ok;
}

bool keras_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err)
{
    if (len > MODEL_FILE_MAX_BYTES)
        return dp_fail(err, "more than %zu MiB", MODEL_FILE_MAX_BYTES >> 20);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return dp_fail(err, "out of memory");
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!za) {
        dp_fail(err, "not a readable zip (%s)", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(src);
        return false;
    }
    zip_error_fini(&ze);
    bool ok = false;
    uint8_t *config = NULL, *weights = NULL;
    size_t config_len, weights_len;
    cJSON *json = NULL;
    fmt_topology *t = malloc(sizeof *t);
    if (!t) {
        dp_fail(err, "out of memory");
        goto done;
    }
    if (!zip_get(za, "config.json", FMT_MAX_JSON_BYTES, &config, &config_len, err))
        goto done;
    json = fmt_json_parse(config, config_len, "config.json", err);
    if (!json || !fmt_keras_topology(json, t, err))
        goto done;
    if (zip_name_locate(za, "model.weights.h5", 0) < 0) {
        dp_fail(err, zip_name_locate(za, "model.weights.npz", 0) >= 0
                         ? "weights saved as model.weights.npz are not supported (save with the "
                           "default h5 weights)"
                         : "no model.weights.h5 in the zip");
        goto done;
    }
    if (!zip_get(za, "model.weights.h5", MODEL_FILE_MAX_BYTES, &weights, &weights_len, err))
        goto done;
    h5_enter();
    hid_t f = h5_open_image(weights, weights_len, "model.weights.h5", err);
    if (f >= 0) {
        ok = read_dense_weights(f, t, locate_keras3, NULL, net, meta, err);
        H5Fclose(f);
    }
    h5_leave();
    if (ok && !keras_labels(za, meta, err)) {
        mlp_destroy(net);
        model_meta_destroy(meta);
        ok = false;
    }
done:
    cJSON_Delete(json);
    free(config);
    free(weights);
    free(t);
    zip_discard(za);
    return ok;
}

/* ------------------------------------------------------------ writer */

/* Objects are made without HDF5's modification times, so that the same
 * model gives the same bytes. */
static hid_t h5_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return -1;
    H5Pset_obj_track_times(gcpl, 0);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

static bool h5_write_var(hid_t vars, const char *name, const float *v, size_t rows, size_t cols)
{
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(cols ? 2 : 1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
        if (space >= 0)
            H5Sclose(space);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        return false;
    }
    hid_t ds = H5Dcreate2(vars, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    bool ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    if (ds >= 0)
        H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ok;
}

static bool h5_name_attr(hid_t obj, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, "name", type, space, H5P_DEFAULT, H5P_DEFAULT);
    bool ok = a >= 0 && H5Awrite(a, type, &value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return ok;
}

/* model.weights.h5 as Keras 3 writes it: vars (the model's own, none),
 * layers/<name>/vars/0 (kernel) and 1 (bias). */
static bool weights_h5(const mlp *net, uint8_t **out, size_t *out_len, dp_error *err)
{
    h5_enter();
    bool ok = false;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f = -1, layers = -1;
    if (fapl < 0 || H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0)
        goto done;
    f = H5Fcreate("digitpad-out.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f < 0)
        goto done;
    hid_t root_vars = h5_group(f, "vars");
    if (root_vars < 0 || !h5_name_attr(root_vars, "sequential")) {
        if (root_vars >= 0)
            H5Gclose(root_vars);
        goto done;
    }
    H5Gclose(root_vars);
    layers = h5_group(f, "layers");
    if (layers < 0)
        goto done;
    for (size_t l = 0; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        char name[32];
        fmt_dense_name(name, l);
        hid_t g = h5_group(layers, name);
        hid_t v = g >= 0 ? h5_group(g, "vars") : -1;
        bool w = v >= 0 && h5_name_attr(v, name) && h5_write_var(v, "0", L->kernel, L->in, L->out) &&
                 h5_write_var(v, "1", L->bias, L->out, 0);
        if (v >= 0)
            H5Gclose(v);
        if (g >= 0)
            H5Gclose(g);
        if (!w)
            goto done;
    }
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
        goto done;
    ssize_t size = H5Fget_file_image(f, NULL, 0);
    if (size <= 0)
        goto done;
    uint8_t *img = malloc((size_t)size);
    if (!img)
        goto done;
    if (H5Fget_file_image(f, img, (size_t)size) != size) {
        free(img);
        goto done;
    }
    *out = img;
    *out_len = (size_t)size;
    ok = true;
done:
    if (layers >= 0)
        H5Gclose(layers);
    if (f >= 0)
        H5Fclose(f);
    if (fapl >= 0)
        H5Pclose(fapl);
    h5_leave();
    if (!ok)
        return dp_fail(err, "HDF5 could not write the weights");
    return true;
}

static bool zip_put(zip_t *za, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    if (!s)
        return false;
    zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
        zip_source_free(s);
        return false;
    }
    // Stored, as Python's zipfile does by default; a fixed time, so that the
    // same model gives the same bytes.
    return zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0) == 0 &&
           zip_file_set_mtime(za, (zip_uint64_t)i, 315576000, 0) == 0;
}

bool keras_write(const mlp *net, const model_meta *meta, uint8_t **out, size_t *out_len,
                 dp_error *err)
{
    if (!fmt_check_writable(net, err))
        return false;
    cJSON *cfg = fmt_config_json(net, meta, true);
    char *config = cfg ? cJSON_PrintUnformatted(cfg) : NULL;
    cJSON_Delete(cfg);
    cJSON *md = cJSON_CreateObject();
    cJSON_AddStringToObject(md, "keras_version", "3.0.0");
    cJSON_AddStringToObject(md, "date_saved", "1980-01-01@12:00:00");
    cJSON_AddStringToObject(md, "generated_by", "digitpad");
    cJSON *labels = fmt_labels_json(meta);
    if (labels)
        cJSON_AddItemToObject(md, "digitpad_labels", labels);
    char *metadata = cJSON_PrintUnformatted(md);
    cJSON_Delete(md);
    uint8_t *weights = NULL;
    size_t weights_len = 0;
    if (!config || !metadata) {
        free(config);
        free(metadata);
        return dp_fail(err, "out of memory");
    }
    if (!weights_h5(net, &weights, &weights_len, err)) {
        free(config);
        free(metadata);
        return false;
    }
    bool ok = false;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        if (src)
            zip_source_free(src);
        dp_fail(err, "the zip could not be made");
        goto done;
    }
    zip_source_keep(src);
    bool added = zip_put(za, "metadata.json", metadata, strlen(metadata)) &&
                 zip_put(za, "config.json", config, strlen(config)) &&
                 zip_put(za, "model.weights.h5", weights, weights_len);
    if (!added) {
        zip_discard(za);
        zip_source_free(src);
        dp_fail(err, "the zip could not be made");
        goto done;
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        zip_source_free(src);
        dp_fail(err, "the zip could not be made");
        goto done;
    }
    if (zip_source_open(src) != 0) {
        zip_source_free(src);
        dp_fail(err, "the zip could not be made");
        goto done;
    }
    zip_source_seek(src, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    uint8_t *bytes = size > 0 ? malloc((size_t)size) : NULL;
    if (bytes && zip_source_read(src, bytes, (zip_uint64_t)size) == size) {
        *out = bytes;
        *out_len = (size_t)size;
        ok = true;
    } else {
        free(bytes);
        dp_fail(err, "the zip could not be made");
    }
    zip_source_close(src);
    zip_source_free(src);
done:
    free(config);
    free(metadata);
    free(weights);
    return ok;
}
