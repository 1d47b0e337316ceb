/* test_curves: the charts' series: halving when full, thinning after,
 * the moving average, where events sit on the x axis, the epoch list. */
#include <math.h>
#include <string.h>

#include "app/curves.h"

#include "check.h"

static void test_series(void)
{
    series s;
    CHECK(!series_init(&s, sizeof(int), 3, false), "an odd room is refused");
    CHECK(series_init(&s, sizeof(int), 4, true), "init");
    for (int i = 0; i < 4; i++)
        CHECK(series_push(&s, &i), "push %d", i);
    CHECK(s.n == 4, "n %zu", s.n);
    // Full: the fifth push keeps items 1 and 3 (every other, the later of each pair) and adds 4.
    int v = 4;
    CHECK(series_push(&s, &v), "push 4");
    CHECK(s.n == 3 && *(const int *)series_at(&s, 0) == 1 && *(const int *)series_at(&s, 1) == 3 &&
              *(const int *)series_at(&s, 2) == 4,
          "after halving: n %zu", s.n);
    // Thinning: from now on every second item is kept.
    CHECK(s.stride == 2, "stride %zu", s.stride);
    v = 5;
    CHECK(!series_push(&s, &v), "5 is skipped");
    v = 6;
    CHECK(series_push(&s, &v) && s.n == 4 && *(const int *)series_at(&s, 3) == 6, "6 is kept");
    series_clear(&s);
    CHECK(s.n == 0 && s.stride == 1, "clear");
    series_destroy(&s);

    // Without thinning a full series halves and keeps every new item.
    CHECK(series_init(&s, sizeof(int), 4, false), "init");
    for (int i = 0; i < 7; i++)
        series_push(&s, &i);
    // 0 1 2 3 is full; 4 halves it to 1 3 and joins; 5 fills it (1 3 4 5); 6 halves it to 3 5.
    CHECK(s.n == 3 && *(const int *)series_at(&s, 0) == 3 && *(const int *)series_at(&s, 1) == 5 &&
              *(const int *)series_at(&s, 2) == 6,
          "n %zu", s.n);
    series_destroy(&s);
}

static trainer_event step(size_t epoch, size_t step, size_t per_epoch, float loss)
{
    trainer_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = TRAINER_EV_STEP;
    ev.epoch = epoch;
    ev.step = step;
    ev.steps_per_epoch = per_epoch;
    ev.batch_loss = loss;
    ev.accuracy = 0.5;
    ev.global_step = (epoch - 1) * per_epoch + step;
    return ev;
}

static void test_curves(void)
{
    curves c;
    CHECK(curves_init(&c), "init");
    // x: epochs since the start, after the recorded ones.
    c.epoch_base = 2;
    trainer_event ev = step(1, 50, 200, 2.0f);
    CHECK(fabsf(curves_epoch_x(&c, &ev) - 2.25f) < 1e-6f, "x %g", (double)curves_epoch_x(&c, &ev));
    // The moving average: the first loss as is, then 0.9 old + 0.1 new.
    curves_new_session(&c, 0);
    uint64_t v = c.version;
    curves_add_step(&c, &ev);
    ev = step(1, 60, 200, 1.0f);
    curves_add_step(&c, &ev);
    CHECK(c.loss.n == 2 && c.version > v, "two points");
    CHECK(fabsf(curves_loss(&c, 0)->smooth - 2.0f) < 1e-6f, "first smooth");
    CHECK(fabsf(curves_loss(&c, 1)->smooth - 1.9f) < 1e-6f, "second smooth %g",
          (double)curves_loss(&c, 1)->smooth);
    CHECK(fabsf(curves_loss(&c, 1)->x - 0.3f) < 1e-6f, "x %g", (double)curves_loss(&c, 1)->x);
    // Thousands of steps: the series stays within its room and spans the whole run.
    for (size_t i = 1; i <= 20000; i++) {
        ev = step(1 + (i - 1) / 2000, 1 + (i - 1) % 2000, 2000, 1.0f);
        curves_add_step(&c, &ev);
    }
    CHECK(c.loss.n <= CURVES_LOSS_POINTS && c.loss.n >= CURVES_LOSS_POINTS / 2, "n %zu", c.loss.n);
    CHECK(curves_loss(&c, c.loss.n - 1)->x > 9.9f, "the last point at x %g",
          (double)curves_loss(&c, c.loss.n - 1)->x);

    // Epochs count after the base and the oldest goes when the list is full.
    curves_new_session(&c, 3);
    trainer_event ep;
    memset(&ep, 0, sizeof ep);
    ep.kind = TRAINER_EV_EPOCH;
    ep.epoch = 1;
    ep.loss = 0.25;
    ep.val_accuracy = 0.96;
    model_epoch e = curves_add_epoch(&c, &ep);
    CHECK(e.epoch == 4 && c.n_epochs == 1 && c.epochs[0].val_accuracy == 0.96, "epoch %d", e.epoch);
    for (int i = 0; i < CURVES_EPOCH_POINTS; i++)
        curves_add_epoch(&c, &ep);
    CHECK(c.n_epochs == CURVES_EPOCH_POINTS, "n_epochs %zu", c.n_epochs);

    // A model's history as epoch points.
    model_meta meta;
    CHECK(model_meta_default(&meta, 28, 28, 10, NULL), "meta");
    model_epoch h1 = {1, 0.25, 0.92, 0.14, 0.96}, h2 = {2, 0.11, 0.97, 0.10, 0.97};
    model_meta_add_epoch(&meta, &h1, NULL);
    model_meta_add_epoch(&meta, &h2, NULL);
    meta.has_training = true;
    curves_from_history(&c, &meta);
    CHECK(c.n_epochs == 2 && c.epoch_base == 2 && c.loss.n == 0 && c.epochs[1].val_loss == 0.10,
          "history: %zu epochs, base %zu", c.n_epochs, c.epoch_base);
    model_meta_destroy(&meta);

    // The drawing's chart: a probe's probabilities, halved when full.
    trainer_event pr;
    memset(&pr, 0, sizeof pr);
    pr.kind = TRAINER_EV_PROBE;
    pr.epoch = 1;
    pr.steps_per_epoch = 100;
    pr.probe[3] = 0.75f;
    for (size_t i = 0; i < CURVES_DIGIT_POINTS + 1; i++) {
        pr.global_step = i;
        curves_add_probe(&c, &pr);
    }
    CHECK(c.digit.n == CURVES_DIGIT_POINTS / 2 + 1, "digit n %zu", c.digit.n);
    CHECK(curves_digit(&c, 0)->step == 1 && curves_digit(&c, 1)->step == 3 &&
              curves_digit(&c, c.digit.n - 1)->step == CURVES_DIGIT_POINTS &&
              curves_digit(&c, 0)->probs[3] == 0.75f,
          "steps %llu %llu", (unsigned long long)curves_digit(&c, 0)->step,
          (unsigned long long)curves_digit(&c, 1)->step);
    curves_clear_digit(&c);
    CHECK(c.digit.n == 0, "clear digit");
    curves_clear(&c);
    CHECK(c.loss.n == 0 && c.n_epochs == 0 && c.epoch_base == 0, "clear");
    curves_destroy(&c);
}

int main(void)
{
    test_series();
    test_curves();
    return check_summary();
}
