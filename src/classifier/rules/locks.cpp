// Lock hazards: statements that hold a lock on an existing table for as long
// as they scan, build or rewrite, while every write (or every query) waits:
// create-index-not-concurrently, reindex-not-concurrently,
// add-foreign-key-validating, add-check-validating, add-unique-constraint,
// add-primary-key, add-exclusion-constraint, set-not-null, add-column-not-null-no-default,
// add-column-volatile-default, set-logged-unlogged, set-tablespace,
// set-access-method, vacuum-full, cluster, detach-partition-not-concurrently,
// validate-in-same-transaction, missing-lock-timeout (opt-in).
// Tables created earlier in the script (or, in the database, the
// transaction) are exempt: nobody else uses them yet. Where a catalog fact
// decides (a validated CHECK, an empty table, a function's volatility), the
// database knows and the CLI says "may".
#include "rule.hpp"

#include "../options.hpp"
#include "../table_locks.hpp"

namespace migsafe {

namespace {

// Calls visit(table, constraint) for each ADD CONSTRAINT of this type, without
// NOT VALID, in an ALTER TABLE of an existing table.
template <typename Visit>
void for_each_validating_constraint(RuleInput &in, ConstrType type, Visit visit) {
    if (!IsA(in.stmt, AlterTableStmt)) return;
    const auto *alter = castNode(AlterTableStmt, in.stmt);
    if (alter->objtype != OBJECT_TABLE) return;
    ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        if (cmd->def == nullptr) continue;
        if (cmd->subtype == AT_AddConstraint && IsA(cmd->def, Constraint)) {
            const auto *constraint = castNode(Constraint, cmd->def);
            if (constraint->contype != type || constraint->skip_validation) continue;
            if (in.altered_table_is_new()) return;
            visit(in.altered_table(), constraint, nullptr);
        } else if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef)) {
            // Written in the column (ADD COLUMN c int REFERENCES t): checked
            // the same way, and it cannot be NOT VALID there.
            const auto *column = castNode(ColumnDef, cmd->def);
            const Constraint *constraint = constraint_of(column, type);
            if (constraint == nullptr || constraint->skip_validation) continue;
            if (in.altered_table_is_new()) return;
            visit(in.altered_table(), constraint, column);
        }
    }
}

// ADD CONSTRAINT ... UNIQUE / PRIMARY KEY that builds its own index, also
// written in ADD COLUMN (ADD COLUMN code text UNIQUE).
template <typename Visit>
void for_each_index_constraint(RuleInput &in, ConstrType type, Visit visit) {
    for_each_alter_command(in, {AT_AddConstraint, AT_AddColumn}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (cmd->def == nullptr) return;
        if (IsA(cmd->def, Constraint)) {
            const auto *constraint = castNode(Constraint, cmd->def);
            if (constraint->contype == type && constraint->indexname == nullptr) visit(table, constraint, nullptr);
        } else if (IsA(cmd->def, ColumnDef)) {
            const auto *column = castNode(ColumnDef, cmd->def);
            if (const Constraint *constraint = constraint_of(column, type)) visit(table, constraint, column);
        }
    });
}

// "ADD FOREIGN KEY name", or for one written in ADD COLUMN, "ADD COLUMN c
// ... REFERENCES".
std::string constraint_clause(const char *standalone, const char *inline_keyword, const Constraint *constraint,
                              const ColumnDef *column) {
    if (column != nullptr) return "ADD COLUMN " + quote_ident(column->colname) + " ... " + inline_keyword;
    return std::string(standalone) + (constraint->conname != nullptr ? " " + quote_ident(constraint->conname) : "");
}

}  // namespace

void check_create_index_not_concurrently(RuleInput &in) {
    if (!IsA(in.stmt, IndexStmt)) return;
    const auto *index = castNode(IndexStmt, in.stmt);
    if (index->concurrent || index->relation == nullptr) return;
    RelName table = rel_name(index->relation);
    if (in.table_is_new(table)) return;
    // ON ONLY a partitioned table builds nothing: it makes the parent's
    // (invalid) index, to which the partitions' indexes, built
    // CONCURRENTLY, are attached. Only the database knows the kind.
    if (!index->relation->inh && in.context.partitioned_table(table)) return;
    in.report(index->relation->location, table.display(),
              "CREATE INDEX without CONCURRENTLY blocks every write to " + table.display() +
                  " (SHARE lock) for as long as the index takes to build");
}

