// What ALTER COLUMN ... TYPE does to the values a column holds
// (alter-column-type). In the database the column's current type is known
// and a conversion is judged from both types; offline only the new type is,
// and the judgement fails closed: a new type that cannot hold every value of
// the types usually changed to it counts as losing values.
#pragma once

#include "names.hpp"
#include "pg_nodes.hpp"

#include <optional>
#include <string>
#include <vector>

namespace migsafe {

class Context;

// A column type as the rule compares them: the name of its base type
// (PostgreSQL's internal name for a type of pg_catalog: "int4", "varchar",
// "timestamptz"; any other quoted where needed, and qualified when the
// statement or the catalog qualifies it), its modifiers in SQL terms
// (varchar(20): {20}; numeric(12,2): {12, 2}; timestamp(3): {3}; none:
// unlimited) and whether the column holds arrays of it.
struct ColumnType {
    std::string name;
    std::vector<int> mods;
    bool array = false;
};

// How messages name a type: "varchar(20)", "numeric(12,2)", "bigint",
// "integer[]", "\"Role\"".
std::string type_display(const ColumnType &type);

// The type a statement names, from the tree alone; nullopt when the tree
// cannot say (%TYPE, SETOF, a modifier that is not a number).
std::optional<ColumnType> written_type(const TypeName *type);

// What the database knows of a type change: the column's current type and
// the new one, domains replaced by their base types, and whether
// PostgreSQL's own conversion keeps the stored bytes (a binary-coercible
// relabelling, a length check that cannot fail).
struct TypeChange {
    ColumnType from;
    ColumnType to;
    bool keeps_bytes = false;
};

// Why converting values of type from to type to can change or lose them
// ("longer values fail or are cut"), or nullopt for a conversion known to
// keep every value: a wider or equal modifier of the same type, a string
// type without a limit, and the widenings listed in
// docs/rules/alter-column-type.md.
std::optional<std::string> conversion_loses(const ColumnType &from, const ColumnType &to);

// Offline, with the column's current type unknown: why the new type may not
// hold the values of the types usually changed to it ("a timestamp loses its
// time of day"), or nullopt for the wide types (text, varchar, bpchar without
// a length, bigint, numeric without precision, timestamptz with its full
// precision, and arrays of them).
std::optional<std::string> target_may_lose(const ColumnType &to);

// A USING expression that computes new values instead of converting the
// column: how the message shows it ("substr(...)", "NULL",
// "\"type\"::text::\"Role\""); nullopt for no USING, the column itself, or
// the column cast to the new type (with or without its modifiers).
std::optional<std::string> using_computes(const Node *expression, const RelName &table, const char *column,
                                          const TypeName *type);

// The judgement for one ALTER COLUMN ... TYPE of an existing column: the
// message of a finding that the change can change or lose stored values, or
// nullopt when it keeps them all.
std::optional<std::string> type_change_loses_values(const RelName &table, const AlterTableCmd *cmd,
                                                    const Context &context);

}  // namespace migsafe
