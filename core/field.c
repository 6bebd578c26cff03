/* The table of editable scenario fields and what reads it: path resolution, the items of a
 * per-DC / per-pair / per-stage / per-microbatch field, labels, values and their screen
 * form. The edits themselves are in core/field_edit.c. */
#include "core/field.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"
#include "core/units.h"

/* ---- ladders --------------------------------------------------------------------------- */

static const double fine[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8};
static const double coarse[] = {1, 2, 5};
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static const struct ps_ladder step_count = {.linear = 1};
static const struct ps_ladder step_scale = {fine, N(fine), 0, 0.1, false, 0, NULL};
static const struct ps_ladder step_time = {fine, N(fine), 0, 0.01, false, 0, NULL};
static const struct ps_ladder step_time0 = {fine, N(fine), 0, 0.01, true, 0, NULL};
static const struct ps_ladder step_size = {coarse, N(coarse), 0, 1, true, 0, NULL};
static const struct ps_ladder step_intra_lat = {coarse, N(coarse), 0, 0.001, true, 0, NULL};
static const struct ps_ladder step_lat = {coarse, N(coarse), 0, 0.01, true, 0, NULL};
static const struct ps_ladder step_bw = {coarse, N(coarse), 0, 1, false, 1000, NULL};
static const struct ps_ladder step_memory = {.linear = 1};
static const struct ps_ladder step_budget = {.linear = 0.25};
static const struct ps_ladder step_share = {.linear = 0.05};
static const struct ps_ladder step_dp = {fine, N(fine), 0, 1, true, 0, NULL};
static const struct ps_ladder step_mb_scale = {fine, N(fine), 0, 0.1, false, 0, NULL};
static const struct ps_ladder step_mb_scale0 = {fine, N(fine), 0, 0.1, true, 0, NULL};

/* ---- the table ------------------------------------------------------------------------- */

#define SC(member) offsetof(struct ps_scenario, member)
#define DC(member) offsetof(struct ps_dc, member)
#define CO(member) offsetof(struct ps_compute, member)
#define LK(member) offsetof(struct ps_link, member)
#define MB(member) offsetof(struct ps_mb_scale, member)
#define BIG 1e12

static const char *const arrangement_words[] = {"decoupled", "rendezvous", "blocking", NULL};
static const struct ps_ladder step_arrangement = {.words = arrangement_words};

/* Adding a field: one row here, and its rule in ps_scenario_validate. A NUMBER row of a
 * generic scope needs nothing else: its value is the double at `offset`. */
