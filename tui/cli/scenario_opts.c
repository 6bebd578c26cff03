/* The scenario options every command and the explorer take (--scenario, --preset,
 * --model, --cluster, --set): their parsing, one source at a time, and the scenario they
 * resolve to with messages that name the file or the option at fault. */
#include "tui/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "presets/presets.h"
#include "solvers/workload/plan.h"
#include "tui/cli/common.h"

const char ps_cli_scenario_help[] =
    "Scenario (one source; default: the preset \"default\"):\n"
    "  --scenario FILE        a scenario file (JSON, pipescope-scenario/1)\n"
    "  --preset NAME          a built-in scenario (see: pipescope presets)\n"
    "  --model M --cluster C  a model and a cluster for the calculator\n"
    "  --set PATH=VALUE       edit one field by its path, applied in order (repeatable),\n"
    "                         e.g. network.inter_dc.latency_ms=20,\n"
    "                         compute.per_stage.3.forward_ms=40, memory.limit=null\n"
    "  --workload FILE        variable-length sequences: a workload file (JSON) or a file\n"
    "                         of lengths; planned into chunks (--param granularity=...,\n"
    "                         checkpoint=..., see docs/cli.md)\n";

void ps_cli_scenario_init(struct ps_cli_scenario *o)
{
    memset(o, 0, sizeof(*o));
}

void ps_cli_scenario_fini(struct ps_cli_scenario *o)
{
    for (int i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    free(o->owned);
    free(o->sets);
    memset(o, 0, sizeof(*o));
}

static int scenario_source_conflict(const struct ps_cli_scenario *o, const char *given)
{
    const char *had = o->src.scenario_file ? "--scenario"
                      : o->src.preset      ? "--preset"
                      : o->src.model       ? "--model"
                                           : NULL;
    if (had && strcmp(had, given) != 0) {
        cli_usage(NULL, "%s and %s: give one scenario source", had, given);
        return -1;
    }
    return 0;
}

int ps_cli_scenario_opt(struct ps_cli_scenario *o, int opt, const char *arg)
{
    switch (opt) {
    case PS_CLI_OPT_SCENARIO:
        if (scenario_source_conflict(o, "--scenario"))
            return -1;
        if (arg[0] == '\0') {
            cli_usage(NULL, "--scenario '': an empty file name ('-' reads standard input)");
            return -1;
        }
        return cli_once(NULL, &o->src.scenario_file, "--scenario", arg) < 0 ? 1 : -1;
    case PS_CLI_OPT_PRESET:
        if (scenario_source_conflict(o, "--preset"))
            return -1;
        return cli_once(NULL, &o->src.preset, "--preset", arg) < 0 ? 1 : -1;
    case PS_CLI_OPT_MODEL:
        if (scenario_source_conflict(o, "--model"))
            return -1;
        return cli_once(NULL, &o->src.model, "--model", arg) < 0 ? 1 : -1;
    case PS_CLI_OPT_CLUSTER:
        return cli_once(NULL, &o->src.cluster, "--cluster", arg) < 0 ? 1 : -1;
    case PS_CLI_OPT_WORKLOAD:
        return cli_once(NULL, &o->src.workload_file, "--workload", arg) < 0 ? 1 : -1;
    case PS_CLI_OPT_SET: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            cli_usage(NULL, "--set '%s': expected PATH=VALUE, e.g. --set microbatches=32", arg);
            return -1;
        }
        if (o->src.n_sets == o->cap_sets) {
            int cap = o->cap_sets ? o->cap_sets * 2 : 8;
            const char **bigger = realloc(o->sets, (size_t)cap * sizeof(*bigger));
            if (!bigger) {
                cli_fail("out of memory");
                return -1;
            }
            o->sets = bigger;
            o->cap_sets = cap;
        }
        o->sets[o->src.n_sets++] = arg;
        o->src.sets = o->sets;
        return 1;
    }
    default:
        return 0;
    }
}

static const char *const plan_keys[] = {"granularity",  "checkpoint",     "slices",
                                        "max_slices",   "order",          "pipelines",
                                        "slice_tokens", "token_capacity", "ckpt_time_limit_s"};

