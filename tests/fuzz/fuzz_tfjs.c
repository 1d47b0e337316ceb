/* libFuzzer harness for the TF.js Layers reader (model.json, its Keras
 * layer list and weights manifest). The input is model.json, a NUL byte,
 * then the bytes every shard path is given. Anything that loads must write
 * as TF.js and read back to the same weights. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct blob {
    const uint8_t *data;
    size_t len;
} blob;

static bool shard(void *ctx, const char *path, const uint8_t **data, size_t *len, dp_error *err)
{
    const blob *b = ctx;
    if (path[0] == 'x')
        return dp_fail(err, "shard %s: cannot open", path); // a missing shard, too
    *data = b->data;
    *len = b->len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t jlen = nul ? (size_t)(nul - data) : size;
    blob b = {nul ? nul + 1 : data + size, nul ? size - jlen - 1 : 0};
    mlp net;
    model_meta meta;
    dp_error err;
    err.msg[0] = '\0';
    if (!tfjs_parse(data, jlen, shard, &b, &net, &meta, &err)) {
        if (err.msg[0] == '\0')
            abort(); // every failure says why
        return 0;
    }
    char *json;
    uint8_t *bin;
    size_t json_len, bin_len;
    if (!tfjs_write(&net, &meta, "w.bin", &json, &json_len, &bin, &bin_len, &err))
        abort();
    blob b2 = {bin, bin_len};
    mlp net2;
    model_meta meta2;
    if (!tfjs_parse((const uint8_t *)json, json_len, shard, &b2, &net2, &meta2, &err))
        abort(); // what we wrote, we must read
    if (net.n_params != net2.n_params ||
        memcmp(net.params, net2.params, net.n_params * sizeof *net.params) != 0)
        abort(); // the same weights, bit for bit
    free(json);
    free(bin);
    model_meta_destroy(&meta2);
    mlp_destroy(&net2);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return 0;
}
