/* synth_mnist.h: a small MNIST-shaped dataset written to a folder as the
 * four IDX files, for the window's parts that read data (training, the
 * loader) in tests that must not depend on the real MNIST being fetched.
 *
 * Class k's images are a bright horizontal bar at rows 2k+4 .. 2k+5 (with
 * a little noise elsewhere): easy to learn, so a test can show learning in
 * one short epoch. */
#ifndef DIGITPAD_TEST_SYNTH_MNIST_H
#define DIGITPAD_TEST_SYNTH_MNIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void synth_be32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 4, f);
}

static bool synth_split(const char *dir, const char *prefix, size_t n, unsigned seed)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, prefix);
    FILE *fi = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, prefix);
    FILE *fl = fopen(path, "wb");
    if (!fi || !fl) {
        if (fi)
            fclose(fi);
        if (fl)
            fclose(fl);
        return false;
    }
    synth_be32(fi, 0x00000803);
    synth_be32(fi, (uint32_t)n);
    synth_be32(fi, 28);
    synth_be32(fi, 28);
    synth_be32(fl, 0x00000801);
    synth_be32(fl, (uint32_t)n);
    uint32_t r = seed * 2654435761u + 1;
    unsigned char img[784];
    for (size_t s = 0; s < n; s++) {
        unsigned char label = (unsigned char)(s % 10);
        for (int i = 0; i < 784; i++) {
            r = r * 1103515245u + 12345u;
            img[i] = (r >> 24) < 8 ? 60 : 0;
        }
        for (int y = 2 * label + 4; y < 2 * label + 6; y++)
            for (int x = 4; x < 24; x++)
                img[y * 28 + x] = 255;
        fwrite(img, 1, sizeof img, fi);
        fwrite(&label, 1, 1, fl);
    }
    bool ok = !ferror(fi) && !ferror(fl);
    ok = fclose(fi) == 0 && ok;
    ok = fclose(fl) == 0 && ok;
    return ok;
}

/* Writes n_train training and n_test test images into dir (which exists). */
static bool synth_mnist(const char *dir, size_t n_train, size_t n_test)
{
    return synth_split(dir, "train", n_train, 1) && synth_split(dir, "t10k", n_test, 2);
}

static void synth_mnist_remove(const char *dir)
{
    static const char *const names[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    char path[4200];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
}

#endif
