/* The optimal solver's rooms share this header (not part of the public API): the model of
 * ops, transfers and precedences (graph.c), the GLPK row builder (rows.c), the two
 * formulations (order.c, time.c), turning orders into schedules (retime.c), the starting
 * schedule (warm.c), and the GLPK run with its progress (glpk.c). solvers/optimal/optimal.c
 * is the entry point. Model and tightenings: docs/model.md. */
#ifndef PS_SOLVERS_OPTIMAL_INTERNAL_H
#define PS_SOLVERS_OPTIMAL_INTERNAL_H

#include <glpk.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schedule.h"
#include "solvers/solver.h"

/* Refuse models past these sizes rather than hang (GLPK builds dense work arrays). */
#define OPT_MAX_BINARIES 40000
#define OPT_MAX_OPS 6000
#define OPT_MAX_SLOTS 4000
/* "rounded" picks the finest slot with at most this many binaries; "auto" takes the exact
 * slot model up to AUTO_TIME_BINARIES (shape.c, 6000): its LP bound is far stronger, but its
 * LP grows slow past that (S=8, M=16: 7k binaries, 20 s for the root LP alone) */
#define OPT_AUTO_TI_BINARIES 4000

/* Tightenings, each can be switched off with the "tighten" parameter (for measurement). */
enum {
    T_MONO = 1u << 0,   /* monotonicity rows between the order binaries of a device */
    T_WINDOW = 1u << 1, /* time windows and pair-wise big-M from the incumbent's makespan */
    T_LB = 1u << 2,     /* lower bound on the makespan variable */
    T_ENERGY = 1u << 3, /* per-op rows: work that must follow (precede) an op */
    T_WARM = 1u << 4,   /* the greedy's schedule as GLPK's first incumbent */
    T_MIR = 1u << 5,    /* GLPK's cut generators */
    T_GMI = 1u << 6,
    T_COV = 1u << 7,
    T_CLQ = 1u << 8,
    T_PCH = 1u << 9,     /* pseudocost branching instead of Driebeck-Tomlin */
    T_DFS = 1u << 10,    /* depth-first backtracking instead of best bound */
    T_MEMPRE = 1u << 11, /* precedences the memory limit forces, found before solving */
    T_CINT = 1u << 12,   /* the makespan as an integer number of grid units */
    T_POLISH = 1u << 13, /* local search on the starting schedule (polish.c) */
    T_BNB = 1u << 14,    /* our branch-and-bound over device orders (bnb.c) */
    T_RELAX = 1u << 15,  /* the one-device relaxations' bound (relax.c) */
    T_LNS = 1u << 16,    /* the large-neighbourhood search for the incumbent (bnb.c) */
    T_CYCLE = 1u << 17,  /* the memory-cycle bound (energy.c) */
    T_ANNEAL = 1u << 18, /* simulated annealing on the incumbent (polish.c) */
    T_PROP = 1u << 19,   /* the windows bound: propagation refutes makespans (window.c) */
    T_SAT = 1u << 20,    /* the slot model by satisfiability (sat.c) */
    /* the default: mono is left out, it slowed GLPK's search more often than it helped
     * (docs/model.md has the measurements) */
    T_ALL = T_WINDOW | T_LB | T_ENERGY | T_WARM | T_MEMPRE | T_POLISH | T_BNB | T_RELAX | T_LNS |
            T_CYCLE | T_ANNEAL | T_PROP | T_SAT,
};

/* One compute op of the model. */
struct mop {
    int dev, v, chunk, kind, mb;
    bool present;
    int64_t dur;        /* ns */
    int64_t head, tail; /* earliest start, least time from end to the makespan */
    double alloc;       /* memory: + at start (F), - at end (B, W) */
    int col;            /* GLPK column of its start time (time-indexed: of slot ws) */
    int local;          /* index among its device's ops */
    int ws, wl;         /* time-indexed: first start slot and number of slots */
    long sd, sh, st;    /* time-indexed: duration, head and tail in slots */
};

/* One cross-device dependency. */
struct mxfer {
    int from, to; /* op ids */
    int kind, from_v, mb;
    int64_t tx, lat;
    int chan;  /* channel group, -1 when the transmission takes no time */
    int col;   /* transmission start column, 0 when tx == 0 */
    int local; /* index in its channel */
    int ws, wl;
    long stx, slat; /* time-indexed: transmission and latency in slots */
};

