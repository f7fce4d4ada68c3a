#include "classifier.hpp"

#include "rules/rule.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

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
    report(location, object, message, rule_->severity);
}

void RuleInput::report(int location, const std::string &object, const std::string &message, Severity severity) {
    int offset = location >= 0 ? location : statement_.location;
    LineCol position = lines_.at_byte(offset);
    Finding finding = finding_of(*rule_, object, message);
    finding.severity = severity;
    finding.statement = index_;
    finding.line = position.line;
    finding.col = position.col;
    out_.push_back(std::move(finding));
}

DeferredFinding RuleInput::deferred_finding(int location, const std::string &object, const std::string &message) const {
    int offset = location >= 0 ? location : statement_.location;
    LineCol position = lines_.at_byte(offset);
    DeferredFinding deferred{finding_of(*rule_, object, message), {}};
    deferred.finding.statement = index_;
    deferred.finding.line = position.line;
    deferred.finding.col = position.col;
    deferred.line = line_around(text_, static_cast<std::size_t>(std::max(offset, 0)), position.col);
    return deferred;
}

void RuleInput::defer_foreign_key(int location, const std::string &object, const std::string &message,
                                  const RelName &table, std::vector<std::string> columns, std::string name) {
    deferred_.foreign_key(deferred_finding(location, object, message), table, std::move(columns), std::move(name));
}

void RuleInput::defer_open_transaction(int location, const std::string &object, const std::string &message) {
    deferred_.transaction_opened(deferred_finding(location, object, message));
}

bool concerns_no_rule(const Node *statement) {
    return statement != nullptr && (IsA(statement, TransactionStmt) || IsA(statement, VariableShowStmt));
}

namespace {

// For each kind of statement (its node tag), the rules that may report on it
// (Rule::statement), in catalogue order: built once, on first use, so that a
// statement meets only its own rules. Kinds past the table meet the rules
// that read any statement.
constexpr int kKinds = 512;
constexpr int kMaxRules = 64;  // Classifier::disabled_ is a 64-bit set

struct RulesByKind {
    bool built;
    std::uint8_t count[kKinds];
    std::uint8_t rules[kKinds][kMaxRules];
};

const RulesByKind &rules_by_kind() {
    static RulesByKind table;  // zero-initialized: no constructor
    if (table.built) return table;
    const Rule *rules = rule_table_begin();
    int count = static_cast<int>(rule_table_end() - rules);
    if (count > kMaxRules) throw std::logic_error("more rules than the classifier's table holds");
    for (int kind = 0; kind < kKinds; ++kind)
        for (int rule = 0; rule < count; ++rule) {
            NodeTag only = rules[rule].statement;
            if (rules[rule].check != nullptr && (only == T_Invalid || only == kind))
                table.rules[kind][table.count[kind]++] = static_cast<std::uint8_t>(rule);
        }
    table.built = true;
    return table;
}

}  // namespace

Classifier::Classifier(const Context &context) : context_(context) {
    const Rule *rules = rule_table_begin();
    for (const Rule *rule = rules, *end = rule_table_end(); rule != end; ++rule)
        if (rule->info.opt_in && !context.opted_in(rule->info.id)) disabled_ |= std::uint64_t{1} << (rule - rules);
}

void Classifier::classify(const Script &piece, bool several_statements, Findings &out) {
    const RulesByKind &by_kind = rules_by_kind();
    const Rule *rules = rule_table_begin();
    LineIndex lines(piece.text, piece.start);
    int index = piece.statements_before;
    for (const Statement &statement : piece.statements) {
        context_.before_statement();
        ++index;
        RuleInput input(statement, index, several_statements, state_, context_, piece.text, lines, out, deferred_);
        int kind = nodeTag(statement.node);
        if (kind < 0 || kind >= kKinds) kind = T_Invalid;  // the rules that read any statement
        for (int i = 0; i < by_kind.count[kind]; ++i) {
            int rule = by_kind.rules[kind][i];
            if ((disabled_ >> rule) & 1) continue;
            input.set_rule(&rules[rule].info);
            rules[rule].check(input);
        }
        state_.record(statement.node);
        deferred_.record(statement.node);
    }
}

void Classifier::finish(Findings &out, std::vector<std::string> *lines) {
    // The rules that defer (foreign-key-without-index, transaction-control)
    // are never opt-in: what waits is reported.
    deferred_.finish(out, lines);
}

void sort_by_statement(Findings &findings) {
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding &a, const Finding &b) { return a.statement < b.statement; });
}

Findings classify(const Script &script, const Context &context) {
    Findings findings;
    Classifier classifier(context);
    classifier.classify(script, script.statements.size() > 1, findings);
    std::size_t before_end = findings.size();
    classifier.finish(findings);
    // The findings of the end of the script go with their statements.
    if (findings.size() > before_end) sort_by_statement(findings);
    return findings;
}

}  // namespace migsafe
