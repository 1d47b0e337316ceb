/* train_record.c: the training record of the window's model (train_record.h). */
#include "train_record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "settings.h"
#include "window.h"

bool train_record_progress_of(const trainer_position *pos, int epochs, model_progress *out)
{
    const train_position *a = &pos->at;
    if (a->samples_done == 0 || a->samples_done >= a->samples)
        return false;
    memset(out, 0, sizeof *out);
    out->epoch = epochs + 1;
    out->samples_done = a->samples_done;
    out->samples_per_epoch = a->samples;
    out->batches_done = a->batches_done;
    out->batches_per_epoch = a->batches_done + a->batches_left;
    out->global_step = pos->global_step;
    // The running figures cover `seen` samples: all of those done, unless
    // the epoch was resumed from a file that did not know them.
    bool known = a->seen == a->samples_done && a->seen > 0;
    out->loss = known ? a->loss_sum / (double)a->seen : NAN;
    out->accuracy = known ? (double)a->correct / (double)a->seen : NAN;
    out->shuffle_seed = a->order_seed;
    out->shuffles = a->shuffles;
    return true;
}

void train_record_position_of(const model_progress *p, train_position *out)
{
    train_position_from_progress(p, out);
}

void app_record_position(app_state *s)
{
    const training *t = &s->train;
    if (!t->have_trainer || !t->have_weights_pos)
        return;
    const trainer_position *pos = &t->weights_pos;
    if (pos->global_step == t->start_step && !trainer_resumed(&t->trainer, NULL))
        return; // nothing trained by this trainer: the record stays as it was
    model_meta *m = &s->model.meta;
    model_progress p;
    m->has_progress = train_record_progress_of(pos, m->epochs, &p);
    if (m->has_progress) {
        m->progress = p;
        m->has_training = true;
    }
}

void app_record_prepare_trainer(app_state *s)
{
    const model_meta *m = &s->model.meta;
    if (!m->has_training || !m->has_progress) {
        training_set_resume(&s->train, NULL, 0);
        return;
    }
    train_position pos;
    train_record_position_of(&m->progress, &pos);
    training_set_resume(&s->train, &pos, m->progress.global_step);
}

void app_record_trainer_made(app_state *s)
{
    const model_meta *m = &s->model.meta;
    if (!m->has_training || !m->has_progress || !s->train.have_trainer)
        return;
    const model_progress *p = &m->progress;
    char where[96];
    model_meta_progress_text(m, where, sizeof where);
    bool exact = false;
    if (trainer_resumed(&s->train.trainer, &exact)) {
        report_log(&s->report, "Going on with %s: the %zu samples left of it%s", where,
                   p->samples_per_epoch - p->samples_done,
                   exact ? ", in the order it began with" : ", from a fresh shuffle");
        return;
    }
    const char *why = s->train.data.train.count != p->samples_per_epoch
                          ? "the training set has another size than its"
                          : "distorted samples are made from an epoch's start, not its";
    report_log(&s->report, "Epoch %d begins again: %s %zu samples", p->epoch, why,
               p->samples_per_epoch);
}

void app_record_setting(app_state *s, const trainer_event *ev)
{
    model_meta *m = &s->model.meta;
    model_setting at = {
        .epoch = (int)(s->curves.epoch_base + ev->epoch),
        .samples_done = ev->sample,
        .learning_rate = ev->lr,
        .batch_size = ev->batch,
    };
    // The epoch under way is the one after those the record has completed.
    if (at.epoch > m->epochs + 1)
        at.epoch = m->epochs + 1;
    if (!model_meta_note_setting(m, &at, s->train.before_lr, s->train.before_batch, NULL))
        report_log(&s->report, "The change of settings is not recorded: out of memory");
    m->has_training = true;
}

bool app_record_adopt_settings(app_state *s)
{
    const model_meta *m = &s->model.meta;
    if (!m->has_training || (!m->n_history && !m->has_progress))
        return false;
    bool changed = false;
    double lr = m->learning_rate;
    if (!s->cfg.lr_given && lr >= SETTINGS_MIN_LR && lr <= SETTINGS_MAX_LR &&
        lr != s->train.next.lr) {
        training_set_lr(&s->train, lr);
        changed = true;
    }
    size_t batch = m->batch_size;
    if (!s->cfg.batch_given && batch >= 1 && batch <= SETTINGS_MAX_BATCH &&
        batch != s->train.next.batch) {
        training_set_batch(&s->train, batch);
        changed = true;
    }
    if (changed)
        report_log(&s->report, "Training it goes on as it was trained last: batch %zu, Adam lr %g",
                   s->train.next.batch, s->train.next.lr);
    return changed;
}

void app_record_run_settings(app_state *s, double lr, size_t batch)
{
    model_meta *m = &s->model.meta;
    bool trained_before = m->has_training && (m->n_history > 0 || m->has_progress);
    if (!trained_before || (lr == m->learning_rate && batch == m->batch_size))
        return;
    model_setting at = {
        .epoch = m->epochs + 1,
        .samples_done = m->has_progress ? m->progress.samples_done : 0,
        .learning_rate = lr,
        .batch_size = batch,
    };
    if (!model_meta_note_setting(m, &at, m->learning_rate, m->batch_size, NULL))
        report_log(&s->report, "The change of settings is not recorded: out of memory");
}
