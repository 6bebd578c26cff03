/* The simulator against the previous, event-driven one (tests/unit/core_sim_reference.h)
 * on random scenarios and random deadlock-free orders of every shape: loop and wave
 * chunks, split and combined backward, parts (interleaved, some of zero length),
 * per-stage and per-microbatch scales, latency-only and shared channels, explicit channel
 * ranks (total, partial, tied), data parallelism, every communication arrangement. Every op,
 * transfer and lane time, the channels and the metrics must be equal; so must deadlock
 * verdicts (blocking sends, shuffled orders). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched_internal.h"
#include "core/sim.h"
#include "tests/unit/core_sim_reference.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

static int rnd_int(int lo, int hi) /* inclusive */
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static double rnd_pick(const double *v, int n)
{
    return v[rnd_int(0, n - 1)];
}

/* A random valid scenario; its shape (V, traversal, split) goes to the caller. */
static void random_scenario(struct ps_scenario *sc, int *V, enum ps_traversal *tr, bool *split)
{
    int n_dcs = rnd_int(1, 3), S = 0, stages[3];
    for (int i = 0; i < n_dcs; i++)
        S += stages[i] = rnd_int(1, 3);
    int M = rnd_int(1, 6);
    static const double times[] = {1, 2, 0.5, 1.25, 3, 0.000001};
    assert_int_equal(ps_scenario_make_uniform(sc, n_dcs, 1, M, rnd_pick(times, 5),
                                              rnd_pick(times, 5), rnd_pick(times, 5)),
                     PS_OK);
    sc->n_stages = S;
    for (int i = 0; i < n_dcs; i++)
        sc->dcs[i].stages = stages[i];
    static const double lat[] = {0, 0, 0.5, 1, 2.25};
    static const double bw[] = {0, 8, 4, 16, 80};
    sc->inter_dc.latency_ms = rnd_pick(lat, 5);
    sc->inter_dc.bandwidth_gbps = rnd_pick(bw, 5);
    sc->intra_dc.latency_ms = rnd_pick(lat, 5) / 4;
    sc->intra_dc.bandwidth_gbps = rnd_pick(bw, 5) * 2;
    sc->activation_mb = rnd_int(0, 4) == 0 ? 0 : 1;
    static const double ws[] = {0.5, 0, 0.3, 1};
    sc->weight_share = rnd_pick(ws, 4);
    if (rnd_int(0, 2) == 0) {
        sc->per_stage = calloc((size_t)S, sizeof *sc->per_stage);
        assert_non_null(sc->per_stage);
        for (int s = 0; s < S; s++) {
            sc->per_stage[s].forward_ms = rnd_pick(times, 6);
            sc->per_stage[s].backward_ms = rnd_pick(times, 6);
            sc->per_stage[s].weight_ms = rnd_int(0, 3) == 0 ? 0 : rnd_pick(times, 6);
        }
    }
    if (rnd_int(0, 2) == 0) {
        sc->per_microbatch = calloc((size_t)M, sizeof *sc->per_microbatch);
        assert_non_null(sc->per_microbatch);
        static const double scale[] = {1, 0.5, 2, 1.5};
        static const double act[] = {1, 0, 0.5, 2};
        for (int m = 0; m < M; m++) {
            sc->per_microbatch[m].compute_scale = rnd_pick(scale, 4);
            sc->per_microbatch[m].activation_scale = rnd_pick(act, 4);
            sc->per_microbatch[m].memory_scale = sc->per_microbatch[m].compute_scale;
        }
    }
    if (rnd_int(0, 2) == 0) {
        /* a workload: token slices (a microbatch continues its predecessor's sequence),
         * per-stage memory and recomputation (an R op before B) */
        if (sc->per_microbatch == NULL) {
            sc->per_microbatch = calloc((size_t)M, sizeof *sc->per_microbatch);
            assert_non_null(sc->per_microbatch);
            for (int m = 0; m < M; m++) {
                sc->per_microbatch[m].compute_scale = 1;
                sc->per_microbatch[m].activation_scale = 1;
                sc->per_microbatch[m].memory_scale = 1;
            }
        }
        for (int m = 1; m < M; m++)
            sc->per_microbatch[m].continues = rnd_int(0, 2) == 0;
        sc->mb_stage = calloc((size_t)M * (size_t)S, sizeof *sc->mb_stage);
        assert_non_null(sc->mb_stage);
        for (int m = 0; m < M; m++)
            for (int st = 0; st < S; st++) {
                struct ps_mb_stage *e = &sc->mb_stage[(size_t)m * (size_t)S + (size_t)st];
                if (rnd_int(0, 3) == 0) {
                    e->has_memory_scale = true;
                    e->memory_scale = rnd_int(1, 3) * 0.5;
                }
                if (rnd_int(0, 2) == 0) {
                    e->recompute = rnd_int(1, 4) * 0.25;
                    double a =
                        e->has_memory_scale ? e->memory_scale : sc->per_microbatch[m].memory_scale;
                    e->recompute_memory = a * rnd_int(0, 2) * 0.5;
                }
            }
    }
    if (rnd_int(0, 3) == 0) {
        sc->has_data_parallel = true;
        sc->allgather_ms = rnd_pick(times, 5);
        sc->reduce_scatter_ms = rnd_pick(times, 5);
    }
    if (rnd_int(0, 1) == 0) {
        sc->has_memory_limit = true;
        sc->memory_limit = rnd_int(1, 4);
    }
    int arr = rnd_int(0, 5); /* decoupled half the time */
    sc->arrangement = arr < 3   ? PS_ARRANGE_DECOUPLED
                      : arr < 5 ? PS_ARRANGE_RENDEZVOUS
                                : PS_ARRANGE_BLOCKING;
    struct ps_diag d;
    if (ps_scenario_validate(sc, &d) != PS_OK)
        fail_msg("random scenario invalid: %s: %s", d.path, d.msg);
    *tr = rnd_int(0, 2) == 0 ? PS_TRAVERSAL_WAVE : PS_TRAVERSAL_LOOP;
    *V = *tr == PS_TRAVERSAL_WAVE ? 2 : rnd_int(1, 3);
    *split = rnd_int(0, 3) != 0;
}

