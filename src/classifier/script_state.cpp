#include "script_state.hpp"

#include "options.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace migsafe {

namespace {

// Remembers a new name, or forgets it when the statement may have found the
// object already there (IF NOT EXISTS).
void created(NameSet &names, const RelName &name, bool if_not_exists) {
    if (if_not_exists)
        names.forget(name);
    else
        names.add(name);
}

// The schema a new object lands in when the statement names none: the one of
// the table it belongs to (indexes), else unqualified.
// A created table's name; temporary tables live in pg_temp.
RelName new_table(const RangeVar *relation) {
    RelName name = rel_name(relation);
    if (relation->relpersistence == RELPERSISTENCE_TEMP) name.schema = "pg_temp";
    return name;
}

RelName in_schema_of(const RangeVar *table, const char *name) {
    RelName result;
    if (table != nullptr && table->schemaname != nullptr) result.schema = table->schemaname;
    result.name = name;
    return result;
}

// The column of a CHECK constraint whose expression is just "column IS NOT
// NULL" (an unqualified column), or nullptr for any other constraint.
const char *not_null_check_column(const Node *definition) {
    if (definition == nullptr || !IsA(definition, Constraint)) return nullptr;
    const auto *constraint = castNode(Constraint, definition);
    if (constraint->contype != CONSTR_CHECK || constraint->raw_expr == nullptr ||
        !IsA(constraint->raw_expr, NullTest))
        return nullptr;
    const auto *test = castNode(NullTest, constraint->raw_expr);
    if (test->nulltesttype != IS_NOT_NULL || test->arg == nullptr || !IsA(test->arg, ColumnRef)) return nullptr;
    const List *fields = castNode(ColumnRef, test->arg)->fields;
    if (list_length(fields) != 1 || !IsA(linitial(fields), String)) return nullptr;
    return strVal(linitial(fields));
}

std::string created_schema_name(const CreateSchemaStmt *create) {
    if (create->schemaname != nullptr) return create->schemaname;
    if (create->authrole != nullptr && create->authrole->rolename != nullptr) return create->authrole->rolename;
    return "";
}

}  // namespace

bool NameSet::contains(const RelName &name) const {
    auto [first, last] = by_name_.equal_range(name.name);
    return std::any_of(first, last, [&](const auto &entry) { return same_object(entry.second, name); });
}

void NameSet::forget(const RelName &name) {
    auto [first, last] = by_name_.equal_range(name.name);
    for (auto entry = first; entry != last;)
        entry = same_object(entry->second, name) ? by_name_.erase(entry) : std::next(entry);
}

bool ColumnSet::contains(const RelName &table, std::string_view column) const {
    auto [first, last] = by_name_.equal_range(key(table, column));
    return std::any_of(first, last, [&](const auto &entry) { return same_object(entry.second, table); });
}

void ColumnSet::forget(const RelName &table, std::string_view column, bool added) {
    auto [first, last] = by_name_.equal_range(key(table, column));
    for (auto entry = first; entry != last;)
        entry = same_object(entry->second, table) ? by_name_.erase(entry) : std::next(entry);
    if (added) by_name_.emplace(key_, table);  // nothing of the same object is left
}

void ColumnSet::forget_table(const RelName &table) {
    for (auto entry = by_name_.begin(); entry != by_name_.end();)
        entry = same_object(entry->second, table) ? by_name_.erase(entry) : std::next(entry);
}

bool ScriptState::table_created(const RelName &table) const { return tables_.contains(table); }

bool ScriptState::column_added(const RelName &table, const std::string &column) const {
    return table_created(table) || columns_.contains(table, column);
}

bool ScriptState::schema_created(const std::string &schema) const { return schemas_.count(schema) > 0; }

bool ScriptState::index_created(const RelName &index) const { return indexes_.contains(index); }

bool ScriptState::type_created(const RelName &type) const { return types_.contains(type); }

