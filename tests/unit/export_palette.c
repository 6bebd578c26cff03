/* The palette is grayscale-safe: any two op kinds differ by at least 0.2 in relative
 * luminance, in figures and on 256-colour terminals; the two transmission kinds too; a
 * chunk's shade and a terminal's second shade stay nearer their own kind than any other;
 * the SVG figure uses exactly these colours. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "export/export.h"
#include "export/palette.h"
#include "presets/presets.h"
#include "solvers/solver.h"

#define MIN_STEP 0.2

static void test_luminance_formula(void **state)
{
    (void)state;
    assert_true(fabs(ps_rgb_luminance(0xFFFFFF) - 1.0) < 1e-12);
    assert_true(fabs(ps_rgb_luminance(0x000000)) < 1e-12);
    /* sRGB 128 is 0.2158605 linear. */
    assert_true(fabs(ps_rgb_luminance(0x808080) - 0.2158605) < 1e-6);
    assert_true(fabs(ps_rgb_luminance(0xFF0000) - 0.2126) < 1e-12);
    assert_true(fabs(ps_rgb_luminance(0x00FF00) - 0.7152) < 1e-12);
    assert_true(ps_rgb_wants_dark_ink(0xFFFFFF));
    assert_false(ps_rgb_wants_dark_ink(0x000000));
    char hex[8];
    assert_string_equal(ps_rgb_hex(0x0A0B0C, hex), "#0A0B0C");
    assert_int_equal(ps_xterm_rgb(16), 0x000000);
    assert_int_equal(ps_xterm_rgb(231), 0xFFFFFF);
    assert_int_equal(ps_xterm_rgb(68), 0x5F87D7);
    assert_int_equal(ps_xterm_rgb(232), 0x080808);
}

/* Every pair of [lo, hi) differs by at least MIN_STEP, with lum(p) giving the luminance;
 * a hatched paint is told apart by its stripes instead. */
static void assert_steps(int lo, int hi, double (*lum)(enum ps_paint), const char *what)
{
    for (int a = lo; a < hi; a++)
        for (int b = a + 1; b < hi; b++) {
            if (ps_palette((enum ps_paint)a)->hatched || ps_palette((enum ps_paint)b)->hatched)
                continue;
            double d = fabs(lum((enum ps_paint)a) - lum((enum ps_paint)b));
            if (d < MIN_STEP)
                fprintf(stderr, "%s: %s and %s differ by %.3f in luminance\n", what,
                        ps_palette((enum ps_paint)a)->name, ps_palette((enum ps_paint)b)->name, d);
            assert_true(d >= MIN_STEP);
        }
}

static double fig_lum(enum ps_paint p)
{
    return ps_rgb_luminance(ps_palette(p)->rgb);
}

static double term_lum(enum ps_paint p)
{
    return ps_rgb_luminance(ps_xterm_rgb(ps_palette(p)->xterm));
}

static void test_op_kinds_apart_in_grayscale(void **state)
{
    (void)state;
    fprintf(stderr, "paint       figure   lum   terminal  lum   alt  lum   trace\n");
    for (int p = 0; p < PS_PAINT_COUNT; p++) {
        const struct ps_paint_def *d = ps_palette((enum ps_paint)p);
        char hex[8], xhex[8];
        fprintf(stderr, "%-10s  %s  %.3f  %3d %s  %.3f  %3d  %.3f  %s\n", d->name,
                ps_rgb_hex(d->rgb, hex), fig_lum((enum ps_paint)p), d->xterm,
                ps_rgb_hex(ps_xterm_rgb(d->xterm), xhex), term_lum((enum ps_paint)p), d->xterm_alt,
                ps_rgb_luminance(ps_xterm_rgb(d->xterm_alt)), d->trace_cname);
    }
    assert_steps(PS_PAINT_F, PS_PAINT_RS + 1, fig_lum, "figure");
    assert_steps(PS_PAINT_F, PS_PAINT_RS + 1, term_lum, "terminal");
    assert_steps(PS_PAINT_ACTIVATION, PS_PAINT_GRADIENT + 1, fig_lum, "figure transmissions");
    assert_steps(PS_PAINT_ACTIVATION, PS_PAINT_GRADIENT + 1, term_lum, "terminal transmissions");
}

