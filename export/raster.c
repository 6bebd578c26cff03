/* PDF and PNG of a figure, rendered in process from the SVG that export/svg.c draws
 * (librsvg reads it, cairo paints it), so that the three files are one drawing: no second
 * renderer to keep in step. The PDF is vector (text stays text) with its provenance in the
 * document information; the PNG carries it in iTXt chunks. */
#include "export/export.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/version.h"

/* PNG pixels per SVG px: 192 dpi, sharp on slides and high-density screens. */
#define PNG_SCALE 2.0
#define PNG_MAX_SIDE 16384.0
/* PDF points per SVG px: CSS's 96 px per inch. */
#define PT_PER_PX 0.75

struct sink {
    struct ps_buf *out;
    enum ps_status st;
};

static cairo_status_t write_to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->st == PS_OK)
        s->st = ps_buf_append(s->out, (const char *)data, len);
    return s->st == PS_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- PNG text chunks ---------------------------------------------------------------- */

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Appends one iTXt chunk (UTF-8 text, uncompressed, no language) to out. */
static enum ps_status itxt(struct ps_buf *out, const char *key, const char *text)
{
    size_t klen = strlen(key), tlen = strlen(text);
    size_t dlen = klen + 5 + tlen; /* key NUL flag method lang-NUL tkey-NUL text */
    if (dlen > 0x7FFFFFF0u)
        return PS_EINVAL;
    unsigned char head[8];
    put32(head, (uint32_t)dlen);
    memcpy(head + 4, "iTXt", 4);
    static const unsigned char mid[5] = {0, 0, 0, 0, 0};
    uint32_t crc = crc32_update(0, head + 4, 4);
    crc = crc32_update(crc, (const unsigned char *)key, klen);
    crc = crc32_update(crc, mid, 5);
    crc = crc32_update(crc, (const unsigned char *)text, tlen);
    unsigned char tail[4];
    put32(tail, crc);
    enum ps_status st = ps_buf_append(out, (const char *)head, 8);
    if (st == PS_OK)
        st = ps_buf_append(out, key, klen);
    if (st == PS_OK)
        st = ps_buf_append(out, (const char *)mid, 5);
    if (st == PS_OK)
        st = ps_buf_append(out, text, tlen);
    if (st == PS_OK)
        st = ps_buf_append(out, (const char *)tail, 4);
    return st;
}

/* Copies the PNG in png to out with the text chunks right after IHDR (the signature is 8
 * bytes, IHDR 25). */
static enum ps_status png_with_text(const struct ps_buf *png, const struct ps_render_info *info,
                                    struct ps_buf *out)
{
    if (png->len < 33 || memcmp(png->data + 12, "IHDR", 4) != 0)
        return PS_EINVAL;
    char software[64];
    snprintf(software, sizeof software, "pipescope %s", PS_VERSION);
    enum ps_status st = ps_buf_append(out, png->data, 33);
    if (st == PS_OK)
        st = itxt(out, "Software", software);
    if (st == PS_OK && info && info->title && *info->title)
        st = itxt(out, "Title", info->title);
    if (st == PS_OK && info && info->description && *info->description)
        st = itxt(out, "Description", info->description);
    if (st == PS_OK)
        st = ps_buf_append(out, png->data + 33, png->len - 33);
    return st;
}

/* ---- rendering ----------------------------------------------------------------------- */

static enum ps_status render_pdf(RsvgHandle *h, double w, double h_px,
                                 const struct ps_render_info *info, struct sink *sink)
{
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(write_to_buf, sink, w * PT_PER_PX, h_px * PT_PER_PX);
    char creator[64];
    snprintf(creator, sizeof creator, "pipescope %s", PS_VERSION);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, creator);
    if (info && info->title && *info->title)
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, info->title);
    if (info && info->description && *info->description)
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT, info->description);
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, PT_PER_PX, PT_PER_PX);
    RsvgRectangle vp = {0, 0, w, h_px};
    GError *err = NULL;
    gboolean ok = rsvg_handle_render_document(h, cr, &vp, &err);
    if (err)
        g_error_free(err);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_status_t cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (sink->st != PS_OK)
        return sink->st;
    return ok && cs == CAIRO_STATUS_SUCCESS ? PS_OK : PS_EINVAL;
}

static enum ps_status render_png(RsvgHandle *h, double w, double h_px,
                                 const struct ps_render_info *info, struct ps_buf *out)
{
    /* Cairo's images stop at 32767 pixels a side; a very deep pipeline gets fewer. */
    double scale = PNG_SCALE;
    if (w * scale > PNG_MAX_SIDE)
        scale = PNG_MAX_SIDE / w;
    if (h_px * scale > PNG_MAX_SIDE)
        scale = PNG_MAX_SIDE / h_px;
    int pw = (int)(w * scale + 0.5), ph = (int)(h_px * scale + 0.5);
    if (pw < 1)
        pw = 1;
    if (ph < 1)
        ph = 1;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return PS_ENOMEM;
    }
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    RsvgRectangle vp = {0, 0, w, h_px};
    GError *err = NULL;
    gboolean ok = rsvg_handle_render_document(h, cr, &vp, &err);
    if (err)
        g_error_free(err);
    cairo_destroy(cr);
    struct ps_buf png;
    ps_buf_init(&png);
    struct sink sink = {&png, PS_OK};
    cairo_status_t cs = ok ? cairo_surface_write_to_png_stream(surf, write_to_buf, &sink)
                           : CAIRO_STATUS_INVALID_STATUS;
    cairo_surface_destroy(surf);
    enum ps_status st = sink.st != PS_OK             ? sink.st
                        : cs != CAIRO_STATUS_SUCCESS ? PS_EINVAL
                                                     : png_with_text(&png, info, out);
    ps_buf_fini(&png);
    return st;
}

enum ps_status ps_export_render(const char *svg, size_t len, enum ps_format fmt,
                                const struct ps_render_info *info, struct ps_buf *out,
                                struct ps_diag *d)
{
    if (!svg || !out || (fmt != PS_FMT_PDF && fmt != PS_FMT_PNG))
        return ps_diag_set(d, PS_EINVAL, "", "only pdf and png are rendered");
    GError *err = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
    if (!h) {
        ps_diag_set(d, PS_EINVAL, "", "the figure cannot be rendered: %s",
                    err ? err->message : "librsvg refused it");
        if (err)
            g_error_free(err);
        return PS_EINVAL;
    }
    double w = 0, hh = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) || !(w > 0) || !(hh > 0) ||
        w > 100000 || hh > 100000) {
        g_object_unref(h);
        return ps_diag_set(d, PS_EINVAL, "", "the figure has no usable size");
    }
    enum ps_status st;
    if (fmt == PS_FMT_PDF) {
        struct sink sink = {out, PS_OK};
        st = render_pdf(h, w, hh, info, &sink);
    } else {
        st = render_png(h, w, hh, info, out);
    }
    g_object_unref(h);
    if (st == PS_EINVAL)
        ps_diag_set(d, st, "", "cairo could not render the figure as %s", ps_format_name(fmt));
    else if (st != PS_OK)
        ps_diag_set(d, st, "", "%s", ps_status_str(st));
    return st;
}
