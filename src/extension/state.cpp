#include "state.hpp"

#include "../parser/pg_call.hpp"
#include "entry_point.hpp"
#include "settings.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_inherits.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

#include <algorithm>
#include <cstdlib>
#include <iterator>

namespace migsafe::state {

namespace {

// ---- running a query on the state tables ----------------------------------
// The functions in this section are plain C in all but name: they call
// PostgreSQL functions that raise, so no object with a destructor may live
// in their frames. They run under pg_call().

// Depth of migsafe's own state access (run_as_owner), for accessing().
int access_depth = 0;

// The state tables' OIDs in this database, or zeros; valid until the next
// relcache invalidation.
struct StateRelations {
    bool valid;
    Oid relids[6];
};
StateRelations state_relations = {false, {}};
constexpr const char *kStateTables[] = {"approvals", "windows",   "protected_tables",
                                        "audit_log", "script_approvals", "script_statements"};

void forget_state_relations(Datum, Oid) { state_relations.valid = false; }

struct StateQuery {
    const char *sql;
    int nargs;
    Oid *types;
    Datum *values;
    // Results, as text, allocated in the caller's memory context.
    int rows;
    int cols;
    char **cells;  // rows * cols; nullptr for SQL NULL
};

Oid state_table(const char *name) {
    Oid schema = get_namespace_oid("migsafe", true);
    return OidIsValid(schema) ? get_relname_relid(name, schema) : InvalidOid;
}

Oid owner_of(Oid relation) {
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relation));
    if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for relation %u", relation);
    Oid owner = ((Form_pg_class)GETSTRUCT(tuple))->relowner;
    ReleaseSysCache(tuple);
    return owner;
}

void state_error_context(void *) {
    errcontext("while migsafe was reading or writing its state in schema \"migsafe\" "
               "(if it is damaged, reinstall it: DROP EXTENSION migsafe; CREATE EXTENSION migsafe)");
}

// The plans of the state queries, kept for the session: the guard runs the
// same few queries for every dangerous statement (the approval, the open
// windows, the audit row), and parsing and planning them each time was most
// of its cost on a migration of many statements. PostgreSQL replans a kept
// plan when a table it uses changes (an extension dropped and created again).
struct KeptPlan {
    char *sql;
    SPIPlanPtr plan;
    KeptPlan *next;
};
KeptPlan *kept_plans = nullptr;

SPIPlanPtr plan_for(const StateQuery *query) {
    for (KeptPlan *kept = kept_plans; kept != nullptr; kept = kept->next)
        if (strcmp(kept->sql, query->sql) == 0) return kept->plan;
    SPIPlanPtr plan = SPI_prepare(query->sql, query->nargs, query->types);
    if (plan == nullptr) elog(ERROR, "migsafe state query could not be planned: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(plan) != 0) elog(ERROR, "migsafe state query could not be kept");
    auto *kept = static_cast<KeptPlan *>(MemoryContextAlloc(TopMemoryContext, sizeof(KeptPlan)));
    kept->sql = MemoryContextStrdup(TopMemoryContext, query->sql);
    kept->plan = plan;
    kept->next = kept_plans;
    kept_plans = kept;
    return plan;
}

// Runs one statement on the state tables as the extension's owner, with
// search_path pg_catalog, pg_temp: neither the session's user nor its
// search_path can change what it reads or where it writes.
void run_as_owner(void *argument) {
    auto *query = static_cast<StateQuery *>(argument);
    MemoryContext caller = CurrentMemoryContext;
    Oid approvals = state_table("approvals");
    if (!OidIsValid(approvals))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("migsafe's state tables are missing in database \"%s\"", get_database_name(MyDatabaseId)),
                        errhint("Run CREATE EXTENSION migsafe in this database.")));
    ErrorContextCallback callback = {error_context_stack, state_error_context, nullptr};
    error_context_stack = &callback;

    int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                            true, 0, false);
    Oid saved_user;
    int saved_security;
    GetUserIdAndSecContext(&saved_user, &saved_security);
    SetUserIdAndSecContext(owner_of(approvals),
                           saved_security | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);

    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    ++access_depth;
    int result;
    PG_TRY();
    {
        result = SPI_execute_plan(plan_for(query), query->values, nullptr, false, 0);
    }
    PG_FINALLY();
    {
        --access_depth;
    }
    PG_END_TRY();
    if (result < 0) elog(ERROR, "migsafe state query failed: %s", SPI_result_code_string(result));
    query->rows = SPI_tuptable != nullptr ? static_cast<int>(SPI_processed) : 0;
    query->cols = SPI_tuptable != nullptr ? SPI_tuptable->tupdesc->natts : 0;
    query->cells = static_cast<char **>(
        MemoryContextAllocZero(caller, sizeof(char *) * (query->rows * query->cols + 1)));
    for (int row = 0; row < query->rows; ++row)
        for (int col = 0; col < query->cols; ++col) {
            char *value = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col + 1);
            query->cells[row * query->cols + col] = value != nullptr ? MemoryContextStrdup(caller, value) : nullptr;
        }
    SPI_finish();

    SetUserIdAndSecContext(saved_user, saved_security);
    AtEOXact_GUC(true, nest_level);
    error_context_stack = callback.previous;
}

