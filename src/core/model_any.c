/* model_any.c: picks the reader by a file's content, and the writer by
 * the format asked for. */
#include "model_any.h"

#include <stdlib.h>
#include <string.h>

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

bool model_any_load(const char *path, mlp *net, model_meta *meta, model_format *format,
                    dp_error *err)
{
    uint8_t *buf;
    size_t len;
    if (!dp_read_file(path, MODEL_FILE_MAX_BYTES, &buf, &len, err))
        return false;
    model_format f = model_format_detect(buf, len);
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
