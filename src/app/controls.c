/* controls.c: issue 11's controls acting on the window (controls.h). */
#include "controls.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "window.h"

/* The strokes (and the bitmap) a Clear removed, to put back. */
typedef struct canvas_copy {
    canvas_point *points;
    size_t n_points;
    canvas_stroke *strokes;
    size_t n_strokes;
    bool has_bitmap;
    float bitmap[CANVAS_N * CANVAS_N];
} canvas_copy;

static void copy_free(canvas_copy *k)
{
    if (!k)
        return;
    free(k->points);
    free(k->strokes);
    free(k);
}

/* A copy of c's strokes, or NULL when out of memory. */
static canvas_copy *copy_of(const canvas *c)
{
    canvas_copy *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->points = malloc((c->n_points ? c->n_points : 1) * sizeof *k->points);
    k->strokes = malloc((c->n_strokes ? c->n_strokes : 1) * sizeof *k->strokes);
    if (!k->points || !k->strokes) {
        copy_free(k);
        return NULL;
    }
    memcpy(k->points, c->points, c->n_points * sizeof *k->points);
    memcpy(k->strokes, c->strokes, c->n_strokes * sizeof *k->strokes);
    k->n_points = c->n_points;
    k->n_strokes = c->n_strokes;
    k->has_bitmap = c->has_bitmap;
    memcpy(k->bitmap, c->bitmap, sizeof k->bitmap);
    return k;
}

/* Draws k again through the canvas's own functions. */
static void copy_restore(const canvas_copy *k, canvas *c)
{
    canvas_clear(c);
    if (k->has_bitmap)
        canvas_set_bitmap(c, k->bitmap);
    for (size_t i = 0; i < k->n_strokes; i++) {
        const canvas_stroke *st = &k->strokes[i];
        if (!st->count || st->first + st->count > k->n_points)
            continue;
        const canvas_point *p = k->points + st->first;
        if (!canvas_begin_stroke(c, p[0].x, p[0].y, st->erase))
            break;
        for (size_t j = 1; j < st->count; j++)
            canvas_add_point(c, p[j].x, p[j].y);
        canvas_end_stroke(c);
    }
}

bool controls_init(controls *c)
{
    memset(c, 0, sizeof *c);
    open_panel_init(&c->open);
    step_view_init(&c->step);
    settings_init(&c->settings);
    return true;
}

void controls_destroy(controls *c)
{
    copy_free(c->cleared);
    memset(c, 0, sizeof *c);
}

/* ---- one step --------------------------------------------------------- */

/* MNIST read, or on its way (false: the status line says what to do). */
static bool data_ready(app_state *s, const char *what)
{
    training *t = &s->train;
    if (t->data_state == TRAINING_DATA_UNKNOWN)
        training_find_data(t);
    switch (t->data_state) {
    case TRAINING_DATA_LOADED:
        return true;
    case TRAINING_DATA_FOUND: {
        dp_error err = {{0}};
        if (!training_want_data(t, &err))
            report_status(&s->report, true, "%s", err.msg);
        else
            report_status(&s->report, false, "reading MNIST from %s: %s once it is read",
                          t->data_dir, what);
        return false;
    }
    case TRAINING_DATA_LOADING:
        report_status(&s->report, false, "still reading MNIST: %s once it is read", what);
        return false;
    case TRAINING_DATA_MISSING:
        report_status(&s->report, true, "no MNIST found: run scripts/fetch-mnist");
        return false;
    case TRAINING_DATA_FAILED:
        report_status(&s->report, true, "cannot train: %s", t->data_error);
        return false;
    case TRAINING_DATA_UNKNOWN:
        break;
    }
    return false;
}

void app_single_step(app_state *s)
{
    if (!s->model.have || !data_ready(s, "press . again"))
        return;
    if (training_running(&s->train)) {
        report_status(&s->report, false, "Step trains one batch while paused: Space pauses first");
        return;
    }
    if (!app_ensure_trainer(s))
        return;
    app_record_run(s);
    training_step(&s->train);
}

