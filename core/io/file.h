/* Files in and out, the one way every reader and writer of pipescope touches the file
 * system. In: a bounded read of a regular file (or standard input), its size checked before
 * a byte is read, FIFOs and devices refused. Out: the safe write: a regular file is replaced
 * atomically (temporary file, fsync, rename) keeping its mode and owner, a read-only one is
 * refused unless forced, and a target that is not a regular file (standard output, a
 * device, a FIFO) is written to, never replaced; every write error is reported. */
#ifndef PS_CORE_IO_FILE_H
#define PS_CORE_IO_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* The largest input read by default (1 GiB): ten times the largest schedule file the
 * documented limits make, far below what would exhaust memory. */
#define PS_FILE_MAX ((size_t)1 << 30)

/* Reads the whole of `path` ("-" = standard input) into a malloc'd, NUL-terminated buffer
 * (*text, owned by the caller; *len bytes without the NUL). A regular file's size is
 * checked against max_len before anything is read; standard input from a pipe is read up
 * to max_len and refused beyond. A folder, FIFO, device or socket is refused at once
 * (a FIFO is never opened for reading, so nothing blocks). On failure returns PS_EIO (or
 * PS_ENOMEM) with the reason in d (d->path empty: the caller names the file), *text NULL. */
enum ps_status ps_file_read(const char *path, size_t max_len, char **text, size_t *len,
                            struct ps_diag *d);

/* Flags of ps_out_open. */
#define PS_OUT_FORCE 1u   /* replace a read-only regular file (its mode is kept) */
#define PS_OUT_NOBLOCK 2u /* a FIFO without a reader is an error instead of a wait */

/* An output being written: opaque, from ps_out_open to ps_out_commit or ps_out_abort. */
struct ps_out;

/* Opens `path` for writing. NULL, "-" and "/dev/stdout" are standard output (written
 * through stdio, flushed and checked at commit), "/dev/stderr" standard error. A symlink is
 * followed to its target. A regular file (or a new one) is written to a temporary file
 * ".NAME.XXXXXX" beside it and renamed over it at commit, with the old file's mode and
 * owner (new files get 0666 & ~umask); a file with other hard links, or whose owner the
 * process cannot give, is written in place instead. A read-only regular file is refused
 * unless PS_OUT_FORCE. Any other existing target (device, FIFO, /dev/fd/N) is opened and
 * written to. Nothing is created or changed until commit, except the temporary file.
 * On failure returns PS_EIO/PS_EINVAL/PS_ENOMEM with d->path = path and the reason. */
enum ps_status ps_out_open(const char *path, unsigned flags, struct ps_out **out,
                           struct ps_diag *d);

/* Appends bytes (buffered). The first error is kept and returned by this and every later
 * call and by commit; the data after it is dropped. */
enum ps_status ps_out_write(struct ps_out *o, const void *data, size_t len);

/* Finishes: flushes, syncs and renames a regular file into place, flushes standard output
 * and checks it, closes what it opened. On any error the target is left as it was (for a
 * replaced regular file) and d says why. Frees o in every case. */
enum ps_status ps_out_commit(struct ps_out *o, struct ps_diag *d);

/* Gives up: removes the temporary file, leaves the target untouched. Frees o (NULL is a
 * no-op). */
void ps_out_abort(struct ps_out *o);

/* True when o writes to the process's standard output. */
bool ps_out_is_stdout(const struct ps_out *o);

/* The whole write in one call: open, write len bytes, commit. */
enum ps_status ps_file_write(const char *path, const char *data, size_t len, unsigned flags,
                             struct ps_diag *d);

#endif
