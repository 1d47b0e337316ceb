/* teach.c: the person's digits, fine-tuning, distortions and the dataset
 * chooser in the window (teach.h; the app_teach_* functions, window.h). */
#include "teach.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "window.h"

/* ---- the part's own ----------------------------------------------------- */

void teach_init(teach *t, const char *samples_dir, const char *mnist_dir, const char *fashion_dir)
{
    memset(t, 0, sizeof *t);
    samples_init(&t->samples, samples_dir);
    dataset_choice_init(&t->choice, mnist_dir, fashion_dir, samples_dir);
    t->selected = -1;
    t->hover = TEACH_BTN_NONE;
    dp_rng_seed(&t->preview_rng, 0x5eed13u);
}

void teach_destroy(teach *t)
{
    samples_destroy(&t->samples);
    if (t->have_preview_work)
        augment_work_destroy(&t->preview_work);
    memset(t, 0, sizeof *t);
    t->selected = -1;
}

static app_rect rect(int x, int y, int w, int h)
{
    return (app_rect){x, y, w > 0 ? w : 0, h > 0 ? h : 0};
}

void teach_layout_compute(const teach *t, const app_layout *l, teach_layout *out)
{
    memset(out, 0, sizeof *out);
    float s = l->scale;
    int pad = (int)lroundf(10 * s), gap = (int)lroundf(6 * s);
    app_rect p = rect(l->tabs.x, l->tabs.y, l->tabs.w, l->view.y + l->view.h - l->tabs.y);
    out->panel = p;
    int x = p.x + pad, w = p.w - 2 * pad, y = p.y + pad;
    int row = (int)lroundf(26 * s);
    out->title = rect(x, y, w - row - gap, row);
    out->buttons[TEACH_BTN_CLOSE] = rect(x + w - row, y, row, row);
    y += row + gap;
    int cw = w / 10, ch = (int)lroundf(34 * s);
    for (int d = 0; d < 10; d++)
        out->counters[d] = rect(x + d * cw, y, cw - gap / 2, ch);
    y += ch + gap;

    // From the bottom: the preview strip, the figures, the buttons.
    int bottom = p.y + p.h - pad;
    int pv = (int)lroundf(30 * s);
    int pw = (w - (TEACH_PREVIEW - 1) * gap / 2) / TEACH_PREVIEW;
    if (pv > pw)
        pv = pw;
    for (int i = 0; i < TEACH_PREVIEW; i++)
        out->preview[i] = rect(x + i * (pv + gap / 2), bottom - pv, pv, pv);
    bottom -= pv + gap / 2;
    int cap = (int)lroundf(18 * s);
    out->preview_caption = rect(x, bottom - cap, w, cap);
    bottom -= cap + gap;
    out->result = rect(x, bottom - cap, w, cap);
    bottom -= cap + gap;
    int bh = (int)lroundf(26 * s);
    static const int weights[] = {[TEACH_BTN_PREV] = 2, [TEACH_BTN_NEXT] = 2,
                                  [TEACH_BTN_DELETE] = 5, [TEACH_BTN_FINETUNE] = 8,
                                  [TEACH_BTN_AUGMENT] = 8, [TEACH_BTN_DATASET] = 11};
    int total = 0;
    for (int b = TEACH_BTN_PREV; b < TEACH_BTN_COUNT; b++)
        total += weights[b];
    int bx = x, avail = w - (TEACH_BTN_COUNT - 2) * gap;
    for (int b = TEACH_BTN_PREV; b < TEACH_BTN_COUNT; b++) {
        int bw = avail * weights[b] / total;
        out->buttons[b] = rect(bx, bottom - bh, bw, bh);
        bx += bw + gap;
    }
    bottom -= bh + gap;

    // The grid in between.
    out->grid = rect(x, y, w, bottom - y);
    int cell = (int)lroundf(40 * s);
    int cols = cell > 0 ? w / cell : 0, rows = cell > 0 ? (bottom - y) / cell : 0;
    size_t n = cols > 0 && rows > 0 ? (size_t)cols * (size_t)rows : 0;
    if (n > TEACH_MAX_THUMBS)
        n = TEACH_MAX_THUMBS;
    out->n_thumbs = n;
    for (size_t k = 0; k < n; k++)
        out->thumbs[k] = rect(x + (int)(k % (size_t)cols) * cell,
                              y + (int)(k / (size_t)cols) * cell, cell - gap / 2, cell - gap / 2);
    (void)t;
}

