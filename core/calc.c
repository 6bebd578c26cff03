/* The model calculator: CrossPipe's per-layer FLOP and activation formulas turned into
 * per-stage times and memory for one parallel layout. */
#include "core/calc.h"

#include <math.h>
#include <stddef.h>

/* a = kv_heads / heads: the K and V projections are a times the size of Q's. */
static double kv_ratio(const struct ps_calc_model *m)
{
    return (double)m->kv_heads / (double)m->heads;
}

double ps_calc_layer_forward_flops(const struct ps_calc_model *m, int b)
{
    double s = m->seq, d = m->hidden, f = m->ffn, a = kv_ratio(m);
    return b * (2.0 * s * s * d + 4.0 * s * d * d + 4.0 * a * s * d * d + 6.0 * s * d * f);
}

double ps_calc_layer_backward_flops(const struct ps_calc_model *m, int b)
{
    double s = m->seq, d = m->hidden, f = m->ffn, a = kv_ratio(m);
    return b * (5.0 * s * s * d + 4.0 * s * d * d + 4.0 * a * s * d * d + 6.0 * s * d * f);
}

double ps_calc_layer_weight_flops(const struct ps_calc_model *m, int b)
{
    double s = m->seq, d = m->hidden, f = m->ffn, a = kv_ratio(m);
    return b * (4.0 * s * d * d + 4.0 * a * s * d * d + 6.0 * s * d * f);
}

double ps_calc_layer_act_bytes(const struct ps_calc_model *m, int b, int tp, bool recompute)
{
    double s = m->seq, d = m->hidden, f = m->ffn, a = kv_ratio(m);
    if (recompute)
        return 2.0 * b * s * d / tp;
    return (12.0 * b * s * d + 4.0 * a * b * s * d + 8.0 * b * s * f) / tp;
}

double ps_calc_weight_share(const struct ps_calc_model *m)
{
    double d = m->hidden, f = m->ffn, a = kv_ratio(m);
    return (12.0 * d + 4.0 * a * d + 6.0 * f) / (12.0 * d + 4.0 * a * d + 8.0 * f);
}

double ps_calc_layer_params(const struct ps_calc_model *m)
{
    double d = m->hidden, f = m->ffn, a = kv_ratio(m);
    return 2.0 * (1.0 + a) * d * d + 3.0 * d * f;
}

double ps_calc_message_bytes(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                             const struct ps_calc_hw *hw)
{
    return hw->bytes_per_element * l->microbatch_size * (double)m->seq * m->hidden * l->dp;
}

enum ps_status ps_calc_check(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                             const struct ps_calc_hw *hw, struct ps_diag *d)
{
    static const struct {
        const char *name;
        size_t off;
    } model_ints[] = {
        {"model.layers", offsetof(struct ps_calc_model, layers)},
        {"model.hidden", offsetof(struct ps_calc_model, hidden)},
        {"model.ffn", offsetof(struct ps_calc_model, ffn)},
        {"model.heads", offsetof(struct ps_calc_model, heads)},
        {"model.kv_heads", offsetof(struct ps_calc_model, kv_heads)},
        {"model.vocab", offsetof(struct ps_calc_model, vocab)},
        {"model.seq", offsetof(struct ps_calc_model, seq)},
    };
    for (size_t i = 0; i < sizeof model_ints / sizeof model_ints[0]; i++) {
        int v = *(const int *)(const void *)((const char *)m + model_ints[i].off);
        if (v < 1)
            return ps_diag_set(d, PS_EINVAL, model_ints[i].name, "must be >= 1 (got %d)", v);
    }
    if (m->extra_layers < 0)
        return ps_diag_set(d, PS_EINVAL, "model.extra_layers", "must be >= 0 (got %d)",
                           m->extra_layers);
    if (m->kv_heads > m->heads || m->heads % m->kv_heads != 0)
        return ps_diag_set(d, PS_EINVAL, "model.kv_heads",
                           "must divide the %d attention heads (got %d)", m->heads, m->kv_heads);
    if (l->tp < 1)
        return ps_diag_set(d, PS_EINVAL, "cluster.tp", "must be >= 1 (got %d)", l->tp);
    if (l->dp < 1)
        return ps_diag_set(d, PS_EINVAL, "cluster.dp", "must be >= 1 (got %d)", l->dp);
    if (l->microbatch_size < 1)
        return ps_diag_set(d, PS_EINVAL, "cluster.mbs", "must be >= 1 (got %d)",
                           l->microbatch_size);
    int total = m->layers + m->extra_layers;
    if (l->pp < 1 || l->pp > total)
        return ps_diag_set(d, PS_EINVAL, "cluster.pp",
                           "must be between 1 and the %d counted layers (got %d)", total, l->pp);
    if (l->layers_per_stage != NULL) {
        int sum = 0;
        for (int s = 0; s < l->pp; s++) {
            if (l->layers_per_stage[s] < 1)
                return ps_diag_set(d, PS_EINVAL, "cluster.layers",
                                   "stage %d must have at least one layer (got %d)", s,
                                   l->layers_per_stage[s]);
            sum += l->layers_per_stage[s];
        }
        if (sum != total)
            return ps_diag_set(d, PS_EINVAL, "cluster.layers",
                               "the stages' layers add up to %d, but the model has %d + %d = %d",
                               sum, m->layers, m->extra_layers, total);
    }
    if (!(hw->peak_tflops > 0.0) || !isfinite(hw->peak_tflops))
        return ps_diag_set(d, PS_EINVAL, "cluster.gpu", "must be > 0 TFLOP/s (got %g)",
                           hw->peak_tflops);
    if (!(hw->util > 0.0 && hw->util <= 1.0))
        return ps_diag_set(d, PS_EINVAL, "cluster.util", "must be in (0, 1] (got %g)", hw->util);
    if (!(hw->bytes_per_element > 0.0) || !isfinite(hw->bytes_per_element))
        return ps_diag_set(d, PS_EINVAL, "cluster.bytes", "must be > 0 (got %g)",
                           hw->bytes_per_element);
    return PS_OK;
}

