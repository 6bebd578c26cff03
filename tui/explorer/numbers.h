/* Numbers on the explorer's screen: durations, values and memory units in their screen
 * formats, and the ladders of round numbers that + and - step along. */
#ifndef PS_TUI_EXPLORER_NUMBERS_H
#define PS_TUI_EXPLORER_NUMBERS_H

#include <stdbool.h>
#include <stddef.h>

/* A duration in ms for the screen ("38", "1.25", "0.013"): core's one rounding rule,
 * ps_fmt_ms_short. */
void tui_fmt_ms(char *buf, size_t size, double ms);

/* Rounds every decimal number of a sentence to the screen's ms format in place
 * ("waited 686.500952 ms" -> "waited 686.5 ms"): core's explanations, on screen. */
void tui_round_numbers(char *text, size_t size);

/* Full precision ("%.10g"), for values handed to the scenario. */
void tui_fmt_num(char *buf, size_t size, double v);

/* Memory in units: an integer as an integer (1024, not 1.02e+03), else up to 4 digits. */
void tui_fmt_units(char *buf, size_t size, double v);

/* The number of decimal digits of v >= 0. */
int tui_digits(int v);

/* A ladder of round numbers: its mantissas times the powers of ten. */
struct tui_ladder {
    const double *m;
    int n;
};
extern const struct tui_ladder tui_ladder_fine;   /* 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 */
extern const struct tui_ladder tui_ladder_coarse; /* 1, 2, 5 */

/* The next value after v (dir > 0) or before it on a ladder. Below lo comes 0 when
 * zero_ok, else lo is the floor. */
double tui_ladder_step(double v, int dir, const struct tui_ladder *l, double lo, bool zero_ok);

#endif
