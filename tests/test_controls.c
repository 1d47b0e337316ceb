/* test_controls.c: issue 11's controls without a display: the settings'
 * scales (hand-worked steps), their panel's geometry at the smallest
 * window, the single step's card, and the window driven as a person would
 * (keys and clicks through app_handle) on a small synthetic MNIST: Step
 * trains exactly one batch and says so in a step event, the speed buttons,
 * the learning rate and batch changed live, Reset asking first and undone
 * by Ctrl+Z, Clear undone, a new shape and activation applied as fresh
 * weights, and Train on a trained model asking "continue or from scratch". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/controls.h"
#include "app/panels.h"
#include "app/settings.h"
#include "app/step_view.h"
#include "app/window.h"

#include "check.h"
#include "events.h"
#include "synth_mnist.h"

static void test_scales(void)
{
    // The learning rate: 1 and 3 per decade, a value between goes to the next one.
    CHECK(settings_lr_step(0.001, 1) == 3e-3 && settings_lr_step(0.001, -1) == 3e-4, "lr 0.001");
    CHECK(settings_lr_step(0.002, 1) == 3e-3 && settings_lr_step(0.002, -1) == 1e-3, "lr 0.002");
    CHECK(settings_lr_step(1.0, 1) == 1.0 && settings_lr_step(1e-5, -1) == 1e-5, "lr ends");
    CHECK(settings_lr_step(0.3, 1) == 1.0 && settings_lr_step(3e-5, -1) == 1e-5, "lr near ends");
    // Batch and widths by powers of two, within 1..1024 and 1..4096.
    CHECK(settings_batch_step(32, 1) == 64 && settings_batch_step(32, -1) == 16, "batch 32");
    CHECK(settings_batch_step(33, 1) == 64 && settings_batch_step(33, -1) == 32, "batch 33");
    CHECK(settings_batch_step(1, -1) == 1 && settings_batch_step(1024, 1) == 1024, "batch ends");
    CHECK(settings_batch_step(600, 1) == 1024, "batch 600 up: %zu", settings_batch_step(600, 1));
    CHECK(settings_width_step(128, 1) == 256 && settings_width_step(4096, 1) == 4096 &&
              settings_width_step(1, -1) == 1,
          "widths");
    CHECK(settings_epochs_step(1, -1) == 1 && settings_epochs_step(5, 1) == 6 &&
              settings_epochs_step(SETTINGS_MAX_EPOCHS, 1) == SETTINGS_MAX_EPOCHS,
          "epochs");
    mlp_activation a = MLP_ACT_RELU;
    const mlp_activation order[] = {MLP_ACT_LINEAR, MLP_ACT_SIGMOID, MLP_ACT_TANH, MLP_ACT_RELU};
    for (int i = 0; i < 4; i++) {
        a = settings_activation_step(a, 1);
        CHECK(a == order[i], "activation step %d", i);
    }
    CHECK(settings_activation_step(MLP_ACT_RELU, -1) == MLP_ACT_TANH, "activation back");

    // Layers: up to the core's cap of hidden layers, and back to none.
    settings_panel p;
    settings_init(&p);
    CHECK(p.n_hidden == 1 && p.hidden[0] == 128, "default shape");
    while (settings_add_layer(&p))
        ;
    CHECK(p.n_hidden == SETTINGS_MAX_HIDDEN, "layers capped at %zu", p.n_hidden);
    CHECK(settings_rows(&p) == SETTINGS_ROW_LAYER0 + SETTINGS_MAX_HIDDEN, "no add row at the cap");
    // The panel fits the smallest window with every layer, and the hit test
    // finds what is drawn.
    app_layout l;
    layout_compute(&l, 900, 600, 1.0f, 2);
    p.visible = true;
    settings_geom g;
    settings_geom_of(&p, &l, &g);
    CHECK(g.card.x >= 0 && g.card.y >= 0 && g.card.x + g.card.w <= 900 &&
              g.card.y + g.card.h <= 600,
          "card %d,%d %dx%d", g.card.x, g.card.y, g.card.w, g.card.h);
    for (size_t r = 0; r < g.n_rows; r++) {
        CHECK(g.row[r].y >= g.card.y && g.row[r].y + g.row[r].h <= g.apply.y, "row %zu", r);
        CHECK(r == 0 || g.row[r].y >= g.row[r - 1].y + g.row[r - 1].h, "rows %zu overlap", r);
    }
    float cx = (float)g.plus[SETTINGS_ROW_BATCH].x + 2, cy = (float)g.plus[SETTINGS_ROW_BATCH].y + 2;
    settings_hit h = settings_hit_at(&g, &p, cx, cy);
    CHECK(h.kind == SETTINGS_HIT_PLUS && h.row == SETTINGS_ROW_BATCH, "hit %d row %d", h.kind, h.row);
    h = settings_hit_at(&g, &p, (float)g.act[2].x + 2, (float)g.act[2].y + 2);
    CHECK(h.kind == SETTINGS_HIT_ACT && h.which == 2, "activation hit");
    h = settings_hit_at(&g, &p, 1, 1);
    CHECK(h.kind == SETTINGS_HIT_NONE, "outside the card");
    CHECK(settings_remove_layer(&p, 0) && p.n_hidden == SETTINGS_MAX_HIDDEN - 1, "remove");
}

static void test_step_card(void)
{
    trainer_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TRAINER_EV_SINGLE;
    ev.global_step = 7;
    ev.batch = 32;
    ev.batch_loss = 2.25f;
    ev.batch_accuracy = 0.15625f; // 5 of 32
    ev.weight_move = 0.2;
    ev.weight_norm = 10.0;        // 2 %
    ev.shown = 32;
    step_view v;
    step_view_init(&v);
    panel_step p;
    panel_step_of(&v, &p);
    CHECK(!p.visible, "no card before a step");
    step_view_take(&v, &ev);
    panel_step_of(&v, &p);
    CHECK(p.visible && p.n == 32 && p.global_step == 7, "card");
    CHECK(!strcmp(p.title, "Step 7: one batch of 32 images"), "%s", p.title);
    CHECK(strstr(p.figures, "loss 2.2500") && strstr(p.figures, "5/32 right") &&
              strstr(p.figures, "moved 0.2 (2 %)"),
          "%s", p.figures);
    step_geom g;
    app_rect area = {558, 356, 326, 198};
    step_view_geom(area, 1.0f, 32, &g);
    for (size_t i = 0; i < 32; i++)
        CHECK(g.tiles[i].w >= 8 && g.tiles[i].x >= area.x && g.tiles[i].y > g.text_y[2] &&
                  g.tiles[i].x + g.tiles[i].w <= area.x + area.w &&
                  g.tiles[i].y + g.tiles[i].h <= area.y + area.h,
              "tile %zu at %d,%d %dx%d", i, g.tiles[i].x, g.tiles[i].y, g.tiles[i].w, g.tiles[i].h);
    step_view_hide(&v);
    panel_step_of(&v, &p);
    CHECK(!p.visible, "hidden");
}

static void key(app_state *s, app_key k, bool ctrl)
{
    app_input_event ev = {.kind = APP_IN_KEY, .key = k, .ctrl = ctrl};
    app_handle(s, &ev);
}

static void click(app_state *s, app_rect r)
{
    app_input_event ev = {.kind = APP_IN_MOUSE_DOWN,
                          .x = (float)r.x + (float)r.w / 2,
                          .y = (float)r.y + (float)r.h / 2,
                          .button = 1};
    app_handle(s, &ev);
    ev.kind = APP_IN_MOUSE_UP;
    app_handle(s, &ev);
}

static void nap(void)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
}

/* Runs frames until cond holds (at most ~40 s of naps, not a timed check). */
#define FRAMES_UNTIL(s, t, cond)                                                                  \
    do {                                                                                          \
        for (int i_ = 0; i_ < 20000 && !(cond); i_++) {                                           \
            nap();                                                                                \
            *(t) += 0.002;                                                                        \
            app_update((s), *(t));                                                                \
        }                                                                                         \
    } while (0)

