/* test_teach: issue 13's window parts without a display.
 *
 *   - the person's samples (samples.h): kept as IDX files that the core
 *     reads back, deleted, reloaded, and a broken file never written over;
 *   - the dataset chooser (dataset_choice.h): which folders are offered and
 *     their class names;
 *   - the whole path, driven through app_handle as the SDL loop would, with
 *     the bundled model and real MNIST: a synthetic hand (MNIST digits
 *     slanted and written with a wider pen) is kept with Ctrl+digit, F
 *     fine-tunes as the trainer thread's job, and the finetune event must show the
 *     held-out digits read better while MNIST's test accuracy stays at or
 *     above 0.97; new digits in the hand, drawn on the canvas, read better
 *     too. Skips that part without MNIST or the bundled model. */
#define _XOPEN_SOURCE 700 // mkdtemp, nanosleep
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/dataset_choice.h"
#include "app/samples.h"
#include "app/window.h"
#include "core/augment.h"
#include "core/dataset.h"
#include "core/idx_write.h"
#include "core/model_file.h"

#include "check.h"
#include "events.h"

#define PX SAMPLES_PIXELS

static void write_bytes(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
}

/* ---- samples ------------------------------------------------------------- */

static void test_samples(const char *root)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/my-digits", root);
    samples s;
    samples_init(&s, dir);
    dp_error err = {{0}};
    CHECK(samples_load(&s, &err) && s.count == 0, "an absent folder: %s", err.msg);
    uint8_t img[PX];
    for (int k = 0; k < 5; k++) {
        memset(img, 0, sizeof img);
        img[k] = (uint8_t)(100 + k); // each sample told apart by one pixel
        CHECK(samples_add(&s, img, k == 4 ? 3 : k, &err), "add %d: %s", k, err.msg);
    }
    CHECK(s.count == 5 && samples_count(&s, 3) == 2 && samples_count(&s, 0) == 1 &&
              samples_count(&s, 9) == 0,
          "counts: %zu in all, %zu threes", s.count, samples_count(&s, 3));
    CHECK(!samples_add(&s, img, 10, &err) && s.count == 5, "label 10 kept");

    // What the core reads from the folder is what was kept (train and t10k).
    dataset ds;
    CHECK(dataset_load(dir, "train", &ds, &err) && ds.count == 5 && ds.labels[4] == 3 &&
              ds.images[4 * PX + 4] == 104,
          "train pair: %s", err.msg);
    dataset_destroy(&ds);
    mnist m;
    CHECK(dataset_load_mnist(dir, &m, &err) && m.test.count == 5, "--data on it: %s", err.msg);
    mnist_destroy(&m);

    // Deleting the second keeps the order of the rest, in memory and on disk.
    CHECK(samples_remove(&s, 1, &err) && s.count == 4 && s.labels[1] == 2 &&
              s.images[1 * PX + 2] == 102 && samples_count(&s, 1) == 0,
          "remove: %s", err.msg);
    CHECK(!samples_remove(&s, 4, &err), "a sample past the end removed");
    samples t;
    samples_init(&t, dir);
    CHECK(samples_load(&t, &err) && t.count == 4 && t.labels[3] == 3 &&
              t.images[3 * PX + 4] == 104,
          "reloaded: %zu samples (%s)", t.count, err.msg);
    samples_destroy(&t);

    // Deleting them all removes the files.
    while (s.count)
        CHECK(samples_remove(&s, 0, &err), "remove: %s", err.msg);
    char p[600];
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", dir);
    CHECK(access(p, F_OK) != 0, "the last deletion left %s", p);
    samples_destroy(&s);

    // A broken file: named, refused, never written over.
    samples_init(&s, dir);
    write_bytes(p, "garbage", 7);
    CHECK(!samples_load(&s, &err) && strstr(err.msg, dir) && s.broken,
          "a broken file read: %s", err.msg);
    CHECK(!samples_add(&s, img, 1, &err) && strstr(err.msg, "move it away"), "added over it: %s",
          err.msg);
    FILE *f = fopen(p, "rb");
    char back[16] = {0};
    CHECK(f && fread(back, 1, sizeof back, f) == 7 && !memcmp(back, "garbage", 7),
          "the broken file was changed");
    if (f)
        fclose(f);
    samples_destroy(&s);
    remove_tree(dir);

    // Only in memory: nothing is written anywhere.
    samples_init(&s, NULL);
    CHECK(samples_add(&s, img, 2, &err) && s.count == 1, "in memory: %s", err.msg);
    samples_destroy(&s);

    // The picture's bytes: [0, 1] to 0..255, rounded, clamped.
    float pic[PX] = {0};
    pic[0] = 1.0f;
    pic[1] = 0.5f;
    pic[2] = -0.2f;
    pic[3] = 1.7f;
    samples_from_picture(pic, img);
    CHECK(img[0] == 255 && img[1] == 128 && img[2] == 0 && img[3] == 255 && img[4] == 0,
          "picture bytes %u %u %u %u", img[0], img[1], img[2], img[3]);
}

