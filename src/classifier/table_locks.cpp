#include "table_locks.hpp"

#include "options.hpp"
#include "raw_nodes.hpp"

#include <algorithm>
#include <cstring>

namespace migsafe {

namespace {

// Functions PostgreSQL (and its usual extensions) declare volatile that
// migsafe's messages name. Offline every function is volatile unless
// PostgreSQL's own catalog (kNeverVolatile, pg_catalog's functions with no
// VOLATILE overload) says otherwise: PostgreSQL makes a function VOLATILE
// unless it is declared STABLE or IMMUTABLE, so an unknown one is judged
// volatile (fail closed). In the database the catalog's provolatile
// decides, and these lists serve only for functions it does not have.
constexpr const char *kVolatileFunctions[] = {
    "random",           "random_normal",      "gen_random_uuid", "gen_random_bytes", "uuid_generate_v1",
    "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4",          "uuidv7",           "clock_timestamp",
    "timeofday",        "nextval",            "setval",          "currval",          "lastval",
    "txid_current",     "pg_current_xact_id",
};

constexpr const char *kNeverVolatile[] = {
#include "builtin_functions.inc"
};

constexpr const char *kSerialTypes[] = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"};

bool in_list(const char *name, const char *const *begin, const char *const *end) {
    return std::any_of(begin, end, [&](const char *entry) { return strcmp(entry, name) == 0; });
}

// Whether PostgreSQL's own catalog has the function, with no volatile
// overload: its name, unqualified or in pg_catalog.
bool builtin_never_volatile(const List *name) {
    if (list_length(name) > 2) return false;
    if (list_length(name) == 2 && strcmp(strVal(linitial(name)), "pg_catalog") != 0) return false;
    const char *function = strVal(llast(name));
    return std::binary_search(std::begin(kNeverVolatile), std::end(kNeverVolatile), function,
                              [](const char *a, const char *b) { return strcmp(a, b) < 0; });
}

enum class Volatility { stable, known_volatile, assumed_volatile };

Volatility volatility(const FuncCall *call, const Context &context) {
    if (std::optional<bool> known = context.function_is_volatile(call->funcname))
        return *known ? Volatility::known_volatile : Volatility::stable;
    if (in_list(strVal(llast(call->funcname)), std::begin(kVolatileFunctions), std::end(kVolatileFunctions)))
        return Volatility::known_volatile;
    return builtin_never_volatile(call->funcname) ? Volatility::stable : Volatility::assumed_volatile;
}

std::string function_name(const FuncCall *call) {
    std::string name;
    ListCell *cell;
    foreach (cell, call->funcname) {
        if (!name.empty()) name += '.';
        name += quote_ident(strVal(lfirst(cell)));
    }
    return name + "()";
}

}  // namespace

bool is_serial(const ColumnDef *column) {
    if (column->typeName == nullptr || column->typeName->names == nullptr) return false;
    if (list_length(column->typeName->names) > 1) return false;  // pg_catalog.int4 etc. are no serials
    return in_list(strVal(llast(column->typeName->names)), std::begin(kSerialTypes), std::end(kSerialTypes));
}

namespace {

// Lock and work of one ALTER TABLE subcommand on the altered table.
struct CommandEffect {
    LockLevel level;
    TableWork work;
    bool work_certain;
};

LockLevel constraint_lock(const Node *def) {
    if (def != nullptr && IsA(def, Constraint) && castNode(Constraint, def)->contype == CONSTR_FOREIGN)
        return LockLevel::share_row_exclusive;
    return LockLevel::access_exclusive;
}

TableWork constraint_work(const Node *def) {
    if (def == nullptr || !IsA(def, Constraint)) return TableWork::none;
    const auto *constraint = castNode(Constraint, def);
    switch (constraint->contype) {
        case CONSTR_CHECK:
        case CONSTR_FOREIGN:
            return constraint->skip_validation ? TableWork::none : TableWork::scan;
        case CONSTR_PRIMARY:
        case CONSTR_UNIQUE:
        case CONSTR_EXCLUSION:
            return constraint->indexname != nullptr ? TableWork::none : TableWork::build_index;
        default:
            return TableWork::none;
    }
}

CommandEffect add_column_effect(const Node *def, const Context &context) {
    if (def != nullptr && IsA(def, ColumnDef) && column_rewrite_reason(castNode(ColumnDef, def), context))
        return {LockLevel::access_exclusive, TableWork::rewrite, true};
    return {LockLevel::access_exclusive, TableWork::none, true};
}

CommandEffect alter_type_effect(const RelName &table, const AlterTableCmd *cmd, const Context &context) {
    std::optional<bool> rewrites = type_change_rewrites(table, cmd, context);
    if (!rewrites) return {LockLevel::access_exclusive, TableWork::rewrite, false};
    return {LockLevel::access_exclusive, *rewrites ? TableWork::rewrite : TableWork::none, true};
}

CommandEffect command_effect(const RelName &table, const AlterTableCmd *cmd, const Context &context) {
    constexpr LockLevel exclusive = LockLevel::access_exclusive;
    switch (cmd->subtype) {
        case AT_SetStatistics:
        case AT_SetOptions:
        case AT_ResetOptions:
        case AT_ClusterOn:
        case AT_DropCluster:
        case AT_SetRelOptions:
        case AT_ResetRelOptions:
            return {LockLevel::share_update_exclusive, TableWork::none, true};
        case AT_ValidateConstraint:
            return {LockLevel::share_update_exclusive, TableWork::scan, true};
        case AT_AttachPartition:
            return {LockLevel::share_update_exclusive, TableWork::none, true};
        case AT_DetachPartition:
            return {castNode(PartitionCmd, cmd->def)->concurrent ? LockLevel::share_update_exclusive : exclusive,
                    TableWork::none, true};
        case AT_DetachPartitionFinalize:
            return {LockLevel::share_update_exclusive, TableWork::none, true};
        case AT_EnableTrig:
        case AT_EnableAlwaysTrig:
        case AT_EnableReplicaTrig:
        case AT_EnableTrigAll:
        case AT_EnableTrigUser:
        case AT_DisableTrig:
        case AT_DisableTrigAll:
        case AT_DisableTrigUser:
            return {LockLevel::share_row_exclusive, TableWork::none, true};
        case AT_AddConstraint:
            return {constraint_lock(cmd->def), constraint_work(cmd->def), true};
        case AT_AddColumn:
            return add_column_effect(cmd->def, context);
        case AT_AlterColumnType:
            return alter_type_effect(table, cmd, context);
        case AT_SetNotNull: {
            std::optional<bool> proven =
                cmd->name != nullptr ? context.not_null_proven(table, cmd->name) : std::nullopt;
            if (!proven) return {exclusive, TableWork::scan, false};
            return {exclusive, *proven ? TableWork::none : TableWork::scan, true};
        }
#if PG_VERSION_NUM >= 170000
        case AT_SetExpression:  // recomputes a stored generated column (18: a virtual one is not rewritten)
            return {exclusive, TableWork::rewrite, PG_VERSION_NUM < 180000};
#endif
        case AT_SetLogged:
        case AT_SetUnLogged:
        case AT_SetTableSpace:
        case AT_SetAccessMethod:
            return {exclusive, TableWork::rewrite, true};
        default:
            return {exclusive, TableWork::none, true};
    }
}

void add_lock(std::vector<TableLock> &out, RelName name, ObjectType kind, LockLevel level,
              TableWork work = TableWork::none, bool work_certain = true) {
    for (TableLock &lock : out) {
        if (lock.relation.schema != name.schema || lock.relation.name != name.name) continue;
        // The same table twice (a self-referencing FOREIGN KEY): the strongest.
        lock.level = std::max(lock.level, level);
        if (work > lock.work) lock.work = work, lock.work_certain = work_certain;
        return;
    }
    out.push_back({std::move(name), kind, level, work, work_certain});
}

void add_lock(std::vector<TableLock> &out, const RangeVar *relation, ObjectType kind, LockLevel level,
              TableWork work = TableWork::none, bool work_certain = true) {
    if (relation != nullptr) add_lock(out, rel_name(relation), kind, level, work, work_certain);
}

void alter_table_locks(std::vector<TableLock> &out, const AlterTableStmt *alter, const Context &context) {
    ObjectType kind = alter->objtype == OBJECT_INDEX ? OBJECT_INDEX : OBJECT_TABLE;
    RelName table = rel_name(alter->relation);
    LockLevel level = LockLevel::access_share;
    TableWork work = TableWork::none;
    bool work_certain = true;
    ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        CommandEffect effect = command_effect(table, cmd, context);
        level = std::max(level, effect.level);
        if (effect.work > work || (effect.work == work && !effect.work_certain)) {
            work = effect.work;
            work_certain = effect.work_certain;
        }
    }
    add_lock(out, alter->relation, kind, level, work, work_certain);
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        if (cmd->subtype == AT_AddConstraint && cmd->def != nullptr && IsA(cmd->def, Constraint) &&
            castNode(Constraint, cmd->def)->contype == CONSTR_FOREIGN)
            add_lock(out, castNode(Constraint, cmd->def)->pktable, OBJECT_TABLE, LockLevel::share_row_exclusive);
        if (cmd->subtype == AT_AttachPartition)
            add_lock(out, castNode(PartitionCmd, cmd->def)->name, OBJECT_TABLE, LockLevel::access_exclusive,
                     TableWork::scan, false);
        if (cmd->subtype == AT_DetachPartition) {
            const auto *partition = castNode(PartitionCmd, cmd->def);
            add_lock(out, partition->name, OBJECT_TABLE,
                     partition->concurrent ? LockLevel::share_update_exclusive : LockLevel::access_exclusive);
        }
    }
}

