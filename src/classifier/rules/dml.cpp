// DML that touches every row: delete-without-where, update-without-where,
// backfill-without-where. Data-modifying statements are found wherever the
// script runs them: at the top level, in WITH (at any depth), in EXPLAIN
// ANALYZE, PREPARE, COPY (query), INSERT ... ON CONFLICT DO UPDATE, the
// actions of CREATE RULE and the body of a BEGIN ATOMIC function.
//
// Two readers feed one judgement: raw parse trees (the CLI, migsafe_check()
// and utility statements in the server) and analysed Query trees (the
// server's post_parse_analyze hook, and its planner hook for the queries a
// rule adds when it fires). Each reader reduces a statement to the row
// changes that no condition limits; the three rules judge those, whichever
// tree they came from. In the database, the table at stake is the one whose
// rows change: a view's base table, an existing child of a new parent.
//
// A condition limits the rows of the target only if it restricts the target
// relation itself (docs/rules/delete-without-where.md, "What counts as a
// filter"): it mentions a column of the target, also from inside a
// correlated subquery, and is not true for every row: AND restricts if any
// part does, OR only if every part does; `x = x`, `x IS NOT NULL` on a NOT
// NULL column, true constants and conditions on other relations only (a
// forgotten join condition, an uncorrelated EXISTS) restrict nothing.
// WHERE false lets no row through: it restricts.
#include "rule.hpp"

#include "../options.hpp"
#include "../../parser/pg_call.hpp"

#include <functional>
#include <optional>

