/* The Chrome Trace Event JSON of one schedule, for Perfetto (ui.perfetto.dev) and
 * chrome://tracing: every op, transmission, dependency arrow and memory level, to zoom
 * into a schedule with a real trace viewer. Written by hand (no cJSON tree) because a
 * trace of a large schedule holds millions of events. */
#include "export/export.h"

#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/units.h"
#include "export/export_internal.h"
#include "export/palette.h"

/* Thread ids are unique across the whole trace (viewers key threads by tid): devices first,
 * then the data-parallel lanes, then the links. */
struct ids {
    int n_stages;
    int n_links;        /* channels, then latency-only links */
    struct link *links; /* sorted by (from_stage, to_stage) for the latency-only ones */
    size_t n_free_links;
    int32_t *first_part; /* [kind F/B][vstage][microbatch]: index of part 0 in dev_ops */
    int32_t *last_part;  /* same, last part */
};

/* A link without a channel (its transmissions take no time): one per ordered DC pair
 * across datacenters, one per ordered device pair inside one. */
struct link {
    int from_stage, to_stage; /* -1 -1 for an inter-DC pair, then the DCs below */
    int from_dc, to_dc;
};

static int tid_device(int stage)
{
    return 1 + stage;
}

static int tid_dp(const struct ids *ids, int stage)
{
    return 1 + ids->n_stages + stage;
}

static int tid_link(const struct ids *ids, int link)
{
    return 1 + 2 * ids->n_stages + link;
}

static int pid_dc(int pid0, int dc)
{
    return pid0 + 1 + dc;
}

/* Microseconds with nanosecond precision, as exact text: "1234.5", "0.001". */
static size_t out_us(char *buf, int64_t ns)
{
    /* ps_out_ms prints a value /1e6 with 6 decimals; ns/1000 as "ms" of ns*1000 would
     * overflow, so print it directly. */
    int64_t whole = ns / 1000, frac = ns % 1000;
    size_t n = ps_out_i64(buf, whole);
    if (frac) {
        buf[n++] = '.';
        buf[n++] = (char)('0' + frac / 100);
        buf[n++] = (char)('0' + frac / 10 % 10);
        buf[n++] = (char)('0' + frac % 10);
        while (buf[n - 1] == '0')
            n--;
    }
    buf[n] = '\0';
    return n;
}

static const char *us(char *buf, int64_t ns)
{
    out_us(buf, ns);
    return buf;
}

/* A JSON string for a trace viewer: quotes, backslashes and the usual escapes, other
 * control characters dropped and invalid UTF-8 bytes replaced by '?'. No \u escapes:
 * Perfetto's streaming tokenizer has refused them. */
static enum ps_status json_str(struct ps_buf *b, const char *s)
{
    enum ps_status st = ps_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p && st == PS_OK; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            st = ps_buf_append(b, e, 2);
        } else if (c == '\n') {
            st = ps_buf_append(b, "\\n", 2);
        } else if (c == '\t') {
            st = ps_buf_append(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7F) {
            continue;
        } else if (c < 0x80) {
            st = ps_buf_append(b, (const char *)p, 1);
        } else {
            /* Copy a whole valid UTF-8 sequence, else one '?'. */
            size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
            bool ok = n > 0 && c >= 0xC2 && c <= 0xF4;
            for (size_t i = 1; ok && i < n; i++)
                ok = (p[i] & 0xC0) == 0x80;
            if (ok && n == 3)
                ok = !(c == 0xE0 && p[1] < 0xA0) && !(c == 0xED && p[1] >= 0xA0);
            if (ok && n == 4)
                ok = !(c == 0xF0 && p[1] < 0x90) && !(c == 0xF4 && p[1] >= 0x90);
            if (ok) {
                st = ps_buf_append(b, (const char *)p, n);
                p += n - 1;
            } else {
                st = ps_buf_append(b, "?", 1);
            }
        }
    }
    return st == PS_OK ? ps_buf_append(b, "\"", 1) : st;
}

