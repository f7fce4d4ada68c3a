// Where findings and syntax errors point: statement index, 1-based line and
// column in characters.
#include "test_support.hpp"

#include "classifier/source_position.hpp"
#include "parser/script_parser.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

// ---- findings ---------------------------------------------------------------

TEST(Positions, FirstStatement) {
    EXPECT_EQ(summary(check("DROP TABLE t;")), (Strings{"1:1:1 drop-table dangerous t"}));
}

TEST(Positions, StatementIndexCountsEveryStatement) {
    EXPECT_EQ(summary(check("SELECT 1; SELECT 2; DROP TABLE t;")), (Strings{"3:1:21 drop-table dangerous t"}));
}

TEST(Positions, EmptyStatementsAreNotCounted) {
    EXPECT_EQ(summary(check(";;SELECT 1;;;DROP TABLE t;")), (Strings{"2:1:14 drop-table dangerous t"}));
}

TEST(Positions, TransactionControlCounts) {
    EXPECT_EQ(summary(check("BEGIN;\nDROP TABLE t;\nCOMMIT;")), (Strings{"2:2:1 drop-table dangerous t"}));
}

TEST(Positions, LeadingWhitespaceAndLineComments) {
    EXPECT_EQ(summary(check("-- migration 42\n\n   DROP TABLE t;")), (Strings{"1:3:4 drop-table dangerous t"}));
}

TEST(Positions, BlockCommentBeforeTheStatement) {
    EXPECT_EQ(summary(check("/* a */ /* b */ DROP TABLE t;")), (Strings{"1:1:17 drop-table dangerous t"}));
}

TEST(Positions, NestedBlockCommentBeforeTheStatement) {
    EXPECT_EQ(summary(check("/* a /* nested */ b */\tDROP TABLE t;")), (Strings{"1:1:24 drop-table dangerous t"}));
}

TEST(Positions, CommentsBetweenStatements) {
    EXPECT_EQ(summary(check("SELECT 1; -- first\n/* second\n line */ DROP TABLE t;")),
              (Strings{"2:3:10 drop-table dangerous t"}));
}

TEST(Positions, LastStatementWithoutSemicolon) {
    EXPECT_EQ(summary(check("SELECT 1;\n  DROP TABLE t")), (Strings{"2:2:3 drop-table dangerous t"}));
}

TEST(Positions, CrLfLineEndings) {
    EXPECT_EQ(summary(check("SELECT 1;\r\n\r\nDROP TABLE t;\r\n")), (Strings{"2:3:1 drop-table dangerous t"}));
}

TEST(Positions, ColumnCountsCharactersNotBytes) {
    EXPECT_EQ(summary(check("SELECT 'ü'; DROP TABLE t;")), (Strings{"2:1:13 drop-table dangerous t"}));
}

TEST(Positions, FourByteCharactersInACommentBeforeTheStatement) {
    EXPECT_EQ(summary(check("/* 😀😀 */ DROP TABLE t;")), (Strings{"1:1:10 drop-table dangerous t"}));
}

TEST(Positions, MultibyteOnEarlierLinesDoesNotShiftColumns) {
    EXPECT_EQ(summary(check("-- Größe ändern\nSELECT 'ñ';\n  TRUNCATE t;")),
              (Strings{"2:3:12 truncate dangerous t"}));
}

TEST(Positions, MultibyteQuotedIdentifierBeforeTheTable) {
    EXPECT_EQ(summary(check("SELECT 1 AS \"é\"; DELETE FROM \"Ärger\";")),
              (Strings{"2:1:30 delete-without-where dangerous \"Ärger\""}));
}

TEST(Positions, DmlPointsAtTheTableOnItsOwnLine) {
    EXPECT_EQ(summary(check("DELETE\nFROM\n    users;")), (Strings{"1:3:5 delete-without-where dangerous users"}));
}

TEST(Positions, MultiObjectDropPointsAtTheStatementStart) {
    EXPECT_EQ(summary(check("DROP TABLE\n  a,\n  b;")),
              (Strings{"1:1:1 drop-table dangerous a", "1:1:1 drop-table dangerous b"}));
}

