/* 1F1B (PipeDream-flush / Megatron's non-interleaved schedule) and 1F1B with extra
 * warm-up forwards (GeoPipe's idea), plus the 1F1B-shaped order builder that ZB-H1 and
 * ZB-H2 share. One chunk per device. */
#include "solvers/solver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/units.h"
#include "solvers/fixed.h"
#include "solvers/workload/plan.h"

/* ---- helpers shared by the fixed families (solvers/fixed.h) --------------------------- */

enum ps_status ps_fixed_new(const struct ps_scenario *sc, const char *name, int chunks,
                            enum ps_traversal tr, bool split_backward, struct ps_schedule **out,
                            struct ps_diag *d)
{
    *out = ps_schedule_new(sc, name, chunks, tr, split_backward);
    if (*out == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "%s: out of memory", name);
    return PS_OK;
}

enum ps_status ps_fixed_push_w(struct ps_schedule *s, int stage, int chunk, int microbatch)
{
    if (!ps_schedule_has_w(s, stage))
        return PS_OK;
    return ps_schedule_push(s, stage, PS_OP_W, chunk, microbatch);
}

void ps_1f1b_events(int n, const bool *cont, int warmup, int *ev)
{
    /* the warm-up covers the first sequence's slices: a window of warmup + N_first chunks
     * (Eq. 7-8); a later sequence with more slices forces extra forwards when its
     * backward comes (the penalty bubbles of an order that is not longest first) */
    int n_first = 1;
    while (n_first < n && cont[n_first])
        n_first++;
    int nev = 0, fdone = 0, need_f = 0;
    for (int a = 0; a < n;) {
        int b = a;
        while (b + 1 < n && cont[b + 1])
            b++;
        if (b + 1 > need_f)
            need_f = b + 1;
        for (int k = a; k <= b; k++) {
            /* the k-th backward (rank k) is microbatch a + b - k */
            int want = (k + n_first > need_f ? k + n_first : need_f) + warmup;
            if (want > n)
                want = n;
            while (fdone < want)
                ev[nev++] = fdone++;
            ev[nev++] = -1 - (a + b - k);
        }
        a = b + 1;
    }
}

enum ps_status ps_fixed_push_1f1b(struct ps_schedule *s, const int *warmup, const int *w_delay)
{
    const struct ps_scenario *sc = s->sc;
    int M = s->n_microbatches;
    bool split = s->split_backward;
    bool *cont = malloc((size_t)M * sizeof *cont);
    int *ev = malloc(2 * (size_t)M * sizeof *ev);
    int *bwd = malloc((size_t)M * sizeof *bwd);
    enum ps_status st = cont != NULL && ev != NULL && bwd != NULL ? PS_OK : PS_ENOMEM;
    for (int m = 0; m < M && st == PS_OK; m++)
        cont[m] = ps_scenario_continues(sc, m);
    /* each pipeline (gradient-accumulation group) is a 1F1B of its own, one after the
     * other on every device */
    for (int g0 = 0; g0 < M && st == PS_OK;) {
        int g1 = g0 + 1;
        while (g1 < M && ps_scenario_pipeline(sc, g1) == ps_scenario_pipeline(sc, g0))
            g1++;
        int n = g1 - g0;
        cont[g0] = false;
        for (int dev = 0; dev < s->n_stages && st == PS_OK; dev++) {
            int delay = w_delay != NULL ? w_delay[dev] : 0;
            int next_w = 0, nb = 0; /* W in the order of the backwards, `delay` behind */
            ps_1f1b_events(n, cont + g0, warmup[dev], ev);
            for (int i = 0; i < 2 * n && st == PS_OK; i++) {
                if (ev[i] >= 0) {
                    st = ps_schedule_push(s, dev, PS_OP_F, 0, g0 + ev[i]);
                    continue;
                }
                int m = g0 - 1 - ev[i];
                bwd[nb++] = m;
                st = ps_fixed_push_backward(s, dev, 0, m);
                for (; split && next_w <= nb - 1 - delay && st == PS_OK; next_w++)
                    st = ps_fixed_push_w(s, dev, 0, bwd[next_w]);
            }
            for (; split && next_w < nb && st == PS_OK; next_w++)
                st = ps_fixed_push_w(s, dev, 0, bwd[next_w]);
        }
        g0 = g1;
    }
    free(cont);
    free(ev);
    free(bwd);
    return st;
}

enum ps_status ps_fixed_push_backward(struct ps_schedule *s, int stage, int chunk, int microbatch)
{
    if (ps_schedule_has_r(s, stage, microbatch)) {
        enum ps_status st = ps_schedule_push(s, stage, PS_OP_R, chunk, microbatch);
        if (st != PS_OK)
            return st;
    }
    return ps_schedule_push(s, stage, PS_OP_B, chunk, microbatch);
}

