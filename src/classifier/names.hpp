// Names of database objects as the classifier sees them in a parse tree.
#pragma once

#include "pg_nodes.hpp"

#include <string>
#include <string_view>

namespace migsafe {

// A possibly schema-qualified relation (or other schema-level object) name,
// exactly as the parser produced it: unquoted names are already lower-case,
// quoted ones keep their case. An empty schema means "not qualified".
struct RelName {
    std::string schema;
    std::string name;

    // "schema.name" with each part quoted only where PostgreSQL would need it.
    std::string display() const;
};

// Quotes an identifier the way PostgreSQL's quote_ident() does: only when it
// is not a plain lower-case identifier or is a reserved-ish keyword.
std::string quote_ident(std::string_view ident);

RelName rel_name(const RangeVar *range_var);
// From a List of String nodes (e.g. a DropStmt object): the last is the name,
// the one before it the schema. A catalog qualifier is ignored.
RelName rel_name(const List *name_parts);

// True when two references in one script name the same object: same name, and
// same schema where an unqualified name is taken to live in "public" (the
// default search_path), or "pg_temp" for a temporary table. Used for
// "created earlier in this script".
bool same_object(const RelName &a, const RelName &b);

// True when a reference matches a protected name. An unqualified protected
// name matches the table in every schema; a qualified one matches that schema
// and every unqualified reference (which might resolve to it: fail closed).
bool matches_protected(const RelName &protected_name, const RelName &reference);

}  // namespace migsafe