// run_as_owner in a subtransaction: an error is caught and its message
// returned (allocated in the caller's context); nullptr on success.
struct GuardedWrite {
    StateQuery *query;
    char *error;
};

void run_in_subtransaction(void *argument) {
    auto *write = static_cast<GuardedWrite *>(argument);
    MemoryContext caller = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(caller);
    PG_TRY();
    {
        run_as_owner(write->query);
        ReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(caller);
        CurrentResourceOwner = owner;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller);
        ErrorData *error = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(caller);
        CurrentResourceOwner = owner;
        write->error = error->message;
    }
    PG_END_TRY();
}

// The protected tables and their partitions and inheritance children, at any
// depth. The guard asks for every DDL statement and migsafe_check() for
// every script, so this reads migsafe.protected_tables (a handful of rows)
// directly, as the catalog's own look-ups do, instead of running SQL: parsing
// and planning a query would cost a hundred times more. It reads the latest
// committed rows, like a new query would.
List *protected_relids() {
    Oid table = state_table("protected_tables");
    if (!OidIsValid(table))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation \"migsafe.protected_tables\" does not exist")));
    Relation relation = table_open(table, AccessShareLock);
    AttrNumber rel_column = get_attnum(table, "rel");
    if (rel_column == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("column \"rel\" of relation \"migsafe.protected_tables\" does not exist")));
    Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
    TableScanDesc scan = table_beginscan(relation, snapshot, 0, nullptr);
    List *roots = NIL;
    HeapTuple tuple;
    while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
        bool is_null;
        Datum rel = heap_getattr(tuple, rel_column, RelationGetDescr(relation), &is_null);
        if (!is_null) roots = lappend_oid(roots, DatumGetObjectId(rel));
    }
    table_endscan(scan);
    UnregisterSnapshot(snapshot);
    table_close(relation, AccessShareLock);

    List *relids = NIL;
    ListCell *cell;
    foreach (cell, roots) {
        Oid root = lfirst_oid(cell);
        if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(root)))
            relids = list_concat_unique_oid(relids, find_all_inheritors(root, NoLock, nullptr));
    }
    return relids;
}

// ---- C++ side --------------------------------------------------------------

using Row = std::vector<std::optional<std::string>>;

// Fail closed: a state that cannot be read refuses the statement being
// judged, with SQLSTATE MS001 and the way to repair. (The transaction aborts
// right after, which releases what the failed query held.)
[[noreturn]] void refuse_unreadable_state(const PgError &error) {
    std::string database = pg_call([] { return get_database_name(MyDatabaseId); });
    throw Blocked{pg_strdup("migsafe cannot read its state in database \"" + database + "\""),
                  pg_strdup(std::string("The guard cannot tell whether the statement is allowed: ") + error.what() +
                          "."),
                  pg_strdup("A table of schema migsafe is missing or damaged. As a superuser, reinstall: "
                          "DROP EXTENSION migsafe; CREATE EXTENSION migsafe; (approvals, windows, protected "
                          "tables and the audit are lost: copy the migsafe.* tables first if they can be read).")};
}

// Runs read (plain C, under pg_call) on the state; an error other than a
// cancel refuses the statement being judged.
template <typename Read>
auto read_state(Read read) {
    try {
        return pg_call(read);
    } catch (const PgError &error) {
        if (error.data()->sqlerrcode == ERRCODE_QUERY_CANCELED) throw;  // a cancel stays a cancel
        refuse_unreadable_state(error);
    }
}

