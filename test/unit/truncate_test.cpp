// truncate: TRUNCATE of an existing table; the finding points at the table.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

TEST(Truncate, PointsAtTheTable) {
    EXPECT_EQ(summary(check("TRUNCATE users;")), (Strings{"1:1:10 truncate dangerous users"}));
}

TEST(Truncate, TableKeyword) {
    EXPECT_EQ(summary(check("TRUNCATE TABLE users;")), (Strings{"1:1:16 truncate dangerous users"}));
}

TEST(Truncate, OneFindingPerTableEachAtItsName) {
    EXPECT_EQ(summary(check("TRUNCATE a, b;")),
              (Strings{"1:1:10 truncate dangerous a", "1:1:13 truncate dangerous b"}));
}

TEST(Truncate, Only) {
    EXPECT_EQ(summary(check("TRUNCATE ONLY users;")), (Strings{"1:1:15 truncate dangerous users"}));
}

TEST(Truncate, CascadeSaysSo) {
    Findings findings = check("TRUNCATE users RESTART IDENTITY CASCADE;");
    ASSERT_EQ(rules_of(findings), (Strings{"truncate"}));
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(Truncate, WithoutCascadeDoesNotMentionIt) {
    Findings findings = check("TRUNCATE users;");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_FALSE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(Truncate, QualifiedAndQuoted) {
    EXPECT_EQ(objects_of(check(R"(TRUNCATE public."User", "App"."Log";)")),
              (Strings{R"(public."User")", R"("App"."Log")"}));
}

TEST(Truncate, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE staging (id int);\nTRUNCATE staging;")), Strings{});
}

TEST(Truncate, OnlyTheExistingOneOfSeveral) {
    EXPECT_EQ(summary(check("CREATE TABLE staging (id int);\nTRUNCATE staging, users;")),
              (Strings{"2:2:19 truncate dangerous users"}));
}

TEST(Truncate, TemporaryTableIsNotThePublicOne) {
    // TRUNCATE public.users empties the real table, not the temporary one.
    EXPECT_EQ(rules_of(check("CREATE TEMP TABLE users (id int);\nTRUNCATE public.users;")),
              (Strings{"truncate"}));
}

TEST(Truncate, CreateTableIfNotExistsMayNotCreateAnything) {
    EXPECT_EQ(rules_of(check("CREATE TABLE IF NOT EXISTS users (id int);\nTRUNCATE users;")),
              (Strings{"truncate"}));
}

}  // namespace
}  // namespace migsafe::test
