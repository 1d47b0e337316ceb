/* open_panel.c: the Open panel's list and geometry (open_panel.h). */
#define _XOPEN_SOURCE 700 // realpath
#include "open_panel.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model_any.h"
#include "model_slot.h"

void open_panel_init(open_panel *p)
{
    memset(p, 0, sizeof *p);
}

/* Adds path unless the list has it (by real path) or is full. */
static void add(open_panel *p, const char *path, const char *source)
{
    if (p->n >= OPEN_PANEL_MAX || !path || !path[0] || strlen(path) >= OPEN_PANEL_PATH)
        return;
    char real[PATH_MAX], other[PATH_MAX];
    const char *key = realpath(path, real) ? real : path;
    for (size_t i = 0; i < p->n; i++) {
        const char *k = realpath(p->e[i].path, other) ? other : p->e[i].path;
        if (!strcmp(k, key))
            return;
    }
    open_entry *e = &p->e[p->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%s", path);
    snprintf(e->name, sizeof e->name, "%s", model_slot_base_name(path));
    snprintf(e->source, sizeof e->source, "%s", source);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t open_panel_collect(open_panel *p, const char *models_dir, const char *bundled,
                          const recent *r)
{
    p->n = 0;
    p->row = 0;
    if (models_dir && models_dir[0]) {
        DIR *d = opendir(models_dir);
        if (d) {
            char *names[OPEN_PANEL_MAX];
            size_t n = 0;
            struct dirent *de;
            while ((de = readdir(d)) != NULL) {
                size_t len = strlen(de->d_name);
                if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json"))
                    continue;
                if (n == OPEN_PANEL_MAX) { // keep the newest names (saves are named by time)
                    qsort(names, n, sizeof *names, by_name);
                    if (strcmp(de->d_name, names[0]) < 0)
                        continue;
                    free(names[0]);
                    memmove(names, names + 1, (n - 1) * sizeof *names);
                    n--;
                }
                names[n] = malloc(len + 1);
                if (!names[n])
                    break;
                memcpy(names[n++], de->d_name, len + 1);
            }
            closedir(d);
            qsort(names, n, sizeof *names, by_name);
            for (size_t i = 0; i < n; i++) {
                char path[OPEN_PANEL_PATH];
                if ((size_t)snprintf(path, sizeof path, "%s/%s", models_dir, names[i]) <
                    sizeof path)
                    add(p, path, "saved");
                free(names[i]);
            }
        }
    }
    add(p, bundled, "bundled");
    for (size_t i = 0; r && i < recent_count(r); i++)
        add(p, recent_get(r, i), "recent");
    return p->n;
}

void open_panel_describe(open_entry *e)
{
    mlp net;
    model_meta meta;
    model_format format;
    dp_error err = {{0}};
    if (!model_any_load(e->path, &net, &meta, &format, &err)) {
        snprintf(e->why, sizeof e->why, "%.95s", err.msg);
        snprintf(e->accuracy, sizeof e->accuracy, "–");
        return;
    }
    model_slot_shape(&net, e->shape, sizeof e->shape);
    if (meta.has_training && meta.n_history)
        snprintf(e->accuracy, sizeof e->accuracy, "%.2f %%",
                 100.0 * meta.history[meta.n_history - 1].val_accuracy);
    else
        snprintf(e->accuracy, sizeof e->accuracy, "–");
    mlp_destroy(&net);
    model_meta_destroy(&meta);
}

static int px(float v, float scale)
{
    return (int)lroundf(v * scale);
}

void open_geom_of(const open_panel *p, const app_layout *l, open_geom *g)
{
    memset(g, 0, sizeof *g);
    float s = l->scale;
    int margin = px(8, s), w = px(640, s), row_h = px(28, s), top = px(56, s), bottom = px(40, s);
    if (w > l->w - 2 * margin)
        w = l->w - 2 * margin;
    size_t n = p->n ? p->n : 1;
    int h = top + (int)n * row_h + bottom;
    if (h > l->h - 2 * margin)
        h = l->h - 2 * margin;
    size_t fit = (size_t)((h - top - bottom) / row_h);
    if (fit < 1)
        fit = 1;
    g->card = (app_rect){(l->w - w) / 2, (l->h - h) / 2, w, h};
    int cb = px(26, s), in = px(20, s);
    g->close = (app_rect){g->card.x + w - in - cb, g->card.y + px(12, s), cb, cb};
    g->title_y = g->card.y + px(14, s);
    g->n_rows = p->n < fit ? p->n : fit;
    // Scrolled so that the keyboard's row is shown.
    g->first = p->row >= (int)fit ? (size_t)p->row - fit + 1 : 0;
    for (size_t i = 0; i < g->n_rows; i++)
        g->row[i] = (app_rect){g->card.x + in, g->card.y + top + (int)i * row_h, w - 2 * in, row_h};
}

int open_panel_at(const open_geom *g, float x, float y)
{
    for (size_t i = 0; i < g->n_rows; i++)
        if (rect_contains(g->row[i], x, y))
            return (int)(g->first + i);
    return -1;
}
