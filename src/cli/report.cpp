#include "report.hpp"

#include "../classifier/catalogue.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace migsafe::cli {

namespace {

using json = nlohmann::json;

// migsafe's version, in SARIF output: migsafe.control's default_version (the
// packaging integration suite checks that they agree).
constexpr const char *kVersion = "0.2.0";

struct Totals {
    int files = 0, errors = 0, dangerous = 0, review = 0;
};

Totals count(const std::vector<FileResult> &results) {
    Totals totals;
    for (const FileResult &result : results) {
        ++totals.files;
        if (!result.error.empty()) ++totals.errors;
        for (const Finding &finding : result.findings)
            ++(finding.severity == Severity::dangerous ? totals.dangerous : totals.review);
    }
    return totals;
}

// The lines of a file, found once per file.
class Lines {
public:
    explicit Lines(std::string_view text) : text_(text) {
        starts_.push_back(0);
        for (std::size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1))
            starts_.push_back(at + 1);
    }
    // Line number `line` (1-based), without its line break.
    std::string_view line(int number) const;

private:
    std::string_view text_;
    std::vector<std::size_t> starts_;
};

std::string_view Lines::line(int number) const {
    if (number < 1 || static_cast<std::size_t>(number) > starts_.size()) return {};
    std::string_view text = text_;
    std::size_t start = starts_[number - 1];
    std::size_t end = text.find('\n', start);
    std::string_view found = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
    return found;
}

// The caret under column col (1-based, in characters), keeping the line's tabs.
std::string caret_under(std::string_view line, int col) {
    std::string pad;
    int chars = 1;
    for (std::size_t i = 0; i < line.size() && chars < col; ++i) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte belongs to the previous character
        pad += c == '\t' ? '\t' : ' ';
        ++chars;
    }
    return pad + "^";
}

fmt::text_style style(bool colour, fmt::text_style s) { return colour ? s : fmt::text_style(); }

void write_excerpt(std::ostream &out, const Lines &lines, int line, int col, bool colour) {
    std::string_view text = lines.line(line);
    if (line <= 0 || text.empty()) return;
    std::string number = std::to_string(line);
    fmt::print(out, " {} | {}\n", number, text);
    fmt::print(out, " {} | {}\n", std::string(number.size(), ' '),
               fmt::format(style(colour, fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold), "{}",
                           caret_under(text, col)));
}

}  // namespace

void write_text(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options, bool colour) {
    auto bold = style(colour, fmt::emphasis::bold);
    for (const FileResult &result : results) {
        Lines lines(result.source);
        if (!result.error.empty()) {
            auto red = style(colour, fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold);
            if (result.error_line > 0) {
                fmt::print(out, "{}:{}:{}: {} {}\n", result.path, result.error_line, result.error_col,
                           fmt::format(red, "error:"), result.error);
                write_excerpt(out, lines, result.error_line, result.error_col, colour);
            } else {
                fmt::print(out, "{}: {} {}\n", result.path, fmt::format(red, "error:"), result.error);
            }
        }
        for (const Finding &finding : result.findings) {
            bool failing = fails(finding, options);
            auto level = style(colour, fmt::fg(failing ? fmt::terminal_color::bright_red : fmt::terminal_color::yellow) |
                                           fmt::emphasis::bold);
            fmt::print(out, "{}:{}:{}: {}: {}\n", result.path, finding.line, finding.col,
                       fmt::format(level, "{}[{}]", severity_name(finding.severity), finding.rule),
                       fmt::format(bold, "{}", finding.message));
            write_excerpt(out, lines, finding.line, finding.col, colour);
            fmt::print(out, "    hint: {}\n", finding.hint);
        }
    }
    Totals totals = count(results);
    fmt::print(out, "{} file(s) checked: {} dangerous, {} to review, {} error(s){}\n", totals.files, totals.dangerous,
               totals.review, totals.errors, options.strict ? " (strict: review findings fail)" : "");
}

