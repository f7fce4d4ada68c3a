// ALTER TABLE subcommands: drop-column, drop-constraint, alter-column-type.
#include "rule.hpp"

namespace migsafe {

namespace {

// Calls visit(table, cmd) for every subcommand of the given kind in an ALTER
// TABLE of a table that existed before the script.
template <typename Visit>
void for_each_command(RuleInput &in, AlterTableType kind, Visit visit) {
    if (!IsA(in.stmt, AlterTableStmt)) return;
    const auto *alter = castNode(AlterTableStmt, in.stmt);
    if (alter->objtype != OBJECT_TABLE) return;
    auto of_kind = [&](const ListCell *cell) { return lfirst_node(AlterTableCmd, cell)->subtype == kind; };
    const ListCell *cell;
    bool any = false;
    foreach (cell, alter->cmds) any = any || of_kind(cell);
    if (!any) return;  // the common case: name the table only when needed
    RelName table = rel_name(alter->relation);
    if (in.table_is_new(table)) return;
    foreach (cell, alter->cmds)
        if (of_kind(cell)) visit(table, lfirst_node(AlterTableCmd, cell));
}

std::string column_object(const RelName &table, const char *column) {
    return table.display() + "." + quote_ident(column);
}

}  // namespace

void check_drop_column(RuleInput &in) {
    for_each_command(in, AT_DropColumn, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (in.column_is_new(table, cmd->name)) return;
        std::string column = column_object(table, cmd->name);
        std::string cascade = cmd->behavior == DROP_CASCADE ? ", and with CASCADE the views and constraints that use it" : "";
        in.report(kStatementStart, column,
                  "DROP COLUMN removes column " + column + " and its data" + cascade);
    });
}

void check_drop_constraint(RuleInput &in) {
    for_each_command(in, AT_DropConstraint, [&](const RelName &table, const AlterTableCmd *cmd) {
        std::string constraint = table.display() + "." + quote_ident(cmd->name);
        in.report(kStatementStart, constraint,
                  "DROP CONSTRAINT removes constraint " + quote_ident(cmd->name) + " of " +
                      table.display() + ": the data it guarded is no longer checked");
    });
}

void check_alter_column_type(RuleInput &in) {
    for_each_command(in, AT_AlterColumnType, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (in.column_is_new(table, cmd->name)) return;
        std::string column = column_object(table, cmd->name);
        in.report(kStatementStart, column,
                  "ALTER COLUMN ... TYPE changes the type of " + column +
                      ": it may rewrite the table under an exclusive lock and can lose data");
    });
}

}  // namespace migsafe
