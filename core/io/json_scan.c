/* The strict JSON scanner (RFC 8259 grammar, nesting limited): the check every JSON text
 * passes before cJSON reads it, and the streaming reader behind schedule import that fills
 * flat records for the big arrays, so that reading a 200k-op schedule takes a fraction of
 * what a cJSON tree would (time and memory). */
#include "core/io/json_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io/json.h"

struct scan {
    const char *text, *p, *end;
    int depth;
    bool failed;
    const char *why; /* static reason for the first failure */
    const char *at;  /* where it happened */
};

const char *js_type_name(int type)
{
    static const char *const names[] = {"nothing", "null",  "boolean", "number",
                                        "string",  "array", "object"};
    return type >= 0 && type <= JS_OBJECT ? names[type] : "invalid";
}

void js_records_fini(struct js_records *a)
{
    free(a->r);
    a->r = NULL;
    a->n = a->cap = 0;
}

static bool fail(struct scan *s, const char *why)
{
    if (!s->failed) {
        s->failed = true;
        s->why = why;
        s->at = s->p;
    }
    return false;
}

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static bool expect(struct scan *s, char ch)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != ch)
        return fail(s, NULL);
    s->p++;
    return true;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* Appends a byte to out (cap bytes with the NUL), counting the full length. */
static void put_byte(char *out, size_t cap, size_t *n, char ch)
{
    if (*n + 1 < cap)
        out[*n] = ch;
    (*n)++;
}

/* A string at s->p (the opening quote), decoded into out (truncated to cap-1 bytes and
 * NUL-terminated when cap > 0); *full gets the decoded length. */
static bool scan_string(struct scan *s, char *out, size_t cap, size_t *full)
{
    size_t n = 0;
    if (s->p >= s->end || *s->p != '"')
        return fail(s, NULL);
    s->p++;
    for (;;) {
        if (s->p >= s->end)
            return fail(s, "unterminated string");
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            break;
        }
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c != '\\') {
            put_byte(out, cap, &n, (char)c);
            s->p++;
            continue;
        }
        if (s->end - s->p < 2)
            return fail(s, "unterminated string");
        char e = s->p[1];
        s->p += 2;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            put_byte(out, cap, &n, e);
            break;
        case 'b':
            put_byte(out, cap, &n, '\b');
            break;
        case 'f':
            put_byte(out, cap, &n, '\f');
            break;
        case 'n':
            put_byte(out, cap, &n, '\n');
            break;
        case 'r':
            put_byte(out, cap, &n, '\r');
            break;
        case 't':
            put_byte(out, cap, &n, '\t');
            break;
        case 'u': {
            if (s->end - s->p < 4 || hex4(s->p) < 0)
                return fail(s, "bad \\u escape");
            long cp = hex4(s->p);
            if (cp == 0) /* C strings would end there: a name cut short without a word */
                return fail(s, "a string holds a NUL character (\\u0000)");
            s->p += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(s, "bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' || hex4(s->p + 2) < 0)
                    return fail(s, "bad \\u escape");
                long lo = hex4(s->p + 2);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(s, "bad \\u escape");
                s->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp < 0x80) {
                put_byte(out, cap, &n, (char)cp);
            } else if (cp < 0x800) {
                put_byte(out, cap, &n, (char)(0xC0 | (cp >> 6)));
                put_byte(out, cap, &n, (char)(0x80 | (cp & 0x3F)));
            } else if (cp < 0x10000) {
                put_byte(out, cap, &n, (char)(0xE0 | (cp >> 12)));
                put_byte(out, cap, &n, (char)(0x80 | ((cp >> 6) & 0x3F)));
                put_byte(out, cap, &n, (char)(0x80 | (cp & 0x3F)));
            } else {
                put_byte(out, cap, &n, (char)(0xF0 | (cp >> 18)));
                put_byte(out, cap, &n, (char)(0x80 | ((cp >> 12) & 0x3F)));
                put_byte(out, cap, &n, (char)(0x80 | ((cp >> 6) & 0x3F)));
                put_byte(out, cap, &n, (char)(0x80 | (cp & 0x3F)));
            }
            break;
        }
        default:
            s->p -= 2;
            return fail(s, "bad escape");
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    if (full != NULL)
        *full = n;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A number per the JSON grammar, converted with strtod ('.' in the C locale: the program
 * never sets LC_NUMERIC). */
