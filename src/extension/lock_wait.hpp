// The lock wait: DDL that needs SHARE or a stronger lock on an existing
// table takes it without joining the lock queue, so that production traffic
// never waits behind a migration that itself waits.
//
// PostgreSQL grants a lock request in queue order: an ALTER TABLE waiting for
// ACCESS EXCLUSIVE behind one long transaction makes every later query on
// that table wait behind the ALTER. Here the statement's locks are tried
// conditionally (granted now or not at all, never queued), again and again
// with exponential backoff and jitter, within migsafe.lock_wait_budget; when
// the budget runs out, the statement is refused (SQLSTATE MS002,
// lock-not-granted) with the sessions that blocked it. docs/dba-guide.md
// describes the settings; bench/lock_wait measures what it is for.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/nodes.h"
}

#include "../classifier/table_locks.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe::lock_wait {

// SQLSTATE of a statement that did not get its locks within the budget.
#define ERRCODE_MIGSAFE_LOCK_NOT_GRANTED MAKE_SQLSTATE('M', 'S', '0', '0', '2')

// A session that holds, or waits for, a lock that conflicts with ours.
struct Blocker {
    std::optional<int> pid;  // none: a prepared transaction
    std::string role, application, state, backend_type, query, modes;
    bool holds = true;                    // false: queued, waiting for it
    std::optional<double> transaction_s;  // how long its transaction has been open
    std::optional<double> state_s;        // how long it has been in its state
};

// The sessions holding or awaiting a lock on the relation that conflicts
// with level, oldest transaction first (at most 20), as pg_locks and
// pg_stat_activity show them to the current user.
std::vector<Blocker> blockers(Oid relation, LockLevel level);

// "pid 4242 (role app, application 'worker') idle in transaction for 2 h
// 13 min, transaction open 2 h 13 min, holds RowExclusiveLock: UPDATE ..."
std::string describe(const Blocker &blocker);

// Called before a utility statement runs, after the guard judged it. When
// the lock wait applies, takes the statement's locks on existing tables
// without queueing (they are then held until the transaction ends, as the
// statement would hold them), or, for a statement that commits internally,
// looks until they are free. Returns whether it applied; throws Blocked
// (MS002) when the budget runs out or a blocker is older than
// migsafe.max_blocker_age.
bool before_statement(const Node *stmt);

// Called after a statement that went through the lock wait ran: the audit
// row written for it when it was judged (audit_id), or else a new one with
// outcome 'ran', gets the time it waited and, at commit, the time its locks
// were held.
void after_statement(long long audit_id, std::string_view statement);

// Registers the transaction callback that records the hold times (_PG_init).
void register_callbacks();

}  // namespace migsafe::lock_wait
