/* fmt_tfjs.c: TensorFlow.js Layers models: model.json (a Keras config under
 * modelTopology, and a weights manifest) with binary shards beside it.
 *
 * The manifest is a list of groups; each group's shards, concatenated in
 * the order of its paths, hold its weights one after another in the order
 * they are listed, each prod(shape) values of its dtype, little-endian
 * (tfjs-core's io/types.ts). Every size is checked before a shard is read. */
#include "fmt.h"
#include "fmt_internal.h"
#include "read_file.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct wref {
    const cJSON *entry; // the manifest entry
    size_t group;
    size_t offset;      // bytes into its group
    size_t n_values;
    size_t dims[8];
    size_t n_dims;
} wref;

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* Bytes per value of a dtype as the manifest names them; 0 for strings. */
static size_t dtype_size(const char *dt)
{
    static const struct {
        const char *name;
        size_t size;
    } table[] = {{"float32", 4}, {"int32", 4}, {"float16", 2}, {"uint16", 2},
                 {"uint8", 1},   {"bool", 1},  {"complex64", 8}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, dt) == 0)
            return table[i].size;
    return 0;
}

/* A shard path must stay in model.json's folder. */
static bool path_ok(const char *p)
{
    if (!p[0] || p[0] == '/' || strlen(p) > 1024)
        return false;
    for (const char *s = p; *s; s++)
        if (*s == '\\')
            return false;
    const char *c = p;
    while (*c) {
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return false;
        c += n;
        if (*c == '/')
            c++;
    }
    return true;
}

/* The entry of a layer's weight: named "<layer>/<what>" (tfjs), possibly
 * under a prefix ("sequential/dense/kernel") or with Keras 2's ":0". */
static bool name_matches(const char *name, const char *layer, const char *what)
{
    char want[192];
    snprintf(want, sizeof want, "%s/%s", layer, what);
    size_t n = strlen(name), w = strlen(want);
    if (n >= 2 && strcmp(name + n - 2, ":0") == 0)
        n -= 2;
    if (n < w || memcmp(name + n - w, want, w) != 0)
        return false;
    return n == w || name[n - w - 1] == '/';
}

static bool find_weight(const wref *refs, size_t n_refs, const fmt_dense *d, const char *what,
                        const wref **out, dp_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < n_refs; i++) {
        const char *name = cJSON_GetObjectItemCaseSensitive(refs[i].entry, "name")->valuestring;
        if (!name_matches(name, d->name, what))
            continue;
        if (*out)
            return dp_fail(err, "layer %zu (%s): two weights in the manifest are its %s", d->index,
                           d->name, what);
        *out = &refs[i];
    }
    if (!*out)
        return dp_fail(err, "layer %zu (%s): no weight \"%s/%s\" in the weights manifest", d->index,
                       d->name, d->name, what);
    const cJSON *e = (*out)->entry;
    const cJSON *q = get(e, "quantization");
    const char *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype")->valuestring;
    if (q && !cJSON_IsNull(q)) {
        const cJSON *qd = get(q, "dtype");
        return dp_fail(err, "layer %zu (%s): its %s is quantised (%s); digitpad reads float32 "
                            "weights (convert without quantisation)", d->index, d->name, what,
                       cJSON_IsString(qd) ? qd->valuestring : "?");
    }
    if (strcmp(dt, "float32") != 0)
        return dp_fail(err, "layer %zu (%s): its %s is %s; digitpad reads float32 weights",
                       d->index, d->name, what, dt);
    return true;
}

static void put_values(float *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = fmt_f32le(src + 4 * i);
}