// REINDEX SYSTEM, or of an index or table of the system catalogs (schema
// pg_catalog or pg_toast, or an unqualified pg_ name, which resolves there
// first): PostgreSQL refuses CONCURRENTLY for those.
bool reindexes_catalogs(const ReindexStmt *reindex) {
    if (reindex->kind == REINDEX_OBJECT_SYSTEM) return true;
    if (reindex->relation == nullptr) return false;
    RelName name = rel_name(reindex->relation);
    if (name.schema.empty()) return name.name.rfind("pg_", 0) == 0;
    return name.schema == "pg_catalog" || name.schema == "pg_toast";
}

void check_reindex_not_concurrently(RuleInput &in) {
    if (!IsA(in.stmt, ReindexStmt)) return;
    const auto *reindex = castNode(ReindexStmt, in.stmt);
    if (option_enabled(reindex->params, "concurrently")) return;
    std::string object = reindex->relation != nullptr ? rel_name(reindex->relation).display()
                         : reindex->name != nullptr  ? quote_ident(reindex->name)
                                                     : "";
    if (reindex->relation != nullptr && reindex->kind == REINDEX_OBJECT_TABLE &&
        in.table_is_new(rel_name(reindex->relation)))
        return;
    if (reindexes_catalogs(reindex)) {
        in.report(kStatementStart, object,
                  "REINDEX of the system catalogs cannot run CONCURRENTLY (PostgreSQL refuses it): it blocks every "
                  "session that needs those catalogs, that is every query, while it rebuilds");
        return;
    }
    in.report(kStatementStart, object,
              "REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it "
              "rebuilds");
}

void check_add_foreign_key_validating(RuleInput &in) {
    for_each_validating_constraint(in, CONSTR_FOREIGN, [&](const RelName &table, const Constraint *fk,
                                                           const ColumnDef *column) {
        std::string referenced = fk->pktable != nullptr ? rel_name(fk->pktable).display() : "the referenced table";
        in.report(kStatementStart, table.display(),
                  constraint_clause("ADD FOREIGN KEY", "REFERENCES", fk, column) + " without NOT VALID checks every row of " +
                      table.display() + " while it blocks writes to it and to " + referenced);
    });
}

void check_add_check_validating(RuleInput &in) {
    for_each_validating_constraint(in, CONSTR_CHECK, [&](const RelName &table, const Constraint *check,
                                                         const ColumnDef *column) {
        in.report(kStatementStart, table.display(),
                  constraint_clause("ADD CHECK", "CHECK", check, column) + " without NOT VALID scans every row of " +
                      table.display() + " under an ACCESS EXCLUSIVE lock: every query on it waits");
    });
}

void check_add_unique_constraint(RuleInput &in) {
    for_each_index_constraint(in, CONSTR_UNIQUE, [&](const RelName &table, const Constraint *unique,
                                                     const ColumnDef *column) {
        in.report(kStatementStart, table.display(),
                  constraint_clause("ADD UNIQUE", "UNIQUE", unique, column) + " builds a unique index on " +
                      table.display() + " while every query on it waits (ACCESS EXCLUSIVE lock)");
    });
}

// ADD PRIMARY KEY USING INDEX is instant only when the index's columns are
// NOT NULL already: otherwise PostgreSQL sets them NOT NULL, scanning every
// row under ACCESS EXCLUSIVE (unless a validated CHECK proves it). Only the
// database knows the index's columns; a SET NOT NULL earlier in the script
// counts.
std::vector<std::string> columns_to_scan(RuleInput &in, const RelName &table, const Constraint *primary) {
    std::vector<std::string> scanned;
    std::optional<std::vector<std::string>> nullable = in.context.index_nullable_columns(table, primary->indexname);
    if (!nullable) return scanned;
    for (const std::string &column : *nullable)
        if (!in.script.column_set_not_null(table, column) && in.context.not_null_proven(table, column) != true)
            scanned.push_back(quote_ident(column.c_str()));
    return scanned;
}

void check_add_primary_key(RuleInput &in) {
    for_each_index_constraint(in, CONSTR_PRIMARY, [&](const RelName &table, const Constraint *primary,
                                                      const ColumnDef *column) {
        in.report(kStatementStart, table.display(),
                  constraint_clause("ADD PRIMARY KEY", "PRIMARY KEY", primary, column) + " builds a unique index on " +
                      table.display() + " (and checks its columns for NULLs) while every query on it waits");
    });
    for_each_alter_command(in, {AT_AddConstraint}, [&](const RelName &table, const AlterTableCmd *cmd) {
        const auto *primary = castNode(Constraint, cmd->def);
        if (primary->contype != CONSTR_PRIMARY || primary->indexname == nullptr) return;
        std::vector<std::string> scanned = columns_to_scan(in, table, primary);
        if (scanned.empty()) return;
        std::string list;
        for (const std::string &name : scanned) list += (list.empty() ? "" : ", ") + name;
        in.report(kStatementStart, table.display(),
                  "ADD PRIMARY KEY USING INDEX " + quote_ident(primary->indexname) + " sets " + list +
                      " NOT NULL, which scans every row of " + table.display() +
                      " under an ACCESS EXCLUSIVE lock: every query on it waits");
    });
}

