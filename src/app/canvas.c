/* canvas.c: strokes and their rendering (canvas.h). */
#include "canvas.h"

#include "normalize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Width in pixels of the pen's soft edge: coverage falls from 1 to 0 over
 * this distance around the radius, which also antialiases the ink. */
#define PEN_SOFT_EDGE 1.0f


bool canvas_init(canvas *c)
{
    memset(c, 0, sizeof *c);
    c->cap_points = 1024;
    c->cap_strokes = 64;
    c->points = malloc(c->cap_points * sizeof *c->points);
    c->strokes = malloc(c->cap_strokes * sizeof *c->strokes);
    if (!c->points || !c->strokes) {
        free(c->points);
        free(c->strokes);
        memset(c, 0, sizeof *c);
        return false;
    }
    c->pen_radius = CANVAS_PEN_RADIUS;
    c->erase_radius = CANVAS_ERASE_RADIUS;
    return true;
}

void canvas_destroy(canvas *c)
{
    free(c->points);
    free(c->strokes);
    memset(c, 0, sizeof *c);
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static bool push_point(canvas *c, float x, float y)
{
    if (c->n_points == c->cap_points) {
        if (c->cap_points >= CANVAS_MAX_POINTS)
            return false;
        size_t cap = c->cap_points * 2;
        canvas_point *p = realloc(c->points, cap * sizeof *p);
        if (!p)
            return false;
        c->points = p;
        c->cap_points = cap;
    }
    c->points[c->n_points++] =
        (canvas_point){clampf(x, 0.0f, (float)CANVAS_N), clampf(y, 0.0f, (float)CANVAS_N)};
    return true;
}

bool canvas_begin_stroke(canvas *c, float x, float y, bool erase)
{
    canvas_end_stroke(c);
    if (c->n_strokes == c->cap_strokes) {
        if (c->cap_strokes >= CANVAS_MAX_STROKES)
            return false;
        size_t cap = c->cap_strokes * 2;
        canvas_stroke *s = realloc(c->strokes, cap * sizeof *s);
        if (!s)
            return false;
        c->strokes = s;
        c->cap_strokes = cap;
    }
    if (!push_point(c, x, y))
        return false;
    c->strokes[c->n_strokes++] = (canvas_stroke){c->n_points - 1, 1, erase};
    c->open = true;
    c->version++;
    return true;
}

bool canvas_add_point(canvas *c, float x, float y)
{
    if (!c->open || c->n_strokes == 0)
        return false;
    canvas_stroke *s = &c->strokes[c->n_strokes - 1];
    canvas_point last = c->points[s->first + s->count - 1];
    float cx = clampf(x, 0.0f, (float)CANVAS_N), cy = clampf(y, 0.0f, (float)CANVAS_N);
    float dx = cx - last.x, dy = cy - last.y;
    if (dx * dx + dy * dy < 0.02f * 0.02f)
        return true;
    if (!push_point(c, x, y))
        return false;
    s->count++;
    c->version++;
    return true;
}

void canvas_end_stroke(canvas *c)
{
    c->open = false;
}

void canvas_clear(canvas *c)
{
    if (c->n_strokes || c->has_bitmap)
        c->version++;
    c->n_points = 0;
    c->n_strokes = 0;
    c->open = false;
    c->has_bitmap = false;
}

void canvas_set_bitmap(canvas *c, const float *img)
{
    c->n_points = 0;
    c->n_strokes = 0;
    c->open = false;
    for (size_t i = 0; i < CANVAS_N * CANVAS_N; i++)
        c->bitmap[i] = clampf(img[i], 0.0f, 1.0f);
    c->has_bitmap = true;
    c->version++;
}

bool canvas_undo(canvas *c)
{
    if (c->n_strokes == 0 && c->has_bitmap) {
        c->has_bitmap = false;
        c->version++;
        return true;
    }
    if (c->n_strokes == 0)
        return false;
    c->n_strokes--;
    c->n_points = c->strokes[c->n_strokes].first;
    c->open = false;
    c->version++;
    return true;
}

bool canvas_is_empty(const canvas *c)
{
    if (c->has_bitmap)
        return false;
    for (size_t i = 0; i < c->n_strokes; i++)
        if (!c->strokes[i].erase)
            return false;
    return true;
}

/* Squared distance from p to the segment a-b. */
static float seg_dist2(float px, float py, float ax, float ay, float bx, float by)
{
    float vx = bx - ax, vy = by - ay;
    float wx = px - ax, wy = py - ay;
    float len2 = vx * vx + vy * vy;
    float t = len2 > 0.0f ? clampf((wx * vx + wy * vy) / len2, 0.0f, 1.0f) : 0.0f;
    float dx = wx - t * vx, dy = wy - t * vy;
    return dx * dx + dy * dy;
}

/* Where a stroke lands in the output grid: out = p * k + (ox, oy). */
typedef struct transform {
    float k, ox, oy;
    float ink_r, erase_r; // in output pixels
} transform;

/* Sweeps the pen along one segment (in output pixels), combining with what
 * is there: ink takes the maximum, the eraser scales ink down. */
static void sweep(float *out, float ax, float ay, float bx, float by, float r, bool erase)
{
    float reach = r + 0.5f * PEN_SOFT_EDGE;
    int x0 = (int)floorf(fminf(ax, bx) - reach), x1 = (int)ceilf(fmaxf(ax, bx) + reach);
    int y0 = (int)floorf(fminf(ay, by) - reach), y1 = (int)ceilf(fmaxf(ay, by) + reach);
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > CANVAS_N)
        x1 = CANVAS_N;
    if (y1 > CANVAS_N)
        y1 = CANVAS_N;
    float inner = r - 0.5f * PEN_SOFT_EDGE;
    float reach2 = reach * reach;
    for (int i = y0; i < y1; i++) {
        float py = (float)i + 0.5f;
        for (int j = x0; j < x1; j++) {
            float px = (float)j + 0.5f;
            float d2 = seg_dist2(px, py, ax, ay, bx, by);
            if (d2 >= reach2)
                continue;
            float d = sqrtf(d2);
            float cov = d <= inner ? 1.0f : (reach - d) / PEN_SOFT_EDGE;
            float *o = &out[i * CANVAS_N + j];
            if (erase) {
                float keep = 1.0f - cov;
                if (*o > keep)
                    *o = keep;
            } else if (*o < cov) {
                *o = cov;
            }
        }
    }
}

