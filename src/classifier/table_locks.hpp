// The locks a statement takes on the tables it names, and the work it does
// while it holds them: what migsafe_plan() shows a DBA, what
// missing-lock-timeout looks for, and what migsafe.ddl_lock_timeout applies
// to. The levels are PostgreSQL 15's (the ALTER TABLE, CREATE INDEX, ...
// reference pages); test/regress/sql/plan.sql compares them with pg_locks on
// a live server.
#pragma once

#include "classifier.hpp"

#include <optional>
#include <string>
#include <vector>

namespace migsafe {

// PostgreSQL's table lock modes, weakest first, with the same numbers as
// its LOCKMODE constants (AccessShareLock = 1 ... AccessExclusiveLock = 8).
enum class LockLevel {
    access_share = 1,
    row_share,
    row_exclusive,
    share_update_exclusive,
    share,
    share_row_exclusive,
    exclusive,
    access_exclusive,
};

// "ACCESS EXCLUSIVE", as pg_locks and the documentation spell it (without "Lock").
const char *lock_level_name(LockLevel level);
// The levels that conflict with this one, weakest first: PostgreSQL's lock
// conflict table (the "Conflicting Lock Modes" table of the manual).
std::vector<LockLevel> conflicting_levels(LockLevel level);

// "AccessExclusiveLock": the level as pg_locks.mode spells it.
const char *pg_locks_mode(LockLevel level);

// What other sessions cannot do meanwhile: "reads and writes", "writes",
// "schema changes and VACUUM", ...
const char *lock_blocks(LockLevel level);

// The work done under the lock, least first.
enum class TableWork { none, write_rows, scan, build_index, rewrite };

// "none", "writes rows", "full scan", "index build", "rewrite"
const char *table_work_name(TableWork work);

struct TableLock {
    RelName relation;  // as the statement names it
    ObjectType kind;   // OBJECT_TABLE or OBJECT_INDEX (DROP INDEX, REINDEX INDEX, ALTER INDEX)
    LockLevel level;
    TableWork work = TableWork::none;
    bool work_certain = true;  // false: "may" (catalog facts would tell)
};

// One entry per relation the statement locks, in the order it names them;
// empty for statements that lock no named table (SET, CREATE TYPE, ...).
std::vector<TableLock> table_locks(const Node *stmt, const Context &context);

// Whether the column's type is serial, bigserial, ... (a nextval() DEFAULT).
bool is_serial(const ColumnDef *column);

// The column's constraint of this type (NOT NULL, DEFAULT, IDENTITY, ...), or nullptr.
const Constraint *constraint_of(const ColumnDef *column, ConstrType type);

// Why ADD COLUMN with this definition rewrites the table ("a volatile
// DEFAULT gen_random_uuid()", "a serial type", ...), or nullopt.
std::optional<std::string> column_rewrite_reason(const ColumnDef *column, const Context &context);

// Whether ALTER COLUMN ... TYPE rewrites the table: yes with USING, the
// catalog's answer in the database, nullopt offline.
std::optional<bool> type_change_rewrites(const RelName &table, const AlterTableCmd *cmd, const Context &context);

// Whether this statement may run inside the caller's transaction: false for
// the ones that commit internally (CONCURRENTLY, VACUUM, REINDEX and CLUSTER
// of several tables), around which no setting may be scoped.
bool runs_in_one_transaction(const Node *stmt);

}  // namespace migsafe
