/* JSON helpers shared by every file format: strict parsing of text into a cJSON tree with
 * line and column on errors, exact locale-independent numbers, the pretty writer, and type
 * names for messages. */
#include "core/io/json.h"
#include "core/io/json_scan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ps_json_type_name(const cJSON *v)
{
    if (v == NULL)
        return "nothing";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "invalid";
}

char *ps_json_number(double x, char *buf)
{
    if (!isfinite(x)) {
        snprintf(buf, 32, "null");
        return buf;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, 32, "%.0f", x == 0.0 ? 0.0 : x);
    } else {
        snprintf(buf, 32, "%.15g", x);
        if (strtod(buf, NULL) != x)
            snprintf(buf, 32, "%.17g", x);
    }
    /* Only LC_CTYPE is ever set, but never let a locale put a comma in a file. */
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
}

/* Line and column (1-based) of byte `off` of text. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Describes the text at a syntax error: a short printable excerpt. */
static void near_text(const char *text, size_t len, size_t off, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = off; i < len && n + 1 < size && n < 16; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || ch == '\r')
            break;
        out[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    out[n] = '\0';
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

enum ps_status ps_json_parse_text(const char *text, size_t len, cJSON **out, struct ps_diag *d)
{
    *out = NULL;
    size_t start = 0;
    while (start < len && blank(text[start]))
        start++;
    if (start == len) {
        if (d != NULL) {
            ps_diag_set(d, PS_EPARSE, "", "empty input (expected a JSON object)");
            line_col(text, len, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    /* The strict grammar first: cJSON takes 007, 1. and +1, cuts strings at \u0000, and
     * says nothing useful about nesting that is too deep. */
    enum ps_status st = ps_json_check(text, len, d);
    if (st != PS_OK)
        return st;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t off;
    if (root == NULL) {
        off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        char near[24];
        near_text(text, len, off, near, sizeof near);
        if (d != NULL) {
            if (near[0] != '\0')
                ps_diag_set(d, PS_EPARSE, "", "invalid JSON near '%s'", near);
            else
                ps_diag_set(d, PS_EPARSE, "", "invalid JSON (unexpected end of input)");
            line_col(text, off, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    off = (size_t)(end - text);
    while (off < len && (blank(text[off]) || text[off] == '\0'))
        off++;
    if (off < len) {
        cJSON_Delete(root);
        if (d != NULL) {
            ps_diag_set(d, PS_EPARSE, "", "unexpected text after the JSON value");
            line_col(text, off, &d->line, &d->column);
        }
        return PS_EPARSE;
    }
    *out = root;
    return PS_OK;
}

/* A small string builder for the pretty printer. */
struct sb {
    char *s;
    size_t len, cap;
    bool failed;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_quoted(struct sb *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"':
            sb_add(b, "\\\"", 2);
            break;
        case '\\':
            sb_add(b, "\\\\", 2);
            break;
        case '\n':
            sb_add(b, "\\n", 2);
            break;
        case '\t':
            sb_add(b, "\\t", 2);
            break;
        case '\r':
            sb_add(b, "\\r", 2);
            break;
        default:
            /* DEL and the C1 controls too: a file shown with cat must not drive the
             * terminal */
            if (*p < 0x20 || *p == 0x7F) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                sb_add(b, esc, 6);
            } else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
                snprintf(esc, sizeof esc, "\\u%04x", p[1]);
                sb_add(b, esc, 6);
                p++;
            } else {
                sb_add(b, (const char *)p, 1);
            }
        }
    }
    sb_add(b, "\"", 1);
}

static void emit(struct sb *b, const cJSON *v, int indent);

static bool is_container(const cJSON *v)
{
    return cJSON_IsArray(v) || cJSON_IsObject(v);
}

static void emit_scalar(struct sb *b, const cJSON *v)
{
    char num[32];
    if (cJSON_IsString(v))
        sb_quoted(b, v->valuestring);
    else if (cJSON_IsNumber(v))
        sb_str(b, ps_json_number(v->valuedouble, num));
    else if (cJSON_IsTrue(v))
        sb_str(b, "true");
    else if (cJSON_IsFalse(v))
        sb_str(b, "false");
    else
        sb_str(b, "null");
}

/* Containers of scalars print on one line ({ "name": "east", "stages": 4 }) when short. */
static bool emit_inline(struct sb *b, const cJSON *v, size_t budget)
{
    for (const cJSON *c = v->child; c != NULL; c = c->next)
        if (is_container(c))
            return false;
    size_t start = b->len;
    bool obj = cJSON_IsObject(v);
    if (v->child == NULL) {
        sb_str(b, obj ? "{}" : "[]");
        return true;
    }
    sb_str(b, obj ? "{ " : "[");
    for (const cJSON *c = v->child; c != NULL; c = c->next) {
        if (obj) {
            sb_quoted(b, c->string);
            sb_str(b, ": ");
        }
        emit_scalar(b, c);
        if (c->next != NULL)
            sb_str(b, ", ");
    }
    sb_str(b, obj ? " }" : "]");
    if (b->failed || b->len - start > budget) {
        if (!b->failed) {
            b->len = start;
            b->s[start] = '\0';
        }
        return false;
    }
    return true;
}

static void emit_indent(struct sb *b, int indent)
{
    static const char spaces[] = "                                ";
    while (indent > 0) {
        int n = indent < 32 ? indent : 32;
        sb_add(b, spaces, (size_t)n);
        indent -= n;
    }
}

static void emit(struct sb *b, const cJSON *v, int indent)
{
    if (!is_container(v)) {
        emit_scalar(b, v);
        return;
    }
    size_t budget = indent < 60 ? (size_t)(96 - indent) : 36;
    if (emit_inline(b, v, budget))
        return;
    bool obj = cJSON_IsObject(v);
    sb_str(b, obj ? "{\n" : "[\n");
    for (const cJSON *c = v->child; c != NULL; c = c->next) {
        emit_indent(b, indent + 2);
        if (obj) {
            sb_quoted(b, c->string);
            sb_str(b, ": ");
        }
        emit(b, c, indent + 2);
        sb_str(b, c->next != NULL ? ",\n" : "\n");
    }
    emit_indent(b, indent);
    sb_str(b, obj ? "}" : "]");
}

char *ps_json_pretty(const cJSON *v)
{
    struct sb b = {0};
    emit(&b, v, 0);
    sb_str(&b, "\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