static int link_cmp(const void *a, const void *b)
{
    const struct link *x = a, *y = b;
    if (x->from_stage != y->from_stage)
        return x->from_stage < y->from_stage ? -1 : 1;
    if (x->to_stage != y->to_stage)
        return x->to_stage < y->to_stage ? -1 : 1;
    if (x->from_dc != y->from_dc)
        return x->from_dc < y->from_dc ? -1 : 1;
    return x->to_dc < y->to_dc ? -1 : x->to_dc > y->to_dc;
}

/* The latency-only link a transfer without channel travels on. */
static struct link free_link_of(const struct ps_schedule *s, const struct ps_transfer *t)
{
    struct link l;
    l.from_dc = ps_scenario_dc_of(s->sc, t->from_stage);
    l.to_dc = ps_scenario_dc_of(s->sc, t->to_stage);
    if (l.from_dc != l.to_dc) {
        l.from_stage = -1;
        l.to_stage = -1;
    } else {
        l.from_stage = t->from_stage;
        l.to_stage = t->to_stage;
    }
    return l;
}

/* Thread of a transfer. */
static int transfer_tid(const struct ps_schedule *s, const struct ids *ids,
                        const struct ps_transfer *t)
{
    if (t->channel >= 0)
        return tid_link(ids, t->channel);
    struct link key = free_link_of(s, t);
    struct link *l = bsearch(&key, ids->links, ids->n_free_links, sizeof key, link_cmp);
    return tid_link(ids, s->n_channels + (int)(l - ids->links));
}

static int transfer_pid(const struct ps_schedule *s, int pid0, const struct ps_transfer *t)
{
    return pid_dc(pid0, ps_scenario_dc_of(s->sc, t->from_stage));
}

/* Slots of the ops transfers leave and reach: F, B and R (the gradient reaches R when the
 * device replays that microbatch). */
static size_t op_slot(const struct ps_schedule *s, int kind, int vstage, int microbatch)
{
    size_t per_kind = (size_t)ps_schedule_vstages(s) * (size_t)s->n_microbatches;
    return (size_t)(kind == PS_OP_F   ? 0
                    : kind == PS_OP_B ? 1
                                      : 2) *
               per_kind +
           (size_t)vstage * (size_t)s->n_microbatches + (size_t)microbatch;
}

static void ids_fini(struct ids *ids)
{
    free(ids->links);
    free(ids->first_part);
    free(ids->last_part);
}

/* Drops the duplicates of a sorted list; returns the new length. */
static size_t unique_links(struct link *l, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || link_cmp(&l[u - 1], &l[i]) != 0)
            l[u++] = l[i];
    return u;
}

static enum ps_status ids_init(struct ids *ids, const struct ps_schedule *s)
{
    memset(ids, 0, sizeof(*ids));
    ids->n_stages = s->n_stages;
    size_t n_slots = 3 * (size_t)ps_schedule_vstages(s) * (size_t)s->n_microbatches;
    ids->first_part = malloc((n_slots ? n_slots : 1) * sizeof(int32_t));
    ids->last_part = malloc((n_slots ? n_slots : 1) * sizeof(int32_t));
    if (!ids->first_part || !ids->last_part) {
        ids_fini(ids);
        return PS_ENOMEM;
    }
    for (size_t i = 0; i < n_slots; i++)
        ids->first_part[i] = ids->last_part[i] = -1;
    for (int d = 0; d < s->n_stages; d++) {
        for (size_t k = 0; k < s->dev_n[d]; k++) {
            const struct ps_op *op = &s->dev_ops[d][k];
            if (op->kind != PS_OP_F && op->kind != PS_OP_B && op->kind != PS_OP_R)
                continue;
            int v = ps_vstage_of(d, op->chunk, s->n_stages, s->chunks, s->traversal);
            if (v < 0 || op->microbatch < 0 || op->microbatch >= s->n_microbatches)
                continue;
            size_t slot = op_slot(s, op->kind, v, op->microbatch);
            if (op->part == 0)
                ids->first_part[slot] = (int32_t)k;
            if (op->part + 1 == op->parts)
                ids->last_part[slot] = (int32_t)k;
        }
    }
    /* The distinct latency-only links: few (at most one per DC pair and per neighbouring
     * device pair), so the list is kept sorted and unique as it fills, never one entry per
     * transfer. */
    size_t cap = 0;
    for (size_t i = 0; i < s->n_transfers; i++) {
        if (s->transfers[i].channel >= 0)
            continue;
        if (ids->n_free_links == cap) {
            if (cap > 0)
                qsort(ids->links, ids->n_free_links, sizeof(struct link), link_cmp);
            ids->n_free_links = unique_links(ids->links, ids->n_free_links);
            if (ids->n_free_links * 2 >= cap) {
                size_t ncap = cap ? 2 * cap : 64;
                struct link *nl = realloc(ids->links, ncap * sizeof *nl);
                if (nl == NULL) {
                    ids_fini(ids);
                    return PS_ENOMEM;
                }
                ids->links = nl;
                cap = ncap;
            }
        }
        ids->links[ids->n_free_links++] = free_link_of(s, &s->transfers[i]);
    }
    if (ids->n_free_links > 0)
        qsort(ids->links, ids->n_free_links, sizeof(struct link), link_cmp);
    ids->n_free_links = unique_links(ids->links, ids->n_free_links);
    ids->n_links = s->n_channels + (int)ids->n_free_links;
    return PS_OK;
}