namespace migsafe {

namespace {

// One DELETE or UPDATE (or MERGE action, or upsert) that no condition limits.
struct UnfilteredChange {
    CmdType command = CMD_DELETE;  // CMD_DELETE or CMD_UPDATE
    bool merge = false;            // a MERGE action joined ON a condition that restricts no target row
    bool unmatched = false;        // a MERGE action on the target rows no source row matches
    bool upsert = false;           // INSERT ... ON CONFLICT DO UPDATE fed with every row of its target
    bool has_where = false;        // a WHERE that restricts no target row, rather than none
    bool existing = false;         // the reader already knows the table held rows before the transaction
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

// PostgreSQL 15 declares the tree walkers' callback as bool (*)(); cast
// through void (*)(void).
template <typename Walker>
auto as_walker(Walker walker) {
    return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)(void)>(walker));
}

// AND restricts the target if any part does, OR only if every part does:
// the answer for those, whichever tree the parts come from; nullopt for NOT,
// which each reader decides.
template <typename Part>
std::optional<bool> combined(const BoolExpr *bool_expr, Part restricts_part) {
    ListCell *cell;
    switch (bool_expr->boolop) {
        case AND_EXPR:
            foreach (cell, bool_expr->args)
                if (restricts_part(static_cast<Node *>(lfirst(cell)))) return true;
            return false;
        case OR_EXPR:
            foreach (cell, bool_expr->args)
                if (!restricts_part(static_cast<Node *>(lfirst(cell)))) return false;
            return true;
        default:
            return std::nullopt;
    }
}

// Which rows of the target a MERGE action reaches: the matched ones (the ON
// condition restricts them), the ones no source row matches (PostgreSQL
// 17's WHEN NOT MATCHED BY SOURCE: the ON condition restricts none of them),
// or none (WHEN NOT MATCHED inserts). Raw and analysed actions alike.
enum class MergeReach { matched, unmatched, none };

#if PG_VERSION_NUM >= 170000
template <typename Action>
MergeReach merge_reach(const Action *action) {
    switch (action->matchKind) {
        case MERGE_WHEN_MATCHED:
            return MergeReach::matched;
        case MERGE_WHEN_NOT_MATCHED_BY_SOURCE:
            return MergeReach::unmatched;
        default:
            return MergeReach::none;
    }
}
#else
template <typename Action>
MergeReach merge_reach(const Action *action) {
    return action->matched ? MergeReach::matched : MergeReach::none;
}
#endif

// The first DELETE (or UPDATE) action of a MERGE that reaches target rows no
// condition restricts: a matched one when the ON condition restricts none,
// an unmatched one whatever it says. restricts: whether an action's own
// condition restricts the target.
template <typename Action, typename Restricts>
const Action *unrestricted_merge_action(const List *actions, CmdType command, bool on_restricts, Restricts restricts) {
    const ListCell *cell;
    foreach (cell, actions) {
        const auto *action = static_cast<const Action *>(lfirst(cell));
        MergeReach reach = merge_reach(action);
        if (reach == MergeReach::none || action->commandType != command) continue;
        if (reach == MergeReach::matched && on_restricts) continue;
        if (!restricts(action)) return action;
    }
    return nullptr;
}

// ---- raw parse trees -------------------------------------------------------

// The target as the statement's conditions name it.
struct RawTarget {
    RelName table;
    std::string name;  // its alias, else its table name
};

RawTarget raw_target(const RangeVar *relation) {
    RawTarget target{rel_name(relation), relation->relname};
    if (relation->alias != nullptr) target.name = relation->alias->aliasname;
    return target;
}

// Whether a FROM list brings a relation of this name into scope.
bool from_names(const List *from, const std::string &name);

bool from_item_names(const Node *item, const std::string &name) {
    if (item == nullptr) return false;
    switch (nodeTag(item)) {
        case T_RangeVar: {
            const auto *range_var = castNode(RangeVar, item);
            return (range_var->alias != nullptr ? range_var->alias->aliasname : range_var->relname) == name;
        }
        case T_RangeSubselect: {
            const Alias *alias = castNode(RangeSubselect, item)->alias;
            return alias != nullptr && alias->aliasname == name;
        }
        case T_RangeFunction: {
            const Alias *alias = castNode(RangeFunction, item)->alias;
            return alias != nullptr && alias->aliasname == name;
        }
        case T_JoinExpr: {
            const auto *join = castNode(JoinExpr, item);
            if (join->alias != nullptr) return join->alias->aliasname == name;
            return from_item_names(join->larg, name) || from_item_names(join->rarg, name);
        }
        default:
            return false;
    }
}

bool from_names(const List *from, const std::string &name) {
    const ListCell *cell;
    foreach (cell, from)
        if (from_item_names(static_cast<const Node *>(lfirst(cell)), name)) return true;
    return false;
}

struct RawScan {
    const RawTarget *target;
    bool shadowed;  // inside a subquery whose FROM reuses the target's name
};

// A column reference that may name the target's column. Qualified: when its
// qualifier is the target's name (NEW and OLD in a rule are not). Unqualified:
// offline nothing tells whose column it is, so it counts as the target's (no
// finding); the database reads the analysed statement and knows.
bool names_target_column(const ColumnRef *ref, const RawScan &scan) {
    int fields = list_length(ref->fields);
    if (fields < 2) return true;
    const Node *qualifier = static_cast<const Node *>(list_nth(ref->fields, fields - 2));
    return !scan.shadowed && IsA(qualifier, String) && scan.target->name == strVal(qualifier);
}

bool raw_mentions_target(Node *node, void *context) {
    if (node == nullptr) return false;
    auto *scan = static_cast<RawScan *>(context);
    if (IsA(node, ColumnRef)) return names_target_column(castNode(ColumnRef, node), *scan);
    if (IsA(node, CurrentOfExpr)) return true;
    if (IsA(node, SelectStmt)) {
        RawScan saved = *scan;
        scan->shadowed = scan->shadowed || from_names(castNode(SelectStmt, node)->fromClause, scan->target->name);
        bool found = raw_expression_tree_walker(node, as_walker(raw_mentions_target), scan);
        *scan = saved;
        return found;
    }
    return raw_expression_tree_walker(node, as_walker(raw_mentions_target), scan);
}

// PostgreSQL's walkers and equal() raise an ERROR (stack depth) on a deep
// enough expression: pg_call() turns it into an exception that unwinds the
// classifier's frames, which a longjmp would skip (their destructors, and
// the script's own).
bool mentions_raw_target(Node *node, const RawTarget &target) {
    RawScan scan{&target, false};
    return pg_call([&] { return raw_mentions_target(node, &scan); });
}

// The operators for which `x op x` holds for every non-null x.
bool reflexive_operator(const char *name) {
    return strcmp(name, "=") == 0 || strcmp(name, "<=") == 0 || strcmp(name, ">=") == 0;
}

// A condition true for every row of the target that mentions its column:
// `x = x`, `x IS NOT DISTINCT FROM x`, `x IS NOT NULL` on a NOT NULL column.
bool raw_always_true(const Node *node, const RawTarget &target, const Context &context) {
    if (IsA(node, A_Expr)) {
        const auto *expr = castNode(A_Expr, node);
        bool reflexive = expr->kind == AEXPR_NOT_DISTINCT ||
                         (expr->kind == AEXPR_OP && list_length(expr->name) >= 1 &&
                          IsA(llast(expr->name), String) && reflexive_operator(strVal(llast(expr->name))));
        return reflexive && expr->lexpr != nullptr && pg_call([&] { return equal(expr->lexpr, expr->rexpr); });
    }
    if (IsA(node, NullTest)) {
        const auto *test = castNode(NullTest, node);
        if (test->nulltesttype != IS_NOT_NULL || test->arg == nullptr || !IsA(test->arg, ColumnRef)) return false;
        const List *fields = castNode(ColumnRef, test->arg)->fields;
        const Node *column = static_cast<const Node *>(llast(fields));
        if (!IsA(column, String)) return false;
        RawScan scan{&target, false};
        return names_target_column(castNode(ColumnRef, test->arg), scan) &&
               context.column_not_null(target.table, strVal(column));
    }
    return false;
}

// A literal false or NULL: no row gets through.
bool raw_never_true(const Node *node) {
    if (IsA(node, TypeCast)) node = castNode(TypeCast, node)->arg;
    if (node == nullptr || !IsA(node, A_Const)) return false;
    const auto *constant = castNode(A_Const, node);
    return constant->isnull || (IsA(&constant->val, Boolean) && !boolVal(&constant->val));
}

// Whether a condition limits the target's rows (see the top of this file).
bool raw_restricts(Node *condition, const RawTarget &target, const Context &context) {
    if (condition == nullptr) return false;
    if (raw_never_true(condition)) return true;
    if (IsA(condition, BoolExpr)) {
        auto part = [&](Node *arg) { return raw_restricts(arg, target, context); };
        if (std::optional<bool> answer = combined(castNode(BoolExpr, condition), part)) return *answer;
        return mentions_raw_target(condition, target);  // NOT of a target condition
    }
    return mentions_raw_target(condition, target) && !raw_always_true(condition, target, context);
}

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
    RawTarget target = raw_target(del->relation);
    if (raw_restricts(del->whereClause, target, walk.context)) return;
    UnfilteredChange change;
    change.has_where = del->whereClause != nullptr;
    change.table = target.table;
    change.location = del->relation->location;
    walk.visit(change);
}

