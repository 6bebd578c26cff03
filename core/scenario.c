/* The scenario: lifetime, validation of every rule of SPEC section 2 (naming the field),
 * and the exact integer durations the model derives from the user's milliseconds. */
#include "core/scenario.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "core/workload.h"

void ps_scenario_init(struct ps_scenario *sc)
{
    assert(sc != NULL);
    memset(sc, 0, sizeof *sc);
    sc->weight_share = 0.5;
}

void ps_scenario_fini(struct ps_scenario *sc)
{
    if (sc == NULL)
        return;
    free(sc->description);
    free(sc->dcs);
    free(sc->per_stage);
    free(sc->pairs);
    free(sc->per_microbatch);
    free(sc->origin);
    free(sc->edits);
    free(sc->mb_stage);
    ps_workload_free(sc->workload);
    ps_scenario_init(sc);
}

static void *dup_array(const void *src, size_t n, size_t size, bool *failed)
{
    if (src == NULL || n == 0)
        return NULL;
    void *p = malloc(n * size);
    if (p == NULL) {
        *failed = true;
        return NULL;
    }
    memcpy(p, src, n * size);
    return p;
}

enum ps_status ps_scenario_copy(struct ps_scenario *dst, const struct ps_scenario *src)
{
    assert(dst != NULL && src != NULL);
    bool failed = false;
    *dst = *src;
    dst->description = NULL;
    if (src->description != NULL) {
        size_t n = strlen(src->description) + 1;
        dst->description = dup_array(src->description, n, 1, &failed);
    }
    dst->dcs =
        dup_array(src->dcs, (size_t)(src->n_dcs > 0 ? src->n_dcs : 0), sizeof *src->dcs, &failed);
    dst->per_stage = dup_array(src->per_stage, (size_t)(src->n_stages > 0 ? src->n_stages : 0),
                               sizeof *src->per_stage, &failed);
    dst->pairs = dup_array(src->pairs, (size_t)(src->n_pairs > 0 ? src->n_pairs : 0),
                           sizeof *src->pairs, &failed);
    dst->per_microbatch =
        dup_array(src->per_microbatch, (size_t)(src->n_microbatches > 0 ? src->n_microbatches : 0),
                  sizeof *src->per_microbatch, &failed);
    dst->origin = src->origin ? dup_array(src->origin, strlen(src->origin) + 1, 1, &failed) : NULL;
    dst->edits = src->edits ? dup_array(src->edits, strlen(src->edits) + 1, 1, &failed) : NULL;
    dst->mb_stage = NULL;
    if (src->mb_stage != NULL && src->per_microbatch != NULL)
        dst->mb_stage =
            dup_array(src->mb_stage, (size_t)src->n_microbatches * (size_t)src->n_stages,
                      sizeof *src->mb_stage, &failed);
    dst->workload = NULL;
    if (src->workload != NULL && (dst->workload = ps_workload_dup(src->workload)) == NULL)
        failed = true;
    if (failed) {
        ps_scenario_fini(dst);
        return PS_ENOMEM;
    }
    return PS_OK;
}

enum ps_status ps_scenario_set_origin(struct ps_scenario *sc, const char *origin)
{
    free(sc->origin);
    free(sc->edits);
    sc->origin = NULL;
    sc->edits = NULL;
    if (origin == NULL)
        return PS_OK;
    sc->origin = malloc(strlen(origin) + 1);
    if (sc->origin == NULL)
        return PS_ENOMEM;
    memcpy(sc->origin, origin, strlen(origin) + 1);
    return PS_OK;
}

char *ps_scenario_base_name(const struct ps_scenario *sc, char *buf, size_t size)
{
    size_t n = strlen(sc->name), k = strlen(PS_EDITED_SUFFIX);
    if (n >= k && strcmp(sc->name + n - k, PS_EDITED_SUFFIX) == 0)
        n -= k;
    snprintf(buf, size, "%.*s", (int)n, sc->name);
    return buf;
}

/* "NAME (edited)", the base name cut so that the suffix always fits. */
static void mark_edited(struct ps_scenario *sc)
{
    char base[sizeof sc->name];
    ps_scenario_base_name(sc, base, sizeof base);
    size_t room = sizeof sc->name - strlen(PS_EDITED_SUFFIX) - 1;
    snprintf(sc->name, sizeof sc->name, "%.*s%s", (int)room, base, PS_EDITED_SUFFIX);
}

enum ps_status ps_scenario_record_edit(struct ps_scenario *sc, const char *path, const char *value)
{
    if (strcmp(path, "name") != 0)
        mark_edited(sc);
    size_t plen = strlen(path), old = sc->edits ? strlen(sc->edits) : 0;
    /* A run of edits of one path (a value stepped up five times) keeps its last value. */
    if (old > 0) {
        const char *last = strrchr(sc->edits, '\n');
        last = last ? last + 1 : sc->edits;
        if (strncmp(last, path, plen) == 0 && last[plen] == '=')
            old = (size_t)(last - sc->edits) - (last > sc->edits ? 1 : 0);
    }
    size_t need = old + (old ? 1 : 0) + plen + 1 + strlen(value) + 1;
    char *e = realloc(sc->edits, need);
    if (e == NULL) {
        static const char lost[] = "(edits lost: out of memory)";
        if (sc->edits != NULL && strlen(sc->edits) >= sizeof lost)
            memcpy(sc->edits + strlen(sc->edits) - (sizeof lost - 1), lost, sizeof lost);
        return PS_ENOMEM;
    }
    sc->edits = e;
    int n = snprintf(e + old, need - old, "%s%s=%s", old ? "\n" : "", path, value);
    /* One edit, one line, whatever the value held (a JSON part typed over lines). */
    for (char *q = e + old + (old ? 1 : 0); n > 0 && *q; q++)
        if (*q == '\n' || *q == '\r')
            *q = ' ';
    return PS_OK;
}

