/* trainer.c: the background training thread (see trainer.h for the rules
 * of the hand-over). */
#include "trainer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

// Issue 13's parts (at the end of this file).
static void publish_seen(trainer *t, bool epoch_done);
static void forget_seen(trainer *t);
static bool finetune_comes_first(trainer *t);
static void run_finetune(trainer *t);

static double now_s(void)
{
    return dp_clock_seconds();
}

static void push_event(trainer *t, const trainer_event *ev)
{
    pthread_mutex_lock(&t->ring_lock);
    if (t->ring_len == TRAINER_RING) {
        /* Full: the window has not drained for a while. Drop the oldest
         * step event; epoch and done events are rare and must arrive. */
        size_t victim = SIZE_MAX;
        for (size_t i = 0; i < t->ring_len; i++) {
            size_t at = (t->ring_head + i) % TRAINER_RING;
            if (t->ring[at].kind == TRAINER_EV_STEP) {
                victim = i;
                break;
            }
        }
        if (victim == SIZE_MAX) {
            pthread_mutex_unlock(&t->ring_lock);
            return;
        }
        for (size_t i = victim; i > 0; i--)
            t->ring[(t->ring_head + i) % TRAINER_RING] =
                t->ring[(t->ring_head + i - 1) % TRAINER_RING];
        t->ring_head = (t->ring_head + 1) % TRAINER_RING;
        t->ring_len--;
    }
    t->ring[(t->ring_head + t->ring_len) % TRAINER_RING] = *ev;
    t->ring_len++;
    pthread_mutex_unlock(&t->ring_lock);
    if (t->cfg.wake)
        t->cfg.wake(t->cfg.wake_ctx);
}

bool trainer_poll(trainer *t, trainer_event *ev)
{
    pthread_mutex_lock(&t->ring_lock);
    bool have = t->ring_len > 0;
    if (have) {
        *ev = t->ring[t->ring_head];
        t->ring_head = (t->ring_head + 1) % TRAINER_RING;
        t->ring_len--;
    }
    pthread_mutex_unlock(&t->ring_lock);
    return have;
}

/* Copies the thread's weights into a slot nobody is reading and makes it
 * the newest. With three slots and one reader holding at most one, a free
 * slot other than the newest always exists. */
static void publish(trainer *t)
{
    int newest = atomic_load(&t->newest_slot);
    for (int i = 0; i < TRAINER_SLOTS; i++) {
        if (i == newest || pthread_mutex_trylock(&t->slot_lock[i]) != 0)
            continue;
        mlp_copy_params(&t->slots[i], &t->net);
        uint64_t v = atomic_fetch_add(&t->version, 1) + 1;
        t->slot_version[i] = v;
        trainer_position *pos = &t->slot_pos[i];
        pos->epochs_done = t->sess.epoch;
        train_session_position(&t->sess, &pos->at);
        pos->global_step = t->global_step;
        pos->lr = t->sess.cfg.lr;
        pos->batch = t->sess.cfg.batch;
        t->unpublished = false;
        pthread_mutex_unlock(&t->slot_lock[i]);
        atomic_store(&t->newest_slot, i);
        return;
    }
}

bool trainer_take_snapshot(trainer *t, mlp *dst, uint64_t *have_version)
{
    return trainer_take_snapshot_at(t, dst, have_version, NULL);
}

bool trainer_resumed(const trainer *t, bool *exact)
{
    if (exact)
        *exact = t->resumed_exact;
    return t->resumed;
}

bool trainer_take_snapshot_at(trainer *t, mlp *dst, uint64_t *have_version, trainer_position *pos)
{
    int i = atomic_load(&t->newest_slot);
    if (i < 0 || !mlp_same_shape(dst, &t->slots[i]))
        return false;
    bool took = false;
    pthread_mutex_lock(&t->slot_lock[i]);
    if (t->slot_version[i] > *have_version) {
        mlp_copy_params(dst, &t->slots[i]);
        *have_version = t->slot_version[i];
        if (pos)
            *pos = t->slot_pos[i];
        took = true;
    }
    pthread_mutex_unlock(&t->slot_lock[i]);
    return took;
}

