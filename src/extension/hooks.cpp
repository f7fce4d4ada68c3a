// The guard's hooks: ProcessUtility (every utility statement, at every
// nesting level), post_parse_analyze (DELETE, UPDATE, MERGE, upserts,
// data-modifying WITH and INSERT into migsafe's state, wherever they are
// analysed: top level, functions, DO blocks, dynamic SQL, prepared
// statements, COPY) and the planner (the queries a rule adds, judged when
// the rule fires). All chain to the hook that was installed before them, and
// decide before the statement runs. The event triggers (event_triggers.cpp)
// ask judging_utility() so that a statement judged here is not judged again
// there.
#include "hooks.hpp"

#include "../classifier/classifier.hpp"
#include "../classifier/options.hpp"
#include "../classifier/table_locks.hpp"
#include "database_context.hpp"
#include "entry_point.hpp"
#include "guard.hpp"
#include "keep_dropped.hpp"
#include "lock_wait.hpp"
#include "mass_change.hpp"
#include "settings.hpp"
#include "state.hpp"
#include "session_objects.hpp"

extern "C" {
#include "access/xlog.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "storage/proc.h"
#include "tcop/utility.h"
#include "utils/guc.h"
}

namespace migsafe::hooks {

namespace {

ProcessUtility_hook_type previous_process_utility = nullptr;
post_parse_analyze_hook_type previous_post_parse_analyze = nullptr;
planner_hook_type previous_planner = nullptr;
bool installed = false;

// The utility statement ProcessUtility is running now (innermost): the
// analysis CREATE FUNCTION makes of a SQL body to validate it (which runs
// nothing) is not judged as if it ran; EXPLAIN's statement, which
// PostgreSQL analyses again while the EXPLAIN runs, is judged once, from the
// EXPLAIN (only with ANALYZE: the last ANALYZE option wins), and neither are
// the queries an EXPLAIN without ANALYZE plans.
struct RunningUtility {
    const char *source;         // its query string
    int location;               // its stmt_location
    int length;                 // its stmt_len
    const char *function_body;  // CREATE FUNCTION ... AS '<body>', or nullptr
    bool explain;               // an EXPLAIN
    bool explain_only;          // an EXPLAIN without ANALYZE
};
RunningUtility running = {nullptr, -1, 0, nullptr, false, false};

bool explains_only(const Node *stmt) {
    return IsA(stmt, ExplainStmt) && !option_enabled(castNode(ExplainStmt, stmt)->options, "analyze");
}

// The body of a CREATE FUNCTION given as a string (AS '...'), or nullptr.
const char *function_body(const Node *stmt) {
    if (!IsA(stmt, CreateFunctionStmt)) return nullptr;
    ListCell *cell;
    foreach (cell, castNode(CreateFunctionStmt, stmt)->options) {
        const auto *option = lfirst_node(DefElem, cell);
        if (strcmp(option->defname, "as") != 0 || option->arg == nullptr || !IsA(option->arg, List)) continue;
        const List *as = castNode(List, option->arg);
        if (list_length(as) >= 1 && IsA(linitial(as), String)) return strVal(linitial(as));
    }
    return nullptr;
}

bool running_own_script() {
    bool own = false;
    run_guarded([&]() -> Datum {
        own = state::running_own_script();
        return (Datum)0;
    });
    return own;
}

// A statement's own text inside its source: [location, location + length),
// where a length of 0 means "to the end".
std::string_view statement_text(const char *source, int location, int length) {
    std::string_view text(source);
    if (location < 0 || static_cast<std::size_t>(location) > text.size()) return text;
    text.remove_prefix(location);
    if (length > 0 && static_cast<std::size_t>(length) < text.size()) text = text.substr(0, length);
    return text;
}

}  // namespace

namespace {

// Off, during pg_upgrade (whose restore drops what the old cluster dropped),
// or while migsafe reads and writes its own state.
bool guard_switched_off() {
    if (settings::mode == settings::mode_off || IsBinaryUpgrade) return true;
    if (settings::state_write || state::accessing()) return true;
    return creating_extension && running_own_script();
}

}  // namespace

// Silent where nothing can change: a hot standby refuses every write itself.
bool guard_enabled() { return !RecoveryInProgress() && !guard_switched_off(); }

std::string_view running_statement() {
    if (running.source == nullptr) return debug_query_string != nullptr ? debug_query_string : "";
    return statement_text(running.source, running.location, running.length);
}

void judge(Node *node, const char *source, int location, int length) {
    if (source == nullptr) source = "";  // PostgreSQL always passes one; be safe
    run_guarded([&]() -> Datum {
        Script script;
        script.text = source;
        script.statements.push_back({node, location >= 0 ? location : 0, location >= 0 && length > 0 ? length : -1});
        guard::judge(script, statement_text(source, location, length));
        return (Datum)0;
    });
}

namespace {

bool state_insert(const Query *query) {
    bool into_state = false;
    run_guarded([&]() -> Datum {
        into_state = state::is_state_relation(rt_fetch(query->resultRelation, query->rtable)->relid);
        return (Datum)0;
    });
    return into_state;
}

// DELETE, UPDATE, MERGE, INSERT ... ON CONFLICT DO UPDATE, a query with a
// data-modifying WITH, or an INSERT into migsafe's state: the only analysed
// statements a rule can concern. Everything else returns here, without a
// catalog look-up (the state tables' OIDs are cached).
bool may_concern_a_rule(const Query *query) {
    switch (query->commandType) {
        case CMD_DELETE:
        case CMD_UPDATE:
        case CMD_MERGE:
            return true;
        case CMD_INSERT:
            if (query->hasModifyingCTE) return true;
            if (query->onConflict != nullptr && query->onConflict->action == ONCONFLICT_UPDATE) return true;
            return state_insert(query);
        default:
            return query->hasModifyingCTE;
    }
}

// The validator of CREATE FUNCTION analyses a copy of the body, which runs
// nothing: compare the text. EXPLAIN's own statement is judged from the
// EXPLAIN. Everything else analysed while a utility statement runs
// (PREPARE's and COPY's statements, a function's, an event trigger's) is
// judged.
bool judged_elsewhere(const ParseState *pstate, const Query *query) {
    if (running.function_body != nullptr && pstate->p_sourcetext != nullptr &&
        strcmp(running.function_body, pstate->p_sourcetext) == 0)
        return true;
    return running.explain && running.source == pstate->p_sourcetext && running.location == query->stmt_location;
}

// migsafe.ddl_lock_timeout applies to this statement: the session has no
// lock_timeout, and it is DDL that blocks writes (SHARE or stronger) on an
// existing table, in the current transaction. Statements that commit
// internally are left alone: a setting scoped to them would outlive the
// transaction it was saved in. LOCK TABLE is the user's own explicit wait.
bool wants_ddl_lock_timeout(const Node *stmt) {
    if (settings::ddl_lock_timeout_ms <= 0 || LockTimeout > 0 || IsA(stmt, LockStmt)) return false;
    bool wanted = false;
    run_guarded([&]() -> Datum {
        if (!runs_in_one_transaction(stmt)) return (Datum)0;
        ProtectedNames text_only;  // lock levels need no catalog facts
        for (const TableLock &lock : table_locks(stmt, text_only)) {
            if (lock.level < LockLevel::share || !OidIsValid(resolve_relation(lock.relation))) continue;
            wanted = true;
            break;
        }
        return (Datum)0;
    });
    return wanted;
}

// The lock wait (lock_wait.hpp): before the statement asks for its locks.
bool wait_for_locks(const Node *stmt) {
    return DatumGetBool(run_guarded([&]() -> Datum { return BoolGetDatum(lock_wait::before_statement(stmt)); }));
}

void record_lock_wait(long long audit_id, const char *source, int location, int length) {
    run_guarded([&]() -> Datum {
        lock_wait::after_statement(audit_id, guard::without_leading_comments(statement_text(source, location, length)));
        return (Datum)0;
    });
}

// The undo window (keep_dropped.hpp): an approved DROP TABLE that keeps its
// table instead of running.
bool kept_instead(const Node *stmt, long long audit_id, const char *source, int location, int length,
                  QueryCompletion *qc) {
    return DatumGetBool(run_guarded([&]() -> Datum {
        std::string_view statement = guard::without_leading_comments(statement_text(source, location, length));
        return BoolGetDatum(keep_dropped::instead_of_drop(stmt, audit_id, statement, qc));
    }));
}

// Sets lock_timeout for the statement only, as a function's SET clause does:
// the caller ends the returned GUC nest level when the statement succeeds;
// an error's (sub)transaction abort ends it otherwise.
int apply_ddl_lock_timeout() {
    int level = NewGUCNestLevel();
    char value[32];
    snprintf(value, sizeof value, "%d", settings::ddl_lock_timeout_ms);
    (void)set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    return level;
}

void process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                     ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                     DestReceiver *dest, QueryCompletion *qc) {
    Node *stmt = pstmt->utilityStmt;
    // ALTER SYSTEM is the one change a hot standby accepts: it writes
    // postgresql.auto.conf, which outlives a promotion. It is judged there
    // too (self-protection), against the replicated approvals and windows.
    bool enabled = IsA(stmt, AlterSystemStmt) ? !guard_switched_off() : guard_enabled();
    state::forget_last_audit();
    if (enabled && !concerns_no_rule(stmt)) judge(stmt, query_string, pstmt->stmt_location, pstmt->stmt_len);
    // volatile: read after PG_TRY below.
    volatile long long audit_id = state::last_audit_id();
    bool lock_waited = enabled && settings::lock_wait_budget() > 0 && wait_for_locks(stmt);
    if (audit_id != 0 && settings::keep_dropped_s > 0 && IsA(stmt, DropStmt) &&
        kept_instead(stmt, audit_id, query_string, pstmt->stmt_location, pstmt->stmt_len, qc)) {
        if (lock_waited) record_lock_wait(audit_id, query_string, pstmt->stmt_location, pstmt->stmt_len);
        return;
    }

    int lock_timeout_level = enabled && wants_ddl_lock_timeout(stmt) ? apply_ddl_lock_timeout() : -1;

    RunningUtility saved = running;
    running = {query_string,         pstmt->stmt_location,   pstmt->stmt_len,
               function_body(stmt), IsA(stmt, ExplainStmt), explains_only(stmt)};
    mass_change::utility_started();
    PG_TRY();
    {
        if (previous_process_utility != nullptr)
            previous_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        else
            standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    }
    PG_FINALLY();
    {
        running = saved;
        mass_change::utility_finished();
    }
    PG_END_TRY();
    mass_change::utility_succeeded();

    if (lock_timeout_level >= 0) AtEOXact_GUC(true, lock_timeout_level);
    if (lock_waited) record_lock_wait(audit_id, query_string, pstmt->stmt_location, pstmt->stmt_len);
}

void post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate) {
    if (previous_post_parse_analyze != nullptr) previous_post_parse_analyze(pstate, query, jstate);
    if (!guard_enabled() || !may_concern_a_rule(query)) return;
    if (judged_elsewhere(pstate, query)) return;
    judge(reinterpret_cast<Node *>(query), pstate->p_sourcetext, query->stmt_location, query->stmt_len);
}

