/* open_panel.h: the Open panel (Ctrl+O, issue 11): the models a person has
 * (saved in $XDG_DATA_HOME/digitpad/models/), the bundled one and the
 * recent ones (recent.h), each with its shape and recorded test accuracy,
 * one chosen with the mouse or Up/Down and Enter. Dropping a file still
 * works as before.
 *
 * The part owns the list (paths and what was read of each file). Building
 * it reads each listed file once (open_panel_describe); nothing here
 * opens the chosen one: the window does, through its loader. No SDL. */
#ifndef DIGITPAD_APP_OPEN_PANEL_H
#define DIGITPAD_APP_OPEN_PANEL_H

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"
#include "recent.h"

#define OPEN_PANEL_MAX 24
#define OPEN_PANEL_PATH 1024

typedef struct open_entry {
    char path[OPEN_PANEL_PATH];
    char name[256];      // the file's name (NAME_MAX and its NUL)
    char source[16];     // "saved", "bundled", "recent"
    char shape[64];      // "784-128-10" ("" when it did not read)
    char accuracy[24];   // "97.55 %" (the last recorded epoch), "–" when none
    char why[96];        // when it did not read: the reader's reason
} open_entry;

typedef struct open_panel {
    bool visible;
    int row;             // the keyboard's
    size_t n;
    open_entry e[OPEN_PANEL_MAX];
} open_panel;

void open_panel_init(open_panel *p);

/* The list afresh: the digitpad .json files in models_dir (may be NULL or
 * missing; newest name last, as saves are named by time), the bundled
 * model (may be NULL), then the recent ones; each file once (by its real
 * path), at most OPEN_PANEL_MAX. Returns how many. */
size_t open_panel_collect(open_panel *p, const char *models_dir, const char *bundled,
                          const recent *r);
/* Reads entry e's file for its shape and test accuracy (or why not). */
void open_panel_describe(open_entry *e);

/* Where its pieces go in a window laid out as l. */
typedef struct open_geom {
    app_rect card, close;
    int title_y;
    size_t n_rows;                   // the rows that fit, from `first`
    size_t first;
    app_rect row[OPEN_PANEL_MAX];
} open_geom;

void open_geom_of(const open_panel *p, const app_layout *l, open_geom *g);
/* The entry under (x, y), or -1. */
int open_panel_at(const open_geom *g, float x, float y);

#endif
