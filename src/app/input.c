/* input.c: what a click, a key, the wheel or a dropped file does to the
 * window (app_handle, window.h): each input goes to the part it is for.
 * No SDL here: app.c translates SDL's events into app_input_event. */
#include "window.h"

#include <stddef.h>

static void toggle_preprocess(app_state *s)
{
    if (!s->model.have)
        return;
    model_meta *m = &s->model.meta;
    m->preprocess = m->preprocess == MODEL_PREPROCESS_MNIST ? MODEL_PREPROCESS_NONE
                                                             : MODEL_PREPROCESS_MNIST;
    if (m->preprocess == MODEL_PREPROCESS_MNIST)
        report_status(&s->report, false,
                      "network input: MNIST-normalised (20x20 box, centre of mass)");
    else
        report_status(&s->report, false, "network input: the canvas as drawn (P normalises again)");
}

static void click(app_state *s, layout_button b)
{
    switch (b) {
    case BTN_CLEAR:
        app_clear_canvas(s);
        break;
    case BTN_UNDO:
        app_undo(s);
        break;
    case BTN_ERASE:
        s->erase_mode = !s->erase_mode;
        break;
    case BTN_PREPROCESS:
        toggle_preprocess(s);
        break;
    case BTN_TRAIN:
        app_train_asked(s);
        break;
    case BTN_RESET:
        app_reset_asked(s);
        break;
    case BTN_SAVE:
        app_state_save(s);
        break;
    case BTN_HELP:
        s->help_visible = !s->help_visible;
        break;
    case BTN_TAB_HIDDEN:
    case BTN_TAB_WEIGHTS:
    case BTN_TAB_WHY:
    case BTN_TAB_MISTAKES:
    case BTN_TAB_LOG:
    case BTN_TAB_NEURON:
    case BTN_TAB_NETWORK:
        app_show_view(s, (app_view)(b - BTN_TAB_HIDDEN));
        break;
    case BTN_STEP:
        app_single_step(s);
        break;
    case BTN_SPEED_1:
    case BTN_SPEED_10:
    case BTN_SPEED_100:
    case BTN_SPEED_FULL: {
        static const unsigned speeds[] = {1, 10, 100, 0};
        app_set_speed(s, speeds[b - BTN_SPEED_1]);
        break;
    }
    case BTN_SETTINGS:
        app_toggle_settings(s);
        break;
    case BTN_NONE:
    case BTN_COUNT:
        break;
    }
}

/* The keys that act on the view under My digits: 1-7, Tab, the arrows,
 * Page Up/Down and G. */
static bool app_view_key(const app_input_event *ev)
{
    if (ev->ctrl)
        return false;
    switch (ev->key) {
    case APP_KEY_1: case APP_KEY_2: case APP_KEY_3: case APP_KEY_4: case APP_KEY_5:
    case APP_KEY_6: case APP_KEY_7: case APP_KEY_TAB: case APP_KEY_LEFT: case APP_KEY_RIGHT:
    case APP_KEY_UP: case APP_KEY_DOWN: case APP_KEY_PAGE_UP: case APP_KEY_PAGE_DOWN:
    case APP_KEY_G:
        return true;
    default:
        return false;
    }
}

