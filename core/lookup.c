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
    size_t nk = 3 * (size_t)L->SV * (size_t)L->M, nx = 2 * (size_t)L->SV * (size_t)L->M;
    L->dev_of_v = malloc((size_t)L->SV * sizeof *L->dev_of_v);
    L->vtab = malloc((size_t)L->SV * sizeof *L->vtab);
    L->first = malloc(nk * sizeof *L->first);
    L->last = malloc(nk * sizeof *L->last);
    L->xfer = malloc(nx * sizeof *L->xfer);
    if (L->dev_of_v == NULL || L->vtab == NULL || L->first == NULL || L->last == NULL ||
        L->xfer == NULL) {
        ps_lookup_fini(L);
        return PS_ENOMEM;
    }
    memset(L->first, 0xff, nk * sizeof *L->first);
    memset(L->last, 0xff, nk * sizeof *L->last);
    memset(L->xfer, 0xff, nx * sizeof *L->xfer);
    for (int v = 0; v < L->SV; v++) {
        int d = ps_vstage_device(v, L->S, L->V, s->traversal);
        L->dev_of_v[v] = d;
        L->vtab[d * L->V + ps_vstage_chunk(v, L->S, L->V, s->traversal)] = v;
    }
    for (int d = 0; d < L->S; d++) {
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->kind > PS_OP_W || op->chunk >= L->V || op->microbatch < 0 ||
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
    memset(L, 0, sizeof *L);
}

bool ps_input_of(const struct ps_lookup *L, int kind, int v, int *pkind, int *pv, int *xkind)
{
    int xk;
    *xkind = -1;
    if (!ps_dep_input(kind, v, L->SV, pkind, pv, &xk))
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
