/* Numbers on the explorer's screen: formats and the round-number step ladders. */
#include "tui/explorer/numbers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Trims "%.6g"-style zeros: 38.000 -> 38, 1.250 -> 1.25. */
static void trim_zeros(char *buf)
{
    if (strchr(buf, '.') == NULL || strchr(buf, 'e') != NULL)
        return;
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

void tui_fmt_ms(char *buf, size_t size, double ms)
{
    double a = fabs(ms);
    if (a >= 100)
        snprintf(buf, size, "%.1f", ms);
    else if (a >= 1)
        snprintf(buf, size, "%.2f", ms);
    else
        snprintf(buf, size, "%.3g", ms);
    trim_zeros(buf);
}

void tui_fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.10g", v);
}

void tui_fmt_show(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.4g", v);
}

void tui_fmt_units(char *buf, size_t size, double v)
{
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else if (fabs(v) >= 1000)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
}

int tui_digits(int v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static const double fine[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8};
static const double coarse[] = {1, 2, 5};
const struct tui_ladder tui_ladder_fine = {fine, (int)(sizeof(fine) / sizeof(fine[0]))};
const struct tui_ladder tui_ladder_coarse = {coarse, (int)(sizeof(coarse) / sizeof(coarse[0]))};

double tui_ladder_step(double v, int dir, const struct tui_ladder *l, double lo, bool zero_ok)
{
    const double *m = l->m;
    int nm = l->n;
    if (v <= 0)
        return dir > 0 ? lo : 0;
    double e = floor(log10(v));
    if (dir > 0) {
        for (double k = e - 1; k <= e + 1; k++)
            for (int i = 0; i < nm; i++) {
                double c = m[i] * pow(10, k);
                if (c > v * (1 + 1e-9))
                    return c;
            }
        return v * 2;
    }
    for (double k = e + 1; k >= e - 1; k--)
        for (int i = nm - 1; i >= 0; i--) {
            double c = m[i] * pow(10, k);
            if (c < v * (1 - 1e-9))
                return c < lo * (1 - 1e-9) ? (zero_ok ? 0 : lo) : c;
        }
    return zero_ok ? 0 : lo;
}
