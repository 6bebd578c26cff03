/* Fuzz target: `validate` and `replay` (with and without --fcfs) on any bytes as a schedule
 * file, through the command line itself (the bounded reader, the importer, the checker,
 * the re-simulation and the messages): never a crash, a leak, a hang or an exit status
 * other than 0 (valid) or 1 (refused); a file that validates also replays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static int run(const char *cmd, const char *opt)
{
    char a0[] = "pipescope", a1[16], a2[16];
    snprintf(a1, sizeof a1, "%s", cmd);
    snprintf(a2, sizeof a2, "%s", opt != NULL ? opt : "");
    char *argv[] = {a0, a1, opt != NULL ? a2 : path, opt != NULL ? path : NULL, NULL};
    return ps_cli_main(opt != NULL ? 4 : 3, argv, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/ps_fuzz_check_%ld.json", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    int valid = run("validate", NULL);
    int replay = run("replay", NULL);
    int fcfs = run("replay", "--fcfs");
    if (valid < 0 || valid > 1 || replay < 0 || replay > 1 || fcfs < 0 || fcfs > 1)
        abort(); /* a file is never a usage error, and never crashes the command */
    unlink(path);
    return 0;
}
