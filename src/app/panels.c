/* panels.c: what the panels show (panels.h). */
#include "panels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/format.h"
#include "window.h"

void panel_guess_of(const scoring *sc, const model_slot *m, panel_guess *out)
{
    memset(out, 0, sizeof *out);
    if (!sc->has_guess)
        return;
    out->has_guess = true;
    out->sure = sc->sure;
    float p = sc->probs[sc->guess];
    snprintf(out->label, sizeof out->label, "%s", model_slot_label(m, sc->guess));
    if (sc->has_novelty) {
        // What the detector measured, in one line (novelty.h).
        out->detector = true;
        snprintf(out->measure, sizeof out->measure, "unlike %ss: %.1fx (limit %.1fx)", out->label,
                 sc->novelty.ratio, sc->novelty.threshold_ratio);
        snprintf(out->measure_short, sizeof out->measure_short, "%.1fx, limit %.1fx",
                 sc->novelty.ratio, sc->novelty.threshold_ratio);
    }
    if (!sc->sure) {
        /* A low top probability or a flat distribution: no label is
         * announced (the bars still show the whole distribution). */
        snprintf(out->best_guess, sizeof out->best_guess, "best guess %s, %.0f %%", out->label,
                 (double)(p * 100.0f));
        return;
    }
    snprintf(out->percent, sizeof out->percent, "%.1f %%", (double)(p * 100.0f));
    size_t second = scoring_second(sc->probs, sc->n_classes, sc->guess);
    snprintf(out->runner_up, sizeof out->runner_up, "%s", model_slot_label(m, second));
    // A close call between two classes is said as such.
    if (p >= 0.9f || sc->n_classes < 2)
        snprintf(out->how, sizeof out->how, "sure");
    else if (sc->probs[second] >= 0.25f)
        snprintf(out->how, sizeof out->how, "or %s? (%.0f %%)", out->runner_up,
                 (double)(sc->probs[second] * 100.0f));
    else
        snprintf(out->how, sizeof out->how, "fairly sure");
}

static int px(const app_layout *l, float v)
{
    return (int)lroundf(v * l->scale);
}

void panel_bars_of(const scoring *sc, const model_slot *m, const app_layout *l, int why,
                   panel_bars *out)
{
    memset(out, 0, sizeof *out);
    app_rect r = l->bars;
    size_t n = sc->n_classes ? sc->n_classes : 10;
    out->n = n;
    out->has_guess = sc->has_guess;
    out->top = sc->has_guess ? (int)sc->guess : -1;
    out->why = why >= 0 && (size_t)why < n ? why : -1;
    out->row = r.h / (int)n;
    // Digits need a narrow column; class names ("Ankle boot") as wide as
    // the longest needs, up to 38 % of the panel (cut with an ellipsis past that).
    size_t longest = 1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(model_slot_label(m, i));
        longest = len > longest ? len : longest;
    }
    out->label_w = px(l, 22);
    if (longest > 2) {
        int want = px(l, 7.5f * (float)longest + 10.0f), cap = r.w * 38 / 100;
        out->label_w = want < cap ? want : cap;
    }
    int pct_w = px(l, 52);
    out->track_x = r.x + out->label_w;
    out->track_w = r.w - out->label_w - pct_w;
    out->bar_h = out->row * 5 / 8;
    for (size_t i = 0; i < n && i < SCORING_MAX_CLASSES; i++) {
        float p = sc->has_guess && i < sc->n_classes ? sc->probs[i] : 0.0f;
        snprintf(out->label[i], sizeof out->label[i], "%s", model_slot_label(m, i));
        int fw = (int)lroundf(p * (float)out->track_w);
        out->fill[i] = fw > 0 ? (fw < out->bar_h ? out->bar_h : fw) : 0;
        if (sc->has_guess)
            snprintf(out->percent[i], sizeof out->percent[i], p >= 0.995f ? "%.0f%%" : "%.1f%%",
                     (double)(p * 100.0f));
    }
}

/* ---- the rest of the window's panels ------------------------------------ */

