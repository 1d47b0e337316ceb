/* libFuzzer harness for the picture checks (picture_check) and the PGM
 * decoder: any bytes. A check must either accept a picture of a size
 * within the caps or refuse it with a one-line message; a PGM it accepts
 * must decode to that size (or be refused by the decoder with a message),
 * and neither may crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

volatile float fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    picture_info info;
    dp_error err;
    err.msg[0] = '\0';
    if (!picture_check(data, size, &info, &err)) {
        if (err.msg[0] == '\0' || strchr(err.msg, '\n'))
            abort(); // every refusal says why, on one line
        return 0;
    }
    if (info.width == 0 || info.height == 0 || info.width > PICTURE_MAX_SIDE ||
        info.height > PICTURE_MAX_SIDE || info.width * info.height > PICTURE_MAX_PIXELS)
        abort();
    if (info.format != PICTURE_PGM)
        return 0;
    picture_grey g;
    err.msg[0] = '\0';
    if (picture_decode_pgm(data, size, &g, &err)) {
        if (g.width != info.width || g.height != info.height)
            abort();
        float sum = 0;
        for (size_t i = 0; i < g.width * g.height; i++) {
            if (!(g.px[i] >= 0.0f && g.px[i] <= 1.0f))
                abort();
            sum += g.px[i];
        }
        fuzz_sink = sum;
        picture_grey_destroy(&g);
    } else if (err.msg[0] == '\0' || g.px != NULL) {
        abort();
    }
    return 0;
}
