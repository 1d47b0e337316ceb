/* cli.h: the subcommands of the digitpad binary. Each takes the arguments
 * after its own name (argv[0] is the subcommand) and returns the process's
 * exit status. Only this layer and src/app/ print to the user or exit. */
#ifndef DIGITPAD_CLI_H
#define DIGITPAD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

int cli_train(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_convert(int argc, char **argv);

/* Prints "digitpad: what: msg" on stderr as one line. what may be NULL. */
void cli_error(const char *what, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Writes s to f as a JSON string (json_string.h: the one escaper). */
void cli_json_string(FILE *f, const char *s);

/* Prints err's message as "digitpad: message" (the message of a src/common
 * parser already names the flag) and returns 2, the exit status of a
 * usage error. */
struct dp_error;
int cli_fail(const struct dp_error *err);

#endif

