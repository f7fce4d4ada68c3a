// What identifies a statement of an approved script (migsafe_approve_script):
// the SHA-256 of its tokens as PostgreSQL's lexer reads them. White space,
// comments, a trailing semicolon and the way a client splits a script into
// queries (one multi-statement query, psql -f's statement by statement, a
// driver's prepared statements) do not change it; any edit of a token does
// (a name, a constant, a keyword, the text of a dollar-quoted body).
#pragma once

#include <string>
#include <string_view>

namespace migsafe::fingerprint {

// The fingerprint of one statement's text (64 hex digits); "" for text that
// holds no token. Tokens count as the grammar receives them: keywords by
// their canonical spelling (ALTER and alter are one), identifiers as the
// lexer folds them (users and "users" are one, "Users" and Users are not),
// constants by their value. Token numbers play no part, so it is the same
// on every major, but for a word one major reads as a keyword and another
// as a name.
std::string of_statement(std::string_view statement);

// SHA-256 of bytes, as 64 lower-case hex digits (the script's checksum, as
// Prisma records it in _prisma_migrations.checksum).
std::string sha256_hex(std::string_view bytes);

}  // namespace migsafe::fingerprint