/* One item of the global order: an op part. */
struct item {
    int16_t dev;
    uint8_t kind, chunk, part, parts;
    int16_t mb;
};

/* The key of op (kind, v, mb). */
static size_t okey(int SV, int M, int kind, int v, int mb)
{
    return ((size_t)kind * (size_t)SV + (size_t)v) * (size_t)M + (size_t)mb;
}

/* Whether part 0 of op (kind, v, mb) may come now in its kind's order: forwards in
 * microbatch order, backward kinds in backward rank (token slices), R only where it exists
 * (gaps allowed). */
static bool order_ok(const uint8_t *done, const uint8_t *parts, const int *rank, const int *by_rank,
                     int SV, int M, int kind, int v, int mb)
{
    if (kind == PS_OP_F)
        return mb == 0 || done[okey(SV, M, kind, v, mb - 1)] > 0;
    for (int r = rank[mb] - 1; r >= 0; r--) {
        size_t k = okey(SV, M, kind, v, by_rank[r]);
        if (parts[k] != 0)
            return done[k] > 0;
    }
    return true;
}

/* A random topological order of every op part: part j+1 after part j, a consumer after
 * its producers' last parts (the rules, with R where the stage replays), each kind of one
 * vstage in its order (SPEC 3, token slices). The device orders are its subsequences, so
 * they can never deadlock. Returns the number of items. */
