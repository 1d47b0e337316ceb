/* test_model_slot: the window's current model: what it refuses (with the
 * reason), taking a model, fresh weights, saving where the rules say,
 * and a file read on the loader thread. */
#define _XOPEN_SOURCE 700 // mkdtemp
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/model_slot.h"
#include "core/read_file.h"

#include "check.h"

static atomic_int wakes;

static void count_wake(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&wakes, 1);
}

static bool small_model(size_t outputs, mlp *net, model_meta *meta)
{
    size_t sizes[] = {784, 4, outputs};
    if (!mlp_init(net, sizes, 3, NULL))
        return false;
    mlp_init_glorot(net, 7);
    return model_meta_default(meta, 28, 28, outputs, NULL);
}

int main(void)
{
    char dir[] = "/tmp/digitpad-slot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char three[4200], ten[4200], broken[4200], models[4200];
    snprintf(three, sizeof three, "%s/three.json", dir);
    snprintf(ten, sizeof ten, "%s/ten.json", dir);
    snprintf(broken, sizeof broken, "%s/broken.json", dir);
    snprintf(models, sizeof models, "%s/saves/digitpad/models", dir);
    mlp net;
    model_meta meta;
    CHECK(small_model(3, &net, &meta) && model_file_save(three, &net, &meta, NULL), "three");
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    CHECK(small_model(10, &net, &meta) && model_file_save(ten, &net, &meta, NULL), "ten");
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    FILE *f = fopen(broken, "w");
    fputs("{\"format\": \"digitpad-mlp\", \"layers\": [", f);
    fclose(f);

    // Fewer outputs than the data's labels: refused, with the reason.
    dp_error err = {{0}};
    CHECK(!model_slot_read(three, 10, &net, &meta, &err), "a 3-class model for 10 labels");
    CHECK(!strcmp(err.msg, "this model has 3 outputs, fewer than the data's 10 labels"), "%s",
          err.msg);
    CHECK(model_slot_read(three, 3, &net, &meta, NULL), "a 3-class model for 3 labels");
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    CHECK(!model_slot_read(broken, 10, &net, &meta, &err) && strstr(err.msg, "not JSON"),
          "broken: %s", err.msg);

    model_slot m;
    model_slot_init(&m, NULL, ten, count_wake, NULL);
    CHECK(model_slot_read(ten, 10, &net, &meta, NULL), "ten");
    model_slot_take(&m, &net, &meta, ten);
    CHECK(m.have && !m.dirty && !strcmp(m.name, "ten.json (bundled)") && m.version == 1,
          "taken: %s v%llu", m.name, (unsigned long long)m.version);
    CHECK(!strcmp(model_slot_label(&m, 9), "9") && !strcmp(model_slot_label(&m, 10), "?"), "labels");
    char shape[64];
    model_slot_shape(&m.net, shape, sizeof shape);
    CHECK(!strcmp(shape, "784-4-10"), "%s", shape);
    model_slot_touch(&m);
    CHECK(m.dirty && m.version == 2, "touch");

    // Saving: never over the bundled model; a new file in the models folder.
    char path[4200], xdg[4200];
    snprintf(xdg, sizeof xdg, "%s/saves", dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    CHECK(model_slot_save_path(&m, path, sizeof path, &err), "%s", err.msg);
    CHECK(!strncmp(path, models, strlen(models)) && strstr(path, "/digitpad-") &&
              access(models, F_OK) == 0,
          "save path %s", path);
    CHECK(model_slot_save(&m, path, &err) && !m.dirty && !strcmp(m.path, path), "%s", err.msg);
    // The next Ctrl+S goes to that same file (issue 11), save-as to a new one.
    char again1[4200], as[4200];
    CHECK(model_slot_save_path(&m, again1, sizeof again1, &err) && !strcmp(again1, path),
          "second save to %s, not %s", again1, path);
    CHECK(model_slot_new_path(as, sizeof as, &err) && strcmp(as, path) &&
              !strncmp(as, models, strlen(models)),
          "save as: %s", as);
    const char *home = getenv("HOME");
    char home_copy[4200];
    snprintf(home_copy, sizeof home_copy, "%s", home ? home : "");
    unsetenv("XDG_DATA_HOME");
    unsetenv("HOME");
    char nowhere[4200];
    CHECK(!model_slot_new_path(nowhere, sizeof nowhere, &err) &&
              strstr(err.msg, "cannot save: ") && strstr(err.msg, "HOME"),
          "no folder: %s", err.msg);
    if (home)
        setenv("HOME", home_copy, 1);
    float w0 = m.net.params[0];
    model_slot_reset(&m, 1);
    CHECK(m.net.params[0] != w0 && !strcmp(m.name, "fresh random weights") && m.dirty, "reset");
    model_slot_destroy(&m);

    // --model FILE: saves go back there.
    model_slot_init(&m, three, ten, count_wake, NULL);
    CHECK(model_slot_save_path(&m, path, sizeof path, NULL) && !strcmp(path, three),
          "save back: %s", path);

    // A file on the loader thread: the result arrives whole, with a wake-up.
    CHECK(model_slot_open(&m, ten, &err), "open: %s", err.msg);
    CHECK(!model_slot_open(&m, ten, &err), "a second file while one is read");
    loader_wait(&m.loader);
    bool failed = true;
    char got[4200];
    CHECK(model_slot_poll(&m, &net, &meta, &failed, &err, got, sizeof got) && !failed &&
              !strcmp(got, ten) && net.sizes[2] == 10,
          "async load");
    CHECK(atomic_load(&wakes) >= 1, "no wake-up");
    model_slot_take(&m, &net, &meta, got);
    CHECK(!model_slot_poll(&m, &net, &meta, &failed, &err, got, sizeof got), "nothing more");
    CHECK(model_slot_open(&m, broken, &err), "open broken");
    loader_wait(&m.loader);
    CHECK(model_slot_poll(&m, &net, &meta, &failed, &err, got, sizeof got) && failed &&
              strstr(err.msg, "not JSON"),
          "async broken: %s", err.msg);
    CHECK(m.have && m.net.sizes[2] == 10, "the model stays");
    // A file still being read when the slot goes is waited for, not leaked.
    CHECK(model_slot_open(&m, ten, &err), "open");
    model_slot_destroy(&m);

    // Issue 15: every format the core reads opens in the window, and a save
    // never writes digitpad JSON over the foreign file.
    char keras[4200], onnx[4200], tfjs[4200], tfjs_json[4200];
    snprintf(keras, sizeof keras, "%s/ten.keras", dir);
    snprintf(onnx, sizeof onnx, "%s/ten.onnx", dir);
    snprintf(tfjs, sizeof tfjs, "%s/tfjs", dir);
    snprintf(tfjs_json, sizeof tfjs_json, "%s/tfjs/model.json", dir);
    CHECK(small_model(10, &net, &meta), "ten again");
    float first = net.params[0];
    CHECK(model_any_save(keras, MODEL_FORMAT_KERAS, &net, &meta, &err), "keras: %s", err.msg);
    CHECK(model_any_save(onnx, MODEL_FORMAT_ONNX, &net, &meta, &err), "onnx: %s", err.msg);
    CHECK(model_any_save(tfjs, MODEL_FORMAT_TFJS, &net, &meta, &err), "tfjs: %s", err.msg);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    CHECK(model_slot_is_foreign(keras) && model_slot_is_foreign(onnx) &&
              model_slot_is_foreign(tfjs_json) && !model_slot_is_foreign(ten),
          "foreign by content");
    snprintf(path, sizeof path, "%s/not-yet.KERAS", dir);
    CHECK(model_slot_is_foreign(path), "a .keras not written yet, by its name");
    snprintf(path, sizeof path, "%s/not-yet.json", dir);
    CHECK(!model_slot_is_foreign(path), "a .json not written yet");
    const char *foreign[] = {keras, onnx, tfjs_json};
    const model_format want[] = {MODEL_FORMAT_KERAS, MODEL_FORMAT_ONNX, MODEL_FORMAT_TFJS};
    for (int i = 0; i < 3; i++) {
        model_format got_format = MODEL_FORMAT_DIGITPAD;
        CHECK(model_slot_read_any(foreign[i], 10, &net, &meta, &got_format, &err) &&
                  got_format == want[i] && net.sizes[1] == 4 && net.sizes[2] == 10 &&
                  net.params[0] == first,
              "%s: %s", foreign[i], err.msg);
        mlp_destroy(&net);
        model_meta_destroy(&meta);
    }
    // --model ten.keras: Ctrl+S writes a new digitpad file in the models folder,
    // the .keras file stays byte for byte, and the next save goes to the new file.
    uint8_t *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    CHECK(dp_read_file(keras, 1 << 24, &before, &before_len, NULL), "read keras");
    model_slot_init(&m, keras, ten, count_wake, NULL);
    model_format kf = MODEL_FORMAT_DIGITPAD;
    CHECK(model_slot_read_any(keras, 10, &net, &meta, &kf, &err), "%s", err.msg);
    model_slot_take_format(&m, &net, &meta, keras, kf);
    CHECK(m.format == MODEL_FORMAT_KERAS && !strcmp(m.name, "ten.keras"), "taken keras");
    setenv("XDG_DATA_HOME", xdg, 1);
    CHECK(model_slot_save_path(&m, path, sizeof path, &err) &&
              !strncmp(path, models, strlen(models)) && strstr(path, ".json"),
          "keras save path %s", path);
    CHECK(model_slot_save(&m, path, &err) && m.format == MODEL_FORMAT_DIGITPAD &&
              !strcmp(m.save_to, path) && !strcmp(m.path, path),
          "keras save: %s", err.msg);
    CHECK(dp_read_file(keras, 1 << 24, &after, &after_len, NULL) && after_len == before_len &&
              !memcmp(before, after, before_len),
          "the .keras file was changed by a save");
    free(before);
    free(after);
    char again[4200];
    CHECK(model_slot_save_path(&m, again, sizeof again, NULL) && !strcmp(again, path),
          "the next save: %s", again);
    CHECK(model_slot_read_any(path, 10, &net, &meta, &kf, &err) && kf == MODEL_FORMAT_DIGITPAD &&
              net.params[0] == first,
          "the saved file: %s", err.msg);
    mlp_destroy(&net);
    model_meta_destroy(&meta);
    // A dropped ONNX file on the loader thread arrives with its format.
    CHECK(model_slot_open(&m, onnx, &err), "open onnx: %s", err.msg);
    loader_wait(&m.loader);
    kf = MODEL_FORMAT_DIGITPAD;
    CHECK(model_slot_poll_any(&m, &net, &meta, &kf, &failed, &err, got, sizeof got) && !failed &&
              kf == MODEL_FORMAT_ONNX && !strcmp(got, onnx),
          "async onnx: %s", err.msg);
    model_slot_take_format(&m, &net, &meta, got, kf);
    CHECK(model_slot_save_path(&m, again, sizeof again, NULL) && !strcmp(again, path),
          "a dropped onnx model saves to the digitpad file --model became: %s", again);
    model_slot_destroy(&m);

    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_summary();
}
