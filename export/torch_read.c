/* torch.distributed.pipelining's per-rank action CSV read back into a schedule of a given
 * scenario (the file holds orders, not times or delays): pipescope's own torch files and
 * the ones PyTorch's _dump_csv writes, compute-only or lowered. Row r is rank r; each
 * rank's compute actions in order become its device order; a lowered file's sends fix the
 * order of every channel that one rank feeds. UNSHARD, RESHARD and REDUCE_GRAD (FSDP and
 * the gradient reduction) are not in the model and are skipped; OVERLAP_F_B runs its
 * sub-actions in order. */
#include "export/export.h"

#include <csv.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ttype { T_F, T_I, T_B, T_W, T_SEND_F, T_RECV_F, T_SEND_B, T_RECV_B, T_SKIP, T_OVERLAP };

/* Longest names first where one starts another (RESHARD/RECV_*). */
static const struct {
    const char *name;
    enum ttype t;
} types[] = {
    {"UNSHARD", T_SKIP},  {"RESHARD", T_SKIP},  {"REDUCE_GRAD", T_SKIP},
    {"SEND_F", T_SEND_F}, {"RECV_F", T_RECV_F}, {"SEND_B", T_SEND_B},
    {"RECV_B", T_RECV_B}, {"F", T_F},           {"I", T_I},
    {"B", T_B},           {"W", T_W},
};

struct tact {
    enum ttype t;
    int stage, mb; /* mb -1 when none */
};

/* All actions of all ranks, in file order. */
struct tfile {
    struct tact *a;
    size_t n, cap;
    int *rank_of; /* per action */
    int n_rows;
    bool lowered;
    /* parser state */
    enum ps_status st;
    struct ps_diag *d;
    int col;
};

static enum ps_status push(struct tfile *f, struct tact a)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        struct tact *na = realloc(f->a, cap * sizeof *na);
        int *nr = realloc(f->rank_of, cap * sizeof *nr);
        if (na)
            f->a = na;
        if (nr)
            f->rank_of = nr;
        if (!na || !nr)
            return PS_ENOMEM;
        f->cap = cap;
    }
    f->a[f->n] = a;
    f->rank_of[f->n++] = f->n_rows;
    return PS_OK;
}

/* One action "2F3", "0SEND_F1", "1REDUCE_GRAD": digits, a type, optional digits, nothing
 * else. */
static bool parse_one(const char *s, size_t len, struct tact *out)
{
    size_t i = 0;
    long stage = 0;
    while (i < len && isdigit((unsigned char)s[i]) && stage < 100000)
        stage = stage * 10 + (s[i++] - '0');
    if (i == 0 || i == len)
        return false;
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        size_t tl = strlen(types[k].name);
        if (len - i < tl || memcmp(s + i, types[k].name, tl) != 0)
            continue;
        size_t j = i + tl;
        long mb = -1;
        if (j < len) {
            mb = 0;
            while (j < len && isdigit((unsigned char)s[j]) && mb < 100000000)
                mb = mb * 10 + (s[j++] - '0');
        }
        if (j != len)
            continue; /* "RESHARD" is not "RE..." of another */
        out->t = types[k].t;
        out->stage = (int)stage;
        out->mb = (int)mb;
        return true;
    }
    return false;
}

static void on_field(void *data, size_t len, void *vf)
{
    struct tfile *f = vf;
    const char *s = data;
    int col = f->col++;
    while (len > 0 && isspace((unsigned char)s[0]))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (f->st != PS_OK || len == 0)
        return; /* an empty cell is an idle step */
    char path[64];
    snprintf(path, sizeof path, "rank %d, step %d", f->n_rows, col);
    /* (sub;sub)OVERLAP_F_B: the sub-actions in order. */
    if (s[0] == '(') {
        const char *close = memchr(s, ')', len);
        if (!close || (size_t)(s + len - close - 1) != strlen("OVERLAP_F_B") ||
            memcmp(close + 1, "OVERLAP_F_B", strlen("OVERLAP_F_B")) != 0) {
            f->st = ps_diag_set(f->d, PS_EPARSE, path, "'%.*s' is not an action", (int)len, s);
            return;
        }
        for (const char *p = s + 1; p < close && f->st == PS_OK;) {
            const char *semi = memchr(p, ';', (size_t)(close - p));
            const char *e = semi ? semi : close;
            struct tact a;
            while (p < e && isspace((unsigned char)*p))
                p++;
            if (!parse_one(p, (size_t)(e - p), &a))
                f->st =
                    ps_diag_set(f->d, PS_EPARSE, path, "'%.*s' is not an action", (int)(e - p), p);
            else
                f->st = push(f, a);
            p = e + 1;
        }
        return;
    }
    struct tact a;
    if (!parse_one(s, len, &a)) {
        f->st = ps_diag_set(f->d, PS_EPARSE, path,
                            "'%.*s' is not an action (STAGE TYPE MICROBATCH, e.g. 2F0, 1I3, "
                            "0SEND_F1)",
                            (int)(len < 40 ? len : 40), s);
        return;
    }
    f->lowered |= a.t >= T_SEND_F && a.t <= T_RECV_B;
    f->st = push(f, a);
}

