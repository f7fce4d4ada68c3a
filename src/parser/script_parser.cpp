#include "script_parser.hpp"

#include "../classifier/source_position.hpp"
#include "pg_call.hpp"

extern "C" {
#include "parser/parser.h"
#include "parser/scanner.h"
}

#include <cstring>

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
        core_yy_extra_type extra;
        core_YYSTYPE value;
        YYLTYPE token_location = 0;
        core_yyscan_t scanner = scanner_init(copy, &extra, &ScanKeywords, ScanKeywordTokens);
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
            script.statements.push_back({raw->stmt, first_token_in(scratch, text, raw->stmt_location, raw->stmt_len)});
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
    }
    if (problem != nullptr)
        throw std::invalid_argument(std::string("table name \"") + text + "\" " + problem +
                                    ": expected name or schema.name, e.g. public.\"Skill\"");
    return result;
}

}  // namespace migsafe