bool ScriptState::check_implied_by_not_null(const RelName &table, const std::string &constraint) const {
    auto [first, last] = not_null_checks_.equal_range(constraint);
    return std::any_of(first, last, [&](const auto &entry) {
        return same_object(entry.second.table, table) && not_null_columns_.contains(table, entry.second.column);
    });
}

void ScriptState::forget_not_null_facts(const RelName &table) {
    not_null_columns_.forget_table(table);
    for (auto entry = not_null_checks_.begin(); entry != not_null_checks_.end();)
        entry = same_object(entry->second.table, table) ? not_null_checks_.erase(entry) : std::next(entry);
}

void ScriptState::forget_not_null_facts(const RelName &table, const std::string &column) {
    not_null_columns_.forget(table, column);
    for (auto entry = not_null_checks_.begin(); entry != not_null_checks_.end();)
        entry = same_object(entry->second.table, table) && entry->second.column == column
                    ? not_null_checks_.erase(entry)
                    : std::next(entry);
}

void ScriptState::forget_not_null_check(const RelName &table, const std::string &constraint) {
    auto [first, last] = not_null_checks_.equal_range(constraint);
    for (auto entry = first; entry != last;)
        entry = same_object(entry->second.table, table) ? not_null_checks_.erase(entry) : std::next(entry);
}

RelName ScriptState::original_name(const RelName &table) const {
    RelName name = table;
    for (auto rename = renames_.rbegin(); rename != renames_.rend(); ++rename)
        if (same_object(rename->second, name)) name = rename->first;
    return name;
}

void ScriptState::record(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_CreateStmt: {
            const auto *create = castNode(CreateStmt, stmt);
            created(tables_, new_table(create->relation), create->if_not_exists);
            break;
        }
        case T_CreateForeignTableStmt: {
            const auto *create = &castNode(CreateForeignTableStmt, stmt)->base;
            created(tables_, new_table(create->relation), create->if_not_exists);
            break;
        }
        case T_CreateTableAsStmt: {
            const auto *create = castNode(CreateTableAsStmt, stmt);
            created(tables_, new_table(create->into->rel), create->if_not_exists);
            break;
        }
        case T_SelectStmt: {
            const auto *select = castNode(SelectStmt, stmt);
            if (select->intoClause != nullptr) created(tables_, new_table(select->intoClause->rel), false);
            break;
        }
        case T_CreateSchemaStmt: {
            const auto *create = castNode(CreateSchemaStmt, stmt);
            std::string schema = created_schema_name(create);
            if (create->if_not_exists)
                schemas_.erase(schema);
            else if (!schema.empty())
                schemas_.insert(schema);
            break;
        }
        case T_IndexStmt: {
            const auto *index = castNode(IndexStmt, stmt);
            if (index->idxname != nullptr)
                created(indexes_, in_schema_of(index->relation, index->idxname), index->if_not_exists);
            break;
        }
        case T_CreateEnumStmt:
            types_.add(rel_name(castNode(CreateEnumStmt, stmt)->typeName));
            break;
        case T_CompositeTypeStmt:
            types_.add(rel_name(castNode(CompositeTypeStmt, stmt)->typevar));
            break;
        case T_CreateRangeStmt:
            types_.add(rel_name(castNode(CreateRangeStmt, stmt)->typeName));
            break;
        case T_CreateDomainStmt:
            types_.add(rel_name(castNode(CreateDomainStmt, stmt)->domainname));
            break;
        case T_DefineStmt: {
            const auto *define = castNode(DefineStmt, stmt);
            if (define->kind == OBJECT_TYPE) created(types_, rel_name(define->defnames), define->if_not_exists);
            break;
        }
        case T_AlterTableStmt:
            record_alter_table(castNode(AlterTableStmt, stmt));
            break;
        case T_RenameStmt:
            record_rename(castNode(RenameStmt, stmt));
            break;
        case T_DropStmt:
            record_drop(castNode(DropStmt, stmt));
            break;
        case T_AlterObjectSchemaStmt:
            record_set_schema(castNode(AlterObjectSchemaStmt, stmt));
            break;
        case T_TransactionStmt:
            record_transaction(castNode(TransactionStmt, stmt));
            break;
        case T_VariableSetStmt:
            record_setting(castNode(VariableSetStmt, stmt));
            break;
        default:
            break;
    }
}

