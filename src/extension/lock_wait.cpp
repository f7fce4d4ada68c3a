// The lock wait (see lock_wait.hpp): conditional lock tries with backoff,
// the blockers' description, and the audit's lock times.
#include "lock_wait.hpp"

#include "../classifier/durations.hpp"
#include "database_context.hpp"
#include "entry_point.hpp"
#include "settings.hpp"
#include "state.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}

#include <algorithm>
#include <cmath>

namespace migsafe::lock_wait {

namespace {

// The first pause between tries, and the longest: the pause doubles after
// each failed try, and a random part of it (jitter) keeps several waiting
// migrations from trying in step.
constexpr long kFirstPauseMs = 10;
constexpr long kLongestPauseMs = 1000;
constexpr int kBlockersShown = 5;

// One relation the statement locks, at the level it needs.
struct Target {
    Oid relation;
    LOCKMODE mode;
    LockLevel level;
    std::string name;
};

// DROP INDEX locks the index's table before the index, at the same level
// (PostgreSQL's own order); other index statements lock the index only.
void add_targets(const TableLock &lock, const Node *stmt, std::vector<Target> &targets) {
    Oid relation = resolve_relation(lock.relation);
    if (!OidIsValid(relation)) return;  // created by this statement, or not there: nothing to wait for
    auto mode = static_cast<LOCKMODE>(lock.level);
    std::string name = lock.relation.display();
    if (lock.kind == OBJECT_INDEX && IsA(stmt, DropStmt)) {
        Oid table = pg_call([&] { return IndexGetRelation(relation, true); });
        if (OidIsValid(table)) targets.push_back({table, mode, lock.level, name + "'s table"});
    }
    targets.push_back({relation, mode, lock.level, name});
}

// The relations the statement locks at SHARE or stronger, in its order.
std::vector<Target> targets_of(const Node *stmt) {
    std::vector<Target> targets;
    ProtectedNames text_only;  // lock levels need no catalog facts
    for (const TableLock &lock : table_locks(stmt, text_only))
        if (lock.level >= LockLevel::share) add_targets(lock, stmt, targets);
    return targets;
}

enum class Way { none, hold, look };

// How the lock wait applies: hold the locks it took (the statement runs in
// the caller's transaction), look only (a statement that commits
// internally would release them), or not at all. LOCK TABLE is the user's
// own explicit wait.
Way way_for(const Node *stmt) {
    if (settings::lock_wait_budget() <= 0 || IsA(stmt, LockStmt)) return Way::none;
    if (LockTimeout > 0 && !settings::lock_wait_always) return Way::none;
    if (runs_in_one_transaction(stmt)) return Way::hold;
    return settings::lock_wait_always ? Way::look : Way::none;
}

// Tries every target's lock without queueing. Returns the index of the one
// that was not free (after releasing the ones this try took), or -1 when
// all were granted; a look releases them at once.
int try_locks(const std::vector<Target> &targets, Way way) {
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const Target &target = targets[i];
        bool granted = pg_call([&] { return ConditionalLockRelationOid(target.relation, target.mode); });
        if (granted) continue;
        for (std::size_t j = 0; j < i; ++j) pg_call([&] { UnlockRelationOid(targets[j].relation, targets[j].mode); });
        return static_cast<int>(i);
    }
    if (way == Way::look)
        for (const Target &target : targets) pg_call([&] { UnlockRelationOid(target.relation, target.mode); });
    return -1;
}

// Sleeps for ms or until the latch is set; a cancel, statement_timeout or
// terminate is raised here (as a PgError).
void pause(long ms) {
    pg_call([&] {
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, ms, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        CHECK_FOR_INTERRUPTS();
    });
}

// The next pause: half the backoff plus a random part of the other half.
long next_pause(long backoff) { return backoff / 2 + static_cast<long>(pg_prng_double(&pg_global_prng_state) * (backoff / 2 + 1)); }

double elapsed_ms(TimestampTz since) {
    return static_cast<double>(pg_call([] { return GetCurrentTimestamp(); }) - since) / 1000.0;
}

std::string blocker_list(const std::vector<Blocker> &found) {
    if (found.empty()) return "no blocker is visible any more (it ended as the budget ran out).";
    std::string text;
    for (std::size_t i = 0; i < found.size() && i < kBlockersShown; ++i) text += (i ? "; " : "") + describe(found[i]);
    if (found.size() > kBlockersShown) text += "; and " + std::to_string(found.size() - kBlockersShown) + " more";
    return text + ".";
}

std::string terminate_hint(const std::vector<Blocker> &found) {
    std::string pids;
    for (const Blocker &blocker : found)
        if (blocker.pid && blocker.holds) pids += (pids.empty() ? "" : ", ") + std::to_string(*blocker.pid);
    if (pids.empty()) return "";
    return " (SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[" + pids + "]) AS pid, after checking what they do)";
}

[[noreturn]] void refuse(const Target &target, const std::string &why, const std::vector<Blocker> &found,
                         int tries) {
    std::string message = "migsafe lock-not-granted on " + target.name + ": " + lock_level_name(target.level) +
                          " " + why;
    std::string detail = "The statement asked for its lock " + std::to_string(tries) +
                         (tries == 1 ? " time" : " times") +
                         " without joining the lock queue, so no other session waited behind it. Blocked by: " +
                         blocker_list(found);
    std::string hint = "End the blocking transactions" + terminate_hint(found) +
                       " or wait for them, then run the migration again; or reschedule it into a quiet hour or a "
                       "maintenance window. A longer migsafe.lock_wait_budget waits longer.";
    throw Blocked{pg_strdup(message), pg_strdup(detail), pg_strdup(hint), ERRCODE_MIGSAFE_LOCK_NOT_GRANTED};
}

// The oldest transaction among the blockers, in seconds.
double oldest_transaction(const std::vector<Blocker> &found) {
    double oldest = 0;
    for (const Blocker &blocker : found) oldest = std::max(oldest, blocker.transaction_s.value_or(0));
    return oldest;
}

// ---- telemetry -------------------------------------------------------------

// A statement of this transaction that went through the lock wait, and its
// audit row.
struct LockedStatement {
    long long audit_id;
    double wait_ms;
    TimestampTz locked_at;
};
std::vector<LockedStatement> locked_statements;

// What before_statement() measured for the statement now running.
double current_wait_ms = 0;
TimestampTz current_locked_at = 0;

void record_at_commit() {
    for (const LockedStatement &locked : locked_statements)
        state::record_lock_times(locked.audit_id, locked.wait_ms, elapsed_ms(locked.locked_at));
}

void transaction_event(XactEvent event, void *) {
    if (event == XACT_EVENT_PRE_COMMIT && !locked_statements.empty()) {
        // Never raises: a commit does not fail for want of telemetry.
        try {
            record_at_commit();
        } catch (...) {
        }
    }
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
        locked_statements.clear();
}

// ---- pg_locks --------------------------------------------------------------

// Run as the current user: pg_stat_activity shows another role's query
// only to roles allowed to see it, and so does this.
constexpr const char *kBlockersSql =
    "SELECT l.pid, min(a.usename::text), min(a.application_name), min(a.state), min(a.backend_type), "
    "  extract(epoch FROM pg_catalog.clock_timestamp() - min(a.xact_start))::float8, "
    "  extract(epoch FROM pg_catalog.clock_timestamp() - min(a.state_change))::float8, "
    "  pg_catalog.left(pg_catalog.rtrim(pg_catalog.regexp_replace(min(a.query), '\\s+', ' ', 'g'), '; '), 200), "
    "  pg_catalog.string_agg(DISTINCT l.mode, ', '), pg_catalog.bool_or(l.granted) "
    "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'relation' AND l.relation = $1 AND l.mode = ANY ($2) "
    "  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
    "  AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid() "
    "GROUP BY l.pid, l.virtualtransaction "
    "ORDER BY pg_catalog.bool_or(l.granted) DESC, min(a.xact_start) NULLS LAST, l.pid LIMIT 20";

struct BlockerRows {
    int rows;
    char **cells;  // rows * 10, nullptr for NULL, in the caller's context
};

void select_blockers(Oid relation, Datum modes, BlockerRows *out) {
    MemoryContext caller = CurrentMemoryContext;
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    Oid types[] = {OIDOID, TEXTARRAYOID};
    Datum values[] = {ObjectIdGetDatum(relation), modes};
    int result = SPI_execute_with_args(kBlockersSql, 2, types, values, nullptr, true, 0);
    if (result != SPI_OK_SELECT) elog(ERROR, "migsafe: reading pg_locks failed: %s", SPI_result_code_string(result));
    out->rows = static_cast<int>(SPI_processed);
    out->cells = static_cast<char **>(MemoryContextAllocZero(caller, sizeof(char *) * (out->rows * 10 + 1)));
    for (int row = 0; row < out->rows; ++row)
        for (int col = 0; col < 10; ++col) {
            char *value = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col + 1);
            out->cells[row * 10 + col] = value != nullptr ? MemoryContextStrdup(caller, value) : nullptr;
        }
    SPI_finish();
}

