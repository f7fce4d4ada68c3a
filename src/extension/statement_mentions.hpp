// "Who still uses it?": before a drop or rename of a table or column, what
// pg_stat_statements has recorded in this database that still mentions it.
// Candidates are found by text, then confirmed by the server's parser (a
// RangeVar naming the table, a column reference or assignment naming the
// column); a text the parser cannot read as a query counts by its text
// only, and the sentence says so. "Mentions", never "uses": recorded texts
// are normalized, may name another table of the same name through another
// search_path, and pg_stat_statements forgets entries.
#pragma once

#include "../classifier/finding.hpp"

#include <optional>
#include <string>

namespace migsafe::mentions {

// Whether the finding's rule removes or renames something running code may
// still name: drop-table, drop-column, rename-table, rename-column. Nothing
// is read for any other finding.
bool concerns(const Finding &finding);

// The sentence for the finding's table or column, e.g. pg_stat_statements
// mentions "public"."orders"."note" in 3 recorded statements (1,234 calls),
// e.g.: SELECT ...; or nothing: a rule it does not concern, pg_stat_statements
// not loaded or not installed in this database, an object that does not
// resolve, or a failure to read it (logged to the server log only: reading
// pg_stat_statements never changes the guard's verdict). A cancel or
// statement timeout while reading is raised (PgError) like anywhere else.
std::optional<std::string> mentions_of(const Finding &finding);

}  // namespace migsafe::mentions
