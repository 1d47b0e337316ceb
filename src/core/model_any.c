/* model_any.c: picks the reader by a file's content, and the writer by
 * the format asked for. */
#include "model_any.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fmt.h"
#include "fmt_internal.h"
#include "read_file.h"

static bool has(const uint8_t *buf, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (buf[i] == (uint8_t)s[0] && memcmp(buf + i, s, n) == 0)
            return true;
    return false;
}

model_format model_format_detect(const uint8_t *buf, size_t len)
{
    static const uint8_t hdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (len >= 4 && buf[0] == 'P' && buf[1] == 'K' && (buf[2] == 3 || buf[2] == 5))
        return MODEL_FORMAT_KERAS;
    for (size_t at = 0; at + 8 <= len && at <= ((size_t)1 << 20); at = at ? at * 2 : 512)
        if (memcmp(buf + at, hdf5, 8) == 0)
            return MODEL_FORMAT_KERAS_H5;
    // ONNX's ModelProto starts with ir_version (field 1, a varint): 0x08.
    if (len >= 2 && buf[0] == 0x08 && buf[1] < 0x80)
        return MODEL_FORMAT_ONNX;
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    // A TF.js model.json is told by its keys; a digitpad model never has them
    // as keys (it may mention them in a comment, which only costs a parse).
    if (i < len && buf[i] == '{' && (has(buf, len, "\"modelTopology\"") ||
                                     has(buf, len, "\"layers-model\""))) {
        cJSON *j = cJSON_ParseWithLength((const char *)buf, len);
        bool tfjs = j && (cJSON_GetObjectItemCaseSensitive(j, "modelTopology") ||
                          cJSON_GetObjectItemCaseSensitive(j, "weightsManifest"));
        cJSON_Delete(j);
        if (tfjs)
            return MODEL_FORMAT_TFJS;
    }
    return MODEL_FORMAT_DIGITPAD;
}

const char *model_format_name(model_format f)
{
    switch (f) {
    case MODEL_FORMAT_KERAS:
        return "keras";
    case MODEL_FORMAT_KERAS_H5:
        return "h5";
    case MODEL_FORMAT_TFJS:
        return "tfjs";
    case MODEL_FORMAT_ONNX:
        return "onnx";
    case MODEL_FORMAT_DIGITPAD:
        break;
    }
    return "digitpad";
}

/* A picture's kind by its first bytes ("PNG picture"), or NULL. */
static const char *picture_kind(const uint8_t *buf, size_t len)
{
    if (len >= 4 && !memcmp(buf, "\x89PNG", 4))
        return "PNG picture";
    if (len >= 3 && !memcmp(buf, "\xff\xd8\xff", 3))
        return "JPEG picture";
    if (len >= 6 && (!memcmp(buf, "GIF87a", 6) || !memcmp(buf, "GIF89a", 6)))
        return "GIF picture";
    if (len >= 14 && !memcmp(buf, "BM", 2))
        return "BMP picture";
    if (len >= 3 && buf[0] == 'P' && buf[1] >= '1' && buf[1] <= '6' &&
        (buf[2] == ' ' || buf[2] == '\n' || buf[2] == '\r' || buf[2] == '\t'))
        return "PGM/PNM picture";
    return NULL;
}

/* Content that none of the readers takes, said as such: a picture by its
 * kind, anything else that does not start as JSON does as not a model
 * (rather than "not JSON: syntax error at line 1, column 1" for an ONNX
 * file's worth of random bytes or a PNG dropped on the window). */
static bool refuse_unknown(const uint8_t *buf, size_t len, dp_error *err)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i == len || buf[i] == '{' || buf[i] == '[')
        return true; // empty, or JSON or meant to be: its reader says what is wrong
    const char *kind = picture_kind(buf, len);
    if (kind)
        return dp_fail(err, "a %s, not a model (digitpad predict reads pictures)", kind);
    return dp_fail(err, "not a model digitpad reads: neither JSON (digitpad, TF.js) nor "
                        "Keras (.keras, .h5) nor ONNX");
}

/* A folder given as a model: TF.js keeps a model as a folder, read from
 * its model.json (what `digitpad convert --to tfjs` writes). */
static void folder_hint(const char *path, dp_error *err)
{
    struct stat st;
    if (!err || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    char json[4096];
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if ((size_t)snprintf(json, sizeof json, "%.*s/model.json", (int)n, path) >= sizeof json)
        return;
    if (stat(json, &st) == 0 && S_ISREG(st.st_mode))
        dp_fail(err, "is a folder; a TF.js model is read from its model.json (%s)", json);
}

bool model_any_load(const char *path, mlp *net, model_meta *meta, model_format *format,
                    dp_error *err)
{
    uint8_t *buf;
    size_t len;
    if (!dp_read_file(path, MODEL_FILE_MAX_BYTES, &buf, &len, err)) {
        folder_hint(path, err);
        return false;
    }
    model_format f = model_format_detect(buf, len);
    if (f == MODEL_FORMAT_DIGITPAD && !refuse_unknown(buf, len, err)) {
        free(buf);
        return false;
    }
    bool ok;
    switch (f) {
    case MODEL_FORMAT_KERAS:
        ok = keras_parse(buf, len, net, meta, err);
        break;
    case MODEL_FORMAT_KERAS_H5:
        ok = keras_h5_parse(buf, len, net, meta, err);
        break;
    case MODEL_FORMAT_TFJS:
        ok = tfjs_load(path, net, meta, err);
        break;
    case MODEL_FORMAT_ONNX:
        ok = onnx_parse(buf, len, net, meta, err);
        break;
    default:
        ok = model_file_parse(buf, len, net, meta, err);
        break;
    }
    free(buf);
    if (ok && format)
        *format = f;
    return ok;
}

bool model_any_save(const char *path, model_format format, const mlp *net, const model_meta *meta,
                    dp_error *err)
{
    uint8_t *out = NULL;
    size_t len = 0;
    bool ok;
    switch (format) {
    case MODEL_FORMAT_DIGITPAD:
        return model_file_save(path, net, meta, err);
    case MODEL_FORMAT_TFJS:
        return tfjs_save(path, net, meta, err);
    case MODEL_FORMAT_KERAS:
        ok = keras_write(net, meta, &out, &len, err);
        break;
    case MODEL_FORMAT_ONNX:
        ok = onnx_write(net, meta, &out, &len, err);
        break;
    default:
        return dp_fail(err, "digitpad does not write %s files", model_format_name(format));
    }
    if (ok)
        ok = dp_write_file_atomic(path, out, len, err);
    free(out);
    return ok;
}