static void base_event(const trainer *t, trainer_event *ev, trainer_event_kind kind)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->epoch = t->sess.epoch + 1;
    ev->epochs = t->cfg.epochs;
    ev->step = t->sess.step;
    ev->steps_per_epoch = t->sess.steps_per_epoch;
    ev->epochs_done = t->sess.epoch;
    if (t->sess.step == 0 && t->sess.epoch > 0) {
        // Between epochs: the event belongs to the one that just ended.
        ev->epoch = t->sess.epoch;
        ev->step = t->sess.steps_per_epoch;
    }
    ev->sample = t->sess.sample;
    if (t->sess.step == 0 && t->sess.epoch > 0)
        ev->sample = t->data->train.count;
    ev->global_step = t->global_step;
    ev->loss = train_session_loss(&t->sess);
    ev->accuracy = train_session_accuracy(&t->sess);
}

/* Evaluates the thread's weights on the test set into ev and publishes the
 * per-sample answers. */
static void evaluate_and_publish(trainer *t, trainer_event *ev)
{
    eval_result r;
    eval_options o = {
        .input_scale = t->cfg.train.input_scale,
        .predicted = t->scratch_pred,
        .confidence = t->scratch_conf,
        .stop = &t->cmd_stop,
    };
    if (!t->data->test.count || !evaluate_with(&t->net, &t->data->test, &o, &r, NULL))
        return;
    ev->val_loss = r.loss;
    ev->val_accuracy = r.accuracy;
    ev->has_confusion = true;
    for (size_t i = 0; i < 10; i++)
        for (size_t j = 0; j < 10; j++)
            ev->confusion[i][j] = i < r.n_classes && j < r.n_classes ? r.confusion[i][j] : 0;
    size_t n = t->data->test.count;
    pthread_mutex_lock(&t->pred_lock);
    memcpy(t->predicted, t->scratch_pred, n);
    memcpy(t->confidence, t->scratch_conf, n * sizeof *t->confidence);
    t->pred_version++;
    pthread_mutex_unlock(&t->pred_lock);
}

bool trainer_take_predictions(trainer *t, uint8_t *predicted, float *confidence,
                              uint64_t *have_version)
{
    bool took = false;
    pthread_mutex_lock(&t->pred_lock);
    if (t->pred_version > *have_version) {
        size_t n = t->data->test.count;
        if (predicted)
            memcpy(predicted, t->predicted, n);
        if (confidence)
            memcpy(confidence, t->confidence, n * sizeof *confidence);
        *have_version = t->pred_version;
        took = true;
    }
    pthread_mutex_unlock(&t->pred_lock);
    return took;
}

static void report_probe(trainer *t)
{
    uint64_t tag;
    pthread_mutex_lock(&t->probe_lock);
    memcpy(t->probe_local, t->probe_x, t->net.sizes[0] * sizeof *t->probe_local);
    tag = t->probe_tag;
    pthread_mutex_unlock(&t->probe_lock);
    mlp_predict(&t->net, t->probe_local, t->probe_probs, t->probe_scratch);
    trainer_event ev;
    base_event(t, &ev, TRAINER_EV_PROBE);
    ev.probe_tag = tag;
    size_t n = t->net.sizes[t->net.n_layers];
    for (size_t i = 0; i < TRAINER_PROBE_CLASSES; i++)
        ev.probe[i] = i < n ? t->probe_probs[i] : 0.0f;
    push_event(t, &ev);
}

void trainer_set_probe(trainer *t, const float *x, uint64_t tag)
{
    pthread_mutex_lock(&t->probe_lock);
    if (x) {
        memcpy(t->probe_x, x, t->net.sizes[0] * sizeof *t->probe_x);
        t->probe_tag = tag;
    }
    atomic_store(&t->probe_on, x != NULL);
    pthread_mutex_unlock(&t->probe_lock);
}

static void do_reset(trainer *t)
{
    t->resets++;
    mlp_init_glorot(&t->net, t->cfg.init_seed + t->resets);
    train_session_reset(&t->sess);
    t->global_step = 0;
    forget_seen(t);
    publish(t);
    trainer_event ev;
    base_event(t, &ev, TRAINER_EV_RESET);
    push_event(t, &ev);
}

/* At a set speed, waits until 1/speed seconds after the last batch began
 * (last_batch), on the command condition variable: true when the next batch
 * may go, false when a command came first (the loop then looks at it). The
 * speed is read again after each wake-up, so a faster one takes effect at
 * once. */