enum ps_status ps_fixed_no_slices(const char *name, struct ps_diag *d)
{
    return ps_diag_set(d, PS_EUNSUPPORTED, "",
                       "no order for token slices (a sequence split over several "
                       "microbatches); use gpipe, 1f1b, 1f1b-warmup, zb-h1, zb-h2, greedy or "
                       "optimal (%s)",
                       name);
}

void ps_fixed_format_list(const int *v, int n, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        char item[16];
        size_t len = (size_t)snprintf(item, sizeof item, "%s%d", i ? "," : "", v[i]);
        /* Keep room for ",..." as long as more items follow. */
        if (used + len + (i + 1 < n ? 4 : 0) >= size) {
            snprintf(buf + used, size - used, "%s...", i ? "," : "");
            return;
        }
        memcpy(buf + used, item, len + 1);
        used += len;
    }
}

/* ---- 1f1b ----------------------------------------------------------------------------- */

static const struct ps_param_def onefoneb_params[] = {
    {.key = "split_backward",
     .type = PS_PARAM_BOOL,
     .def = "false",
     .help = "split the backward into B and W, W right after its B (ZB notes: 213 vs 225)"},
};

static enum ps_status gen_1f1b(const struct ps_scenario *sc, const struct ps_params *params,
                               const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                               struct ps_diag *d)
{
    (void)ctx;
    bool split = ps_params_get_bool(&ps_solver_1f1b, params, "split_backward");
    int S = sc->n_stages;
    int *warmup = malloc((size_t)S * sizeof *warmup);
    if (warmup == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", "1f1b: out of memory");
    for (int s = 0; s < S; s++)
        warmup[s] = S - s - 1;
    struct ps_schedule *sched;
    enum ps_status st = ps_fixed_new(sc, "1f1b", 1, PS_TRAVERSAL_LOOP, split, &sched, d);
    if (st == PS_OK) {
        st = ps_fixed_push_1f1b(sched, warmup, NULL);
        if (st != PS_OK) {
            ps_schedule_free(sched);
            ps_diag_set(d, st, "", "1f1b: %s", ps_status_str(st));
        }
    }
    free(warmup);
    if (st == PS_OK)
        *out = sched;
    return st;
}

const struct ps_solver ps_solver_1f1b = {
    .name = "1f1b",
    .summary = "1F1B: S-s-1 warm-up forwards, then one forward one backward (memory S)",
    .split_backward = false,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .params = onefoneb_params,
    .n_params = sizeof onefoneb_params / sizeof onefoneb_params[0],
    .generate = gen_1f1b,
};

/* ---- 1f1b-warmup ---------------------------------------------------------------------- */

static const struct ps_param_def warmup_params[] = {
    {.key = "extra_warmup",
     .type = PS_PARAM_LIST,
     .def = "auto",
     .help = "extra warm-up forwards per stage: a list \"1,1,0,0\", one number for all, or auto"},
    {.key = "slow_links",
     .type = PS_PARAM_CHOICE,
     .def = "inter_dc",
     .choices = "inter_dc|all",
     .help = "links that auto covers: between DCs, or every link with a delay"},
    {.key = "split_backward",
     .type = PS_PARAM_BOOL,
     .def = "false",
     .help = "split the backward into B and W, W right after its B"},
};

#define EXTRA_MAX PS_MAX_MICROBATCHES

/* Parses one count >= 0 from [p, end); false on junk. */
static bool parse_count(const char *p, const char *end, int *out)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p == end)
        return false;
    long v = 0;
    for (; p < end; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (*p - '0');
        if (v > EXTRA_MAX)
            return false;
    }
    *out = (int)v;
    return true;
}

/* "auto" -> *is_auto; "n" -> n for all stages; "a,b,c,..." -> exactly S counts. */
static enum ps_status parse_extra(const char *text, int S, int *extra, bool *is_auto,
                                  struct ps_diag *d)
{
    const char *path = "param.extra_warmup";
    *is_auto = false;
    const char *t = text;
    while (isspace((unsigned char)*t))
        t++;
    if (strncasecmp(t, "auto", 4) == 0) {
        const char *r = t + 4;
        while (isspace((unsigned char)*r))
            r++;
        if (*r == '\0') {
            *is_auto = true;
            return PS_OK;
        }
    }
    if (strchr(text, ',') == NULL) {
        int v;
        if (!parse_count(text, text + strlen(text), &v))
            return ps_diag_set(d, PS_EINVAL, path,
                               "expected auto, one count 0..%d, or %d comma-separated counts "
                               "(got \"%s\")",
                               EXTRA_MAX, S, text);
        for (int s = 0; s < S; s++)
            extra[s] = v;
        return PS_OK;
    }
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma != NULL ? comma : p + strlen(p);
        int v;
        if (n == S)
            return ps_diag_set(d, PS_EINVAL, path, "more than %d counts (one per stage) in \"%s\"",
                               S, text);
        if (!parse_count(p, end, &v))
            return ps_diag_set(d, PS_EINVAL, path,
                               "count %d is not an integer in 0..%d (in \"%s\")", n + 1, EXTRA_MAX,
                               text);
        extra[n++] = v;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (n != S)
        return ps_diag_set(d, PS_EINVAL, path, "expected %d counts (one per stage), got %d", S, n);
    return PS_OK;
}

