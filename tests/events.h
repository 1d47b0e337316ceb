/* events.h: catching the window's --print-events lines in the tests that
 * drive app_state without a display. Install capture() as the state's emit
 * callback with a calloc'd `captured`, then look lines up by event name. */
#ifndef DIGITPAD_TEST_EVENTS_H
#define DIGITPAD_TEST_EVENTS_H

#include <stdio.h>
#include <string.h>

typedef struct captured {
    char lines[2048][1600]; // room for a scores line with every prediction (issue 12)
    size_t n;
} captured;

static void capture(void *ctx, const char *line)
{
    captured *c = ctx;
    if (c->n < sizeof c->lines / sizeof c->lines[0])
        snprintf(c->lines[c->n++], sizeof c->lines[0], "%s", line);
}

/* The newest line of this event, or NULL. */
static const char *last_event(const captured *c, const char *kind)
{
    char key[64];
    snprintf(key, sizeof key, "\"event\":\"%s\"", kind);
    for (size_t i = c->n; i-- > 0;)
        if (strstr(c->lines[i], key))
            return c->lines[i];
    return NULL;
}

#endif
