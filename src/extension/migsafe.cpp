// migsafe: the extension's module. _PG_init sets up each subsystem.
#include "hooks.hpp"
#include "settings.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "miscadmin.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

namespace migsafe {
// Whether the library was loaded from shared_preload_libraries (read by
// migsafe_status()).
bool loaded_at_startup = false;
}  // namespace migsafe

void _PG_init(void) {
    migsafe::loaded_at_startup = process_shared_preload_libraries_in_progress;
    migsafe::settings::define();
    migsafe::hooks::install();
}
