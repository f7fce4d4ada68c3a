// Dangerous words that are not dangerous statements: comments, literals,
// quoted identifiers. The parser, not the text, decides.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

class NearMiss : public ::testing::TestWithParam<const char *> {};

TEST_P(NearMiss, NoFinding) {
    EXPECT_EQ(summary(check(GetParam(), {"users"})), Strings{}) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Lexical, NearMiss,
    ::testing::Values(
        "-- DROP TABLE users;\nSELECT 1;",
        "SELECT 1; -- TRUNCATE users; DELETE FROM users;",
        "/* DROP TABLE users; */ SELECT 1;",
        "/* outer /* DROP TABLE users; */ TRUNCATE users; */ SELECT 1;",
        "SELECT 'DROP TABLE users; DELETE FROM users;';",
        "SELECT 'it''s; DROP TABLE users; --';",
        "SELECT E'\\'; DROP TABLE users; --';",
        "SELECT $$; DROP TABLE users; $$;",
        "SELECT $tag$ $$ ; TRUNCATE users; $$ $tag$;",
        "SELECT U&'\\0044ROP TABLE users';",
        "INSERT INTO audit (statement) VALUES ('ALTER TABLE users DROP COLUMN email');",
        "COMMENT ON COLUMN audit.note IS 'DELETE FROM users';",
        R"(CREATE TABLE "drop table" (id int); SELECT * FROM "drop table";)",
        R"(SELECT "TRUNCATE users" FROM audit;)",
        "SELECT 1 AS \"DELETE FROM users\";",
        "SELECT * FROM users;",
        "   \n\t  ",
        "-- only a comment",
        "/* only a comment */",
        ";;;"));

TEST(NearMissWithRealStatement, RealStatementAfterATrickyLiteralIsStillFound) {
    EXPECT_EQ(summary(check("SELECT E'\\';--';\nDROP TABLE users;")),
              (Strings{"2:2:1 drop-table dangerous users"}));
}

TEST(NearMissWithRealStatement, RealStatementAfterDollarQuoteIsStillFound) {
    EXPECT_EQ(summary(check("SELECT $x$ ; $$ $x$; TRUNCATE users;")),
              (Strings{"2:1:31 truncate dangerous users"}));
}

TEST(NearMissWithRealStatement, QuotedIdentifierTableIsDroppedUnderItsOwnName) {
    EXPECT_EQ(objects_of(check(R"(DROP TABLE "drop table";)")), (Strings{R"("drop table")"}));
}

}  // namespace
}  // namespace migsafe::test
