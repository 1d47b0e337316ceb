/* test_trainer_step.c: the trainer's single step and its live settings
 * (issue 11): one batch exactly, shown with the answers of the weights
 * before it, its loss and accuracy as worked out here from those weights,
 * how far it moved the weights (the first Adam step moves every parameter
 * by lr, so the distance is lr * sqrt(n)), the learning rate and the batch
 * size changed between batches. No timed assertions: waits are bounded by
 * counts of polls, not by a clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dataset.h"
#include "mlp.h"
#include "rng.h"
#include "trainer.h"

#include "check.h"

#define SIDE 8
#define INPUTS (SIDE * SIDE)
#define SAMPLES 8

/* Every pixel inked (1..255), so every first-layer weight has a gradient. */
static void make_data(dataset *ds, size_t n, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, seed);
    ds->count = n;
    ds->rows = ds->cols = SIDE;
    ds->images = malloc(n * INPUTS);
    ds->labels = malloc(n);
    for (size_t s = 0; s < n; s++) {
        ds->labels[s] = (uint8_t)(s % 10);
        for (int i = 0; i < INPUTS; i++)
            ds->images[s * INPUTS + i] = (uint8_t)(1 + dp_rng_below(&r, 255));
    }
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* Waits (up to ~60 s of polls) for the next event of kind, dropping others. */
static bool wait_for(trainer *t, trainer_event_kind kind, trainer_event *ev)
{
    for (int i = 0; i < 600000; i++) {
        if (trainer_poll(t, ev)) {
            if (ev->kind == kind)
                return true;
            continue;
        }
        sleep_us(100);
    }
    return false;
}

/* The mean cross-entropy and the right answers of net on the shown images. */
static void work_out(const mlp *net, const dataset *ds, const trainer_event *ev, double *loss,
                     size_t *right, bool *answers_match)
{
    float x[INPUTS], probs[10], scratch[2 * INPUTS];
    *loss = 0.0;
    *right = 0;
    *answers_match = true;
    for (size_t i = 0; i < ev->shown; i++) {
        const uint8_t *img = ds->images + (size_t)ev->shown_index[i] * INPUTS;
        for (int j = 0; j < INPUTS; j++)
            x[j] = (float)(img[j] / 255.0);
        mlp_predict(net, x, probs, scratch);
        size_t best = 0;
        for (size_t c = 1; c < 10; c++)
            if (probs[c] > probs[best])
                best = c;
        uint8_t label = ds->labels[ev->shown_index[i]];
        *loss -= log((double)probs[label]);
        *right += best == label;
        *answers_match = *answers_match && best == ev->shown_answer[i] &&
                         label == ev->shown_label[i] && fabsf(probs[best] - ev->shown_p[i]) < 1e-5f;
    }
    *loss /= (double)ev->shown;
}