static bool pace(trainer *t, double last_batch)
{
    if (!atomic_load(&t->speed))
        return true;
    bool go = true;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        unsigned speed = atomic_load(&t->speed);
        if (atomic_load(&t->cmd_stop) || atomic_load(&t->cmd_reset) ||
            atomic_load(&t->cmd_eval) || !atomic_load(&t->cmd_run)) {
            go = false;
            break;
        }
        double wait = speed ? last_batch + 1.0 / speed - now_s() : 0.0;
        if (wait <= 0)
            break;
        // pthread_cond_timedwait takes a CLOCK_REALTIME deadline; the pace
        // itself is measured on the monotonic clock, so a clock step costs
        // at most one early or late wake-up.
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long ns = ts.tv_nsec + (long)(wait * 1e9);
        ts.tv_sec += ns / 1000000000L;
        ts.tv_nsec = ns % 1000000000L;
        int rc = pthread_cond_timedwait(&t->wake, &t->lock, &ts);
        if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
            break;
    }
    pthread_mutex_unlock(&t->lock);
    return go;
}

void trainer_set_speed(trainer *t, unsigned batches_per_s)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->speed, batches_per_s);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

unsigned trainer_get_speed(trainer *t)
{
    return atomic_load(&t->speed);
}

double trainer_weight_move(const float *before, const float *after, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)after[i] - (double)before[i];
        sum += d * d;
    }
    return sqrt(sum);
}

double trainer_weight_norm(const float *p, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)p[i] * (double)p[i];
    return sqrt(sum);
}

/* Makes the session anew for batches of `want` (trainer_set_batch): what
 * the old one learned (Adam's moments and step count, the rows the sparse
 * path sweeps, the ink index) and where the epoch stands (its order, the
 * shuffling generator, its running figures) move over. */
static void rebatch(trainer *t, size_t want)
{
    train_session *old = &t->sess;
    train_config c = old->cfg;
    c.batch = want;
    train_session ns;
    dp_error err;
    if (!train_session_init(&ns, &t->net, &t->data->train, &c, &err)) {
        size_t asked = want;
        atomic_compare_exchange_strong(&t->batch, &asked, old->cfg.batch);
        trainer_event ev;
        base_event(t, &ev, TRAINER_EV_SETTING);
        ev.batch = old->cfg.batch;
        ev.lr = old->cfg.lr;
        ev.batch_refused = true;
        push_event(t, &ev);
        return;
    }
    train_session_move(&ns, old); // the next batch starts at the next unseen sample
    train_session_destroy(old);
    *old = ns;
    t->cfg.train.batch = want;
}

/* The live settings, before a batch. */
static void apply_settings(trainer *t)
{
    double lr0 = t->sess.cfg.lr;
    size_t batch0 = t->sess.cfg.batch;
    t->sess.cfg.lr = atomic_load(&t->lr);
    t->cfg.train.lr = t->sess.cfg.lr;
    size_t epochs = atomic_exchange(&t->epochs, 0);
    if (epochs)
        t->cfg.epochs = epochs > t->sess.epoch ? epochs : t->sess.epoch + 1;
    size_t want = atomic_load(&t->batch);
    if (want != t->sess.cfg.batch)
        rebatch(t, want);
    if (t->sess.cfg.lr != lr0 || t->sess.cfg.batch != batch0) {
        // Where the new settings begin: the epoch under way, before its next sample.
        trainer_event ev;
        base_event(t, &ev, TRAINER_EV_SETTING);
        ev.epoch = t->sess.epoch + 1;
        ev.step = t->sess.step;
        ev.sample = t->sess.sample;
        ev.lr = t->sess.cfg.lr;
        ev.batch = t->sess.cfg.batch;
        push_event(t, &ev);
    }
}

/* After the batch that ended an epoch: its test evaluation and event, and
 * the end of the run once the planned epochs are done. */
static void end_epoch(trainer *t, double *epoch_t0)
{
    trainer_event ev;
    base_event(t, &ev, TRAINER_EV_EPOCH);
    ev.seconds = now_s() - *epoch_t0;
    evaluate_and_publish(t, &ev);
    push_event(t, &ev);
    *epoch_t0 = now_s();
    if (t->sess.epoch >= t->cfg.epochs) {
        pthread_mutex_lock(&t->lock);
        atomic_store(&t->cmd_run, false);
        if (!atomic_load(&t->cmd_reset)) // a reset given meanwhile has made it IDLE
            atomic_store(&t->state, TRAINER_FINISHED);
        pthread_mutex_unlock(&t->lock);
        base_event(t, &ev, TRAINER_EV_DONE);
        push_event(t, &ev);
    }
}

/* One batch on its own (trainer_step), with the weights before it kept to
 * show the batch's images with the answers the network gave them before
 * it learned from them, and how far the step moved the weights. */
