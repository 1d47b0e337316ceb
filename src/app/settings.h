/* settings.h: the training settings panel (issue 11), `S` or the Settings
 * button: learning rate (a log scale from 1e-5 to 1), batch size (1 to
 * 1024), epochs, the hidden activation and the hidden layers (add, remove,
 * width, up to the core's caps).
 *
 * The part owns only what the panel edits that is not applied yet (the
 * shape and activation being drawn up, the row the keyboard is on, whether
 * it is asking before fresh weights). The lr, batch and epochs live in
 * training.next and change at once; a new shape or activation is applied
 * only when asked (Apply), as fresh weights. Everything here is plain
 * functions: the steps of each value, the panel's geometry and what a
 * point in it hits; ui_controls.c paints it. */
#ifndef DIGITPAD_APP_SETTINGS_H
#define DIGITPAD_APP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/mlp.h"
#include "layout.h"

/* The widest hidden layer and the most hidden layers the panel makes. */
#define SETTINGS_MAX_WIDTH 4096
#define SETTINGS_MAX_HIDDEN (MLP_MAX_LAYERS - 1)
#define SETTINGS_MAX_BATCH 1024
#define SETTINGS_MAX_EPOCHS 100
#define SETTINGS_MIN_LR 1e-5
#define SETTINGS_MAX_LR 1.0

/* The rows, top to bottom: then one per hidden layer, then "add a layer". */
typedef enum settings_row {
    SETTINGS_ROW_LR,
    SETTINGS_ROW_BATCH,
    SETTINGS_ROW_EPOCHS,
    SETTINGS_ROW_ACTIVATION,
    SETTINGS_ROW_LAYER0, // + i for hidden layer i; SETTINGS_ROW_LAYER0 + n_hidden: add
} settings_row;

typedef struct settings_panel {
    bool visible;
    int row;                          // the keyboard's row
    size_t hidden[SETTINGS_MAX_HIDDEN]; // the shape drawn up
    size_t n_hidden;
    mlp_activation act;
    bool asking;                      // "fresh weights lose unsaved training: go on?"
} settings_panel;

void settings_init(settings_panel *p);
/* Opens the panel drawing up from net's shape and activation. */
void settings_open(settings_panel *p, const mlp *net);
/* Does the drawn-up shape or activation differ from net's? */
bool settings_shape_changed(const settings_panel *p, const mlp *net);

/* One step along each value's scale, dir -1 or +1, clamped at the ends:
 * the lr on 1, 3 per decade (1e-5, 3e-5, 1e-4, ... 0.3, 1; a value between
 * goes to the next one that way), the batch and the widths by powers of
 * two, the epochs by one. */
double settings_lr_step(double lr, int dir);
size_t settings_batch_step(size_t batch, int dir);
size_t settings_width_step(size_t width, int dir);
size_t settings_epochs_step(size_t epochs, int dir);
/* The activation after (dir +1) or before act among relu, linear, sigmoid, tanh. */
mlp_activation settings_activation_step(mlp_activation act, int dir);

/* Adds a hidden layer (as wide as the last one, 128 when there is none)
 * or removes layer i; false at the caps. */
bool settings_add_layer(settings_panel *p);
bool settings_remove_layer(settings_panel *p, size_t i);

/* How many rows the panel has: the four settings, the layers, "add". */
size_t settings_rows(const settings_panel *p);

/* Where the panel's pieces go, for a window laid out as l. */
typedef struct settings_geom {
    app_rect card;
    app_rect close;
    int title_y, note_y;
    size_t n_rows;
    app_rect row[SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN + 1];
    app_rect minus[SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN + 1];
    app_rect value[SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN + 1];
    app_rect plus[SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN + 1];
    app_rect remove[SETTINGS_MAX_HIDDEN]; // per layer
    app_rect act[4];                      // relu, linear, sigmoid, tanh
    app_rect apply, cancel;               // Apply (fresh weights) / the question's No
} settings_geom;

void settings_geom_of(const settings_panel *p, const app_layout *l, settings_geom *g);

/* What a point in the panel hits. */
typedef enum settings_hit_kind {
    SETTINGS_HIT_NONE,    // outside the card
    SETTINGS_HIT_CARD,    // on it, on nothing that acts
    SETTINGS_HIT_CLOSE,
    SETTINGS_HIT_MINUS,   // row
    SETTINGS_HIT_PLUS,    // row
    SETTINGS_HIT_REMOVE,  // row (a layer's)
    SETTINGS_HIT_ADD,     // "add a layer"
    SETTINGS_HIT_ACT,     // which: 0..3
    SETTINGS_HIT_APPLY,
    SETTINGS_HIT_CANCEL,
} settings_hit_kind;

typedef struct settings_hit {
    settings_hit_kind kind;
    int row, which;
} settings_hit;

settings_hit settings_hit_at(const settings_geom *g, const settings_panel *p, float x, float y);

/* The four activations in the panel's order, and their names. */
extern const mlp_activation settings_activations[4];

#endif
