/* Files and the terminal for the command line: the -o check before any work, atomic
 * output (or standard output), whole-file input, the format a file name implies, and the
 * width text output wraps at. */
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

const char *cli_format_of_path(const char *path, bool trace_ok)
{
    if (path == NULL)
        return NULL;
    size_t n = strlen(path);
    if (trace_ok && n > 11 && strcasecmp(path + n - 11, ".trace.json") == 0)
        return "trace";
    if (n > 4 && strcasecmp(path + n - 4, ".svg") == 0)
        return "svg";
    if (n > 5 && strcasecmp(path + n - 5, ".json") == 0)
        return "json";
    if (n > 4 && strcasecmp(path + n - 4, ".csv") == 0)
        return "csv";
    return NULL;
}
