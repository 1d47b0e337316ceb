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

/* The names below are src/common's functions under their old names, kept
 * only while src/app still calls them (each prints its error as cli_error
 * does); new code calls src/common directly:
 *   cli_opt            -> flags_opt            (flags.h)
 *   cli_parse_size     -> flags_parse_size
 *   cli_parse_u64      -> flags_parse_u64 (max UINT64_MAX); seeds: flags_parse_seed
 *   cli_parse_float    -> flags_parse_float
 *   cli_parse_layers   -> flags_parse_layers
 *   cli_thousands      -> format_thousands     (format.h)
 *   cli_default_model_path -> paths_bundled_model (paths.h)
 *   cli_load_model     -> model_load           (model_load.h) */
bool cli_parse_size(const char *flag, const char *s, size_t min, size_t max, size_t *out);
bool cli_parse_u64(const char *flag, const char *s, unsigned long long *out);
bool cli_parse_float(const char *flag, const char *s, double min, double max, double *out);
bool cli_parse_layers(const char *flag, const char *s, size_t *out, size_t max, size_t *n);
bool cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
void cli_thousands(char *out, size_t len, unsigned long long v);
const char *cli_default_model_path(void);
struct mlp;
struct model_meta;
/* Loads the model at *path (NULL: the bundled one); *path is then the path
 * used. On failure prints "digitpad: PATH: reason" and returns false. */
bool cli_load_model(const char **path, struct mlp *net, struct model_meta *meta);

#endif
