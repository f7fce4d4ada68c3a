#include "deferred.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <tuple>

namespace migsafe {

namespace {

// The key columns of a PRIMARY KEY or UNIQUE constraint (keys, or the column
// it is written in).
std::vector<std::string> constraint_columns(const Constraint *constraint, const char *column) {
    std::vector<std::string> columns;
    if (column != nullptr && constraint->keys == NIL) {
        columns.emplace_back(column);
        return columns;
    }
    const ListCell *cell;
    foreach (cell, constraint->keys)
        if (IsA(lfirst(cell), String)) columns.emplace_back(strVal(lfirst(cell)));
    return columns;
}

bool mentions(const std::vector<std::string> &columns, const std::string &column) {
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

void rename_in(std::vector<std::string> &columns, const std::string &from, const std::string &to) {
    for (std::string &column : columns)
        if (column == from) column = to;
}

RelName index_name(const RelName &table, const std::string &name) { return {table.schema, name}; }

}  // namespace

bool reported_at_end(std::string_view rule) {
    return rule == "foreign-key-without-index" || rule == "transaction-control";
}

void DeferredFindings::foreign_key(DeferredFinding finding, const RelName &table, std::vector<std::string> columns,
                                   std::string name) {
    foreign_keys_.push_back({std::move(finding), table, std::move(columns), std::move(name)});
}

bool DeferredFindings::index_covers(const RelName &table, const std::vector<std::string> &columns) const {
    if (columns.empty()) return false;
    return std::any_of(indexes_.begin(), indexes_.end(), [&](const KeyIndex &index) {
        if (index.columns.size() < columns.size() || !same_object(index.table, table)) return false;
        // The first columns.size() key columns are the foreign key's, in any
        // order (neither list holds a column twice).
        return std::all_of(index.columns.begin(), index.columns.begin() + static_cast<long>(columns.size()),
                           [&](const std::string &column) { return mentions(columns, column); });
    });
}

void DeferredFindings::add_index(KeyIndex index) {
    if (!index.columns.empty()) indexes_.push_back(std::move(index));
}

void DeferredFindings::record(const Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_CreateStmt:
            record_create_table(castNode(CreateStmt, stmt));
            break;
        case T_IndexStmt:
            record_index(castNode(IndexStmt, stmt));
            break;
        case T_AlterTableStmt:
            record_alter_table(castNode(AlterTableStmt, stmt));
            break;
        case T_RenameStmt:
            record_rename(castNode(RenameStmt, stmt));
            break;
        case T_AlterObjectSchemaStmt: {
            const auto *move = castNode(AlterObjectSchemaStmt, stmt);
            if (move->objectType == OBJECT_TABLE && move->relation != nullptr && move->newschema != nullptr) {
                RelName from = rel_name(move->relation);
                move_table(from, {move->newschema, from.name});
            }
            break;
        }
        case T_DropStmt:
            record_drop(castNode(DropStmt, stmt));
            break;
        case T_TransactionStmt:
            record_transaction(castNode(TransactionStmt, stmt));
            break;
        default:
            break;
    }
}

// PRIMARY KEY and UNIQUE build an index of their columns, in the order
// written (column: the column the constraint is written in, or nullptr).
void DeferredFindings::constraint_index(const RelName &table, const Constraint *constraint, const char *column) {
    if (constraint->contype != CONSTR_PRIMARY && constraint->contype != CONSTR_UNIQUE) return;
    if (constraint->indexname != nullptr) return;  // USING INDEX: an existing index, already known or not
    add_index({table, constraint_columns(constraint, column), constraint->conname != nullptr ? constraint->conname : "",
               true});
}

void DeferredFindings::record_create_table(const CreateStmt *create) {
    RelName table = rel_name(create->relation);
    if (create->if_not_exists) return;  // the table may be another one, with its own indexes
    const ListCell *cell;
    foreach (cell, create->tableElts) {
        const Node *element = static_cast<const Node *>(lfirst(cell));
        if (IsA(element, ColumnDef)) {
            const auto *column = castNode(ColumnDef, element);
            const ListCell *item;
            foreach (item, column->constraints)
                if (IsA(lfirst(item), Constraint))
                    constraint_index(table, lfirst_node(Constraint, item), column->colname);
        } else if (IsA(element, Constraint)) {
            constraint_index(table, castNode(Constraint, element), nullptr);
        }
    }
}

void DeferredFindings::record_index(const IndexStmt *index) {
    if (index->relation == nullptr || index->whereClause != nullptr) return;  // a partial index serves some rows only
    // ON ONLY a partitioned table: an invalid index until every partition's is attached.
    if (!index->relation->inh) return;
    // B-tree (the default) and hash indexes answer the equality look-ups of
    // a foreign key check; GIN, GiST, BRIN ... are not counted.
    if (index->accessMethod != nullptr && strcmp(index->accessMethod, "btree") != 0 &&
        strcmp(index->accessMethod, "hash") != 0)
        return;
    KeyIndex key{rel_name(index->relation), {}, index->idxname != nullptr ? index->idxname : "", false};
    const ListCell *cell;
    foreach (cell, index->indexParams) {
        const auto *element = lfirst_node(IndexElem, cell);
        if (element->name == nullptr || element->expr != nullptr) break;  // an expression ends the usable prefix
        key.columns.emplace_back(element->name);
    }
    add_index(std::move(key));
}

void DeferredFindings::drop_column(const RelName &table, const std::string &column) {
    // PostgreSQL drops the indexes and constraints that use the column.
    indexes_.erase(std::remove_if(indexes_.begin(), indexes_.end(),
                                  [&](const KeyIndex &index) {
                                      return same_object(index.table, table) && mentions(index.columns, column);
                                  }),
                   indexes_.end());
    foreign_keys_.erase(std::remove_if(foreign_keys_.begin(), foreign_keys_.end(),
                                       [&](const ForeignKey &key) {
                                           return same_object(key.table, table) && mentions(key.columns, column);
                                       }),
                        foreign_keys_.end());
}

void DeferredFindings::drop_constraint(const RelName &table, const std::string &name) {
    bool known = false;
    auto named = [&](const std::string &given) { return given == name; };
    for (auto index = indexes_.begin(); index != indexes_.end();) {
        bool drop = index->constraint && same_object(index->table, table) && named(index->name);
        known = known || drop;
        index = drop ? indexes_.erase(index) : std::next(index);
    }
    for (auto key = foreign_keys_.begin(); key != foreign_keys_.end();) {
        bool drop = same_object(key->table, table) && named(key->name);
        known = known || drop;
        key = drop ? foreign_keys_.erase(key) : std::next(key);
    }
    if (known) return;
    // A name the script never gave: it may be the one PostgreSQL chose for
    // an unnamed PRIMARY KEY or UNIQUE of the script (an unnamed foreign key
    // keeps its finding).
    indexes_.erase(std::remove_if(indexes_.begin(), indexes_.end(),
                                  [&](const KeyIndex &index) {
                                      return index.constraint && index.name.empty() &&
                                             same_object(index.table, table);
                                  }),
                   indexes_.end());
}

void DeferredFindings::record_alter_table(const AlterTableStmt *alter) {
    if (alter->objtype != OBJECT_TABLE) return;
    RelName table = rel_name(alter->relation);
    const ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        switch (cmd->subtype) {
            case AT_AddConstraint:
                if (cmd->def != nullptr && IsA(cmd->def, Constraint))
                    constraint_index(table, castNode(Constraint, cmd->def), nullptr);
                break;
            case AT_AddColumn: {
                if (cmd->def == nullptr || !IsA(cmd->def, ColumnDef) || cmd->missing_ok) break;
                const auto *column = castNode(ColumnDef, cmd->def);
                const ListCell *item;
                foreach (item, column->constraints)
                    if (IsA(lfirst(item), Constraint))
                        constraint_index(table, lfirst_node(Constraint, item), column->colname);
                break;
            }
            case AT_DropColumn:
                if (cmd->name != nullptr) drop_column(table, cmd->name);
                break;
            case AT_DropConstraint:
                if (cmd->name != nullptr) drop_constraint(table, cmd->name);
                break;
            default:
                break;
        }
    }
}

