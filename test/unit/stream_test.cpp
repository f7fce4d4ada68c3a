// `migsafe check` reads its inputs piece by piece (src/cli/script_stream):
// whatever it reads at a time, a script gets the findings, positions and
// errors a check of the whole text gets.
#include "test_support.hpp"

#include "cli/checker.hpp"
#include "cli/script_stream.hpp"

extern "C" {
#include "pg_query.h"
#include "pg_query/pg_query_internal.h"
}

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace migsafe::test {
namespace {

// Everything a check says about a file, as one comparable list.
Strings outcome(const cli::FileResult &result) {
    Strings out;
    for (const Finding &finding : result.findings)
        out.push_back(summary(finding) + " | " + finding.message + " | " + result.lines.at(finding.line));
    if (!result.error.empty()) {
        std::string line = result.lines.count(result.error_line) ? result.lines.at(result.error_line) : "";
        out.push_back("error " + std::to_string(result.error_line) + ":" + std::to_string(result.error_col) + " " +
                      result.error + " | " + line);
    }
    return out;
}

cli::FileResult check_in_blocks(const std::string &sql, std::size_t block_size, const cli::CheckOptions &base = {}) {
    cli::CheckOptions options = base;
    options.block_size = block_size;
    return cli::check_text("t.sql", sql, options);
}

// The block sizes tried: every size up to 80 bytes (a block boundary at
// every byte of a short script), then 1 kB.
std::vector<std::size_t> block_sizes() {
    std::vector<std::size_t> sizes;
    for (std::size_t size = 1; size <= 80; ++size) sizes.push_back(size);
    sizes.push_back(1024);
    return sizes;
}

// The outcome of the whole text at once, after checking that every block
// size gives the same.
Strings same_in_any_blocks(const std::string &sql, const cli::CheckOptions &options = {}) {
    Strings whole = outcome(check_in_blocks(sql, sql.size() + 1, options));
    for (std::size_t size : block_sizes())
        EXPECT_EQ(outcome(check_in_blocks(sql, size, options)), whole) << "block size " << size;
    return whole;
}

TEST(Stream, StatementsOnOneLineAndOnManyLines) {
    Strings found = same_in_any_blocks("SELECT 1; DROP TABLE a; SELECT 2;\n\n  TRUNCATE b;\nDROP TABLE c; DROP TABLE d;\n");
    EXPECT_EQ(found.size(), 4u);
    EXPECT_EQ(found[0], "2:1:11 drop-table dangerous a | DROP removes table a and all its rows | "
                        "SELECT 1; DROP TABLE a; SELECT 2;")
        << found[0];
}

TEST(Stream, BeginAtomicBodies) {
    Strings found = same_in_any_blocks(
        "CREATE TABLE t (id int);\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\n  DELETE FROM t;\nEND;\n"
        "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); UPDATE t SET id = 2; END;\n"
        "DROP TABLE u;\n");
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found.back().substr(0, 29), "4:9:1 drop-table dangerous u ");
}

TEST(Stream, CreateRuleWithSeveralActions) {
    Strings found = same_in_any_blocks(
        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); DELETE FROM b WHERE x; NOTIFY c);\n"
        "CREATE RULE s AS ON UPDATE TO t DO INSTEAD (UPDATE a SET x = 1 WHERE y; SELECT 1;);\n"
        "DROP TABLE v;\n");
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found.back().substr(0, 29), "3:3:1 drop-table dangerous v ");
}

TEST(Stream, SemicolonsInQuotesAndComments) {
    Strings found = same_in_any_blocks(
        "DO $body$ BEGIN PERFORM 1; DROP TABLE x; END $body$;\n"
        "SELECT $$;;$$, 'a;b', 'it''s;', E'c\\';d', U&'e;f', \"g;h\" FROM t; -- i; DROP TABLE y;\n"
        "/* j; /* k; */ DROP TABLE z; */ SELECT 1;\n"
        "SELECT E'\\\\'; DROP TABLE w;\n");
    EXPECT_EQ(found.size(), 2u);
    EXPECT_EQ(found.back().substr(0, 29), "5:4:15 drop-table dangerous w") << found.back();
}

