// Reading option lists of utility statements (EXPLAIN (ANALYZE ...),
// VACUUM (FULL ...)) from the raw tree, before PostgreSQL has checked them.
#pragma once

#include "pg_nodes.hpp"

namespace migsafe {

// True when the list has the option and its value is not a false one:
// ANALYZE alone, ANALYZE true/on/1 are on; ANALYZE false/off/no/0 are off.
// Values PostgreSQL would reject count as on (fail closed).
bool option_enabled(const List *options, const char *name);

}  // namespace migsafe
