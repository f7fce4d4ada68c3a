// Output formats of `migsafe check`.
#pragma once

#include "checker.hpp"

#include <ostream>
#include <vector>

namespace migsafe::cli {

// file:line:col: severity[rule]: message, then the hint; errors as
// file:line:col: error: message.
void write_text(std::ostream &out, const std::vector<FileResult> &results);

// {"files": [{"file", "error", "findings": [{statement, line, col, rule,
// severity, object, message, hint}]}], "summary": {...}} (docs/cli.md)
void write_json(std::ostream &out, const std::vector<FileResult> &results);

}  // namespace migsafe::cli