static void single_step(trainer *t, double *epoch_t0)
{
    size_t outputs = t->net.sizes[t->net.n_layers];
    if (!t->before.params) {
        if (!mlp_clone(&t->before, &t->net, NULL))
            return;
        size_t need = t->net.sizes[0] + 2 * mlp_max_width(&t->net) + outputs;
        t->step_scratch = calloc(need, sizeof *t->step_scratch);
        if (!t->step_scratch) {
            mlp_destroy(&t->before);
            return;
        }
    }
    apply_settings(t);
    mlp_copy_params(&t->before, &t->net);
    if (t->sess.epoch >= t->cfg.epochs)
        t->cfg.epochs = t->sess.epoch + 1; // a step past the planned epochs plans one more
    // A new epoch starts its running figures from nothing.
    size_t correct0 = t->sess.step == 0 ? 0 : t->sess.correct;
    size_t seen0 = t->sess.step == 0 ? 0 : t->sess.seen;
    *epoch_t0 = now_s();
    size_t first = t->sess.sample; // the batch's place in the epoch's order
    bool epoch_done = false;
    float loss = train_session_step(&t->sess, &epoch_done);
    t->global_step++;
    publish(t);
    publish_seen(t, epoch_done);
    if (atomic_load(&t->probe_on))
        report_probe(t);

    trainer_event ev;
    base_event(t, &ev, TRAINER_EV_STEP);
    ev.batch_loss = loss;
    push_event(t, &ev);

    base_event(t, &ev, TRAINER_EV_SINGLE);
    ev.batch_loss = loss;
    size_t n = t->sess.seen - seen0;
    ev.batch = n;
    ev.batch_accuracy = n ? (float)((double)(t->sess.correct - correct0) / (double)n) : 0.0f;
    ev.weight_move = trainer_weight_move(t->before.params, t->net.params, t->net.n_params);
    ev.weight_norm = trainer_weight_norm(t->before.params, t->net.n_params);
    const dataset *d = &t->data->train;
    size_t inputs = t->net.sizes[0];
    ev.shown = n < TRAINER_STEP_SHOWN ? n : TRAINER_STEP_SHOWN;
    size_t width = mlp_max_width(&t->net);
    float *in = t->step_scratch;                 // (inputs)
    float *scratch = in + inputs;                // (2 * width)
    float *probs = scratch + 2 * width;          // (outputs)
    for (size_t i = 0; i < ev.shown && first + i < d->count; i++) {
        uint32_t idx = t->sess.order[first + i];
        const uint8_t *img = d->images + (size_t)idx * inputs;
        for (size_t j = 0; j < inputs; j++)
            in[j] = (float)(img[j] * t->sess.cfg.input_scale);
        mlp_predict(&t->before, in, probs, scratch);
        size_t best = 0;
        for (size_t c = 1; c < outputs; c++)
            if (probs[c] > probs[best])
                best = c;
        ev.shown_index[i] = idx;
        ev.shown_label[i] = d->labels[idx];
        ev.shown_answer[i] = (uint8_t)best;
        ev.shown_p[i] = probs[best];
    }
    push_event(t, &ev);
    if (epoch_done)
        end_epoch(t, epoch_t0);
}

