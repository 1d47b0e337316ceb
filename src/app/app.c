/* app.c: the window's command line and its loop.
 *
 * The loop reads like SDL's test programs: poll events (translated into
 * app_input_event and handed to app_handle), update (trainer snapshot and
 * events, re-scoring), draw (ui_draw), present. Everything the window
 * knows lives in app_state (state.h); only this file and the ui_*.c files
 * touch SDL. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>

#include "cli/cli.h"
#include "state.h"
#include "text.h"
#include "ui.h"
#include "views.h"

#define MAX_DRAW_POINTS 4096

typedef struct app_options {
    app_config cfg;
    bool print_events;
    const char *screenshot;       // --screenshot FILE
    double screenshot_after_ms;   // --screenshot-after-ms
    size_t screenshot_epoch;      // --screenshot-after-epoch (0: not waiting for training)
    double quit_after_ms;         // --quit-after-ms (0: never)
    const char *draw;             // --draw "x,y;x,y|x,y;..." in canvas units
    const char *drop;             // --drop FILE: as if FILE were dropped on the window
    int width, height;            // --size WxH
    double ui_scale;              // --ui-scale
} app_options;

static void help_window(FILE *f)
{
    fputs("usage: digitpad [OPTIONS]\n"
          "\n"
          "Opens the window: draw a digit with the mouse, see the network's answer,\n"
          "train it live on MNIST.\n"
          "\n"
          "  --model FILE        the model to start with (default: the bundled one);\n"
          "                      Ctrl+S saves back to it\n"
          "  --data DIR          the MNIST folder (default: $DIGITPAD_DATA, ./data/mnist,\n"
          "                      $XDG_DATA_HOME/digitpad/mnist)\n"
          "  --fresh             start from fresh random weights, not a model file\n"
          "  --train             start training at once\n"
          "  --layers 128        hidden layer widths, e.g. 256,128,64 (fresh weights\n"
          "                      when they differ from the model's)\n"
          "  --epochs 5  --batch 32  --lr 0.001  --seed 1\n"
          "  --limit N           train on the first N training images only\n"
          "  --size WxH          the window's size (default 1280x800)\n"
          "  --ui-scale X        enlarge everything X times (on top of HiDPI)\n"
          "  --print-events      JSON lines on stdout: ready, prediction, progress,\n"
          "                      epoch, confusion, view, saliency, gallery, test_digit,\n"
          "                      saved, loaded, error, screenshot, stats\n"
          "  --screenshot FILE   save the window as PNG after the first frames\n"
          "  --screenshot-after-ms N   ... or after N ms\n"
          "  --screenshot-after-epoch N   ... or halfway through the epoch after the N-th\n"
          "  --draw STROKES      draw strokes through the mouse handler at start:\n"
          "                      \"x,y;x,y;...|x,y;...\" in canvas cells (0 to 28)\n"
          "  --drop FILE         act as if FILE were dropped on the window (after --draw)\n"
          "  --view NAME         the view shown first: hidden, weights, why, mistakes, log\n"
          "  --gallery T,P       open the mistakes view's cell: true T read as P\n"
          "  --test-digit N      put test image N on the canvas once MNIST is read\n"
          "  --quit-after-ms N   close the window after N ms\n"
          "  --quit-after-training   close the window when the planned epochs are done\n"
          "  --help-window       this help\n"
          "\n"
          "In the window, ? or F1 lists the keys.\n",
          f);
}

static bool need_value(const char *flag, const char *v)
{
    if (!v || !v[0]) {
        cli_error(flag, "needs a value");
        return false;
    }
    return true;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, app_options *o)
{
    memset(o, 0, sizeof *o);
    app_config_default(&o->cfg);
    o->width = 1280;
    o->height = 800;
    o->ui_scale = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        unsigned long long u;
        if (!strcmp(a, "--help-window") || !strcmp(a, "-h") || !strcmp(a, "--help")) {
            help_window(stdout);
            return 0;
        } else if (!strcmp(a, "--train")) {
            o->cfg.train = true;
        } else if (!strcmp(a, "--fresh")) {
            o->cfg.fresh = true;
        } else if (!strcmp(a, "--quit-after-training")) {
            o->cfg.quit_when_trained = true;
        } else if (!strcmp(a, "--print-events")) {
            o->print_events = true;
        } else if (!strcmp(a, "--model")) {
            if (!need_value(a, v))
                return 2;
            o->cfg.model_path = v;
            i++;
        } else if (!strcmp(a, "--data")) {
            if (!need_value(a, v))
                return 2;
            o->cfg.data_dir = v;
            i++;
        } else if (!strcmp(a, "--layers")) {
            if (!cli_parse_layers(a, v, o->cfg.hidden, MLP_MAX_LAYERS - 1, &o->cfg.n_hidden))
                return 2;
            o->cfg.layers_given = true;
            i++;
        } else if (!strcmp(a, "--epochs")) {
            if (!cli_parse_size(a, v, 1, 1000, &o->cfg.epochs))
                return 2;
            i++;
        } else if (!strcmp(a, "--batch")) {
            if (!cli_parse_size(a, v, 1, 65536, &o->cfg.batch))
                return 2;
            i++;
        } else if (!strcmp(a, "--limit")) {
            if (!cli_parse_size(a, v, 1, (size_t)1 << 30, &o->cfg.limit))
                return 2;
            i++;
        } else if (!strcmp(a, "--lr")) {
            if (!cli_parse_float(a, v, 1e-9, 10.0, &o->cfg.lr))
                return 2;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (!cli_parse_u64(a, v, &u))
                return 2;
            o->cfg.seed = u;
            i++;
        } else if (!strcmp(a, "--screenshot")) {
            if (!need_value(a, v))
                return 2;
            o->screenshot = v;
            i++;
        } else if (!strcmp(a, "--screenshot-after-ms")) {
            if (!cli_parse_float(a, v, 0, 1e9, &o->screenshot_after_ms))
                return 2;
            i++;
        } else if (!strcmp(a, "--screenshot-after-epoch")) {
            if (!cli_parse_size(a, v, 1, 1000, &o->screenshot_epoch))
                return 2;
            i++;
        } else if (!strcmp(a, "--quit-after-ms")) {
            if (!cli_parse_float(a, v, 0, 1e12, &o->quit_after_ms))
                return 2;
            if (o->quit_after_ms <= 0)
                o->quit_after_ms = 1;
            i++;
        } else if (!strcmp(a, "--draw")) {
            if (!need_value(a, v))
                return 2;
            o->draw = v;
            i++;
        } else if (!strcmp(a, "--drop")) {
            if (!need_value(a, v))
                return 2;
            o->drop = v;
            i++;
        } else if (!strcmp(a, "--view")) {
            if (!v || !view_from_name(v, &o->cfg.view)) {
                cli_error(a, "'%s' is not a view (hidden, weights, why, mistakes, log)", v ? v : "");
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--gallery")) {
            int t = -1, p = -1;
            char extra;
            if (!v || sscanf(v, "%d,%d%c", &t, &p, &extra) != 2 || t < 0 || t > 9 || p < 0 || p > 9) {
                cli_error(a, "'%s' is not a cell like 5,3 (true digit, answer)", v ? v : "");
                return 2;
            }
            o->cfg.gallery_true = t;
            o->cfg.gallery_pred = p;
            i++;
        } else if (!strcmp(a, "--test-digit")) {
            size_t n;
            if (!cli_parse_size(a, v, 0, 1000000, &n))
                return 2;
            o->cfg.test_digit = (long)n;
            i++;
        } else if (!strcmp(a, "--size")) {
            int w = 0, h = 0;
            char extra;
            if (!v || sscanf(v, "%dx%d%c", &w, &h, &extra) != 2 || w < LAYOUT_MIN_W ||
                h < LAYOUT_MIN_H || w > 16384 || h > 16384) {
                cli_error(a, "'%s' is not a size like 1280x800 (at least %dx%d)", v ? v : "",
                          LAYOUT_MIN_W, LAYOUT_MIN_H);
                return 2;
            }
            o->width = w;
            o->height = h;
            i++;
        } else if (!strcmp(a, "--ui-scale")) {
            if (!cli_parse_float(a, v, 0.5, 4.0, &d))
                return 2;
            o->ui_scale = d;
            i++;
        } else {
            cli_error(a, "unknown option (try digitpad --help-window)");
            return 2;
        }
    }
    return -1;
}

/* --- events out -------------------------------------------------------- */