static void header_of(const app_state *s, panel_header *out)
{
    snprintf(out->model, sizeof out->model, "%s", s->model.name);
    if (s->model.have)
        model_slot_shape(&s->model.net, out->shape, sizeof out->shape);
    // A model saved part way into an epoch says where, until training goes on.
    char where[96];
    model_meta_progress_text(&s->model.meta, where, sizeof where);
    if (where[0] && !s->model.trained && !training_running(&s->train)) {
        size_t n = strlen(out->shape);
        snprintf(out->shape + n, sizeof out->shape - n, "  ·  saved at %s", where);
    }
    out->unsaved = model_slot_unsaved_training(&s->model);
    out->help_hover = s->hover == BTN_HELP;
    out->help_on = s->help_visible;
}

static void status_of(const app_state *s, double fps, double p99, panel_status *out)
{
    snprintf(out->text, sizeof out->text, "%s", s->report.status);
    out->error = s->report.status_error;
    /* An idle window draws only when something changes (about once a
     * second): a low rate then is rest, not a fault, and is said so. */
    bool busy = training_running(&s->train) || s->drawing;
    if (fps > 0 && !busy && fps < 20)
        snprintf(out->right, sizeof out->right, "idle  ·  p99 %.1f ms", p99);
    else if (fps > 0)
        snprintf(out->right, sizeof out->right, "%.0f fps  ·  p99 %.1f ms", fps, p99);
}

static void board_of(const app_state *s, panel_board *out)
{
    out->canvas_version = s->score.scored_canvas;
    out->drawing = s->drawing;
    out->empty = canvas_is_empty(&s->canvas);
    if (s->shown_test >= 0)
        snprintf(out->badge, sizeof out->badge, "test image #%ld  ·  true label %s",
                 s->shown_test, model_slot_label(&s->model, (size_t)s->shown_label));
    // The pen's outline follows the mouse over the canvas.
    out->cursor = rect_contains(s->layout.canvas, s->mouse_x, s->mouse_y) && !s->help_visible;
    if (out->cursor) {
        out->mouse_x = s->mouse_x;
        out->mouse_y = s->mouse_y;
        out->erase = s->erase_mode;
    }
}

static void tools_of(const app_state *s, panel_tools *out)
{
    out->empty = s->canvas.n_strokes == 0 && !s->canvas.has_bitmap;
    out->erase = s->erase_mode;
    out->mnist = s->model.meta.preprocess == MODEL_PREPROCESS_MNIST;
    out->hover = s->hover;
}

static void params_of(const app_state *s, panel_params *out)
{
    out->have = s->model.have;
    if (!out->have)
        return;
    const mlp *net = &s->model.net;
    out->n_layers = net->n_layers;
    for (size_t l = 0; l <= net->n_layers && l <= MLP_MAX_LAYERS; l++)
        out->sizes[l] = net->sizes[l];
    for (size_t l = 0; l < net->n_layers && l < MLP_MAX_LAYERS; l++)
        out->act[l] = (int)net->layers[l].act;
    out->height = s->model.meta.height;
    out->width = s->model.meta.width;
}

static void preview_of(const app_state *s, panel_preview *out)
{
    out->input_version = s->score.input_version;
    out->mnist = s->model.meta.preprocess == MODEL_PREPROCESS_MNIST;
    out->bitmap = s->canvas.has_bitmap;
}

static void digit_of(const app_state *s, panel_digit *out)
{
    const scoring *sc = &s->score;
    out->has_guess = sc->has_guess;
    out->canvas_version = sc->scored_canvas;
    out->n = s->curves.digit.n;
    if (sc->has_guess) {
        out->guess = sc->guess;
        out->runner_up = sc->runner_up;
        snprintf(out->label, sizeof out->label, "%s", model_slot_label(&s->model, sc->guess));
        snprintf(out->runner_label, sizeof out->runner_label, "%s",
                 model_slot_label(&s->model, sc->runner_up));
    }
    if (out->n) {
        const curve_digit_point *p = curves_digit(&s->curves, out->n - 1);
        out->last_step = p->step;
        if (sc->has_guess && sc->guess < CURVES_MAX_CLASSES && sc->runner_up < CURVES_MAX_CLASSES) {
            out->last_p = p->probs[sc->guess];
            out->last_runner = p->probs[sc->runner_up];
        }
    }
}