void drop_locks(std::vector<TableLock> &out, const DropStmt *drop) {
    bool index = drop->removeType == OBJECT_INDEX;
    if (!index && drop->removeType != OBJECT_TABLE && drop->removeType != OBJECT_MATVIEW &&
        drop->removeType != OBJECT_FOREIGN_TABLE && drop->removeType != OBJECT_VIEW)
        return;
    LockLevel level = drop->concurrent ? LockLevel::share_update_exclusive : LockLevel::access_exclusive;
    ListCell *cell;
    foreach (cell, drop->objects) add_lock(out, rel_name(castNode(List, lfirst(cell))), index ? OBJECT_INDEX : OBJECT_TABLE, level);
}

void reindex_locks(std::vector<TableLock> &out, const ReindexStmt *reindex) {
    if (reindex->relation == nullptr) return;  // SCHEMA, DATABASE, SYSTEM: table by table
    bool concurrently = option_enabled(reindex->params, "concurrently");
    if (reindex->kind == REINDEX_OBJECT_INDEX)
        add_lock(out, reindex->relation, OBJECT_INDEX,
                 concurrently ? LockLevel::share_update_exclusive : LockLevel::access_exclusive,
                 TableWork::build_index);
    else
        add_lock(out, reindex->relation, OBJECT_TABLE,
                 concurrently ? LockLevel::share_update_exclusive : LockLevel::share, TableWork::build_index);
}

