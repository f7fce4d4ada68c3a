// DML that touches every row: delete-without-where, update-without-where,
// backfill-without-where. Data-modifying statements are found wherever the
// script runs them: at the top level, in WITH (at any depth), in EXPLAIN
// ANALYZE, PREPARE, COPY (query), the actions of CREATE RULE and the body of
// a BEGIN ATOMIC function.
//
// Two readers feed one judgement: raw parse trees (the CLI, migsafe_check()
// and utility statements in the server) and analysed Query trees (the
// server's post_parse_analyze hook). Each reader reduces a statement to the
// row changes that no condition limits; the three rules judge those,
// whichever tree they came from.
#include "rule.hpp"

#include "../options.hpp"

#include <functional>

namespace migsafe {

namespace {

// One DELETE or UPDATE (or MERGE action) that no condition limits.
struct UnfilteredChange {
    CmdType command = CMD_DELETE;  // CMD_DELETE or CMD_UPDATE
    bool merge = false;            // a MERGE action joined ON a condition without columns
    bool has_where = false;        // a WHERE that references no column, rather than none
    RelName table;
    int location = kStatementStart;
    std::vector<std::string> set_columns;  // UPDATE: the columns it assigns
};

// What a walk over a statement carries: where to send each change, and the
// context that names the tables of analysed trees.
struct Walk {
    std::function<void(const UnfilteredChange &)> visit;
    const Context &context;
};

// ---- raw parse trees -------------------------------------------------------

bool references_a_row(Node *node, void *context) {
    if (node == nullptr) return false;
    if (IsA(node, ColumnRef) || IsA(node, CurrentOfExpr)) return true;
    // PostgreSQL 15 declares the walker as bool (*)(); cast through void (*)(void).
    auto walker = reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)(void)>(references_a_row));
    return raw_expression_tree_walker(node, walker, context);
}

// A WHERE clause that mentions no column (WHERE true, WHERE 1 = 1) selects
// every row or none: it is no filter.
bool filters_rows(Node *where) { return where != nullptr && references_a_row(where, nullptr); }

void visit_raw(const Node *node, const Walk &walk);

void visit_raw_with(const WithClause *with, const Walk &walk) {
    if (with == nullptr) return;
    ListCell *cell;
    foreach (cell, with->ctes) visit_raw(lfirst_node(CommonTableExpr, cell)->ctequery, walk);
}

void visit_raw_list(const List *nodes, const Walk &walk) {
    ListCell *cell;
    foreach (cell, nodes) visit_raw(static_cast<const Node *>(lfirst(cell)), walk);
}

void visit_raw_delete(const DeleteStmt *del, const Walk &walk) {
    visit_raw_with(del->withClause, walk);
    if (filters_rows(del->whereClause)) return;
    UnfilteredChange change;
    change.has_where = del->whereClause != nullptr;
    change.table = rel_name(del->relation);
    change.location = del->relation->location;
    walk.visit(change);
}

void visit_raw_update(const UpdateStmt *update, const Walk &walk) {
    visit_raw_with(update->withClause, walk);
    if (filters_rows(update->whereClause)) return;
    UnfilteredChange change;
    change.command = CMD_UPDATE;
    change.has_where = update->whereClause != nullptr;
    change.table = rel_name(update->relation);
    change.location = update->relation->location;
    ListCell *cell;  // a multi-column SET (a, b) = ... gives one target each
    foreach (cell, update->targetList) change.set_columns.emplace_back(lfirst_node(ResTarget, cell)->name);
    walk.visit(change);
}

// MERGE ... ON <no column> WHEN MATCHED [AND <no column>] THEN DELETE|UPDATE
// reaches every row of the target.
void visit_raw_merge(const MergeStmt *merge, const Walk &walk) {
    visit_raw_with(merge->withClause, walk);
    if (filters_rows(merge->joinCondition)) return;
    for (CmdType command : {CMD_DELETE, CMD_UPDATE}) {
        ListCell *cell;
        foreach (cell, merge->mergeWhenClauses) {
            const auto *when = lfirst_node(MergeWhenClause, cell);
            if (!when->matched || when->commandType != command || filters_rows(when->condition)) continue;
            UnfilteredChange change;
            change.command = command;
            change.merge = true;
            change.table = rel_name(merge->relation);
            change.location = merge->relation->location;
            walk.visit(change);
            break;
        }
    }
}

