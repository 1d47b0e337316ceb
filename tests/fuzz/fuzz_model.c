/* libFuzzer harness for the model reader. Anything that loads must save,
 * and what it saves must load again and save to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
