/* Files in and out: the bounded reader and the safe write (see file.h). Every file
 * pipescope reads or writes goes through here, so the rules on special files, symlinks,
 * permissions and errors hold everywhere at once. */
#include "core/io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading -------------------------------------------------------------------------- */

/* What a file that is not a regular file is, for messages. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a named pipe (FIFO)";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* Reads fd to its end into a buffer of at most max_len bytes (plus the NUL). `expect` is a
 * size hint (0 when unknown). */
static enum ps_status read_all(int fd, size_t max_len, size_t expect, char **text, size_t *len,
                               struct ps_diag *d)
{
    size_t cap = expect > 0 ? expect + 1 : (size_t)1 << 16, n = 0;
    if (cap > max_len + 1)
        cap = max_len + 1;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    for (;;) {
        if (n == cap) {
            if (cap > max_len) {
                free(buf);
                return ps_diag_set(d, PS_EIO, "", "too large (the limit is %zu MB)", max_len >> 20);
            }
            size_t ncap = cap * 2 > max_len + 1 ? max_len + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                free(buf);
                return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            return ps_diag_set(d, PS_EIO, "", "cannot read: %s", strerror(err));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return PS_OK;
}

enum ps_status ps_file_read(const char *path, size_t max_len, char **text, size_t *len,
                            struct ps_diag *d)
{
    *text = NULL;
    *len = 0;
    ps_diag_clear(d);
    if (path == NULL || path[0] == '\0')
        return ps_diag_set(d, PS_EIO, "", "no file name given (an empty name)");
    struct stat sb;
    if (strcmp(path, "-") == 0) {
        if (fstat(STDIN_FILENO, &sb) != 0)
            return ps_diag_set(d, PS_EIO, "", "cannot read standard input: %s", strerror(errno));
        if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > max_len)
            return ps_diag_set(d, PS_EIO, "",
                               "standard input is too large (%jd MB; the limit "
                               "is %zu MB)",
                               (intmax_t)(sb.st_size >> 20), max_len >> 20);
        /* a terminal is a device too, but a person may type (or paste) a file there */
        if ((S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)) && !isatty(STDIN_FILENO))
            return ps_diag_set(d, PS_EIO, "", "standard input is a device, not a file");
        if (S_ISDIR(sb.st_mode))
            return ps_diag_set(d, PS_EIO, "", "standard input is a folder, not a file");
        return read_all(STDIN_FILENO, max_len, S_ISREG(sb.st_mode) ? (size_t)sb.st_size : 0, text,
                        len, d);
    }
    /* Look before opening: opening a FIFO blocks until a writer comes, opening a device
     * may act on it. */
    if (stat(path, &sb) != 0)
        return ps_diag_set(d, PS_EIO, "", "cannot open: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return ps_diag_set(d, PS_EIO, "", "is %s, not a file%s", kind_of(sb.st_mode),
                           S_ISFIFO(sb.st_mode) ? " (to read a pipe, give '-' and redirect it "
                                                  "to standard input)"
                                                : "");
    if ((uintmax_t)sb.st_size > max_len)
        return ps_diag_set(d, PS_EIO, "", "too large (%jd MB; the limit is %zu MB)",
                           (intmax_t)(sb.st_size >> 20), max_len >> 20);
    /* O_NONBLOCK: should the name have become a FIFO since, the open does not wait. */
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ps_diag_set(d, PS_EIO, "", "cannot open: %s", strerror(errno));
    struct stat fb;
    if (fstat(fd, &fb) != 0 || !S_ISREG(fb.st_mode)) {
        close(fd);
        return ps_diag_set(d, PS_EIO, "", "is not a regular file");
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    enum ps_status st = read_all(fd, max_len, (size_t)fb.st_size, text, len, d);
    close(fd);
    return st;
}

/* ---- writing -------------------------------------------------------------------------- */

#define OUT_BUF ((size_t)1 << 16)

struct ps_out {
    char *path;   /* as the user gave it, for messages */
    char *target; /* the file written (symlinks followed); NULL for a stream */
    char *tmp;    /* the temporary file renamed over target, or NULL */
    FILE *stream; /* stdout or stderr (through stdio, so it keeps its order with printf) */
    int fd;       /* else the descriptor written */
    bool sync;    /* fsync before the rename */
    enum ps_status st;
    int err; /* errno of the first failure */
    size_t n;
    char buf[OUT_BUF];
};

static enum ps_status out_fail(struct ps_out *o, int err)
{
    if (o->st == PS_OK) {
        o->st = PS_EIO;
        o->err = err;
    }
    return o->st;
}

static enum ps_status out_raw(struct ps_out *o, const char *p, size_t len)
{
    if (o->stream != NULL) {
        if (len > 0 && fwrite(p, 1, len, o->stream) != len)
            return out_fail(o, errno ? errno : EIO);
        return PS_OK;
    }
    while (len > 0) {
        ssize_t k = write(o->fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return out_fail(o, k < 0 ? errno : EIO);
        p += k;
        len -= (size_t)k;
    }
    return PS_OK;
}

static enum ps_status out_flush(struct ps_out *o)
{
    if (o->st == PS_OK && o->n > 0)
        out_raw(o, o->buf, o->n);
    o->n = 0;
    return o->st;
}

enum ps_status ps_out_write(struct ps_out *o, const void *data, size_t len)
{
    if (o->st != PS_OK)
        return o->st;
    if (o->stream != NULL)
        return out_raw(o, data, len);
    if (len > OUT_BUF - o->n) {
        if (out_flush(o) != PS_OK)
            return o->st;
        if (len >= OUT_BUF)
            return out_raw(o, data, len);
    }
    memcpy(o->buf + o->n, data, len);
    o->n += len;
    return PS_OK;
}

bool ps_out_is_stdout(const struct ps_out *o)
{
    return o != NULL && o->stream == stdout;
}

static void out_free(struct ps_out *o)
{
    if (o == NULL)
        return;
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o);
}

/* The folder of path ("." when it has none), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Follows the symlinks of a path whose final target does not exist yet (a dangling link
 * gets its target created, as a shell's '>' does). Returns a malloc'd path. */
static char *follow_links(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur != NULL && hops < 40; hops++) {
        struct stat lb;
        if (lstat(cur, &lb) != 0 || !S_ISLNK(lb.st_mode))
            return cur;
        char link[PATH_MAX];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return cur;
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = strdup(link);
        } else {
            char *dir = folder_of(cur);
            next = dir != NULL ? malloc(strlen(dir) + strlen(link) + 2) : NULL;
            if (next != NULL)
                sprintf(next, "%s/%s", dir, link);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    return cur;
}

/* Names that stand for an open descriptor: written to, never replaced (the file behind
 * /dev/fd/3 may be a regular file, but it is the caller's open file, not a name to swap). */
static bool is_fd_name(const char *path)
{
    return strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/self/fd/", 14) == 0 ||
           strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/stderr") == 0;
}

static bool read_only(const struct stat *sb, const char *target)
{
    /* root may write anything: a file nobody may write is still read-only to us */
    if (geteuid() == 0)
        return (sb->st_mode & 0222) == 0;
    return access(target, W_OK) != 0 && errno == EACCES;
}

/* Opens the temporary file beside o->target with the mode (and owner) it will keep.
 * PS_EUNSUPPORTED when the owner cannot be kept: the caller writes in place instead. */
static enum ps_status open_tmp(struct ps_out *o, const struct stat *old, struct ps_diag *d)
{
    const char *slash = strrchr(o->target, '/');
    const char *base = slash ? slash + 1 : o->target;
    size_t dlen = (size_t)(base - o->target);
    o->tmp = malloc(strlen(o->target) + 16);
    if (o->tmp == NULL)
        return ps_diag_set(d, PS_ENOMEM, o->path, "out of memory");
    /* ".NAME.XXXXXX" next to the target, so rename() never crosses file systems */
    sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dlen, o->target, base);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        int err = errno;
        char *dir = folder_of(o->target);
        ps_diag_set(d, PS_EIO, o->path, "cannot create a file in %s: %s", dir ? dir : ".",
                    strerror(err));
        free(dir);
        free(o->tmp);
        o->tmp = NULL;
        return PS_EIO;
    }
    mode_t mode;
    if (old != NULL) {
        /* the owner first: chown clears the set-id bits that fchmod then restores */
        if ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
            fchown(o->fd, old->st_uid, old->st_gid) != 0) {
            close(o->fd);
            unlink(o->tmp);
            free(o->tmp);
            o->tmp = NULL;
            o->fd = -1;
            return PS_EUNSUPPORTED;
        }
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(o->fd, mode) != 0) {
        int err = errno;
        close(o->fd);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        return ps_diag_set(d, PS_EIO, o->path, "cannot write: %s", strerror(err));
    }
    o->sync = true;
    return PS_OK;
}

