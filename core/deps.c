/* The dependency rules of SPEC 3 as a table (core/sched_internal.h): the simulator, the
 * lookup used by validate and explain, and every future kind of op read them here. */
#include "core/sched_internal.h"

const struct ps_dep_rule ps_dep_rules[] = {
    /* F passes its activation forward; the last F feeds its own B */
    {PS_OP_F, PS_OP_F, +1, PS_XFER_ACTIVATION, PS_DEP_NOT_LAST_V},
    {PS_OP_F, PS_OP_B, 0, -1, PS_DEP_LAST_V},
    /* B passes its gradient backward and lets its W run */
    {PS_OP_B, PS_OP_B, -1, PS_XFER_GRADIENT, PS_DEP_NOT_FIRST_V},
    {PS_OP_B, PS_OP_W, 0, -1, PS_DEP_HAS_W},
};

const size_t ps_n_dep_rules = sizeof ps_dep_rules / sizeof ps_dep_rules[0];

bool ps_dep_applies(const struct ps_dep_rule *r, int v, int SV, bool has_w)
{
    switch ((enum ps_dep_when)r->when) {
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

bool ps_dep_input(int kind, int v, int SV, int *pkind, int *pv, int *xkind)
{
    for (size_t i = 0; i < ps_n_dep_rules; i++) {
        const struct ps_dep_rule *r = &ps_dep_rules[i];
        int from_v = v - r->dv;
        /* an op that exists has its rule: a W exists only where its stage has W */
        if (r->to != kind || from_v < 0 || from_v >= SV || !ps_dep_applies(r, from_v, SV, true))
            continue;
        *pkind = r->from;
        *pv = from_v;
        *xkind = r->xfer;
        return true;
    }
    return false;
}