long teach_thumb_sample(const teach *t, size_t k)
{
    size_t i = t->first + k;
    if (i >= t->samples.count)
        return -1;
    return (long)(t->samples.count - 1 - i);
}

teach_button teach_hit(const teach *t, const teach_layout *tl, float x, float y, long *sample)
{
    *sample = -1;
    for (int b = 0; b < TEACH_BTN_COUNT; b++)
        if (rect_contains(tl->buttons[b], x, y))
            return (teach_button)b;
    for (size_t k = 0; k < tl->n_thumbs; k++)
        if (rect_contains(tl->thumbs[k], x, y)) {
            *sample = teach_thumb_sample(t, k);
            break;
        }
    return TEACH_BTN_NONE;
}

/* ---- in the window -------------------------------------------------------- */

void app_teach_start(app_state *s)
{
    dp_error err = {{0}};
    teach *t = &s->teach;
    if (!samples_load(&t->samples, &err))
        report_status(&s->report, true, "your digits: %s", err.msg);
    else if (t->samples.count)
        report_log(&s->report, "Your digits: %zu kept in %s (M shows them)", t->samples.count,
                   t->samples.dir);
}

void app_teach_label(app_state *s, int digit)
{
    teach *t = &s->teach;
    if (!s->score.has_guess) {
        report_status(&s->report, false, "draw a %d first, then Ctrl+%d keeps it", digit, digit);
        return;
    }
    uint8_t img[SAMPLES_PIXELS];
    samples_from_picture(s->score.image, img);
    dp_error err = {{0}};
    if (!samples_add(&t->samples, img, digit, &err)) {
        report_status(&s->report, true, "cannot keep this %d: %s", digit, err.msg);
        return;
    }
    t->first = 0;
    t->selected = -1;
    t->open = true; // the counters in sight while teaching (M or Esc closes)
    size_t n = samples_count(&t->samples, digit);
    event_sample(&s->events, digit, n, t->samples.count);
    report_status(&s->report, false, "kept as a %d (%zu of them, %zu in all%s)", digit, n,
                  t->samples.count,
                  t->samples.count >= TEACH_MIN_SAMPLES ? "; F fine-tunes" : "");
    // The person's folder is a dataset to choose once it holds digits.
    if (t->samples.dir[0])
        dataset_choice_add_folder(&t->choice, t->samples.dir);
    canvas_clear(&s->canvas);
    s->drawing = false;
}

bool app_teach_delete(app_state *s, long i)
{
    teach *t = &s->teach;
    if (i < 0 || (size_t)i >= t->samples.count)
        return false;
    int label = t->samples.labels[i];
    dp_error err = {{0}};
    if (!samples_remove(&t->samples, (size_t)i, &err)) {
        report_status(&s->report, true, "cannot delete it: %s", err.msg);
        return false;
    }
    t->selected = -1;
    if (t->first >= t->samples.count)
        t->first = 0;
    event_sample_deleted(&s->events, label, samples_count(&t->samples, label), t->samples.count);
    report_status(&s->report, false, "deleted a %d (%zu left)", label, t->samples.count);
    return true;
}

/* The dataset chosen is MNIST (what fine-tuning replays and measures by)? */
static bool on_mnist(const app_state *s)
{
    return s->teach.choice.current == 0;
}

/* Hands the job to the trainer (made from the window's weights if there
 * is none; a running one is paused by it, and Space trains on from the
 * result). */
