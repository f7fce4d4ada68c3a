// migsafe: the extension's module. _PG_init sets up each subsystem.
extern "C" {
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

void _PG_init(void) {
    // The SQL functions need no set-up.
}