bool tfjs_parse(const uint8_t *json, size_t len, tfjs_shard_fn get_shard, void *ctx, mlp *net,
                model_meta *meta, dp_error *err)
{
    cJSON *root = fmt_json_parse(json, len, "model.json", err);
    if (!root)
        return false;
    bool ok = false;
    wref *refs = NULL;
    size_t n_refs = 0;
    size_t *group_bytes = NULL;
    uint8_t **group_data = NULL;
    size_t n_groups = 0;
    fmt_topology *t = malloc(sizeof *t);
    if (!t) {
        dp_fail(err, "out of memory");
        goto done;
    }

    const cJSON *fmt = get(root, "format");
    if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, "layers-model") != 0) {
        char tmp[48];
        dp_fail(err, "a TF.js \"%s\" is not supported; digitpad reads Layers models "
                     "(format \"layers-model\")", fmt_shown(fmt->valuestring, tmp));
        goto done;
    }
    const cJSON *topo = get(root, "modelTopology");
    if (!cJSON_IsObject(topo)) {
        dp_fail(err, topo ? "modelTopology is not an object" : "missing \"modelTopology\"");
        goto done;
    }
    if (!fmt_keras_topology(topo, t, err))
        goto done;

    const cJSON *man = get(root, "weightsManifest");
    if (!cJSON_IsArray(man)) {
        dp_fail(err, man ? "weightsManifest is not a list" : "missing \"weightsManifest\"");
        goto done;
    }
    size_t n_paths = 0, n_weights = 0;
    n_groups = (size_t)cJSON_GetArraySize(man);
    if (n_groups == 0 || n_groups > FMT_MAX_SHARD_FILES) {
        dp_fail(err, "weightsManifest has %zu groups (1 to %d)", n_groups, FMT_MAX_SHARD_FILES);
        goto done;
    }
    group_bytes = calloc(n_groups, sizeof *group_bytes);
    group_data = calloc(n_groups, sizeof *group_data);
    if (!group_bytes || !group_data) {
        dp_fail(err, "out of memory");
        goto done;
    }
    // First pass: every group's and weight's size, overflow-checked.
    size_t g = 0;
    for (const cJSON *grp = man->child; grp; grp = grp->next, g++) {
        const cJSON *paths = get(grp, "paths"), *ws = get(grp, "weights");
        if (!cJSON_IsArray(paths) || !cJSON_IsArray(ws)) {
            dp_fail(err, "weightsManifest[%zu]: needs \"paths\" and \"weights\" lists", g);
            goto done;
        }
        size_t np = (size_t)cJSON_GetArraySize(paths);
        n_paths += np;
        if (n_paths > FMT_MAX_SHARD_FILES) {
            dp_fail(err, "weightsManifest: more than %d shard paths", FMT_MAX_SHARD_FILES);
            goto done;
        }
        size_t k = 0;
        for (const cJSON *p = paths->child; p; p = p->next, k++)
            if (!cJSON_IsString(p) || !path_ok(p->valuestring)) {
                dp_fail(err, "weightsManifest[%zu].paths[%zu]: not a path inside the model's "
                             "folder", g, k);
                goto done;
            }
        size_t nw = (size_t)cJSON_GetArraySize(ws);
        if (nw > FMT_MAX_MANIFEST_WEIGHTS - n_weights) {
            dp_fail(err, "weightsManifest: more than %d weights", FMT_MAX_MANIFEST_WEIGHTS);
            goto done;
        }
        wref *more = realloc(refs, (n_weights + nw + 1) * sizeof *refs);
        if (!more) {
            dp_fail(err, "out of memory");
            goto done;
        }
        refs = more;
        size_t off = 0;
        k = 0;
        for (const cJSON *e = ws->child; e; e = e->next, k++) {
            wref *r = &refs[n_refs];
            memset(r, 0, sizeof *r);
            const cJSON *name = get(e, "name"), *shape = get(e, "shape"), *dt = get(e, "dtype");
            if (!cJSON_IsString(name) || !cJSON_IsArray(shape) || !cJSON_IsString(dt)) {
                dp_fail(err, "weightsManifest[%zu].weights[%zu]: needs a name, a shape and a "
                             "dtype", g, k);
                goto done;
            }
            size_t vsize = dtype_size(dt->valuestring);
            const cJSON *q = get(e, "quantization");
            if (cJSON_IsObject(q)) {
                const cJSON *qd = get(q, "dtype");
                vsize = cJSON_IsString(qd) ? dtype_size(qd->valuestring) : 0;
            }
            if (vsize == 0) {
                char tmp[48];
                dp_fail(err, "weightsManifest[%zu].weights[%zu] (%s): its dtype is not one "
                             "digitpad can size (float32, int32, float16, uint16, uint8, bool)",
                        g, k, fmt_shown(name->valuestring, tmp));
                goto done;
            }
            size_t nd = (size_t)cJSON_GetArraySize(shape);
            if (nd > 8) {
                dp_fail(err, "weightsManifest[%zu].weights[%zu]: %zu dimensions", g, k, nd);
                goto done;
            }
            size_t count = 1, d = 0;
            for (const cJSON *s = shape->child; s; s = s->next, d++) {
                if (!cJSON_IsNumber(s) || !(s->valuedouble >= 0 && s->valuedouble <= 4294967296.0) ||
                    s->valuedouble != floor(s->valuedouble)) {
                    dp_fail(err, "weightsManifest[%zu].weights[%zu]: shape[%zu] is not a whole "
                                 "number from 0 to 2^32", g, k, d);
                    goto done;
                }
                r->dims[d] = (size_t)s->valuedouble;
                if (r->dims[d] && count > MODEL_FILE_MAX_BYTES / r->dims[d]) {
                    dp_fail(err, "weightsManifest[%zu].weights[%zu]: a shape of more than %zu MiB",
                            g, k, MODEL_FILE_MAX_BYTES >> 20);
                    goto done;
                }
                count *= r->dims[d];
            }
            if (count > MODEL_FILE_MAX_BYTES / vsize ||
                count * vsize > MODEL_FILE_MAX_BYTES - off) {
                dp_fail(err, "weightsManifest[%zu]: its weights need more than %zu MiB", g,
                        MODEL_FILE_MAX_BYTES >> 20);
                goto done;
            }
            r->entry = e;
            r->group = g;
            r->offset = off;
            r->n_values = count;
            r->n_dims = nd;
            off += count * vsize;
            n_refs++;
        }
        n_weights += nw;
        group_bytes[g] = off;
    }

    // The weights of each Dense layer, their shapes, and the network.
    const wref *kern[MLP_MAX_LAYERS] = {NULL}, *bias[MLP_MAX_LAYERS] = {NULL};
    for (size_t l = 0; l < t->n_dense; l++) {
        if (!find_weight(refs, n_refs, &t->dense[l], "kernel", &kern[l], err))
            goto done;
        bias[l] = NULL;
        if (t->dense[l].use_bias && !find_weight(refs, n_refs, &t->dense[l], "bias", &bias[l], err))
            goto done;
    }
    size_t inputs = fmt_inputs(t) ? fmt_inputs(t) : kern[0]->n_dims == 2 ? kern[0]->dims[0] : 0;
    for (size_t l = 0; l < t->n_dense; l++) {
        size_t rows = l == 0 ? inputs : t->dense[l - 1].units;
        if (!fmt_check_shape(t, l, "kernel", kern[l]->dims, kern[l]->n_dims, rows,
                             t->dense[l].units, err))
            goto done;
        if (bias[l] && !fmt_check_shape(t, l, "bias", bias[l]->dims, bias[l]->n_dims,
                                        t->dense[l].units, 0, err))
            goto done;
    }
    if (inputs < 1 || inputs > MLP_MAX_UNITS) {
        dp_fail(err, "the first Dense layer has %zu inputs (1 to %d)", inputs, MLP_MAX_UNITS);
        goto done;
    }

    // The shards of the groups that hold these weights, concatenated.
    bool needed[FMT_MAX_SHARD_FILES] = {false};
    for (size_t l = 0; l < t->n_dense; l++) {
        needed[kern[l]->group] = true;
        if (bias[l])
            needed[bias[l]->group] = true;
    }
    g = 0;
    for (const cJSON *grp = man->child; grp; grp = grp->next, g++) {
        if (!needed[g])
            continue;
        group_data[g] = malloc(group_bytes[g] ? group_bytes[g] : 1);
        if (!group_data[g]) {
            dp_fail(err, "out of memory");
            goto done;
        }
        size_t have = 0;
        for (const cJSON *p = get(grp, "paths")->child; p; p = p->next) {
            const uint8_t *data;
            size_t n;
            if (!get_shard(ctx, p->valuestring, &data, &n, err))
                goto done;
            if (n > group_bytes[g] - have) {
                dp_fail(err, "weightsManifest[%zu]: its shards hold more than the %zu bytes its "
                             "weights' shapes need (%s and the shards before it)", g,
                        group_bytes[g], p->valuestring);
                goto done;
            }
            if (n)
                memcpy(group_data[g] + have, data, n);
            have += n;
        }
        if (have != group_bytes[g]) {
            dp_fail(err, "weightsManifest[%zu]: its shards hold %zu bytes but its weights' shapes "
                         "need %zu (a shard truncated or missing?)", g, have, group_bytes[g]);
            goto done;
        }
    }

    if (!fmt_build(t, inputs, net, meta, err))
        goto done;
    for (size_t l = 0; l < t->n_dense; l++) {
        mlp_layer *L = &net->layers[l];
        put_values(L->kernel, group_data[kern[l]->group] + kern[l]->offset, L->in * L->out);
        if (bias[l])
            put_values(L->bias, group_data[bias[l]->group] + bias[l]->offset, L->out);
    }
    const cJSON *udm = get(root, "userDefinedMetadata");
    const cJSON *labels = cJSON_IsObject(udm) ? get(udm, "digitpad_labels") : NULL;
    if (!fmt_check_finite(net, err) ||
        (labels && !fmt_labels_read(labels, meta, "userDefinedMetadata.digitpad_labels", err))) {
        mlp_destroy(net);
        model_meta_destroy(meta);
        goto done;
    }
    ok = true;
