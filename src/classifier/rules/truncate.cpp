// truncate: TRUNCATE empties tables without looking at a row.
#include "rule.hpp"

namespace migsafe {

std::vector<RelName> truncated_tables(const TruncateStmt *truncate) {
    std::vector<RelName> tables;
    ListCell *cell;
    foreach (cell, truncate->relations) tables.push_back(rel_name(lfirst_node(RangeVar, cell)));
    return tables;
}

void check_truncate(RuleInput &in) {
    if (!IsA(in.stmt, TruncateStmt)) return;
    const auto *truncate = castNode(TruncateStmt, in.stmt);
    ListCell *cell;
    foreach (cell, truncate->relations) {
        const auto *relation = lfirst_node(RangeVar, cell);
        RelName named = rel_name(relation);
        // A new parent in front of existing tables: TRUNCATE without ONLY
        // empties its children and partitions, each a finding of its own.
        std::vector<RelName> emptied{named};
        if (in.table_is_new(named)) emptied = relation->inh ? in.context.existing_inheritors(named) : std::vector<RelName>{};
        for (const RelName &table : emptied) {
            if (in.context.table_is_empty(table) == true) continue;  // no page, no row: nothing is lost
            std::string cascade = truncate->behavior == DROP_CASCADE
                                      ? ", and with CASCADE every table that references it"
                                      : "";
            in.report(relation->location, table.display(),
                      "TRUNCATE removes every row of " + table.display() + cascade);
        }
    }
    // In the database, each table CASCADE reaches is a finding of its own, so
    // that an approval naming only the truncated table does not empty them.
    if (truncate->behavior != DROP_CASCADE) return;
    for (const RelName &table : in.context.truncate_cascade_reaches(truncated_tables(truncate))) {
        if (in.table_is_new(table) || in.context.table_is_empty(table) == true) continue;
        in.report(kStatementStart, table.display(),
                  "TRUNCATE ... CASCADE also removes every row of " + table.display() +
                      ", whose foreign key references a truncated table");
    }
}

}  // namespace migsafe