struct edge {
    int from, to;
    int64_t delay; /* from's end to to's start, at least */
    int xfer;      /* -1 for same-device edges */
};

struct model {
    const struct ps_scenario *sc;
    struct ps_schedule *shape; /* for durations and keys */
    int S, M, V, SV;
    /* token slices (docs/model.md): B and W run in backward rank; brank[mb], border[rank],
     * and the microbatch whose B and W come last */
    int *brank, *border;
    int last_b;
    enum ps_traversal tr;
    unsigned tighten;

    int n_ops, n_live; /* op slots, ops present */
    struct mop *ops;
    int n_xfers;
    struct mxfer *xfers;
    int n_edges, edge_cap;
    struct edge *edges;
    int n_mem_edges; /* precedences the memory limit forces (presolve) */
    bool oom;        /* an edge could not be added */
    int *topo;       /* ops in topological order */
    uint64_t *reach; /* reach[a*words + b/64]: a precedes b */
    size_t words;

    int *dev_n;   /* ops per device */
    int **dev_op; /* op ids per device */
    int **pair;   /* per device: n*n matrix of columns (+col: x = "i before j"), 0 fixed */

    int n_chans;
    int *chan_n;
    int **chan_x; /* transfer ids per channel */
    int **chan_pair;

    int64_t ag_end[PS_MAX_STAGES][2]; /* AG lane: F of chunk c waits for this */
    int64_t rs[PS_MAX_STAGES][2];     /* RS durations */
    int n_bin;

    /* GLPK matrix under construction */
    int n_cols;
    int col_c; /* makespan */
    int *ia, *ja;
    double *ar;
    size_t nz, nz_cap;
    glp_prob *lp;
    double horizon; /* big-M scale in ms when windows are off */
    double ub_ms;

    /* the makespan column counts units of c_unit_ms; an integer when every time is a
     * multiple of `grid` ns (then GLPK rounds its bounds up to the grid) */
    double c_unit_ms;
    bool c_int;
    int64_t grid;

    /* time-indexed formulation: one binary per (op, start slot of `unit` ns) */
    bool ti;
    bool relaxed; /* slots shorter than the times: every duration rounded down (a bound) */
    int64_t unit;
    int n_slots;
    long ag_s[PS_MAX_STAGES][2], rs_s[PS_MAX_STAGES][2];
    int col_rs[PS_MAX_STAGES]; /* two chunks with DP: "chunk 0's last op ends first" */

    /* The budget while the model is built (before GLPK's own limits take over): the time
     * limit's deadline (opt_now_s; 0: none) and the caller's cancel flag, looked at by
     * opt_out_of_budget in every long loop, at least every 100 ms. */
    double deadline;
    atomic_int *cancel;
    atomic_int *stop; /* this shape is stopped: another's schedule already beats its bound */
    int out;          /* 0: within the budget; OPT_OUT_TIME, OPT_OUT_CANCEL or OPT_OUT_STOP */
};

#define OPT_OUT_TIME 1
#define OPT_OUT_CANCEL 2
#define OPT_OUT_STOP 3

/* Wall-clock seconds (monotonic). */
double opt_now_s(void);

/* True once the time limit has passed or the solve was cancelled (m->out says which). A
 * loop that builds the model calls it once per step of well under 100 ms and stops early;
 * what it built is then thrown away. */
static inline bool opt_out_of_budget(struct model *m)
{
    if (m->out == 0 && m->cancel != NULL && atomic_load(m->cancel))
        m->out = OPT_OUT_CANCEL;
    if (m->out == 0 && m->stop != NULL && atomic_load(m->stop))
        m->out = OPT_OUT_STOP;
    if (m->out == 0 && m->deadline > 0 && opt_now_s() > m->deadline)
        m->out = OPT_OUT_TIME;
    return m->out != 0;
}

static inline int op_id(const struct model *m, int kind, int v, int mb)
{
    return (kind * m->SV + v) * m->M + mb;
}

static inline bool reaches(const struct model *m, int a, int b)
{
    return (m->reach[(size_t)a * m->words + (size_t)b / 64] >> (b % 64)) & 1u;
}