done:
    if (group_data)
        for (size_t i = 0; i < n_groups; i++)
            free(group_data[i]);
    free(group_data);
    free(group_bytes);
    free(refs);
    free(t);
    cJSON_Delete(root);
    return ok;
}

/* ------------------------------------------------------------- files */

typedef struct shard_files {
    char dir[4096];
    uint8_t *bufs[FMT_MAX_SHARD_FILES];
    size_t n;
} shard_files;

static bool read_shard(void *ctx, const char *path, const uint8_t **data, size_t *len,
                       dp_error *err)
{
    shard_files *s = ctx;
    if (s->n == FMT_MAX_SHARD_FILES)
        return dp_fail(err, "more than %d shards", FMT_MAX_SHARD_FILES);
    char full[8192];
    snprintf(full, sizeof full, "%s%s", s->dir, path);
    dp_error e;
    uint8_t *buf;
    size_t n;
    if (!dp_read_file(full, MODEL_FILE_MAX_BYTES, &buf, &n, &e))
        return dp_fail(err, "shard %s: %s", path, e.msg);
    s->bufs[s->n++] = buf;
    *data = buf;
    *len = n;
    return true;
}

bool tfjs_load(const char *path, mlp *net, model_meta *meta, dp_error *err)
{
    uint8_t *json;
    size_t len;
    if (!dp_read_file(path, FMT_MAX_JSON_BYTES, &json, &len, err))
        return false;
    shard_files *s = calloc(1, sizeof *s);
    if (!s) {
        free(json);
        return dp_fail(err, "out of memory");
    }
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path + 1) < sizeof s->dir)
        memcpy(s->dir, path, (size_t)(slash - path + 1));
    bool ok = tfjs_parse(json, len, read_shard, s, net, meta, err);
    for (size_t i = 0; i < s->n; i++)
        free(s->bufs[i]);
    free(s);
    free(json);
    return ok;
}

