/* Schedules: per-device op orders, their construction by generators, the virtual stage
 * mapping (SPEC 3), transfer keys, channels and the names used in files and on screen. */
#include "core/schedule.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"
#include "core/units.h"

int ps_vstage_device(int v, int n_stages, int chunks, enum ps_traversal tr)
{
    (void)chunks;
    if (tr == PS_TRAVERSAL_WAVE)
        return v < n_stages ? v : 2 * n_stages - 1 - v;
    return v % n_stages;
}

int ps_vstage_chunk(int v, int n_stages, int chunks, enum ps_traversal tr)
{
    (void)chunks;
    if (tr == PS_TRAVERSAL_WAVE)
        return v < n_stages ? 0 : 1;
    return v / n_stages;
}

int ps_vstage_of(int stage, int chunk, int n_stages, int chunks, enum ps_traversal tr)
{
    (void)chunks;
    if (tr == PS_TRAVERSAL_WAVE)
        return chunk == 0 ? stage : 2 * n_stages - 1 - stage;
    return chunk * n_stages + stage;
}

/* Time kinds in ps_schedule's op_ns_table (enum ps_time_kind, F..R). */
#define N_TIME_KINDS ((size_t)PS_TIME_R + 1)

struct ps_schedule *ps_schedule_new(const struct ps_scenario *sc, const char *name, int chunks,
                                    enum ps_traversal tr, bool split_backward)
{
    assert(sc != NULL);
    if (chunks < 1 || chunks > PS_MAX_CHUNKS || sc->n_stages < 1 || sc->n_microbatches < 1)
        return NULL;
    if (tr == PS_TRAVERSAL_WAVE && chunks != 2)
        return NULL;
    if (tr != PS_TRAVERSAL_WAVE && tr != PS_TRAVERSAL_LOOP)
        return NULL;
    struct ps_schedule *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    size_t n = (size_t)sc->n_stages;
    s->sc = sc;
    snprintf(s->name, sizeof s->name, "%s", name != NULL ? name : "");
    s->n_stages = sc->n_stages;
    s->n_microbatches = sc->n_microbatches;
    s->chunks = chunks;
    s->traversal = tr;
    s->split_backward = split_backward;
    s->dev_ops = calloc(n, sizeof *s->dev_ops);
    s->dev_n = calloc(n, sizeof *s->dev_n);
    s->dev_cap = calloc(n, sizeof *s->dev_cap);
    s->dp_ops = calloc(n, sizeof *s->dp_ops);
    s->dp_n = calloc(n, sizeof *s->dp_n);
    s->busy_ns = calloc(n, sizeof *s->busy_ns);
    s->peak_memory = calloc(n, sizeof *s->peak_memory);
    s->bubble_ns = calloc(n * PS_BUBBLE_COUNT, sizeof *s->bubble_ns);
    struct ps_op *dp = calloc(n * 2 * (size_t)chunks, sizeof *dp);
    if (s->dev_ops == NULL || s->dev_n == NULL || s->dev_cap == NULL || s->dp_ops == NULL ||
        s->dp_n == NULL || s->busy_ns == NULL || s->peak_memory == NULL || s->bubble_ns == NULL ||
        dp == NULL) {
        free(dp);
        ps_schedule_free(s);
        return NULL;
    }
    if (sc->per_microbatch == NULL) {
        /* every microbatch alike: one duration per (stage, time kind, chunk) */
        s->op_ns_table = malloc(n * N_TIME_KINDS * (size_t)chunks * sizeof *s->op_ns_table);
        if (s->op_ns_table == NULL) {
            free(dp);
            ps_schedule_free(s);
            return NULL;
        }
        for (int st = 0; st < sc->n_stages; st++)
            for (int k = PS_TIME_F; k <= PS_TIME_R; k++)
                for (int c = 0; c < chunks; c++)
                    s->op_ns_table[((size_t)st * N_TIME_KINDS + (size_t)k) * (size_t)chunks +
                                   (size_t)c] =
                        ps_scenario_chunk_time_ns(sc, st, 0, (enum ps_time_kind)k, c, chunks);
    }
    /* One block holds every device's data-parallel lane (2V ops each). */
    for (size_t i = 0; i < n; i++)
        s->dp_ops[i] = dp + i * 2 * (size_t)chunks;
    s->memory_ok = true;
    s->solver.status = PS_SOLVE_HEURISTIC;
    s->solver.bound_ns = -1;
    s->solver.gap = -1;
    return s;
}

