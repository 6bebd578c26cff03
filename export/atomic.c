/* Atomic file writes: the data goes to a temporary file in the target's folder, is synced,
 * then renamed over the target, so a failed export never leaves a half-written file. */
#include "export/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum ps_status write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return PS_EIO;
        }
        data += n;
        len -= (size_t)n;
    }
    return PS_OK;
}

enum ps_status ps_write_atomic(const char *path, const char *data, size_t len, struct ps_diag *d)
{
    ps_diag_clear(d);
    if (strcmp(path, "-") == 0) {
        if (len > 0 && fwrite(data, 1, len, stdout) != len)
            return ps_diag_set(d, PS_EIO, "-", "cannot write to standard output: %s",
                               strerror(errno));
        if (fflush(stdout) != 0)
            return ps_diag_set(d, PS_EIO, "-", "cannot write to standard output: %s",
                               strerror(errno));
        return PS_OK;
    }
    if (path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty file name");

    /* The folder part of path ("." when none). */
    size_t plen = strlen(path);
    const char *slash = strrchr(path, '/');
    char *dir =
        slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    const char *base = slash == NULL ? path : slash + 1;
    char *tmp = malloc(plen + 16);
    if (dir == NULL || tmp == NULL) {
        free(dir);
        free(tmp);
        return ps_diag_set(d, PS_ENOMEM, path, NULL);
    }
    enum ps_status st = PS_OK;
    struct stat sb;
    if (base[0] == '\0') {
        st = ps_diag_set(d, PS_EINVAL, path, "is a folder name, not a file name");
        goto out;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        st = ps_diag_set(d, PS_EIO, path, "no such folder: %s", dir);
        goto out;
    }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = ps_diag_set(d, PS_EIO, path, "is a folder");
        goto out;
    }
    /* ".NAME.XXXXXX" next to the target, so rename() never crosses file systems. */
    snprintf(tmp, plen + 16, "%.*s.%s.XXXXXX", (int)(base - path), path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = ps_diag_set(d, PS_EIO, path, "cannot create a file in %s: %s", dir, strerror(errno));
        goto out;
    }
    /* mkstemp makes the file 0600; give it the mode a plain fopen would. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, data, len) != PS_OK || fsync(fd) != 0) {
        st = ps_diag_set(d, PS_EIO, path, "cannot write: %s", strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0) {
        st = ps_diag_set(d, PS_EIO, path, "cannot write: %s", strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        st = ps_diag_set(d, PS_EIO, path, "cannot replace the file: %s", strerror(errno));
        unlink(tmp);
        goto out;
    }
out:
    free(dir);
    free(tmp);
    return st;
}