enum ps_status ps_scenario_make_uniform(struct ps_scenario *sc, int n_dcs, int stages_per_dc,
                                        int microbatches, double f_ms, double b_ms, double w_ms)
{
    ps_scenario_init(sc);
    if (n_dcs < 1 || n_dcs > PS_MAX_DCS || stages_per_dc < 1)
        return PS_EINVAL;
    sc->dcs = calloc((size_t)n_dcs, sizeof *sc->dcs);
    if (sc->dcs == NULL)
        return PS_ENOMEM;
    snprintf(sc->name, sizeof sc->name, "uniform");
    sc->n_dcs = n_dcs;
    for (int i = 0; i < n_dcs; i++) {
        snprintf(sc->dcs[i].name, sizeof sc->dcs[i].name, "dc%d", i);
        sc->dcs[i].stages = stages_per_dc;
        sc->dcs[i].compute_scale = 1.0;
    }
    sc->n_stages = n_dcs * stages_per_dc;
    sc->n_microbatches = microbatches;
    sc->compute.forward_ms = f_ms;
    sc->compute.backward_ms = b_ms;
    sc->compute.weight_ms = w_ms;
    sc->weight_share = 0.5;
    return PS_OK;
}

/* ---- validation ---------------------------------------------------------------------- */

/* Each check fills d with the path and "must be ... (got X)" and returns false. */
static bool check_num(struct ps_diag *d, const char *path, double x, double min, bool strict)
{
    if (!isfinite(x)) {
        ps_diag_set(d, PS_EINVAL, path, "must be a finite number (got %g)", x);
        return false;
    }
    if (strict ? !(x > min) : !(x >= min)) {
        ps_diag_set(d, PS_EINVAL, path, "must be %s %g (got %g)", strict ? ">" : ">=", min, x);
        return false;
    }
    return true;
}

/* A time in ms: as check_num, and 0 or at least 1 ns, the model's time step (a positive
 * time that rounds to 0 ns would be a zero-length op the user did not ask for). */
static bool check_time(struct ps_diag *d, const char *path, double x, bool strict)
{
    if (!check_num(d, path, x, 0, strict))
        return false;
    if (x * 1e6 < 0.5 && x > 0) {
        ps_diag_set(d, PS_EINVAL, path,
                    "must be %sat least 0.000001 (1 ns), the model's time step (got %g)",
                    strict ? "" : "0 or ", x);
        return false;
    }
    return true;
}

static bool check_compute(struct ps_diag *d, const char *prefix, const struct ps_compute *c)
{
    char path[160];
    snprintf(path, sizeof path, "%s.forward_ms", prefix);
    if (!check_time(d, path, c->forward_ms, true))
        return false;
    snprintf(path, sizeof path, "%s.backward_ms", prefix);
    if (!check_time(d, path, c->backward_ms, true))
        return false;
    snprintf(path, sizeof path, "%s.weight_ms", prefix);
    return check_time(d, path, c->weight_ms, false);
}

static bool check_link(struct ps_diag *d, const char *prefix, const struct ps_link *l)
{
    char path[160];
    snprintf(path, sizeof path, "%s.latency_ms", prefix);
    if (!check_time(d, path, l->latency_ms, false))
        return false;
    snprintf(path, sizeof path, "%s.bandwidth_gbps", prefix);
    return check_num(d, path, l->bandwidth_gbps, 0, false);
}

/* The message for a scenario whose times add up past what the simulator can hold: names
 * the field that contributes most and, when the rest fits, how large it may be. */
/* What check_times_fit found: the sums of work, messages and data parallelism, the
 * crossings per boundary, the largest activation scale (and its microbatch, -1 when none
 * above 1), and the field to blame for the work. */
struct too_large_why {
    double work, comm, dp, per, max_act;
    int act_m;
    char work_path[160];
};

