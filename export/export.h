/* Writers and readers of pipescope's files: schedule files (JSON SPEC 7, CSV SPEC 8),
 * comparison tables (SPEC 9, CSV, JSON and a text table), the text summary with an ASCII
 * Gantt chart, and atomic file writes. */
#ifndef PS_EXPORT_EXPORT_H
#define PS_EXPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/io/file.h"
#include "core/io/io.h"
#include "core/schedule.h"
#include "core/status.h"

/* The byte buffer every writer appends to. In memory (ps_buf_init) it grows to hold the
 * whole text; with a sink (ps_buf_init_sink) it is handed to the file in 64 KB pieces as it
 * fills, so a writer's memory does not depend on the size of what it writes. Writers only
 * append: they never read back what they wrote. */
struct ps_buf {
    char *data;
    size_t len, cap;
    struct ps_out *sink;    /* NULL: in memory */
    enum ps_status sink_st; /* the sink's first failure */
    size_t flushed;         /* bytes handed to the sink so far */
};
void ps_buf_init(struct ps_buf *b);
/* A streaming buffer that writes to sink (core/io/file.h; borrowed until ps_buf_finish). */
void ps_buf_init_sink(struct ps_buf *b, struct ps_out *sink);
void ps_buf_fini(struct ps_buf *b);
/* Returns PS_ENOMEM, or PS_EIO once the sink has failed (later appends are dropped). */
enum ps_status ps_buf_append(struct ps_buf *b, const char *data, size_t len);
enum ps_status ps_buf_printf(struct ps_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Total bytes appended (flushed and still held). */
size_t ps_buf_total(const struct ps_buf *b);

/* Ends a streaming buffer: when the writer succeeded (`st` PS_OK), the rest goes to the sink
 * and the sink is committed (the file appears whole, or standard output is flushed and
 * checked); when it failed, the sink is abandoned (the target keeps its old contents). A
 * write error of the sink wins over st. Frees the buffer and the sink. d says why. */
enum ps_status ps_buf_finish(struct ps_buf *b, enum ps_status st, struct ps_diag *d);

/* Writes data to path with the safe write (ps_file_write, core/io/file.h): a regular file
 * atomically, a device or FIFO written to, "-" standard output; a read-only file refused.
 * d says why on failure. */
enum ps_status ps_write_atomic(const char *path, const char *data, size_t len, struct ps_diag *d);

/* Schedule file, JSON (SPEC 7). Appends to out. A schedule without a timed result
 * (infeasible, or cancelled before any schedule) is written with no ops, null results and
 * its solver.error. Returns PS_ENOMEM (out keeps what was appended). */
enum ps_status ps_export_schedule_json(const struct ps_schedule *s, struct ps_buf *out);

/* Schedule file, CSV (SPEC 8), RFC 4180 via libcsv. */
enum ps_status ps_export_schedule_csv(const struct ps_schedule *s, struct ps_buf *out);

/* A schedule read back from a file, with the scenario it carries. */
struct ps_loaded_schedule {
    struct ps_scenario sc;
    struct ps_schedule *sched; /* sched->sc points at sc above */
};

/* Reads a schedule JSON file's text (len bytes, no NUL needed). All op and transfer times
 * are taken from the file (an op's dur_ns is its end - start); metrics recorded in the file
 * are kept in `recorded` (may be NULL; bubble_ratio NAN when null) for comparison by
 * validate, and the schedule's own metric fields hold them until ps_sim_metrics
 * recomputes them. On failure returns PS_EPARSE (d has line and column) or PS_EINVAL (d has
 * a path like "ops[12].start_ms") and out is left empty. On success the caller owns out
 * and frees it with ps_loaded_schedule_fini; out->sched->sc points into out, so out must
 * not be moved or copied. */
struct ps_recorded_metrics {
    double makespan_ms;
    double bubble_ratio;
    double lower_bound_ms;
    bool memory_ok;
};
enum ps_status ps_import_schedule_json(const char *text, size_t len, struct ps_loaded_schedule *out,
                                       struct ps_recorded_metrics *recorded, struct ps_diag *d);
void ps_loaded_schedule_fini(struct ps_loaded_schedule *ls);

/* One row of a comparison (SPEC 9). */
struct ps_compare_row {
    char scenario[128];
    char schedule[PS_SCHED_NAME_MAX];
    char status[16];
    double makespan_ms; /* NAN when none (infeasible / failed) */
    double bubble_ratio;
    double peak_memory; /* max over devices */
    bool memory_ok;
    double lower_bound_ms;
    double ratio_to_lower_bound;
    double solve_ms;
    /* The part of the lower bound that binds ("work", "memory", ...: ps_bound_part_str), for
     * the command line to say; not a file column. */
    char bound_binds[16];
    /* Extra columns (a sweep's parameters): n_extra pairs. */
    int n_extra;
    struct ps_kv extra[8];
    /* The scenario's memory limit, for the text table's "peak/limit" column (not a file
     * column: a zeroed row reads as unlimited). */
    bool has_memory_limit;
    double memory_limit;
    /* Provenance (docs/formats.md), the columns after SPEC 9's: */
    double bound_ms, gap;  /* the solver's proved bound and gap, NAN when none */
    char status_text[256]; /* ps_solve_status_text, or why the row has no schedule */
    char params[512];      /* "key=value; key=value" as the solver resolved them */
    char scenario_hash[PS_SCENARIO_HASH_LEN + 1];
    char origin[256]; /* where the scenario came from */
    char edits[1024]; /* its edits, one "PATH=VALUE" per line */
    /* The solver's "note" parameter (what it did beyond its name, e.g. a cap), "" when none;
     * for the command line to show, not a file column. */
    char note[sizeof(((struct ps_kv *)0)->value)];
    /* The bubble by cause (docs/model.md), as shares of S x makespan; NAN without a schedule. */
    double bubble_by[PS_BUBBLE_COUNT];
    /* Against a baseline schedule of the same group (ps_compare_baseline): its name ("" when
     * none), and how much less bubble ratio and makespan this row has, as fractions of the
     * baseline's (GeoPipe's "bubble ratio reduced by X%"); NAN when either has no value. */
    char baseline[PS_SCHED_NAME_MAX];
    double bubble_reduction, makespan_reduction;
    /* Knees of a sweep (ps_compare_knees): for extra[k], the smallest value at which this
     * row's schedule is within eps of its best over that key's range. */
    bool has_knee[8];
    char knee[8][64];
};

/* Compares every row with the row of schedule `baseline` in its group (same scenario and
 * sweep values); rows of a group without it get NAN. */
void ps_compare_baseline(struct ps_compare_row *rows, size_t n, const char *baseline);

/* Sets the knees of a sweep: for each extra key whose values are all numbers, and each
 * group of rows that agree on the scenario, the schedule and every other key, the smallest
 * value whose makespan is within eps (0.05 = 5%) of the group's best. */
void ps_compare_knees(struct ps_compare_row *rows, size_t n, double eps);

/* Fills a row from a (timed or infeasible) schedule. */
void ps_compare_row_from(struct ps_compare_row *row, const struct ps_schedule *s);

/* Fills a row for a schedule that could not run on sc: status "error", no numbers, the
 * scenario's lower bound and provenance, `why` in status_text. */
void ps_compare_row_error(struct ps_compare_row *row, const struct ps_scenario *sc,
                          const char *schedule, const char *why);

enum ps_status ps_export_compare_csv(const struct ps_compare_row *rows, size_t n,
                                     struct ps_buf *out);
enum ps_status ps_export_compare_json(const struct ps_compare_row *rows, size_t n,
                                      struct ps_buf *out);
/* Aligned text table for a terminal, with the lower bound line. */
enum ps_status ps_export_compare_table(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out);

/* The comparison as a LaTeX tabular for papers (booktabs: \toprule, \midrule, \bottomrule),
 * and as a Markdown table; both open with the provenance as comments, mark the best row
 * (bold makespan and a star) and peaks over the memory limit, and end with the lower
 * bound. Text is escaped for each. */
enum ps_status ps_export_compare_latex(const struct ps_compare_row *rows, size_t n,
                                       struct ps_buf *out);
enum ps_status ps_export_compare_markdown(const struct ps_compare_row *rows, size_t n,
                                          struct ps_buf *out);

/* The one "best" rule of every view: best[i] is true for the rows within the memory limit
 * with the smallest makespan of their group (one scenario and sweep point; ties share it);
 * when no row of a group fits the limit, none of it is best. */
void ps_compare_best(const struct ps_compare_row *rows, size_t n, bool *best);
/* The same rule over schedules (NULL entries: none), for views that have no rows (the
 * explorer's table). */
void ps_schedule_best(const struct ps_schedule *const *s, size_t n, bool *best);

/* One point of a layout search (pipescope search, docs/cli.md): the layout, what it needs,
 * and its best schedule within memory, or why it is infeasible. */
struct ps_search_row {
    int pp, tp, dp, mbs, seq;
    int dcs, pipeline_dcs; /* the cluster's DCs; those one pipeline spans */
    char dn[16];           /* the extra warm-up asked for ("" when not an axis) */
    int microbatches;      /* per replica */
    int gpus_per_dc;       /* GPUs the busiest DC needs */
    long gpus;             /* tp x pp x dp */
    bool feasible;
    char why[200]; /* when infeasible: "out of HBM: ...", "too few GPUs: ...", ... */
    char schedule[PS_SCHED_NAME_MAX];
    double makespan_ms;  /* one iteration; NAN when infeasible */
    double tokens_per_s; /* tokens per iteration / makespan */
    double bubble_ratio, peak_memory;
    bool has_memory_limit;
    double memory_limit; /* activation units the HBM leaves */
    double static_gb;    /* model states per GPU */
    double dp_ms;        /* the data-parallel collective, 0 when none */
    bool best;           /* the most tokens per second of the feasible points */
};

/* The search's rows as CSV, JSON (one object per point) or an aligned table (the best
 * marked, infeasible points with their reason). Return PS_ENOMEM. */
enum ps_status ps_export_search_csv(const struct ps_search_row *rows, size_t n, struct ps_buf *out);
enum ps_status ps_export_search_json(const struct ps_search_row *rows, size_t n,
                                     struct ps_buf *out);
enum ps_status ps_export_search_table(const struct ps_search_row *rows, size_t n,
                                      struct ps_buf *out);

/* A sweep shard's header (docs/formats.md, "Sweep shards"): which share of which sweep. */
struct ps_sweep_shard {
    char sweep[17]; /* the whole sweep's fingerprint (hex): shards of one sweep share it */
    int shard, shards;
    long points;    /* points of the whole sweep */
    int per_point;  /* rows per point (the schedules) */
    char output[8]; /* the format merge writes: csv, json or table */
    double knee_eps;
    char baseline[PS_SCHED_NAME_MAX]; /* "" when none */
};

/* Writes a shard: its header and its rows, each with its point (0..points-1), every number
 * exact. Returns PS_ENOMEM. */
enum ps_status ps_export_sweep_shard(const struct ps_sweep_shard *info,
                                     const struct ps_compare_row *rows, const long *points,
                                     size_t n, struct ps_buf *out);

/* Reads a shard back: *rows and *points (malloc'd, n entries, the caller frees both) as
 * written. PS_EPARSE for broken JSON, PS_EINVAL (d names the member) for anything else. */
enum ps_status ps_import_sweep_shard(const char *text, size_t len, struct ps_sweep_shard *info,
                                     struct ps_compare_row **rows, long **points, size_t *n,
                                     struct ps_diag *d);

/* Readable summary of one schedule and an ASCII Gantt chart `width` columns wide: one
 * row per device, DC boundaries marked. */
enum ps_status ps_export_schedule_text(const struct ps_schedule *s, int width, struct ps_buf *out);

/* The A/B difference in one line, B minus A: "d greedy - 1f1b: makespan -1259.8 ms
 * (-34.0%), bubble -25.4 points, peak memory +0 units" (with a Greek delta when unicode). */
void ps_schedule_diff_text(const struct ps_schedule *a, const struct ps_schedule *b, bool unicode,
                           char *buf, size_t size);

/* ---- Provenance (export/provenance.c; docs/formats.md, "Provenance") ---- */

/* The solver's outcome in words: "heuristic", "optimal", "feasible, bound 57 ms, gap 5.0%",
 * "cancelled (best so far), bound ..., gap ...", "infeasible: why". */
void ps_solve_status_text(const struct ps_schedule *s, char *buf, size_t size);

/* Appends the provenance object on one line: { "pipescope", "scenario", "scenario_hash",
 * "origin", "edits": [...] } and, when s is not NULL, "schedule", "params", "status",
 * "status_text", "bound_ms", "gap". */
enum ps_status ps_buf_provenance_json(struct ps_buf *b, const struct ps_scenario *sc,
                                      const struct ps_schedule *s);

/* The same as text: "pipescope 0.2.0; scenario NAME (hash H, from preset P); edits: --set
 * A=1 --set B=2", then per schedule "; schedule NAME (k=v, ...): STATUS"; a scenario
 * shared by consecutive schedules is named once. Cut at size. */
void ps_provenance_scenario_line(const struct ps_scenario *sc, char *buf, size_t size);
void ps_provenance_schedule_line(const struct ps_schedule *s, char *buf, size_t size);
void ps_provenance_line(const struct ps_schedule *const *scheds, size_t n, char *buf, size_t size);

/* ---- Formats (export/format.c) ---- */

/* Every output format pipescope writes. */
enum ps_format {
    PS_FMT_NONE = 0, /* no format named (a file name without extension) */
    PS_FMT_UNKNOWN,  /* a file name whose extension is none of ours */
    PS_FMT_TEXT,     /* solve's summary and ASCII chart */
    PS_FMT_TABLE,    /* compare's aligned text table */
    PS_FMT_JSON,     /* schedule file (SPEC 7) or comparison (SPEC 9) */
    PS_FMT_CSV,      /* schedule file (SPEC 8) or comparison (SPEC 9) */
    PS_FMT_SVG,      /* the figure */
    PS_FMT_PDF,      /* the figure, rendered (export/raster.c) */
    PS_FMT_PNG,      /* the figure, rendered */
    PS_FMT_TRACE,    /* Chrome Trace Event JSON */
    PS_FMT_LATEX,    /* comparison as a booktabs table */
    PS_FMT_MARKDOWN, /* comparison as a Markdown table */
    PS_FMT_TORCH,    /* torch.distributed.pipelining's per-rank action CSV */
};

struct ps_format_def {
    enum ps_format format;
    const char *name; /* "json", as --format takes it */
    const char *ext;  /* the extension a name gets (".trace.json") */
    bool binary;      /* not text: never written to a terminal */
};

/* The row of a format (NULL for NONE and UNKNOWN). */
const struct ps_format_def *ps_format_def(enum ps_format f);
/* A format by its --format name ("tex" and "md" too); PS_FMT_NONE when there is none. */
enum ps_format ps_format_parse(const char *name);
/* The --format name ("none" for NONE and UNKNOWN). */
const char *ps_format_name(enum ps_format f);

/* The one rule that turns a file name into a format, for the command line and the
 * explorer alike: the end of the name, in any case: .json, .csv, .svg, .pdf, .png,
 * .trace.json, .tex (latex), .md (markdown), .txt (text). PS_FMT_NONE for NULL, "-" and a
 * name without an extension (/dev/stdout); PS_FMT_UNKNOWN for any other extension, which
 * callers refuse rather than guess. A schedule's .csv is the schedule CSV; the torch CSV is
 * only ever asked for by name. */
enum ps_format ps_format_of_path(const char *path);
/* ".trace.json, .json, .csv, ..." into buf. */
void ps_format_extensions(char *buf, size_t size);

/* ---- PyTorch (export/torch.c, export/torch_read.c; docs/formats.md, "PyTorch") ---- */

/* The schedule as torch.distributed.pipelining's per-rank action CSV: row r is rank r,
 * actions "0F1" (stage 0, forward, microbatch 1), "2I3" and "2W3" for a split backward,
 * "2B3" for the full one; stage = the virtual stage (chunk x ranks + rank for loops, the V
 * order for waves). Compute-only: PyTorch's time steps, idle steps empty. lowered: with
 * SEND_F/RECV_F/SEND_B/RECV_B in pipescope's order and REDUCE_GRAD. An op cut into parts is
 * one action at its last part's place (*had_parts says so; NULL allowed). The file has no
 * room for provenance: PyTorch reads every row as a rank. PS_EINVAL for an untimed or
 * infeasible schedule, PS_EUNSUPPORTED for one with recomputation (R) ops, which PyTorch's
 * actions cannot say. */
enum ps_status ps_export_schedule_torch(const struct ps_schedule *s, bool lowered,
                                        struct ps_buf *out, bool *had_parts);

/* What a torch CSV held. */
struct ps_torch_info {
    bool lowered;        /* it has SEND/RECV actions */
    int n_ranks, chunks; /* rows, and stage indices per rank */
    enum ps_traversal traversal;
    bool split;           /* I and W actions */
    size_t n_actions;     /* compute actions placed */
    size_t skipped;       /* UNSHARD, RESHARD, REDUCE_GRAD */
    size_t dropped_w;     /* W on stages whose weight_ms is 0 */
    int ordered_channels; /* channels ordered by one rank's sends (lowered) */
    int fcfs_channels;    /* channels left first-come-first-served */
};

/* Reads a torch CSV (pipescope's, or PyTorch's _dump_csv, compute-only or lowered) into an
 * untimed schedule of sc (borrowed; it must outlive *out) named `name`: each rank's compute
 * actions become its device order, a lowered file's sends order the channels one rank
 * feeds. ps_sim_run times it. Errors name the rank and step: PS_EPARSE (not an action),
 * PS_EINVAL (rows are not the scenario's stages, a microbatch it does not have, a
 * placement neither loop nor V, an action twice). *out owned by the caller. */
enum ps_status ps_import_torch_csv(const char *text, size_t len, const struct ps_scenario *sc,
                                   const char *name, struct ps_schedule **out,
                                   struct ps_torch_info *info, struct ps_diag *d);

/* True when text starts like a torch CSV (its first cell is an action). */
bool ps_torch_csv_looks_like(const char *text, size_t len);

/* ---- The workload panel (export/workload.c) ---- */

#define PS_WL_PANEL_STAGES 64

/* One variant of a workload's comparison (docs/formats.md, "Workload panel"): a
 * granularity and a checkpoint policy, planned and run as 1F1B. */
struct ps_wl_panel_row {
    char scenario[128];
    char variant[32]; /* "elastic", "w/o wbc", ... or "elastic+adaptive" */
    char granularity[16], checkpoint[16];
    bool fits;                    /* a plan fits the memory */
    char why[320];                /* when not: the stages and their need */
    double iteration_ms, vs_best; /* NAN when it does not fit; vs_best: 0.05 = 5 % slower */
    double bubble_ratio, recompute_share;
    int n_stages; /* peak_gb holds min(n_stages, PS_WL_PANEL_STAGES) */
    double peak_gb[PS_WL_PANEL_STAGES];
    double limit_gb;
    int pipelines, chunks, slices;
    bool best; /* the fastest that fits (ties share it) */
};

/* Sets vs_best and best over rows that fit. */
void ps_wl_panel_rank(struct ps_wl_panel_row *rows, size_t n);

enum ps_status ps_export_wl_panel_csv(const struct ps_wl_panel_row *rows, size_t n,
                                      struct ps_buf *out);
enum ps_status ps_export_wl_panel_json(const struct ps_wl_panel_row *rows, size_t n,
                                       struct ps_buf *out);
/* Aligned text table: the best marked with *, variants that do not fit say why. */
enum ps_status ps_export_wl_panel_table(const struct ps_wl_panel_row *rows, size_t n,
                                        struct ps_buf *out);

/* ---- Figures and traces (export/svg.c, export/trace.c) ---- */

/* Options of the SVG figure; all-zero means the defaults. */
struct ps_svg_options {
    int width_px;          /* figure width in px (<= 0: 1000; at least 320); height follows */
    bool hide_channels;    /* no rows for the inter-DC channels' transmissions */
    bool hide_numbers;     /* no microbatch numbers inside the blocks */
    bool hide_lower_bound; /* no dashed lower-bound line */
    const char *title;     /* heading line; NULL: the scenario's name and shape */
    bool critical_path;    /* outline the ops of one critical path (ps_sim_critical_path) */
    bool hide_bubble;      /* no bar of each device's idle time by cause at the right */
};

/* A publication-quality SVG Gantt chart of n >= 1 schedules stacked on one shared time
 * axis (one schedule: n = 1): per schedule a title line (name, makespan, bubble, ratio to
 * the lower bound), one row per device grouped by datacenter, the data-parallel lane when
 * there is one, and a row per inter-DC channel with its transmissions; then the time axis
 * in ms and a legend. Every schedule must be timed or infeasible (drawn as "no schedule");
 * one read from a file needs ps_sim_metrics first (the title shows its metrics).
 * Appends to out; returns PS_EINVAL (NULL, n == 0, an untimed schedule) or PS_ENOMEM. */
enum ps_status ps_export_schedule_svg(const struct ps_schedule *const *scheds, size_t n,
                                      int width_px, struct ps_buf *out);
/* Same, with options (opt NULL = defaults). */
enum ps_status ps_export_schedule_svg_opts(const struct ps_schedule *const *scheds, size_t n,
                                           const struct ps_svg_options *opt, struct ps_buf *out);

/* A sweep plot: makespan and bubble ratio against the swept value `key` (its values must be
 * numbers; a log scale when they span 16x or more), one line per schedule and combination of
 * the other swept values, the knees (ps_compare_knees) ringed; title is the heading (may be
 * NULL). width_px < 320: 800. Appends a self-contained SVG to out; PS_EINVAL (no rows, no
 * key) or PS_ENOMEM. */
enum ps_status ps_export_sweep_svg(const struct ps_compare_row *rows, size_t n, const char *key,
                                   const char *title, int width_px, struct ps_buf *out);

/* What a rendered figure carries besides the drawing: the PDF's Title and Subject, the
 * PNG's Title and Description (iTXt). Both also name pipescope and its version. */
struct ps_render_info {
    const char *title;       /* NULL: none */
    const char *description; /* the provenance (NULL: none) */
};

/* Renders a figure (an SVG document, as ps_export_schedule_svg* writes it) as PDF or PNG in
 * process, with librsvg and cairo: the same drawing as the SVG. PDF: one vector page of the
 * figure's size (a px is 0.75 pt, CSS's 96 per inch), text kept as text. PNG: 2 pixels per
 * px (192 dpi; less when a side would pass 16384 pixels), on white. Appends to out.
 * Returns PS_EINVAL (fmt is neither PDF nor PNG, or librsvg or cairo refused the drawing;
 * d says why) or PS_ENOMEM. */
enum ps_status ps_export_render(const char *svg, size_t len, enum ps_format fmt,
                                const struct ps_render_info *info, struct ps_buf *out,
                                struct ps_diag *d);

/* A figure of n >= 1 schedules (as ps_export_schedule_svg_opts) as SVG, or as PDF or PNG
 * rendered from that one drawing with its title and the schedules' provenance
 * (ps_export_render). PS_EINVAL for another format; d says why a render failed. */
enum ps_status ps_export_figure(const struct ps_schedule *const *scheds, size_t n,
                                const struct ps_svg_options *opt, enum ps_format fmt,
                                struct ps_buf *out, struct ps_diag *d);

/* A Chrome Trace Event JSON file that Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: a process per datacenter, a thread per device, per data-parallel lane and per
 * link; an "X" event per op (part) and per transfer, flow arrows from each transfer's
 * producer to its consumer, activation-memory counters per device. Times in microseconds.
 * The schedule must be timed (or infeasible: then only the names). Appends to out;
 * returns PS_EINVAL or PS_ENOMEM. */
enum ps_status ps_export_schedule_trace(const struct ps_schedule *s, struct ps_buf *out);
/* Several schedules in one trace (the A/B view): each its own processes, named "A NAME: DC
 * east", "B NAME: DC east", ...; otherData lists the schedules and their provenance. */
enum ps_status ps_export_schedules_trace(const struct ps_schedule *const *scheds, size_t n,
                                         struct ps_buf *out);

/* ---- One view in any format (export/view.c) ---- */

/* What a view's file shows besides the schedules. All-zero: the defaults. */
struct ps_view_options {
    struct ps_svg_options fig; /* svg, pdf, png */
    bool lowered;              /* torch: with SEND/RECV actions */
    int text_width;            /* text: the chart's width (<= 0: its default) */
    bool unicode;              /* text: the A/B difference line's symbols */
    bool *had_parts;           /* torch: set when an op in parts became one action (NULL ok) */
};

/* The view of one schedule or an A/B pair (n = 1 or 2) as fmt: JSON and CSV write the
 * schedule file (a pair: its two comparison rows, each with its provenance), SVG, PDF and
 * PNG the one figure (ps_export_figure), TRACE one trace with both, TORCH the per-rank
 * action CSV (one schedule), TEXT the summary and chart of each and the A/B difference
 * line. The writer of `solve -o FILE` and of the explorer's e key. Appends to out;
 * PS_EINVAL for another format or count (d says why), else the writer's status. */
enum ps_status ps_export_view(const struct ps_schedule *const *s, size_t n, enum ps_format fmt,
                              const struct ps_view_options *o, struct ps_buf *out,
                              struct ps_diag *d);

#endif