static void start_job(app_state *s)
{
    teach *t = &s->teach;
    if (!app_ensure_trainer(s))
        return; // it said why
    if (training_update(&s->train, s->now, &s->model.net))
        model_slot_touch(&s->model);
    dataset mine;
    dp_error err = {{0}};
    if (!samples_to_dataset(&t->samples, &mine, &err)) {
        report_status(&s->report, true, "cannot fine-tune: %s", err.msg);
        return;
    }
    finetune_config cfg = finetune_config_default();
    /* Three MNIST digits replayed for each of the person's shown (the
     * core's default is one): with a few digits of a few classes, half the
     * batches being theirs pulled MNIST's test accuracy under 0.97 (9 digits
     * of 0, 1 and 7: 0.9693). */
    cfg.replay = TEACH_REPLAY;
    bool ok = training_finetune(&s->train, &mine, &cfg, &err);
    dataset_destroy(&mine);
    if (!ok) {
        report_status(&s->report, true, "cannot fine-tune: %s", err.msg);
        return;
    }
    t->job = true;
    snprintf(t->message, sizeof t->message, "fine-tuning on %zu of your digits and MNIST ...",
             t->samples.count);
    report_status(&s->report, false, "%s", t->message);
}

void app_teach_finetune(app_state *s)
{
    teach *t = &s->teach;
    if (app_teach_busy(s)) {
        report_status(&s->report, false, "fine-tuning already (it takes a few seconds)");
        return;
    }
    if (!s->model.have)
        return;
    if (t->samples.count < TEACH_MIN_SAMPLES) {
        report_status(&s->report, true,
                      "keep at least %d of your digits first (draw one, Ctrl+its digit): "
                      "%zu so far",
                      TEACH_MIN_SAMPLES, t->samples.count);
        return;
    }
    if (!on_mnist(s)) {
        report_status(&s->report, true, "fine-tuning replays MNIST: choose it first (D)");
        return;
    }
    if (s->model.net.sizes[0] != SAMPLES_PIXELS || s->model.net.sizes[s->model.net.n_layers] < 10) {
        report_status(&s->report, true, "fine-tuning needs a 784-input model of 10 digits");
        return;
    }
    // The core trains on bytes / 255, as MNIST's models take them.
    if (fabs(s->model.meta.scale * 255.0 - 1.0) > 1e-6) {
        report_status(&s->report, true,
                      "fine-tuning feeds pixels / 255: this model takes them times %g",
                      s->model.meta.scale);
        return;
    }
    if (s->train.data_state != TRAINING_DATA_LOADED) {
        dp_error err = {{0}};
        if (!training_want_data(&s->train, &err)) {
            report_status(&s->report, true, "fine-tuning replays MNIST: %s",
                          err.msg[0] ? err.msg : s->train.data_error[0] ? s->train.data_error
                                                                        : "none found");
            return;
        }
        t->pending = true;
        snprintf(t->message, sizeof t->message, "reading MNIST, then fine-tuning ...");
        report_status(&s->report, false, "%s", t->message);
        return;
    }
    start_job(s);
}

void app_teach_on_finetune(app_state *s, const trainer_event *ev)
{
    teach *t = &s->teach;
    trainer_finetune_report rep;
    if (!t->job || !training_take_finetune(&s->train, &rep, NULL) || rep.job != ev->finetune_job)
        return;
    t->job = false;
    if (!rep.ok) {
        snprintf(t->message, sizeof t->message, "fine-tuning failed: %.170s", rep.err.msg);
        report_status(&s->report, true, "%s", t->message);
        return;
    }
    /* The fine-tuned weights are the trainer's own now, published before
     * this event: the newest snapshot has them (or what a Space pressed
     * meanwhile trained on from them). */
    training_update(&s->train, s->now, &s->model.net);
    model_slot_touch(&s->model);
    model_slot_mark_trained(&s->model); // work a Reset or a new shape would lose: they ask first
    s->views.want_eval = true;          // the mistakes of the new weights
    const finetune_result r = rep.result;
    t->have_result = true;
    t->result = r;
    event_finetune(&s->events, r.samples, r.trained, r.held, r.before_mine, r.after_mine,
                   r.before_mnist, r.after_mnist);
    // The panel's line, with a shorter form after '|' for a narrow panel.
    snprintf(t->message, sizeof t->message,
             "your held-out %zu: %.0f%% -> %.0f%%   MNIST test: %.2f%% -> %.2f%%|"
             "yours %.0f%% -> %.0f%%, MNIST %.1f%% -> %.1f%%|yours %.0f%% -> %.0f%%, MNIST %.1f%%",
             r.held, 100.0 * r.before_mine, 100.0 * r.after_mine, 100.0 * r.before_mnist,
             100.0 * r.after_mnist, 100.0 * r.before_mine, 100.0 * r.after_mine,
             100.0 * r.before_mnist, 100.0 * r.after_mnist, 100.0 * r.before_mine,
             100.0 * r.after_mine, 100.0 * r.after_mnist);
    char line[160];
    snprintf(line, sizeof line, "your held-out %zu: %.0f%% -> %.0f%%, MNIST test: %.2f%% -> %.2f%%",
             r.held, 100.0 * r.before_mine, 100.0 * r.after_mine, 100.0 * r.before_mnist,
             100.0 * r.after_mnist);
    report_log(&s->report, "Fine-tuned on %zu of your digits (%zu held out): %s", r.trained,
               r.held, line);
    report_status(&s->report, false, "fine-tuned: %s (Ctrl+S saves)", line);
}