void app_on_single_step(app_state *s, const trainer_event *ev)
{
    step_view_take(&s->ctl.step, ev);
    model_slot_mark_trained(&s->model);
    event_step(&s->events, ev->global_step, ev->batch_loss, ev->batch_accuracy, ev->batch,
               ev->weight_move);
    size_t right = (size_t)lround((double)ev->batch_accuracy * (double)ev->batch);
    report_status(&s->report, false,
                  "step %llu: %zu images, loss %.4f, %zu right; the weights moved %.3g "
                  "(. steps again, Space trains on)",
                  (unsigned long long)ev->global_step, ev->batch, (double)ev->batch_loss, right,
                  ev->weight_move);
    report_log(&s->report, "Step %llu - batch %zu - loss: %.4f - accuracy: %.4f - moved %.4g",
               (unsigned long long)ev->global_step, ev->batch, (double)ev->batch_loss,
               (double)ev->batch_accuracy, ev->weight_move);
}

void app_on_eval(app_state *s, const trainer_event *ev)
{
    if (ev->global_step == 0 && ev->has_confusion && !s->model.meta.n_history)
        curves_add_start(&s->curves, ev->val_loss, ev->val_accuracy);
}

/* ---- settings that change at once -------------------------------------- */

void app_set_lr(app_state *s, double lr)
{
    if (!(lr >= SETTINGS_MIN_LR && lr <= SETTINGS_MAX_LR))
        return;
    bool changed = lr != s->train.next.lr;
    training_set_lr(&s->train, lr);
    if (s->train.have_trainer)
        s->model.meta.learning_rate = lr; // what the weights are trained with from now on
    report_status(&s->report, false, "learning rate %g%s", lr,
                  training_running(&s->train) ? ", from the next batch" : "");
    if (changed)
        app_emit_settings(s);
}

void app_set_batch(app_state *s, size_t batch)
{
    if (batch < 1 || batch > SETTINGS_MAX_BATCH)
        return;
    bool changed = batch != s->train.next.batch;
    training_set_batch(&s->train, batch);
    if (s->train.have_trainer)
        s->model.meta.batch_size = batch;
    report_status(&s->report, false, "batch size %zu%s", batch,
                  training_running(&s->train) ? ", from the next batch" : "");
    if (changed)
        app_emit_settings(s);
}

void app_set_epochs(app_state *s, size_t epochs)
{
    if (epochs < 1 || epochs > SETTINGS_MAX_EPOCHS)
        return;
    bool changed = epochs != s->train.next.epochs;
    training_set_epochs(&s->train, epochs);
    report_status(&s->report, false, "%zu epoch%s", epochs, epochs == 1 ? "" : "s");
    if (changed)
        app_emit_settings(s);
}

void app_toggle_settings(app_state *s)
{
    settings_panel *p = &s->ctl.settings;
    if (p->visible) {
        p->visible = false;
        p->asking = false;
        return;
    }
    settings_open(p, s->model.have ? &s->model.net : NULL);
}

/* ---- fresh weights, asked for ---------------------------------------- */

/* Keeps the current model for Ctrl+Z before fresh weights replace it. */
static void keep_for_undo(app_state *s)
{
    controls *c = &s->ctl;
    dp_error err = {{0}};
    if (model_slot_keep_undo(&s->model, &err)) {
        c->model_undo_seq = ++c->undo_seq;
        c->model_undo_canvas = s->canvas.version;
    }
}

static void do_apply_shape(app_state *s)
{
    settings_panel *p = &s->ctl.settings;
    mlp net;
    model_meta meta;
    dp_error err = {{0}};
    if (!model_slot_make_fresh(p->hidden, p->n_hidden, s->cfg.seed + s->model.resets + 1, &net,
                               &meta, &err)) {
        report_status(&s->report, true, "cannot make that network: %s", err.msg);
        return;
    }
    if (p->n_hidden && !mlp_set_hidden_activation(&net, p->act, &err)) {
        mlp_destroy(&net);
        model_meta_destroy(&meta);
        report_status(&s->report, true, "cannot make that network: %s", err.msg);
        return;
    }
    keep_for_undo(s);
    app_state_use_model(s, &net, &meta, "");
    s->model.dirty = true;
    curves_clear(&s->curves);
    step_view_forget(&s->ctl.step);
    s->ctl.continue_chosen = false;
    p->visible = false;
    p->asking = false;
    char shape[128];
    model_slot_shape(&s->model.net, shape, sizeof shape);
    report_status(&s->report, false, "fresh weights: %s, %s (Space trains; Ctrl+Z brings back "
                  "the old model)", shape,
                  p->n_hidden ? mlp_activation_name(p->act) : "no hidden layer");
    report_log(&s->report, "New network %s, %s", shape,
               p->n_hidden ? mlp_activation_name(p->act) : "softmax only");
    app_emit_settings(s);
}

