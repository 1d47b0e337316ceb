/* input_scores.c: what clicks and keys do to the scores and the lesson
 * (window.h): the lesson's card and keys, softmax worked out, the label
 * whose loss is shown. */
#include "window.h"

#include <stdio.h>
#include <string.h>

static void lesson_show_step(app_state *s)
{
    const lesson_step *st = lesson_step_at(s->lesson.step);
    if (!st)
        return;
    if (st->view >= 0 && st->view < VIEW_COUNT)
        app_show_view(s, (app_view)st->view);
    s->scores.worked = st->worked;
}

#define LESSON_HINT "lesson: Right / Left or Next / Back, L or Esc closes"

/* The status line says the lesson's keys while it is open; closed, it says
 * again what it said before (the keys stayed there, wrong, after Esc). */
void app_lesson_toggle(app_state *s)
{
    s->lesson.on = !s->lesson.on;
    if (s->lesson.on) {
        lesson_show_step(s);
        snprintf(s->lesson.status_before, sizeof s->lesson.status_before, "%s",
                 strcmp(s->report.status, LESSON_HINT) ? s->report.status : "");
        s->lesson.status_before_error = s->report.status_error;
        report_status(&s->report, false, "%s", LESSON_HINT);
    } else {
        s->scores.worked = false;
        if (!strcmp(s->report.status, LESSON_HINT)) {
            // Put back as it was: an error is not logged or sent a second time.
            snprintf(s->report.status, sizeof s->report.status, "%s",
                     s->lesson.status_before[0] ? s->lesson.status_before
                                                : "lesson closed (L opens it again)");
            s->report.status_error = s->lesson.status_before[0] && s->lesson.status_before_error;
            s->report.status_version++;
        }
    }
}

void app_lesson_move(app_state *s, int dir)
{
    if (s->lesson.on && lesson_move(&s->lesson, dir))
        lesson_show_step(s);
}

bool app_scores_click(app_state *s, float x, float y)
{
    if (s->lesson.on) {
        lesson_layout ll;
        lesson_layout_of(&s->layout, s->lesson.step, &ll);
        int act = lesson_click_at(&ll, x, y);
        if (act == 2 || (act == 1 && s->lesson.step + 1 == LESSON_STEPS))
            app_lesson_toggle(s); // the close button, or Done on the last step
        else if (act == 1 || act == -1)
            app_lesson_move(s, act);
        if (act != 0)
            return true;
    }
    if (rect_contains(s->layout.guess, x, y)) {
        s->scores.worked = !s->scores.worked;
        return true;
    }
    return false;
}

bool app_scores_right_click(app_state *s, float x, float y)
{
    // A right click on a bar names its digit as the true label (a left click explains it).
    view_ctx c = app_view_ctx(s);
    int i = views_bar_at(&c, x, y);
    if (i < 0)
        return false;
    scores_pick_label(&s->scores, i, s->score.n_classes ? s->score.n_classes : 10);
    return true;
}

bool app_scores_key(app_state *s, const app_input_event *ev)
{
    if (ev->ctrl)
        return false;
    switch (ev->key) {
    case APP_KEY_L:
        app_lesson_toggle(s);
        return true;
    case APP_KEY_LEFT:
    case APP_KEY_RIGHT:
        if (!s->lesson.on)
            return false;
        app_lesson_move(s, ev->key == APP_KEY_LEFT ? -1 : 1);
        return true;
    case APP_KEY_ESCAPE:
        if (!s->lesson.on)
            return false;
        app_lesson_toggle(s);
        return true;
    case APP_KEY_PICK_LABEL:
        scores_pick_label(&s->scores, ev->digit, s->score.n_classes ? s->score.n_classes : 10);
        return true;
    default:
        return false;
    }
}
