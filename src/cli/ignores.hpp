// `-- migsafe-ignore: RULE[, RULE] reason` comments: a deliberate, reviewed
// exception for the statement that follows. Only the CLI honours them; the
// database never does (a comment in a migration must not switch the guard
// off).
#pragma once

#include "../classifier/classifier.hpp"

#include <string>

namespace migsafe::cli {

// Removes the findings that ignore comments suppress and adds an
// `unused-ignore` finding for every ignore comment that suppresses nothing,
// names an unknown rule or gives no reason. Comments are found with
// PostgreSQL's lexer (libpg_query's returns them as tokens). Runs inside the
// libpg_query memory context of the parse. For a piece of a script (see
// Script), the unused ignores that precede no statement come last among the
// piece's findings; the caller moves them to the end of the whole script's.
void apply_ignores(const Script &script, Findings &findings);

}  // namespace migsafe::cli