void app_apply_shape(app_state *s)
{
    settings_panel *p = &s->ctl.settings;
    if (s->model.have && !settings_shape_changed(p, &s->model.net)) {
        report_status(&s->report, false, "the network already has that shape and activation");
        return;
    }
    if (model_slot_unsaved_training(&s->model) && !p->asking) {
        p->asking = true;
        return;
    }
    do_apply_shape(s);
}

static void do_reset(app_state *s)
{
    keep_for_undo(s);
    app_reset_weights(s);
    step_view_forget(&s->ctl.step);
    s->ctl.continue_chosen = false;
    if (s->model.have_undo)
        report_status(&s->report, false, "fresh random weights (Space trains; Ctrl+Z undoes)");
}

void app_reset_asked(app_state *s)
{
    if (!s->model.have)
        return;
    if (app_teach_busy(s)) { // its result would be thrown away unseen
        report_status(&s->report, false, "fine-tuning: R waits until it ends (a few seconds)");
        return;
    }
    if (model_slot_unsaved_training(&s->model)) {
        s->ctl.question = QUESTION_RESET;
        return;
    }
    do_reset(s);
}

/* A model trained before it was opened here, and not trained here yet. */
static bool offer_scratch(const app_state *s)
{
    const model_meta *m = &s->model.meta;
    return s->model.have && m->has_training && (m->n_history > 0 || m->has_progress) &&
           !s->ctl.continue_chosen &&
           !s->model.trained && training_state(&s->train) == TRAINER_IDLE &&
           s->train.data_state == TRAINING_DATA_LOADED;
}

/* From scratch: fresh weights (kept for Ctrl+Z), their untrained accuracy
 * measured before the first batch (the curves' epoch 0), then training. */
static void train_from_scratch(app_state *s)
{
    keep_for_undo(s);
    app_reset_weights(s);
    step_view_forget(&s->ctl.step);
    s->ctl.continue_chosen = true;
    if (app_ensure_trainer(s))
        training_request_eval(&s->train);
    app_toggle_training(s);
    report_status(&s->report, false,
                  "training from scratch: fresh weights (Ctrl+Z brings the trained ones back)");
}

static void train_continued(app_state *s)
{
    s->ctl.continue_chosen = true;
    const model_meta *m = &s->model.meta;
    char where[96];
    model_meta_progress_text(m, where, sizeof where);
    app_toggle_training(s);
    if (m->has_progress && training_running(&s->train))
        report_status(&s->report, false,
                      "continuing training at %s: the rest of that epoch first; Space pauses",
                      where);
    else if (m->n_history)
        report_status(&s->report, false,
                      "continuing training after epoch %d (test accuracy %.2f %%); Space pauses",
                      m->history[m->n_history - 1].epoch,
                      100.0 * m->history[m->n_history - 1].val_accuracy);
}

void app_train_asked(app_state *s)
{
    // Training shows itself batch by batch in the views the card covers.
    step_view_hide(&s->ctl.step);
    // While fine-tuning no "from scratch": training goes on from its result.
    if (offer_scratch(s) && !app_teach_busy(s)) {
        s->ctl.question = QUESTION_SCRATCH;
        return;
    }
    app_toggle_training(s);
}

/* ---- clear and undo --------------------------------------------------- */

void app_clear_canvas(app_state *s)
{
    controls *c = &s->ctl;
    if (!canvas_is_empty(&s->canvas) || s->canvas.has_bitmap) {
        canvas_copy *k = copy_of(&s->canvas);
        if (k) {
            copy_free(c->cleared);
            c->cleared = k;
            c->have_clear_undo = true;
        }
    }
    canvas_clear(&s->canvas);
    s->drawing = false;
    if (c->have_clear_undo) {
        c->clear_undo_seq = ++c->undo_seq;
        c->clear_undo_canvas = s->canvas.version;
    }
}

