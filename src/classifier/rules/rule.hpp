// What a rule sees and how it reports. Each rule is one function
// `void check_<rule>(RuleInput &)`, listed with its catalogue entry in
// catalogue.cpp.
#pragma once

#include "../catalogue.hpp"
#include "../changed_tables.hpp"
#include "../classifier.hpp"
#include "../deferred.hpp"
#include "../script_state.hpp"
#include "../source_position.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace migsafe {

// Marks "point at the statement's first token" for RuleInput::report.
constexpr int kStatementStart = -1;

class RuleInput {
public:
    RuleInput(const Statement &statement, int index, bool several_statements, const ScriptState &script,
              const Context &context, std::string_view text, const LineIndex &lines, Findings &out,
              DeferredFindings &deferred)
        : stmt(statement.node), several_statements(several_statements), script(script), context(context),
          statement_(statement), index_(index), text_(text), lines_(lines), out_(out), deferred_(deferred) {}

    Node *const stmt;               // the statement's raw parse tree
    const bool several_statements;  // the script has more than this statement
    const ScriptState &script;   // what earlier statements created
    const Context &context;      // what the front door knows (protected tables)

    // "Created earlier": in this script or, in the database, by this
    // session's script (classifier.hpp).
    bool table_is_new(const RelName &table) const {
        return script.table_created(table) || context.relation_created_by_session(table);
    }
    bool column_is_new(const RelName &table, const std::string &column) const {
        return script.column_added(table, column) || table_is_new(table) ||
               context.column_added_by_session(table, column);
    }
    bool index_is_new(const RelName &index) const {
        return script.index_created(index) || context.relation_created_by_session(index);
    }
    bool type_is_new(const RelName &type) const {
        return script.type_created(type) || context.type_created_by_session(type);
    }
    bool schema_is_new(const std::string &schema) const {
        return script.schema_created(schema) || context.schema_created_by_session(schema);
    }

    // The tables the statement changes (changed_tables.cpp), listed once for
    // the rules that need them.
    const Changes &changes() {
        if (!changes_) changes_ = changed_tables(stmt);
        return *changes_;
    }

    // The table of an ALTER TABLE statement (stmt), and whether it is new:
    // found once for all the rules that read its subcommands.
    const RelName &altered_table() {
        if (!altered_) altered_ = rel_name(castNode(AlterTableStmt, stmt)->relation);
        return *altered_;
    }
    bool altered_table_is_new() {
        if (!altered_is_new_) altered_is_new_ = table_is_new(altered_table());
        return *altered_is_new_;
    }

    // The statement's source text (from its first token; its locations are
    // offsets in script_text()), and the text of the script or piece.
    std::string_view statement_text() const {
        auto start = static_cast<std::size_t>(std::clamp(statement_.location, 0, static_cast<int>(text_.size())));
        return statement_.length >= 0 ? text_.substr(start, static_cast<std::size_t>(statement_.length))
                                      : text_.substr(start);
    }
    std::string_view script_text() const { return text_; }
    int statement_location() const { return statement_.location; }

    // Records a finding of the rule being run. location is a byte offset in
    // the script (a node's location), or kStatementStart.
    void report(int location, const std::string &object, const std::string &message);
    // The same with another severity than the rule's own, for a rule whose
    // findings differ in severity (alter-column-type).
    void report(int location, const std::string &object, const std::string &message, Severity severity);

    // A finding of the rule being run that the end of the script decides
    // (deferred.hpp): a foreign key of table on columns (name: the
    // constraint's, or ""), reported unless an index covers it by then; a
    // transaction the statement opens, reported unless a later statement
    // ends it.
    void defer_foreign_key(int location, const std::string &object, const std::string &message, const RelName &table,
                           std::vector<std::string> columns, std::string name);
    void defer_open_transaction(int location, const std::string &object, const std::string &message);

    void set_rule(const RuleInfo *rule) { rule_ = rule; }

private:
    DeferredFinding deferred_finding(int location, const std::string &object, const std::string &message) const;

