/* The workload model (core/workload*.c) against closed forms: the worked chunk times of
 * seeds-others.md I2 (Eq. 1), the all-to-all (Eq. 3), memory (Eq. 5, 9-10), the seeded
 * generators, the checks that name their field, the step from chunks to microbatches and
 * the backward ranks of token slices. Links ps_core alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scenario.h"
#include "core/workload.h"

static void assert_close(double got, double want, double abs_tol)
{
    if (!(fabs(got - want) <= abs_tol)) {
        print_error("got %.12g, want %.12g (tolerance %g)\n", got, want, abs_tol);
        fail();
    }
}

/* The illustrative coefficients of I2: a1 = 1e-9 s/token^2, a2 = 1e-5 s/token, b1 =
 * 0.01 s, N = 32 (d_s = 8, d_p = 4), in ms. */
static struct ps_workload *i2_workload(void)
{
    struct ps_workload *w = ps_workload_new();
    assert_non_null(w);
    w->sp = 8;
    w->fwd = (struct ps_cost_coef){.alpha1_ms = 1e-6, .alpha2_ms = 1e-2, .beta1_ms = 10};
    return w;
}

/* I2's table (seconds): 0.04956, 0.01601, 0.00972, 0.03174 (four digits). The exact
 * values: (1e-9 ((C+s0)^2 - C^2) + 1e-5 s0 + sum(1e-9 s^2 + 1e-5 s)) / 32 + 0.0025. */
static void test_i2_chunk_times(void **state)
{
    (void)state;
    struct ps_workload *w = i2_workload();
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, 4);
    assert_int_equal(cx.n_gpus, 32);
    const int K = 1024;
    double split = ps_cost_comp_ms(&cx, &w->fwd, 32 * K, 16 * K, NULL, 0);
    double first = ps_cost_comp_ms(&cx, &w->fwd, 0, 16 * K, NULL, 0);
    int four[4] = {4 * K, 4 * K, 4 * K, 4 * K};
    double batched = ps_cost_comp_ms(&cx, &w->fwd, 0, 0, four, 4);
    int two[2] = {4 * K, 4 * K};
    double hybrid = ps_cost_comp_ms(&cx, &w->fwd, 40 * K, 8 * K, two, 2);
    /* exact */
    assert_close(split, (1.342177280 + 0.16384) / 32 * 1e3 + 2.5, 1e-9);
    assert_close(first, (0.268435456 + 0.16384) / 32 * 1e3 + 2.5, 1e-9);
    assert_close(batched, 4 * (0.016777216 + 0.04096) / 32 * 1e3 + 2.5, 1e-9);
    assert_close(hybrid, (0.738197504 + 0.08192 + 2 * (0.016777216 + 0.04096)) / 32 * 1e3 + 2.5,
                 1e-9);
    /* the note's four digits, in ms */
    assert_close(split, 49.56, 0.005);
    assert_close(first, 16.01, 0.005);
    assert_close(batched, 9.72, 0.005);
    assert_close(hybrid, 31.74, 0.005);
    printf("I2: split %.4f ms, first slice %.4f ms, batched %.4f ms, hybrid %.4f ms\n", split,
           first, batched, hybrid);
    /* equal tokens are not equal times: the split chunk (16K) costs 5x the batched (16K) */
    assert_true(split > 5 * batched);
    ps_workload_free(w);
}

/* Eq. 3: (e (D + D_kv) sum(S) / (d_s B) + 2 beta) x 2L / d_p, and nothing with d_s = 1. */
static void test_alltoall(void **state)
{
    (void)state;
    struct ps_workload *w = ps_workload_new();
    w->sp = 8;
    w->model.layers = 40;
    w->model.hidden = 5120;
    w->model.kv_hidden = 1024;
    w->model.bytes = 2;
    w->a2a_bandwidth_gbps = 800; /* 100 GB/s */
    w->a2a_latency_ms = 0.02;
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, 4);
    /* 16384 tokens: 2 x 6144 x 16384 / 8 = 25,165,824 bytes = 0.25165824 ms at 100 GB/s */
    double want = (25165824.0 / 1e8 + 2 * 0.02) * 2 * 40 / 4;
    assert_close(ps_cost_a2a_ms(&cx, 16384), want, 1e-12);
    w->sp = 1;
    ps_cost_ctx_init(&cx, w, 4);
    assert_close(ps_cost_a2a_ms(&cx, 16384), 0, 0);
    ps_workload_free(w);
}

