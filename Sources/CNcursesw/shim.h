#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

// Swift 6 rejects the mutable globals and cannot import function-like macros:
// tiny inline wrappers keep the curses boundary in one place.
static inline WINDOW *meow_stdscr(void) { return stdscr; }
static inline int meow_lines(void) { return LINES; }
static inline int meow_cols(void) { return COLS; }
static inline int meow_attr_bold(void) { return (int)A_BOLD; }
static inline int meow_attr_reverse(void) { return (int)A_REVERSE; }
static inline int meow_attr_dim(void) { return (int)A_DIM; }
static inline int meow_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int meow_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int meow_key_resize(void) { return KEY_RESIZE; }
static inline int meow_attrset(int attrs) { return attrset(attrs); }
static inline int meow_mvaddstr(int y, int x, const char *s) { return mvaddstr(y, x, s); }
