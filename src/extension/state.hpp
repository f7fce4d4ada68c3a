// migsafe's state in this database: approvals, maintenance windows, protected
// tables and the audit log, in the tables that CREATE EXTENSION creates in
// schema "migsafe". Only the extension's owner may write them; the guard
// reads and writes them as that owner, with a fixed search_path, whoever the
// session's user is.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace migsafe::state {

// Whether the extension is created in this database (CREATE EXTENSION
// migsafe). Its state tables are then expected: a missing one is an error.
bool installed();

// Whether the statement comes from migsafe's own install or update script,
// which the guard trusts.
bool running_own_script();

// One of the objects an approval or window names.
struct ScopeEntry {
    std::string name;  // as written by the DBA, e.g. public."Skill"
    // The relation it named when given (itself, or the table of the column or
    // constraint it names), 0 when it named none; nullopt for approvals and
    // windows given before 0.2.0, whose names are resolved when the statement
    // runs (object_scope.hpp).
    std::optional<unsigned int> relid;
    std::string part;  // that column or constraint; empty: the whole relation
};

// What an approval or window covers: everything, or the objects it names.
struct Scope {
    bool everything = true;
    std::vector<ScopeEntry> objects;
};

enum class ApprovalStatus { valid, unknown, expired, revoked };

struct Approval {
    ApprovalStatus status = ApprovalStatus::unknown;
    std::string valid_until;  // as text, for messages
    Scope scope;
};

// The latest approval registered under this name.
Approval find_approval(const std::string &migration);

// A statement of a valid script approval (migsafe_approve_script: not
// revoked, not expired, and for a single-use one, not run yet) that has the
// fingerprint asked for.
struct ScriptApproval {
    long long id = 0;
    std::string sha256;  // the script's
    int ordinal = 0;     // the statement's place in it
    bool single_use = false;
    Scope scope;            // the approval's objects (protected tables need naming)
    Scope statement_scope;  // what the statement's findings named when approved
};

// Those statements, newest approval first; none where the state tables
// predate approvals by content (0.1.0, not updated yet).
std::vector<ScriptApproval> find_script_approvals(const std::string &fingerprint);

// Counts one run of the approved statement. False when a single-use one has
// run already (another session took it first): it does not cover this run.
bool record_script_run(const ScriptApproval &approval);

struct Window {
    long long id = 0;
    Scope scope;
};

// The maintenance windows open now in this database.
std::vector<Window> open_windows();

// OIDs of the protected tables, with their partitions and inheritance
// children (which hold the same rows).
std::vector<unsigned int> protected_relations();

// Whether relid is one of the state tables. Answered from a per-session
// cache of their OIDs (refreshed after any relcache invalidation), so the
// hook can ask it of every INSERT.
bool is_state_relation(unsigned int relid);

// Whether migsafe itself is reading or writing its state right now (its own
// statements are not judged).
bool accessing();

// Registers the cache's invalidation callback (_PG_init).
void register_callbacks();

// Runs a fixed query as the extension's owner with a safe search_path and
// returns its rows as text (for the event triggers' look-ups).
std::vector<std::vector<std::optional<std::string>>> trusted_select(const char *sql);

// One dangerous statement that runs.
struct AuditEntry {
    std::string statement;
    std::vector<std::string> rules;
    std::vector<std::string> objects;
    std::string outcome;    // approved | window | warned | ran (the lock wait's own row)
    std::string approval;   // the migration name, or ""
    std::vector<long long> windows;
    long long script_approval = 0;  // the script approval used (0: none)
    std::string script_sha256;      // and its script's SHA-256
};

// Writes the audit row, or, where no row can be written (read-only
// transaction, hot standby, no state tables, any error), the same fields to
// the server log. Never changes the outcome of the statement. also_log:
// write the server-log line as well (for changes to migsafe itself, whose
// audit table may be about to go).
void audit(const AuditEntry &entry, bool also_log = false);

// The id of the audit row the last audit() call wrote (0: none since
// forget_last_audit()): the lock wait adds its times to that row.
long long last_audit_id();
void forget_last_audit();

// Sets the audit row's lock_wait and lock_held (at commit). Never raises: a
// row that cannot be updated is reported in the server log.
void record_lock_times(long long audit_id, double wait_ms, double held_ms);

// What migsafe.keep_dropped did with a table an approved DROP TABLE names:
// kept_as its name in schema migsafe_dropped, or not_kept why it was not
// kept (the DROP then runs), or error what failed (likewise).
struct KeepResult {
    std::string kept_as, not_kept, error;
};
KeepResult keep_dropped(unsigned int relid, int keep_for_s, const std::string &statement);

// Records in the audit row where the table went.
void record_kept(long long audit_id, const std::string &kept_as);

// A server-log line (never sent to the client): message, then as DETAIL the
// session's fields and the entry's: "user=... role=... database=...
// application=... client=... rules=... objects=... approval=... script=... mode=...
// reason=... statement=...".
void log_entry(const std::string &message, const AuditEntry &entry, const std::string &reason);

}  // namespace migsafe::state
