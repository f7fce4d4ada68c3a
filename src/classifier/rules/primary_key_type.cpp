// int-primary-key (opt-in): a single-column primary key of a 32- or 16-bit
// integer type. Tables outgrow them (2 147 483 647 and 32 767 values; a
// sequence also burns values on rolled-back inserts), and widening the key
// later rewrites the table and every table whose foreign keys reference it,
// under ACCESS EXCLUSIVE locks. New tables are the point: this rule has no
// same-script exemption.
#include "rule.hpp"

#include "../table_locks.hpp"

#include <cstring>

namespace migsafe {

namespace {

// How a message names the column's type when it is a narrow integer (as
// the parser writes `int`, `integer` and `smallint`: pg_catalog.int4 and
// pg_catalog.int2), or nullptr. A domain over one is not known offline.
const char *narrow_integer(const TypeName *type) {
    if (type == nullptr || type->names == nullptr || type->arrayBounds != nullptr) return nullptr;
    const char *name = strVal(llast(type->names));
    int parts = list_length(type->names);
    bool catalog = parts == 1 || (parts == 2 && std::strcmp(strVal(linitial(type->names)), "pg_catalog") == 0);
    if (!catalog) return nullptr;  // another schema's type of that name
    if (std::strcmp(name, "int4") == 0) return "integer";
    if (std::strcmp(name, "int2") == 0) return "smallint";
    if (parts > 1) return nullptr;  // serial types are never qualified
    if (std::strcmp(name, "serial") == 0 || std::strcmp(name, "serial4") == 0) return "serial";
    if (std::strcmp(name, "smallserial") == 0 || std::strcmp(name, "serial2") == 0) return "smallserial";
    return nullptr;
}

// The column of this CREATE TABLE's element list named so, or nullptr.
const ColumnDef *column_named(const List *elements, const char *name) {
    const ListCell *cell;
    foreach (cell, elements)
        if (IsA(lfirst(cell), ColumnDef) && std::strcmp(lfirst_node(ColumnDef, cell)->colname, name) == 0)
            return lfirst_node(ColumnDef, cell);
    return nullptr;
}

void report_narrow_key(RuleInput &in, const RelName &table, const ColumnDef *column, const char *type) {
    std::string name = table.display() + "." + quote_ident(column->colname);
    bool small = std::strcmp(type, "smallint") == 0 || std::strcmp(type, "smallserial") == 0;
    in.report(column->location, name,
              "primary key " + name + " is " + type + ": it runs out at " + (small ? "32 767" : "2 147 483 647") +
                  ", and widening it later rewrites " + table.display() +
                  " and every table that references it, under ACCESS EXCLUSIVE locks");
}

// CREATE TABLE: PRIMARY KEY written in the column, or a table constraint
// PRIMARY KEY (c) on one column defined in the statement.
void check_create_table(RuleInput &in, const CreateStmt *create) {
    RelName table = rel_name(create->relation);
    const ListCell *cell;
    foreach (cell, create->tableElts) {
        const Node *element = static_cast<const Node *>(lfirst(cell));
        if (IsA(element, ColumnDef)) {
            const auto *column = castNode(ColumnDef, element);
            const char *type = narrow_integer(column->typeName);
            if (type != nullptr && constraint_of(column, CONSTR_PRIMARY) != nullptr)
                report_narrow_key(in, table, column, type);
        } else if (IsA(element, Constraint)) {
            const auto *constraint = castNode(Constraint, element);
            if (constraint->contype != CONSTR_PRIMARY || list_length(constraint->keys) != 1) continue;
            const ColumnDef *column = column_named(create->tableElts, strVal(linitial(constraint->keys)));
            const char *type = column != nullptr ? narrow_integer(column->typeName) : nullptr;
            if (type != nullptr) report_narrow_key(in, table, column, type);
        }
    }
}

}  // namespace

void check_int_primary_key(RuleInput &in) {
    if (IsA(in.stmt, CreateStmt)) {
        check_create_table(in, castNode(CreateStmt, in.stmt));
        return;
    }
    if (!IsA(in.stmt, AlterTableStmt) || castNode(AlterTableStmt, in.stmt)->objtype != OBJECT_TABLE) return;
    const ListCell *cell;
    foreach (cell, castNode(AlterTableStmt, in.stmt)->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        if (cmd->subtype != AT_AddColumn || cmd->def == nullptr || !IsA(cmd->def, ColumnDef)) continue;
        const auto *column = castNode(ColumnDef, cmd->def);
        const char *type = narrow_integer(column->typeName);
        if (type != nullptr && constraint_of(column, CONSTR_PRIMARY) != nullptr)
            report_narrow_key(in, in.altered_table(), column, type);
    }
}

}  // namespace migsafe
