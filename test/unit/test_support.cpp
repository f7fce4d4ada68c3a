#include "test_support.hpp"

#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "cli/libpg_query.hpp"
#include "parser/script_parser.hpp"

#include <cstdlib>

namespace migsafe {

void PrintTo(const Finding &finding, std::ostream *out) {
    *out << test::summary(finding) << " (" << finding.message << ")";
}

void PrintTo(const RelName &name, std::ostream *out) {
    *out << "RelName{schema=\"" << name.schema << "\", name=\"" << name.name << "\"}";
}

bool operator==(const RelName &a, const RelName &b) { return a.schema == b.schema && a.name == b.name; }

}  // namespace migsafe

namespace migsafe::test {

namespace {

// A libpg_query memory context for the lifetime of the scope; exceptions
// leave it too.
struct ParserMemory {
    MemoryContext context = pg_query_enter_memory_context();
    ~ParserMemory() { pg_query_exit_memory_context(context); }
};

}  // namespace

Findings check(const std::string &sql, const Strings &protect) {
    // Exactly the CLI's path: libpg_query's parser, then the classifier.
    return cli::check_sql(sql, cli::CheckOptions{protect});
}

Strings rules_of(const Findings &findings) {
    Strings out;
    for (const Finding &finding : findings) out.push_back(finding.rule);
    return out;
}

Findings of_rule(const Findings &findings, const std::string &rule) {
    Findings out;
    for (const Finding &finding : findings)
        if (finding.rule == rule) out.push_back(finding);
    return out;
}

Strings objects_of(const Findings &findings) {
    Strings out;
    for (const Finding &finding : findings) out.push_back(finding.object);
    return out;
}

std::string summary(const Finding &finding) {
    return std::to_string(finding.statement) + ":" + std::to_string(finding.line) + ":" +
           std::to_string(finding.col) + " " + finding.rule + " " + severity_name(finding.severity) +
           (finding.object.empty() ? "" : " " + finding.object);
}

Strings summary(const Findings &findings) {
    Strings out;
    for (const Finding &finding : findings) out.push_back(summary(finding));
    return out;
}

void for_each_statement(const std::string &sql, const std::function<void(const Node *)> &visit) {
    ParserMemory memory;
    PgQueryInternalParsetreeAndError parsed = libpg_query_raw_parse(sql.c_str());
    free(parsed.stderr_buffer);
    if (parsed.error != nullptr) {
        std::string message = parsed.error->message;
        pg_query_free_error(parsed.error);
        throw std::runtime_error(message);
    }
    ListCell *cell;
    foreach (cell, parsed.tree) visit(lfirst_node(RawStmt, cell)->stmt);
}

RelName table_name(const std::string &text) {
    ParserMemory memory;
    return parse_table_name(text.c_str());
}

std::vector<RelName> protected_names(const std::string &text) {
    ParserMemory memory;
    return protected_table_names(text.c_str());
}

bool mentions(const std::string &message, const Strings &words) {
    for (const std::string &word : words)
        if (message.find(word) == std::string::npos) return false;
    return true;
}

}  // namespace migsafe::test
