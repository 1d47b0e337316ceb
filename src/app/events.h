/* events.h: the one writer of the window's --print-events lines.
 *
 * Every JSON line the window sends (tests and scripts read them) is made
 * here and nowhere else: the parts call one function per event with plain
 * values (strings through the one JSON escaper, json_string), and the line goes to the sink the window installed (stdout with
 * --print-events, a test's capture buffer, or nowhere). The names and
 * fields are the window's interface; docs/architecture.md lists them. */
#ifndef DIGITPAD_APP_EVENTS_H
#define DIGITPAD_APP_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where lines go: one complete JSON object per call, without the newline. */
typedef void (*events_sink)(void *ctx, const char *json_line);

typedef struct events {
    events_sink sink; // NULL: events are dropped
    void *ctx;
} events;

/* Sets up the writer with its sink (which may be NULL). Nothing to free. */
void events_init(events *e, events_sink sink, void *ctx);
/* True when lines go somewhere (so callers can skip costly formatting). */
bool events_enabled(const events *e);

/* The sink that prints each line and a newline on stdout, flushed. */
void events_stdout(void *ctx, const char *json_line);

/* A rectangle in window coordinates, for the ready event. */
typedef struct events_rect {
    int x, y, w, h;
} events_rect;

/* ---- one function per event --------------------------------------------- */

/* Where issue 11's training bar buttons are (window coordinates), right
 * after ready, for tests that click them: names[i] at rects[i]. */
void event_controls(events *e, const char *const *names, const events_rect *rects, size_t n);

void event_ready(events *e, events_rect canvas, int win_w, int win_h, double scale,
                 const char *renderer, double startup_ms, const events_rect *tabs, size_t n_tabs,
                 events_rect bars, events_rect view);
void event_error(events *e, const char *message);
void event_prediction(events *e, const char *label, size_t index, float confidence, bool sure,
                      const float *probs, size_t n);
void event_no_prediction(events *e);
/* {"event":"scores","input":[…],"logits":[…],"probs":[…]}: what the network
 * was fed (n_input floats, in the model's input scale), its raw scores
 * before softmax and the probabilities, each float as the shortest text
 * that reads back to it (float_text), so a test can redo the arithmetic. */
void event_scores(events *e, const float *input, size_t n_input, const float *logits,
                  const float *probs, size_t n);
void event_progress(events *e, size_t epoch, size_t epochs, size_t step, size_t steps_per_epoch,
                    double loss, double accuracy, double batch_loss, double samples_per_s);
void event_epoch(events *e, int epoch, size_t epochs, double loss, double accuracy,
                 double val_loss, double val_accuracy, double seconds, double samples_per_s);
void event_done(events *e, size_t epochs);
void event_confusion(events *e, size_t epoch, bool from_epoch, double accuracy,
                     const uint32_t matrix[10][10]);
void event_trainer_stopped(events *e, bool was_running, double ms);
void event_loaded(events *e, const char *path, const char *shape);
/* {"event":"settings","lr":…,"batch":…,"epochs":…,"layers":[…],
 * "activation":"relu","speed":…}: what training runs with (layers: the
 * hidden widths; speed: batches a second, 0 full), once at start and
 * whenever one changes. */
void event_settings(events *e, double lr, size_t batch, size_t epochs, const size_t *layers,
                    size_t n_layers, const char *activation, unsigned speed);
/* One batch trained on its own (Step, `.`): which batch since the start
 * or reset, its mean loss and accuracy, its size, how far the weights moved. */
void event_step(events *e, uint64_t global_step, double batch_loss, double batch_accuracy,
                size_t batch, double weight_move);
void event_saved(events *e, const char *path);
void event_swept(events *e, size_t count);
void event_view(events *e, const char *name);
void event_saliency(events *e, int cls, const char *label, bool gradient, float pushed_up,
                    float pulled_down);
void event_gallery(events *e, int true_label, int predicted, size_t count);
void event_test_digit(events *e, size_t index, int label);
void event_screenshot(events *e, const char *path);
/* Issue 13: {"event":"sample","label":L,"count":N,"total":T} (N of label L
 * kept, T in all), its deletion, a fine-tuning's figures (accuracy on the
 * held-out samples and on the test set, before and after), the augment
 * toggle, the dataset chosen. */
void event_sample(events *e, int label, size_t count, size_t total);
void event_sample_deleted(events *e, int label, size_t count, size_t total);
void event_finetune(events *e, size_t samples, size_t trained, size_t held, double before_mine,
                    double after_mine, double before_mnist, double after_mnist);
void event_augment(events *e, bool on);
void event_dataset(events *e, const char *name, const char *dir);
void event_stats(events *e, double fps, double frame_ms_p99, double samples_per_s);

/* {"event":"neuron","layer":1,"unit":u,"activation":"relu","inputs":784,
 * "nonzero":n,"bias":b,"products":p,"sum":z,"output":a}: the unit the neuron
 * view shows, worked out (layer 1-based, unit from 0 as the kernel's column;
 * products: the sum of every input x weight; sum: that + bias as the forward
 * pass adds it, before the activation; output: after it). Floats exactly,
 * as the shortest text that reads back to the same float. */
void event_neuron(events *e, size_t layer, size_t unit, const char *activation, size_t inputs,
                  size_t nonzero, float bias, double products, float sum, float output);
/* {"event":"network","sizes":[...],"layers":[{"layer":1,"x":..,"y":..,
 * "cell":..,"pitch":..,"pitch_y":..,"cols":..,"n":..},...]}: where the network
 * view drew each dense layer's units (drawable pixels; unit u's cell is at
 * column u % cols, row u / cols of the grid), for tests that click one. */
typedef struct events_grid {
    int x, y, cell, pitch, pitch_y, cols;
    size_t n;
} events_grid;
void event_network(events *e, const size_t *sizes, size_t n_layers, const events_grid *grids);

#endif
