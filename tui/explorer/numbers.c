/* Numbers on the explorer's screen: formats and the round-number step ladders. */
#include "tui/explorer/numbers.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field.h"

void tui_fmt_ms(char *buf, size_t size, double ms)
{
    ps_fmt_ms_short(buf, size, ms);
}

void tui_fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.10g", v);
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

/* Rounds every decimal number of a sentence to the screen's format (686.500952 -> 686.5). */
void tui_round_numbers(char *text, size_t size)
{
    char out[640];
    size_t o = 0;
    const char *p = text;
    while (*p && o + 1 < sizeof(out)) {
        bool starts = isdigit((unsigned char)*p) && (p == text || !isalnum((unsigned char)p[-1]));
        if (starts) {
            const char *q = p;
            while (isdigit((unsigned char)*q))
                q++;
            if (*q == '.' && isdigit((unsigned char)q[1])) {
                char *end;
                double v = strtod(p, &end);
                char num[32];
                tui_fmt_ms(num, sizeof(num), v);
                int k = snprintf(out + o, sizeof(out) - o, "%s", num);
                if (k < 0 || (size_t)k >= sizeof(out) - o)
                    break;
                o += (size_t)k;
                p = end;
                continue;
            }
            while (p < q && o + 1 < sizeof(out))
                out[o++] = *p++;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    memcpy(text, out, o + 1 < size ? o + 1 : size);
    text[size - 1] = '\0';
}