static bool scan_number(struct scan *s, double *out)
{
    const char *q = s->p;
    if (q < s->end && *q == '-')
        q++;
    if (q >= s->end || !is_digit(*q))
        return fail(s, NULL);
    if (*q == '0') {
        q++;
        if (q < s->end && is_digit(*q)) {
            s->p = q - 1;
            return fail(s, "a number with a leading zero");
        }
    } else
        while (q < s->end && is_digit(*q))
            q++;
    if (q < s->end && *q == '.') {
        q++;
        if (q >= s->end || !is_digit(*q))
            return fail(s, NULL);
        while (q < s->end && is_digit(*q))
            q++;
    }
    if (q < s->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < s->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= s->end || !is_digit(*q))
            return fail(s, NULL);
        while (q < s->end && is_digit(*q))
            q++;
    }
    size_t len = (size_t)(q - s->p);
    /* Fast path (Clinger): at most 15 digits and no exponent; the digits as an integer and
     * a power of ten are exact doubles, so one division is correctly rounded, the same
     * double strtod gives. Most numbers in a schedule file take it. */
    if (len <= 17) {
        const char *c = s->p;
        bool neg = *c == '-', exact = true;
        if (neg)
            c++;
        int64_t m = 0;
        int digits = 0, frac = -1;
        for (; c < q; c++) {
            if (*c == '.') {
                frac = 0;
                continue;
            }
            if (!is_digit(*c)) {
                exact = false;
                break;
            }
            m = m * 10 + (*c - '0');
            digits++;
            if (frac >= 0)
                frac++;
        }
        if (exact && digits <= 15) {
            static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
            double x = (double)m;
            if (frac > 0)
                x /= pow10[frac];
            *out = neg ? -x : x;
            s->p = q;
            return true;
        }
    }
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (buf == NULL)
        return fail(s, "out of memory");
    memcpy(buf, s->p, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    s->p = q;
    return true;
}

static bool literal(struct scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, NULL);
    s->p += n;
    return true;
}

static bool skip_value(struct scan *s);

static bool skip_container(struct scan *s, char open, char close)
{
    if (++s->depth > PS_JSON_MAX_DEPTH)
        return fail(s, "nested too deep (more than 512 levels of arrays and objects)");
    s->p++; /* the open bracket */
    (void)open;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (close == '}') {
            if (!scan_string(s, NULL, 0, NULL) || !expect(s, ':'))
                return false;
        }
        if (!skip_value(s))
            return false;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            s->depth--;
            return true;
        }
        return fail(s, NULL);
    }
}

/* The type of the value at s->p, without moving. */
static int peek_type(const struct scan *s)
{
    if (s->p >= s->end)
        return JS_MISSING;
    switch (*s->p) {
    case '{':
        return JS_OBJECT;
    case '[':
        return JS_ARRAY;
    case '"':
        return JS_STRING;
    case 't':
    case 'f':
        return JS_BOOL;
    case 'n':
        return JS_NULL;
    default:
        return JS_NUMBER;
    }
}

static bool skip_value(struct scan *s)
{
    double x;
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, NULL);
    switch (*s->p) {
    case '{':
        return skip_container(s, '{', '}');
    case '[':
        return skip_container(s, '[', ']');
    case '"':
        return scan_string(s, NULL, 0, NULL);
    case 't':
        return literal(s, "true");
    case 'f':
        return literal(s, "false");
    case 'n':
        return literal(s, "null");
    default:
        return scan_number(s, &x);
    }
}

static int field_index(const char *const *fields, const char *key)
{
    for (int i = 0; i < JS_MAX_FIELDS && fields[i] != NULL; i++)
        if (fields[i][0] == key[0] && strcmp(fields[i], key) == 0)
            return i;
    return -1;
}

/* One element of a scanned array. */
static bool scan_record(struct scan *s, const char *const *fields, struct js_record *r)
{
    memset(r, 0, sizeof *r);
    skip_ws(s);
    r->elem_type = (uint8_t)peek_type(s);
    if (r->elem_type != JS_OBJECT)
        return skip_value(s);
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return true;
    }
    for (;;) {
        char key[32];
        size_t klen;
        skip_ws(s);
        if (!scan_string(s, key, sizeof key, &klen) || !expect(s, ':'))
            return false;
        skip_ws(s);
        int f = klen < sizeof key ? field_index(fields, key) : -1;
        if (f < 0 || r->type[f] != JS_MISSING) {
            if (!skip_value(s))
                return false;
        } else {
            int t = peek_type(s);
            r->type[f] = (uint8_t)t;
            if (t == JS_NUMBER) {
                if (!scan_number(s, &r->num[f]))
                    return false;
            } else if (t == JS_STRING && f == 0) {
                size_t full;
                if (!scan_string(s, r->str, sizeof r->str, &full))
                    return false;
                r->str_long = full >= sizeof r->str;
            } else if (!skip_value(s)) {
                return false;
            }
        }
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return true;
        }
        return fail(s, NULL);
    }
}

static bool scan_records(struct scan *s, const struct js_array_spec *spec)
{
    struct js_records *a = spec->out;
    skip_ws(s);
    a->type = peek_type(s);
    if (a->type != JS_ARRAY)
        return skip_value(s);
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return true;
    }
    for (;;) {
        if (a->n == a->cap) {
            size_t cap = a->cap ? 2 * a->cap : 1024;
            struct js_record *nr = realloc(a->r, cap * sizeof *nr);
            if (nr == NULL)
                return fail(s, "out of memory");
            a->r = nr;
            a->cap = cap;
        }
        if (!scan_record(s, spec->fields, &a->r[a->n]))
            return false;
        a->n++;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return true;
        }
        return fail(s, NULL);
    }
}