static void emit_stdout(void *ctx, const char *line)
{
    (void)ctx;
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- SDL to app_input_event -------------------------------------------- */

typedef struct window {
    SDL_Window *win;
    SDL_Renderer *ren;
    int win_w, win_h;   // window coordinates
    int draw_w, draw_h; // drawable pixels
    float ratio;        // drawable / window
    float ui_scale;
} window;

static void measure(window *w)
{
    SDL_GetWindowSize(w->win, &w->win_w, &w->win_h);
    if (SDL_GetRendererOutputSize(w->ren, &w->draw_w, &w->draw_h) != 0) {
        w->draw_w = w->win_w;
        w->draw_h = w->win_h;
    }
    w->ratio = w->win_w > 0 ? (float)w->draw_w / (float)w->win_w : 1.0f;
    if (!(w->ratio > 0.1f))
        w->ratio = 1.0f;
}

static app_key translate_key(SDL_Keycode k)
{
    switch (k) {
    case SDLK_SPACE:
        return APP_KEY_SPACE;
    case SDLK_r:
        return APP_KEY_R;
    case SDLK_c:
        return APP_KEY_C;
    case SDLK_BACKSPACE:
    case SDLK_DELETE:
        return APP_KEY_BACKSPACE;
    case SDLK_z:
        return APP_KEY_Z;
    case SDLK_s:
        return APP_KEY_S;
    case SDLK_p:
        return APP_KEY_P;
    case SDLK_e:
        return APP_KEY_E;
    case SDLK_F1:
        return APP_KEY_HELP;
    case SDLK_F12:
        return APP_KEY_F12;
    case SDLK_ESCAPE:
        return APP_KEY_ESCAPE;
    case SDLK_q:
    case SDLK_w:
        return APP_KEY_Q;
    case SDLK_1:
    case SDLK_KP_1:
        return APP_KEY_1;
    case SDLK_2:
    case SDLK_KP_2:
        return APP_KEY_2;
    case SDLK_3:
    case SDLK_KP_3:
        return APP_KEY_3;
    case SDLK_4:
    case SDLK_KP_4:
        return APP_KEY_4;
    case SDLK_5:
    case SDLK_KP_5:
        return APP_KEY_5;
    case SDLK_TAB:
        return APP_KEY_TAB;
    case SDLK_t:
        return APP_KEY_T;
    case SDLK_g:
        return APP_KEY_G;
    case SDLK_PAGEUP:
        return APP_KEY_PAGE_UP;
    case SDLK_PAGEDOWN:
        return APP_KEY_PAGE_DOWN;
    default:
        return APP_KEY_NONE;
    }
}

static void handle_sdl_event(app_state *s, window *w, ui_ctx *ui, const SDL_Event *e)
{
    app_input_event in;
    memset(&in, 0, sizeof in);
    switch (e->type) {
    case SDL_QUIT:
        in.kind = APP_IN_QUIT;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        ui_invalidate(ui);
        return;
    case SDL_WINDOWEVENT:
        if (e->window.event != SDL_WINDOWEVENT_SIZE_CHANGED &&
            e->window.event != SDL_WINDOWEVENT_RESIZED &&
            e->window.event != SDL_WINDOWEVENT_DISPLAY_CHANGED) {
            if (e->window.event == SDL_WINDOWEVENT_LEAVE)
                s->hover = BTN_NONE;
            if (e->window.event == SDL_WINDOWEVENT_EXPOSED)
                ui_invalidate(ui);
            return;
        }
        measure(w);
        in.kind = APP_IN_RESIZE;
        in.w = w->draw_w;
        in.h = w->draw_h;
        in.scale = w->ratio * w->ui_scale;
        break;
    case SDL_MOUSEMOTION:
        in.kind = APP_IN_MOUSE_MOVE;
        in.x = (float)e->motion.x * w->ratio;
        in.y = (float)e->motion.y * w->ratio;
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        in.kind = e->type == SDL_MOUSEBUTTONDOWN ? APP_IN_MOUSE_DOWN : APP_IN_MOUSE_UP;
        in.x = (float)e->button.x * w->ratio;
        in.y = (float)e->button.y * w->ratio;
        in.button = e->button.button == SDL_BUTTON_LEFT    ? 1
                    : e->button.button == SDL_BUTTON_MIDDLE ? 2
                    : e->button.button == SDL_BUTTON_RIGHT  ? 3
                                                            : 0;
        break;
    case SDL_KEYDOWN:
        if (e->key.repeat && e->key.keysym.sym != SDLK_z)
            return;
        in.kind = APP_IN_KEY;
        in.key = translate_key(e->key.keysym.sym);
        in.ctrl = (e->key.keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0;
        in.shift = (e->key.keysym.mod & KMOD_SHIFT) != 0;
        if (in.key == APP_KEY_NONE)
            return;
        break;
    case SDL_MOUSEWHEEL: {
        int x, y;
        SDL_GetMouseState(&x, &y);
        in.kind = APP_IN_WHEEL;
        in.x = (float)x * w->ratio;
        in.y = (float)y * w->ratio;
        int dy = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        in.wheel = dy > 0 ? 1 : dy < 0 ? -1 : 0;
        if (in.wheel == 0)
            return;
        break;
    }
    case SDL_TEXTINPUT:
        if (strcmp(e->text.text, "?") != 0)
            return;
        in.kind = APP_IN_KEY;
        in.key = APP_KEY_HELP;
        break;
    case SDL_DROPFILE:
        in.kind = APP_IN_DROP_FILE;
        in.path = e->drop.file;
        app_handle(s, &in);
        SDL_free(e->drop.file);
        return;
    default:
        return;
    }
    app_handle(s, &in);
}

/* --- the renderer ------------------------------------------------------ */

typedef const unsigned char *(*gl_get_string_fn)(unsigned int);

/* True when the renderer is OpenGL done in software (Mesa's llvmpipe, as
 * under Xvfb): there a full-window texture copy costs milliseconds, and
 * SDL's software renderer, which keeps the window's pixels and sends only
 * what changed, is several times faster. */
static bool gl_is_emulated(SDL_Renderer *ren)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ren, &info) != 0 || !info.name || strncmp(info.name, "opengl", 6) != 0)
        return false;
    if (!SDL_GL_GetCurrentContext())
        return false;
    gl_get_string_fn get = (gl_get_string_fn)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
    if (!get)
        return false;
    const char *name = (const char *)get(0x1F01); // GL_RENDERER
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software") || strstr(name, "swrast"));
}

