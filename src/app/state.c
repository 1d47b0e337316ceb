/* state.c: the window's state and everything that changes it (state.h).
 * No SDL here. */
#define _XOPEN_SOURCE 700 // realpath
#include "cli/cli.h"
#include "state.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "views.h"

/* ---- small helpers ---------------------------------------------------- */

void app_config_default(app_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    train_config t = train_config_default();
    cfg->hidden[0] = 128;
    cfg->n_hidden = 1;
    cfg->epochs = 5;
    cfg->batch = t.batch;
    cfg->lr = t.lr;
    cfg->seed = t.seed;
    cfg->view = VIEW_HIDDEN;
    cfg->gallery_true = cfg->gallery_pred = APP_NO_CELL;
    cfg->test_digit = -1;
}

void app_json_string(char *out, size_t out_len, const char *s)
{
    size_t o = 0;
    if (out_len < 3) {
        if (out_len)
            out[0] = '\0';
        return;
    }
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 8 < out_len; p++) {
        unsigned char ch = *p;
        if (ch == '"' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (ch == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (ch < 0x20) {
            o += (size_t)snprintf(out + o, out_len - o, "\\u%04x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* A JSON number, or null for NaN and infinities. */
static const char *jnum(char *buf, size_t len, double v)
{
    if (!isfinite(v))
        snprintf(buf, len, "null");
    else
        snprintf(buf, len, "%.6g", v);
    return buf;
}

void app_emitf(app_state *s, const char *fmt, ...)
{
    if (!s->emit)
        return;
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->emit(s->emit_ctx, line);
}

static void app_log(app_state *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

void app_set_status(app_state *s, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->status, sizeof s->status, fmt, ap);
    va_end(ap);
    s->status_error = error;
    s->status_version++;
    if (error) {
        app_log(s, "Error: %s", s->status);
        char msg[1100];
        app_json_string(msg, sizeof msg, s->status);
        app_emitf(s, "{\"event\":\"error\",\"message\":%s}", msg);
    }
}

static void app_log(app_state *s, const char *fmt, ...)
{
    size_t at = (s->log_head + s->n_log) % APP_LOG_LINES;
    if (s->n_log == APP_LOG_LINES) {
        at = s->log_head;
        s->log_head = (s->log_head + 1) % APP_LOG_LINES;
    } else {
        s->n_log++;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->log[at], APP_LOG_LINE, fmt, ap);
    va_end(ap);
    s->log_version++;
}

const char *app_log_line(const app_state *s, size_t i)
{
    return s->log[(s->log_head + i) % APP_LOG_LINES];
}

const char *app_label(const app_state *s, size_t i)
{
    if (s->have_model && i < s->meta.n_labels && s->meta.labels)
        return s->meta.labels[i];
    return "?";
}

typedef struct num_text {
    char s[32];
} num_text;

/* 60000 as "60,000". */
static num_text thousands(size_t v)
{
    num_text out;
    cli_thousands(out.s, sizeof out.s, v);
    return out;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

trainer_state app_training_state(const app_state *s)
{
    return s->have_trainer ? s->shown_state : TRAINER_IDLE;
}

void app_canvas_units(const app_state *s, float x, float y, float *cx, float *cy)
{
    app_rect r = s->layout.canvas;
    float side = r.w > 0 ? (float)r.w : 1.0f;
    *cx = (x - (float)r.x) * (float)CANVAS_N / side;
    *cy = (y - (float)r.y) * (float)CANVAS_N / side;
}

/* ---- life cycle ------------------------------------------------------- */

bool app_state_init(app_state *s, const app_config *cfg, int w, int h, float scale,
                    app_emit_fn emit, void *emit_ctx)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->emit = emit;
    s->emit_ctx = emit_ctx;
    if (!canvas_init(&s->canvas))
        return false;
    s->draw_w = w;
    s->draw_h = h;
    s->scale = scale;
    s->hover = BTN_NONE;
    s->last_emitted_index = -1;
    s->loss_stride = 1;
    s->shown_state = TRAINER_IDLE;
    atomic_init(&s->loader_done, 0);
    s->scored_canvas = s->scored_net = s->scored_preprocess = UINT64_MAX;
    s->view = (unsigned)cfg->view < VIEW_COUNT ? cfg->view : VIEW_HIDDEN;
    s->why_class = -1;
    s->sel_layer = s->sel_unit = -1;
    s->hover_layer = s->hover_unit = s->hover_cell = s->hover_thumb = -1;
    s->gallery_true = s->gallery_pred = APP_NO_CELL;
    if (cfg->gallery_true >= 0 && cfg->gallery_true < 10 && cfg->gallery_pred >= 0 &&
        cfg->gallery_pred < 10) {
        s->gallery_true = cfg->gallery_true;
        s->gallery_pred = cfg->gallery_pred;
    }
    s->shown_test = -1;
    s->pending_test_digit = cfg->test_digit;
    dp_rng_seed(&s->test_rng, cfg->seed ^ 0x7e57d161u);
    layout_compute(&s->layout, w, h, scale, 2);
    return true;
}

static void drop_trainer(app_state *s)
{
    if (s->have_trainer) {
        // How long stopping takes (the thread finishes its batch and joins)
        // is reported, so tests can hold it to the 200 ms promised.
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        bool was_running = trainer_get_state(&s->trainer) == TRAINER_RUNNING;
        trainer_destroy(&s->trainer);
        clock_gettime(CLOCK_MONOTONIC, &b);
        s->have_trainer = false;
        app_emitf(s, "{\"event\":\"trainer_stopped\",\"was_running\":%s,\"ms\":%.2f}",
              was_running ? "true" : "false",
              (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
    }
    s->shown_state = TRAINER_IDLE;
    s->have_progress = false;
}

void app_state_destroy(app_state *s)
{
    drop_trainer(s);
    if (s->loader_started) {
        pthread_join(s->loader, NULL);
        s->loader_started = false;
    }
    if (s->data_state == APP_DATA_LOADED || atomic_load(&s->loader_done) == 1)
        mnist_destroy(&s->data);
    if (s->have_model) {
        mlp_destroy(&s->net);
        model_meta_destroy(&s->meta);
    }
    free(s->scratch);
    views_destroy(s);
    canvas_destroy(&s->canvas);
    memset(s, 0, sizeof *s);
}

/* ---- the model -------------------------------------------------------- */

static bool is_bundled(const app_state *s, const char *path);

static void clear_curves(app_state *s)
{
    s->n_loss = 0;
    s->loss_stride = 1;
    s->loss_skip = 0;
    s->loss_ema = 0;
    s->n_epochs = 0;
    s->epoch_base = 0;
    s->n_digit = 0;
    s->have_progress = false;
    s->curves_version++;
}

/* Shows the history stored with a model as epoch points. */
static void curves_from_history(app_state *s)
{
    clear_curves(s);
    if (!s->meta.has_training)
        return;
    size_t n = s->meta.n_history;
    size_t first = n > APP_EPOCH_POINTS ? n - APP_EPOCH_POINTS : 0;
    for (size_t i = first; i < n; i++)
        s->epochs[s->n_epochs++] = s->meta.history[i];
    s->epoch_base = n;
}

void app_state_use_model(app_state *s, mlp *net, model_meta *meta, const char *path)
{
    drop_trainer(s);
    if (s->have_model) {
        mlp_destroy(&s->net);
        model_meta_destroy(&s->meta);
    }
    s->net = *net;
    s->meta = *meta;
    memset(net, 0, sizeof *net);
    memset(meta, 0, sizeof *meta);
    // The views into params moved with the struct copy but still point into the same block.
    s->have_model = true;
    float *scratch = realloc(s->scratch, 2 * mlp_max_width(&s->net) * sizeof *scratch);
    if (scratch)
        s->scratch = scratch;
    snprintf(s->model_path, sizeof s->model_path, "%s", path ? path : "");
    if (path && path[0])
        snprintf(s->model_name, sizeof s->model_name, "%.200s%s", base_name(path),
                 is_bundled(s, path) ? " (bundled)" : "");
    else
        snprintf(s->model_name, sizeof s->model_name, "fresh random weights");
    size_t out = s->net.sizes[s->net.n_layers];
    s->n_classes = out < APP_MAX_CLASSES ? out : APP_MAX_CLASSES;
    s->net_version++;
    s->snapshot_version = 0;
    layout_compute(&s->layout, s->draw_w, s->draw_h, s->scale, s->net.n_layers);
    curves_from_history(s);
    views_on_model(s);
}

/* A model the window can show: 28x28 inputs, at most APP_MAX_CLASSES classes. */
static bool window_can_use(const mlp *net, const model_meta *meta, dp_error *err)
{
    if (meta->height != CANVAS_N || meta->width != CANVAS_N || net->sizes[0] != 784)
        return dp_fail(err, "the window draws 28x28 digits; this model takes %zux%zu inputs",
                       meta->height, meta->width);
    if (net->sizes[net->n_layers] > APP_MAX_CLASSES)
        return dp_fail(err, "the window shows at most %d classes; this model has %zu",
                       APP_MAX_CLASSES, net->sizes[net->n_layers]);
    return true;
}

static bool fresh_model(app_state *s, const size_t *hidden, size_t n_hidden, uint64_t seed,
                        dp_error *err)
{
    size_t sizes[MLP_MAX_LAYERS + 1];
    size_t n = 0;
    sizes[n++] = 784;
    for (size_t i = 0; i < n_hidden && n < MLP_MAX_LAYERS; i++)
        sizes[n++] = hidden[i];
    sizes[n++] = 10;
    mlp net;
    model_meta meta;
    if (!mlp_init(&net, sizes, n, err))
        return false;
    if (!model_meta_default(&meta, 28, 28, 10, err)) {
        mlp_destroy(&net);
        return false;
    }
    mlp_init_glorot(&net, seed);
    app_state_use_model(s, &net, &meta, "");
    return true;
}

static void shape_string(const mlp *net, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t l = 0; l <= net->n_layers && o < len; l++)
        o += (size_t)snprintf(out + o, len - o, "%s%zu", l ? "-" : "", net->sizes[l]);
}

/* The training a loaded model records, as the log lines it was trained with. */
static void log_history(app_state *s, const char *path)
{
    if (!s->meta.has_training || !s->meta.n_history) {
        app_log(s, "Loaded %s (no training recorded)", base_name(path));
        return;
    }
    app_log(s, "Loaded %s: trained %d epoch%s on %s, batch %zu, Adam lr %g", base_name(path),
            s->meta.epochs, s->meta.epochs == 1 ? "" : "s", s->meta.dataset[0] ? s->meta.dataset : "?", s->meta.batch_size,
            s->meta.learning_rate);
    for (size_t i = 0; i < s->meta.n_history; i++) {
        const model_epoch *e = &s->meta.history[i];
        app_log(s, "Epoch %d - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f",
                e->epoch, e->loss, e->accuracy, e->val_loss, e->val_accuracy);
    }
}

static void emit_loaded(app_state *s, const char *path)
{
    log_history(s, path);
    char shape[128], jpath[APP_PATH_MAX + 64];
    shape_string(&s->net, shape, sizeof shape);
    app_json_string(jpath, sizeof jpath, path);
    app_emitf(s, "{\"event\":\"loaded\",\"path\":%s,\"shape\":\"%s\"}", jpath, shape);
}

bool app_state_load(app_state *s, const char *path)
{
    mlp net;
    model_meta meta;
    dp_error err = {{0}};
    if (!model_file_load(path, &net, &meta, &err)) {
        app_set_status(s, true, "%s: %s (the current model is unchanged)", path, err.msg);
        return false;
    }
    if (!window_can_use(&net, &meta, &err)) {
        mlp_destroy(&net);
        model_meta_destroy(&meta);
        app_set_status(s, true, "%s: %s (the current model is unchanged)", path, err.msg);
        return false;
    }
    bool was_training = app_training_state(s) == TRAINER_RUNNING;
    app_state_use_model(s, &net, &meta, path);
    char shape[128];
    shape_string(&s->net, shape, sizeof shape);
    emit_loaded(s, path);
    if (s->meta.has_training && s->meta.n_history)
        app_set_status(s, false, "loaded %s (%s, test accuracy %.2f%% after %d epoch%s)%s", path,
                       shape, 100.0 * s->meta.history[s->meta.n_history - 1].val_accuracy,
                       s->meta.epochs, s->meta.epochs == 1 ? "" : "s", was_training ? "; press Train to train it further" : "");
    else
        app_set_status(s, false, "loaded %s (%s)%s", path, shape,
                       was_training ? "; press Train to train it further" : "");
    return true;
}

static bool same_hidden(const mlp *net, const size_t *hidden, size_t n_hidden)
{
    if (net->n_layers != n_hidden + 1)
        return false;
    for (size_t i = 0; i < n_hidden; i++)
        if (net->sizes[i + 1] != hidden[i])
            return false;
    return true;
}

static void look_for_data(app_state *s)
{
    dp_error err = {{0}};
    if (dataset_find_dir(s->cfg.data_dir, s->data_dir, sizeof s->data_dir, &err)) {
        s->data_state = APP_DATA_FOUND;
    } else if (!s->cfg.data_dir &&
               dataset_find_dir(DIGITPAD_SOURCE_DIR "/data/mnist", s->data_dir, sizeof s->data_dir,
                                NULL)) {
        // A build run from elsewhere still finds the data its source tree fetched.
        s->data_state = APP_DATA_FOUND;
    } else {
        s->data_state = APP_DATA_MISSING;
        snprintf(s->data_error, sizeof s->data_error, "%s", err.msg);
    }
}

void app_state_start(app_state *s)
{
    const char *path = s->cfg.model_path ? s->cfg.model_path : s->cfg.bundled_path;
    // A save of this model that was killed mid-write left a temporary file:
    // remove it now rather than at the next save.
    if (s->cfg.model_path && s->cfg.model_path[0]) {
        size_t swept = dp_sweep_stale_temps(s->cfg.model_path);
        if (swept)
            app_emitf(s, "{\"event\":\"swept\",\"count\":%zu}", swept);
    }
    if (s->cfg.fresh)
        path = NULL;
    bool loaded = false;
    if (path && path[0]) {
        mlp net;
        model_meta meta;
        dp_error err = {{0}};
        if (!model_file_load(path, &net, &meta, &err)) {
            app_set_status(s, true, "%s: %s; starting with fresh random weights (press Train)",
                           path, err.msg);
        } else if (!window_can_use(&net, &meta, &err)) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
            app_set_status(s, true, "%s: %s; starting with fresh random weights (press Train)",
                           path, err.msg);
        } else if (s->cfg.layers_given && !same_hidden(&net, s->cfg.hidden, s->cfg.n_hidden)) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
            app_set_status(s, false, "--layers differs from %s: fresh random weights (press Train)",
                           base_name(path));
        } else {
            app_state_use_model(s, &net, &meta, path);
            loaded = true;
            emit_loaded(s, path);
            char shape[128];
            shape_string(&s->net, shape, sizeof shape);
            if (s->meta.has_training && s->meta.n_history)
                app_set_status(s, false,
                               "%s: %s, test accuracy %.2f%%. Draw a digit; Space trains, ? for help",
                               base_name(path), shape,
                               100.0 * s->meta.history[s->meta.n_history - 1].val_accuracy);
            else
                app_set_status(s, false, "%s: %s. Draw a digit; Space trains, ? for help",
                               base_name(path), shape);
        }
    }
    if (!loaded) {
        dp_error err = {{0}};
        if (!fresh_model(s, s->cfg.hidden, s->cfg.n_hidden, s->cfg.seed, &err))
            app_set_status(s, true, "cannot create a network: %s", err.msg);
        if (!path || !path[0])
            app_set_status(s, false, "fresh random weights: press Train (Space) to teach them");
    }
    look_for_data(s);
    // Read MNIST in the background at once when it is there: the mistakes
    // view shows the model's test-set answers, and Train starts sooner.
    app_want_data(s);
    if (s->cfg.train)
        app_toggle_training(s);
}

/* Is path the bundled model (which Ctrl+S never overwrites)? */
static bool is_bundled(const app_state *s, const char *path)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(path, a))
        return false;
    if (s->cfg.bundled_path && realpath(s->cfg.bundled_path, b) && !strcmp(a, b))
        return true;
    if (realpath(DIGITPAD_MODELS_DIR, b)) {
        size_t n = strlen(b);
        if (!strncmp(a, b, n) && a[n] == '/')
            return true;
    }
    return false;
}

static bool mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        bool ok = mkdir(path, 0755) == 0 || errno == EEXIST;
        *p = '/';
        if (!ok)
            return false;
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST;
}

/* A new file name under $XDG_DATA_HOME/digitpad/models, named with the time. */
static bool new_save_path(app_state *s, char *out, size_t len)
{
    char dir[APP_PATH_MAX];
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof dir, "%s/digitpad/models", xdg);
    else if (home && home[0])
        snprintf(dir, sizeof dir, "%s/.local/share/digitpad/models", home);
    else {
        app_set_status(s, true, "cannot save: neither XDG_DATA_HOME nor HOME is set");
        return false;
    }
    if (!mkdir_p(dir)) {
        app_set_status(s, true, "cannot save: %s: %s", dir, strerror(errno));
        return false;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 1; i < 100; i++) {
        if (i == 1)
            snprintf(out, len, "%.4000s/digitpad-%s.json", dir, stamp);
        else
            snprintf(out, len, "%.4000s/digitpad-%s-%d.json", dir, stamp, i);
        if (access(out, F_OK) != 0)
            return true;
    }
    app_set_status(s, true, "cannot save: too many saves this second in %s", dir);
    return false;
}

