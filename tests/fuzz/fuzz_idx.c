/* libFuzzer harness for the IDX reader: any bytes, as images and as labels.
 * Parsing must either succeed with sizes that match the buffer or fail
 * with a message; it must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

volatile unsigned fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_images img;
    dp_error err;
    if (idx_parse_images(data, size, &img, &err)) {
        // Touch every pixel: the sizes promised must be backed by memory.
        unsigned sum = 0;
        size_t n = img.count * img.rows * img.cols;
        for (size_t i = 0; i < n; i++)
            sum += img.pixels[i];
        fuzz_sink = sum;
        if (img.count == 0 || img.rows == 0 || img.cols == 0)
            abort();
        idx_images_destroy(&img);
    } else if (err.msg[0] == '\0') {
        abort(); // every failure says why
    }
    // The owning variant takes a heap copy and must free or keep it.
    uint8_t *copy = malloc(size ? size : 1);
    if (copy) {
        memcpy(copy, data, size);
        if (idx_parse_images_owned(copy, size, &img, &err))
            idx_images_destroy(&img);
    }
    idx_labels lab;
    err.msg[0] = '\0';
    if (idx_parse_labels(data, size, &lab, &err)) {
        for (size_t i = 0; i < lab.count; i++)
            if (lab.labels[i] > 9)
                abort();
        idx_labels_destroy(&lab);
    } else if (err.msg[0] == '\0') {
        abort();
    }
    return 0;
}