void vacuum_locks(std::vector<TableLock> &out, const VacuumStmt *vacuum) {
    bool full = vacuum->is_vacuumcmd && option_enabled(vacuum->options, "full");
    ListCell *cell;
    foreach (cell, vacuum->rels) {
        const RangeVar *relation = lfirst_node(VacuumRelation, cell)->relation;
        if (full)
            add_lock(out, relation, OBJECT_TABLE, LockLevel::access_exclusive, TableWork::rewrite);
        else
            add_lock(out, relation, OBJECT_TABLE, LockLevel::share_update_exclusive, TableWork::scan);
    }
}

void create_table_locks(std::vector<TableLock> &out, const CreateStmt *create) {
    ListCell *cell;
    // PARTITION OF locks the parent against every query; INHERITS only
    // against schema changes.
    LockLevel parent = create->partbound != nullptr ? LockLevel::access_exclusive : LockLevel::share_update_exclusive;
    foreach (cell, create->inhRelations) add_lock(out, lfirst_node(RangeVar, cell), OBJECT_TABLE, parent);
    auto add_references = [&](const Node *node) {
        if (node != nullptr && IsA(node, Constraint) && castNode(Constraint, node)->contype == CONSTR_FOREIGN)
            add_lock(out, castNode(Constraint, node)->pktable, OBJECT_TABLE, LockLevel::share_row_exclusive);
    };
    foreach (cell, create->tableElts) {
        const Node *element = static_cast<Node *>(lfirst(cell));
        add_references(element);
        if (!IsA(element, ColumnDef)) continue;
        ListCell *constraint;
        foreach (constraint, castNode(ColumnDef, element)->constraints)
            add_references(static_cast<Node *>(lfirst(constraint)));
    }
    foreach (cell, create->constraints) add_references(static_cast<Node *>(lfirst(cell)));
}

