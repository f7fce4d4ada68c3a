#include "script_state.hpp"

#include <algorithm>

namespace migsafe {

namespace {

bool contains(const std::vector<RelName> &names, const RelName &wanted) {
    return std::any_of(names.begin(), names.end(),
                       [&](const RelName &name) { return same_object(name, wanted); });
}

// The schema a new object lands in when the statement names none: the one of
// the table it belongs to (indexes), else unqualified.
RelName in_schema_of(const RangeVar *table, const char *name) {
    RelName result;
    if (table != nullptr && table->schemaname != nullptr) result.schema = table->schemaname;
    result.name = name;
    return result;
}

}  // namespace

bool ScriptState::table_created(const RelName &table) const { return contains(tables_, table); }

bool ScriptState::column_added(const RelName &table, const std::string &column) const {
    return table_created(table) ||
           std::any_of(columns_.begin(), columns_.end(), [&](const Column &added) {
               return added.name == column && same_object(added.table, table);
           });
}

bool ScriptState::schema_created(const std::string &schema) const {
    return std::find(schemas_.begin(), schemas_.end(), schema) != schemas_.end();
}

bool ScriptState::index_created(const RelName &index) const { return contains(indexes_, index); }

bool ScriptState::type_created(const RelName &type) const { return contains(types_, type); }

void ScriptState::record(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_CreateStmt:
            tables_.push_back(rel_name(castNode(CreateStmt, stmt)->relation));
            break;
        case T_CreateForeignTableStmt:
            tables_.push_back(rel_name(castNode(CreateForeignTableStmt, stmt)->base.relation));
            break;
        case T_CreateTableAsStmt:
            tables_.push_back(rel_name(castNode(CreateTableAsStmt, stmt)->into->rel));
            break;
        case T_SelectStmt: {
            const auto *select = castNode(SelectStmt, stmt);
            if (select->intoClause != nullptr) tables_.push_back(rel_name(select->intoClause->rel));
            break;
        }
        case T_CreateSchemaStmt: {
            const auto *create = castNode(CreateSchemaStmt, stmt);
            if (create->schemaname != nullptr) schemas_.emplace_back(create->schemaname);
            break;
        }
        case T_IndexStmt: {
            const auto *index = castNode(IndexStmt, stmt);
            if (index->idxname != nullptr) indexes_.push_back(in_schema_of(index->relation, index->idxname));
            break;
        }
        case T_CreateEnumStmt:
            types_.push_back(rel_name(castNode(CreateEnumStmt, stmt)->typeName));
            break;
        case T_CompositeTypeStmt:
            types_.push_back(rel_name(castNode(CompositeTypeStmt, stmt)->typevar));
            break;
        case T_CreateRangeStmt:
            types_.push_back(rel_name(castNode(CreateRangeStmt, stmt)->typeName));
            break;
        case T_CreateDomainStmt:
            types_.push_back(rel_name(castNode(CreateDomainStmt, stmt)->domainname));
            break;
        case T_DefineStmt: {
            const auto *define = castNode(DefineStmt, stmt);
            if (define->kind == OBJECT_TYPE) types_.push_back(rel_name(define->defnames));
            break;
        }
        case T_AlterTableStmt:
            record_alter_table(castNode(AlterTableStmt, stmt));
            break;
        case T_RenameStmt:
            record_rename(castNode(RenameStmt, stmt));
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
        if (cmd->subtype == AT_AddColumn) {
            const auto *column = castNode(ColumnDef, cmd->def);
            columns_.push_back({table, column->colname});
        }
    }
}

// A renamed object created earlier in the script is still new under its new
// name; an existing object renamed stays existing.
void ScriptState::record_rename(const RenameStmt *stmt) {
    if (stmt->newname == nullptr) return;
    RelName table = rel_name(stmt->relation);
    switch (stmt->renameType) {
        case OBJECT_TABLE:
            if (table_created(table)) tables_.push_back({table.schema, stmt->newname});
            break;
        case OBJECT_COLUMN:
            if (stmt->subname != nullptr && column_added(table, stmt->subname))
                columns_.push_back({table, stmt->newname});
            break;
        case OBJECT_INDEX:
            if (index_created(table)) indexes_.push_back({table.schema, stmt->newname});
            break;
        case OBJECT_TYPE:
        case OBJECT_DOMAIN: {
            RelName type = rel_name(castNode(List, stmt->object));
            if (type_created(type)) types_.push_back({type.schema, stmt->newname});
            break;
        }
        default:
            break;
    }
}

}  // namespace migsafe