static size_t random_order(const struct ps_schedule *s, struct item *out, size_t cap)
{
    int S = s->n_stages, V = s->chunks, SV = S * V, M = s->n_microbatches;
    size_t nk = PS_COMPUTE_KINDS * (size_t)SV * (size_t)M;
    uint8_t *parts = calloc(nk, 1), *done = calloc(nk, 1); /* done: parts placed */
    int *rank = malloc((size_t)M * sizeof *rank), *by_rank = malloc((size_t)M * sizeof *rank);
    assert_non_null(parts);
    assert_non_null(done);
    assert_non_null(rank);
    assert_non_null(by_rank);
    ps_scenario_bwd_ranks(s->sc, rank, by_rank);
    size_t total = 0;
    for (int kind = 0; kind < PS_COMPUTE_KINDS; kind++)
        for (int v = 0; v < SV; v++) {
            int d = ps_vstage_device(v, S, V, s->traversal);
            if (kind == PS_OP_W && !ps_schedule_has_w(s, d))
                continue;
            for (int mb = 0; mb < M; mb++) {
                if (kind == PS_OP_R && !ps_schedule_has_r(s, d, mb))
                    continue;
                size_t k = okey(SV, M, kind, v, mb);
                parts[k] = (uint8_t)(rnd_int(0, 3) == 0 ? rnd_int(2, 4) : 1);
                total += parts[k];
            }
        }
    assert_true(total <= cap);
    size_t n = 0;
    size_t *cand = malloc(nk * sizeof *cand);
    assert_non_null(cand);
    while (n < total) {
        size_t nc = 0;
        for (size_t k = 0; k < nk; k++) {
            if (parts[k] == 0 || done[k] == parts[k])
                continue;
            int mb = (int)(k % (size_t)M), v = (int)(k / (size_t)M % (size_t)SV);
            int kind = (int)(k / (size_t)M / (size_t)SV);
            if (done[k] == 0) {
                int d = ps_vstage_device(v, S, V, s->traversal);
                bool r = ps_schedule_has_r(s, d, mb);
                size_t p[2] = {SIZE_MAX, SIZE_MAX}; /* producers */
                int pk, pv, xk;
                if (ps_dep_input(kind, v, SV, r, &pk, &pv, &xk))
                    p[0] = okey(SV, M, pk, pv, mb);
                if (kind == PS_OP_R)
                    p[1] = okey(SV, M, PS_OP_F, v, mb); /* its own forward */
                bool ok = order_ok(done, parts, rank, by_rank, SV, M, kind, v, mb);
                for (int i = 0; i < 2 && ok; i++)
                    ok = p[i] == SIZE_MAX || done[p[i]] == parts[p[i]];
                if (!ok)
                    continue;
            }
            cand[nc++] = k;
        }
        assert_true(nc > 0);
        size_t k = cand[rnd() % nc];
        int mb = (int)(k % (size_t)M), v = (int)(k / (size_t)M % (size_t)SV);
        int kind = (int)(k / (size_t)M / (size_t)SV);
        struct item *it = &out[n++];
        it->dev = (int16_t)ps_vstage_device(v, S, V, s->traversal);
        it->chunk = (uint8_t)ps_vstage_chunk(v, S, V, s->traversal);
        it->kind = (uint8_t)kind;
        it->mb = (int16_t)mb;
        it->part = done[k]++;
        it->parts = parts[k];
    }
    free(cand);
    free(parts);
    free(done);
    free(rank);
    free(by_rank);
    return n;
}

static void push_items(struct ps_schedule *s, const struct item *it, size_t n)
{
    ps_schedule_clear(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ps_schedule_push_part(s, it[i].dev, it[i].kind, it[i].chunk, it[i].mb,
                                               it[i].part, it[i].parts),
                         PS_OK);
}

/* Ranks: none, a random distinct rank per transfer, or a few values (ties and unranked). */
static void random_ranks(int mode, const int64_t *ranks, struct ps_schedule *a,
                         struct ps_schedule *b)
{
    if (mode == 0)
        return;
    assert_int_equal(ps_schedule_enable_ranks(a), PS_OK);
    assert_int_equal(ps_schedule_enable_ranks(b), PS_OK);
    size_t nk = ps_schedule_xfer_keys(a);
    memcpy(a->xfer_rank, ranks, nk * sizeof *ranks);
    memcpy(b->xfer_rank, ranks, nk * sizeof *ranks);
}

