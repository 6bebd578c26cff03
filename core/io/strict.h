/* Strict JSON reading for the codecs of core/io (internal to the io library): every
 * error names its field by path ("network.inter_dc.latency_ms: must be a number (got
 * string)"), unknown and duplicate keys are refused. */
#ifndef PS_CORE_IO_STRICT_H
#define PS_CORE_IO_STRICT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/status.h"

#define PS_IO_PATH_MAX 160

/* out = base.key (or key when base is ""), truncated to PS_IO_PATH_MAX bytes. */
void ps_io_path_key(char *out, const char *base, const char *key);
/* out = base.i */
void ps_io_path_index(char *out, const char *base, int i);

/* Rejects keys that are not in `known` (NULL-terminated), and duplicates. "comment" and
 * "_comment" are always allowed. */
enum ps_status ps_io_check_keys(const cJSON *obj, const char *path, const char *const *known,
                                struct ps_diag *d);
enum ps_status ps_io_want_object(const cJSON *v, const char *path, struct ps_diag *d);

/* A number member; absent: an error when required, else *out = def. null is not a number. */
enum ps_status ps_io_get_number(const cJSON *obj, const char *key, const char *base, bool required,
                                double def, double *out, struct ps_diag *d);
/* An integer value (a number without a fraction, within int). */
enum ps_status ps_io_as_int(const cJSON *v, const char *p, int *out, struct ps_diag *d);
/* A required integer member. */
enum ps_status ps_io_get_int(const cJSON *obj, const char *key, const char *base, int *out,
                             struct ps_diag *d);
/* A string member copied into out[size]; absent or null: "" unless required. */
enum ps_status ps_io_get_string(const cJSON *obj, const char *key, const char *base, bool required,
                                char *out, size_t size, struct ps_diag *d);

/* Reads a whole file ("-" = standard input) into a malloc'd buffer (not NUL-terminated;
 * one spare byte). PS_EIO with the reason, PS_ENOMEM. */
enum ps_status ps_io_read_file(const char *path, char **out, size_t *len, struct ps_diag *d);

/* The folder of a file name ("." when it has none, and for "-"). */
void ps_io_dirname(const char *path, char *out, size_t size);

#endif
