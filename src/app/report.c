/* report.c: the status line and the log (report.h). */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void report_init(report *r, events *events)
{
    memset(r, 0, sizeof *r);
    r->events = events;
}

static void vlog(report *r, const char *fmt, va_list ap)
{
    size_t at = (r->log_head + r->n_log) % REPORT_LOG_LINES;
    if (r->n_log == REPORT_LOG_LINES) {
        at = r->log_head;
        r->log_head = (r->log_head + 1) % REPORT_LOG_LINES;
    } else {
        r->n_log++;
    }
    vsnprintf(r->log[at], REPORT_LOG_LINE, fmt, ap);
    r->log_version++;
}

void report_log(report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(r, fmt, ap);
    va_end(ap);
}

void report_status(report *r, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->status, sizeof r->status, fmt, ap);
    va_end(ap);
    r->status_error = error;
    r->status_version++;
    if (error) {
        report_log(r, "Error: %s", r->status);
        event_error(r->events, r->status);
    }
}

const char *report_log_line(const report *r, size_t i)
{
    return r->log[(r->log_head + i) % REPORT_LOG_LINES];
}
