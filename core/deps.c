/* The dependency rules of SPEC 3 and of recomputation as a table (core/sched_internal.h):
 * the simulator, the lookup used by validate, explain and the bubble breakdown, and the
 * deadlock report read them here. */
#include "core/sched_internal.h"

const struct ps_dep_rule ps_dep_rules[] = {
    /* F passes its activation forward; the last F feeds the backward's entry */
    {PS_OP_F, PS_OP_F, +1, PS_XFER_ACTIVATION, PS_DEP_NOT_LAST_V, false, true},
    {PS_OP_F, PS_DEP_BWD, 0, -1, PS_DEP_LAST_V, false, true},
    /* an R replays its own forward (on the last vstage that is the edge above) */
    {PS_OP_F, PS_OP_R, 0, -1, PS_DEP_NOT_LAST_V, true, false},
    /* B passes its gradient to the previous vstage's backward entry and lets its W run */
    {PS_OP_B, PS_DEP_BWD, -1, PS_XFER_GRADIENT, PS_DEP_NOT_FIRST_V, false, true},
    {PS_OP_B, PS_OP_W, 0, -1, PS_DEP_HAS_W, false, true},
    /* R then lets its B run */
    {PS_OP_R, PS_OP_B, 0, -1, PS_DEP_ALWAYS, true, true},
};

const size_t ps_n_dep_rules = sizeof ps_dep_rules / sizeof ps_dep_rules[0];

bool ps_dep_applies(const struct ps_dep_rule *r, int v, int SV, bool has_w)
{
    int to = v + r->dv;
    if (v < 0 || v >= SV || to < 0 || to >= SV)
        return false;
    switch ((enum ps_dep_when)r->when) {
    case PS_DEP_ALWAYS:
        return true;
    case PS_DEP_NOT_LAST_V:
        return v < SV - 1;
    case PS_DEP_LAST_V:
        return v == SV - 1;
    case PS_DEP_NOT_FIRST_V:
        return v > 0;
    case PS_DEP_HAS_W:
        return has_w;
    }
    return false;
}

int ps_dep_target(const struct ps_dep_rule *r, bool replayed)
{
    if (r->if_r && !replayed)
        return -1;
    if (r->to == PS_DEP_BWD)
        return replayed ? PS_OP_R : PS_OP_B;
    return r->to;
}

bool ps_dep_input(int kind, int v, int SV, bool replayed, int *pkind, int *pv, int *xkind)
{
    for (size_t i = 0; i < ps_n_dep_rules; i++) {
        const struct ps_dep_rule *r = &ps_dep_rules[i];
        int from_v = v - r->dv;
        /* an op that exists has its rule: a W exists only where its stage has W */
        if (!r->main || ps_dep_target(r, replayed) != kind || !ps_dep_applies(r, from_v, SV, true))
            continue;
        *pkind = r->from;
        *pv = from_v;
        *xkind = r->xfer;
        return true;
    }
    return false;
}