static inline double ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* ---- graph.c: the model's ops, transfers and precedence graph ------------------------- */

/* Fills m's ops, transfers and edges for m->sc in m->shape's shape (S, M, V, tr and
 * tighten set by the caller), with heads, tails and the reachability closure, and the
 * memory presolve when T_MEMPRE. Returns PS_ENOMEM or PS_EINVAL (a cycle: a bug). */
enum ps_status opt_build_graph(struct model *m);
/* Frees everything m owns (the GLPK problem included) and zeroes it. */
void opt_model_free(struct model *m);
/* Transfer a is sent before transfer b on their channel whatever the schedule. */
bool opt_xfer_fixed_before(const struct model *m, int a, int b, bool uniform);
/* The last op of its chunk on its device (W of the last microbatch, or B without W). */
bool opt_is_last_of_chunk(const struct model *m, const struct mop *o);
/* The common divisor of every time of the model (zero durations aside) and ub. */
int64_t opt_grid_of(const struct model *m, int64_t ub);
/* Every microbatch's ops are the same (durations, memory, forward order = backward order);
 * with equal message sizes too (the caller's check: a transfer's link depends only on its
 * kind and producer), any schedule with ops cut into parts can be relabelled and re-split
 * into one whose ops of a kind and chunk run one after another in microbatch order, no
 * longer, so the static bound holds for schedules with parts too (docs/model.md, "Parts"). */
bool opt_identical_mbs(const struct model *m);
/* Every op's out-edges: the ids of op a's edges are succ[first[a] .. first[a + 1]) (both
 * owned by the caller; free()). PS_ENOMEM leaves both NULL. */
enum ps_status opt_out_edges(const struct model *m, int **first, int **succ);
/* Channel c carries one stream (one kind from one virtual stage) of equal messages: its
 * order is then the microbatch order, fixed (opt_xfer_fixed_before). */
bool opt_chan_one_stream(const struct model *m, int c);
/* n pseudo-random words (splitmix64 from a fixed seed: the same on every run), for the
 * searches' Zobrist hashes of placed sets. */
void opt_zobrist(uint64_t *w, int n);
/* t rounded up to a multiple of grid (grid 0: t): every makespan of the model is one. */
static inline int64_t opt_up_to_grid(int64_t t, int64_t grid)
{
    return grid > 0 ? (t + grid - 1) / grid * grid : t;
}
/* The most ops on one device or transmissions on one channel (at least 1): the size of a
 * per-machine buffer. */
int opt_max_machine_ops(const struct model *m);
/* Jackson's preemptive schedule: the least makespan of jobs with release times r,
 * durations p and delivery times q on one machine when a job may be interrupted
 * (1|r_j,q_j,pmtn|Cmax, solved exactly, O(n log n) with a heap of n ints). Sorts j by
 * release and consumes the durations. */
struct opt_jjob {
    int64_t r, p, q;
};
int64_t opt_jackson(struct opt_jjob *j, int n, int *heap);
/* Sorts jobs by release, in place (not stable). */
void opt_sort_release(struct opt_jjob *j, int n);
/* The static bound: the core's lower bound, Jackson's preemptive bound on every device and
 * channel, each op's head + duration + tail. */
int64_t opt_static_bound(const struct model *m);
/* ---- energy.c: heads and tails forced by a device's own work and its memory ----------- */

/* A job of one machine: a release (or a due time) and a duration. */
struct opt_rjob {
    int64_t r, p;
};
/* The least time one machine finishes every job, none before its release: release order
 * without idle beyond what the releases force (1|r_j|Cmax, exact). Sorts j by release. */
int64_t opt_completion(struct opt_rjob *j, int n);
/* A free of memory (or, in the memory-cycle bound, a forward's allocation): ns of work per
 * unit, its duration and its units. */
struct opt_free {
    double ratio;
    int64_t dur;
    double amount;
};
/* Sorts f by ratio, cheapest first. */
void opt_sort_frees(struct opt_free *f, int n);
/* Takes from f (sorted) the amount *left, fractions allowed, in order, while more than eps
 * is left: the ratio-weighted total (ns), with what could not be taken in *left. */
double opt_cover(const struct opt_free *f, int n, double *left, double eps);