bool app_state_save(app_state *s)
{
    if (!s->have_model)
        return false;
    char path[APP_PATH_MAX];
    if (s->cfg.model_path && !is_bundled(s, s->cfg.model_path))
        snprintf(path, sizeof path, "%s", s->cfg.model_path);
    else if (!new_save_path(s, path, sizeof path))
        return false;
    dp_error err = {{0}};
    if (!model_file_save(path, &s->net, &s->meta, &err)) {
        app_set_status(s, true, "%s: cannot save: %s", path, err.msg);
        return false;
    }
    char jpath[APP_PATH_MAX + 64];
    app_json_string(jpath, sizeof jpath, path);
    app_emitf(s, "{\"event\":\"saved\",\"path\":%s}", jpath);
    app_set_status(s, false, "saved %s", path);
    snprintf(s->model_path, sizeof s->model_path, "%s", path);
    snprintf(s->model_name, sizeof s->model_name, "%.255s", base_name(path));
    app_log(s, "Saved %s", base_name(path));
    return true;
}

/* ---- training --------------------------------------------------------- */

static void *loader_main(void *arg)
{
    app_state *s = arg;
    bool ok = dataset_load_mnist(s->data_dir, &s->data, &s->loader_err);
    if (ok && s->cfg.limit && s->cfg.limit < s->data.train.count)
        dataset_truncate(&s->data.train, s->cfg.limit);
    atomic_store(&s->loader_done, ok ? 1 : 2);
    return NULL;
}