/* ---- the dataset chooser --------------------------------------------------- */

static void test_choice(const char *root)
{
    char fashion[512], empty[512], mine[512];
    snprintf(fashion, sizeof fashion, "%s/fashion", root);
    snprintf(empty, sizeof empty, "%s/empty", root);
    snprintf(mine, sizeof mine, "%s/none", root);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s'", fashion, empty);
    CHECK(system(cmd) == 0, "mkdir");
    uint8_t px[PX] = {0}, lab[1] = {3};
    char ip[600], lp[600];
    snprintf(ip, sizeof ip, "%s/train-images-idx3-ubyte", fashion);
    snprintf(lp, sizeof lp, "%s/train-labels-idx1-ubyte", fashion);
    dp_error err = {{0}};
    CHECK(idx_write_pair(ip, lp, px, lab, 1, 28, 28, &err), "%s", err.msg);

    dataset_choice c;
    dataset_choice_init(&c, NULL, fashion, mine);
    CHECK(c.count == 2 && !strcmp(c.items[0].name, "MNIST") && c.items[0].digits &&
              !strcmp(c.items[1].name, "Fashion-MNIST") && !strcmp(c.items[1].labels[0], "T-shirt/top") &&
              !strcmp(c.items[1].labels[9], "Ankle boot") && !c.items[1].digits,
          "choices: %zu, the second %s", c.count, c.count > 1 ? c.items[1].name : "-");
    CHECK(dataset_choice_dir(&c, 0) == NULL && !strcmp(dataset_choice_dir(&c, 1), fashion),
          "dirs");
    CHECK(dataset_choice_next(&c) == 1, "D goes to Fashion-MNIST");
    c.current = 1;
    CHECK(dataset_choice_next(&c) == 0, "D wraps round");
    CHECK(dataset_choice_add_folder(&c, empty) == -1 && c.count == 2, "an empty folder offered");

    // A dropped folder with labels.txt: its names, once.
    char other[512];
    snprintf(other, sizeof other, "%s/letters", root);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s' '%s/' && printf 'alpha\\nbeta\\r\\n' > '%s/labels.txt'",
             other, ip, lp, other, other);
    CHECK(system(cmd) == 0, "%s", cmd);
    int i = dataset_choice_add_folder(&c, other);
    CHECK(i == 2 && !strcmp(c.items[2].name, "letters") && !strcmp(c.items[2].labels[0], "alpha") &&
              !strcmp(c.items[2].labels[1], "beta") && !strcmp(c.items[2].labels[2], "2"),
          "dropped folder: %d %s", i, i >= 0 ? c.items[i].labels[1] : "-");
    CHECK(dataset_choice_add_folder(&c, other) == 2 && c.count == 3, "added twice");
    // Without Fashion-MNIST installed it is not offered.
    dataset_choice_init(&c, "/x/mnist", empty, NULL);
    CHECK(c.count == 1 && !strcmp(dataset_choice_dir(&c, 0), "/x/mnist"), "no Fashion: %zu",
          c.count);
}

/* ---- the whole path ---------------------------------------------------------- */

/* The synthetic hand: leaning forward (x moves by 0.55 px per row below the
 * centre) with a pen a pixel wider (each pixel the largest of itself and its
 * right and lower neighbours), as one person might write every digit. */