/* Raises every op's head and tail to what the ops that must precede (follow) it on its
 * device, and the frees an F needs under the memory limit, force; then along the edges.
 * Called by opt_build_graph with T_ENERGY. */
enum ps_status opt_energy_heads(struct model *m);
/* The memory-cycle bound (docs/model.md, "Memory-cycle bound"): on a device whose forwards
 * allocate more than the limit in all, frees of at least the excess end before the last
 * forward allocates, none of them before the device's first free can start; before that,
 * only the forwards that fit in memory together can run. So the forward that ends last
 * ends no earlier than that first free's head + the least work of such frees + the
 * forward work that could not run before, and the makespan follows it by at least a
 * forward's tail. It holds for whole ops and for ops cut into parts (allocation at an F's
 * first part, frees at a B's or W's last part). The largest over the devices (0: none),
 * its device in *dev. */
int64_t opt_memory_cycle_bound(const struct model *m, int *dev);
/* ---- rows.c: GLPK rows collected as triplets and loaded at once ----------------------- */

struct row {
    int cols[64];
    double vals[64];
    int n;
    int *xcols; /* overflow for long rows */
    double *xvals;
    int xn, xcap;
    double rhs_shift; /* constants moved to the right-hand side */
    bool oom;
};

extern const char opt_kind_ch[3]; /* 'F', 'B', 'W' */

