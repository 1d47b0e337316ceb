/* window.c: the window's parts wired together (window.h): set up, the
 * model opened and saved, training commanded, and once a frame the parts'
 * news passed on: the loaders' results, the trainer's events into the
 * curves, the log and the views, the answer into the views and the probe.
 * What the views ask for (view_request) is done here; input.c routes
 * input. No SDL here. */
#include "window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/train.h"
#include "common/format.h"
#include "train_record.h"

/* ---- small helpers ---------------------------------------------------- */

void app_config_default(app_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    train_config t = train_config_default();
    cfg->hidden[0] = 128;
    cfg->n_hidden = 1;
    cfg->epochs = 5;
    cfg->batch = t.batch;
    cfg->lr = 0.001; // Keras's default, as written (not the float it becomes)
    cfg->seed = t.seed;
    cfg->view = VIEW_HIDDEN;
    cfg->gallery_true = cfg->gallery_pred = VIEW_NO_CELL;
    cfg->test_digit = -1;
}

/* 60000 as "60,000". */
typedef struct num_text {
    char s[32];
} num_text;

static num_text thousands(size_t v)
{
    num_text out;
    format_thousands(out.s, sizeof out.s, v);
    return out;
}

view_ctx app_view_ctx(app_state *s)
{
    view_ctx c = app_view_ctx_const(s);
    c.events = &s->events;
    return c;
}

view_ctx app_view_ctx_const(const app_state *s)
{
    view_ctx c = {
        .model = &s->model,
        .score = &s->score,
        .layout = &s->layout,
        .data = s->train.data_state == TRAINING_DATA_LOADED ? &s->train.data : NULL,
        .mouse_x = s->mouse_x,
        .mouse_y = s->mouse_y,
        .now = s->now,
        .events = NULL,
    };
    return c;
}

void app_canvas_units(const app_state *s, float x, float y, float *cx, float *cy)
{
    app_rect r = s->layout.canvas;
    float side = r.w > 0 ? (float)r.w : 1.0f;
    *cx = (x - (float)r.x) * (float)CANVAS_N / side;
    *cy = (y - (float)r.y) * (float)CANVAS_N / side;
}

void app_relayout(app_state *s)
{
    layout_compute(&s->layout, s->draw_w, s->draw_h, s->scale,
                   s->model.have ? s->model.net.n_layers : 2);
}

/* ---- life cycle ------------------------------------------------------- */

bool app_state_init(app_state *s, const app_config *cfg, int w, int h, float scale,
                    events_sink sink, void *sink_ctx, loader_wake_fn wake, void *wake_ctx)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (!canvas_init(&s->canvas))
        return false;
    if (!curves_init(&s->curves)) {
        canvas_destroy(&s->canvas);
        return false;
    }
    events_init(&s->events, sink, sink_ctx);
    report_init(&s->report, &s->events);
    model_slot_init(&s->model, cfg->model_path, cfg->bundled_path, wake, wake_ctx);
    scoring_init(&s->score);
    training_settings ts = {
        .epochs = cfg->epochs, .batch = cfg->batch, .lr = cfg->lr, .seed = cfg->seed,
        .speed = cfg->speed};
    training_init(&s->train, &ts, cfg->data_dir, cfg->limit, &s->events, wake, wake_ctx);
    views_init(&s->views, cfg->view, cfg->gallery_true, cfg->gallery_pred);
    recent_init(&s->recent, cfg->recent_file);
    controls_init(&s->ctl);
    scores_init(&s->scores);
    lesson_init(&s->lesson, false);
    recent_load(&s->recent);
    teach_init(&s->teach, cfg->samples_dir, cfg->data_dir, cfg->fashion_dir);
    s->draw_w = w;
    s->draw_h = h;
    s->scale = scale;
    s->hover = BTN_NONE;
    s->shown_test = -1;
    s->pending_test_digit = cfg->test_digit;
    dp_rng_seed(&s->test_rng, cfg->seed ^ 0x7e57d161u);
    app_relayout(s);
    return true;
}

void app_state_stop_threads(app_state *s)
{
    training_destroy(&s->train); // leaves it as training_init would, without data
    loader_destroy(&s->model.loader);
}

