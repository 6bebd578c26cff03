/* Fuzz target: `sweep --vary` (values, ranges START:STOP:STEP, multiples NUMx, up to 8
 * paths) and `--set` on the command line, through the command itself on the teaching
 * preset with the 1F1B schedule, output to /dev/null: never a crash, a leak or a hang, and
 * an exit status of 0, 1 or 2. Each line of the input is one --vary PATH=VALUES, or a
 * --set when it starts with "set ". Lines that would make a pipeline of more than 99 stages
 * or microbatches are skipped: sweeping them is slow by nature, not a finding. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool too_big(const char *line)
{
    if (strstr(line, "stages") == NULL && strstr(line, "microbatches") == NULL &&
        strstr(line, "datacenters") == NULL && strstr(line, "per_") == NULL)
        return false;
    int run = 0;
    for (const char *p = line; *p; p++) {
        run = isdigit((unsigned char)*p) ? run + 1 : 0;
        if (run > 2 || *p == 'e' || *p == 'E')
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[64];
    int argc = 0;
    static char fixed[][16] = {"pipescope", "sweep",    "--preset", "teaching", "--schedules",
                               "1f1b",      "--format", "csv",      "-o",       "/dev/null"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[argc++] = fixed[i];
    static char vary[] = "--vary", set[] = "--set";
    bool skip = false;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL && argc < 60;
         line = strtok_r(NULL, "\n", &save)) {
        skip |= too_big(line);
        if (strncmp(line, "set ", 4) == 0) {
            argv[argc++] = set;
            argv[argc++] = line + 4;
        } else {
            argv[argc++] = vary;
            argv[argc++] = line;
        }
    }
    argv[argc] = NULL;
    if (!skip) {
        int rc = ps_cli_main(argc, argv, NULL);
        if (rc < 0 || rc > 2)
            abort();
    }
    free(text);
    return 0;
}
