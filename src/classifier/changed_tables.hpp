// The tables a statement changes (its schema or all its rows), for the rules
// that care which tables those are: protected-table and self-protection.
#pragma once

#include "names.hpp"

#include <vector>

namespace migsafe {

struct ChangedTable {
    RelName table;
    int location;     // byte offset in the script, or -1 (the statement's start)
    const char *how;  // what the statement does to it, e.g. "alters"
    // The statement also changes the table's inheritance children and
    // partitions (no ONLY): ALTER TABLE, TRUNCATE, CREATE INDEX, VACUUM FULL.
    bool recurses = false;
};

using Changes = std::vector<ChangedTable>;

// ALTER (any subcommand), RENAME, SET SCHEMA, DROP, TRUNCATE, CREATE INDEX /
// TRIGGER / RULE / POLICY on it, ALTER POLICY, DROP TRIGGER / RULE / POLICY
// on it, a FOREIGN KEY that references it, INHERITS / PARTITION OF / ATTACH /
// DETACH with it, CLUSTER and VACUUM FULL.
Changes changed_tables(const Node *stmt);

}  // namespace migsafe
