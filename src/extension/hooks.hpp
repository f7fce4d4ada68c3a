// The guard's hooks (ProcessUtility and post_parse_analyze).
#pragma once

namespace migsafe::hooks {

// Installs both hooks, each chained to the one installed before it. Called
// from _PG_init, so every session that loads the library is guarded from
// then on; shared_preload_libraries makes that every session.
void install();

// Whether the hooks are installed in this session.
bool active();

}  // namespace migsafe::hooks