static void in_hand(const uint8_t *in, float *out)
{
    const float k = 0.55f, c = 13.5f;
    float m[6] = {1.0f, -k, k * c, 0.0f, 1.0f, 0.0f};
    uint8_t lean[PX];
    augment_warp(lean, in, m, NULL, NULL, 28, 28);
    for (size_t y = 0; y < 28; y++)
        for (size_t x = 0; x < 28; x++) {
            uint8_t v = lean[y * 28 + x];
            if (x + 1 < 28 && lean[y * 28 + x + 1] > v)
                v = lean[y * 28 + x + 1];
            if (y + 1 < 28 && lean[(y + 1) * 28 + x] > v)
                v = lean[(y + 1) * 28 + x];
            out[y * 28 + x] = (float)v / 255.0f;
        }
}

static void key_event(app_state *s, app_key k, bool ctrl, int digit)
{
    app_input_event ev = {.kind = APP_IN_KEY, .key = k, .ctrl = ctrl, .digit = digit};
    app_handle(s, &ev);
}

/* How many of the test images first..first+n, written in the hand and put
 * on the canvas, the window reads right. */
static double read_right(app_state *s, const dataset *test, size_t first, size_t n, double *t)
{
    size_t right = 0;
    float img[PX];
    for (size_t i = first; i < first + n; i++) {
        in_hand(test->images + i * PX, img);
        canvas_set_bitmap(&s->canvas, img);
        app_update(s, *t += 0.01);
        right += s->score.has_guess && s->score.guess == test->labels[i];
    }
    key_event(s, APP_KEY_C, false, 0);
    return (double)right / (double)n;
}

static double json_num(const char *line, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = line ? strstr(line, k) : NULL;
    return p ? atof(p + strlen(k)) : -1.0;
}