bool app_want_data(app_state *s)
{
    if (s->data_state == APP_DATA_UNKNOWN)
        look_for_data(s);
    switch (s->data_state) {
    case APP_DATA_FOUND:
        atomic_store(&s->loader_done, 0);
        if (pthread_create(&s->loader, NULL, loader_main, s) != 0) {
            app_set_status(s, true, "cannot start a thread to read MNIST");
            return false;
        }
        s->loader_started = true;
        s->data_state = APP_DATA_LOADING;
        return true;
    case APP_DATA_LOADING:
    case APP_DATA_LOADED:
        return true;
    case APP_DATA_UNKNOWN:
    case APP_DATA_MISSING:
    case APP_DATA_FAILED:
        break;
    }
    return false;
}

/* The optimiser's settings from the command line. */
static train_config window_train_config(const app_state *s)
{
    train_config t = train_config_default();
    t.batch = s->cfg.batch;
    t.lr = (float)s->cfg.lr;
    t.seed = s->cfg.seed;
    return t;
}

static bool make_trainer(app_state *s)
{
    trainer_config tc;
    memset(&tc, 0, sizeof tc);
    tc.train = window_train_config(s);
    tc.epochs = s->cfg.epochs;
    tc.init_seed = s->cfg.seed;
    tc.snapshot_every = 25;
    tc.step_event_every = 10;
    dp_error err = {{0}};
    if (!trainer_init(&s->trainer, &tc, &s->net, &s->data, &err)) {
        app_set_status(s, true, "cannot start training: %s", err.msg);
        return false;
    }
    s->have_trainer = true;
    s->probe_dirty = true;
    s->snapshot_version = 0;
    s->shown_state = TRAINER_IDLE;
    s->epochs_planned = tc.epochs;
    // New steps continue the curves after the model's recorded epochs.
    s->n_loss = 0;
    s->loss_stride = 1;
    s->loss_skip = 0;
    s->epoch_base = s->meta.has_training ? s->meta.n_history : 0;
    s->curves_version++;
    return true;
}

