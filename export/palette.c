/* The one palette (see palette.h): a table, the luminance it is chosen by, and the chunk
 * shading rule. */
#include "export/palette.h"

#include <math.h>
#include <stdio.h>

/* Relative luminance, in order: AG 0.03, F 0.24, B 0.44, W 0.65, RS 0.86 (figures); the
 * terminal colours keep the order and the 0.2 steps (AG 0.03, F 0.25, B 0.52, W 0.76, RS
 * 0.96). The transmissions, on rows of their own: activation 0.43 (F's hue), gradient 0.65
 * (B's hue). shade_max lifts the last chunk's luminance by less than 0.09, so a shade
 * stays nearer its own kind than any other (tests/unit/export_palette.c). R replays the
 * forward: F's colour, hatched in figures and drawn with a shade glyph in the explorer, so
 * it needs no sixth lightness. */
static const struct ps_paint_def palette[PS_PAINT_COUNT] = {
    [PS_PAINT_F] = {"F", 0x4887D9, 68, 105, "rail_response", 0.18},
    [PS_PAINT_B] = {"B", 0xEDA300, 214, 179, "thread_state_iowait", 0.22},
    [PS_PAINT_W] = {"W", 0x9DE2C1, 84, 157, "cq_build_passed", 0.28},
    [PS_PAINT_R] = {"R", 0x4887D9, 68, 105, "vsync_highlight_color", 0.18, true},
    [PS_PAINT_AG] = {"AG", 0x501B49, 53, 127, "detailed_memory_dump", 0.25},
    [PS_PAINT_RS] = {"RS", 0xF8F2A3, 229, 193, "cq_build_running", 0.5},
    [PS_PAINT_ACTIVATION] = {"activation", 0x61B8EA, 74, 31, "thread_state_runnable", 0.2},
    [PS_PAINT_GRADIENT] = {"gradient", 0xFFC79C, 223, 187, "cq_build_failed", 0.28},
};

const struct ps_paint_def *ps_palette(enum ps_paint p)
{
    return &palette[(unsigned)p < PS_PAINT_COUNT ? p : PS_PAINT_F];
}

enum ps_paint ps_paint_of_op(enum ps_op_kind k)
{
    return (unsigned)k < PS_OP_KIND_COUNT ? (enum ps_paint)k : PS_PAINT_F;
}

enum ps_paint ps_paint_of_xfer(enum ps_xfer_kind k)
{
    return k == PS_XFER_GRADIENT ? PS_PAINT_GRADIENT : PS_PAINT_ACTIVATION;
}

uint32_t ps_rgb_mix_white(uint32_t rgb, double t)
{
    if (!(t > 0))
        return rgb;
    if (t > 1)
        t = 1;
    uint32_t out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
        double c = (double)((rgb >> shift) & 0xFF);
        out |= (uint32_t)lround(c + (255.0 - c) * t) << shift;
    }
    return out;
}

uint32_t ps_paint_rgb(enum ps_paint p, int chunk, int chunks)
{
    const struct ps_paint_def *d = ps_palette(p);
    if (chunks <= 1 || chunk <= 0)
        return d->rgb;
    if (chunk >= chunks)
        chunk = chunks - 1;
    return ps_rgb_mix_white(d->rgb, d->shade_max * chunk / (chunks - 1));
}

static double linear(unsigned c8)
{
    double c = c8 / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double ps_rgb_luminance(uint32_t rgb)
{
    return 0.2126 * linear((rgb >> 16) & 0xFF) + 0.7152 * linear((rgb >> 8) & 0xFF) +
           0.0722 * linear(rgb & 0xFF);
}

char *ps_rgb_hex(uint32_t rgb, char buf[8])
{
    snprintf(buf, 8, "#%06X", (unsigned)(rgb & 0xFFFFFF));
    return buf;
}

int ps_rgb_wants_dark_ink(uint32_t rgb)
{
    double y = ps_rgb_luminance(rgb);
    /* Contrast with black (y + 0.05) / 0.05 against white 1.05 / (y + 0.05). */
    return (y + 0.05) * (y + 0.05) > 0.05 * 1.05;
}

uint32_t ps_xterm_rgb(int index)
{
    static const uint32_t system[16] = {0x000000, 0xCD0000, 0x00CD00, 0xCDCD00, 0x0000EE, 0xCD00CD,
                                        0x00CDCD, 0xE5E5E5, 0x7F7F7F, 0xFF0000, 0x00FF00, 0xFFFF00,
                                        0x5C5CFF, 0xFF00FF, 0x00FFFF, 0xFFFFFF};
    static const unsigned level[6] = {0, 95, 135, 175, 215, 255};
    if (index < 0 || index > 255)
        return 0;
    if (index < 16)
        return system[index];
    if (index >= 232) {
        unsigned v = 8 + 10 * (unsigned)(index - 232);
        return v << 16 | v << 8 | v;
    }
    int j = index - 16;
    return level[j / 36] << 16 | level[j / 6 % 6] << 8 | level[j % 6];
}