static enum ps_status too_large(const struct ps_scenario *sc, struct ps_diag *d,
                                const struct too_large_why *why)
{
    const double limit = 1e12, work = why->work, dp = why->dp, per = why->per;
    const double max_act = why->max_act, total = work + why->comm + dp;
    char path[160], lim[96] = "";
    /* Every link source: -2 intra_dc, -1 inter_dc, i >= 0 a pair (its own fields). */
    double best = work > dp ? work : dp, best_coef = 0;
    int best_src = -3, best_lat = 0;
    for (int src = -2; src < sc->n_pairs; src++) {
        double lat_coef = 0, tx_coef = 0; /* ms of the total per unit of the field */
        for (int a = 0; a < sc->n_stages && sc->n_stages > 1; a++) {
            int b = (a + 1) % sc->n_stages;
            for (int dir = 0; dir < 2; dir++) {
                int fa = ps_scenario_dc_of(sc, dir ? b : a),
                    fb = ps_scenario_dc_of(sc, dir ? a : b);
                int pi = fa != fb ? ps_scenario_find_pair(sc, fa, fb) : -1;
                bool lat_here = src == -2   ? fa == fb
                                : src == -1 ? fa != fb && (pi < 0 || !sc->pairs[pi].has_latency)
                                            : pi == src && sc->pairs[pi].has_latency;
                bool bw_here = src == -2   ? fa == fb
                               : src == -1 ? fa != fb && (pi < 0 || !sc->pairs[pi].has_bandwidth)
                                           : pi == src && sc->pairs[pi].has_bandwidth;
                lat_coef += lat_here ? per : 0;
                tx_coef += bw_here ? per * sc->activation_mb * max_act * 8 : 0;
            }
        }
        const struct ps_link *l = src == -2   ? &sc->intra_dc
                                  : src == -1 ? &sc->inter_dc
                                              : &sc->pairs[src].link;
        double lat_part = lat_coef * l->latency_ms;
        double tx_part = l->bandwidth_gbps > 0 ? tx_coef / l->bandwidth_gbps : 0;
        if (lat_part > best)
            best = lat_part, best_src = src, best_lat = 1, best_coef = lat_coef;
        if (tx_part > best)
            best = tx_part, best_src = src, best_lat = 0, best_coef = tx_coef;
    }
    if (best_src == -3 && work >= dp) {
        snprintf(path, sizeof path, "%s", why->work_path);
    } else if (best_src == -3) {
        snprintf(path, sizeof path, "data_parallel.%s",
                 sc->allgather_ms >= sc->reduce_scatter_ms ? "allgather_ms" : "reduce_scatter_ms");
        double room = (limit - (total - dp)) / (double)sc->n_stages -
                      fmin(sc->allgather_ms, sc->reduce_scatter_ms);
        if (room > 0)
            snprintf(lim, sizeof lim, "; here it must be at most about %.3g ms", room);
    } else if (!best_lat && sc->activation_mb * max_act > 1e6) {
        /* a message of more than 1 TB: the larger of the size and its scale */
        if (why->act_m >= 0 && max_act > sc->activation_mb)
            snprintf(path, sizeof path, "per_microbatch.%d.activation_scale", why->act_m);
        else
            snprintf(path, sizeof path, "activation_mb");
    } else {
        char src_path[64];
        if (best_src == -2)
            snprintf(src_path, sizeof src_path, "network.intra_dc");
        else if (best_src == -1)
            snprintf(src_path, sizeof src_path, "network.inter_dc");
        else
            snprintf(src_path, sizeof src_path, "network.pairs.%d", best_src);
        snprintf(path, sizeof path, "%s.%s", src_path, best_lat ? "latency_ms" : "bandwidth_gbps");
        double room = limit - (total - best); /* what the rest leaves to this field */
        if (room > 0 && best_lat)
            snprintf(lim, sizeof lim, "; here it must be at most about %.3g ms", room / best_coef);
        else if (room > 0)
            snprintf(lim, sizeof lim, "; here it must be at least about %.3g Gb/s",
                     best_coef / room);
    }
    bool small = best_src != -3 && !best_lat && strcmp(path, "activation_mb") != 0 &&
                 strstr(path, "activation_scale") == NULL;
    return ps_diag_set(d, PS_EINVAL, path,
                       "too %s to simulate: with %d stages and %d microbatches, ops and "
                       "messages could add up to %.3g ms (the limit is 1e12 ms)%s",
                       small ? "small" : "large", sc->n_stages, sc->n_microbatches, total, lim);
}

static const char *const arrangement_words[PS_ARRANGE_COUNT] = {"decoupled", "rendezvous",
                                                                "blocking"};

const char *ps_arrangement_str(enum ps_arrangement a)
{
    return (unsigned)a < PS_ARRANGE_COUNT ? arrangement_words[a] : "?";
}

int ps_arrangement_parse(const char *word)
{
    for (int i = 0; i < PS_ARRANGE_COUNT; i++)
        if (strcmp(word, arrangement_words[i]) == 0)
            return i;
    return -1;
}

/* The field to blame for a stage whose whole work is too large: the largest of its
 * factors (its largest time, its datacenter's scale, the largest microbatch scale). */
static void blame_work(const struct ps_scenario *sc, int stage, int max_m, char *path, size_t size)
{
    struct ps_compute c = ps_scenario_stage_compute(sc, stage);
    int dc = ps_scenario_dc_of(sc, stage);
    double dcs = sc->dcs[dc].compute_scale;
    double mbs = max_m >= 0 ? sc->per_microbatch[max_m].compute_scale : 1.0;
    double base = fmax(c.forward_ms, fmax(c.backward_ms, c.weight_ms));
    const char *key = c.forward_ms == base    ? "forward_ms"
                      : c.backward_ms == base ? "backward_ms"
                                              : "weight_ms";
    if (dcs > 1 && dcs >= base && dcs >= mbs)
        snprintf(path, size, "datacenters.%d.compute_scale", dc);
    else if (mbs > 1 && mbs >= base)
        snprintf(path, size, "per_microbatch.%d.compute_scale", max_m);
    else if (sc->per_stage != NULL)
        snprintf(path, size, "compute.per_stage.%d.%s", stage, key);
    else
        snprintf(path, size, "compute.%s", key);
}