bool app_ensure_trainer(app_state *s)
{
    if (s->have_trainer)
        return true;
    if (s->data_state != APP_DATA_LOADED || !s->have_model)
        return false;
    return make_trainer(s);
}

static void start_training(app_state *s)
{
    if (!app_ensure_trainer(s))
        return;
    if (trainer_get_state(&s->trainer) == TRAINER_IDLE) {
        /* Training begins: the model records this run's settings (a trainer
         * made only to evaluate the loaded model leaves its record alone). */
        train_config tc = window_train_config(s);
        s->meta.batch_size = tc.batch;
        s->meta.seed = tc.seed;
        s->meta.learning_rate = tc.lr;
        s->meta.beta_1 = tc.beta_1;
        s->meta.beta_2 = tc.beta_2;
        s->meta.epsilon = tc.epsilon;
        app_log(s, "Training on %zu samples, validating on %zu; batch %zu, Adam lr %g",
                s->data.train.count, s->data.test.count, s->cfg.batch, s->cfg.lr);
    }
    trainer_start(&s->trainer);
    s->shown_state = TRAINER_RUNNING;
    s->rate_t0 = 0;
    s->samples_per_s = 0;
    s->command_time = s->now;
    app_set_status(s, false, "training on %s MNIST images (Space pauses)",
                   thousands(s->data.train.count).s);
}

