// The classifier: parse trees in, findings out. Pure: no I/O, no catalog
// access of its own; whatever the caller knows about the database comes in
// through a Context.
#pragma once

#include "deferred.hpp"
#include "finding.hpp"
#include "names.hpp"
#include "pg_nodes.hpp"
#include "script_state.hpp"
#include "source_position.hpp"
#include "type_change.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

// One statement of a script: its raw parse tree, the byte offset of its
// first token in the script text, and its length in bytes from there (-1
// when the front door does not know it: up to the end of the text).
struct Statement {
    Node *node = nullptr;
    int location = 0;
    int length = -1;
};

// A script, or a piece of one: the CLI reads a long script piece by piece,
// each cut just after a statement's semicolon, and classifies the pieces in
// order with one Classifier.
struct Script {
    std::string_view text;
    std::vector<Statement> statements;
    // For a piece: where its text starts in the whole script (line, and
    // column in characters), and how many statements came before it.
    LineCol start{1, 1};
    int statements_before = 0;
};

// What the front door knows beyond the SQL text.
class Context {
public:
    virtual ~Context() = default;
    // Whether any table may be protected at all (false: the protected-table
    // rule has nothing to look for, as in the CLI without --protect).
    virtual bool protects_any() const { return true; }
    // The protected table this reference names, if it names one.
    virtual std::optional<RelName> protected_match(const RelName &table) const = 0;
    // The protected tables among a table's inheritance children and
    // partitions, at any depth (what ALTER TABLE or TRUNCATE without ONLY
    // reaches). Only the database knows a table's children.
    virtual std::vector<RelName> protected_descendants(const RelName &) const { return {}; }
    // The protected tables in a schema (what DROP SCHEMA ... CASCADE reaches).
    virtual std::vector<RelName> protected_in_schema(const std::string &schema) const = 0;

    // In the database, the script is the session: a table, index, type or
    // schema created, or a column added, earlier in the current transaction
    // or in an earlier one of the session (within the limits of
    // src/extension/session_objects.hpp) is as new as one created earlier in
    // the script, and so is a temporary table of the session's own.
    // Offline, nothing is.
    virtual bool relation_created_by_session(const RelName &) const { return false; }
    virtual bool column_added_by_session(const RelName &, const std::string &) const { return false; }
    virtual bool type_created_by_session(const RelName &) const { return false; }
    virtual bool schema_created_by_session(const std::string &) const { return false; }

    // The tables TRUNCATE ... CASCADE of these tables also empties: those
    // whose foreign keys reference them, and so on (qualified names). Only
    // the database knows; offline, the finding's message says "every table
    // that references it".
    virtual std::vector<RelName> truncate_cascade_reaches(const std::vector<RelName> &) const { return {}; }

    // migsafe's own state: the tables of schema "migsafe". Offline, by that
    // schema name; in the database, by where the name resolves.
    virtual bool is_guard_state(const RelName &table) const { return table.schema == "migsafe"; }
    // The same for an analysed statement's target, by OID (database only).
    virtual bool is_guard_state_relation(unsigned int) const { return false; }

    // True when the guard knows the object does not exist as the statement is
    // about to run, so that DROP ... IF EXISTS of it drops nothing. Only the
    // guard answers: migsafe_check() and the CLI judge the text, whatever
    // exists (kind: OBJECT_TABLE, OBJECT_INDEX, OBJECT_SCHEMA, ...).
    virtual bool object_absent(ObjectType, const RelName &) const { return false; }

    // Analysed statements (the server's post_parse_analyze hook) name tables
    // by OID: their qualified name, or nullopt when the front door has no
    // catalog (the CLI never sees analysed statements).
    virtual std::optional<RelName> relation_name(unsigned int) const { return std::nullopt; }

    // Analysed statements: the relations whose rows a change of this target
    // loses: a view's base table (through views that PostgreSQL updates
    // itself), when it existed before the transaction; for one created in
    // it, with_inheritors, each of its children and partitions that existed
    // before (what a statement without ONLY reaches); empty when all are new.
    // Database only.
    virtual std::vector<RelName> existing_relations(unsigned int, bool /*with_inheritors*/) const { return {}; }
    // The same by name, for a table created in the transaction: its children
    // and partitions that existed before it.
    virtual std::vector<RelName> existing_inheritors(const RelName &) const { return {}; }

