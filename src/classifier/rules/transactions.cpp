// transaction-control: transaction statements that a migration file should
// leave to the tool that runs it.
//
// - A BEGIN (START TRANSACTION) whose transaction the script never ends
//   (COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION): run with psql, the
//   transaction and every lock it took stay until the session ends; a
//   migration tool commits or rolls back on its own terms. Reported at the
//   BEGIN when the script ends (deferred.hpp). COMMIT AND CHAIN (or
//   ROLLBACK AND CHAIN) ends a transaction and opens the next one at once:
//   a chain is reported at its last link. A BEGIN inside an open block
//   changes nothing (PostgreSQL only warns): the block's own end ends it.
// - A COMMIT or ROLLBACK (END, ABORT) with no BEGIN of the script open, in
//   a script of several statements: it ends the transaction the tool runs
//   the file in (Flyway, Prisma sending the file as one query, which
//   PostgreSQL runs as one implicit transaction). The statements before a
//   COMMIT stay committed even when a later one fails, a ROLLBACK silently
//   undoes them, and the tool's own rollback and history no longer cover
//   them.
// A script that is nothing but one transaction statement (a lone BEGIN,
// COMMIT or ROLLBACK) is no migration, someone handling a transaction by
// hand, and is not flagged.
// Not flagged: SAVEPOINT, RELEASE and ROLLBACK TO (they stay within the
// transaction), and the two-phase commands PREPARE TRANSACTION, COMMIT
// PREPARED and ROLLBACK PREPARED, which transaction managers run, not
// migration files (PREPARE TRANSACTION still ends an open BEGIN).
//
// The guard never classifies transaction statements (concerns_no_rule()):
// this rule reads scripts only (migsafe check, migsafe_check()), it never
// judges the statements of an application's transactions.
#include "rule.hpp"

namespace migsafe {

void check_transaction_control(RuleInput &in) {
    if (!IsA(in.stmt, TransactionStmt)) return;
    const auto *transaction = castNode(TransactionStmt, in.stmt);
    // A script that is nothing but one transaction statement is no
    // migration: someone ending (or starting) a transaction by hand.
    if (!in.several_statements) return;
    bool in_block = in.script.in_transaction_block();
    switch (transaction->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START:
            if (in_block) return;
            in.defer_open_transaction(kStatementStart, "",
                                      "BEGIN opens a transaction that the script never ends (no COMMIT or ROLLBACK "
                                      "after it): run with psql, it and every lock it took stay open until the "
                                      "session ends; a migration tool commits or rolls back on its own terms");
            return;
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_ROLLBACK: {
            const char *what = transaction->kind == TRANS_STMT_COMMIT ? "COMMIT" : "ROLLBACK";
            if (in_block) {
                if (transaction->chain)
                    in.defer_open_transaction(kStatementStart, "",
                                              std::string(what) + " AND CHAIN opens a new transaction that the "
                                              "script never ends (no COMMIT or ROLLBACK after it): run with psql, it "
                                              "and every lock it took stay open until the session ends");
                return;
            }
            if (transaction->kind == TRANS_STMT_COMMIT)
                in.report(kStatementStart, "",
                          "COMMIT with no BEGIN of the script open ends the transaction the migration tool runs the "
                          "file in: the statements before it stay committed even if a later one fails, and the "
                          "tool's own rollback and history no longer cover them");
            else
                in.report(kStatementStart, "",
                          "ROLLBACK with no BEGIN of the script open ends the transaction the migration tool runs "
                          "the file in: it undoes the statements before it, and the statements after it run outside "
                          "the tool's transaction");
            return;
        }
        default:
            return;
    }
}

}  // namespace migsafe
