// The by-effect layer of the DML guard (mass_change.hpp).
//
// What a statement changed comes from PostgreSQL's own per-table counters of
// this backend (pgstat: tuples deleted and updated, per (sub)transaction),
// read for every table an executor starts to change at any nesting level
// (its result relations, and the partitions an upsert or MERGE routes to),
// when the top-level statement first reaches it and again when that
// statement ends. Only a table where the statement deleted or updated at
// least migsafe.mass_change_min_rows rows is looked at: a scan, with the
// transaction's own view of the table, that stops at the first row the
// statement did not write. If there is none, the statement removed or
// overwrote every row the table held.
//
// Not judged: tables created in the transaction, migsafe's own state, the
// rows a top-level DELETE, UPDATE or MERGE changes in its own target table
// (its partitions and children, a view's base table) when its WHERE restricts
// that table (the queue table emptied by DELETE ... WHERE done: the statement
// says which rows, and the static layer has read it), the logical
// replication apply worker (the publisher judged the change), and tables of
// a table access method other than heap.
#include "mass_change.hpp"

#include "../classifier/catalogue.hpp"
#include "../classifier/classifier.hpp"
#include "../parser/pg_call.hpp"
#include "database_context.hpp"
#include "entry_point.hpp"
#include "guard.hpp"
#include "hooks.hpp"
#include "compat.hpp"
#include "settings.hpp"
#include "state.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_inherits.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "parser/parser.h"
#include "pgstat.h"
#include "replication/logicalworker.h"
#include "tcop/tcopprot.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace migsafe::mass_change {

