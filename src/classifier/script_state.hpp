// What earlier statements of the same script created. An object created in the
// script holds no production data yet, so dropping or rewriting it is safe:
// this is what lets `CREATE TABLE t ...; CREATE INDEX ON t ...; DROP TABLE t`
// pass while the same DROP on an existing table does not.
//
// Fail closed: IF NOT EXISTS creates nothing for sure; a name stops counting
// as new when it is dropped, when an existing object is renamed or moved to
// it, when existing rows are attached to it (ATTACH PARTITION, INHERIT), and
// a ROLLBACK forgets every creation.
#pragma once

#include "names.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace migsafe {

// Names of one kind of object, compared with same_object(). Indexed by the
// bare name, so that a look-up in a script of 100 000 statements does not
// scan every name the script created.
class NameSet {
public:
    bool contains(const RelName &name) const;
    void add(const RelName &name) {
        if (!contains(name)) by_name_.emplace(name.name, name);  // no duplicates: buckets stay short
    }
    void forget(const RelName &name);  // every entry that is the same object
    void clear() { by_name_.clear(); }

private:
    std::unordered_multimap<std::string, RelName> by_name_;
};

// Columns added by the script: (table, column), indexed the same way.
class ColumnSet {
public:
    bool contains(const RelName &table, std::string_view column) const;
    void add(const RelName &table, std::string_view column) {
        if (!contains(table, column)) by_name_.emplace(key(table, column), table);
    }
    // forget(), then add() when added: ADD COLUMN [IF NOT EXISTS].
    void forget(const RelName &table, std::string_view column, bool added = false);
    void forget_table(const RelName &table);  // every column of it (a walk over all: rare statements only)
    void clear() { by_name_.clear(); }

private:
    // "table\x1fcolumn", in a buffer kept for the look-ups.
    const std::string &key(const RelName &table, std::string_view column) const {
        key_.assign(table.name).append(1, '\x1f').append(column);
        return key_;
    }
    std::unordered_multimap<std::string, RelName> by_name_;  // key -> table
    mutable std::string key_;
};

class ScriptState {
public:
    bool table_created(const RelName &table) const;
    bool column_added(const RelName &table, const std::string &column) const;
    bool schema_created(const std::string &schema) const;
    bool index_created(const RelName &index) const;
    bool type_created(const RelName &type) const;

    // Whether dropping this constraint of the table loses nothing the script
    // did not add: the script added it as a plain CHECK (column IS NOT NULL)
    // and later set that column NOT NULL (not ONLY: on every child too), so
    // the NOT NULL guards what the CHECK guarded (drop-constraint).
    bool check_implied_by_not_null(const RelName &table, const std::string &constraint) const;

    // Whether the script set the column NOT NULL (on the table and its
    // children: not ONLY) and has not dropped it since.
    bool column_set_not_null(const RelName &table, const std::string &column) const {
        return not_null_columns_.contains(table, column);
    }

    // Inside an explicit BEGIN ... COMMIT of the script.
    bool in_transaction_block() const { return in_block_; }

    // Whether the table's constraint of this name was added NOT VALID since
    // the script's last COMMIT or ROLLBACK: a script with no transaction
    // control runs as one transaction (one query, or a tool's transaction),
    // so VALIDATE would scan under the lock ADD CONSTRAINT took.
    bool constraint_added_not_valid(const RelName &table, const std::string &constraint) const {
        return not_valid_constraints_.contains(table, constraint);
    }

    // A SET [LOCAL] lock_timeout to a non-zero value is in effect (SET LOCAL
    // until the end of its transaction block, or of the script).
    bool lock_timeout_set() const { return lock_timeout_ != LockTimeout::unset; }

    // The name a table had before the script renamed or moved it (itself if
    // it was not renamed): protection follows a table through renames.
    RelName original_name(const RelName &table) const;

    // Updates the state with what this statement creates, drops, renames or
    // moves. Called after the rules have judged the statement.
    void record(const Node *stmt);

private:
    void record_alter_table(const AlterTableStmt *stmt);
    void record_rename(const RenameStmt *stmt);
    void record_drop(const DropStmt *stmt);
    void record_set_schema(const AlterObjectSchemaStmt *stmt);
    void record_transaction(const TransactionStmt *stmt);
    void record_setting(const VariableSetStmt *stmt);
    void rename_table(const RelName &from, const RelName &to);
    void forget_not_null_facts(const RelName &table);
    void forget_not_null_facts(const RelName &table, const std::string &column);
    void forget_not_null_check(const RelName &table, const std::string &constraint);

    NameSet tables_;
    ColumnSet columns_;
    std::unordered_set<std::string> schemas_;
    NameSet indexes_;
    NameSet types_;
    // CHECK (column IS NOT NULL) constraints added to a table: constraint
    // name -> (table, column); and the columns set NOT NULL.
    struct NotNullCheck {
        RelName table;
        std::string column;
    };
    std::unordered_multimap<std::string, NotNullCheck> not_null_checks_;
    ColumnSet not_null_columns_;
    ColumnSet not_valid_constraints_;  // (table, constraint) added NOT VALID in the current transaction
    std::vector<std::pair<RelName, RelName>> renames_;  // (old, new), in order
    bool in_block_ = false;
    enum class LockTimeout { unset, session, local } lock_timeout_ = LockTimeout::unset;
};

}  // namespace migsafe