/* An existing target that is not replaced: a device, a FIFO, a descriptor name, or a
 * regular file written in place. */
static enum ps_status open_in_place(struct ps_out *o, bool fifo, bool truncate, unsigned flags,
                                    struct ps_diag *d)
{
    int oflags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    o->fd = open(o->target, oflags | (fifo ? O_NONBLOCK : 0));
    if (o->fd < 0 && fifo && errno == ENXIO) {
        if (flags & PS_OUT_NOBLOCK)
            return ps_diag_set(d, PS_EIO, o->path, "is a named pipe (FIFO) with no reader");
        o->fd = open(o->target, oflags); /* wait for a reader, as a shell's '>' does */
    }
    if (o->fd < 0)
        return ps_diag_set(d, PS_EIO, o->path, "cannot open for writing: %s", strerror(errno));
    int fl = fcntl(o->fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK))
        fcntl(o->fd, F_SETFL, fl & ~O_NONBLOCK);
    return PS_OK;
}

static enum ps_status open_target(struct ps_out *o, unsigned flags, struct ps_diag *d)
{
    struct stat sb;
    if (is_fd_name(o->path)) {
        o->target = strdup(o->path);
        return o->target ? open_in_place(o, false, false, flags, d)
                         : ps_diag_set(d, PS_ENOMEM, o->path, "out of memory");
    }
    if (stat(o->path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return ps_diag_set(d, PS_EIO, o->path, "is a folder");
        if (!S_ISREG(sb.st_mode)) {
            o->target = strdup(o->path);
            return o->target ? open_in_place(o, S_ISFIFO(sb.st_mode), false, flags, d)
                             : ps_diag_set(d, PS_ENOMEM, o->path, "out of memory");
        }
        o->target = realpath(o->path, NULL);
        if (o->target == NULL)
            return ps_diag_set(d, PS_EIO, o->path, "cannot write: %s", strerror(errno));
        if (!(flags & PS_OUT_FORCE) && read_only(&sb, o->target))
            return ps_diag_set(d, PS_EIO, o->path,
                               "is read-only: not replaced (--force replaces it)");
        /* another name for the same file would keep the old contents after a rename */
        if (sb.st_nlink > 1)
            return open_in_place(o, false, true, flags, d);
        enum ps_status st = open_tmp(o, &sb, d);
        if (st == PS_EUNSUPPORTED) /* its owner cannot be given to a new file */
            return open_in_place(o, false, true, flags, d);
        return st;
    }
    if (errno != ENOENT && errno != ENOTDIR)
        return ps_diag_set(d, PS_EIO, o->path, "cannot write: %s", strerror(errno));
    o->target = follow_links(o->path);
    if (o->target == NULL)
        return ps_diag_set(d, PS_ENOMEM, o->path, "out of memory");
    const char *slash = strrchr(o->target, '/');
    if (slash != NULL && slash[1] == '\0')
        return ps_diag_set(d, PS_EINVAL, o->path, "is a folder name, not a file name");
    char *dir = folder_of(o->target);
    if (dir == NULL)
        return ps_diag_set(d, PS_ENOMEM, o->path, "out of memory");
    bool have_dir = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (!have_dir) {
        ps_diag_set(d, PS_EIO, o->path, "no such folder: %s", dir);
        free(dir);
        return PS_EIO;
    }
    free(dir);
    return open_tmp(o, NULL, d);
}

enum ps_status ps_out_open(const char *path, unsigned flags, struct ps_out **out, struct ps_diag *d)
{
    *out = NULL;
    ps_diag_clear(d);
    if (path != NULL && path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty file name");
    struct ps_out *o = calloc(1, sizeof *o);
    if (o == NULL)
        return ps_diag_set(d, PS_ENOMEM, path ? path : "", "out of memory");
    o->fd = -1;
    o->path = strdup(path ? path : "-");
    if (o->path == NULL) {
        free(o);
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    }
    enum ps_status st = PS_OK;
    if (strcmp(o->path, "-") == 0 || strcmp(o->path, "/dev/stdout") == 0)
        o->stream = stdout;
    else if (strcmp(o->path, "/dev/stderr") == 0)
        o->stream = stderr;
    else
        st = open_target(o, flags, d);
    if (st != PS_OK) {
        if (o->fd >= 0)
            close(o->fd);
        out_free(o);
        return st;
    }
    *out = o;
    return PS_OK;
}

void ps_out_abort(struct ps_out *o)
{
    if (o == NULL)
        return;
    if (o->stream != NULL)
        fflush(o->stream); /* what was written stays written: a stream cannot take it back */
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp != NULL)
        unlink(o->tmp);
    out_free(o);
}

enum ps_status ps_out_commit(struct ps_out *o, struct ps_diag *d)
{
    ps_diag_clear(d);
    out_flush(o);
    if (o->stream != NULL) {
        if (fflush(o->stream) != 0 || ferror(o->stream))
            out_fail(o, errno ? errno : EIO);
        enum ps_status st = o->st;
        if (st != PS_OK)
            ps_diag_set(d, st, "", "cannot write to standard %s: %s",
                        o->stream == stdout ? "output" : "error", strerror(o->err));
        clearerr(o->stream);
        out_free(o);
        return st;
    }
    if (o->st == PS_OK && o->sync && fsync(o->fd) != 0)
        out_fail(o, errno);
    if (close(o->fd) != 0)
        out_fail(o, errno);
    o->fd = -1;
    if (o->st == PS_OK && o->tmp != NULL && rename(o->tmp, o->target) != 0) {
        int err = errno;
        unlink(o->tmp);
        ps_diag_set(d, PS_EIO, o->path, "cannot replace the file: %s", strerror(err));
        out_free(o);
        return PS_EIO;
    }
    enum ps_status st = o->st;
    if (st != PS_OK) {
        if (o->tmp != NULL)
            unlink(o->tmp);
        ps_diag_set(d, st, o->path, "cannot write: %s", strerror(o->err));
    }
    out_free(o);
    return st;
}

enum ps_status ps_file_write(const char *path, const char *data, size_t len, unsigned flags,
                             struct ps_diag *d)
{
    struct ps_out *o;
    enum ps_status st = ps_out_open(path, flags, &o, d);
    if (st != PS_OK)
        return st;
    ps_out_write(o, data, len); /* an error is kept: commit reports it, removes the tmp */
    return ps_out_commit(o, d);
}