static void *trainer_thread(void *arg)
{
    trainer *t = arg;
    double last_publish = now_s();
    double last_batch = 0.0;
    double epoch_t0 = last_publish;
    for (;;) {
        pthread_mutex_lock(&t->lock);
        while (!atomic_load(&t->cmd_stop) && !atomic_load(&t->cmd_reset) &&
               !atomic_load(&t->cmd_eval) && !atomic_load(&t->cmd_run) &&
               !atomic_load(&t->cmd_step) && !atomic_load(&t->cmd_finetune)) {
            if (t->unpublished) // a pause: the window gets the weights it paused at
                publish(t);
            if (t->unreported) { // and where they are
                trainer_event ev;
                base_event(t, &ev, TRAINER_EV_STEP);
                ev.batch_loss = t->last_batch_loss;
                push_event(t, &ev);
                t->unreported = false;
            }
            atomic_store(&t->waiting, true);
            pthread_cond_wait(&t->wake, &t->lock);
        }
        atomic_store(&t->waiting, false);
        /* trainer_start set RUNNING itself, under this lock: the thread
         * only learns that a run (re)starts, to time its epoch afresh. */
        bool resumed = t->started;
        t->started = false;
        pthread_mutex_unlock(&t->lock);
        if (atomic_load(&t->cmd_stop))
            break;
        if (atomic_load(&t->cmd_finetune) && finetune_comes_first(t)) {
            run_finetune(t);
            continue;
        }
        if (atomic_exchange(&t->cmd_reset, false)) {
            // trainer_reset made the state IDLE when it was asked; a start
            // or a pause given since then has set it again, and it stays so
            // (writing IDLE here turned a later pause into IDLE).
            do_reset(t);
            epoch_t0 = now_s();
            continue;
        }
        if (atomic_exchange(&t->cmd_eval, false)) {
            trainer_event ev;
            base_event(t, &ev, TRAINER_EV_EVAL);
            evaluate_and_publish(t, &ev);
            push_event(t, &ev);
            continue;
        }
        if (atomic_exchange(&t->cmd_step, false)) {
            if (!atomic_load(&t->cmd_run))
                single_step(t, &epoch_t0);
            continue;
        }
        if (!atomic_load(&t->cmd_run))
            continue;
        if (t->sess.epoch >= t->cfg.epochs) {
            // Asked to go on after the planned epochs: plan one more.
            t->cfg.epochs = t->sess.epoch + 1;
        }
        if (resumed)
            epoch_t0 = now_s();
        if (!pace(t, last_batch))
            continue;
        last_batch = now_s();
        apply_settings(t);
        unsigned speed = atomic_load(&t->speed);
        bool every_batch = speed && speed <= TRAINER_EVERY_BATCH_SPEED;

        bool epoch_done = false;
        float batch_loss = train_session_step(&t->sess, &epoch_done);
        t->global_step++;
        t->unpublished = true;
        double now = now_s();
        /* Early on, every power-of-two step, so the window can show the very
         * first steps of learning; later every snapshot_every steps, and the
         * weights also at least every 50 ms. */
        bool early = (t->global_step & (t->global_step - 1)) == 0;
        bool report = early || every_batch || t->global_step % t->cfg.snapshot_every == 0 ||
                      epoch_done;
        if (report || now - last_publish > 0.05) {
            publish(t);
            publish_seen(t, epoch_done);
            last_publish = now;
        }
        if (report && atomic_load(&t->probe_on))
            report_probe(t);
        t->last_batch_loss = batch_loss;
        t->unreported = true;
        if (every_batch || t->global_step % t->cfg.step_event_every == 0 || epoch_done) {
            trainer_event ev;
            base_event(t, &ev, TRAINER_EV_STEP);
            ev.batch_loss = batch_loss;
            push_event(t, &ev);
            t->unreported = false;
        }
        if (epoch_done)
            end_epoch(t, &epoch_t0);
    }
    atomic_store(&t->state, TRAINER_STOPPED);
    return NULL;
}

