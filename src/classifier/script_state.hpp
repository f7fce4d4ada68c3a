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
#include <utility>
#include <vector>

namespace migsafe {

class ScriptState {
public:
    bool table_created(const RelName &table) const;
    bool column_added(const RelName &table, const std::string &column) const;
    bool schema_created(const std::string &schema) const;
    bool index_created(const RelName &index) const;
    bool type_created(const RelName &type) const;

    // Inside an explicit BEGIN ... COMMIT of the script.
    bool in_transaction_block() const { return in_block_; }

    // The name a table had before the script renamed or moved it (itself if
    // it was not renamed): protection follows a table through renames.
    RelName original_name(const RelName &table) const;

    // Updates the state with what this statement creates, drops, renames or
    // moves. Called after the rules have judged the statement.
    void record(const Node *stmt);

private:
    struct Column {
        RelName table;
        std::string name;
    };

    void record_alter_table(const AlterTableStmt *stmt);
    void record_rename(const RenameStmt *stmt);
    void record_drop(const DropStmt *stmt);
    void record_set_schema(const AlterObjectSchemaStmt *stmt);
    void record_transaction(const TransactionStmt *stmt);
    void rename_table(const RelName &from, const RelName &to);

    std::vector<RelName> tables_;
    std::vector<Column> columns_;
    std::vector<std::string> schemas_;
    std::vector<RelName> indexes_;
    std::vector<RelName> types_;
    std::vector<std::pair<RelName, RelName>> renames_;  // (old, new), in order
    bool in_block_ = false;
};

}  // namespace migsafe
