// Output formats of `migsafe check`: text, json, sarif, github.
// The JSON and SARIF documents are described in docs/reference.md.
#pragma once

#include "checker.hpp"

#include <ostream>
#include <vector>

namespace migsafe::cli {

// file:line:col: severity[rule]: message, the source line with a caret under
// the column, then the hint; errors as file:line:col: error: message. colour:
// ANSI colours (on a terminal).
void write_text(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options, bool colour);

// {"version": 1, "files": [{"file", "migration", "error", "findings": [...]}], "summary": {...}}
void write_json(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);

// SARIF 2.1.0 for GitHub code scanning.
void write_sarif(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);

// GitHub Actions annotations: ::error file=...,line=...,col=...,title=...::message
void write_github(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);

}  // namespace migsafe::cli