std::vector<Row> select(const char *sql, int nargs = 0, Oid *types = nullptr, Datum *values = nullptr) {
    StateQuery query{sql, nargs, types, values, 0, 0, nullptr};
    read_state([&] { run_as_owner(&query); });
    std::vector<Row> rows(query.rows);
    for (int row = 0; row < query.rows; ++row)
        for (int col = 0; col < query.cols; ++col) {
            const char *cell = query.cells[row * query.cols + col];
            rows[row].push_back(cell != nullptr ? std::optional<std::string>(cell) : std::nullopt);
        }
    return rows;
}

Datum text_datum(const std::string &value) {
    return pg_call([&] { return PointerGetDatum(cstring_to_text_with_len(value.data(), static_cast<int>(value.size()))); });
}

Datum text_array(const std::vector<std::string> &values) {
    std::vector<Datum> elements;
    for (const std::string &value : values) elements.push_back(text_datum(value));
    Datum *data = elements.data();
    int count = static_cast<int>(elements.size());
    return pg_call([&] { return PointerGetDatum(construct_array(data, count, TEXTOID, -1, false, TYPALIGN_INT)); });
}

Datum bigint_array(const std::vector<long long> &values) {
    std::vector<Datum> elements;
    for (long long value : values) elements.push_back(Int64GetDatum(value));
    Datum *data = elements.data();
    int count = static_cast<int>(elements.size());
    return pg_call([&] { return PointerGetDatum(construct_array(data, count, INT8OID, 8, true, TYPALIGN_DOUBLE)); });
}

// Rows (..., everything, object, relid, part) of an approval or window, one
// per object.
void add_scope_row(Scope &scope, const Row &row, std::size_t everything_col) {
    scope.everything = row[everything_col].value_or("t") == "t";
    if (!row[everything_col + 1]) return;
    ScopeEntry entry{*row[everything_col + 1], std::nullopt, row[everything_col + 3].value_or("")};
    if (row[everything_col + 2]) entry.relid = static_cast<unsigned int>(std::strtoul(row[everything_col + 2]->c_str(), nullptr, 10));
    scope.objects.push_back(std::move(entry));
}

std::string joined(const std::vector<std::string> &values) {
    std::string out;
    for (const std::string &value : values) out += (out.empty() ? "" : ",") + value;
    return out;
}

// The client's address as inet_client_addr() gives it, or "local".
const char *client_address() {
    LOCAL_FCINFO(call, 0);
    InitFunctionCallInfoData(*call, nullptr, 0, InvalidOid, nullptr, nullptr);
    Datum address = inet_client_addr(call);
    return call->isnull ? "local" : DatumGetCString(DirectFunctionCall1(inet_out, address));
}

// The session's fields: "user=... role=... database=... application=... client=...".
std::string session_fields() {
    return pg_call([]() -> const char * {
        const char *user = GetUserNameFromId(GetSessionUserId(), true);
        const char *role = GetUserNameFromId(GetUserId(), true);
        const char *database = get_database_name(MyDatabaseId);
        const char *client = client_address();
        return psprintf("user=%s role=%s database=%s application=%s client=%s", user ? user : "?",
                        role ? role : "?", database ? database : "?",
                        application_name != nullptr ? application_name : "", client);
    });
}

}  // namespace

bool is_state_relation(unsigned int relid) {
    if (!state_relations.valid) {
        pg_call([] {
            for (std::size_t i = 0; i < std::size(kStateTables); ++i)
                state_relations.relids[i] = state_table(kStateTables[i]);
        });
        state_relations.valid = true;
    }
    return relid != InvalidOid &&
           std::find(std::begin(state_relations.relids), std::end(state_relations.relids), relid) !=
               std::end(state_relations.relids);
}

bool accessing() { return access_depth > 0; }

void register_callbacks() { CacheRegisterRelcacheCallback(forget_state_relations, (Datum)0); }

std::vector<Row> trusted_select(const char *sql) { return select(sql); }

bool installed() {
    // The extension, not its tables: a damaged state (a table dropped) must
    // fail closed with an error, not look like "not installed".
    return pg_call([] { return OidIsValid(get_extension_oid("migsafe", true)); });
}