int main(void)
{
    // Hand-worked: (1,2,3) -> (4,6,3) is a move of 5; |(3,4)| is 5.
    const float a[] = {1, 2, 3}, b[] = {4, 6, 3}, c[] = {3, 4};
    CHECK(fabs(trainer_weight_move(a, b, 3) - 5.0) < 1e-12, "move %g",
          trainer_weight_move(a, b, 3));
    CHECK(trainer_weight_move(a, a, 3) == 0.0, "no move");
    CHECK(fabs(trainer_weight_norm(c, 2) - 5.0) < 1e-12, "norm %g", trainer_weight_norm(c, 2));

    mnist data;
    memset(&data, 0, sizeof data);
    make_data(&data.train, SAMPLES, 3);
    make_data(&data.test, 10, 4);
    // Linear hidden units: none is ever switched off, so every parameter
    // gets a gradient on the first step.
    size_t sizes[] = {INPUTS, 8, 10};
    mlp net;
    CHECK(mlp_init(&net, sizes, 3, NULL), "mlp");
    CHECK(mlp_set_hidden_activation(&net, MLP_ACT_LINEAR, NULL), "linear");
    mlp_init_glorot(&net, 7);

    trainer_config cfg = {0};
    cfg.train = train_config_default();
    cfg.train.batch = 4;
    cfg.epochs = 3;
    cfg.init_seed = 7;
    trainer t;
    dp_error err;
    CHECK(trainer_init(&t, &cfg, &net, &data, &err), "init: %s", err.msg);

    // Step 1: exactly one batch of 4, with the untrained weights' answers.
    trainer_step(&t);
    trainer_event ev;
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev), "a single step's event");
    CHECK(ev.global_step == 1, "global step %llu", (unsigned long long)ev.global_step);
    CHECK(ev.batch == 4 && ev.shown == 4, "batch %zu shown %zu", ev.batch, ev.shown);
    CHECK(ev.step == 1 && ev.steps_per_epoch == 2, "step %zu of %zu", ev.step, ev.steps_per_epoch);
    CHECK(trainer_get_state(&t) == TRAINER_IDLE, "a step leaves the trainer idle");
    double loss;
    size_t right;
    bool match;
    work_out(&net, &data.train, &ev, &loss, &right, &match);
    CHECK(match, "the shown answers are the untrained network's");
    CHECK(fabs(loss - ev.batch_loss) < 1e-4, "batch loss %g, worked out %g", (double)ev.batch_loss,
          loss);
    CHECK(fabsf(ev.batch_accuracy - (float)right / 4.0f) < 1e-6f, "accuracy %g, worked out %zu/4",
          (double)ev.batch_accuracy, right);
    // Adam's first step: m_hat = g, v_hat = g^2, so every parameter moves
    // by lr * g / (|g| + eps) = lr (nearly): lr * sqrt(n) in all.
    double expect = 0.001 * sqrt((double)net.n_params);
    CHECK(fabs(ev.weight_move - expect) < 0.01 * expect, "moved %g, expected %g", ev.weight_move,
          expect);
    CHECK(fabs(ev.weight_norm - trainer_weight_norm(net.params, net.n_params)) < 1e-9,
          "norm before the step");
    mlp after;
    CHECK(mlp_clone(&after, &net, NULL), "clone");
    uint64_t have = 0;
    CHECK(trainer_take_snapshot(&t, &after, &have), "the step's weights are published");
    CHECK(fabs(trainer_weight_move(net.params, after.params, net.n_params) - ev.weight_move) < 1e-9,
          "the published weights moved as far as the event says");

    // Step 2, at learning rate 0: the other half of the epoch, and nothing moves.
    uint32_t first_half[4];
    memcpy(first_half, ev.shown_index, sizeof first_half);
    trainer_set_lr(&t, 0.0);
    trainer_step(&t);
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev), "the second step");
    CHECK(ev.global_step == 2 && ev.batch == 4, "step %llu batch %zu",
          (unsigned long long)ev.global_step, ev.batch);
    CHECK(ev.weight_move == 0.0, "lr 0 moves nothing: %g", ev.weight_move);
    bool seen[SAMPLES] = {false};
    for (int i = 0; i < 4; i++)
        seen[first_half[i]] = seen[ev.shown_index[i]] = true;
    size_t covered = 0;
    for (int i = 0; i < SAMPLES; i++)
        covered += seen[i];
    CHECK(covered == SAMPLES, "two steps of 4 cover the 8 samples once (%zu)", covered);
    CHECK(wait_for(&t, TRAINER_EV_EPOCH, &ev), "the second step ended the epoch");
    CHECK(ev.epochs_done == 1, "epochs done %zu", ev.epochs_done);

    // The batch size changes between batches: 3, then 8 (one batch an
    // epoch). The sample cursor carries over: after 3 samples of epoch 2,
    // batches of 8 take the 5 not yet seen, and the epoch ends there.
    trainer_set_lr(&t, 0.001);
    trainer_set_batch(&t, 3);
    trainer_step(&t);
    CHECK(wait_for(&t, TRAINER_EV_SETTING, &ev), "the new settings are reported");
    CHECK(!ev.batch_refused && ev.batch == 3 && ev.lr == 0.001 && ev.epoch == 2 && ev.sample == 0,
          "settings from epoch %zu sample %zu: batch %zu lr %g", ev.epoch, ev.sample, ev.batch,
          ev.lr);
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev), "a step at batch 3");
    CHECK(ev.batch == 3 && ev.shown == 3 && ev.steps_per_epoch == 3 && ev.sample == 3,
          "batch %zu, %zu steps, at sample %zu", ev.batch, ev.steps_per_epoch, ev.sample);
    CHECK(ev.weight_move > 0.0, "lr back to 0.001 moves again");
    uint32_t first_three[3];
    memcpy(first_three, ev.shown_index, sizeof first_three);
    trainer_set_batch(&t, 8);
    trainer_step(&t);
    CHECK(wait_for(&t, TRAINER_EV_SETTING, &ev), "the batch of 8 is reported");
    CHECK(ev.batch == 8 && ev.epoch == 2 && ev.step == 1 && ev.sample == 3,
          "batch %zu from epoch %zu, step %zu, sample %zu", ev.batch, ev.epoch, ev.step, ev.sample);
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev), "a step at batch 8");
    // 1 batch of 3 done, the 5 samples left make one more: 2 batches this epoch.
    CHECK(ev.batch == 5 && ev.shown == 5 && ev.steps_per_epoch == 2 && ev.step == 2,
          "batch %zu shown %zu, step %zu of %zu", ev.batch, ev.shown, ev.step, ev.steps_per_epoch);
    int times_seen[SAMPLES] = {0};
    for (int i = 0; i < 3; i++)
        times_seen[first_three[i]]++;
    for (size_t i = 0; i < ev.shown; i++)
        times_seen[ev.shown_index[i]]++;
    bool once = true;
    for (int i = 0; i < SAMPLES; i++)
        once = once && times_seen[i] == 1;
    CHECK(once, "across the change of batch size every sample of the epoch is seen once");
    CHECK(wait_for(&t, TRAINER_EV_EPOCH, &ev) && ev.epochs_done == 2,
          "the epoch ends after its 8 samples");
    // And the next epoch is one batch of 8.
    trainer_step(&t);
    CHECK(wait_for(&t, TRAINER_EV_SINGLE, &ev), "a step of a new epoch");
    CHECK(ev.batch == 8 && ev.steps_per_epoch == 1, "batch %zu of %zu steps", ev.batch,
          ev.steps_per_epoch);

    trainer_destroy(&t);

    // A trainer resumed part way into an epoch (a model saved after 3 of
    // its 8 samples, in one batch, the epoch's order being 0..7 shuffled
    // twice from seed 21): the next batch of 4 is samples 3..6 of that
    // order, the one after it the last.
    {
        trainer_config rc = cfg;
        rc.train.batch = 4;
        rc.train.seed = 11;
        train_position pos = {.samples = SAMPLES, .samples_done = 3, .batches_done = 1,
                              .batches_left = 2, .order_seed = 21, .shuffles = 2};
        rc.resume = &pos;
        rc.global_step = 10;
        trainer r;
        CHECK(trainer_init(&r, &rc, &net, &data, &err), "resumed init: %s", err.msg);
        bool exact = false;
        CHECK(trainer_resumed(&r, &exact) && exact, "resumed in the saved order");
        uint32_t order[SAMPLES];
        for (uint32_t i = 0; i < SAMPLES; i++)
            order[i] = i;
        dp_rng g;
        dp_rng_seed(&g, 21);
        dataset_shuffle(order, SAMPLES, &g);
        dataset_shuffle(order, SAMPLES, &g);
        trainer_step(&r);
        CHECK(wait_for(&r, TRAINER_EV_SINGLE, &ev), "a resumed step");
        CHECK(ev.global_step == 11 && ev.epoch == 1 && ev.step == 2 && ev.steps_per_epoch == 3 &&
                  ev.sample == 7 && ev.batch == 4,
              "step %llu: epoch %zu, batch %zu of %zu, sample %zu",
              (unsigned long long)ev.global_step, ev.epoch, ev.step, ev.steps_per_epoch,
              ev.sample);
        CHECK(ev.shown == 4 && !memcmp(ev.shown_index, order + 3, 4 * sizeof *order),
              "the samples after the saved 3, in the saved order");
        trainer_position at;
        mlp view;
        CHECK(mlp_clone(&view, &net, NULL), "clone");
        uint64_t v = 0;
        CHECK(trainer_take_snapshot_at(&r, &view, &v, &at) && at.at.samples_done == 7 &&
                  at.at.batches_done == 2 && at.global_step == 11 && at.at.shuffles == 2,
              "the snapshot says where: %zu samples, %zu batches", at.at.samples_done,
              at.at.batches_done);
        trainer_step(&r);
        CHECK(wait_for(&r, TRAINER_EV_SINGLE, &ev) && ev.batch == 1 &&
                  ev.shown_index[0] == order[7],
              "the last sample of the epoch, once");
        CHECK(wait_for(&r, TRAINER_EV_EPOCH, &ev) && ev.epochs_done == 1 && ev.step == 3,
              "the epoch ends after its 8 samples, in 3 batches");
        mlp_destroy(&view);
        trainer_destroy(&r);
    }
    mlp_destroy(&after);
    mlp_destroy(&net);
    mnist_destroy(&data);
    return check_summary();
}
