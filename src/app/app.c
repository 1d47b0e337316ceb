/* app.c: the window's loop, as SDL's test programs write it: options
 * parsed first (options.c), the parts set up (window.h), then
 *
 *     poll events -> update -> draw the panels that changed -> present
 *
 * until the window closes, and the parts torn down. SDL's events become
 * app_input_event for app_handle; the trainer and the loader threads wake
 * the loop with an SDL user event (SDL_PushEvent is thread-safe), so a
 * window that waits for nothing sleeps, and one that trains redraws when
 * there is news. Only this file and the ui*.c files touch SDL. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>

#include "icon_svg.h"
#include "options.h"
#include "text.h"
#include "ui.h"
#include "views.h"
#include "window.h"

#define MAX_DRAW_POINTS 4096

/* --- waking the loop from other threads ------------------------------- */

/* One SDL user event type, registered once; at most one of ours waits in
 * SDL's queue at a time (pending), however often the threads call. */
typedef struct waker {
    Uint32 type;
    _Atomic bool pending;
} waker;

static void wake_loop(void *ctx)
{
    waker *w = ctx;
    if (w->type == (Uint32)-1 || atomic_exchange(&w->pending, true))
        return;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = w->type;
    if (SDL_PushEvent(&e) != 1)
        atomic_store(&w->pending, false);
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
    char scale_note[128]; // what layout_scale_note said last ("" when the scale fits)
} window;

/* The --ui-scale that does not fit the window, said on the status line
 * whenever that changes (and on stderr the first time). */
static void say_scale(app_state *s, window *w, bool start)
{
    char note[sizeof w->scale_note];
    bool capped = layout_scale_note(w->win_w, w->win_h, w->ratio, w->ui_scale, note, sizeof note);
    if (!strcmp(note, w->scale_note))
        return;
    if (capped && start)
        fprintf(stderr, "digitpad: %s\n", note);
    if (capped)
        report_status(&s->report, false, "%s", note);
    else if (!start)
        report_status(&s->report, false, "ui scale %g fits %dx%d", (double)w->ui_scale, w->win_w,
                      w->win_h);
    snprintf(w->scale_note, sizeof w->scale_note, "%s", note);
}

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
    case SDLK_6:
    case SDLK_KP_6:
        return APP_KEY_6;
    case SDLK_7:
    case SDLK_KP_7:
        return APP_KEY_7;
    case SDLK_LEFT:
        return APP_KEY_LEFT;
    case SDLK_RIGHT:
        return APP_KEY_RIGHT;
    case SDLK_UP:
        return APP_KEY_UP;
    case SDLK_DOWN:
        return APP_KEY_DOWN;
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
    case SDLK_LEFTBRACKET:
        return APP_KEY_SLOWER;
    case SDLK_RIGHTBRACKET:
        return APP_KEY_FASTER;
    case SDLK_PERIOD:
    case SDLK_KP_PERIOD:
        return APP_KEY_PERIOD;
    case SDLK_o:
        return APP_KEY_O;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        return APP_KEY_RETURN;
    case SDLK_l:
        return APP_KEY_L;
    case SDLK_f:
        return APP_KEY_F;
    case SDLK_m:
        return APP_KEY_M;
    case SDLK_a:
        return APP_KEY_A;
    case SDLK_d:
        return APP_KEY_D;
    default:
        return APP_KEY_NONE;
    }
}