/* Scales that make a time round to 0 ns: the smallest microbatch scale on each stage's
 * times, blaming the datacenter's scale when it alone does it. */
static enum ps_status check_scaled_times(const struct ps_scenario *sc, int min_m, struct ps_diag *d)
{
    double mbs = min_m >= 0 ? sc->per_microbatch[min_m].compute_scale : 1.0;
    static const char *const names[] = {"forward", "backward", "weight"};
    for (int s = 0; s < sc->n_stages; s++) {
        struct ps_compute c = ps_scenario_stage_compute(sc, s);
        int dc = ps_scenario_dc_of(sc, s);
        double dcs = sc->dcs[dc].compute_scale;
        double t[3] = {c.forward_ms, c.backward_ms, c.weight_ms};
        for (int k = 0; k < 3; k++) {
            if (t[k] == 0 || t[k] * dcs * mbs * 1e6 >= 0.5)
                continue;
            char path[160];
            if (t[k] * dcs * 1e6 < 0.5 || min_m < 0)
                snprintf(path, sizeof path, "datacenters.%d.compute_scale", dc);
            else
                snprintf(path, sizeof path, "per_microbatch.%d.compute_scale", min_m);
            return ps_diag_set(d, PS_EINVAL, path,
                               "makes a time shorter than 1 ns, the model's time step (the %s "
                               "time of stage %d: %g ms)",
                               names[k], s, t[k] * dcs * mbs);
        }
    }
    return PS_OK;
}

/* Every time must fit the integer nanosecond model (about 292 years), and every positive
 * time must last at least 1 ns once scaled. */
static enum ps_status check_times_fit(const struct ps_scenario *sc, struct ps_diag *d)
{
    char path[160];
    int max_m = -1, min_m = -1, act_m = -1;
    double max_mb = 1.0, min_mb = 1.0, max_act = 1.0;
    for (int m = 0; sc->per_microbatch != NULL && m < sc->n_microbatches; m++) {
        const struct ps_mb_scale *ms = &sc->per_microbatch[m];
        double top = ms->compute_scale;
        if (ms->has_backward_scale && ms->backward_scale > top)
            top = ms->backward_scale;
        if (ms->has_weight_scale && ms->weight_scale > top)
            top = ms->weight_scale;
        if (top > max_mb)
            max_mb = top, max_m = m;
        if (ms->compute_scale < min_mb)
            min_mb = ms->compute_scale, min_m = m;
        if (ms->activation_scale > max_act)
            max_act = ms->activation_scale, act_m = m;
    }
    if (check_scaled_times(sc, min_m, d) != PS_OK)
        return PS_EINVAL;
    double r_factor = ps_scenario_has_recompute(sc) ? 2.0 : 1.0;
    double work = 0, most = -1;
    int most_stage = 0;
    for (int s = 0; s < sc->n_stages; s++) {
        struct ps_compute c = ps_scenario_stage_compute(sc, s);
        /* an R op replays at most the whole forward: count it twice when any */
        double worst = (c.forward_ms * r_factor + c.backward_ms + c.weight_ms) *
                       sc->dcs[ps_scenario_dc_of(sc, s)].compute_scale * max_mb *
                       (double)sc->n_microbatches;
        work += worst;
        if (worst > most)
            most = worst, most_stage = s;
        if (worst > 1e12) {
            blame_work(sc, s, max_m, path, sizeof path);
            return ps_diag_set(d, PS_EINVAL, path,
                               "times are too large (a stage would work %g ms in total; the "
                               "limit is 1e12 ms)",
                               worst);
        }
    }
    /* A simulation never idles while nothing is in flight, so its makespan is at most all
     * the work plus every message's latency and transmission (each boundary is crossed
     * at most 16 times per microbatch and direction). Keep that within 1e12 ms so that
     * every time fits in int64_t nanoseconds. */
    double comm = 0, per = (double)PS_MAX_CHUNKS * (double)sc->n_microbatches;
    for (int a = 0; a < sc->n_stages && sc->n_stages > 1; a++) {
        int b = (a + 1) % sc->n_stages;
        for (int dir = 0; dir < 2; dir++) {
            struct ps_link l = dir == 0 ? ps_scenario_link(sc, a, b) : ps_scenario_link(sc, b, a);
            double tx =
                l.bandwidth_gbps > 0 ? sc->activation_mb * max_act * 8 / l.bandwidth_gbps : 0;
            comm += per * (l.latency_ms + tx);
        }
    }
    double dp = sc->has_data_parallel
                    ? (double)sc->n_stages * (sc->allgather_ms + sc->reduce_scatter_ms)
                    : 0;
    if (!(work + comm + dp <= 1e12)) {
        struct too_large_why why = {work, comm, dp, per, max_act, act_m, ""};
        blame_work(sc, most_stage, max_m, why.work_path, sizeof why.work_path);
        return too_large(sc, d, &why);
    }
    return PS_OK;
}