TEST(Stream, SyntaxErrorInTheMiddle) {
    Strings found = same_in_any_blocks("DROP TABLE a;\nSELECT 1;\nSELEC 2;\nDROP TABLE b;\nSELECT 3;\n");
    EXPECT_EQ(found, Strings{"error 3:1 syntax error at or near \"SELEC\" | SELEC 2;"});
}

TEST(Stream, SyntaxErrorAtTheEnd) {
    EXPECT_EQ(same_in_any_blocks("DROP TABLE a;\nSELECT 1;\nSELECT (2;\n"),
              Strings{"error 3:10 syntax error at or near \";\" | SELECT (2;"});
    EXPECT_EQ(same_in_any_blocks("DROP TABLE a;\nSELECT 1;\nSELECT 'unterminated\n"),
              Strings{"error 3:8 unterminated quoted string at or near \"'unterminated\n\" | SELECT 'unterminated"});
    // BEGIN ATOMIC without its END: the end of input is on the third line
    EXPECT_EQ(same_in_any_blocks("DROP TABLE a;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n"),
              Strings{"error 3:1 syntax error at end of input | "});
    EXPECT_EQ(same_in_any_blocks("DROP TABLE a;\nCREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b;"),
              Strings{"error 2:61 syntax error at end of input | CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b;"});
}

TEST(Stream, ErrorWithoutAPositionPointsAtTheFirstLine) {
#if PG_VERSION_NUM >= 180000
    // 18's grammar gives this error its position.
    EXPECT_EQ(same_in_any_blocks("-- first line\nDROP TABLE a;\nCREATE ASSERTION x CHECK (true);\nSELECT 1;\n"),
              Strings{"error 3:1 CREATE ASSERTION is not yet implemented | CREATE ASSERTION x CHECK (true);"});
#else
    EXPECT_EQ(same_in_any_blocks("-- first line\nDROP TABLE a;\nCREATE ASSERTION x CHECK (true);\nSELECT 1;\n"),
              Strings{"error 1:1 CREATE ASSERTION is not yet implemented | -- first line"});
#endif
}

TEST(Stream, IgnoreCommentsAtBlockBoundaries) {
    Strings found = same_in_any_blocks(
        "SELECT 1;\n-- migsafe-ignore: drop-table archived\nDROP TABLE a;\n"
        "SELECT 2; -- migsafe-ignore: drop-table not before a statement\nDROP TABLE b;\n"
        "-- migsafe-ignore: truncate no finding to suppress\nSELECT 3;\n"
        "DROP TABLE c;\n-- migsafe-ignore: drop-table at the end\n");
    Strings rules;
    for (const std::string &line : found) rules.push_back(line.substr(0, line.find(" |")));
    // the ignore after a statement on its line precedes no statement: it
    // comes last, as the one at the end of the script
    EXPECT_EQ(rules, (Strings{"4:5:1 drop-table dangerous b", "5:6:1 unused-ignore review",
                              "6:8:1 drop-table dangerous c", "0:4:11 unused-ignore review",
                              "0:9:1 unused-ignore review"}));
}

TEST(Stream, OneStatementFile) {
    EXPECT_EQ(same_in_any_blocks("-- one statement\nCREATE INDEX CONCURRENTLY i ON t (c);\n"), Strings{});
}

TEST(Stream, ConcurrentlyFollowedOnlyByComments) {
    EXPECT_EQ(same_in_any_blocks("CREATE INDEX CONCURRENTLY i ON t (c);\n-- a comment; with a semicolon\n"
                                 "/* another; */\n;\n-- the end\n"),
              Strings{});
    Strings found = same_in_any_blocks("CREATE INDEX CONCURRENTLY i ON t (c);\n-- a comment\nSELECT 1;\n");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].substr(0, 35), "1:1:1 concurrently-in-transaction r");
}

TEST(Stream, MultibyteCharactersAcrossBlocks) {
    Strings found = same_in_any_blocks("SELECT 'é€😀'; DROP TABLE \"Ärger\";\n-- Größe\nSELECT '😀'; TRUNCATE ü;\n");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].substr(0, found[0].find(" |")), "2:1:15 drop-table dangerous \"Ärger\"") << found[0];
    EXPECT_EQ(found[1].substr(0, found[1].find(" |")), "4:3:22 truncate dangerous \"ü\"") << found[1];
}

