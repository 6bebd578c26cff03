/* Drawing helpers the panes share: the overlay box of help and pickers, and the peak
 * memory of a schedule that the header and the table both show. */
#include "tui/explorer/pane.h"

void tui_overlay_box(struct tui_canvas *c, int w, int h, const char *title, struct tui_rect *out)
{
    if (w > c->cols - 2)
        w = c->cols - 2;
    if (h > c->rows - 2)
        h = c->rows - 2;
    int x = (c->cols - w) / 2, y = (c->rows - h) / 2;
    tui_canvas_fill(c, x, y, w, h, TUI_S_NORMAL);
    tui_canvas_box(c, x, y, w, h, TUI_S_BORDER_FOCUS, title, TUI_S_TITLE_FOCUS);
    *out = (struct tui_rect){x, y, w, h};
}

double tui_peak_memory(const struct ps_schedule *s)
{
    double p = 0;
    for (int i = 0; s->peak_memory && i < s->n_stages; i++)
        if (s->peak_memory[i] > p)
            p = s->peak_memory[i];
    return p;
}
