#include <sqlite3.h>

// SQLITE_TRANSIENT is a function-pointer macro Swift cannot import.
static inline sqlite3_destructor_type meow_sqlite_transient(void) { return SQLITE_TRANSIENT; }
