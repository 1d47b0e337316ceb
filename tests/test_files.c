/* test_files: what a path names is respected (issue 14, items 2 and 7).
 *
 * Reading: a FIFO (whose open would block for ever), a folder, a symlink
 * loop, given as a model or as an MNIST file, is refused at once with what
 * it is. Saving: through a symbolic link the target is replaced and the
 * link stays; a FIFO or folder at the path is refused and left as it was;
 * an existing file's permissions are kept; a file with other hard links is
 * said to lose them; a 250-byte file name saves (its temporary's name fits
 * NAME_MAX). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "check.h"
#include "dataset.h"
#include "model_any.h"
#include "model_file.h"
#include "read_file.h"

static char dir[64];

static const char *at(const char *name)
{
    static char bufs[4][512];
    static int k;
    char *b = bufs[k++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

static bool write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return false;
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n;
    return close(fd) == 0 && ok;
}

static bool holds(const char *path, const char *text)
{
    uint8_t *buf;
    size_t len;
    if (!dp_read_file(path, 1 << 20, &buf, &len, NULL))
        return false;
    bool same = len == strlen(text) && memcmp(buf, text, len) == 0;
    free(buf);
    return same;
}

/* No "<name>.tmp-" file left in the folder. */
static bool no_temporaries(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp-'", dir);
    return system(cmd) != 0;
}

static void test_reading(void)
{
    dp_error err = {""};
    uint8_t *buf = NULL;
    size_t len;
    mlp net;
    model_meta meta;

    // A FIFO with no writer: refused at once (a blocking open would hang).
    CHECK(mkfifo(at("fifo"), 0600) == 0, "mkfifo: %s", strerror(errno));
    CHECK(!dp_read_file(at("fifo"), 100, &buf, &len, &err), "a FIFO read");
    CHECK(strcmp(err.msg, "is a FIFO, not a regular file") == 0, "%s", err.msg);
    CHECK(!model_file_load(at("fifo"), &net, &meta, &err), "a FIFO as a model");
    CHECK(strcmp(err.msg, "is a FIFO, not a regular file") == 0, "%s", err.msg);
    // Every format's loader (a .keras, .h5, .onnx or TF.js path) too.
    static const char *const names[] = {"fifo.json", "fifo.keras", "fifo.h5", "fifo.onnx"};
    for (size_t k = 0; k < 4; k++) {
        CHECK(mkfifo(at(names[k]), 0600) == 0, "mkfifo %s", names[k]);
        model_format format;
        CHECK(!model_any_load(at(names[k]), &net, &meta, &format, &err), "%s loaded", names[k]);
        CHECK(strstr(err.msg, "is a FIFO, not a regular file") != NULL, "%s: %s", names[k], err.msg);
        unlink(at(names[k]));
    }
    CHECK(!model_file_load(dir, &net, &meta, &err), "a folder as a model");
    CHECK(strcmp(err.msg, "is a folder, not a regular file") == 0, "%s", err.msg);

    // A loop of symbolic links.
    CHECK(symlink("loop-b", at("loop-a")) == 0 && symlink("loop-a", at("loop-b")) == 0, "links");
    CHECK(!model_file_load(at("loop-a"), &net, &meta, &err), "a loop as a model");
    CHECK(strcmp(err.msg, "cannot open: a loop of symbolic links") == 0, "%s", err.msg);

    // As MNIST files: the file is named with what it is, not "not found".
    CHECK(mkdir(at("mnist"), 0700) == 0, "mkdir");
    CHECK(write_text(at("mnist/train-labels-idx1-ubyte"), "labels", 0644), "labels");
    CHECK(mkfifo(at("mnist/train-images-idx3-ubyte"), 0600) == 0, "mkfifo");
    dataset ds;
    CHECK(!dataset_load(at("mnist"), "train", &ds, &err), "a FIFO as MNIST");
    char want[600];
    snprintf(want, sizeof want, "%s: is a FIFO, not a regular file", at("mnist/train-images-idx3-ubyte"));
    CHECK(strcmp(err.msg, want) == 0, "%s", err.msg);
    char found[512];
    CHECK(dataset_find_dir(at("mnist"), found, sizeof found, &err),
          "a folder whose MNIST file is a FIFO is the one meant: %s", err.msg);
    unlink(at("mnist/train-images-idx3-ubyte"));
    CHECK(symlink("train-images-idx3-ubyte", at("mnist/train-images-idx3-ubyte")) == 0, "self link");
    CHECK(!dataset_load(at("mnist"), "train", &ds, &err), "a loop as MNIST");
    snprintf(want, sizeof want, "%s: cannot open: a loop of symbolic links",
             at("mnist/train-images-idx3-ubyte"));
    CHECK(strcmp(err.msg, want) == 0, "%s", err.msg);
    unlink(at("mnist/train-images-idx3-ubyte"));
    unlink(at("mnist/train-labels-idx1-ubyte"));
    rmdir(at("mnist"));
    unlink(at("loop-a"));
    unlink(at("loop-b"));
}

