/* Output formats by name and by file name: the one rule that the command line's -o and the
 * explorer's export prompt both follow (docs/formats.md, "Which format a file name
 * gives"). */
#include "export/export.h"

#include <string.h>
#include <strings.h>

static const struct ps_format_def formats[] = {
    {PS_FMT_TEXT, "text", ".txt", false},   {PS_FMT_TABLE, "table", ".txt", false},
    {PS_FMT_JSON, "json", ".json", false},  {PS_FMT_CSV, "csv", ".csv", false},
    {PS_FMT_SVG, "svg", ".svg", false},     {PS_FMT_PDF, "pdf", ".pdf", true},
    {PS_FMT_PNG, "png", ".png", true},      {PS_FMT_TRACE, "trace", ".trace.json", false},
    {PS_FMT_LATEX, "latex", ".tex", false}, {PS_FMT_MARKDOWN, "markdown", ".md", false},
    {PS_FMT_TORCH, "torch", ".csv", false},
};

const struct ps_format_def *ps_format_def(enum ps_format f)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == f)
            return &formats[i];
    return NULL;
}

enum ps_format ps_format_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0)
            return formats[i].format;
    /* The short names of the endings are the formats too. */
    if (name && strcmp(name, "tex") == 0)
        return PS_FMT_LATEX;
    if (name && strcmp(name, "md") == 0)
        return PS_FMT_MARKDOWN;
    return PS_FMT_NONE;
}

const char *ps_format_name(enum ps_format f)
{
    const struct ps_format_def *d = ps_format_def(f);
    return d ? d->name : "none";
}

/* The extensions a name is matched against, longest first (.trace.json before .json). */
static const struct {
    const char *ext;
    enum ps_format format;
} by_name[] = {
    {".trace.json", PS_FMT_TRACE}, {".json", PS_FMT_JSON},   {".csv", PS_FMT_CSV},
    {".svg", PS_FMT_SVG},          {".pdf", PS_FMT_PDF},     {".png", PS_FMT_PNG},
    {".tex", PS_FMT_LATEX},        {".md", PS_FMT_MARKDOWN}, {".txt", PS_FMT_TEXT},
};

enum ps_format ps_format_of_path(const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0)
        return PS_FMT_NONE;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++) {
        size_t k = strlen(by_name[i].ext);
        if (n > k && strcasecmp(base + n - k, by_name[i].ext) == 0)
            return by_name[i].format;
    }
    /* A dot after the first character starts an extension we do not know (".bashrc" is a
     * name, not an extension). */
    const char *dot = strrchr(base, '.');
    return dot && dot > base && dot[1] ? PS_FMT_UNKNOWN : PS_FMT_NONE;
}

void ps_format_extensions(char *buf, size_t size)
{
    size_t n = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++) {
        size_t k = strlen(by_name[i].ext) + (i ? 2 : 0);
        if (n + k + 1 > size)
            break;
        memcpy(buf + n, i ? ", " : "", i ? 2 : 0);
        memcpy(buf + n + (i ? 2 : 0), by_name[i].ext, strlen(by_name[i].ext) + 1);
        n += k;
    }
}