/* The first line from line `from` on that holds text, or NULL. */
static const char *first_after(const captured *c, size_t from, const char *text)
{
    for (size_t i = from; i < c->n; i++)
        if (strstr(c->lines[i], text))
            return c->lines[i];
    return NULL;
}

/* The whole of a text file (NUL-ended), or NULL. */
static char *slurp_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (t && fread(t, 1, (size_t)n, f) == (size_t)n) {
        t[n] = '\0';
    } else {
        free(t);
        t = NULL;
    }
    fclose(f);
    return t;
}

/* Does a line of the log hold text? */
static bool log_has(const report *r, const char *text)
{
    for (size_t i = 0; i < REPORT_LOG_LINES; i++)
        if (strstr(r->log[i], text))
            return true;
    return false;
}

static size_t count_events(const captured *c, const char *kind)
{
    char k[64];
    snprintf(k, sizeof k, "\"event\":\"%s\"", kind);
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += strstr(c->lines[i], k) != NULL;
    return n;
}

static void test_window(const char *dir)
{
    app_config cfg;
    app_config_default(&cfg);
    cfg.data_dir = dir;
    cfg.fresh = true;
    cfg.recent_file = NULL;
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 900, 600, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    double t = 0.0;
    app_update(s, t);
    const char *set = last_event(cap, "settings");
    CHECK(set && strstr(set, "\"lr\":0.001,\"batch\":32,\"epochs\":5,\"layers\":[128]"),
          "settings at start: %s", set ? set : "none");
    FRAMES_UNTIL(s, &t, s->train.data_state == TRAINING_DATA_LOADED);
    CHECK(s->train.data_state == TRAINING_DATA_LOADED, "the synthetic MNIST is read");

    // `.`: exactly one batch, shown, and a step event.
    key(s, APP_KEY_PERIOD, false);
    FRAMES_UNTIL(s, &t, last_event(cap, "step") != NULL);
    const char *st = last_event(cap, "step");
    CHECK(st && strstr(st, "\"global_step\":1,") && strstr(st, "\"batch\":32,"), "step: %s",
          st ? st : "none");
    CHECK(s->ctl.step.visible && s->ctl.step.ev.shown == 32, "the step's card");
    CHECK(training_state(&s->train) == TRAINER_IDLE, "a step does not start training");
    // The Step button: the second batch.
    click(s, s->layout.buttons[BTN_STEP]);
    FRAMES_UNTIL(s, &t, count_events(cap, "step") == 2);
    st = last_event(cap, "step");
    CHECK(st && strstr(st, "\"global_step\":2,"), "second step: %s", st ? st : "none");
    CHECK(s->ctl.step.ev.global_step == 2, "the card shows step 2");
    key(s, APP_KEY_ESCAPE, false);
    CHECK(!s->ctl.step.visible, "Esc hides the card");

    // The speed buttons.
    click(s, s->layout.buttons[BTN_SPEED_10]);
    CHECK(s->train.next.speed == 10 && strstr(last_event(cap, "settings"), "\"speed\":10"),
          "10/s");
    click(s, s->layout.buttons[BTN_SPEED_FULL]);
    CHECK(s->train.next.speed == 0, "full");

    // The settings panel: lr up, batch down, live; the settings event each time.
    key(s, APP_KEY_S, false);
    CHECK(s->ctl.settings.visible, "S opens the settings");
    // The panel takes the keys: 4 (the mistakes view), D, C, M do nothing underneath.
    app_view view_before = s->views.view;
    size_t choice_before = s->teach.choice.current;
    key(s, APP_KEY_4, false);
    key(s, APP_KEY_TAB, false);
    key(s, APP_KEY_D, false);
    key(s, APP_KEY_M, false);
    CHECK(s->ctl.settings.visible && s->views.view == view_before &&
              s->teach.choice.current == choice_before && !s->teach.open,
          "keys went under the settings: view %d, dataset %zu, My digits %d", (int)s->views.view,
          s->teach.choice.current, s->teach.open);
    key(s, APP_KEY_RIGHT, false); // row 0: the lr
    CHECK(s->train.next.lr == 3e-3, "lr %g", s->train.next.lr);
    set = last_event(cap, "settings");
    CHECK(set && strstr(set, "\"lr\":0.003,"), "%s", set ? set : "none");
    key(s, APP_KEY_DOWN, false);
    key(s, APP_KEY_LEFT, false); // the batch
    CHECK(s->train.next.batch == 16, "batch %zu", s->train.next.batch);
    key(s, APP_KEY_PERIOD, false); // Step still works under the panel, with the new batch
    FRAMES_UNTIL(s, &t, count_events(cap, "step") == 3);
    st = last_event(cap, "step");
    CHECK(st && strstr(st, "\"global_step\":3,") && strstr(st, "\"batch\":16,"), "batch 16 step: %s",
          st ? st : "none");

    // A new shape and activation: the weights have unsaved training, so Apply asks first.
    settings_panel *p = &s->ctl.settings;
    p->row = SETTINGS_ROW_ACTIVATION;
    key(s, APP_KEY_RIGHT, false); // relu -> linear
    p->row = SETTINGS_ROW_LAYER0 + 1; // "add a layer"
    key(s, APP_KEY_RIGHT, false);
    CHECK(p->n_hidden == 2 && p->act == MLP_ACT_LINEAR, "drawn up: %zu layers", p->n_hidden);
    float before0 = s->model.net.params[0];
    key(s, APP_KEY_RETURN, false);
    CHECK(p->asking && s->model.net.n_layers == 2, "asks before fresh weights");
    key(s, APP_KEY_RETURN, false);
    CHECK(!p->visible && s->model.net.n_layers == 3 && s->model.net.layers[0].act == MLP_ACT_LINEAR,
          "applied: %zu layers", s->model.net.n_layers);
    set = last_event(cap, "settings");
    CHECK(set && strstr(set, "\"layers\":[128,128],\"activation\":\"linear\""), "%s",
          set ? set : "none");
    // Ctrl+Z: the trained 784-128-10 is back.
    key(s, APP_KEY_Z, true);
    CHECK(s->model.net.n_layers == 2 && s->model.net.params[0] == before0 &&
              model_slot_unsaved_training(&s->model),
          "undo brings the trained model back");

    // Reset over unsaved training asks; "Keep them" keeps them; yes resets; Ctrl+Z undoes.
    key(s, APP_KEY_R, false);
    CHECK(s->ctl.question == QUESTION_RESET, "Reset asks");
    view_before = s->views.view;
    key(s, APP_KEY_4, false);
    key(s, APP_KEY_SPACE, false);
    CHECK(s->ctl.question == QUESTION_RESET && s->views.view == view_before &&
              training_state(&s->train) != TRAINER_RUNNING,
          "keys went under the question: view %d", (int)s->views.view);
    key(s, APP_KEY_ESCAPE, false);
    CHECK(s->ctl.question == QUESTION_NONE && s->model.net.params[0] == before0, "Esc keeps");
    key(s, APP_KEY_R, false);
    key(s, APP_KEY_RETURN, false);
    CHECK(s->model.net.params[0] != before0 && !model_slot_unsaved_training(&s->model),
          "fresh weights");
    key(s, APP_KEY_Z, true);
    CHECK(s->model.net.params[0] == before0, "Ctrl+Z undoes the reset");

    // The Open panel and My digits take the view keys too; Esc closes each.
    view_before = s->views.view;
    key(s, APP_KEY_O, true);
    CHECK(s->ctl.open.visible, "Ctrl+O opens the Open panel");
    key(s, APP_KEY_4, false);
    key(s, APP_KEY_D, false);
    CHECK(s->ctl.open.visible && s->views.view == view_before &&
              s->teach.choice.current == choice_before,
          "keys went under the Open panel: view %d", (int)s->views.view);
    key(s, APP_KEY_ESCAPE, false);
    CHECK(!s->ctl.open.visible, "Esc closes the Open panel");
    key(s, APP_KEY_M, false);
    CHECK(s->teach.open, "M opens My digits");
    key(s, APP_KEY_4, false);
    key(s, APP_KEY_TAB, false);
    CHECK(s->teach.open && s->views.view == view_before, "keys went under My digits: view %d",
          (int)s->views.view);
    key(s, APP_KEY_ESCAPE, false);
    CHECK(!s->teach.open, "Esc closes My digits");
    key(s, APP_KEY_4, false);
    CHECK(s->views.view == VIEW_MISTAKES, "4 with nothing open: view %d", (int)s->views.view);

    // Clear, then Ctrl+Z: the drawing is back, stroke for stroke.
    canvas_begin_stroke(&s->canvas, 10, 5, false);
    canvas_add_point(&s->canvas, 10, 22);
    canvas_end_stroke(&s->canvas);
    canvas_begin_stroke(&s->canvas, 6, 6, false);
    canvas_add_point(&s->canvas, 20, 6);
    canvas_end_stroke(&s->canvas);
    size_t strokes = s->canvas.n_strokes, points = s->canvas.n_points;
    key(s, APP_KEY_C, false);
    CHECK(canvas_is_empty(&s->canvas), "cleared");
    key(s, APP_KEY_Z, true);
    CHECK(s->canvas.n_strokes == strokes && s->canvas.n_points == points, "undo Clear: %zu/%zu",
          s->canvas.n_strokes, strokes);
    key(s, APP_KEY_Z, true);
    CHECK(s->canvas.n_strokes == strokes - 1, "then a stroke");

    // Ctrl+Shift+S saves under a new name; the next Ctrl+S goes to that same file.
    app_input_event save_as = {.kind = APP_IN_KEY, .key = APP_KEY_S, .ctrl = true, .shift = true};
    app_handle(s, &save_as);
    const char *sv = last_event(cap, "saved");
    char first[4300] = "";
    if (sv)
        snprintf(first, sizeof first, "%s", sv);
    CHECK(sv && strstr(sv, dir) && strstr(sv, "/digitpad/models/"), "save as: %s", sv ? sv : "none");
    size_t saves = count_events(cap, "saved");
    key(s, APP_KEY_S, true);
    CHECK(count_events(cap, "saved") == saves + 1 && !strcmp(last_event(cap, "saved"), first),
          "Ctrl+S after save-as: %s", last_event(cap, "saved"));
    CHECK(!model_slot_unsaved_training(&s->model) && !s->model.dirty, "saved: nothing unsaved");
    // Saved after 3 batches (2 of 32, then 1 of 16: 80 of the 640 samples)
    // of epoch 1: the file records that, and the changes of lr and batch
    // made at sample 64. The 560 left make 35 batches of 16.
    {
        char *text = slurp_text(s->model.path);
        CHECK(text && strstr(text, "\"progress\": {\"epoch\": 1, \"samples_done\": 80, "
                                   "\"samples_per_epoch\": 640, \"batches_done\": 3, "
                                   "\"batches_per_epoch\": 38, \"global_step\": 3, "),
              "the progress saved: %s", text && strstr(text, "\"progress\"")
                                            ? strstr(text, "\"progress\"") : "none");
        CHECK(text && strstr(text, "\"schedule\": [\n      {\"epoch\": 1, \"samples_done\": 0, "
                                   "\"learning_rate\": 0.001, \"batch_size\": 32},\n      "
                                   "{\"epoch\": 1, \"samples_done\": 64, \"learning_rate\": "
                                   "0.003, \"batch_size\": 16}\n    ]"),
              "the schedule saved: %s", text && strstr(text, "\"schedule\"")
                                            ? strstr(text, "\"schedule\"") : "none");
        CHECK(text && strstr(text, "\"learning_rate\": 0.003, \"beta_1\""), "the lr in use");
        free(text);
    }

    // Ctrl+O lists it (saved, with its shape), and Enter opens the chosen one.
    key(s, APP_KEY_O, true);
    const open_panel *op = &s->ctl.open;
    CHECK(op->visible && op->n >= 1 && !strcmp(op->e[0].source, "saved") &&
              !strcmp(op->e[0].shape, "784-128-10") && !strcmp(op->e[0].accuracy, "–"),
          "open panel: %zu, %s %s %s", op->n, op->n ? op->e[0].source : "",
          op->n ? op->e[0].shape : "", op->n ? op->e[0].accuracy : "");
    CHECK(op->n >= 1 && strstr(first, op->e[0].name), "the saved file listed: %s",
          op->n ? op->e[0].name : "");
    panel_open po;
    panel_open_of(s, &po);
    CHECK(po.visible && strstr(po.detail[0], "saved  ·  784-128-10  ·  test –"), "%s", po.detail[0]);
    size_t loads = count_events(cap, "loaded");
    key(s, APP_KEY_RETURN, false);
    CHECK(!op->visible, "Enter closes the panel");
    loader_wait(&s->model.loader);
    app_update(s, t += 0.01);
    CHECK(count_events(cap, "loaded") == loads + 1, "Enter opened it");
    CHECK(strstr(s->report.status, "saved during training, at epoch 1, 3 of 38 batches"), "%s",
          s->report.status);
    ui_panels *up = calloc(1, sizeof *up);
    panels_of(s, 0, 0, up);
    CHECK(strstr(up->header.shape, "saved at epoch 1, 3 of 38 batches"), "header: %s",
          up->header.shape);
    free(up);

    // Continuing it goes on in epoch 1 at batch 4 (of 38: the rest at 16),
    // and a save says how far training had got.
    size_t steps = count_events(cap, "step");
    key(s, APP_KEY_PERIOD, false);
    FRAMES_UNTIL(s, &t, count_events(cap, "step") == steps + 1);
    st = last_event(cap, "step");
    CHECK(st && strstr(st, "\"global_step\":4,") && strstr(st, "\"batch\":16,"),
          "the step goes on from the saved one: %s", st ? st : "none");
    CHECK(s->ctl.step.ev.step == 4 && s->ctl.step.ev.steps_per_epoch == 38 &&
              s->ctl.step.ev.sample == 96,
          "at batch %zu of %zu, sample %zu", s->ctl.step.ev.step, s->ctl.step.ev.steps_per_epoch,
          s->ctl.step.ev.sample);
    CHECK(log_has(&s->report, "Going on with epoch 1, 3 of 38 batches: the 560 samples left of "
                              "it, in the order it began with"), "the log says it goes on");
    key(s, APP_KEY_S, true);
    CHECK(strstr(s->report.status, "during training, at epoch 1, 4 of 38 batches"), "%s",
          s->report.status);

    app_state_destroy(s);
    free(s);
    free(cap);
}

