/* training.c: the dataset and the trainer (training.h). */
#include "training.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/paths.h"

void training_init(training *t, const training_settings *settings, const char *data_arg,
                   size_t limit, events *events, loader_wake_fn wake, void *wake_ctx)
{
    memset(t, 0, sizeof *t);
    t->next = *settings;
    t->running = *settings;
    t->data_arg = data_arg;
    t->limit = limit;
    t->events = events;
    t->wake = wake;
    t->wake_ctx = wake_ctx;
    t->shown_state = TRAINER_IDLE;
    t->epochs_planned = settings->epochs;
    loader_init(&t->loader, wake, wake_ctx);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void training_drop_trainer(training *t)
{
    if (t->have_trainer) {
        // How long stopping takes (the thread finishes its batch and joins)
        // is reported, so tests can hold it to the 200 ms promised.
        double a = now_s();
        bool was_running = trainer_get_state(&t->trainer) == TRAINER_RUNNING;
        trainer_destroy(&t->trainer);
        t->have_trainer = false;
        t->finetuning = false; // its job, if any, went with it
        event_trainer_stopped(t->events, was_running, (now_s() - a) * 1e3);
    }
    t->shown_state = TRAINER_IDLE;
    t->have_progress = false;
    t->have_weights_pos = false;
}

void training_set_resume(training *t, const train_position *pos, uint64_t global_step)
{
    t->want_resume = pos != NULL;
    if (pos)
        t->resume = *pos;
    t->resume_step = pos ? global_step : 0;
}

void training_destroy(training *t)
{
    training_drop_trainer(t);
    loader_destroy(&t->loader);
    if (t->data_state == TRAINING_DATA_LOADED)
        mnist_destroy(&t->data);
    memset(t, 0, sizeof *t);
}

void training_set_data(training *t, const char *dir)
{
    training_drop_trainer(t);
    if (t->data_state == TRAINING_DATA_LOADING) {
        loader_wait(&t->loader);
        loader_discard(&t->loader);
    }
    if (t->data_state == TRAINING_DATA_LOADED)
        mnist_destroy(&t->data);
    memset(&t->data, 0, sizeof t->data);
    t->data_arg = dir;
    t->data_state = TRAINING_DATA_UNKNOWN;
    t->data_dir[0] = 0;
    t->data_error[0] = 0;
    t->start_when_loaded = false;
    t->pred_version = 0;
}

void training_find_data(training *t)
{
    dp_error err = {{0}};
    // --data alone when given, else the usual places (common/paths.h).
    if (paths_find_mnist(t->data_arg, NULL, t->data_dir, sizeof t->data_dir, &err)) {
        t->data_state = TRAINING_DATA_FOUND;
    } else {
        t->data_state = TRAINING_DATA_MISSING;
        snprintf(t->data_error, sizeof t->data_error, "%s", err.msg);
    }
}

bool training_want_data(training *t, dp_error *err)
{
    if (t->data_state == TRAINING_DATA_UNKNOWN)
        training_find_data(t);
    switch (t->data_state) {
    case TRAINING_DATA_FOUND:
        if (!loader_start_mnist(&t->loader, t->data_dir, t->limit, err))
            return false;
        t->data_state = TRAINING_DATA_LOADING;
        return true;
    case TRAINING_DATA_LOADING:
    case TRAINING_DATA_LOADED:
        return true;
    case TRAINING_DATA_UNKNOWN:
    case TRAINING_DATA_MISSING:
    case TRAINING_DATA_FAILED:
        break;
    }
    return false;
}

training_data_news training_poll_data(training *t)
{
    if (t->data_state != TRAINING_DATA_LOADING)
        return TRAINING_DATA_NO_NEWS;
    loader_status st = loader_poll(&t->loader);
    if (st == LOADER_OK) {
        loader_take_mnist(&t->loader, &t->data);
        t->data_state = TRAINING_DATA_LOADED;
        return TRAINING_DATA_ARRIVED;
    }
    if (st == LOADER_FAILED) {
        snprintf(t->data_error, sizeof t->data_error, "%s", t->loader.err.msg);
        loader_discard(&t->loader);
        t->data_state = TRAINING_DATA_FAILED;
        return TRAINING_DATA_BROKEN;
    }
    return TRAINING_DATA_NO_NEWS;
}

size_t training_classes(const training *t)
{
    if (t->data_state != TRAINING_DATA_LOADED)
        return 10;
    size_t n = 0;
    const dataset *sets[2] = {&t->data.train, &t->data.test};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sets[k]->count; i++)
            if ((size_t)sets[k]->labels[i] + 1 > n)
                n = (size_t)sets[k]->labels[i] + 1;
    return n;
}

