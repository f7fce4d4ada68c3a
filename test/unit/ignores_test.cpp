// -- migsafe-ignore comments (migsafe check only).
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

TEST(Ignores, SuppressTheNamedRulesOfTheNextStatement) {
    EXPECT_EQ(rules_of(check("-- migsafe-ignore: drop-table archived to S3 (TICKET-1)\nDROP TABLE legacy;")), Strings{});
    EXPECT_EQ(rules_of(check("/* migsafe-ignore: truncate, delete-without-where reset nightly */\n"
                             "TRUNCATE t;\nDELETE FROM u;")),
              Strings{"delete-without-where"});
}

TEST(Ignores, OnlyTheNamedRules) {
    EXPECT_EQ(rules_of(check("-- migsafe-ignore: drop-table fine\nDROP TABLE t; ")), Strings{});
    EXPECT_EQ(rules_of(check("-- migsafe-ignore: drop-column reason\nDROP TABLE t;")),
              (Strings{"unused-ignore", "drop-table"}));
}

TEST(Ignores, SeveralCommentLinesBeforeTheStatement) {
    EXPECT_EQ(rules_of(check("-- AlterTable\n-- migsafe-ignore: drop-column moved to profiles\n-- (see PR 12)\n"
                             "ALTER TABLE \"User\" DROP COLUMN \"bio\";")),
              Strings{});
}

TEST(Ignores, AReasonIsRequired) {
    Findings findings = check("-- migsafe-ignore: truncate\nTRUNCATE t;");
    EXPECT_EQ(rules_of(findings), (Strings{"unused-ignore", "truncate"}));
    EXPECT_TRUE(mentions(findings[0].message, {"no reason"})) << findings[0].message;
}

TEST(Ignores, UnknownRulesAreReported) {
    Findings findings = check("-- migsafe-ignore: drop-tabel oops\nDROP TABLE t;");
    EXPECT_EQ(rules_of(findings), (Strings{"unused-ignore", "drop-table"}));
    EXPECT_TRUE(mentions(findings[0].message, {"unknown rule", "drop-tabel"})) << findings[0].message;
}

TEST(Ignores, NotBeforeAStatement) {
    // at the end of a line that holds a statement, at the end of the file,
    // inside a statement
    EXPECT_EQ(rules_of(check("SELECT 1; -- migsafe-ignore: drop-table x\nDROP TABLE t;")),
              (Strings{"drop-table", "unused-ignore"}));
    EXPECT_EQ(rules_of(check("DROP TABLE t;\n-- migsafe-ignore: drop-table x\n")), (Strings{"drop-table", "unused-ignore"}));
    EXPECT_EQ(rules_of(check("ALTER TABLE t\n-- migsafe-ignore: drop-column inside\nDROP COLUMN c;")),
              (Strings{"drop-column", "unused-ignore"}));
}

TEST(Ignores, AStatementBetweenCommentAndTargetBreaksTheLink) {
    EXPECT_EQ(rules_of(check("-- migsafe-ignore: drop-table x\nSELECT 1;\nDROP TABLE t;")),
              (Strings{"unused-ignore", "drop-table"}));
}

TEST(Ignores, TheWordInAStringIsNotAComment) {
    EXPECT_EQ(rules_of(check("SELECT '-- migsafe-ignore: drop-table x';\nDROP TABLE t;")), Strings{"drop-table"});
    EXPECT_EQ(rules_of(check("SELECT $$\n-- migsafe-ignore: drop-table x\n$$;\nDROP TABLE t;")), Strings{"drop-table"});
}

TEST(Ignores, UnusedIgnorePositionAndStatement) {
    Strings found = summary(of_rule(check("SELECT 1;\n  -- migsafe-ignore: truncate r\nSELECT 2;"), "unused-ignore"));
    EXPECT_EQ(found, Strings{"2:2:3 unused-ignore review"});
}

}  // namespace
}  // namespace migsafe::test