void app_teach_toggle_augment(app_state *s)
{
    training *tr = &s->train;
    if (app_teach_busy(s)) { // a new trainer would stop the fine-tuning
        report_status(&s->report, true, "wait for the fine-tuning to end (a few seconds)");
        return;
    }
    tr->next.augment = !tr->next.augment;
    event_augment(&s->events, tr->next.augment);
    bool was_running = training_running(tr);
    if (tr->have_trainer) {
        // The trainer is made with its distortions: a new one from the weights shown.
        if (training_update(tr, s->now, &s->model.net))
            model_slot_touch(&s->model);
        training_drop_trainer(tr);
    }
    s->teach.preview_time = -1e9;
    s->teach.preview_seen = false; // that trainer's batches went with it
    s->teach.n_preview = 0;
    if (was_running)
        app_toggle_training(s);
    report_status(&s->report, false,
                  tr->next.augment ? "training on distorted digits (affine + elastic; A: off)"
                                   : "training on the digits as they are (A: distorted)");
}

/* The model's class names, the chosen dataset's names, both ten. */
static bool model_has_labels(const app_state *s)
{
    const model_meta *m = &s->model.meta;
    return s->model.have && m->labels && m->n_labels == DATASET_CHOICE_CLASSES;
}

bool app_teach_labels_match(const app_state *s, size_t i)
{
    const dataset_choice *c = &s->teach.choice;
    if (i >= c->count || !model_has_labels(s))
        return true;
    for (size_t k = 0; k < DATASET_CHOICE_CLASSES; k++)
        if (strcmp(s->model.meta.labels[k], c->items[i].labels[k]))
            return false;
    return true;
}

void app_teach_model_reads(const app_state *s, char *out, size_t len)
{
    const dataset_choice *c = &s->teach.choice;
    if (!model_has_labels(s)) {
        snprintf(out, len, "its own classes");
        return;
    }
    for (size_t i = 0; i < c->count; i++)
        if (app_teach_labels_match(s, i)) {
            snprintf(out, len, "%s", c->items[i].digits ? "digits" : c->items[i].name);
            return;
        }
    snprintf(out, len, "%s, %s, ...", s->model.meta.labels[0], s->model.meta.labels[1]);
}

bool app_teach_labels_follow(app_state *s)
{
    const dataset_choice *c = &s->teach.choice;
    if (c->current >= c->count || app_teach_labels_match(s, c->current))
        return false;
    model_meta *m = &s->model.meta;
    for (size_t k = 0; k < DATASET_CHOICE_CLASSES; k++)
        snprintf(m->labels[k], sizeof m->labels[k], "%s", c->items[c->current].labels[k]);
    s->model.version++;
    s->model.dirty = true;
    report_log(&s->report, "Training on %s: the model's classes are its classes now",
               c->items[c->current].name);
    return true;
}