void ScriptState::record_alter_table(const AlterTableStmt *stmt) {
    RelName table = rel_name(stmt->relation);
    ListCell *cell;
    foreach (cell, stmt->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        switch (cmd->subtype) {
            case AT_AddColumn:
                // missing_ok: IF NOT EXISTS, which may add nothing
                columns_.forget(table, castNode(ColumnDef, cmd->def)->colname, !cmd->missing_ok);
                break;
            case AT_DropColumn: {
                columns_.forget(table, cmd->name);
                forget_not_null_facts(table, cmd->name);
                break;
            }
            case AT_AddConstraint: {
                const auto *constraint = castNode(Constraint, cmd->def);
                if (const char *column = not_null_check_column(cmd->def);
                    column != nullptr && constraint->conname != nullptr)
                    not_null_checks_.emplace(constraint->conname, NotNullCheck{table, column});
                if (constraint->skip_validation && constraint->conname != nullptr)
                    not_valid_constraints_.add(table, constraint->conname);
                break;
            }
            case AT_DropConstraint:
                forget_not_null_check(table, cmd->name);
                break;
            case AT_SetNotNull:
                // With ONLY, the children may still hold NULLs that their
                // copies of the CHECK keep out.
                if (stmt->relation->inh) not_null_columns_.add(table, cmd->name);
                break;
            case AT_DropNotNull:
                not_null_columns_.forget(table, cmd->name);
                break;
            case AT_AttachPartition:
                // An existing table's rows now belong to this one.
                if (!table_created(rel_name(castNode(PartitionCmd, cmd->def)->name))) tables_.forget(table);
                break;
            case AT_AddInherit:
                // The parent now shows (and TRUNCATE/DELETE reach) this table's rows.
                if (!table_created(table)) tables_.forget(rel_name(castNode(RangeVar, cmd->def)));
                break;
            default:
                break;
        }
    }
}

void ScriptState::rename_table(const RelName &from, const RelName &to) {
    renames_.emplace_back(from, to);
    forget_not_null_facts(from);
    forget_not_null_facts(to);
    bool was_created = table_created(from);
    tables_.forget(from);
    tables_.forget(to);
    if (was_created) tables_.add(to);
}

// A renamed object created earlier in the script is still new under its new
// name; an existing object renamed makes its new name an existing object.
void ScriptState::record_rename(const RenameStmt *stmt) {
    if (stmt->newname == nullptr) return;
    RelName table = rel_name(stmt->relation);
    switch (stmt->renameType) {
        case OBJECT_TABLE:
            rename_table(table, {table.schema, stmt->newname});
            break;
        case OBJECT_COLUMN: {
            if (stmt->subname == nullptr) break;
            bool was_added = column_added(table, stmt->subname);
            forget_not_null_facts(table, stmt->subname);
            forget_not_null_facts(table, stmt->newname);
            columns_.forget(table, stmt->subname);
            columns_.forget(table, stmt->newname);
            if (was_added) columns_.add(table, stmt->newname);
            break;
        }
        case OBJECT_TABCONSTRAINT:
            if (stmt->subname != nullptr) {
                // Fail closed: a renamed CHECK is no longer known as one.
                forget_not_null_check(table, stmt->subname);
                forget_not_null_check(table, stmt->newname);
            }
            break;
        case OBJECT_INDEX: {
            bool was_created = index_created(table);
            RelName renamed{table.schema, stmt->newname};
            indexes_.forget(table);
            indexes_.forget(renamed);
            if (was_created) indexes_.add(renamed);
            break;
        }
        case OBJECT_TYPE:
        case OBJECT_DOMAIN: {
            RelName type = rel_name(castNode(List, stmt->object));
            RelName renamed{type.schema, stmt->newname};
            bool was_created = type_created(type);
            types_.forget(type);
            types_.forget(renamed);
            if (was_created) types_.add(renamed);
            break;
        }
        case OBJECT_SCHEMA:
            if (stmt->subname != nullptr) {
                bool was_created = schema_created(stmt->subname);
                schemas_.erase(stmt->subname);
                schemas_.erase(stmt->newname);
                if (was_created) schemas_.insert(stmt->newname);
            }
            break;
        default:
            break;
    }
}

