/* views.h: the views beside the canvas that look inside the network.
 *
 *   1 Hidden layer  each hidden unit as a cell coloured by its activation for
 *                   the drawing, with ReLU's "switched off" count; hovering a
 *                   unit shows its value and its incoming weights (view_hidden.c).
 *   2 Weights       the first layer's kernels as 28x28 tiles, live while
 *                   training, paged when a layer is too wide (view_weights.c).
 *   3 Why           gradient x input of a class's score over the network's
 *                   input: which pixels pushed it up or pulled it down (view_why.c).
 *   4 Mistakes      the test set's confusion matrix, its cells' images, and
 *                   a click that puts one of them on the canvas (view_mistakes.c).
 *   5 Log           the Keras-like epoch lines (drawn from the report).
 *   6 Neuron        one unit's sum worked out: its inputs, weights and their
 *                   products, the largest contributions, + bias, the value
 *                   before the activation and after it (view_neuron.c).
 *   7 Network       the whole network as a diagram: the units lit by the
 *                   drawing, the strongest weights as edges (view_network.c).
 *
 * The views own their state (struct views and one struct per view) and
 * read the rest of the window through a view_ctx the window makes for
 * them: the network, the answer, the layout, the test set. They never call
 * back into the window: what they need from it (MNIST read, a test-set
 * evaluation, a test image on the canvas, a status line) they return as a
 * view_request, which the window acts on. Everything here is plain
 * functions without SDL; ui_views.c only paints what these say, so tests
 * check the views without a display. */
#ifndef DIGITPAD_APP_VIEWS_H
#define DIGITPAD_APP_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "core/dataset.h"
#include "core/explain.h"
#include "core/trainer.h"
#include "events.h"
#include "layout.h"
#include "model_slot.h"
#include "scoring.h"

/* The views beside the canvas, in the tabs' order. */
typedef enum app_view {
    VIEW_HIDDEN,   // each hidden unit's activation for this drawing
    VIEW_WEIGHTS,  // the first layer's kernels as 28x28 tiles
    VIEW_WHY,      // gradient x input saliency of a class
    VIEW_MISTAKES, // the test set's confusion matrix and its images
    VIEW_LOG,      // the Keras-like epoch lines
    VIEW_NEURON,   // one unit's sum worked out
    VIEW_NETWORK,  // the whole network as a diagram
    VIEW_COUNT,
} app_view;

/* The mistakes view's gallery: no cell open. */
#define VIEW_NO_CELL (-1)

/* What the views read of the window, made fresh by the window each time. */
typedef struct view_ctx {
    const model_slot *model;  // the network (model->have) and its labels
    const scoring *score;     // the drawing's input and answer
    const app_layout *layout;
    const mnist *data;        // NULL until MNIST is read
    float mouse_x, mouse_y;
    double now;               // seconds
    events *events;           // where view, saliency and gallery events go (may be NULL)
} view_ctx;

/* What a view asks of the window. */
enum {
    VIEW_WANT_DATA = 1,       // read MNIST (the mistakes view, a test image)
    VIEW_WANT_EVAL = 2,       // evaluate the weights on the test set
    VIEW_WANT_TEST_IMAGE = 4, // put test image test_image on the canvas
    VIEW_WANT_STATUS = 8,     // show status (an error when status_error)
};

typedef struct view_request {
    unsigned want;
    bool handled;             // input: the event was the views'
    long test_image;
    bool status_error;
    char status[256];
} view_request;

/* ---- each view's own state --------------------------------------------- */

typedef struct view_hidden_state {
    float *acts;                      // (inspect_units) every layer's output for the input
    uint64_t acts_input, acts_net;    // what acts were computed for
} view_hidden_state;

typedef struct view_weights_state {
    size_t page;                      // weights_page
} view_weights_state;

typedef struct view_why_state {
    float saliency[CANVAS_N * CANVAS_N]; // of saliency_class
    size_t saliency_class;
    bool has_saliency;
    uint64_t saliency_input, saliency_net;
    uint64_t saliency_version;        // bumps when the map changes
    int why_class;                    // the class explained; -1: the predicted one
    bool gradient;                    // the plain input gradient, not gradient x input
} view_why_state;

