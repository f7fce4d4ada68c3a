// `migsafe approve FILE...`: the SQL call that approves each reviewed file
// by its content (migsafe_approve_script), for a DBA to run, a review tool
// to post or CI to attach to a release. The file goes into the call byte
// for byte, so that the server's SHA-256 of it is the file's (and Prisma's
// _prisma_migrations.checksum).
#pragma once

#include "checker.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace migsafe::cli {

struct ApproveOptions {
    std::string reason;
    std::string valid_for = "1 hour";
    bool single_use = false;
    std::vector<std::string> objects;  // names, as migsafe_approve_script's objects
};

// The file's approval call, preceded by comments: the file, its SHA-256, and
// its findings (what the approval will allow). Throws std::runtime_error
// for a file that cannot be read, is not valid UTF-8, holds a NUL byte or
// no statement, or that PostgreSQL's parser rejects.
std::string approval_call(const std::string &path, const ApproveOptions &options);

// A dollar-quoted literal of text: $migsafe$...$migsafe$, with a tag that
// does not occur in text.
std::string dollar_quoted(const std::string &text);

// A standard SQL string literal: '...' with quotes doubled.
std::string quoted_literal(const std::string &text);

}  // namespace migsafe::cli
