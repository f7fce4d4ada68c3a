// libFuzzer target: arbitrary bytes as a migration file, through what
// `migsafe check` does with one: libpg_query's raw parse, the statements'
// first tokens, the classifier, ignore comments, then a report format.
// Besides the sanitizers' checks it asserts that each position it reports
// lies inside the text, since the reports print the line it points at, and
// that reading the text a few bytes at a time gives the same outcome.
// Run by test/fuzz/run.
#include "cli/checker.hpp"
#include "cli/report.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using migsafe::cli::CheckOptions;
using migsafe::cli::FileResult;

// Protected names in both spellings, so that the protected-table rule and
// its name matching run; strict, so that review findings fail as well.
CheckOptions fuzz_options() {
    CheckOptions options;
    options.protect = {"users", "public.\"User\"", "billing.accounts"};
    options.severity = {{"do-block", migsafe::Severity::dangerous}};
    options.strict = true;
    options.ignores = true;
    return options;
}

// Characters of a UTF-8 line (check_text() refuses any other encoding).
int characters(std::string_view line) {
    int count = 0;
    for (unsigned char c : line)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

// Whether line:col names a character of text, or the end of its line.
bool inside(std::string_view text, int line, int col) {
    if (line < 1 || col < 1) return false;
    std::size_t start = 0;
    for (int i = 1; i < line; ++i) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) return false;
        ++start;
    }
    std::size_t end = text.find('\n', start);
    std::string_view found = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    return col <= characters(found) + 1;
}

// What a check says: findings, the lines they point at, the error.
bool same_outcome(const FileResult &a, const FileResult &b) {
    if (a.error != b.error || a.error_line != b.error_line || a.error_col != b.error_col || a.lines != b.lines ||
        a.findings.size() != b.findings.size())
        return false;
    for (std::size_t i = 0; i < a.findings.size(); ++i) {
        const migsafe::Finding &x = a.findings[i], &y = b.findings[i];
        if (x.statement != y.statement || x.line != y.line || x.col != y.col || x.rule != y.rule ||
            x.object != y.object || x.message != y.message)
            return false;
    }
    return true;
}

[[noreturn]] void fail(const char *what, int line, int col) {
    std::fprintf(stderr, "migsafe_fuzz_classifier: %s at %d:%d lies outside the input\n", what, line, col);
    std::abort();
}

void check_positions(std::string_view source, const FileResult &result) {
    if (result.error_line != 0 && !inside(source, result.error_line, result.error_col))
        fail("syntax error", result.error_line, result.error_col);
    for (const migsafe::Finding &finding : result.findings)
        if (!inside(source, finding.line, finding.col)) fail(finding.rule.c_str(), finding.line, finding.col);
}

// One format per input, chosen by its length, so that every format sees
// varied inputs: rendering all four cost more than the parse and the
// classification together (the runs went 2.2 times faster).
void render_one_format(const std::vector<FileResult> &results, const CheckOptions &options, std::size_t size) {
    std::ostringstream out;
    switch (size % 4) {
    case 0: migsafe::cli::write_text(out, results, options, true); break;
    case 1: migsafe::cli::write_json(out, results, options); break;
    case 2: migsafe::cli::write_sarif(out, results, options); break;
    default: migsafe::cli::write_github(out, results, options); break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static const CheckOptions options = fuzz_options();
    std::string_view source(reinterpret_cast<const char *>(data), size);
    // A Prisma path, so that the reports carry a migration name.
    std::vector<FileResult> results{
        migsafe::cli::check_text("prisma/migrations/20240101000000_fuzz/migration.sql", source, options)};
    check_positions(source, results.front());
    // Read a few bytes at a time (src/cli/script_stream.hpp), the same.
    CheckOptions small_blocks = options;
    small_blocks.block_size = 1 + size % 61;
    if (!same_outcome(results.front(), migsafe::cli::check_text(results.front().path, source, small_blocks))) {
        std::fprintf(stderr, "migsafe_fuzz_classifier: block size %zu changes the outcome\n", small_blocks.block_size);
        std::abort();
    }
    render_one_format(results, options, size);
    return 0;
}