/* ---- metadata ------------------------------------------------------------------------ */

/* The events go out one after the other, separated by ",\n": the separator is written
 * before each event but the first, so that a streamed file needs no trailing comma taken
 * back (JSON allows none). */
struct out {
    struct ps_buf *b;
    bool first;
    int pid0;          /* several schedules in one trace: each its own processes */
    size_t flow0;      /* ... and its own flow ids */
    const char *label; /* "A 1f1b: " before its process names, or "" */
};

static enum ps_status event(struct out *o)
{
    if (o->first) {
        o->first = false;
        return PS_OK;
    }
    return ps_buf_append(o->b, ",\n", 2);
}

static enum ps_status meta(struct out *o, const char *what, int pid, int tid, const char *name,
                           int sort_index)
{
    enum ps_status st = event(o);
    if (st == PS_OK)
        st = ps_buf_printf(o->b,
                           "{\"ph\":\"M\",\"name\":\"%s_name\",\"pid\":%d,\"tid\":%d,"
                           "\"args\":{\"name\":",
                           what, pid, tid);
    if (st == PS_OK)
        st = json_str(o->b, name);
    if (st == PS_OK)
        st = ps_buf_printf(o->b,
                           "}},\n{\"ph\":\"M\",\"name\":\"%s_sort_index\",\"pid\":%d,\"tid\":%d,"
                           "\"args\":{\"sort_index\":%d}}",
                           what, pid, tid, sort_index);
    return st;
}

static enum ps_status write_meta(struct out *b, const struct ps_schedule *s, const struct ids *ids)
{
    const struct ps_scenario *sc = s->sc;
    enum ps_status st = PS_OK;
    char name[256];
    for (int dc = 0; dc < sc->n_dcs && st == PS_OK; dc++) {
        snprintf(name, sizeof name, "%sDC %s", b->label, sc->dcs[dc].name);
        st = meta(b, "process", pid_dc(b->pid0, dc), 0, name, b->pid0 + dc);
    }
    for (int d = 0; d < s->n_stages && st == PS_OK; d++) {
        int pid = pid_dc(b->pid0, ps_scenario_dc_of(sc, d));
        snprintf(name, sizeof name, "stage %d", d);
        st = meta(b, "thread", pid, tid_device(d), name, 2 * d);
        if (st == PS_OK && s->dp_n && s->dp_n[d] > 0) {
            snprintf(name, sizeof name, "stage %d data-parallel", d);
            st = meta(b, "thread", pid, tid_dp(ids, d), name, 2 * d + 1);
        }
    }
    for (int c = 0; c < ids->n_links && st == PS_OK; c++) {
        int from_dc;
        char base[200];
        if (c < s->n_channels) {
            from_dc = s->channels[c].from_dc;
            ps_channel_name(s, c, base, sizeof base);
            snprintf(name, sizeof name, "link %s", base);
        } else {
            const struct link *l = &ids->links[c - s->n_channels];
            from_dc = l->from_dc;
            if (l->from_stage < 0)
                snprintf(name, sizeof name, "link %s->%s (no bandwidth limit)",
                         sc->dcs[l->from_dc].name, sc->dcs[l->to_dc].name);
            else
                snprintf(name, sizeof name, "link stage %d->%d (no bandwidth limit)", l->from_stage,
                         l->to_stage);
        }
        st = meta(b, "thread", pid_dc(b->pid0, from_dc), tid_link(ids, c), name,
                  2 * s->n_stages + c);
    }
    return st;
}

