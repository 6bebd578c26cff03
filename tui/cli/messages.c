/* The command line's messages: "pipescope: ..." on stderr, usage errors with the hint to
 * the command's help, diagnostics, and getopt's errors in our own words. */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("pipescope: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return PS_EXIT_FAILURE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("pipescope: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        fprintf(stderr, "Try 'pipescope help %s'.\n", cmd);
    else
        fputs("Try 'pipescope --help'.\n", stderr);
    return PS_EXIT_USAGE;
}

int cli_fail_diag(const struct ps_diag *d, const char *prefix)
{
    char buf[1024];
    ps_diag_format(d, prefix, buf, sizeof(buf));
    return cli_fail("%s", buf);
}

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: a full re-initialization, also of its internal state */
    opterr = 0; /* we print our own messages, with our own prefix */
}

int cli_getopt_error(const char *cmd, int opt, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "?";
    if (opt == ':')
        return cli_usage(cmd, "%s: option '%s' needs a value", cmd, arg);
    if (optopt && optopt < 0x100 && strncmp(arg, "--", 2) != 0)
        return cli_usage(cmd, "%s: unknown option '-%c'", cmd, optopt);
    return cli_usage(cmd, "%s: unknown option '%s'", cmd, arg);
}
