// Statements whose grammar or meaning depends on the PostgreSQL major the
// classifier is built against: libpg_query's headers in the CLI (17 from
// scripts/libpg-query, 15 from Debian 12's package, 17 and 18 in the test
// roots), the server's in the extension. Each major runs the tests of its
// own grammar, and the older ones check that the newer syntax is refused.
#include "test_support.hpp"

#include "classifier/classifier.hpp"
#include "classifier/table_locks.hpp"
#include "parser/script_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace migsafe {
namespace {

using test::check;
using test::of_rule;
using test::rules_of;
using test::Strings;

Strings works_of(const std::string &sql) {
    Strings out;
    test::for_each_statement(sql, [&](const Node *statement) {
        ProtectedNames context;
        for (const TableLock &lock : table_locks(statement, context))
            out.push_back(lock.relation.display() + " " + table_work_name(lock.work) + (lock.work_certain ? "" : "?"));
    });
    return out;
}

constexpr const char *kMergeBySource =
    "MERGE INTO users u USING incoming i ON u.id = i.id WHEN NOT MATCHED BY SOURCE THEN DELETE;";

#if PG_VERSION_NUM >= 170000

TEST(Grammar17, MergeNotMatchedBySourceReachesEveryUnmatchedRow) {
    EXPECT_EQ(rules_of(check(kMergeBySource)), Strings{"delete-without-where"});
    EXPECT_EQ(rules_of(check("MERGE INTO users u USING incoming i ON u.id = i.id "
                             "WHEN NOT MATCHED BY SOURCE THEN UPDATE SET active = false;")),
              Strings{"update-without-where"});
    // The same rows under a condition of the action's own: restricted.
    EXPECT_TRUE(check("MERGE INTO users u USING incoming i ON u.id = i.id "
                      "WHEN NOT MATCHED BY SOURCE AND u.id = 5 THEN DELETE;")
                    .empty());
    // WHEN MATCHED under an ON condition that restricts the target: the rows
    // the source names, as on 15.
    EXPECT_TRUE(check("MERGE INTO users u USING incoming i ON u.id = i.id WHEN MATCHED THEN DELETE;").empty());
}

TEST(Grammar17, NewSyntaxParsesAndIsJudged) {
    EXPECT_TRUE(check("MERGE INTO users u USING incoming i ON u.id = i.id "
                      "WHEN MATCHED THEN UPDATE SET name = i.name RETURNING merge_action(), u.*;")
                    .empty());
    EXPECT_TRUE(check("SELECT * FROM JSON_TABLE('[1,2]'::jsonb, '$[*]' COLUMNS (v int PATH '$')) AS jt;").empty());
    EXPECT_EQ(rules_of(check("ALTER TABLE users ALTER COLUMN total SET EXPRESSION AS (a + b); DROP TABLE users;")),
              Strings{"drop-table"});
}

TEST(Grammar17, SetExpressionRewritesAStoredColumn) {
    // 18 adds virtual columns, which SET EXPRESSION does not rewrite: there
    // the classifier cannot tell from the statement alone.
    EXPECT_EQ(works_of("ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (a + b);"),
              Strings{PG_VERSION_NUM >= 180000 ? "t rewrite?" : "t rewrite"});
}

#else

TEST(Grammar15, SeventeensSyntaxIsASyntaxError) {
    for (const char *sql : {kMergeBySource, "ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (a + b);"})
        EXPECT_THROW(check(sql), ParseError) << sql;
}

#endif

#if PG_VERSION_NUM >= 180000

TEST(Grammar18, VirtualGeneratedColumnsAreNoRewrite) {
    for (const char *sql : {"ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b);",
                            "ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) VIRTUAL;"}) {
        EXPECT_TRUE(of_rule(check(sql), "add-column-volatile-default").empty()) << sql;
        EXPECT_EQ(works_of(sql), Strings{"t none"}) << sql;
    }
    const char *stored = "ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;";
    EXPECT_EQ(of_rule(check(stored), "add-column-volatile-default").size(), 1u);
    EXPECT_EQ(works_of(stored), Strings{"t rewrite"});
}

#else

TEST(Grammar17, GeneratedColumnsAreStored) {
    // Before 18 every generated column is stored, and STORED is required.
    const char *stored = "ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;";
    EXPECT_EQ(of_rule(check(stored), "add-column-volatile-default").size(), 1u);
    EXPECT_EQ(works_of(stored), Strings{"t rewrite"});
    EXPECT_THROW(check("ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) VIRTUAL;"), ParseError);
}

#endif

}  // namespace
}  // namespace migsafe
