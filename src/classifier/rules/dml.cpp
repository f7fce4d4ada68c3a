// DML that touches every row: delete-without-where, update-without-where,
// backfill-without-where. Data-modifying statements are found wherever the
// script runs them: at the top level, in WITH (at any depth), in EXPLAIN
// ANALYZE, PREPARE, COPY (query) and the actions of CREATE RULE.
#include "rule.hpp"

#include "../options.hpp"

#include <functional>

namespace migsafe {

namespace {

using DmlVisitor = std::function<void(const Node *dml)>;

void visit_modifying(const Node *node, const DmlVisitor &visit);

void visit_with(const WithClause *with, const DmlVisitor &visit) {
    if (with == nullptr) return;
    ListCell *cell;
    foreach (cell, with->ctes) visit_modifying(lfirst_node(CommonTableExpr, cell)->ctequery, visit);
}

void visit_modifying(const Node *node, const DmlVisitor &visit) {
    if (node == nullptr) return;
    switch (nodeTag(node)) {
        case T_DeleteStmt:
            visit_with(castNode(DeleteStmt, node)->withClause, visit);
            visit(node);
            break;
        case T_UpdateStmt:
            visit_with(castNode(UpdateStmt, node)->withClause, visit);
            visit(node);
            break;
        case T_MergeStmt:
            visit_with(castNode(MergeStmt, node)->withClause, visit);
            visit(node);
            break;
        case T_InsertStmt: {
            const auto *insert = castNode(InsertStmt, node);
            visit_with(insert->withClause, visit);
            visit_modifying(insert->selectStmt, visit);
            break;
        }
        case T_SelectStmt: {
            const auto *select = castNode(SelectStmt, node);
            visit_with(select->withClause, visit);
            visit_modifying(reinterpret_cast<const Node *>(select->larg), visit);
            visit_modifying(reinterpret_cast<const Node *>(select->rarg), visit);
            break;
        }
        case T_ExplainStmt: {
            const auto *explain = castNode(ExplainStmt, node);
            if (option_enabled(explain->options, "analyze")) visit_modifying(explain->query, visit);
            break;
        }
        case T_CreateTableAsStmt:
            visit_modifying(castNode(CreateTableAsStmt, node)->query, visit);
            break;
        case T_PrepareStmt:
            visit_modifying(castNode(PrepareStmt, node)->query, visit);
            break;
        case T_CopyStmt:
            visit_modifying(castNode(CopyStmt, node)->query, visit);
            break;
        case T_RuleStmt: {
            ListCell *cell;
            foreach (cell, castNode(RuleStmt, node)->actions)
                visit_modifying(static_cast<const Node *>(lfirst(cell)), visit);
            break;
        }
        default:
            break;
    }
}

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

std::string missing_where(Node *where) {
    return where == nullptr ? "has no WHERE clause" : "has a WHERE clause that references no column";
}

// SET targets of an UPDATE (a multi-column SET (a, b) = ... gives one each).
std::vector<std::string> set_columns(const UpdateStmt *update) {
    std::vector<std::string> columns;
    ListCell *cell;
    foreach (cell, update->targetList) columns.emplace_back(lfirst_node(ResTarget, cell)->name);
    return columns;
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &name : names) out += (out.empty() ? "" : ", ") + quote_ident(name);
    return out;
}

// Calls check(update, table, new_columns, old_columns) for every UPDATE in
// the statement that has no real WHERE clause, on a table that existed
// before the script.
template <typename Check>
void for_each_unfiltered_update(RuleInput &in, Check check) {
    visit_modifying(in.stmt, [&](const Node *node) {
        if (!IsA(node, UpdateStmt)) return;
        const auto *update = castNode(UpdateStmt, node);
        if (filters_rows(update->whereClause)) return;
        RelName table = rel_name(update->relation);
        if (in.script.table_created(table)) return;
        std::vector<std::string> added, existing;
        for (const std::string &column : set_columns(update))
            (in.script.column_added(table, column) ? added : existing).push_back(column);
        check(update, table, added, existing);
    });
}

// MERGE ... WHEN MATCHED THEN DELETE|UPDATE with a join condition and a WHEN
// condition that reference no column (ON true) reaches every row.
bool merge_reaches_every_row(const MergeStmt *merge, CmdType command) {
    if (filters_rows(merge->joinCondition)) return false;
    ListCell *cell;
    foreach (cell, merge->mergeWhenClauses) {
        const auto *when = lfirst_node(MergeWhenClause, cell);
        if (when->matched && when->commandType == command && !filters_rows(when->condition)) return true;
    }
    return false;
}

}  // namespace

void check_delete_without_where(RuleInput &in) {
    visit_modifying(in.stmt, [&](const Node *node) {
        if (IsA(node, MergeStmt)) {
            const auto *merge = castNode(MergeStmt, node);
            RelName table = rel_name(merge->relation);
            if (!merge_reaches_every_row(merge, CMD_DELETE) || in.script.table_created(table)) return;
            in.report(merge->relation->location, table.display(),
                      "MERGE into " + table.display() + " joins on a condition that references no column "
                      "and deletes every matched row");
            return;
        }
        if (!IsA(node, DeleteStmt)) return;
        const auto *del = castNode(DeleteStmt, node);
        if (filters_rows(del->whereClause)) return;
        RelName table = rel_name(del->relation);
        if (in.script.table_created(table)) return;
        in.report(del->relation->location, table.display(),
                  "DELETE on " + table.display() + " " + missing_where(del->whereClause) +
                      ": it deletes every row");
    });
}

void check_update_without_where(RuleInput &in) {
    visit_modifying(in.stmt, [&](const Node *node) {
        if (!IsA(node, MergeStmt)) return;
        const auto *merge = castNode(MergeStmt, node);
        RelName table = rel_name(merge->relation);
        if (!merge_reaches_every_row(merge, CMD_UPDATE) || in.script.table_created(table)) return;
        in.report(merge->relation->location, table.display(),
                  "MERGE into " + table.display() + " joins on a condition that references no column "
                  "and updates every matched row");
    });
    for_each_unfiltered_update(in, [&](const UpdateStmt *update, const RelName &table,
                                       const std::vector<std::string> &,
                                       const std::vector<std::string> &existing) {
        if (existing.empty()) return;
        in.report(update->relation->location, table.display(),
                  "UPDATE on " + table.display() + " " + missing_where(update->whereClause) +
                      ": it overwrites " + joined(existing) + " in every row");
    });
}

void check_backfill_without_where(RuleInput &in) {
    for_each_unfiltered_update(in, [&](const UpdateStmt *update, const RelName &table,
                                       const std::vector<std::string> &added,
                                       const std::vector<std::string> &existing) {
        if (!existing.empty() || added.empty()) return;
        in.report(update->relation->location, table.display(),
                  "UPDATE on " + table.display() + " " + missing_where(update->whereClause) +
                      ": it backfills " + joined(added) +
                      " (added earlier in this script) in every row under one lock");
    });
}

}  // namespace migsafe