void ps_schedule_free(struct ps_schedule *s)
{
    if (s == NULL)
        return;
    if (s->dev_ops != NULL)
        for (int i = 0; i < s->n_stages; i++)
            free(s->dev_ops[i]);
    free(s->dev_ops);
    free(s->dev_n);
    free(s->dev_cap);
    if (s->dp_ops != NULL)
        free(s->dp_ops[0]);
    free(s->dp_ops);
    free(s->dp_n);
    free(s->xfer_rank);
    free(s->op_ns_table);
    free(s->transfers);
    free(s->channels);
    free(s->busy_ns);
    free(s->peak_memory);
    free(s->bubble_ns);
    free(s);
}

bool ps_schedule_has_r(const struct ps_schedule *s, int stage, int microbatch)
{
    return ps_scenario_recompute(s->sc, stage, microbatch) > 0;
}

bool ps_schedule_has_w(const struct ps_schedule *s, int stage)
{
    return s->split_backward && ps_scenario_stage_compute(s->sc, stage).weight_ms > 0;
}

double ps_schedule_order_peak(const struct ps_schedule *s, double *peak)
{
    double w = s->sc->weight_share, most = 0;
    for (int d = 0; d < s->n_stages; d++) {
        bool has_w = ps_schedule_has_w(s, d);
        double cur = 0, top = 0;
        for (size_t i = 0; i < s->dev_n[d]; i++) {
            const struct ps_op *op = &s->dev_ops[d][i];
            if (op->microbatch < 0 || op->microbatch >= s->n_microbatches)
                continue;
            double a = ps_scenario_memory_scale(s->sc, op->microbatch) / s->chunks;
            if (op->kind == PS_OP_F && op->part == 0 && (cur += a) > top)
                top = cur;
            if (op->part == op->parts - 1 && op->kind == PS_OP_B)
                cur -= has_w ? (1 - w) * a : a;
            else if (op->part == op->parts - 1 && op->kind == PS_OP_W)
                cur -= w * a;
        }
        if (peak != NULL)
            peak[d] = top;
        if (top > most)
            most = top;
    }
    return most;
}

size_t ps_schedule_n_ops(const struct ps_schedule *s)
{
    size_t n = 0;
    for (int i = 0; i < s->n_stages; i++)
        n += s->dev_n[i];
    return n;
}

void ps_schedule_clear(struct ps_schedule *s)
{
    for (int i = 0; i < s->n_stages; i++) {
        s->dev_n[i] = 0;
        s->dp_n[i] = 0;
    }
    s->timed = false;
    s->n_transfers = 0;
}

int64_t ps_schedule_op_ns(const struct ps_schedule *s, int stage, enum ps_op_kind kind, int chunk,
                          int microbatch)
{
    enum ps_time_kind tk = PS_TIME_F;
    if (kind == PS_OP_B)
        tk = s->split_backward ? PS_TIME_B : PS_TIME_B_COMBINED;
    else if (kind == PS_OP_W)
        tk = PS_TIME_W;
    else if (kind == PS_OP_R)
        tk = PS_TIME_R;
    if (s->op_ns_table != NULL)
        return s->op_ns_table[((size_t)stage * N_TIME_KINDS + (size_t)tk) * (size_t)s->chunks +
                              (size_t)chunk];
    return ps_scenario_chunk_time_ns(s->sc, stage, microbatch, tk, chunk, s->chunks);
}

