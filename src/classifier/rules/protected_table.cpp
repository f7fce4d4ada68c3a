// protected-table: any change to a table the context says is protected
// (the changes are listed in changed_tables.cpp), also through its parent;
// each protected table is reported once per statement.
#include "rule.hpp"

#include "../changed_tables.hpp"

#include <algorithm>

namespace migsafe {

namespace {

// Schemas a DROP SCHEMA ... CASCADE empties.
std::vector<std::string> cascaded_schemas(const Node *stmt) {
    std::vector<std::string> schemas;
    if (!IsA(stmt, DropStmt)) return schemas;
    const auto *drop = castNode(DropStmt, stmt);
    if (drop->removeType != OBJECT_SCHEMA || drop->behavior != DROP_CASCADE) return schemas;
    ListCell *cell;
    foreach (cell, drop->objects) schemas.emplace_back(strVal(lfirst(cell)));
    return schemas;
}

}  // namespace

void check_protected_table(RuleInput &in) {
    if (!in.context.protects_any()) return;
    std::vector<std::string> reported;  // protected tables already reported
    // One finding per protected table, named as the statement wrote it.
    auto report_once = [&](const RelName &protected_name, const RelName &written, int location,
                           const std::string &message) {
        std::string key = protected_name.display();
        if (std::find(reported.begin(), reported.end(), key) != reported.end()) return;
        reported.push_back(key);
        in.report(location, written.display(), message);
    };
    for (const ChangedTable &change : in.changes()) {
        // Protection follows a table the script renamed or moved.
        std::optional<RelName> match = in.context.protected_match(change.table);
        if (!match) match = in.context.protected_match(in.script.original_name(change.table));
        if (!match) continue;
        report_once(*match, change.table, change.location,
                    std::string("statement ") + change.how + " protected table " + change.table.display());
    }
    // Without ONLY the statement reaches the table's children and partitions.
    for (const ChangedTable &change : in.changes()) {
        if (!change.recurses) continue;
        for (const RelName &child : in.context.protected_descendants(change.table))
            report_once(child, child, change.location,
                        std::string("statement ") + change.how + " " + change.table.display() +
                            " and with it its protected child or partition " + child.display() +
                            " (ONLY would leave it alone)");
    }
    if (IsA(in.stmt, TruncateStmt) && castNode(TruncateStmt, in.stmt)->behavior == DROP_CASCADE) {
        const auto *truncate = castNode(TruncateStmt, in.stmt);
        for (const RelName &table : in.context.truncate_cascade_reaches(truncated_tables(truncate)))
            if (std::optional<RelName> match = in.context.protected_match(table))
                report_once(*match, table, kStatementStart,
                            "TRUNCATE ... CASCADE empties protected table " + table.display() +
                                ", whose foreign key references a truncated table");
    }
    for (const std::string &schema : cascaded_schemas(in.stmt))
        for (const RelName &table : in.context.protected_in_schema(schema))
            report_once(table, table, kStatementStart,
                        "DROP SCHEMA " + quote_ident(schema) + " CASCADE drops protected table " + table.display());
}

}  // namespace migsafe
