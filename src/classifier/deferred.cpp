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

// Erases the entries under key (a table's bare name) that drop says.
template <typename Map, typename Drop>
void erase_if_in(Map &map, const std::string &key, Drop drop) {
    auto [first, last] = map.equal_range(key);
    for (auto entry = first; entry != last;) entry = drop(entry->second) ? map.erase(entry) : std::next(entry);
}

// The same over every entry (rare statements only).
template <typename Map, typename Drop>
void erase_if_any(Map &map, Drop drop) {
    for (auto entry = map.begin(); entry != map.end();) entry = drop(entry->second) ? map.erase(entry) : std::next(entry);
}

}  // namespace

bool reported_at_end(std::string_view rule) {
    return rule == "foreign-key-without-index" || rule == "transaction-control";
}

void DeferredFindings::foreign_key(DeferredFinding finding, const RelName &table, std::vector<std::string> columns,
                                   std::string name) {
    ForeignKey key{std::move(finding), table, std::move(columns), std::move(name)};
    if (!covered(key)) foreign_keys_.emplace(table.name, std::move(key));
}

bool DeferredFindings::index_covers(const RelName &table, const std::vector<std::string> &columns) const {
    if (columns.empty()) return false;
    auto [first, last] = indexes_.equal_range(table.name);
    return std::any_of(first, last, [&](const auto &entry) {
        const KeyIndex &index = entry.second;
        if (index.columns.size() < columns.size() || !same_object(index.table, table)) return false;
        // The first columns.size() key columns are the foreign key's, in any
        // order (neither list holds a column twice).
        return std::all_of(index.columns.begin(), index.columns.begin() + static_cast<long>(columns.size()),
                           [&](const std::string &column) { return mentions(columns, column); });
    });
}

void DeferredFindings::add_index(KeyIndex index) {
    if (index.columns.empty()) return;
    auto [first, last] = indexes_.equal_range(index.table.name);
    for (auto entry = first; entry != last; ++entry) {
        const KeyIndex &known = entry->second;
        if (same_object(known.table, index.table) && known.columns == index.columns && known.name == index.name &&
            known.constraint == index.constraint)
            return;  // the same index again (a script repeated): nothing new
    }
    RelName table = index.table;
    indexes_.emplace(table.name, std::move(index));
    // The foreign keys it covers are settled.
    erase_if_in(foreign_keys_, table.name, [&](const ForeignKey &key) { return covered(key); });
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
    // The name is free when CREATE TABLE succeeds: whatever the script built
    // on a table of that name is gone (a script repeated must not pile up
    // indexes).
    erase_if_in(indexes_, table.name, [&](const KeyIndex &index) { return same_object(index.table, table); });
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
    auto uses = [&](const auto &entry) { return same_object(entry.table, table) && mentions(entry.columns, column); };
    erase_if_in(indexes_, table.name, uses);
    erase_if_in(foreign_keys_, table.name, uses);
}

void DeferredFindings::drop_constraint(const RelName &table, const std::string &name) {
    bool known = false;
    erase_if_in(indexes_, table.name, [&](const KeyIndex &index) {
        bool drop = index.constraint && same_object(index.table, table) && index.name == name;
        known = known || drop;
        return drop;
    });
    erase_if_in(foreign_keys_, table.name, [&](const ForeignKey &key) {
        bool drop = same_object(key.table, table) && key.name == name;
        known = known || drop;
        return drop;
    });
    if (known) return;
    // A name the script never gave: it may be the one PostgreSQL chose for
    // an unnamed PRIMARY KEY or UNIQUE of the script (an unnamed foreign key
    // keeps its finding).
    erase_if_in(indexes_, table.name, [&](const KeyIndex &index) {
        return index.constraint && index.name.empty() && same_object(index.table, table);
    });
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
    std::vector<KeyIndex> indexes;
    erase_if_in(indexes_, from.name, [&](const KeyIndex &index) {
        if (!same_object(index.table, from)) return false;
        indexes.push_back(index);
        return true;
    });
    std::vector<ForeignKey> keys;
    erase_if_in(foreign_keys_, from.name, [&](const ForeignKey &key) {
        if (!same_object(key.table, from)) return false;
        keys.push_back(key);
        return true;
    });
    for (ForeignKey &key : keys) {
        key.table = to;
        foreign_keys_.emplace(to.name, std::move(key));
    }
    for (KeyIndex &index : indexes) {
        index.table = to;
        add_index(std::move(index));
    }
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
            for (auto [entry, last] = indexes_.equal_range(relation.name); entry != last; ++entry)
                if (same_object(entry->second.table, relation)) rename_in(entry->second.columns, rename->subname, to);
            for (auto [entry, last] = foreign_keys_.equal_range(relation.name); entry != last; ++entry)
                if (same_object(entry->second.table, relation)) rename_in(entry->second.columns, rename->subname, to);
            break;
        case OBJECT_TABCONSTRAINT:
            // A PRIMARY KEY or UNIQUE constraint and its index share a name.
            if (rename->subname == nullptr) break;
            for (auto [entry, last] = indexes_.equal_range(relation.name); entry != last; ++entry)
                if (same_object(entry->second.table, relation) && entry->second.name == rename->subname)
                    entry->second.name = to;
            for (auto [entry, last] = foreign_keys_.equal_range(relation.name); entry != last; ++entry)
                if (same_object(entry->second.table, relation) && entry->second.name == rename->subname)
                    entry->second.name = to;
            break;
        case OBJECT_INDEX:
            for (auto &[table, index] : indexes_)
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
            erase_if_in(indexes_, name.name, of_table);
            erase_if_in(foreign_keys_, name.name, of_table);
        } else if (drop->removeType == OBJECT_INDEX) {
            bool known = false;
            erase_if_any(indexes_, [&](const KeyIndex &index) {
                bool drop = !index.name.empty() && same_object(index_name(index.table, index.name), name);
                known = known || drop;
                return drop;
            });
            // Else maybe the name PostgreSQL chose for an index of the script.
            if (!known) erase_if_any(indexes_, [](const KeyIndex &index) { return index.name.empty(); });
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
    for (auto &[table, key] : foreign_keys_) standing.push_back(&key.finding);
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
    for (const auto &[table, key] : foreign_keys_) earliest = std::min(earliest, key.finding.finding.statement);
    if (open_transaction_) earliest = std::min(earliest, open_transaction_->finding.statement);
    return earliest == INT_MAX ? 0 : earliest;
}

}  // namespace migsafe