static void expect_same(const struct ps_schedule *x, const struct ps_schedule *y, int iter)
{
    for (int d = 0; d < x->n_stages; d++) {
        assert_int_equal(x->dev_n[d], y->dev_n[d]);
        for (size_t i = 0; i < x->dev_n[d]; i++) {
            const struct ps_op *p = &x->dev_ops[d][i], *q = &y->dev_ops[d][i];
            if (p->start_ns != q->start_ns || p->end_ns != q->end_ns)
                fail_msg("iteration %d (%s, V=%d, ranks %s): stage %d op %zu (%s mb %d part "
                         "%d): %lld-%lld vs reference %lld-%lld",
                         iter, ps_arrangement_str(x->sc->arrangement), x->chunks,
                         x->xfer_rank != NULL ? "yes" : "no", d, i, ps_op_kind_str(p->kind),
                         (int)p->microbatch, p->part, (long long)p->start_ns, (long long)p->end_ns,
                         (long long)q->start_ns, (long long)q->end_ns);
        }
        assert_int_equal(x->dp_n[d], y->dp_n[d]);
        for (size_t i = 0; i < x->dp_n[d]; i++) {
            assert_int_equal(x->dp_ops[d][i].start_ns, y->dp_ops[d][i].start_ns);
            assert_int_equal(x->dp_ops[d][i].end_ns, y->dp_ops[d][i].end_ns);
        }
        assert_true(x->peak_memory[d] == y->peak_memory[d]);
        assert_int_equal(x->busy_ns[d], y->busy_ns[d]);
    }
    assert_int_equal(x->n_transfers, y->n_transfers);
    for (size_t i = 0; i < x->n_transfers; i++) {
        const struct ps_transfer *p = &x->transfers[i], *q = &y->transfers[i];
        if (p->ready_ns != q->ready_ns || p->start_ns != q->start_ns || p->end_ns != q->end_ns ||
            p->arrive_ns != q->arrive_ns || p->channel != q->channel ||
            p->microbatch != q->microbatch || p->kind != q->kind ||
            p->from_vstage != q->from_vstage || p->from_stage != q->from_stage ||
            p->to_stage != q->to_stage || p->chunk != q->chunk)
            fail_msg("iteration %d: transfer %zu (%s mb %d from v%d): %lld/%lld-%lld/%lld ch %d "
                     "vs reference %lld/%lld-%lld/%lld ch %d",
                     iter, i, ps_xfer_kind_str(p->kind), (int)p->microbatch, p->from_vstage,
                     (long long)p->ready_ns, (long long)p->start_ns, (long long)p->end_ns,
                     (long long)p->arrive_ns, p->channel, (long long)q->ready_ns,
                     (long long)q->start_ns, (long long)q->end_ns, (long long)q->arrive_ns,
                     q->channel);
    }
    assert_int_equal(x->n_channels, y->n_channels);
    for (int c = 0; c < x->n_channels; c++) {
        assert_int_equal(x->channels[c].busy_ns, y->channels[c].busy_ns);
        assert_int_equal(x->channels[c].n_transfers, y->channels[c].n_transfers);
    }
    assert_int_equal(x->makespan_ns, y->makespan_ns);
    assert_true(x->bubble_ratio == y->bubble_ratio);
    assert_true(x->memory_ok == y->memory_ok);
    assert_int_equal(x->lower_bound_ns, y->lower_bound_ns);
}

