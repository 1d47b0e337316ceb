/* idx_write.c: IDX image and label files built in memory (idx_write.h). */
#include "idx_write.h"

#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "idx.h"

#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAGIC_IMAGES 0x00000803u

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool idx_encode_images(const uint8_t *pixels, size_t count, size_t rows, size_t cols,
                       uint8_t **out, size_t *out_len, dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (count == 0)
        return dp_fail(err, "no images to write");
    if (count > IDX_MAX_ITEMS)
        return dp_fail(err, "%zu images is more than the cap of %zu", count, IDX_MAX_ITEMS);
    if (rows == 0 || cols == 0 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE)
        return dp_fail(err, "images of %zux%zu: each side must be 1 to %zu", rows, cols,
                       IDX_MAX_SIDE);
    // The caps bound rows * cols * count far below SIZE_MAX on 64 bits; checked in steps anyway.
    size_t per = rows * cols;
    if (count > IDX_MAX_BYTES / per)
        return dp_fail(err, "%zu images of %zux%zu is more than the cap of %zu bytes", count, rows,
                       cols, IDX_MAX_BYTES);
    size_t data = per * count;
    uint8_t *buf = malloc(16 + data);
    if (!buf)
        return dp_fail(err, "out of memory for %zu bytes of images", data);
    put_be32(buf, IDX_MAGIC_IMAGES);
    put_be32(buf + 4, (uint32_t)count);
    put_be32(buf + 8, (uint32_t)rows);
    put_be32(buf + 12, (uint32_t)cols);
    memcpy(buf + 16, pixels, data);
    *out = buf;
    *out_len = 16 + data;
    return true;
}

bool idx_encode_labels(const uint8_t *labels, size_t count, uint8_t **out, size_t *out_len,
                       dp_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (count == 0)
        return dp_fail(err, "no labels to write");
    if (count > IDX_MAX_ITEMS)
        return dp_fail(err, "%zu labels is more than the cap of %zu", count, IDX_MAX_ITEMS);
    for (size_t i = 0; i < count; i++)
        if (labels[i] > 9)
            return dp_fail(err, "label %zu is %u: labels are 0 to 9", i, (unsigned)labels[i]);
    uint8_t *buf = malloc(8 + count);
    if (!buf)
        return dp_fail(err, "out of memory for %zu labels", count);
    put_be32(buf, IDX_MAGIC_LABELS);
    put_be32(buf + 4, (uint32_t)count);
    memcpy(buf + 8, labels, count);
    *out = buf;
    *out_len = 8 + count;
    return true;
}

bool idx_write_pair(const char *image_path, const char *label_path, const uint8_t *pixels,
                    const uint8_t *labels, size_t count, size_t rows, size_t cols, dp_error *err)
{
    uint8_t *img = NULL, *lab = NULL;
    size_t img_len = 0, lab_len = 0;
    if (!idx_encode_images(pixels, count, rows, cols, &img, &img_len, err))
        return false;
    if (!idx_encode_labels(labels, count, &lab, &lab_len, err)) {
        free(img);
        return false;
    }
    dp_error e = {{0}};
    bool ok = dp_write_file_atomic(image_path, img, img_len, &e);
    if (!ok)
        dp_fail(err, "%s: %s", image_path, e.msg);
    else if (!(ok = dp_write_file_atomic(label_path, lab, lab_len, &e)))
        dp_fail(err, "%s: %s", label_path, e.msg);
    free(img);
    free(lab);
    return ok;
}