bool training_ensure_trainer(training *t, const mlp *net, dp_error *err)
{
    if (t->have_trainer)
        return true;
    if (t->data_state != TRAINING_DATA_LOADED)
        return false;
    size_t classes = training_classes(t);
    if (net->sizes[net->n_layers] < classes)
        return dp_fail(err, "this model has %zu outputs, fewer than the data's %zu labels",
                       net->sizes[net->n_layers], classes);
    trainer_config tc;
    memset(&tc, 0, sizeof tc);
    tc.train = train_config_default();
    tc.train.batch = t->next.batch;
    tc.train.lr = t->next.lr;
    tc.train.seed = t->next.seed;
    if (t->next.augment)
        tc.train.augment = augment_config_default(true, true);
    tc.epochs = t->next.epochs;
    tc.init_seed = t->next.seed;
    tc.snapshot_every = 25;
    tc.step_event_every = 10;
    tc.speed = t->next.speed;
    tc.wake = t->wake;
    tc.wake_ctx = t->wake_ctx;
    tc.resume = t->want_resume ? &t->resume : NULL;
    tc.global_step = t->resume_step;
    if (!trainer_init(&t->trainer, &tc, net, &t->data, err))
        return false;
    t->start_step = trainer_resumed(&t->trainer, NULL) ? tc.global_step : 0;
    t->have_weights_pos = false;
    t->applied_lr = t->before_lr = tc.train.lr;
    t->applied_batch = t->before_batch = tc.train.batch;
    t->have_trainer = true;
    t->running = t->next;
    t->probe_dirty = true;
    t->snapshot_version = 0;
    t->pred_version = 0;
    t->finetuning = false;
    t->finetune_version = 0;
    t->seen_version = 0;
    t->shown_state = TRAINER_IDLE;
    t->epochs_planned = tc.epochs;
    return true;
}

void training_start(training *t)
{
    if (!t->have_trainer)
        return;
    trainer_start(&t->trainer);
    t->shown_state = TRAINER_RUNNING;
    t->rate_t0 = 0;
    t->samples_per_s = 0;
}

void training_pause(training *t)
{
    if (!t->have_trainer)
        return;
    trainer_pause(&t->trainer);
    t->shown_state = TRAINER_PAUSED;
}

void training_reset(training *t)
{
    if (!t->have_trainer)
        return;
    trainer_reset(&t->trainer);
    t->shown_state = TRAINER_IDLE;
    t->have_progress = false;
}

/* A speed's order: slower is smaller, full speed (0) the fastest of all. */
static unsigned long long pace_rank(unsigned speed)
{
    return speed ? speed : ~0ull;
}

unsigned training_speed_step(unsigned speed, int dir)
{
    static const unsigned speeds[] = TRAINING_SPEEDS;
    const size_t n = sizeof speeds / sizeof speeds[0];
    unsigned long long at = pace_rank(speed);
    if (dir < 0) {
        for (size_t i = n; i-- > 0;)
            if (pace_rank(speeds[i]) < at)
                return speeds[i];
        return speeds[0];
    }
    if (dir > 0) {
        for (size_t i = 0; i < n; i++)
            if (pace_rank(speeds[i]) > at)
                return speeds[i];
        return speeds[n - 1];
    }
    return speed;
}

void training_set_speed(training *t, unsigned speed)
{
    t->next.speed = speed;
    t->running.speed = speed;
    if (t->have_trainer)
        trainer_set_speed(&t->trainer, speed);
}

bool training_step(training *t)
{
    if (!t->have_trainer || trainer_get_state(&t->trainer) == TRAINER_RUNNING)
        return false;
    trainer_step(&t->trainer);
    return true;
}

void training_set_lr(training *t, double lr)
{
    t->next.lr = lr;
    t->running.lr = lr;
    if (t->have_trainer)
        trainer_set_lr(&t->trainer, lr);
}

void training_set_batch(training *t, size_t batch)
{
    t->next.batch = batch;
    t->running.batch = batch;
    if (t->have_trainer)
        trainer_set_batch(&t->trainer, batch);
}

void training_set_epochs(training *t, size_t epochs)
{
    t->next.epochs = epochs;
    t->running.epochs = epochs;
    if (t->have_trainer)
        trainer_set_epochs(&t->trainer, epochs);
}

trainer_state training_state(const training *t)
{
    return t->have_trainer ? t->shown_state : TRAINER_IDLE;
}

bool training_running(const training *t)
{
    return training_state(t) == TRAINER_RUNNING;
}

bool training_update(training *t, double now, mlp *net)
{
    t->now = now;
    if (!t->have_trainer)
        return false;
    bool took = trainer_take_snapshot_at(&t->trainer, net, &t->snapshot_version, &t->weights_pos);
    if (took)
        t->have_weights_pos = true;
    // trainer_start and trainer_pause move the state themselves: what it
    // says is what was last asked for, or what the thread did since.
    t->shown_state = trainer_get_state(&t->trainer);
    return took;
}

