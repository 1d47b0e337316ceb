/* float_text.c: the shortest decimal that reads back to the same float
 * (float_text.h). */
#include "float_text.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest magnitude that still rounds to a finite float: FLT_MAX plus half
 * of its last place. A double at or past it becomes infinity. */
#define FLOAT_OVERFLOW_EDGE 0x1.ffffffp+127

/* True when s reads back as exactly f, both by strtof and by strtod then a
 * cast to float (cJSON's way). */
static bool float_reads_back(const char *s, float f)
{
    float a = strtof(s, NULL);
    double d = strtod(s, NULL);
    if (!(fabs(d) < FLOAT_OVERFLOW_EDGE))
        return false;
    float b = (float)d;
    return memcmp(&a, &f, sizeof f) == 0 && memcmp(&b, &f, sizeof f) == 0;
}

/* The rule itself: the first of %.1g ... %.9g that reads back. */
static size_t format_float_slow(char *out, float f)
{
    int n = 0;
    for (int p = 1; p <= 9; p++) {
        n = snprintf(out, 32, "%.*g", p, (double)f);
        if (float_reads_back(out, f))
            break;
    }
    return (size_t)n;
}

static const uint64_t pow10_u64[17] = {
    1ull,          10ull,          100ull,          1000ull,          10000ull,         100000ull,
    1000000ull,    10000000ull,    100000000ull,    1000000000ull,    10000000000ull,   100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
    10000000000000000ull,
};

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* 10^n within a few units in the last place (n within +-100). */
static double pow10_near(int n)
{
    int a = n < 0 ? -n : n;
    double r = 1.0;
    while (a > 22) {
        r *= 1e22;
        a -= 22;
    }
    r *= pow10_exact[a];
    return n < 0 ? 1.0 / r : r;
}

/* Writes the p significant digits of q (10^(p-1) <= q < 10^p) times
 * 10^(e10 - p + 1) as printf's "%.{p}g" would, trailing zeros dropped. */
static size_t format_g(char *out, bool negative, uint64_t q, int p, int e10)
{
    char digits[20];
    int n = p;
    for (int i = p - 1; i >= 0; i--) {
        digits[i] = (char)('0' + q % 10);
        q /= 10;
    }
    while (n > 1 && digits[n - 1] == '0')
        n--;
    char *o = out;
    if (negative)
        *o++ = '-';
    if (e10 < -4 || e10 >= p) {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)n - 1);
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = e10 < 0 ? '-' : '+';
        int a = e10 < 0 ? -e10 : e10;
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    } else if (e10 >= 0) {
        for (int i = 0; i <= e10; i++)
            *o++ = i < n ? digits[i] : '0';
        if (n > e10 + 1) {
            *o++ = '.';
            memcpy(o, digits + e10 + 1, (size_t)(n - e10 - 1));
            o += n - e10 - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -e10 - 1; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)n);
        o += n;
    }
    *o = '\0';
    return (size_t)(o - out);
}

/* Doing that literally costs up to nine snprintf and eighteen strto* calls
 * per number (140 ms for a 784-128-10 model), so the usual case is decided
 * with arithmetic: f is scaled to a 16-digit integer Y (good to a few units),
 * whose leading p digits rounded are the p-digit candidate, and the
 * candidate reads back exactly when its distance from f is inside half the
 * gap to the neighbouring floats. Wherever the answer is within a safety
 * margin of changing (a rounding tie, a candidate near the edge of the
 * interval, f itself near a power of ten), the literal rule decides. */
size_t float_text(char *out, float f)
{
    if (f == 0) {
        size_t n = 0;
        if (signbit(f))
            out[n++] = '-';
        out[n++] = '0';
        out[n] = '\0';
        return n;
    }
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint32_t biased = bits >> 23 & 0xff, mant = bits & 0x7fffff;
    double x = fabs((double)f);

    // Half the gaps to the next float up and down (floats round to nearest).
    double h_up = ldexp(1.0, (biased ? (int)biased : 1) - 151);
    double h_down = mant == 0 && biased > 1 ? h_up / 2 : h_up;

    int e2;
    frexp(x, &e2);
    int e10 = (int)floor((e2 - 1) * 0.30102999566398120);
    double scale = pow10_near(15 - e10), y = x * scale;
    for (int i = 0; i < 4 && (y >= 1e16 || y < 1e15); i++) {
        e10 += y >= 1e16 ? 1 : -1;
        scale = pow10_near(15 - e10);
        y = x * scale;
    }
    // y is within about 6 units of the exact product; 256 is a wide margin.
    const double margin = 256;
    if (!(y >= 1e15 + margin && y <= 1e16 - margin))
        return format_float_slow(out, f);
    uint64_t big = (uint64_t)(y + 0.5);
    double units_up = h_up * scale, units_down = h_down * scale;

    for (int p = 1; p <= 9; p++) {
        uint64_t div = pow10_u64[16 - p], q = big / div, r = big % div, half = div / 2;
        double dr = (double)r, dh = (double)half;
        bool decided = !(dr > dh - margin && dr < dh + margin);
        bool up = r > half;
        double dist = up ? (double)(div - r) : dr, room = up ? units_up : units_down;
        if (decided && dist + margin < room) {
            int xp = e10;
            if (up && ++q == pow10_u64[p]) {
                q = pow10_u64[p - 1];
                xp++;
            }
            return format_g(out, f < 0, q, p, xp);
        }
        if (decided && dist > room + margin)
            continue;
        // Too close to call: ask the C library.
        int n = snprintf(out, 32, "%.*g", p, (double)f);
        if (float_reads_back(out, f))
            return (size_t)n;
    }
    return format_float_slow(out, f); // not reached: nine digits always read back
}

size_t float_text_double(char *out, double d)
{
    int n = 0;
    for (int p = 15; p <= 17; p++) {
        n = snprintf(out, FLOAT_TEXT_DOUBLE_MAX, "%.*g", p, d);
        double back = strtod(out, NULL);
        if (memcmp(&back, &d, sizeof d) == 0)
            break;
    }
    return (size_t)n;
}