void app_state_destroy(app_state *s)
{
    // The threads first: the trainer reads the data, the loaders write theirs.
    teach_destroy(&s->teach);
    training_destroy(&s->train);
    model_slot_destroy(&s->model);
    views_destroy(&s->views);
    scoring_destroy(&s->score);
    curves_destroy(&s->curves);
    canvas_destroy(&s->canvas);
    controls_destroy(&s->ctl);
    memset(s, 0, sizeof *s);
}

/* ---- the model -------------------------------------------------------- */

/* app_state_use_model of a model read from a file in format. */
/* True when the model's record changed the training settings (its lr
 * and batch: app_record_adopt_settings). */
static bool use_model(app_state *s, mlp *net, model_meta *meta, const char *path,
                      model_format format)
{
    training_drop_trainer(&s->train);
    model_slot_take_format(&s->model, net, meta, path, format);
    if (!scoring_fit(&s->score, &s->model.net))
        report_status(&s->report, true, "out of memory for this network's answers");
    app_relayout(s);
    curves_from_history(&s->curves, &s->model.meta);
    view_ctx c = app_view_ctx(s);
    views_on_model(&s->views, &c);
    return app_record_adopt_settings(s); // training it goes on as it was trained last
}

void app_state_use_model(app_state *s, mlp *net, model_meta *meta, const char *path)
{
    use_model(s, net, meta, path, MODEL_FORMAT_DIGITPAD);
}

/* A loaded model saved part way into an epoch, and its changes of settings. */
static void log_part_epoch(app_state *s)
{
    const model_meta *m = &s->model.meta;
    for (size_t i = 0; i < m->n_schedule; i++)
        report_log(&s->report, "From epoch %d, sample %zu: Adam lr %g, batch %zu",
                   m->schedule[i].epoch, m->schedule[i].samples_done,
                   m->schedule[i].learning_rate, m->schedule[i].batch_size);
    if (!m->has_progress)
        return;
    char where[96];
    model_meta_progress_text(m, where, sizeof where);
    report_log(&s->report, "Saved during training, at %s (%zu of %zu samples)", where,
               m->progress.samples_done, m->progress.samples_per_epoch);
}

/* " (saved at epoch 3, 812 of 1875 batches)" for a status line, or "". */
static const char *part_epoch_note(const model_meta *m, char *buf, size_t len)
{
    char where[96];
    model_meta_progress_text(m, where, sizeof where);
    if (!where[0])
        return "";
    snprintf(buf, len, "; saved during training, at %s", where);
    return buf;
}

/* The training a loaded model records, as the log lines it was trained with. */
static void log_history(app_state *s, const char *path)
{
    const model_meta *m = &s->model.meta;
    const char *base = model_slot_base_name(path);
    if (!m->has_training || (!m->n_history && !m->has_progress)) {
        report_log(&s->report, "Loaded %s (no training recorded)", base);
        return;
    }
    if (m->epochs == 0 && m->has_progress)
        report_log(&s->report, "Loaded %s: trained part of epoch 1 on %s, batch %zu, Adam lr %g",
                   base, m->dataset[0] ? m->dataset : "?", m->batch_size, m->learning_rate);
    else
        report_log(&s->report, "Loaded %s: trained %d epoch%s on %s, batch %zu, Adam lr %g", base,
                   m->epochs, m->epochs == 1 ? "" : "s", m->dataset[0] ? m->dataset : "?",
                   m->batch_size, m->learning_rate);
    for (size_t i = 0; i < m->n_history; i++) {
        const model_epoch *e = &m->history[i];
        report_log(&s->report,
                   "Epoch %d - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f",
                   e->epoch, e->loss, e->accuracy, e->val_loss, e->val_accuracy);
    }
    log_part_epoch(s);
}

/* A model opened or saved: first in the recent list. A list that cannot be
 * written costs a log line, nothing more. */
static void remember(app_state *s, const char *path)
{
    dp_error err = {{0}};
    if (!recent_remember(&s->recent, path, &err))
        report_log(&s->report, "The recent models are not kept: %s", err.msg);
}

