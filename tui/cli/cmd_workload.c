/* `pipescope workload`: a scenario's variable-length workload and its plan (docs/cli.md):
 * the length histogram, the plan InfiniPipe's method chose (granularity, slices, pipelines,
 * recomputation), the memory per stage, the chunk list and the search over K; with
 * --compare, the paper's panel of granularities and ablations (tui/cli/workload_panel.c). */
#include "tui/cli/common.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/workload.h"
#include "export/export.h"
#include "solvers/workload/plan.h"
#include "tui/cli/workload_panel.h"

const char cli_help_workload[] =
    "Usage: pipescope workload [SCENARIO OPTIONS] [--param KEY=VALUE ...] [--chunks N|all]\n"
    "       pipescope workload [SCENARIO OPTIONS] --compare [--pairs] [--schedule NAME]\n"
    "                          [--format table|csv|json|svg] [--width PX] [-o FILE]\n"
    "\n"
    "Shows the scenario's workload (variable-length sequences, InfiniPipe): the length\n"
    "histogram, the plan (granularity, slices K, pipelines, checkpointing) with its\n"
    "simulated 1F1B iteration and imbalance (max/mean chunk time), the memory per stage\n"
    "against the limit, the chunk list and the search over K. --compare runs the paper's\n"
    "panel instead: batch, token and elastic granularity and the ablations w/o wbc,\n"
    "w/o ckpt and full ckpt (with --pairs: every granularity with every checkpoint\n"
    "policy), each planned and run as 1F1B.\n"
    "\n"
    "  -p, --param KEY=VALUE  a planning setting: granularity=batch|token|elastic|even,\n"
    "                         checkpoint=none|full|uniform|adaptive, slices=auto|K,\n"
    "                         max_slices, order=longest_first|given, pipelines=auto|N,\n"
    "                         slice_tokens, token_capacity, ckpt_time_limit_s\n"
    "  -c, --chunks N|all     chunks listed (default 20)\n"
    "      --compare          the panel of granularities and checkpoint policies\n"
    "      --pairs            with --compare: all 16 granularity/policy pairs\n"
    "  -s, --schedule NAME    the schedule the panel runs (default 1f1b)\n"
    "  -f, --format FORMAT    table (default), csv, json, or svg (the fitting variants'\n"
    "                         Gantt charts on one time axis); with -o FILE.csv/.json/.svg\n"
    "                         the format follows the file name\n"
    "  -w, --width PX         width of the svg figure (default 1000)\n"
    "  -o, --output FILE      write to FILE (atomically) instead of standard output\n";

struct wl_opts {
    struct ps_cli_scenario so;
    int chunks; /* listed; -1 all */
    bool compare, pairs;
    const char *schedule, *format, *out;
    int width;
};

enum { OPT_COMPARE = 0x2000, OPT_PAIRS };

