#include "classifier.hpp"

#include "rules/rule.hpp"

#include <algorithm>

namespace migsafe {

const char *severity_name(Severity severity) {
    return severity == Severity::dangerous ? "dangerous" : "review";
}

const char *verdict(const Findings &findings) {
    bool any_dangerous = std::any_of(findings.begin(), findings.end(), [](const Finding &f) {
        return f.severity == Severity::dangerous;
    });
    if (any_dangerous) return "dangerous";
    return findings.empty() ? "safe" : "review";
}

std::optional<RelName> ProtectedNames::protected_match(const RelName &table) const {
    for (const RelName &name : names_)
        if (matches_protected(name, table)) return name;
    return std::nullopt;
}

std::vector<RelName> ProtectedNames::protected_in_schema(const std::string &schema) const {
    std::vector<RelName> found;
    // An unqualified protected name may live in any schema: fail closed.
    for (const RelName &name : names_)
        if (name.schema == schema || name.schema.empty()) found.push_back({schema, name.name});
    return found;
}

bool ProtectedNames::opted_in(std::string_view rule) const {
    return std::find(opted_in_.begin(), opted_in_.end(), rule) != opted_in_.end();
}

void RuleInput::report(int location, const std::string &object, const std::string &message) {
    int offset = location >= 0 ? location : statement_.location;
    LineCol position = lines_.at_byte(offset);
    Finding finding = finding_of(*rule_, object, message);
    finding.statement = index_;
    finding.line = position.line;
    finding.col = position.col;
    out_.push_back(std::move(finding));
}

Classifier::Classifier(const Context &context) : context_(context) {
    for (const Rule *rule = rule_table_begin(); rule != rule_table_end(); ++rule)
        if (!rule->info.opt_in || context.opted_in(rule->info.id)) rules_.push_back(rule);
}

void Classifier::classify(const Script &piece, bool several_statements, Findings &out) {
    LineIndex lines(piece.text, piece.start);
    int index = piece.statements_before;
    for (const Statement &statement : piece.statements) {
        context_.before_statement();
        ++index;
        RuleInput input(statement, index, several_statements, state_, context_, lines, out);
        for (const Rule *rule : rules_) {
            input.set_rule(&rule->info);
            rule->check(input);
        }
        state_.record(statement.node);
    }
}

Findings classify(const Script &script, const Context &context) {
    Findings findings;
    Classifier(context).classify(script, script.statements.size() > 1, findings);
    return findings;
}

}  // namespace migsafe