/* The model kept before fresh weights, back as the current one. */
static void undo_model(app_state *s)
{
    // The trainer has the fresh weights: it goes, so that no snapshot of
    // them overwrites the model put back.
    training_drop_trainer(&s->train);
    if (!model_slot_undo(&s->model))
        return;
    if (!scoring_fit(&s->score, &s->model.net))
        report_status(&s->report, true, "out of memory for this network's answers");
    app_relayout(s);
    curves_from_history(&s->curves, &s->model.meta);
    view_ctx vc = app_view_ctx(s);
    views_on_model(&s->views, &vc);
    step_view_forget(&s->ctl.step);
    s->ctl.continue_chosen = false;
    char shape[128];
    model_slot_shape(&s->model.net, shape, sizeof shape);
    report_status(&s->report, false, "undone: %s (%s) is back", s->model.name, shape);
    report_log(&s->report, "Undone: %s is back", s->model.name);
    app_emit_settings(s);
}

void app_undo(app_state *s)
{
    controls *c = &s->ctl;
    // Drawing since a reset or a Clear makes the stroke the last thing done.
    bool model_ok = s->model.have_undo && s->canvas.version == c->model_undo_canvas;
    bool clear_ok = c->have_clear_undo && s->canvas.version == c->clear_undo_canvas;
    if (model_ok && (!clear_ok || c->model_undo_seq > c->clear_undo_seq)) {
        undo_model(s);
        c->model_undo_canvas = UINT64_MAX;
    } else if (clear_ok) {
        copy_restore(c->cleared, &s->canvas);
        c->have_clear_undo = false;
        report_status(&s->report, false, "the drawing is back");
    } else {
        canvas_undo(&s->canvas);
    }
    s->drawing = false;
}

void app_report_saved(app_state *s, const char *path)
{
    const model_meta *m = &s->model.meta;
    if (!m->has_progress) {
        report_status(&s->report, false, "saved %s", path);
        return;
    }
    char where[96];
    model_meta_progress_text(m, where, sizeof where);
    report_status(&s->report, false, "saved %s during training, at %s", path, where);
    report_log(&s->report, "Saved at %s (%zu of %zu samples), %d epoch%s complete", where,
               m->progress.samples_done, m->progress.samples_per_epoch, m->epochs,
               m->epochs == 1 ? "" : "s");
}

/* ---- open ------------------------------------------------------------ */

void app_open_panel(app_state *s)
{
    open_panel *p = &s->ctl.open;
    char dir[OPEN_PANEL_PATH] = "";
    dp_error err = {{0}};
    if (!paths_models_dir(NULL, false, dir, sizeof dir, &err))
        dir[0] = '\0';
    open_panel_collect(p, dir, s->model.bundled, &s->recent);
    for (size_t i = 0; i < p->n; i++)
        open_panel_describe(&p->e[i]);
    p->visible = true;
    if (!p->n)
        report_status(&s->report, false, "no models yet in %s: Ctrl+S saves one there",
                      dir[0] ? dir : "the models folder");
}

static void open_chosen(app_state *s, int i)
{
    open_panel *p = &s->ctl.open;
    if (i < 0 || (size_t)i >= p->n)
        return;
    p->visible = false;
    app_open_dropped(s, p->e[i].path);
}

/* ---- the overlays' input ---------------------------------------------- */

bool app_controls_modal(const app_state *s)
{
    return s->ctl.question != QUESTION_NONE || s->ctl.settings.visible || s->ctl.open.visible;
}

static void answer(app_state *s, bool yes)
{
    question_kind q = s->ctl.question;
    s->ctl.question = QUESTION_NONE;
    switch (q) {
    case QUESTION_RESET:
        if (yes)
            do_reset(s);
        break;
    case QUESTION_SCRATCH:
        if (yes)
            train_continued(s);
        else
            train_from_scratch(s);
        break;
    case QUESTION_NONE:
        break;
    }
}

/* Changes row's value one step (dir -1 / +1). */
static void settings_nudge(app_state *s, int row, int dir)
{
    settings_panel *p = &s->ctl.settings;
    p->asking = false;
    switch (row) {
    case SETTINGS_ROW_LR:
        app_set_lr(s, settings_lr_step(s->train.next.lr, dir));
        return;
    case SETTINGS_ROW_BATCH:
        app_set_batch(s, settings_batch_step(s->train.next.batch, dir));
        return;
    case SETTINGS_ROW_EPOCHS:
        app_set_epochs(s, settings_epochs_step(s->train.next.epochs, dir));
        return;
    case SETTINGS_ROW_ACTIVATION:
        p->act = settings_activation_step(p->act, dir);
        return;
    default:
        break;
    }
    size_t i = (size_t)(row - SETTINGS_ROW_LAYER0);
    if (i < p->n_hidden)
        p->hidden[i] = settings_width_step(p->hidden[i], dir);
    else if (dir > 0)
        settings_add_layer(p);
}

