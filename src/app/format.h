/* format.h: numbers as the window writes them. (Until src/common/ has the
 * one formatter both faces share; then this file goes.) */
#ifndef DIGITPAD_APP_FORMAT_H
#define DIGITPAD_APP_FORMAT_H

#include <stddef.h>

/* 60000 as "60,000". */
void fmt_thousands(char *out, size_t len, unsigned long long v);

#endif
