#include "statement_fingerprint.hpp"

#include "../parser/pg_call.hpp"
#include "lexer_tokens.hpp"

extern "C" {
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "lib/stringinfo.h"
#include "parser/scanner.h"
}

namespace migsafe::fingerprint {

namespace {

// ---- plain C: these call PostgreSQL functions that raise -------------------

void append_hex(StringInfo out, const uint8 *digest, int length) {
    static const char kHex[] = "0123456789abcdef";
    for (int i = 0; i < length; ++i) {
        appendStringInfoChar(out, kHex[digest[i] >> 4]);
        appendStringInfoChar(out, kHex[digest[i] & 0xf]);
    }
}

char *sha256_of(const char *data, size_t length) {
    uint8 digest[PG_SHA256_DIGEST_LENGTH];
    pg_cryptohash_ctx *context = pg_cryptohash_create(PG_SHA256);
    if (pg_cryptohash_init(context) < 0 || pg_cryptohash_update(context, (const uint8 *)data, length) < 0 ||
        pg_cryptohash_final(context, digest, sizeof digest) < 0)
        elog(ERROR, "could not compute a SHA-256 digest: %s", pg_cryptohash_error(context));
    pg_cryptohash_free(context);
    StringInfoData hex;
    initStringInfo(&hex);
    append_hex(&hex, digest, sizeof digest);
    return hex.data;
}

// One token, unambiguously: a tag, the value's length, ':', the value. The
// value is what the lexer made of the token (a keyword's canonical text, a
// folded identifier, a string constant's contents), never a token number,
// which differs between majors.
void append_token(StringInfo out, char tag, const char *value, size_t length) {
    appendStringInfo(out, "%c%zu:", tag, length);
    appendBinaryStringInfo(out, value, (int)length);
}

void append_lexed(StringInfo out, int token, const core_YYSTYPE &value) {
    char number[32];
    switch (token) {
        case kIconst:
        case kParam:
            snprintf(number, sizeof number, "%d", value.ival);
            return append_token(out, token == kIconst ? 'n' : 'p', number, strlen(number));
        case kIdent:
            // Users and "users" are the same IDENT token to the grammar; a
            // quoted "select" is an IDENT, the keyword select is not.
            return append_token(out, 'i', value.str, strlen(value.str));
        case kUident: return append_token(out, 'u', value.str, strlen(value.str));
        case kFconst: return append_token(out, 'f', value.str, strlen(value.str));
        case kSconst: return append_token(out, 's', value.str, strlen(value.str));
        case kUsconst: return append_token(out, 'U', value.str, strlen(value.str));
        case kBconst: return append_token(out, 'b', value.str, strlen(value.str));
        case kXconst: return append_token(out, 'x', value.str, strlen(value.str));
        case kOp: return append_token(out, 'o', value.str, strlen(value.str));
        case kTypecast: return append_token(out, 'o', "::", 2);
        case kDotDot: return append_token(out, 'o', "..", 2);
        case kColonEquals: return append_token(out, 'o', ":=", 2);
        case kEqualsGreater: return append_token(out, 'o', "=>", 2);
        case kLessEquals: return append_token(out, 'o', "<=", 2);
        case kGreaterEquals: return append_token(out, 'o', ">=", 2);
        case kNotEquals: return append_token(out, 'o', "<>", 2);  // != and <> are one operator
        default:
            if (token < 256) {
                char single = (char)token;
                return append_token(out, 'c', &single, 1);
            }
            if (value.keyword == nullptr) elog(ERROR, "migsafe: unexpected token %d in a statement", token);
            return append_token(out, 'k', value.keyword, strlen(value.keyword));
    }
}

// The normalised tokens of text (NUL-terminated), without trailing
// semicolons; "" when it holds none.
char *normalised_tokens(const char *text) {
    LexerState lexer;
    core_YYSTYPE value;
    YYLTYPE location = 0;
    StringInfoData tokens;
    initStringInfo(&tokens);
    int length_before_semicolons = 0;
    core_yyscan_t scanner = scanner_init(text, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
    for (int token; (token = core_yylex(&value, &location, scanner)) != 0;) {
        append_lexed(&tokens, token, value);
        if (token != ';') length_before_semicolons = tokens.len;
    }
    scanner_finish(scanner);
    tokens.data[length_before_semicolons] = '\0';
    return tokens.data;
}

char *fingerprint_of(const char *text) {
    char *tokens = normalised_tokens(text);
    return tokens[0] == '\0' ? tokens : sha256_of(tokens, strlen(tokens));
}

}  // namespace

std::string of_statement(std::string_view statement) {
    std::string text(statement);  // NUL-terminated for the lexer
    const char *data = text.c_str();
    return pg_call([&] {
        MemoryContext scratch = scratch_memory_context();
        MemoryContext caller = MemoryContextSwitchTo(scratch);
        char *fingerprint = fingerprint_of(data);
        MemoryContextSwitchTo(caller);
        char *copy = pstrdup(fingerprint);
        MemoryContextDelete(scratch);
        return copy;
    });
}

std::string sha256_hex(std::string_view bytes) {
    const char *data = bytes.data();
    size_t length = bytes.size();
    return pg_call([&] { return sha256_of(data, length); });
}

}  // namespace migsafe::fingerprint