/* A model read: the log, the event and (when it was asked for, not the
 * bundled one the window starts with) the recent list. */
static void announce_loaded(app_state *s, const char *path, bool asked_for)
{
    if (asked_for)
        remember(s, path);
    log_history(s, path);
    char shape[128];
    model_slot_shape(&s->model.net, shape, sizeof shape);
    event_loaded(&s->events, path, shape);
}

/* A model read from path (now or on the loader) becomes the window's. */
static void loaded(app_state *s, mlp *net, model_meta *meta, const char *path,
                   model_format format)
{
    bool was_training = training_running(&s->train);
    if (use_model(s, net, meta, path, format))
        app_emit_settings(s);
    announce_loaded(s, path, true);
    char shape[128];
    model_slot_shape(&s->model.net, shape, sizeof shape);
    const model_meta *m = &s->model.meta;
    const char *more = was_training ? "; press Train to train it further" : "";
    char part[128];
    if (m->has_training && m->n_history)
        report_status(&s->report, false, "loaded %s (%s, test accuracy %.2f%% after %d epoch%s%s)%s",
                      path, shape, 100.0 * m->history[m->n_history - 1].val_accuracy, m->epochs,
                      m->epochs == 1 ? "" : "s", part_epoch_note(m, part, sizeof part), more);
    else
        report_status(&s->report, false, "loaded %s (%s%s)%s", path, shape,
                      part_epoch_note(m, part, sizeof part), more);
}

bool app_state_load(app_state *s, const char *path)
{
    mlp net;
    model_meta meta;
    model_format format = MODEL_FORMAT_DIGITPAD;
    dp_error err = {{0}};
    if (!model_slot_read_any(path, training_classes(&s->train), &net, &meta, &format, &err)) {
        report_status(&s->report, true, "%s: %s (the current model is unchanged)", path, err.msg);
        return false;
    }
    loaded(s, &net, &meta, path, format);
    return true;
}

/* A dropped file: read on the loader thread (app_update takes it). */
void app_open_dropped(app_state *s, const char *path)
{
    dp_error err = {{0}};
    if (app_teach_drop_folder(s, path)) // a folder of IDX files: a dataset
        return;
    if (!model_slot_open(&s->model, path, &err))
        report_status(&s->report, true, "%s: %s", path, err.msg);
}