bool ps_cli_is_plan_param(const char *kv)
{
    const char *eq = strchr(kv, '=');
    size_t n = eq != NULL ? (size_t)(eq - kv) : strlen(kv);
    for (size_t i = 0; i < sizeof plan_keys / sizeof plan_keys[0]; i++)
        if (strlen(plan_keys[i]) == n && strncmp(kv, plan_keys[i], n) == 0)
            return true;
    return false;
}

int ps_cli_scenario_plan_param(struct ps_cli_scenario *o, const char *kv)
{
    size_t len = strlen("workload.plan.") + strlen(kv) + 1;
    char *text = malloc(len);
    char **owned = realloc(o->owned, (size_t)(o->n_owned + 1) * sizeof *owned);
    if (text == NULL || owned == NULL) {
        free(text);
        if (owned != NULL)
            o->owned = owned;
        cli_fail("out of memory");
        return -1;
    }
    o->owned = owned;
    snprintf(text, len, "workload.plan.%s", kv);
    o->owned[o->n_owned++] = text;
    return ps_cli_scenario_opt(o, PS_CLI_OPT_SET, text);
}

/* An edit that did more than its field says ("per-stage times override ..."). */
static void print_note(void *user, const char *set, const char *note)
{
    (void)user;
    fprintf(stderr, "pipescope: note: --set %s: %s\n", set, note);
}

int ps_cli_scenario_resolve(const struct ps_cli_scenario *o, struct ps_scenario *sc, char *err,
                            size_t err_size)
{
    struct ps_diag d;
    ps_diag_clear(&d);
    if ((o->src.cluster != NULL) != (o->src.model != NULL)) {
        /* the two go together: either one alone is a mistake on the command line */
        ps_scenario_init(sc);
        const char *msg = o->src.model ? "--model needs --cluster (e.g. --cluster dcs=2,pp=8)"
                                       : "--cluster needs --model";
        if (err)
            snprintf(err, err_size, "%s", msg);
        else
            cli_usage(NULL, "%s", msg);
        return PS_EXIT_USAGE;
    }
    struct ps_scenario_source src = o->src;
    src.on_note = print_note;
    enum ps_status st = ps_scenario_resolve(&src, sc, &d);
    if (st == PS_OK && sc->workload != NULL && !o->no_plan) {
        /* the workload's microbatches: the plan's chunks */
        struct ps_scenario planned;
        st = ps_workload_plan(sc, &planned, NULL, &d);
        ps_scenario_fini(sc);
        if (st == PS_OK)
            *sc = planned;
    }
    if (st == PS_OK)
        return PS_EXIT_OK;

    /* An unknown preset or model name is a mistake on the command line, like an unknown
     * schedule: usage. A model file whose base is unknown is a failure of the file. */
    size_t mlen = o->src.model ? strlen(o->src.model) : 0;
    bool model_name = mlen > 0 && !(mlen > 5 && strcasecmp(o->src.model + mlen - 5, ".json") == 0);
    bool unknown_preset = st == PS_ENOTFOUND && (strcmp(d.path, "preset") == 0 ||
                                                 (strcmp(d.path, "model") == 0 && model_name));
    if (unknown_preset)
        d.path[0] = '\0'; /* "unknown preset 'x' (known: ...)" says it already */
    /* Name the file when the diagnostic does not already (a --set edit names itself). */
    const char *file = o->src.scenario_file;
    const char *prefix = NULL;
    if (file && !strstr(d.msg, file) && !strstr(d.path, file) && strncmp(d.path, "--set", 5) != 0)
        prefix = file;
    /* Likewise a model file's field (model.layers) gets the file's name. */
    const char *model = o->src.model;
    size_t ml = model ? strlen(model) : 0;
    if (!file && ml > 5 && strcasecmp(model + ml - 5, ".json") == 0 &&
        strncmp(d.path, "model", 5) == 0 && !strstr(d.msg, model))
        prefix = model;
    char buf[1024];
    if (!d.msg[0] && !d.path[0])
        snprintf(buf, sizeof(buf), "%s%s%s", prefix ? prefix : "", prefix ? ": " : "",
                 ps_status_str(st));
    else
        ps_diag_format(&d, prefix, buf, sizeof(buf));
    if (err)
        snprintf(err, err_size, "%s", buf);
    else
        cli_fail("%s", buf);
    return unknown_preset ? PS_EXIT_USAGE : PS_EXIT_FAILURE;
}