std::string cell_text(const char *cell) { return cell != nullptr ? cell : ""; }
std::optional<double> cell_number(const char *cell) {
    return cell != nullptr ? std::optional<double>(strtod(cell, nullptr)) : std::nullopt;
}

}  // namespace

std::vector<Blocker> blockers(Oid relation, LockLevel level) {
    std::vector<Datum> names;
    for (LockLevel conflicting : conflicting_levels(level))
        names.push_back(pg_call([&] { return CStringGetTextDatum(pg_locks_mode(conflicting)); }));
    Datum modes = pg_call([&] {
        return PointerGetDatum(construct_array(names.data(), static_cast<int>(names.size()), TEXTOID, -1, false,
                                               TYPALIGN_INT));
    });
    BlockerRows rows{0, nullptr};
    pg_call([&] { select_blockers(relation, modes, &rows); });
    std::vector<Blocker> found;
    for (int row = 0; row < rows.rows; ++row) {
        char **cell = rows.cells + row * 10;
        Blocker blocker;
        if (cell[0] != nullptr) blocker.pid = atoi(cell[0]);
        blocker.role = cell_text(cell[1]);
        blocker.application = cell_text(cell[2]);
        blocker.state = cell_text(cell[3]);
        blocker.backend_type = cell_text(cell[4]);
        blocker.transaction_s = cell_number(cell[5]);
        blocker.state_s = cell_number(cell[6]);
        blocker.query = cell_text(cell[7]);
        blocker.modes = cell_text(cell[8]);
        blocker.holds = cell_text(cell[9]) == "t";
        found.push_back(blocker);
    }
    return found;
}