void panel_controls_of(const app_state *s, panel_controls *out)
{
    memset(out, 0, sizeof *out);
    trainer_state st = training_state(&s->train);
    training_data_state ds = s->train.data_state;
    const char *label = "Train";
    if (ds == TRAINING_DATA_LOADING)
        label = s->train.start_when_loaded ? "Loading…" : "Train";
    else if (st == TRAINER_RUNNING)
        label = "Pause";
    else if (st == TRAINER_PAUSED)
        label = "Resume";
    else if (st == TRAINER_FINISHED)
        label = "Train more";
    snprintf(out->train, sizeof out->train, "%s", label);
    out->train_active = st == TRAINER_RUNNING;
    out->train_enabled = ds != TRAINING_DATA_MISSING && ds != TRAINING_DATA_FAILED;
    out->hover = s->hover;
}

static void format_duration(char *out, size_t len, double secs)
{
    if (!isfinite(secs) || secs < 0)
        snprintf(out, len, "–");
    else if (secs < 60)
        snprintf(out, len, "%.0f s", secs);
    else
        snprintf(out, len, "%d:%02d", (int)(secs / 60), (int)fmod(secs, 60));
}

void panel_progress_of(const app_state *s, panel_progress *out)
{
    memset(out, 0, sizeof *out);
    const training *t = &s->train;
    char num[32], tot[32];
    if (!t->have_progress) {
        snprintf(out->settings, sizeof out->settings, "%zu epoch%s  ·  batch %zu  ·  Adam, lr %g",
                 t->next.epochs, t->next.epochs == 1 ? "" : "s", t->next.batch, t->next.lr);
        out->note_tone = PANEL_TONE_FAINT;
        switch (t->data_state) {
        case TRAINING_DATA_MISSING:
            // A folder given (--data, or a dataset chosen) is named: the
            // plain "no MNIST found" left one guessing whether it was read.
            if (t->data_arg && t->data_arg[0])
                snprintf(out->note, sizeof out->note, "no training images in %s", t->data_arg);
            else
                snprintf(out->note, sizeof out->note, "no MNIST found: run scripts/fetch-mnist");
            out->note_tone = PANEL_TONE_WARN;
            break;
        case TRAINING_DATA_FAILED:
            snprintf(out->note, sizeof out->note, "cannot read MNIST: %s", t->data_error);
            out->note_tone = PANEL_TONE_BAD;
            break;
        case TRAINING_DATA_LOADING:
            snprintf(out->note, sizeof out->note, "reading MNIST…");
            break;
        case TRAINING_DATA_LOADED:
            format_thousands(num, sizeof num, (unsigned long long)t->data.train.count);
            snprintf(out->note, sizeof out->note, "%s training images ready: Space starts", num);
            break;
        case TRAINING_DATA_FOUND:
        case TRAINING_DATA_UNKNOWN:
            snprintf(out->note, sizeof out->note, "MNIST found: Space starts training");
            break;
        }
        return;
    }
    out->active = true;
    const trainer_event *ev = &t->last_event;
    size_t base = s->curves.epoch_base;
    snprintf(out->title, sizeof out->title, "Epoch %zu/%zu", base + ev->epoch, base + ev->epochs);
    format_thousands(num, sizeof num, (unsigned long long)ev->step);
    format_thousands(tot, sizeof tot, (unsigned long long)ev->steps_per_epoch);
    snprintf(out->step, sizeof out->step, "step %s/%s", num, tot);
    trainer_state st = training_state(t);
    out->running = st == TRAINER_RUNNING;
    double left_steps = (double)(ev->epochs - ev->epoch) * (double)ev->steps_per_epoch +
                        (double)(ev->steps_per_epoch - ev->step);
    if (st == TRAINER_RUNNING && t->samples_per_s > 0) {
        char eta[32];
        format_duration(eta, sizeof eta, left_steps * (double)t->running.batch / t->samples_per_s);
        format_thousands(num, sizeof num, (unsigned long long)(uint64_t)llround(t->samples_per_s));
        snprintf(out->right, sizeof out->right, "%s samples/s  ·  %s left", num, eta);
    } else if (st == TRAINER_FINISHED) {
        snprintf(out->right, sizeof out->right, "done");
    } else if (st == TRAINER_PAUSED) {
        snprintf(out->right, sizeof out->right, "paused");
    }
    double done = ev->epochs ? ((double)(ev->epoch - 1) +
                                (ev->steps_per_epoch ? (double)ev->step / (double)ev->steps_per_epoch
                                                     : 0.0)) /
                                   (double)ev->epochs
                             : 0.0;
    if (done > 1)
        done = 1;
    int inner_w = s->layout.progress.w - 2 * px(&s->layout, 12);
    out->bar_fill = (int)lround(done * inner_w);
}

