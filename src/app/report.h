/* report.h: what the window tells the person: the status line at the
 * bottom and the log (view 5), a ring of the last lines.
 *
 * An error on the status line is also written to the log ("Error: ...")
 * and sent as an error event, so a script sees what the person sees. */
#ifndef DIGITPAD_APP_REPORT_H
#define DIGITPAD_APP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"

#define REPORT_LOG_LINES 64
#define REPORT_LOG_LINE 160
#define REPORT_STATUS_MAX 512

typedef struct report {
    events *events;                   // not owned; for error events
    char log[REPORT_LOG_LINES][REPORT_LOG_LINE];
    size_t log_head, n_log;
    uint64_t log_version;             // bumps with every line
    char status[REPORT_STATUS_MAX];
    bool status_error;
    uint64_t status_version;          // bumps with every status
} report;

/* An empty report whose errors go out through events (may be NULL). */
void report_init(report *r, events *events);

/* Sets the status line; with error, also logs it and sends an error event. */
void report_status(report *r, bool error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Appends a line to the log (the oldest goes when it is full). */
void report_log(report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The log's i-th line from the oldest (i < n_log). */
const char *report_log_line(const report *r, size_t i);

#endif