/* seeds-others.md 1.5: the extra warm-up of stage s is the sum, over the slow links
 * downstream of s, of ceil(round trip / cycle), with round trip = the link's one-way
 * delay (latency + transmission of one message) forward plus backward, and cycle = the
 * 1F1B steady-state period T_F + T_B (+ T_W) of the slowest stage. */
void ps_fixed_auto_extra(const struct ps_scenario *sc, bool all_links, int *extra)
{
    int S = sc->n_stages;
    int64_t cycle = 0;
    for (int s = 0; s < S; s++) {
        struct ps_compute c = ps_scenario_stage_compute(sc, s);
        double scale = sc->dcs[ps_scenario_dc_of(sc, s)].compute_scale;
        int64_t t = ps_ms_to_ns((c.forward_ms + c.backward_ms + c.weight_ms) * scale);
        if (t > cycle)
            cycle = t;
    }
    int64_t sum = 0;
    for (int s = S - 1; s >= 0; s--) {
        if (s + 1 < S) {
            struct ps_link fwd = ps_scenario_link(sc, s, s + 1);
            struct ps_link bwd = ps_scenario_link(sc, s + 1, s);
            int64_t trip =
                ps_ms_to_ns(fwd.latency_ms) + ps_tx_ns(sc->activation_mb, fwd.bandwidth_gbps) +
                ps_ms_to_ns(bwd.latency_ms) + ps_tx_ns(sc->activation_mb, bwd.bandwidth_gbps);
            bool slow = all_links || ps_scenario_dc_of(sc, s) != ps_scenario_dc_of(sc, s + 1);
            if (slow && trip > 0)
                sum += cycle > 0 ? (trip + cycle - 1) / cycle : EXTRA_MAX;
            if (sum > EXTRA_MAX)
                sum = EXTRA_MAX;
        }
        extra[s] = (int)sum;
    }
}

/* What F of microbatch m keeps on a stage (its memory less what an R replays). */
static double kept(const struct ps_scenario *sc, int stage, int m)
{
    return ps_scenario_stage_memory(sc, stage, m) - ps_scenario_recompute_memory(sc, stage, m);
}

/* The peak of w+1 consecutive microbatches (the sliding window's largest sum), on the
 * stage where it is largest. */
static double window_peak(const struct ps_scenario *sc, int w)
{
    int M = sc->n_microbatches, n = w + 1 < M ? w + 1 : M;
    int stages = sc->mb_stage != NULL ? sc->n_stages : 1; /* else every stage is alike */
    double best = 0;
    for (int st = 0; st < stages; st++) {
        double sum = 0;
        for (int m = 0; m < M; m++) {
            sum += kept(sc, st, m);
            if (m >= n)
                sum -= kept(sc, st, m - n);
            if (m >= n - 1 && sum > best)
                best = sum;
        }
    }
    return best;
}

