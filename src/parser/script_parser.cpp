#include "script_parser.hpp"

#include "../classifier/source_position.hpp"
#include "pg_call.hpp"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
}

#include <cstring>
#include <string>
#include <vector>

namespace migsafe {

namespace {

// White space as PostgreSQL's lexer defines it (scan.l: space [ \t\n\r\f\v]).
bool lexer_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The end of the white space and "--" comments from at on, as the lexer
// skips them: scan.l's comment is ("--"{non_newline}*), non_newline
// [^\n\r], and "--" at a token's start always begins one.
int skip_space_and_line_comments(const char *text, int at, int end) {
    while (at < end) {
        if (lexer_space(text[at])) {
            ++at;
        } else if (at + 1 < end && text[at] == '-' && text[at + 1] == '-') {
            const auto *line_end = static_cast<const char *>(memchr(text + at, '\n', end - at));
            int stop = line_end != nullptr ? static_cast<int>(line_end - text) : end;
            const auto *carriage_return = static_cast<const char *>(memchr(text + at, '\r', stop - at));
            at = carriage_return != nullptr ? static_cast<int>(carriage_return - text) : stop;
        } else {
            break;
        }
    }
    return at;
}

}  // namespace

namespace {

// first_token_offset() with its scanner's memory in scratch (made on first
// use), which is reset afterwards: the lexer keeps small buffers until its
// memory context goes, and a script of 260 000 statements would otherwise
// keep them all.
int first_token_in(MemoryContext &scratch, std::string_view text, int location, int length) {
    // Most statements start after white space and "--" comments alone
    // (Prisma writes "-- CreateTable" before each): the token is where they
    // end. A "/*" comment, which may nest, is left to the lexer.
    const char *data = text.data();
    int end = length > 0 ? location + length : static_cast<int>(text.size());
    int at = skip_space_and_line_comments(data, location, end);
    if (at + 1 >= end || !starts_comment(data, at)) return at;
    return pg_call([&]() -> int {
        if (scratch == nullptr) scratch = scratch_memory_context();
        MemoryContext caller = switch_memory_context(scratch);
        std::size_t size = static_cast<std::size_t>(end - at);
        auto *copy = static_cast<char *>(palloc(size + 1));
        memcpy(copy, data + at, size);
        copy[size] = '\0';
        LexerState lexer;
        core_YYSTYPE value;
        YYLTYPE token_location = 0;
        core_yyscan_t scanner = scanner_init(copy, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
        int token;
        do
            token = core_yylex(&value, &token_location, scanner);
        while (token != 0 && starts_comment(copy, token_location));
        scanner_finish(scanner);
        switch_memory_context(caller);
        MemoryContextReset(scratch);
        return token == 0 ? location : at + token_location;
    });
}

void delete_context(MemoryContext context) {
    if (context != nullptr) pg_call([&] { MemoryContextDelete(context); });
}

}  // namespace

bool starts_comment(const char *text, int offset) {
    return (text[offset] == '-' && text[offset + 1] == '-') || (text[offset] == '/' && text[offset + 1] == '*');
}

int first_token_offset(std::string_view text, int location, int length) {
    MemoryContext scratch = nullptr;
    int offset = 0;
    try {
        offset = first_token_in(scratch, text, location, length);
    } catch (...) {
        delete_context(scratch);
        throw;
    }
    delete_context(scratch);
    return offset;
}

void add_statements(Script &script, std::string_view text, const List *raw_statements) {
    MemoryContext scratch = nullptr;
    try {
        const ListCell *cell;
        foreach (cell, raw_statements) {
            const auto *raw = lfirst_node(RawStmt, cell);
            int first = first_token_in(scratch, text, raw->stmt_location, raw->stmt_len);
            // stmt_len 0: the statement runs to the end of the text.
            int length = raw->stmt_len > 0 ? raw->stmt_location + raw->stmt_len - first : -1;
            script.statements.push_back({raw->stmt, first, length >= 0 ? length : -1});
        }
    } catch (...) {
        delete_context(scratch);
        throw;
    }
    delete_context(scratch);
}

Script parse_script(const char *text, RawParse raw_parse) {
    Script script;
    script.text = text;
    List *raw_statements = nullptr;
    try {
        raw_statements = raw_parse(text);
    } catch (const RawParseFailure &failure) {
        LineCol at = LineIndex(script.text).at_char(failure.cursorpos > 0 ? failure.cursorpos : 1);
        throw ParseError(failure.message, at.line, at.col);
    }
    add_statements(script, script.text, raw_statements);
    return script;
}

RelName parse_table_name(const char *text) {
    const char *problem = nullptr;
    RelName result;
    try {
        // The grammar of a type name is that of a qualified identifier, plus
        // modifiers that are refused below.
        List *parsed = pg_call([&] { return raw_parser(text, RAW_PARSE_TYPE_NAME); });
        const auto *type = linitial_node(TypeName, parsed);
        int parts = list_length(type->names);
        if (type->typmods != nullptr || type->arrayBounds != nullptr || type->setof || type->pct_type)
            problem = "has modifiers";
        else if (parts < 1 || parts > 2)
            problem = "has too many dots";
        else
            result = rel_name(type->names);
        if (result.schema == "pg_catalog") problem = "is a keyword or system name (quote it)";
    } catch (const PgError &) {
        problem = "is not a valid identifier";
        // User, Order, Group: Prisma models whose names are reserved words
        // in PostgreSQL, so the table's name must be quoted.
        if (ScanKeywordLookup(text, &ScanKeywords) >= 0)
            throw std::invalid_argument(std::string("table name \"") + text +
                                        "\" is a reserved word in PostgreSQL: quote it, " + quote_ident(text));
    }
    if (problem != nullptr)
        throw std::invalid_argument(std::string("table name \"") + text + "\" " + problem +
                                    ": expected name or schema.name, e.g. public.\"Skill\"");
    return result;
}

namespace {

// Where the parts of a valid "name" or "schema.name" start: the offsets of
// PostgreSQL's lexer's tokens other than the dot between them (at most
// max_parts; more are not counted). Returns how many there are.
int name_part_offsets(const char *text, int *offsets, int max_parts) {
    return pg_call([&] {
        LexerState lexer;
        core_YYSTYPE value;
        YYLTYPE location = 0;
        core_yyscan_t scanner = scanner_init(text, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
        int count = 0;
        while (core_yylex(&value, &location, scanner) != 0) {
            if (text[location] == '.' || starts_comment(text, location)) continue;
            if (count < max_parts) offsets[count] = location;
            ++count;
        }
        scanner_finish(scanner);
        return count;
    });
}

// A part as it is written when it was not quoted: the same bytes as
// PostgreSQL's folded (and truncated) identifier, with their capitals. Empty
// when it was quoted (case already kept) or has no capitals.
std::string unquoted_capitals(const char *text, int offset, const std::string &folded) {
    // A quoted identifier ("..." or U&"...") keeps its case.
    if (text[offset] == '"' || ((text[offset] == 'U' || text[offset] == 'u') && text[offset + 1] == '&')) return "";
    std::string written(text + offset, strnlen(text + offset, folded.size()));
    if (written == folded || written.size() != folded.size()) return "";
    for (std::size_t i = 0; i < written.size(); ++i) {
        // PostgreSQL folds A-Z only (downcase_identifier in a multi-byte
        // encoding): anything else must be the same byte.
        char lower = written[i] >= 'A' && written[i] <= 'Z' ? static_cast<char>(written[i] - 'A' + 'a') : written[i];
        if (lower != folded[i]) return "";
    }
    return written;
}

}  // namespace

std::vector<RelName> protected_table_names(const char *text) {
    RelName folded = parse_table_name(text);
    std::vector<RelName> names{folded};
    int offsets[2];
    int parts = folded.schema.empty() ? 1 : 2;
    if (name_part_offsets(text, offsets, 2) != parts) return names;
    std::string schema = parts == 2 ? unquoted_capitals(text, offsets[0], folded.schema) : "";
    std::string name = unquoted_capitals(text, offsets[parts - 1], folded.name);
    // Each part with capitals in either spelling: Skill protects skill and
    // "Skill"; App.Skill protects app.skill, app."Skill", "App".skill and
    // "App"."Skill".
    if (!name.empty()) names.push_back({folded.schema, name});
    if (!schema.empty()) {
        names.push_back({schema, folded.name});
        if (!name.empty()) names.push_back({schema, name});
    }
    return names;
}

}  // namespace migsafe
