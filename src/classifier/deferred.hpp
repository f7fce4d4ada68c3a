// Findings that only the end of a script decides (Classifier::finish()):
//
// - foreign-key-without-index: a foreign key is fine when some index of the
//   referencing table starts with its columns, and hand-written scripts
//   create that index before or after the foreign key (CREATE TABLE child
//   (... REFERENCES parent); CREATE INDEX ON child (parent_id)). A foreign
//   key that no index of the script covers waits here with its finding; the
//   indexes the script builds (CREATE INDEX, PRIMARY KEY, UNIQUE) are
//   followed through renames and drops, the first that covers it settles
//   it, and at the end a foreign key still waiting is reported.
// - transaction-control: a BEGIN (or COMMIT AND CHAIN) whose transaction the
//   script never ends.
//
// Fail closed: what cannot be followed keeps the finding (an index dropped
// by a name the script never gave forgets every index whose name
// PostgreSQL chose; a ROLLBACK forgets every index the script built). A
// foreign key once covered stays settled: dropping its index later is the
// drop-index rule's business (a script of 100 000 foreign keys must not
// keep them all).
#pragma once

#include "finding.hpp"
#include "names.hpp"
#include "pg_nodes.hpp"

#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

// A finding waiting for the end of the script, with the text of the source
// line it points at (the CLI shows it; a piece of a long script may be gone
// from memory by the end).
struct DeferredFinding {
    Finding finding;
    std::string line;
};

// Whether findings of this rule may come from Classifier::finish(), after
// the statements that follow theirs (foreign-key-without-index,
// transaction-control).
bool reported_at_end(std::string_view rule);

class DeferredFindings {
public:
    // A foreign key of table on these columns (name: the constraint's, or
    // "" when PostgreSQL chooses it), reported at the end unless an index
    // covers it by then.
    void foreign_key(DeferredFinding finding, const RelName &table, std::vector<std::string> columns,
                     std::string name);
    // A transaction block the statement opens (BEGIN, COMMIT AND CHAIN),
    // reported at the end unless a later statement ends it.
    void transaction_opened(DeferredFinding finding) { open_transaction_ = std::move(finding); }

    // Follows what the statement does to indexes, constraints, columns and
    // tables, and whether it ends a transaction. Called after the rules have
    // judged it.
    void record(const Node *stmt);

    // Appends the findings still standing at the end of the script, in
    // statement order; lines (when given) gets the source line of each.
    // Forgets them.
    void finish(Findings &out, std::vector<std::string> *lines);

    // The first statement a finding may still be reported for at the end,
    // or 0 when none waits.
    int earliest_statement() const;

private:
    struct KeyIndex {
        RelName table;
        std::vector<std::string> columns;  // leading plain key columns, in order
        std::string name;                  // "" when PostgreSQL chooses it
        bool constraint = false;           // PRIMARY KEY / UNIQUE: dropped by DROP CONSTRAINT
    };
    struct ForeignKey {
        DeferredFinding finding;
        RelName table;
        std::vector<std::string> columns;
        std::string name;
    };

    // Whether an index the script built, as things stand, covers these
    // columns of the table: its leading key columns are exactly them, in any
    // order (plain columns, no partial index).
    bool index_covers(const RelName &table, const std::vector<std::string> &columns) const;
    void add_index(KeyIndex index);
    void record_create_table(const CreateStmt *create);
    void record_index(const IndexStmt *index);
    void record_alter_table(const AlterTableStmt *alter);
    void record_rename(const RenameStmt *rename);
    void record_drop(const DropStmt *drop);
    void record_transaction(const TransactionStmt *transaction);
    void constraint_index(const RelName &table, const Constraint *constraint, const char *column);
    void drop_column(const RelName &table, const std::string &column);
    void drop_constraint(const RelName &table, const std::string &name);
    void move_table(const RelName &from, const RelName &to);
    bool covered(const ForeignKey &key) const { return index_covers(key.table, key.columns); }

    // By the table's bare name, so that a long script's look-ups stay short.
    std::unordered_multimap<std::string, KeyIndex> indexes_;
    std::unordered_multimap<std::string, ForeignKey> foreign_keys_;  // not covered yet
    std::optional<DeferredFinding> open_transaction_;
};

}  // namespace migsafe
