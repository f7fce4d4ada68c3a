// Helpers for the classifier's unit tests: SQL text in, findings out, parsed
// with libpg_query exactly like the CLI (src/cli/checker.cpp) does.
#pragma once

#include "classifier/finding.hpp"
#include "classifier/names.hpp"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace migsafe {
// Readable gtest failure output for findings and names.
void PrintTo(const Finding &finding, std::ostream *out);
void PrintTo(const RelName &name, std::ostream *out);
bool operator==(const RelName &a, const RelName &b);
}  // namespace migsafe

namespace migsafe::test {

using Strings = std::vector<std::string>;

// Classifies a script. protect: protected table names in PostgreSQL syntax
// (as --protect takes them). Throws migsafe::ParseError for invalid SQL.
Findings check(const std::string &sql, const Strings &protect = {});

// The rule ids of the findings, in order.
Strings rules_of(const Findings &findings);

// The findings of one rule, in order.
Findings of_rule(const Findings &findings, const std::string &rule);

// The objects of the findings, in order.
Strings objects_of(const Findings &findings);

// "<statement>:<line>:<col> <rule> <severity> <object>" for each finding:
// one string that states everything a test usually asserts.
Strings summary(const Findings &findings);
std::string summary(const Finding &finding);

// Calls visit with each statement's raw parse tree (libpg_query), inside a
// memory context that lives as long as the call.
void for_each_statement(const std::string &sql, const std::function<void(const Node *)> &visit);

// migsafe::parse_table_name, run in a libpg_query memory context.
RelName table_name(const std::string &text);

// migsafe::protected_table_names, the same way.
std::vector<RelName> protected_names(const std::string &text);

// True when the message mentions every one of words.
bool mentions(const std::string &message, const Strings &words);

}  // namespace migsafe::test