bool trainer_init(trainer *t, const trainer_config *cfg, const mlp *start, const mnist *data,
                  dp_error *err)
{
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
    if (t->cfg.snapshot_every == 0)
        t->cfg.snapshot_every = 25;
    if (t->cfg.step_event_every == 0)
        t->cfg.step_event_every = 10;
    if (t->cfg.epochs == 0)
        t->cfg.epochs = 1;
    t->data = data;
    atomic_init(&t->newest_slot, -1);
    atomic_init(&t->state, TRAINER_IDLE);
    atomic_init(&t->waiting, false);
    atomic_init(&t->cmd_run, false);
    atomic_init(&t->cmd_stop, false);
    atomic_init(&t->cmd_reset, false);
    atomic_init(&t->cmd_eval, false);
    atomic_init(&t->probe_on, false);
    atomic_init(&t->version, 0);
    atomic_init(&t->speed, cfg->speed);
    atomic_init(&t->cmd_step, false);
    atomic_init(&t->lr, cfg->train.lr);
    atomic_init(&t->batch, cfg->train.batch);
    atomic_init(&t->epochs, 0);
    atomic_init(&t->cmd_finetune, false);
    atomic_init(&t->finetune_busy, false);

    int made_slots = 0;
    size_t n_test = data->test.count ? data->test.count : 1;
    t->predicted = calloc(n_test, 1);
    t->confidence = calloc(n_test, sizeof *t->confidence);
    t->scratch_pred = calloc(n_test, 1);
    t->scratch_conf = calloc(n_test, sizeof *t->scratch_conf);
    size_t width = mlp_max_width(start);
    t->probe_x = calloc(start->sizes[0], sizeof *t->probe_x);
    t->probe_local = calloc(start->sizes[0], sizeof *t->probe_local);
    t->probe_scratch = calloc(2 * width, sizeof *t->probe_scratch);
    t->probe_probs = calloc(start->sizes[start->n_layers], sizeof *t->probe_probs);
    t->seen_images = calloc(TRAINER_SEEN * start->sizes[0], 1);
    bool ok = (t->predicted && t->confidence && t->scratch_pred && t->scratch_conf &&
               t->probe_x && t->probe_local && t->probe_scratch && t->probe_probs &&
               t->seen_images) ||
              dp_fail(err, "out of memory for the test answers");
    ok = ok && mlp_clone(&t->net, start, err);
    if (ok)
        ok = train_session_init(&t->sess, &t->net, &data->train, &cfg->train, err);
    if (ok && cfg->resume) {
        t->resumed = train_session_resume(&t->sess, cfg->resume, &t->resumed_exact);
        if (t->resumed)
            t->global_step = cfg->global_step;
    }
    t->cfg.resume = NULL; // not kept: the caller's
    for (; ok && made_slots < TRAINER_SLOTS; made_slots++) {
        if (!mlp_clone(&t->slots[made_slots], start, err)) {
            ok = false;
            break;
        }
        if (pthread_mutex_init(&t->slot_lock[made_slots], NULL) != 0) {
            mlp_destroy(&t->slots[made_slots]);
            ok = dp_fail(err, "cannot create a lock");
            break;
        }
    }
    bool locks = false;
    if (ok) {
        locks = pthread_mutex_init(&t->lock, NULL) == 0;
        locks = locks && pthread_cond_init(&t->wake, NULL) == 0;
        locks = locks && pthread_mutex_init(&t->ring_lock, NULL) == 0;
        locks = locks && pthread_mutex_init(&t->pred_lock, NULL) == 0;
        locks = locks && pthread_mutex_init(&t->probe_lock, NULL) == 0;
        locks = locks && pthread_mutex_init(&t->seen_lock, NULL) == 0;
        locks = locks && pthread_mutex_init(&t->ft_lock, NULL) == 0;
        ok = locks || dp_fail(err, "cannot create a lock");
    }
    if (ok) {
        publish(t);
        ok = pthread_create(&t->thread, NULL, trainer_thread, t) == 0 ||
             dp_fail(err, "cannot start the training thread");
    }
    if (!ok) {
        for (int i = 0; i < made_slots; i++) {
            mlp_destroy(&t->slots[i]);
            pthread_mutex_destroy(&t->slot_lock[i]);
        }
        train_session_destroy(&t->sess);
        mlp_destroy(&t->net);
        free(t->predicted);
        free(t->confidence);
        free(t->scratch_pred);
        free(t->scratch_conf);
        free(t->probe_x);
        free(t->probe_local);
        free(t->probe_scratch);
        free(t->probe_probs);
        free(t->seen_images);
        return false;
    }
    t->thread_started = true;
    return true;
}

static void command(trainer *t, _Atomic bool *flag, bool value)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(flag, value);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

void trainer_destroy(trainer *t)
{
    if (!t->thread_started)
        return;
    command(t, &t->cmd_stop, true);
    pthread_join(t->thread, NULL);
    for (int i = 0; i < TRAINER_SLOTS; i++) {
        mlp_destroy(&t->slots[i]);
        pthread_mutex_destroy(&t->slot_lock[i]);
    }
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->ring_lock);
    pthread_mutex_destroy(&t->pred_lock);
    pthread_mutex_destroy(&t->probe_lock);
    free(t->probe_x);
    free(t->probe_local);
    free(t->probe_scratch);
    free(t->probe_probs);
    free(t->predicted);
    free(t->confidence);
    free(t->scratch_pred);
    free(t->scratch_conf);
    train_session_destroy(&t->sess);
    mlp_destroy(&t->net);
    mlp_destroy(&t->before);
    free(t->step_scratch);
    pthread_mutex_destroy(&t->seen_lock);
    pthread_mutex_destroy(&t->ft_lock);
    free(t->seen_images);
    dataset_destroy(&t->ft_mine); // a job asked for and never started
    mlp_destroy(&t->ft_work);
    mlp_destroy(&t->ft_net);
    memset(t, 0, sizeof *t);
}