/* Eq. 5 and 9-10 for a split chunk and a batched one, on a middle and the last stage. */
static void test_memory(void **state)
{
    (void)state;
    struct ps_workload *w = ps_workload_new();
    w->sp = 8;
    w->model = (struct ps_wl_model){.layers = 40,
                                    .hidden = 5120,
                                    .kv_hidden = 1024,
                                    .vocab = 32000,
                                    .bytes = 2,
                                    .params_b = 13};
    int lengths[3] = {20000, 3000, 1000};
    assert_int_equal(ps_workload_set_lengths(w, lengths, 3), PS_OK);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, 4);
    /* defaults: M_token = 17 e D L, M_logits = 4 vocab, model states 16 P / N */
    assert_close(cx.token_bytes, 17.0 * 2 * 5120 * 40, 0);
    assert_close(cx.logits_bytes, 128000, 0);
    assert_close(cx.model_states_gb, 16.0 * 13 / 32, 1e-12);
    assert_close(cx.limit_gb, 80 - 6.5 - 4, 1e-12);
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    /* slice 1 of sequence 0: 8000 tokens at context 12000 */
    assert_int_equal(ps_chunking_push(&ch, PS_CHUNK_SPLIT, 0, 1, 2, 12000, 8000), PS_OK);
    ps_cost_chunk(&cx, &ch, &ch.chunks[0]);
    /* a batched chunk of the two short sequences */
    assert_int_equal(ps_chunking_push(&ch, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0), PS_OK);
    assert_int_equal(ps_chunking_add_member(&ch, 1, 3000), PS_OK);
    assert_int_equal(ps_chunking_add_member(&ch, 2, 1000), PS_OK);
    ps_cost_chunk(&cx, &ch, &ch.chunks[1]);
    const struct ps_chunk *sp = &ch.chunks[0], *bt = &ch.chunks[1];
    assert_int_equal(sp->tokens, 8000);
    assert_int_equal(bt->tokens, 4000);
    double tok = cx.token_bytes / 32, dkv = 2.0 * 2 * 40 * 1024 / 32;
    assert_close(sp->mem_gb, (tok + dkv) * 8000 / 1e9, 1e-12);
    assert_close(sp->mem_last_gb, sp->mem_gb + 128000.0 / 8 * 8000 / 1e9, 1e-12);
    assert_close(bt->mem_gb, tok * 4000 / 1e9, 1e-12); /* no K/V gradients */
    /* one checkpointed layer: the layer's activations (M_token / (L d_s)) minus its input
     * (e D / d_s) and, for a slice, its K and V (2 e D_kv / d_s) */
    double layer = cx.token_bytes / (40 * 8);
    assert_close(sp->save_gb, (layer - 2.0 * (5120 + 2 * 1024) / 8) * 8000 / 1e9, 1e-12);
    assert_close(bt->save_gb, (layer - 2.0 * 5120 / 8) * 4000 / 1e9, 1e-12);
    assert_close(ps_cost_kept_gb(&cx, sp, 1, 3), sp->mem_gb - 3 * sp->save_gb, 1e-12);
    assert_int_equal(ps_cost_max_layers(&cx), 10);
    /* the message: e D sum(S) */
    assert_close(sp->msg_mb, 2.0 * 5120 * 8000 / 1e6, 1e-12);
    ps_chunking_fini(&ch);
    ps_workload_free(w);
}

