/* Lookup tables over a timed schedule (op and transfer positions by model key), shared
 * by the explanations, the critical path and the checker. */
#include "core/sched_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ps_status ps_lookup_build(struct ps_lookup *L, const struct ps_schedule *s)
{
    memset(L, 0, sizeof *L);
    L->S = s->n_stages;
    L->V = s->chunks;
    L->SV = L->S * L->V;
    L->M = s->n_microbatches;
    size_t nk = PS_COMPUTE_KINDS * (size_t)L->SV * (size_t)L->M;
    size_t nx = 2 * (size_t)L->SV * (size_t)L->M;
    L->dev_of_v = malloc((size_t)L->SV * sizeof *L->dev_of_v);
    L->vtab = malloc((size_t)L->SV * sizeof *L->vtab);
    L->first = malloc(nk * sizeof *L->first);
    L->last = malloc(nk * sizeof *L->last);
    L->xfer = malloc(nx * sizeof *L->xfer);
    L->rank = malloc((size_t)L->M * sizeof *L->rank);
    bool any_r = ps_scenario_has_recompute(s->sc);
    L->has_r = any_r ? malloc((size_t)L->S * (size_t)L->M) : NULL;
    if (L->dev_of_v == NULL || L->vtab == NULL || L->first == NULL || L->last == NULL ||
        L->xfer == NULL || L->rank == NULL || (any_r && L->has_r == NULL)) {
        ps_lookup_fini(L);
        return PS_ENOMEM;
    }
    memset(L->first, 0xff, nk * sizeof *L->first);
    memset(L->last, 0xff, nk * sizeof *L->last);
    memset(L->xfer, 0xff, nx * sizeof *L->xfer);
    ps_scenario_bwd_ranks(s->sc, L->rank, NULL);
    for (int d = 0; any_r && d < L->S; d++)
        for (int m = 0; m < L->M; m++)
            L->has_r[(size_t)d * (size_t)L->M + (size_t)m] = ps_schedule_has_r(s, d, m);
    for (int v = 0; v < L->SV; v++) {
        int d = ps_vstage_device(v, L->S, L->V, s->traversal);
        L->dev_of_v[v] = d;
        L->vtab[d * L->V + ps_vstage_chunk(v, L->S, L->V, s->traversal)] = v;
    }
    for (int d = 0; d < L->S; d++) {
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->kind > PS_OP_R || op->chunk >= L->V || op->microbatch < 0 ||
                op->microbatch >= L->M)
                continue;
            size_t k = ps_op_key(L, op->kind, L->vtab[d * L->V + op->chunk], op->microbatch);
            if (op->part == 0 && L->first[k] < 0)
                L->first[k] = (int32_t)i;
            if (op->part + 1 == op->parts && L->last[k] < 0)
                L->last[k] = (int32_t)i;
        }
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        const struct ps_transfer *x = &s->transfers[i];
        if (x->kind > 1 || x->from_vstage < 0 || x->from_vstage >= L->SV || x->microbatch < 0 ||
            x->microbatch >= L->M)
            continue;
        size_t k = ps_xfer_key(s, x->kind, x->from_vstage, x->microbatch);
        if (L->xfer[k] < 0)
            L->xfer[k] = (int32_t)i;
    }
    return PS_OK;
}

void ps_lookup_fini(struct ps_lookup *L)
{
    free(L->dev_of_v);
    free(L->vtab);
    free(L->first);
    free(L->last);
    free(L->xfer);
    free(L->rank);
    free(L->has_r);
    memset(L, 0, sizeof *L);
}

bool ps_input_of(const struct ps_lookup *L, int kind, int v, int mb, int *pkind, int *pv,
                 int *xkind)
{
    int xk;
    *xkind = -1;
    if (kind < 0 || kind > PS_OP_R || v < 0 || v >= L->SV ||
        !ps_dep_input(kind, v, L->SV, ps_lookup_has_r(L, v, mb), pkind, pv, &xk))
        return false;
    if (xk >= 0 && L->dev_of_v[*pv] != L->dev_of_v[v])
        *xkind = xk;
    return true;
}

void ps_fmt_ms(int64_t ns, char *buf, size_t size)
{
    snprintf(buf, size, "%.6f", (double)ns / 1e6);
    char *dot = strchr(buf, '.');
    if (dot == NULL)
        return;
    char *end = buf + strlen(buf) - 1;
    while (end > dot + 1 && *end == '0')
        *end-- = '\0';
}

int ps_span_cmp(const void *a, const void *b)
{
    const struct ps_span *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->t0 != y->t0)
        return x->t0 < y->t0 ? -1 : 1;
    if (x->t1 != y->t1)
        return x->t1 < y->t1 ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}