/* Train on a trained model asks "continue or from scratch"; scratch makes
 * fresh weights whose untrained accuracy is measured first. */
static void test_scratch_or_continue(const char *dir)
{
    // A model with a training record, saved and opened.
    char model[4200];
    snprintf(model, sizeof model, "%s/trained.json", dir);
    size_t sizes[] = {784, 16, 10};
    mlp net;
    model_meta meta;
    CHECK(mlp_init(&net, sizes, 3, NULL) && model_meta_default(&meta, 28, 28, 10, NULL), "net");
    mlp_init_glorot(&net, 5);
    model_epoch e = {.epoch = 3, .loss = 0.5, .accuracy = 0.8, .val_loss = 0.6, .val_accuracy = 0.75};
    CHECK(model_meta_add_epoch(&meta, &e, NULL), "history");
    meta.has_training = true;
    CHECK(model_file_save(model, &net, &meta, NULL), "save");
    mlp_destroy(&net);
    model_meta_destroy(&meta);

    app_config cfg;
    app_config_default(&cfg);
    cfg.data_dir = dir;
    cfg.model_path = model;
    cfg.recent_file = NULL;
    cfg.epochs = 1;
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 900, 600, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    double t = 0.0;
    FRAMES_UNTIL(s, &t, s->train.data_state == TRAINING_DATA_LOADED);
    // The loaded model's own test answers (for the mistakes view) first, so
    // that they are not taken for the fresh weights' below.
    FRAMES_UNTIL(s, &t, last_event(cap, "confusion") != NULL);
    float trained0 = s->model.net.params[0];
    key(s, APP_KEY_SPACE, false);
    CHECK(s->ctl.question == QUESTION_SCRATCH, "Space on a trained model asks");
    panel_question q;
    panel_question_of(s, &q);
    CHECK(strstr(q.text, "3 epochs") && strstr(q.text, "75.00 %") &&
              !strcmp(q.yes, "Continue training") && !strcmp(q.no, "Train from scratch"),
          "%s / %s / %s", q.text, q.yes, q.no);
    question_geom g;
    question_geom_of(&s->layout, &g);
    size_t from = cap->n;
    click(s, g.no); // from scratch
    CHECK(s->ctl.question == QUESTION_NONE && s->model.have_undo, "from scratch, undoable");
    // The untrained weights' accuracy comes first (epoch 0), then training.
    // (A short epoch may be over within the frame that reads the evaluation.)
    FRAMES_UNTIL(s, &t, first_after(cap, from, "\"epoch\":0,\"source\":\"eval\"") != NULL);
    const char *c = first_after(cap, from, "\"epoch\":0,\"source\":\"eval\"");
    CHECK(c && strstr(c, "\"epoch\":0,\"source\":\"eval\""), "%s", c ? c : "none");
    // ... and it is the curves' first point, at epoch 0, as the event says.
    double acc0 = -1;
    const char *a = c ? strstr(c, "\"accuracy\":") : NULL;
    if (a)
        acc0 = atof(a + 11);
    CHECK(s->curves.n_epochs >= 1 && s->curves.epochs[0].epoch == 0 &&
              fabs(s->curves.epochs[0].val_accuracy - acc0) < 1e-4,
          "epoch 0 point: %zu points, first epoch %d, %g vs %g", s->curves.n_epochs,
          s->curves.n_epochs ? s->curves.epochs[0].epoch : -1,
          s->curves.n_epochs ? s->curves.epochs[0].val_accuracy : -1.0, acc0);
    FRAMES_UNTIL(s, &t, s->model.net.params[0] != trained0);
    CHECK(s->model.net.params[0] != trained0, "fresh weights");
    FRAMES_UNTIL(s, &t, last_event(cap, "done") != NULL);
    CHECK(last_event(cap, "done") != NULL, "one epoch from scratch done");
    // The throughput is there even for an epoch this short (issue 11).
    const char *ep = last_event(cap, "epoch");
    CHECK(ep && strstr(ep, "\"samples_per_s\":") && !strstr(ep, "\"samples_per_s\":0}") &&
              !strstr(ep, "\"samples_per_s\":0,"),
          "%s", ep ? ep : "none");
    // Idle, the status line's low frame rate is called rest, not shown as one.
    ui_panels *pn = calloc(1, sizeof *pn);
    panels_of(s, 1.0, 2.5, pn);
    CHECK(!strncmp(pn->status.right, "idle", 4), "idle: %s", pn->status.right);
    free(pn);
    app_state_destroy(s);
    free(s);
    free(cap);
}

int main(void)
{
    test_scales();
    test_step_card();
    char dir[] = "/tmp/digitpad-controls-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    setenv("XDG_DATA_HOME", dir, 1);
    CHECK(synth_mnist(dir, 640, 100), "synthetic MNIST");
    test_window(dir);
    test_scratch_or_continue(dir);
    synth_mnist_remove(dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/trained.json", dir);
    remove(path);
    rmdir(dir);
    return check_summary();
}