// The body of CREATE FUNCTION ... BEGIN ATOMIC: a List holding the List of
// its statements. It is stored analysed and runs without being analysed
// again, so it is judged when the function is created.
void visit_atomic_body(const Node *body, const Walk &walk) {
    if (body == nullptr || !IsA(body, List)) return;
    ListCell *cell;
    foreach (cell, castNode(List, body)) {
        const Node *item = static_cast<const Node *>(lfirst(cell));
        if (item != nullptr && IsA(item, List))
            visit_raw_list(castNode(List, item), walk);
        else
            visit_raw(item, walk);
    }
}

void visit_query(const Query *query, const Walk &walk);

void visit_raw(const Node *node, const Walk &walk) {
    if (node == nullptr) return;
    switch (nodeTag(node)) {
        case T_Query:  // EXPLAIN and CREATE TABLE AS hold analysed queries in the server
            visit_query(castNode(Query, node), walk);
            break;
        case T_DeleteStmt:
            visit_raw_delete(castNode(DeleteStmt, node), walk);
            break;
        case T_UpdateStmt:
            visit_raw_update(castNode(UpdateStmt, node), walk);
            break;
        case T_MergeStmt:
            visit_raw_merge(castNode(MergeStmt, node), walk);
            break;
        case T_InsertStmt: {
            const auto *insert = castNode(InsertStmt, node);
            visit_raw_with(insert->withClause, walk);
            visit_raw(insert->selectStmt, walk);
            break;
        }
        case T_SelectStmt: {
            const auto *select = castNode(SelectStmt, node);
            visit_raw_with(select->withClause, walk);
            visit_raw(reinterpret_cast<const Node *>(select->larg), walk);
            visit_raw(reinterpret_cast<const Node *>(select->rarg), walk);
            break;
        }
        case T_ExplainStmt: {
            const auto *explain = castNode(ExplainStmt, node);
            if (option_enabled(explain->options, "analyze")) visit_raw(explain->query, walk);
            break;
        }
        case T_CreateTableAsStmt:
            visit_raw(castNode(CreateTableAsStmt, node)->query, walk);
            break;
        case T_PrepareStmt:
            visit_raw(castNode(PrepareStmt, node)->query, walk);
            break;
        case T_CopyStmt:
            visit_raw(castNode(CopyStmt, node)->query, walk);
            break;
        case T_RuleStmt:
            visit_raw_list(castNode(RuleStmt, node)->actions, walk);
            break;
        case T_CreateFunctionStmt:
            visit_atomic_body(castNode(CreateFunctionStmt, node)->sql_body, walk);
            break;
        default:
            break;
    }
}

// ---- analysed Query trees (server only) ------------------------------------

#ifndef MIGSAFE_LIBPG_QUERY
bool references_a_var(Node *node, void *context) {
    if (node == nullptr) return false;
    if (IsA(node, Var) || IsA(node, CurrentOfExpr)) return true;
    auto walker = reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)(void)>(references_a_var));
    return expression_tree_walker(node, walker, context);
}
#else
// libpg_query has no walker over analysed expressions, and needs none: the
// CLI only ever sees raw parse trees, so this is never reached there.
bool references_a_var(Node *, void *) { return false; }
#endif

bool analysed_filters_rows(Node *quals) { return quals != nullptr && references_a_var(quals, nullptr); }

// The target table's qualified name (from the catalog, through the context).
RelName target_table(const Query *query, const Context &context) {
    const RangeTblEntry *target = rt_fetch(query->resultRelation, query->rtable);
    std::optional<RelName> name = context.relation_name(target->relid);
    return name ? *name : RelName{"", "relation " + std::to_string(target->relid)};
}

void visit_query_merge(const Query *query, const Walk &walk) {
    // PostgreSQL 15 keeps MERGE's ON condition as the quals of the jointree.
    if (analysed_filters_rows(query->jointree->quals)) return;
    for (CmdType command : {CMD_DELETE, CMD_UPDATE}) {
        ListCell *cell;
        foreach (cell, query->mergeActionList) {
            const auto *action = lfirst_node(MergeAction, cell);
            if (!action->matched || action->commandType != command || analysed_filters_rows(action->qual)) continue;
            UnfilteredChange change;
            change.command = command;
            change.merge = true;
            change.table = target_table(query, walk.context);
            walk.visit(change);
            break;
        }
    }
}