typedef struct view_mistakes_state {
    bool has_confusion;
    uint32_t confusion[10][10];       // [true][predicted]
    size_t confusion_epoch;           // epochs the evaluated weights had been trained
    double confusion_accuracy;
    uint64_t confusion_version;
    uint8_t *test_pred;               // (n_test) each test image's predicted class
    float *test_conf;                 // (n_test) and its probability
    size_t n_test;
    bool has_preds;
    int gallery_true, gallery_pred;   // the open cell (VIEW_NO_CELL: none)
    uint32_t *gallery;                // (n_test) indices of its images, most telling first
    size_t n_gallery, gallery_first;
    uint64_t gallery_version;
} view_mistakes_state;

typedef struct view_neuron_state {
    int layer, unit;                  // the unit chosen (layer 1..n_layers); layer 0: none,
                                      // the most active unit of layer 1 is shown
    explain_neuron ex;                // the shown unit worked out
    bool has;                         // ex is for the unit, input and weights below
    int ex_layer, ex_unit;
    uint64_t ex_input, ex_net;
    uint64_t version;                 // bumps when ex changes
    float *acts;                      // (inspect_units) every layer's output for the input
    float *products;                  // (max width) each input x weight of the shown unit
    float *scratch;                   // (explain_scratch_floats)
    int hover_input;                  // the input (pixel or unit below) under the mouse (-1)
    int hover_button;                 // the chooser's button under it (view_neuron_button_at)
    bool emitted;                     // a neuron event went out for ...
    int sent_layer, sent_unit;        // ... this unit with these numbers
    float sent_bias, sent_sum, sent_output;
} view_neuron_state;

#define VIEW_NETWORK_MAX_EDGES 1024
typedef struct view_network_state {
    int hover_layer, hover_unit;      // the unit under the mouse (layer 1..n_layers; -1: none)
    explain_edge *edges;              // (VIEW_NETWORK_MAX_EDGES) each layer's strongest weights
    size_t first_edge[MLP_MAX_LAYERS + 1]; // layer l's are first_edge[l-1] .. first_edge[l] - 1
    uint64_t edges_net;               // the weights they were picked from
    uint64_t version;                 // bumps when the edges change
    bool layout_sent;                 // the network event went out for this layout
    uint64_t layout_key;
} view_network_state;

typedef struct views {
    app_view view;                    // the one shown
    uint64_t views_net;               // the model version the views show (at most 10x/s)
    double views_net_time;
    uint64_t views_input;             // the input version they show (at most 25x/s)
    double views_input_time;
    uint64_t tiles_net;               // the version the weight tiles show (at most 4x/s)
    double tiles_net_time;
    float *inspect_scratch;           // (4 * max width + inspect_units) for the saliency
    int sel_layer, sel_unit;          // the unit pinned in views 1 and 2 (-1: none)
    int hover_layer, hover_unit;      // the unit under the mouse (-1: none)
    int hover_cell, hover_thumb;      // confusion cell (true * 10 + predicted) / gallery image
    int hover_nav;                    // a view's small button under the mouse (view_nav)
    bool want_eval;                   // the weights' test-set answers are wanted
    view_hidden_state hidden;
    view_weights_state weights;
    view_why_state why;
    view_mistakes_state mistakes;
    view_neuron_state neuron;
    view_network_state network;
} views;

/* Views on view first (with the gallery of cell gallery_t, gallery_p open
 * when both are 0..9). Nothing allocated until views_on_model. */
void views_init(views *v, app_view first, int gallery_t, int gallery_p);
void views_destroy(views *v);

/* ---- names and switching ----------------------------------------------- */

/* "hidden", "weights", "why", "mistakes", "log", "neuron", "network": the names --view takes and
 * the view event carries. */
const char *view_name(app_view v);
/* The tab's label: a long one and a short one after '|'. */
const char *view_label(app_view v);
/* Parses a view's name; false when it is none of them. */
bool view_from_name(const char *name, app_view *out);

