/* fmt_onnx.c: ONNX models (onnx/onnx.proto), written and read by a small
 * protobuf encoder and decoder of our own.
 *
 * What is written: ModelProto (ir_version 7, opset 13) whose graph takes
 * "input" float32 [N, inputs] (N dynamic: pixels divided by 255, row by
 * row), optionally multiplies it by a scalar (when the model's scale is not
 * 1/255), then per layer a Gemm (kernel (in, out) as B, transB 0) and its
 * activation, the last giving "probabilities" [N, outputs]. Weights are
 * raw_data, float32 little-endian. metadata_props carry digitpad's input
 * height, width and exact scale, which the reader uses when present. */
#include "fmt.h"
#include "fmt_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONNX_FLOAT 1
#define ONNX_MAX_NODES 256
#define ONNX_MAX_INITS 256

/* ------------------------------------------------------------ encoder */

static void pb_varint(fmt_buf *b, uint64_t v)
{
    while (v >= 0x80) {
        fmt_buf_byte(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    fmt_buf_byte(b, (uint8_t)v);
}

static void pb_tag(fmt_buf *b, unsigned field, unsigned wire)
{
    pb_varint(b, (uint64_t)field << 3 | wire);
}

static void pb_int(fmt_buf *b, unsigned field, int64_t v)
{
    pb_tag(b, field, 0);
    pb_varint(b, (uint64_t)v);
}

static void pb_bytes(fmt_buf *b, unsigned field, const void *p, size_t n)
{
    pb_tag(b, field, 2);
    pb_varint(b, n);
    fmt_buf_put(b, p, n);
}

static void pb_str(fmt_buf *b, unsigned field, const char *s)
{
    pb_bytes(b, field, s, strlen(s));
}

/* Appends sub as a nested message and empties it. */
static void pb_msg(fmt_buf *b, unsigned field, fmt_buf *sub)
{
    if (sub->failed)
        b->failed = true;
    pb_bytes(b, field, sub->data, sub->len);
    free(sub->data);
    memset(sub, 0, sizeof *sub);
}

static void tensor_float(fmt_buf *out, const char *name, const size_t *dims, size_t n_dims,
                         const float *v, size_t n)
{
    fmt_buf t = {0};
    for (size_t k = 0; k < n_dims; k++)
        pb_int(&t, 1, (int64_t)dims[k]);
    pb_int(&t, 2, ONNX_FLOAT);
    pb_str(&t, 8, name);
    pb_tag(&t, 9, 2);
    pb_varint(&t, n * 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t le[4];
        fmt_put_f32le(le, v[i]);
        fmt_buf_put(&t, le, 4);
    }
    pb_msg(out, 5, &t);
}

static void value_info(fmt_buf *out, unsigned field, const char *name, size_t width,
                       const char *doc)
{
    fmt_buf dim_n = {0}, dim_w = {0}, shape = {0}, tensor = {0}, type = {0}, vi = {0};
    pb_str(&dim_n, 2, "N");
    pb_int(&dim_w, 1, (int64_t)width);
    pb_msg(&shape, 1, &dim_n);
    pb_msg(&shape, 1, &dim_w);
    pb_int(&tensor, 1, ONNX_FLOAT);
    pb_msg(&tensor, 2, &shape);
    pb_msg(&type, 1, &tensor);
    pb_str(&vi, 1, name);
    pb_msg(&vi, 2, &type);
    pb_str(&vi, 3, doc);
    pb_msg(out, field, &vi);
}

static void node(fmt_buf *out, const char *op, const char *name, const char *const *inputs,
                 size_t n_in, const char *output, fmt_buf *attrs)
{
    fmt_buf n = {0};
    for (size_t i = 0; i < n_in; i++)
        pb_str(&n, 1, inputs[i]);
    pb_str(&n, 2, output);
    pb_str(&n, 3, name);
    pb_str(&n, 4, op);
    if (attrs && attrs->len)
        fmt_buf_put(&n, attrs->data, attrs->len);
    pb_msg(out, 1, &n);
}

static void meta_prop(fmt_buf *out, const char *key, const char *value)
{
    fmt_buf p = {0};
    pb_str(&p, 1, key);
    pb_str(&p, 2, value);
    pb_msg(out, 14, &p);
}

bool onnx_write(const mlp *net, const model_meta *meta, uint8_t **out, size_t *out_len,
                dp_error *err)
{
    if (!fmt_check_writable(net, err))
        return false;
    fmt_buf g = {0}, m = {0}, op = {0};
    char cur[48] = "input", next[48], name[64], wname[48], bname[48];
    if (!fmt_scale_is_default(meta->scale)) {
        float s = (float)(meta->scale * 255.0);
        tensor_float(&g, "input_scale", NULL, 0, &s, 1);
        const char *in[2] = {"input", "input_scale"};
        node(&g, "Mul", "rescale", in, 2, "scaled", NULL);
        snprintf(cur, sizeof cur, "scaled");
    }
    for (size_t l = 0; l < net->n_layers; l++) {
        const mlp_layer *L = &net->layers[l];
        char layer[32];
        fmt_dense_name(layer, l);
        snprintf(wname, sizeof wname, "%s/kernel", layer);
        snprintf(bname, sizeof bname, "%s/bias", layer);
        size_t kd[2] = {L->in, L->out}, bd[1] = {L->out};
        tensor_float(&g, wname, kd, 2, L->kernel, L->in * L->out);
        tensor_float(&g, bname, bd, 1, L->bias, L->out);
        const char *in[3] = {cur, wname, bname};
        snprintf(next, sizeof next, "%s/logits", layer);
        snprintf(name, sizeof name, "%s/gemm", layer);
        node(&g, "Gemm", name, in, 3, next, NULL);
        const char *act_in[1] = {next};
        char act_out[48];
        if (l + 1 == net->n_layers)
            snprintf(act_out, sizeof act_out, "probabilities");
        else
            snprintf(act_out, sizeof act_out, "%s/out", layer);
        snprintf(name, sizeof name, "%s/%s", layer, fmt_act_keras(L->act));
        node(&g, fmt_act_onnx(L->act), name, act_in, 1, act_out, NULL);
        snprintf(cur, sizeof cur, "%s", act_out);
    }
    pb_str(&g, 2, "digitpad");
    value_info(&g, 11, "input", net->sizes[0],
               "pixel values 0..255 divided by 255, the image flattened row by row");
    value_info(&g, 12, "probabilities", net->sizes[net->n_layers], "one probability per label");

    pb_int(&m, 1, 7); // IR version 7 goes with opset 13
    pb_str(&m, 2, "digitpad");
    pb_str(&m, 3, "1");
    pb_int(&op, 2, 13);
    pb_msg(&m, 8, &op);
    pb_str(&m, 6, "digitpad MLP: input is pixels / 255, row-major; see docs/model-format.md");
    pb_msg(&m, 7, &g);
    char v[64];
    snprintf(v, sizeof v, "%zu", meta->height);
    meta_prop(&m, "digitpad.height", v);
    snprintf(v, sizeof v, "%zu", meta->width);
    meta_prop(&m, "digitpad.width", v);
    snprintf(v, sizeof v, "%.17g", meta->scale);
    meta_prop(&m, "digitpad.scale", v);
    cJSON *labels = fmt_labels_json(meta);
    if (labels) {
        char *text = cJSON_PrintUnformatted(labels);
        cJSON_Delete(labels);
        if (!text) {
            free(m.data);
            return dp_fail(err, "out of memory");
        }
        meta_prop(&m, "digitpad.labels", text);
        free(text);
    }
    if (m.failed) {
        free(m.data);
        return dp_fail(err, "out of memory");
    }
    *out = m.data;
    *out_len = m.len;
    return true;
}

/* ------------------------------------------------------------ decoder */

typedef struct pb_span {
    const uint8_t *p;
    size_t n;
} pb_span;

typedef struct pb_field {
    unsigned field, wire;
    uint64_t v;   // varint or fixed value
    pb_span data; // length-delimited
} pb_field;

static bool pb_read_varint(pb_span *s, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (s->n == 0)
            return false;
        uint8_t c = *s->p++;
        s->n--;
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

/* Next field of a message; false at the end, *bad when damaged. */
static bool pb_next(pb_span *s, pb_field *f, bool *bad)
{
    if (s->n == 0)
        return false;
    uint64_t tag;
    if (!pb_read_varint(s, &tag) || tag >> 3 == 0 || tag >> 3 > 0xffffffu) {
        *bad = true;
        return false;
    }
    f->field = (unsigned)(tag >> 3);
    f->wire = (unsigned)(tag & 7);
    switch (f->wire) {
    case 0:
        if (!pb_read_varint(s, &f->v)) {
            *bad = true;
            return false;
        }
        return true;
    case 1:
    case 5: {
        size_t k = f->wire == 1 ? 8 : 4;
        if (s->n < k) {
            *bad = true;
            return false;
        }
        f->v = 0;
        for (size_t i = 0; i < k; i++)
            f->v |= (uint64_t)s->p[i] << (8 * i);
        s->p += k;
        s->n -= k;
        return true;
    }
    case 2: {
        uint64_t n;
        if (!pb_read_varint(s, &n) || n > s->n) {
            *bad = true;
            return false;
        }
        f->data.p = s->p;
        f->data.n = (size_t)n;
        s->p += n;
        s->n -= (size_t)n;
        return true;
    }
    default:
        *bad = true;
        return false;
    }
}

static bool span_is(pb_span a, const char *s)
{
    size_t n = strlen(s);
    return a.n == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

/* Empty spans may have no pointer at all. */
static bool span_eq(pb_span a, pb_span b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

typedef struct onnx_tensor {
    pb_span name, raw;
    size_t dims[4];
    size_t n_dims;
    int64_t type;
    pb_span floats; // float_data, packed
    bool unpacked_floats, external;
} onnx_tensor;

typedef struct onnx_node {
    pb_span op, inputs[4], output;
    size_t n_inputs, n_outputs;
    int64_t trans_a, trans_b, axis;
    float alpha, beta;
    bool has_axis;
} onnx_node;

static bool read_tensor(pb_span s, onnx_tensor *t)
{
    memset(t, 0, sizeof *t);
    pb_field f;
    bool bad = false;
    while (pb_next(&s, &f, &bad)) {
        if (f.field == 1 && f.wire == 0) {
            if (t->n_dims == 4 || f.v > MLP_MAX_PARAMS)
                return false;
            t->dims[t->n_dims++] = (size_t)f.v;
        } else if (f.field == 1 && f.wire == 2) { // packed dims
            pb_span d = f.data;
            uint64_t v;
            while (d.n) {
                if (!pb_read_varint(&d, &v) || t->n_dims == 4 || v > MLP_MAX_PARAMS)
                    return false;
                t->dims[t->n_dims++] = (size_t)v;
            }
        } else if (f.field == 2 && f.wire == 0) {
            t->type = (int64_t)f.v;
        } else if (f.field == 8 && f.wire == 2) {
            t->name = f.data;
        } else if (f.field == 9 && f.wire == 2) {
            t->raw = f.data;
        } else if (f.field == 4 && f.wire == 2) {
            t->floats = f.data;
        } else if (f.field == 4 && f.wire == 5) {
            t->unpacked_floats = true;
        } else if (f.field == 14 && f.wire == 0 && f.v == 1) {
            t->external = true;
        }
    }
    return !bad;
}

static bool read_node(pb_span s, onnx_node *nd)
{
    memset(nd, 0, sizeof *nd);
    nd->alpha = nd->beta = 1.0f;
    pb_field f;
    bool bad = false;
    while (pb_next(&s, &f, &bad)) {
        if (f.wire != 2)
            continue;
        if (f.field == 1) {
            if (nd->n_inputs == 4)
                return false;
            nd->inputs[nd->n_inputs++] = f.data;
        } else if (f.field == 2) {
            nd->output = f.data;
            nd->n_outputs++;
        } else if (f.field == 4) {
            nd->op = f.data;
        } else if (f.field == 5) {
            pb_span a = f.data, an = {0};
            pb_field af;
            bool abad = false;
            int64_t iv = 0;
            float fv = 0;
            while (pb_next(&a, &af, &abad)) {
                if (af.field == 1 && af.wire == 2)
                    an = af.data;
                else if (af.field == 3 && af.wire == 0)
                    iv = (int64_t)af.v;
                else if (af.field == 2 && af.wire == 5) {
                    uint32_t u = (uint32_t)af.v;
                    memcpy(&fv, &u, 4);
                }
            }
            if (abad)
                return false;
            if (span_is(an, "transA"))
                nd->trans_a = iv;
            else if (span_is(an, "transB"))
                nd->trans_b = iv;
            else if (span_is(an, "alpha"))
                nd->alpha = fv;
            else if (span_is(an, "beta"))
                nd->beta = fv;
            else if (span_is(an, "axis")) {
                nd->axis = iv;
                nd->has_axis = true;
            }
        }
    }
    return !bad;
}

/* A float tensor's values (raw_data or packed float_data). */
static bool tensor_values(const onnx_tensor *t, size_t n, float *dst, bool transpose, size_t rows,
                          size_t cols)
{
    const uint8_t *p = t->raw.n ? t->raw.p : t->floats.p;
    size_t bytes = t->raw.n ? t->raw.n : t->floats.n;
    if (t->type != ONNX_FLOAT || t->external || t->unpacked_floats || bytes != n * 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        float v = fmt_f32le(p + 4 * i);
        if (transpose) // stored (cols, rows): element (c, r) goes to (r, c)
            dst[(i % rows) * cols + i / rows] = v;
        else
            dst[i] = v;
    }
    return true;
}

static size_t tensor_count(const onnx_tensor *t)
{
    size_t n = 1;
    for (size_t k = 0; k < t->n_dims; k++) {
        if (t->dims[k] && n > MLP_MAX_PARAMS / t->dims[k])
            return SIZE_MAX;
        n *= t->dims[k];
    }
    return n;
}

bool onnx_parse(const uint8_t *buf, size_t len, mlp *net, model_meta *meta, dp_error *err)
{
    if (len > MODEL_FILE_MAX_BYTES)
        return dp_fail(err, "more than %zu MiB", MODEL_FILE_MAX_BYTES >> 20);
    pb_span s = {buf, len}, graph = {0}, labels = {0};
    pb_field f;
    bool bad = false, has_graph = false;
    size_t height = 0, width = 0;
    double scale = 0;
    while (pb_next(&s, &f, &bad)) {
        if (f.field == 7 && f.wire == 2) {
            graph = f.data;
            has_graph = true;
        } else if (f.field == 14 && f.wire == 2) {
            pb_span p = f.data, key = {0}, val = {0};
            pb_field pf;
            bool pbad = false;
            while (pb_next(&p, &pf, &pbad))
                if (pf.wire == 2 && pf.field == 1)
                    key = pf.data;
                else if (pf.wire == 2 && pf.field == 2)
                    val = pf.data;
            if (!pbad && span_is(key, "digitpad.labels")) {
                labels = val;
                continue;
            }
            char v[64];
            if (pbad || val.n >= sizeof v)
                continue;
            if (val.n)
                memcpy(v, val.p, val.n);
            v[val.n] = '\0';
            if (span_is(key, "digitpad.height"))
                height = (size_t)strtoul(v, NULL, 10);
            else if (span_is(key, "digitpad.width"))
                width = (size_t)strtoul(v, NULL, 10);
            else if (span_is(key, "digitpad.scale"))
                scale = strtod(v, NULL);
        }
    }
    if (bad || !has_graph)
        return dp_fail(err, bad ? "not an ONNX model (damaged protobuf)" : "an ONNX model without a graph");

    onnx_node *nodes = calloc(ONNX_MAX_NODES, sizeof *nodes);
    onnx_tensor *inits = calloc(ONNX_MAX_INITS, sizeof *inits);
    size_t n_nodes = 0, n_inits = 0;
    pb_span input = {0}, output = {0};
    bool ok = false;
    if (!nodes || !inits) {
        dp_fail(err, "out of memory");
        goto done;
    }
    s = graph;
    while (pb_next(&s, &f, &bad)) {
        if (f.wire != 2)
            continue;
        if (f.field == 1) {
            if (n_nodes == ONNX_MAX_NODES) {
                dp_fail(err, "more than %d nodes", ONNX_MAX_NODES);
                goto done;
            }
            if (!read_node(f.data, &nodes[n_nodes++])) {
                dp_fail(err, "node %zu is damaged", n_nodes - 1);
                goto done;
            }
        } else if (f.field == 5) {
            if (n_inits == ONNX_MAX_INITS) {
                dp_fail(err, "more than %d initializers", ONNX_MAX_INITS);
                goto done;
            }
            if (!read_tensor(f.data, &inits[n_inits++])) {
                dp_fail(err, "initializer %zu is damaged", n_inits - 1);
                goto done;
            }
        } else if (f.field == 11 || f.field == 12) {
            pb_span v = f.data, name = {0};
            pb_field vf;
            bool vbad = false;
            while (pb_next(&v, &vf, &vbad))
                if (vf.field == 1 && vf.wire == 2)
                    name = vf.data;
            if (f.field == 11 && !input.p)
                input = name;
            if (f.field == 12 && !output.p)
                output = name;
        }
    }
    if (bad) {
        dp_fail(err, "the graph is damaged");
        goto done;
    }

    // Follow the chain from the input: [Mul], then Gemm + activation per layer.
    pb_span cur = input;
    const onnx_tensor *kern[MLP_MAX_LAYERS], *bias[MLP_MAX_LAYERS];
    bool trans[MLP_MAX_LAYERS];
    mlp_activation acts[MLP_MAX_LAYERS];
    size_t sizes[MLP_MAX_LAYERS + 1], n_layers = 0;
    double mul = 1.0;
    bool pending_gemm = false;
    for (size_t i = 0; i < n_nodes; i++) {
        onnx_node *nd = &nodes[i];
        char opname[32];
        snprintf(opname, sizeof opname, "%.*s", (int)(nd->op.n < 31 ? nd->op.n : 31),
                 (const char *)nd->op.p);
        if (nd->n_inputs == 0 || !span_eq(nd->inputs[0], cur)) {
            dp_fail(err, "node %zu (%s) does not take the previous node's output: digitpad reads "
                         "a chain of layers", i, opname);
            goto done;
        }
        const onnx_tensor *ins[4] = {NULL};
        for (size_t k = 1; k < nd->n_inputs; k++)
            for (size_t j = 0; j < n_inits; j++)
                if (span_eq(inits[j].name, nd->inputs[k]))
                    ins[k] = &inits[j];
        mlp_activation a;
        if (strcmp(opname, "Mul") == 0 && n_layers == 0 && !pending_gemm && nd->n_inputs == 2 &&
            ins[1] && tensor_count(ins[1]) == 1) {
            float v;
            if (!tensor_values(ins[1], 1, &v, false, 1, 1) || !(v > 0) || !isfinite(v)) {
                dp_fail(err, "node %zu (Mul): the scale is not a positive float32", i);
                goto done;
            }
            mul *= v;
        } else if (strcmp(opname, "Gemm") == 0 && !pending_gemm) {
            if (n_layers == MLP_MAX_LAYERS) {
                dp_fail(err, "more than %d layers", MLP_MAX_LAYERS);
                goto done;
            }
            if (nd->n_inputs < 2 || !ins[1] || ins[1]->n_dims != 2 || nd->trans_a != 0 ||
                nd->alpha != 1.0f || nd->beta != 1.0f || (nd->n_inputs == 3 && !ins[2])) {
                dp_fail(err, "node %zu (Gemm): not a dense layer digitpad runs (constant weights, "
                             "transA 0, alpha and beta 1)", i);
                goto done;
            }
            trans[n_layers] = nd->trans_b != 0;
            size_t in = ins[1]->dims[trans[n_layers] ? 1 : 0];
            size_t out = ins[1]->dims[trans[n_layers] ? 0 : 1];
            if (n_layers == 0)
                sizes[0] = in;
            else if (in != sizes[n_layers]) {
                dp_fail(err, "node %zu (Gemm): %zu inputs but the layer before has %zu units", i,
                        in, sizes[n_layers]);
                goto done;
            }
            if (in < 1 || in > MLP_MAX_UNITS || out < 1 || out > MLP_MAX_UNITS ||
                (ins[2] && tensor_count(ins[2]) != out)) {
                dp_fail(err, "node %zu (Gemm): weights of shape (%zu, %zu) and a bias that does "
                             "not match", i, ins[1]->dims[0], ins[1]->dims[1]);
                goto done;
            }
            kern[n_layers] = ins[1];
            bias[n_layers] = ins[2];
            sizes[n_layers + 1] = out;
            pending_gemm = true;
        } else if (pending_gemm && fmt_act_from_onnx(opname, &a)) {
            if (strcmp(opname, "Softmax") == 0 && nd->has_axis && nd->axis != -1 && nd->axis != 1) {
                dp_fail(err, "node %zu (Softmax): over axis %lld, not the units", i,
                        (long long)nd->axis);
                goto done;
            }
            acts[n_layers++] = a;
            pending_gemm = false;
        } else {
            dp_fail(err, "node %zu: %s is not supported here; digitpad runs dense networks "
                         "(Gemm and its activation)", i, opname);
            goto done;
        }
        cur = nd->output;
    }
    if (pending_gemm || n_layers == 0) {
        dp_fail(err, n_layers ? "the last Gemm has no activation" : "no Gemm layers");
        goto done;
    }
    if (output.p && !span_eq(output, cur)) {
        dp_fail(err, "the graph's output is not the last layer's");
        goto done;
    }
    fmt_topology *t = calloc(1, sizeof *t);
    if (!t) {
        dp_fail(err, "out of memory");
        goto done;
    }
    t->n_dense = n_layers;
    for (size_t l = 0; l < n_layers; l++) {
        t->dense[l].index = l;
        t->dense[l].units = sizes[l + 1];
        snprintf(t->dense[l].name, sizeof t->dense[l].name, "gemm %zu", l);
        snprintf(t->dense[l].act, sizeof t->dense[l].act, "%s", fmt_act_keras(acts[l]));
    }
    t->scale = scale > 0 && isfinite(scale) ? scale : mul / 255.0;
    if (height && width && height * width == sizes[0]) {
        t->input_dims[0] = height;
        t->input_dims[1] = width;
        t->n_input_dims = 2;
    }
    bool built = fmt_build(t, sizes[0], net, meta, err);
    free(t);
    if (!built)
        goto done;
    for (size_t l = 0; l < n_layers; l++) {
        mlp_layer *L = &net->layers[l];
        bool vals = tensor_values(kern[l], L->in * L->out, L->kernel, trans[l], L->in, L->out) &&
                    (!bias[l] || tensor_values(bias[l], L->out, L->bias, false, 1, 1));
        if (!vals) {
            mlp_destroy(net);
            model_meta_destroy(meta);
            dp_fail(err, "layer %zu: its weights are not float32 data of their shape", l);
            goto done;
        }
    }
    if (!fmt_check_finite(net, err)) {
        mlp_destroy(net);
        model_meta_destroy(meta);
        goto done;
    }
    if (labels.p) {
        cJSON *j = fmt_json_parse(labels.p, labels.n, "metadata digitpad.labels", err);
        bool read = j && fmt_labels_read(j, meta, "metadata digitpad.labels", err);
        cJSON_Delete(j);
        if (!read) {
            mlp_destroy(net);
            model_meta_destroy(meta);
            goto done;
        }
    }
    ok = true;
done:
    free(nodes);
    free(inits);
    return ok;
}