static const struct ps_field_def fields[] = {
    {"name", "name", "Scenario", "the scenario's name", PS_FIELD_TEXT, PS_SCOPE_SCENARIO,
     PS_UNIT_NONE, 0, 0, false, NULL, 0, 0},
    {"description", "description", "Scenario", "free text", PS_FIELD_TEXT, PS_SCOPE_SCENARIO,
     PS_UNIT_NONE, 0, 0, false, NULL, 0, 0},
    {"datacenters", "datacenters", "Topology",
     "how many datacenters (the stages are spread over them) or their stage counts (4+4)",
     PS_FIELD_LAYOUT, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 1, PS_MAX_DCS, false, &step_count, 0, 0},
    {"datacenters.#.name", "name", "Topology", "the datacenter's name (unique)", PS_FIELD_TEXT,
     PS_SCOPE_DC, PS_UNIT_NONE, 0, 0, false, NULL, 0, 0},
    {"datacenters.#.stages", "stages", "Topology", "stages placed in this datacenter",
     PS_FIELD_COUNT, PS_SCOPE_DC, PS_UNIT_NONE, 1, PS_MAX_STAGES, false, &step_count, 0,
     PS_FIELD_INTEGER},
    {"datacenters.#.compute_scale", "compute x", "Topology",
     "multiplies the compute times of this datacenter's stages", PS_FIELD_NUMBER, PS_SCOPE_DC,
     PS_UNIT_FACTOR, 0, BIG, true, &step_scale, DC(compute_scale), 0},
    {"stages", "stages S", "Topology", "pipeline stages (spread over the datacenters)",
     PS_FIELD_COUNT, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 1, PS_MAX_STAGES, false, &step_count, 0,
     PS_FIELD_INTEGER},
    {"microbatches", "microbatches M", "Topology", "microbatches per iteration", PS_FIELD_COUNT,
     PS_SCOPE_SCENARIO, PS_UNIT_NONE, 1, PS_MAX_MICROBATCHES, false, &step_count, 0,
     PS_FIELD_INTEGER},

    {"compute.forward_ms", "forward F", "Compute per stage", "one microbatch through one stage",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG, true, &step_time,
     SC(compute.forward_ms), PS_FIELD_OVERRIDEN},
    {"compute.backward_ms", "backward B", "Compute per stage", "input-gradient backward",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG, true, &step_time,
     SC(compute.backward_ms), PS_FIELD_OVERRIDEN},
    {"compute.weight_ms", "weight W", "Compute per stage", "weight-gradient backward (may be 0)",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG, false, &step_time0,
     SC(compute.weight_ms), PS_FIELD_OVERRIDEN},
    {"activation_mb", "activation", "Compute per stage",
     "message between adjacent stages, per microbatch", PS_FIELD_NUMBER, PS_SCOPE_SCENARIO,
     PS_UNIT_MB, 0, BIG, false, &step_size, SC(activation_mb), 0},
    {"compute.per_stage", "per-stage times", "Compute per stage",
     "none: every stage takes the times above", PS_FIELD_PART, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 0,
     0, false, NULL, 0, 0},
    {"compute.per_stage.#.forward_ms", "forward", "Per stage", "this stage's forward time",
     PS_FIELD_NUMBER, PS_SCOPE_STAGE, PS_UNIT_MS, 0, BIG, true, &step_time, CO(forward_ms), 0},
    {"compute.per_stage.#.backward_ms", "backward", "Per stage", "this stage's backward time",
     PS_FIELD_NUMBER, PS_SCOPE_STAGE, PS_UNIT_MS, 0, BIG, true, &step_time, CO(backward_ms), 0},
    {"compute.per_stage.#.weight_ms", "weight", "Per stage", "this stage's weight-gradient time",
     PS_FIELD_NUMBER, PS_SCOPE_STAGE, PS_UNIT_MS, 0, BIG, false, &step_time0, CO(weight_ms), 0},

    {"network.intra_dc.latency_ms", "intra-DC latency", "Network", "between stages of one DC",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG, false, &step_intra_lat,
     SC(intra_dc.latency_ms), 0},
    {"network.intra_dc.bandwidth_gbps", "intra-DC bandwidth", "Network", "0 = unlimited",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_GBPS, 0, BIG, false, &step_bw,
     SC(intra_dc.bandwidth_gbps), 0},
    {"network.inter_dc.latency_ms", "inter-DC latency", "Network", "between datacenters",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG, false, &step_lat,
     SC(inter_dc.latency_ms), PS_FIELD_MULTI_DC | PS_FIELD_OVERRIDEN},
    {"network.inter_dc.bandwidth_gbps", "inter-DC bandwidth", "Network", "0 = unlimited",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_GBPS, 0, BIG, false, &step_bw,
     SC(inter_dc.bandwidth_gbps), PS_FIELD_MULTI_DC | PS_FIELD_OVERRIDEN},
    {"network.arrangement", "arrangement", "Network",
     "decoupled: receives posted ahead; rendezvous: a send waits for its receive; blocking: and "
     "holds the sender",
     PS_FIELD_CHOICE, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 0, PS_ARRANGE_COUNT - 1, false,
     &step_arrangement, SC(arrangement), 0},
    {"network.pairs", "DC pairs", "Network", "none: every pair follows inter_dc", PS_FIELD_PART,
     PS_SCOPE_SCENARIO, PS_UNIT_NONE, 0, 0, false, NULL, 0, PS_FIELD_MULTI_DC},
    {"network.pairs.#.latency_ms", "lat", "Network", "this ordered pair's latency", PS_FIELD_NUMBER,
     PS_SCOPE_PAIR, PS_UNIT_MS, 0, BIG, false, &step_lat, LK(latency_ms), PS_FIELD_MULTI_DC},
    {"network.pairs.#.bandwidth_gbps", "bw", "Network", "this ordered pair's bandwidth",
     PS_FIELD_NUMBER, PS_SCOPE_PAIR, PS_UNIT_GBPS, 0, BIG, false, &step_bw, LK(bandwidth_gbps),
     PS_FIELD_MULTI_DC},
    {"network.pairs.#.from", "from", "Network", "the sending datacenter", PS_FIELD_DC_REF,
     PS_SCOPE_PAIR, PS_UNIT_NONE, 0, 0, false, NULL, 0, PS_FIELD_MULTI_DC},
    {"network.pairs.#.to", "to", "Network", "the receiving datacenter", PS_FIELD_DC_REF,
     PS_SCOPE_PAIR, PS_UNIT_NONE, 0, 0, false, NULL, 0, PS_FIELD_MULTI_DC},

    {"memory.limit", "limit", "Memory", "activation units per device; none = unlimited",
     PS_FIELD_LIMIT, PS_SCOPE_SCENARIO, PS_UNIT_MEMORY, 0, BIG, true, &step_memory, 0, 0},
    {"memory.limit", "limit / 1F1B budget", "Memory", "the limit as a multiple of 1F1B's need",
     PS_FIELD_LIMIT, PS_SCOPE_SCENARIO, PS_UNIT_BUDGET, 0, BIG, true, &step_budget, 0,
     PS_FIELD_VIEW},
    {"memory.weight_share", "weight share w", "Memory", "share of activations kept until W",
     PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_SHARE, 0, 1, false, &step_share, SC(weight_share),
     0},

    {"data_parallel", "data parallel", "Data parallel (ZeRO-1)", "none: no data parallelism",
     PS_FIELD_PART, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 0, 0, false, NULL, 0, 0},
    {"data_parallel.allgather_ms", "all-gather AG", "Data parallel (ZeRO-1)",
     "per stage, before its first forward", PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG,
     false, &step_dp, SC(allgather_ms), 0},
    {"data_parallel.reduce_scatter_ms", "reduce-scatter RS", "Data parallel (ZeRO-1)",
     "per stage, after its last backward", PS_FIELD_NUMBER, PS_SCOPE_SCENARIO, PS_UNIT_MS, 0, BIG,
     false, &step_dp, SC(reduce_scatter_ms), 0},

    {"per_microbatch", "per-microbatch scales", "Per microbatch",
     "none: every microbatch has scales 1", PS_FIELD_PART, PS_SCOPE_SCENARIO, PS_UNIT_NONE, 0, 0,
     false, NULL, 0, 0},
    {"per_microbatch.#.compute_scale", "compute x", "Per microbatch",
     "multiplies this microbatch's compute times", PS_FIELD_NUMBER, PS_SCOPE_MICROBATCH,
     PS_UNIT_FACTOR, 0, BIG, true, &step_mb_scale, MB(compute_scale), 0},
    {"per_microbatch.#.activation_scale", "activation x", "Per microbatch",
     "multiplies this microbatch's message size", PS_FIELD_NUMBER, PS_SCOPE_MICROBATCH,
     PS_UNIT_FACTOR, 0, BIG, false, &step_mb_scale0, MB(activation_scale), 0},
    {"per_microbatch.#.memory_scale", "memory x", "Per microbatch",
     "its activation memory (follows compute x unless set)", PS_FIELD_NUMBER, PS_SCOPE_MICROBATCH,
     PS_UNIT_FACTOR, 0, BIG, true, &step_mb_scale, MB(memory_scale), 0},
};

