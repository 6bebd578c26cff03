/* Workload files: lengths files (one length per line, or CSV) and JSON workload files
 * ("format": "pipescope-workload/1"), for --workload FILE and a workload's `file`. */
#include "core/io/io.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/io/json.h"
#include "core/io/strict.h"

/* Field `col` of a line (fields end at a comma, semicolon or tab), trimmed and unquoted;
 * *len 0 when the line has fewer fields. */
static void field_at(const char *line, size_t n, int col, const char **start, size_t *len)
{
    size_t i = 0;
    for (int c = 0; c < col; c++) {
        while (i < n && line[i] != ',' && line[i] != ';' && line[i] != '\t')
            i++;
        if (i == n) {
            *start = line + n;
            *len = 0;
            return;
        }
        i++;
    }
    while (i < n && isspace((unsigned char)line[i]))
        i++;
    size_t j = i;
    while (j < n && line[j] != ',' && line[j] != ';' && line[j] != '\t')
        j++;
    size_t k = j;
    while (k > i && isspace((unsigned char)line[k - 1]))
        k--;
    *start = line + i;
    *len = k - i;
    if (*len >= 2 && **start == '"' && (*start)[*len - 1] == '"') {
        (*start)++;
        *len -= 2;
    }
}

/* In a header row, the column named like a length (length, tokens, seq_len, ...); 0 when
 * none is. */
static int length_column(const char *line, size_t n)
{
    static const char *const names[] = {"length",  "lengths",         "len",
                                        "tokens",  "num_tokens",      "n_tokens",
                                        "seq_len", "sequence_length", "token_count"};
    for (int col = 0; col < 64; col++) {
        const char *f;
        size_t fl;
        field_at(line, n, col, &f, &fl);
        if (fl == 0 && f == line + n)
            break;
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k]) == fl && strncasecmp(f, names[k], fl) == 0)
                return col;
    }
    return 0;
}

/* A whole number of tokens; "1024" and "1024.0" are, "12.5", "x" and "" are not. */
static bool parse_whole(const char *p, size_t n, long long *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    /* the range first: converting 2e49 to long long is undefined (found by fuzz_workload) */
    if (end == buf || *end != '\0' || errno != 0 || !(x >= -9e18 && x <= 9e18) ||
        x != (double)(long long)x)
        return false;
    *out = (long long)x;
    return true;
}

enum ps_status ps_lengths_parse(const char *text, size_t len, int **lengths, int *n,
                                struct ps_diag *d)
{
    *lengths = NULL;
    *n = 0;
    int cap = 0, count = 0, line_no = 0;
    int *out = NULL;
    size_t i = 0;
    int col = 0; /* the column of the lengths */
    bool seen_row = false;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        size_t e = j;
        if (e > i && text[e - 1] == '\r')
            e--;
        line_no++;
        const char *f, *line = text + i;
        size_t fl, ll = e - i;
        field_at(line, ll, 0, &f, &fl);
        i = j + 1;
        if (fl == 0 || f[0] == '#')
            continue; /* blank lines, comments */
        if (col > 0)
            field_at(line, ll, col, &f, &fl);
        long long v;
        if (!parse_whole(f, fl, &v)) {
            if (!seen_row) {
                seen_row = true; /* a header row: it may name the length column */
                col = length_column(line, ll);
                continue;
            }
            char path[32];
            snprintf(path, sizeof path, "line %d", line_no);
            free(out);
            return ps_diag_set(d, PS_EINVAL, path, "not a whole number of tokens ('%.*s')",
                               (int)(fl < 40 ? fl : 40), f);
        }
        seen_row = true;
        if (v < INT_MIN || v > INT_MAX) {
            char path[32];
            snprintf(path, sizeof path, "line %d", line_no);
            free(out);
            return ps_diag_set(d, PS_EINVAL, path, "%lld tokens is out of range", v);
        }
        if (count == PS_MAX_MICROBATCHES) {
            free(out);
            return ps_diag_set(d, PS_EINVAL, "", "more than %d sequences", PS_MAX_MICROBATCHES);
        }
        if (count == cap) {
            cap = cap > 0 ? 2 * cap : 256;
            int *p = realloc(out, (size_t)cap * sizeof *p);
            if (p == NULL) {
                free(out);
                return ps_diag_set(d, PS_ENOMEM, "", NULL);
            }
            out = p;
        }
        out[count++] = (int)v;
    }
    if (count == 0) {
        free(out);
        return ps_diag_set(d, PS_EINVAL, "", "no sequence lengths in the file");
    }
    *lengths = out;
    *n = count;
    return PS_OK;
}

enum ps_status ps_lengths_load(const char *path, int **lengths, int *n, struct ps_diag *d)
{
    char *buf;
    size_t len;
    *lengths = NULL;
    *n = 0;
    enum ps_status st = ps_io_read_file(path, &buf, &len, d);
    if (st != PS_OK)
        return st;
    st = ps_lengths_parse(buf, len, lengths, n, d);
    free(buf);
    return st;
}

/* Does the text look like a JSON object (first non-blank byte '{')? */
static bool looks_json(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)text[i]))
            return text[i] == '{';
    return false;
}

enum ps_status ps_workload_load(const char *path, const struct ps_workload *base,
                                struct ps_workload **out, struct ps_diag *d)
{
    char *buf;
    size_t len;
    *out = NULL;
    ps_diag_clear(d);
    enum ps_status st = ps_io_read_file(path, &buf, &len, d);
    if (st != PS_OK)
        return st;
    if (!looks_json(buf, len)) {
        int *lengths = NULL, n = 0;
        st = ps_lengths_parse(buf, len, &lengths, &n, d);
        free(buf);
        if (st != PS_OK)
            return st;
        struct ps_workload *w = base != NULL ? ps_workload_dup(base) : ps_workload_new();
        if (w == NULL || ps_workload_set_lengths(w, lengths, n) != PS_OK) {
            ps_workload_free(w);
            free(lengths);
            return ps_diag_set(d, PS_ENOMEM, "", NULL);
        }
        free(lengths);
        w->source = PS_WL_FILE;
        snprintf(w->file, sizeof w->file, "%s", path);
        w->batch = n;
        w->planned.valid = false;
        *out = w;
        return PS_OK;
    }
    cJSON *root;
    st = ps_json_parse_text(buf, len, &root, d);
    free(buf);
    if (st != PS_OK)
        return st;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, PS_WORKLOAD_FORMAT) != 0) {
        cJSON_Delete(root);
        return ps_diag_set(d, PS_EINVAL, "format", "must be \"%s\" in a workload file",
                           PS_WORKLOAD_FORMAT);
    }
    char dir[PS_IO_PATH_MAX * 2];
    ps_io_dirname(path, dir, sizeof dir);
    st = ps_workload_from_cjson(root, "workload", dir, out, d);
    cJSON_Delete(root);
    return st;
}

char *ps_workload_to_json(const struct ps_workload *w)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || cJSON_AddStringToObject(root, "format", PS_WORKLOAD_FORMAT) == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON *body = ps_workload_to_cjson(w);
    if (body == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    /* move the members after "format" */
    while (body->child != NULL) {
        cJSON *item = cJSON_DetachItemViaPointer(body, body->child);
        cJSON_AddItemToObject(root, item->string, item);
    }
    cJSON_Delete(body);
    char *text = ps_json_pretty(root);
    cJSON_Delete(root);
    return text;
}