/* The nearest base (by luminance) of y among the plain paints of [lo, hi). */
static int nearest(double y, int lo, int hi, double (*lum)(enum ps_paint))
{
    int best = -1;
    for (int p = lo; p < hi; p++)
        if (!ps_palette((enum ps_paint)p)->hatched &&
            (best < 0 || fabs(lum((enum ps_paint)p) - y) < fabs(lum((enum ps_paint)best) - y)))
            best = p;
    return best;
}

/* R, recomputation, is the one hatched paint: a replay of the forward, in F's colour. */
static void test_hatched_recomputation(void **state)
{
    (void)state;
    for (int p = 0; p < PS_PAINT_COUNT; p++)
        assert_int_equal(ps_palette((enum ps_paint)p)->hatched, p == PS_PAINT_R);
    assert_int_equal(ps_palette(PS_PAINT_R)->rgb, ps_palette(PS_PAINT_F)->rgb);
    assert_int_equal(ps_paint_of_op(PS_OP_R), PS_PAINT_R);
    assert_int_equal(ps_paint_of_op(PS_OP_AG), PS_PAINT_AG);
}

static void test_shades_stay_with_their_kind(void **state)
{
    (void)state;
    for (int p = 0; p < PS_PAINT_COUNT; p++) {
        if (ps_palette((enum ps_paint)p)->hatched)
            continue; /* its shades are F's, hatched */
        int lo = p <= PS_PAINT_RS ? PS_PAINT_F : PS_PAINT_ACTIVATION;
        int hi = p <= PS_PAINT_RS ? PS_PAINT_RS + 1 : PS_PAINT_COUNT;
        for (int chunks = 2; chunks <= 16; chunks++)
            for (int c = 0; c < chunks; c++) {
                uint32_t rgb = ps_paint_rgb((enum ps_paint)p, c, chunks);
                assert_int_equal(nearest(ps_rgb_luminance(rgb), lo, hi, fig_lum), p);
                if (c > 0) /* a later chunk is lighter: it shows */
                    assert_true(ps_rgb_luminance(rgb) >
                                ps_rgb_luminance(ps_paint_rgb((enum ps_paint)p, c - 1, chunks)));
            }
        /* The last chunk differs visibly from the first. */
        assert_true(ps_rgb_luminance(ps_paint_rgb((enum ps_paint)p, 1, 2)) - fig_lum(p) > 0.05);
        double alt = ps_rgb_luminance(ps_xterm_rgb(ps_palette((enum ps_paint)p)->xterm_alt));
        assert_int_equal(nearest(alt, lo, hi, term_lum), p);
        assert_true(fabs(alt - term_lum(p)) > 0.04);
    }
    assert_int_equal(ps_paint_rgb(PS_PAINT_B, 0, 4), ps_palette(PS_PAINT_B)->rgb);
    assert_int_equal(ps_paint_rgb(PS_PAINT_B, 0, 1), ps_palette(PS_PAINT_B)->rgb);
}

/* The SVG figure fills its blocks with the palette's colours, chunk shades included. */
static void test_svg_uses_the_palette(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &sc, &d), PS_OK);
    struct ps_params p;
    memset(&p, 0, sizeof p);
    struct ps_schedule *s = NULL;
    assert_int_equal(ps_solver_run(ps_solver_find("zb-v"), &sc, &p, NULL, &s, &d), PS_OK);
    struct ps_buf b;
    ps_buf_init(&b);
    assert_int_equal(ps_export_schedule_svg((const struct ps_schedule *const *)&s, 1, 800, &b),
                     PS_OK);
    assert_int_equal(ps_buf_append(&b, "", 1), PS_OK);
    const enum ps_paint kinds[] = {PS_PAINT_F, PS_PAINT_B, PS_PAINT_W};
    for (size_t i = 0; i < 3; i++)
        for (int c = 0; c < 2; c++) {
            char hex[8], needle[64];
            snprintf(needle, sizeof needle, "class=\"op %s\"", ps_palette(kinds[i])->name);
            assert_non_null(strstr(b.data, needle));
            snprintf(needle, sizeof needle, "fill=\"%s\"",
                     ps_rgb_hex(ps_paint_rgb(kinds[i], c, 2), hex));
            assert_non_null(strstr(b.data, needle));
        }
    ps_buf_fini(&b);
    ps_schedule_free(s);
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luminance_formula),
        cmocka_unit_test(test_op_kinds_apart_in_grayscale),
        cmocka_unit_test(test_shades_stay_with_their_kind),
        cmocka_unit_test(test_hatched_recomputation),
        cmocka_unit_test(test_svg_uses_the_palette),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
