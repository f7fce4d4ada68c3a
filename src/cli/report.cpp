#include "report.hpp"

#include "../classifier/catalogue.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace migsafe::cli {

namespace {

using json = nlohmann::json;

// A source line without its line break.
std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

fmt::text_style style(bool colour, fmt::text_style s) { return colour ? s : fmt::text_style(); }

// text, in style s when colour is on.
void append_styled(std::string &out, bool colour, fmt::text_style s, std::string_view text) {
    if (colour)
        fmt::format_to(std::back_inserter(out), s, "{}", text);
    else
        out += text;
}

void append_number(std::string &out, int number) {
    fmt::format_int digits(number);
    out.append(digits.data(), digits.size());
}

// " 12 | the line" and, under it, a caret under column col (1-based, in
// characters; the line's tabs kept), when the line has any text.
void append_excerpt(std::string &out, std::string_view line_text, int line, int col, bool colour) {
    std::string_view text = without_cr(line_text);
    if (line <= 0 || text.empty()) return;
    fmt::format_int number(line);
    out += ' ';
    out.append(number.data(), number.size());
    out += " | ";
    out += text;
    out += "\n ";
    out.append(number.size(), ' ');
    out += " | ";
    std::string caret;
    int chars = 1;
    for (std::size_t i = 0; i < text.size() && chars < col; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte belongs to the previous character
        caret += c == '\t' ? '\t' : ' ';
        ++chars;
    }
    caret += '^';
    append_styled(out, colour, fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, caret);
    out += '\n';
}

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

// value as nlohmann's dump(2) prints it where its first line is indented by
// indent spaces: a document printed piece by piece reads as one printed
// whole. Inputs are valid UTF-8 (checked on reading), but never throw on
// output.
void append_json(std::string &out, const json &value, int indent) {
    std::string text = value.dump(2, ' ', false, json::error_handler_t::replace);
    std::string margin = "\n" + std::string(static_cast<std::size_t>(indent), ' ');
    std::size_t from = 0;
    for (std::size_t at; (at = text.find('\n', from)) != std::string::npos; from = at + 1) {
        out.append(text, from, at - from);
        out += margin;
    }
    out.append(text, from, std::string::npos);
}

std::string json_string(const std::string &text) {
    return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

json nullable(const std::string &text) { return text.empty() ? json(nullptr) : json(text); }

// relation, relation_size (bytes) and estimated_rows: null where unknown.
void add_facts(json &entry, const std::optional<RelationFacts> &facts) {
    entry["relation"] = facts ? json(facts->relation) : json(nullptr);
    entry["relation_size"] = facts ? json(facts->size) : json(nullptr);
    entry["estimated_rows"] = facts && facts->rows >= 0 ? json(static_cast<long long>(facts->rows)) : json(nullptr);
}

// The SARIF rules: the catalogue, then syntax-error.
json sarif_rules() {
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
    return rules;
}

// A rule's index among sarif_rules(); syntax-error's for an unknown id.
int sarif_rule_index(std::string_view id) {
    for (std::size_t i = 0; i < rule_count(); ++i)
        if (id == rule_info(i).id) return static_cast<int>(i);
    return static_cast<int>(rule_count());
}

json sarif_location(const std::string &path, int line, int col) {
    json physical = {{"artifactLocation", {{"uri", path == "-" ? "stdin" : path}, {"uriBaseId", "%SRCROOT%"}}}};
    if (line > 0) physical["region"] = {{"startLine", line}, {"startColumn", std::max(col, 1)}};
    return json::array({{{"physicalLocation", physical}}});
}

constexpr std::size_t kMemoryLimit = 1 << 20;

// pg_size_pretty()'s steps: a unit up from 10 of the next one.
std::string size_display(long long bytes) {
    static const char *const kUnits[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 10 * 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    return fmt::format("{:.0f} {}", value, kUnits[unit]);
}

std::string rows_display(double rows) {
    if (rows < 0) return "rows unknown";
    static const char *const kUnits[] = {"", " k", " M", " G"};
    std::size_t unit = 0;
    while (rows >= 1000 && unit + 1 < std::size(kUnits)) {
        rows /= 1000;
        ++unit;
    }
    return fmt::format(unit > 0 && rows < 10 ? "~{:.1f}{} rows" : "~{:.0f}{} rows", rows, kUnits[unit]);
}

}  // namespace

std::string facts_display(const RelationFacts &facts) {
    return size_display(facts.size) + ", " + rows_display(facts.rows);
}

// ---- findings waiting for the end of their input -------------------------------

ReportWriter::Pending::~Pending() { clear(); }

void ReportWriter::Pending::append(std::string_view text) {
    size_ += text.size();
    if (file_ == nullptr) {
        memory_.append(text);
        if (memory_.size() <= kMemoryLimit || (file_ = std::tmpfile()) == nullptr) return;
        text = memory_;
    }
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
        throw std::runtime_error("cannot write a temporary file");
    if (!memory_.empty()) std::string().swap(memory_);
}

void ReportWriter::Pending::write_to(std::ostream &out, std::size_t skip) {
    if (file_ == nullptr) {
        if (skip < memory_.size()) out.write(memory_.data() + skip, static_cast<std::streamsize>(memory_.size() - skip));
    } else {
        std::rewind(file_);
        std::string block(1 << 16, '\0');
        std::size_t count;
        while ((count = std::fread(block.data(), 1, block.size(), file_)) > 0) {
            std::size_t dropped = std::min(skip, count);
            skip -= dropped;
            out.write(block.data() + dropped, static_cast<std::streamsize>(count - dropped));
        }
    }
    clear();
}

void ReportWriter::Pending::clear() {
    memory_.clear();
    size_ = 0;
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
}

// ---- the report ---------------------------------------------------------------

ReportWriter::ReportWriter(std::ostream &out, Format format, const CheckOptions &options, bool colour)
    : out_(out), format_(format), options_(options), colour_(colour) {
    if (format_ == Format::json) out_ << "{\n  \"files\": [";
    if (format_ == Format::sarif)
        out_ << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"runs\": [\n    {\n"
                "      \"results\": [";
}

ReportWriter::~ReportWriter() = default;

void ReportWriter::begin_file(const std::string &path, const std::string &migration) {
    path_ = path;
    migration_ = migration;
    pending_.clear();
    file_dangerous_ = file_review_ = file_findings_ = 0;
    file_failing_ = false;
}

void ReportWriter::finding(const Finding &finding, std::string_view line) {
    bool failing = fails(finding, options_);
    std::optional<RelationFacts> facts = facts_ ? facts_(finding) : std::nullopt;
    // text and github: " (public.\"Event\": 38 GB, ~120 M rows)" after the message.
    std::string facts_suffix = facts ? " (" + facts->relation + ": " + facts_display(*facts) + ")" : "";
    ++(finding.severity == Severity::dangerous ? file_dangerous_ : file_review_);
    file_failing_ = file_failing_ || failing;
    scratch_.clear();
    switch (format_) {
        case Format::text: {
            // file:line:col: severity[rule]: message
            scratch_ += path_;
            scratch_ += ':';
            append_number(scratch_, finding.line);
            scratch_ += ':';
            append_number(scratch_, finding.col);
            scratch_ += ": ";
            if (colour_) {
                auto level = fmt::fg(failing ? fmt::terminal_color::bright_red : fmt::terminal_color::yellow) |
                             fmt::emphasis::bold;
                fmt::format_to(std::back_inserter(scratch_), level, "{}[{}]", severity_name(finding.severity),
                               finding.rule);
            } else {
                scratch_ += severity_name(finding.severity);
                scratch_ += '[';
                scratch_ += finding.rule;
                scratch_ += ']';
            }
            scratch_ += ": ";
            append_styled(scratch_, colour_, fmt::emphasis::bold, finding.message);
            scratch_ += facts_suffix;
            scratch_ += '\n';
            append_excerpt(scratch_, line, finding.line, finding.col, colour_);
            scratch_ += "    hint: ";
            scratch_ += finding.hint;
            scratch_ += '\n';
            break;
        }
        case Format::json: {
            scratch_ += file_findings_ == 0 ? "\n        " : ",\n        ";
            json entry = {{"statement", finding.statement},
                          {"line", finding.line},
                          {"col", finding.col},
                          {"rule", finding.rule},
                          {"severity", severity_name(finding.severity)},
                          {"object", nullable(finding.object)},
                          {"message", finding.message},
                          {"hint", finding.hint},
                          {"fails", failing}};
            if (facts_) add_facts(entry, facts);
            append_json(scratch_, entry, 8);
            break;
        }
        case Format::sarif: {
            // Every result after a comma: the first of the document drops it.
            scratch_ += ",\n        ";
            json properties = {{"severity", severity_name(finding.severity)},
                               {"object", finding.object},
                               {"statement", finding.statement},
                               {"migration", migration_}};
            if (facts_) add_facts(properties, facts);
            append_json(scratch_,
                        {{"ruleId", finding.rule},
                         {"ruleIndex", sarif_rule_index(finding.rule)},
                         {"level", failing ? "error" : "warning"},
                         {"message", {{"text", finding.message + facts_suffix + ". " + finding.hint}}},
                         {"locations", sarif_location(path_, finding.line, finding.col)},
                         {"properties", properties}},
                        8);
            break;
        }
        case Format::github:
            fmt::format_to(std::back_inserter(scratch_), "::{} file={},line={},col={},title={}::{}\n",
                           failing ? "error" : "warning", escape_property(path_), finding.line, finding.col,
                           escape_property("migsafe " + finding.rule), escape_data(finding.message + facts_suffix + ". " + finding.hint));
            break;
    }
    ++file_findings_;
    pending_.append(scratch_);
}

void ReportWriter::end(const std::string &error, int line, int col, std::string_view error_line) {
    ++totals_.files;
    if (!error.empty()) {
        ++totals_.errors;
        pending_.clear();
        file_findings_ = 0;
    } else {
        totals_.dangerous += file_dangerous_;
        totals_.review += file_review_;
        failing_ = failing_ || file_failing_;
    }
    switch (format_) {
        case Format::text: end_text(error, line, col, error_line); break;
        case Format::json: end_json(error, line, col); break;
        case Format::sarif: end_sarif(error, line, col); break;
        case Format::github: end_github(error, line, col); break;
    }
    pending_.clear();
}

void ReportWriter::end_text(const std::string &error, int line, int col, std::string_view error_line) {
    if (!error.empty()) {
        auto red = style(colour_, fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold);
        scratch_.clear();
        if (line > 0) {
            fmt::format_to(std::back_inserter(scratch_), "{}:{}:{}: {} {}\n", path_, line, col,
                           fmt::format(red, "error:"), error);
            append_excerpt(scratch_, error_line, line, col, colour_);
        } else {
            fmt::format_to(std::back_inserter(scratch_), "{}: {} {}\n", path_, fmt::format(red, "error:"), error);
        }
        out_ << scratch_;
    }
    pending_.write_to(out_, 0);
}

void ReportWriter::end_json(const std::string &error, int line, int col) {
    scratch_ = written_++ == 0 ? "\n    {\n      \"error\": " : ",\n    {\n      \"error\": ";
    if (error.empty())
        scratch_ += "null";
    else
        append_json(scratch_, {{"message", error}, {"line", line}, {"col", col}}, 6);
    scratch_ += ",\n      \"file\": " + json_string(path_) + ",\n      \"findings\": ";
    scratch_ += file_findings_ == 0 ? "[]" : "[";
    out_ << scratch_;
    if (file_findings_ > 0) {
        pending_.write_to(out_, 0);
        out_ << "\n      ]";
    }
    out_ << ",\n      \"migration\": " << (migration_.empty() ? "null" : json_string(migration_)) << "\n    }";
}

void ReportWriter::end_sarif(const std::string &error, int line, int col) {
    if (!error.empty()) {
        scratch_ = written_ == 0 ? "\n        " : ",\n        ";
        append_json(scratch_,
                    {{"ruleId", "syntax-error"},
                     {"ruleIndex", sarif_rule_index("syntax-error")},
                     {"level", "error"},
                     {"message", {{"text", error}}},
                     {"locations", sarif_location(path_, std::max(line, 1), col)}},
                    8);
        out_ << scratch_;
        ++written_;
        return;
    }
    pending_.write_to(out_, written_ == 0 ? 1 : 0);
    written_ += file_findings_;
}

void ReportWriter::end_github(const std::string &error, int line, int col) {
    if (!error.empty())
        fmt::print(out_, "::error file={},line={},col={},title={}::{}\n", escape_property(path_), std::max(line, 1),
                   std::max(col, 1), escape_property("migsafe: syntax or I/O error"), escape_data(error));
    pending_.write_to(out_, 0);
}

void ReportWriter::finish() {
    const Totals &totals = totals_;
    switch (format_) {
        case Format::text:
            fmt::print(out_, "{} file(s) checked: {} dangerous, {} to review, {} error(s){}\n", totals.files,
                       totals.dangerous, totals.review, totals.errors,
                       options_.strict ? " (strict: review findings fail)" : "");
            break;
        case Format::github:
            fmt::print(out_, "{} file(s) checked: {} dangerous, {} to review, {} error(s)\n", totals.files,
                       totals.dangerous, totals.review, totals.errors);
            break;
        case Format::json: {
            std::string text = written_ == 0 ? "],\n  \"summary\": " : "\n  ],\n  \"summary\": ";
            append_json(text,
                        {{"files", totals.files},
                         {"dangerous", totals.dangerous},
                         {"review", totals.review},
                         {"errors", totals.errors},
                         {"strict", options_.strict}},
                        2);
            out_ << text << ",\n  \"version\": 1\n}\n";
            break;
        }
        case Format::sarif: {
            std::string text = written_ == 0 ? "],\n      \"tool\": " : "\n      ],\n      \"tool\": ";
            append_json(text,
                        {{"driver", {{"name", "migsafe"},
                                     {"version", kVersion},
                                     {"semanticVersion", kVersion},
                                     {"rules", sarif_rules()}}}},
                        6);
            out_ << text << "\n    }\n  ],\n  \"version\": \"2.1.0\"\n}\n";
            break;
        }
    }
}

namespace {

void write_results(std::ostream &out, Format format, const std::vector<FileResult> &results,
                   const CheckOptions &options, bool colour) {
    ReportWriter writer(out, format, options, colour);
    for (const FileResult &result : results) {
        writer.begin_file(result.path, result.migration);
        for (const Finding &finding : result.findings) {
            auto line = result.lines.find(finding.line);
            writer.finding(finding, line != result.lines.end() ? std::string_view(line->second) : std::string_view());
        }
        auto line = result.lines.find(result.error_line);
        writer.end(result.error, result.error_line, result.error_col,
                   line != result.lines.end() ? std::string_view(line->second) : std::string_view());
    }
    writer.finish();
}

}  // namespace

void write_text(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options, bool colour) {
    write_results(out, Format::text, results, options, colour);
}

void write_json(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    write_results(out, Format::json, results, options, false);
}

void write_sarif(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    write_results(out, Format::sarif, results, options, false);
}

void write_github(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options) {
    write_results(out, Format::github, results, options, false);
}

}  // namespace migsafe::cli