// The statements a statement was analysed into were judged then; the
// queries its rules add (DO ALSO, DO INSTEAD) exist only once the rewriter
// has run, with NEW and OLD replaced by what the statement brings: they are
// judged here, when the rule fires.
// A rule's action whose target is a view with INSTEAD OF triggers: the
// rewriter has moved the view's rows into a subquery, and the triggers'
// own statements change the rows (they are judged when they run).
bool targets_trigger_view(const Query *query) {
    return query->resultRelation > 0 && rt_fetch(query->resultRelation, query->rtable)->relkind == RELKIND_VIEW;
}

PlannedStmt *planner(Query *query, const char *query_string, int cursor_options, ParamListInfo bound_params) {
    if (query->querySource != QSRC_ORIGINAL && !running.explain_only && guard_enabled() &&
        may_concern_a_rule(query) && !targets_trigger_view(query))
        judge(reinterpret_cast<Node *>(query), query_string, query->stmt_location, query->stmt_len);
    if (previous_planner != nullptr) return previous_planner(query, query_string, cursor_options, bound_params);
    return standard_planner(query, query_string, cursor_options, bound_params);
}

}  // namespace

void install() {
    if (installed) return;
    previous_process_utility = ProcessUtility_hook;
    previous_post_parse_analyze = post_parse_analyze_hook;
    previous_planner = planner_hook;
    ProcessUtility_hook = process_utility;
    post_parse_analyze_hook = post_parse_analyze;
    planner_hook = planner;
    mass_change::install();
    lock_wait::register_callbacks();
    session_objects::register_hooks();
    state::register_callbacks();
    installed = true;
}

bool active() { return installed; }

bool judging_utility() { return running.source != nullptr; }

}  // namespace migsafe::hooks