bool running_own_script() {
    return pg_call([] { return creating_extension && CurrentExtensionObject == get_extension_oid("migsafe", true); });
}

// Whether the state table has the columns of resolved scopes (0.2.0). A
// database whose extension is still at 0.1.0 (new library, ALTER EXTENSION
// UPDATE not run yet) keeps working: its scopes are names, resolved when the
// statement runs, as 0.1.0 did.
bool has_resolved_scopes(const char *table) {
    return pg_call([&] {
        Oid relation = state_table(table);
        return OidIsValid(relation) && get_attnum(relation, "object_relids") != InvalidAttrNumber;
    });
}

// "unnest(X.objects, X.object_relids, X.object_parts)", or its 0.1.0 form.
std::string scope_unnest(const char *table, const char *alias) {
    std::string prefix = std::string(alias) + ".";
    if (!has_resolved_scopes(table)) return "unnest(" + prefix + "objects, NULL::regclass[], NULL::text[])";
    return "unnest(" + prefix + "objects, " + prefix + "object_relids, " + prefix + "object_parts)";
}

Approval find_approval(const std::string &migration) {
    std::string sql =
        "SELECT a.revoked_at IS NOT NULL, a.valid_until <= clock_timestamp(), "
        "       to_char(a.valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', "
        "       a.objects IS NULL, o.object, o.relid::oid, o.part "
        "FROM migsafe.approvals a "
        "LEFT JOIN LATERAL " + scope_unnest("approvals", "a") + " AS o(object, relid, part) ON true "
        "WHERE a.id = (SELECT max(id) FROM migsafe.approvals WHERE migration = $1)";
    Oid types[] = {TEXTOID};
    Datum values[] = {text_datum(migration)};
    Approval approval;
    std::vector<Row> rows = select(sql.c_str(), 1, types, values);
    for (const Row &row : rows) {
        approval.status = row[0] == "t"   ? ApprovalStatus::revoked
                          : row[1] == "t" ? ApprovalStatus::expired
                                          : ApprovalStatus::valid;
        approval.valid_until = row[2].value_or("");
        add_scope_row(approval.scope, row, 3);
    }
    return approval;
}

std::vector<ScriptApproval> find_script_approvals(const std::string &fingerprint) {
    std::vector<ScriptApproval> approvals;
    if (!pg_call([] { return OidIsValid(state_table("script_statements")); })) return approvals;
    static const char *sql =
        "SELECT a.id, a.script_sha256, s.ordinal, a.single_use, a.objects IS NULL, o.object, o.relid::oid, o.part "
        "FROM migsafe.script_statements s "
        "JOIN migsafe.script_approvals a ON a.id = s.approval "
        "LEFT JOIN LATERAL unnest(a.objects, a.object_relids, a.object_parts) AS o(object, relid, part) ON true "
        "WHERE s.fingerprint = $1 AND a.revoked_at IS NULL AND a.valid_until > clock_timestamp() "
        "  AND (NOT a.single_use OR s.runs = 0) "
        "ORDER BY a.id DESC, s.ordinal";
    Oid types[] = {TEXTOID};
    Datum values[] = {text_datum(fingerprint)};
    for (const Row &row : select(sql, 1, types, values)) {
        long long id = std::atoll(row[0].value_or("0").c_str());
        int ordinal = std::atoi(row[2].value_or("0").c_str());
        if (approvals.empty() || approvals.back().id != id || approvals.back().ordinal != ordinal)
            approvals.push_back({id, row[1].value_or(""), ordinal, row[3] == "t", {}, {false, {}}});
        add_scope_row(approvals.back().scope, row, 4);
    }
    static const char *pins =
        "SELECT o.object, o.relid::oid FROM migsafe.script_statements s, "
        "LATERAL unnest(s.objects, s.object_relids) AS o(object, relid) WHERE s.approval = $1 AND s.ordinal = $2";
    for (ScriptApproval &approval : approvals) {
        Oid types[] = {INT8OID, INT4OID};
        Datum values[] = {Int64GetDatum(approval.id), Int32GetDatum(approval.ordinal)};
        for (const Row &row : select(pins, 2, types, values)) {
            ScopeEntry entry{row[0].value_or(""), std::nullopt, ""};
            if (row[1]) entry.relid = static_cast<unsigned int>(std::strtoul(row[1]->c_str(), nullptr, 10));
            approval.statement_scope.objects.push_back(std::move(entry));
        }
    }
    return approvals;
}