static void test_teaching(const char *root)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    const char *data = getenv("DIGITPAD_DATA");
    char model[1024];
    snprintf(model, sizeof model, "%s/models/mnist-784-128-10.json", src ? src : ".");
    mnist m;
    dp_error err = {{0}};
    if (!data || !dataset_load_mnist(data, &m, &err)) {
        printf("skipping the teaching path: no MNIST (%s)\n", err.msg);
        return;
    }
    if (access(model, R_OK) != 0) {
        printf("skipping the teaching path: no bundled model at %s\n", model);
        mnist_destroy(&m);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/teach-digits", root);
    app_config cfg;
    app_config_default(&cfg);
    cfg.model_path = model;
    cfg.bundled_path = model;
    cfg.data_dir = data;
    cfg.samples_dir = dir;
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->model.have, "bundled model: %s", s->report.status);

    // Too few digits: F says so and starts nothing.
    key_event(s, APP_KEY_F, false, 0);
    CHECK(!app_teach_busy(s) && s->report.status_error, "F with no digits: %s", s->report.status);
    // Ctrl+digit with nothing drawn keeps nothing.
    key_event(s, APP_KEY_LABEL, true, 4);
    CHECK(s->teach.samples.count == 0 && strstr(s->report.status, "draw a 4 first"),
          "an empty canvas kept: %s", s->report.status);

    // Six digits of each class in the hand, each put on the canvas and kept
    // with Ctrl+its digit, as a person would.
    double t = 1.0;
    size_t kept[10] = {0}, want = 6;
    float img[PX];
    for (size_t i = 50000, n = 0; n < 10 * want && i < m.train.count; i++) {
        int label = m.train.labels[i];
        if (kept[label] == want)
            continue;
        in_hand(m.train.images + i * PX, img);
        canvas_set_bitmap(&s->canvas, img);
        app_update(s, t += 0.01);
        key_event(s, APP_KEY_LABEL, true, label);
        kept[label]++;
        n++;
        const char *ev = last_event(cap, "sample");
        CHECK(ev && (int)json_num(ev, "label") == label &&
                  (size_t)json_num(ev, "count") == kept[label],
              "sample event: %s", ev ? ev : "none");
        if (cap->n > 400)
            cap->n = 0;
    }
    CHECK(s->teach.samples.count == 10 * want && samples_count(&s->teach.samples, 7) == want,
          "%zu kept", s->teach.samples.count);
    // They are on disk, where train --also reads them.
    dataset back;
    CHECK(dataset_load(dir, "train", &back, &err) && back.count == 10 * want, "on disk: %s",
          err.msg);
    dataset_destroy(&back);

    // The panel: Ctrl+digit opened it (M closes and opens it), its
    // thumbnails show the newest first, a click on one picks it, Delete
    // removes it (and the counter drops).
    CHECK(s->teach.open, "Ctrl+digit did not open the panel");
    key_event(s, APP_KEY_M, false, 0);
    CHECK(!s->teach.open, "M did not close the panel");
    key_event(s, APP_KEY_M, false, 0);
    teach_layout tl;
    teach_layout_compute(&s->teach, &s->layout, &tl);
    CHECK(s->teach.open && tl.n_thumbs >= 12, "panel: %zu thumbnails", tl.n_thumbs);
    app_rect th = tl.thumbs[0];
    app_input_event click = {.kind = APP_IN_MOUSE_DOWN, .x = (float)th.x + 2, .y = (float)th.y + 2,
                             .button = 1};
    app_handle(s, &click);
    long picked = (long)s->teach.samples.count - 1;
    int picked_label = s->teach.samples.labels[picked];
    CHECK(s->teach.selected == picked, "picked %ld, not the newest", s->teach.selected);
    key_event(s, APP_KEY_BACKSPACE, false, 0);
    CHECK(s->teach.samples.count == 10 * want - 1 &&
              samples_count(&s->teach.samples, picked_label) == want - 1,
          "Delete: %zu left", s->teach.samples.count);
    CHECK(last_event(cap, "sample_deleted") != NULL, "no sample_deleted event");
    // Put it back (the same image: the newest hand digit of that label).
    for (size_t i = 50000; i < m.train.count; i++)
        if (m.train.labels[i] == picked_label) {
            in_hand(m.train.images + i * PX, img);
            canvas_set_bitmap(&s->canvas, img);
            app_update(s, t += 0.01);
            key_event(s, APP_KEY_LABEL, true, picked_label);
            break;
        }
    key_event(s, APP_KEY_ESCAPE, false, 0);
    CHECK(!s->teach.open, "Esc did not close the panel");

    // New digits in the hand, never kept: read before.
    size_t n_new = 300;
    while (s->train.data_state != TRAINING_DATA_LOADED && t < 1000.0) {
        training_want_data(&s->train, NULL);
        app_update(s, t += 0.01);
        sleep_ms(10);
    }
    CHECK(s->train.data_state == TRAINING_DATA_LOADED, "MNIST not read in the window");
    double new_before = read_right(s, &m.test, 0, n_new, &t);

    // F: fine-tuning as the trainer's job; the window goes on meanwhile.
    cap->n = 0;
    s->model.dirty = false; // as if just saved: F must mark it changed
    s->model.trained = false;
    key_event(s, APP_KEY_F, false, 0);
    CHECK(app_teach_busy(s), "F started nothing: %s", s->report.status);
    // R and A wait for it (a reset would throw the result away unseen, a
    // new trainer for A would stop it).
    key_event(s, APP_KEY_R, false, 0);
    CHECK(app_teach_busy(s) && strstr(s->report.status, "R waits"), "R while fine-tuning: %s",
          s->report.status);
    key_event(s, APP_KEY_A, false, 0);
    CHECK(app_teach_busy(s) && !s->train.next.augment && s->train.have_trainer,
          "A while fine-tuning: %s", s->report.status);
    const char *ev = NULL;
    for (int i = 0; i < 120000 && !(ev = last_event(cap, "finetune")) && app_teach_busy(s); i++) {
        app_update(s, t += 0.01);
        sleep_ms(1);
    }
    CHECK(ev != NULL, "no finetune event: %s", s->report.status);
    double new_after = read_right(s, &m.test, 0, n_new, &t);
    if (ev) {
        double bm = json_num(ev, "before_mine"), am = json_num(ev, "after_mine");
        double bn = json_num(ev, "before_mnist"), an = json_num(ev, "after_mnist");
        printf("%s\nnew digits in the hand, drawn on the canvas: %.4f -> %.4f\n", ev, new_before,
               new_after);
        CHECK((size_t)json_num(ev, "samples") == 10 * want, "samples: %s", ev);
        CHECK(am > bm, "held-out digits %.4f -> %.4f", bm, am);
        CHECK(an >= 0.97, "MNIST test accuracy %.4f -> %.4f", bn, an);
        CHECK(bn > 0.97, "the bundled model's MNIST accuracy was %.4f", bn);
    }
    CHECK(new_before < 0.9, "the hand was read well already (%.4f): no test", new_before);
    CHECK(new_after >= new_before + 0.05, "new digits in the hand %.4f -> %.4f", new_before,
          new_after);
    CHECK(s->model.dirty, "the fine-tuned model is not marked unsaved");
    // ... as training a Reset or a new shape would lose: they ask first.
    CHECK(model_slot_unsaved_training(&s->model), "fine-tuning is not work Reset asks about");
    // The trainer holds the fine-tuned weights: Space trains on from them.
    mlp held;
    uint64_t v = 0;
    CHECK(s->train.have_trainer && mlp_clone(&held, &s->model.net, NULL), "no trainer");
    if (s->train.have_trainer) {
        CHECK(trainer_take_snapshot(&s->train.trainer, &held, &v) &&
                  !memcmp(held.params, s->model.net.params,
                          held.n_params * sizeof *held.params),
              "the trainer's weights are not the fine-tuned ones");
        mlp_destroy(&held);
    }

    // A: distortions on for the next training, and a strip of them.
    key_event(s, APP_KEY_A, false, 0);
    key_event(s, APP_KEY_M, false, 0);
    CHECK(s->teach.open, "M did not open the panel");
    app_update(s, t += 2.0);
    CHECK(s->train.next.augment && s->teach.n_preview == TEACH_PREVIEW,
          "augment %d, %zu previewed", s->train.next.augment, s->teach.n_preview);
    CHECK(last_event(cap, "augment") && strstr(last_event(cap, "augment"), "true"), "augment event");
    bool differs = false;
    for (size_t k = 0; k < TEACH_PREVIEW; k++) {
        size_t ink = 0;
        for (size_t p = 0; p < PX; p++)
            ink += s->teach.preview[k][p] > 0;
        CHECK(ink > 20, "preview %zu is blank", k);
        differs |= memcmp(s->teach.preview[k], s->teach.preview[0], PX) != 0;
    }
    CHECK(differs, "the preview shows one image");
    char caption[320];
    teach_preview_caption(&s->teach, true, false, caption, sizeof caption);
    CHECK(!s->teach.preview_seen && strstr(caption, "EXAMPLES"), "not training: %s", caption);

    // Training with them: the strip becomes the trainer's own batch, the
    // images it published for the batch it trained (trainer_take_seen).
    key_event(s, APP_KEY_SPACE, false, 0);
    CHECK(training_running(&s->train) && s->train.running.augment, "Space did not train");
    for (int i = 0; i < 20000 && !s->teach.preview_seen; i++) {
        app_update(s, t += 0.05);
        sleep_ms(1);
    }
    CHECK(s->teach.preview_seen && s->teach.preview_step >= 1 && s->teach.n_preview == TEACH_PREVIEW,
          "the strip is not the trainer's batch (%zu shown)", s->teach.n_preview);
    teach_preview_caption(&s->teach, true, true, caption, sizeof caption);
    char want_cap[64];
    snprintf(want_cap, sizeof want_cap, "BATCH %llu: WHAT IT IS TRAINING ON",
             (unsigned long long)s->teach.preview_step);
    CHECK(strstr(caption, want_cap) != NULL, "caption: %s", caption);
    key_event(s, APP_KEY_SPACE, false, 0); // pause: the strip keeps its batch, captioned so
    app_update(s, t += 2.0);
    teach_preview_caption(&s->teach, true, training_running(&s->train), caption, sizeof caption);
    CHECK(s->teach.preview_seen && strstr(caption, "TRAINED ON LAST"), "paused: %s", caption);
    key_event(s, APP_KEY_A, false, 0);
    CHECK(!s->train.next.augment, "A did not turn them off");

    app_state_destroy(s);
    free(s);
    free(cap);
    mnist_destroy(&m);
}