/* A GPU renderer with vsync where there is a real GPU, else SDL's software
 * renderer on the window's surface. DIGITPAD_RENDERER=gpu or software
 * forces the choice. */
static SDL_Renderer *create_renderer(SDL_Window *win, bool *surface_mode)
{
    const char *want = getenv("DIGITPAD_RENDERER");
    bool force_sw = want && !strcmp(want, "software");
    bool force_gpu = want && !strcmp(want, "gpu");
    SDL_Renderer *ren = NULL;
    if (!force_sw) {
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
        if (ren && !force_gpu && gl_is_emulated(ren)) {
            SDL_DestroyRenderer(ren);
            ren = NULL;
        }
    }
    if (ren) {
        SDL_RendererInfo info;
        *surface_mode = SDL_GetRendererInfo(ren, &info) == 0 && info.name &&
                        !strcmp(info.name, "software");
        return ren;
    }
    *surface_mode = true;
    return SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
}

/* --- --draw: strokes pushed through SDL's queue ------------------------ */

static void push_mouse(Uint32 type, float cx, float cy, const app_state *s, const window *w,
                       bool right)
{
    app_rect r = s->layout.canvas;
    float x = ((float)r.x + cx / (float)CANVAS_N * (float)r.w) / w->ratio;
    float y = ((float)r.y + cy / (float)CANVAS_N * (float)r.h) / w->ratio;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.windowID = SDL_GetWindowID(w->win);
        e.motion.x = (Sint32)lroundf(x);
        e.motion.y = (Sint32)lroundf(y);
        e.motion.state = right ? SDL_BUTTON_RMASK : SDL_BUTTON_LMASK;
    } else {
        e.button.windowID = SDL_GetWindowID(w->win);
        e.button.button = right ? SDL_BUTTON_RIGHT : SDL_BUTTON_LEFT;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
        e.button.x = (Sint32)lroundf(x);
        e.button.y = (Sint32)lroundf(y);
    }
    SDL_PushEvent(&e);
}