/* ---- events -------------------------------------------------------------------------- */

static enum ps_status write_op(struct out *o, const struct ps_schedule *s, const struct ps_op *op,
                               int pid, int tid, bool dp)
{
    enum ps_status st = event(o);
    if (st != PS_OK)
        return st;
    char name[48], t0[32], t1[32], a[32], c[32];
    if (op->microbatch >= 0)
        snprintf(name, sizeof name, "%s %d", ps_op_kind_str(op->kind), op->microbatch);
    else
        snprintf(name, sizeof name, "%s", ps_op_kind_str(op->kind));
    int v = ps_vstage_of(op->stage, op->chunk, s->n_stages, s->chunks, s->traversal);
    return ps_buf_printf(o->b,
                         "{\"ph\":\"X\",\"cat\":\"%s\",\"name\":\"%s\",\"cname\":\"%s\","
                         "\"pid\":%d,\"tid\":%d,"
                         "\"ts\":%s,\"dur\":%s,\"args\":{\"kind\":\"%s\",\"stage\":%d,"
                         "\"microbatch\":%d,\"chunk\":%d,\"vstage\":%d,\"part\":%d,\"parts\":%d,"
                         "\"start_ms\":%s,\"end_ms\":%s}}",
                         dp ? "dp" : "compute", name,
                         ps_palette(ps_paint_of_op((enum ps_op_kind)op->kind))->trace_cname, pid,
                         tid, us(t0, op->start_ns), us(t1, op->end_ns - op->start_ns),
                         ps_op_kind_str(op->kind), op->stage, op->microbatch, op->chunk, v,
                         op->part, op->parts, ps_out_ms_str(op->start_ns, a),
                         ps_out_ms_str(op->end_ns, c));
}

/* A point strictly inside [start, end) (when it has a length), away from both ends by up
 * to 1 us: viewers bind a flow event to the slice that encloses its time, and a time on
 * an edge could bind it to the neighbour that ends or starts there. */
static int64_t inside(int64_t start, int64_t end, bool near_end)
{
    int64_t m = (end - start) / 2;
    if (m > 1000)
        m = 1000;
    return near_end ? end - m : start + m;
}

static enum ps_status write_flow(struct out *o, char ph, const char *name, size_t id, int pid,
                                 int tid, int64_t ts)
{
    char t[32];
    enum ps_status st = event(o);
    if (st != PS_OK)
        return st;
    return ps_buf_printf(o->b,
                         "{\"ph\":\"%c\",\"cat\":\"transfer\",\"name\":\"%s\",\"id\":%zu,"
                         "\"pid\":%d,\"tid\":%d,\"ts\":%s%s}",
                         ph, name, id, pid, tid, us(t, ts), ph == 'f' ? ",\"bp\":\"e\"" : "");
}

