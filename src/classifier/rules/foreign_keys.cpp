// foreign-key-without-index: a foreign key whose referencing columns no
// index starts with. PostgreSQL indexes the referenced key (it must be a
// PRIMARY KEY or UNIQUE) but never the referencing columns: every DELETE on
// the referenced table, and every UPDATE of its key, then looks for
// referencing rows with a scan of the whole referencing table, under the
// locks of the DELETE or UPDATE, once per row changed.
//
// The index may come before or after the foreign key in the script (Prisma
// writes its CREATE INDEX statements before its AddForeignKey ones, people
// often write CREATE TABLE ... REFERENCES, then CREATE INDEX): the finding
// waits for the end of the script (deferred.hpp). In the database an
// existing table's indexes come from the catalog, and a table the session
// itself created is not judged (it is empty and its index may follow in a
// later statement of the session), nor, in the guard, which sees one
// statement at a time, the table a CREATE TABLE makes.
#include "rule.hpp"

namespace migsafe {

namespace {

std::string column_list(const std::vector<std::string> &columns) {
    std::string list;
    for (const std::string &column : columns) list += (list.empty() ? "" : ", ") + quote_ident(column);
    return "(" + list + ")";
}

std::vector<std::string> names_of(const List *names) {
    std::vector<std::string> columns;
    const ListCell *cell;
    foreach (cell, names)
        if (IsA(lfirst(cell), String)) columns.emplace_back(strVal(lfirst(cell)));
    return columns;
}

// One foreign key: column is the column it is written in (REFERENCES in a
// column definition), or nullptr for FOREIGN KEY (...); creating: the
// statement creates the table (no index of it exists before).
void judge(RuleInput &in, const RelName &table, const Constraint *fk, const char *column, bool creating) {
    std::vector<std::string> columns = column != nullptr && fk->fk_attrs == NIL ? std::vector<std::string>{column}
                                                                                 : names_of(fk->fk_attrs);
    if (columns.empty()) return;
    if (in.context.relation_created_by_session(table)) return;
    // The guard: the table this statement creates is as new as one the
    // session created, and its index can only come in a later statement.
    if (creating && !in.context.sees_later_statements()) return;
    // An existing table's own indexes: known in the database, unknown
    // offline (the message says what was not seen).
    bool existing = !creating && !in.script.table_created(table);
    std::optional<bool> indexed =
        existing ? in.context.index_covers_columns(in.script.original_name(table), columns) : std::optional<bool>(false);
    if (indexed == true) return;
    std::string referenced = fk->pktable != nullptr ? rel_name(fk->pktable).display() : "the referenced table";
    std::string list = column_list(columns);
    std::string none = indexed ? "no index of " + table.display() + " starts with " + list
                               : "no index of " + table.display() + " that this script creates starts with " + list +
                                     " (its existing indexes are not known here)";
    in.defer_foreign_key(fk->location, table.display(),
                         "foreign key " + list + " of " + table.display() + " references " + referenced + ", and " +
                             none + ": every DELETE from " + referenced + " (and every UPDATE of its key) scans " +
                             table.display() + " for referencing rows, holding its locks while it does",
                         table, std::move(columns), fk->conname != nullptr ? fk->conname : "");
}

void judge_column(RuleInput &in, const RelName &table, const ColumnDef *column, bool creating) {
    const ListCell *cell;
    foreach (cell, column->constraints)
        if (IsA(lfirst(cell), Constraint) && lfirst_node(Constraint, cell)->contype == CONSTR_FOREIGN)
            judge(in, table, lfirst_node(Constraint, cell), column->colname, creating);
}

}  // namespace

void check_foreign_key_without_index(RuleInput &in) {
    if (IsA(in.stmt, CreateStmt)) {
        const auto *create = castNode(CreateStmt, in.stmt);
        // A temporary table lives as long as the session, and only the session reads it.
        if (create->relation->relpersistence == RELPERSISTENCE_TEMP) return;
        RelName table = rel_name(create->relation);
        const ListCell *cell;
        foreach (cell, create->tableElts) {
            const Node *element = static_cast<const Node *>(lfirst(cell));
            if (IsA(element, ColumnDef))
                judge_column(in, table, castNode(ColumnDef, element), true);
            else if (IsA(element, Constraint) && castNode(Constraint, element)->contype == CONSTR_FOREIGN)
                judge(in, table, castNode(Constraint, element), nullptr, true);
        }
        return;
    }
    if (!IsA(in.stmt, AlterTableStmt)) return;
    const auto *alter = castNode(AlterTableStmt, in.stmt);
    if (alter->objtype != OBJECT_TABLE) return;
    const ListCell *cell;
    foreach (cell, alter->cmds) {
        const auto *cmd = lfirst_node(AlterTableCmd, cell);
        if (cmd->def == nullptr) continue;
        if (cmd->subtype == AT_AddConstraint && IsA(cmd->def, Constraint) &&
            castNode(Constraint, cmd->def)->contype == CONSTR_FOREIGN)
            judge(in, in.altered_table(), castNode(Constraint, cmd->def), nullptr, false);
        else if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef))
            judge_column(in, in.altered_table(), castNode(ColumnDef, cmd->def), false);
    }
}

}  // namespace migsafe
