/* The command line's messages: "pipescope: ..." on stderr, usage errors with the hint to
 * the command's help, diagnostics, and getopt's errors in our own words. */
#include "tui/cli/common.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

/* Prints "pipescope: MESSAGE" with its control characters escaped: messages quote file
 * names, values and names from files, and none of them may drive the terminal. */
static void say(const char *fmt, va_list ap)
{
    char raw[2048], safe[4 * sizeof raw];
    vsnprintf(raw, sizeof raw, fmt, ap);
    fprintf(stderr, "pipescope: %s\n", ps_text_safe(raw, safe, sizeof safe));
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return PS_EXIT_FAILURE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
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

int cli_once(const char *cmd, const char **slot, const char *option, const char *arg)
{
    if (*slot != NULL)
        return cli_usage(cmd, "%s%s%s given twice ('%s', then '%s'): give it once", cmd ? cmd : "",
                         cmd ? ": " : "", option, *slot, arg);
    *slot = arg;
    return -1;
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

const char *cli_hint(const char *near)
{
    static char buf[96];
    if (near == NULL || *near == '\0')
        return "";
    snprintf(buf, sizeof buf, "; did you mean '%.60s'?", near);
    return buf;
}