/* The workload fields of one per_microbatch entry: B/W scales, the slice and pipeline
 * structure, the per-stage memory and recomputation. */
static bool check_mb_extra(const struct ps_scenario *sc, int m, struct ps_diag *d)
{
    char path[160];
    const struct ps_mb_scale *ms = &sc->per_microbatch[m];
    snprintf(path, sizeof path, "per_microbatch.%d.backward_scale", m);
    if (ms->has_backward_scale && !check_num(d, path, ms->backward_scale, 0, true))
        return false;
    snprintf(path, sizeof path, "per_microbatch.%d.weight_scale", m);
    if (ms->has_weight_scale && !check_num(d, path, ms->weight_scale, 0, true))
        return false;
    snprintf(path, sizeof path, "per_microbatch.%d.continues", m);
    if (ms->continues && m == 0) {
        ps_diag_set(d, PS_EINVAL, path, "the first microbatch cannot continue a sequence");
        return false;
    }
    snprintf(path, sizeof path, "per_microbatch.%d.pipeline", m);
    int prev = m > 0 ? sc->per_microbatch[m - 1].pipeline : 0;
    if (ms->pipeline < 0 || ms->pipeline < prev || ms->pipeline > prev + 1 ||
        (m == 0 && ms->pipeline != 0)) {
        ps_diag_set(d, PS_EINVAL, path,
                    "must be %s (got %d): pipelines are numbered from 0 in microbatch order",
                    m == 0 ? "0" : "the previous entry's or one more", ms->pipeline);
        return false;
    }
    if (ms->continues && ms->pipeline != prev) {
        ps_diag_set(d, PS_EINVAL, path,
                    "must equal the previous entry's (%d): slices of one sequence run in one "
                    "pipeline",
                    prev);
        return false;
    }
    snprintf(path, sizeof path, "per_microbatch.%d.tokens", m);
    if (ms->tokens < 0 || ms->context < 0) {
        ps_diag_set(d, PS_EINVAL, path, "must be >= 0");
        return false;
    }
    if (sc->mb_stage == NULL)
        return true;
    for (int s = 0; s < sc->n_stages; s++) {
        const struct ps_mb_stage *e = &sc->mb_stage[(size_t)m * (size_t)sc->n_stages + (size_t)s];
        snprintf(path, sizeof path, "per_microbatch.%d.per_stage.%d.memory_scale", m, s);
        if (e->has_memory_scale && !check_num(d, path, e->memory_scale, 0, true))
            return false;
        snprintf(path, sizeof path, "per_microbatch.%d.per_stage.%d.recompute", m, s);
        if (!check_num(d, path, e->recompute, 0, false))
            return false;
        if (e->recompute > 1) {
            ps_diag_set(d, PS_EINVAL, path, "must be <= 1 (got %g)", e->recompute);
            return false;
        }
        snprintf(path, sizeof path, "per_microbatch.%d.per_stage.%d.recompute_memory", m, s);
        if (!check_num(d, path, e->recompute_memory, 0, false))
            return false;
        double a = ps_scenario_stage_memory(sc, s, m);
        if (e->recompute_memory > a * (1 + 1e-12)) {
            ps_diag_set(d, PS_EINVAL, path,
                        "must be at most the microbatch's memory on that stage (%g, got %g)", a,
                        e->recompute_memory);
            return false;
        }
        if (e->recompute_memory > 0 && e->recompute == 0) {
            ps_diag_set(d, PS_EINVAL, path,
                        "needs a recompute > 0 (the memory comes back only when R replays "
                        "the forward)");
            return false;
        }
    }
    return true;
}

