// The guard's hooks (ProcessUtility, post_parse_analyze and the planner).
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/nodes.h"
}

#include <string_view>

namespace migsafe::hooks {

// Installs both hooks, each chained to the one installed before it. Called
// from _PG_init, so every session that loads the library is guarded from
// then on; shared_preload_libraries makes that every session.
void install();

// Whether the hooks are installed in this session.
bool active();

// Whether the innermost utility statement now running passed through the
// ProcessUtility hook (and was judged there): the event triggers then leave
// it alone.
bool judging_utility();

// Whether the guard judges statements now (mode, binary upgrade, standby,
// migsafe's own state access).
bool guard_enabled();

// The text of the innermost utility statement now running (one statement
// of a multi-statement query string), or the whole query string when none
// passed through the hook: what the event triggers judge.
std::string_view running_statement();

// Judges one statement (a raw utility tree or an analysed Query) of a
// source text; raises the refusal as an ERROR.
void judge(Node *node, const char *source, int location, int length);

}  // namespace migsafe::hooks