void app_teach_choose_dataset(app_state *s, size_t i)
{
    teach *t = &s->teach;
    if (i >= t->choice.count)
        return;
    if (app_teach_busy(s)) {
        report_status(&s->report, true, "wait for the fine-tuning to end");
        return;
    }
    t->pending = false;
    t->choice.current = i;
    const dataset_choice_item *it = &t->choice.items[i];
    if (training_update(&s->train, s->now, &s->model.net))
        model_slot_touch(&s->model);
    training_set_data(&s->train, dataset_choice_dir(&t->choice, i));
    event_dataset(&s->events, it->name, it->dir);
    dp_error err = {{0}};
    // The model keeps the class names its weights were trained for: the
    // dataset's names go with the weights that training on it makes.
    char reads[64];
    bool other = s->model.have && !app_teach_labels_match(s, i);
    app_teach_model_reads(s, reads, sizeof reads);
    if (!training_want_data(&s->train, &err))
        report_status(&s->report, true, "dataset %s: %s", it->name,
                      err.msg[0] ? err.msg : s->train.data_error);
    else if (other)
        report_status(&s->report, false,
                      "the model reads %s; Train to learn %s (R first: fresh weights)", reads,
                      it->name);
    else
        report_status(&s->report, false, "dataset: %s (reading it; R then Space trains afresh)",
                      it->name);
}

void app_teach_next_dataset(app_state *s)
{
    app_teach_choose_dataset(s, dataset_choice_next(&s->teach.choice));
}

bool app_teach_drop_folder(app_state *s, const char *path)
{
    if (!dataset_choice_is_idx_dir(path))
        return false;
    int i = dataset_choice_add_folder(&s->teach.choice, path);
    if (i >= 0)
        app_teach_choose_dataset(s, (size_t)i);
    return true;
}

/* The strip: while training, the first images of the batch the trainer
 * has just trained on (at most once a second, so that they can be looked
 * at); when not, and nothing of the trainer's is kept, examples distorted
 * here as the trainer's feed distorts (the same configuration). */
static void refresh_preview(app_state *s)
{
    teach *t = &s->teach;
    if (!s->train.next.augment || s->train.data_state != TRAINING_DATA_LOADED ||
        s->train.data.train.count == 0 || s->now - t->preview_time < 1.0)
        return;
    const dataset *d = &s->train.data.train;
    if (d->rows != SAMPLES_SIDE || d->cols != SAMPLES_SIDE)
        return;
    uint8_t *seen_images = t->seen_buf;
    trainer_seen seen;
    if (s->train.have_trainer && s->train.running.augment &&
        s->model.net.sizes[0] == SAMPLES_PIXELS &&
        training_take_seen(&s->train, &seen, seen_images)) {
        if (seen.n == 0) { // a reset: its batches are gone
            t->preview_seen = false;
            t->n_preview = 0;
        } else {
            size_t n = seen.n < TEACH_PREVIEW ? seen.n : TEACH_PREVIEW;
            memcpy(t->preview, seen_images, n * SAMPLES_PIXELS);
            memcpy(t->preview_labels, seen.labels, n);
            t->n_preview = n;
            t->preview_seen = true;
            t->preview_step = seen.global_step;
            // Counted as the header counts them: after the model's recorded epochs.
            t->preview_epoch = s->curves.epoch_base + seen.epoch;
        }
        t->preview_time = s->now;
        t->preview_version++;
        return;
    }
    if (training_running(&s->train) || (t->preview_seen && s->train.have_trainer))
        return; // the trainer's batch stays until its next one
    if (!t->have_preview_work) {
        augment_config cfg = augment_config_default(true, true);
        cfg.field_bank = 0; // a dozen images: a fresh field each
        if (!augment_work_init(&t->preview_work, &cfg, SAMPLES_SIDE, SAMPLES_SIDE, NULL))
            return;
        t->have_preview_work = true;
    }
    for (size_t i = 0; i < TEACH_PREVIEW; i++) {
        size_t k = (size_t)(dp_rng_next(&t->preview_rng) % d->count);
        augment_image(t->preview[i], d->images + k * SAMPLES_PIXELS, &t->preview_work,
                      &t->preview_rng);
        t->preview_labels[i] = d->labels[k];
    }
    t->n_preview = TEACH_PREVIEW;
    t->preview_seen = false;
    t->preview_time = s->now;
    t->preview_version++;
}

