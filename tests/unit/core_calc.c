/* The model calculator against hand-computed values: CrossPipe's per-layer FLOP,
 * activation and parameter formulas, the layer split, the 109 ms check for Llama 3 405B,
 * M70's message and memory, and the argument checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/calc.h"

/* Llama 3 405B and CrossPipe's M70 (Table 4). */
static const struct ps_calc_model llama405 = {126, 2, 16384, 53248, 128, 8, 128256, 8192};
static const struct ps_calc_model m70 = {62, 2, 8192, 28672, 64, 8, 32000, 4096};

static void assert_close(double got, double want, double rel)
{
    if (fabs(got - want) > rel * fabs(want)) {
        print_error("got %.12g, want %.12g (relative tolerance %g)\n", got, want, rel);
        fail();
    }
}

/* F = 2bs^2d + 4bsd^2 + 4a bsd^2 + 6bsdf with s = 8192, d = 16384, f = 53248, a = 1/16:
 * 2,199,023,255,552 + 8,796,093,022,208 + 549,755,813,888 + 42,880,953,483,264
 * = 54,425,825,574,912 (every term is exact in a double). */
static void test_layer_flops_405b(void **state)
{
    (void)state;
    assert_true(ps_calc_layer_forward_flops(&llama405, 1) == 54425825574912.0);
    /* B adds 3bs^2d = 3,298,534,883,328; W drops the 2bs^2d of attention scores. */
    assert_true(ps_calc_layer_backward_flops(&llama405, 1) == 57724360458240.0);
    assert_true(ps_calc_layer_weight_flops(&llama405, 1) == 52226802319360.0);
    /* Linear in the microbatch size. */
    assert_true(ps_calc_layer_forward_flops(&llama405, 2) == 2 * 54425825574912.0);
}

/* The paper's check: 128 counted layers over 16 stages = 8 per stage, TP 8 at 500 TFLOP/s:
 * T_F = 8 x 5.4426e13 / (8 x 500e12) s = 108.85 ms ("T_F ~ 109 ms"). */
static void test_405b_t_f_109ms(void **state)
{
    (void)state;
    struct ps_calc_layout lay = {8, 16, 64, 1, NULL, false};
    struct ps_calc_hw hw = {500, 1, 2};
    struct ps_calc_stage st[16];
    assert_int_equal(ps_calc_stages(&llama405, &lay, &hw, st, NULL), PS_OK);
    for (int s = 0; s < 16; s++) {
        assert_int_equal(st[s].layers, 8);
        assert_close(st[s].forward_ms, 108.851651149824, 1e-12);
        assert_close(st[s].backward_ms, 115.44872091648, 1e-12);
        assert_close(st[s].weight_ms, 104.45360463872, 1e-12);
    }
    printf("Llama 3 405B, 16 stages, TP 8, 500 TFLOP/s: T_F = %.3f ms, T_B = %.3f ms, "
           "T_W = %.3f ms\n",
           st[0].forward_ms, st[0].backward_ms, st[0].weight_ms);
    assert_true(fabs(st[0].forward_ms - 109.0) < 0.5);
    assert_true(st[0].has_embedding && !st[0].has_output);
    assert_true(st[15].has_output && !st[15].has_embedding);
    /* Halving the achieved rate doubles every time. */
    hw.util = 0.5;
    assert_int_equal(ps_calc_stages(&llama405, &lay, &hw, st, NULL), PS_OK);
    assert_close(st[3].forward_ms, 2 * 108.851651149824, 1e-12);
}

/* M70: (12sd + 4a sd + 8sf)/tp = (402,653,184 + 16,777,216 + 939,524,096)/4 = 339,738,624
 * bytes per layer; with recomputation only the input 2sd/tp = 16,777,216. */
static void test_activation_m70(void **state)
{
    (void)state;
    assert_true(ps_calc_layer_act_bytes(&m70, 1, 4, false) == 339738624.0);
    assert_true(ps_calc_layer_act_bytes(&m70, 1, 4, true) == 16777216.0);
    assert_true(ps_calc_layer_act_bytes(&m70, 2, 1, false) == 8 * 339738624.0);
    /* W keeps (12d + d/2 + 6f) of (12d + d/2 + 8f): 274,432 / 331,776. */
    assert_close(ps_calc_weight_share(&m70), 274432.0 / 331776.0, 1e-15);
}

