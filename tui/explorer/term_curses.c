/* The curses backend: newterm, colours (256, 8 or none; NO_COLOR), mouse and keys, and
 * the restore-on-exit and fatal-signal handlers. Nothing else in pipescope calls curses. */
#include "tui/explorer/term.h"

#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "export/palette.h"

static void apply_palette(void);

struct tui_term {
    SCREEN *screen;
    bool color;
    bool c256;
    short n_pairs;
    struct {
        short fg, bg;
    } pairs[256];
};

/* The one open terminal, for the exit and signal handlers. */
static struct tui_term *active;
static volatile sig_atomic_t interrupted;
static bool handlers_installed;

static void restore_terminal(void)
{
    if (active && active->screen) {
        set_term(active->screen);
        endwin();
    }
}

static void on_quit_signal(int sig)
{
    interrupted = sig;
}

static void on_fatal_signal(int sig)
{
    /* Put the terminal back before dying, then die of the same signal. */
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

bool tui_term_interrupted(void)
{
    return interrupted != 0;
}

int tui_term_quit_signal(void)
{
    return (int)interrupted;
}

static void install_handlers(void)
{
    if (handlers_installed)
        return;
    handlers_installed = true;
    atexit(restore_terminal);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    /* Signals that ask the program to end: the loop ends and the terminal is put back as
     * on q (SIGPIPE too: a pipe closed early is a normal end). */
    static const int quit[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    /* Every other signal whose default is to end the program: the terminal is put back,
     * then the program dies of the signal as it would have (a core where one is due). */
    static const int fatal[] = {
        SIGQUIT,   SIGILL,  SIGTRAP, SIGABRT, SIGBUS,  SIGFPE,  SIGSEGV,   SIGSYS,
        SIGXCPU,   SIGXFSZ, SIGUSR1, SIGUSR2, SIGALRM, SIGPROF, SIGVTALRM, SIGPOLL,
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
#ifdef SIGPWR
        SIGPWR,
#endif
    };
    sa.sa_handler = on_quit_signal;
    for (size_t i = 0; i < sizeof quit / sizeof quit[0]; i++)
        sigaction(quit[i], &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = (int)SA_RESETHAND;
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        /* a signal the caller ignores stays ignored (nohup, a shell's background job) */
        struct sigaction old;
        if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(fatal[i], &sa, NULL);
    }
}

struct tui_term *tui_term_open(FILE *out, FILE *in, const char *term_type, bool mono, char *err,
                               size_t err_size)
{
    struct tui_term *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        if (err)
            snprintf(err, err_size, "out of memory");
        return NULL;
    }
    t->screen = newterm(term_type, out, in);
    if (t->screen == NULL) {
        if (err)
            snprintf(err, err_size, "cannot open the terminal (TERM=%s)",
                     term_type        ? term_type
                     : getenv("TERM") ? getenv("TERM")
                                      : "unset");
        free(t);
        return NULL;
    }
    set_term(t->screen);
    active = t;
    install_handlers();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    const char *nc = getenv("NO_COLOR");
    if (!mono && !(nc && *nc) && has_colors()) {
        start_color();
        use_default_colors();
        t->color = true;
        t->c256 = COLORS >= 256 && COLOR_PAIRS >= 64;
        apply_palette();
    }
    return t;
}

void tui_term_close(struct tui_term *t)
{
    if (t == NULL)
        return;
    set_term(t->screen);
    endwin();
    delscreen(t->screen);
    if (active == t)
        active = NULL;
    free(t);
}

void tui_term_size(const struct tui_term *t, int *cols, int *rows)
{
    (void)t;
    getmaxyx(stdscr, *rows, *cols);
}

bool tui_term_has_color(const struct tui_term *t)
{
    return t->color;
}

void tui_term_resize(struct tui_term *t, int cols, int rows)
{
    set_term(t->screen);
    resizeterm(rows, cols);
}

/* A colour pair for fg/bg, allocated on first use. */
static short pair_for(struct tui_term *t, short fg, short bg)
{
    for (short i = 0; i < t->n_pairs; i++)
        if (t->pairs[i].fg == fg && t->pairs[i].bg == bg)
            return (short)(i + 1);
    if (t->n_pairs >= 255 || t->n_pairs + 1 >= COLOR_PAIRS)
        return 0;
    t->pairs[t->n_pairs].fg = fg;
    t->pairs[t->n_pairs].bg = bg;
    t->n_pairs++;
    init_pair(t->n_pairs, fg, bg);
    return t->n_pairs;
}

struct look {
    short fg, bg;   /* 256-colour palette */
    short fg8, bg8; /* 8-colour palette */
    attr_t attr;    /* with colour */
    attr_t mono;    /* without colour */
    short alt_bg;   /* second shade (256 only), -2 = none */
    short alt_fg;   /* the ink on the second shade (0: fg) */
};

/* The looks of every style; the op and transmission styles' colours on a 256-colour
 * terminal come from the one palette (export/palette.h) when the terminal opens. */
static struct look looks[TUI_S_COUNT] = {
    [TUI_S_NORMAL] = {-1, -1, -1, -1, 0, 0, -2},
    [TUI_S_DIM] = {244, -1, COLOR_WHITE, -1, 0, A_DIM, -2},
    [TUI_S_BOLD] = {-1, -1, -1, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_HEADER] = {253, 24, COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE, -2},
    [TUI_S_HEADER_HI] = {229, 24, COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD, -2},
    [TUI_S_TITLE] = {117, -1, COLOR_CYAN, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_TITLE_FOCUS] = {214, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE, -2},
    [TUI_S_BORDER] = {240, -1, COLOR_BLUE, -1, 0, A_DIM, -2},
    [TUI_S_BORDER_FOCUS] = {75, -1, COLOR_CYAN, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_SEL] = {16, 117, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE, -2},
    [TUI_S_SEL_DIM] = {255, 238, COLOR_BLACK, COLOR_WHITE, 0, A_UNDERLINE, -2},
    [TUI_S_KEY] = {214, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_OK] = {78, -1, COLOR_GREEN, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_WARN] = {214, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD, -2},
    [TUI_S_ERR] = {203, -1, COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE, -2},
    [TUI_S_OP_F] = {231, 33, COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE, 26},
    [TUI_S_OP_B] = {16, 78, COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE, 35},
    [TUI_S_OP_W] = {16, 214, COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_DIM, 178},
    [TUI_S_OP_AG] = {16, 177, COLOR_BLACK, COLOR_MAGENTA, 0, A_REVERSE | A_DIM, 140},
    [TUI_S_OP_RS] = {16, 80, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE | A_DIM, 73},
    [TUI_S_XFER_ACT] = {16, 153, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE, 110},
    [TUI_S_XFER_GRAD] = {16, 157, COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE, 114},
    [TUI_S_CURSOR] = {16, 231, COLOR_BLACK, COLOR_WHITE, A_BOLD, A_BOLD | A_UNDERLINE, -2},
    [TUI_S_STATUS] = {252, 236, -1, -1, 0, 0, -2},
    [TUI_S_OP_R] = {231, 94, COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE | A_DIM, 58},
};

/* The op and transmission styles from the palette: the paint's xterm colour as the
 * background, its second shade for chunk > 0 (and odd microbatches), black or white ink by
 * contrast. R is F's colour; the timeline draws it with a light shade pattern. */
static void apply_palette(void)
{
    static const struct {
        enum tui_style st;
        enum ps_paint paint;
    } map[] = {
        {TUI_S_OP_F, PS_PAINT_F},
        {TUI_S_OP_B, PS_PAINT_B},
        {TUI_S_OP_W, PS_PAINT_W},
        {TUI_S_OP_R, PS_PAINT_R},
        {TUI_S_OP_AG, PS_PAINT_AG},
        {TUI_S_OP_RS, PS_PAINT_RS},
        {TUI_S_XFER_ACT, PS_PAINT_ACTIVATION},
        {TUI_S_XFER_GRAD, PS_PAINT_GRADIENT},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const struct ps_paint_def *p = ps_palette(map[i].paint);
        struct look *l = &looks[map[i].st];
        l->bg = p->xterm;
        l->alt_bg = p->xterm_alt;
        l->fg = ps_rgb_wants_dark_ink(ps_xterm_rgb(p->xterm)) ? 16 : 231;
        l->alt_fg = ps_rgb_wants_dark_ink(ps_xterm_rgb(p->xterm_alt)) ? 16 : 231;
    }
}

static void attr_of(struct tui_term *t, uint8_t style, uint8_t flags, attr_t *attr, short *pair)
{
    const struct look *l = &looks[style < TUI_S_COUNT ? style : 0];
    *pair = 0;
    if (!t->color) {
        *attr = l->mono;
        if (flags & TUI_F_HALF) /* no colour to draw a half block with: a gap */
            *attr = 0;
        if (flags & TUI_F_FADED)
            *attr = A_DIM;
        if (flags & TUI_F_CRIT)
            *attr |= A_BOLD;
        return;
    }
    *attr = l->attr;
    short fg, bg;
    if (t->c256) {
        fg = l->fg;
        bg = l->bg;
        if ((flags & TUI_F_ALT) && l->alt_bg != -2) {
            bg = l->alt_bg;
            if (l->alt_fg != 0)
                fg = l->alt_fg;
        }
        if (flags & TUI_F_FADED) {
            fg = 246;
            bg = 237;
        }
    } else {
        fg = l->fg8;
        bg = l->bg8;
        if (flags & TUI_F_FADED) {
            fg = COLOR_WHITE;
            bg = -1;
            *attr |= A_DIM;
        }
    }
    if (flags & TUI_F_CRIT)
        *attr |= A_BOLD | A_UNDERLINE;
    if (flags & TUI_F_HALF) {
        /* The lower half block in the bar's colour over the default background. */
        fg = bg;
        bg = -1;
        *attr &= ~(attr_t)A_UNDERLINE;
    }
    *pair = pair_for(t, fg, bg);
}

void tui_term_present(struct tui_term *t, const struct tui_canvas *c, bool unicode)
{
    set_term(t->screen);
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    for (int y = 0; y < c->rows && y < rows; y++) {
        for (int x = 0; x < c->cols && x < cols; x++) {
            const struct tui_cell *cell = &c->cells[(size_t)y * (size_t)c->cols + (size_t)x];
            uint32_t cp = cell->glyph != TUI_G_NONE
                              ? tui_glyph_cp((enum tui_glyph)cell->glyph, unicode)
                              : cell->ch;
            if (!unicode && cp >= 0x80)
                cp = '?';
            if ((cell->flags & TUI_F_HALF) && (!t->color || !unicode))
                cp = ' ';
            attr_t attr;
            short pair;
            attr_of(t, cell->style, cell->flags, &attr, &pair);
            wchar_t wc[2] = {(wchar_t)cp, 0};
            cchar_t cc;
            setcchar(&cc, wc, attr, pair, NULL);
            /* The bottom-right cell would scroll some terminals: curses handles it with
             * insert mode, and an error there is harmless. */
            mvadd_wch(y, x, &cc);
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void tui_term_invalidate(struct tui_term *t)
{
    set_term(t->screen);
    clearok(curscr, TRUE);
}

struct tui_event tui_term_next_event(struct tui_term *t, int timeout_ms)
{
    struct tui_event ev = {.type = TUI_EV_TICK};
    set_term(t->screen);
    wtimeout(stdscr, timeout_ms);
    wint_t ch;
    int r = wget_wch(stdscr, &ch);
    if (r == ERR)
        return ev;
    ev.type = TUI_EV_KEY;
    if (r == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP:
            ev.key = TUI_KEY_UP;
            break;
        case KEY_DOWN:
            ev.key = TUI_KEY_DOWN;
            break;
        case KEY_LEFT:
            ev.key = TUI_KEY_LEFT;
            break;
        case KEY_RIGHT:
            ev.key = TUI_KEY_RIGHT;
            break;
        case KEY_PPAGE:
            ev.key = TUI_KEY_PGUP;
            break;
        case KEY_NPAGE:
            ev.key = TUI_KEY_PGDN;
            break;
        case KEY_HOME:
            ev.key = TUI_KEY_HOME;
            break;
        case KEY_END:
            ev.key = TUI_KEY_END;
            break;
        case KEY_ENTER:
            ev.key = TUI_KEY_ENTER;
            break;
        case KEY_BTAB:
            ev.key = TUI_KEY_BTAB;
            break;
        case KEY_BACKSPACE:
            ev.key = TUI_KEY_BACKSPACE;
            break;
        case KEY_DC:
            ev.key = TUI_KEY_DELETE;
            break;
        case KEY_F(1):
            ev.key = TUI_KEY_F1;
            break;
        case KEY_RESIZE: {
            ev.type = TUI_EV_RESIZE;
            getmaxyx(stdscr, ev.rows, ev.cols);
            break;
        }
        case KEY_MOUSE: {
            MEVENT me;
            ev.type = TUI_EV_NONE;
            if (getmouse(&me) != OK)
                break;
            ev.type = TUI_EV_MOUSE;
            ev.x = me.x;
            ev.y = me.y;
            if (me.bstate & BUTTON4_PRESSED)
                ev.button = TUI_BTN_WHEEL_UP;
            else if (me.bstate & BUTTON5_PRESSED)
                ev.button = TUI_BTN_WHEEL_DOWN;
            else if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
                ev.button = TUI_BTN_LEFT;
            else
                ev.type = TUI_EV_NONE;
            break;
        }
        default:
            ev.type = TUI_EV_NONE;
        }
        return ev;
    }
    switch (ch) {
    case '\n':
    case '\r':
        ev.key = TUI_KEY_ENTER;
        break;
    case 27:
        ev.key = TUI_KEY_ESC;
        break;
    case '\t':
        ev.key = TUI_KEY_TAB;
        break;
    case 127:
    case 8:
        ev.key = TUI_KEY_BACKSPACE;
        break;
    case 12:
        ev.key = TUI_KEY_CTRL_L;
        break;
    default:
        ev.key = (int)ch;
    }
    return ev;
}

void tui_term_read_row(struct tui_term *t, int y, char *buf, size_t size)
{
    set_term(t->screen);
    int cols = getmaxx(stdscr);
    size_t used = 0;
    for (int x = 0; x < cols && used + 5 < size; x++) {
        cchar_t cc;
        if (mvin_wch(y, x, &cc) == ERR)
            break;
        wchar_t wc[CCHARW_MAX + 1];
        attr_t attr;
        short pair;
        getcchar(&cc, wc, &attr, &pair, NULL);
        char mb[8];
        int n = (int)wcrtomb(mb, wc[0], &(mbstate_t){0});
        if (n <= 0) {
            mb[0] = '?';
            n = 1;
        }
        memcpy(buf + used, mb, (size_t)n);
        used += (size_t)n;
    }
    while (used > 0 && buf[used - 1] == ' ')
        used--;
    buf[used] = '\0';
}