static enum ps_status grow(struct ps_schedule *s, int stage)
{
    size_t cap = s->dev_cap[stage];
    if (s->dev_n[stage] < cap)
        return PS_OK;
    if (cap == 0) {
        /* the usual size: every op of the device once, unsplit */
        cap =
            (size_t)s->chunks * (size_t)s->n_microbatches * (s->split_backward ? 3 : 2) +
            (ps_scenario_has_recompute(s->sc) ? (size_t)s->chunks * (size_t)s->n_microbatches : 0);
        if (cap < 16)
            cap = 16;
    } else {
        cap *= 2;
    }
    struct ps_op *p = realloc(s->dev_ops[stage], cap * sizeof *p);
    if (p == NULL)
        return PS_ENOMEM;
    s->dev_ops[stage] = p;
    s->dev_cap[stage] = cap;
    return PS_OK;
}

enum ps_status ps_schedule_push_part(struct ps_schedule *s, int stage, enum ps_op_kind kind,
                                     int chunk, int microbatch, int part, int parts)
{
    if (stage < 0 || stage >= s->n_stages || chunk < 0 || chunk >= s->chunks || microbatch < 0 ||
        microbatch >= s->n_microbatches || parts < 1 || parts > 255 || part < 0 || part >= parts)
        return PS_EINVAL;
    if (kind != PS_OP_F && kind != PS_OP_B && kind != PS_OP_W && kind != PS_OP_R)
        return PS_EINVAL;
    if (kind == PS_OP_W && !ps_schedule_has_w(s, stage))
        return PS_EINVAL;
    if (kind == PS_OP_R && !ps_schedule_has_r(s, stage, microbatch))
        return PS_EINVAL;
    size_t n = s->dev_n[stage];
    if (grow(s, stage) != PS_OK)
        return PS_ENOMEM;
    struct ps_op *op = &s->dev_ops[stage][n];
    int64_t whole = ps_schedule_op_ns(s, stage, kind, chunk, microbatch);
    op->start_ns = 0;
    op->end_ns = 0;
    op->dur_ns = parts == 1 ? whole : ps_split_ns(whole, part, parts);
    op->microbatch = microbatch;
    op->stage = (int16_t)stage;
    op->chunk = (uint8_t)chunk;
    op->kind = (uint8_t)kind;
    op->part = (uint8_t)part;
    op->parts = (uint8_t)parts;
    s->dev_n[stage] = n + 1;
    s->timed = false;
    return PS_OK;
}

enum ps_status ps_schedule_push(struct ps_schedule *s, int stage, enum ps_op_kind kind, int chunk,
                                int microbatch)
{
    return ps_schedule_push_part(s, stage, kind, chunk, microbatch, 0, 1);
}

size_t ps_schedule_xfer_keys(const struct ps_schedule *s)
{
    return 2 * (size_t)ps_schedule_vstages(s) * (size_t)s->n_microbatches;
}

size_t ps_xfer_key(const struct ps_schedule *s, enum ps_xfer_kind kind, int from_vstage,
                   int microbatch)
{
    return ((size_t)kind * (size_t)ps_schedule_vstages(s) + (size_t)from_vstage) *
               (size_t)s->n_microbatches +
           (size_t)microbatch;
}

enum ps_status ps_schedule_enable_ranks(struct ps_schedule *s)
{
    size_t n = ps_schedule_xfer_keys(s);
    int64_t *r = realloc(s->xfer_rank, n * sizeof *r);
    if (r == NULL)
        return PS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        r[i] = INT64_MAX;
    s->xfer_rank = r;
    return PS_OK;
}

