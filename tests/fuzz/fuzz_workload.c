/* Fuzz target: workload input (docs/formats.md), a JSON workload file or a file of lengths.
 * Whatever the bytes, nothing crashes or leaks; what is accepted and valid goes into a
 * scenario whose file reads back identically, and a small one is planned, scheduled and
 * validated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/io.h"
#include "core/io/json.h"
#include "core/sim.h"
#include "core/workload.h"
#include "solvers/solver.h"
#include "solvers/workload/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small workload is planned (every policy would take seconds on a big one), run as 1F1B
 * and validated: any failure but "does not fit" is a bug. */
static void plan_small(const struct ps_scenario *sc)
{
    const struct ps_workload *w = sc->workload;
    if (w->n_seqs > 48 || w->plan.max_slices > 4 || w->plan.slices > 4 ||
        w->plan.ckpt_time_limit_s > 2)
        return;
    for (int i = 0; i < w->n_seqs; i++)
        if (w->lengths[i] / (w->plan.slice_tokens > 0 ? w->plan.slice_tokens : 1) > 64)
            return; /* token granularity: too many chunks for a replay */
    struct ps_scenario planned;
    struct ps_diag d;
    enum ps_status st = ps_workload_plan(sc, &planned, NULL, &d);
    if (st == PS_EINVAL)
        return; /* does not fit */
    if (st != PS_OK)
        abort();
    struct ps_params none = {0};
    struct ps_schedule *s = NULL;
    if (ps_solver_run(&ps_solver_1f1b, &planned, &none, NULL, &s, &d) != PS_OK)
        abort();
    int nv = 0;
    if (ps_schedule_validate(s, &d, &nv) != PS_OK || nv != 0)
        abort();
    ps_schedule_free(s);
    ps_scenario_fini(&planned);
}

static void as_scenario(struct ps_workload *w)
{
    struct ps_scenario sc;
    struct ps_diag d;
    if (ps_scenario_make_uniform(&sc, 1, 2, 1, 1, 1, 0) != PS_OK) {
        ps_workload_free(w);
        ps_scenario_fini(&sc);
        return;
    }
    sc.workload = w;
    if (ps_workload_validate(w, 2, &d) != PS_OK || ps_workload_apply_raw(&sc, &d) != PS_OK) {
        ps_scenario_fini(&sc);
        return;
    }
    char *json = ps_scenario_to_json(&sc);
    if (json != NULL) {
        struct ps_scenario again;
        if (ps_scenario_parse(json, strlen(json), &again, &d) != PS_OK)
            abort(); /* the writer produced something the parser rejects */
        char *json2 = ps_scenario_to_json(&again);
        if (json2 != NULL && strcmp(json, json2) != 0)
            abort(); /* the round trip changed the scenario */
        free(json2);
        ps_scenario_fini(&again);
        free(json);
    }
    plan_small(&sc);
    ps_scenario_fini(&sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct ps_diag d;
    size_t i = 0;
    while (i < size && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
        i++;
    if (i < size && text[i] == '{') {
        cJSON *root;
        if (ps_json_parse_text(text, size, &root, &d) != PS_OK)
            return 0;
        struct ps_workload *w = NULL;
        if (ps_workload_from_cjson(root, "workload", NULL, &w, &d) == PS_OK)
            as_scenario(w);
        cJSON_Delete(root);
        return 0;
    }
    int *lengths = NULL, n = 0;
    if (ps_lengths_parse(text, size, &lengths, &n, &d) != PS_OK)
        return 0;
    struct ps_workload *w = ps_workload_new();
    if (w != NULL && ps_workload_set_lengths(w, lengths, n) == PS_OK) {
        w->plan.max_slices = 3;
        w->cap_tokens = PS_WL_MAX_CAP;
        as_scenario(w);
    } else {
        ps_workload_free(w);
    }
    free(lengths);
    return 0;
}