static void handle_sdl_event(app_state *s, window *w, ui_ctx *ui, waker *wk, const SDL_Event *e)
{
    if (e->type == wk->type) { // a thread has news: app_update takes it
        atomic_store(&wk->pending, false);
        return;
    }
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
            if (e->window.event == SDL_WINDOWEVENT_LEAVE) {
                in.kind = APP_IN_LEAVE;
                app_handle(s, &in);
            }
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
        // Issue 13: Ctrl+0 ... Ctrl+9 (top row or keypad) keeps the drawing as that digit.
        if (in.ctrl && e->key.keysym.sym >= SDLK_0 && e->key.keysym.sym <= SDLK_9) {
            in.key = APP_KEY_LABEL;
            in.digit = (int)(e->key.keysym.sym - SDLK_0);
        } else if (in.ctrl && e->key.keysym.sym >= SDLK_KP_1 && e->key.keysym.sym <= SDLK_KP_9) {
            in.key = APP_KEY_LABEL;
            in.digit = 1 + (int)(e->key.keysym.sym - SDLK_KP_1);
        } else if (in.ctrl && e->key.keysym.sym == SDLK_KP_0) {
            in.key = APP_KEY_LABEL;
            in.digit = 0;
        } else if (in.shift && e->key.keysym.sym >= SDLK_0 && e->key.keysym.sym <= SDLK_9) {
            // Shift+digit: the label whose loss is shown (scores.h).
            in.key = APP_KEY_PICK_LABEL;
            in.digit = (int)(e->key.keysym.sym - SDLK_0);
        }
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
    if (in.kind == APP_IN_RESIZE)
        say_scale(s, w, false);
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
        report_status(&s->report, true, "screenshot: %s", SDL_GetError());
        return false;
    }
    bool ok = SDL_RenderReadPixels(w->ren, NULL, SDL_PIXELFORMAT_ARGB8888, surf->pixels,
                                   surf->pitch) == 0;
    if (!ok)
        report_status(&s->report, true, "screenshot: %s", SDL_GetError());
    else if (IMG_SavePNG(surf, path) != 0) {
        report_status(&s->report, true, "%s: cannot save the screenshot: %s", path,
                      IMG_GetError());
        ok = false;
    }
    SDL_FreeSurface(surf);
    if (ok) {
        event_screenshot(&s->events, path);
        report_status(&s->report, false, "screenshot saved to %s", path);
    }
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

/* A layout rectangle in window coordinates. */
static events_rect window_rect(app_rect r, float ratio)
{
    return (events_rect){(int)lroundf((float)r.x / ratio), (int)lroundf((float)r.y / ratio),
                         (int)lroundf((float)r.w / ratio), (int)lroundf((float)r.h / ratio)};
}

/* --- exits that bypass the loop ----------------------------------------- */

/* An X protocol or I/O error ends the process from inside Xlib: SDL's
 * handler chains to Xlib's, which prints the error and calls exit(1). An
 * error handler may not talk to the X server, and the window's state is
 * mid-call, so nothing is drawn or saved there; but exit() runs atexit
 * functions before the shared libraries' destructors (OpenBLAS frees its
 * buffers in one), so this one stops the trainer and the loaders first.
 * SIGINT and SIGTERM need nothing here: SDL turns them into SDL_QUIT, and
 * the loop ends as if the window were closed. */
static app_state *live_state;

static void stop_threads_at_exit(void)
{
    if (live_state)
        app_state_stop_threads(live_state);
    live_state = NULL;
}

/* --- the loop ---------------------------------------------------------- */

/* Sends the ready event: where the canvas, the tabs, the bars and the view
 * are, for tests that click them. */
static void announce_ready(app_state *s, const window *w, double startup_ms)
{
    SDL_RendererInfo info = {0};
    SDL_GetRendererInfo(w->ren, &info);
    events_rect tabs[VIEW_COUNT];
    for (int i = 0; i < VIEW_COUNT; i++)
        tabs[i] = window_rect(s->layout.buttons[BTN_TAB_HIDDEN + i], w->ratio);
    event_ready(&s->events, window_rect(s->layout.canvas, w->ratio), w->win_w, w->win_h,
                (double)w->ratio, info.name, startup_ms, tabs, VIEW_COUNT,
                window_rect(s->layout.bars, w->ratio), window_rect(s->layout.view, w->ratio));
    static const char *const names[] = {"step", "speed_1", "speed_10", "speed_100", "speed_full",
                                        "settings"};
    events_rect bar[6];
    for (int i = 0; i < 6; i++)
        bar[i] = window_rect(s->layout.buttons[BTN_STEP + i], w->ratio);
    event_controls(&s->events, names, bar, 6);
}

/* Is a file still being read that the first screenshot should show? */
static bool loading_model(app_state *s)
{
    return loader_poll(&s->model.loader) == LOADER_RUNNING;
}

