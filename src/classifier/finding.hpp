// What the classifier reports: plain C++ values, no PostgreSQL types, so the
// CLI's output code and the tests can use them without server headers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migsafe {

enum class Severity { review, dangerous };

// "review" | "dangerous"
const char *severity_name(Severity severity);

struct Finding {
    int statement = 0;  // 1-based index of the statement in the script
    int line = 0;       // 1-based
    int col = 0;        // 1-based, in characters
    std::string rule;   // stable kebab-case id from the rule catalogue
    Severity severity = Severity::review;
    std::string object; // qualified name as written, quoted like PostgreSQL would
    std::string message;
    std::string hint;
    // Database findings on a relation that no longer resolves by name (what a
    // cascade dropped): its OID, for approval scopes. 0 otherwise.
    unsigned int relid = 0;
};

using Findings = std::vector<Finding>;

// The overall verdict of a script: "safe", "review" or "dangerous".
const char *verdict(const Findings &findings);

}  // namespace migsafe
