/* The table of named cluster policies (docs/cluster.md 4.4): an ordering and a placement
 * each, BACE, the paper's baselines and the ablations, plus ORDER/PLACE combinations; and
 * running one policy through the core's queue simulation. */
#include "solvers/cluster.h"

#include <stdio.h>
#include <string.h>

static const struct ps_cluster_policy policies[] = {
    {"bace", "BACE-Pipe: priority order, bandwidth-aware pathfinder, cost-min allocator",
     PS_ORDER_BACE, PS_PLACE_BACE},
    {"sjf", "shortest job first, with BACE's pathfinder and cost-min allocator", PS_ORDER_SJF,
     PS_PLACE_BACE},
    {"lcf", "least cost first (cost-first): FCFS, one region, the cheapest that fits",
     PS_ORDER_FCFS, PS_PLACE_LCF},
    {"ldf", "least delay first (delay-first): FCFS, one region, the most free GPUs", PS_ORDER_FCFS,
     PS_PLACE_LDF},
    {"cr-lcf", "cross-region cost-first: FCFS, regions aggregated in ascending price",
     PS_ORDER_FCFS, PS_PLACE_CR_LCF},
    {"cr-ldf", "cross-region delay-first: FCFS, a chain grown by capacity, no bandwidth check",
     PS_ORDER_FCFS, PS_PLACE_CR_LDF},
    {"bace-no-priority", "BACE without its priority: FCFS order", PS_ORDER_FCFS, PS_PLACE_BACE},
    {"bace-no-pathfinder", "BACE without its pathfinder: cr-ldf's chain, then cost-min",
     PS_ORDER_BACE, PS_PLACE_NO_PATHFINDER},
    {"bace-no-costmin", "BACE without cost-min: regions filled in the order they joined",
     PS_ORDER_BACE, PS_PLACE_NO_COSTMIN},
};

static const char *const order_names[] = {"fcfs", "sjf", "bace"};
static const char *const place_names[] = {"bace",   "lcf",           "ldf",       "cr-lcf",
                                          "cr-ldf", "no-pathfinder", "no-costmin"};

size_t ps_cluster_policy_count(void)
{
    return sizeof policies / sizeof policies[0];
}

const struct ps_cluster_policy *ps_cluster_policy_at(size_t i)
{
    return i < ps_cluster_policy_count() ? &policies[i] : NULL;
}

void ps_cluster_policy_list_names(char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < ps_cluster_policy_count() && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", policies[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int find_name(const char *const *names, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
            return (int)i;
    return -1;
}

enum ps_status ps_cluster_policy_parse(const char *name, struct ps_cluster_policy *out,
                                       struct ps_diag *d)
{
    for (size_t i = 0; i < ps_cluster_policy_count(); i++)
        if (strcmp(policies[i].name, name) == 0) {
            *out = policies[i];
            return PS_OK;
        }
    const char *slash = strchr(name, '/');
    if (slash != NULL) {
        int o = find_name(order_names, 3, name, (size_t)(slash - name));
        int p = find_name(place_names, sizeof place_names / sizeof place_names[0], slash + 1,
                          strlen(slash + 1));
        if (o >= 0 && p >= 0) {
            memset(out, 0, sizeof *out);
            snprintf(out->name, sizeof out->name, "%s", name);
            out->summary = "an ordering with a placement";
            out->order = (enum ps_cluster_order)o;
            out->place = (enum ps_cluster_place)p;
            return PS_OK;
        }
    }
    char names[512];
    ps_cluster_policy_list_names(names, sizeof names);
    return ps_diag_set(d, PS_ENOTFOUND, "policy",
                       "unknown policy '%.40s' (known: %s, or ORDER/PLACE with ORDER "
                       "fcfs|sjf|bace and PLACE bace|lcf|ldf|cr-lcf|cr-ldf|no-pathfinder|"
                       "no-costmin)",
                       name, names);
}

static int op_pick(const struct ps_cluster_state *st, void *user)
{
    const struct ps_cluster_policy *pol = user;
    return ps_cluster_pick(pol->order, st);
}

static bool op_place(const struct ps_cluster_state *st, int j, void *user, struct ps_placement *p,
                     char *why, size_t why_size)
{
    const struct ps_cluster_policy *pol = user;
    return ps_cluster_place(pol->place, st, j, p, why, why_size);
}

enum ps_status ps_cluster_run(const struct ps_cluster *c, const struct ps_job_plan *plans,
                              const struct ps_cluster_policy *pol, struct ps_cluster_timer *t,
                              struct ps_cluster_result *out, struct ps_diag *d)
{
    struct ps_cluster_policy_ops ops = {op_pick, op_place, (void *)pol};
    return ps_cluster_simulate(c, plans, &ops, ps_cluster_timer_fn, t, out, d);
}
