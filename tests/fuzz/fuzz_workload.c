/* Fuzz target: workload files (--workload FILE): a JSON workload ("format":
 * "pipescope-workload/1") or a file of lengths, read through ps_workload_load from a file
 * (the bounded reader, then the strict JSON or the lengths parser). Never a crash, a leak
 * or a hang; a workload that loads writes a workload file that loads again to the same
 * text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io/io.h"
#include "core/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void put(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (path[0] == '\0')
        snprintf(path, sizeof path, "/tmp/ps_fuzz_workload_%ld", (long)getpid());
    put((const char *)data, size);
    struct ps_workload *w = NULL;
    struct ps_diag d;
    if (ps_workload_load(path, NULL, &w, &d) == PS_OK) {
        char *json = ps_workload_to_json(w);
        if (json == NULL)
            abort();
        put(json, strlen(json));
        struct ps_workload *again = NULL;
        if (ps_workload_load(path, NULL, &again, &d) != PS_OK)
            abort(); /* the writer wrote what the reader refuses */
        char *json2 = ps_workload_to_json(again);
        if (json2 == NULL || strcmp(json, json2) != 0)
            abort(); /* a round trip changed the workload */
        free(json2);
        free(json);
        ps_workload_free(again);
    }
    ps_workload_free(w);
    int *lengths = NULL, n = 0;
    if (ps_lengths_parse((const char *)data, size, &lengths, &n, &d) == PS_OK)
        free(lengths);
    unlink(path);
    return 0;
}