static void on_row(int c, void *vf)
{
    (void)c;
    struct tfile *f = vf;
    f->n_rows++;
    f->col = 0;
}

/* ---- into a schedule ----------------------------------------------------------------- */

/* The shape the stage indices say: V chunks, loop (stage v on rank v mod S) or wave
 * (V = 2, stage v on rank v, then 2S-1-v). */
static enum ps_status shape(const struct tfile *f, int S, int *V, enum ps_traversal *tr,
                            struct ps_diag *d)
{
    int max_stage = -1;
    for (size_t i = 0; i < f->n; i++)
        if (f->a[i].t != T_SKIP && f->a[i].stage > max_stage)
            max_stage = f->a[i].stage;
    if (max_stage < 0)
        return ps_diag_set(d, PS_EINVAL, "", "no compute actions");
    if ((max_stage + 1) % S != 0 || (max_stage + 1) / S > PS_MAX_CHUNKS)
        return ps_diag_set(d, PS_EINVAL, "",
                           "%d stage indices over %d ranks: not a whole number of chunks per rank "
                           "(1..%d)",
                           max_stage + 1, S, PS_MAX_CHUNKS);
    *V = (max_stage + 1) / S;
    bool loop = true, wave = *V == 2;
    for (size_t i = 0; i < f->n; i++) {
        const struct tact *a = &f->a[i];
        if (a->t == T_SKIP || a->t == T_RECV_F || a->t == T_RECV_B)
            continue;
        int r = f->rank_of[i], v = a->stage;
        loop &= v % S == r;
        wave &= (v < S ? v : 2 * S - 1 - v) == r;
    }
    if (!loop && !wave)
        return ps_diag_set(d, PS_EINVAL, "",
                           "stages are placed on ranks neither in a loop (stage v on rank v mod "
                           "%d) nor in a V (stage v on rank v, then 2*%d-1-v)",
                           S, S);
    *tr = loop ? PS_TRAVERSAL_LOOP : PS_TRAVERSAL_WAVE;
    return PS_OK;
}

/* Pushes the compute actions as device orders (B of a split schedule as I then W). */
static enum ps_status orders(const struct tfile *f, struct ps_schedule *s, struct ps_diag *d,
                             struct ps_torch_info *info)
{
    int M = s->n_microbatches;
    for (size_t i = 0; i < f->n; i++) {
        const struct tact *a = &f->a[i];
        if (a->t > T_W)
            continue;
        int r = f->rank_of[i];
        int chunk = ps_vstage_chunk(a->stage, s->n_stages, s->chunks, s->traversal);
        char path[64];
        snprintf(path, sizeof path, "rank %d", r);
        if (a->mb < 0 || a->mb >= M)
            return ps_diag_set(d, PS_EINVAL, path,
                               "microbatch %d of stage %d: the scenario has %d microbatches", a->mb,
                               a->stage, M);
        enum ps_status st = PS_OK;
        bool has_w = s->split_backward && ps_schedule_has_w(s, r);
        switch (a->t) {
        case T_F:
            st = ps_schedule_push(s, r, PS_OP_F, chunk, a->mb);
            break;
        case T_I:
            st = ps_schedule_push(s, r, PS_OP_B, chunk, a->mb);
            break;
        case T_B:
            st = ps_schedule_push(s, r, PS_OP_B, chunk, a->mb);
            if (st == PS_OK && has_w)
                st = ps_schedule_push(s, r, PS_OP_W, chunk, a->mb);
            break;
        default: /* W: none where the scenario's stage has no weight work */
            if (has_w)
                st = ps_schedule_push(s, r, PS_OP_W, chunk, a->mb);
            else
                info->dropped_w++;
            break;
        }
        if (st != PS_OK)
            return ps_diag_set(d, st, path, "cannot place %d%s%d", a->stage,
                               a->t == T_F   ? "F"
                               : a->t == T_I ? "I"
                               : a->t == T_B ? "B"
                                             : "W",
                               a->mb);
        info->n_actions++;
    }
    return PS_OK;
}

/* A lowered file's sends order the channels that one rank feeds: the k-th send of a rank is
 * its k-th on its channel. Channels fed by several ranks stay first-come-first-served. */