bool record_script_run(const ScriptApproval &approval) {
    // Under READ COMMITTED a second session's UPDATE of the same row waits
    // for the first and then sees runs = 1: a single-use statement runs once.
    static const char *sql =
        "UPDATE migsafe.script_statements SET runs = runs + 1, last_run_at = clock_timestamp() "
        "WHERE approval = $1 AND ordinal = $2 AND (runs = 0 OR NOT $3) RETURNING runs";
    Oid types[] = {INT8OID, INT4OID, BOOLOID};
    Datum values[] = {Int64GetDatum(approval.id), Int32GetDatum(approval.ordinal), BoolGetDatum(approval.single_use)};
    return !select(sql, 3, types, values).empty();
}

std::vector<Window> open_windows() {
    std::string sql =
        "SELECT w.id, w.objects IS NULL, o.object, o.relid::oid, o.part "
        "FROM migsafe.windows w "
        "LEFT JOIN LATERAL " + scope_unnest("windows", "w") + " AS o(object, relid, part) ON true "
        "WHERE w.closed_at IS NULL AND w.closes_at > clock_timestamp() ORDER BY w.id";
    std::vector<Window> windows;
    for (const Row &row : select(sql.c_str())) {
        long long id = std::atoll(row[0].value_or("0").c_str());
        if (windows.empty() || windows.back().id != id) windows.push_back({id, {}});
        add_scope_row(windows.back().scope, row, 1);
    }
    return windows;
}

std::vector<unsigned int> protected_relations() {
    List *relids = read_state([] { return protected_relids(); });
    std::vector<unsigned int> relations;
    ListCell *cell;
    foreach (cell, relids) relations.push_back(lfirst_oid(cell));
    return relations;
}

namespace {
long long last_audit_row = 0;
}

long long last_audit_id() { return last_audit_row; }
void forget_last_audit() { last_audit_row = 0; }

void audit(const AuditEntry &entry, bool also_log) {
    static const char *sql =
        "INSERT INTO migsafe.audit_log (session_role, acting_role, database_name, application_name, "
        "  client_addr, backend_pid, statement, rules, objects, mode, outcome, approval, window_ids, "
        "  script_approval, script_sha256) "
        "VALUES (session_user, $1, current_database(), current_setting('application_name'), "
        "  inet_client_addr(), pg_backend_pid(), $2, $3, $4, $5, $6, NULLIF($7, ''), $8, NULLIF($9, 0), "
        "  NULLIF($10, '')) RETURNING id";
    // The audit table of 0.1.0 (ALTER EXTENSION UPDATE not run yet).
    static const char *sql_0_1 =
        "INSERT INTO migsafe.audit_log (session_role, acting_role, database_name, application_name, "
        "  client_addr, backend_pid, statement, rules, objects, mode, outcome, approval, window_ids) "
        "VALUES (session_user, $1, current_database(), current_setting('application_name'), "
        "  inet_client_addr(), pg_backend_pid(), $2, $3, $4, $5, $6, NULLIF($7, ''), $8) RETURNING id";
    std::string fallback_reason;
    bool writable = pg_call([] { return !RecoveryInProgress() && !XactReadOnly; });
    if (!writable) {
        fallback_reason = "read-only transaction or hot standby";
    } else if (!installed()) {
        fallback_reason = "no state tables in this database";
    } else {
        std::string role = pg_call([]() -> const char * { return GetUserNameFromId(GetUserId(), false); });
        Oid types[] = {TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID,
                       TEXTOID, TEXTOID, INT8ARRAYOID, INT8OID,      TEXTOID};
        Datum values[] = {text_datum(role),           text_datum(entry.statement), text_array(entry.rules),
                          text_array(entry.objects),  text_datum(settings::mode_name()),
                          text_datum(entry.outcome),  text_datum(entry.approval),  bigint_array(entry.windows),
                          Int64GetDatum(entry.script_approval), text_datum(entry.script_sha256)};
        bool scripts = pg_call([] {
            Oid audit_log = state_table("audit_log");
            return OidIsValid(audit_log) && get_attnum(audit_log, "script_sha256") != InvalidAttrNumber;
        });
        StateQuery query{scripts ? sql : sql_0_1, scripts ? 10 : 8, types, values, 0, 0, nullptr};
        GuardedWrite write{&query, nullptr};
        pg_call([&] { run_in_subtransaction(&write); });
        if (write.error == nullptr && query.rows == 1 && query.cells[0] != nullptr)
            last_audit_row = std::stoll(query.cells[0]);
        if (write.error == nullptr && !also_log) return;
        fallback_reason = write.error != nullptr ? write.error : "written; logged as well";
    }
    log_entry("migsafe audit: " + joined(entry.rules) + " ran (" + entry.outcome + ")", entry,
              "no audit row: " + fallback_reason);
}