void DeferredFindings::move_table(const RelName &from, const RelName &to) {
    for (KeyIndex &index : indexes_)
        if (same_object(index.table, from)) index.table = to;
    for (ForeignKey &key : foreign_keys_)
        if (same_object(key.table, from)) key.table = to;
}

void DeferredFindings::record_rename(const RenameStmt *rename) {
    if (rename->newname == nullptr || rename->relation == nullptr) return;
    RelName relation = rel_name(rename->relation);
    std::string to = rename->newname;
    switch (rename->renameType) {
        case OBJECT_TABLE:
            move_table(relation, {relation.schema, to});
            break;
        case OBJECT_COLUMN:
            if (rename->subname == nullptr) break;
            for (KeyIndex &index : indexes_)
                if (same_object(index.table, relation)) rename_in(index.columns, rename->subname, to);
            for (ForeignKey &key : foreign_keys_)
                if (same_object(key.table, relation)) rename_in(key.columns, rename->subname, to);
            break;
        case OBJECT_TABCONSTRAINT:
            // A PRIMARY KEY or UNIQUE constraint and its index share a name.
            if (rename->subname == nullptr) break;
            for (KeyIndex &index : indexes_)
                if (same_object(index.table, relation) && index.name == rename->subname) index.name = to;
            for (ForeignKey &key : foreign_keys_)
                if (same_object(key.table, relation) && key.name == rename->subname) key.name = to;
            break;
        case OBJECT_INDEX:
            for (KeyIndex &index : indexes_)
                if (!index.name.empty() && same_object(index_name(index.table, index.name), relation)) index.name = to;
            break;
        default:
            break;
    }
}

