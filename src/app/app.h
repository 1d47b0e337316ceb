/* app.h: the window. */
#ifndef DIGITPAD_APP_H
#define DIGITPAD_APP_H

/* Runs the window with the command line given to `digitpad` (no subcommand).
 * Returns the process's exit status. */
int app_main(int argc, char **argv);

#endif