void opt_row_add(struct row *r, int col, double v);
/* Adds coef x "a before b" (a constant by precedence, or an order binary). */
void opt_row_add_order(const struct model *m, struct row *r, int a, int b, double coef);
/* Adds sum(row) + rhs_shift in [lo, hi] (either may be +-HUGE_VAL); resets r. */
enum ps_status opt_row_end(struct model *m, struct row *r, double lo, double hi);
void opt_row_drop(struct row *r);
void opt_col_name(struct model *m, int col, bool names, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The makespan column, between lo and hi ms (grid units when m->c_int). */
void opt_makespan_col(struct model *m, double lo, double hi, bool names);

/* ---- order.c: start times, order binaries and big-M ----------------------------------- */

/* The binaries the order model would need (pairs no precedence orders). */
long opt_order_count(const struct model *m);
/* Builds the order MILP in m->lp. ub_ms: the incumbent's makespan, lb_ms: a lower bound. */
enum ps_status opt_order_build(struct model *m, double ub_ms, double lb_ms, bool uniform_msgs,
                               bool names);
/* Fills x (1-based, n_cols) with the order model's values of a timed whole-op schedule. */
enum ps_status opt_order_incumbent(const struct model *m, const struct ps_schedule *s, double *x);
/* The MILP solution's device orders and channel ranks into s. */
enum ps_status opt_order_orders(const struct model *m, struct ps_schedule *s);

/* ---- time.c: one binary per op and start slot ----------------------------------------- */

/* The time unit dividing every duration, transmission, latency and DP op, or 0 when a
 * compute op takes no time. */
int64_t opt_time_unit(const struct model *m, int64_t ub);
/* Slot durations, heads and tails for a slot of `unit` ns (relaxed: rounded down). */
void opt_time_prepare(struct model *m, int64_t unit, bool relaxed);
/* The binaries of the slot model for an incumbent of ub ns (after opt_time_prepare). */
long opt_time_count(const struct model *m, int64_t ub);
enum ps_status opt_time_build(struct model *m, int64_t ub, int64_t lb, bool names);
/* x from a timed schedule; PS_EINVAL when a time is off the grid or its window. */
enum ps_status opt_time_incumbent(const struct model *m, const struct ps_schedule *s, double *x);
enum ps_status opt_time_orders(const struct model *m, struct ps_schedule *s);
/* s's device orders from start slots op_s (by op id) and channel ranks from transmission
 * starts x_s (by transfer id). */
enum ps_status opt_slot_orders(const struct model *m, struct ps_schedule *s, const long *op_s,
                               const long *x_s);

/* ---- retime.c: orders into schedules --------------------------------------------------- */

struct keyed {
    double t;
    int tie;
    int id;
};

/* Key buffer large enough for the longest device or channel of the model (free()). */
struct keyed *opt_keys_new(const struct model *m);
/* Sorts device d's keyed ops and appends them to its order in s. */
enum ps_status opt_push_keyed(const struct model *m, struct ps_schedule *s, int d, struct keyed *k,
                              int n);
/* Makes s carry explicit channel ranks, every transfer unranked for now. */
enum ps_status opt_ranks_begin(struct ps_schedule *s);
/* Sorts one channel's keyed transfers and ranks them in that order. */
void opt_rank_keyed(const struct model *m, struct ps_schedule *s, struct keyed *k, int n);
/* Whole ops of src (parts: at the place of their last part; a combined backward as B then
 * W) into dst. */
enum ps_status opt_copy_orders(struct ps_schedule *dst, const struct ps_schedule *src);
/* src's orders (parts included) and channel ranks into dst (same shape). */
enum ps_status opt_copy_exact(struct ps_schedule *dst, const struct ps_schedule *src);
/* Simulates s; true when it completed and meets the memory limit. */
bool opt_sim_ok(struct ps_schedule *s);
/* Some op of s is cut into parts (the model's searches take whole ops only). */
bool opt_has_parts(const struct ps_schedule *s);

/* ---- warm.c: the starting schedule ------------------------------------------------------ */

struct warm {
    struct ps_schedule *inc; /* the best whole-op schedule within memory (owned) */
    int64_t ub;              /* inc's makespan */
    char from[64];           /* where it comes from: "greedy", "zb-v", "sequential", ... */
};

/* The best of: the greedy's schedules of m's shape (whole ops, and its default taken
 * whole), and the other generators' schedules `refs` of that shape (a combined backward
 * taken as B then W), each re-timed; else one microbatch at a time. Returns PS_ENOMEM, or
 * PS_EINVAL with d filled when nothing simulates (a bug). */
enum ps_status opt_warm_start(const struct model *m, struct ps_schedule *const *refs, int n_refs,
                              struct warm *w, struct ps_diag *d);
void opt_warm_fini(struct warm *w);
/* ---- polish.c: local search on the starting schedule ----------------------------------- */

/* Moves ops a few places in their device's order while the schedule, re-timed, gets
 * shorter within memory; replaces w->inc (and w->ub) when it found a shorter one. Stops at
 * lb, after a fixed number of passes, or when m is out of budget. */
enum ps_status opt_polish(struct model *m, struct warm *w, int64_t lb);

/* Simulated annealing on the incumbent's orders (docs/model.md, "Annealing"): `evals`
 * random moves of one op up to 3 places in its device's order, each re-timed with the
 * simulator (channels first-come-first-served) and kept when the schedule stays within
 * memory and its cost (the makespan plus a tenth of the ops' mean end) gets no higher,
 * or, higher by x, with probability exp(-x / T), T a 64th of the shortest op. Replaces
 * w->inc when its shortest is shorter. A fixed seed per `round`: the same moves on every
 * machine; stops at lb, after `patience` moves (> 0) without a shorter schedule, or when
 * m is out of budget. */
struct opt_anneal_result {
    long moves, accepted;
    int64_t from_ns, best_ns; /* first-come-first-served start, best found */
    double seconds;
};
enum ps_status opt_anneal(struct model *m, struct warm *w, int64_t lb, long evals, long patience,
                          int round, struct opt_anneal_result *res);

/* ---- bnb.c: a branch-and-bound over device orders --------------------------------------- */

/* Shapes with more ops are left to the MILP. */
#define BNB_MAX_OPS 400
/* The neighbourhood search's limit: its windows keep most ops in place, so it reaches
 * further (the 8-stage waves of 768 ops) */
#define LNS_MAX_OPS 1024

struct opt_bnb_result {
    bool complete; /* the search ended: w->ub is the shape's optimum */
    long nodes;
    long mismatches; /* leaves the simulator timed differently (a bug) */
    long memo_hits;  /* partial schedules dominated by one searched before */
    int64_t floor;   /* complete: no schedule of the shape is shorter (w->ub or the cutoff) */
};

/* The search applies: no data-parallel lane, and a channel with transmission time carries
 * one stream of equal messages (its order is then fixed), so the device orders alone fix
 * the simulator's times; at most BNB_MAX_OPS ops. */
bool opt_bnb_applies(const struct model *m);
/* The neighbourhood search applies: no data-parallel lane, at most LNS_MAX_OPS ops, and
 * each channel with transmission time has one sending device, so that it sends in that
 * device's order (first come, first served) and the device orders fix the times; with two
 * streams on a channel that order is one choice among several, so it may find shorter
 * schedules but proves nothing. */
bool opt_lns_applies(const struct model *m);
/* What the search tells and asks its caller (each may be NULL): on_better after it
 * replaced the incumbent; cutoff, asked now and then, the shortest schedule found
 * elsewhere (INT64_MAX: none), which the search then need not reach. */
struct opt_bnb_hooks {
    void (*on_better)(void *user);
    int64_t (*cutoff)(void *user);
    void *user;
};

/* Searches every device order of m's shape for a schedule shorter than w->inc and than
 * the hooks' cutoff (replacing w->inc when found), pruning with bounds from the partial
 * schedule; lb is a bound already known. Stops after node_limit nodes (0: none) or when m
 * is out of budget. */
enum ps_status opt_bnb(struct model *m, struct warm *w, int64_t lb, long node_limit,
                       const struct opt_bnb_hooks *hooks, struct opt_bnb_result *out);

struct opt_lns_result {
    long windows, better, nodes, mismatches;
};

/* A large-neighbourhood search for a shorter schedule than w->inc (replacing it when
 * found): windows of the incumbent's timeline are searched like opt_bnb, every op outside
 * the window keeping its place in its device's order, up to window_nodes nodes each and
 * node_limit in all. Proves nothing. */
enum ps_status opt_bnb_lns(struct model *m, struct warm *w, int64_t lb, long node_limit,
                           long window_nodes, const struct opt_bnb_hooks *hooks,
                           struct opt_lns_result *out);

/* ---- relax.c: the one-device relaxation --------------------------------------------- */

struct opt_relax_result {
    bool complete; /* the value returned is the relaxation's optimum (or ub) */
    long nodes;
};

/* A bound, at least lb, on the least makespan of m's shape (or the hooks' cutoff, which
 * it then need not look past) when only device d runs one op at a time (the other devices run
 * anything at once: their paths become least times between d's ops; channels of one stream send in
 * order, the others only bound), with d's memory limit; at most ub (nothing at or past ub is looked
 * for). Every whole-op schedule of the shape is at least that long. Searches below a cut, bisected,
 * within node_limit nodes in all (0: none) and within work_limit (0: none), counted as a node's
 * inner steps (the machine's ops squared plus the channels' predecessors): a count, the same on
 * every machine. The time limit and a cancel (opt_out_of_budget) stop it too, every 1,024
 * nodes, with the bound proved so far. */
int64_t opt_relax_device(struct model *m, int d, int64_t lb, int64_t ub, long node_limit,
                         double work_limit, const struct opt_bnb_hooks *hooks,
                         struct opt_relax_result *out);

/* ---- sat.c: the slot model by satisfiability ------------------------------------------ */

struct opt_sat_result {
    int calls;          /* makespans asked */
    int refuted;        /* of them unsatisfiable: each raised the bound */
    bool found;         /* a schedule of the last makespan asked was found */
    bool too_big;       /* a formula past the size limits: not asked */
    long mismatches;    /* models the simulator timed past their makespan (a bug) */
    long vars, clauses; /* the largest formula */
    int64_t unit;       /* the slot, ns */
    double seconds;
    enum ps_status st;
};

/* The slot model applies exactly: no data-parallel lane, and a slot dividing every time,
 * with a makespan of ub at most OPT_MAX_SLOTS slots. */
bool opt_sat_applies(const struct model *m, int64_t ub);
/* Asks CaDiCaL, for makespans T = lb (rounded up to the slot), then one slot more while the
 * last was refuted, below w->ub, at most `calls` of them: is there a schedule of m's shape
 * ending by T? A refuted T raises the bound; a schedule found replaces w->inc when shorter
 * and ends the search (it is then optimal). The windows bound's rules narrow each op's
 * window first (uniform: as for opt_window_bound). Each question stops after `conflicts`
 * conflicts (a count: the same on every machine), the time limit or a cancel (unknown:
 * the search ends). A formula of more than max_vars variables (0: no cap but the size
 * limits) is not asked (too_big). Returns the bound. */
int64_t opt_sat_search(struct model *m, bool uniform, int64_t lb, struct warm *w, long conflicts,
                       int calls, long max_vars, struct opt_sat_result *out);

/* ---- window.c: the windows bound ----------------------------------------------------- */

struct opt_window_result {
    int trials;      /* makespans tried */
    int branched;    /* of them searched by branching */
    long nodes;      /* search nodes (a device's next op, each candidate in turn) */
    long leaves;     /* every pair ordered: a schedule, simulated */
    long better;     /* leaves that shortened the incumbent */
    long mismatches; /* leaves the simulator timed past the makespan tried (a bug) */
    long steps;      /* pair and free visits of the rules */
    double seconds;
    enum ps_status st;
};

/* A bound, at least lb, on m's shape's whole-op schedules: the least makespan on the grid
 * below ub and below inc's that propagation of the ops' and transmissions' time windows
 * does not refute, found by bisection (with `bisect`; without, lb is taken as that bound
 * already) (docs/model.md, "Windows bound and search"). With
 * `nodes`, the makespan just below the incumbent is then searched by ranking each device's
 * ops one after another (within `nodes` and `work` steps of the rules, 0: no limit; counts,
 * the same on every machine): a branch whose windows fail is refuted, a leaf (every order
 * ranked) is a schedule, which replaces inc's when shorter, and the search goes on below it. A
 * search that refutes every branch proves the incumbent. uniform: every message the same size (a
 * stream's order is then first in, first out). parts: for schedules with ops cut into
 * parts too (every microbatch the same, opt_identical_mbs): a window is then the first
 * part's start, two ops' windows order nothing (one may run inside the other), and there
 * is no search. The time limit and a cancel stop it with what it refuted so far. */
int64_t opt_window_bound(struct model *m, bool uniform, bool parts, bool bisect, int64_t lb,
                         int64_t ub, struct warm *inc, long nodes, double work,
                         struct opt_window_result *out);

/* One trial of the windows bound's rules (no search) for makespan T: false when T is
 * refuted; else the narrowed start windows of the ops (est, lst: n_ops) and the sends of
 * the transmissions (xest, xlst: n_xfers), every whole-op schedule of at most T within
 * them (with `uniform`, one whose streams send first in, first out: there is always such a
 * schedule no longer). *st: PS_ENOMEM when the buffers could not be had. */
bool opt_window_narrow(struct model *m, bool uniform, int64_t T, int64_t *est, int64_t *lst,
                       int64_t *xest, int64_t *xlst, enum ps_status *st);

/* ---- glpk.c: the run, its callback and progress ----------------------------------------- */

struct solve {
    struct model *m;
    const struct ps_solve_ctx *ctx;
    const double *x0; /* the incumbent to hand over, NULL when none */
    bool gave;
    double t0, last_report;
    double best_bound; /* ms, -inf when none */
    double incumbent;  /* ms */
    long nodes;
    long node_limit;  /* stop after this many nodes, 0: none */
    bool node_capped; /* stopped by node_limit */
    bool cancelled;
    atomic_int *stop; /* another shape's schedule beats this one's bound: stop early */
    bool stopped;
};

/* Sends progress to the caller's callback (at most every 0.1 s unless forced). */
void opt_report(struct solve *so, bool force);
/* The root LP in slices, then branch-and-cut until time_limit (s, from so->t0), the
 * relative gap or so->node_limit. Returns glp_intopt's code, or -1 when it did not run. */
int opt_glpk_solve(struct solve *so, double time_limit, double gap);
/* Largest violation of a row or column bound by x (the incumbent's self-check). */
double opt_max_violation(glp_prob *lp, const double *x);
/* Writes the model in CPLEX LP format atomically. PS_EIO with d on failure. */
enum ps_status opt_write_model(glp_prob *lp, const char *path, struct ps_diag *d);

/* ---- shape.c: the solve of one shape --------------------------------------------------- */

/* Shapes the model covers, solved side by side with traversal=auto: loop V=1, wave V=2. */
#define OPT_MAX_SHAPES 2

struct job;

/* What the shapes' solves share: the parameters, the caller's context, the other
 * generators' schedules, and the merged progress (under mu; only the caller's thread calls
 * the caller's callback, as solvers/solver.h promises). */
struct opt_run {
    const struct ps_scenario *sc;
    const struct ps_solve_ctx *ctx; /* the caller's, may be NULL */
    double t0, time_limit, gap;
    long node_limit;
    const char *form, *model_path;
    unsigned tighten;
    struct ps_schedule **refs; /* every fast generator's schedule within memory (owned) */
    int n_refs;
    int best_ref;      /* the shortest of them of the traversal asked for, -1 none */
    bool ref_annealed; /* refs[best_ref] is a job's annealing of the one it replaced */
    int want_tr;       /* the traversal asked for, -1: auto (any) */
    int64_t all_bound; /* the core's lower bound: holds for every schedule of any shape */
    int n_jobs;
    struct job *jobs;
    pthread_mutex_t mu;
    double last_report;
};

/* One shape's solve. */
struct job {
    struct opt_run *run;
    int index;
    bool on_caller;          /* runs on the caller's thread, so it may call its callback */
    struct ps_solve_ctx ctx; /* the caller's cancel; progress into the run */
    atomic_int stop;         /* another shape's schedule already beats this one's bound */
    int64_t p_inc, p_bound;  /* its progress (under run->mu), -1 none yet */
    long p_nodes;
    atomic_int done;
    enum ps_traversal tr;
    int V;
    struct ps_schedule *s; /* this shape's answer (owned) */
    struct model m;
    struct warm w;
    double *x0;       /* the starting schedule as GLPK's values, NULL when none */
    int64_t lb;       /* holds for every whole-op schedule of this shape */
    int64_t lb_parts; /* the static bound: with `identical`, for ops cut into parts too */
    bool uniform;     /* every message has the same size */
    bool identical;   /* every microbatch the same (opt_identical_mbs): lb holds with parts */
    int64_t bound;    /* holds for every whole-op schedule of this shape */
    bool proved, stopped, cancelled, out_of_budget;
    bool bnb_proved; /* our branch-and-bound searched the whole shape */
    /* the neighbourhood searches' and annealings' outcomes added up over their rounds */
    struct opt_lns_result lns_sum;
    struct opt_anneal_result anneal_sum;
    int lns_rounds, anneal_rounds;
    double lns_s;
    /* the best other generator's schedule, of this shape with ops cut into parts (outside
     * the model), annealed shorter (owned; NULL when not) */
    struct ps_schedule *ref_annealed;
    /* that annealing runs on a thread of its own beside the shape's searches (shape.c):
     * its copy of the model (its own budget flags), its schedule and its outcome */
    struct ref_anneal *ref;
    int64_t bnb_floor; /* and found no schedule shorter than this */
    enum ps_status st;
    struct ps_diag d;
};

/* s's objective (its makespan), bound and gap, and its status: optimal when proved or when
 * bound reaches the makespan (the bound is then the makespan, gap 0), else cancelled or
 * feasible. */
void opt_set_outcome(struct ps_schedule *s, int64_t bound, bool proved, bool cancelled);
/* Sets j up for shape (tr, its V) of r's scenario; PS_EUNSUPPORTED when too large. */
enum ps_status opt_job_init(struct job *j, struct opt_run *r, int index, enum ps_traversal tr,
                            struct ps_diag *d);
/* Solves j's shape (its warm start, model, GLPK) into j->s with j->bound; j->st too. */
enum ps_status opt_job_solve(struct job *j, struct ps_diag *d);
void opt_job_fini(struct job *j);
/* The progress callback of a job's ctx (optimal.c): merges, and reports on the caller's
 * thread. */
void opt_run_progress(const struct ps_progress *p, void *user);
/* The shortest schedule found so far other than by job j (another shape's, or another
 * generator's of the traversal asked for), INT64_MAX when none. */
int64_t opt_run_cutoff(struct job *j);

/* The microbatch after mb in its kind's order on a stage (F: mb + 1; B and W: the next
 * backward rank), -1 after the last. */
static inline int opt_next_mb(const struct model *m, int kind, int mb)
{
    if (kind == PS_OP_F)
        return mb + 1 < m->M ? mb + 1 : -1;
    int r = m->brank[mb] + 1;
    return r < m->M ? m->border[r] : -1;
}

/* The last microbatch of a kind's order (F: M-1; B and W: the last backward rank). */
static inline int opt_last_mb(const struct model *m, int kind)
{
    return kind == PS_OP_F ? m->M - 1 : m->last_b;
}

#endif