void ScriptState::record_drop(const DropStmt *stmt) {
    ListCell *cell;
    foreach (cell, stmt->objects) {
        const Node *object = static_cast<const Node *>(lfirst(cell));
        switch (stmt->removeType) {
            case OBJECT_TABLE:
            case OBJECT_MATVIEW:
            case OBJECT_FOREIGN_TABLE:
                tables_.forget(rel_name(castNode(List, object)));
                forget_not_null_facts(rel_name(castNode(List, object)));
                break;
            case OBJECT_INDEX:
                indexes_.forget(rel_name(castNode(List, object)));
                break;
            case OBJECT_TYPE:
            case OBJECT_DOMAIN:
                types_.forget(rel_name(castNode(TypeName, object)->names));
                break;
            case OBJECT_SCHEMA:
                schemas_.erase(strVal(object));
                break;
            default:
                break;
        }
    }
}

// A rollback undoes creations made since some earlier point of the script:
// forget them all (fail closed). Renames stay known, so protection still
// follows a renamed table.
void ScriptState::record_transaction(const TransactionStmt *stmt) {
    switch (stmt->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START:
            in_block_ = true;
            break;
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_ROLLBACK:
        case TRANS_STMT_PREPARE:
            // AND CHAIN starts the next transaction block at once.
            in_block_ = in_block_ && stmt->chain && stmt->kind != TRANS_STMT_PREPARE;
            not_valid_constraints_.clear();
            if (lock_timeout_ == LockTimeout::local) lock_timeout_ = LockTimeout::unset;
            break;
        default:
            break;
    }
    if (stmt->kind != TRANS_STMT_ROLLBACK && stmt->kind != TRANS_STMT_ROLLBACK_TO &&
        stmt->kind != TRANS_STMT_ROLLBACK_PREPARED)
        return;
    tables_.clear();
    columns_.clear();
    schemas_.clear();
    indexes_.clear();
    types_.clear();
    not_null_checks_.clear();
    not_null_columns_.clear();
    lock_timeout_ = LockTimeout::unset;  // a SET inside the rolled-back work is undone too
}

namespace {

// A lock_timeout as SET gives it: 0, '0', '0s', '0ms', 0.0 switch the
// timeout off; anything else (including values PostgreSQL would reject)
// counts as set.
bool is_zero_setting(const std::string &value) {
    char *end = nullptr;
    double number = strtod(value.c_str(), &end);
    return end != value.c_str() && number == 0;
}

}  // namespace

void ScriptState::record_setting(const VariableSetStmt *stmt) {
    if (stmt->kind == VAR_RESET_ALL) {
        lock_timeout_ = LockTimeout::unset;
        return;
    }
    if (stmt->name == nullptr || strcmp(stmt->name, "lock_timeout") != 0) return;
    std::vector<std::string> values = setting_values(stmt);
    bool set = stmt->kind == VAR_SET_VALUE && list_length(stmt->args) == 1 &&
               !(values.size() == 1 && is_zero_setting(values.front()));
    if (!set)
        lock_timeout_ = LockTimeout::unset;
    else if (stmt->is_local)
        lock_timeout_ = LockTimeout::local;
    else
        lock_timeout_ = LockTimeout::session;
}

// SET SCHEMA moves a table: a new one stays new in its new schema; an
// existing one makes its new schema hold existing data.
void ScriptState::record_set_schema(const AlterObjectSchemaStmt *stmt) {
    if (stmt->relation == nullptr || stmt->newschema == nullptr) return;
    RelName table = rel_name(stmt->relation);
    if (!table_created(table))
        schemas_.erase(stmt->newschema);
    rename_table(table, {stmt->newschema, table.name});
}

}  // namespace migsafe
