/* layout.h: where every panel of the window goes, as a plain function of
 * the window's size.
 *
 * Everything is in drawable pixels (on a HiDPI screen, twice the window's
 * coordinates); `scale` is the number of drawable pixels per design pixel,
 * so a 1280x800 window at scale 1 and a 2560x1600 drawable at scale 2 get the
 * same arrangement. No SDL here: tests call it without a display. */
#ifndef DIGITPAD_APP_LAYOUT_H
#define DIGITPAD_APP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* The smallest window (in window coordinates at UI scale 1) the layout is
 * made for: at scale s it needs 900*s x 600*s drawable pixels. */
#define LAYOUT_MIN_W 900
#define LAYOUT_MIN_H 600
/* The effective scale (drawable pixels per design pixel: the HiDPI ratio
 * times --ui-scale) never goes below this, where text would be unreadable,
 * nor above the largest --ui-scale on a 4x screen. */
#define LAYOUT_MIN_SCALE 0.5f
#define LAYOUT_MAX_SCALE 16.0f
/* The least width of the canvas's column (design pixels) for its tool
 * row and layer table, when a deep network's table leaves the canvas less. */
#define LAYOUT_COLUMN1_MIN 300

typedef struct app_rect {
    int x, y, w, h;
} app_rect;

typedef enum layout_button {
    BTN_NONE = -1,
    BTN_CLEAR,
    BTN_UNDO,
    BTN_ERASE,
    BTN_PREPROCESS,
    BTN_TRAIN,
    BTN_RESET,
    BTN_SAVE,
    BTN_HELP,
    BTN_TAB_HIDDEN,   // the view tabs, in app_view's order
    BTN_TAB_WEIGHTS,
    BTN_TAB_WHY,
    BTN_TAB_MISTAKES,
    BTN_TAB_LOG,
    BTN_TAB_NEURON,
    BTN_TAB_NETWORK,
    BTN_STEP,         // issue 11's training bar: one batch, the speeds, the settings
    BTN_SPEED_1,
    BTN_SPEED_10,
    BTN_SPEED_100,
    BTN_SPEED_FULL,
    BTN_SETTINGS,
    BTN_COUNT,
} layout_button;

typedef struct app_layout {
    int w, h;     // drawable size
    float scale;  // drawable pixels per design pixel
    int pad, gap; // outer margin and space between panels

    app_rect header;     // title, model name, help button
    app_rect status;     // one line at the bottom

    app_rect canvas;     // the square 28x28 drawing area
    app_rect tools;      // row of canvas buttons under it
    app_rect params;     // the architecture table under the tools

    app_rect preview;    // what the network receives, 28x28, with its caption
    app_rect guess;      // the top class, large
    app_rect bars;       // ten softmax bars
    app_rect digit_chart; // this drawing's probability over training

    app_rect controls;   // Train / Reset / Save row
    app_rect trainbar;   // Step, the speeds (1, 10, 100 batches/s, full), Settings
    app_rect progress;   // epoch n/N, bar, samples/s, time left
    app_rect loss_chart; // loss and accuracy side by side
    app_rect acc_chart;
    app_rect tabs;       // one tab per view (views.h)
    app_rect view;       // the view shown: hidden layer, weights, why, mistakes, log

    app_rect buttons[BTN_COUNT];
} app_layout;

/* The scale a w x h drawable is laid out at when scale is asked for: scale
 * itself when 900*scale x 600*scale fits, else the largest multiple of 0.05
 * that fits (so the whole window stays visible at any size and UI scale,
 * only smaller), never below LAYOUT_MIN_SCALE. */
float layout_fit_scale(int w, int h, float scale);

/* Arranges a drawable of w x h pixels at the given scale (shrunk by
 * layout_fit_scale so that it fits; l->scale is the one used), for a
 * network of n_layers dense layers (the parameter table gets one row per
 * layer). l->w x l->h is always the drawable: every panel lies inside it
 * unless the drawable is smaller than 450 x 300, where the panels are
 * laid out at that size and the drawing is clipped. */
void layout_compute(app_layout *l, int w, int h, float scale, size_t n_layers);

/* The top-level panels, for tests and debugging: fills up to max rects
 * and names, returns how many there are. */
size_t layout_panels(const app_layout *l, app_rect *rects, const char **names, size_t max);

/* True when the point lies inside r. */
bool rect_contains(app_rect r, float x, float y);

/* The button under (x, y), or BTN_NONE. */
layout_button layout_button_at(const app_layout *l, float x, float y);

#endif