static enum ps_status report(const struct scan *s, struct ps_diag *d)
{
    if (d == NULL)
        return PS_EPARSE;
    const char *at = s->at != NULL ? s->at : s->p;
    if (at >= s->end && s->end > s->text)
        at = s->end - 1; /* like cJSON: the last byte at the end of the input */
    char near[24];
    size_t n = 0;
    for (const char *q = at; q < s->end && n < 16 && *q != '\n' && *q != '\r'; q++)
        near[n++] = (*q >= 0x20 && *q < 0x7f) ? *q : '?';
    near[n] = '\0';
    if (s->why != NULL)
        ps_diag_set(d, PS_EPARSE, "", "invalid JSON: %s", s->why);
    else if (n > 0 && at + 1 < s->end)
        ps_diag_set(d, PS_EPARSE, "", "invalid JSON near '%s'", near);
    else
        ps_diag_set(d, PS_EPARSE, "", "invalid JSON (unexpected end of input)");
    int line = 1, col = 1;
    for (const char *q = s->text; q < at; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    d->line = line;
    d->column = col;
    return PS_EPARSE;
}

enum ps_status ps_json_check(const char *text, size_t len, struct ps_diag *d)
{
    struct scan s = {text, text, text + len, 0, false, NULL, NULL};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3; /* a UTF-8 byte order mark, as cJSON allows */
    bool ok = skip_value(&s);
    if (ok) {
        while (s.p < s.end &&
               (*s.p == ' ' || *s.p == '\t' || *s.p == '\n' || *s.p == '\r' || *s.p == '\0'))
            s.p++;
        if (s.p < s.end)
            ok = fail(&s, "unexpected text after the JSON value");
    }
    if (ok)
        return PS_OK;
    if (s.why != NULL && strcmp(s.why, "out of memory") == 0)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    return report(&s, d);
}

enum ps_status js_scan_top(const char *text, size_t len, const struct js_array_spec *specs,
                           int n_specs, cJSON **rest, struct ps_diag *d)
{
    struct scan s = {text, text, text + len, 0, false, NULL, NULL};
    *rest = NULL;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3; /* a UTF-8 byte order mark, as cJSON allows */
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return ps_json_parse_text(text, len, rest, d); /* not an object: cJSON reports it */

    cJSON *obj = cJSON_CreateObject();
    if (obj == NULL)
        return ps_diag_set(d, PS_ENOMEM, "", NULL);
    s.p++;
    skip_ws(&s);
    bool ok = true;
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            char key[256];
            size_t klen;
            skip_ws(&s);
            if (!(ok = scan_string(&s, key, sizeof key, &klen) && expect(&s, ':')))
                break;
            skip_ws(&s);
            int which = -1;
            for (int i = 0; klen < sizeof key && i < n_specs; i++)
                if (strcmp(specs[i].key, key) == 0)
                    which = i;
            if (which >= 0 && specs[which].out->type == JS_MISSING) {
                ok = scan_records(&s, &specs[which]);
            } else if (which < 0 && klen < sizeof key &&
                       cJSON_GetObjectItemCaseSensitive(obj, key) == NULL) {
                const char *start = s.p;
                if (!(ok = skip_value(&s)))
                    break;
                cJSON *v = cJSON_ParseWithLength(start, (size_t)(s.p - start));
                if (v == NULL) {
                    /* valid JSON that cJSON refuses (it is laxer, never stricter, except for
                     * nesting): report it where the value starts */
                    s.p = start;
                    ok = fail(&s, "value not readable");
                    break;
                }
                cJSON_AddItemToObject(obj, key, v);
            } else {
                ok = skip_value(&s);
            }
            if (!ok)
                break;
            skip_ws(&s);
            if (s.p < s.end && *s.p == ',') {
                s.p++;
                continue;
            }
            if (s.p < s.end && *s.p == '}') {
                s.p++;
                break;
            }
            ok = fail(&s, NULL);
            break;
        }
    }
    if (ok) {
        while (s.p < s.end &&
               (*s.p == ' ' || *s.p == '\t' || *s.p == '\n' || *s.p == '\r' || *s.p == '\0'))
            s.p++;
        if (s.p < s.end)
            ok = fail(&s, "unexpected text after the JSON value");
    }
    if (!ok) {
        cJSON_Delete(obj);
        for (int i = 0; i < n_specs; i++)
            js_records_fini(specs[i].out);
        if (s.why != NULL && strcmp(s.why, "out of memory") == 0)
            return ps_diag_set(d, PS_ENOMEM, "", NULL);
        return report(&s, d);
    }
    *rest = obj;
    return PS_OK;
}