/* Counted layers of stage s (see ps_calc_split_layers). */
static int stage_layers(const struct ps_calc_model *m, const struct ps_calc_layout *l, int s)
{
    if (l->layers_per_stage != NULL)
        return l->layers_per_stage[s];
    int total = m->layers + m->extra_layers;
    int base = total / l->pp, extra = total % l->pp;
    return base + (s >= l->pp - extra ? 1 : 0);
}

void ps_calc_split_layers(const struct ps_calc_model *m, const struct ps_calc_layout *l, int *out)
{
    for (int s = 0; s < l->pp; s++)
        out[s] = stage_layers(m, l, s);
}

enum ps_status ps_calc_stages(const struct ps_calc_model *m, const struct ps_calc_layout *l,
                              const struct ps_calc_hw *hw, struct ps_calc_stage *out,
                              struct ps_diag *d)
{
    enum ps_status st = ps_calc_check(m, l, hw, d);
    if (st != PS_OK)
        return st;

    int b = l->microbatch_size;
    /* FLOP/s of one stage: its TP group shares the work evenly. */
    double rate = hw->peak_tflops * 1e12 * hw->util * l->tp;
    double f_layer = ps_calc_layer_forward_flops(m, b) / rate * 1e3;
    double b_layer = ps_calc_layer_backward_flops(m, b) / rate * 1e3;
    double w_layer = ps_calc_layer_weight_flops(m, b) / rate * 1e3;
    double act_layer = ps_calc_layer_act_bytes(m, b, l->tp, l->recompute);
    double p_layer = ps_calc_layer_params(m);
    double p_vocab = (double)m->vocab * m->hidden;
    double bytes_per_param = 2.0 * hw->bytes_per_element + 12.0 / l->dp;

    /* The extra layers are the embedding (on stage 0) and the output (on the last stage);
     * with extra_layers == 1 only the embedding, with 0 neither. */
    for (int s = 0; s < l->pp; s++) {
        struct ps_calc_stage *o = &out[s];
        int n = o->layers = stage_layers(m, l, s);
        o->has_embedding = s == 0 && m->extra_layers >= 1;
        o->has_output = s == l->pp - 1 && m->extra_layers >= 2;
        int transformer = n - (o->has_embedding ? 1 : 0) - (o->has_output ? 1 : 0);
        if (transformer < 0)
            transformer = 0;
        o->forward_ms = n * f_layer;
        o->backward_ms = n * b_layer + (l->recompute ? n * f_layer : 0.0);
        o->weight_ms = n * w_layer;
        o->act_bytes = n * act_layer;
        o->params = transformer * p_layer +
                    ((o->has_embedding ? 1 : 0) + (o->has_output ? 1 : 0)) * p_vocab;
        o->static_bytes = o->params / l->tp * bytes_per_param;
    }
    return PS_OK;
}

double ps_calc_memory_limit(const struct ps_calc_stage *st, int pp, double hbm_gb)
{
    double best = INFINITY;
    for (int s = 0; s < pp; s++) {
        double free_bytes = hbm_gb * 1e9 - st[s].static_bytes;
        if (free_bytes <= 0.0)
            return -1.0;
        double units = free_bytes / st[s].act_bytes;
        if (units < best)
            best = units;
    }
    return floor(best * 1000.0) / 1000.0;
}

/* Bytes over a link of bandwidth_gbps, in ms; 0 when unlimited. */
static double tx_ms(double bytes, double bandwidth_gbps)
{
    return bandwidth_gbps > 0 ? bytes * 8.0 / (bandwidth_gbps * 1e6) : 0.0;
}

double ps_calc_dp_ms(const struct ps_calc_dp *dp, const struct ps_calc_stage *st, int first,
                     int count)
{
    if (dp->dp <= 1 || count < 1)
        return 0.0;
    int D = dp->span_dcs > 1 ? dp->span_dcs : 1, n = dp->dp / D;
    double inter = 0.0, dc_bytes = 0.0;
    for (int s = first; s < first + count; s++)
        dc_bytes += st[s].params * dp->bytes_per_element;
    if (D > 1)
        inter = (double)(D - 1) / D * tx_ms(dc_bytes, dp->inter_bandwidth_gbps) +
                (D - 1) * dp->inter_latency_ms;
    double worst = 0.0;
    for (int s = first; s < first + count; s++) {
        double p = st[s].params / dp->tp * dp->bytes_per_element, t = inter;
        if (n > 1)
            t += (double)(n - 1) / n * tx_ms(p, dp->intra_bandwidth_gbps) +
                 (n - 1) * dp->intra_latency_ms;
        if (t > worst)
            worst = t;
    }
    return worst;
}
