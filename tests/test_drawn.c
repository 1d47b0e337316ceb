/* test_drawn: how well the bundled models read digits drawn in many hands.
 *
 * The drawings are strokes as a mouse draws them: tests/data/drawn_hands.txt
 * (880 drawings made by scripts/make-drawn-hands: 44 constructions of the
 * ten digits, such as open and closed 4s, 7s with and without a bar, 1s
 * with and without a flag, 6s and 9s with open loops, each in 20 hands:
 * upright, slanted both ways, turned by 15 degrees both ways, thin, thick,
 * narrow, wide, small and off-centre, italic, backhand, script, hurried,
 * and four that mix them at random) and the digits of tests/data/drawn.txt. Each is rendered through the window's own canvas
 * (src/app/canvas.c) and its MNIST normalisation, and read by each bundled
 * model. The window starts with the one that reads them best
 * (paths_window_model): this test checks that it does, and prints the
 * figures the README gives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/canvas.h"
#include "common/paths.h"
#include "mlp.h"
#include "model_file.h"

#include "check.h"

#define MAX_DRAWINGS 1024
#define MAX_STROKES 8
#define MAX_PTS 400

typedef struct drawing {
    int digit;
    char construction[40], hand[40];
    float pen;
    size_t n_strokes;
    size_t len[MAX_STROKES];
    float pts[MAX_STROKES][MAX_PTS][2];
} drawing;

static void add_pt(drawing *d, float x, float y)
{
    size_t s = d->n_strokes - 1;
    if (d->len[s] < MAX_PTS) {
        d->pts[s][d->len[s]][0] = x;
        d->pts[s][d->len[s]][1] = y;
        d->len[s]++;
    }
}

/* The strokes after the line's colon: points x,y, arcs a:cx,cy,rx,ry,a0,a1
 * (a point every 10 degrees, as tests/data/drawn.txt defines them) and "/"
 * between strokes. */
static void read_strokes(drawing *d, char *p)
{
    d->n_strokes = 1;
    for (char *tok = strtok(p, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
        float a[6];
        if (!strcmp(tok, "/")) {
            if (d->n_strokes < MAX_STROKES)
                d->n_strokes++;
        } else if (!strncmp(tok, "a:", 2) && sscanf(tok + 2, "%f,%f,%f,%f,%f,%f", &a[0], &a[1],
                                                     &a[2], &a[3], &a[4], &a[5]) == 6) {
            int steps = (int)ceilf(fabsf(a[5] - a[4]) / 10.0f);
            for (int i = 0; i <= steps; i++) {
                float t = (a[4] + (a[5] - a[4]) * (float)i / (float)steps) * 3.14159265f / 180;
                add_pt(d, a[0] + a[2] * cosf(t), a[1] + a[3] * sinf(t));
            }
        } else if (sscanf(tok, "%f,%f", &a[0], &a[1]) == 2) {
            add_pt(d, a[0], a[1]);
        }
    }
}

/* Reads drawn_hands.txt's lines (DIGIT CONSTRUCTION HAND PEN: strokes) or,
 * with `original`, drawn.txt's digit lines (digit D HAND: strokes, drawn
 * with the window's default pen). Returns how many were added to out. */
static size_t read_file(const char *path, bool original, drawing *out, size_t n, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static char line[16384];
    size_t added = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        drawing *d = &out[n];
        memset(d, 0, sizeof *d);
        int used = 0;
        char digit[8], set[16];
        if (original) {
            if (sscanf(line, "%15s %7s %39[^:]:%n", set, digit, d->hand, &used) != 3 ||
                strcmp(set, "digit"))
                continue;
            snprintf(d->construction, sizeof d->construction, "drawn.txt");
            d->pen = CANVAS_PEN_RADIUS;
        } else if (sscanf(line, "%7s %39s %39s %f:%n", digit, d->construction, d->hand, &d->pen,
                          &used) != 4) {
            continue;
        }
        if (!used || digit[0] < '0' || digit[0] > '9' || digit[1])
            continue;
        d->digit = digit[0] - '0';
        read_strokes(d, line + used);
        n++;
        added++;
    }
    fclose(f);
    return added;
}

