/* The strict JSON scanner of core/io (RFC 8259 grammar: no leading zeros, no '+', no bare
 * '.5'; strings without control characters or NUL; nesting limited). Every JSON text
 * pipescope reads goes through it before cJSON (which is laxer): ps_json_check for whole
 * texts, and js_scan_top, the streaming reader for the large arrays of a schedule file
 * ("ops" and "transfers" read straight into compact records, no tree, no per-value
 * allocation; the other members go through cJSON). For the codecs (io, export). */
#ifndef PS_CORE_IO_JSON_SCAN_H
#define PS_CORE_IO_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/status.h"

/* Nesting deeper than this is refused ("nested too deep"): pipescope's files nest at most
 * six levels, and the limit keeps every reader's recursion shallow. */
#define PS_JSON_MAX_DEPTH 512

/* Checks that text (len bytes) is one strict JSON value followed only by blanks.
 * PS_EPARSE with the reason, line and column (1-based, in bytes) in d; PS_ENOMEM. */
enum ps_status ps_json_check(const char *text, size_t len, struct ps_diag *d);

enum js_type { JS_MISSING = 0, JS_NULL, JS_BOOL, JS_NUMBER, JS_STRING, JS_ARRAY, JS_OBJECT };

/* "null", "boolean", "number", ... for messages ("nothing" for JS_MISSING). */
const char *js_type_name(int type);

#define JS_MAX_FIELDS 8
#define JS_STR_MAX 16

/* One element of a scanned array: a flat object's known fields. */
struct js_record {
    double num[JS_MAX_FIELDS]; /* the value when type is JS_NUMBER (may be inf: 1e999) */
    uint8_t type[JS_MAX_FIELDS];
    uint8_t elem_type;    /* JS_OBJECT, or what the element was instead */
    bool str_long;        /* field 0's string did not fit in str */
    char str[JS_STR_MAX]; /* field 0's value when it is a string */
};

struct js_records {
    int type; /* JS_MISSING when the member is absent, JS_ARRAY, or what it was instead */
    size_t n, cap;
    struct js_record *r; /* malloc'd; free with js_records_fini */
};

void js_records_fini(struct js_records *a);

/* What to scan: the member `key` of the top-level object, an array of objects whose
 * fields[0..] (at most JS_MAX_FIELDS, NULL-terminated) are kept. The first occurrence of a
 * key counts, like cJSON's lookups. */
struct js_array_spec {
    const char *key;
    const char *const *fields;
    struct js_records *out;
};

/* Reads the JSON text (len bytes). When it is an object, the members named by specs are
 * scanned into their records and every other member is parsed into the object *rest (the
 * caller frees it with cJSON_Delete). When it is any other JSON value, *rest is that value
 * (the caller reports it). Broken JSON: PS_EPARSE with line and column in d. */
enum ps_status js_scan_top(const char *text, size_t len, const struct js_array_spec *specs,
                           int n_specs, cJSON **rest, struct ps_diag *d);

#endif