/* ------------------------------------------------------------ writer */

bool tfjs_write(const mlp *net, const model_meta *meta, const char *shard_name, char **json,
                size_t *json_len, uint8_t **bin, size_t *bin_len, dp_error *err)
{
    if (!fmt_check_writable(net, err))
        return false;
    cJSON *root = cJSON_CreateObject();
    cJSON *topo = fmt_config_json(net, meta, false);
    cJSON_AddItemToObject(root, "modelTopology", topo);
    cJSON_AddStringToObject(topo, "keras_version", "tfjs-layers 4.22.0");
    cJSON_AddStringToObject(topo, "backend", "tensor_flow.js");
    cJSON_AddStringToObject(root, "format", "layers-model");
    cJSON_AddStringToObject(root, "generatedBy", "digitpad");
    cJSON_AddNullToObject(root, "convertedBy");
    cJSON *labels = fmt_labels_json(meta);
    if (labels)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(root, "userDefinedMetadata"),
                              "digitpad_labels", labels);
    cJSON *man = cJSON_AddArrayToObject(root, "weightsManifest");
    cJSON *grp = cJSON_CreateObject();
    cJSON_AddItemToArray(man, grp);
    cJSON *paths = cJSON_AddArrayToObject(grp, "paths");
    cJSON_AddItemToArray(paths, cJSON_CreateString(shard_name));
    cJSON *ws = cJSON_AddArrayToObject(grp, "weights");
    for (size_t l = 0; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        char name[32], wname[48];
        fmt_dense_name(name, l);
        for (int b = 0; b < 2; b++) {
            cJSON *e = cJSON_CreateObject();
            snprintf(wname, sizeof wname, "%s/%s", name, b ? "bias" : "kernel");
            cJSON_AddStringToObject(e, "name", wname);
            cJSON *shape = cJSON_AddArrayToObject(e, "shape");
            if (!b)
                cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)L->in));
            cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)L->out));
            cJSON_AddStringToObject(e, "dtype", "float32");
            cJSON_AddItemToArray(ws, e);
        }
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text)
        return dp_fail(err, "out of memory");
    // The shard: each layer's kernel then bias, the parameter block's order.
    uint8_t *b = malloc(net->n_params * 4);
    if (!b) {
        free(text);
        return dp_fail(err, "out of memory");
    }
    for (size_t i = 0; i < net->n_params; i++)
        fmt_put_f32le(b + 4 * i, net->params[i]);
    *json = text;
    *json_len = strlen(text);
    *bin = b;
    *bin_len = net->n_params * 4;
    return true;
}

bool tfjs_save(const char *dir, const mlp *net, const model_meta *meta, dp_error *err)
{
    char *json;
    uint8_t *bin;
    size_t jlen, blen;
    if (!tfjs_write(net, meta, "weights.bin", &json, &jlen, &bin, &blen, err))
        return false;
    bool ok = false;
    char path[4096];
    struct stat st;
    // A TF.js model is a folder: an existing file of that name stays as it is.
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        dp_fail(err, "is a file: TF.js writes a folder of model.json and weights.bin "
                     "(give a new name; the file is left as it was)");
        goto done;
    }
    if (mkdir(dir, 0755) != 0 && !(errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
        dp_fail(err, "cannot make the folder: %s", strerror(errno));
        goto done;
    }
    // The shard first: a model.json never names weights that are not there.
    snprintf(path, sizeof path, "%s/weights.bin", dir);
    if (!dp_write_file_atomic(path, bin, blen, err))
        goto done;
    snprintf(path, sizeof path, "%s/model.json", dir);
    if (!dp_write_file_atomic(path, json, jlen, err))
        goto done;
    ok = true;
done:
    free(json);
    free(bin);
    return ok;
}