void rename_locks(std::vector<TableLock> &out, const RenameStmt *rename) {
    if (rename->relation == nullptr) return;
    // PostgreSQL 12 and later rename an index under SHARE UPDATE EXCLUSIVE.
    bool index = rename->renameType == OBJECT_INDEX;
    add_lock(out, rename->relation, index ? OBJECT_INDEX : OBJECT_TABLE,
             index ? LockLevel::share_update_exclusive : LockLevel::access_exclusive);
}

void dml_locks(std::vector<TableLock> &out, const RangeVar *relation) {
    add_lock(out, relation, OBJECT_TABLE, LockLevel::row_exclusive, TableWork::write_rows);
}

}  // namespace

const char *lock_level_name(LockLevel level) {
    switch (level) {
        case LockLevel::access_share: return "ACCESS SHARE";
        case LockLevel::row_share: return "ROW SHARE";
        case LockLevel::row_exclusive: return "ROW EXCLUSIVE";
        case LockLevel::share_update_exclusive: return "SHARE UPDATE EXCLUSIVE";
        case LockLevel::share: return "SHARE";
        case LockLevel::share_row_exclusive: return "SHARE ROW EXCLUSIVE";
        case LockLevel::exclusive: return "EXCLUSIVE";
        case LockLevel::access_exclusive: return "ACCESS EXCLUSIVE";
    }
    return "";
}

std::vector<LockLevel> conflicting_levels(LockLevel level) {
    // The weakest level each one conflicts with, and the ones with a gap:
    // SHARE does not conflict with itself, ROW EXCLUSIVE not with itself or
    // the two below it.
    auto from = [](LockLevel weakest) {
        std::vector<LockLevel> levels;
        for (int l = static_cast<int>(weakest); l <= static_cast<int>(LockLevel::access_exclusive); ++l)
            levels.push_back(static_cast<LockLevel>(l));
        return levels;
    };
    switch (level) {
        case LockLevel::access_share: return from(LockLevel::access_exclusive);
        case LockLevel::row_share: return from(LockLevel::exclusive);
        case LockLevel::row_exclusive: return from(LockLevel::share);
        case LockLevel::share_update_exclusive: return from(LockLevel::share_update_exclusive);
        case LockLevel::share: {
            std::vector<LockLevel> levels = from(LockLevel::row_exclusive);
            levels.erase(std::find(levels.begin(), levels.end(), LockLevel::share));
            return levels;
        }
        case LockLevel::share_row_exclusive: return from(LockLevel::row_exclusive);
        case LockLevel::exclusive: return from(LockLevel::row_share);
        case LockLevel::access_exclusive: return from(LockLevel::access_share);
    }
    return {};
}