void teach_preview_caption(const teach *t, bool augment, bool running, char *out, size_t n)
{
    if (!augment)
        snprintf(out, n, "DISTORTIONS OFF (A TURNS THEM ON)");
    else if (t->n_preview && t->preview_seen && running)
        snprintf(out, n,
                 "BATCH %llu: WHAT IT IS TRAINING ON (DISTORTED, EPOCH %zu)|"
                 "BATCH %llu: WHAT IT IS TRAINING ON|BATCH %llu: TRAINING ON",
                 (unsigned long long)t->preview_step, t->preview_epoch,
                 (unsigned long long)t->preview_step, (unsigned long long)t->preview_step);
    else if (t->n_preview && t->preview_seen)
        snprintf(out, n,
                 "BATCH %llu: WHAT IT TRAINED ON LAST (DISTORTED, EPOCH %zu)|"
                 "BATCH %llu: WHAT IT TRAINED ON LAST|BATCH %llu: TRAINED ON LAST",
                 (unsigned long long)t->preview_step, t->preview_epoch,
                 (unsigned long long)t->preview_step, (unsigned long long)t->preview_step);
    else if (t->n_preview)
        snprintf(out, n,
                 "EXAMPLES: TRAINING DIGITS DISTORTED AS TRAINING WILL (SPACE TRAINS)|"
                 "EXAMPLES OF DISTORTED TRAINING DIGITS|EXAMPLES, DISTORTED");
    else
        snprintf(out, n, "DISTORTED DIGITS APPEAR HERE ONCE THE DATA IS READ|"
                         "DISTORTED DIGITS: ONCE THE DATA IS READ");
}

void app_teach_update(app_state *s)
{
    teach *t = &s->teach;
    if (t->pending && s->train.data_state == TRAINING_DATA_LOADED) {
        t->pending = false;
        start_job(s);
    } else if (t->pending && (s->train.data_state == TRAINING_DATA_FAILED ||
                              s->train.data_state == TRAINING_DATA_MISSING)) {
        t->pending = false;
        snprintf(t->message, sizeof t->message, "no MNIST to replay: not fine-tuned");
    }
    if (t->job && !training_finetune_busy(&s->train)) {
        // The trainer went with its job (another model, a new shape, Ctrl+Z).
        t->job = false;
        snprintf(t->message, sizeof t->message, "fine-tuning stopped: the model was replaced");
        report_status(&s->report, true, "%s", t->message);
    }
    if (t->open || training_running(&s->train))
        refresh_preview(s);
}

bool app_teach_busy(const app_state *s)
{
    return s->teach.job || s->teach.pending;
}

void app_teach_toggle_panel(app_state *s)
{
    s->teach.open = !s->teach.open;
    s->teach.selected = -1;
    s->teach.hover = TEACH_BTN_NONE;
}

bool app_teach_mouse(app_state *s, float x, float y, bool down)
{
    teach *t = &s->teach;
    if (!t->open)
        return false;
    teach_layout tl;
    teach_layout_compute(t, &s->layout, &tl);
    if (!rect_contains(tl.panel, x, y)) {
        t->hover = TEACH_BTN_NONE;
        return false;
    }
    long sample;
    teach_button b = teach_hit(t, &tl, x, y, &sample);
    t->hover = b;
    if (!down)
        return true;
    switch (b) {
    case TEACH_BTN_CLOSE:
        app_teach_toggle_panel(s);
        break;
    case TEACH_BTN_PREV:
        t->first = t->first >= tl.n_thumbs ? t->first - tl.n_thumbs : 0;
        break;
    case TEACH_BTN_NEXT:
        if (t->first + tl.n_thumbs < t->samples.count)
            t->first += tl.n_thumbs;
        break;
    case TEACH_BTN_DELETE:
        app_teach_delete(s, t->selected);
        break;
    case TEACH_BTN_FINETUNE:
        app_teach_finetune(s);
        break;
    case TEACH_BTN_AUGMENT:
        app_teach_toggle_augment(s);
        break;
    case TEACH_BTN_DATASET:
        app_teach_next_dataset(s);
        break;
    case TEACH_BTN_NONE:
    case TEACH_BTN_COUNT:
        if (sample >= 0)
            t->selected = t->selected == sample ? -1 : sample;
        break;
    }
    return true;
}