/* Parses "x,y;x,y|x,y;..." ("r" before a stroke erases) and queues the
 * strokes as mouse events. Returns false on a malformed string. */
static bool queue_draw(const char *spec, const app_state *s, const window *w)
{
    const char *p = spec;
    while (*p) {
        bool right = false;
        if (*p == 'r') {
            right = true;
            p++;
        }
        int n = 0;
        float lx = 0, ly = 0;
        for (;;) {
            char *end;
            float x = strtof(p, &end);
            if (end == p || *end != ',')
                return false;
            p = end + 1;
            float y = strtof(p, &end);
            if (end == p)
                return false;
            p = end;
            if (n == 0) {
                push_mouse(SDL_MOUSEMOTION, x, y, s, w, false);
                push_mouse(SDL_MOUSEBUTTONDOWN, x, y, s, w, right);
            } else {
                push_mouse(SDL_MOUSEMOTION, x, y, s, w, right);
            }
            lx = x;
            ly = y;
            n++;
            if (*p == ';') {
                p++;
                continue;
            }
            break;
        }
        push_mouse(SDL_MOUSEBUTTONUP, lx, ly, s, w, right);
        if (*p == '|')
            p++;
        else if (*p)
            return false;
    }
    return true;
}

/* --- screenshots ------------------------------------------------------- */