const char *pg_locks_mode(LockLevel level) {
    switch (level) {
        case LockLevel::access_share: return "AccessShareLock";
        case LockLevel::row_share: return "RowShareLock";
        case LockLevel::row_exclusive: return "RowExclusiveLock";
        case LockLevel::share_update_exclusive: return "ShareUpdateExclusiveLock";
        case LockLevel::share: return "ShareLock";
        case LockLevel::share_row_exclusive: return "ShareRowExclusiveLock";
        case LockLevel::exclusive: return "ExclusiveLock";
        case LockLevel::access_exclusive: return "AccessExclusiveLock";
    }
    return "";
}

const char *lock_blocks(LockLevel level) {
    switch (level) {
        case LockLevel::access_share: return "ACCESS EXCLUSIVE only";
        case LockLevel::row_share: return "EXCLUSIVE locks";
        case LockLevel::row_exclusive: return "SHARE locks (CREATE INDEX)";
        case LockLevel::share_update_exclusive: return "schema changes and VACUUM";
        case LockLevel::share:
        case LockLevel::share_row_exclusive: return "writes";
        case LockLevel::exclusive: return "writes and SELECT ... FOR UPDATE";
        case LockLevel::access_exclusive: return "reads and writes";
    }
    return "";
}

const char *table_work_name(TableWork work) {
    switch (work) {
        case TableWork::none: return "none";
        case TableWork::write_rows: return "writes rows";
        case TableWork::scan: return "full scan";
        case TableWork::build_index: return "index build";
        case TableWork::rewrite: return "rewrite";
    }
    return "";
}

const Constraint *constraint_of(const ColumnDef *column, ConstrType type) {
    ListCell *cell;
    foreach (cell, column->constraints) {
        const auto *constraint = lfirst_node(Constraint, cell);
        if (constraint->contype == type) return constraint;
    }
    return nullptr;
}

// A generated column whose values are stored: every one before 18, which
// added virtual ones (its default), computed when read and never written.
static bool is_stored_generated(const ColumnDef *column) {
    const Constraint *generated = constraint_of(column, CONSTR_GENERATED);
#if PG_VERSION_NUM >= 180000
    if (generated != nullptr) return generated->generated_kind == ATTRIBUTE_GENERATED_STORED;
    return column->generated == ATTRIBUTE_GENERATED_STORED;
#else
    return generated != nullptr || column->generated != 0;
#endif
}

std::optional<std::string> column_rewrite_reason(const ColumnDef *column, const Context &context) {
    if (is_serial(column)) return "with a serial type (a nextval() DEFAULT)";
    if (constraint_of(column, CONSTR_IDENTITY) != nullptr || column->identity != 0)
        return "GENERATED ... AS IDENTITY";
    if (is_stored_generated(column)) return "GENERATED ALWAYS AS (...) STORED";
    const Constraint *default_value = constraint_of(column, CONSTR_DEFAULT);
    Node *expression = default_value != nullptr ? default_value->raw_expr : column->raw_default;
    for (Node *call : raw_nodes_of(expression, T_FuncCall)) {
        const auto *function = castNode(FuncCall, call);
        switch (volatility(function, context)) {
            case Volatility::stable: continue;
            case Volatility::known_volatile: return "with a volatile DEFAULT (" + function_name(function) + ")";
            case Volatility::assumed_volatile:
                return "with a DEFAULT calling " + function_name(function) +
                       " (volatile unless declared STABLE or IMMUTABLE; migsafe does not know it)";
        }
    }
    return std::nullopt;
}

std::optional<bool> type_change_rewrites(const RelName &table, const AlterTableCmd *cmd, const Context &context) {
    const auto *column = castNode(ColumnDef, cmd->def);
    if (column->raw_default != nullptr) return true;  // USING: PostgreSQL rewrites unless it is the bare column
    if (cmd->name == nullptr || column->typeName == nullptr) return std::nullopt;
    return context.type_change_rewrites(table, cmd->name, column->typeName);
}

