// The event triggers: the second layer, which sees what PostgreSQL actually
// does (CREATE EXTENSION creates them ENABLE ALWAYS, so that
// session_replication_role = replica does not silence them).
//   ddl_command_start  judges DDL in sessions where the hooks did not see the
//                      statement (the library not preloaded): calling this
//                      function loads it, and its hooks guard the session
//                      from the next statement on.
//   sql_drop           what a statement dropped that it did not name: tables
//                      and columns reached by a cascade.
//   table_rewrite      a table PostgreSQL is about to rewrite, with its size.
#include "../classifier/classifier.hpp"
#include "database_context.hpp"
#include "entry_point.hpp"
#include "guard.hpp"
#include "hooks.hpp"
#include "settings.hpp"
#include "state.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "fmgr.h"
#include "tcop/tcopprot.h"

PGDLLEXPORT Datum migsafe_on_ddl_command_start(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_on_sql_drop(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_on_table_rewrite(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(migsafe_on_ddl_command_start);
PG_FUNCTION_INFO_V1(migsafe_on_sql_drop);
PG_FUNCTION_INFO_V1(migsafe_on_table_rewrite);
}

#include <string>

namespace migsafe {

namespace {

void require_event_trigger(FunctionCallInfo fcinfo) {
    if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("migsafe's event trigger functions can only be called by event triggers")));
}

// The statement being run, for messages: the top-level query string (the
// event trigger is not told which part of it is running).
const char *current_statement() { return debug_query_string != nullptr ? debug_query_string : ""; }

// ---- sql_drop ------------------------------------------------------------

// Tables and columns dropped by the statement that it did not name, with
// whether each (or its table) is protected.
const char *kDroppedObjects =
    "SELECT d.object_type, d.object_identity, "
    "       EXISTS (SELECT 1 FROM migsafe.protected_tables p WHERE p.rel::oid = d.objid), d.objid "
    "FROM pg_event_trigger_dropped_objects() d "
    "WHERE NOT d.original AND NOT d.is_temporary "
    "  AND d.object_type IN ('table', 'materialized view', 'foreign table', 'table column') "
    "ORDER BY d.object_identity";

Findings cascade_findings() {
    Findings findings;
    for (const auto &row : state::trusted_select(kDroppedObjects)) {
        std::string type = row[0].value_or(""), identity = row[1].value_or("");
        unsigned int relid = static_cast<unsigned int>(std::stoul(row[3].value_or("0")));  // a column's: its table
        findings.push_back(guard::database_finding(
            "cascade-drop", identity,
            "the statement also dropped " + type + " " + identity + ", which it does not name (a cascade)"));
        findings.back().relid = relid;
        if (row[2] == "t") {
            findings.push_back(guard::database_finding(
                "protected-table", identity, "a cascade of the statement dropped protected table " + identity));
            findings.back().relid = relid;
        }
    }
    return findings;
}

// ---- table_rewrite -------------------------------------------------------

const char *kRewrittenTable =
    "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_table_size(c.oid), "
    "       pg_size_pretty(pg_table_size(c.oid)), pg_event_trigger_table_rewrite_reason() "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.oid = pg_event_trigger_table_rewrite_oid()";

// The reasons PostgreSQL gives (AT_REWRITE_* in event_trigger.h), in words.
std::string rewrite_reason(int reason) {
    std::string words;
    auto add = [&](int bit, const char *what) {
        if (reason & bit) words += (words.empty() ? "" : ", ") + std::string(what);
    };
    add(AT_REWRITE_ALTER_PERSISTENCE, "SET LOGGED/UNLOGGED");
    add(AT_REWRITE_DEFAULT_VAL, "a column default that must be computed for every row");
    add(AT_REWRITE_COLUMN_REWRITE, "a column type change");
    add(AT_REWRITE_ACCESS_METHOD, "SET ACCESS METHOD");
    return words.empty() ? "unspecified" : words;
}

Findings rewrite_findings() {
    Findings findings;
    for (const auto &row : state::trusted_select(kRewrittenTable)) {
        Oid relid = static_cast<Oid>(std::stoul(row[0].value_or("0")));
        if (relation_is_new(relid)) continue;
        long long bytes = std::stoll(row[2].value_or("0"));
        std::string table = row[1].value_or(""), size = row[3].value_or("");
        std::string reason = rewrite_reason(std::stoi(row[4].value_or("0")));
        long long limit = settings::max_rewrite_size_kb < 0 ? -1 : 1024LL * settings::max_rewrite_size_kb;
        bool large = limit >= 0 && bytes > limit;
        findings.push_back(guard::database_finding(
            large ? "large-table-rewrite" : "table-rewrite", table,
            "the statement rewrites table " + table + " (" + size + ", for " + reason +
                ") under an ACCESS EXCLUSIVE lock" + (large ? ": larger than migsafe.max_rewrite_size" : "")));
    }
    return findings;
}

}  // namespace

}  // namespace migsafe

// ddl_command_start: judges the statement unless the hook already did.
Datum migsafe_on_ddl_command_start(PG_FUNCTION_ARGS) {
    migsafe::require_event_trigger(fcinfo);
    if (!migsafe::hooks::guard_enabled() || migsafe::hooks::judging_utility()) PG_RETURN_VOID();
    auto *trigger = reinterpret_cast<EventTriggerData *>(fcinfo->context);
    migsafe::hooks::judge(trigger->parsetree, migsafe::current_statement(), 0, 0);
    PG_RETURN_VOID();
}

// sql_drop: tables and columns a cascade took.
Datum migsafe_on_sql_drop(PG_FUNCTION_ARGS) {
    migsafe::require_event_trigger(fcinfo);
    if (!migsafe::hooks::guard_enabled()) PG_RETURN_VOID();
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::Findings findings = migsafe::cascade_findings();
        if (!findings.empty()) migsafe::guard::judge_findings(findings, migsafe::hooks::running_statement());
        return (Datum)0;
    });
}

// table_rewrite: the table about to be rewritten, by its size.
Datum migsafe_on_table_rewrite(PG_FUNCTION_ARGS) {
    migsafe::require_event_trigger(fcinfo);
    if (!migsafe::hooks::guard_enabled()) PG_RETURN_VOID();
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::Findings findings = migsafe::rewrite_findings();
        if (!findings.empty()) migsafe::guard::judge_findings(findings, migsafe::hooks::running_statement());
        return (Datum)0;
    });
}