// An exclusion constraint builds its index under ACCESS EXCLUSIVE, and
// PostgreSQL has no USING INDEX form for it: there is no online way.
void check_add_exclusion_constraint(RuleInput &in) {
    for_each_index_constraint(in, CONSTR_EXCLUSION, [&](const RelName &table, const Constraint *exclusion,
                                                        const ColumnDef *) {
        in.report(kStatementStart, table.display(),
                  constraint_clause("ADD EXCLUDE", "EXCLUDE", exclusion, nullptr) + " builds its index on " +
                      table.display() + " and checks every row while every query on it waits (ACCESS EXCLUSIVE "
                      "lock); PostgreSQL has no online way to add one");
    });
}

void check_set_not_null(RuleInput &in) {
    for_each_alter_command(in, {AT_SetNotNull}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (cmd->name == nullptr || in.column_is_new(table, cmd->name)) return;
        std::optional<bool> proven = in.context.not_null_proven(table, cmd->name);
        if (proven == true) return;  // PostgreSQL uses the validated CHECK and skips the scan
        std::string column = table.display() + "." + quote_ident(cmd->name);
        std::string scan = proven ? "scans every row of " + table.display() + " under an ACCESS EXCLUSIVE lock"
                                  : "may scan every row under an ACCESS EXCLUSIVE lock (it does unless a validated "
                                    "CHECK (" + quote_ident(cmd->name) + " IS NOT NULL) already proves it)";
        in.report(kStatementStart, column, "SET NOT NULL on " + column + " " + scan);
    });
}

void check_add_column_not_null_no_default(RuleInput &in) {
    for_each_alter_command(in, {AT_AddColumn}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (cmd->def == nullptr || !IsA(cmd->def, ColumnDef)) return;
        const auto *column = castNode(ColumnDef, cmd->def);
        // PRIMARY KEY written in the column makes it NOT NULL too.
        if (constraint_of(column, CONSTR_NOTNULL) == nullptr && constraint_of(column, CONSTR_PRIMARY) == nullptr &&
            !column->is_not_null)
            return;
        if (constraint_of(column, CONSTR_DEFAULT) != nullptr || constraint_of(column, CONSTR_IDENTITY) != nullptr ||
            constraint_of(column, CONSTR_GENERATED) != nullptr || column->raw_default != nullptr ||
            column->identity != 0 || is_serial(column))
            return;
        if (in.context.table_is_empty(table) == true) return;  // nothing to fill: it succeeds
        std::string name = table.display() + "." + quote_ident(column->colname);
        in.report(kStatementStart, name,
                  "ADD COLUMN " + quote_ident(column->colname) + " NOT NULL without a DEFAULT fails on " +
                      table.display() + " as soon as it holds a row");
    });
}

void check_add_column_volatile_default(RuleInput &in) {
    for_each_alter_command(in, {AT_AddColumn}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (cmd->def == nullptr || !IsA(cmd->def, ColumnDef)) return;
        const auto *column = castNode(ColumnDef, cmd->def);
        std::optional<std::string> reason = column_rewrite_reason(column, in.context);
        if (!reason) return;
        in.report(kStatementStart, table.display() + "." + quote_ident(column->colname),
                  "ADD COLUMN " + quote_ident(column->colname) + " " + *reason + " rewrites " + table.display() +
                      " under an ACCESS EXCLUSIVE lock: every row gets its own value");
    });
}

void check_set_logged_unlogged(RuleInput &in) {
    for_each_alter_command(in, {AT_SetLogged, AT_SetUnLogged}, [&](const RelName &table, const AlterTableCmd *cmd) {
        const char *what = cmd->subtype == AT_SetLogged ? "SET LOGGED" : "SET UNLOGGED";
        in.report(kStatementStart, table.display(),
                  std::string(what) + " rewrites " + table.display() +
                      " under an ACCESS EXCLUSIVE lock: every query on it waits");
    });
}

void check_set_tablespace(RuleInput &in) {
    for_each_alter_command(in, {AT_SetTableSpace}, [&](const RelName &table, const AlterTableCmd *) {
        in.report(kStatementStart, table.display(),
                  "SET TABLESPACE copies " + table.display() + " under an ACCESS EXCLUSIVE lock: every query on it waits");
    });
}

void check_set_access_method(RuleInput &in) {
    for_each_alter_command(in, {AT_SetAccessMethod}, [&](const RelName &table, const AlterTableCmd *) {
        in.report(kStatementStart, table.display(),
                  "SET ACCESS METHOD rewrites " + table.display() +
                      " under an ACCESS EXCLUSIVE lock: every query on it waits");
    });
}