void app_toggle_training(app_state *s)
{
    switch (s->data_state) {
    case APP_DATA_UNKNOWN:
        look_for_data(s);
        if (s->data_state != APP_DATA_FOUND) {
            app_toggle_training(s);
            return;
        }
        /* fall through */
    case APP_DATA_FOUND:
        if (!app_want_data(s))
            return;
        s->start_when_loaded = true;
        app_set_status(s, false, "loading MNIST from %s ...", s->data_dir);
        return;
    case APP_DATA_MISSING:
        // With --data, say which folder was wrong (the core's message names it).
        if (s->cfg.data_dir && s->data_error[0])
            app_set_status(s, true, "%s", s->data_error);
        else
            app_set_status(s, true, "no MNIST found: run scripts/fetch-mnist");
        return;
    case APP_DATA_FAILED:
        app_set_status(s, true, "cannot train: %s", s->data_error);
        return;
    case APP_DATA_LOADING:
        s->start_when_loaded = !s->start_when_loaded;
        app_set_status(s, false, s->start_when_loaded ? "loading MNIST, training starts next"
                                                       : "loading MNIST (training will wait)");
        return;
    case APP_DATA_LOADED:
        break;
    }
    if (s->have_trainer && trainer_get_state(&s->trainer) == TRAINER_RUNNING) {
        trainer_pause(&s->trainer);
        s->shown_state = TRAINER_PAUSED;
        s->command_time = s->now;
        app_set_status(s, false, "paused (Space resumes)");
        return;
    }
    start_training(s);
}

void app_reset_weights(app_state *s)
{
    if (!s->have_model)
        return;
    if (s->have_trainer) {
        trainer_reset(&s->trainer); // the new weights arrive as a snapshot
        s->shown_state = TRAINER_IDLE;
        s->command_time = s->now;
    } else {
        mlp_init_glorot(&s->net, s->cfg.seed + (++s->resets));
        s->net_version++;
    }
    s->meta.has_training = false;
    s->meta.n_history = 0; // the history's storage stays with meta and is freed with it
    s->meta.epochs = 0;
    clear_curves(s);
    snprintf(s->model_name, sizeof s->model_name, "fresh random weights");
    app_log(s, "Reset to fresh random weights");
    app_set_status(s, false, "fresh random weights (Space trains)");
}

static float epoch_x(const app_state *s, const trainer_event *ev)
{
    float frac = ev->steps_per_epoch ? (float)ev->step / (float)ev->steps_per_epoch : 0.0f;
    return (float)s->epoch_base + (float)(ev->epoch - 1) + frac;
}

/* A probe report for the drawing on the canvas now: one point of its chart.
 * Reports for an earlier drawing (the tag is its input_version) are late
 * and dropped. */
static void add_digit_point(app_state *s, const trainer_event *ev)
{
    if (!s->has_guess || ev->probe_tag != s->input_version)
        return;
    if (s->n_digit == APP_DIGIT_POINTS) {
        for (size_t i = 0; i < APP_DIGIT_POINTS / 2; i++)
            s->digit[i] = s->digit[2 * i + 1];
        s->n_digit = APP_DIGIT_POINTS / 2;
    }
    app_digit_point *p = &s->digit[s->n_digit++];
    p->x = epoch_x(s, ev);
    p->step = ev->global_step ? ev->global_step : 1;
    for (size_t i = 0; i < APP_MAX_CLASSES; i++)
        p->probs[i] = i < TRAINER_PROBE_CLASSES ? ev->probe[i] : 0.0f;
    s->curves_version++;
}

/* Gives the trainer the current input to watch, when it changed. */
static void update_probe(app_state *s)
{
    if (!s->have_trainer || (!s->probe_dirty && s->probe_sent == s->input_version))
        return;
    trainer_set_probe(&s->trainer, s->has_guess ? s->input : NULL, s->input_version);
    s->probe_sent = s->input_version;
    s->probe_dirty = false;
}

static void add_loss_point(app_state *s, const trainer_event *ev)
{
    float loss = ev->batch_loss;
    s->loss_ema = s->n_loss == 0 && s->loss_skip == 0 ? loss : 0.9f * s->loss_ema + 0.1f * loss;
    if (++s->loss_skip < s->loss_stride)
        return;
    s->loss_skip = 0;
    if (s->n_loss == APP_LOSS_POINTS) {
        for (size_t i = 0; i < APP_LOSS_POINTS / 2; i++)
            s->loss[i] = s->loss[2 * i + 1];
        s->n_loss = APP_LOSS_POINTS / 2;
        s->loss_stride *= 2;
    }
    s->loss[s->n_loss++] = (app_loss_point){epoch_x(s, ev), loss, s->loss_ema,
                                            (float)ev->accuracy};
    s->curves_version++;
}