namespace {

ExecutorStart_hook_type previous_start = nullptr;
ExecutorRun_hook_type previous_run = nullptr;
ExecutorFinish_hook_type previous_finish = nullptr;

// Executors running (ExecutorRun, ExecutorFinish). Kept without PG_TRY, which
// would cost every statement a setjmp: an ERROR's abort puts it back, to
// zero at the end of the transaction, to its value when the subtransaction
// began at a subtransaction's (a PL/pgSQL exception block).
int executor_depth = 0;
constexpr int kTrackedSubtransactions = 64;
int depth_at_subtransaction_start[kTrackedSubtransactions];
int utility_depth = 0;   // utility statements running

// A table the current top-level statement changes: its counters when the
// statement first reached it.
struct Watched {
    Oid relid;
    int64 deleted;
    int64 updated;
    int64 inserted;
};

// The current top-level statement (plain C data: PostgreSQL may longjmp
// past any of this); its tables in inline_tables below, or, past those, in
// TopTransactionContext.
struct Statement {
    Watched *tables;
    int count;
    int size;
    CommandId first_command;  // rows it wrote carry this command id or a later one
    const char *text;         // the top-level statement's text, when it is DML run by the executor
    int text_length;
    bool beyond_its_count;    // changes that the top-level query's row count does not tell:
                              // nested statements (triggers, cascades, functions), a data-modifying WITH
    bool deferred_actions;    // foreign-key actions fired at COMMIT (or SET CONSTRAINTS): one query
                              // per row, judged together before the commit
};
// The first tables a statement watches live here, so that the common
// statement allocates nothing; more go to TopTransactionContext.
constexpr int kInlineTables = 8;
Watched inline_tables[kInlineTables];
Statement statement = {inline_tables, 0, kInlineTables, InvalidCommandId, nullptr, 0, false, false};

void forget_statement() { statement = {inline_tables, 0, kInlineTables, InvalidCommandId, nullptr, 0, false, false}; }

bool watching() {
    return settings::mass_change_min_rows > 0 && hooks::guard_enabled() && !IsLogicalWorker();
}

// Tuples this backend has deleted, updated and inserted in the table, in
// this transaction and before it (attempts: rolled-back ones count too, and
// the scan that follows sees through them).
void read_status(const PgStat_TableStatus *status, Watched *counts) {
    counts->deleted = counts->updated = counts->inserted = 0;
    if (status == nullptr) return;
    compat::TupleCounts own = compat::table_counts(status);
    counts->deleted = own.deleted;
    counts->updated = own.updated;
    counts->inserted = own.inserted;
    for (PgStat_TableXactStatus *level = status->trans; level != nullptr; level = level->upper) {
        counts->deleted += level->tuples_deleted + level->deleted_pre_truncdrop;
        counts->updated += level->tuples_updated + level->updated_pre_truncdrop;
        counts->inserted += level->tuples_inserted + level->inserted_pre_truncdrop;
    }
}

void read_counters(Oid relid, Watched *counts) { read_status(find_tabstat_entry(relid), counts); }

// The same for a result relation the executor has opened: its relcache
// entry points at its counters once this transaction has counted anything
// for it (none yet: zero), which spares the look-up on every statement.
void read_opened_counters(const EState *estate, Index rti, Oid relid, Watched *counts) {
    Relation rel = estate->es_relations != nullptr ? estate->es_relations[rti - 1] : nullptr;
    if (rel == nullptr) return read_counters(relid, counts);
    read_status(rel->pgstat_info, counts);
}

// Watches a table from now on, unless the statement watches it already.
// rti: its range-table index in the query, 0 when it is no result relation
// of it (a partition an upsert routes to).
void watch(const QueryDesc *query, Index rti, Oid relid) {
    for (int i = 0; i < statement.count; i++)
        if (statement.tables[i].relid == relid) return;
    if (statement.count == statement.size) {
        int size = statement.size * 2;
        Watched *tables = statement.tables == inline_tables
                              ? static_cast<Watched *>(MemoryContextAlloc(TopTransactionContext, size * sizeof(Watched)))
                              : static_cast<Watched *>(repalloc(statement.tables, size * sizeof(Watched)));
        if (statement.tables == inline_tables) memcpy(tables, inline_tables, sizeof inline_tables);
        statement.tables = tables;
        statement.size = size;
    }
    Watched *table = &statement.tables[statement.count++];
    table->relid = relid;
    if (rti > 0) read_opened_counters(query->estate, rti, relid, table);
    else read_counters(relid, table);
}

// An INSERT changes existing rows only with ON CONFLICT DO UPDATE.
bool changes_existing_rows(const QueryDesc *query) {
    const PlannedStmt *planned = query->plannedstmt;
    if (planned->resultRelations == NIL) return false;
    if (query->operation != CMD_INSERT || planned->hasModifyingCTE) return true;
    const Plan *plan = planned->planTree;
    return plan != nullptr && IsA(plan, ModifyTable) &&
           castNode(ModifyTable, plan)->onConflictAction == ONCONFLICT_UPDATE;
}

// Plain C: PostgreSQL functions called here may raise.
void watch_query(const QueryDesc *query, int eflags) {
    const PlannedStmt *planned = query->plannedstmt;
    bool top_level = executor_depth == 0 && utility_depth == 0;
    if (statement.first_command == InvalidCommandId) {
        statement.first_command = GetCurrentCommandId(false);
        if (top_level && query->sourceText != nullptr) {
            statement.text = query->sourceText + (planned->stmt_location > 0 ? planned->stmt_location : 0);
            statement.text_length = planned->stmt_len;
        }
    }
    if (!top_level || planned->hasModifyingCTE) statement.beyond_its_count = true;
    // PostgreSQL runs foreign-key actions without firing their triggers;
    // with nothing around them, they are deferred ones, fired by the commit.
    if (top_level && (eflags & EXEC_FLAG_SKIP_TRIGGERS) != 0) statement.deferred_actions = true;
    // Rows an upsert or MERGE routes to partitions: the partitions change.
    // (An UPDATE's or DELETE's result relations are the partitions already.)
    bool routes = query->operation == CMD_INSERT || query->operation == CMD_MERGE;
    ListCell *cell;
    foreach (cell, planned->resultRelations) {
        Index rti = lfirst_int(cell);
        Oid relid = rt_fetch(rti, planned->rtable)->relid;
        watch(query, rti, relid);
        if (!routes || get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE) continue;
        ListCell *member;
        foreach (member, find_all_inheritors(relid, NoLock, nullptr)) watch(query, 0, lfirst_oid(member));
    }
}

void executor_start(QueryDesc *query, int eflags) {
    if (previous_start != nullptr) previous_start(query, eflags);
    else standard_ExecutorStart(query, eflags);
    // The cheap tests first: a SELECT has no result relation, a plain INSERT
    // changes no existing row.
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 && changes_existing_rows(query) && watching()) watch_query(query, eflags);
}

void executor_run(MIGSAFE_EXECUTOR_RUN_PARAMS) {
    executor_depth++;
    if (previous_run != nullptr) previous_run(MIGSAFE_EXECUTOR_RUN_ARGS);
    else standard_ExecutorRun(MIGSAFE_EXECUTOR_RUN_ARGS);
    executor_depth--;
}

void statement_ended();

void executor_finish(QueryDesc *query) {
    executor_depth++;
    if (previous_finish != nullptr) previous_finish(query);
    else standard_ExecutorFinish(query);
    executor_depth--;
    // AFTER triggers, foreign-key cascades among them, have fired.
    if (executor_depth != 0 || utility_depth != 0 || statement.deferred_actions) return;
    // The common case, cheaply: a top-level statement that changed fewer
    // rows than the minimum and ran nothing that changed others.
    if (statement.count > 0 && !statement.beyond_its_count &&
        query->estate->es_processed < static_cast<uint64>(settings::mass_change_min_rows))
        return forget_statement();
    statement_ended();
}