size_t ps_field_count(void)
{
    return sizeof fields / sizeof fields[0];
}

const struct ps_field_def *ps_field_at(size_t i)
{
    return i < ps_field_count() ? &fields[i] : NULL;
}

const struct ps_field_def *ps_field_find(const char *path)
{
    for (size_t i = 0; i < ps_field_count(); i++)
        if (!(fields[i].flags & PS_FIELD_VIEW) && strcmp(fields[i].path, path) == 0)
            return &fields[i];
    return NULL;
}

/* ---- items ----------------------------------------------------------------------------- */

int ps_field_items(const struct ps_field_def *def, const struct ps_scenario *sc)
{
    switch (def->scope) {
    case PS_SCOPE_DC:
        return sc->n_dcs;
    case PS_SCOPE_PAIR:
        return sc->n_dcs * (sc->n_dcs - 1);
    case PS_SCOPE_STAGE:
        return sc->n_stages;
    case PS_SCOPE_MICROBATCH:
        return sc->n_microbatches;
    default:
        return 1;
    }
}

struct ps_field_ref ps_field_item(const struct ps_field_def *def, const struct ps_scenario *sc,
                                  int k)
{
    struct ps_field_ref r = {def, -1, -1};
    if (def->scope == PS_SCOPE_PAIR) {
        int others = sc->n_dcs - 1;
        if (others > 0) {
            r.index = k / others;
            r.index2 = k % others;
            if (r.index2 >= r.index)
                r.index2++;
        }
    } else if (def->scope != PS_SCOPE_SCENARIO) {
        r.index = k;
    }
    return r;
}