void trainer_start(trainer *t)
{
    /* The state moves here, under the lock, with the command: whoever calls
     * trainer_get_state next sees RUNNING, without waiting for the thread
     * to wake (the window used to paper over that gap with a 0.5 s
     * "settling" delay). Every other move of the state is under this lock
     * too, so a pause is never overwritten by a stale RUNNING. */
    pthread_mutex_lock(&t->lock);
    int st = atomic_load(&t->state);
    if (st != TRAINER_STOPPED && !atomic_load(&t->cmd_stop)) {
        atomic_store(&t->cmd_run, true);
        if (st != TRAINER_RUNNING) {
            atomic_store(&t->state, TRAINER_RUNNING);
            t->started = true;
        }
        pthread_cond_signal(&t->wake);
    }
    pthread_mutex_unlock(&t->lock);
}

void trainer_pause(trainer *t)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->cmd_run, false);
    int running = TRAINER_RUNNING;
    atomic_compare_exchange_strong(&t->state, &running, TRAINER_PAUSED);
    pthread_mutex_unlock(&t->lock);
}

void trainer_step(trainer *t)
{
    command(t, &t->cmd_step, true);
}

void trainer_set_lr(trainer *t, double lr)
{
    atomic_store(&t->lr, lr);
}

void trainer_set_batch(trainer *t, size_t batch)
{
    if (batch >= 1)
        atomic_store(&t->batch, batch);
}

void trainer_set_epochs(trainer *t, size_t epochs)
{
    if (epochs >= 1)
        atomic_store(&t->epochs, epochs);
}

void trainer_request_eval(trainer *t)
{
    command(t, &t->cmd_eval, true);
}

void trainer_reset(trainer *t)
{
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->cmd_run, false);
    atomic_store(&t->cmd_reset, true);
    t->reset_seq = ++t->cmd_seq; // after a fine-tuning asked for before it
    // Idle from now on, as trainer_start is RUNNING at once; a start given
    // after this reset (and before the thread gets to it) wins again.
    if (atomic_load(&t->state) != TRAINER_STOPPED)
        atomic_store(&t->state, TRAINER_IDLE);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

trainer_state trainer_get_state(trainer *t)
{
    return (trainer_state)atomic_load(&t->state);
}

/* ---- issue 13: the batch the network sees, fine-tuning as a job -------- */

/* After a batch (its weights just published): when it was distorted, its
 * first images as they went into the network, for trainer_take_seen. */
static void publish_seen(trainer *t, bool epoch_done)
{
    const augment_batch *b = &t->sess.fed;
    if (!t->sess.feed || b->n == 0 || b->pixels != t->net.sizes[0])
        return;
    size_t n = b->n < TRAINER_SEEN ? b->n : TRAINER_SEEN;
    pthread_mutex_lock(&t->seen_lock);
    memcpy(t->seen_images, b->images, n * b->pixels);
    memcpy(t->seen.labels, b->labels, n);
    t->seen.n = n;
    t->seen.rows = t->data->train.rows;
    t->seen.cols = t->data->train.cols;
    t->seen.global_step = t->global_step;
    // The session's count, not the batch's: a new batch size restarts the feed's.
    t->seen.epoch = epoch_done ? t->sess.epoch : t->sess.epoch + 1;
    t->seen.step = epoch_done ? t->sess.steps_per_epoch : t->sess.step;
    t->seen_version++;
    pthread_mutex_unlock(&t->seen_lock);
}

static void forget_seen(trainer *t)
{
    pthread_mutex_lock(&t->seen_lock);
    memset(&t->seen, 0, sizeof t->seen);
    t->seen_version++;
    pthread_mutex_unlock(&t->seen_lock);
}

bool trainer_take_seen(trainer *t, trainer_seen *out, uint8_t *images, uint64_t *have_version)
{
    bool took = false;
    pthread_mutex_lock(&t->seen_lock);
    if (t->seen_version > *have_version) {
        *out = t->seen;
        memcpy(images, t->seen_images, t->seen.n * t->net.sizes[0]);
        *have_version = t->seen_version;
        took = true;
    }
    pthread_mutex_unlock(&t->seen_lock);
    return took;
}

/* A waiting job goes before a waiting reset when it was asked for first. */
static bool finetune_comes_first(trainer *t)
{
    pthread_mutex_lock(&t->lock);
    bool first = !atomic_load(&t->cmd_reset) || t->ft_seq < t->reset_seq;
    pthread_mutex_unlock(&t->lock);
    return first;
}

/* The job: finetune() on a copy of the thread's weights; the copy becomes
 * them only when it succeeded, and the report and the weights are kept
 * for trainer_take_finetune before the event says so. */