/* Message: 2 bytes x b x s x d x dp; M70 with dp 16 is the paper's "1 GB" (1,073,741,824
 * bytes), with dp 1 "64 MB". */
static void test_message_m70(void **state)
{
    (void)state;
    struct ps_calc_layout lay = {4, 8, 16, 1, NULL, false};
    struct ps_calc_hw hw = {989, 0.4, 2};
    assert_true(ps_calc_message_bytes(&m70, &lay, &hw) == 1073741824.0);
    lay.dp = 1;
    assert_true(ps_calc_message_bytes(&m70, &lay, &hw) == 67108864.0);
}

/* Parameters: 2(1 + 1/8) 8192^2 + 3 x 8192 x 28672 = 150,994,944 + 704,643,072. Stage 0 of
 * M70 over 8 stages: embedding (32000 x 8192) + 7 layers = 6,251,610,112 parameters; per
 * GPU of TP 4 with 2 + 2 + 12 bytes each (dp 1): 25,006,440,448 bytes. */
static void test_params_and_static_memory(void **state)
{
    (void)state;
    assert_true(ps_calc_layer_params(&m70) == 855638016.0);
    struct ps_calc_layout lay = {4, 8, 1, 1, NULL, false};
    struct ps_calc_hw hw = {989, 0.4, 2};
    struct ps_calc_stage st[8];
    assert_int_equal(ps_calc_stages(&m70, &lay, &hw, st, NULL), PS_OK);
    assert_true(st[0].params == 6251610112.0);
    assert_true(st[7].params == 6251610112.0);
    assert_true(st[3].params == 8 * 855638016.0);
    assert_close(st[0].static_bytes, 25006440448.0, 1e-15);
    /* ZeRO-1 over dp 4 leaves 2 + 2 + 3 bytes per parameter. */
    lay.dp = 4;
    assert_int_equal(ps_calc_stages(&m70, &lay, &hw, st, NULL), PS_OK);
    assert_close(st[0].static_bytes, 6251610112.0 / 4 * 7, 1e-15);
    /* Activations of a stage: 8 layers x 339,738,624. */
    assert_close(st[2].act_bytes, 8 * 339738624.0, 1e-15);
}

/* The split: 128 / 16 even; Llama 2 70B's 82 over 8 gives 10 x 6 then 11 x 2; an explicit
 * split must add up. */
static void test_split(void **state)
{
    (void)state;
    int out[16];
    struct ps_calc_layout lay = {8, 16, 1, 1, NULL, false};
    ps_calc_split_layers(&llama405, &lay, out);
    for (int s = 0; s < 16; s++)
        assert_int_equal(out[s], 8);
    struct ps_calc_model l2 = {80, 2, 8192, 28672, 64, 8, 32000, 4096};
    lay.pp = 8;
    ps_calc_split_layers(&l2, &lay, out);
    int want[8] = {10, 10, 10, 10, 10, 10, 11, 11};
    for (int s = 0; s < 8; s++)
        assert_int_equal(out[s], want[s]);

    int given[4] = {15, 17, 17, 15};
    struct ps_calc_hw hw = {500, 1, 2};
    struct ps_calc_stage st[4];
    struct ps_calc_layout lay4 = {4, 4, 1, 1, given, false};
    assert_int_equal(ps_calc_stages(&m70, &lay4, &hw, st, NULL), PS_OK);
    assert_int_equal(st[1].layers, 17);
    assert_close(st[1].forward_ms / st[0].forward_ms, 17.0 / 15.0, 1e-12);
    /* Stage 0 holds the embedding and 14 transformer layers. */
    assert_true(st[0].params == 32000.0 * 8192 + 14 * 855638016.0);
    given[0] = 14;
    struct ps_diag d;
    assert_int_equal(ps_calc_stages(&m70, &lay4, &hw, st, &d), PS_EINVAL);
    assert_string_equal(d.path, "cluster.layers");
}