/* ---- paths ----------------------------------------------------------------------------- */

/* The index a path segment spells: digits only, at most 9 of them. */
static bool segment_index(const char *seg, size_t len, int *out)
{
    if (len == 0 || len > 9)
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return false;
        v = v * 10 + (seg[i] - '0');
    }
    *out = v;
    return true;
}

#define MAX_SEGS 8

/* A path cut at its dots: segment k is seg[k], len[k] long. */
struct segs {
    int n;
    const char *seg[MAX_SEGS];
    size_t len[MAX_SEGS];
};

static bool split(const char *path, struct segs *s)
{
    s->n = 0;
    for (const char *p = path;;) {
        if (s->n == MAX_SEGS)
            return false;
        size_t l = strcspn(p, ".");
        s->seg[s->n] = p;
        s->len[s->n++] = l;
        if (p[l] == '\0')
            return true;
        p += l + 1;
    }
}

/* How many leading segments of the path row f's template matches. */
static int matched(const struct ps_field_def *f, const struct segs *path)
{
    struct segs t;
    split(f->path, &t);
    int k = 0;
    while (k < t.n && k < path->n) {
        int idx;
        bool ok =
            t.len[k] == 1 && t.seg[k][0] == '#'
                ? segment_index(path->seg[k], path->len[k], &idx)
                : t.len[k] == path->len[k] && strncmp(t.seg[k], path->seg[k], path->len[k]) == 0;
        if (!ok)
            break;
        k++;
    }
    return k == t.n && k == path->n ? MAX_SEGS + 1 : k;
}

/* The names that may stand at segment k after a path whose first k segments match. */
static void known_at(const struct segs *path, int k, char *list, size_t size)
{
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < ps_field_count(); i++) {
        if ((fields[i].flags & PS_FIELD_VIEW) || matched(&fields[i], path) < k)
            continue;
        struct segs t;
        split(fields[i].path, &t);
        if (t.n <= k || (t.len[k] == 1 && t.seg[k][0] == '#'))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            struct segs u;
            split(fields[j].path, &u);
            seen = !(fields[j].flags & PS_FIELD_VIEW) && matched(&fields[j], path) >= k &&
                   u.n > k && u.len[k] == t.len[k] && strncmp(u.seg[k], t.seg[k], t.len[k]) == 0;
        }
        if (!seen && used + t.len[k] + 3 < size)
            used += (size_t)snprintf(list + used, size - used, "%s%.*s", used ? ", " : "",
                                     (int)t.len[k], t.seg[k]);
    }
}

/* How many items the index of a row counts in sc ("datacenters.#" -> its DCs). */
static int index_limit(const struct ps_field_def *def, const struct ps_scenario *sc)
{
    switch (def->scope) {
    case PS_SCOPE_DC:
        return sc->n_dcs;
    case PS_SCOPE_PAIR:
        return sc->n_pairs;
    case PS_SCOPE_STAGE:
        return sc->n_stages;
    case PS_SCOPE_MICROBATCH:
        return sc->n_microbatches;
    default:
        return 0;
    }
}