static void on_epoch(app_state *s, const trainer_event *ev)
{
    model_epoch e = {
        .epoch = (int)(s->epoch_base + ev->epoch),
        .loss = ev->loss,
        .accuracy = ev->accuracy,
        .val_loss = ev->val_loss,
        .val_accuracy = ev->val_accuracy,
    };
    if (s->n_epochs == APP_EPOCH_POINTS) {
        memmove(s->epochs, s->epochs + 1, (APP_EPOCH_POINTS - 1) * sizeof *s->epochs);
        s->n_epochs--;
    }
    s->epochs[s->n_epochs++] = e;
    s->curves_version++;
    if (model_meta_add_epoch(&s->meta, &e, NULL)) {
        s->meta.has_training = true;
        snprintf(s->meta.dataset, sizeof s->meta.dataset, "mnist");
        s->meta.epochs = e.epoch;
    }
    size_t total = s->epoch_base + ev->epochs;
    app_log(s, "Epoch %d/%zu", e.epoch, total);
    app_log(s, "%zu/%zu - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f",
            ev->steps_per_epoch, ev->steps_per_epoch, ev->seconds, e.loss, e.accuracy, e.val_loss,
            e.val_accuracy);
    char b[6][32];
    app_emitf(s,
          "{\"event\":\"epoch\",\"epoch\":%d,\"epochs\":%zu,\"loss\":%s,\"accuracy\":%s,"
          "\"val_loss\":%s,\"val_accuracy\":%s,\"seconds\":%s,\"samples_per_s\":%s}",
          e.epoch, total, jnum(b[0], 32, e.loss), jnum(b[1], 32, e.accuracy),
          jnum(b[2], 32, e.val_loss), jnum(b[3], 32, e.val_accuracy), jnum(b[4], 32, ev->seconds),
          jnum(b[5], 32, s->samples_per_s));
}

static void emit_progress(app_state *s)
{
    const trainer_event *ev = &s->last_event;
    char b[4][32];
    app_emitf(s,
          "{\"event\":\"progress\",\"epoch\":%zu,\"epochs\":%zu,\"step\":%zu,"
          "\"steps_per_epoch\":%zu,\"loss\":%s,\"accuracy\":%s,\"batch_loss\":%s,"
          "\"samples_per_s\":%s}",
          s->epoch_base + ev->epoch, s->epoch_base + ev->epochs, ev->step, ev->steps_per_epoch,
          jnum(b[0], 32, ev->loss), jnum(b[1], 32, ev->accuracy), jnum(b[2], 32, ev->batch_loss),
          jnum(b[3], 32, s->samples_per_s));
}

/* Throughput from the batch counter, over windows of half a second.
 * (Computed here rather than taken from the event so that it does not
 * depend on how the trainer counts across an epoch's end.) */
static void measure_rate(app_state *s, const trainer_event *ev)
{
    if (s->rate_t0 <= 0 || ev->global_step < s->rate_step0) {
        s->rate_t0 = s->now;
        s->rate_step0 = ev->global_step;
        return;
    }
    double dt = s->now - s->rate_t0;
    if (dt >= 0.5) {
        s->samples_per_s = (double)(ev->global_step - s->rate_step0) * (double)s->cfg.batch / dt;
        s->rate_t0 = s->now;
        s->rate_step0 = ev->global_step;
    }
}

static void drain_trainer(app_state *s)
{
    trainer_event ev;
    while (trainer_poll(&s->trainer, &ev)) {
        switch (ev.kind) {
        case TRAINER_EV_STEP:
            measure_rate(s, &ev);
            s->last_event = ev;
            s->have_progress = true;
            s->epochs_planned = ev.epochs;
            add_loss_point(s, &ev);
            break;
        case TRAINER_EV_EPOCH:
            s->last_event = ev;
            s->have_progress = true;
            on_epoch(s, &ev);
            if (ev.has_confusion)
                views_on_confusion(s, &ev, s->epoch_base + ev.epoch);
            break;
        case TRAINER_EV_DONE: {
            const model_epoch *last = s->n_epochs ? &s->epochs[s->n_epochs - 1] : NULL;
            if (last) {
                app_log(s, "Done: test accuracy %.4f, test loss %.4f", last->val_accuracy,
                        last->val_loss);
                app_set_status(s, false,
                               "trained %d epoch%s: test accuracy %.2f%%. Ctrl+S saves; Space "
                               "trains one more epoch",
                               last->epoch, last->epoch == 1 ? "" : "s", 100.0 * last->val_accuracy);
            }
            app_emitf(s, "{\"event\":\"done\",\"epochs\":%zu}", s->epoch_base + ev.epoch);
            if (s->cfg.quit_when_trained)
                s->quit = true;
            break;
        }
        case TRAINER_EV_RESET:
            clear_curves(s);
            s->want_eval = true; // the mistakes of the fresh weights
            break;
        case TRAINER_EV_EVAL:
            if (ev.has_confusion)
                views_on_confusion(s, &ev, s->epoch_base + ev.epochs_done);
            break;
        case TRAINER_EV_PROBE:
            add_digit_point(s, &ev);
            break;
        }
    }
}

/* ---- scoring ---------------------------------------------------------- */