/* Throughput from the batch counter, over windows of half a second
 * (computed here rather than taken from the event so that it does not
 * depend on how the trainer counts across an epoch's end). */
static void measure_rate(training *t, const trainer_event *ev)
{
    if (t->rate_t0 <= 0 || ev->global_step < t->rate_step0) {
        t->rate_t0 = t->now;
        t->rate_step0 = ev->global_step;
        return;
    }
    double dt = t->now - t->rate_t0;
    /* The first figure as soon as a tenth of a second has gone by (an
     * epoch of a limited set can be over within half a second), then one
     * every half second. */
    if (t->samples_per_s == 0 && dt >= 0.1 && ev->global_step > t->rate_step0) {
        t->samples_per_s =
            (double)(ev->global_step - t->rate_step0) * (double)t->running.batch / dt;
        return;
    }
    if (dt >= 0.5) {
        t->samples_per_s =
            (double)(ev->global_step - t->rate_step0) * (double)t->running.batch / dt;
        t->rate_t0 = t->now;
        t->rate_step0 = ev->global_step;
    }
}

bool training_next_event(training *t, trainer_event *ev)
{
    if (!t->have_trainer || !trainer_poll(&t->trainer, ev))
        return false;
    switch (ev->kind) {
    case TRAINER_EV_STEP:
        measure_rate(t, ev);
        t->last_event = *ev;
        t->have_progress = true;
        t->epochs_planned = ev->epochs;
        break;
    case TRAINER_EV_EPOCH:
        t->last_event = *ev;
        t->have_progress = true;
        // An epoch shorter than the first measurement: its own figure.
        if (t->samples_per_s == 0 && ev->seconds > 0 &&
            t->data_state == TRAINING_DATA_LOADED)
            t->samples_per_s = (double)t->data.train.count / ev->seconds;
        break;
    case TRAINER_EV_RESET:
        t->have_progress = false;
        break;
    case TRAINER_EV_SETTING:
        // The batch asked for could not be made (the trainer kept its
        // own), or new settings took effect.
        if (ev->batch_refused) {
            t->next.batch = ev->batch;
            t->running.batch = ev->batch;
        } else {
            t->before_lr = t->applied_lr;
            t->before_batch = t->applied_batch;
            t->applied_lr = ev->lr;
            t->applied_batch = ev->batch;
        }
        break;
    case TRAINER_EV_SINGLE:
        t->last_event = *ev;
        t->have_progress = true;
        t->epochs_planned = ev->epochs;
        break;
    case TRAINER_EV_FINETUNE:
        t->finetuning = false;
        t->shown_state = trainer_get_state(&t->trainer);
        break;
    case TRAINER_EV_DONE:
    case TRAINER_EV_EVAL:
    case TRAINER_EV_PROBE:
        break;
    }
    return true;
}

void training_set_probe(training *t, const float *x, uint64_t version)
{
    if (!t->have_trainer || (!t->probe_dirty && t->probe_sent == version))
        return;
    trainer_set_probe(&t->trainer, x, version);
    t->probe_sent = version;
    t->probe_dirty = false;
}

bool training_request_eval(training *t)
{
    if (!t->have_trainer)
        return false;
    trainer_request_eval(&t->trainer);
    return true;
}

bool training_take_predictions(training *t, uint8_t *predicted, float *confidence)
{
    return t->have_trainer &&
           trainer_take_predictions(&t->trainer, predicted, confidence, &t->pred_version);
}

double training_epochs_done(const training *t)
{
    if (!t->have_progress || !t->last_event.steps_per_epoch)
        return 0.0;
    return (double)(t->last_event.epoch - 1) +
           (double)t->last_event.step / (double)t->last_event.steps_per_epoch;
}

bool training_finetune(training *t, const dataset *mine, const finetune_config *cfg,
                       dp_error *err)
{
    if (!t->have_trainer)
        return dp_fail(err, "no trainer to fine-tune with");
    if (!trainer_finetune(&t->trainer, mine, cfg, err))
        return false;
    t->finetuning = true;
    t->shown_state = trainer_get_state(&t->trainer); // paused, if it ran
    return true;
}

bool training_finetune_busy(const training *t)
{
    return t->have_trainer && t->finetuning;
}

bool training_take_finetune(training *t, trainer_finetune_report *out, mlp *weights)
{
    return t->have_trainer &&
           trainer_take_finetune(&t->trainer, out, weights, &t->finetune_version);
}

bool training_take_seen(training *t, trainer_seen *out, uint8_t *images)
{
    return t->have_trainer && trainer_take_seen(&t->trainer, out, images, &t->seen_version);
}