int ps_fixed_warmup_cap(const struct ps_scenario *sc)
{
    int M = sc->n_microbatches;
    if (!sc->has_memory_limit)
        return M - 1;
    const double tol = 1e-9; /* as the metrics compare a peak with the limit */
    if (window_peak(sc, 0) > sc->memory_limit + tol)
        return -1;
    int lo = 0, hi = M - 1; /* the peak grows with w: the largest w that fits */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (window_peak(sc, mid) <= sc->memory_limit + tol)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

void ps_fixed_warmup_resolve(int S, int *extra, int *warmup)
{
    for (int s = S - 1; s >= 0; s--) {
        warmup[s] = S - s - 1 + extra[s];
        if (warmup[s] > EXTRA_MAX)
            warmup[s] = EXTRA_MAX;
        if (s + 1 < S && warmup[s] < warmup[s + 1])
            warmup[s] = warmup[s + 1];
        extra[s] = warmup[s] - (S - s - 1);
    }
}

/* extra_warmup=auto under a memory limit: each stage's extra is cut so that its warm-up stays
 * within ps_fixed_warmup_cap (never below plain 1F1B's), and never above the extra of the
 * stage before it, as the rule makes them: a stage cannot use extra forwards that its
 * upstream does not send early (cutting stage 0 alone and leaving 1..3 their extras is
 * slower than plain 1F1B on the default preset). Says what it cut in note ("" when nothing). */
static void cap_auto_extra(const struct ps_scenario *sc, int *extra, char *note, size_t size)
{
    int S = sc->n_stages, cap = ps_fixed_warmup_cap(sc), cut = 0;
    note[0] = '\0';
    if (!sc->has_memory_limit)
        return;
    char before[40];
    ps_fixed_format_list(extra, S, before, sizeof before);
    for (int s = 0; s < S; s++) {
        int room = cap - (S - s - 1); /* extra forwards that still fit */
        if (room < 0)
            room = 0;
        if (s > 0 && room > extra[s - 1])
            room = extra[s - 1];
        if (extra[s] > room) {
            extra[s] = room;
            cut++;
        }
    }
    if (cut == 0)
        return;
    char after[40];
    ps_fixed_format_list(extra, S, after, sizeof after);
    snprintf(note, size,
             "auto capped by the memory limit (%g units, %d warm-up) on %d of %d: %s -> %s",
             sc->memory_limit, cap < 0 ? 0 : cap, cut, S, before, after);
}

static enum ps_status gen_warmup(const struct ps_scenario *sc, const struct ps_params *params,
                                 const struct ps_solve_ctx *ctx, struct ps_schedule **out,
                                 struct ps_diag *d)
{
    (void)ctx;
    const struct ps_solver *sv = &ps_solver_1f1b_warmup;
    bool split = ps_params_get_bool(sv, params, "split_backward");
    bool all_links = strcmp(ps_params_get(sv, params, "slow_links"), "all") == 0;
    int S = sc->n_stages, M = sc->n_microbatches;
    int *extra = malloc((size_t)S * sizeof *extra);
    int *warmup = malloc((size_t)S * sizeof *warmup);
    int *in_flight = malloc((size_t)S * sizeof *in_flight);
    struct ps_schedule *sched = NULL;
    enum ps_status st = PS_OK;
    if (extra == NULL || warmup == NULL || in_flight == NULL) {
        st = ps_diag_set(d, PS_ENOMEM, "", "1f1b-warmup: out of memory");
        goto done;
    }
    bool is_auto;
    st = parse_extra(ps_params_get(sv, params, "extra_warmup"), S, extra, &is_auto, d);
    if (st != PS_OK)
        goto done;
    char note[256] = ""; /* the param keeps what fits */
    if (is_auto) {
        ps_fixed_auto_extra(sc, all_links, extra);
        cap_auto_extra(sc, extra, note, sizeof note);
    }

    /* A stage never runs fewer warm-up forwards than the next one: stage s+1's B(k)
     * waits for F(warmup[s+1]+k) from stage s, which stage s must run before its own
     * B(k). So a list like 0,0,2,0 is raised to 2,2,2,0 (recorded as resolved). */
    ps_fixed_warmup_resolve(S, extra, warmup);
    for (int s = 0; s < S; s++)
        in_flight[s] = warmup[s] + 1 < M ? warmup[s] + 1 : M;

    st = ps_fixed_new(sc, "1f1b-warmup", 1, PS_TRAVERSAL_LOOP, split, &sched, d);
    if (st != PS_OK)
        goto done;
    st = ps_fixed_push_1f1b(sched, warmup, NULL);
    if (st != PS_OK) {
        ps_diag_set(d, st, "", "1f1b-warmup: %s", ps_status_str(st));
        ps_schedule_free(sched);
        sched = NULL;
        goto done;
    }
    char buf[sizeof sched->solver.params[0].value];
    ps_fixed_format_list(extra, S, buf, sizeof buf);
    ps_schedule_set_param(sched, "extra_warmup", buf);
    /* The memory it costs: microbatches in flight per stage at the peak (1F1B: S-s). */
    ps_fixed_format_list(in_flight, S, buf, sizeof buf);
    ps_schedule_set_param(sched, "in_flight", buf);
    if (note[0] != '\0')
        ps_schedule_set_param(sched, "note", note);
    *out = sched;
done:
    free(in_flight);
    free(warmup);
    free(extra);
    return st;
}

const struct ps_solver ps_solver_1f1b_warmup = {
    .name = "1f1b-warmup",
    .summary = "1F1B with extra warm-up forwards that cover slow links (GeoPipe; more memory)",
    .split_backward = false,
    .traversals = PS_TRAV_LOOP_BIT,
    .min_chunks = 1,
    .max_chunks = 1,
    .slow = false,
    .params = warmup_params,
    .n_params = sizeof warmup_params / sizeof warmup_params[0],
    .generate = gen_warmup,
};