void visit_query(const Query *query, const Walk &walk) {
    ListCell *cell;
    foreach (cell, query->cteList) {
        const Node *cte = lfirst_node(CommonTableExpr, cell)->ctequery;
        if (cte != nullptr && IsA(cte, Query)) visit_query(castNode(Query, cte), walk);
    }
    if (query->commandType == CMD_MERGE) return visit_query_merge(query, walk);
    if (query->commandType != CMD_DELETE && query->commandType != CMD_UPDATE) return;
    // The cheap test first: UPDATE ... WHERE id = $1 needs no catalog look-up.
    if (analysed_filters_rows(query->jointree->quals)) return;
    UnfilteredChange change;
    change.command = query->commandType;
    change.has_where = query->jointree->quals != nullptr;
    change.table = target_table(query, walk.context);
    if (query->commandType == CMD_UPDATE) {
        foreach (cell, query->targetList) {
            const auto *target = lfirst_node(TargetEntry, cell);
            if (!target->resjunk && target->resname != nullptr) change.set_columns.emplace_back(target->resname);
        }
    }
    walk.visit(change);
}

// Calls visit for every unfiltered change in the statement to a table that
// existed before the script (or, in the database, before the transaction).
template <typename Visit>
void for_each_unfiltered_change(RuleInput &in, Visit visit) {
    Walk walk{[&](const UnfilteredChange &change) {
                  if (!in.table_is_new(change.table)) visit(change);
              },
              in.context};
    visit_raw(in.stmt, walk);
}

std::string missing_where(const UnfilteredChange &change) {
    return change.has_where ? "has a WHERE clause that references no column" : "has no WHERE clause";
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &name : names) out += (out.empty() ? "" : ", ") + quote_ident(name);
    return out;
}

std::string merge_message(const UnfilteredChange &change, const char *verb) {
    return "MERGE into " + change.table.display() + " joins on a condition that references no column "
           "and " + verb + " every matched row";
}

// The assigned columns, split into those added earlier in the script (or
// transaction) and those that held data before it.
void split_columns(RuleInput &in, const UnfilteredChange &change, std::vector<std::string> &added,
                   std::vector<std::string> &existing) {
    for (const std::string &column : change.set_columns)
        (in.column_is_new(change.table, column) ? added : existing).push_back(column);
}

}  // namespace

void check_delete_without_where(RuleInput &in) {
    for_each_unfiltered_change(in, [&](const UnfilteredChange &change) {
        if (change.command != CMD_DELETE) return;
        std::string table = change.table.display();
        in.report(change.location, table,
                  change.merge ? merge_message(change, "deletes")
                               : "DELETE on " + table + " " + missing_where(change) + ": it deletes every row");
    });
}

void check_update_without_where(RuleInput &in) {
    for_each_unfiltered_change(in, [&](const UnfilteredChange &change) {
        if (change.command != CMD_UPDATE) return;
        std::string table = change.table.display();
        if (change.merge) return in.report(change.location, table, merge_message(change, "updates"));
        std::vector<std::string> added, existing;
        split_columns(in, change, added, existing);
        if (existing.empty()) return;
        in.report(change.location, table,
                  "UPDATE on " + table + " " + missing_where(change) + ": it overwrites " + joined(existing) +
                      " in every row");
    });
}

void check_backfill_without_where(RuleInput &in) {
    for_each_unfiltered_change(in, [&](const UnfilteredChange &change) {
        if (change.command != CMD_UPDATE || change.merge) return;
        std::vector<std::string> added, existing;
        split_columns(in, change, added, existing);
        if (!existing.empty() || added.empty()) return;
        std::string table = change.table.display();
        in.report(change.location, table,
                  "UPDATE on " + table + " " + missing_where(change) + ": it backfills " + joined(added) +
                      " (added earlier in this script) in every row under one lock");
    });
}

}  // namespace migsafe