enum ps_status ps_field_resolve(const struct ps_scenario *sc, const char *path,
                                struct ps_field_ref *out, struct ps_diag *d)
{
    struct segs ps;
    if (path == NULL || path[0] == '\0')
        return ps_diag_set(d, PS_EINVAL, "", "empty field path");
    if (strlen(path) >= 128 || !split(path, &ps))
        return ps_diag_set(d, PS_EINVAL, "", "field path too long");
    for (int k = 0; k < ps.n; k++)
        if (ps.len[k] == 0)
            return ps_diag_set(d, PS_EINVAL, path, "empty segment in the path");
    const struct ps_field_def *hit = NULL;
    int best = 0;
    for (size_t i = 0; i < ps_field_count() && hit == NULL; i++) {
        if (fields[i].flags & PS_FIELD_VIEW)
            continue;
        int m = matched(&fields[i], &ps);
        if (m > MAX_SEGS)
            hit = &fields[i];
        else if (m > best)
            best = m;
    }
    if (hit == NULL) {
        char known[256];
        known_at(&ps, best, known, sizeof known);
        if (best == ps.n)
            return ps_diag_set(d, PS_EINVAL, path, "is a group of fields (set one of: %s)", known);
        int here = (int)(ps.seg[best] - path) + (int)ps.len[best];
        char at_path[160];
        snprintf(at_path, sizeof at_path, "%.*s", here, path);
        bool deeper = false; /* does any row go on past the matched segments? */
        int n = 0;
        for (size_t i = 0; i < ps_field_count(); i++) {
            struct segs t;
            split(fields[i].path, &t);
            if (!(fields[i].flags & PS_FIELD_VIEW) && matched(&fields[i], &ps) >= best &&
                t.n > best) {
                deeper = true;
                n = index_limit(&fields[i], sc);
            }
        }
        if (!deeper)
            return ps_diag_set(d, PS_EINVAL, at_path, "unknown field (%.*s has no fields)",
                               (int)(ps.seg[best] - path) - 1, path);
        if (known[0] == '\0') {
            /* Only an index may stand here. */
            return n > 0 ? ps_diag_set(d, PS_EINVAL, at_path, "expected an index (0..%d)", n - 1)
                         : ps_diag_set(d, PS_EINVAL, at_path, "expected an index (%.*s is empty)",
                                       (int)(ps.seg[best] - path) - 1, path);
        }
        char typed[64], near[64];
        snprintf(typed, sizeof typed, "%.*s", (int)ps.len[best], ps.seg[best]);
        if (ps_suggest_in_list(typed, known, near, sizeof near))
            return ps_diag_set(d, PS_EINVAL, at_path,
                               "unknown field (known: %s); did you mean '%s'?", known, near);
        return ps_diag_set(d, PS_EINVAL, at_path, "unknown field (known: %s)", known);
    }
    int index = -1, k_index = -1;
    struct segs t;
    split(hit->path, &t);
    for (int k = 0; k < t.n; k++)
        if (t.len[k] == 1 && t.seg[k][0] == '#') {
            segment_index(ps.seg[k], ps.len[k], &index);
            k_index = k;
        }
    if (k_index >= 0) {
        int n = index_limit(hit, sc);
        if (index >= n) {
            char at_path[160];
            int here = (int)(ps.seg[k_index] - path) + (int)ps.len[k_index];
            snprintf(at_path, sizeof at_path, "%.*s", here, path);
            if (n == 0)
                return ps_diag_set(d, PS_EINVAL, at_path, "index out of range (%.*s is empty)",
                                   (int)(ps.seg[k_index] - path) - 1, path);
            return ps_diag_set(d, PS_EINVAL, at_path, "index out of range (0..%d)", n - 1);
        }
    }
    out->def = hit;
    out->index = -1;
    out->index2 = -1;
    if (hit->scope == PS_SCOPE_PAIR) {
        out->index = sc->pairs[index].from;
        out->index2 = sc->pairs[index].to;
    } else if (hit->scope != PS_SCOPE_SCENARIO) {
        out->index = index;
    }
    return PS_OK;
}

void ps_field_path(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                   size_t size)
{
    int index = r->index;
    if (r->def->scope == PS_SCOPE_PAIR) {
        index = ps_scenario_find_pair(sc, r->index, r->index2);
        if (index < 0)
            index = sc->n_pairs;
    }
    const char *hash = strchr(r->def->path, '#');
    if (hash == NULL || index < 0)
        snprintf(buf, size, "%s", r->def->path);
    else
        snprintf(buf, size, "%.*s%d%s", (int)(hash - r->def->path), r->def->path, index, hash + 1);
}

void ps_field_label(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                    size_t size)
{
    switch (r->def->scope) {
    case PS_SCOPE_DC:
        snprintf(buf, size, "%.20s %s", sc->dcs[r->index].name, r->def->label);
        return;
    case PS_SCOPE_PAIR:
        snprintf(buf, size, "%.12s>%.12s %s", sc->dcs[r->index].name, sc->dcs[r->index2].name,
                 r->def->label);
        return;
    case PS_SCOPE_STAGE:
        snprintf(buf, size, "stage %d %s", r->index, r->def->label);
        return;
    case PS_SCOPE_MICROBATCH:
        snprintf(buf, size, "mb %d %s", r->index, r->def->label);
        return;
    default:
        snprintf(buf, size, "%s", r->def->label);
        return;
    }
}