static void key(app_state *s, const app_input_event *ev)
{
    if (s->help_visible && (ev->key == APP_KEY_ESCAPE || ev->key == APP_KEY_HELP)) {
        s->help_visible = false;
        return;
    }
    if (app_controls_key(s, ev))
        return;
    if (ev->key == APP_KEY_ESCAPE && views_escape(&s->views))
        return;
    if (s->teach.open && ev->key == APP_KEY_ESCAPE) {
        app_teach_toggle_panel(s);
        return;
    }
    // In the panel, Delete (Backspace) deletes the sample picked, not the drawing.
    if (s->teach.open && ev->key == APP_KEY_BACKSPACE && s->teach.selected >= 0) {
        app_teach_delete(s, s->teach.selected);
        return;
    }
    // My digits covers the views: their keys wait until it is closed.
    if (s->teach.open && app_view_key(ev))
        return;
    if (app_scores_key(s, ev))
        return;
    view_ctx c = app_view_ctx(s);
    switch (ev->key) {
    case APP_KEY_SPACE:
        app_train_asked(s);
        break;
    case APP_KEY_R:
        if (!ev->ctrl)
            app_reset_asked(s);
        break;
    case APP_KEY_C:
    case APP_KEY_BACKSPACE:
        if (!ev->ctrl)
            app_clear_canvas(s);
        break;
    case APP_KEY_Z:
        if (ev->ctrl)
            app_undo(s);
        break;
    case APP_KEY_S:
        if (ev->ctrl)
            app_state_save_as(s, ev->shift);
        else
            app_toggle_settings(s);
        break;
    case APP_KEY_PERIOD:
        if (!ev->ctrl)
            app_single_step(s);
        break;
    case APP_KEY_O:
        if (ev->ctrl)
            app_open_panel(s);
        break;
    case APP_KEY_RETURN:
        break;
    case APP_KEY_P:
        toggle_preprocess(s);
        break;
    case APP_KEY_E:
        s->erase_mode = !s->erase_mode;
        break;
    case APP_KEY_HELP:
        s->help_visible = true;
        break;
    case APP_KEY_F12:
        s->want_screenshot = true;
        break;
    case APP_KEY_Q:
        if (ev->ctrl)
            s->quit = true;
        break;
    case APP_KEY_1:
    case APP_KEY_2:
    case APP_KEY_3:
    case APP_KEY_4:
    case APP_KEY_5:
        if (!ev->ctrl)
            app_show_view(s, (app_view)(ev->key - APP_KEY_1));
        break;
    case APP_KEY_6:
        if (!ev->ctrl) {
            if (s->views.view == VIEW_NEURON)
                view_neuron_choose(&s->views, &c, 0, 0); // back to the most active unit
            else
                app_show_view(s, VIEW_NEURON);
        }
        break;
    case APP_KEY_7:
        if (!ev->ctrl)
            app_show_view(s, VIEW_NETWORK);
        break;
    case APP_KEY_LEFT:
    case APP_KEY_RIGHT:
    case APP_KEY_UP:
    case APP_KEY_DOWN:
        if (!ev->ctrl && s->views.view == VIEW_NEURON)
            view_neuron_step(&s->views, &c,
                             ev->key == APP_KEY_LEFT ? -1 : ev->key == APP_KEY_RIGHT ? 1 : 0,
                             ev->key == APP_KEY_UP ? 1 : ev->key == APP_KEY_DOWN ? -1 : 0);
        break;
    case APP_KEY_TAB:
        if (!ev->ctrl)
            app_show_view(s, (app_view)((s->views.view + (ev->shift ? VIEW_COUNT - 1 : 1)) %
                                    VIEW_COUNT));
        break;
    case APP_KEY_T:
        if (!ev->ctrl)
            app_random_test_digit(s);
        break;
    case APP_KEY_G:
        if (!ev->ctrl) {
            view_request r = views_toggle_gradient(&s->views, &c);
            app_act_on(s, &r);
        }
        break;
    case APP_KEY_SLOWER:
    case APP_KEY_FASTER:
        if (!ev->ctrl)
            app_set_speed(s, training_speed_step(s->train.next.speed,
                                                 ev->key == APP_KEY_SLOWER ? -1 : 1));
        break;
    case APP_KEY_PAGE_UP:
    case APP_KEY_PAGE_DOWN:
        views_page(&s->views, &c, ev->key == APP_KEY_PAGE_UP ? -1 : 1);
        views_hover(&s->views, &c, s->mouse_x, s->mouse_y);
        break;
    case APP_KEY_LABEL:
        if (ev->digit >= 0 && ev->digit <= 9)
            app_teach_label(s, ev->digit);
        break;
    case APP_KEY_F:
        if (!ev->ctrl)
            app_teach_finetune(s);
        break;
    case APP_KEY_M:
        if (!ev->ctrl)
            app_teach_toggle_panel(s);
        break;
    case APP_KEY_A:
        if (!ev->ctrl)
            app_teach_toggle_augment(s);
        break;
    case APP_KEY_D:
        if (!ev->ctrl)
            app_teach_next_dataset(s);
        break;
    case APP_KEY_ESCAPE:
    case APP_KEY_NONE:
    default: // the scores' and the lesson's keys (app_scores_key)
        break;
    }
}

void app_handle(app_state *s, const app_input_event *ev)
{
    switch (ev->kind) {
    case APP_IN_RESIZE:
        s->draw_w = ev->w;
        s->draw_h = ev->h;
        s->scale = ev->scale > 0 ? ev->scale : 1.0f;
        app_relayout(s);
        break;
    case APP_IN_MOUSE_MOVE: {
        s->mouse_x = ev->x;
        s->mouse_y = ev->y;
        s->hover = layout_button_at(&s->layout, ev->x, ev->y);
        if (app_teach_mouse(s, ev->x, ev->y, false) && !s->drawing) {
            s->hover = BTN_NONE;
            break;
        }
        view_ctx c = app_view_ctx(s);
        views_hover(&s->views, &c, ev->x, ev->y);
        if (s->drawing) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            canvas_add_point(&s->canvas, cx, cy);
        }
        break;
    }
    case APP_IN_MOUSE_DOWN: {
        s->mouse_x = ev->x;
        s->mouse_y = ev->y;
        if (s->help_visible) {
            s->help_visible = false;
            break;
        }
        if (app_controls_mouse_down(s, ev->x, ev->y, ev->button))
            break;
        if ((ev->button == 1 && app_teach_mouse(s, ev->x, ev->y, true)) ||
            (ev->button == 1 && app_scores_click(s, ev->x, ev->y)) ||
            (ev->button == 3 && app_scores_right_click(s, ev->x, ev->y)))
            break;
        layout_button b = layout_button_at(&s->layout, ev->x, ev->y);
        if (b != BTN_NONE) {
            if (ev->button == 1)
                click(s, b);
            break;
        }
        if (ev->button == 1) {
            view_ctx c = app_view_ctx(s);
            view_request r = views_click(&s->views, &c, ev->x, ev->y);
            app_act_on(s, &r);
            if (r.handled)
                break;
        }
        if ((ev->button == 1 || ev->button == 3) && rect_contains(s->layout.canvas, ev->x, ev->y)) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            s->drawing = canvas_begin_stroke(&s->canvas, cx, cy, ev->button == 3 || s->erase_mode);
        }
        break;
    }
    case APP_IN_MOUSE_UP:
        if (s->drawing) {
            float cx, cy;
            app_canvas_units(s, ev->x, ev->y, &cx, &cy);
            canvas_add_point(&s->canvas, cx, cy);
            canvas_end_stroke(&s->canvas);
            s->drawing = false;
        }
        break;
    case APP_IN_KEY:
        key(s, ev);
        break;
    case APP_IN_DROP_FILE:
        if (ev->path)
            app_open_dropped(s, ev->path);
        break;
    case APP_IN_QUIT:
        s->quit = true;
        break;
    case APP_IN_WHEEL: {
        view_ctx c = app_view_ctx(s);
        views_wheel(&s->views, &c, ev->x, ev->y, ev->wheel);
        break;
    }
    case APP_IN_LEAVE:
        s->hover = BTN_NONE;
        break;
    }
}