static enum ps_status write_transfer(struct out *b, const struct ps_schedule *s,
                                     const struct ids *ids, size_t i)
{
    const struct ps_transfer *t = &s->transfers[i];
    const char *kind = ps_xfer_kind_str(t->kind);
    int pid = transfer_pid(s, b->pid0, t), tid = transfer_tid(s, ids, t);
    char name[48], t0[32], t1[32], a[32], c[32], e[32], r[32];
    snprintf(name, sizeof name, "%s %d", kind, t->microbatch);
    double mb = ps_scenario_message_mb(s->sc, t->microbatch);
    char mbs[32];
    ps_out_num(mb, mbs);
    enum ps_status st = event(b);
    if (st != PS_OK)
        return st;
    st = ps_buf_printf(
        b->b,
        "{\"ph\":\"X\",\"cat\":\"transfer\",\"name\":\"%s\",\"cname\":\"%s\",\"pid\":%d,"
        "\"tid\":%d,\"ts\":%s,"
        "\"dur\":%s,\"args\":{\"kind\":\"%s\",\"microbatch\":%d,\"chunk\":%d,\"from_stage\":%d,"
        "\"to_stage\":%d,\"size_mb\":%s,\"ready_ms\":%s,\"start_ms\":%s,\"end_ms\":%s,"
        "\"arrive_ms\":%s}}",
        name, ps_palette(ps_paint_of_xfer((enum ps_xfer_kind)t->kind))->trace_cname, pid, tid,
        us(t0, t->start_ns), us(t1, t->end_ns - t->start_ns), kind, t->microbatch, t->chunk,
        t->from_stage, t->to_stage, mbs, ps_out_ms_str(t->ready_ns, r),
        ps_out_ms_str(t->start_ns, a), ps_out_ms_str(t->end_ns, c), ps_out_ms_str(t->arrive_ns, e));
    if (st != PS_OK)
        return st;

    /* The arrow: producer's last part -> the transmission -> consumer's first part. */
    int op_kind = t->kind == PS_XFER_ACTIVATION ? PS_OP_F : PS_OP_B;
    int to_v = t->from_vstage + (t->kind == PS_XFER_ACTIVATION ? 1 : -1);
    if (t->microbatch < 0 || t->microbatch >= s->n_microbatches || to_v < 0 ||
        to_v >= ps_schedule_vstages(s))
        return PS_OK;
    int64_t from_k = ids->last_part[op_slot(s, op_kind, t->from_vstage, t->microbatch)];
    int64_t to_k = ids->first_part[op_slot(s, op_kind, to_v, t->microbatch)];
    if (op_kind == PS_OP_B && ps_schedule_has_r(s, t->to_stage, t->microbatch))
        to_k = ids->first_part[op_slot(s, PS_OP_R, to_v, t->microbatch)];
    if (from_k < 0 || to_k < 0)
        return PS_OK;
    const struct ps_op *from = &s->dev_ops[t->from_stage][from_k];
    const struct ps_op *to = &s->dev_ops[t->to_stage][to_k];
    st = write_flow(b, 's', kind, b->flow0 + i,
                    pid_dc(b->pid0, ps_scenario_dc_of(s->sc, t->from_stage)),
                    tid_device(t->from_stage), inside(from->start_ns, from->end_ns, true));
    if (st == PS_OK && t->end_ns > t->start_ns)
        st =
            write_flow(b, 't', kind, b->flow0 + i, pid, tid, inside(t->start_ns, t->end_ns, false));
    if (st == PS_OK)
        st = write_flow(b, 'f', kind, b->flow0 + i,
                        pid_dc(b->pid0, ps_scenario_dc_of(s->sc, t->to_stage)),
                        tid_device(t->to_stage), inside(to->start_ns, to->end_ns, false));
    return st;
}

/* A change of a device's activation memory. */
struct mem_step {
    int64_t t;
    double delta;
};

static int mem_step_cmp(const void *a, const void *b)
{
    const struct mem_step *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    /* Frees before allocations at one instant (SPEC 5). */
    return (x->delta > y->delta) - (x->delta < y->delta);
}

/* Counter events of one device's allocated activations (SPEC 5), one per instant where it
 * changes, after every change of that instant: so the largest value is the peak. */
