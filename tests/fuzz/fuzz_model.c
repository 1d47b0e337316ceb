/* libFuzzer harness for the model reader. Anything that loads must save,
 * and what it saves must load again and save to the same bytes. And
 * model_scan, which checks the syntax in cJSON's place, must agree with
 * cJSON on every input: the same texts are JSON to both, and the lean copy
 * it hands cJSON parses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model_file.h"
#include "model_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool json_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void scan_agrees_with_cjson(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    model_scan scan;
    dp_error err = {""};
    bool ok = model_scan_text(data, size, &scan, &err);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
    bool json = root != NULL;
    if (json) { // what model_file calls trailing data
        size_t after = (size_t)((const uint8_t *)end - data);
        while (after < size && json_space(data[after]))
            after++;
        json = after == size;
    }
    cJSON_Delete(root);
    if (ok) {
        if (!json)
            abort(); // model_scan took what cJSON refuses
        cJSON *lean = cJSON_ParseWithLength(scan.lean, scan.lean_len);
        if (!lean)
            abort();
        cJSON_Delete(lean);
        model_scan_destroy(&scan);
    } else if (json && strstr(err.msg, "not JSON")) {
        abort(); // model_scan refused what cJSON reads
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scan_agrees_with_cjson(data, size);
    mlp net;
    model_meta meta;
    dp_error err;
    err.msg[0] = '\0';
    if (!model_file_parse(data, size, &net, &meta, &err)) {
        if (err.msg[0] == '\0')
            abort(); // every failure says why
        return 0;
    }
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    if (!model_file_write(&net, &meta, &a, &alen, &err))
        abort();
    mlp net2;
    model_meta meta2;
    if (!model_file_parse((const uint8_t *)a, alen, &net2, &meta2, &err))
        abort(); // what we wrote, we must read
    if (!model_file_write(&net2, &meta2, &b, &blen, &err))
        abort();
    if (alen != blen || memcmp(a, b, alen) != 0)
        abort(); // save -> load -> save is byte-identical
    if (net.n_params != net2.n_params ||
        memcmp(net.params, net2.params, net.n_params * sizeof *net.params) != 0)
        abort(); // and the weights bit-identical
    free(a);
    free(b);
    model_meta_destroy(&meta2);
    mlp_destroy(&net2);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return 0;
}