/* Shows view id; emits {"event":"view","name":...} when it changes. */
view_request views_show(views *v, const view_ctx *c, app_view id);

/* Once a frame (after the drawing was scored): follows the weights at most
 * 10 times a second (the tiles 4 times), recomputes the activations and
 * the saliency when what they depend on changed, and asks for a test-set
 * evaluation when one is wanted and MNIST is read. */
view_request views_update(views *v, const view_ctx *c);
/* The evaluation asked for went to the trainer. */
void views_eval_sent(views *v);

/* After the model changed (loaded, fresh): sizes the scratch, forgets the
 * old answers and wants an evaluation of the new weights. */
void views_on_model(views *v, const view_ctx *c);
/* After MNIST was read: room for the per-image answers. */
void views_on_data(views *v, const view_ctx *c);

/* Class i's label as the model names it. */
const char *view_class_label(const view_ctx *c, size_t i);

/* ---- input ------------------------------------------------------------- */

/* A left click at (x, y): a bar (explains that class, in the why view), a
 * view's contents (a unit, a tile, a cell, an image, a page button).
 * handled says whether it was theirs. */
view_request views_click(views *v, const view_ctx *c, float x, float y);
/* The mouse moved to (x, y): what it hovers in the view. */
void views_hover(views *v, const view_ctx *c, float x, float y);
/* The wheel over the view: pages of tiles or images. */
void views_wheel(views *v, const view_ctx *c, float x, float y, int wheel);
/* The next (+1) or previous (-1) page of the weights or the gallery. */
void views_page(views *v, const view_ctx *c, int dir);
/* G: the why view's plain gradient / gradient x input (and that view shown). */
view_request views_toggle_gradient(views *v, const view_ctx *c);
/* Escape: closes an open gallery in the mistakes view; true when it did. */
bool views_escape(views *v);

/* The class whose bar is at (x, y), or -1. */
int views_bar_at(const view_ctx *c, float x, float y);

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

/* Shared by the view modules: design pixels to drawable pixels, a
 * rectangle with negative sides made empty, the view's inside, a caption's
 * height, and the small buttons at (x, y). */
int view_px(const view_ctx *c, float v);
app_rect view_rect(int x, int y, int w, int h);
app_rect view_inner(const view_ctx *c);
int view_caption_h(const view_ctx *c);
view_nav view_nav_at(app_rect prev, app_rect next, app_rect close, float x, float y);

/* ---- 1 hidden layer (view_hidden.c) ------------------------------------ */

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
size_t view_hidden_cells(const views *v, const view_ctx *c, size_t layer, uint8_t *rgb);
/* Are the activations current for what the views show? */
bool view_have_acts(const views *v, const view_ctx *c);

/* Unit u of layer l's incoming weights, coloured by inspect_color on the
 * scale of their largest magnitude (rgb: 3 bytes per input of the layer).
 * Returns that scale. */
float view_incoming_colors(const view_ctx *c, size_t layer, size_t unit, uint8_t *rgb);

typedef struct view_hidden_layout {
    size_t n_grids;                   // hidden layers shown (the first VIEW_MAX_GRIDS)
    app_rect caption[VIEW_MAX_GRIDS];
    view_grid grid[VIEW_MAX_GRIDS];
    app_rect detail;                  // the hovered or chosen unit
    bool detail_right;                // detail beside the grids rather than below
} view_hidden_layout;
void view_hidden_layout_of(const view_ctx *c, view_hidden_layout *l);
/* Recomputes the activations when the input or the weights shown changed. */
void view_hidden_update(views *v, const view_ctx *c);

/* ---- 2 weights (view_weights.c) ---------------------------------------- */

/* First-layer unit u's kernel as a 28x28 RGBA tile (inspect_weight_tile on
 * the window's weights). Returns the scale (its largest |weight|). */
float view_weight_tile(const view_ctx *c, size_t unit, uint8_t *rgba);

