/* test_events: the --print-events writer, line by line against the
 * lines tests and scripts read (hand-written here). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/events.h"

#include "check.h"
#include "events.h"

static void test_lines(void)
{
    captured *cap = calloc(1, sizeof *cap);
    events e;
    events_init(&e, capture, cap);
    CHECK(events_enabled(&e), "enabled");

    float probs[3] = {0.1f, 0.75f, 0.15f};
    event_prediction(&e, "1", 1, 0.75f, true, probs, 3);
    CHECK(!strcmp(cap->lines[0], "{\"event\":\"prediction\",\"label\":\"1\",\"index\":1,"
                                 "\"confidence\":0.7500,\"sure\":true,\"probs\":[0.1000,0.7500,0.1500]}"),
          "%s", cap->lines[0]);
    event_no_prediction(&e);
    CHECK(!strcmp(cap->lines[1], "{\"event\":\"prediction\",\"label\":null,\"index\":-1,\"probs\":[]}"),
          "%s", cap->lines[1]);
    // Numbers that are not finite are null, not "nan".
    event_progress(&e, 1, 5, 10, 1875, 0.5, NAN, 0.25, INFINITY);
    CHECK(!strcmp(cap->lines[2], "{\"event\":\"progress\",\"epoch\":1,\"epochs\":5,\"step\":10,"
                                 "\"steps_per_epoch\":1875,\"loss\":0.5,\"accuracy\":null,"
                                 "\"batch_loss\":0.25,\"samples_per_s\":null}"),
          "%s", cap->lines[2]);
    event_epoch(&e, 2, 5, 0.1122, 0.9662, 0.0979, 0.9698, 1.25, 48000);
    CHECK(!strcmp(cap->lines[3], "{\"event\":\"epoch\",\"epoch\":2,\"epochs\":5,\"loss\":0.1122,"
                                 "\"accuracy\":0.9662,\"val_loss\":0.0979,\"val_accuracy\":0.9698,"
                                 "\"seconds\":1.25,\"samples_per_s\":48000}"),
          "%s", cap->lines[3]);
    // Paths and messages are JSON strings: quotes, backslashes, newlines, control bytes.
    event_error(&e, "a \"b\"\\c\nd\x01");
    CHECK(!strcmp(cap->lines[4], "{\"event\":\"error\",\"message\":\"a \\\"b\\\"\\\\c\\nd\\u0001\"}"),
          "%s", cap->lines[4]);
    event_loaded(&e, "/tmp/m.json", "784-128-10");
    CHECK(!strcmp(cap->lines[5], "{\"event\":\"loaded\",\"path\":\"/tmp/m.json\",\"shape\":\"784-128-10\"}"),
          "%s", cap->lines[5]);
    event_trainer_stopped(&e, true, 12.345);
    CHECK(!strcmp(cap->lines[6], "{\"event\":\"trainer_stopped\",\"was_running\":true,\"ms\":12.35}") ||
              !strcmp(cap->lines[6], "{\"event\":\"trainer_stopped\",\"was_running\":true,\"ms\":12.34}"),
          "%s", cap->lines[6]);
    uint32_t m[10][10] = {{0}};
    m[3][5] = 7;
    event_confusion(&e, 4, false, 0.5, (const uint32_t(*)[10])m);
    CHECK(strstr(cap->lines[7], "{\"event\":\"confusion\",\"epoch\":4,\"source\":\"eval\","
                                "\"accuracy\":0.5000,\"matrix\":[[0,0,0,0,0,0,0,0,0,0],") == cap->lines[7] &&
              strstr(cap->lines[7], "[0,0,0,0,0,7,0,0,0,0]"),
          "%s", cap->lines[7]);
    event_saliency(&e, 4, "4", true, 1.5f, -0.25f);
    CHECK(!strcmp(cap->lines[8], "{\"event\":\"saliency\",\"class\":4,\"label\":\"4\",\"mode\":\"gradient\","
                                 "\"pushed_up\":1.5,\"pulled_down\":-0.25}"),
          "%s", cap->lines[8]);
    event_view(&e, "why");
    event_gallery(&e, 5, 3, 29);
    event_test_digit(&e, 42, 4);
    event_stats(&e, 59.94, 3.456, 48123.4);
    event_done(&e, 5);
    CHECK(!strcmp(cap->lines[9], "{\"event\":\"view\",\"name\":\"why\"}"), "%s", cap->lines[9]);
    CHECK(!strcmp(cap->lines[10], "{\"event\":\"gallery\",\"true\":5,\"predicted\":3,\"count\":29}"),
          "%s", cap->lines[10]);
    CHECK(!strcmp(cap->lines[11], "{\"event\":\"test_digit\",\"index\":42,\"label\":4}"), "%s",
          cap->lines[11]);
    CHECK(!strcmp(cap->lines[12], "{\"event\":\"stats\",\"fps\":59.9,\"frame_ms_p99\":3.46,\"samples_per_s\":48123}"),
          "%s", cap->lines[12]);
    CHECK(!strcmp(cap->lines[13], "{\"event\":\"done\",\"epochs\":5}"), "%s", cap->lines[13]);
    events_rect tabs[2] = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    event_ready(&e, (events_rect){10, 20, 300, 300}, 1280, 800, 1, "software", 12.5, tabs, 2,
                (events_rect){0, 0, 9, 9}, (events_rect){1, 1, 2, 2});
    CHECK(!strcmp(cap->lines[14],
                  "{\"event\":\"ready\",\"canvas\":{\"x\":10,\"y\":20,\"w\":300,\"h\":300},"
                  "\"window\":{\"w\":1280,\"h\":800},\"scale\":1,\"renderer\":\"software\","
                  "\"startup_ms\":12.5,\"tabs\":[{\"x\":1,\"y\":2,\"w\":3,\"h\":4},"
                  "{\"x\":5,\"y\":6,\"w\":7,\"h\":8}],\"bars\":{\"x\":0,\"y\":0,\"w\":9,\"h\":9},"
                  "\"view\":{\"x\":1,\"y\":1,\"w\":2,\"h\":2}}"),
          "%s", cap->lines[14]);
    size_t layers[] = {256, 128, 64};
    event_settings(&e, 0.001, 32, 5, layers, 3, "relu", 10);
    CHECK(!strcmp(cap->lines[15], "{\"event\":\"settings\",\"lr\":0.001,\"batch\":32,\"epochs\":5,"
                                  "\"layers\":[256,128,64],\"activation\":\"relu\",\"speed\":10}"),
          "%s", cap->lines[15]);
    event_settings(&e, 3e-5, 1, 1, NULL, 0, "tanh", 0);
    CHECK(!strcmp(cap->lines[16], "{\"event\":\"settings\",\"lr\":3e-05,\"batch\":1,\"epochs\":1,"
                                  "\"layers\":[],\"activation\":\"tanh\",\"speed\":0}"),
          "%s", cap->lines[16]);
    CHECK(last_event(cap, "done") == cap->lines[13], "the newest done line");
    // Issue 11: a single step, and where the training bar's buttons are.
    event_step(&e, 12, 2.25, 0.15625, 32, 0.5);
    CHECK(!strcmp(cap->lines[17], "{\"event\":\"step\",\"global_step\":12,\"batch_loss\":2.25,"
                                  "\"batch_accuracy\":0.15625,\"batch\":32,\"weight_move\":0.5}"),
          "%s", cap->lines[17]);
    const char *const names[] = {"step", "settings"};
    const events_rect rects[] = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    event_controls(&e, names, rects, 2);
    CHECK(!strcmp(cap->lines[18], "{\"event\":\"controls\",\"buttons\":{\"step\":{\"x\":1,\"y\":2,"
                                  "\"w\":3,\"h\":4},\"settings\":{\"x\":5,\"y\":6,\"w\":7,\"h\":8}}}"),
          "%s", cap->lines[18]);
    CHECK(cap->n == 19, "%zu lines", cap->n);

    // Without a sink nothing is written and nothing breaks.
    events off;
    events_init(&off, NULL, NULL);
    CHECK(!events_enabled(&off), "enabled without a sink");
    event_error(&off, "x");
    event_prediction(&off, "1", 1, 1.0f, true, probs, 3);
    free(cap);
}

/* Views 6 and 7: a unit worked out (floats as their shortest exact text)
 * and where the diagram's units are. */