enum ps_status ps_scenario_validate(const struct ps_scenario *sc, struct ps_diag *d)
{
    char path[160];
    assert(sc != NULL);
    ps_diag_clear(d);
    if (sc->n_stages < 1 || sc->n_stages > PS_MAX_STAGES)
        return ps_diag_set(d, PS_EINVAL, "stages", "must be an integer in 1..%d (got %d)",
                           PS_MAX_STAGES, sc->n_stages);
    if (sc->n_microbatches < 1 || sc->n_microbatches > PS_MAX_MICROBATCHES)
        return ps_diag_set(d, PS_EINVAL, "microbatches", "must be an integer in 1..%d (got %d)",
                           PS_MAX_MICROBATCHES, sc->n_microbatches);
    if (sc->n_dcs < 1 || sc->dcs == NULL)
        return ps_diag_set(d, PS_EINVAL, "datacenters", "must list at least one datacenter");
    if (sc->n_dcs > PS_MAX_DCS)
        return ps_diag_set(d, PS_EINVAL, "datacenters", "at most %d datacenters (got %d)",
                           PS_MAX_DCS, sc->n_dcs);
    long total = 0;
    for (int i = 0; i < sc->n_dcs; i++) {
        const struct ps_dc *dc = &sc->dcs[i];
        if (dc->name[0] == '\0' || memchr(dc->name, '\0', sizeof dc->name) == NULL) {
            snprintf(path, sizeof path, "datacenters.%d.name", i);
            return ps_diag_set(d, PS_EINVAL, path, "must be a non-empty name");
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(sc->dcs[j].name, dc->name) == 0) {
                snprintf(path, sizeof path, "datacenters.%d.name", i);
                return ps_diag_set(d, PS_EINVAL, path,
                                   "must be unique (\"%s\" is also datacenter %d)", dc->name, j);
            }
        }
        if (dc->stages < 1) {
            snprintf(path, sizeof path, "datacenters.%d.stages", i);
            return ps_diag_set(d, PS_EINVAL, path, "must be >= 1 (got %d)", dc->stages);
        }
        snprintf(path, sizeof path, "datacenters.%d.compute_scale", i);
        if (!check_num(d, path, dc->compute_scale, 0, true))
            return PS_EINVAL;
        total += dc->stages;
    }
    if (total != sc->n_stages)
        return ps_diag_set(d, PS_EINVAL, "datacenters",
                           "stages of the datacenters must add up to stages = %d (got %ld)",
                           sc->n_stages, total);
    if (!check_compute(d, "compute", &sc->compute))
        return PS_EINVAL;
    if (sc->per_stage != NULL) {
        for (int s = 0; s < sc->n_stages; s++) {
            snprintf(path, sizeof path, "compute.per_stage.%d", s);
            if (!check_compute(d, path, &sc->per_stage[s]))
                return PS_EINVAL;
        }
    }
    if (!check_num(d, "activation_mb", sc->activation_mb, 0, false))
        return PS_EINVAL;
    if (!check_link(d, "network.intra_dc", &sc->intra_dc) ||
        !check_link(d, "network.inter_dc", &sc->inter_dc))
        return PS_EINVAL;
    if (sc->n_pairs < 0 || (sc->n_pairs > 0 && sc->pairs == NULL))
        return ps_diag_set(d, PS_EINVAL, "network.pairs", "malformed list");
    for (int i = 0; i < sc->n_pairs; i++) {
        const struct ps_pair *p = &sc->pairs[i];
        if (p->from < 0 || p->from >= sc->n_dcs) {
            snprintf(path, sizeof path, "network.pairs.%d.from", i);
            return ps_diag_set(d, PS_EINVAL, path, "must name a datacenter (got index %d)",
                               p->from);
        }
        if (p->to < 0 || p->to >= sc->n_dcs) {
            snprintf(path, sizeof path, "network.pairs.%d.to", i);
            return ps_diag_set(d, PS_EINVAL, path, "must name a datacenter (got index %d)", p->to);
        }
        if (p->from == p->to) {
            snprintf(path, sizeof path, "network.pairs.%d.to", i);
            return ps_diag_set(d, PS_EINVAL, path,
                               "must differ from \"from\" (both are \"%s\"; use intra_dc)",
                               sc->dcs[p->from].name);
        }
        for (int j = 0; j < i; j++) {
            if (sc->pairs[j].from == p->from && sc->pairs[j].to == p->to) {
                snprintf(path, sizeof path, "network.pairs.%d", i);
                return ps_diag_set(d, PS_EINVAL, path,
                                   "duplicates pairs.%d (%s -> %s is given twice)", j,
                                   sc->dcs[p->from].name, sc->dcs[p->to].name);
            }
        }
        snprintf(path, sizeof path, "network.pairs.%d.latency_ms", i);
        if (p->has_latency && !check_time(d, path, p->link.latency_ms, false))
            return PS_EINVAL;
        snprintf(path, sizeof path, "network.pairs.%d.bandwidth_gbps", i);
        if (p->has_bandwidth && !check_num(d, path, p->link.bandwidth_gbps, 0, false))
            return PS_EINVAL;
    }
    if ((unsigned)sc->arrangement >= PS_ARRANGE_COUNT)
        return ps_diag_set(d, PS_EINVAL, "network.arrangement",
                           "must be decoupled, rendezvous or blocking (got %d)",
                           (int)sc->arrangement);
    if (sc->has_memory_limit && !check_num(d, "memory.limit", sc->memory_limit, 0, true))
        return PS_EINVAL;
    if (!check_num(d, "memory.weight_share", sc->weight_share, 0, false))
        return PS_EINVAL;
    if (sc->weight_share > 1.0)
        return ps_diag_set(d, PS_EINVAL, "memory.weight_share", "must be <= 1 (got %g)",
                           sc->weight_share);
    if (sc->has_data_parallel) {
        if (!check_time(d, "data_parallel.allgather_ms", sc->allgather_ms, false) ||
            !check_time(d, "data_parallel.reduce_scatter_ms", sc->reduce_scatter_ms, false))
            return PS_EINVAL;
    }
    if (sc->per_microbatch != NULL) {
        for (int m = 0; m < sc->n_microbatches; m++) {
            const struct ps_mb_scale *ms = &sc->per_microbatch[m];
            snprintf(path, sizeof path, "per_microbatch.%d.compute_scale", m);
            if (!check_num(d, path, ms->compute_scale, 0, true))
                return PS_EINVAL;
            snprintf(path, sizeof path, "per_microbatch.%d.activation_scale", m);
            if (!check_num(d, path, ms->activation_scale, 0, false))
                return PS_EINVAL;
            if (ms->has_memory_scale) {
                snprintf(path, sizeof path, "per_microbatch.%d.memory_scale", m);
                if (!check_num(d, path, ms->memory_scale, 0, true))
                    return PS_EINVAL;
            }
            if (!check_mb_extra(sc, m, d))
                return PS_EINVAL;
        }
    } else if (sc->mb_stage != NULL) {
        return ps_diag_set(d, PS_EINVAL, "per_microbatch", "per-stage entries need per_microbatch");
    }
    if (sc->workload != NULL) {
        enum ps_status wst = ps_workload_validate(sc->workload, sc->n_stages, d);
        if (wst != PS_OK)
            return wst;
    }
    return check_times_fit(sc, d);
}