static bool render(canvas *cv, const drawing *d, float *out)
{
    canvas_clear(cv);
    cv->pen_radius = d->pen;
    for (size_t s = 0; s < d->n_strokes; s++) {
        for (size_t i = 0; i < d->len[s]; i++) {
            float x = d->pts[s][i][0], y = d->pts[s][i][1];
            if (i == 0)
                canvas_begin_stroke(cv, x, y, false);
            else
                canvas_add_point(cv, x, y);
        }
        canvas_end_stroke(cv);
    }
    return canvas_render_mnist(cv, out);
}

/* Right answers by one key (a construction or a hand). */
typedef struct tally {
    char key[48];
    size_t right, total;
} tally;

static void count(tally *t, size_t *n, size_t cap, const char *key, bool right)
{
    size_t i = 0;
    while (i < *n && strcmp(t[i].key, key))
        i++;
    if (i == *n) {
        if (*n == cap)
            return;
        snprintf(t[i].key, sizeof t[i].key, "%s", key);
        t[i].right = t[i].total = 0;
        (*n)++;
    }
    t[i].right += right;
    t[i].total++;
}

static void print_tallies(const char *what, const tally *t, size_t n)
{
    printf("  by %s:", what);
    for (size_t i = 0; i < n; i++)
        printf("%s %s %zu/%zu", i ? "," : "", t[i].key, t[i].right, t[i].total);
    printf("\n");
}

/* What one model reads right: of drawn_hands.txt, of drawn.txt's digits. */
typedef struct reading {
    size_t hands_right, hands_total, original_right, original_total;
} reading;

static double share(size_t right, size_t total)
{
    return total ? (double)right / (double)total : 0.0;
}

