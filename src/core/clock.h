/* clock.h: the one clock of digitpad, monotonic (never the wall clock,
 * which can jump). Used by the trainer, by training's step timings, and
 * through src/common by both faces. */
#ifndef DIGITPAD_CLOCK_H
#define DIGITPAD_CLOCK_H

/* Seconds since an arbitrary fixed point (CLOCK_MONOTONIC), to about a
 * microsecond. */
double dp_clock_seconds(void);

#endif