void ps_schedule_set_param(struct ps_schedule *s, const char *key, const char *value)
{
    struct ps_solver_info *si = &s->solver;
    int i = 0;
    while (i < si->n_params && strcmp(si->params[i].key, key) != 0)
        i++;
    if (i == si->n_params) {
        if (si->n_params == PS_PARAMS_MAX)
            return;
        si->n_params++;
    }
    snprintf(si->params[i].key, sizeof si->params[i].key, "%s", key);
    snprintf(si->params[i].value, sizeof si->params[i].value, "%s", value != NULL ? value : "");
}

/* ---- channels -------------------------------------------------------------------------- */

int ps_boundary_to(const struct ps_schedule *s, int kind, int from_vstage)
{
    int sv = ps_schedule_vstages(s);
    if (kind == PS_XFER_ACTIVATION)
        return from_vstage < sv - 1 ? from_vstage + 1 : -1;
    return from_vstage > 0 ? from_vstage - 1 : -1;
}

enum ps_status ps_build_channels(struct ps_schedule *s, int *bch)
{
    const struct ps_scenario *sc = s->sc;
    int sv = ps_schedule_vstages(s), n_st = s->n_stages;
    int nd = sc->n_dcs;
    /* lookup: inter-DC channels by (dcA, dcB); intra-DC ones by (a, b) in a hash */
    size_t hcap = 16;
    while (hcap < (size_t)sv * 4)
        hcap *= 2;
    int *inter = malloc((size_t)nd * (size_t)nd * sizeof *inter);
    int *hkey = malloc(hcap * sizeof *hkey);
    int *hval = malloc(hcap * sizeof *hval);
    int *dc = malloc((size_t)n_st * sizeof *dc);
    struct ps_channel *ch = malloc(2 * (size_t)sv * sizeof *ch);
    if (inter == NULL || hkey == NULL || hval == NULL || dc == NULL || ch == NULL) {
        free(inter);
        free(hkey);
        free(hval);
        free(dc);
        free(ch);
        return PS_ENOMEM;
    }
    for (int i = 0; i < nd * nd; i++)
        inter[i] = -1;
    for (size_t i = 0; i < hcap; i++)
        hkey[i] = -1;
    for (int i = 0, st = 0; i < nd; i++)
        for (int k = 0; k < sc->dcs[i].stages && st < n_st; k++)
            dc[st++] = i;
    int n = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (int v = 0; v < sv; v++) {
            int b = kind * sv + v;
            bch[b] = -1;
            int to = ps_boundary_to(s, kind, v);
            if (to < 0)
                continue;
            int a = ps_vstage_device(v, n_st, s->chunks, s->traversal);
            int z = ps_vstage_device(to, n_st, s->chunks, s->traversal);
            if (a == z)
                continue;
            struct ps_link link = ps_scenario_link(sc, a, z);
            if (!(link.bandwidth_gbps > 0) || !(sc->activation_mb > 0))
                continue;
            int *slot;
            if (dc[a] != dc[z]) {
                slot = &inter[dc[a] * nd + dc[z]];
            } else {
                int key = a * n_st + z;
                size_t h = ((size_t)key * 2654435761u) & (hcap - 1);
                while (hkey[h] != -1 && hkey[h] != key)
                    h = (h + 1) & (hcap - 1);
                if (hkey[h] == -1) {
                    hkey[h] = key;
                    hval[h] = -1;
                }
                slot = &hval[h];
            }
            if (*slot < 0) {
                struct ps_channel *c = &ch[n];
                memset(c, 0, sizeof *c);
                c->from_dc = (int16_t)dc[a];
                c->to_dc = (int16_t)dc[z];
                c->from_stage = (int16_t)(dc[a] != dc[z] ? -1 : a);
                c->to_stage = (int16_t)(dc[a] != dc[z] ? -1 : z);
                c->link = link;
                *slot = n++;
            }
            bch[b] = *slot;
        }
    }
    free(s->channels);
    s->channels = n > 0 ? realloc(ch, (size_t)n * sizeof *ch) : NULL;
    if (n == 0)
        free(ch);
    else if (s->channels == NULL)
        s->channels = ch;
    s->n_channels = n;
    free(inter);
    free(hkey);
    free(hval);
    free(dc);
    return PS_OK;
}