void visit_raw_update(const UpdateStmt *update, const Walk &walk) {
    visit_raw_with(update->withClause, walk);
    RawTarget target = raw_target(update->relation);
    if (raw_restricts(update->whereClause, target, walk.context)) return;
    UnfilteredChange change;
    change.command = CMD_UPDATE;
    change.has_where = update->whereClause != nullptr;
    change.table = target.table;
    change.location = update->relation->location;
    ListCell *cell;  // a multi-column SET (a, b) = ... gives one target each
    foreach (cell, update->targetList) change.set_columns.emplace_back(lfirst_node(ResTarget, cell)->name);
    walk.visit(change);
}

// MERGE ... ON <no restriction of the target> WHEN MATCHED [AND <none>]
// THEN DELETE|UPDATE reaches every row of the target; so does WHEN NOT
// MATCHED BY SOURCE [AND <none>] THEN DELETE|UPDATE, whatever the ON says,
// for the rows no source row matches.
void visit_raw_merge(const MergeStmt *merge, const Walk &walk) {
    visit_raw_with(merge->withClause, walk);
    RawTarget target = raw_target(merge->relation);
    bool on_restricts = raw_restricts(merge->joinCondition, target, walk.context);
    auto restricts = [&](const MergeWhenClause *when) { return raw_restricts(when->condition, target, walk.context); };
    for (CmdType command : {CMD_DELETE, CMD_UPDATE}) {
        const MergeWhenClause *when =
            unrestricted_merge_action<MergeWhenClause>(merge->mergeWhenClauses, command, on_restricts, restricts);
        if (when == nullptr) continue;
        UnfilteredChange change;
        change.command = command;
        change.merge = true;
        change.unmatched = merge_reach(when) == MergeReach::unmatched;
        change.table = target.table;
        change.location = merge->relation->location;
        walk.visit(change);
    }
}

