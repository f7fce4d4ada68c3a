// The classifier asks its Context what only the database knows: tables and
// indexes created, and columns added, earlier in the current transaction.
// These tests stand in for the database with a context that answers from
// lists, and check that every rule that exempts "created earlier in the
// script" exempts "created earlier in the transaction" the same way.
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace migsafe::test {
namespace {

class TransactionContext final : public Context {
public:
    Strings relations;  // names created in the transaction, as "schema.name" or "name"
    Strings columns;    // "table.column"

    std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    bool relation_created_by_session(const RelName &relation) const override {
        return contains(relations, relation.display());
    }
    bool column_added_by_session(const RelName &table, const std::string &column) const override {
        return contains(columns, table.display() + "." + column);
    }

private:
    static bool contains(const Strings &list, const std::string &item) {
        return std::find(list.begin(), list.end(), item) != list.end();
    }
};

Strings rules_with(const std::string &sql, const TransactionContext &context) {
    return rules_of(cli::check_sql(sql, context));
}

TEST(TransactionContext, NothingNewMeansEverythingIsJudged) {
    TransactionContext none;
    EXPECT_EQ(rules_with("DROP TABLE staging; TRUNCATE staging; DELETE FROM staging; DROP INDEX staging_id;", none),
              (Strings{"drop-table", "truncate", "delete-without-where", "drop-index"}));
}

TEST(TransactionContext, TableCreatedInTheTransactionIsExempt) {
    TransactionContext context;
    context.relations = {"staging", "staging_id"};
    EXPECT_EQ(rules_with("DELETE FROM staging; UPDATE staging SET a = 1; TRUNCATE staging;"
                         "ALTER TABLE staging DROP COLUMN a; ALTER TABLE staging RENAME TO s2;"
                         "DROP INDEX staging_id; DROP TABLE staging;",
                         context),
              Strings{});
}

TEST(TransactionContext, OtherTablesAreStillJudged) {
    TransactionContext context;
    context.relations = {"staging"};
    EXPECT_EQ(rules_with("DROP TABLE users; TRUNCATE public.orders;", context), (Strings{"drop-table", "truncate"}));
}

TEST(TransactionContext, ColumnAddedInTheTransactionMakesAnUpdateABackfill) {
    TransactionContext context;
    context.columns = {"users.nickname"};
    EXPECT_EQ(rules_with("UPDATE users SET nickname = name;", context), Strings{"backfill-without-where"});
    // an UPDATE that also overwrites an older column is not a backfill
    EXPECT_EQ(rules_with("UPDATE users SET nickname = name, name = NULL;", context), Strings{"update-without-where"});
    EXPECT_EQ(rules_with("ALTER TABLE users DROP COLUMN nickname; ALTER TABLE users DROP COLUMN name;", context),
              Strings{"drop-column"});
}

TEST(TransactionContext, ProtectionIsNotLiftedByNewness) {
    // A protected table is never "new": the protected-table rule does not ask.
    class Protected final : public Context {
    public:
        std::optional<RelName> protected_match(const RelName &table) const override {
            if (table.name == "skill") return table;
            return std::nullopt;
        }
        std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
        bool relation_created_by_session(const RelName &) const override { return true; }
    } context;
    EXPECT_EQ(rules_of(cli::check_sql("ALTER TABLE skill ADD COLUMN a int; DROP TABLE skill;", context)),
              (Strings{"protected-table", "protected-table"}));
}

// The database checks for a cancel before each statement: whatever the
// context throws there stops the classification and reaches the caller.
TEST(Interrupts, AskedBeforeEachStatementAndAThrowStopsTheClassification) {
    struct Cancelled {};
    class Cancelling final : public Context {
    public:
        mutable int asked = 0;
        std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
        std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
        void before_statement() const override {
            if (++asked == 3) throw Cancelled{};
        }
    } context;
    EXPECT_THROW(cli::check_sql("DROP TABLE a; DROP TABLE b; DROP TABLE c; DROP TABLE d;", context), Cancelled);
    EXPECT_EQ(context.asked, 3);
}

}  // namespace
}  // namespace migsafe::test