int app_main(int argc, char **argv)
{
    double t0 = now_s();
    app_options o;
    int rc = options_parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    o.cfg.bundled_path = options_bundled_model();

    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    /* The window's surface as plain memory sent to the window (X11's shared
     * memory images), not emulated through a second renderer: the software
     * path relies on it to update only what changed. */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        options_error(NULL, "cannot open a window: %s", SDL_GetError());
        return 1;
    }
    static waker wake;
    wake.type = SDL_RegisterEvents(1);
    atomic_init(&wake.pending, false);
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
        options_error(NULL, "cannot open a window: %s", SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_SetWindowMinimumSize(w.win, LAYOUT_MIN_W, LAYOUT_MIN_H);
    // The icon: the built-in SVG (dist/, the same the desktop's PNGs are drawn from).
    SDL_Surface *icon = IMG_Load_RW(SDL_RWFromConstMem(dp_icon_svg, (int)sizeof dp_icon_svg), 1);
    if (icon) {
        SDL_SetWindowIcon(w.win, icon);
        SDL_FreeSurface(icon);
    }
    bool surface_mode = false;
    w.ren = create_renderer(w.win, &surface_mode);
    if (!w.ren) {
        options_error(NULL, "cannot draw in the window: %s", SDL_GetError());
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
        options_error(NULL, "out of memory");
        goto out;
    }
    if (!(have_text = text_init(text, w.ren, w.ratio * w.ui_scale, err, sizeof err))) {
        options_error(NULL, "%s", err);
        goto out;
    }
    if (!(have_ui = ui_init(ui, w.ren, text, surface_mode))) {
        options_error(NULL, "cannot create textures: %s", SDL_GetError());
        goto out;
    }
    if (!(have_state = app_state_init(s, &o.cfg, w.draw_w, w.draw_h, w.ratio * w.ui_scale,
                                      o.print_events ? events_stdout : NULL, NULL, wake_loop,
                                      &wake))) {
        options_error(NULL, "out of memory");
        goto out;
    }
    live_state = s;
    atexit(stop_threads_at_exit);
    app_state_start(s);
    say_scale(s, &w, true);
    bool profile = getenv("DIGITPAD_PROFILE") != NULL;
    ui->profile = profile;

    frame_stats st = {0};
    st.window_start = now_s();
    bool ready = false, shot_done = o.screenshot == NULL;
    int frames = 0;
    double last_frame = now_s();
    char shot_path[APP_PATH_MAX];
    while (!s->quit) {
        /* Poll. With nothing moving, sleep until an event: input, or the
         * trainer's or the loader's wake-up (at most 100 ms, for the
         * once-a-second statistics and --quit-after-ms). */
        bool busy = profile || s->drawing || !ready || !shot_done;
        SDL_Event e;
        if (!busy && SDL_WaitEventTimeout(&e, 100))
            handle_sdl_event(s, &w, ui, &wake, &e);
        double frame_start = now_s();
        while (SDL_PollEvent(&e))
            handle_sdl_event(s, &w, ui, &wake, &e);
        if (fabsf(text->scale - s->layout.scale) > 1e-3f &&
            !text_set_scale(text, s->layout.scale, err, sizeof err)) {
            options_error(NULL, "%s", err);
            goto out;
        }

        // Update.
        double now = now_s();
        app_update(s, now - t0);
        double t_upd = now_s();

        // Draw the panels that changed, and present them.
        bool want_shot = (!shot_done && frames >= 1 &&
                          (now_s() - t0) * 1000.0 >= o.screenshot_after_ms &&
                          app_training_reached(s, o.screenshot_epoch) && !loading_model(s)) ||
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
            announce_ready(s, &w, (now_s() - t0) * 1000.0);
            if (o.draw && !queue_draw(o.draw, s, &w)) {
                options_error("--draw", "'%s' is not a list of strokes like \"14,4;14,24|...\"",
                              o.draw);
                status = 2;
                goto out;
            }
            if (o.drop) {
                SDL_Event d;
                memset(&d, 0, sizeof d);
                d.type = SDL_DROPFILE;
                d.drop.file = SDL_strdup(o.drop);
                d.drop.windowID = SDL_GetWindowID(w.win);
                SDL_PushEvent(&d);
            }
        }
        double now2 = now_s();
        // The first frame (fonts, textures, every panel) counts as startup, not as a frame.
        if (stats_add(&st, now2, work_ms, drew && frames > 1)) {
            double sps = training_running(&s->train) && s->train.have_progress
                             ? s->train.samples_per_s
                             : 0.0;
            event_stats(&s->events, st.shown.fps, st.shown.frame_ms_p99, sps);
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
    live_state = NULL;
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