    const Statement &statement_;
    int index_;
    std::string_view text_;  // of the script or piece: the statement's location is an offset in it
    const LineIndex &lines_;
    Findings &out_;
    DeferredFindings &deferred_;
    const RuleInfo *rule_ = nullptr;
    std::optional<Changes> changes_;
    std::optional<RelName> altered_;
    std::optional<bool> altered_is_new_;
};

// Calls visit(table, cmd) for every subcommand of these kinds in an ALTER
// TABLE (or ALTER MATERIALIZED VIEW) of a table that existed before the
// script (or, in the database, the transaction).
template <typename Visit>
void for_each_alter_command(RuleInput &in, std::initializer_list<AlterTableType> kinds, Visit visit) {
    if (!IsA(in.stmt, AlterTableStmt)) return;
    const auto *alter = castNode(AlterTableStmt, in.stmt);
    if (alter->objtype != OBJECT_TABLE && alter->objtype != OBJECT_MATVIEW) return;
    auto of_kind = [&](const ListCell *cell) {
        AlterTableType subtype = lfirst_node(AlterTableCmd, cell)->subtype;
        for (AlterTableType kind : kinds)
            if (kind == subtype) return true;
        return false;
    };
    const ListCell *cell;
    bool any = false;
    foreach (cell, alter->cmds) any = any || of_kind(cell);
    if (!any) return;  // the common case: name the table only when needed
    if (in.altered_table_is_new()) return;
    foreach (cell, alter->cmds)
        if (of_kind(cell)) visit(in.altered_table(), lfirst_node(AlterTableCmd, cell));
}

// One entry per rule: its catalogue data and its check (nullptr for the
// rules reported outside the classifier). statement: the one kind of
// statement the check reads (it returns at once for any other), so that the
// classifier calls it for that kind only; T_Invalid: any statement.
struct Rule {
    RuleInfo info;
    void (*check)(RuleInput &input);
    NodeTag statement = T_Invalid;
};

// The checks, one per rule id (defined in rules/*.cpp).
void check_drop_table(RuleInput &);
void check_drop_database(RuleInput &);
void check_drop_schema(RuleInput &);
void check_truncate(RuleInput &);
void check_delete_without_where(RuleInput &);
void check_update_without_where(RuleInput &);
void check_backfill_without_where(RuleInput &);
void check_drop_column(RuleInput &);
void check_drop_constraint(RuleInput &);
void check_drop_owned(RuleInput &);
void check_drop_extension(RuleInput &);
void check_protected_table(RuleInput &);
void check_alter_column_type(RuleInput &);
void check_rename_table(RuleInput &);
void check_rename_column(RuleInput &);
void check_rename_enum_value(RuleInput &);
void check_drop_index(RuleInput &);
void check_drop_type(RuleInput &);
void check_identifier_too_long(RuleInput &);
void check_do_block(RuleInput &);
void check_self_protection(RuleInput &);
void check_concurrently_in_transaction(RuleInput &);
void check_create_index_not_concurrently(RuleInput &);
void check_reindex_not_concurrently(RuleInput &);
void check_add_foreign_key_validating(RuleInput &);
void check_add_check_validating(RuleInput &);
void check_add_unique_constraint(RuleInput &);
void check_add_primary_key(RuleInput &);
void check_add_exclusion_constraint(RuleInput &);
void check_set_not_null(RuleInput &);
void check_add_column_not_null_no_default(RuleInput &);
void check_set_logged_unlogged(RuleInput &);
void check_set_tablespace(RuleInput &);
void check_set_access_method(RuleInput &);
void check_vacuum_full(RuleInput &);
void check_cluster(RuleInput &);
void check_detach_partition_not_concurrently(RuleInput &);
void check_validate_in_same_transaction(RuleInput &);
void check_int_primary_key(RuleInput &);
void check_alter_domain_add_constraint(RuleInput &);
void check_add_column_volatile_default(RuleInput &);
void check_foreign_key_without_index(RuleInput &);
void check_transaction_control(RuleInput &);
void check_missing_lock_timeout(RuleInput &);

const Rule *rule_table_begin();
const Rule *rule_table_end();

// The tables a TRUNCATE names (truncate.cpp).
std::vector<RelName> truncated_tables(const TruncateStmt *truncate);

}  // namespace migsafe