// INSERT INTO t SELECT ... FROM t ... ON CONFLICT DO UPDATE: when the rows
// it inserts are every row of t itself (the SELECT reads t with nothing that
// restricts t's rows), every existing row conflicts and is updated. An
// upsert of VALUES, or of another table's rows, touches the rows whose keys
// it brings: ordinary traffic.
bool upsert_reads_every_target_row(const InsertStmt *insert, const Walk &walk) {
    const OnConflictClause *conflict = insert->onConflictClause;
    if (conflict == nullptr || conflict->action != ONCONFLICT_UPDATE) return false;
    if (insert->selectStmt == nullptr || !IsA(insert->selectStmt, SelectStmt)) return false;
    const auto *select = castNode(SelectStmt, insert->selectStmt);
    if (select->op != SETOP_NONE || select->limitCount != nullptr || select->valuesLists != NIL) return false;
    RelName table = rel_name(insert->relation);
    ListCell *cell;
    foreach (cell, select->fromClause) {
        const Node *item = static_cast<const Node *>(lfirst(cell));
        if (!IsA(item, RangeVar) || !same_object(rel_name(castNode(RangeVar, item)), table)) continue;
        RawTarget source = raw_target(castNode(RangeVar, item));
        if (raw_restricts(select->whereClause, source, walk.context)) return false;
        RawTarget target = raw_target(insert->relation);
        return !raw_restricts(conflict->whereClause, target, walk.context);
    }
    return false;
}