void record_lock_times(long long audit_id, double wait_ms, double held_ms) {
    static const char *sql =
        "UPDATE migsafe.audit_log SET lock_wait = make_interval(secs => $2 / 1000.0), "
        "  lock_held = make_interval(secs => $3 / 1000.0) WHERE id = $1";
    bool writable = pg_call([] { return !RecoveryInProgress() && !XactReadOnly; });
    if (!writable || !installed()) return;
    Oid types[] = {INT8OID, FLOAT8OID, FLOAT8OID};
    Datum values[] = {Int64GetDatum(audit_id), Float8GetDatum(wait_ms), Float8GetDatum(held_ms)};
    StateQuery query{sql, 3, types, values, 0, 0, nullptr};
    GuardedWrite write{&query, nullptr};
    // At commit no statement's snapshot is active any more.
    pg_call([&] {
        PushActiveSnapshot(GetTransactionSnapshot());
        run_in_subtransaction(&write);
        PopActiveSnapshot();
    });
    if (write.error == nullptr) return;
    std::string message = std::string("migsafe: no lock times for audit row ") + std::to_string(audit_id) + ": " +
                          write.error;
    pg_call([&] { ereport(LOG_SERVER_ONLY, (errmsg_internal("%s", message.c_str()), errhidestmt(true))); });
}

KeepResult keep_dropped(unsigned int relid, int keep_for_s, const std::string &statement) {
    static const char *sql = "SELECT migsafe.keep_dropped($1::regclass, make_interval(secs => $2), $3)";
    KeepResult result;
    if (!installed()) {
        result.not_kept = "migsafe is not installed in this database";
        return result;
    }
    Oid types[] = {OIDOID, FLOAT8OID, TEXTOID};
    Datum values[] = {ObjectIdGetDatum(relid), Float8GetDatum(keep_for_s), text_datum(statement)};
    StateQuery query{sql, 3, types, values, 0, 0, nullptr};
    GuardedWrite write{&query, nullptr};
    pg_call([&] { run_in_subtransaction(&write); });
    if (write.error != nullptr) result.error = write.error;
    else if (query.rows != 1 || query.cells[0] == nullptr) result.error = "no answer from migsafe.keep_dropped()";
    else if (strncmp(query.cells[0], "not kept: ", 10) == 0) result.not_kept = query.cells[0] + 10;
    else result.kept_as = query.cells[0];
    return result;
}

void record_kept(long long audit_id, const std::string &kept_as) {
    static const char *sql = "UPDATE migsafe.audit_log SET kept_as = $2 WHERE id = $1";
    Oid types[] = {INT8OID, TEXTOID};
    Datum values[] = {Int64GetDatum(audit_id), text_datum(kept_as)};
    StateQuery query{sql, 2, types, values, 0, 0, nullptr};
    GuardedWrite write{&query, nullptr};
    pg_call([&] { run_in_subtransaction(&write); });
}

void log_entry(const std::string &message, const AuditEntry &entry, const std::string &reason) {
    std::string fields = session_fields();
    std::string rules = joined(entry.rules), objects = joined(entry.objects);
    pg_call([&] {
        ereport(LOG_SERVER_ONLY,
                (errmsg_internal("%s", message.c_str()),
                 errdetail_internal("%s rules=%s objects=%s approval=%s script=%s mode=%s reason=%s statement=%s",
                                    fields.c_str(), rules.c_str(), objects.c_str(), entry.approval.c_str(),
                                    entry.script_sha256.c_str(),
                                    settings::mode_name(), reason.c_str(), entry.statement.c_str()),
                 errhidestmt(true)));
    });
}

}  // namespace migsafe::state