/* ---- accessors ------------------------------------------------------------------------ */

int ps_scenario_dc_of(const struct ps_scenario *sc, int stage)
{
    int first = 0;
    for (int i = 0; i < sc->n_dcs; i++) {
        first += sc->dcs[i].stages;
        if (stage < first)
            return i;
    }
    return sc->n_dcs - 1;
}

int ps_scenario_dc_first_stage(const struct ps_scenario *sc, int dc)
{
    int first = 0;
    for (int i = 0; i < dc && i < sc->n_dcs; i++)
        first += sc->dcs[i].stages;
    return first;
}

int ps_scenario_find_pair(const struct ps_scenario *sc, int from_dc, int to_dc)
{
    for (int i = 0; i < sc->n_pairs; i++)
        if (sc->pairs[i].from == from_dc && sc->pairs[i].to == to_dc)
            return i;
    return -1;
}

struct ps_link ps_scenario_dc_link(const struct ps_scenario *sc, int from_dc, int to_dc)
{
    if (from_dc == to_dc)
        return sc->intra_dc;
    struct ps_link l = sc->inter_dc;
    int i = ps_scenario_find_pair(sc, from_dc, to_dc);
    if (i >= 0) {
        if (sc->pairs[i].has_latency)
            l.latency_ms = sc->pairs[i].link.latency_ms;
        if (sc->pairs[i].has_bandwidth)
            l.bandwidth_gbps = sc->pairs[i].link.bandwidth_gbps;
    }
    return l;
}

enum ps_status ps_scenario_set_pair(struct ps_scenario *sc, int from_dc, int to_dc, bool latency,
                                    double value)
{
    int i = ps_scenario_find_pair(sc, from_dc, to_dc);
    if (i < 0) {
        struct ps_pair *p = realloc(sc->pairs, (size_t)(sc->n_pairs + 1) * sizeof *p);
        if (p == NULL)
            return PS_ENOMEM;
        sc->pairs = p;
        i = sc->n_pairs++;
        p[i] = (struct ps_pair){.from = from_dc, .to = to_dc, .link = sc->inter_dc};
    }
    if (latency) {
        sc->pairs[i].link.latency_ms = value;
        sc->pairs[i].has_latency = true;
    } else {
        sc->pairs[i].link.bandwidth_gbps = value;
        sc->pairs[i].has_bandwidth = true;
    }
    return PS_OK;
}

struct ps_link ps_scenario_link(const struct ps_scenario *sc, int from_stage, int to_stage)
{
    return ps_scenario_dc_link(sc, ps_scenario_dc_of(sc, from_stage),
                               ps_scenario_dc_of(sc, to_stage));
}

struct ps_compute ps_scenario_stage_compute(const struct ps_scenario *sc, int stage)
{
    if (sc->per_stage != NULL)
        return sc->per_stage[stage];
    return sc->compute;
}

static double mb_scale(const struct ps_scenario *sc, int microbatch, enum ps_time_kind kind)
{
    if (sc->per_microbatch == NULL || microbatch < 0)
        return 1.0;
    const struct ps_mb_scale *m = &sc->per_microbatch[microbatch];
    if (kind == PS_TIME_B && m->has_backward_scale)
        return m->backward_scale;
    if (kind == PS_TIME_W && m->has_weight_scale)
        return m->weight_scale;
    return m->compute_scale;
}

static const struct ps_mb_stage *mb_stage(const struct ps_scenario *sc, int stage, int microbatch)
{
    if (sc->mb_stage == NULL || sc->per_microbatch == NULL || microbatch < 0 || stage < 0 ||
        microbatch >= sc->n_microbatches || stage >= sc->n_stages)
        return NULL;
    return &sc->mb_stage[(size_t)microbatch * (size_t)sc->n_stages + (size_t)stage];
}

int64_t ps_scenario_stage_time_ns(const struct ps_scenario *sc, int stage, int microbatch,
                                  enum ps_time_kind kind)
{
    struct ps_compute c = ps_scenario_stage_compute(sc, stage);
    double ms = 0;
    switch (kind) {
    case PS_TIME_F:
        ms = c.forward_ms * mb_scale(sc, microbatch, PS_TIME_F);
        break;
    case PS_TIME_B:
        ms = c.backward_ms * mb_scale(sc, microbatch, PS_TIME_B);
        break;
    case PS_TIME_W:
        ms = c.weight_ms * mb_scale(sc, microbatch, PS_TIME_W);
        break;
    case PS_TIME_B_COMBINED:
        /* one rounding for the sum (docs/model.md, Time) */
        ms = c.backward_ms * mb_scale(sc, microbatch, PS_TIME_B) +
             c.weight_ms * mb_scale(sc, microbatch, PS_TIME_W);
        break;
    case PS_TIME_R:
        ms = c.forward_ms * mb_scale(sc, microbatch, PS_TIME_F) *
             ps_scenario_recompute(sc, stage, microbatch);
        break;
    }
    double scale = sc->dcs[ps_scenario_dc_of(sc, stage)].compute_scale;
    return ps_ms_to_ns(ms * scale);
}