void check_vacuum_full(RuleInput &in) {
    if (!IsA(in.stmt, VacuumStmt)) return;
    const auto *vacuum = castNode(VacuumStmt, in.stmt);
    if (!vacuum->is_vacuumcmd || !option_enabled(vacuum->options, "full")) return;
    if (vacuum->rels == nullptr) {
        in.report(kStatementStart, "", "VACUUM FULL rewrites every table of the database, each under an ACCESS "
                                       "EXCLUSIVE lock");
        return;
    }
    ListCell *cell;
    foreach (cell, vacuum->rels) {
        const RangeVar *relation = lfirst_node(VacuumRelation, cell)->relation;
        if (relation == nullptr) continue;
        RelName table = rel_name(relation);
        if (in.table_is_new(table)) continue;
        in.report(relation->location, table.display(),
                  "VACUUM FULL rewrites " + table.display() + " under an ACCESS EXCLUSIVE lock: every query on it waits");
    }
}

void check_cluster(RuleInput &in) {
    if (!IsA(in.stmt, ClusterStmt)) return;
    const auto *cluster = castNode(ClusterStmt, in.stmt);
    if (cluster->relation == nullptr) {
        in.report(kStatementStart, "", "CLUSTER rewrites every clustered table of the database, each under an "
                                       "ACCESS EXCLUSIVE lock");
        return;
    }
    RelName table = rel_name(cluster->relation);
    if (in.table_is_new(table)) return;
    in.report(cluster->relation->location, table.display(),
              "CLUSTER rewrites " + table.display() + " under an ACCESS EXCLUSIVE lock: every query on it waits");
}

// DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned table (every
// query on any partition waits); CONCURRENTLY takes SHARE UPDATE EXCLUSIVE
// and waits for the queries that use the partition. FINALIZE ends an
// interrupted CONCURRENTLY and is its own ALTER TABLE subcommand.
void check_detach_partition_not_concurrently(RuleInput &in) {
    for_each_alter_command(in, {AT_DetachPartition}, [&](const RelName &table, const AlterTableCmd *cmd) {
        const auto *partition = castNode(PartitionCmd, cmd->def);
        if (partition->concurrent) return;
        in.report(partition->name != nullptr ? partition->name->location : kStatementStart, table.display(),
                  "DETACH PARTITION " + (partition->name != nullptr ? rel_name(partition->name).display() : "") +
                      " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on " + table.display() +
                      ": every query on the partitioned table, whichever partition it reads, waits");
    });
}

// ADD CONSTRAINT ... NOT VALID commits at once and VALIDATE CONSTRAINT then
// takes only SHARE UPDATE EXCLUSIVE; in one transaction, though, the scan
// runs while ADD's lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE
// on both tables for a foreign key) is still held, and NOT VALID gains
// nothing.
void check_validate_in_same_transaction(RuleInput &in) {
    for_each_alter_command(in, {AT_ValidateConstraint}, [&](const RelName &table, const AlterTableCmd *cmd) {
        if (cmd->name == nullptr) return;
        if (!in.script.constraint_added_not_valid(table, cmd->name) &&
            !in.context.constraint_created_in_transaction(table, cmd->name))
            return;
        in.report(kStatementStart, table.display() + "." + quote_ident(cmd->name),
                  "VALIDATE CONSTRAINT " + quote_ident(cmd->name) + " runs in the same transaction as the ADD "
                  "CONSTRAINT ... NOT VALID that created it: the scan of " + table.display() +
                  " runs under the lock ADD took (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for a foreign "
                  "key), held until commit, so NOT VALID gains nothing");
    });
}

// Opt-in: a statement that takes ACCESS EXCLUSIVE on an existing table waits
// behind every running transaction that touched the table, and every query
// that arrives after it waits behind it: without a lock_timeout a migration
// can stop the application while it merely waits.
void check_missing_lock_timeout(RuleInput &in) {
    if (in.script.lock_timeout_set() || in.context.lock_timeout_in_effect()) return;
    for (const TableLock &lock : table_locks(in.stmt, in.context)) {
        if (lock.level != LockLevel::access_exclusive) continue;
        if (lock.kind == OBJECT_INDEX ? in.index_is_new(lock.relation) : in.table_is_new(lock.relation)) continue;
        in.report(kStatementStart, lock.relation.display(),
                  "takes an ACCESS EXCLUSIVE lock on " + lock.relation.display() +
                      " with no lock_timeout set: while it waits for the lock, every query on the table waits "
                      "behind it");
        return;  // one finding per statement
    }
}

}  // namespace migsafe