static void test_saving(void)
{
    dp_error err = {""};
    char note[256];
    struct stat st;

    // Through a link: the target gets the new bytes, the link stays a link.
    CHECK(mkdir(at("real"), 0700) == 0, "mkdir");
    CHECK(write_text(at("real/model.json"), "old", 0644), "write");
    CHECK(symlink("real/model.json", at("link.json")) == 0, "symlink");
    CHECK(dp_write_file_atomic(at("link.json"), "new", 3, &err), "%s", err.msg);
    CHECK(lstat(at("link.json"), &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
    CHECK(holds(at("real/model.json"), "new"), "the target holds the save");
    // A chain of two links, the last one dangling: the file is created.
    CHECK(symlink("link2.json", at("link1.json")) == 0 && symlink("real/fresh.json", at("link2.json")) == 0,
          "chain");
    CHECK(dp_write_file_atomic(at("link1.json"), "fresh", 5, &err), "%s", err.msg);
    CHECK(holds(at("real/fresh.json"), "fresh"), "the dangling link's target is made");
    CHECK(lstat(at("link2.json"), &st) == 0 && S_ISLNK(st.st_mode), "links stay links");
    // A loop is refused.
    CHECK(symlink("loop.json", at("loop.json")) == 0, "loop");
    CHECK(!dp_write_file_atomic(at("loop.json"), "x", 1, &err), "a loop saved");
    CHECK(strcmp(err.msg, "a loop of symbolic links") == 0, "%s", err.msg);

    // A FIFO or a folder at the path is refused and left as it was.
    CHECK(mkfifo(at("pipe.json"), 0600) == 0, "mkfifo");
    CHECK(!dp_write_file_atomic(at("pipe.json"), "x", 1, &err), "a FIFO replaced");
    CHECK(strcmp(err.msg, "is a FIFO, not a regular file: not replaced") == 0, "%s", err.msg);
    CHECK(lstat(at("pipe.json"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still there");
    CHECK(!dp_write_file_atomic(at("real"), "x", 1, &err), "a folder replaced");
    CHECK(strcmp(err.msg, "is a folder, not a regular file: not replaced") == 0, "%s", err.msg);
    CHECK(symlink("pipe.json", at("to-pipe.json")) == 0, "symlink");
    CHECK(!dp_write_file_atomic(at("to-pipe.json"), "x", 1, &err), "a FIFO behind a link replaced");
    CHECK(no_temporaries(), "no temporary left");

    // Permissions are kept: a private file stays private.
    CHECK(write_text(at("private.json"), "old", 0600) && chmod(at("private.json"), 0600) == 0, "write");
    CHECK(dp_write_file_atomic(at("private.json"), "new", 3, &err), "%s", err.msg);
    CHECK(stat(at("private.json"), &st) == 0 && (st.st_mode & 07777) == 0600,
          "mode %o, want 600", (unsigned)(st.st_mode & 07777));
    CHECK(chmod(at("private.json"), 0640) == 0, "chmod");
    CHECK(dp_write_file_atomic(at("private.json"), "newer", 5, &err), "%s", err.msg);
    CHECK(stat(at("private.json"), &st) == 0 && (st.st_mode & 07777) == 0640, "mode %o, want 640",
          (unsigned)(st.st_mode & 07777));
    CHECK(dp_write_file_atomic(at("brand-new.json"), "x", 1, &err), "%s", err.msg);
    CHECK(stat(at("brand-new.json"), &st) == 0 && (st.st_mode & 07777) == 0644, "a new file: %o",
          (unsigned)(st.st_mode & 07777));

    // Hard links: the save says it gives this name a file of its own.
    CHECK(write_text(at("shared.json"), "old", 0644) && link(at("shared.json"), at("other.json")) == 0,
          "link");
    CHECK(dp_write_file_atomic_noted(at("shared.json"), "new", 3, note, sizeof note, &err), "%s",
          err.msg);
    CHECK(strstr(note, "it had 2 hard links") == note, "note \"%s\"", note);
    CHECK(holds(at("shared.json"), "new") && holds(at("other.json"), "old"), "as the note says");
    CHECK(dp_write_file_atomic_noted(at("shared.json"), "newer", 5, note, sizeof note, &err) &&
              note[0] == '\0',
          "one link: nothing to say (\"%s\")", note);

    // A 250-byte name (NAME_MAX is 255): its temporary is cut to fit.
    char name[251];
    memset(name, 'n', 245);
    memcpy(name + 245, ".json", 6);
    CHECK(strlen(name) == 250, "250 bytes");
    CHECK(dp_write_file_atomic(at(name), "long", 4, &err), "a 250-byte name: %s", err.msg);
    CHECK(holds(at(name), "long"), "saved");
    // A stale temporary of that name (its process gone) is swept by the next save.
    char stale[300];
    snprintf(stale, sizeof stale, "%.223s.tmp-2147483646-abcdef", name);
    CHECK(write_text(at(stale), "half", 0644), "stale temp: %s", strerror(errno));
    CHECK(dp_write_file_atomic(at(name), "longer", 6, &err), "%s", err.msg);
    CHECK(access(at(stale), F_OK) != 0, "the stale temporary is swept");
    CHECK(no_temporaries(), "no temporary left");

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "clean up");
}

/* What is not a model is said as what it is (a new user's first tries):
 * a picture, bytes none of the readers takes, a TF.js model's folder, a
 * JSON file cut short. */
static void test_not_models(void)
{
    dp_error err = {""};
    mlp net;
    model_meta meta;
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    int fd = open(at("seven.png"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, png, sizeof png - 1) == (ssize_t)(sizeof png - 1) && close(fd) == 0,
          "seven.png");
    CHECK(!model_any_load(at("seven.png"), &net, &meta, NULL, &err), "a PNG loaded as a model");
    CHECK(!strcmp(err.msg, "a PNG picture, not a model (digitpad predict reads pictures)"), "%s",
          err.msg);
    // Bytes that are not JSON (first byte 0x00: not ONNX's 0x08 either).
    static const uint8_t junk[] = {0x00, 0x9c, 0x41, 0xff, 0x10, 0x22};
    fd = open(at("junk.onnx"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, junk, sizeof junk) == (ssize_t)sizeof junk && close(fd) == 0,
          "junk.onnx");
    CHECK(!model_any_load(at("junk.onnx"), &net, &meta, NULL, &err), "junk loaded as a model");
    CHECK(!strcmp(err.msg, "not a model digitpad reads: neither JSON (digitpad, TF.js) nor "
                           "Keras (.keras, .h5) nor ONNX"),
          "%s", err.msg);
    // Text that starts as JSON keeps the JSON reader's account of it (the second comma).
    CHECK(write_text(at("mid.json"), "{\"format\": \"digitpad-mlp\",, }", 0644), "mid.json");
    CHECK(!model_any_load(at("mid.json"), &net, &meta, NULL, &err), "mid.json loaded");
    CHECK(!strcmp(err.msg, "not JSON: syntax error at line 1, column 27"), "%s", err.msg);
    // Cut short: the text ends inside the JSON (after column 19's space).
    CHECK(write_text(at("cut.json"), "{\"format\": \"digitpad-mlp\",\n  \"layers\": [[0.5, ", 0644),
          "cut.json");
    CHECK(!model_any_load(at("cut.json"), &net, &meta, NULL, &err), "cut.json loaded");
    CHECK(!strcmp(err.msg, "not JSON: the text ends at line 2, column 20 before the JSON does "
                           "(a truncated file?)"),
          "%s", err.msg);
    // A TF.js model's folder: pointed at its model.json.
    CHECK(mkdir(at("tfjs"), 0700) == 0 && write_text(at("tfjs/model.json"), "{}", 0644), "tfjs/");
    CHECK(!model_any_load(at("tfjs"), &net, &meta, NULL, &err), "a folder loaded");
    char want[700];
    snprintf(want, sizeof want, "is a folder; a TF.js model is read from its model.json (%s)",
             at("tfjs/model.json"));
    CHECK(!strcmp(err.msg, want), "%s", err.msg);
    // Any other folder is still just a folder.
    CHECK(mkdir(at("plain"), 0700) == 0, "plain/");
    CHECK(!model_any_load(at("plain"), &net, &meta, NULL, &err) &&
              !strcmp(err.msg, "is a folder, not a regular file"),
          "%s", err.msg);
    unlink(at("seven.png"));
    unlink(at("junk.onnx"));
    unlink(at("mid.json"));
    unlink(at("cut.json"));
    unlink(at("tfjs/model.json"));
    rmdir(at("tfjs"));
    rmdir(at("plain"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/digitpad-test-files-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("cannot make a temporary folder\n");
        return 1;
    }
    test_reading();
    test_not_models();
    test_saving();
    return check_summary();
}