    // Facts that tell a condition which restricts nothing (rules/dml.cpp).
    // Offline each answer is "no": the condition counts as a filter.
    // Whether the table's column is NOT NULL (raw trees, by name).
    virtual bool column_not_null(const RelName &, const std::string & /*column*/) const { return false; }
    // The same for an analysed statement's relation, by OID and column number.
    virtual bool attribute_not_null(unsigned int, int /*attnum*/) const { return false; }
    // Whether `x op x` is true for every non-null x (=, <=, >=).
    virtual bool operator_is_reflexive(unsigned int /*opno*/) const { return false; }
    // An analysed expression after PostgreSQL's constant folding.
    virtual Node *fold_constants(Node *expression) const { return expression; }
    // The guard judges the statement PREPARE or COPY (query) runs in its
    // analysed form, as PostgreSQL analyses it, not from the text.
    virtual bool judges_analysed_dml() const { return false; }

    // Catalog facts that make the lock rules exact in the database. Offline
    // each is nullopt ("cannot know") and the finding says "may".
    // Whether ALTER COLUMN ... TYPE to this type (no USING) rewrites the table.
    virtual std::optional<bool> type_change_rewrites(const RelName &, const std::string & /*column*/,
                                                     const TypeName *) const {
        return std::nullopt;
    }
    // The column's current type and the type ALTER COLUMN ... TYPE changes
    // it to (explicit_cast: USING the column cast to it), as the catalog
    // resolves them (alter-column-type: whether stored values can change).
    virtual std::optional<TypeChange> type_change(const RelName &, const std::string & /*column*/, const TypeName *,
                                                  bool /*explicit_cast*/) const {
        return std::nullopt;
    }
    // Whether a validated CHECK constraint proves the column holds no NULL,
    // so that SET NOT NULL skips its scan.
    virtual std::optional<bool> not_null_proven(const RelName &, const std::string & /*column*/) const {
        return std::nullopt;
    }
    // Whether the table's constraint of this name is a CHECK whose expression
    // is just "column IS NOT NULL" (not a composite column's, where IS NOT
    // NULL tests every field) and the column is NOT NULL in the table and,
    // with_children, in each of its inheritance children and partitions:
    // dropping it loses nothing (drop-constraint). Offline: false.
    virtual bool check_implied_by_not_null(const RelName &, const std::string & /*constraint*/,
                                           bool /*with_children*/) const {
        return false;
    }
    // ADD PRIMARY KEY USING INDEX sets the index's key columns NOT NULL:
    // those of them that are not NOT NULL yet (the index in the table's
    // schema), or nullopt when the front door cannot know (offline, or no
    // such index).
    virtual std::optional<std::vector<std::string>> index_nullable_columns(const RelName &,
                                                                           const std::string & /*index*/) const {
        return std::nullopt;
    }
    // Whether the table's constraint of this name was created by the
    // transaction now running (its catalog row is the transaction's own):
    // in the database the session is the script, so a VALIDATE sent on its
    // own after ADD ... NOT VALID in the same transaction is known too.
    // Offline: false.
    virtual bool constraint_created_in_transaction(const RelName &, const std::string & /*constraint*/) const {
        return false;
    }
    // Whether the table (ordinary or partitioned) has an index whose leading
    // key columns are exactly these columns, in any order: the look-up a
    // foreign key on them needs (foreign-key-without-index). nullopt
    // ("cannot know") offline, and in the database for a table it cannot
    // find.
    virtual std::optional<bool> index_covers_columns(const RelName &, const std::vector<std::string> & /*columns*/) const {
        return std::nullopt;
    }
    // Whether the name is a partitioned table (no storage of its own).
    // Offline: false.
    virtual bool partitioned_table(const RelName &) const { return false; }
    // How many table columns ALTER DOMAIN ... ADD CONSTRAINT or SET NOT NULL
    // of this domain checks (0: none, so it checks nothing), or nullopt
    // ("cannot know", as offline, or when a type built on the domain, other
    // than a domain over it or its array type, may store its values).
    virtual std::optional<int> domain_columns(const RelName &) const { return std::nullopt; }
    // Whether the table certainly holds no row, nor any of its children and
    // partitions (no page, or only dead rows; a row another transaction has
    // not committed yet counts): true, false, or nullopt ("cannot know",
    // judged as holding rows). Ask it only for a statement already found to
    // lose the table's rows: in the database an answer may cost a scan.
    virtual std::optional<bool> table_is_empty(const RelName &) const { return std::nullopt; }
    // Whether a function of this (possibly qualified) name is volatile;
    // nullopt when no function of that name is known.
    virtual std::optional<bool> function_is_volatile(const List *) const { return std::nullopt; }

