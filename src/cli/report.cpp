#include "report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

namespace migsafe::cli {

namespace {

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

}  // namespace

void write_text(std::ostream &out, const std::vector<FileResult> &results) {
    for (const FileResult &result : results) {
        if (!result.error.empty()) {
            if (result.error_line > 0)
                fmt::print(out, "{}:{}:{}: error: {}\n", result.path, result.error_line, result.error_col, result.error);
            else
                fmt::print(out, "{}: error: {}\n", result.path, result.error);
        }
        for (const Finding &finding : result.findings) {
            fmt::print(out, "{}:{}:{}: {}[{}]: {}\n", result.path, finding.line, finding.col,
                       severity_name(finding.severity), finding.rule, finding.message);
            fmt::print(out, "    hint: {}\n", finding.hint);
        }
    }
    Totals totals = count(results);
    fmt::print(out, "{} file(s) checked: {} dangerous, {} to review, {} error(s)\n", totals.files,
               totals.dangerous, totals.review, totals.errors);
}

void write_json(std::ostream &out, const std::vector<FileResult> &results) {
    nlohmann::json files = nlohmann::json::array();
    for (const FileResult &result : results) {
        nlohmann::json findings = nlohmann::json::array();
        for (const Finding &finding : result.findings) {
            findings.push_back({{"statement", finding.statement},
                                {"line", finding.line},
                                {"col", finding.col},
                                {"rule", finding.rule},
                                {"severity", severity_name(finding.severity)},
                                {"object", finding.object.empty() ? nlohmann::json(nullptr) : nlohmann::json(finding.object)},
                                {"message", finding.message},
                                {"hint", finding.hint}});
        }
        nlohmann::json error = nullptr;
        if (!result.error.empty())
            error = {{"message", result.error}, {"line", result.error_line}, {"col", result.error_col}};
        files.push_back({{"file", result.path}, {"error", error}, {"findings", findings}});
    }
    Totals totals = count(results);
    nlohmann::json document = {
        {"files", files},
        {"summary", {{"files", totals.files}, {"dangerous", totals.dangerous}, {"review", totals.review}, {"errors", totals.errors}}}};
    // Invalid UTF-8 cannot reach here (inputs are validated), but never throw on output.
    out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace migsafe::cli