std::string describe(const Blocker &blocker) {
    if (!blocker.pid) return "a prepared transaction (see pg_prepared_xacts) holds " + blocker.modes;
    std::string who = "pid " + std::to_string(*blocker.pid) + " (";
    if (!blocker.role.empty()) who += "role " + blocker.role;
    else who += blocker.backend_type.empty() ? "unknown session" : blocker.backend_type;
    if (!blocker.application.empty()) who += ", application '" + blocker.application + "'";
    who += ")";
    if (!blocker.state.empty()) {
        who += " " + blocker.state;
        if (blocker.state_s) who += " for " + duration_text(*blocker.state_s);
    }
    if (blocker.transaction_s) who += ", transaction open " + duration_text(*blocker.transaction_s);
    who += blocker.holds ? ", holds " + blocker.modes : ", queued for " + blocker.modes;
    if (!blocker.query.empty()) who += ": " + blocker.query;
    return who;
}

bool before_statement(const Node *stmt) {
    current_wait_ms = 0;
    current_locked_at = 0;
    Way way = way_for(stmt);
    if (way == Way::none) return false;
    std::vector<Target> targets = targets_of(stmt);
    if (targets.empty()) return false;

    TimestampTz start = pg_call([] { return GetCurrentTimestamp(); });
    int budget = settings::lock_wait_budget();
    long backoff = kFirstPauseMs;
    bool looked = false;
    for (int tries = 1;; ++tries) {
        int busy = try_locks(targets, way);
        if (busy < 0) break;
        const Target &target = targets[static_cast<std::size_t>(busy)];
        double waited = elapsed_ms(start);
        if (!looked && settings::max_blocker_age_ms > 0) {
            looked = true;
            std::vector<Blocker> found = blockers(target.relation, target.level);
            double oldest = oldest_transaction(found);
            if (oldest * 1000 > settings::max_blocker_age_ms)
                refuse(target,
                       "is held or awaited by a transaction open " + duration_text(oldest) +
                           ", longer than migsafe.max_blocker_age (" +
                           duration_text(settings::max_blocker_age_ms / 1000.0) + "): not waiting for it",
                       found, tries);
        }
        if (waited >= budget)
            refuse(target, "was not free within migsafe.lock_wait_budget (" + duration_text(budget / 1000.0) + ")",
                   blockers(target.relation, target.level), tries);
        pause(std::min(next_pause(backoff), static_cast<long>(std::ceil(budget - waited))));
        backoff = std::min(backoff * 2, kLongestPauseMs);
    }
    current_wait_ms = elapsed_ms(start);
    current_locked_at = pg_call([] { return GetCurrentTimestamp(); });
    return way == Way::hold;
}

void after_statement(long long audit_id, std::string_view statement) {
    if (audit_id == 0) {
        state::AuditEntry entry;
        entry.statement = std::string(statement);
        entry.outcome = "ran";
        state::audit(entry);
        audit_id = state::last_audit_id();
    }
    if (audit_id != 0) locked_statements.push_back({audit_id, current_wait_ms, current_locked_at});
}

void register_callbacks() { RegisterXactCallback(transaction_event, nullptr); }

}  // namespace migsafe::lock_wait
