/* Files in and out (core/io/file.h). The safe write: special files are written to, never
 * replaced; symlinks are followed; a regular file keeps its mode and owner; a read-only one
 * is refused unless forced; every write error, on a file or on standard output, is an
 * error; a streaming export holds 64 KB, whatever its size. The bounded reader: FIFOs,
 * devices and folders are refused at once, sizes are checked before reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/io/file.h"
#include "export/export.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ps_file_XXXXXX");
    signal(SIGPIPE, SIG_IGN);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *in_dir(const char *name)
{
    static char paths[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(paths[k], sizeof paths[k], "%s/%s", dir, name);
    return paths[k];
}

static void put_file(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count_entries(void)
{
    DIR *dp = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (dp != NULL && (e = readdir(dp)) != NULL)
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0))
            n++;
    if (dp != NULL)
        closedir(dp);
    return n;
}

/* ---- the safe write ------------------------------------------------------------------- */

static void test_device_written_to(void **state)
{
    (void)state;
    /* a copy of /dev/null: written to, still a device afterwards (the old write replaced
     * it with a regular file; as root, -o /dev/null would have replaced the system's) */
    const char *dev = in_dir("null");
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0)
        skip();
    struct ps_diag d;
    assert_int_equal(ps_file_write(dev, "data\n", 5, 0, &d), PS_OK);
    struct stat sb;
    assert_int_equal(lstat(dev, &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    assert_int_equal(count_entries(), 1); /* no temporary file left */
    unlink(dev);
    /* /dev/null itself, and /dev/full: its write error is reported */
    assert_int_equal(ps_file_write("/dev/null", "x", 1, 0, &d), PS_OK);
    assert_int_equal(stat("/dev/null", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    assert_int_equal(ps_file_write("/dev/full", "x", 1, 0, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "No space left"));
}

static void test_fifo_written_to(void **state)
{
    (void)state;
    const char *fifo = in_dir("pipe");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    struct ps_diag d;
    /* no reader: an error when asked not to wait (the explorer), never a plain file */
    assert_int_equal(ps_file_write(fifo, "x", 1, PS_OUT_NOBLOCK, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "no reader"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the reader: exits 0 when it read exactly the text */
        int fd = open(fifo, O_RDONLY);
        char buf[64];
        ssize_t n = 0, k;
        while (fd >= 0 && (k = read(fd, buf + n, sizeof buf - (size_t)n)) > 0)
            n += k;
        _exit(n == 6 && memcmp(buf, "hello\n", 6) == 0 ? 0 : 1);
    }
    assert_int_equal(ps_file_write(fifo, "hello\n", 6, 0, &d), PS_OK);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    unlink(fifo);
}

static void test_symlink_followed(void **state)
{
    (void)state;
    const char *target = in_dir("target.json"), *link = in_dir("link.json");
    put_file(target, "old", 0644);
    assert_int_equal(symlink("target.json", link), 0);
    struct ps_diag d;
    assert_int_equal(ps_file_write(link, "new", 3, 0, &d), PS_OK);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_string_equal(slurp(target), "new");
    assert_int_equal(count_entries(), 2);
    /* a dangling link gets its target created */
    unlink(target);
    assert_int_equal(ps_file_write(link, "made", 4, 0, &d), PS_OK);
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_string_equal(slurp(target), "made");
    unlink(link);
    unlink(target);
}

static void test_mode_and_owner_kept(void **state)
{
    (void)state;
    const char *path = in_dir("private.json");
    put_file(path, "secret", 0600);
    struct ps_diag d;
    assert_int_equal(ps_file_write(path, "still secret", 12, 0, &d), PS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    assert_string_equal(slurp(path), "still secret");
    if (geteuid() == 0) { /* only root can give a file away */
        assert_int_equal(chown(path, 1234, 4321), 0);
        assert_int_equal(ps_file_write(path, "owned", 5, 0, &d), PS_OK);
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_uid, 1234);
        assert_int_equal(sb.st_gid, 4321);
        assert_int_equal(sb.st_mode & 07777, 0600);
    }
    /* another name of the same file sees the new contents (written in place) */
    const char *other = in_dir("hardlink.json");
    assert_int_equal(link(path, other), 0);
    assert_int_equal(ps_file_write(path, "both", 4, 0, &d), PS_OK);
    assert_string_equal(slurp(other), "both");
    unlink(other);
    unlink(path);
    assert_int_equal(count_entries(), 0);
}

static void test_read_only_refused(void **state)
{
    (void)state;
    const char *path = in_dir("frozen.csv");
    put_file(path, "keep me", 0444);
    struct ps_diag d;
    assert_int_equal(ps_file_write(path, "lost", 4, 0, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "read-only"));
    assert_string_equal(d.path, path);
    assert_string_equal(slurp(path), "keep me");
    assert_int_equal(ps_file_write(path, "forced", 6, PS_OUT_FORCE, &d), PS_OK);
    assert_string_equal(slurp(path), "forced");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0444);
    unlink(path);
}

/* Runs ps_file_write("-") in a child whose standard output is `sink`; returns its status. */
static int stdout_child(const char *sink, const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(sink, O_WRONLY);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(3);
        struct ps_diag d;
        _exit(ps_file_write(path, "text\n", 5, 0, &d) == PS_OK ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

static void test_stdout_errors(void **state)
{
    (void)state;
    /* a full disk behind standard output is an error, under every name for it */
    assert_int_equal(stdout_child("/dev/full", "-"), 1);
    assert_int_equal(stdout_child("/dev/full", "/dev/stdout"), 1);
    assert_int_equal(stdout_child("/dev/full", "/dev/fd/1"), 1);
    assert_int_equal(stdout_child("/dev/null", "-"), 0);
    assert_int_equal(stdout_child("/dev/null", "/dev/stdout"), 0);
    /* /dev/stdout redirected to a regular file writes into that file: it is not replaced
     * by a new one the shell knows nothing of */
    const char *path = in_dir("redirected.txt");
    put_file(path, "", 0644);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(stdout_child(path, "/dev/stdout"), 0);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_string_equal(slurp(path), "text\n");
    unlink(path);
}

static void test_names(void **state)
{
    (void)state;
    struct ps_diag d;
    struct ps_out *o;
    assert_int_equal(ps_out_open("", 0, &o, &d), PS_EINVAL);
    assert_string_equal(d.msg, "empty file name");
    assert_int_equal(ps_out_open(dir, 0, &o, &d), PS_EIO);
    assert_string_equal(d.msg, "is a folder");
    char path[300];
    snprintf(path, sizeof path, "%s/nope/x.json", dir);
    assert_int_equal(ps_out_open(path, 0, &o, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "no such folder"));
    assert_int_equal(count_entries(), 0);
}

/* ---- streaming ------------------------------------------------------------------------ */

static void test_stream_constant_memory(void **state)
{
    (void)state;
    const char *path = in_dir("big.txt");
    struct ps_out *o;
    struct ps_diag d;
    assert_int_equal(ps_out_open(path, 0, &o, &d), PS_OK);
    struct ps_buf b;
    ps_buf_init_sink(&b, o);
    size_t most = 0;
    char line[100];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 100000; i++) { /* 10 MB */
        assert_int_equal(ps_buf_append(&b, line, sizeof line), PS_OK);
        if (b.cap > most)
            most = b.cap;
    }
    assert_int_equal(ps_buf_printf(&b, "%s", "end\n"), PS_OK);
    assert_int_equal(ps_buf_total(&b), 100000 * sizeof line + 4);
    assert_true(most <= (size_t)1 << 17);
    assert_int_equal(ps_buf_finish(&b, PS_OK, &d), PS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((size_t)sb.st_size, 100000 * sizeof line + 4);
    /* a writer that fails leaves the old file whole and no temporary file */
    assert_int_equal(ps_out_open(path, 0, &o, &d), PS_OK);
    ps_buf_init_sink(&b, o);
    for (int i = 0; i < 10000; i++)
        ps_buf_append(&b, line, sizeof line);
    assert_int_equal(ps_buf_finish(&b, PS_ENOMEM, &d), PS_ENOMEM);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((size_t)sb.st_size, 100000 * sizeof line + 4);
    assert_int_equal(count_entries(), 1);
    unlink(path);
    /* a sink that fails stops the writer: the error comes back from append, and finish
     * reports it */
    assert_int_equal(ps_out_open("/dev/full", 0, &o, &d), PS_OK);
    ps_buf_init_sink(&b, o);
    enum ps_status st = PS_OK;
    for (int i = 0; i < 10000 && st == PS_OK; i++)
        st = ps_buf_append(&b, line, sizeof line);
    assert_int_equal(st, PS_EIO);
    assert_int_equal(ps_buf_finish(&b, st, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "No space left"));
}

/* ---- the bounded reader --------------------------------------------------------------- */

static void on_alarm(int sig)
{
    (void)sig;
    fail_msg("the reader blocked");
}

static void test_reader_refuses_special_files(void **state)
{
    (void)state;
    char *text;
    size_t len;
    struct ps_diag d;
    signal(SIGALRM, on_alarm);
    alarm(5); /* a FIFO without a writer must not block, /dev/zero must not be read */
    const char *fifo = in_dir("in.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(ps_file_read(fifo, PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "named pipe (FIFO), not a file"));
    unlink(fifo);
    assert_int_equal(ps_file_read("/dev/zero", PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_string_equal(d.msg, "is a device, not a file");
    assert_null(text);
    assert_int_equal(ps_file_read(dir, PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_string_equal(d.msg, "is a folder, not a file");
    assert_int_equal(ps_file_read("", PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "no file name"));
    assert_int_equal(ps_file_read(in_dir("missing"), PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "cannot open"));
    /* a huge (sparse) file is refused by its size, before a byte is read */
    const char *big = in_dir("huge.json");
    int fd = open(big, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)3 << 30), 0);
    close(fd);
    assert_int_equal(ps_file_read(big, PS_FILE_MAX, &text, &len, &d), PS_EIO);
    assert_non_null(strstr(d.msg, "too large (3072 MB; the limit is 1024 MB)"));
    unlink(big);
    alarm(0);
    /* an ordinary file */
    const char *ok = in_dir("ok.json");
    put_file(ok, "{}", 0644);
    assert_int_equal(ps_file_read(ok, PS_FILE_MAX, &text, &len, &d), PS_OK);
    assert_int_equal(len, 2);
    assert_string_equal(text, "{}");
    free(text);
    assert_int_equal(ps_file_read(ok, 1, &text, &len, &d), PS_EIO);
    unlink(ok);
}

static void test_reader_stdin_bounded(void **state)
{
    (void)state;
    /* standard input from an endless pipe stops at the limit */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char zeros[4096] = {0};
        while (write(fds[1], zeros, sizeof zeros) > 0) {
        }
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    char *text;
    size_t len;
    struct ps_diag d;
    enum ps_status st = ps_file_read("-", (size_t)1 << 20, &text, &len, &d);
    dup2(saved, STDIN_FILENO);
    close(saved);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    assert_int_equal(st, PS_EIO);
    assert_non_null(strstr(d.msg, "too large"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_written_to),
        cmocka_unit_test(test_fifo_written_to),
        cmocka_unit_test(test_symlink_followed),
        cmocka_unit_test(test_mode_and_owner_kept),
        cmocka_unit_test(test_read_only_refused),
        cmocka_unit_test(test_stdout_errors),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_stream_constant_memory),
        cmocka_unit_test(test_reader_refuses_special_files),
        cmocka_unit_test(test_reader_stdin_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
