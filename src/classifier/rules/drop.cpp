// The DROP family: drop-table, drop-database, drop-schema, drop-owned,
// drop-extension, drop-index, drop-type.
#include "rule.hpp"

namespace migsafe {

namespace {

const DropStmt *drop_of(const Node *stmt, ObjectType type) {
    if (!IsA(stmt, DropStmt)) return nullptr;
    const auto *drop = castNode(DropStmt, stmt);
    return drop->removeType == type ? drop : nullptr;
}

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

}  // namespace

void check_drop_table(RuleInput &in) {
    for (ObjectType type : {OBJECT_TABLE, OBJECT_MATVIEW}) {
        const DropStmt *drop = drop_of(in.stmt, type);
        if (drop == nullptr) continue;
        const char *kind = type == OBJECT_TABLE ? "table" : "materialized view";
        ListCell *cell;
        foreach (cell, drop->objects) {
            RelName table = dropped_name(static_cast<Node *>(lfirst(cell)));
            if (in.script.table_created(table)) continue;
            in.report(kStatementStart, table.display(),
                      std::string("DROP removes ") + kind + " " + table.display() +
                          " and all its rows" + cascade_note(drop));
        }
    }
}

void check_drop_database(RuleInput &in) {
    if (!IsA(in.stmt, DropdbStmt)) return;
    const auto *drop = castNode(DropdbStmt, in.stmt);
    std::string name = quote_ident(drop->dbname);
    in.report(kStatementStart, name, "DROP DATABASE removes database " + name + " and everything in it");
}

void check_drop_schema(RuleInput &in) {
    const DropStmt *drop = drop_of(in.stmt, OBJECT_SCHEMA);
    if (drop == nullptr) return;
    ListCell *cell;
    foreach (cell, drop->objects) {
        std::string schema = strVal(lfirst(cell));
        if (in.script.schema_created(schema)) continue;
        std::string name = quote_ident(schema);
        std::string what = drop->behavior == DROP_CASCADE
                               ? " and, with CASCADE, every table and object in it"
                               : " (it fails only while the schema still holds objects)";
        in.report(kStatementStart, name, "DROP SCHEMA removes schema " + name + what);
    }
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
    const DropStmt *drop = drop_of(in.stmt, OBJECT_EXTENSION);
    if (drop == nullptr) return;
    ListCell *cell;
    foreach (cell, drop->objects) {
        std::string name = quote_ident(strVal(lfirst(cell)));
        in.report(kStatementStart, name,
                  "DROP EXTENSION removes extension " + name +
                      " with its types and functions; columns and tables that use them go too" +
                      cascade_note(drop));
    }
}

void check_drop_index(RuleInput &in) {
    const DropStmt *drop = drop_of(in.stmt, OBJECT_INDEX);
    if (drop == nullptr) return;
    ListCell *cell;
    foreach (cell, drop->objects) {
        RelName index = dropped_name(static_cast<Node *>(lfirst(cell)));
        if (in.script.index_created(index)) continue;
        std::string lock = drop->concurrent ? "" : "; without CONCURRENTLY it blocks the table while it runs";
        in.report(kStatementStart, index.display(),
                  "DROP INDEX removes index " + index.display() + ": queries that use it slow down" + lock);
    }
}

void check_drop_type(RuleInput &in) {
    for (ObjectType type : {OBJECT_TYPE, OBJECT_DOMAIN}) {
        const DropStmt *drop = drop_of(in.stmt, type);
        if (drop == nullptr) continue;
        const char *kind = type == OBJECT_TYPE ? "type" : "domain";
        ListCell *cell;
        foreach (cell, drop->objects) {
            RelName name = dropped_name(static_cast<Node *>(lfirst(cell)));
            if (in.script.type_created(name)) continue;
            in.report(kStatementStart, name.display(),
                      std::string("DROP removes ") + kind + " " + name.display() + cascade_note(drop));
        }
    }
}

}  // namespace migsafe