std::vector<TableLock> table_locks(const Node *stmt, const Context &context) {
    std::vector<TableLock> locks;
    switch (nodeTag(stmt)) {
        case T_AlterTableStmt:
            alter_table_locks(locks, castNode(AlterTableStmt, stmt), context);
            break;
        case T_IndexStmt: {
            const auto *index = castNode(IndexStmt, stmt);
            add_lock(locks, index->relation, OBJECT_TABLE,
                     index->concurrent ? LockLevel::share_update_exclusive : LockLevel::share, TableWork::build_index);
            break;
        }
        case T_DropStmt:
            drop_locks(locks, castNode(DropStmt, stmt));
            break;
        case T_TruncateStmt: {
            ListCell *cell;
            foreach (cell, castNode(TruncateStmt, stmt)->relations)
                add_lock(locks, lfirst_node(RangeVar, cell), OBJECT_TABLE, LockLevel::access_exclusive);
            break;
        }
        case T_RenameStmt:
            rename_locks(locks, castNode(RenameStmt, stmt));
            break;
        case T_AlterObjectSchemaStmt:
            add_lock(locks, castNode(AlterObjectSchemaStmt, stmt)->relation, OBJECT_TABLE, LockLevel::access_exclusive);
            break;
        case T_ReindexStmt:
            reindex_locks(locks, castNode(ReindexStmt, stmt));
            break;
        case T_VacuumStmt:
            vacuum_locks(locks, castNode(VacuumStmt, stmt));
            break;
        case T_ClusterStmt:
            add_lock(locks, castNode(ClusterStmt, stmt)->relation, OBJECT_TABLE, LockLevel::access_exclusive,
                     TableWork::rewrite);
            break;
        case T_LockStmt: {
            const auto *lock = castNode(LockStmt, stmt);
            ListCell *cell;
            foreach (cell, lock->relations)
                add_lock(locks, lfirst_node(RangeVar, cell), OBJECT_TABLE, static_cast<LockLevel>(lock->mode));
            break;
        }
        case T_CreateTrigStmt:
            add_lock(locks, castNode(CreateTrigStmt, stmt)->relation, OBJECT_TABLE, LockLevel::share_row_exclusive);
            break;
        case T_RuleStmt:
            add_lock(locks, castNode(RuleStmt, stmt)->relation, OBJECT_TABLE, LockLevel::access_exclusive);
            break;
        case T_CreatePolicyStmt:
            add_lock(locks, castNode(CreatePolicyStmt, stmt)->table, OBJECT_TABLE, LockLevel::access_exclusive);
            break;
        case T_AlterPolicyStmt:
            add_lock(locks, castNode(AlterPolicyStmt, stmt)->table, OBJECT_TABLE, LockLevel::access_exclusive);
            break;
        case T_CreateStmt:
            create_table_locks(locks, castNode(CreateStmt, stmt));
            break;
        case T_DeleteStmt:
            dml_locks(locks, castNode(DeleteStmt, stmt)->relation);
            break;
        case T_UpdateStmt:
            dml_locks(locks, castNode(UpdateStmt, stmt)->relation);
            break;
        case T_InsertStmt:
            dml_locks(locks, castNode(InsertStmt, stmt)->relation);
            break;
        case T_MergeStmt:
            dml_locks(locks, castNode(MergeStmt, stmt)->relation);
            break;
        default:
            break;
    }
    return locks;
}

bool runs_in_one_transaction(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_IndexStmt:
            return !castNode(IndexStmt, stmt)->concurrent;
        case T_DropStmt:
            return !castNode(DropStmt, stmt)->concurrent;
        case T_AlterTableStmt: {
            ListCell *cell;
            foreach (cell, castNode(AlterTableStmt, stmt)->cmds) {
                const auto *cmd = lfirst_node(AlterTableCmd, cell);
                if (cmd->subtype == AT_DetachPartition && castNode(PartitionCmd, cmd->def)->concurrent) return false;
            }
            return true;
        }
        // VACUUM commits after each table; REINDEX and CLUSTER of a
        // partitioned table commit after each partition.
        case T_VacuumStmt:
        case T_ReindexStmt:
        case T_ClusterStmt:
            return false;
        default:
            return true;
    }
}

}  // namespace migsafe
