/* The planner's iteration-time provider: a job's pipeline is timed with a registry
 * schedule (ps_solver_run), so the cluster view and the single-pipeline view agree; every
 * scenario is keyed by the bytes of the fields that affect timing (not names), and the same
 * key is simulated once. */
#include "solvers/cluster.h"

#include <stdlib.h>
#include <string.h>

struct cache_entry {
    uint64_t hash;
    size_t len;
    unsigned char *key; /* NULL: empty slot */
    int64_t iter_ns;
};

struct ps_cluster_timer {
    const struct ps_solver *sv;
    struct ps_params params;
    struct cache_entry *slots;
    size_t cap, used;
    long hits, misses;
    /* The key being built (reused between calls). */
    unsigned char *buf;
    size_t buf_len, buf_cap;
};

enum ps_status ps_cluster_timer_new(const char *schedule, const struct ps_params *params,
                                    struct ps_cluster_timer **out, struct ps_diag *d)
{
    *out = NULL;
    const struct ps_solver *sv = ps_solver_find(schedule);
    if (sv == NULL) {
        char names[512];
        ps_solver_list_names(names, sizeof names);
        return ps_diag_set(d, PS_ENOTFOUND, "schedule", "unknown schedule '%.40s' (known: %s)",
                           schedule, names);
    }
    struct ps_cluster_timer *t = calloc(1, sizeof *t);
    if (t == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    t->sv = sv;
    if (params != NULL)
        t->params = *params;
    enum ps_status st = ps_params_check(sv, &t->params, d);
    if (st != PS_OK) {
        free(t);
        return st;
    }
    *out = t;
    return PS_OK;
}

void ps_cluster_timer_free(struct ps_cluster_timer *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].key);
    free(t->slots);
    free(t->buf);
    free(t);
}

void ps_cluster_timer_stats(const struct ps_cluster_timer *t, long *hits, long *misses)
{
    *hits = t->hits;
    *misses = t->misses;
}

/* ---- the key ------------------------------------------------------------------------- */

static bool put(struct ps_cluster_timer *t, const void *data, size_t len)
{
    if (t->buf_len + len > t->buf_cap) {
        size_t cap = t->buf_cap ? t->buf_cap : 1024;
        while (cap < t->buf_len + len)
            cap *= 2;
        unsigned char *b = realloc(t->buf, cap);
        if (b == NULL)
            return false;
        t->buf = b;
        t->buf_cap = cap;
    }
    memcpy(t->buf + t->buf_len, data, len);
    t->buf_len += len;
    return true;
}

#define PUT(x) ok = ok && put(t, &(x), sizeof(x))

static bool build_key(struct ps_cluster_timer *t, const struct ps_scenario *sc)
{
    bool ok = true;
    t->buf_len = 0;
    PUT(sc->n_stages);
    PUT(sc->n_microbatches);
    PUT(sc->n_dcs);
    for (int i = 0; i < sc->n_dcs; i++) {
        PUT(sc->dcs[i].stages);
        PUT(sc->dcs[i].compute_scale);
    }
    PUT(sc->compute);
    bool per_stage = sc->per_stage != NULL;
    PUT(per_stage);
    if (per_stage)
        ok = ok && put(t, sc->per_stage, (size_t)sc->n_stages * sizeof *sc->per_stage);
    PUT(sc->activation_mb);
    PUT(sc->intra_dc);
    PUT(sc->inter_dc);
    PUT(sc->n_pairs);
    for (int i = 0; i < sc->n_pairs; i++) {
        const struct ps_pair *p = &sc->pairs[i];
        PUT(p->from);
        PUT(p->to);
        PUT(p->has_latency);
        PUT(p->has_bandwidth);
        PUT(p->link);
    }
    PUT(sc->has_memory_limit);
    if (sc->has_memory_limit)
        PUT(sc->memory_limit);
    PUT(sc->weight_share);
    PUT(sc->has_data_parallel);
    if (sc->has_data_parallel) {
        PUT(sc->allgather_ms);
        PUT(sc->reduce_scatter_ms);
    }
    bool per_mb = sc->per_microbatch != NULL;
    PUT(per_mb);
    for (int m = 0; per_mb && m < sc->n_microbatches; m++) {
        PUT(sc->per_microbatch[m].compute_scale);
        PUT(sc->per_microbatch[m].activation_scale);
        PUT(sc->per_microbatch[m].memory_scale);
    }
    return ok;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static struct cache_entry *lookup(struct ps_cluster_timer *t, uint64_t h)
{
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct cache_entry *e = &t->slots[i];
        if (e->key == NULL)
            return e;
        if (e->hash == h && e->len == t->buf_len && memcmp(e->key, t->buf, e->len) == 0)
            return e;
    }
}

static bool grow(struct ps_cluster_timer *t)
{
    size_t cap = t->cap ? 2 * t->cap : 256;
    struct cache_entry *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < t->cap; i++) {
        struct cache_entry *e = &t->slots[i];
        if (e->key == NULL)
            continue;
        size_t k = e->hash & (cap - 1);
        while (slots[k].key != NULL)
            k = (k + 1) & (cap - 1);
        slots[k] = *e;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return true;
}

/* ---- timing -------------------------------------------------------------------------- */

static enum ps_status simulate(struct ps_cluster_timer *t, const struct ps_scenario *sc,
                               int64_t *iter_ns, struct ps_diag *d)
{
    struct ps_schedule *s = NULL;
    enum ps_status st = ps_solver_run(t->sv, sc, &t->params, NULL, &s, d);
    if (st != PS_OK)
        return st;
    if (ps_schedule_n_ops(s) == 0) {
        st = ps_diag_set(d, PS_EINVAL, "schedule", "%s gives no schedule: %s", t->sv->name,
                         s->solver.error);
        ps_schedule_free(s);
        return st;
    }
    *iter_ns = s->makespan_ns;
    ps_schedule_free(s);
    return PS_OK;
}

enum ps_status ps_cluster_timer_fn(void *user, const struct ps_scenario *sc, int64_t *iter_ns,
                                   struct ps_diag *d)
{
    struct ps_cluster_timer *t = user;
    if (!build_key(t, sc))
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    if ((t->used + 1) * 2 > t->cap && !grow(t))
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    uint64_t h = fnv1a(t->buf, t->buf_len);
    struct cache_entry *e = lookup(t, h);
    if (e->key != NULL) {
        t->hits++;
        *iter_ns = e->iter_ns;
        return PS_OK;
    }
    int64_t v = 0;
    enum ps_status st = simulate(t, sc, &v, d);
    if (st != PS_OK)
        return st;
    unsigned char *key = malloc(t->buf_len);
    if (key == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "out of memory");
    memcpy(key, t->buf, t->buf_len);
    *e = (struct cache_entry){h, t->buf_len, key, v};
    t->used++;
    t->misses++;
    *iter_ns = v;
    return PS_OK;
}