TEST(Positions, FindingsComeInStatementOrder) {
    EXPECT_EQ(rules_of(check("DROP INDEX i; TRUNCATE t; DROP TYPE y; DELETE FROM d;")),
              (Strings{"drop-index", "truncate", "drop-type", "delete-without-where"}));
}

TEST(Positions, ManyFindingsOnOneLineAfterMultibyteCharacters) {
    EXPECT_EQ(summary(check("DELETE FROM \"Ä\"; DELETE FROM \"Ä\"; TRUNCATE t;")),
              (Strings{"1:1:13 delete-without-where dangerous \"Ä\"", "2:1:30 delete-without-where dangerous \"Ä\"",
                       "3:1:44 truncate dangerous t"}));
}

// Positions on one line are counted from the previous one when they come in
// order (a script on a single line must not be quadratic), from the line's
// start otherwise.
TEST(LineIndex, PositionsInAnyOrderOnOneLine) {
    check("SELECT 1;");  // the first parse sets up libpg_query, and with it UTF-8
    LineIndex lines("é1é2é3\nü4");
    EXPECT_EQ(lines.at_byte(2).col, 2);   // '1'
    EXPECT_EQ(lines.at_byte(8).col, 6);   // '3'
    EXPECT_EQ(lines.at_byte(5).col, 4);   // '2', before the previous one
    EXPECT_EQ(lines.at_byte(12).col, 2);  // '4', next line
    EXPECT_EQ(lines.at_byte(12).line, 2);
    EXPECT_EQ(lines.at_byte(0).col, 1);   // back to the first line
    EXPECT_EQ(lines.at_byte(8).col, 6);
}

// ---- syntax errors ----------------------------------------------------------

struct ErrorAt {
    int line;
    int col;
};

// The position of the syntax error in sql; fails the test if there is none.
ErrorAt error_at(const std::string &sql) {
    try {
        check(sql);
    } catch (const ParseError &error) {
        EXPECT_NE(std::string(error.what()), "");
        return {error.line, error.col};
    }
    ADD_FAILURE() << "no ParseError for: " << sql;
    return {0, 0};
}

void expect_error_at(const std::string &sql, int line, int col) {
    ErrorAt at = error_at(sql);
    EXPECT_EQ(at.line, line) << sql;
    EXPECT_EQ(at.col, col) << sql;
}

TEST(ParseErrors, FirstToken) { expect_error_at("SELEC 1;", 1, 1); }

TEST(ParseErrors, SecondLine) { expect_error_at("SELECT 1;\nSELEC 2", 2, 1); }

TEST(ParseErrors, MiddleOfALine) { expect_error_at("SELECT 1;\nSELECT * FORM t;", 2, 10); }

TEST(ParseErrors, AfterMultibyteCharactersOnTheSameLine) {
    expect_error_at("SELECT 'éé' FROM;", 1, 17);
}

TEST(ParseErrors, AfterMultibyteCharactersOnEarlierLines) {
    expect_error_at("-- ünïcödé 😀\nSELECT 'ß';\nDROP TABLE;", 3, 11);
}

TEST(ParseErrors, UnterminatedString) { expect_error_at("SELECT 1;\nSELECT 'abc", 2, 8); }

TEST(ParseErrors, UnterminatedBlockComment) {
    ErrorAt at = error_at("SELECT 1;\n/* never closed");
    EXPECT_EQ(at.line, 2);
}

TEST(ParseErrors, MessageIsPostgresOwn) {
    try {
        check("SELEC 1;");
        FAIL() << "no ParseError";
    } catch (const ParseError &error) {
        EXPECT_TRUE(mentions(error.what(), {"syntax error", "SELEC"})) << error.what();
    }
}

TEST(ParseErrors, ParserStaysUsableAfterAnError) {
    EXPECT_THROW(check("DROP TABLE;"), ParseError);
    EXPECT_EQ(rules_of(check("DROP TABLE t;")), (Strings{"drop-table"}));
}

}  // namespace
}  // namespace migsafe::test