enum ps_status ps_schedule_assign_channels(struct ps_schedule *s)
{
    int sv = ps_schedule_vstages(s);
    int *bch = malloc(2 * (size_t)sv * sizeof *bch);
    if (bch == NULL)
        return PS_ENOMEM;
    enum ps_status st = ps_build_channels(s, bch);
    if (st != PS_OK) {
        free(bch);
        return st;
    }
    for (size_t i = 0; i < s->n_transfers; i++) {
        struct ps_transfer *t = &s->transfers[i];
        int kind = t->kind, v = t->from_vstage;
        if (kind > 1 || v < 0 || v >= sv || ps_boundary_to(s, kind, v) < 0 || t->microbatch < 0 ||
            t->microbatch >= s->n_microbatches) {
            free(bch);
            return PS_EINVAL;
        }
        int c = bch[ps_boundary(s, kind, v)];
        if (c >= 0 && ps_tx_ns(ps_scenario_message_mb(s->sc, t->microbatch),
                               s->channels[c].link.bandwidth_gbps) == 0)
            c = -1;
        t->channel = c;
        if (c >= 0) {
            /* ps_sim_metrics recomputes this with saturation; keep it from overflowing */
            int64_t dt = t->end_ns - t->start_ns;
            if (dt > 0 && s->channels[c].busy_ns <= INT64_MAX - dt)
                s->channels[c].busy_ns += dt;
            s->channels[c].n_transfers++;
        }
    }
    free(bch);
    return PS_OK;
}

void ps_channel_name(const struct ps_schedule *s, int channel, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (channel < 0 || channel >= s->n_channels) {
        snprintf(buf, size, "no link");
        return;
    }
    const struct ps_channel *c = &s->channels[channel];
    if (c->from_stage < 0)
        snprintf(buf, size, "%s->%s", s->sc->dcs[c->from_dc].name, s->sc->dcs[c->to_dc].name);
    else
        snprintf(buf, size, "stage %d->%d", c->from_stage, c->to_stage);
}

/* ---- names ------------------------------------------------------------------------------ */

static const char *const op_kind_names[] = {"F", "B", "W", "R", "AG", "RS"};
static const char *const traversal_names[] = {"loop", "wave"};
static const char *const xfer_kind_names[] = {"activation", "gradient"};
static const char *const solve_status_names[] = {"heuristic", "optimal", "feasible", "infeasible",
                                                 "cancelled"};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *ps_op_kind_str(enum ps_op_kind k)
{
    return (int)k >= 0 && (int)k < N_OF(op_kind_names) ? op_kind_names[k] : "?";
}

const char *ps_traversal_str(enum ps_traversal t)
{
    return (int)t >= 0 && (int)t < N_OF(traversal_names) ? traversal_names[t] : "?";
}

const char *ps_xfer_kind_str(enum ps_xfer_kind k)
{
    return (int)k >= 0 && (int)k < N_OF(xfer_kind_names) ? xfer_kind_names[k] : "?";
}

const char *ps_solve_status_str(enum ps_solve_status st)
{
    return (int)st >= 0 && (int)st < N_OF(solve_status_names) ? solve_status_names[st] : "?";
}

void ps_gap_str(double gap, char *buf, size_t size)
{
    double pct = 100.0 * gap;
    if (pct > 0 && pct < 0.01)
        snprintf(buf, size, "<0.01%%");
    else if (pct > 0 && pct < 0.095)
        snprintf(buf, size, "%.2f%%", pct);
    else
        snprintf(buf, size, "%.1f%%", pct);
}

static const char *const bubble_names[PS_BUBBLE_COUNT] = {
    "fill", "cross_dc", "intra_dc", "memory", "rendezvous", "dp", "end"};