static void test_neuron_lines(void)
{
    captured *cap = calloc(1, sizeof *cap);
    events e;
    events_init(&e, capture, cap);
    event_neuron(&e, 1, 37, "relu", 784, 141, -0.1f, 2.25, 2.15f, 2.15f);
    CHECK(!strcmp(cap->lines[0], "{\"event\":\"neuron\",\"layer\":1,\"unit\":37,\"activation\":\"relu\","
                                 "\"inputs\":784,\"nonzero\":141,\"bias\":-0.1,\"products\":2.25,"
                                 "\"sum\":2.15,\"output\":2.15}"),
          "%s", cap->lines[0]);
    size_t sizes[] = {784, 128, 10};
    events_grid g[2] = {{10, 20, 7, 9, 9, 8, 128}, {100, 20, 13, 15, 15, 1, 10}};
    event_network(&e, sizes, 2, g);
    CHECK(!strcmp(cap->lines[1], "{\"event\":\"network\",\"sizes\":[784,128,10],\"layers\":["
                                 "{\"layer\":1,\"x\":10,\"y\":20,\"cell\":7,\"pitch\":9,\"pitch_y\":9,"
                                 "\"cols\":8,\"n\":128},{\"layer\":2,\"x\":100,\"y\":20,\"cell\":13,"
                                 "\"pitch\":15,\"pitch_y\":15,\"cols\":1,\"n\":10}]}"),
          "%s", cap->lines[1]);
    free(cap);
}

/* The scores event: every float as the shortest text that reads back to
 * it, a non-finite one as null. */
static void test_scores_line(void)
{
    captured *cap = calloc(1, sizeof *cap);
    events e;
    events_init(&e, capture, cap);
    float input[3] = {0.0f, 0.5f, 1.0f / 255.0f}, logits[2] = {8.7f, -1.25f}, probs[2] = {1.0f, NAN};
    event_scores(&e, input, 3, logits, probs, 2);
    CHECK(cap->n == 1 && !strcmp(cap->lines[0], "{\"event\":\"scores\",\"input\":[0,0.5,0.003921569],"
                                                "\"logits\":[8.7,-1.25],\"probs\":[1,null]}"),
          "%s", cap->lines[0]);
    free(cap);
}

int main(void)
{
    test_lines();
    test_neuron_lines();
    test_scores_line();
    return check_summary();
}
