/* views.h: the views beside the canvas that look inside the network.
 *
 *   1 Hidden layer  each hidden unit as a cell coloured by its activation for
 *                   the drawing, with ReLU's "switched off" count; hovering a
 *                   unit shows its value and its incoming weights.
 *   2 Weights       the first layer's kernels as 28x28 tiles, live while
 *                   training (paged when a layer is too wide to show at once).
 *   3 Why           gradient x input of a class's score over the network's
 *                   input: which pixels pushed it up (red) or pulled it down.
 *   4 Mistakes      the test set's confusion matrix, its cells' images, and
 *                   a click that puts one of them on the canvas.
 *   5 Log           the Keras-like epoch lines.
 *
 * Everything here is a plain function of app_state, without SDL: what each
 * view shows (cell colours, tile pixels, the saliency map, the confusion
 * counts, the gallery), where its parts go inside layout.view, and what a
 * click, a key or the wheel does there. ui_views.c only paints what these
 * functions say, so tests check the views without a display. */
#ifndef DIGITPAD_APP_VIEWS_H
#define DIGITPAD_APP_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* ---- names and switching ----------------------------------------------- */

/* "hidden", "weights", "why", "mistakes", "log": the names --view takes and
 * the view event carries. */
const char *view_name(app_view v);
/* The tab's label: a long one and a short one after '|'. */
const char *view_label(app_view v);
/* Parses a view's name; false when it is none of them. */
bool view_from_name(const char *name, app_view *out);

/* Shows view v; emits {"event":"view","name":...} when it changes. */
void views_show(app_state *s, app_view v);

/* Once a frame (from app_update, after the drawing was scored): follows the
 * weights at most 10 times a second (the weight tiles 4 times), recomputes
 * the activations and the saliency map when what they depend on changed,
 * asks the trainer for a test-set evaluation when one is wanted, and puts a
 * test digit on the canvas when one was asked for before MNIST was read. */
void views_update(app_state *s);

/* ---- not sure ---------------------------------------------------------- */

/* The guess is announced only when its probability is at least this ... */
#define VIEW_SURE_MIN_TOP 0.5f
/* ... and the distribution's normalised entropy at most this. */
#define VIEW_SURE_MAX_ENTROPY 0.55f

/* Entropy of n probabilities divided by log(n): 0 when one class has all
 * of it, 1 when all are equal. */
float view_entropy(const float *p, size_t n);
/* True when the top probability is at least VIEW_SURE_MIN_TOP and the
 * normalised entropy at most VIEW_SURE_MAX_ENTROPY; otherwise the window
 * says "not sure: is this a digit?" instead of a label. */
bool view_is_sure(const float *p, size_t n);

/* ---- hidden layer ------------------------------------------------------ */

/* Colour of an activation a >= 0 in a layer whose largest activation is
 * max: an unlit slate (VIEW_OFF_RGB) at zero, else the positive half of
 * inspect_color, starting a fifth of the way up so that a barely-on unit
 * is still told from an off one. */
#define VIEW_OFF_R 40
#define VIEW_OFF_G 44
#define VIEW_OFF_B 56
void view_activation_color(float a, float max, uint8_t rgb[3]);

/* Hidden layer l's units coloured by their activation for the current
 * input (rgb: 3 bytes per unit, sizes[l + 1] units). Returns how many are
 * at zero (inspect_zero_units); with no drawing every unit is drawn off
 * and the count is 0. */
size_t view_hidden_cells(const app_state *s, size_t layer, uint8_t *rgb);

/* Unit u of hidden layer l's incoming weights, coloured by inspect_color
 * on the scale of their largest magnitude (rgb: 3 bytes per input of the
 * layer). Returns that scale. */
float view_incoming_colors(const app_state *s, size_t layer, size_t unit, uint8_t *rgb);

/* ---- weight images ----------------------------------------------------- */

/* First-layer unit u's kernel as a 28x28 RGBA tile (inspect_weight_tile on
 * the window's weights). Returns the scale (its largest |weight|). */
float view_weight_tile(const app_state *s, size_t unit, uint8_t *rgba);

/* ---- why this answer --------------------------------------------------- */

/* The class the why view explains: the one clicked in the bars, else the
 * guess; -1 when there is nothing to explain. */
int view_why_class(const app_state *s);

/* Brings s->saliency up to date: inspect_saliency of the explained class
 * for the network's input. Returns s->has_saliency. */
bool view_saliency(app_state *s);

/* Sums of the saliency map's positive and negative values. */
void view_saliency_sums(const app_state *s, float *pushed_up, float *pulled_down);

/* The colour scale of the map: its largest |value| times 0.6, so that the
 * strongest few pixels saturate and the rest stay visible. */
float view_saliency_scale(const app_state *s);

/* ---- mistakes ---------------------------------------------------------- */

/* Counts [true][predicted] over test samples first .. first + n - 1 from
 * their labels and predicted classes (classes beyond 10 are not counted). */
void view_confusion_counts(const uint8_t *labels, const uint8_t *predicted, size_t first,
                           size_t n, uint32_t out[10][10]);