/* ---- values ---------------------------------------------------------------------------- */

/* A CHOICE's index: an enum stored as an int at its offset. */
_Static_assert(sizeof(enum ps_arrangement) == sizeof(int), "CHOICE fields are int-sized enums");

static int choice_at(const void *base, size_t offset)
{
    int v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return v;
}

static double at(const void *base, size_t offset)
{
    double v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return v;
}

double ps_field_get(const struct ps_scenario *sc, const struct ps_field_ref *r, bool *is_none)
{
    const struct ps_field_def *f = r->def;
    if (is_none != NULL)
        *is_none = false;
    switch (f->type) {
    case PS_FIELD_TEXT:
    case PS_FIELD_DC_REF:
    case PS_FIELD_LAYOUT:
        return NAN;
    case PS_FIELD_PART:
        if (is_none != NULL)
            *is_none = ps_field_inherited(sc, r);
        return NAN;
    case PS_FIELD_LIMIT:
        if (!sc->has_memory_limit) {
            if (is_none != NULL)
                *is_none = true;
            return NAN;
        }
        if (f->unit == PS_UNIT_BUDGET) {
            double budget = ps_scenario_1f1b_budget(sc);
            return budget > 0 ? sc->memory_limit / budget : NAN;
        }
        return sc->memory_limit;
    case PS_FIELD_CHOICE:
        return choice_at(sc, f->offset);
    case PS_FIELD_COUNT:
        if (f->scope == PS_SCOPE_DC)
            return sc->dcs[r->index].stages;
        return strcmp(f->path, "stages") == 0 ? sc->n_stages : sc->n_microbatches;
    case PS_FIELD_NUMBER:
        break;
    }
    switch (f->scope) {
    case PS_SCOPE_DC:
        return at(&sc->dcs[r->index], f->offset);
    case PS_SCOPE_PAIR: {
        struct ps_link l = ps_scenario_dc_link(sc, r->index, r->index2);
        return at(&l, f->offset);
    }
    case PS_SCOPE_STAGE: {
        struct ps_compute c = ps_scenario_stage_compute(sc, r->index);
        return at(&c, f->offset);
    }
    case PS_SCOPE_MICROBATCH:
        if (f->offset == MB(memory_scale))
            return ps_scenario_memory_scale(sc, r->index);
        return sc->per_microbatch != NULL ? at(&sc->per_microbatch[r->index], f->offset) : 1.0;
    default:
        if ((f->offset == SC(allgather_ms) || f->offset == SC(reduce_scatter_ms)) &&
            !sc->has_data_parallel)
            return 0;
        return at(sc, f->offset);
    }
}

bool ps_field_inherited(const struct ps_scenario *sc, const struct ps_field_ref *r)
{
    const struct ps_field_def *f = r->def;
    if (f->type == PS_FIELD_PART) {
        if (strcmp(f->path, "compute.per_stage") == 0)
            return sc->per_stage == NULL;
        if (strcmp(f->path, "per_microbatch") == 0)
            return sc->per_microbatch == NULL;
        if (strcmp(f->path, "network.pairs") == 0)
            return sc->n_pairs == 0;
        return !sc->has_data_parallel;
    }
    switch (f->scope) {
    case PS_SCOPE_PAIR: {
        int i = ps_scenario_find_pair(sc, r->index, r->index2);
        if (i < 0)
            return true;
        return f->offset == LK(latency_ms) ? !sc->pairs[i].has_latency
                                           : !sc->pairs[i].has_bandwidth;
    }
    case PS_SCOPE_STAGE:
        return sc->per_stage == NULL;
    case PS_SCOPE_MICROBATCH:
        if (sc->per_microbatch == NULL)
            return true;
        return f->offset == MB(memory_scale) && !sc->per_microbatch[r->index].has_memory_scale;
    default:
        return f->type == PS_FIELD_NUMBER &&
               (f->offset == SC(allgather_ms) || f->offset == SC(reduce_scatter_ms)) &&
               !sc->has_data_parallel;
    }
}

