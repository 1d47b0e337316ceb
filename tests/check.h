/* check.h: the tests' one assertion, included once by each test program.
 *
 * CHECK(cond, fmt, ...) counts a pass, or prints the failed condition with
 * its file, line and the message. check_summary() prints the closing line
 * that meson's log and CI read ("N passed, N failed") and returns the
 * program's exit status. */
#ifndef DIGITPAD_TEST_CHECK_H
#define DIGITPAD_TEST_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (cond) {                                                                               \
            check_passed++;                                                                       \
        } else {                                                                                  \
            check_failed++;                                                                       \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                \
            printf(__VA_ARGS__);                                                                  \
            printf("\n");                                                                         \
        }                                                                                         \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
