/* cli.h: the subcommands of the digitpad binary. Each takes the arguments
 * after its own name (argv[0] is the subcommand) and returns the process's
 * exit status. Only this layer and src/app/ print to the user or exit. */
#ifndef DIGITPAD_CLI_H
#define DIGITPAD_CLI_H

#include <stdbool.h>
#include <stddef.h>

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

/* Strict number parsing for flag values: the whole string must be a number
 * in [min, max]; otherwise prints "digitpad: --flag: ..." and returns false. */
bool cli_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out);
bool cli_parse_u64(const char *flag, const char *s, unsigned long long *out);
bool cli_parse_float(const char *flag, const char *s, double min, double max, double *out);
/* "128" or "256,128,64": hidden layer widths, at most max of them. */
bool cli_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n);

/* Option matching for "--name VALUE" and "--name=VALUE". If argv[*i]
 * is that option, sets *value (advancing *i past a separate value) and
 * returns true; a missing value prints an error and sets *value NULL. */
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

/* Writes v with thousands separators ("101,770") into out (len bytes). */
void cli_thousands(char *out, size_t len, unsigned long long v);

/* The bundled model's path: $DIGITPAD_MODELS or the source tree's models/
 * or the installed data folder, whichever holds it first. */
const char *cli_default_model_path(void);

struct mlp;
struct model_meta;
/* Loads the model at *path (NULL: the bundled one, and *path is set to it).
 * On failure prints "digitpad: PATH: reason" and returns false. */
bool cli_load_model(const char **path, struct mlp *net, struct model_meta *meta);

#endif