static const char *const bubble_labels[PS_BUBBLE_COUNT] = {
    "fill", "cross-DC", "intra-DC", "memory", "rendezvous", "all-gather", "end"};

const char *ps_bubble_cause_str(enum ps_bubble_cause c)
{
    return (unsigned)c < PS_BUBBLE_COUNT ? bubble_names[c] : "?";
}

const char *ps_bubble_cause_label(enum ps_bubble_cause c)
{
    return (unsigned)c < PS_BUBBLE_COUNT ? bubble_labels[c] : "?";
}

static int parse_name(const char *str, const char *const *names, int n)
{
    if (str == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(str, names[i]) == 0)
            return i;
    return -1;
}

int ps_op_kind_parse(const char *str)
{
    return parse_name(str, op_kind_names, N_OF(op_kind_names));
}

int ps_traversal_parse(const char *str)
{
    return parse_name(str, traversal_names, N_OF(traversal_names));
}

int ps_solve_status_parse(const char *str)
{
    return parse_name(str, solve_status_names, N_OF(solve_status_names));
}

enum ps_status ps_schedule_precheck(const struct ps_schedule *s, struct ps_diag *d,
                                    size_t *n_missing)
{
    size_t V = (size_t)s->chunks, M = (size_t)s->n_microbatches, S = (size_t)s->n_stages;
    size_t need = 0, have = 0, missing = 0;
    for (size_t dv = 0; dv < S; dv++) {
        need += V * M * (ps_schedule_has_w(s, (int)dv) ? 3 : 2);
        have += s->dev_n[dv];
    }
    if (n_missing != NULL)
        *n_missing = 0;
    /* small tables, or enough ops: the full check is cheap, or needed */
    if (3 * S * V * M < ((size_t)1 << 20) || have >= need)
        return PS_OK;
    uint8_t *bits = malloc((3 * V * M + 7) / 8);
    if (bits == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    bool named = false;
    for (size_t dv = 0; dv < S; dv++) {
        size_t kinds = ps_schedule_has_w(s, (int)dv) ? 3 : 2, total = kinds * V * M, distinct = 0;
        if (s->dev_n[dv] >= total)
            continue;
        memset(bits, 0, (total + 7) / 8);
        for (size_t i = 0; i < s->dev_n[dv]; i++) {
            const struct ps_op *op = &s->dev_ops[dv][i];
            if (op->part != 0 || op->kind >= kinds || op->chunk >= V || op->microbatch < 0 ||
                (size_t)op->microbatch >= M)
                continue;
            size_t k = ((size_t)op->kind * V + op->chunk) * M + (size_t)op->microbatch;
            distinct += !(bits[k / 8] & (1u << (k % 8)));
            bits[k / 8] |= (uint8_t)(1u << (k % 8));
        }
        missing += total - distinct;
        for (size_t k = 0; !named && k < total; k++) {
            if (bits[k / 8] & (1u << (k % 8)))
                continue;
            named = true;
            char path[32];
            snprintf(path, sizeof path, "stage %zu", dv);
            ps_diag_set(d, PS_EINVAL, path, "%s of microbatch %zu (chunk %zu) is missing",
                        ps_op_kind_str((enum ps_op_kind)(k / (V * M))), k % M, k / M % V);
        }
    }
    free(bits);
    if (n_missing != NULL)
        *n_missing = missing;
    return named ? PS_EINVAL : PS_OK;
}

void ps_op_describe(const struct ps_op *op, char *buf, size_t size)
{
    if (op->parts > 1)
        snprintf(buf, size, "%s of microbatch %d (chunk %d, part %d of %d)",
                 ps_op_kind_str(op->kind), (int)op->microbatch, op->chunk, op->part + 1, op->parts);
    else
        snprintf(buf, size, "%s of microbatch %d (chunk %d)", ps_op_kind_str(op->kind),
                 (int)op->microbatch, op->chunk);
}