/* Recomputation runs the forward again inside B. */
static void test_recompute(void **state)
{
    (void)state;
    struct ps_calc_layout lay = {4, 8, 1, 1, NULL, false};
    struct ps_calc_hw hw = {989, 0.4, 2};
    struct ps_calc_stage a[8], b[8];
    assert_int_equal(ps_calc_stages(&m70, &lay, &hw, a, NULL), PS_OK);
    lay.recompute = true;
    assert_int_equal(ps_calc_stages(&m70, &lay, &hw, b, NULL), PS_OK);
    assert_close(b[0].backward_ms, a[0].backward_ms + a[0].forward_ms, 1e-12);
    assert_close(b[0].forward_ms, a[0].forward_ms, 1e-15);
    assert_close(b[0].weight_ms, a[0].weight_ms, 1e-15);
    assert_close(b[0].act_bytes, 8 * 16777216.0, 1e-15);
}

/* Memory limit from HBM: min over stages of (hbm - static) / act, rounded down. */
static void test_memory_limit(void **state)
{
    (void)state;
    struct ps_calc_stage st[2] = {{0}, {0}};
    st[0].static_bytes = 20e9;
    st[0].act_bytes = 2e9;
    st[1].static_bytes = 10e9;
    st[1].act_bytes = 3e9;
    /* (64 - 20)/2 = 22, (64 - 10)/3 = 18 */
    assert_true(ps_calc_memory_limit(st, 2, 64) == 18.0);
    /* (50 - 20)/2 = 15, 40/3 = 13.333... -> 13.333 */
    assert_true(ps_calc_memory_limit(st, 2, 50) == 13.333);
    assert_true(ps_calc_memory_limit(st, 2, 15) < 0);
}

/* Data parallel (docs/presets.md 3.4) on round numbers: stages of 1e9 parameters, TP 2, BF16
 * (1 GB per GPU), 8 Gb/s links (1 GB = 1000 ms), latencies 1 and 10 ms. */
static void test_dp_times(void **state)
{
    (void)state;
    struct ps_calc_stage st[3];
    memset(st, 0, sizeof st);
    st[0].params = st[1].params = 1e9;
    st[2].params = 2e9; /* the output stage */
    struct ps_calc_dp dp = {2, 1, 1, 2, 1, 8, 10, 8};
    assert_true(ps_calc_dp_ms(&dp, st, 0, 3) == 0); /* no replicas, no communication */
    /* 4 replicas in one DC: 3/4 x 1000 ms + 3 x 1 ms; the 2e9 stage: 3/4 x 2000 + 3 */
    dp.dp = 4;
    assert_true(fabs(ps_calc_dp_ms(&dp, st, 0, 2) - 753) < 1e-9);
    assert_true(fabs(ps_calc_dp_ms(&dp, st, 0, 3) - 1503) < 1e-9);
    /* across 2 DC groups, 2 replicas in each: the DC's link carries 1/2 of all its stages'
     * bytes (2 GB + 2 GB = 4 GB at 8 Gb/s: 4000 ms, half 2000) + 1 x 10 ms, then the ring
     * inside (1/2 x 1000 + 1) */
    dp.span_dcs = 2;
    assert_true(fabs(ps_calc_dp_ms(&dp, st, 0, 2) - (2010 + 501)) < 1e-9);
    /* unlimited links cost only their latency */
    dp.intra_bandwidth_gbps = dp.inter_bandwidth_gbps = 0;
    assert_true(fabs(ps_calc_dp_ms(&dp, st, 0, 2) - 11) < 1e-9);
}

static void test_checks(void **state)
{
    (void)state;
    struct ps_diag d;
    struct ps_calc_model m = m70;
    struct ps_calc_layout lay = {4, 8, 1, 1, NULL, false};
    struct ps_calc_hw hw = {989, 0.4, 2};
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_OK);
    m.kv_heads = 7;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "model.kv_heads");
    m = m70;
    m.hidden = 0;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "model.hidden");
    m = m70;
    lay.pp = 65;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "cluster.pp");
    lay.pp = 8;
    hw.util = 0;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "cluster.util");
    hw.util = 1.5;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    hw.util = 1;
    hw.peak_tflops = -1;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "cluster.gpu");
    hw.peak_tflops = 1;
    lay.tp = 0;
    assert_int_equal(ps_calc_check(&m, &lay, &hw, &d), PS_EINVAL);
    assert_string_equal(d.path, "cluster.tp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_flops_405b),
        cmocka_unit_test(test_405b_t_f_109ms),
        cmocka_unit_test(test_activation_m70),
        cmocka_unit_test(test_message_m70),
        cmocka_unit_test(test_params_and_static_memory),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_recompute),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_dp_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