int64_t ps_split_ns(int64_t total_ns, int part, int parts)
{
    assert(parts >= 1 && part >= 0 && part < parts && total_ns >= 0);
    /* round(i*T/n) for i = part and part+1, without forming i*T: T = q*n + r. */
    int64_t q = total_ns / parts, r = total_ns % parts;
    int64_t n = parts, i = part;
    int64_t lo = i * q + (2 * i * r + n) / (2 * n);
    int64_t hi = (i + 1) * q + (2 * (i + 1) * r + n) / (2 * n);
    return hi - lo;
}

int64_t ps_scenario_chunk_time_ns(const struct ps_scenario *sc, int stage, int microbatch,
                                  enum ps_time_kind kind, int chunk, int chunks)
{
    return ps_split_ns(ps_scenario_stage_time_ns(sc, stage, microbatch, kind), chunk, chunks);
}

double ps_scenario_message_mb(const struct ps_scenario *sc, int microbatch)
{
    if (sc->per_microbatch == NULL || microbatch < 0)
        return sc->activation_mb;
    return sc->activation_mb * sc->per_microbatch[microbatch].activation_scale;
}

double ps_scenario_memory_scale(const struct ps_scenario *sc, int microbatch)
{
    if (sc->per_microbatch == NULL || microbatch < 0)
        return 1.0;
    const struct ps_mb_scale *m = &sc->per_microbatch[microbatch];
    return m->has_memory_scale ? m->memory_scale : m->compute_scale;
}

double ps_scenario_stage_memory(const struct ps_scenario *sc, int stage, int microbatch)
{
    const struct ps_mb_stage *e = mb_stage(sc, stage, microbatch);
    if (e != NULL && e->has_memory_scale)
        return e->memory_scale;
    return ps_scenario_memory_scale(sc, microbatch);
}

double ps_scenario_recompute(const struct ps_scenario *sc, int stage, int microbatch)
{
    const struct ps_mb_stage *e = mb_stage(sc, stage, microbatch);
    return e != NULL ? e->recompute : 0.0;
}

double ps_scenario_recompute_memory(const struct ps_scenario *sc, int stage, int microbatch)
{
    const struct ps_mb_stage *e = mb_stage(sc, stage, microbatch);
    return e != NULL ? e->recompute_memory : 0.0;
}

bool ps_scenario_has_recompute(const struct ps_scenario *sc)
{
    if (sc->mb_stage == NULL || sc->per_microbatch == NULL)
        return false;
    size_t n = (size_t)sc->n_microbatches * (size_t)sc->n_stages;
    for (size_t i = 0; i < n; i++)
        if (sc->mb_stage[i].recompute > 0)
            return true;
    return false;
}

bool ps_scenario_continues(const struct ps_scenario *sc, int microbatch)
{
    if (sc->per_microbatch == NULL || microbatch <= 0 || microbatch >= sc->n_microbatches)
        return false;
    return sc->per_microbatch[microbatch].continues;
}

bool ps_scenario_has_slices(const struct ps_scenario *sc)
{
    if (sc->per_microbatch == NULL)
        return false;
    for (int m = 1; m < sc->n_microbatches; m++)
        if (sc->per_microbatch[m].continues)
            return true;
    return false;
}

int ps_scenario_pipeline(const struct ps_scenario *sc, int microbatch)
{
    if (sc->per_microbatch == NULL || microbatch < 0 || microbatch >= sc->n_microbatches)
        return 0;
    return sc->per_microbatch[microbatch].pipeline;
}

void ps_scenario_bwd_ranks(const struct ps_scenario *sc, int *rank, int *order)
{
    int M = sc->n_microbatches;
    for (int a = 0; a < M;) {
        int b = a;
        while (b + 1 < M && ps_scenario_continues(sc, b + 1))
            b++;
        for (int m = a; m <= b; m++) {
            rank[m] = a + b - m;
            if (order != NULL)
                order[a + b - m] = m;
        }
        a = b + 1;
    }
}

int64_t ps_scenario_dp_ns(const struct ps_scenario *sc, int stage, bool allgather, int chunk,
                          int chunks)
{
    (void)stage; /* data parallel is communication: no compute scale applies */
    if (!sc->has_data_parallel)
        return 0;
    int64_t total = ps_ms_to_ns(allgather ? sc->allgather_ms : sc->reduce_scatter_ms);
    return ps_split_ns(total, chunk, chunks);
}

double ps_scenario_1f1b_budget(const struct ps_scenario *sc)
{
    return (double)sc->n_stages;
}

double ps_scenario_max_forward_ms(const struct ps_scenario *sc)
{
    double best = 0;
    for (int s = 0; s < sc->n_stages; s++) {
        double f = ps_scenario_stage_compute(sc, s).forward_ms *
                   sc->dcs[ps_scenario_dc_of(sc, s)].compute_scale;
        if (f > best)
            best = f;
    }
    return best;
}
