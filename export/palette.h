/* The one palette of pipescope: the colours of the op kinds and of the transmissions in the
 * SVG figure (and so in the PDF and PNG made from it), in the explorer (256-colour
 * terminals) and in the trace (the reserved colour names trace viewers take). Chosen for
 * readers with colour blindness and for grayscale print: any two op kinds differ by at
 * least 0.2 in relative luminance (tested), so F, B, W, AG and RS stay apart when hue is
 * lost; R (recomputation, a replay of the forward) is F's colour hatched, told apart by its
 * stripes. Later chunks of a V > 1 schedule are lighter shades of their kind, never as far
 * from it as the next kind. */
#ifndef PS_EXPORT_PALETTE_H
#define PS_EXPORT_PALETTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schedule.h"

/* What gets a colour: the op kinds (indexed like enum ps_op_kind) and the two kinds of
 * transmission. */
enum ps_paint {
    PS_PAINT_F = 0,
    PS_PAINT_B,
    PS_PAINT_W,
    PS_PAINT_R, /* recomputation: F's colour, hatched (told apart by its stripes) */
    PS_PAINT_AG,
    PS_PAINT_RS,
    PS_PAINT_ACTIVATION,
    PS_PAINT_GRADIENT,
    PS_PAINT_COUNT
};

struct ps_paint_def {
    const char *name;        /* "F", ..., "activation", "gradient" */
    uint32_t rgb;            /* 0xRRGGBB, for figures */
    uint8_t xterm;           /* the explorer's colour on a 256-colour terminal */
    uint8_t xterm_alt;       /* its second shade (later chunks, odd microbatches) */
    const char *trace_cname; /* the nearest colour name trace viewers reserve */
    double shade_max;        /* mix with white of the last chunk (chunk V-1) */
    bool hatched;            /* drawn with white stripes: told apart by pattern, not lightness */
};

/* The row of a paint. p must be < PS_PAINT_COUNT. */
const struct ps_paint_def *ps_palette(enum ps_paint p);

/* The paint of an op kind and of a transmission kind. */
enum ps_paint ps_paint_of_op(enum ps_op_kind k);
enum ps_paint ps_paint_of_xfer(enum ps_xfer_kind k);

/* The fill of chunk `chunk` of `chunks`: the paint's colour for chunk 0, then lighter
 * shades up to shade_max for the last chunk. */
uint32_t ps_paint_rgb(enum ps_paint p, int chunk, int chunks);

/* Relative luminance (WCAG 2: linearized sRGB, 0.2126 R + 0.7152 G + 0.0722 B), 0..1. */
double ps_rgb_luminance(uint32_t rgb);

/* rgb mixed with white: t = 0 keeps it, 1 gives white. */
uint32_t ps_rgb_mix_white(uint32_t rgb, double t);

/* "#RRGGBB" into buf (8 bytes). Returns buf. */
char *ps_rgb_hex(uint32_t rgb, char buf[8]);

/* True when black text reads better on rgb than white (higher WCAG contrast). */
int ps_rgb_wants_dark_ink(uint32_t rgb);

/* The RGB of an xterm 256-colour index (16..255: the 6x6x6 cube and the grey ramp; 0..15:
 * xterm's default system colours). */
uint32_t ps_xterm_rgb(int index);

#endif