/* D to another dataset with the digits model loaded: the bars and a save
 * keep the digits' names (those are what the weights were trained for),
 * the status line says so; training on the new dataset (after R, fresh
 * weights) makes weights for it, and its names go with them into a save. */
static void test_labels_stay(const char *root)
{
    const char *src = getenv("DIGITPAD_SOURCE_DIR");
    char model[1024];
    snprintf(model, sizeof model, "%s/models/mnist-784-128-10.json", src ? src : ".");
    if (access(model, R_OK) != 0) {
        printf("skipping the dataset labels: no bundled model at %s\n", model);
        return;
    }
    char clothes[512], cmd[1200];
    snprintf(clothes, sizeof clothes, "%s/clothes", root);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && printf 'Top\\nTrouser\\nPullover\\nDress\\nCoat\\n"
             "Sandal\\nShirt\\nSneaker\\nBag\\nBoot\\n' > '%s/labels.txt'", clothes, clothes);
    CHECK(system(cmd) == 0, "%s", cmd);
    enum { N = 60 };
    uint8_t *px = calloc(N, PX), lab[N];
    for (size_t i = 0; i < N; i++) {
        lab[i] = (uint8_t)(i % 10);
        for (size_t k = 0; k < 28; k++) // class c: a bright row at 2c
            px[i * PX + (2 * lab[i] + 3) * 28 + k] = 255;
    }
    dp_error err = {{0}};
    const char *parts[2] = {"train", "t10k"};
    for (int p = 0; p < 2; p++) {
        char ip[600], lp[600];
        snprintf(ip, sizeof ip, "%s/%s-images-idx3-ubyte", clothes, parts[p]);
        snprintf(lp, sizeof lp, "%s/%s-labels-idx1-ubyte", clothes, parts[p]);
        CHECK(idx_write_pair(ip, lp, px, lab, N, 28, 28, &err), "%s", err.msg);
    }
    free(px);

    app_config cfg;
    app_config_default(&cfg);
    cfg.model_path = model;
    cfg.bundled_path = model;
    cfg.data_dir = getenv("DIGITPAD_DATA");
    cfg.fashion_dir = clothes;
    cfg.epochs = 1;
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->model.have && s->teach.choice.count >= 2, "model %d, %zu datasets", s->model.have,
          s->teach.choice.count);
    key_event(s, APP_KEY_D, false, 0);
    CHECK(s->teach.choice.current == 1, "D chose %zu", s->teach.choice.current);
    CHECK(!strcmp(model_slot_label(&s->model, 3), "3") && !strcmp(model_slot_label(&s->model, 0), "0"),
          "after D the digits model reads class 3 as %s", model_slot_label(&s->model, 3));
    CHECK(strstr(s->report.status, "the model reads digits; Train to learn Fashion-MNIST") != NULL,
          "status after D: %s", s->report.status);
    char saved[600];
    snprintf(saved, sizeof saved, "%s/after-d.json", root);
    CHECK(model_slot_save(&s->model, saved, &err), "save: %s", err.msg);
    mlp net;
    model_meta meta;
    CHECK(model_file_load(saved, &net, &meta, &err), "load: %s", err.msg);
    CHECK(meta.n_labels == 10 && !strcmp(meta.labels[3], "3") && !strcmp(meta.labels[9], "9"),
          "saved after D: class 3 %s", meta.n_labels ? meta.labels[3] : "-");
    mlp_destroy(&net);
    model_meta_destroy(&meta);

    // The data read, R (fresh weights) and Space: weights for the clothes.
    double t = 0;
    for (int i = 0; i < 20000 && s->train.data_state != TRAINING_DATA_LOADED; i++) {
        app_update(s, t += 0.01);
        sleep_ms(1);
    }
    CHECK(s->train.data_state == TRAINING_DATA_LOADED, "the clothes not read: %s",
          s->train.data_error);
    key_event(s, APP_KEY_R, false, 0);
    CHECK(!strcmp(model_slot_label(&s->model, 8), "8"), "fresh, untrained: class 8 %s",
          model_slot_label(&s->model, 8));
    key_event(s, APP_KEY_SPACE, false, 0);
    CHECK(training_running(&s->train) || training_state(&s->train) == TRAINER_FINISHED,
          "Space did not train: %s", s->report.status);
    CHECK(!strcmp(model_slot_label(&s->model, 8), "Bag") &&
              !strcmp(model_slot_label(&s->model, 9), "Boot"),
          "training on the clothes: class 8 %s", model_slot_label(&s->model, 8));
    CHECK(strstr(s->report.status, "classes are Fashion-MNIST's now") != NULL, "status: %s",
          s->report.status);
    for (int i = 0; i < 60000 && !last_event(cap, "done"); i++) {
        app_update(s, t += 0.01);
        if (cap->n > 400)
            cap->n = 0;
        sleep_ms(1);
    }
    CHECK(model_slot_save(&s->model, saved, &err), "save: %s", err.msg);
    CHECK(model_file_load(saved, &net, &meta, &err), "load: %s", err.msg);
    CHECK(meta.n_labels == 10 && !strcmp(meta.labels[8], "Bag"), "saved after training: %s",
          meta.n_labels ? meta.labels[8] : "-");
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    // Back to MNIST: the weights are the clothes' still, and so are the names.
    key_event(s, APP_KEY_D, false, 0);
    CHECK(s->teach.choice.current == 0 && !strcmp(model_slot_label(&s->model, 8), "Bag"),
          "back to MNIST: class 8 %s", model_slot_label(&s->model, 8));
    CHECK(strstr(s->report.status, "the model reads Fashion-MNIST; Train to learn MNIST") != NULL,
          "status: %s", s->report.status);
    app_state_destroy(s);
    free(s);
    free(cap);
}

