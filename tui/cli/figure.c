/* Figures on the command line: the options that choose what the figure shows (solve and
 * compare share them, with the names of struct ps_svg_options), and the writer of the one
 * drawing as SVG, PDF or PNG. */
#include "tui/cli/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_figure_help[] =
    "Figures (svg, pdf, png: one drawing; pdf and png are rendered from the svg):\n"
    "  -w, --width PX         width of the figure (default 1000, at least 320; png has\n"
    "                         2 pixels per PX)\n"
    "  --title TEXT           the heading line (default: the scenario and its shape)\n"
    "  --critical-path        outline the ops of one critical path\n"
    "  --hide-channels        no rows for the inter-DC channels\n"
    "  --hide-numbers         no microbatch numbers in the blocks\n"
    "  --hide-lower-bound     no dashed lower-bound line\n";

int cli_figure_opt(const char *cmd, struct ps_svg_options *o, int opt, const char *arg)
{
    switch (opt) {
    case 'w': {
        char *end;
        long w = strtol(arg, &end, 10);
        if (*end || w < 320 || w > 100000) {
            cli_usage(cmd, "%s: --width '%s': expected pixels, 320 to 100000", cmd, arg);
            return -1;
        }
        o->width_px = (int)w;
        return 1;
    }
    case CLI_OPT_TITLE:
        o->title = arg;
        return 1;
    case CLI_OPT_CRITICAL_PATH:
        o->critical_path = true;
        return 1;
    case CLI_OPT_HIDE_CHANNELS:
        o->hide_channels = true;
        return 1;
    case CLI_OPT_HIDE_NUMBERS:
        o->hide_numbers = true;
        return 1;
    case CLI_OPT_HIDE_LOWER_BOUND:
        o->hide_lower_bound = true;
        return 1;
    default:
        return 0;
    }
}

int cli_write_figure(const char *cmd, enum ps_format fmt, const char *out,
                     const struct ps_schedule *const *scheds, size_t n,
                     const struct ps_svg_options *o)
{
    struct ps_buf svg, bin;
    ps_buf_init(&svg);
    ps_buf_init(&bin);
    struct ps_diag d;
    ps_diag_clear(&d);
    int rc = PS_EXIT_OK;
    enum ps_status st = ps_export_figure(scheds, n, o, fmt, fmt == PS_FMT_SVG ? &svg : &bin, &d);
    if (st != PS_OK && d.msg[0])
        rc = cli_fail_diag(&d, cmd);
    else if (st != PS_OK)
        rc = cli_fail("%s: cannot draw the figure: %s", cmd, ps_status_str(st));
    else if (fmt == PS_FMT_SVG)
        rc = cli_write_output(out, svg.data, svg.len);
    else
        rc = cli_write_output(out, bin.data, bin.len);
    ps_buf_fini(&svg);
    ps_buf_fini(&bin);
    return rc;
}
