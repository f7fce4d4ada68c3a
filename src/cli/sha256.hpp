// SHA-256 of a byte string, as lower-case hex: what Prisma stores in
// _prisma_migrations.checksum for a migration.sql, and what the extension
// keeps with an approval by content (migsafe_approve_script). OpenSSL's
// libcrypto computes it.
#pragma once

#include <string>
#include <string_view>

namespace migsafe::cli {

std::string sha256_hex(std::string_view bytes);

// Whether a file's text matches a checksum Prisma recorded for it. Prisma
// compares the text as it is, with CRLF line ends made LF and with LF made
// CRLF (git may have changed them on checkout); so does this.
bool matches_prisma_checksum(std::string_view text, std::string_view checksum);

}  // namespace migsafe::cli