/* D to Fashion-MNIST (when Debian's package is installed), R, Space: a
 * fresh model trains on it in the window, and the bars' names are its
 * classes. */
static void test_fashion_window(void)
{
    if (!dataset_choice_is_idx_dir(DATASET_FASHION_DIR)) {
        printf("skipping Fashion-MNIST in the window: %s is not there\n", DATASET_FASHION_DIR);
        return;
    }
    app_config cfg;
    app_config_default(&cfg);
    cfg.fresh = true;
    cfg.data_dir = getenv("DIGITPAD_DATA");
    cfg.fashion_dir = DATASET_FASHION_DIR;
    cfg.limit = 3000; // a quick epoch
    cfg.epochs = 1;
    app_state *s = calloc(1, sizeof *s);
    captured *cap = calloc(1, sizeof *cap);
    CHECK(app_state_init(s, &cfg, 1280, 800, 1.0f, capture, cap, NULL, NULL), "init");
    app_state_start(s);
    CHECK(s->teach.choice.count >= 2, "Fashion-MNIST not offered");
    key_event(s, APP_KEY_D, false, 0);
    CHECK(s->teach.choice.current == 1, "after D: choice %zu", s->teach.choice.current);
    const char *ev = last_event(cap, "dataset");
    CHECK(ev && strstr(ev, "Fashion-MNIST"), "dataset event: %s", ev ? ev : "none");
    key_event(s, APP_KEY_R, false, 0);
    key_event(s, APP_KEY_SPACE, false, 0);
    double t = 0;
    for (int i = 0; i < 60000 && !last_event(cap, "done"); i++) {
        app_update(s, t += 0.01);
        if (cap->n > 400)
            cap->n = 0;
        sleep_ms(2);
    }
    CHECK(!strcmp(s->train.data.dir, DATASET_FASHION_DIR), "trained on %s", s->train.data.dir);
    CHECK(s->train.data.test.count == 10000, "Fashion's test set: %zu", s->train.data.test.count);
    ev = last_event(cap, "epoch");
    double acc = json_num(ev, "val_accuracy");
    printf("Fashion-MNIST, one epoch of 3,000 in the window: test accuracy %.4f\n", acc);
    // Ten classes by chance is 0.1; an epoch of 3,000 clothes gets well past it.
    CHECK(acc > 0.6, "Fashion-MNIST after an epoch: %.4f (%s)", acc, ev ? ev : "no epoch event");
    // The names stay with the fresh model (and go into its file's labels).
    CHECK(!strcmp(model_slot_label(&s->model, 8), "Bag"), "class 8 is %s",
          model_slot_label(&s->model, 8));
    // Back to MNIST: the weights are still Fashion's, and so are the names.
    while (s->teach.choice.current != 0)
        key_event(s, APP_KEY_D, false, 0);
    CHECK(!strcmp(model_slot_label(&s->model, 8), "Bag"), "class 8 is %s",
          model_slot_label(&s->model, 8));
    app_state_destroy(s);
    free(s);
    free(cap);
}

int main(void)
{
    char root[] = "/tmp/digitpad-teach-XXXXXX";
    if (!mkdtemp(root)) {
        printf("mkdtemp failed\n");
        return 1;
    }
    test_samples(root);
    test_choice(root);
    test_teaching(root);
    test_labels_stay(root);
    test_fashion_window();
    remove_tree(root);
    return check_summary();
}
