/* Fuzz target: the schedule file importer must never crash or leak, whatever the bytes;
 * what it accepts must survive recomputing metrics and being written again. */
#include <stdint.h>
#include <stdlib.h>

#include "core/sim.h"
#include "export/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_loaded_schedule ls;
    struct ps_recorded_metrics rec;
    struct ps_diag d;
    if (ps_import_schedule_json((const char *)data, size, &ls, &rec, &d) != PS_OK)
        return 0;
    if (ls.sched->timed)
        ps_sim_metrics(ls.sched);
    struct ps_buf b;
    ps_buf_init(&b);
    ps_export_schedule_json(ls.sched, &b);
    ps_export_schedule_csv(ls.sched, &b);
    ps_export_schedule_text(ls.sched, 60, &b);
    ps_buf_fini(&b);
    ps_loaded_schedule_fini(&ls);
    return 0;
}
