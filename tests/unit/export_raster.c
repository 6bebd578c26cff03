/* PDF and PNG are the SVG figure rendered: pdfinfo reads one page of the figure's size with
 * pipescope's title, creator and provenance, pdftotext finds the figure's text; the PNG has
 * twice the figure's pixels, pipescope's iTXt chunks, and the palette's colours where the
 * SVG draws its blocks. A broken drawing and a format that is not rendered are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>

#include "core/version.h"
#include "export/export.h"
#include "export/palette.h"
#include "presets/presets.h"
#include "solvers/solver.h"

struct fixture {
    struct ps_scenario sc;
    struct ps_schedule *s;
    struct ps_buf svg;
    double w, h;
};

static double attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ps_diag d;
    assert_int_equal(ps_preset_load("teaching", &f->sc, &d), PS_OK);
    struct ps_params p;
    memset(&p, 0, sizeof p);
    assert_int_equal(ps_solver_run(ps_solver_find("zb-v"), &f->sc, &p, NULL, &f->s, &d), PS_OK);
    ps_buf_init(&f->svg);
    struct ps_svg_options o;
    memset(&o, 0, sizeof o);
    o.width_px = 640;
    const struct ps_schedule *one[] = {f->s};
    assert_int_equal(ps_export_schedule_svg_opts(one, 1, &o, &f->svg), PS_OK);
    assert_int_equal(ps_buf_append(&f->svg, "", 1), PS_OK);
    const char *tag = strstr(f->svg.data, "<svg ");
    f->w = attr(tag, "width");
    f->h = attr(tag, "height");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ps_buf_fini(&f->svg);
    ps_schedule_free(f->s);
    ps_scenario_fini(&f->sc);
    free(f);
    return 0;
}

static void render(struct fixture *f, enum ps_format fmt, struct ps_buf *out)
{
    struct ps_render_info info = {"zb-v on teaching", "pipescope test provenance"};
    struct ps_diag d;
    ps_buf_init(out);
    assert_int_equal(ps_export_render(f->svg.data, f->svg.len - 1, fmt, &info, out, &d), PS_OK);
}

/* Runs "CMD FILE TAIL" on the bytes (written to a temporary FILE) and returns its standard
 * output (static). */
static const char *run_on(const struct ps_buf *b, const char *cmd, const char *tail)
{
    char path[] = "/tmp/ps_rasterXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
    close(fd);
    char line[512];
    snprintf(line, sizeof line, "%s %s %s", cmd, path, tail);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    static char out[1 << 16];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int rc = pclose(p);
    unlink(path);
    if (rc != 0)
        fail_msg("%s failed (%d); is poppler-utils installed (make deps)?", line, rc);
    return out;
}

/* The value of "Key:   value" in pdfinfo's output (static), "" when absent. */
static const char *field(const char *info, const char *key)
{
    static char v[256];
    v[0] = '\0';
    for (const char *p = info; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        size_t k = strlen(key);
        if (strncmp(p, key, k) == 0 && p[k] == ':') {
            p += k + 1;
            p += strspn(p, " ");
            snprintf(v, sizeof v, "%.*s", (int)strcspn(p, "\n"), p);
            break;
        }
    }
    return v;
}

/* memmem, for C11. */
static bool has(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static void test_pdf(void **state)
{
    struct fixture *f = *state;
    struct ps_buf pdf;
    render(f, PS_FMT_PDF, &pdf);
    assert_true(pdf.len > 1000);
    assert_memory_equal(pdf.data, "%PDF-", 5);
    const char *info = run_on(&pdf, "pdfinfo", "");
    assert_string_equal(field(info, "Pages"), "1");
    assert_string_equal(field(info, "Title"), "zb-v on teaching");
    assert_string_equal(field(info, "Creator"), "pipescope " PS_VERSION);
    assert_string_equal(field(info, "Subject"), "pipescope test provenance");
    /* One page the figure's size: 0.75 pt per px. */
    char size[96];
    snprintf(size, sizeof size, "%g x %g pts", f->w * 0.75, f->h * 0.75);
    if (strncmp(field(info, "Page size"), size, strlen(size)) != 0)
        fail_msg("want '%s' in:\n%s", size, info);
    /* The figure's text is the PDF's text: one drawing. */
    const char *text = run_on(&pdf, "pdftotext -layout", "-");
    assert_non_null(strstr(f->svg.data, "makespan 25.50 ms"));
    assert_non_null(strstr(text, "makespan 25.50 ms"));
    assert_non_null(strstr(text, "time (ms)"));
    ps_buf_fini(&pdf);
}

struct reader {
    const struct ps_buf *b;
    size_t at;
};

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int len)
{
    struct reader *r = closure;
    if (r->at + len > r->b->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->b->data + r->at, len);
    r->at += len;
    return CAIRO_STATUS_SUCCESS;
}

