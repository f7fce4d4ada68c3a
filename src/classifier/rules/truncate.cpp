// truncate: TRUNCATE empties tables without looking at a row.
#include "rule.hpp"

namespace migsafe {

void check_truncate(RuleInput &in) {
    if (!IsA(in.stmt, TruncateStmt)) return;
    const auto *truncate = castNode(TruncateStmt, in.stmt);
    ListCell *cell;
    foreach (cell, truncate->relations) {
        const auto *relation = lfirst_node(RangeVar, cell);
        RelName table = rel_name(relation);
        if (in.table_is_new(table)) continue;
        std::string cascade = truncate->behavior == DROP_CASCADE
                                  ? ", and with CASCADE every table that references it"
                                  : "";
        in.report(relation->location, table.display(),
                  "TRUNCATE removes every row of " + table.display() + cascade);
    }
}

}  // namespace migsafe
