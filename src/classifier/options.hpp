// Reading option lists of utility statements (EXPLAIN (ANALYZE ...),
// VACUUM (FULL ...)) and the values of SET statements from the raw tree,
// before PostgreSQL has checked them.
#pragma once

#include "pg_nodes.hpp"

#include <string>
#include <vector>

namespace migsafe {

// True when the list has the option and its value is not a false one:
// ANALYZE alone, ANALYZE true/on/1 are on; ANALYZE false/off/no/0 are off.
// Values PostgreSQL would reject count as on (fail closed). When the option
// is given more than once, the last one counts, as in PostgreSQL.
bool option_enabled(const List *options, const char *name);

// The constant values a SET gives (strings, identifiers and numbers, as
// written), in order; empty for DEFAULT, RESET and non-constant values.
std::vector<std::string> setting_values(const VariableSetStmt *set);

// PostgreSQL's parse_bool() false spellings (off, false, no, 0 and their
// unambiguous prefixes), case-insensitive.
bool is_false_setting(std::string value);

}  // namespace migsafe
