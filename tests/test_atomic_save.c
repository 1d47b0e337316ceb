/* test_atomic_save: a save that dies half way never costs the old model.
 *
 * A child process saves a large model over and over; the parent kills it
 * with SIGKILL at varied moments, mid-write most of the time. After each
 * kill the target must still parse (the old model or a complete new one),
 * and the next save must sweep away the temporary the dead child left. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model_file.h"

#include "check.h"

static size_t count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp-") != NULL;
    if (d)
        closedir(d);
    return n;
}

static bool make_model(mlp *net, model_meta *meta, size_t hidden, uint64_t seed)
{
    size_t sizes[] = {784, hidden, 10};
    if (!mlp_init(net, sizes, 3, NULL))
        return false;
    mlp_init_glorot(net, seed);
    return model_meta_default(meta, 28, 28, 10, NULL);
}

int main(void)
{
    char dir[] = "/tmp/digitpad-atomic-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/model.json", dir);

    mlp small, big;
    model_meta small_meta, big_meta;
    CHECK(make_model(&small, &small_meta, 8, 1), "small model");
    CHECK(make_model(&big, &big_meta, 4096, 2), "big model");
    // ~40 MB of JSON, made once: the child spends its time writing it.
    char *big_text = NULL;
    size_t big_len = 0;
    CHECK(model_file_write(&big, &big_meta, &big_text, &big_len, NULL), "big model text");
    dp_error err;
    CHECK(model_file_save(path, &small, &small_meta, &err), "first save: %s", err.msg);

    // A temporary left by a process that is gone is swept; one whose
    // process still runs (pid 1) is left alone.
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char stale[320], alive[320];
    snprintf(stale, sizeof stale, "%s.tmp-%ld-abcdef", path, (long)dead);
    snprintf(alive, sizeof alive, "%s.tmp-1-abcdef", path);
    FILE *f = fopen(stale, "w");
    fputs("{\"half\": ", f);
    fclose(f);
    f = fopen(alive, "w");
    fclose(f);
    CHECK(dp_sweep_stale_temps(path) == 1, "one stale temporary swept");
    CHECK(access(stale, F_OK) != 0, "the dead process's temporary is gone");
    CHECK(access(alive, F_OK) == 0, "a live process's temporary is kept");
    unlink(alive);

    int kills = 0, mid_write = 0, old_kept = 0, new_whole = 0;
    for (int round = 0; round < 12; round++) {
        pid_t child = fork();
        if (child == 0) {
            for (;;)
                dp_write_file_atomic(path, big_text, big_len, NULL);
        }
        // 5 ms to 665 ms: before, during and between the child's saves.
        long ms = 5 + round * 60;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        kills++;
        mid_write += count_temps(dir) > 0;
        mlp got;
        model_meta got_meta;
        bool ok = model_file_load(path, &got, &got_meta, &err);
        CHECK(ok, "after a kill at %ld ms the file still loads: %s", ms, err.msg);
        if (ok) {
            if (got.sizes[1] == 8)
                old_kept++;
            else if (got.sizes[1] == 4096 &&
                     memcmp(got.params, big.params, big.n_params * sizeof(float)) == 0)
                new_whole++;
            else
                CHECK(0, "the file is neither the old model nor the whole new one");
            model_meta_destroy(&got_meta);
            mlp_destroy(&got);
        }
        // The next save (here, of the small model) sweeps what the child left.
        CHECK(model_file_save(path, &small, &small_meta, &err), "save after kill: %s", err.msg);
        CHECK(count_temps(dir) == 0, "no temporary left after the next save");
    }
    printf("%d kills: %d mid-write, old model kept %d times, new model whole %d times\n", kills,
           mid_write, old_kept, new_whole);
    CHECK(mid_write >= 2, "kills landed mid-write (%d)", mid_write);
    free(big_text);

    unlink(path);
    rmdir(dir);
    model_meta_destroy(&small_meta);
    model_meta_destroy(&big_meta);
    mlp_destroy(&small);
    mlp_destroy(&big);
    return check_summary();
}