static void render(const canvas *c, float *out, const transform *t, const float *under)
{
    if (under)
        memcpy(out, under, CANVAS_N * CANVAS_N * sizeof *out);
    else
        memset(out, 0, CANVAS_N * CANVAS_N * sizeof *out);
    for (size_t s = 0; s < c->n_strokes; s++) {
        const canvas_stroke *st = &c->strokes[s];
        const canvas_point *p = &c->points[st->first];
        float r = st->erase ? t->erase_r : t->ink_r;
        float ax = p[0].x * t->k + t->ox, ay = p[0].y * t->k + t->oy;
        if (st->count == 1) {
            sweep(out, ax, ay, ax, ay, r, st->erase);
            continue;
        }
        for (size_t i = 1; i < st->count; i++) {
            float bx = p[i].x * t->k + t->ox, by = p[i].y * t->k + t->oy;
            sweep(out, ax, ay, bx, by, r, st->erase);
            ax = bx;
            ay = by;
        }
    }
}

void canvas_render_raw(const canvas *c, float *out)
{
    transform t = {1.0f, 0.0f, 0.0f, c->pen_radius, c->erase_radius};
    render(c, out, &t, c->has_bitmap ? c->bitmap : NULL);
}

/* True when a later eraser stroke passed over point p of stroke s (so the
 * point no longer counts towards the ink's bounding box). */
static bool erased_later(const canvas *c, size_t s, canvas_point p)
{
    float r2 = c->erase_radius * c->erase_radius;
    for (size_t e = s + 1; e < c->n_strokes; e++) {
        const canvas_stroke *st = &c->strokes[e];
        if (!st->erase)
            continue;
        const canvas_point *q = &c->points[st->first];
        if (st->count == 1 && seg_dist2(p.x, p.y, q[0].x, q[0].y, q[0].x, q[0].y) < r2)
            return true;
        for (size_t i = 1; i < st->count; i++)
            if (seg_dist2(p.x, p.y, q[i - 1].x, q[i - 1].y, q[i].x, q[i].y) < r2)
                return true;
    }
    return false;
}

bool canvas_render_mnist(const canvas *c, float *out)
{
    // The skeleton's bounding box: ink points that no later eraser covered.
    float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    bool any_erase = false;
    for (size_t s = 0; s < c->n_strokes; s++)
        any_erase |= c->strokes[s].erase;
    for (size_t s = 0; s < c->n_strokes; s++) {
        const canvas_stroke *st = &c->strokes[s];
        if (st->erase)
            continue;
        for (size_t i = 0; i < st->count; i++) {
            canvas_point p = c->points[st->first + i];
            if (any_erase && erased_later(c, s, p))
                continue;
            minx = fminf(minx, p.x);
            maxx = fmaxf(maxx, p.x);
            miny = fminf(miny, p.y);
            maxy = fmaxf(maxy, p.y);
        }
    }
    if (!(minx <= maxx)) {
        memset(out, 0, CANVAS_N * CANVAS_N * sizeof *out);
        return false;
    }

    /* Scale the skeleton so that, with the pen around it, the ink's longer
     * side is 20 px. A dot or a tiny dash is not blown up into a blob. */
    float r = CANVAS_MNIST_PEN_RADIUS;
    float longest = fmaxf(fmaxf(maxx - minx, maxy - miny), 2.0f);
    float k = (20.0f - 2.0f * r) / longest;
    float er = c->erase_radius * k - (c->pen_radius * k - r);
    transform t = {k, 14.0f - 0.5f * (minx + maxx) * k, 14.0f - 0.5f * (miny + maxy) * k, r,
                   er < 0.5f ? 0.5f : er};
    render(c, out, &t, NULL);

    double cx, cy;
    if (!normalize_center_of_mass(out, &cx, &cy))
        return false; // all of it erased
    t.ox += (float)(NORMALIZE_CENTRE - cx);
    t.oy += (float)(NORMALIZE_CENTRE - cy);
    render(c, out, &t, NULL);
    return true;
}
