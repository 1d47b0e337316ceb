/* test_idx_write: IDX files built by idx_write.h, byte for byte against a
 * header worked by hand, read back by idx.h and dataset.h, and the inputs
 * it must refuse. */
#define _XOPEN_SOURCE 700 // mkdtemp
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "idx.h"
#include "idx_write.h"

#include "check.h"

static void test_bytes(void)
{
    // Two images of 2 rows x 3 columns.
    const uint8_t px[12] = {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};
    uint8_t *buf = NULL;
    size_t len = 0;
    dp_error err = {{0}};
    CHECK(idx_encode_images(px, 2, 2, 3, &buf, &len, &err), "%s", err.msg);
    const uint8_t head[16] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};
    CHECK(len == 28 && memcmp(buf, head, 16) == 0 && memcmp(buf + 16, px, 12) == 0,
          "image file of %zu bytes differs", len);
    idx_images img;
    CHECK(idx_parse_images(buf, len, &img, &err) && img.count == 2 && img.rows == 2 &&
              img.cols == 3 && memcmp(img.pixels, px, 12) == 0,
          "not read back: %s", err.msg);
    idx_images_destroy(&img);
    free(buf);

    const uint8_t lab[3] = {7, 0, 9};
    CHECK(idx_encode_labels(lab, 3, &buf, &len, &err), "%s", err.msg);
    const uint8_t lhead[8] = {0, 0, 8, 1, 0, 0, 0, 3};
    CHECK(len == 11 && memcmp(buf, lhead, 8) == 0 && memcmp(buf + 8, lab, 3) == 0,
          "label file of %zu bytes differs", len);
    idx_labels l;
    CHECK(idx_parse_labels(buf, len, &l, &err) && l.count == 3 && l.labels[2] == 9,
          "labels not read back: %s", err.msg);
    idx_labels_destroy(&l);
    free(buf);

    // A count over 255 uses the header's higher bytes: 300 = 0x012c.
    uint8_t *many = calloc(300, 1);
    CHECK(idx_encode_labels(many, 300, &buf, &len, &err) && buf[6] == 0x01 && buf[7] == 0x2c,
          "count 300 written as %02x %02x", buf ? buf[6] : 0, buf ? buf[7] : 0);
    free(buf);
    free(many);
}

static void test_refused(void)
{
    uint8_t px[4] = {0}, bad[2] = {3, 10};
    uint8_t *buf = (uint8_t *)1;
    size_t len = 1;
    dp_error err = {{0}};
    CHECK(!idx_encode_images(px, 0, 2, 2, &buf, &len, &err) && buf == NULL && len == 0 &&
              strstr(err.msg, "no images"),
          "zero images: %s", err.msg);
    CHECK(!idx_encode_images(px, 1, 0, 4, &buf, &len, &err) && strstr(err.msg, "side"),
          "a zero side: %s", err.msg);
    CHECK(!idx_encode_images(px, 1, 1, IDX_MAX_SIDE + 1, &buf, &len, &err), "a side over the cap");
    CHECK(!idx_encode_images(px, IDX_MAX_ITEMS + 1, 1, 1, &buf, &len, &err), "too many images");
    CHECK(!idx_encode_images(px, IDX_MAX_ITEMS, 1024, 1024, &buf, &len, &err) &&
              strstr(err.msg, "cap"),
          "over the byte cap: %s", err.msg);
    CHECK(!idx_encode_labels(bad, 2, &buf, &len, &err) && strstr(err.msg, "label 1 is 10"),
          "label 10: %s", err.msg);
    CHECK(!idx_encode_labels(bad, 0, &buf, &len, &err), "zero labels");
}

static void test_pair(void)
{
    char dir[] = "/tmp/digitpad-idxw-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char ip[256], lp[256];
    snprintf(ip, sizeof ip, "%s/train-images-idx3-ubyte", dir);
    snprintf(lp, sizeof lp, "%s/train-labels-idx1-ubyte", dir);
    uint8_t px[3 * 784], lab[3] = {4, 2, 8};
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 7);
    dp_error err = {{0}};
    CHECK(idx_write_pair(ip, lp, px, lab, 3, 28, 28, &err), "%s", err.msg);
    dataset ds;
    CHECK(dataset_load(dir, "train", &ds, &err), "written pair not loaded: %s", err.msg);
    if (ds.count == 3) {
        CHECK(memcmp(ds.images, px, sizeof px) == 0 && memcmp(ds.labels, lab, 3) == 0,
              "the dataset differs from what was written");
        dataset_destroy(&ds);
    }
    // A bad label writes neither file: the old pair stays.
    lab[1] = 12;
    CHECK(!idx_write_pair(ip, lp, px, lab, 3, 28, 28, &err), "label 12 written");
    CHECK(dataset_load(dir, "train", &ds, &err) && ds.labels[1] == 2, "old pair damaged: %s",
          err.msg);
    dataset_destroy(&ds);
    // A folder that does not exist: the error names the file.
    char nowhere[300];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/x", dir);
    lab[1] = 2;
    CHECK(!idx_write_pair(nowhere, lp, px, lab, 3, 28, 28, &err) && strstr(err.msg, nowhere),
          "missing folder: %s", err.msg);
    unlink(ip);
    unlink(lp);
    rmdir(dir);
}

int main(void)
{
    test_bytes();
    test_refused();
    test_pair();
    return check_summary();
}
