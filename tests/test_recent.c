/* test_recent: the recently used models: where the list lives, most
 * recent first, a repeat moved to the front, at most ten, what a broken
 * file gives (what can be used of it, never an error), and the file
 * written whole and read back. */
#define _XOPEN_SOURCE 700 // mkdtemp, setenv
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/recent.h"
#include "core/read_file.h"

#include "check.h"

static const char *fake_state, *fake_home;

static const char *fake_getenv(const char *name)
{
    if (!strcmp(name, "XDG_STATE_HOME"))
        return fake_state;
    if (!strcmp(name, "HOME"))
        return fake_home;
    return NULL;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot create %s", path);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

int main(void)
{
    char out[RECENT_PATH_MAX];
    dp_error err = {{0}};

    // Where: XDG_STATE_HOME when absolute, else ~/.local/state.
    fake_state = "/s", fake_home = "/home/u";
    CHECK(recent_default_file(fake_getenv, out, sizeof out, &err) &&
              !strcmp(out, "/s/digitpad/recent"), "%s", out);
    fake_state = "relative";
    CHECK(recent_default_file(fake_getenv, out, sizeof out, &err) &&
              !strcmp(out, "/home/u/.local/state/digitpad/recent"), "%s", out);
    fake_state = NULL, fake_home = NULL;
    CHECK(!recent_default_file(fake_getenv, out, sizeof out, &err) &&
              !strcmp(err.msg, "neither XDG_STATE_HOME nor HOME is set"), "%s", err.msg);
    fake_home = "/home/u";
    CHECK(!recent_default_file(fake_getenv, out, 10, &err), "too long for out");

    // Most recent first; a repeat moves to the front; at most ten.
    recent r;
    recent_init(&r, NULL);
    CHECK(recent_count(&r) == 0 && recent_get(&r, 0) == NULL, "empty");
    CHECK(recent_add(&r, "/m/a.json") && recent_add(&r, "/m/b.keras") &&
              recent_add(&r, "/m/a.json"), "add");
    CHECK(recent_count(&r) == 2 && !strcmp(recent_get(&r, 0), "/m/a.json") &&
              !strcmp(recent_get(&r, 1), "/m/b.keras"), "a repeat to the front: %s, %s",
          recent_get(&r, 0), recent_get(&r, 1));
    for (int i = 0; i < 12; i++) {
        char p[64];
        snprintf(p, sizeof p, "/m/%d.json", i);
        recent_add(&r, p);
    }
    CHECK(recent_count(&r) == RECENT_MAX && !strcmp(recent_get(&r, 0), "/m/11.json") &&
              !strcmp(recent_get(&r, 9), "/m/2.json") && recent_get(&r, 10) == NULL,
          "ten kept, the oldest gone: %zu, %s", recent_count(&r), recent_get(&r, 9));
    // A repeat from the middle of a full list: still ten, no entry twice.
    CHECK(recent_add(&r, "/m/5.json") && recent_count(&r) == RECENT_MAX &&
              !strcmp(recent_get(&r, 0), "/m/5.json") && !strcmp(recent_get(&r, 1), "/m/11.json") &&
              !strcmp(recent_get(&r, 6), "/m/6.json") && !strcmp(recent_get(&r, 7), "/m/4.json") &&
              !strcmp(recent_get(&r, 9), "/m/2.json"),
          "a repeat from the middle: %s %s", recent_get(&r, 6), recent_get(&r, 7));
    // What the list cannot hold is refused and changes nothing.
    CHECK(!recent_add(&r, "") && !recent_add(&r, "/m/new\nline.json") &&
              recent_count(&r) == RECENT_MAX && !strcmp(recent_get(&r, 0), "/m/5.json"),
          "unusable paths");

    // The file's text, and a broken one: what can be used is kept.
    recent_init(&r, NULL);
    recent_add(&r, "/m/b.json");
    recent_add(&r, "/m/a.json");
    char text[256];
    CHECK(recent_format(&r, text, sizeof text) == 20 && !strcmp(text, "/m/a.json\n/m/b.json\n"),
          "format: %s", text);
    const char broken[] = "/m/x.json\r\nrelative.json\n\n/m/x.json\n/m/\x01.json\n/m/y.json";
    CHECK(recent_parse(&r, broken, sizeof broken - 1) == 2 && !strcmp(recent_get(&r, 0), "/m/x.json") &&
              !strcmp(recent_get(&r, 1), "/m/y.json"),
          "broken text: %zu", recent_count(&r));
    const char binary[] = "/m/x.json\n\0\x89PNG";
    CHECK(recent_parse(&r, binary, sizeof binary - 1) == 0, "a binary file is no list");

    // On disk: a missing file is an empty list; saved whole, read back;
    // a relative path is made absolute; a file of garbage is ignored.
    char dir[] = "/tmp/digitpad-recent-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char file[4200], model[4200];
    snprintf(file, sizeof file, "%s/state/digitpad/recent", dir);
    snprintf(model, sizeof model, "%s/model.json", dir);
    write_bytes(model, "{}", 2);
    recent_init(&r, file);
    CHECK(recent_load(&r) == 0, "missing file");
    char here[4200];
    CHECK(getcwd(here, sizeof here) && chdir(dir) == 0, "chdir");
    CHECK(recent_remember(&r, "model.json", &err), "%s", err.msg);
    CHECK(recent_remember(&r, "/m/other.onnx", &err), "%s", err.msg);
    CHECK(chdir(here) == 0, "chdir back");
    recent again;
    recent_init(&again, file);
    CHECK(recent_load(&again) == 2 && !strcmp(recent_get(&again, 0), "/m/other.onnx") &&
              !strcmp(recent_get(&again, 1), model),
          "read back: %zu %s", recent_count(&again), recent_get(&again, 1));
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK(dp_read_file(file, 1 << 20, &buf, &len, NULL) && len == strlen(model) + 15 &&
              !memcmp(buf, "/m/other.onnx\n", 14),
          "the file");
    free(buf);
    write_bytes(file, "\x89PNG\r\n\x1a\n\0\0\0", 11);
    CHECK(recent_load(&again) == 0, "a garbage file is an empty list");
    // The next remember writes a good list over it.
    CHECK(recent_remember(&again, "/m/z.json", &err) && recent_load(&again) == 1 &&
              !strcmp(recent_get(&again, 0), "/m/z.json"),
          "rewritten");
    // A folder where the list should be: not readable as a list, not written over.
    char blocked[4200];
    snprintf(blocked, sizeof blocked, "%s/blocked", dir);
    CHECK(mkdir(blocked, 0755) == 0, "mkdir");
    recent_init(&r, blocked);
    CHECK(recent_load(&r) == 0, "a folder is an empty list");
    CHECK(!recent_remember(&r, "/m/a.json", &err) && strstr(err.msg, blocked),
          "a folder is not replaced: %s", err.msg);
    // A list kept in memory only writes nothing.
    recent_init(&r, NULL);
    CHECK(recent_remember(&r, "/m/a.json", &err) && recent_count(&r) == 1, "in memory");

    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_summary();
}
