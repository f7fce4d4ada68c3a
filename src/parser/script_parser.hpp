// From SQL text to the classifier's input, the same way in both builds: the
// front door supplies PostgreSQL's raw parser (the server's raw_parser, or
// libpg_query's pg_query_raw_parse); the statements' first tokens are found
// with PostgreSQL's own lexer.
#pragma once

#include "../classifier/classifier.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

// A script PostgreSQL's parser rejected; line and col are 1-based.
class ParseError : public std::runtime_error {
public:
    ParseError(const std::string &message, int line, int col)
        : std::runtime_error(message), line(line), col(col) {}
    int line;
    int col;
};

// Parses text with PostgreSQL's grammar; returns the List of RawStmt, or
// throws RawParseFailure. Must not raise a PostgreSQL ERROR.
struct RawParseFailure {
    std::string message;
    int cursorpos;  // 1-based character position, 0 when unknown
};
using RawParse = List *(*)(const char *text);

// Parses a NUL-terminated script. The parse trees live in the current memory
// context. Throws ParseError for invalid SQL.
Script parse_script(const char *text, RawParse raw_parse);

// Whether a token (or white space) at offset starts a comment: "--" or
// "/*". libpg_query's copy of the lexer returns comments as tokens (the
// server's skips them); the lexer never makes an operator of those
// characters.
bool starts_comment(const char *text, int offset);

// Byte offset of the first token of a statement that starts at location
// (RawStmt.stmt_location: just after the previous semicolon, before any white
// space and comments) and runs for length bytes (0: to the end of text). The
// lexer skips white space and comments exactly as the parser did.
int first_token_offset(std::string_view text, int location, int length);

// The statements of a raw parse (a List of RawStmt) of text, with their first
// tokens, appended to script.statements; text is the string that was parsed.
void add_statements(Script &script, std::string_view text, const List *raw_statements);

// Parses "name" or "schema.name" with PostgreSQL's identifier rules (quotes
// keep case, unquoted names are folded to lower case). Throws
// std::invalid_argument for anything else.
RelName parse_table_name(const char *text);

// The tables a protected name protects ("name" or "schema.name", as
// --protect, the configuration file and migsafe_check()'s protected argument
// take it): first the one PostgreSQL's rules name, then, for each unquoted
// part written with capitals, the same with that part spelt exactly as
// written. Protect Skill and both skill and Prisma's "Skill" are protected:
// a user who types a model's name must not end up protecting nothing (fail
// closed). Throws std::invalid_argument as parse_table_name() does.
std::vector<RelName> protected_table_names(const char *text);

}  // namespace migsafe
