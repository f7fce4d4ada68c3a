// What earlier statements of the same script created. An object created in the
// script holds no production data yet, so dropping or rewriting it is safe:
// this is what lets `CREATE TABLE t ...; CREATE INDEX ON t ...; DROP TABLE t`
// pass while the same DROP on an existing table does not.
#pragma once

#include "names.hpp"

#include <string>
#include <vector>

namespace migsafe {

class ScriptState {
public:
    bool table_created(const RelName &table) const;
    bool column_added(const RelName &table, const std::string &column) const;
    bool schema_created(const std::string &schema) const;
    bool index_created(const RelName &index) const;
    bool type_created(const RelName &type) const;

    // Updates the state with what this statement creates or renames. Called
    // after the rules have judged the statement.
    void record(const Node *stmt);

private:
    struct Column {
        RelName table;
        std::string name;
    };

    void record_alter_table(const AlterTableStmt *stmt);
    void record_rename(const RenameStmt *stmt);

    std::vector<RelName> tables_;
    std::vector<Column> columns_;
    std::vector<std::string> schemas_;
    std::vector<RelName> indexes_;
    std::vector<RelName> types_;
};

}  // namespace migsafe