static void emit_prediction(app_state *s)
{
    if (!s->has_guess) {
        app_emitf(s, "{\"event\":\"prediction\",\"label\":null,\"index\":-1,\"probs\":[]}");
        return;
    }
    char probs[APP_MAX_CLASSES * 16];
    size_t o = 0;
    for (size_t i = 0; i < s->n_classes; i++)
        o += (size_t)snprintf(probs + o, sizeof probs - o, "%s%.4f", i ? "," : "",
                              (double)s->probs[i]);
    char label[MODEL_LABEL_MAX * 2 + 8];
    app_json_string(label, sizeof label, app_label(s, s->guess));
    app_emitf(s,
          "{\"event\":\"prediction\",\"label\":%s,\"index\":%zu,\"confidence\":%.4f,"
          "\"sure\":%s,\"probs\":[%s]}",
          label, s->guess, (double)s->probs[s->guess], s->sure ? "true" : "false", probs);
}

static void score(app_state *s)
{
    uint64_t pre = (uint64_t)s->meta.preprocess;
    bool canvas_changed = s->canvas.version != s->scored_canvas;
    bool net_changed = s->net_version != s->scored_net;
    if (!canvas_changed && !net_changed && pre == s->scored_preprocess)
        return;
    if (canvas_changed || pre != s->scored_preprocess) {
        canvas_render_raw(&s->canvas, s->raw);
        bool ink;
        if (s->meta.preprocess == MODEL_PREPROCESS_MNIST && !s->canvas.has_bitmap) {
            ink = canvas_render_mnist(&s->canvas, s->input);
        } else {
            memcpy(s->input, s->raw, sizeof s->input);
            ink = false;
            for (size_t i = 0; i < CANVAS_N * CANVAS_N && !ink; i++)
                ink = s->input[i] > 0.0f;
        }
        s->has_guess = ink;
        s->input_version++;
        if (canvas_changed)
            s->n_digit = 0; // a new drawing: its history starts now
    }
    s->scored_canvas = s->canvas.version;
    s->scored_net = s->net_version;
    bool input_changed = canvas_changed || pre != s->scored_preprocess;
    s->scored_preprocess = pre;

    size_t old = s->guess;
    if (s->has_guess && s->scratch) {
        float probs[MLP_MAX_UNITS];
        mlp_predict(&s->net, s->input, probs, s->scratch);
        memcpy(s->probs, probs, s->n_classes * sizeof *probs);
        s->guess = argmax(s->probs, s->n_classes);
        s->sure = view_is_sure(s->probs, s->n_classes);
    } else {
        s->has_guess = false;
        s->sure = false;
        memset(s->probs, 0, sizeof s->probs);
    }

    int index = s->has_guess ? (int)s->guess : -1;
    if (input_changed || index != s->last_emitted_index || (s->has_guess && old != s->guess)) {
        if (!(index == -1 && s->last_emitted_index == -1))
            emit_prediction(s);
        s->last_emitted_index = index;
    }

}

void app_update(app_state *s, double now)
{
    s->now = now;
    if (s->data_state == APP_DATA_LOADING) {
        int done = atomic_load(&s->loader_done);
        if (done) {
            pthread_join(s->loader, NULL);
            s->loader_started = false;
            if (done == 1) {
                s->data_state = APP_DATA_LOADED;
                views_on_data(s);
                // Read at start in the background: the log says so, the status line keeps its welcome.
                if (s->start_when_loaded)
                    app_set_status(s, false, "MNIST: %s training and %s test images from %s",
                                   thousands(s->data.train.count).s,
                                   thousands(s->data.test.count).s, s->data.dir);
                else
                    app_log(s, "MNIST: %s training and %s test images from %s",
                            thousands(s->data.train.count).s, thousands(s->data.test.count).s,
                            s->data.dir);
                if (s->start_when_loaded)
                    start_training(s);
            } else {
                s->data_state = APP_DATA_FAILED;
                snprintf(s->data_error, sizeof s->data_error, "%s", s->loader_err.msg);
                app_set_status(s, true, "cannot read MNIST: %s", s->data_error);
            }
        }
    }
    if (s->have_trainer) {
        if (trainer_take_snapshot(&s->trainer, &s->net, &s->snapshot_version))
            s->net_version++;
        drain_trainer(s);
        trainer_state st = trainer_get_state(&s->trainer);
        /* A command just given may not have reached the thread yet; keep
         * showing what was asked until the thread moves. */
        bool settling = now - s->command_time < 0.5 && st != TRAINER_FINISHED &&
                        st != TRAINER_STOPPED;
        if (st != s->shown_state && !settling)
            s->shown_state = st;
        if (st == TRAINER_RUNNING && s->have_progress && now - s->last_progress_emit >= 0.25) {
            s->last_progress_emit = now;
            emit_progress(s);
        }
    }
    score(s);
    update_probe(s); // the trainer reports how this drawing is learned
    views_update(s);
}

/* ---- input ------------------------------------------------------------ */

static void toggle_preprocess(app_state *s)
{
    if (!s->have_model)
        return;
    s->meta.preprocess = s->meta.preprocess == MODEL_PREPROCESS_MNIST ? MODEL_PREPROCESS_NONE
                                                                       : MODEL_PREPROCESS_MNIST;
    if (s->meta.preprocess == MODEL_PREPROCESS_MNIST)
        app_set_status(s, false, "network input: MNIST-normalised (20x20 box, centre of mass)");
    else
        app_set_status(s, false, "network input: the canvas as drawn (P normalises again)");
}

