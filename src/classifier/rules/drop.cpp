// The DROP family: drop-table, drop-database, drop-schema, drop-owned,
// drop-extension, drop-index, drop-type.
#include "rule.hpp"

#include <algorithm>
#include <initializer_list>

namespace migsafe {

namespace {

std::string cascade_note(const DropStmt *drop) {
    return drop->behavior == DROP_CASCADE ? "; CASCADE also drops everything that depends on it" : "";
}

// The name of one object of a DropStmt, whatever form the grammar gave it:
// a List of String (tables, indexes), a String (schemas, extensions) or a
// TypeName (types, domains).
RelName dropped_name(const Node *object) {
    if (IsA(object, List)) return rel_name(castNode(List, object));
    if (IsA(object, TypeName)) return rel_name(castNode(TypeName, object)->names);
    if (IsA(object, String)) return {"", strVal(object)};
    return {};
}

// Calls visit(drop, name) for each object of a DROP of one of these types,
// except those that DROP ... IF EXISTS will not find (the guard knows).
template <typename Visit>
void for_each_dropped(RuleInput &in, std::initializer_list<ObjectType> types, Visit visit) {
    if (!IsA(in.stmt, DropStmt)) return;
    const auto *drop = castNode(DropStmt, in.stmt);
    if (std::find(types.begin(), types.end(), drop->removeType) == types.end()) return;
    ListCell *cell;
    foreach (cell, drop->objects) {
        RelName name = dropped_name(static_cast<Node *>(lfirst(cell)));
        if (drop->missing_ok && in.context.object_absent(drop->removeType, name)) continue;
        visit(drop, name);
    }
}

}  // namespace

void check_drop_table(RuleInput &in) {
    for_each_dropped(in, {OBJECT_TABLE, OBJECT_MATVIEW}, [&](const DropStmt *drop, const RelName &table) {
        if (in.table_is_new(table)) return;
        const char *kind = drop->removeType == OBJECT_TABLE ? "table" : "materialized view";
        std::string dropped = std::string("DROP removes ") + kind + " " + table.display();
        // No row is lost, but code that still reads or writes it fails.
        if (in.context.table_is_empty(table) == true)
            return in.report(kStatementStart, table.display(),
                             dropped + ", which holds no rows; code that still uses it fails" + cascade_note(drop),
                             Severity::review);
        in.report(kStatementStart, table.display(), dropped + " and all its rows" + cascade_note(drop));
    });
}

void check_drop_database(RuleInput &in) {
    if (!IsA(in.stmt, DropdbStmt)) return;
    const auto *drop = castNode(DropdbStmt, in.stmt);
    if (drop->missing_ok && in.context.object_absent(OBJECT_DATABASE, {"", drop->dbname})) return;
    std::string name = quote_ident(drop->dbname);
    in.report(kStatementStart, name, "DROP DATABASE removes database " + name + " and everything in it");
}

void check_drop_schema(RuleInput &in) {
    for_each_dropped(in, {OBJECT_SCHEMA}, [&](const DropStmt *drop, const RelName &schema) {
        if (in.schema_is_new(schema.name)) return;
        std::string name = schema.display();
        std::string what = drop->behavior == DROP_CASCADE
                               ? " and, with CASCADE, every table and object in it"
                               : " (without CASCADE it fails while the schema still holds objects)";
        in.report(kStatementStart, name, "DROP SCHEMA removes schema " + name + what);
    });
}

void check_drop_owned(RuleInput &in) {
    if (!IsA(in.stmt, DropOwnedStmt)) return;
    const auto *drop = castNode(DropOwnedStmt, in.stmt);
    ListCell *cell;
    foreach (cell, drop->roles) {
        const auto *role = lfirst_node(RoleSpec, cell);
        std::string name = role->rolename != nullptr ? quote_ident(role->rolename)
                           : role->roletype == ROLESPEC_CURRENT_USER ? "CURRENT_USER"
                           : role->roletype == ROLESPEC_SESSION_USER ? "SESSION_USER"
                                                                     : "CURRENT_ROLE";
        in.report(role->location, name,
                  "DROP OWNED BY " + name + " drops every table and object that role owns in this database");
    }
}

void check_drop_extension(RuleInput &in) {
    for_each_dropped(in, {OBJECT_EXTENSION}, [&](const DropStmt *drop, const RelName &extension) {
        std::string name = extension.display();
        in.report(kStatementStart, name,
                  "DROP EXTENSION removes extension " + name +
                      " with its types and functions; columns and tables that use them go too" +
                      cascade_note(drop));
    });
}

void check_drop_index(RuleInput &in) {
    for_each_dropped(in, {OBJECT_INDEX}, [&](const DropStmt *drop, const RelName &index) {
        if (in.index_is_new(index)) return;
        std::string lock = drop->concurrent ? "" : "; without CONCURRENTLY it blocks the table while it runs";
        in.report(kStatementStart, index.display(),
                  "DROP INDEX removes index " + index.display() + ": queries that use it slow down" + lock);
    });
}

void check_drop_type(RuleInput &in) {
    for_each_dropped(in, {OBJECT_TYPE, OBJECT_DOMAIN}, [&](const DropStmt *drop, const RelName &type) {
        if (in.type_is_new(type)) return;
        const char *kind = drop->removeType == OBJECT_TYPE ? "type" : "domain";
        in.report(kStatementStart, type.display(),
                  std::string("DROP removes ") + kind + " " + type.display() + cascade_note(drop));
    });
}

}  // namespace migsafe