typedef struct view_weights_layout {
    app_rect caption;
    view_grid grid;                   // tiles first .. first + grid.n - 1
    size_t per_page, pages, page, first;
    app_rect footer;                  // the hovered unit, the legend
    app_rect prev, next;              // page buttons (empty with one page)
} view_weights_layout;
void view_weights_layout_of(const views *v, const view_ctx *c, view_weights_layout *l);

/* ---- 3 why (view_why.c) ------------------------------------------------- */

/* The class the why view explains: the one clicked in the bars, else the
 * guess; -1 when there is nothing to explain. */
int view_why_class(const views *v, const view_ctx *c);
/* Brings the saliency map up to date (inspect_saliency, or the plain input
 * gradient, of the explained class); a new subject sends a saliency event.
 * Returns why.has_saliency. */
bool view_saliency(views *v, const view_ctx *c);
/* Sums of the map's positive and negative values. */
void view_saliency_sums(const views *v, float *pushed_up, float *pulled_down);
/* The colour scale of the map: its largest |value| times 0.6, so that the
 * strongest few pixels saturate and the rest stay visible. */
float view_saliency_scale(const views *v);

typedef struct view_why_layout {
    app_rect caption;
    app_rect heat;                    // the map, square
    app_rect side;                    // class, legend, sums
} view_why_layout;
void view_why_layout_of(const view_ctx *c, view_why_layout *l);

/* ---- 4 mistakes (view_mistakes.c) --------------------------------------- */

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
void views_open_gallery(views *v, const view_ctx *c, int t, int p);
void views_close_gallery(views *v);

/* A test-set evaluation (EPOCH or EVAL with a confusion matrix) after
 * epoch: keeps it and emits {"event":"confusion",...}. */
void views_on_confusion(views *v, const view_ctx *c, const trainer_event *ev, size_t epoch);
/* Where the window copies each test image's answer (n_test of each), and
 * the call after it did: refreshes an open gallery. */
void views_answer_buffers(views *v, uint8_t **predicted, float **confidence);
void views_on_answers(views *v, const view_ctx *c);
/* A new model: the old evaluation and answers are forgotten. */
void views_forget_answers(views *v, const view_ctx *c);

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
void view_mistakes_layout_of(const views *v, const view_ctx *c, view_mistakes_layout *l);
/* The confusion cell at (x, y) as true * 10 + predicted, or -1. */
int view_matrix_cell_at(const view_mistakes_layout *l, float x, float y);

/* ---- 6 one neuron (view_neuron.c) -------------------------------------- */

/* Room for the neuron view's numbers for the model in c (from views_on_model);
 * a chosen unit the new model does not have is forgotten. */
void view_neuron_on_model(views *v, const view_ctx *c);
void view_neuron_destroy(views *v);
/* The unit the neuron view shows: the one chosen, else the most active
 * unit of layer 1 for the drawing (layer 1-based). False without a model. */
bool view_neuron_shown(const views *v, const view_ctx *c, size_t *layer, size_t *unit);
/* Chooses unit `unit` of dense layer `layer` (1-based) for the neuron view
 * (out-of-range values are clamped); layer 0 goes back to the most active. */
void view_neuron_choose(views *v, const view_ctx *c, int layer, int unit);
/* Steps the chosen unit by du (wrapping around the layer) or the layer by
 * dl (a new layer starts at its most active unit). */
void view_neuron_step(views *v, const view_ctx *c, int du, int dl);
/* Once a frame while the view is shown: works the unit out again when the
 * unit, the input or the weights changed, and sends a neuron event when its
 * numbers changed. */
void view_neuron_update(views *v, const view_ctx *c);
/* The unit's inputs (the pixels for layer 1, the layer below's outputs
 * after) for what ex was computed for; NULL when ex is not current. */
const float *view_neuron_inputs(const views *v, const view_ctx *c);