// ---- the judgement, once the statement has ended -------------------------------

// Whether no row of the table is left that the statement did not write: the
// transaction's own view (SnapshotSelf: what others committed, and what this
// transaction wrote and did not delete), stopping at the first other row.
bool every_row_written(Oid relid, CommandId first_command) {
    return pg_call([&] {
        Relation rel = table_open(relid, AccessShareLock);
        if (rel->rd_tableam != GetHeapamTableAmRoutine()) {
            table_close(rel, AccessShareLock);
            return false;
        }
        TableScanDesc scan = table_beginscan(rel, SnapshotSelf, 0, nullptr);
        TupleTableSlot *slot = table_slot_create(rel, nullptr);
        bool all_written = true;
        while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
            CHECK_FOR_INTERRUPTS();
            bool should_free = false;
            HeapTuple tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
            TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);
            bool written = TransactionIdIsCurrentTransactionId(xmin) &&
                           HeapTupleHeaderGetCmin(tuple->t_data) >= first_command;
            if (should_free) heap_freetuple(tuple);
            if (!written) {
                all_written = false;
                break;
            }
        }
        ExecDropSingleTupleTableSlot(slot);
        table_endscan(scan);
        table_close(rel, AccessShareLock);
        return all_written;
    });
}

// The tables whose rows a top-level DELETE, UPDATE or MERGE changes by its
// own WHERE (or ON): its target, with its partitions and children, or a
// view's base table. Empty when the statement is anything else, or when the
// classifier finds that its condition restricts no row of the target. A
// backfill (an UPDATE whose SET targets are all columns added earlier in the
// script) counts as filtered: it overwrites no value that existed before.
std::vector<Oid> filtered_targets(const char *text, int length) {
    std::vector<Oid> targets;
    if (text == nullptr) return targets;
    std::string sql = length > 0 ? std::string(text, static_cast<std::size_t>(length)) : std::string(text);
    const char *sql_text = sql.c_str();
    List *parsed = nullptr;
    try {
        parsed = pg_call([&] { return raw_parser(sql_text, RAW_PARSE_DEFAULT); });
    } catch (const PgError &) {
        return targets;
    }
    if (list_length(parsed) != 1) return targets;
    Node *stmt = linitial_node(RawStmt, parsed)->stmt;
    const RangeVar *relation = nullptr;
    if (IsA(stmt, DeleteStmt)) relation = castNode(DeleteStmt, stmt)->relation;
    else if (IsA(stmt, UpdateStmt)) relation = castNode(UpdateStmt, stmt)->relation;
    else if (IsA(stmt, MergeStmt)) relation = castNode(MergeStmt, stmt)->relation;
    if (relation == nullptr) return targets;

    DatabaseContext context;
    context.ignore_table_contents();
    Script script;
    script.text = sql;
    script.statements.push_back({stmt, 0});
    for (const Finding &finding : classify(script, context))
        if (finding.rule == "delete-without-where" || finding.rule == "update-without-where") return targets;

    Oid target = resolve_relation(rel_name(relation));
    if (!OidIsValid(target)) return targets;
    bool inherited = relation->inh;
    Oid base = through_updatable_views(target, inherited);
    for (Oid root : {target, base}) {
        if (!OidIsValid(root)) continue;
        targets.push_back(root);
        if (!inherited) continue;
        List *family = pg_call([&] { return find_all_inheritors(root, NoLock, nullptr); });
        ListCell *cell;
        foreach (cell, family) targets.push_back(lfirst_oid(cell));
    }
    return targets;
}

std::string count_text(int64 rows) { return std::to_string(static_cast<long long>(rows)); }

// What the statement deleted and updated of the rows the table held before
// it: at least its deletes (updates) less the rows it inserted itself, which
// it may have deleted (updated) again (a loop that deletes and re-inserts
// one row loses nothing that existed).
struct Changed {
    int64 deleted;
    int64 updated;
};

Changed changed_since(const Watched &before) {
    Watched now;
    read_counters(before.relid, &now);
    int64 inserted = now.inserted - before.inserted;
    return {std::max<int64>(0, now.deleted - before.deleted - inserted),
            std::max<int64>(0, now.updated - before.updated - inserted)};
}

bool reaches_minimum(const Changed &changed) {
    return changed.deleted >= settings::mass_change_min_rows || changed.updated >= settings::mass_change_min_rows;
}