    // Whether the statements after this one are seen too (a script: the
    // CLI, migsafe_check()). The guard judges each statement as it is about
    // to run, before the next one exists: false (foreign-key-without-index
    // then leaves a table the statement creates to the statements after it,
    // as it does a table the session created).
    virtual bool sees_later_statements() const { return true; }

    // The guard only: the session will run the statement with a lock_timeout
    // (its own, migsafe.ddl_lock_timeout, or the lock wait of migsafe.lock_wait_budget).
    virtual bool lock_timeout_in_effect() const { return false; }

    // Whether an opt-in rule (RuleInfo::opt_in) is switched on.
    virtual bool opted_in(std::string_view) const { return false; }

    // Called before each statement is classified. The database checks for a
    // cancel there (a script of a million statements must stay
    // interruptible) and may throw; offline, nothing happens.
    virtual void before_statement() const {}
};

// The offline context: a list of protected names (--protect, or the
// `protected` argument of migsafe_check()) and the opt-in rules switched on.
class ProtectedNames final : public Context {
public:
    ProtectedNames() = default;
    explicit ProtectedNames(std::vector<RelName> names, std::vector<std::string> opted_in = {})
        : names_(std::move(names)), opted_in_(std::move(opted_in)) {}
    bool protects_any() const override { return !names_.empty(); }
    std::optional<RelName> protected_match(const RelName &table) const override;
    std::vector<RelName> protected_in_schema(const std::string &schema) const override;
    bool opted_in(std::string_view rule) const override;

private:
    std::vector<RelName> names_;
    std::vector<std::string> opted_in_;  // rule ids (--require-lock-timeout)
};

// Classifies the statements of a script in order; the script may come in
// pieces, one classify() call each, and what the earlier statements created
// (ScriptState) carries over from piece to piece.
class Classifier {
public:
    explicit Classifier(const Context &context);

    // Appends the findings of the piece's statements to out, in statement
    // order. several_statements: whether the whole script has more than one
    // statement (concurrently-in-transaction), which the caller of a piece
    // knows before the script's end (src/cli/script_stream.hpp).
    void classify(const Script &piece, bool several_statements, Findings &out);

    // At the end of the script: appends the findings that only the end
    // decides (deferred.hpp: foreign keys no index covers, a transaction
    // left open), in statement order; lines (when given) gets the source
    // line of each. They belong to earlier statements: a caller that keeps
    // findings in statement order puts them in their place.
    void finish(Findings &out, std::vector<std::string> *lines = nullptr);

    // The first statement a finding of finish() may still be for, or 0
    // when none waits: the findings of later statements can be passed on
    // in order before the end of the script.
    int earliest_deferred_statement() const { return deferred_.earliest_statement(); }

private:
    const Context &context_;
    ScriptState state_;
    DeferredFindings deferred_;
    std::uint64_t disabled_ = 0;  // opt-in rules not switched on, by index in the catalogue
};

// A whole script at once, finish() included; the findings in statement
// order (stable: a statement's findings of the end come after its others).
Findings classify(const Script &script, const Context &context);

// Sorts findings by statement, keeping the order within each (stable).
void sort_by_statement(Findings &findings);

// Statement kinds no rule reads, alone or as part of a script's state in the
// database (where each statement is judged on its own): transaction control
// (BEGIN, COMMIT, SAVEPOINT, ...) and SHOW. The guard does not classify them
// at all, so that the statements of every transaction cost nothing.
bool concerns_no_rule(const Node *statement);

}  // namespace migsafe