void ps_fmt_ms_short(char *buf, size_t size, double ms)
{
    double a = fabs(ms);
    if (a >= 100)
        snprintf(buf, size, "%.1f", ms);
    else if (a >= 1)
        snprintf(buf, size, "%.2f", ms);
    else
        snprintf(buf, size, "%.3g", ms);
    if (strchr(buf, '.') == NULL || strchr(buf, 'e') != NULL)
        return;
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

void ps_field_format(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                     size_t size)
{
    const struct ps_field_def *f = r->def;
    bool none = false;
    double v = ps_field_get(sc, r, &none);
    char t[48];
    switch (f->type) {
    case PS_FIELD_TEXT:
        if (f->scope == PS_SCOPE_DC)
            snprintf(buf, size, "%s", sc->dcs[r->index].name);
        else if (strcmp(f->path, "name") == 0)
            snprintf(buf, size, "%s", sc->name);
        else
            snprintf(buf, size, "%s", sc->description ? sc->description : "");
        return;
    case PS_FIELD_DC_REF:
        snprintf(buf, size, "%s",
                 sc->dcs[strstr(f->path, ".from") != NULL ? r->index : r->index2].name);
        return;
    case PS_FIELD_LAYOUT:
        snprintf(buf, size, "%d", sc->n_dcs);
        return;
    case PS_FIELD_PART:
        snprintf(buf, size, "%s", none ? "none" : "given");
        return;
    case PS_FIELD_COUNT:
        snprintf(buf, size, "%d", (int)v);
        return;
    case PS_FIELD_CHOICE:
        snprintf(buf, size, "%s", f->ladder->words[(int)v]);
        return;
    case PS_FIELD_LIMIT:
        if (f->unit == PS_UNIT_BUDGET)
            snprintf(buf, size, none || isnan(v) ? "-" : "%.3gx", v);
        else if (none)
            snprintf(buf, size, "none");
        else
            snprintf(buf, size, "%.4g units", v);
        return;
    case PS_FIELD_NUMBER:
        break;
    }
    if (ps_field_inherited(sc, r) && f->unit == PS_UNIT_MS && f->scope == PS_SCOPE_SCENARIO) {
        snprintf(buf, size, "off"); /* data parallel */
        return;
    }
    switch (f->unit) {
    case PS_UNIT_MS:
        ps_fmt_ms_short(t, sizeof t, v);
        snprintf(buf, size, "%s ms", t);
        return;
    case PS_UNIT_MB:
        snprintf(buf, size, "%.4g MB", v);
        return;
    case PS_UNIT_GBPS:
        if (v <= 0)
            snprintf(buf, size, "unlimited");
        else
            snprintf(buf, size, "%.4g Gb/s", v);
        return;
    default:
        snprintf(buf, size, "%.4g", v);
        return;
    }
}

/* The shortest text that strtod reads back as v ("38", "0.1", "1.2345678901234567"). */
static void exact_number(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

char *ps_field_value_text(const struct ps_scenario *sc, const struct ps_field_ref *r, char *buf,
                          size_t size)
{
    const struct ps_field_def *f = r->def;
    bool none = false;
    double v = ps_field_get(sc, r, &none);
    switch (f->type) {
    case PS_FIELD_TEXT:
    case PS_FIELD_DC_REF:
        ps_field_format(sc, r, buf, size);
        return buf;
    case PS_FIELD_LAYOUT: {
        size_t used = 0;
        buf[0] = '\0';
        for (int i = 0; i < sc->n_dcs && used + 12 < size; i++)
            used +=
                (size_t)snprintf(buf + used, size - used, "%s%d", i ? "+" : "", sc->dcs[i].stages);
        return buf;
    }
    case PS_FIELD_PART:
        snprintf(buf, size, "%s", none ? "none" : "given");
        return buf;
    case PS_FIELD_LIMIT:
        if (none || !sc->has_memory_limit)
            snprintf(buf, size, "none");
        else
            exact_number(sc->memory_limit, buf, size); /* the budget view too: in units */
        return buf;
    case PS_FIELD_COUNT:
        snprintf(buf, size, "%d", (int)v);
        return buf;
    case PS_FIELD_CHOICE: /* its word */
        ps_field_format(sc, r, buf, size);
        return buf;
    case PS_FIELD_NUMBER:
        break;
    }
    exact_number(v, buf, size);
    return buf;
}