static void curves_key_of(const app_state *s, panel_curves *out)
{
    out->version = s->curves.version;
    // The planned epochs widen the x axis once training has begun (an idle
    // trainer may exist only to evaluate the loaded model).
    out->planned_shown = s->train.have_trainer &&
                         (s->train.have_progress || training_state(&s->train) != TRAINER_IDLE);
    out->planned = s->train.epochs_planned;
    out->base = s->curves.epoch_base;
}

static void view_of(const app_state *s, panel_view *out)
{
    const views *v = &s->views;
    out->view = (int)v->view;
    out->have_model = s->model.have;
    bool running = training_state(&s->train) == TRAINER_RUNNING;
    switch (v->view) {
    case VIEW_HIDDEN:
        out->has_guess = s->score.has_guess;
        out->acts_input = v->hidden.acts_input;
        out->acts_net = v->hidden.acts_net;
        out->sel_layer = v->sel_layer;
        out->sel_unit = v->sel_unit;
        out->hover_layer = v->hover_layer;
        out->hover_unit = v->hover_unit;
        if (v->hover_unit >= 0 || v->sel_unit >= 0)
            out->views_net = v->views_net; // the unit's incoming weights
        break;
    case VIEW_WEIGHTS:
        out->tiles_net = v->tiles_net;
        out->page = v->weights.page;
        out->sel_layer = v->sel_layer;
        out->sel_unit = v->sel_unit;
        out->hover_layer = v->hover_layer;
        out->hover_unit = v->hover_unit;
        out->hover_nav = v->hover_nav;
        out->live = running;
        if (v->hover_unit >= 0 || v->sel_unit >= 0) {
            out->has_guess = s->score.has_guess;
            out->acts_input = v->hidden.acts_input;
            out->acts_net = v->hidden.acts_net;
        }
        break;
    case VIEW_WHY: {
        view_ctx c = app_view_ctx_const(s);
        out->has_saliency = v->why.has_saliency;
        out->saliency_version = v->why.saliency_version;
        out->gradient = v->why.gradient;
        out->cls = view_why_class(v, &c);
        out->why_class = v->why.why_class;
        out->sure = s->score.sure;
        if (out->cls >= 0)
            out->permille = (int)lroundf(s->score.probs[out->cls] * 1000.0f);
        break;
    }
    case VIEW_MISTAKES:
        out->has_confusion = v->mistakes.has_confusion;
        out->confusion_version = v->mistakes.confusion_version;
        out->data_state = (int)s->train.data_state;
        out->gallery_true = v->mistakes.gallery_true;
        out->gallery_pred = v->mistakes.gallery_pred;
        out->gallery_version = v->mistakes.gallery_version;
        out->gallery_first = v->mistakes.gallery_first;
        out->has_preds = v->mistakes.has_preds;
        out->hover_cell = v->hover_cell;
        out->hover_thumb = v->hover_thumb;
        out->hover_nav = v->hover_nav;
        out->shown_test = s->shown_test;
        out->live = running;
        break;
    case VIEW_LOG:
        out->log_version = s->report.log_version;
        break;
    case VIEW_NEURON:
        out->neuron_version = v->neuron.version;
        out->hover_input = v->neuron.hover_input;
        out->hover_nav = v->neuron.hover_button;
        out->sel_layer = v->neuron.layer;
        out->sel_unit = v->neuron.unit;
        out->has_guess = s->score.has_guess;
        break;
    case VIEW_NETWORK:
        out->network_version = v->network.version;
        out->has_guess = s->score.has_guess;
        out->acts_input = v->hidden.acts_input;
        out->acts_net = v->hidden.acts_net;
        out->hover_layer = v->network.hover_layer;
        out->hover_unit = v->network.hover_unit;
        out->live = running;
        break;
    case VIEW_COUNT:
        break;
    }
}

