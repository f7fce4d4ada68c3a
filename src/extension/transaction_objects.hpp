// Columns added earlier in the current transaction. In the database the
// transaction is the script: an UPDATE that only fills columns added earlier
// in it is a backfill, not an overwrite. (Tables and indexes created in the
// transaction need no list: their relcache entries say so.)
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace migsafe::transaction_objects {

// Forgets the list at the end of every transaction (_PG_init calls this).
void register_callbacks();

// The ADD COLUMN subcommands of an ALTER TABLE that is about to run, reduced
// to the columns that do not exist yet; record_added() remembers them once the
// statement has run. Plain C data, in the current memory context.
struct PendingColumns {
    Oid relation;
    List *names;  // of char *
};
PendingColumns columns_to_add(const AlterTableStmt *stmt);
void record_added(const PendingColumns &pending);

bool column_added(Oid relation, AttrNumber column);

}  // namespace migsafe::transaction_objects
