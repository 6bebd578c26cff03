/* Fuzz target: the schedule file importer must never crash or leak, whatever the bytes;
 * what it accepts survives recomputing metrics, and once written it reads back and writes
 * again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "export/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Imports text, recomputes the metrics and writes JSON into *out. */
static enum ps_status cycle(const char *text, size_t len, struct ps_buf *out)
{
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    struct ps_diag d;
    enum ps_status st = ps_import_schedule_json(text, len, &ls, &rec, &d);
    if (st != PS_OK)
        return st;
    if (ls.sched->timed)
        ps_sim_metrics(ls.sched);
    st = ps_export_schedule_json(ls.sched, out);
    struct ps_buf other;
    ps_buf_init(&other);
    ps_export_schedule_csv(ls.sched, &other);
    ps_export_schedule_text(ls.sched, 60, &other);
    ps_buf_fini(&other);
    ps_loaded_schedule_fini(&ls);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_buf first, second;
    ps_buf_init(&first);
    ps_buf_init(&second);
    if (cycle((const char *)data, size, &first) == PS_OK && first.data != NULL) {
        if (cycle(first.data, first.len, &second) != PS_OK)
            abort(); /* the importer rejects what the writer wrote */
        if (second.len != first.len || memcmp(first.data, second.data, first.len) != 0)
            abort(); /* a second round trip changed the file */
    }
    ps_buf_fini(&first);
    ps_buf_fini(&second);
    return 0;
}