/* The scores' parts of the panels (scores.h): the raw scores beside the
 * bars and softmax worked out, the loss named, the hovered pixel, the
 * lesson's card. */
static void scores_panels_of(const app_state *s, ui_panels *out)
{
    const scoring *sc = &s->score;
    const app_layout *l = &s->layout;
    panel_bars *b = &out->bars;
    scores_worked_of(sc, s->scores.worked, &b->worked);
    b->picked = s->scores.label;
    if (!b->worked.on) {
        // The raw scores' column between the digit and its bar.
        int lw = px(l, 44), gap = px(l, 6);
        if (b->track_w - lw - gap >= px(l, 40)) {
            b->logit_x = b->track_x;
            b->logit_w = lw;
            b->track_x += lw + gap;
            b->track_w -= lw + gap;
            for (size_t i = 0; i < b->n && i < SCORING_MAX_CLASSES; i++) {
                float p = sc->has_guess && i < sc->n_classes ? sc->probs[i] : 0.0f;
                int fw = (int)lroundf(p * (float)b->track_w);
                b->fill[i] = fw > 0 ? (fw < b->bar_h ? b->bar_h : fw) : 0;
            }
        }
    }
    double measured = s->scores.random_acc;
    int test_label = s->shown_test >= 0 ? s->shown_label : -1;
    scores_loss_of(&s->scores, sc, &s->model, test_label, measured, &out->curves.loss);
    out->digit.worked = b->worked;
    out->digit.loss = out->curves.loss;
    int row, col;
    if (!s->help_visible && scores_preview_cell(l, s->mouse_x, s->mouse_y, &row, &col))
        scores_pixel_of(row, col, sc->input[row * CANVAS_N + col], s->model.meta.scale,
                        &out->preview.pixel);
    out->lesson.on = s->lesson.on;
    if (s->lesson.on) {
        out->lesson.step = s->lesson.step;
        out->lesson.model_version = s->model.version;
        out->lesson.layout = s->layout;
    }
}

void panels_of(const app_state *s, double fps, double frame_ms_p99, ui_panels *out)
{
    memset(out, 0, sizeof *out); // padding too: panels are compared byte for byte
    header_of(s, &out->header);
    status_of(s, fps, frame_ms_p99, &out->status);
    board_of(s, &out->board);
    tools_of(s, &out->tools);
    params_of(s, &out->params);
    preview_of(s, &out->preview);
    panel_guess_of(&s->score, &s->model, &out->guess);
    int why = -1;
    if (s->views.view == VIEW_WHY) {
        view_ctx c = app_view_ctx_const(s);
        why = view_why_class(&s->views, &c);
    }
    panel_bars_of(&s->score, &s->model, &s->layout, why, &out->bars);
    digit_of(s, &out->digit);
    panel_controls_of(s, &out->controls);
    panel_trainbar_of(s, &out->trainbar);
    panel_overlays_of(s, &out->overlays);
    panel_progress_of(s, &out->progress);
    curves_key_of(s, &out->curves);
    out->tabs.view = (int)s->views.view;
    out->tabs.hover = s->hover;
    view_of(s, &out->view);
    scores_panels_of(s, out);
}

panel_figures panel_caption_figures(int room, int train_w, int test_w, int gap)
{
    if (train_w > 0 && test_w > 0 && train_w + gap + test_w <= room)
        return PANEL_FIGURES_BOTH;
    if (test_w > 0 && test_w <= room)
        return PANEL_FIGURES_TEST;
    if (train_w > 0 && train_w <= room)
        return PANEL_FIGURES_TRAIN;
    return PANEL_FIGURES_NONE;
}