TEST(Stream, InvalidUtf8InALaterBlock) {
    std::string sql = "DROP TABLE a;\nSELECT 1;\nSELECT 2;\nSELECT 'caf\xe9';\n";
    EXPECT_EQ(same_in_any_blocks(sql), Strings{"error 0:0 file is not valid UTF-8 | "});
    EXPECT_EQ(same_in_any_blocks("DROP TABLE a;\nSELECT 1; -- \xe2\x82"), Strings{"error 0:0 file is not valid UTF-8 | "});
}

TEST(Stream, NulByteComesBeforeInvalidUtf8AndSyntaxErrors) {
    EXPECT_EQ(same_in_any_blocks(std::string("SELEC 1;\nSELECT 'caf\xe9';\nSELECT 2;\0", 35)),
              Strings{"error 0:0 file contains a NUL byte | "});
    EXPECT_EQ(same_in_any_blocks("SELEC 1;\nDROP TABLE a;\nSELECT 'caf\xe9';\n"),
              Strings{"error 0:0 file is not valid UTF-8 | "});
}

TEST(Stream, StatementLongerThanTheBlocks) {
    std::string values;
    for (int i = 0; i < 200; ++i) values += (i ? ", (" : "(") + std::to_string(i) + ", 'a;b')";
    Strings found = same_in_any_blocks("DROP TABLE a;\nINSERT INTO t VALUES " + values + ";\nDROP TABLE b;\n");
    EXPECT_EQ(found.size(), 2u);
}

TEST(Stream, FindingOnALineThatGoesOnPastTheBlock) {
    Strings found = same_in_any_blocks("DROP TABLE a; SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13; SELECT 1;");
    EXPECT_EQ(found, Strings{"1:1:1 drop-table dangerous a | DROP removes table a and all its rows | "
                             "DROP TABLE a; SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13; SELECT 1;"});
}

TEST(Stream, ScriptStateCarriesOverFromPieceToPiece) {
    Strings found = same_in_any_blocks("CREATE TABLE n (id int);\nSELECT 1;\nSELECT 2;\nDROP TABLE n;\n"
                                       "BEGIN;\nSELECT 3;\nCREATE INDEX CONCURRENTLY i ON t (c);\nCOMMIT;\n",
                                       {});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].substr(0, 37), "7:7:1 concurrently-in-transaction rev") << found[0];
}

TEST(Stream, OptionsApplyToEveryPiece) {
    cli::CheckOptions options;
    options.protect = {"t"};
    options.disabled = {"drop-table"};
    Strings found = same_in_any_blocks("SELECT 1;\nALTER TABLE t ADD COLUMN c int;\nDROP TABLE t;\n", options);
    Strings rules;
    for (const std::string &line : found) rules.push_back(line.substr(0, line.find(" |")));
    EXPECT_EQ(rules, (Strings{"2:2:13 protected-table dangerous t", "3:3:1 protected-table dangerous t"}));
}

// ---- the pieces themselves ------------------------------------------------------

struct ParserMemory {
    MemoryContext context = pg_query_enter_memory_context();
    ~ParserMemory() { pg_query_exit_memory_context(context); }
};

TEST(Stream, PiecesCoverTheInputInOrderAndStayShort) {
    std::string sql;
    for (int i = 0; i < 100; ++i) sql += "SELECT " + std::to_string(i) + ";\n-- comment; " + std::to_string(i) + "\n";
    ParserMemory memory;
    cli::TextInput input(sql);
    cli::ScriptStream stream(input, {64, true});
    cli::Piece piece;
    std::string seen;
    int pieces = 0, statements = 0;
    while (stream.next(piece)) {
        EXPECT_EQ(piece.offset, seen.size());
        EXPECT_EQ(piece.statements_before, statements);
        EXPECT_LE(piece.text.size(), 200u);
        seen += piece.text;
        statements += list_length(piece.statements);
        ++pieces;
    }
    EXPECT_EQ(seen, sql);
    EXPECT_EQ(statements, 100);
    EXPECT_GT(pieces, 20);
}

}  // namespace
}  // namespace migsafe::test
