/* Atomic writes: a new file appears whole, an existing file is replaced whole, and a
 * write that cannot happen leaves nothing behind and the old file intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ps_atomic_XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int count_entries(const char *path)
{
    DIR *dp = opendir(path);
    int n = 0;
    struct dirent *e;
    while (dp != NULL && (e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    if (dp != NULL)
        closedir(dp);
    return n;
}

static void read_back(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void test_new_and_replace(void **state)
{
    (void)state;
    char path[128], buf[64];
    struct ps_diag d;
    snprintf(path, sizeof path, "%s/out.json", dir);
    assert_int_equal(ps_write_atomic(path, "first\n", 6, &d), PS_OK);
    read_back(path, buf, sizeof buf);
    assert_string_equal(buf, "first\n");
    assert_int_equal(ps_write_atomic(path, "second", 6, &d), PS_OK);
    read_back(path, buf, sizeof buf);
    assert_string_equal(buf, "second");
    /* no temporary file is left next to it, and the mode is a normal file's */
    assert_int_equal(count_entries(dir), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    unlink(path);
}

static void test_missing_folder(void **state)
{
    (void)state;
    char path[128];
    struct ps_diag d;
    snprintf(path, sizeof path, "%s/nope/out.csv", dir);
    assert_int_equal(ps_write_atomic(path, "x", 1, &d), PS_EIO);
    char want[160];
    snprintf(want, sizeof want, "no such folder: %s/nope", dir);
    assert_string_equal(d.msg, want);
    assert_string_equal(d.path, path);
    assert_int_equal(count_entries(dir), 0);
}

static void test_failure_keeps_old_file(void **state)
{
    (void)state;
    char path[128], buf[64];
    struct ps_diag d;
    snprintf(path, sizeof path, "%s/keep.json", dir);
    assert_int_equal(ps_write_atomic(path, "good", 4, &d), PS_OK);
    /* a write that fails half-way (the file size limit stops it after 8 bytes, for root
     * too): the old file stays whole and no temporary file is left */
    struct rlimit old, small = {8, 8};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    enum ps_status st = ps_write_atomic(path, "bad bad bad bad bad", 19, &d);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(st, PS_EIO);
    assert_non_null(strstr(d.msg, "cannot write"));
    read_back(path, buf, sizeof buf);
    assert_string_equal(buf, "good");
    assert_int_equal(count_entries(dir), 1);
    /* a target that is a folder fails without touching it */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(ps_write_atomic(sub, "x", 1, &d), PS_EIO);
    assert_int_equal(count_entries(sub), 0);
    assert_int_equal(count_entries(dir), 2);
    rmdir(sub);
    unlink(path);
}

static void test_relative_and_stdout(void **state)
{
    (void)state;
    char cwd[512], buf[16];
    struct ps_diag d;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(ps_write_atomic("rel.txt", "r", 1, &d), PS_OK);
    read_back("rel.txt", buf, sizeof buf);
    assert_string_equal(buf, "r");
    unlink("rel.txt");
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(ps_write_atomic("-", "", 0, &d), PS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_replace),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_failure_keeps_old_file),
        cmocka_unit_test(test_relative_and_stdout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