static bool screenshot(app_state *s, const window *w, const char *path)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w->draw_w, w->draw_h, 32,
                                                       SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        app_set_status(s, true, "screenshot: %s", SDL_GetError());
        return false;
    }
    bool ok = SDL_RenderReadPixels(w->ren, NULL, SDL_PIXELFORMAT_ARGB8888, surf->pixels,
                                   surf->pitch) == 0;
    if (!ok)
        app_set_status(s, true, "screenshot: %s", SDL_GetError());
    else if (IMG_SavePNG(surf, path) != 0) {
        app_set_status(s, true, "%s: cannot save the screenshot: %s", path, IMG_GetError());
        ok = false;
    }
    SDL_FreeSurface(surf);
    if (ok && s->emit) {
        char jpath[APP_PATH_MAX + 64], line[APP_PATH_MAX + 128];
        app_json_string(jpath, sizeof jpath, path);
        snprintf(line, sizeof line, "{\"event\":\"screenshot\",\"path\":%s}", jpath);
        s->emit(s->emit_ctx, line);
    }
    if (ok)
        app_set_status(s, false, "screenshot saved to %s", path);
    return ok;
}

static void default_screenshot_path(char *out, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(out, len, "digitpad-%s.png", stamp);
    // Several in one second (a key held, a test going through the views): -2, -3, ...
    for (int i = 2; i < 1000; i++) {
        FILE *f = fopen(out, "rb");
        if (!f)
            return;
        fclose(f);
        snprintf(out, len, "digitpad-%s-%d.png", stamp, i);
    }
}

/* True once training has gone half an epoch past epoch n (or finished);
 * always true for n == 0. */
static bool training_reached(const app_state *s, size_t n)
{
    if (n == 0)
        return true;
    if (app_training_state(s) == TRAINER_FINISHED)
        return true;
    if (!s->have_progress || !s->last_event.steps_per_epoch)
        return false;
    double done = (double)(s->last_event.epoch - 1) +
                  (double)s->last_event.step / (double)s->last_event.steps_per_epoch;
    return done >= (double)n + 0.5;
}

/* --- frame statistics -------------------------------------------------- */

#define STAT_FRAMES 1024

typedef struct frame_stats {
    double window_start;
    int frames;
    float work_ms[STAT_FRAMES];
    ui_frame_info shown;
} frame_stats;

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Counts a pass of the loop (a frame when drew); once a second computes
 * the frames drawn per second and the 99th percentile of their work time,
 * and returns true. */
static bool stats_add(frame_stats *st, double now, double work_ms, bool drew)
{
    if (drew) {
        if (st->frames < STAT_FRAMES)
            st->work_ms[st->frames] = (float)work_ms;
        st->frames++;
    }
    double span = now - st->window_start;
    if (span < 1.0)
        return false;
    int n = st->frames < STAT_FRAMES ? st->frames : STAT_FRAMES;
    qsort(st->work_ms, (size_t)n, sizeof st->work_ms[0], cmp_float);
    int at = (int)ceil(0.99 * n) - 1;
    st->shown.fps = st->frames / span;
    st->shown.frame_ms_p99 = n ? st->work_ms[at < 0 ? 0 : at] : 0.0;
    st->frames = 0;
    st->window_start = now;
    return true;
}

