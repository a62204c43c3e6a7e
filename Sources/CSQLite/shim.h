#include <sqlite3.h>

// SQLITE_TRANSIENT is a function-pointer macro Swift cannot import.
static inline sqlite3_destructor_type meow_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// SQLite keeps allocation statistics under one process-wide mutex taken on every allocation;
// meow reads none of them, and two threads using SQLite at once (a bulk import reading ahead
// of its writes) contended on it. Must run before the first connection opens (else SQLITE_MISUSE,
// and the default stays).
static inline int meow_sqlite_skip_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
