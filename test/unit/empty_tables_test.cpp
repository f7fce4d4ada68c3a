// Tables that hold no row: in the database, Context::table_is_empty() says
// so (no page, or no row visible to a dirty snapshot), and emptying such a
// table loses nothing. DROP TABLE of one stays a review finding (code that
// still uses the table fails), and protected-table applies whatever a
// table holds. These tests stand in for the database with a context that
// answers from a list; offline (no context) every table may hold rows.
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace migsafe::test {
namespace {

// table_is_empty() from a map of "table" -> answer; a table not in it is
// unknown. protect: protected table names.
class EmptyContext final : public Context {
public:
    std::map<std::string, bool> empty;
    Strings protect;
    mutable Strings asked;  // what table_is_empty() was asked, in order

    std::optional<RelName> protected_match(const RelName &table) const override {
        if (std::find(protect.begin(), protect.end(), table.display()) == protect.end()) return std::nullopt;
        return table;
    }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    std::optional<bool> table_is_empty(const RelName &table) const override {
        asked.push_back(table.display());
        auto it = empty.find(table.display());
        return it == empty.end() ? std::nullopt : std::optional<bool>(it->second);
    }
};

Strings summary_with(const std::string &sql, const Context &context) {
    return summary(cli::check_sql(sql, context));
}

TEST(EmptyTables, EmptyingAnEmptyTableIsNoFinding) {
    EmptyContext context;
    context.empty["emptied"] = true;
    EXPECT_EQ(summary_with("TRUNCATE emptied; DELETE FROM emptied; UPDATE emptied SET a = 1;", context), Strings{});
}

TEST(EmptyTables, ATableWithARowOrUnknownIsJudged) {
    EmptyContext context;
    context.empty["filled"] = false;  // a row seen
    EXPECT_EQ(summary_with("TRUNCATE filled; DELETE FROM filled; DROP TABLE filled;", context),
              (Strings{"1:1:10 truncate dangerous filled", "2:1:30 delete-without-where dangerous filled",
                       "3:1:38 drop-table dangerous filled"}));
    // unknown (a foreign table, too many dead pages to read): judged as holding rows
    EXPECT_EQ(summary_with("TRUNCATE remote; DROP TABLE remote;", context),
              (Strings{"1:1:10 truncate dangerous remote", "2:1:18 drop-table dangerous remote"}));
}

TEST(EmptyTables, DroppingAnEmptyTableIsAReviewThatSaysWhatBreaks) {
    EmptyContext context;
    context.empty["emptied"] = true;
    context.empty["mv"] = true;
    Findings findings = cli::check_sql("DROP TABLE emptied CASCADE; DROP MATERIALIZED VIEW mv;", context);
    ASSERT_EQ(summary(findings), (Strings{"1:1:1 drop-table review emptied", "2:1:29 drop-table review mv"}));
    EXPECT_TRUE(mentions(findings[0].message, {"emptied", "holds no rows", "code that still uses it fails", "CASCADE"}))
        << findings[0].message;
    EXPECT_TRUE(mentions(findings[1].message, {"materialized view mv", "holds no rows"})) << findings[1].message;
    EXPECT_FALSE(findings[0].hint.empty());
    EXPECT_STREQ(verdict(findings), "review");
}

TEST(EmptyTables, EachTableOfADropIsJudgedOnItsOwn) {
    EmptyContext context;
    context.empty["emptied"] = true;
    context.empty["filled"] = false;
    EXPECT_EQ(summary_with("DROP TABLE emptied, filled;", context),
              (Strings{"1:1:1 drop-table review emptied", "1:1:1 drop-table dangerous filled"}));
}

TEST(EmptyTables, ProtectionDoesNotDependOnRows) {
    // protected-table judges TRUNCATE and DROP (not DML) of a protected
    // table, whatever it holds.
    EmptyContext context;
    context.empty["vault"] = true;
    context.protect = {"vault"};
    Findings findings = cli::check_sql("TRUNCATE vault; DELETE FROM vault; DROP TABLE vault;", context);
    EXPECT_EQ(summary(findings), (Strings{"1:1:10 protected-table dangerous vault", "3:1:36 drop-table review vault",
                                          "3:1:36 protected-table dangerous vault"}));
    EXPECT_STREQ(verdict(findings), "dangerous");
}

TEST(EmptyTables, OnlyStatementsThatLoseRowsAsk) {
    // Filtered DML, inserts, reads and DDL that keeps the rows never cost a
    // look at a table's rows.
    EmptyContext context;
    cli::check_sql("DELETE FROM t WHERE id = 1; UPDATE t SET a = 1 WHERE id = 2; INSERT INTO t VALUES (1);"
                   "SELECT * FROM t; ALTER TABLE t ADD COLUMN b int; CREATE INDEX ON t (a); DROP INDEX t_a;"
                   "DROP VIEW v; CREATE TABLE created (id int); TRUNCATE created; DROP TABLE created;",
                   context);
    EXPECT_EQ(context.asked, Strings{});
    cli::check_sql("DELETE FROM t; DROP TABLE u;", context);
    context.asked.erase(std::unique(context.asked.begin(), context.asked.end()), context.asked.end());
    EXPECT_EQ(context.asked, (Strings{"t", "u"}));
}

TEST(EmptyTables, OfflineEveryTableMayHoldRows) {
    EXPECT_EQ(summary(check("DROP TABLE emptied; TRUNCATE emptied;")),
              (Strings{"1:1:1 drop-table dangerous emptied", "2:1:30 truncate dangerous emptied"}));
}

}  // namespace
}  // namespace migsafe::test
