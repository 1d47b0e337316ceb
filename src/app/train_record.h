/* train_record.h: the model's training record kept true while the window
 * trains it (issue 11): how far a part-done epoch had got when the weights
 * the window holds were made (the file's training.progress), the learning
 * rate and batch size as they changed (training.schedule), and training
 * that goes on from a part-done epoch.
 *
 * Like controls.c these act on the window's parts through their own
 * functions. The conversions between the file's record and the trainer's
 * position are pure functions, checked by tests/test_controls.c. */
#ifndef DIGITPAD_APP_TRAIN_RECORD_H
#define DIGITPAD_APP_TRAIN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model_meta.h"
#include "core/trainer.h"

struct app_state;

/* The file's record of a part-done epoch from where a trainer stood
 * (epochs: the epochs the model has completed): false, leaving out alone,
 * when pos is at an epoch's start. */
bool train_record_progress_of(const trainer_position *pos, int epochs, model_progress *out);
/* The trainer's position to go on from, from the file's record. */
void train_record_position_of(const model_progress *p, train_position *out);

/* After a snapshot was taken: the model's progress record says where the
 * trainer stood when those weights were made (once the trainer has
 * trained, or resumed, so that a trainer made only to evaluate leaves a
 * loaded record alone). */
void app_record_position(struct app_state *s);
/* Before a trainer is made for the model: it starts where the model's
 * record of a part-done epoch says. */
void app_record_prepare_trainer(struct app_state *s);
/* After it was made: the log and status line say whether the part-done
 * epoch goes on (and in which order), or begins again and why. */
void app_record_trainer_made(struct app_state *s);
/* A SETTING event that took effect: the schedule gets the change. */
void app_record_setting(struct app_state *s, const trainer_event *ev);
/* A model trained before was opened: training it goes on at the learning
 * rate and batch size its record says it used last (unless --lr or
 * --batch was given, or they are outside the settings panel's range).
 * True when a setting changed. */
bool app_record_adopt_settings(struct app_state *s);
/* A run begins with lr and batch: when they differ from the record's and
 * the model was trained before, the schedule gets the change. */
void app_record_run_settings(struct app_state *s, double lr, size_t batch);

#endif