static enum ps_status write_memory(struct out *o, const struct ps_schedule *s, int d)
{
    const struct ps_scenario *sc = s->sc;
    size_t n = 0;
    struct mem_step *steps = malloc((s->dev_n[d] ? s->dev_n[d] : 1) * sizeof(*steps));
    if (!steps)
        return PS_ENOMEM;
    bool has_w = ps_schedule_has_w(s, d);
    double w = sc->weight_share, v = s->chunks;
    for (size_t k = 0; k < s->dev_n[d]; k++) {
        const struct ps_op *op = &s->dev_ops[d][k];
        double a = ps_scenario_stage_memory(sc, d, op->microbatch) / v;
        double r = ps_scenario_recompute_memory(sc, d, op->microbatch) / v;
        if (op->kind == PS_OP_F && op->part == 0) /* F keeps what R does not replay */
            steps[n++] = (struct mem_step){op->start_ns, a - r};
        else if (op->kind == PS_OP_R && op->part == 0)
            steps[n++] = (struct mem_step){op->start_ns, r};
        else if (op->kind == PS_OP_B && op->part + 1 == op->parts)
            steps[n++] = (struct mem_step){op->end_ns, has_w ? -(1 - w) * a : -a};
        else if (op->kind == PS_OP_W && op->part + 1 == op->parts)
            steps[n++] = (struct mem_step){op->end_ns, -w * a};
    }
    qsort(steps, n, sizeof(*steps), mem_step_cmp);
    int pid = pid_dc(o->pid0, ps_scenario_dc_of(sc, d));
    char t[32], val[32];
    double level = 0;
    enum ps_status st = PS_OK;
    if (n == 0 || steps[0].t > 0) /* the device starts empty */
        if ((st = event(o)) == PS_OK)
            st = ps_buf_printf(o->b,
                               "{\"ph\":\"C\",\"name\":\"stage %d memory\",\"pid\":%d,"
                               "\"tid\":%d,\"ts\":0,\"args\":{\"activations\":0}}",
                               d, pid, tid_device(d));
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        level += steps[i].delta;
        if (i + 1 < n && steps[i + 1].t == steps[i].t)
            continue;
        /* Sums of thirds and halves drift by ulps; a level of 1e-12 is an empty device. */
        if (level < 1e-9 && level > -1e-9)
            level = 0;
        if ((st = event(o)) == PS_OK)
            st = ps_buf_printf(o->b,
                               "{\"ph\":\"C\",\"name\":\"stage %d memory\",\"pid\":%d,"
                               "\"tid\":%d,\"ts\":%s,\"args\":{\"activations\":%s}}",
                               d, pid, tid_device(d), us(t, steps[i].t), ps_out_num(level, val));
    }
    free(steps);
    return st;
}

/* ",\"provenance\":{...}" (docs/formats.md), without \u escapes like every string here: a
 * control character is dropped. */
static enum ps_status write_provenance(struct ps_buf *b, const struct ps_schedule *const *scheds,
                                       size_t n)
{
    struct ps_buf p;
    ps_buf_init(&p);
    enum ps_status st = n > 1 ? ps_buf_append(&p, "[", 1) : PS_OK;
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        if (i)
            st = ps_buf_append(&p, ", ", 2);
        if (st == PS_OK)
            st = ps_buf_provenance_json(&p, scheds[i]->sc, scheds[i]);
    }
    if (st == PS_OK && n > 1)
        st = ps_buf_append(&p, "]", 1);
    if (st == PS_OK)
        st = ps_buf_append(b, ",\"provenance\":", 14);
    size_t run = 0;
    for (size_t i = 0; st == PS_OK && i < p.len; i++) {
        bool esc = p.data[i] == '\\' && i + 1 < p.len && p.data[i + 1] == 'u' && i + 5 < p.len;
        if (p.data[i] == '\\' && !esc) {
            i++; /* another escape (\" \\ \n \t): kept as it is */
            continue;
        }
        if (!esc)
            continue;
        st = ps_buf_append(b, p.data + run, i - run);
        i += 5;
        run = i + 1;
    }
    if (st == PS_OK)
        st = ps_buf_append(b, p.data + run, p.len - run);
    ps_buf_fini(&p);
    return st;
}