static void take_dropped(app_state *s)
{
    mlp net;
    model_meta meta;
    bool failed = false;
    dp_error err = {{0}};
    char path[APP_PATH_MAX];
    model_format format = MODEL_FORMAT_DIGITPAD;
    if (!model_slot_poll_any(&s->model, &net, &meta, &format, &failed, &err, path, sizeof path))
        return;
    if (!failed && !model_slot_check(&net, &meta, training_classes(&s->train), &err)) {
        mlp_destroy(&net);
        model_meta_destroy(&meta);
        failed = true;
    }
    if (failed) {
        report_status(&s->report, true, "%s: %s (the current model is unchanged)", path, err.msg);
        return;
    }
    loaded(s, &net, &meta, path, format);
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

static void want_data(app_state *s)
{
    dp_error err = {{0}};
    if (!training_want_data(&s->train, &err) && err.msg[0])
        report_status(&s->report, true, "%s", err.msg);
}

void app_state_start(app_state *s)
{
    const char *path = s->cfg.model_path ? s->cfg.model_path : s->cfg.bundled_path;
    // A save of this model that was killed mid-write left a temporary file:
    // remove it now rather than at the next save.
    if (s->cfg.model_path && s->cfg.model_path[0]) {
        size_t swept = dp_sweep_stale_temps(s->cfg.model_path);
        if (swept)
            event_swept(&s->events, swept);
    }
    if (s->cfg.fresh)
        path = NULL;
    app_teach_start(s);
    bool ok = false;
    if (path && path[0]) {
        mlp net;
        model_meta meta;
        model_format format = MODEL_FORMAT_DIGITPAD;
        dp_error err = {{0}};
        if (!model_slot_read_any(path, training_classes(&s->train), &net, &meta, &format, &err)) {
            report_status(&s->report, true,
                          "%s: %s; starting with fresh random weights (press Train)", path,
                          err.msg);
        } else if (s->cfg.layers_given && !same_hidden(&net, s->cfg.hidden, s->cfg.n_hidden)) {
            mlp_destroy(&net);
            model_meta_destroy(&meta);
            report_status(&s->report, false,
                          "--layers differs from %s: fresh random weights (press Train)",
                          model_slot_base_name(path));
        } else {
            use_model(s, &net, &meta, path, format);
            ok = true;
            announce_loaded(s, path, s->cfg.model_path != NULL);
            char shape[128];
            model_slot_shape(&s->model.net, shape, sizeof shape);
            const model_meta *m = &s->model.meta;
            char part[128];
            if (m->has_training && m->n_history)
                report_status(&s->report, false,
                              "%s: %s, test accuracy %.2f%%%s. Draw a digit; Space trains, ? for help",
                              model_slot_base_name(path), shape,
                              100.0 * m->history[m->n_history - 1].val_accuracy,
                              part_epoch_note(m, part, sizeof part));
            else
                report_status(&s->report, false, "%s: %s%s. Draw a digit; Space trains, ? for help",
                              model_slot_base_name(path), shape,
                              part_epoch_note(m, part, sizeof part));
        }
    }
    if (!ok) {
        dp_error err = {{0}};
        mlp net;
        model_meta meta;
        if (!model_slot_make_fresh(s->cfg.hidden, s->cfg.n_hidden, s->cfg.seed, &net, &meta, &err))
            report_status(&s->report, true, "cannot create a network: %s", err.msg);
        else
            app_state_use_model(s, &net, &meta, "");
        if (!path || !path[0])
            report_status(&s->report, false,
                          "fresh random weights: press Train (Space) to teach them");
    }
    app_emit_settings(s);
    training_find_data(&s->train);
    // Read MNIST in the background at once when it is there: the mistakes
    // view shows the model's test-set answers, and Train starts sooner.
    want_data(s);
    if (s->cfg.lesson)
        app_lesson_toggle(s);
    if (s->cfg.train)
        app_toggle_training(s);
}

/* "a Keras file", for the status line. */
static const char *format_label(model_format f)
{
    switch (f) {
    case MODEL_FORMAT_KERAS:
        return "a Keras file";
    case MODEL_FORMAT_KERAS_H5:
        return "a Keras HDF5 file";
    case MODEL_FORMAT_TFJS:
        return "a TF.js model";
    case MODEL_FORMAT_ONNX:
        return "an ONNX file";
    case MODEL_FORMAT_DIGITPAD:
        break;
    }
    return "in another format";
}

bool app_state_save(app_state *s)
{
    return app_state_save_as(s, false);
}

bool app_state_save_as(app_state *s, bool new_file)
{
    if (!s->model.have)
        return false;
    char path[APP_PATH_MAX];
    dp_error err = {{0}};
    // A model read from a .keras, .h5, TF.js or ONNX file is saved as a new
    // digitpad file: that file is never written over with JSON.
    char from[APP_PATH_MAX] = "";
    if (s->model.format != MODEL_FORMAT_DIGITPAD && s->model.path[0])
        snprintf(from, sizeof from, "%s", s->model.path);
    else if (s->model.save_to[0] && model_slot_is_foreign(s->model.save_to))
        snprintf(from, sizeof from, "%s", s->model.save_to);
    model_format from_format = s->model.format;
    if (new_file ? !model_slot_new_path(path, sizeof path, &err)
                 : !model_slot_save_path(&s->model, path, sizeof path, &err)) {
        report_status(&s->report, true, "%s", err.msg);
        return false;
    }
    if (!model_slot_save(&s->model, path, &err)) {
        report_status(&s->report, true, "%s: cannot save: %s", path, err.msg);
        return false;
    }
    event_saved(&s->events, path);
    remember(s, path);
    if (from[0])
        report_status(&s->report, false,
                      "saved as a digitpad model to %s (%s is %s and stays as it was)", path,
                      model_slot_base_name(from), format_label(from_format));
    else
        app_report_saved(s, path);
    report_log(&s->report, "Saved %s", model_slot_base_name(path));
    return true;
}

/* ---- training --------------------------------------------------------- */

void app_emit_settings(app_state *s)
{
    size_t hidden[MLP_MAX_LAYERS];
    size_t n = 0;
    const char *act = "relu";
    if (s->model.have) {
        for (size_t l = 1; l < s->model.net.n_layers; l++)
            hidden[n++] = s->model.net.sizes[l];
        if (s->model.net.n_layers > 1)
            act = mlp_activation_name(s->model.net.layers[0].act);
    } else {
        for (size_t i = 0; i < s->cfg.n_hidden && i < MLP_MAX_LAYERS; i++)
            hidden[n++] = s->cfg.hidden[i];
    }
    const training_settings *t = &s->train.next;
    event_settings(&s->events, t->lr, t->batch, t->epochs, hidden, n, act, t->speed);
}

void app_set_speed(app_state *s, unsigned speed)
{
    bool changed = speed != s->train.next.speed;
    training_set_speed(&s->train, speed);
    if (speed)
        report_status(&s->report, false,
                      "speed: %u batch%s a second ([ slower, ] faster)", speed,
                      speed == 1 ? "" : "es");
    else
        report_status(&s->report, false, "speed: full ([ slower)");
    if (changed)
        app_emit_settings(s);
}

bool app_ensure_trainer(app_state *s)
{
    if (s->train.have_trainer)
        return true;
    if (!s->model.have)
        return false;
    dp_error err = {{0}};
    app_record_prepare_trainer(s); // a part-done epoch goes on where it was saved
    if (!training_ensure_trainer(&s->train, &s->model.net, &err)) {
        if (err.msg[0])
            report_status(&s->report, true, "cannot start training: %s", err.msg);
        return false;
    }
    app_record_trainer_made(s);
    // New steps continue the curves after the model's recorded epochs.
    curves_new_session(&s->curves, s->model.meta.has_training ? s->model.meta.n_history : 0);
    return true;
}

void app_record_run(app_state *s)
{
    if (s->train.have_trainer && trainer_get_state(&s->train.trainer) == TRAINER_IDLE &&
        !s->model.trained) {
        /* Training begins: the model records this run's settings as they
         * were given (a trainer made only to evaluate the loaded model
         * leaves its record alone). */
        const training_settings *run = &s->train.running;
        train_config tc = train_config_default();
        model_meta *m = &s->model.meta;
        app_record_run_settings(s, run->lr, run->batch); // trained before at other settings
        m->batch_size = run->batch;
        m->seed = run->seed;
        m->learning_rate = run->lr;
        m->beta_1 = tc.beta_1;
        m->beta_2 = tc.beta_2;
        m->epsilon = tc.epsilon;
        report_log(&s->report, "Training on %zu samples, validating on %zu; batch %zu, Adam lr %g",
                   s->train.data.train.count, s->train.data.test.count, run->batch, run->lr);
    }
}

static void start_training(app_state *s)
{
    if (!app_ensure_trainer(s))
        return;
    bool relabelled = app_teach_labels_follow(s);
    app_record_run(s);
    training_start(&s->train);
    const dataset_choice *c = &s->teach.choice;
    if (relabelled)
        report_status(&s->report, false,
                      "training on %s %s images: the model's classes are %s's now (Space pauses)",
                      thousands(s->train.data.train.count).s, c->items[c->current].name,
                      c->items[c->current].name);
    else
        report_status(&s->report, false, "training on %s MNIST images (Space pauses)",
                      thousands(s->train.data.train.count).s);
}

void app_toggle_training(app_state *s)
{
    training *t = &s->train;
    switch (t->data_state) {
    case TRAINING_DATA_UNKNOWN:
        training_find_data(t);
        if (t->data_state != TRAINING_DATA_FOUND) {
            app_toggle_training(s);
            return;
        }
        /* fall through */
    case TRAINING_DATA_FOUND: {
        dp_error err = {{0}};
        if (!training_want_data(t, &err)) {
            report_status(&s->report, true, "%s", err.msg);
            return;
        }
        t->start_when_loaded = true;
        report_status(&s->report, false, "loading MNIST from %s ...", t->data_dir);
        return;
    }
    case TRAINING_DATA_MISSING:
        // With --data, say which folder was wrong (the core's message names it).
        if (s->cfg.data_dir && t->data_error[0])
            report_status(&s->report, true, "%s", t->data_error);
        else
            report_status(&s->report, true, "no MNIST found: run scripts/fetch-mnist");
        return;
    case TRAINING_DATA_FAILED:
        report_status(&s->report, true, "cannot train: %s", t->data_error);
        return;
    case TRAINING_DATA_LOADING:
        t->start_when_loaded = !t->start_when_loaded;
        report_status(&s->report, false, t->start_when_loaded
                                             ? "loading MNIST, training starts next"
                                             : "loading MNIST (training will wait)");
        return;
    case TRAINING_DATA_LOADED:
        break;
    }
    if (t->have_trainer && trainer_get_state(&t->trainer) == TRAINER_RUNNING) {
        training_pause(t);
        report_status(&s->report, false, "paused (Space resumes)");
        return;
    }
    start_training(s);
}

void app_reset_weights(app_state *s)
{
    if (!s->model.have)
        return;
    if (s->train.have_trainer) {
        training_reset(&s->train); // the new weights arrive as a snapshot
        model_slot_forget_training(&s->model);
    } else {
        model_slot_reset(&s->model, s->cfg.seed);
    }
    curves_clear(&s->curves);
    report_log(&s->report, "Reset to fresh random weights");
    report_status(&s->report, false, "fresh random weights (Space trains)");
}

bool app_training_reached(const app_state *s, size_t n)
{
    if (n == 0)
        return true;
    if (training_state(&s->train) == TRAINER_FINISHED)
        return true;
    if (!s->train.have_progress)
        return false;
    return training_epochs_done(&s->train) >= (double)n + 0.5;
}

/* An epoch's end: its curve point, the model's record, the log, the event. */
static void on_epoch(app_state *s, const trainer_event *ev)
{
    model_epoch e = curves_add_epoch(&s->curves, ev);
    model_meta *m = &s->model.meta;
    if (model_meta_add_epoch(m, &e, NULL)) {
        m->has_training = true;
        snprintf(m->dataset, sizeof m->dataset, "mnist");
        m->epochs = e.epoch;
        m->has_progress = false; // the part-done epoch is done
    }
    size_t total = s->curves.epoch_base + ev->epochs;
    report_log(&s->report, "Epoch %d/%zu", e.epoch, total);
    report_log(&s->report,
               "%zu/%zu - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f",
               ev->steps_per_epoch, ev->steps_per_epoch, ev->seconds, e.loss, e.accuracy,
               e.val_loss, e.val_accuracy);
    event_epoch(&s->events, e.epoch, total, e.loss, e.accuracy, e.val_loss, e.val_accuracy,
                ev->seconds, s->train.samples_per_s);
}

/* A test-set evaluation: the mistakes view keeps it, and the per-image answers. */
static void on_confusion(app_state *s, const trainer_event *ev, size_t epoch)
{
    view_ctx c = app_view_ctx(s);
    views_on_confusion(&s->views, &c, ev, epoch);
    scores_on_eval(&s->scores, epoch, !s->model.path[0], ev->val_accuracy);
    uint8_t *pred;
    float *conf;
    views_answer_buffers(&s->views, &pred, &conf);
    if (pred && training_take_predictions(&s->train, pred, conf))
        views_on_answers(&s->views, &c);
}

static void on_done(app_state *s, const trainer_event *ev)
{
    const curves *cv = &s->curves;
    const model_epoch *last = cv->n_epochs ? &cv->epochs[cv->n_epochs - 1] : NULL;
    if (last) {
        report_log(&s->report, "Done: test accuracy %.4f, test loss %.4f", last->val_accuracy,
                   last->val_loss);
        report_status(&s->report, false,
                      "trained %d epoch%s: test accuracy %.2f%%. Ctrl+S saves; Space trains one "
                      "more epoch",
                      last->epoch, last->epoch == 1 ? "" : "s", 100.0 * last->val_accuracy);
    }
    event_done(&s->events, cv->epoch_base + ev->epoch);
    if (s->cfg.quit_when_trained)
        s->quit = true;
}

static void drain_trainer(app_state *s)
{
    trainer_event ev;
    while (training_next_event(&s->train, &ev)) {
        switch (ev.kind) {
        case TRAINER_EV_STEP:
            curves_add_step(&s->curves, &ev);
            model_slot_mark_trained(&s->model);
            break;
        case TRAINER_EV_SINGLE:
            app_on_single_step(s, &ev);
            break;
        case TRAINER_EV_SETTING:
            if (!ev.batch_refused) {
                app_record_setting(s, &ev); // the file keeps the changes, not only the last
                break;
            }
            report_status(&s->report, true, "batches of that size do not fit in memory: batch "
                          "%zu kept", ev.batch);
            app_emit_settings(s);
            break;
        case TRAINER_EV_EPOCH:
            on_epoch(s, &ev);
            if (ev.has_confusion)
                on_confusion(s, &ev, s->curves.epoch_base + ev.epoch);
            break;
        case TRAINER_EV_DONE:
            on_done(s, &ev);
            break;
        case TRAINER_EV_RESET:
            curves_clear(&s->curves);
            step_view_forget(&s->ctl.step);
            s->views.want_eval = true; // the mistakes of the fresh weights
            break;
        case TRAINER_EV_EVAL:
            if (ev.has_confusion)
                on_confusion(s, &ev, s->curves.epoch_base + ev.epochs_done);
            app_on_eval(s, &ev);
            break;
        case TRAINER_EV_FINETUNE:
            app_teach_on_finetune(s, &ev);
            break;
        case TRAINER_EV_PROBE:
            // A report for an earlier drawing (its tag is that input's version) is late.
            if (s->score.has_guess && ev.probe_tag == s->score.input_version)
                curves_add_probe(&s->curves, &ev);
            break;
        }
    }
}

/* ---- test images ------------------------------------------------------ */

bool app_put_test_image(app_state *s, size_t i)
{
    if (s->train.data_state != TRAINING_DATA_LOADED || i >= s->train.data.test.count)
        return false;
    const dataset *d = &s->train.data.test;
    if (d->rows != CANVAS_N || d->cols != CANVAS_N)
        return false;
    float img[CANVAS_N * CANVAS_N];
    for (size_t k = 0; k < CANVAS_N * CANVAS_N; k++)
        img[k] = (float)d->images[i * CANVAS_N * CANVAS_N + k] / 255.0f;
    canvas_set_bitmap(&s->canvas, img);
    s->drawing = false;
    s->shown_test = (long)i;
    s->shown_label = d->labels[i];
    report_status(&s->report, false, "test image #%zu: its true label is %s (T: another, C: clear)",
                  i, model_slot_label(&s->model, (size_t)s->shown_label));
    event_test_digit(&s->events, i, s->shown_label);
    return true;
}

void app_random_test_digit(app_state *s)
{
    if (s->train.data_state == TRAINING_DATA_LOADED && s->train.data.test.count) {
        app_put_test_image(s, (size_t)dp_rng_below(&s->test_rng, s->train.data.test.count));
        return;
    }
    if (!training_want_data(&s->train, NULL)) {
        report_status(&s->report, true, "no MNIST found: run scripts/fetch-mnist for test digits");
        return;
    }
    s->want_test_digit = true;
    report_status(&s->report, false, "reading MNIST for a test digit ...");
}

/* What a view asked for. */
void app_act_on(app_state *s, const view_request *r)
{
    if (r->want & VIEW_WANT_DATA)
        want_data(s);
    if (r->want & VIEW_WANT_EVAL) {
        // Asked once: a trainer that cannot be made has said why on the status line.
        if (app_ensure_trainer(s))
            training_request_eval(&s->train);
        views_eval_sent(&s->views);
    }
    if (r->want & VIEW_WANT_TEST_IMAGE)
        app_put_test_image(s, (size_t)r->test_image);
    if (r->want & VIEW_WANT_STATUS)
        report_status(&s->report, r->status_error, "%s", r->status);
}

void app_show_view(app_state *s, app_view v)
{
    view_ctx c = app_view_ctx(s);
    view_request r = views_show(&s->views, &c, v);
    app_act_on(s, &r);
}

/* ---- once a frame ----------------------------------------------------- */

static void data_news(app_state *s)
{
    training *t = &s->train;
    switch (training_poll_data(t)) {
    case TRAINING_DATA_NO_NEWS:
        return;
    case TRAINING_DATA_ARRIVED: {
        view_ctx c = app_view_ctx(s);
        views_on_data(&s->views, &c);
        // Read at start in the background: the log says so, the status line keeps its welcome.
        if (t->start_when_loaded)
            report_status(&s->report, false, "MNIST: %s training and %s test images from %s",
                          thousands(t->data.train.count).s, thousands(t->data.test.count).s,
                          t->data.dir);
        else
            report_log(&s->report, "MNIST: %s training and %s test images from %s",
                       thousands(t->data.train.count).s, thousands(t->data.test.count).s,
                       t->data.dir);
        if (t->start_when_loaded)
            start_training(s);
        return;
    }
    case TRAINING_DATA_BROKEN:
        report_status(&s->report, true, "cannot read MNIST: %s", t->data_error);
        return;
    }
}

static void test_digit_news(app_state *s)
{
    if (s->train.data_state == TRAINING_DATA_LOADED) {
        if (s->pending_test_digit >= 0) {
            if (!app_put_test_image(s, (size_t)s->pending_test_digit))
                report_status(&s->report, true, "--test-digit %ld: there are %zu test images",
                              s->pending_test_digit, s->train.data.test.count);
            s->pending_test_digit = -1;
        }
        if (s->want_test_digit) {
            s->want_test_digit = false;
            app_random_test_digit(s);
        }
    } else if (s->train.data_state == TRAINING_DATA_MISSING ||
               s->train.data_state == TRAINING_DATA_FAILED) {
        s->want_test_digit = false;
        s->pending_test_digit = -1;
    }
}

static void score(app_state *s)
{
    uint64_t canvas_before = s->score.scored_canvas;
    unsigned ch = scoring_update(&s->score, &s->canvas, &s->model.net, &s->model.meta,
                                 s->model.version);
    if (s->canvas.version != canvas_before && (ch & SCORING_NEW_INPUT))
        curves_clear_digit(&s->curves); // a new drawing: its history starts now
    if (ch & SCORING_ANNOUNCE) {
        const scoring *sc = &s->score;
        if (sc->has_guess) {
            event_prediction(&s->events, model_slot_label(&s->model, sc->guess), sc->guess,
                             sc->probs[sc->guess], sc->sure, sc->probs, sc->n_classes);
            event_scores(&s->events, sc->input, s->model.net.sizes[0], sc->logits, sc->probs,
                         sc->n_classes);
        } else
            event_no_prediction(&s->events);
    }
}

void app_update(app_state *s, double now)
{
    s->now = now;
    data_news(s);
    take_dropped(s);
    bool took = training_update(&s->train, now, &s->model.net);
    if (took)
        model_slot_touch(&s->model);
    drain_trainer(s);
    // After the events: an epoch ended before these weights were published
    // is in the record by now. (Issue 11: a save records how far training had got.)
    if (took)
        app_record_position(s);
    if (training_running(&s->train) && s->train.have_progress &&
        now - s->last_progress_emit >= 0.25) {
        s->last_progress_emit = now;
        const trainer_event *ev = &s->train.last_event;
        size_t base = s->curves.epoch_base;
        event_progress(&s->events, base + ev->epoch, base + ev->epochs, ev->step,
                       ev->steps_per_epoch, ev->loss, ev->accuracy, ev->batch_loss,
                       s->train.samples_per_s);
    }
    score(s);
    // The trainer reports how this drawing is learned.
    training_set_probe(&s->train, s->score.has_guess ? s->score.input : NULL,
                       s->score.input_version);
    if (!s->canvas.has_bitmap)
        s->shown_test = -1;
    view_ctx c = app_view_ctx(s);
    view_request r = views_update(&s->views, &c);
    app_act_on(s, &r);
    test_digit_news(s);
    app_teach_update(s);
}