typedef struct rect_text {
    char s[80];
} rect_text;

/* A layout rectangle in window coordinates as {"x":..,"y":..,"w":..,"h":..}. */
static rect_text rect_json(app_rect r, float ratio)
{
    rect_text t;
    snprintf(t.s, sizeof t.s, "{\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d}", (int)lroundf((float)r.x / ratio),
             (int)lroundf((float)r.y / ratio), (int)lroundf((float)r.w / ratio),
             (int)lroundf((float)r.h / ratio));
    return t;
}

/* --- the loop ---------------------------------------------------------- */

int app_main(int argc, char **argv)
{
    double t0 = now_s();
    app_options o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    o.cfg.bundled_path = cli_default_model_path();

    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    /* The window's surface as plain memory sent to the window (X11's shared
     * memory images), not emulated through a second renderer: the software
     * path relies on it to update only what changed. */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        cli_error(NULL, "cannot open a window: %s", SDL_GetError());
        return 1;
    }
    window w = {0};
    w.ui_scale = (float)o.ui_scale;
    int ww = o.width, wh = o.height;
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w >= LAYOUT_MIN_W &&
        usable.h >= LAYOUT_MIN_H) {
        if (ww > usable.w)
            ww = usable.w;
        if (wh > usable.h)
            wh = usable.h;
    }
    w.win = SDL_CreateWindow("digitpad", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh,
                             SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!w.win) {
        cli_error(NULL, "cannot open a window: %s", SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_SetWindowMinimumSize(w.win, LAYOUT_MIN_W, LAYOUT_MIN_H);
    bool surface_mode = false;
    w.ren = create_renderer(w.win, &surface_mode);
    if (!w.ren) {
        cli_error(NULL, "cannot draw in the window: %s", SDL_GetError());
        SDL_DestroyWindow(w.win);
        SDL_Quit();
        return 1;
    }
    measure(&w);

    int status = 1;
    text_ctx *text = calloc(1, sizeof *text);
    ui_ctx *ui = calloc(1, sizeof *ui);
    app_state *s = calloc(1, sizeof *s);
    char err[512];
    bool have_text = false, have_ui = false, have_state = false;
    if (!text || !ui || !s) {
        cli_error(NULL, "out of memory");
        goto out;
    }
    if (!(have_text = text_init(text, w.ren, w.ratio * w.ui_scale, err, sizeof err))) {
        cli_error(NULL, "%s", err);
        goto out;
    }
    if (!(have_ui = ui_init(ui, w.ren, text, surface_mode))) {
        cli_error(NULL, "cannot create textures: %s", SDL_GetError());
        goto out;
    }
    if (!(have_state = app_state_init(s, &o.cfg, w.draw_w, w.draw_h, w.ratio * w.ui_scale,
                                      o.print_events ? emit_stdout : NULL, NULL))) {
        cli_error(NULL, "out of memory");
        goto out;
    }
    app_state_start(s);
    ui->profile = getenv("DIGITPAD_PROFILE") != NULL;

    frame_stats st = {0};
    st.window_start = now_s();
    bool ready = false, shot_done = o.screenshot == NULL;
    int frames = 0;
    bool profile = getenv("DIGITPAD_PROFILE") != NULL;
    double last_frame = now_s();
    char shot_path[APP_PATH_MAX];
    while (!s->quit) {
        // Idle (nothing moving): sleep until an event, at most 100 ms.
        trainer_state ts = app_training_state(s);
        bool busy = profile || ts == TRAINER_RUNNING || s->data_state == APP_DATA_LOADING || s->drawing ||
                    !ready || !shot_done;
        SDL_Event e;
        if (!busy && SDL_WaitEventTimeout(&e, 100))
            handle_sdl_event(s, &w, ui, &e);
        double frame_start = now_s();
        while (SDL_PollEvent(&e))
            handle_sdl_event(s, &w, ui, &e);
        if (fabsf(text->scale - s->layout.scale) > 1e-3f &&
            !text_set_scale(text, s->layout.scale, err, sizeof err)) {
            cli_error(NULL, "%s", err);
            goto out;
        }
        double now = now_s();
        app_update(s, now - t0);
        double t_upd = now_s();
        bool want_shot = (!shot_done && frames >= 1 &&
                          (now_s() - t0) * 1000.0 >= o.screenshot_after_ms &&
                          training_reached(s, o.screenshot_epoch)) ||
                         s->want_screenshot;
        bool drew = ui_draw(ui, s, &st.shown, want_shot || frames == 0);
        double t_draw = now_s();
        if (drew) {
            frames++;
            if (!shot_done && want_shot && !s->want_screenshot) {
                screenshot(s, &w, o.screenshot);
                shot_done = true;
            }
            if (s->want_screenshot) {
                s->want_screenshot = false;
                default_screenshot_path(shot_path, sizeof shot_path);
                screenshot(s, &w, shot_path);
            }
            ui_present(ui, w.win);
        }
        double work_ms = (now_s() - frame_start) * 1000.0;
        if (profile && drew)
            fprintf(stderr, "frame: events+update %.2f ms, draw %.2f ms (%d panels), present %.2f ms\n",
                    (t_upd - frame_start) * 1e3, (t_draw - t_upd) * 1e3, ui->redrawn,
                    (now_s() - t_draw) * 1e3);

        if (!ready) {
            ready = true;
            if (o.print_events) {
                app_rect c = s->layout.canvas;
                SDL_RendererInfo info = {0};
                SDL_GetRendererInfo(w.ren, &info);
                // Where the tabs, the bars and the view are, for tests that click them.
                char tabs[256], bars[96], view[96];
                size_t at = 0;
                for (int i = 0; i < VIEW_COUNT; i++)
                    at += (size_t)snprintf(tabs + at, sizeof tabs - at, "%s%s", i ? "," : "",
                                           rect_json(s->layout.buttons[BTN_TAB_HIDDEN + i], w.ratio).s);
                snprintf(bars, sizeof bars, "%s", rect_json(s->layout.bars, w.ratio).s);
                snprintf(view, sizeof view, "%s", rect_json(s->layout.view, w.ratio).s);
                printf("{\"event\":\"ready\",\"canvas\":%s,"
                       "\"window\":{\"w\":%d,\"h\":%d},\"scale\":%g,\"renderer\":\"%s\","
                       "\"startup_ms\":%.1f,\"tabs\":[%s],\"bars\":%s,\"view\":%s}\n",
                       rect_json(c, w.ratio).s, w.win_w, w.win_h, (double)w.ratio,
                       info.name ? info.name : "?", (now_s() - t0) * 1000.0, tabs, bars, view);
                fflush(stdout);
            }
            if (o.draw && !queue_draw(o.draw, s, &w)) {
                cli_error("--draw", "'%s' is not a list of strokes like \"14,4;14,24|...\"",
                          o.draw);
                status = 2;
                goto out;
            }
            if (o.drop) {
                SDL_Event e;
                memset(&e, 0, sizeof e);
                e.type = SDL_DROPFILE;
                e.drop.file = SDL_strdup(o.drop);
                e.drop.windowID = SDL_GetWindowID(w.win);
                SDL_PushEvent(&e);
            }
        }
        double now2 = now_s();
        // The first frame (fonts, textures, every panel) counts as startup, not as a frame.
        if (stats_add(&st, now2, work_ms, drew && frames > 1) && o.print_events) {
            double sps = app_training_state(s) == TRAINER_RUNNING && s->have_progress
                             ? s->samples_per_s
                             : 0.0;
            printf("{\"event\":\"stats\",\"fps\":%.1f,\"frame_ms_p99\":%.2f,\"samples_per_s\":%.0f}\n",
                   st.shown.fps, st.shown.frame_ms_p99, sps);
            fflush(stdout);
        }
        if (o.quit_after_ms > 0 && (now2 - t0) * 1000.0 >= o.quit_after_ms)
            break;
        // No vsync under Xvfb and some drivers: hold the frame rate near 60.
        double frame_left = 1.0 / 60.0 - (now2 - last_frame);
        if (frame_left > 0.001)
            SDL_Delay((Uint32)(frame_left * 1000.0));
        last_frame = now_s();
    }
    status = 0;
out:
    if (have_state)
        app_state_destroy(s);
    if (have_ui)
        ui_destroy(ui);
    if (have_text)
        text_destroy(text);
    free(s);
    free(ui);
    free(text);
    SDL_DestroyRenderer(w.ren);
    SDL_DestroyWindow(w.win);
    SDL_Quit();
    return status;
}