void write_json(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    json files = json::array();
    for (const FileResult &result : results) {
        json findings = json::array();
        for (const Finding &finding : result.findings) {
            findings.push_back({{"statement", finding.statement},
                                {"line", finding.line},
                                {"col", finding.col},
                                {"rule", finding.rule},
                                {"severity", severity_name(finding.severity)},
                                {"object", finding.object.empty() ? json(nullptr) : json(finding.object)},
                                {"message", finding.message},
                                {"hint", finding.hint},
                                {"fails", fails(finding, options)}});
        }
        json error = nullptr;
        if (!result.error.empty())
            error = {{"message", result.error}, {"line", result.error_line}, {"col", result.error_col}};
        files.push_back({{"file", result.path},
                         {"migration", result.migration.empty() ? json(nullptr) : json(result.migration)},
                         {"error", error},
                         {"findings", findings}});
    }
    Totals totals = count(results);
    json document = {{"version", 1},
                     {"files", files},
                     {"summary",
                      {{"files", totals.files},
                       {"dangerous", totals.dangerous},
                       {"review", totals.review},
                       {"errors", totals.errors},
                       {"strict", options.strict}}}};
    // Inputs are valid UTF-8 (checked on reading), but never throw on output.
    out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

// SARIF 2.1.0, as GitHub code scanning reads it: every rule of the catalogue
// with its help text, one result per finding (and per syntax or I/O error)
// with its region.
void write_sarif(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    json rules = json::array();
    for (std::size_t i = 0; i < rule_count(); ++i) {
        const RuleInfo &rule = rule_info(i);
        rules.push_back({{"id", rule.id},
                         {"name", rule.id},
                         {"shortDescription", {{"text", rule.summary}}},
                         {"fullDescription", {{"text", rule.summary}}},
                         {"help", {{"text", rule.hint}, {"markdown", rule.hint}}},
                         {"defaultConfiguration", {{"level", rule.severity == Severity::dangerous ? "error" : "warning"}}},
                         {"properties", {{"tags", {"migsafe", severity_name(rule.severity)}}}}});
    }
    rules.push_back({{"id", "syntax-error"},
                     {"name", "syntax-error"},
                     {"shortDescription", {{"text", "a file PostgreSQL's parser rejects, or that cannot be read"}}},
                     {"help", {{"text", "Fix the SQL: PostgreSQL 15 would refuse to run it."}}},
                     {"defaultConfiguration", {{"level", "error"}}}});
    auto rule_index = [&](const std::string &id) {
        for (std::size_t i = 0; i < rules.size(); ++i)
            if (rules[i]["id"] == id) return static_cast<int>(i);
        return static_cast<int>(rules.size()) - 1;
    };
    auto location = [](const std::string &path, int line, int col) {
        json physical = {{"artifactLocation", {{"uri", path == "-" ? "stdin" : path}, {"uriBaseId", "%SRCROOT%"}}}};
        if (line > 0) physical["region"] = {{"startLine", line}, {"startColumn", std::max(col, 1)}};
        return json::array({{{"physicalLocation", physical}}});
    };
    json sarif_results = json::array();
    for (const FileResult &result : results) {
        if (!result.error.empty())
            sarif_results.push_back({{"ruleId", "syntax-error"},
                                     {"ruleIndex", rule_index("syntax-error")},
                                     {"level", "error"},
                                     {"message", {{"text", result.error}}},
                                     {"locations", location(result.path, std::max(result.error_line, 1), result.error_col)}});
        for (const Finding &finding : result.findings)
            sarif_results.push_back({{"ruleId", finding.rule},
                                     {"ruleIndex", rule_index(finding.rule)},
                                     {"level", fails(finding, options) ? "error" : "warning"},
                                     {"message", {{"text", finding.message + ". " + finding.hint}}},
                                     {"locations", location(result.path, finding.line, finding.col)},
                                     {"properties", {{"severity", severity_name(finding.severity)},
                                                     {"object", finding.object},
                                                     {"statement", finding.statement},
                                                     {"migration", result.migration}}}});
    }
    json document = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         json::array({{{"tool", {{"driver", {{"name", "migsafe"},
                                             {"version", kVersion},
                                             {"semanticVersion", kVersion},
                                             {"rules", rules}}}}},
                       {"results", sarif_results}}})}};
    out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

namespace {

// GitHub's workflow-command escaping: data, and property values (which also
// escape ':' and ',').
std::string escape_data(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    return out;
}

std::string escape_property(std::string_view text) {
    std::string out;
    for (char c : escape_data(text)) {
        if (c == ':') out += "%3A";
        else if (c == ',') out += "%2C";
        else out += c;
    }
    return out;
}

}  // namespace

// GitHub Actions workflow commands: one annotation per finding and error.
void write_github(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    for (const FileResult &result : results) {
        if (!result.error.empty())
            fmt::print(out, "::error file={},line={},col={},title={}::{}\n", escape_property(result.path),
                       std::max(result.error_line, 1), std::max(result.error_col, 1),
                       escape_property("migsafe: syntax or I/O error"), escape_data(result.error));
        for (const Finding &finding : result.findings)
            fmt::print(out, "::{} file={},line={},col={},title={}::{}\n", fails(finding, options) ? "error" : "warning",
                       escape_property(result.path), finding.line, finding.col,
                       escape_property("migsafe " + finding.rule), escape_data(finding.message + ". " + finding.hint));
    }
    Totals totals = count(results);
    fmt::print(out, "{} file(s) checked: {} dangerous, {} to review, {} error(s)\n", totals.files, totals.dangerous,
               totals.review, totals.errors);
}

}  // namespace migsafe::cli