static void test_random_orders(void **state)
{
    (void)state;
    rng_state = 12345;
    int n_iter = 1500, with_ranks = 0, general = 0, blocked = 0;
    size_t cap = 4096;
    struct item *items = malloc(cap * sizeof *items);
    assert_non_null(items);
    for (int iter = 0; iter < n_iter; iter++) {
        struct ps_scenario sc;
        int V;
        enum ps_traversal tr;
        bool split;
        random_scenario(&sc, &V, &tr, &split);
        struct ps_schedule *a = ps_schedule_new(&sc, "random", V, tr, split);
        struct ps_schedule *b = ps_schedule_new(&sc, "random", V, tr, split);
        assert_non_null(a);
        assert_non_null(b);
        size_t n = random_order(a, items, cap);
        push_items(a, items, n);
        push_items(b, items, n);
        int mode = rnd_int(0, 2);
        size_t nk = ps_schedule_xfer_keys(a);
        int64_t *ranks = malloc((nk + 1) * sizeof *ranks);
        assert_non_null(ranks);
        /* a transfer's rank: its producer's place in the global order (distinct), or that
         * place / 4 with the last quarter unranked (ties, FCFS among equals); such ranks
         * never wait for a later producer, so the orders still complete */
        for (size_t k = 0; k < nk; k++)
            ranks[k] = INT64_MAX;
        for (size_t i = 0; i < n; i++) {
            if (items[i].part + 1 != items[i].parts || items[i].kind >= PS_OP_W)
                continue;
            int v = ps_vstage_of(items[i].dev, items[i].chunk, a->n_stages, V, tr);
            int xk = items[i].kind == PS_OP_F ? PS_XFER_ACTIVATION : PS_XFER_GRADIENT;
            if (ps_boundary_to(a, xk, v) < 0)
                continue;
            size_t k = ps_xfer_key(a, (enum ps_xfer_kind)xk, v, items[i].mb);
            ranks[k] = mode == 1 ? (int64_t)i : 4 * i < 3 * n ? (int64_t)(i / 4) : INT64_MAX;
        }
        random_ranks(mode, ranks, a, b);
        with_ranks += mode != 0;
        struct ps_diag d;
        enum ps_status sa = ps_sim_run(a, &d);
        enum ps_status sb = ref_sim_run(b);
        /* the orders complete, except that blocking sends may deadlock them */
        if (sa != PS_OK && !(sa == PS_EDEADLOCK && sc.arrangement == PS_ARRANGE_BLOCKING))
            fail_msg("iteration %d: %s: %s", iter, d.path, d.msg);
        assert_int_equal(sa, sb);
        blocked += sa != PS_OK;
        if (sa == PS_OK)
            expect_same(a, b, iter);
        /* the same orders again, now with every channel on the general (event) path */
        ps_schedule_clear(a);
        push_items(a, items, n);
        assert_int_equal(ps_sim_run_mode(a, &d, PS_SIM_ALL_GENERAL), sb);
        if (sb == PS_OK)
            expect_same(a, b, iter);
        general++;
        /* a shuffled order: both agree on completing or deadlocking */
        for (int k = 0; k < 3 && n > 1; k++) {
            size_t i = rnd() % n, j = rnd() % n;
            if (items[i].dev == items[j].dev) {
                struct item t = items[i];
                items[i] = items[j];
                items[j] = t;
            }
        }
        push_items(a, items, n);
        push_items(b, items, n);
        sa = ps_sim_run(a, &d);
        if (sa == PS_OK) {
            assert_int_equal(ref_sim_run(b), PS_OK);
            expect_same(a, b, iter);
        } else if (sa == PS_EDEADLOCK) {
            assert_int_equal(ref_sim_run(b), PS_EDEADLOCK);
        } else {
            assert_int_equal(sa, PS_EINVAL); /* parts or microbatches out of order */
        }
        free(ranks);
        ps_schedule_free(a);
        ps_schedule_free(b);
        ps_scenario_fini(&sc);
    }
    free(items);
    print_message("  %d random schedules (%d with ranks, %d deadlocked by blocking sends), each "
                  "also on the general path\n",
                  n_iter, with_ranks, blocked);
    assert_int_equal(general, n_iter);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_orders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
