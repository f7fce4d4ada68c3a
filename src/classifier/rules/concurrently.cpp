// concurrently-in-transaction: statements PostgreSQL refuses inside a
// transaction block (SQLSTATE 25001), in a script that runs as one. Prisma's
// `migrate deploy` sends a whole migration.sql as one multi-statement query,
// which PostgreSQL runs as one implicit transaction; an explicit BEGIN ...
// COMMIT does the same for any client.
#include "rule.hpp"

#include "../options.hpp"

namespace migsafe {

namespace {

// What the statement is, when PostgreSQL runs it only outside a transaction
// block (PreventInTransactionBlock in PostgreSQL 15), or nullptr.
const char *outside_transactions_only(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_IndexStmt:
            return castNode(IndexStmt, stmt)->concurrent ? "CREATE INDEX CONCURRENTLY" : nullptr;
        case T_DropStmt:
            return castNode(DropStmt, stmt)->concurrent ? "DROP INDEX CONCURRENTLY" : nullptr;
        case T_ReindexStmt:
            return option_enabled(castNode(ReindexStmt, stmt)->params, "concurrently") ? "REINDEX CONCURRENTLY"
                                                                                        : nullptr;
        case T_VacuumStmt:
            return castNode(VacuumStmt, stmt)->is_vacuumcmd ? "VACUUM" : nullptr;
        case T_ClusterStmt:
            return castNode(ClusterStmt, stmt)->relation == nullptr ? "CLUSTER of every table" : nullptr;
        case T_CreatedbStmt:
            return "CREATE DATABASE";
        case T_DropdbStmt:
            return "DROP DATABASE";
        case T_CreateTableSpaceStmt:
            return "CREATE TABLESPACE";
        case T_DropTableSpaceStmt:
            return "DROP TABLESPACE";
        case T_AlterSystemStmt:
            return "ALTER SYSTEM";
        case T_AlterTableStmt: {
            ListCell *cell;
            foreach (cell, castNode(AlterTableStmt, stmt)->cmds) {
                const auto *cmd = lfirst_node(AlterTableCmd, cell);
                if (cmd->subtype == AT_DetachPartition && castNode(PartitionCmd, cmd->def)->concurrent)
                    return "DETACH PARTITION CONCURRENTLY";
            }
            return nullptr;
        }
        default:
            return nullptr;
    }
}

}  // namespace

void check_concurrently_in_transaction(RuleInput &in) {
    const char *what = outside_transactions_only(in.stmt);
    if (what == nullptr) return;
    if (in.script.in_transaction_block()) {
        in.report(kStatementStart, "",
                  std::string(what) + " cannot run inside BEGIN ... COMMIT: PostgreSQL refuses it (SQLSTATE 25001)");
    } else if (in.several_statements) {
        in.report(kStatementStart, "",
                  std::string(what) + " cannot run in a transaction block, and this file has other statements: "
                  "sent as one query (prisma migrate deploy), they run as one transaction and PostgreSQL refuses it "
                  "(SQLSTATE 25001)");
    }
}

}  // namespace migsafe