static void run_finetune(trainer *t)
{
    pthread_mutex_lock(&t->lock);
    dataset mine = t->ft_mine;
    memset(&t->ft_mine, 0, sizeof t->ft_mine);
    finetune_config cfg = t->ft_cfg;
    trainer_finetune_report rep;
    memset(&rep, 0, sizeof rep);
    rep.job = t->ft_jobs;
    atomic_store(&t->cmd_finetune, false);
    pthread_mutex_unlock(&t->lock);

    bool ok = t->ft_work.params || mlp_clone(&t->ft_work, &t->net, &rep.err);
    if (ok) {
        mlp_copy_params(&t->ft_work, &t->net);
        ok = finetune(&t->ft_work, &mine, &t->data->train, &t->data->test, &cfg, &rep.result,
                      &t->cmd_stop, &rep.err);
    }
    if (ok) {
        mlp_copy_params(&t->net, &t->ft_work);
        publish(t);
    }
    rep.ok = ok;
    pthread_mutex_lock(&t->ft_lock);
    if (ok && !t->ft_net.params && !mlp_clone(&t->ft_net, &t->net, NULL))
        memset(&t->ft_net, 0, sizeof t->ft_net); // the weights are published all the same
    else if (ok)
        mlp_copy_params(&t->ft_net, &t->net);
    t->ft_report = rep;
    t->ft_version++;
    pthread_mutex_unlock(&t->ft_lock);
    dataset_destroy(&mine);
    atomic_store(&t->finetune_busy, false);

    trainer_event ev;
    base_event(t, &ev, TRAINER_EV_FINETUNE);
    ev.finetune_job = rep.job;
    ev.finetune_ok = ok;
    push_event(t, &ev);
}

uint64_t trainer_finetune(trainer *t, const dataset *mine, const finetune_config *cfg,
                          dp_error *err)
{
    double scale = t->cfg.train.input_scale;
    if (scale != 0 && fabs(scale - DATASET_DEFAULT_SCALE) > 1e-12)
        return dp_fail(err, "fine-tuning feeds pixels / 255: this network takes them times %g",
                       scale);
    if (mine->count < 2)
        return dp_fail(err, "%zu samples: fine-tuning needs at least 2 (one to judge by)",
                       mine->count);
    size_t px = mine->rows * mine->cols;
    if (px != t->net.sizes[0])
        return dp_fail(err, "the samples' %zu pixels do not fit the network's %zu inputs", px,
                       t->net.sizes[0]);
    if (atomic_load(&t->finetune_busy))
        return dp_fail(err, "fine-tuning already");
    dataset copy = *mine;
    copy.images = malloc(mine->count * px);
    copy.labels = malloc(mine->count);
    if (!copy.images || !copy.labels) {
        free(copy.images);
        free(copy.labels);
        return dp_fail(err, "out of memory for %zu samples", mine->count);
    }
    memcpy(copy.images, mine->images, mine->count * px);
    memcpy(copy.labels, mine->labels, mine->count);

    uint64_t job = 0;
    pthread_mutex_lock(&t->lock);
    if (!atomic_load(&t->finetune_busy) && atomic_load(&t->state) != TRAINER_STOPPED &&
        !atomic_load(&t->cmd_stop)) {
        t->ft_mine = copy;
        t->ft_cfg = *cfg;
        job = ++t->ft_jobs;
        t->ft_seq = ++t->cmd_seq;
        atomic_store(&t->finetune_busy, true);
        atomic_store(&t->cmd_finetune, true);
        // Paused first: the job runs between batches, while paused or idle.
        atomic_store(&t->cmd_run, false);
        int running = TRAINER_RUNNING;
        atomic_compare_exchange_strong(&t->state, &running, TRAINER_PAUSED);
        pthread_cond_signal(&t->wake);
    }
    pthread_mutex_unlock(&t->lock);
    if (!job) {
        dataset_destroy(&copy);
        return dp_fail(err, "fine-tuning already");
    }
    return job;
}

bool trainer_finetune_busy(trainer *t)
{
    return atomic_load(&t->finetune_busy);
}

bool trainer_take_finetune(trainer *t, trainer_finetune_report *out, mlp *weights,
                           uint64_t *have_version)
{
    bool took = false;
    pthread_mutex_lock(&t->ft_lock);
    if (t->ft_version > *have_version) {
        *out = t->ft_report;
        if (weights && out->ok && t->ft_net.params && mlp_same_shape(weights, &t->ft_net))
            mlp_copy_params(weights, &t->ft_net);
        *have_version = t->ft_version;
        took = true;
    }
    pthread_mutex_unlock(&t->ft_lock);
    return took;
}
