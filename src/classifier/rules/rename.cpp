// Renames that break running code: rename-table, rename-column.
#include "rule.hpp"

namespace migsafe {

namespace {

const RenameStmt *rename_of(const Node *stmt, ObjectType type) {
    if (!IsA(stmt, RenameStmt)) return nullptr;
    const auto *rename = castNode(RenameStmt, stmt);
    if (rename->renameType != type || rename->relation == nullptr) return nullptr;
    return rename;
}

// ALTER TABLE ... SET SCHEMA changes the table's qualified name.
const AlterObjectSchemaStmt *schema_move_of(const Node *stmt) {
    if (!IsA(stmt, AlterObjectSchemaStmt)) return nullptr;
    const auto *move = castNode(AlterObjectSchemaStmt, stmt);
    return move->objectType == OBJECT_TABLE && move->relation != nullptr ? move : nullptr;
}

}  // namespace

void check_rename_table(RuleInput &in) {
    if (const AlterObjectSchemaStmt *move = schema_move_of(in.stmt)) {
        RelName table = rel_name(move->relation);
        if (in.table_is_new(table)) return;
        in.report(kStatementStart, table.display(),
                  "SET SCHEMA moves table " + table.display() + " to schema " + quote_ident(move->newschema) +
                      ": running code that uses the old qualified name fails");
        return;
    }
    const RenameStmt *rename = rename_of(in.stmt, OBJECT_TABLE);
    if (rename == nullptr) return;
    RelName table = rel_name(rename->relation);
    if (in.table_is_new(table)) return;
    in.report(kStatementStart, table.display(),
              "RENAME renames table " + table.display() + " to " + quote_ident(rename->newname) +
                  ": running code that uses the old name fails");
}

void check_rename_column(RuleInput &in) {
    const RenameStmt *rename = rename_of(in.stmt, OBJECT_COLUMN);
    if (rename == nullptr || rename->relationType != OBJECT_TABLE) return;
    RelName table = rel_name(rename->relation);
    if (in.column_is_new(table, rename->subname)) return;
    std::string column = table.display() + "." + quote_ident(rename->subname);
    in.report(kStatementStart, column,
              "RENAME COLUMN renames " + column + " to " + quote_ident(rename->newname) +
                  ": running code that uses the old name fails");
}

}  // namespace migsafe
