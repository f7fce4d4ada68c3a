#include "checker.hpp"

#include "../classifier/classifier.hpp"
#include "../parser/script_parser.hpp"
#include "ignores.hpp"

extern "C" {
#include "pg_query.h"
#include "pg_query/pg_query_internal.h"
}

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace fs = std::filesystem;

namespace migsafe::cli {

namespace {

// libpg_query's raw parser; an error becomes RawParseFailure.
List *library_raw_parse(const char *text) {
    PgQueryInternalParsetreeAndError parsed = pg_query_raw_parse(text);
    free(parsed.stderr_buffer);
    if (parsed.error == nullptr) return parsed.tree;
    RawParseFailure failure{parsed.error->message, parsed.error->cursorpos};
    pg_query_free_error(parsed.error);
    throw failure;
}

// Runs work inside a libpg_query memory context that is freed afterwards
// (parse trees are not needed once the findings are made).
template <typename Work>
auto in_parser_memory(Work work) {
    struct Scope {
        MemoryContext context = pg_query_enter_memory_context();
        ~Scope() { pg_query_exit_memory_context(context); }
    } scope;
    return work();
}

std::string read_input(const std::string &path) {
    if (path == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) throw std::runtime_error(fs::is_directory(path) ? "is a directory" : "cannot read file");
    std::streamoff size = file.tellg();
    if (size < 0) throw std::runtime_error(fs::is_directory(path) ? "is a directory" : "cannot read file");
    std::string content(static_cast<std::size_t>(size), '\0');
    file.seekg(0);
    if (!file.read(content.data(), size)) throw std::runtime_error("cannot read file");
    return content;
}

// The parser reads a C string and the classifier assumes UTF-8: refuse what
// would otherwise be read only in part.
void require_parsable_text(const std::string &sql) {
    if (sql.find('\0') != std::string::npos) throw std::runtime_error("file contains a NUL byte");
    if (!pg_verify_mbstr(PG_UTF8, sql.data(), static_cast<int>(sql.size()), true))
        throw std::runtime_error("file is not valid UTF-8");
}

std::vector<RelName> parse_protected(const std::vector<std::string> &names) {
    std::vector<RelName> result;
    for (const std::string &name : names) result.push_back(parse_table_name(name.c_str()));
    return result;
}

}  // namespace

std::vector<std::string> collect_inputs(const std::vector<std::string> &paths) {
    std::vector<std::string> inputs;
    for (const std::string &path : paths) {
        if (path == "-" || fs::is_regular_file(path)) {
            inputs.push_back(path);
            continue;
        }
        if (!fs::is_directory(path)) throw std::runtime_error(path + ": no such file or directory");
        // Path order compares component by component ("v1/x.sql" before
        // "v1-hotfix/x.sql"), as migration tools apply directories.
        std::vector<fs::path> found;
        for (const auto &entry : fs::recursive_directory_iterator(path))
            if (entry.is_regular_file() && entry.path().extension() == ".sql") found.push_back(entry.path());
        std::sort(found.begin(), found.end());
        for (const fs::path &file : found) inputs.push_back(file.string());
    }
    return inputs;
}

void validate_protected(const std::vector<std::string> &names) {
    in_parser_memory([&] { return parse_protected(names).size(); });
}

// The options' disabled rules and severity overrides.
void apply_options(Findings &findings, const CheckOptions &options) {
    auto disabled = [&](const Finding &f) {
        return std::find(options.disabled.begin(), options.disabled.end(), f.rule) != options.disabled.end();
    };
    findings.erase(std::remove_if(findings.begin(), findings.end(), disabled), findings.end());
    for (Finding &finding : findings)
        if (auto override = options.severity.find(finding.rule); override != options.severity.end())
            finding.severity = override->second;
}

bool fails(const Finding &finding, const CheckOptions &options) {
    return finding.severity == Severity::dangerous || options.strict;
}

std::string migration_name(const std::string &path) {
    // ".../migrations/<name>/migration.sql", by path components.
    constexpr std::string_view file = "/migration.sql", parent = "migrations/";
    std::string_view rest(path);
    if (rest.size() <= file.size() || rest.substr(rest.size() - file.size()) != file) return "";
    rest.remove_suffix(file.size());
    std::size_t slash = rest.rfind('/');
    std::string_view name = rest.substr(slash == std::string_view::npos ? 0 : slash + 1);
    if (slash == std::string_view::npos || name.empty()) return "";
    rest = rest.substr(0, slash + 1);
    bool under_migrations = rest.size() >= parent.size() && rest.substr(rest.size() - parent.size()) == parent &&
                            (rest.size() == parent.size() || rest[rest.size() - parent.size() - 1] == '/');
    return under_migrations ? std::string(name) : "";
}

Findings check_sql(const std::string &sql, const CheckOptions &options) {
    Findings findings = in_parser_memory([&] {
        ProtectedNames context(parse_protected(options.protect), options.opted_in);
        Script script = parse_script(sql.c_str(), library_raw_parse);
        Findings found = classify(script, context);
        if (options.ignores) apply_ignores(script, found);
        return found;
    });
    apply_options(findings, options);
    return findings;
}

Findings check_sql(const std::string &sql, const Context &context) {
    return in_parser_memory([&] { return classify(parse_script(sql.c_str(), library_raw_parse), context); });
}

namespace {

FileResult named_result(const std::string &path) {
    FileResult result;
    result.path = path;
    result.migration = migration_name(path);
    return result;
}

// Classifies result.source into result.findings, or sets result.error.
void check_source(FileResult &result, const CheckOptions &options) {
    try {
        require_parsable_text(result.source);
        result.findings = check_sql(result.source, options);
    } catch (const ParseError &error) {
        result.error = error.what();
        result.error_line = error.line;
        result.error_col = error.col;
    } catch (const std::exception &error) {
        result.error = error.what();
    }
}

}  // namespace

FileResult check_input(const std::string &path, const CheckOptions &options) {
    FileResult result = named_result(path);
    try {
        result.source = read_input(path);
    } catch (const std::exception &error) {
        result.error = error.what();
        return result;
    }
    check_source(result, options);
    return result;
}

FileResult check_text(const std::string &path, std::string source, const CheckOptions &options) {
    FileResult result = named_result(path);
    result.source = std::move(source);
    check_source(result, options);
    return result;
}

}  // namespace migsafe::cli
