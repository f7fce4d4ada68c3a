// The classifier's Context inside the database: protected tables come from
// migsafe's registry (by OID, so renames and SET SCHEMA do not escape),
// "created earlier" extends to the current transaction, and analysed
// statements' tables are named from the catalog. Every look-up is made only
// when a rule asks, so statements no rule concerns cost no catalog access.
#pragma once

#include "../classifier/classifier.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace migsafe {

class DatabaseContext final : public Context {
public:
    // names: further protected names (migsafe_check()'s argument), or nullptr.
    // about_to_run: the guard judges a statement that runs next, rather than
    // migsafe_check() text that may never run; only then does "it does not
    // exist" refine a verdict.
    explicit DatabaseContext(const Context *names = nullptr, bool about_to_run = false)
        : names_(names), about_to_run_(about_to_run) {}

    // For reading a statement's WHERE after it ran (mass_change.cpp): the
    // tables then hold what the statement left, so table_is_empty() answers
    // "cannot know" and an unfiltered change stays a finding.
    void ignore_table_contents() { judges_contents_ = false; }

    std::optional<RelName> protected_match(const RelName &table) const override;
    std::vector<RelName> protected_in_schema(const std::string &schema) const override;
    std::vector<RelName> protected_descendants(const RelName &table) const override;
    bool relation_created_by_session(const RelName &relation) const override;
    std::vector<RelName> truncate_cascade_reaches(const std::vector<RelName> &tables) const override;
    bool column_added_by_session(const RelName &table, const std::string &column) const override;
    bool type_created_by_session(const RelName &type) const override;
    bool schema_created_by_session(const std::string &schema) const override;
    std::optional<RelName> relation_name(unsigned int relid) const override;
    std::vector<RelName> existing_relations(unsigned int relid, bool with_inheritors) const override;
    std::vector<RelName> existing_inheritors(const RelName &table) const override;
    bool column_not_null(const RelName &table, const std::string &column) const override;
    bool attribute_not_null(unsigned int relid, int attnum) const override;
    bool operator_is_reflexive(unsigned int opno) const override;
    Node *fold_constants(Node *expression) const override;
    bool judges_analysed_dml() const override { return about_to_run_; }
    bool sees_later_statements() const override { return !about_to_run_; }
    bool object_absent(ObjectType kind, const RelName &name) const override;
    bool is_guard_state(const RelName &table) const override;
    bool is_guard_state_relation(unsigned int relid) const override;
    void before_statement() const override;
    std::optional<bool> type_change_rewrites(const RelName &table, const std::string &column,
                                             const TypeName *type) const override;
    std::optional<TypeChange> type_change(const RelName &table, const std::string &column, const TypeName *type,
                                          bool explicit_cast) const override;
    std::optional<bool> not_null_proven(const RelName &table, const std::string &column) const override;
    bool partitioned_table(const RelName &table) const override;
    std::optional<std::vector<std::string>> index_nullable_columns(const RelName &table,
                                                                   const std::string &index) const override;
    bool constraint_created_in_transaction(const RelName &table, const std::string &constraint) const override;
    std::optional<bool> index_covers_columns(const RelName &table,
                                             const std::vector<std::string> &columns) const override;
    bool check_implied_by_not_null(const RelName &table, const std::string &constraint,
                                   bool with_children) const override;
    std::optional<int> domain_columns(const RelName &domain) const override;
    std::optional<bool> table_is_empty(const RelName &table) const override;
    std::optional<bool> function_is_volatile(const List *name) const override;
    bool lock_timeout_in_effect() const override;
    bool opted_in(std::string_view rule) const override;

private:
    const std::vector<unsigned int> &protected_oids() const;

    const Context *names_;
    bool about_to_run_;
    bool judges_contents_ = true;
    mutable std::optional<std::vector<unsigned int>> protected_;  // read on first use
    // table_is_empty()'s answers by table OID: the DML rules each ask for
    // the same table, and each answer may cost a scan.
    mutable std::vector<std::pair<unsigned int, std::optional<bool>>> emptiness_;
};

// The table whose rows a change of this relation changes: through every view
// that PostgreSQL updates itself, down to the first relation that is no such
// view. inherited: whether the last view reads it without ONLY (unchanged
// when relid is no view).
unsigned int through_updatable_views(unsigned int relid, bool &inherited);

// The OID a relation name resolves to with this session's search_path, or 0.
unsigned int resolve_relation(const RelName &relation);

// Whether the relation is new to the database: created in the current
// transaction (its relcache entry says so), a temporary table of this
// session, or created earlier in this session's script and holding only its
// rows (session_objects.hpp; lock as there: NoLock after the statement ran).
bool relation_is_new(unsigned int relid, int lock = 0);

}  // namespace migsafe