static bool settings_mouse(app_state *s, float x, float y)
{
    settings_panel *p = &s->ctl.settings;
    settings_geom g;
    settings_geom_of(p, &s->layout, &g);
    settings_hit h = settings_hit_at(&g, p, x, y);
    if (h.row >= 0)
        p->row = h.row;
    switch (h.kind) {
    case SETTINGS_HIT_NONE:
    case SETTINGS_HIT_CLOSE:
        p->visible = false;
        p->asking = false;
        break;
    case SETTINGS_HIT_CARD:
        break;
    case SETTINGS_HIT_MINUS:
        settings_nudge(s, h.row, -1);
        break;
    case SETTINGS_HIT_PLUS:
        settings_nudge(s, h.row, 1);
        break;
    case SETTINGS_HIT_REMOVE:
        settings_remove_layer(p, (size_t)(h.row - SETTINGS_ROW_LAYER0));
        p->asking = false;
        if (p->row >= (int)settings_rows(p))
            p->row = (int)settings_rows(p) - 1;
        break;
    case SETTINGS_HIT_ADD:
        settings_add_layer(p);
        p->asking = false;
        break;
    case SETTINGS_HIT_ACT:
        p->act = settings_activations[h.which];
        p->asking = false;
        break;
    case SETTINGS_HIT_APPLY:
        if (p->asking)
            do_apply_shape(s);
        else
            app_apply_shape(s);
        break;
    case SETTINGS_HIT_CANCEL:
        p->asking = false;
        break;
    }
    return true;
}

bool app_controls_mouse_down(app_state *s, float x, float y, int button)
{
    controls *c = &s->ctl;
    if (c->question != QUESTION_NONE) {
        question_geom g;
        question_geom_of(&s->layout, &g);
        if (button == 1 && rect_contains(g.yes, x, y))
            answer(s, true);
        else if (button == 1 && rect_contains(g.no, x, y))
            answer(s, false);
        else if (!rect_contains(g.card, x, y))
            c->question = QUESTION_NONE; // a click beside it: asked nothing
        return true;
    }
    if (c->open.visible) {
        open_geom g;
        open_geom_of(&c->open, &s->layout, &g);
        int i = open_panel_at(&g, x, y);
        if (button == 1 && i >= 0)
            open_chosen(s, i);
        else if (!rect_contains(g.card, x, y) || rect_contains(g.close, x, y))
            c->open.visible = false;
        return true;
    }
    if (c->settings.visible)
        return button == 1 ? settings_mouse(s, x, y) : true;
    if (c->step.visible && rect_contains(s->layout.view, x, y)) {
        step_geom g;
        step_view_geom(s->layout.view, s->layout.scale, c->step.ev.shown, &g);
        if (rect_contains(g.close, x, y))
            step_view_hide(&c->step);
        return true;
    }
    return false;
}

