#include "approve.hpp"

#include "sha256.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace migsafe::cli {

namespace {

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot be read", path));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string findings_comment(const FileResult &result) {
    if (result.findings.empty()) return "-- No findings: nothing in it needs an approval.\n";
    std::string text = "-- What it approves (the findings of migsafe check):\n";
    for (const Finding &finding : result.findings)
        text += fmt::format("--   line {}: {} {}{}\n", finding.line, severity_name(finding.severity), finding.rule,
                            finding.object.empty() ? "" : " on " + finding.object);
    return text;
}

std::string objects_array(const std::vector<std::string> &objects) {
    std::string items;
    for (const std::string &object : objects) items += (items.empty() ? "" : ", ") + quoted_literal(object);
    return "ARRAY[" + items + "]";
}

}  // namespace

std::string dollar_quoted(const std::string &text) {
    std::string tag = "$migsafe$";
    for (int n = 1; text.find(tag) != std::string::npos; ++n) tag = fmt::format("$migsafe_{}$", n);
    return tag + text + tag;
}

std::string quoted_literal(const std::string &text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string approval_call(const std::string &path, const ApproveOptions &options) {
    std::string text = read_file(path);
    CheckOptions check_options;
    check_options.ignores = false;  // an approval covers what ignore comments hide too
    FileResult result = check_text(path, text, check_options);
    if (!result.error.empty())
        throw std::runtime_error(result.error_line > 0 ? fmt::format("{}:{}:{}: {}", path, result.error_line,
                                                                     result.error_col, result.error)
                                                       : fmt::format("{}: {}", path, result.error));
    std::string call = fmt::format("-- {}\n-- SHA-256 {}\n", path, sha256_hex(text));
    call += findings_comment(result);
    call += "SELECT * FROM migsafe_approve_script(\n    " + dollar_quoted(text) + ",\n    " +
            quoted_literal(options.reason) + ",\n    valid_for => " + quoted_literal(options.valid_for);
    if (!options.objects.empty()) call += ",\n    objects => " + objects_array(options.objects);
    if (options.single_use) call += ",\n    single_use => true";
    return call + ");\n";
}

}  // namespace migsafe::cli
