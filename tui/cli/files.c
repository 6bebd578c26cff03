/* Files and the terminal for the command line: the -o check before any work, atomic
 * output (or standard output), whole-file input, the output format (the one rule of
 * export/format.c), and the width text output wraps at. */
#include "tui/cli/common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/suggest.h"
#include "export/export.h"

static bool force; /* --force: replace a read-only file */

void cli_set_force(bool on)
{
    force = on;
}

bool cli_stdout_gone(void)
{
    /* a pipe or socket whose reader has gone reports POLLERR when polled for writing */
    struct stat st;
    struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
    return fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
           poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

int cli_check_output_path(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return PS_EXIT_OK;
    if (!*path)
        return cli_usage(NULL, "--output '': an empty file name ('-' is standard output)");
    const char *slash = strrchr(path, '/');
    if (!slash)
        return PS_EXIT_OK;
    size_t n = (size_t)(slash - path);
    char dir[4096];
    if (n == 0) {
        strcpy(dir, "/");
    } else {
        if (n >= sizeof(dir))
            return cli_fail("%s: path too long", path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return cli_fail("cannot write %s: folder %s does not exist", path, dir);
        return cli_fail("cannot write %s: folder %s: %s", path, dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return cli_fail("cannot write %s: %s is not a folder", path, dir);
    return PS_EXIT_OK;
}

/* The exit code of a finished write: a message naming the file once, nothing when standard
 * output is a pipe whose reader left early (`| head`: a normal end). */
static int write_result(const char *path, enum ps_status st, const struct ps_diag *d)
{
    if (st == PS_OK)
        return PS_EXIT_OK;
    bool to_stdout = !path || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0;
    if (to_stdout && cli_stdout_gone())
        return PS_EXIT_OK;
    if (d->msg[0])
        return cli_fail_diag(d,
                             !path || strstr(d->path, path) || strstr(d->msg, path) ? NULL : path);
    return cli_fail("cannot write %s: %s", path ? path : "standard output", ps_status_str(st));
}

int cli_write_output(const char *path, const char *data, size_t len)
{
    int rc = cli_check_output_path(path);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    enum ps_status st = ps_file_write(path ? path : "-", data, len, force ? PS_OUT_FORCE : 0, &d);
    return write_result(path, st, &d);
}

int cli_output_open(const char *path, struct ps_buf *buf)
{
    int rc = cli_check_output_path(path);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_out *o;
    struct ps_diag d;
    enum ps_status st = ps_out_open(path ? path : "-", force ? PS_OUT_FORCE : 0, &o, &d);
    if (st != PS_OK)
        return write_result(path, st, &d);
    ps_buf_init_sink(buf, o);
    return PS_EXIT_OK;
}

int cli_output_finish(const char *path, struct ps_buf *buf, enum ps_status st)
{
    struct ps_diag d;
    bool writer_failed = st != PS_OK && buf->sink_st == PS_OK;
    enum ps_status wst = ps_buf_finish(buf, st, &d);
    if (writer_failed)
        return PS_EXIT_FAILURE; /* not the file's fault: the caller says why */
    return write_result(path, wst, &d);
}

int cli_term_width(void)
{
    int w = 0;
    const char *cols = getenv("COLUMNS");
    if (cols && *cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (*end == '\0' && v > 0 && v < 10000)
            w = (int)v;
    }
    if (w == 0) {
        struct winsize ws;
        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            w = ws.ws_col;
    }
    if (w == 0)
        w = 100;
    if (w < 60)
        w = 60;
    if (w > 1000)
        w = 1000;
    return w;
}

int cli_read_file(const char *path, char **text, size_t *len)
{
    /* the bounded reader: a FIFO or a device is refused at once, a size checked first */
    struct ps_diag d;
    if (ps_file_read(path, PS_FILE_MAX, text, len, &d) != PS_OK)
        return cli_fail("%s: %s", path, d.msg);
    return PS_EXIT_OK;
}

bool cli_word_in(const char *s, const char *choices)
{
    size_t n = strlen(s);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

/* A,B,C for a message from "a|b|c". */
static void list_words(const char *allowed, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *p = allowed; *p && k + 3 < size; p++) {
        if (*p == '|') {
            buf[k++] = ',';
            buf[k++] = ' ';
        } else {
            buf[k++] = *p;
        }
    }
    buf[k] = '\0';
}

int cli_output_format(const char *cmd, const char *given, const char *out, const char *allowed,
                      enum ps_format dflt, enum ps_format *fmt)
{
    char words[160], exts[160];
    list_words(allowed, words, sizeof words);
    enum ps_format by_name = ps_format_of_path(out);
    /* A .txt name is the text form: solve's summary, compare's table. */
    if (by_name == PS_FMT_TEXT && !cli_word_in("text", allowed) && cli_word_in("table", allowed))
        by_name = PS_FMT_TABLE;
    if (given != NULL) {
        *fmt = ps_format_parse(given);
        if (*fmt == PS_FMT_NONE || !cli_word_in(ps_format_name(*fmt), allowed)) {
            char near[64];
            return cli_usage(cmd, "%s: --format '%s': expected %s%s", cmd, given, words,
                             cli_hint(ps_suggest_in_list(given, allowed, near, sizeof near)));
        }
        /* A torch file is a CSV by name: no note for that. */
        if (by_name > PS_FMT_UNKNOWN && by_name != *fmt &&
            !(*fmt == PS_FMT_TORCH && by_name == PS_FMT_CSV))
            fprintf(stderr, "pipescope: %s: note: writing %s to %s (--format wins over the name)\n",
                    cmd, ps_format_name(*fmt), out);
    } else if (by_name == PS_FMT_UNKNOWN) {
        ps_format_extensions(exts, sizeof exts);
        return cli_usage(cmd,
                         "%s: -o %s: cannot tell the format from the name (known endings: %s); "
                         "give --format (%s)",
                         cmd, out, exts, words);
    } else if (by_name != PS_FMT_NONE) {
        *fmt = by_name;
        if (!cli_word_in(ps_format_name(by_name), allowed))
            return cli_usage(cmd, "%s: -o %s: %s does not write %s (formats: %s)", cmd, out, cmd,
                             ps_format_name(by_name), words);
    } else {
        *fmt = dflt;
    }
    const struct ps_format_def *def = ps_format_def(*fmt);
    if (def && def->binary && (out == NULL || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO))
        return cli_usage(cmd, "%s: %s is binary: write it to a file (-o FILE%s) or a pipe", cmd,
                         def->name, def->ext);
    return PS_EXIT_OK;
}