bool app_controls_key(app_state *s, const app_input_event *ev)
{
    controls *c = &s->ctl;
    if (ev->key == APP_KEY_F12) // a screenshot shows the overlay too
        return false;
    if (c->question != QUESTION_NONE) {
        if (ev->key == APP_KEY_RETURN)
            answer(s, true);
        else if (ev->key == APP_KEY_ESCAPE)
            c->question = QUESTION_NONE;
        return true;
    }
    open_panel *o = &c->open;
    if (o->visible) {
        if (ev->key == APP_KEY_ESCAPE || (ev->key == APP_KEY_O && ev->ctrl))
            o->visible = false;
        else if (ev->key == APP_KEY_UP && o->n)
            o->row = (o->row + (int)o->n - 1) % (int)o->n;
        else if (ev->key == APP_KEY_DOWN && o->n)
            o->row = (o->row + 1) % (int)o->n;
        else if (ev->key == APP_KEY_RETURN)
            open_chosen(s, o->row);
        return true;
    }
    settings_panel *p = &c->settings;
    if (p->visible) {
        int rows = (int)settings_rows(p);
        switch (ev->key) {
        case APP_KEY_ESCAPE:
            if (p->asking)
                p->asking = false;
            else
                p->visible = false;
            return true;
        case APP_KEY_S:
            if (ev->ctrl)
                return false;
            p->visible = false;
            p->asking = false;
            return true;
        case APP_KEY_UP:
            p->row = (p->row + rows - 1) % rows;
            return true;
        case APP_KEY_DOWN:
            p->row = (p->row + 1) % rows;
            return true;
        case APP_KEY_LEFT:
        case APP_KEY_RIGHT:
            settings_nudge(s, p->row, ev->key == APP_KEY_LEFT ? -1 : 1);
            return true;
        case APP_KEY_BACKSPACE:
            if (p->row >= SETTINGS_ROW_LAYER0 && settings_remove_layer(p, (size_t)(p->row -
                                                                         SETTINGS_ROW_LAYER0))) {
                p->asking = false;
                if (p->row >= (int)settings_rows(p))
                    p->row = (int)settings_rows(p) - 1;
            }
            return true;
        case APP_KEY_RETURN:
            if (p->asking)
                do_apply_shape(s);
            else
                app_apply_shape(s);
            return true;
        case APP_KEY_SPACE:
        case APP_KEY_PERIOD:
        case APP_KEY_SLOWER:
        case APP_KEY_FASTER:
            return false; // Space, `.`, [ and ] still train under the panel
        default:
            return !(ev->key == APP_KEY_Q && ev->ctrl); // the rest is the panel's (Ctrl+Q quits)
        }
    }
    if (c->step.visible && ev->key == APP_KEY_ESCAPE) {
        step_view_hide(&c->step);
        return true;
    }
    return false;
}

/* ---- what is drawn ------------------------------------------------------ */

void panel_trainbar_of(const app_state *s, panel_trainbar *out)
{
    memset(out, 0, sizeof *out);
    out->speed = s->train.next.speed;
    out->step_enabled = s->model.have && !training_running(&s->train) &&
                        s->train.data_state != TRAINING_DATA_MISSING &&
                        s->train.data_state != TRAINING_DATA_FAILED;
    out->settings_on = s->ctl.settings.visible;
    out->hover = s->hover;
}

static void format_lr(char *out, size_t len, double lr)
{
    snprintf(out, len, "%g", lr);
}

void panel_settings_of(const app_state *s, panel_settings *out)
{
    memset(out, 0, sizeof *out);
    const settings_panel *p = &s->ctl.settings;
    if (!p->visible)
        return;
    out->visible = true;
    out->row = p->row;
    out->n_rows = settings_rows(p);
    out->n_hidden = p->n_hidden;
    snprintf(out->label[SETTINGS_ROW_LR], sizeof out->label[0], "Learning rate");
    format_lr(out->value[SETTINGS_ROW_LR], sizeof out->value[0], s->train.next.lr);
    snprintf(out->label[SETTINGS_ROW_BATCH], sizeof out->label[0], "Batch size");
    snprintf(out->value[SETTINGS_ROW_BATCH], sizeof out->value[0], "%zu", s->train.next.batch);
    snprintf(out->label[SETTINGS_ROW_EPOCHS], sizeof out->label[0], "Epochs");
    snprintf(out->value[SETTINGS_ROW_EPOCHS], sizeof out->value[0], "%zu", s->train.next.epochs);
    snprintf(out->label[SETTINGS_ROW_ACTIVATION], sizeof out->label[0], "Hidden activation");
    for (int i = 0; i < 4; i++)
        if (settings_activations[i] == p->act)
            out->act = i;
    for (size_t i = 0; i < p->n_hidden; i++) {
        snprintf(out->label[SETTINGS_ROW_LAYER0 + i], sizeof out->label[0], "Hidden layer %zu",
                 i + 1);
        snprintf(out->value[SETTINGS_ROW_LAYER0 + i], sizeof out->value[0], "%zu units",
                 p->hidden[i]);
    }
    if (p->n_hidden < SETTINGS_MAX_HIDDEN)
        snprintf(out->label[SETTINGS_ROW_LAYER0 + p->n_hidden], sizeof out->label[0],
                 p->n_hidden ? "More layers" : "No hidden layer");
    out->changed = !s->model.have || settings_shape_changed(p, &s->model.net);
    out->asking = p->asking;
    if (p->asking)
        snprintf(out->note, sizeof out->note,
                 "Unsaved training: fresh weights replace it (Ctrl+Z brings it back).");
    else
        snprintf(out->note, sizeof out->note,
                 "lr, batch, epochs: at once. Shape, activation: fresh weights (Apply).");
    snprintf(out->apply, sizeof out->apply, "%s",
             p->asking ? "Yes, fresh weights" : "Apply: fresh weights");
    settings_geom g;
    settings_geom_of(p, &s->layout, &g);
    out->hover = settings_hit_at(&g, p, s->mouse_x, s->mouse_y);
}

