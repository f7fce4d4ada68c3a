// The rule catalogue: the one list of rules that migsafe_rules(), the CLI's
// `migsafe rules` and the documentation all read.
#pragma once

#include "finding.hpp"

#include <cstddef>
#include <string_view>

namespace migsafe {

struct RuleInfo {
    const char *id;        // stable kebab-case id, also the doc page name
    Severity severity;     // of its findings, unless the check reports one with another
    const char *summary;   // one line: what the rule flags
    const char *hint;      // the safe alternative, shown with every finding
    bool opt_in = false;   // runs only when switched on (Context::opted_in)
};

// All rules, in documentation order: rule_info(0) .. rule_info(rule_count() - 1).
std::size_t rule_count();
const RuleInfo &rule_info(std::size_t index);

// The rule with this id, or nullptr.
const RuleInfo *find_rule(std::string_view id);

// A finding of this rule, with the catalogue's id, severity and hint; the
// caller sets where it is (statement, line, col).
Finding finding_of(const RuleInfo &rule, std::string object, std::string message);

}  // namespace migsafe