static enum ps_status write_other(struct ps_buf *b, const struct ps_schedule *const *scheds,
                                  size_t n)
{
    /* One schedule: its name and numbers as before; several: the first's, and each one's
     * provenance. */
    const struct ps_schedule *s = scheds[0];
    char a[32], c[32], e[32];
    enum ps_status st =
        ps_buf_printf(b, "\"otherData\":{\"format\":\"pipescope-trace/1\","
                         "\"generator\":\"pipescope " PS_VERSION "\",\"scenario\":");
    if (st == PS_OK)
        st = json_str(b, s->sc->name);
    if (st == PS_OK)
        st = ps_buf_printf(b, ",\"schedule\":");
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        st = ps_buf_printf(b, "%s", n > 1 && i == 0 ? "[" : i ? "," : "");
        if (st == PS_OK)
            st = json_str(b, scheds[i]->name);
    }
    if (st == PS_OK && n > 1)
        st = ps_buf_printf(b, "]");
    if (st == PS_OK)
        st = ps_buf_printf(b, ",\"status\":\"%s\"", ps_solve_status_str(s->solver.status));
    if (st == PS_OK && s->timed)
        st = ps_buf_printf(b, ",\"makespan_ms\":%s,\"bubble_ratio\":%s,\"lower_bound_ms\":%s",
                           ps_out_ms_str(s->makespan_ns, a), ps_out_num(s->bubble_ratio, c),
                           ps_out_ms_str(s->lower_bound_ns, e));
    if (st == PS_OK)
        st = write_provenance(b, scheds, n);
    if (st == PS_OK)
        st = ps_buf_printf(b, "}");
    return st;
}

/* One schedule's events (its processes from o->pid0 on). */
static enum ps_status write_schedule(struct out *o, const struct ps_schedule *s)
{
    bool infeasible = s->solver.status == PS_SOLVE_INFEASIBLE;
    struct ids ids;
    enum ps_status st = ids_init(&ids, s);
    if (st != PS_OK)
        return st;
    st = write_meta(o, s, &ids);
    bool timed = s->timed && !infeasible;
    for (int d = 0; timed && d < s->n_stages && st == PS_OK; d++) {
        int pid = pid_dc(o->pid0, ps_scenario_dc_of(s->sc, d));
        for (size_t k = 0; k < s->dev_n[d] && st == PS_OK; k++)
            st = write_op(o, s, &s->dev_ops[d][k], pid, tid_device(d), false);
        for (size_t k = 0; s->dp_n && k < s->dp_n[d] && st == PS_OK; k++)
            st = write_op(o, s, &s->dp_ops[d][k], pid, tid_dp(&ids, d), true);
        if (st == PS_OK)
            st = write_memory(o, s, d);
    }
    for (size_t i = 0; timed && i < s->n_transfers && st == PS_OK; i++)
        st = write_transfer(o, s, &ids, i);
    ids_fini(&ids);
    return st;
}

enum ps_status ps_export_schedules_trace(const struct ps_schedule *const *scheds, size_t n,
                                         struct ps_buf *out)
{
    if (!scheds || n == 0 || !out)
        return PS_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!scheds[i] || !scheds[i]->sc ||
            (!scheds[i]->timed && scheds[i]->solver.status != PS_SOLVE_INFEASIBLE))
            return PS_EINVAL;
    /* No "displayTimeUnit": Perfetto reads "ms" there as the unit of every ts. */
    struct out o = {out, true, 0, 0, ""};
    enum ps_status st = ps_buf_printf(out, "{\"traceEvents\":[\n");
    char label[64];
    for (size_t i = 0; i < n && st == PS_OK; i++) {
        /* Side by side: A's datacenters, then B's, each named after its schedule. */
        if (n > 1)
            snprintf(label, sizeof label, "%c %.40s: ", (int)('A' + (i < 26 ? i : 25)),
                     scheds[i]->name);
        o.label = n > 1 ? label : "";
        st = write_schedule(&o, scheds[i]);
        o.pid0 += scheds[i]->sc->n_dcs;
        o.flow0 += scheds[i]->timed ? scheds[i]->n_transfers : 0;
    }
    if (st == PS_OK && !o.first)
        st = ps_buf_printf(out, "\n");
    if (st == PS_OK)
        st = ps_buf_printf(out, "],\n");
    if (st == PS_OK)
        st = write_other(out, scheds, n);
    if (st == PS_OK)
        st = ps_buf_printf(out, "}\n");
    return st;
}

enum ps_status ps_export_schedule_trace(const struct ps_schedule *s, struct ps_buf *out)
{
    if (!s)
        return PS_EINVAL;
    return ps_export_schedules_trace(&s, 1, out);
}
