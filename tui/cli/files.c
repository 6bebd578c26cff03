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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_check_output_path(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return PS_EXIT_OK;
    if (!*path)
        return cli_fail("-o: empty file name");
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

int cli_write_output(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (len && fwrite(data, 1, len, stdout) != len)
            return cli_fail("cannot write to standard output: %s", strerror(errno));
        if (fflush(stdout) != 0)
            return cli_fail("cannot write to standard output: %s", strerror(errno));
        return PS_EXIT_OK;
    }
    int rc = cli_check_output_path(path);
    if (rc != PS_EXIT_OK)
        return rc;
    struct ps_diag d;
    ps_diag_clear(&d);
    enum ps_status st = ps_write_atomic(path, data, len, &d);
    if (st != PS_OK) {
        if (d.msg[0]) /* name the file once */
            return cli_fail_diag(&d, strstr(d.path, path) || strstr(d.msg, path) ? NULL : path);
        return cli_fail("cannot write %s: %s", path, ps_status_str(st));
    }
    return PS_EXIT_OK;
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
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail("%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return cli_fail("%s: out of memory", path);
    }
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *bigger = cap > (SIZE_MAX - 1) / 2 ? NULL : realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                fclose(f);
                return cli_fail("%s: out of memory", path);
            }
            buf = bigger;
            cap *= 2;
        }
    }
    bool failed = ferror(f);
    int err = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return cli_fail("%s: cannot read: %s", path, strerror(err));
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
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
