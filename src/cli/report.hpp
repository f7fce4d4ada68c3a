// Output formats of `migsafe check`: text, json, sarif, github.
// The JSON and SARIF documents are described in docs/reference.md.
#pragma once

#include "checker.hpp"

#include <cstdio>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe::cli {

// migsafe's version (--version, SARIF output): migsafe.control's
// default_version (the packaging integration suite checks that they agree).
inline constexpr const char *kVersion = "0.2.0";

enum class Format { text, json, sarif, github };

// A finding's table as the database has it (check --database).
struct RelationFacts {
    std::string relation;  // qualified, quoted where needed
    long long size = 0;    // pg_total_relation_size(), bytes
    double rows = -1;      // pg_class.reltuples; -1: never analysed
};
// The facts of a finding's table; nullopt for an object the database does
// not have (yet).
using RelationFactsLookup = std::function<std::optional<RelationFacts>(const Finding &)>;

// "38 GB, ~120 M rows" (sizes in pg_size_pretty()'s units; "rows unknown"
// for a table never analysed).
std::string facts_display(const RelationFacts &facts);

// Writes the report as the inputs are checked, one input after the other
// (begin_file(), then FileSink's calls). An input's findings are written
// out at its end, since an error anywhere in it replaces them; until then
// they wait, formatted, in memory or, past a few megabytes, in a temporary
// file.
//   text:   file:line:col: severity[rule]: message, the source line with a
//           caret under the column, then the hint; errors as
//           file:line:col: error: message. colour: ANSI colours.
//   json:   {"files": [{"error", "file", "findings": [...], "migration"}],
//           "summary": {...}, "version": 1}
//   sarif:  SARIF 2.1.0 for GitHub code scanning.
//   github: GitHub Actions annotations,
//           ::error file=...,line=...,col=...,title=...::message
class ReportWriter final : public FileSink {
public:
    ReportWriter(std::ostream &out, Format format, const CheckOptions &options, bool colour = false);
    ~ReportWriter() override;
    ReportWriter(const ReportWriter &) = delete;
    ReportWriter &operator=(const ReportWriter &) = delete;

    // With a lookup (check --database) each finding also says its table's
    // size and rows: text and github after the message, json and sarif in
    // fields relation, relation_size and estimated_rows (null for none).
    // Without one the output is as it always was.
    void set_relation_facts(RelationFactsLookup lookup) { facts_ = std::move(lookup); }

    void begin_file(const std::string &path, const std::string &migration);
    void finding(const Finding &finding, std::string_view line) override;
    void end(const std::string &error, int line, int col, std::string_view error_line) override;
    // The summary, or the end of the document.
    void finish();

    bool any_error() const { return totals_.errors > 0; }
    bool any_failing() const { return failing_; }

private:
    // An input's formatted findings until its end.
    class Pending {
    public:
        ~Pending();
        void append(std::string_view text);
        bool empty() const { return size_ == 0; }
        // Writes them out from byte skip on, and forgets them.
        void write_to(std::ostream &out, std::size_t skip);
        void clear();

    private:
        std::string memory_;
        std::FILE *file_ = nullptr;  // past kMemoryLimit
        std::size_t size_ = 0;
    };

    struct Totals {
        int files = 0, errors = 0, dangerous = 0, review = 0;
    };

    void end_text(const std::string &error, int line, int col, std::string_view error_line);
    void end_json(const std::string &error, int line, int col);
    void end_sarif(const std::string &error, int line, int col);
    void end_github(const std::string &error, int line, int col);

    std::ostream &out_;
    Format format_;
    const CheckOptions &options_;
    bool colour_;
    std::string path_, migration_;
    Pending pending_;
    std::string scratch_;              // one finding, formatted
    int file_dangerous_ = 0, file_review_ = 0, file_findings_ = 0;
    bool file_failing_ = false;
    Totals totals_;
    bool failing_ = false;
    int written_ = 0;                  // json: files; sarif: results
    RelationFactsLookup facts_;
};

// Whole reports of results already collected (the same output).
void write_text(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options, bool colour);
void write_json(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);
void write_sarif(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);
void write_github(std::ostream &out, const std::vector<FileResult> &results, const CheckOptions &options);

}  // namespace migsafe::cli