static uint32_t pixel(cairo_surface_t *img, double x, double y)
{
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *row = cairo_image_surface_get_data(img) + (int)y * stride;
    uint32_t v;
    memcpy(&v, row + 4 * (int)x, 4);
    return v & 0xFFFFFF;
}

/* The centre of the first block of a class in the SVG, in px, and its chunk (from its
 * tooltip). */
static void block_centre(const char *svg, const char *cls, double *x, double *y, int *chunk)
{
    char key[64];
    snprintf(key, sizeof key, "<rect class=\"%s\"", cls);
    const char *p = strstr(svg, key);
    assert_non_null(p);
    *x = attr(p, "x") + attr(p, "width") / 2;
    *y = attr(p, "y") + attr(p, "height") / 2;
    const char *c = strstr(p, ", chunk ");
    assert_non_null(c);
    *chunk = atoi(c + 8);
}

static void test_png(void **state)
{
    struct fixture *f = *state;
    struct ps_buf png;
    render(f, PS_FMT_PNG, &png);
    assert_memory_equal(png.data, "\x89PNG\r\n\x1a\n", 8);
    uint32_t w = (uint32_t)(unsigned char)png.data[16] << 24 |
                 (uint32_t)(unsigned char)png.data[17] << 16 |
                 (uint32_t)(unsigned char)png.data[18] << 8 | (unsigned char)png.data[19];
    uint32_t h = (uint32_t)(unsigned char)png.data[20] << 24 |
                 (uint32_t)(unsigned char)png.data[21] << 16 |
                 (uint32_t)(unsigned char)png.data[22] << 8 | (unsigned char)png.data[23];
    assert_int_equal(w, (uint32_t)(2 * f->w + 0.5));
    assert_int_equal(h, (uint32_t)(2 * f->h + 0.5));
    assert_true(has(png.data, png.len, "iTXtSoftware"));
    assert_true(has(png.data, png.len, "pipescope " PS_VERSION));
    assert_true(has(png.data, png.len, "iTXtDescription"));
    /* cairo reads it back (so the chunks are well-formed), and the blocks have the
     * palette's colours where the SVG draws them. */
    struct reader r = {&png, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_png, &r);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), (int)w);
    const struct {
        const char *cls;
        enum ps_paint paint;
    } blocks[] = {{"op F", PS_PAINT_F}, {"op B", PS_PAINT_B}, {"op W", PS_PAINT_W}};
    for (size_t i = 0; i < 3; i++) {
        double x, y;
        int chunk;
        block_centre(f->svg.data, blocks[i].cls, &x, &y, &chunk);
        /* beside the microbatch number, not on it */
        uint32_t got = pixel(img, 2 * x - 5, 2 * y - 6);
        assert_int_equal(got, ps_paint_rgb(blocks[i].paint, chunk, f->s->chunks));
    }
    assert_int_equal(pixel(img, 1, 1), 0xFFFFFF); /* white page */
    cairo_surface_destroy(img);
    ps_buf_fini(&png);
}

static void test_refusals(void **state)
{
    struct fixture *f = *state;
    struct ps_buf out;
    ps_buf_init(&out);
    struct ps_diag d;
    assert_int_equal(ps_export_render(f->svg.data, f->svg.len - 1, PS_FMT_SVG, NULL, &out, &d),
                     PS_EINVAL);
    const char *broken = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"";
    assert_int_equal(ps_export_render(broken, strlen(broken), PS_FMT_PNG, NULL, &out, &d),
                     PS_EINVAL);
    assert_non_null(strstr(d.msg, "cannot be rendered"));
    assert_int_equal(out.len, 0);
    ps_buf_fini(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