void visit_raw_insert(const InsertStmt *insert, const Walk &walk) {
    visit_raw_with(insert->withClause, walk);
    visit_raw(insert->selectStmt, walk);
    if (!upsert_reads_every_target_row(insert, walk)) return;
    UnfilteredChange change;
    change.command = CMD_UPDATE;
    change.upsert = true;
    change.table = rel_name(insert->relation);
    change.location = insert->relation->location;
    ListCell *cell;
    foreach (cell, insert->onConflictClause->targetList)
        change.set_columns.emplace_back(lfirst_node(ResTarget, cell)->name);
    walk.visit(change);
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

// The statement a utility statement runs (EXPLAIN ANALYZE, CREATE TABLE AS,
// PREPARE, COPY). The server's utility statements hold EXPLAIN's and CREATE
// TABLE AS's analysed; PREPARE's and COPY's are analysed as they run, and
// the guard judges them then, like any other analysed statement, with the
// catalog at hand (hooks.cpp).
void visit_inner(const Node *query, const Walk &walk) {
    if (query == nullptr) return;  // COPY of a table
    if (IsA(query, Query) || !walk.context.judges_analysed_dml()) visit_raw(query, walk);
}

void visit_query(const Query *query, const Walk &walk);

void visit_raw(const Node *node, const Walk &walk) {
    if (node == nullptr) return;
    switch (nodeTag(node)) {
        case T_Query:  // the guard judges analysed statements
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
        case T_InsertStmt:
            visit_raw_insert(castNode(InsertStmt, node), walk);
            break;
        case T_SelectStmt: {
            const auto *select = castNode(SelectStmt, node);
            visit_raw_with(select->withClause, walk);
            visit_raw(reinterpret_cast<const Node *>(select->larg), walk);
            visit_raw(reinterpret_cast<const Node *>(select->rarg), walk);
            break;
        }
        case T_ExplainStmt: {
            const auto *explain = castNode(ExplainStmt, node);
            if (option_enabled(explain->options, "analyze")) visit_inner(explain->query, walk);
            break;
        }
        case T_CreateTableAsStmt:
            visit_inner(castNode(CreateTableAsStmt, node)->query, walk);
            break;
        case T_PrepareStmt:
            visit_inner(castNode(PrepareStmt, node)->query, walk);
            break;
        case T_CopyStmt:
            visit_inner(castNode(CopyStmt, node)->query, walk);
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
struct VarScan {
    Index target;  // the range-table index of the target
    int depth;     // subquery levels below the statement
};

// A Var of the target, seen from this depth (a correlated subquery's
// reference has varlevelsup = its depth), or WHERE CURRENT OF.
bool var_mentions_target(Node *node, void *context) {
    if (node == nullptr) return false;
    auto *scan = static_cast<VarScan *>(context);
    if (IsA(node, Var)) {
        const auto *var = castNode(Var, node);
        return var->varno == static_cast<int>(scan->target) && var->varlevelsup == static_cast<Index>(scan->depth);
    }
    if (IsA(node, CurrentOfExpr)) return scan->depth == 0;
    if (IsA(node, Query)) {
        scan->depth++;
        bool found = query_tree_walker(castNode(Query, node), as_walker(var_mentions_target), scan, 0);
        scan->depth--;
        return found;
    }
    return expression_tree_walker(node, as_walker(var_mentions_target), scan);
}

bool mentions_target(Node *node, Index target) {
    VarScan scan{target, 0};
    return pg_call([&] { return var_mentions_target(node, &scan); });
}

// The target's column that a node is, or 0.
AttrNumber target_column(const Node *node, Index target) {
    if (node == nullptr || !IsA(node, Var)) return 0;
    const auto *var = castNode(Var, node);
    return var->varno == static_cast<int>(target) && var->varlevelsup == 0 ? var->varattno : 0;
}

bool always_true(const Node *node, const RangeTblEntry *target_rte, Index target, const Context &context) {
    if (IsA(node, OpExpr)) {
        const auto *op = castNode(OpExpr, node);
        return list_length(op->args) == 2 && pg_call([&] { return equal(linitial(op->args), lsecond(op->args)); }) &&
               context.operator_is_reflexive(op->opno);
    }
    if (IsA(node, NullTest)) {
        const auto *test = castNode(NullTest, node);
        AttrNumber column = target_column(reinterpret_cast<const Node *>(test->arg), target);
        return test->nulltesttype == IS_NOT_NULL && !test->argisrow && column > 0 &&
               context.attribute_not_null(target_rte->relid, column);
    }
    return false;
}

bool restricts(Node *condition, const RangeTblEntry *target_rte, Index target, const Context &context) {
    if (condition == nullptr) return false;
    if (IsA(condition, Const)) {  // WHERE false (or NULL) lets no row through
        const auto *constant = castNode(Const, condition);
        return constant->constisnull || !DatumGetBool(constant->constvalue);
    }
    if (IsA(condition, List)) {  // an implicit AND (a rewritten rule's qual list)
        ListCell *cell;
        foreach (cell, castNode(List, condition))
            if (restricts(static_cast<Node *>(lfirst(cell)), target_rte, target, context)) return true;
        return false;
    }
    if (IsA(condition, BoolExpr)) {
        const auto *bool_expr = castNode(BoolExpr, condition);
        auto part = [&](Node *arg) { return restricts(arg, target_rte, target, context); };
        if (std::optional<bool> answer = combined(bool_expr, part)) return *answer;
        // NOT: x IS NOT DISTINCT FROM x is NOT (x IS DISTINCT FROM x), true for every row.
        const Node *arg = static_cast<const Node *>(linitial(bool_expr->args));
        if (IsA(arg, DistinctExpr) &&
            pg_call([&] {
                return equal(linitial(castNode(DistinctExpr, arg)->args), lsecond(castNode(DistinctExpr, arg)->args));
            }))
            return false;
        return mentions_target(condition, target);
    }
    return mentions_target(condition, target) && !always_true(condition, target_rte, target, context);
}

// Conditions whose every part is a comparison of columns, parameters and
// constants have nothing for constant folding to simplify; others (CASE,
// COALESCE, function calls) are folded first, as the planner will.
bool needs_folding(Node *node, void *) {
    if (node == nullptr) return false;
    switch (nodeTag(node)) {
        case T_BoolExpr:
        case T_OpExpr:
        case T_ScalarArrayOpExpr:
        case T_NullTest:
        case T_RelabelType:
        case T_List:
            return expression_tree_walker(node, as_walker(needs_folding), nullptr);
        case T_Var:
        case T_Const:
        case T_Param:
        case T_CurrentOfExpr:
        case T_SubLink:
            return false;
        default:
            return true;
    }
}

bool filters_target(Node *condition, const Query *query, Index target, const Context &context) {
    if (condition == nullptr) return false;
    const RangeTblEntry *target_rte = rt_fetch(target, query->rtable);
    if (!restricts(condition, target_rte, target, context)) return false;
    if (!needs_folding(condition, nullptr)) return true;
    return restricts(context.fold_constants(condition), target_rte, target, context);
}
#else
// libpg_query has no walker over analysed expressions, and needs none: the
// CLI only ever sees raw parse trees, so this is never reached there.
bool filters_target(Node *, const Query *, Index, const Context &) { return true; }
#endif

// Visits the change once for each table whose rows it loses, when one held
// rows before the transaction: the target (a view's base table), or for a
// new target (without ONLY) each of its existing children and partitions. A
// new parent in front of existing tables is no way around the rule.
void visit_existing(const Query *query, Index target, const Walk &walk, UnfilteredChange change) {
    const RangeTblEntry *rte = rt_fetch(target, query->rtable);
    change.existing = true;
    for (const RelName &table : walk.context.existing_relations(rte->relid, rte->inh)) {
        change.table = table;
        walk.visit(change);
    }
}

void assigned_columns(const List *target_list, UnfilteredChange &change) {
    const ListCell *cell;
    foreach (cell, target_list) {
        const auto *target = lfirst_node(TargetEntry, cell);
        if (!target->resjunk && target->resname != nullptr) change.set_columns.emplace_back(target->resname);
    }
}

// PostgreSQL 15 keeps MERGE's ON condition as the quals of the jointree; 17
// in a field of its own.
Node *merge_join_condition(const Query *query) {
#if PG_VERSION_NUM >= 170000
    return query->mergeJoinCondition;
#else
    return query->jointree->quals;
#endif
}

void visit_query_merge(const Query *query, const Walk &walk) {
    Index target = query->resultRelation;
    bool on_restricts = filters_target(merge_join_condition(query), query, target, walk.context);
    auto restricts = [&](const MergeAction *action) {
        return filters_target(action->qual, query, target, walk.context);
    };
    for (CmdType command : {CMD_DELETE, CMD_UPDATE}) {
        const MergeAction *action =
            unrestricted_merge_action<MergeAction>(query->mergeActionList, command, on_restricts, restricts);
        if (action == nullptr) continue;
        UnfilteredChange change;
        change.command = command;
        change.merge = true;
        change.unmatched = merge_reach(action) == MergeReach::unmatched;
        visit_existing(query, target, walk, change);
    }
}

// The analysed form of upsert_reads_every_target_row(): the INSERT's rows
// come from a subquery over the target's own table that restricts none of
// its rows, and DO UPDATE has no WHERE that restricts the target.
void visit_query_upsert(const Query *query, const Walk &walk) {
    const OnConflictExpr *conflict = query->onConflict;
    if (conflict == nullptr || conflict->action != ONCONFLICT_UPDATE) return;
    Oid table = rt_fetch(query->resultRelation, query->rtable)->relid;
    const ListCell *cell;
    foreach (cell, query->rtable) {
        const auto *rte = lfirst_node(RangeTblEntry, cell);
        if (rte->rtekind != RTE_SUBQUERY || rte->subquery == nullptr) continue;
        const Query *source = rte->subquery;
        if (source->limitCount != nullptr || source->setOperations != nullptr) continue;
        Index index = 0;
        const ListCell *inner;
        foreach (inner, source->rtable) {
            index++;
            const auto *read = lfirst_node(RangeTblEntry, inner);
            if (read->rtekind != RTE_RELATION || read->relid != table) continue;
            if (filters_target(source->jointree->quals, source, index, walk.context)) continue;
            if (filters_target(conflict->onConflictWhere, query, query->resultRelation, walk.context)) return;
            UnfilteredChange change;
            change.command = CMD_UPDATE;
            change.upsert = true;
            assigned_columns(conflict->onConflictSet, change);
            visit_existing(query, query->resultRelation, walk, change);
            return;
        }
    }
}

void visit_query(const Query *query, const Walk &walk) {
    ListCell *cell;
    foreach (cell, query->cteList) {
        const Node *cte = lfirst_node(CommonTableExpr, cell)->ctequery;
        if (cte != nullptr && IsA(cte, Query)) visit_query(castNode(Query, cte), walk);
    }
    switch (query->commandType) {
        case CMD_MERGE:
            return visit_query_merge(query, walk);
        case CMD_INSERT:
            return visit_query_upsert(query, walk);
        case CMD_DELETE:
        case CMD_UPDATE:
            break;
        default:
            return;
    }
    // The cheap test first: UPDATE ... WHERE id = $1 needs no catalog look-up.
    if (filters_target(query->jointree->quals, query, query->resultRelation, walk.context)) return;
    UnfilteredChange change;
    change.command = query->commandType;
    change.has_where = query->jointree->quals != nullptr;
    if (query->commandType == CMD_UPDATE) assigned_columns(query->targetList, change);
    visit_existing(query, query->resultRelation, walk, change);
}

// Calls visit for every unfiltered change in the statement to a table that
// existed before the script (or, in the database, before the transaction)
// and may hold rows (in the database, a table without a single page holds
// none: nothing is lost).
template <typename Visit>
void for_each_unfiltered_change(RuleInput &in, Visit visit) {
    Walk walk{[&](const UnfilteredChange &change) {
                  if (!change.existing && in.table_is_new(change.table)) return;
                  if (in.context.table_is_empty(change.table) == true) return;
                  visit(change);
              },
              in.context};
    visit_raw(in.stmt, walk);
}

std::string missing_where(const UnfilteredChange &change) {
    return change.has_where ? "has a WHERE clause that restricts none of its rows" : "has no WHERE clause";
}

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const std::string &name : names) out += (out.empty() ? "" : ", ") + quote_ident(name);
    return out;
}

std::string merge_message(const UnfilteredChange &change, const char *verb) {
    if (change.unmatched)
        return "MERGE into " + change.table.display() + " " + verb +
               " every row that no source row matches (WHEN NOT MATCHED BY SOURCE), with no condition that restricts them";
    return "MERGE into " + change.table.display() + " joins on a condition that restricts none of its rows "
           "and " + verb + " every matched row";
}

std::string upsert_message(const UnfilteredChange &change, const std::vector<std::string> &columns) {
    return "INSERT ... ON CONFLICT DO UPDATE reads every row of " + change.table.display() +
           " back into it: every row conflicts, and " + joined(columns) + " is overwritten in every row";
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
        if (change.upsert) return in.report(change.location, table, upsert_message(change, existing));
        in.report(change.location, table,
                  "UPDATE on " + table + " " + missing_where(change) + ": it overwrites " + joined(existing) +
                      " in every row");
    });
}

void check_backfill_without_where(RuleInput &in) {
    for_each_unfiltered_change(in, [&](const UnfilteredChange &change) {
        if (change.command != CMD_UPDATE || change.merge || change.upsert) return;
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