/* Seeded generators: the same lengths for the same seed, within range and cap. */
static void test_generators(void **state)
{
    (void)state;
    const struct ps_wl_generator gens[] = {
        {.dist = PS_WL_FIXED, .seed = 1, .tokens = 5000},
        {.dist = PS_WL_UNIFORM, .seed = 2, .min_tokens = 100, .max_tokens = 900},
        {.dist = PS_WL_LOGNORMAL, .seed = 3, .median_tokens = 2000, .sigma = 1.2},
        {.dist = PS_WL_ZIPF, .seed = 4, .min_tokens = 64, .max_tokens = 60000, .exponent = 1.3},
    };
    for (size_t g = 0; g < sizeof gens / sizeof gens[0]; g++) {
        struct ps_workload *a = ps_workload_new(), *b = ps_workload_new();
        a->source = b->source = PS_WL_GENERATOR;
        a->gen = b->gen = gens[g];
        a->batch = b->batch = 4096;
        a->cap_tokens = b->cap_tokens = 32768;
        assert_int_equal(ps_workload_draw(a, NULL), PS_OK);
        assert_int_equal(ps_workload_draw(b, NULL), PS_OK);
        assert_int_equal(a->n_seqs, 4096);
        assert_memory_equal(a->lengths, b->lengths, 4096 * sizeof(int));
        int lo = INT32_MAX, hi = 0, at_cap = 0;
        for (int i = 0; i < 4096; i++) {
            lo = a->lengths[i] < lo ? a->lengths[i] : lo;
            hi = a->lengths[i] > hi ? a->lengths[i] : hi;
            at_cap += a->lengths[i] == 32768;
        }
        assert_true(lo >= 1 && hi <= 32768);
        if (gens[g].dist == PS_WL_FIXED)
            assert_true(lo == 5000 && hi == 5000);
        if (gens[g].dist == PS_WL_UNIFORM)
            assert_true(lo >= 100 && hi <= 900 && hi - lo > 700);
        if (gens[g].dist == PS_WL_ZIPF)
            assert_true(lo >= 64 && at_cap > 0); /* the tail is truncated to the cap */
        if (gens[g].dist == PS_WL_LOGNORMAL) {
            /* the median of a lognormal is its median_tokens */
            int below = 0;
            for (int i = 0; i < 4096; i++)
                below += a->lengths[i] < 2000;
            assert_true(below > 1800 && below < 2300);
        }
        /* another seed, other lengths (except the fixed distribution) */
        b->gen.seed += 17;
        assert_int_equal(ps_workload_draw(b, NULL), PS_OK);
        if (gens[g].dist != PS_WL_FIXED)
            assert_true(memcmp(a->lengths, b->lengths, 4096 * sizeof(int)) != 0);
        ps_workload_free(a);
        ps_workload_free(b);
    }
}

