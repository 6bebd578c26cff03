/* Fuzz target: the sweep shard reader (pipescope merge) must never crash or leak, whatever
 * the bytes; what it accepts writes back to a shard that reads again to the same rows, and
 * the rows go through the comparison writers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ps_sweep_shard info, again;
    struct ps_compare_row *rows = NULL, *rows2 = NULL;
    long *points = NULL, *points2 = NULL;
    size_t n = 0, n2 = 0;
    struct ps_diag d;
    if (ps_import_sweep_shard((const char *)data, size, &info, &rows, &points, &n, &d) != PS_OK)
        return 0;
    struct ps_buf out;
    ps_buf_init(&out);
    if (ps_export_sweep_shard(&info, rows, points, n, &out) != PS_OK ||
        ps_import_sweep_shard(out.data, out.len, &again, &rows2, &points2, &n2, &d) != PS_OK ||
        n2 != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (points[i] != points2[i] || strcmp(rows[i].schedule, rows2[i].schedule) != 0 ||
            rows[i].n_extra != rows2[i].n_extra)
            abort();
    ps_compare_baseline(rows, n, "1f1b");
    ps_compare_knees(rows, n, 0.05);
    struct ps_buf csv;
    ps_buf_init(&csv);
    ps_export_compare_csv(rows, n, &csv);
    ps_export_compare_json(rows, n, &csv);
    ps_export_compare_table(rows, n, &csv);
    ps_buf_fini(&csv);
    ps_buf_fini(&out);
    free(rows);
    free(rows2);
    free(points);
    free(points2);
    return 0;
}
