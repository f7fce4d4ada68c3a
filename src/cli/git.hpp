// `migsafe check --changed-since REV`: the migration files a pull request
// adds or changes, as git reports them.
#pragma once

#include <string>
#include <vector>

namespace migsafe::cli {

// The *.sql files under paths (relative to the current directory) that were
// added, copied, modified or renamed since the git revision rev (committed or
// not), plus new untracked ones, in path order. Throws std::runtime_error
// when git fails or rev is not a commit.
std::vector<std::string> changed_since(const std::string &rev, const std::vector<std::string> &paths);

}  // namespace migsafe::cli