/* Bad values: each a clear message that names its field. */
static void test_bad_values(void **state)
{
    (void)state;
    struct ps_diag d;
    struct ps_workload *w = ps_workload_new();
    w->cap_tokens = 49152;
    int lengths[3] = {1000, 60000, 10};
    ps_workload_set_lengths(w, lengths, 3);
    assert_int_equal(ps_workload_validate(w, 4, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.sequences.1");
    assert_string_equal(d.msg, "60000 tokens is longer than cap_tokens (49152)");
    lengths[1] = 0;
    ps_workload_set_lengths(w, lengths, 3);
    assert_int_equal(ps_workload_validate(w, 4, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.sequences.1");
    assert_string_equal(d.msg, "must be >= 1 token (got 0)");
    /* a distribution with no mass */
    w->source = PS_WL_GENERATOR;
    w->gen =
        (struct ps_wl_generator){.dist = PS_WL_UNIFORM, .min_tokens = 5000, .max_tokens = 4000};
    w->batch = 8;
    assert_int_equal(ps_workload_draw(w, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.generator");
    assert_string_equal(d.msg, "uniform range [5000, 4000] is empty (no mass)");
    w->gen.dist = PS_WL_ZIPF;
    w->gen.exponent = 1.1;
    assert_int_equal(ps_workload_draw(w, &d), PS_EINVAL);
    assert_string_equal(d.msg, "zipf range [5000, 4000] is empty (no mass)");
    /* no room left in the HBM */
    w->gen = (struct ps_wl_generator){.dist = PS_WL_FIXED, .seed = 1, .tokens = 100};
    assert_int_equal(ps_workload_draw(w, &d), PS_OK);
    w->mem.reserve_gb = 75;
    assert_int_equal(ps_workload_validate(w, 4, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.memory");
    assert_non_null(strstr(d.msg, "leave nothing of hbm_gb 80"));
    w->mem.reserve_gb = 4;
    /* fewer layers than stages, a forward that takes no time */
    w->model.layers = 2;
    assert_int_equal(ps_workload_validate(w, 4, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.model.layers");
    w->model.layers = 40;
    w->fwd = (struct ps_cost_coef){0, 0, 0};
    assert_int_equal(ps_workload_validate(w, 4, &d), PS_EINVAL);
    assert_string_equal(d.path, "workload.cost.forward");
    ps_workload_free(w);
}

/* A scenario of 4 stages whose workload is three sequences. */
static void make_scenario(struct ps_scenario *sc)
{
    assert_int_equal(ps_scenario_make_uniform(sc, 1, 4, 1, 1, 1, 0), PS_OK);
    sc->workload = ps_workload_new();
    int lengths[3] = {12000, 3000, 1000};
    ps_workload_set_lengths(sc->workload, lengths, 3);
    sc->workload->cap_tokens = 16384;
}

/* The unplanned view: one microbatch per sequence, memory in GB, the last stage's logits. */
static void test_apply_raw(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    make_scenario(&sc);
    assert_int_equal(ps_workload_apply_raw(&sc, &d), PS_OK);
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    assert_int_equal(sc.n_microbatches, 3);
    assert_true(sc.has_memory_limit);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, sc.workload, 4);
    assert_close(sc.memory_limit, cx.limit_gb, 0);
    assert_int_equal(sc.per_microbatch[0].tokens, 12000);
    double tok = cx.token_bytes / cx.n_gpus;
    assert_close(ps_scenario_stage_memory(&sc, 0, 0), tok * 12000 / 1e9, 1e-12);
    assert_true(ps_scenario_stage_memory(&sc, 3, 0) > ps_scenario_stage_memory(&sc, 2, 0));
    /* compute scales reproduce each sequence's forward time */
    double f0 = sc.compute.forward_ms * sc.per_microbatch[0].compute_scale;
    assert_close(f0, ps_cost_seq_fwd_ms(&cx, 12000), 1e-9);
    assert_false(ps_scenario_has_slices(&sc));
    assert_false(ps_scenario_has_recompute(&sc));
    ps_scenario_fini(&sc);
}

/* Planned chunks into microbatches: slices continue, per-stage recomputation, R times. */
static void test_apply_plan(void **state)
{
    (void)state;
    struct ps_scenario sc;
    struct ps_diag d;
    make_scenario(&sc);
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, sc.workload, 4);
    struct ps_chunking ch;
    ps_chunking_init(&ch);
    /* sequence 0 in two slices, then a batched chunk of the others */
    ps_chunking_push(&ch, PS_CHUNK_SPLIT, 0, 0, 2, 0, 7000);
    ps_chunking_push(&ch, PS_CHUNK_HYBRID, 0, 1, 2, 7000, 5000);
    ps_chunking_add_member(&ch, 2, 1000);
    ps_chunking_push(&ch, PS_CHUNK_BATCHED, -1, 0, 1, 0, 0);
    ps_chunking_add_member(&ch, 1, 3000);
    for (int i = 0; i < ch.n; i++)
        ps_cost_chunk(&cx, &ch, &ch.chunks[i]);
    int order[3] = {0, 1, 2}, pipeline[3] = {0, 0, 1};
    int layers[3 * 4] = {0, 2, 0, 0, 10, 0, 0, 0, 0, 0, 0, 5};
    struct ps_wl_result r = {
        .chunks = &ch, .order = order, .pipeline = pipeline, .layers = layers, .slices = 2};
    assert_int_equal(ps_workload_apply(&sc, &r, &d), PS_OK);
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    assert_int_equal(sc.n_microbatches, 3);
    assert_false(ps_scenario_continues(&sc, 0));
    assert_true(ps_scenario_continues(&sc, 1));
    assert_false(ps_scenario_continues(&sc, 2));
    assert_int_equal(ps_scenario_pipeline(&sc, 2), 1);
    assert_true(sc.workload->planned.valid);
    assert_int_equal(sc.workload->planned.pipelines, 2);
    /* 2 of a stage's 10 layers: a fifth of the forward, and 2 layers' saving */
    assert_close(ps_scenario_recompute(&sc, 1, 0), 0.2, 1e-12);
    assert_close(ps_scenario_recompute_memory(&sc, 1, 0), 2 * ch.chunks[0].save_gb, 1e-12);
    assert_close(ps_scenario_recompute(&sc, 0, 1), 1.0, 0);
    assert_close(ps_scenario_recompute(&sc, 0, 0), 0, 0);
    int64_t f = ps_scenario_stage_time_ns(&sc, 1, 0, PS_TIME_F);
    int64_t rr = ps_scenario_stage_time_ns(&sc, 1, 0, PS_TIME_R);
    assert_true(llabs(rr - (int64_t)llround(0.2 * (double)f)) <= 1);
    assert_true(ps_scenario_has_recompute(&sc));
    /* backward ranks: the two slices swap, the third stays */
    int rank[3], ord[3];
    ps_scenario_bwd_ranks(&sc, rank, ord);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 0);
    assert_int_equal(rank[2], 2);
    assert_int_equal(ord[0], 1);
    ps_chunking_fini(&ch);
    ps_scenario_fini(&sc);
}

/* Backward ranks of a longer pattern: runs reverse, the rest stays. */
static void test_bwd_ranks(void **state)
{
    (void)state;
    struct ps_scenario sc;
    assert_int_equal(ps_scenario_make_uniform(&sc, 1, 2, 7, 1, 1, 0), PS_OK);
    sc.per_microbatch = calloc(7, sizeof *sc.per_microbatch);
    for (int m = 0; m < 7; m++)
        sc.per_microbatch[m] = (struct ps_mb_scale){.compute_scale = 1, .activation_scale = 1};
    /* sequences: {0,1,2}, {3}, {4,5}, {6} */
    sc.per_microbatch[1].continues = sc.per_microbatch[2].continues = true;
    sc.per_microbatch[5].continues = true;
    struct ps_diag d;
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_OK);
    int rank[7], ord[7];
    ps_scenario_bwd_ranks(&sc, rank, ord);
    const int want[7] = {2, 1, 0, 3, 5, 4, 6};
    for (int m = 0; m < 7; m++) {
        assert_int_equal(rank[m], want[m]);
        assert_int_equal(ord[rank[m]], m);
    }
    /* the first microbatch cannot continue; slices stay in one pipeline */
    sc.per_microbatch[0].continues = true;
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_EINVAL);
    assert_string_equal(d.path, "per_microbatch.0.continues");
    sc.per_microbatch[0].continues = false;
    sc.per_microbatch[5].pipeline = sc.per_microbatch[6].pipeline = 1;
    assert_int_equal(ps_scenario_validate(&sc, &d), PS_EINVAL);
    assert_string_equal(d.path, "per_microbatch.5.pipeline");
    ps_scenario_fini(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i2_chunk_times), cmocka_unit_test(test_alltoall),
        cmocka_unit_test(test_memory),         cmocka_unit_test(test_generators),
        cmocka_unit_test(test_bad_values),     cmocka_unit_test(test_apply_raw),
        cmocka_unit_test(test_apply_plan),     cmocka_unit_test(test_bwd_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