/* A confusion cell's colour: on the diagonal green by the share of its row
 * read right, elsewhere red growing with the square root of its share of
 * the largest mistake count (max_off), near the panel colour at zero. */
void view_confusion_color(uint32_t count, uint32_t row_total, uint32_t max_off, bool diagonal,
                          uint8_t rgb[3]);

/* Opens the gallery of confusion cell (true t, predicted p): its test
 * images, the most confident first off the diagonal (the strangest
 * mistakes) and the least confident first on it (the closest calls). */
void views_open_gallery(app_state *s, int t, int p);
void views_close_gallery(app_state *s);

/* Puts test image i on the canvas as a bitmap, with its true label shown.
 * False when MNIST is not read or i is out of range. */
bool views_put_test_image(app_state *s, size_t i);
/* A random test image (T): at once when MNIST is read, else once it is. */
void views_random_test_digit(app_state *s);

/* What the state does when the trainer reports a test-set evaluation
 * (EPOCH or EVAL with a confusion matrix): keeps it, emits
 * {"event":"confusion","epoch":N,"matrix":[[...]]}, takes the per-image
 * answers and refreshes an open gallery. */
void views_on_confusion(app_state *s, const trainer_event *ev, size_t epoch);

/* After MNIST was read: room for the per-image answers. */
void views_on_data(app_state *s);
/* After the model changed (loaded, fresh): sizes the scratch, forgets the
 * old answers and asks for an evaluation of the new weights. */
void views_on_model(app_state *s);
void views_destroy(app_state *s);

/* ---- geometry: where each view's parts go inside layout.view --------- */

/* A grid of square cells. */
typedef struct view_grid {
    int x, y;     // the first cell's top-left corner
    int cell;     // a cell's side
    int pitch;    // from one cell to the next across (cell + gap)
    int pitch_y;  // ... and down (more than pitch when a caption sits under each cell)
    int cols, rows;
    size_t n;     // cells in the grid
} view_grid;

/* The largest square cells (at most max_cell, a multiple of snap when
 * they can be) for n cells with gap between them inside area, centred
 * horizontally, at its top. */
view_grid view_grid_fit(app_rect area, size_t n, int gap, int max_cell, int snap);
app_rect view_grid_cell(const view_grid *g, size_t i);
/* The cell at (x, y), or -1. */
int view_grid_at(const view_grid *g, float x, float y);

#define VIEW_MAX_GRIDS 4
/* Gallery images shown at once (one texture holds them). */
#define UI_VIEW_MAX_THUMBS 256

typedef enum view_nav {
    VIEW_NAV_NONE,
    VIEW_NAV_PREV,
    VIEW_NAV_NEXT,
    VIEW_NAV_CLOSE,
} view_nav;

typedef struct view_hidden_layout {
    size_t n_grids;                   // hidden layers shown (the first VIEW_MAX_GRIDS)
    app_rect caption[VIEW_MAX_GRIDS];
    view_grid grid[VIEW_MAX_GRIDS];
    app_rect detail;                  // the hovered or chosen unit
    bool detail_right;                // detail beside the grids rather than below
} view_hidden_layout;

typedef struct view_weights_layout {
    app_rect caption;
    view_grid grid;                   // tiles first .. first + grid.n - 1
    size_t per_page, pages, page, first;
    app_rect footer;                  // the hovered unit, the legend
    app_rect prev, next;              // page buttons (empty with one page)
} view_weights_layout;

typedef struct view_why_layout {
    app_rect caption;
    app_rect heat;                    // the map, square
    app_rect side;                    // class, legend, sums
} view_why_layout;

typedef struct view_mistakes_layout {
    app_rect caption;
    bool show_matrix;                 // false when a small window gives the gallery all the room
    app_rect matrix;                  // the 10x10 cells (true down, predicted across)
    int cell_w, cell_h;               // square but in small windows
    bool hint;                        // a line under the matrix says what it is
    app_rect gallery;                 // the open cell's images (empty when closed)
    app_rect gallery_caption;
    view_grid thumbs;                 // images gallery_first .. + thumbs.n - 1
    app_rect prev, next, close;
} view_mistakes_layout;

void view_hidden_layout_of(const app_state *s, view_hidden_layout *l);
void view_weights_layout_of(const app_state *s, view_weights_layout *l);
void view_why_layout_of(const app_state *s, view_why_layout *l);
void view_mistakes_layout_of(const app_state *s, view_mistakes_layout *l);

/* The class whose bar is at (x, y), or -1. */
int views_bar_at(const app_state *s, float x, float y);

/* ---- input ------------------------------------------------------------- */

/* A left click at (x, y): a bar (explains that class, in the why view), a
 * tab's contents (a unit, a tile, a cell, an image, a page button). True
 * when it was theirs. */
bool views_click(app_state *s, float x, float y);
/* The mouse moved to (x, y): what it hovers in the view. */
void views_hover(app_state *s, float x, float y);
/* The wheel over the view: pages of tiles or images. */
void views_wheel(app_state *s, float x, float y, int wheel);
/* The next (+1) or previous (-1) page of the weights or the gallery. */
void views_page(app_state *s, int dir);

#endif
