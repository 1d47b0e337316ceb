/* dataset_choice.c: the datasets the window can train on (dataset_choice.h). */
#include "dataset_choice.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Fashion-MNIST's classes, as Zalando's README names them. */
static const char *const fashion_labels[DATASET_CHOICE_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot",
};

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool dataset_choice_is_idx_dir(const char *dir)
{
    static const char *const names[] = {"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
                                        "train-images.idx3-ubyte", "train-images.idx3-ubyte.gz"};
    if (!dir || !dir[0])
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[DATASET_CHOICE_PATH_MAX + 64];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (is_file(p))
            return true;
    }
    return false;
}

static void digit_labels(dataset_choice_item *it)
{
    it->digits = true;
    for (int i = 0; i < DATASET_CHOICE_CLASSES; i++)
        snprintf(it->labels[i], sizeof it->labels[i], "%d", i);
}

/* A folder's labels.txt, one class name a line (at most 10, each cut to
 * fit); false when there is none. */
static bool read_labels_txt(dataset_choice_item *it, const char *dir)
{
    char p[DATASET_CHOICE_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/labels.txt", dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return false;
    char line[256];
    int n = 0;
    while (n < DATASET_CHOICE_CLASSES && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        const char *name = line[0] ? line : "?";
        size_t len = strlen(name);
        if (len >= sizeof it->labels[0])
            len = sizeof it->labels[0] - 1;
        memcpy(it->labels[n], name, len);
        it->labels[n++][len] = 0;
    }
    fclose(f);
    it->digits = false;
    return n > 0;
}

static const char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && path[i - 1] != '/')
        i--;
    static char out[64];
    size_t len = n - i < sizeof out - 1 ? n - i : sizeof out - 1;
    memcpy(out, path + i, len);
    out[len] = 0;
    return out;
}

static dataset_choice_item *push(dataset_choice *c, const char *name, const char *dir)
{
    if (c->count >= DATASET_CHOICE_MAX)
        return NULL;
    dataset_choice_item *it = &c->items[c->count++];
    memset(it, 0, sizeof *it);
    snprintf(it->name, sizeof it->name, "%s", name);
    snprintf(it->dir, sizeof it->dir, "%s", dir ? dir : "");
    digit_labels(it);
    if (dir && dir[0])
        read_labels_txt(it, dir);
    return it;
}

void dataset_choice_init(dataset_choice *c, const char *mnist_dir, const char *fashion_dir,
                         const char *mine_dir)
{
    memset(c, 0, sizeof *c);
    push(c, "MNIST", mnist_dir);
    if (fashion_dir && dataset_choice_is_idx_dir(fashion_dir)) {
        dataset_choice_item *it = push(c, "Fashion-MNIST", fashion_dir);
        if (it && it->digits) {
            it->digits = false;
            for (int i = 0; i < DATASET_CHOICE_CLASSES; i++)
                snprintf(it->labels[i], sizeof it->labels[i], "%s", fashion_labels[i]);
        }
    }
    if (mine_dir && dataset_choice_is_idx_dir(mine_dir))
        push(c, "my digits", mine_dir);
}

int dataset_choice_add_folder(dataset_choice *c, const char *dir)
{
    if (!dataset_choice_is_idx_dir(dir))
        return -1;
    for (size_t i = 0; i < c->count; i++)
        if (!strcmp(c->items[i].dir, dir))
            return (int)i;
    if (c->count >= DATASET_CHOICE_MAX)
        c->count = DATASET_CHOICE_MAX - 1; // the newest dropped folder takes the last slot
    if (c->current >= c->count)
        c->current = 0;
    push(c, base_name(dir), dir);
    return (int)c->count - 1;
}

size_t dataset_choice_next(const dataset_choice *c)
{
    return c->count ? (c->current + 1) % c->count : 0;
}

const char *dataset_choice_dir(const dataset_choice *c, size_t i)
{
    if (i >= c->count || !c->items[i].dir[0])
        return NULL;
    return c->items[i].dir;
}