static void click(app_state *s, layout_button b)
{
    switch (b) {
    case BTN_CLEAR:
        canvas_clear(&s->canvas);
        break;
    case BTN_UNDO:
        canvas_undo(&s->canvas);
        break;
    case BTN_ERASE:
        s->erase_mode = !s->erase_mode;
        break;
    case BTN_PREPROCESS:
        toggle_preprocess(s);
        break;
    case BTN_TRAIN:
        app_toggle_training(s);
        break;
    case BTN_RESET:
        app_reset_weights(s);
        break;
    case BTN_SAVE:
        app_state_save(s);
        break;
    case BTN_HELP:
        s->help_visible = !s->help_visible;
        break;
    case BTN_TAB_HIDDEN:
    case BTN_TAB_WEIGHTS:
    case BTN_TAB_WHY:
    case BTN_TAB_MISTAKES:
    case BTN_TAB_LOG:
        views_show(s, (app_view)(b - BTN_TAB_HIDDEN));
        break;
    case BTN_NONE:
    case BTN_COUNT:
        break;
    }
}

static void key(app_state *s, const app_input_event *ev)
{
    if (s->help_visible && (ev->key == APP_KEY_ESCAPE || ev->key == APP_KEY_HELP)) {
        s->help_visible = false;
        return;
    }
    if (ev->key == APP_KEY_ESCAPE && s->view == VIEW_MISTAKES && s->gallery_true != APP_NO_CELL) {
        views_close_gallery(s);
        return;
    }
    switch (ev->key) {
    case APP_KEY_SPACE:
        app_toggle_training(s);
        break;
    case APP_KEY_R:
        if (!ev->ctrl)
            app_reset_weights(s);
        break;
    case APP_KEY_C:
    case APP_KEY_BACKSPACE:
        if (!ev->ctrl) {
            canvas_clear(&s->canvas);
            s->drawing = false;
        }
        break;
    case APP_KEY_Z:
        if (ev->ctrl) {
            canvas_undo(&s->canvas);
            s->drawing = false;
        }
        break;
    case APP_KEY_S:
        if (ev->ctrl)
            app_state_save(s);
        break;
    case APP_KEY_P:
        toggle_preprocess(s);
        break;
    case APP_KEY_E:
        s->erase_mode = !s->erase_mode;
        break;
    case APP_KEY_HELP:
        s->help_visible = true;
        break;
    case APP_KEY_F12:
        s->want_screenshot = true;
        break;
    case APP_KEY_Q:
        if (ev->ctrl)
            s->quit = true;
        break;
    case APP_KEY_1:
    case APP_KEY_2:
    case APP_KEY_3:
    case APP_KEY_4:
    case APP_KEY_5:
        if (!ev->ctrl)
            views_show(s, (app_view)(ev->key - APP_KEY_1));
        break;
    case APP_KEY_TAB:
        if (!ev->ctrl)
            views_show(s, (app_view)((s->view + (ev->shift ? VIEW_COUNT - 1 : 1)) % VIEW_COUNT));
        break;
    case APP_KEY_T:
        if (!ev->ctrl)
            views_random_test_digit(s);
        break;
    case APP_KEY_G:
        if (!ev->ctrl) {
            s->why_gradient = !s->why_gradient;
            s->has_saliency = false; // recompute in the other mode
            if (s->view != VIEW_WHY)
                views_show(s, VIEW_WHY);
            view_saliency(s);
        }
        break;
    case APP_KEY_PAGE_UP:
    case APP_KEY_PAGE_DOWN:
        views_page(s, ev->key == APP_KEY_PAGE_UP ? -1 : 1);
        views_hover(s, s->mouse_x, s->mouse_y);
        break;
    case APP_KEY_ESCAPE:
    case APP_KEY_NONE:
        break;
    }
}

void app_handle(app_state *s, const app_input_event *ev)
{
    switch (ev->kind) {
    case APP_IN_RESIZE:
        s->draw_w = ev->w;
        s->draw_h = ev->h;
        s->scale = ev->scale > 0 ? ev->scale : 1.0f;
        layout_compute(&s->layout, ev->w, ev->h, s->scale, s->have_model ? s->net.n_layers : 2);
        break;
    case APP_IN_MOUSE_MOVE:
        s->mouse_x = ev->x;
        s->mouse_y = ev->y;
        s->hover = layout_button_at(&s->layout, ev->x, ev->y);
        views_hover(s, ev->x, ev->y);
        if (s->drawing) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            canvas_add_point(&s->canvas, cx, cy);
        }
        break;
    case APP_IN_MOUSE_DOWN: {
        s->mouse_x = ev->x;
        s->mouse_y = ev->y;
        if (s->help_visible) {
            s->help_visible = false;
            break;
        }
        layout_button b = layout_button_at(&s->layout, ev->x, ev->y);
        if (b != BTN_NONE) {
            if (ev->button == 1)
                click(s, b);
            break;
        }
        if (ev->button == 1 && views_click(s, ev->x, ev->y))
            break;
        if ((ev->button == 1 || ev->button == 3) && rect_contains(s->layout.canvas, ev->x, ev->y)) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            s->drawing = canvas_begin_stroke(&s->canvas, cx, cy, ev->button == 3 || s->erase_mode);
        }
        break;
    }
    case APP_IN_MOUSE_UP:
        if (s->drawing) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            canvas_add_point(&s->canvas, cx, cy);
            canvas_end_stroke(&s->canvas);
            s->drawing = false;
        }
        break;
    case APP_IN_KEY:
        key(s, ev);
        break;
    case APP_IN_DROP_FILE:
        if (ev->path)
            app_state_load(s, ev->path);
        break;
    case APP_IN_QUIT:
        s->quit = true;
        break;
    case APP_IN_WHEEL:
        views_wheel(s, ev->x, ev->y, ev->wheel);
        break;
    }
}