static enum ps_status channel_order(const struct tfile *f, struct ps_schedule *s,
                                    struct ps_torch_info *info)
{
    enum ps_status st = ps_schedule_enable_ranks(s);
    if (st != PS_OK)
        return st;
    st = ps_schedule_assign_channels(s);
    if (st != PS_OK)
        return st;
    /* The channel of a send: sender and receiver device, so one rank feeds it when every
     * send on it comes from one rank. */
    int nc = s->n_channels;
    int *feeder = malloc(((size_t)nc + 1) * sizeof *feeder);
    if (!feeder)
        return PS_ENOMEM;
    for (int c = 0; c < nc; c++)
        feeder[c] = -1;
    int SV = ps_schedule_vstages(s);
    for (int pass = 0; pass < 2; pass++) {
        int64_t pos = 0;
        for (size_t i = 0; i < f->n; i++, pos++) {
            const struct tact *a = &f->a[i];
            if (a->t != T_SEND_F && a->t != T_SEND_B)
                continue;
            bool fwd = a->t == T_SEND_F;
            int to = a->stage + (fwd ? 1 : -1);
            if (to < 0 || to >= SV || a->mb < 0 || a->mb >= s->n_microbatches)
                continue;
            int from_dev = ps_vstage_device(a->stage, s->n_stages, s->chunks, s->traversal);
            int to_dev = ps_vstage_device(to, s->n_stages, s->chunks, s->traversal);
            int c = -1;
            for (int k = 0; k < nc && c < 0; k++) {
                const struct ps_channel *ch = &s->channels[k];
                bool inter = ch->from_stage < 0;
                if (inter ? ch->from_dc == ps_scenario_dc_of(s->sc, from_dev) &&
                                ch->to_dc == ps_scenario_dc_of(s->sc, to_dev) &&
                                ch->from_dc != ch->to_dc
                          : ch->from_stage == from_dev && ch->to_stage == to_dev)
                    c = k;
            }
            if (c < 0)
                continue;
            if (pass == 0) {
                feeder[c] = feeder[c] == -1 || feeder[c] == f->rank_of[i] ? f->rank_of[i] : -2;
                continue;
            }
            if (feeder[c] < 0)
                continue;
            size_t key =
                ps_xfer_key(s, fwd ? PS_XFER_ACTIVATION : PS_XFER_GRADIENT, a->stage, a->mb);
            if (key < ps_schedule_xfer_keys(s))
                s->xfer_rank[key] = pos;
        }
    }
    for (int c = 0; c < nc; c++)
        info->ordered_channels += feeder[c] >= 0;
    info->fcfs_channels = nc - info->ordered_channels;
    free(feeder);
    return PS_OK;
}

enum ps_status ps_import_torch_csv(const char *text, size_t len, const struct ps_scenario *sc,
                                   const char *name, struct ps_schedule **out,
                                   struct ps_torch_info *info, struct ps_diag *d)
{
    *out = NULL;
    memset(info, 0, sizeof *info);
    ps_diag_clear(d);
    struct tfile f;
    memset(&f, 0, sizeof f);
    f.d = d;
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    if (csv_parse(&p, text, len, on_field, on_row, &f) != len && f.st == PS_OK)
        f.st = ps_diag_set(d, PS_EPARSE, "", "%s", csv_strerror(csv_error(&p)));
    csv_fini(&p, on_field, on_row, &f);
    csv_free(&p);
    enum ps_status st = f.st;
    int V = 1;
    enum ps_traversal tr = PS_TRAVERSAL_LOOP;
    if (st == PS_OK && f.n_rows != sc->n_stages)
        st = ps_diag_set(d, PS_EINVAL, "", "%d rows (ranks), but the scenario has %d stages",
                         f.n_rows, sc->n_stages);
    if (st == PS_OK)
        st = shape(&f, sc->n_stages, &V, &tr, d);
    bool split = false;
    for (size_t i = 0; i < f.n; i++)
        split |= f.a[i].t == T_I || f.a[i].t == T_W;
    struct ps_schedule *s = NULL;
    if (st == PS_OK && !(s = ps_schedule_new(sc, name, V, tr, split)))
        st = ps_diag_set(d, PS_ENOMEM, "", NULL);
    info->lowered = f.lowered;
    info->n_ranks = f.n_rows;
    info->chunks = V;
    info->traversal = tr;
    info->split = split;
    if (st == PS_OK)
        st = orders(&f, s, d, info);
    if (st == PS_OK && f.lowered)
        st = channel_order(&f, s, info);
    for (size_t i = 0; i < f.n; i++)
        info->skipped += f.a[i].t == T_SKIP;
    free(f.a);
    free(f.rank_of);
    if (st != PS_OK) {
        ps_schedule_free(s);
        return st;
    }
    *out = s;
    return PS_OK;
}

bool ps_torch_csv_looks_like(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == '\r' || text[i] == '\n' || text[i] == ',' || text[i] == ' '))
        i++;
    if (i < len && text[i] == '(')
        return true;
    size_t j = i;
    while (j < len && isdigit((unsigned char)text[j]))
        j++;
    if (j == i || j == len)
        return false;
    size_t e = j;
    while (e < len && text[e] != ',' && text[e] != '\r' && text[e] != '\n')
        e++;
    struct tact a;
    return parse_one(text + i, e - i, &a);
}