/* The lines of the worked-out sum, as the view prints them. */
#define VIEW_NEURON_MAX_TERMS 12
typedef struct view_neuron_text {
    char title[96];                   // "Layer 1, unit 38 of 128"
    char chooser_layer[32];           // "layer 1"
    char chooser_unit[32];            // "unit 38/128"
    char how[96];                     // "the most active unit for this drawing" / "chosen (...)"
    char how_short[32];               // "most active" / "chosen"
    char rule[160];                   // "Each of the 784 pixels times its weight, ..."
    char rule_short[96];              // "input × weight, summed, + bias, then ReLU"
    size_t n_terms;
    char term[VIEW_NEURON_MAX_TERMS][64]; // "(12, 7) 0.992 × +0.412 = +0.409"
    char term_long[VIEW_NEURON_MAX_TERMS][64]; // "pixel (12,7): 0.992 × +0.412 = +0.409"
    char rest[96];                    // "+ 141 more inked pixels: +0.823" ("" when none)
    char sum[96];                     // "sum of 784 products  +1.2345"
    char bias[64];                    // "+ bias  -0.1234"
    char pre[96];                     // "= +1.1111 before ReLU"
    char post[96];                    // "ReLU: +1.1111 -> 1.1111" / "negative -> 0"
    bool off;                         // the activation switched the unit off
    char hover[96];                   // the input under the mouse ("" when none)
} view_neuron_text;
/* Fills t for the unit shown, with at most max_terms contribution lines. */
void view_neuron_text_of(const views *v, const view_ctx *c, size_t max_terms, view_neuron_text *t);

/* The height of a line of the neuron view's sums, in design pixels. */
#define VIEW_NEURON_LINE_H 15
typedef struct view_neuron_layout {
    app_rect layer_prev, layer_label, layer_next; // the chooser
    app_rect unit_prev, unit_label, unit_next;
    app_rect pic[3];                  // input, weights, products (square)
    app_rect pic_caption[3];
    app_rect op[2];                   // the "×" and "=" between them
    app_rect side;                    // beside the pictures: the rule, the hovered input
    app_rect terms;                   // the contributions
    app_rect sums;                    // the sum, + bias, =, the activation
    size_t max_terms;                 // contribution lines that fit
    bool image;                       // the inputs are a 28x28 picture (else a grid of units)
    view_grid grid[3];                // not an image: the inputs as cells in each picture
} view_neuron_layout;
void view_neuron_layout_of(const views *v, const view_ctx *c, view_neuron_layout *l);
/* Which chooser button is at (x, y): 1 layer down, 2 layer up, 3 unit
 * down, 4 unit up, 0 none. */
int view_neuron_button_at(const view_neuron_layout *l, float x, float y);
/* The input (pixel, or unit of the layer below) under (x, y) in any of
 * the three pictures, or -1. */
int view_neuron_input_at(const views *v, const view_ctx *c, const view_neuron_layout *l, float x,
                         float y);

/* ---- 7 the network (view_network.c) ------------------------------------ */

void view_network_destroy(views *v);
/* Picks each layer's strongest weights again when the weights shown changed. */
void view_network_update(views *v, const view_ctx *c);

typedef struct view_network_layout {
    app_rect caption;
    size_t n_layers;                  // dense layers drawn (the model's)
    bool image;                       // the input drawn as its 28x28 picture
    app_rect input;                   // the input picture (or its grid's box)
    view_grid in_grid;                // the input as cells when it is no picture
    view_grid grid[MLP_MAX_LAYERS];   // layer l+1's units
    app_rect out_labels;              // beside the output units: their labels
    app_rect matrix;                  // the last layer's kernel as a heat map (may be empty)
    app_rect footer;                  // the hovered unit, the hint
} view_network_layout;
void view_network_layout_of(const views *v, const view_ctx *c, view_network_layout *l);
/* The centre of input i of the picture or unit u of dense layer l (1-based;
 * l = 0: the input). */
void view_network_point(const view_network_layout *l, size_t layer, size_t unit, size_t width,
                        float *x, float *y);
/* The unit at (x, y): true with *layer (1-based) and *unit. */
bool view_network_unit_at(const view_network_layout *l, float x, float y, int *layer, int *unit);
/* Layer l's edges (1-based): how many, and where. */
size_t view_network_edges(const views *v, size_t layer, const explain_edge **edges);

#endif