void panel_question_of(const app_state *s, panel_question *out)
{
    memset(out, 0, sizeof *out);
    out->kind = s->ctl.question;
    const model_meta *m = &s->model.meta;
    switch (s->ctl.question) {
    case QUESTION_NONE:
        return;
    case QUESTION_RESET:
        snprintf(out->title, sizeof out->title, "Fresh random weights?");
        snprintf(out->text, sizeof out->text,
                 "These weights have training that is not saved. Fresh weights replace them; "
                 "Ctrl+Z brings them back, Ctrl+S saves them first.");
        snprintf(out->yes, sizeof out->yes, "Fresh weights");
        snprintf(out->no, sizeof out->no, "Keep them");
        return;
    case QUESTION_SCRATCH: {
        snprintf(out->title, sizeof out->title, "Continue, or from scratch?");
        char where[96];
        model_meta_progress_text(m, where, sizeof where);
        if (m->has_progress)
            snprintf(out->text, sizeof out->text,
                     "%.120s was saved during training, at %s. Continue (the rest of that "
                     "epoch first), or start from fresh random weights?", s->model.name, where);
        else if (m->n_history)
            snprintf(out->text, sizeof out->text,
                     "%.120s is trained already: %d epoch%s, test accuracy %.2f %%. Continue training "
                     "it, or start from fresh random weights (about 10 %%, measured first)?",
                     s->model.name, m->history[m->n_history - 1].epoch,
                     m->history[m->n_history - 1].epoch == 1 ? "" : "s",
                     100.0 * m->history[m->n_history - 1].val_accuracy);
        snprintf(out->yes, sizeof out->yes, "Continue training");
        snprintf(out->no, sizeof out->no, "Train from scratch");
        return;
    }
    }
}

static int px(float v, float scale)
{
    return (int)lroundf(v * scale);
}

void question_geom_of(const app_layout *l, question_geom *g)
{
    float s = l->scale;
    int w = px(520, s), h = px(170, s);
    if (w > l->w - px(16, s))
        w = l->w - px(16, s);
    g->card = (app_rect){(l->w - w) / 2, (l->h - h) / 2, w, h};
    int bw = px(180, s), bh = px(32, s), in = px(20, s);
    int by = g->card.y + h - in - bh;
    g->yes = (app_rect){g->card.x + w - in - bw, by, bw, bh};
    g->no = (app_rect){g->yes.x - px(12, s) - bw, by, bw, bh};
}

void panel_open_of(const app_state *s, panel_open *out)
{
    memset(out, 0, sizeof *out);
    const open_panel *p = &s->ctl.open;
    if (!p->visible)
        return;
    out->visible = true;
    out->row = p->row;
    out->n = p->n;
    for (size_t i = 0; i < p->n; i++) {
        const open_entry *e = &p->e[i];
        snprintf(out->name[i], sizeof out->name[i], "%s", e->name);
        out->broken[i] = e->why[0] != '\0';
        if (out->broken[i])
            snprintf(out->detail[i], sizeof out->detail[i], "%s  ·  %s", e->source, e->why);
        else
            snprintf(out->detail[i], sizeof out->detail[i], "%s  ·  %s  ·  test %s", e->source,
                     e->shape, e->accuracy);
    }
    open_geom g;
    open_geom_of(p, &s->layout, &g);
    out->hover = open_panel_at(&g, s->mouse_x, s->mouse_y);
}

void panel_overlays_of(const app_state *s, panel_overlays *out)
{
    panel_open_of(s, &out->open);
    panel_step_of(&s->ctl.step, &out->step);
    panel_settings_of(s, &out->settings);
    panel_question_of(s, &out->question);
}
