/* libFuzzer harness for the ONNX reader (our own protobuf decoder).
 * Anything that loads must write as ONNX and read back to the same weights. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mlp net;
    model_meta meta;
    dp_error err;
    err.msg[0] = '\0';
    if (!onnx_parse(data, size, &net, &meta, &err)) {
        if (err.msg[0] == '\0')
            abort();
        return 0;
    }
    uint8_t *out;
    size_t len;
    if (!onnx_write(&net, &meta, &out, &len, &err))
        abort();
    mlp net2;
    model_meta meta2;
    if (!onnx_parse(out, len, &net2, &meta2, &err))
        abort();
    if (net.n_params != net2.n_params ||
        memcmp(net.params, net2.params, net.n_params * sizeof *net.params) != 0)
        abort();
    free(out);
    model_meta_destroy(&meta2);
    mlp_destroy(&net2);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return 0;
}