void DeferredFindings::record_drop(const DropStmt *drop) {
    const ListCell *cell;
    foreach (cell, drop->objects) {
        if (!IsA(lfirst(cell), List)) continue;
        RelName name = rel_name(castNode(List, lfirst(cell)));
        if (drop->removeType == OBJECT_TABLE) {
            // Its indexes and foreign keys go with it.
            auto of_table = [&](const auto &entry) { return same_object(entry.table, name); };
            indexes_.erase(std::remove_if(indexes_.begin(), indexes_.end(), of_table), indexes_.end());
            foreign_keys_.erase(std::remove_if(foreign_keys_.begin(), foreign_keys_.end(), of_table),
                                foreign_keys_.end());
        } else if (drop->removeType == OBJECT_INDEX) {
            auto named = [&](const KeyIndex &index) {
                return !index.name.empty() && same_object(index_name(index.table, index.name), name);
            };
            auto known = std::remove_if(indexes_.begin(), indexes_.end(), named);
            if (known != indexes_.end()) {
                indexes_.erase(known, indexes_.end());
                continue;
            }
            // Maybe the name PostgreSQL chose for an index of the script.
            indexes_.erase(std::remove_if(indexes_.begin(), indexes_.end(),
                                          [](const KeyIndex &index) { return index.name.empty(); }),
                           indexes_.end());
        }
    }
}

void DeferredFindings::record_transaction(const TransactionStmt *transaction) {
    switch (transaction->kind) {
        case TRANS_STMT_COMMIT:
        case TRANS_STMT_ROLLBACK:
        case TRANS_STMT_PREPARE:
            // AND CHAIN opens the next transaction at once: the rule has
            // already put it in the place of the one this ends.
            if (!transaction->chain || transaction->kind == TRANS_STMT_PREPARE) open_transaction_.reset();
            break;
        default:
            break;
    }
    // What a ROLLBACK undoes is not followed: no index of the script counts
    // any more (its foreign keys keep their findings).
    if (transaction->kind == TRANS_STMT_ROLLBACK || transaction->kind == TRANS_STMT_ROLLBACK_TO) indexes_.clear();
}

void DeferredFindings::finish(Findings &out, std::vector<std::string> *lines) {
    std::vector<DeferredFinding *> standing;
    for (ForeignKey &key : foreign_keys_)
        if (!index_covers(key.table, key.columns)) standing.push_back(&key.finding);
    if (open_transaction_) standing.push_back(&*open_transaction_);
    std::stable_sort(standing.begin(), standing.end(), [](const DeferredFinding *a, const DeferredFinding *b) {
        const Finding &x = a->finding, &y = b->finding;
        return std::tie(x.statement, x.line, x.col) < std::tie(y.statement, y.line, y.col);
    });
    for (DeferredFinding *finding : standing) {
        out.push_back(std::move(finding->finding));
        if (lines != nullptr) lines->push_back(std::move(finding->line));
    }
    indexes_.clear();
    foreign_keys_.clear();
    open_transaction_.reset();
}

int DeferredFindings::earliest_statement() const {
    int earliest = INT_MAX;
    for (const ForeignKey &key : foreign_keys_) earliest = std::min(earliest, key.finding.finding.statement);
    if (open_transaction_) earliest = std::min(earliest, open_transaction_->finding.statement);
    return earliest == INT_MAX ? 0 : earliest;
}

}  // namespace migsafe