static int parse(const struct cli_env *env, int argc, char **argv, struct wl_opts *o)
{
    static const struct option opts[] = {
        PS_CLI_SCENARIO_LONG_OPTIONS,
        {"param", required_argument, NULL, 'p'},
        {"chunks", required_argument, NULL, 'c'},
        {"compare", no_argument, NULL, OPT_COMPARE},
        {"pairs", no_argument, NULL, OPT_PAIRS},
        {"schedule", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"width", required_argument, NULL, 'w'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hp:c:s:f:w:o:", opts, NULL)) != -1) {
        int taken = ps_cli_scenario_opt(&o->so, c, optarg);
        if (taken < 0)
            return PS_EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case 'h':
            return cli_print_help(env, "workload");
        case 'p':
            if (!ps_cli_is_plan_param(optarg))
                return cli_usage("workload",
                                 "workload: --param '%s': not a planning setting (granularity, "
                                 "checkpoint, slices, max_slices, order, pipelines, "
                                 "slice_tokens, token_capacity, ckpt_time_limit_s)",
                                 optarg);
            if (ps_cli_scenario_plan_param(&o->so, optarg) < 0)
                return PS_EXIT_USAGE;
            break;
        case 'c': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (strcmp(optarg, "all") == 0)
                o->chunks = -1;
            else if (end != optarg && *end == '\0' && n >= 0 && n <= 1000000)
                o->chunks = (int)n;
            else
                return cli_usage("workload", "workload: --chunks '%s': a count or all", optarg);
            break;
        }
        case OPT_COMPARE:
            o->compare = true;
            break;
        case OPT_PAIRS:
            o->pairs = true;
            break;
        case 's':
            o->schedule = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'w': {
            char *end;
            long w = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || w < 320 || w > 100000)
                return cli_usage("workload", "workload: --width '%s': 320..100000 px", optarg);
            o->width = (int)w;
            break;
        }
        default:
            return cli_getopt_error("workload", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("workload", "workload: unexpected argument '%s'", argv[optind]);
    /* The one output-format rule of the command line (tui/cli/files.c). */
    enum ps_format fmt;
    int frc =
        cli_output_format("workload", o->format, o->out, "table|csv|json|svg", PS_FMT_TABLE, &fmt);
    if (frc != PS_EXIT_OK)
        return frc;
    o->format = ps_format_name(fmt);
    if (!o->compare && strcmp(o->format, "table") != 0)
        return cli_usage("workload", "workload: --format %s needs --compare (the report is text)",
                         o->format);
    if (o->pairs && !o->compare)
        return cli_usage("workload", "workload: --pairs needs --compare");
    return -1;
}

/* ---- the report ------------------------------------------------------------------------ */

/* Lengths in powers-of-two buckets: count, share of the tokens, a bar. */
static enum ps_status histogram(const struct ps_workload *w, struct ps_buf *b)
{
    long count[32] = {0}, tokens[32] = {0}, total = 0;
    int lo = 31, hi = 0;
    for (int i = 0; i < w->n_seqs; i++) {
        int k = 0;
        while (k < 31 && (1L << (k + 1)) <= w->lengths[i])
            k++;
        count[k]++;
        tokens[k] += w->lengths[i];
        total += w->lengths[i];
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    long most = 1;
    for (int k = lo; k <= hi; k++)
        most = count[k] > most ? count[k] : most;
    enum ps_status st =
        ps_buf_printf(b, "lengths   %-15s  %5s %-40s %6s\n", "tokens", "count", "", "tokens");
    for (int k = lo; k <= hi && st == PS_OK; k++) {
        char bar[41];
        int n = (int)((count[k] * 40 + most - 1) / most);
        memset(bar, '#', (size_t)n);
        bar[n] = '\0';
        st = ps_buf_printf(b, "          %7ld-%-7ld  %5ld %-40s %5.1f%%\n", 1L << k,
                           (1L << (k + 1)) - 1, count[k], bar,
                           total > 0 ? 100.0 * (double)tokens[k] / (double)total : 0);
    }
    return st;
}

/* The crossing of the first boundary between two datacenters: its latency and the time its
 * link takes per MB; false when the pipeline stays in one DC. */
static bool cross_dc(const struct ps_scenario *sc, double *lat_ms, double *ms_per_mb)
{
    for (int s = 0; s + 1 < sc->n_stages; s++) {
        if (ps_scenario_dc_of(sc, s) == ps_scenario_dc_of(sc, s + 1))
            continue;
        struct ps_link l = ps_scenario_link(sc, s, s + 1);
        *lat_ms = l.latency_ms;
        *ms_per_mb = l.bandwidth_gbps > 0 ? 8 / l.bandwidth_gbps : 0;
        return true;
    }
    return false;
}

static const char *type_name(enum ps_chunk_type t)
{
    return t == PS_CHUNK_BATCHED ? "batched" : t == PS_CHUNK_SPLIT ? "split" : "hybrid";
}

/* The chunk list in microbatch order: type, sequence and slice, context, tokens, times per
 * stage, memory (first / last stage), layers replayed per stage, the cross-DC hide ratio. */
static enum ps_status chunk_list(const struct ps_scenario *sc, const struct ps_wl_report *rep,
                                 int limit, struct ps_buf *b)
{
    double lat = 0, per_mb = 0;
    bool dc2 = cross_dc(sc, &lat, &per_mb);
    int n = rep->chunking.n, S = sc->n_stages, shown = limit < 0 || limit > n ? n : limit;
    enum ps_status st = ps_buf_printf(b,
                                      "chunks    %d of %d in microbatch order (F, B+W: ms per "
                                      "stage; mem: GB on stage 0/last%s)\n",
                                      shown, n, dc2 ? "; hide: cross-DC hop / chunk time" : "");
    if (st == PS_OK)
        st = ps_buf_printf(b, "          %5s %-7s %6s %5s %7s %7s %8s %8s %11s %-9s%s\n", "mb",
                           "type", "seq", "slice", "context", "tokens", "F", "B+W", "mem", "replay",
                           dc2 ? "  hide" : "");
    for (int i = 0; i < shown && st == PS_OK; i++) {
        const struct ps_chunk *c = &rep->chunking.chunks[rep->order[i]];
        char seq[16], slice[16], mem[32], replay[40] = "", hide[16] = "";
        ps_chunk_labels(&rep->chunking, c, seq, slice);
        snprintf(mem, sizeof mem, "%.2f/%.2f", c->mem_gb, c->mem_last_gb);
        size_t used = 0;
        for (int s = 0; s < S && s < 8 && used + 6 < sizeof replay; s++) {
            double r = ps_scenario_recompute(sc, s, i);
            used += (size_t)snprintf(replay + used, sizeof replay - used, "%s%.0f%%", s ? " " : "",
                                     100 * r);
        }
        if (dc2)
            snprintf(hide, sizeof hide, "  %.3f",
                     (lat + c->msg_mb * per_mb) / (c->f_ms + c->b_ms + c->w_ms));
        st = ps_buf_printf(b, "          %5d %-7s %6s %5s %7d %7d %8.1f %8.1f %11s %-9s%s\n", i,
                           type_name(c->type), seq, slice, c->context, c->tokens, c->f_ms,
                           c->b_ms + c->w_ms, mem, replay, hide);
    }
    return st;
}

static enum ps_status report(const struct ps_scenario *raw, const struct ps_scenario *sc,
                             const struct ps_wl_report *rep, const struct ps_schedule *s, int limit,
                             struct ps_buf *b)
{
    const struct ps_workload *w = raw->workload;
    long total = 0;
    int longest = 0;
    for (int i = 0; i < w->n_seqs; i++) {
        total += w->lengths[i];
        longest = w->lengths[i] > longest ? w->lengths[i] : longest;
    }
    struct ps_cost_ctx cx;
    ps_cost_ctx_init(&cx, w, raw->n_stages);
    const struct ps_wl_plan *pl = &sc->workload->plan;
    enum ps_status st = ps_buf_printf(b,
                                      "workload  %s: %d sequences, %ld tokens, longest %d (cap "
                                      "%d); %d stages x d_s %d = %d GPUs\n",
                                      raw->name, w->n_seqs, total, longest, w->cap_tokens,
                                      raw->n_stages, cx.ds, cx.n_gpus);
    if (st == PS_OK)
        st = histogram(w, b);
    char k[48] = "";
    if (rep->slices > 0)
        snprintf(k, sizeof k, ", K = %d (%s)", rep->slices, pl->slices > 0 ? "given" : "searched");
    char ckpt[96];
    if (pl->checkpoint == PS_CKPT_ADAPTIVE)
        snprintf(ckpt, sizeof ckpt, "adaptive (%s, %ld layers)",
                 rep->used_ilp ? (rep->proved ? "GLPK, proved" : "GLPK") : "greedy",
                 rep->layers_sum);
    else
        snprintf(ckpt, sizeof ckpt, "%s", ps_ckpt_policy_str(pl->checkpoint));
    if (st == PS_OK)
        st = ps_buf_printf(b,
                           "plan      %s%s, %s order, checkpoint %s: %d chunks in %d pipeline%s\n"
                           "          iteration %.1f ms (%s), bubble %.1f%%, imbalance %.2f "
                           "(max/mean chunk time), recompute %.2f%% of compute\n",
                           ps_granularity_str(pl->granularity), k, ps_wl_order_str(pl->order), ckpt,
                           rep->chunks, rep->pipelines, rep->pipelines == 1 ? "" : "s",
                           (double)s->makespan_ns / 1e6, s->name, 100 * s->bubble_ratio,
                           rep->imbalance, 100 * sc->workload->planned.recompute_share);
    if (st == PS_OK)
        st = ps_buf_printf(b,
                           "memory    limit %.2f GB per stage (HBM %.4g - model states %.4g - "
                           "reserve %.4g); peak per stage:",
                           cx.limit_gb, w->mem.hbm_gb, cx.model_states_gb, w->mem.reserve_gb);
    for (int d = 0; d < s->n_stages && st == PS_OK; d++)
        st = ps_buf_printf(b, " %.2f", s->peak_memory[d]);
    if (st == PS_OK)
        st = ps_buf_printf(b, "%s\n", s->memory_ok ? "" : " (over the limit!)");
    if (st == PS_OK && limit != 0)
        st = chunk_list(sc, rep, limit, b);
    if (st == PS_OK && rep->n_tries > 1) {
        st = ps_buf_printf(b, "search    K  chunks  pipelines  iteration_ms\n");
        for (int i = 0; i < rep->n_tries && st == PS_OK; i++) {
            const struct ps_wl_try *t = &rep->tries[i];
            if (t->fits)
                st = ps_buf_printf(b, "          %2d  %6d  %9d  %12.1f%s\n", t->slices, t->chunks,
                                   t->pipelines, t->iteration_ms,
                                   t->slices == rep->slices ? "  <- chosen" : "");
            else
                st = ps_buf_printf(b, "          %2d  %6d  %9s  %12s\n", t->slices, t->chunks, "-",
                                   "does not fit");
        }
    }
    return st;
}

static int run_report(const struct wl_opts *o, const struct ps_scenario *raw)
{
    struct ps_scenario sc;
    struct ps_wl_report rep;
    struct ps_diag d;
    enum ps_status st = ps_workload_plan(raw, &sc, &rep, &d);
    if (st != PS_OK) {
        ps_wl_report_fini(&rep);
        return cli_fail_diag(&d, raw->name);
    }
    const struct ps_solver *sv = ps_solver_find(o->schedule != NULL ? o->schedule : "1f1b");
    struct ps_params none = {0};
    struct ps_schedule *s = NULL;
    int rc = PS_EXIT_OK;
    if (sv == NULL) {
        rc = cli_usage("workload", "workload: unknown schedule '%s'", o->schedule);
    } else if ((st = ps_solver_run(sv, &sc, &none, NULL, &s, &d)) != PS_OK) {
        rc = cli_fail_diag(&d, sv->name);
    } else {
        struct ps_buf b;
        ps_buf_init(&b);
        st = report(raw, &sc, &rep, s, o->chunks, &b);
        rc = st == PS_OK ? cli_write_output(o->out, b.data ? b.data : "", b.len)
                         : cli_fail("workload: %s", ps_status_str(st));
        ps_buf_fini(&b);
    }
    ps_schedule_free(s);
    ps_wl_report_fini(&rep);
    ps_scenario_fini(&sc);
    return rc;
}

int cli_cmd_workload(const struct cli_env *env, int argc, char **argv)
{
    struct wl_opts o = {.chunks = 20};
    ps_cli_scenario_init(&o.so);
    int rc = parse(env, argc, argv, &o);
    struct ps_scenario raw;
    bool have = false;
    if (rc >= 0)
        goto done;
    if ((rc = cli_check_output_path(o.out)) != PS_EXIT_OK)
        goto done;
    o.so.no_plan = true; /* the command plans itself, with its report */
    if ((rc = ps_cli_scenario_resolve(&o.so, &raw, NULL, 0)) != PS_EXIT_OK)
        goto done;
    have = true;
    if (raw.workload == NULL) {
        rc = cli_fail("workload: %s has no workload (use --workload FILE, a workload preset such "
                      "as infinipipe-30b-gh96k, or --set workload.sequences=[...])",
                      raw.name[0] ? raw.name : "the scenario");
        goto done;
    }
    if (o.compare)
        rc = cli_workload_panel(&raw, o.pairs, o.schedule, o.format, o.out, o.width);
    else
        rc = run_report(&o, &raw);
done:
    if (have)
        ps_scenario_fini(&raw);
    ps_cli_scenario_fini(&o.so);
    return rc;
}
