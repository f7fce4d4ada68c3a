// ALTER TABLE subcommands: drop-column, drop-constraint, alter-column-type.
#include "rule.hpp"

#include "../table_locks.hpp"
#include "../type_change.hpp"

namespace migsafe {

namespace {

std::string column_object(const RelName &table, const char *column) {
    return table.display() + "." + quote_ident(column);
}

}  // namespace

void check_drop_column(RuleInput &in) {
    for_each_alter_command(in, {AT_DropColumn}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (in.column_is_new(table, cmd->name)) return;
        std::string column = column_object(table, cmd->name);
        std::string cascade = cmd->behavior == DROP_CASCADE ? ", and with CASCADE the views and constraints that use it" : "";
        in.report(kStatementStart, column,
                  "DROP COLUMN removes column " + column + " and its data" + cascade);
    });
}

namespace {

// A CHECK (c IS NOT NULL) that c's NOT NULL now implies guards nothing the
// NOT NULL does not: the last step of the safe SET NOT NULL. Known when the
// script added the CHECK and set c NOT NULL, or, in the database, from the
// catalog (the constraint and the column of the table and, unless ONLY, of
// every child the drop reaches).
bool implied_by_not_null(RuleInput &in, const RelName &table, const AlterTableCmd *cmd) {
    if (in.script.check_implied_by_not_null(table, cmd->name)) return true;
    bool with_children = castNode(AlterTableStmt, in.stmt)->relation->inh;
    return in.context.check_implied_by_not_null(table, cmd->name, with_children);
}

}  // namespace

void check_drop_constraint(RuleInput &in) {
    for_each_alter_command(in, {AT_DropConstraint}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (implied_by_not_null(in, table, cmd)) return;
        std::string constraint = table.display() + "." + quote_ident(cmd->name);
        in.report(kStatementStart, constraint,
                  "DROP CONSTRAINT removes constraint " + quote_ident(cmd->name) + " of " +
                      table.display() + ": the data it guarded is no longer checked");
    });
}

void check_alter_column_type(RuleInput &in) {
    for_each_alter_command(in, {AT_AlterColumnType}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (in.column_is_new(table, cmd->name)) return;
        std::string column = column_object(table, cmd->name);
        // A conversion that can change or lose stored values: dangerous,
        // whether or not it rewrites the table.
        if (std::optional<std::string> lost = type_change_loses_values(table, cmd, in.context)) {
            in.report(kStatementStart, column, *lost, Severity::dangerous);
            return;
        }
        // In the database a binary-coercible change (varchar(20) to
        // varchar(40) or text, numeric(10,2) to numeric(12,2)) is known to
        // rewrite nothing and lose nothing.
        std::optional<bool> rewrites = type_change_rewrites(table, cmd, in.context);
        if (rewrites == false) return;
        std::string rewrite = rewrites ? "it rewrites " + table.display() + " under an ACCESS EXCLUSIVE lock"
                                       : "it may rewrite the table under an ACCESS EXCLUSIVE lock";
        in.report(kStatementStart, column, "ALTER COLUMN ... TYPE changes the type of " + column + ": " + rewrite);
    });
}

}  // namespace migsafe
