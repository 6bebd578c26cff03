/* One view of one or two schedules (a schedule, or an A/B pair on one time axis) in any
 * output format: the one writer behind `solve -o FILE` and the explorer's e key, so a
 * file says the same whichever wrote it. Figures are one drawing: the SVG, and PDF and
 * PNG rendered from it with its title and provenance. */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>

enum ps_status ps_export_figure(const struct ps_schedule *const *scheds, size_t n,
                                const struct ps_svg_options *opt, enum ps_format fmt,
                                struct ps_buf *out, struct ps_diag *d)
{
    if (fmt == PS_FMT_SVG)
        return ps_export_schedule_svg_opts(scheds, n, opt, out);
    if (fmt != PS_FMT_PDF && fmt != PS_FMT_PNG)
        return PS_EINVAL;
    struct ps_buf svg;
    ps_buf_init(&svg);
    enum ps_status st = ps_export_schedule_svg_opts(scheds, n, opt, &svg);
    if (st == PS_OK) {
        /* The same drawing, rendered; its title and provenance go into the file. */
        char title[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < n && used + 2 < sizeof title; i++) {
            int k =
                snprintf(title + used, sizeof title - used, "%s%s", i ? ", " : "", scheds[i]->name);
            if (k < 0)
                break;
            used += (size_t)k;
        }
        char *prov = malloc(8192);
        if (prov)
            ps_provenance_line(scheds, n, prov, 8192);
        struct ps_render_info info = {opt && opt->title ? opt->title : title, prov};
        st = ps_export_render(svg.data, svg.len, fmt, &info, out, d);
        free(prov);
    }
    ps_buf_fini(&svg);
    return st;
}

enum ps_status ps_export_view(const struct ps_schedule *const *s, size_t n, enum ps_format fmt,
                              const struct ps_view_options *o, struct ps_buf *out,
                              struct ps_diag *d)
{
    static const struct ps_view_options none;
    if (o == NULL)
        o = &none;
    if (s == NULL || n == 0 || n > 2)
        return PS_EINVAL;
    enum ps_status st = PS_OK;
    switch (fmt) {
    case PS_FMT_SVG:
    case PS_FMT_PDF:
    case PS_FMT_PNG:
        return ps_export_figure(s, n, &o->fig, fmt, out, d);
    case PS_FMT_JSON:
    case PS_FMT_CSV: {
        if (n == 1)
            return fmt == PS_FMT_JSON ? ps_export_schedule_json(s[0], out)
                                      : ps_export_schedule_csv(s[0], out);
        /* A pair is two rows of a comparison (each with its provenance). */
        struct ps_compare_row rows[2];
        for (size_t i = 0; i < n; i++)
            ps_compare_row_from(&rows[i], s[i]);
        return fmt == PS_FMT_JSON ? ps_export_compare_json(rows, n, out)
                                  : ps_export_compare_csv(rows, n, out);
    }
    case PS_FMT_TRACE:
        return ps_export_schedules_trace(s, n, out);
    case PS_FMT_TORCH:
        if (n != 1) {
            return ps_diag_set(d, PS_EINVAL, "", "a torch file holds one schedule");
        }
        return ps_export_schedule_torch(s[0], o->lowered, out, o->had_parts);
    case PS_FMT_TEXT:
        for (size_t i = 0; i < n && st == PS_OK; i++) {
            if (i)
                st = ps_buf_printf(out, "\n");
            if (st == PS_OK)
                st = ps_export_schedule_text(s[i], o->text_width, out);
        }
        if (st == PS_OK && n == 2) {
            char diff[400];
            ps_schedule_diff_text(s[0], s[1], o->unicode, diff, sizeof diff);
            st = ps_buf_printf(out, "\n%s\n", diff);
        }
        return st;
    default:
        return ps_diag_set(d, PS_EINVAL, "", "a view is not written as %s", ps_format_name(fmt));
    }
}
