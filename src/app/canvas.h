/* canvas.h: the drawing, kept as strokes, and its two renderings.
 *
 * A stroke is a list of points in canvas units (0..28 on both axes, x to
 * the right, y down; one unit is one cell of the 28x28 grid) drawn with a
 * soft round pen, or erasing with a larger one. Between points the pen
 * sweeps a capsule, so a fast stroke with points far apart leaves no gaps.
 *
 * Because the strokes stay vectors, the same drawing renders two ways:
 *   - canvas_render_raw: the 28x28 grid as drawn;
 *   - canvas_render_mnist: as MNIST's digits were made, the ink's bounding
 *     box scaled to 20 px (aspect ratio kept) with a pen of MNIST-like width
 *     whatever size the digit was drawn at, then moved so that the centre of
 *     mass sits at the middle.
 * Both are allocation-free and take microseconds. */
#ifndef DIGITPAD_APP_CANVAS_H
#define DIGITPAD_APP_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CANVAS_N 28
#define CANVAS_MAX_POINTS ((size_t)1 << 20)
#define CANVAS_MAX_STROKES ((size_t)1 << 16)

/* Pen radii in canvas units, and the pen radius in output pixels of the
 * normalised rendering (MNIST strokes are two to three pixels wide). */
#define CANVAS_PEN_RADIUS 1.25f
#define CANVAS_ERASE_RADIUS 2.2f
#define CANVAS_MNIST_PEN_RADIUS 1.15f

typedef struct canvas_point {
    float x, y;
} canvas_point;

typedef struct canvas_stroke {
    size_t first, count; // slice of canvas.points
    bool erase;
} canvas_stroke;

typedef struct canvas {
    canvas_point *points;   // (cap_points), owned
    size_t n_points, cap_points;
    canvas_stroke *strokes; // (cap_strokes), owned
    size_t n_strokes, cap_strokes;
    bool open;              // the last stroke is still being drawn
    float pen_radius, erase_radius;
    uint64_t version;       // changes with every change to the drawing
    bool has_bitmap;        // bitmap lies under the strokes
    float bitmap[CANVAS_N * CANVAS_N];
} canvas;

/* An empty canvas with the default pens. Returns false when out of memory. */
bool canvas_init(canvas *c);
void canvas_destroy(canvas *c);

/* Starts a stroke at (x, y) (clamped to the canvas). Returns false when the
 * stroke could not be stored (memory or CANVAS_MAX_* reached). */
bool canvas_begin_stroke(canvas *c, float x, float y, bool erase);
/* Extends the open stroke to (x, y); no-op without an open stroke. Points
 * closer than a fiftieth of a cell to the previous one are skipped. */
bool canvas_add_point(canvas *c, float x, float y);
void canvas_end_stroke(canvas *c);

/* Removes every stroke and the bitmap. */
void canvas_clear(canvas *c);
/* Removes the last stroke (ink or eraser), or with no stroke left the
 * bitmap. Returns false when there was nothing to remove. */
bool canvas_undo(canvas *c);

/* True when no ink stroke and no bitmap remain (erasing strokes alone draw
 * nothing). */
bool canvas_is_empty(const canvas *c);

/* Puts a 28x28 bitmap (values in [0, 1], row-major; a test image, say)
 * under the drawing in place of everything on it. Strokes drawn after it
 * ink over it, and the eraser takes it away, as on paper; canvas_clear
 * removes it, and canvas_undo with no stroke left does. The bitmap is
 * already in MNIST's form, so the network is given it as it is. */
void canvas_set_bitmap(canvas *c, const float *img);

/* The drawing as it appears on the grid (the bitmap, if any, with the
 * strokes over it): out (28 * 28) in [0, 1], row-major. */
void canvas_render_raw(const canvas *c, float *out);

/* The drawing normalised as MNIST's digits were (see above), into out
 * (28 * 28) in [0, 1]. Returns false and zeroes out when there is no ink.
 * Strokes only: a bitmap is already in MNIST's form and is left out. */
bool canvas_render_mnist(const canvas *c, float *out);

#endif