static bool measure(const char *path, const drawing *d, const float (*x)[784], const bool *ok,
                    size_t n, reading *rd)
{
    mlp net;
    model_meta meta;
    dp_error err;
    memset(rd, 0, sizeof *rd);
    if (!model_file_load(path, &net, &meta, &err)) {
        printf("%s: %s\n", path, err.msg);
        return false;
    }
    float probs[10], *scratch = malloc(2 * mlp_max_width(&net) * sizeof *scratch);
    static tally by_construction[64], by_hand[64], by_digit[10];
    size_t n_construction = 0, n_hand = 0, n_digit = 0;
    size_t confusion[10][10] = {{0}};
    for (size_t i = 0; i < n && scratch; i++) {
        if (!ok[i])
            continue;
        mlp_predict(&net, x[i], probs, scratch);
        int best = 0;
        for (int c = 1; c < 10; c++)
            if (probs[c] > probs[best])
                best = c;
        bool right = best == d[i].digit;
        bool original = !strcmp(d[i].construction, "drawn.txt");
        if (original) {
            rd->original_right += right;
            rd->original_total++;
            continue;
        }
        rd->hands_right += right;
        rd->hands_total++;
        confusion[d[i].digit][best]++;
        char key[48];
        snprintf(key, sizeof key, "%d %s", d[i].digit, d[i].construction);
        count(by_construction, &n_construction, 64, key, right);
        count(by_hand, &n_hand, 64, d[i].hand, right);
        snprintf(key, sizeof key, "%d", d[i].digit);
        count(by_digit, &n_digit, 10, key, right);
    }
    printf("%s: drawn_hands.txt %zu/%zu (%.1f %%), drawn.txt's digits %zu/%zu (%.1f %%)\n", path,
           rd->hands_right, rd->hands_total,
           100.0 * share(rd->hands_right, rd->hands_total), rd->original_right,
           rd->original_total, 100.0 * share(rd->original_right, rd->original_total));
    print_tallies("digit", by_digit, n_digit);
    print_tallies("construction", by_construction, n_construction);
    print_tallies("hand", by_hand, n_hand);
    printf("  most read as another digit:");
    for (int t = 0; t < 10; t++) {
        int worst = -1;
        for (int p = 0; p < 10; p++)
            if (p != t && (worst < 0 || confusion[t][p] > confusion[t][worst]))
                worst = p;
        if (worst >= 0 && confusion[t][worst])
            printf(" %d as %d (%zu)", t, worst, confusion[t][worst]);
    }
    printf("\n");
    free(scratch);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return true;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(void)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    if (!src)
        src = ".";
    char path[4096];
    static drawing drawings[MAX_DRAWINGS];
    snprintf(path, sizeof path, "%s/tests/data/drawn_hands.txt", src);
    size_t n_hands = read_file(path, false, drawings, 0, MAX_DRAWINGS);
    CHECK(n_hands == 880, "%s: 880 drawings (read %zu)", path, n_hands);
    snprintf(path, sizeof path, "%s/tests/data/drawn.txt", src);
    size_t n_original = read_file(path, true, drawings, n_hands, MAX_DRAWINGS);
    // (Another test's file, which grows: its digits, however many.)
    CHECK(n_original >= 30, "%s: at least 30 digits (read %zu)", path, n_original);
    size_t n = n_hands + n_original;

    // Every digit in at least four constructions, each in all 20 hands.
    size_t per_digit[10] = {0};
    for (size_t i = 0; i < n_hands; i++)
        per_digit[drawings[i].digit]++;
    for (int dg = 0; dg < 10; dg++)
        CHECK(per_digit[dg] >= 4 * 20, "digit %d drawn %zu times", dg, per_digit[dg]);

    static float x[MAX_DRAWINGS][784];
    static bool ok[MAX_DRAWINGS];
    canvas cv;
    CHECK(canvas_init(&cv), "canvas");
    size_t rendered = 0;
    for (size_t i = 0; i < n; i++) {
        ok[i] = render(&cv, &drawings[i], x[i]);
        rendered += ok[i];
    }
    canvas_destroy(&cv);
    CHECK(rendered == n, "%zu of %zu drawings have ink", rendered, n);

    // Each bundled model, and which the window starts with.
    const char *models[] = {"mnist-784-128-10.json", "mnist-784-128-10-distorted.json"};
    reading rd[2];
    bool have[2];
    double best_share = -1.0;
    const char *best = NULL;
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/models/%s", src, models[i]);
        have[i] = measure(path, drawings, (const float(*)[784])x, ok, n, &rd[i]);
        double s = share(rd[i].hands_right + rd[i].original_right,
                         rd[i].hands_total + rd[i].original_total);
        if (have[i] && s > best_share) {
            best_share = s;
            best = models[i];
        }
    }
    CHECK(have[0], "the article's model is there");
    // The article's model misreads many hands (measured: see the README);
    // a floor that a broken rendering or reader would fall through.
    CHECK(share(rd[0].hands_right, rd[0].hands_total) >= 0.85,
          "the article's model reads %.3f of drawn_hands.txt", share(rd[0].hands_right, rd[0].hands_total));
    if (have[1]) {
        CHECK(share(rd[1].hands_right, rd[1].hands_total) >
                  share(rd[0].hands_right, rd[0].hands_total),
              "the distorted model reads the hands no better than the article's");
        CHECK(share(rd[1].hands_right, rd[1].hands_total) >= 0.92,
              "the distorted model reads %.3f of drawn_hands.txt",
              share(rd[1].hands_right, rd[1].hands_total));
    }
    char window[PATHS_MAX];
    paths_window_model(NULL, window, sizeof window);
    printf("the window starts with %s\n", window);
    CHECK(best && !strcmp(base_name(window), best), "the window starts with %s, not %s (the best)",
          base_name(window), best ? best : "?");
    return check_summary();
}
