/* test_report: the status line and the log ring: an error is logged and
 * sent as an event, a full log drops its oldest line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report.h"

#include "check.h"
#include "events.h"

int main(void)
{
    captured *cap = calloc(1, sizeof *cap);
    events ev;
    events_init(&ev, capture, cap);
    report r;
    report_init(&r, &ev);

    report_status(&r, false, "loaded %s (%d)", "m.json", 3);
    CHECK(!strcmp(r.status, "loaded m.json (3)") && !r.status_error && r.status_version == 1,
          "status: %s", r.status);
    CHECK(r.n_log == 0 && cap->n == 0, "a plain status is neither logged nor an event");

    report_status(&r, true, "m.json: not JSON");
    CHECK(r.status_error && r.status_version == 2, "error status");
    CHECK(r.n_log == 1 && !strcmp(report_log_line(&r, 0), "Error: m.json: not JSON"), "logged: %s",
          report_log_line(&r, 0));
    CHECK(cap->n == 1 && !strcmp(last_event(cap, "error"),
                                 "{\"event\":\"error\",\"message\":\"m.json: not JSON\"}"),
          "event: %s", cap->n ? cap->lines[0] : "none");

    // The ring keeps the newest REPORT_LOG_LINES lines, oldest first.
    for (int i = 0; i < REPORT_LOG_LINES + 5; i++)
        report_log(&r, "line %d", i);
    CHECK(r.n_log == REPORT_LOG_LINES, "n_log %zu", r.n_log);
    char want[32];
    snprintf(want, sizeof want, "line %d", 5); // the error and lines 0-4 went (70 - 64)
    CHECK(!strcmp(report_log_line(&r, 0), want), "oldest: %s", report_log_line(&r, 0));
    snprintf(want, sizeof want, "line %d", REPORT_LOG_LINES + 4);
    CHECK(!strcmp(report_log_line(&r, REPORT_LOG_LINES - 1), want), "newest: %s",
          report_log_line(&r, REPORT_LOG_LINES - 1));

    // A long line is cut, not overrun.
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    report_log(&r, "%s", big);
    CHECK(strlen(report_log_line(&r, REPORT_LOG_LINES - 1)) == REPORT_LOG_LINE - 1, "cut");

    // Without an events writer errors still reach the log.
    report quiet;
    report_init(&quiet, NULL);
    report_status(&quiet, true, "no events");
    CHECK(quiet.n_log == 1, "logged without events");
    free(cap);
    return check_summary();
}