// The finding for one watched table, if the statement lost every row of it.
std::optional<Finding> judge_table(const Watched &before, CommandId first_command, const std::vector<Oid> &filtered) {
    Changed changed = changed_since(before);
    if (!reaches_minimum(changed)) return std::nullopt;
    const int64 deleted = changed.deleted, updated = changed.updated, minimum = settings::mass_change_min_rows;
    Oid relid = before.relid;
    if (relation_is_new(relid) || state::is_state_relation(relid)) return std::nullopt;
    if (std::find(filtered.begin(), filtered.end(), relid) != filtered.end()) return std::nullopt;
    if (!every_row_written(relid, first_command)) return std::nullopt;
    std::optional<RelName> name = DatabaseContext().relation_name(relid);
    std::string table = name ? name->display() : "relation " + std::to_string(relid);
    if (deleted >= minimum)
        return guard::database_finding("mass-delete", table,
                                       "the statement, with what it fired, deleted " + count_text(deleted) +
                                           " rows of " + table + " and left none of the rows it held");
    return guard::database_finding("mass-update", table,
                                   "the statement, with what it fired, overwrote every row of " + table + " (" +
                                       count_text(updated) + " rows updated)");
}

void statement_ended() {
    if (statement.count == 0) {
        forget_statement();
        return;
    }
    // Judged once: what judging runs (audit rows) starts a statement of its own.
    Statement ended = statement;
    forget_statement();
    if (!watching()) return;
    // A SELECT's portal finishes its executor with no snapshot active; the
    // approvals and windows are read with one.
    bool pushed = !ActiveSnapshotSet();
    if (pushed) PushActiveSnapshot(GetTransactionSnapshot());
    run_guarded([&]() -> Datum {
        std::vector<Oid> filtered;
        bool filtered_read = false;
        Findings findings;
        for (int i = 0; i < ended.count; i++) {
            // Read the statement's own filter only for a table it may have emptied.
            if (!reaches_minimum(changed_since(ended.tables[i]))) continue;
            if (!filtered_read) {
                filtered = filtered_targets(ended.text, ended.text_length);
                filtered_read = true;
            }
            if (std::optional<Finding> finding = judge_table(ended.tables[i], ended.first_command, filtered))
                findings.push_back(*finding);
        }
        if (findings.empty()) return (Datum)0;
        const char *text = ended.text != nullptr ? ended.text : debug_query_string;
        std::string_view statement_text = text != nullptr ? std::string_view(text) : std::string_view();
        if (ended.text != nullptr && ended.text_length > 0 &&
            static_cast<std::size_t>(ended.text_length) < statement_text.size())
            statement_text = statement_text.substr(0, static_cast<std::size_t>(ended.text_length));
        guard::judge_findings(findings, statement_text);
        return (Datum)0;
    });
    if (pushed) PopActiveSnapshot();  // after an ERROR, the abort pops it
}

// Before a commit (a procedure's COMMIT too), what is not judged yet is
// judged; what the transaction watched lives in its memory, gone after it.
void transaction_event(XactEvent event, void *) {
    switch (event) {
        case XACT_EVENT_PRE_COMMIT:
        case XACT_EVENT_PRE_PREPARE:
            statement_ended();
            break;
        case XACT_EVENT_COMMIT:
        case XACT_EVENT_ABORT:
        case XACT_EVENT_PREPARE:
        case XACT_EVENT_PARALLEL_COMMIT:
        case XACT_EVENT_PARALLEL_ABORT:
            forget_statement();
            // No executor outlives its transaction's end (a procedure's
            // COMMIT runs between its statements, with none running).
            executor_depth = 0;
            break;
        default:
            break;
    }
}

void subtransaction_event(SubXactEvent event, SubTransactionId, SubTransactionId, void *) {
    int level = GetCurrentTransactionNestLevel();
    if (level >= kTrackedSubtransactions) return;
    if (event == SUBXACT_EVENT_START_SUB) depth_at_subtransaction_start[level] = executor_depth;
    else if (event == SUBXACT_EVENT_ABORT_SUB) executor_depth = depth_at_subtransaction_start[level];
}

}  // namespace

void install() {
    previous_start = ExecutorStart_hook;
    previous_run = ExecutorRun_hook;
    previous_finish = ExecutorFinish_hook;
    ExecutorStart_hook = executor_start;
    ExecutorRun_hook = executor_run;
    ExecutorFinish_hook = executor_finish;
    RegisterXactCallback(transaction_event, nullptr);
    RegisterSubXactCallback(subtransaction_event, nullptr);
}

void utility_started() { utility_depth++; }

void utility_finished() { utility_depth--; }

void utility_succeeded() {
    if (utility_depth == 0 && executor_depth == 0) statement_ended();
}

}  // namespace migsafe::mass_change
