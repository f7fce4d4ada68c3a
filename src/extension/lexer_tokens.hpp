// The lexer's own tokens, by number, for the extension's readers of
// PostgreSQL's lexer (statement fingerprints, names in statement texts).
#pragma once

#include "../classifier/pg_nodes.hpp"

// Bison numbers gram.y's tokens in the order it declares them, from 258, and
// these have come first, in this order, since PostgreSQL 13 (keywords follow
// them; a keyword's number is ScanKeywordTokens'). Debian installs
// parser/gram.h with the server headers of 15 but not of 16 and later: where
// it is there, it checks these.
constexpr int kIdent = 258, kUident = 259, kFconst = 260, kSconst = 261, kUsconst = 262, kBconst = 263,
              kXconst = 264, kOp = 265, kIconst = 266, kParam = 267, kTypecast = 268, kDotDot = 269,
              kColonEquals = 270, kEqualsGreater = 271, kLessEquals = 272, kGreaterEquals = 273, kNotEquals = 274;
#if __has_include("parser/gram.h")
extern "C" {
#include "parser/scanner.h"
#include "parser/gram.h"
}
static_assert(IDENT == kIdent && UIDENT == kUident && FCONST == kFconst && SCONST == kSconst &&
                  USCONST == kUsconst && BCONST == kBconst && XCONST == kXconst && Op == kOp && ICONST == kIconst &&
                  PARAM == kParam && TYPECAST == kTypecast && DOT_DOT == kDotDot && COLON_EQUALS == kColonEquals &&
                  EQUALS_GREATER == kEqualsGreater && LESS_EQUALS == kLessEquals &&
                  GREATER_EQUALS == kGreaterEquals && NOT_EQUALS == kNotEquals,
              "the lexer's token numbers moved: update the constants above");
#endif
