/* theme.c: WCAG contrast of the theme's colours (theme.h). */
#include "theme.h"

#include <math.h>

static double channel(uint8_t v)
{
    double c = (double)v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double theme_luminance(uint8_t r, uint8_t g, uint8_t b)
{
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

double theme_contrast(const uint8_t a[3], const uint8_t b[3])
{
    double la = theme_luminance(a[0], a[1], a[2]), lb = theme_luminance(b[0], b[1], b[2]);
    double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
    return (hi + 0.05) / (lo + 0.05);
}
