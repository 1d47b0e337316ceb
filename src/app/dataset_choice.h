/* dataset_choice.h: which IDX folder the window trains on (issue 13).
 *
 * The choices, in the order D steps through them: MNIST (found as at start,
 * or --data), Fashion-MNIST from Debian's dataset-fashion-mnist package
 * (/usr/share/datasets/fashion-mnist) when it is installed, the person's own
 * digits (my-digits) once any are kept, and a folder of IDX files dropped on
 * the window. Each has its class names: a folder's labels.txt (one name a
 * line) when it has one, Fashion-MNIST's ten, else the digits. A fresh model
 * trained on a choice takes its names as the model file's `labels`, which
 * the bars show. Plain data and functions: no SDL, no threads. */
#ifndef DIGITPAD_APP_DATASET_CHOICE_H
#define DIGITPAD_APP_DATASET_CHOICE_H

#include <stdbool.h>
#include <stddef.h>

#define DATASET_CHOICE_MAX 6
#define DATASET_CHOICE_PATH_MAX 4096
#define DATASET_CHOICE_LABEL_MAX 32
#define DATASET_CHOICE_CLASSES 10
#define DATASET_FASHION_DIR "/usr/share/datasets/fashion-mnist"

typedef struct dataset_choice_item {
    char name[64];                       // "MNIST", "Fashion-MNIST", "my digits", a folder's name
    char dir[DATASET_CHOICE_PATH_MAX];   // "" for MNIST found the usual way
    bool digits;                         // its classes are the digits 0..9
    char labels[DATASET_CHOICE_CLASSES][DATASET_CHOICE_LABEL_MAX];
} dataset_choice_item;

typedef struct dataset_choice {
    dataset_choice_item items[DATASET_CHOICE_MAX];
    size_t count;
    size_t current;                      // the one trained on
} dataset_choice;

/* The choices there are: MNIST (mnist_dir: --data, or NULL to search),
 * Fashion-MNIST when fashion_dir (normally DATASET_FASHION_DIR) holds its
 * training images, the person's digits when mine_dir holds theirs. Current
 * is MNIST. */
void dataset_choice_init(dataset_choice *c, const char *mnist_dir, const char *fashion_dir,
                         const char *mine_dir);

/* Adds (or finds) a dropped folder as a choice; returns its index, or -1
 * when it does not hold IDX training images (train-images-idx3-ubyte[.gz]
 * or train-images.idx3-ubyte). The last slot is reused for the newest. */
int dataset_choice_add_folder(dataset_choice *c, const char *dir);

/* Does dir hold IDX training images under MNIST's names? */
bool dataset_choice_is_idx_dir(const char *dir);

/* The next choice after current (wrapping), for D. */
size_t dataset_choice_next(const dataset_choice *c);

/* The folder to give training_set_data: NULL for MNIST searched for. */
const char *dataset_choice_dir(const dataset_choice *c, size_t i);

#endif
