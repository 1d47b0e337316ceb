/* theme.h: the window's colours as plain RGB (ui.h makes SDL colours of
 * them), and the WCAG 2 contrast ratio that keeps their text readable on
 * a projector: every colour text is drawn in has at least 4.5:1 against
 * the panels and the background it is drawn on (tests/test_scores.c). */
#ifndef DIGITPAD_APP_THEME_H
#define DIGITPAD_APP_THEME_H

#include <stdint.h>

#define THEME_BG 16, 18, 23
#define THEME_PANEL 25, 28, 35
#define THEME_HEADER 21, 24, 30      // the header and the status line
#define THEME_PANEL_EDGE 38, 42, 52
#define THEME_TRACK 36, 40, 50
#define THEME_TEXT 232, 235, 242
#define THEME_DIM 146, 153, 170
/* Explanatory text and hints: was 96, 103, 120 (3.0:1 on a panel). */
#define THEME_FAINT 130, 137, 154
#define THEME_GRID 44, 48, 60
#define THEME_ACCENT 92, 170, 255
#define THEME_ACCENT_DIM 52, 92, 140
#define THEME_TRAIN 255, 178, 84
#define THEME_GOOD 98, 214, 145
#define THEME_BAD 255, 110, 110
#define THEME_BUTTON 40, 45, 56
#define THEME_BUTTON_HOVER 52, 58, 72

/* WCAG 2.x relative luminance of an sRGB colour (0 black .. 1 white). */
double theme_luminance(uint8_t r, uint8_t g, uint8_t b);
/* (lighter + 0.05) / (darker + 0.05): 1 to 21. */
double theme_contrast(const uint8_t a[3], const uint8_t b[3]);

#endif
