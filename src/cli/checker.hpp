// The CLI's front door to the classifier: files in, findings out, parsed with
// libpg_query (PostgreSQL 15's parser as a library).
#pragma once

#include "../classifier/finding.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace migsafe {
class Context;  // classifier.hpp; not included here, to keep server headers out of the CLI's output code
class ProtectedNames;
}

namespace migsafe::cli {

struct FileResult {
    std::string path;           // as given or found; "-" is standard input
    std::string migration;      // prisma/migrations/<name>/migration.sql: <name>; else ""
    Findings findings;
    std::map<int, std::string> lines;  // the source lines findings and the error point at, by number
    std::string error;          // I/O or syntax error ("" when none)
    int error_line = 0;         // position of a syntax error
    int error_col = 0;
};

struct CheckOptions {
    std::vector<std::string> protect;    // protected table names, PostgreSQL syntax
    std::vector<std::string> disabled;   // rule ids whose findings are dropped
    std::map<std::string, Severity> severity;  // per-rule severity overrides
    bool strict = false;                 // review findings fail too
    bool ignores = true;                 // honour -- migsafe-ignore comments
    std::vector<std::string> opted_in;   // opt-in rules switched on (missing-lock-timeout)
    std::size_t block_size = 1 << 20;    // bytes read at a time (src/cli/script_stream.hpp)
};

// What a check finds in one input, as it goes: its findings in order, each
// with the text of the source line it points at, then its end.
class FileSink {
public:
    virtual ~FileSink() = default;
    virtual void finding(const Finding &finding, std::string_view line) = 0;
    // error: "" when the input was checked to its end. Otherwise the
    // findings given so far do not count: a file PostgreSQL's parser
    // refuses, or that cannot be read, has none. line and col (0: none)
    // locate a syntax error; error_line is the text of that line.
    virtual void end(const std::string &error, int line, int col, std::string_view error_line) = 0;
};

// Whether a finding fails the check (exit status 1).
bool fails(const Finding &finding, const CheckOptions &options);

// "<name>" for ".../migrations/<name>/migration.sql" (Prisma's layout), else "".
std::string migration_name(const std::string &path);

// The *.sql files of the inputs: files as given, directories searched
// recursively, each directory's files in path order; "-" for standard input.
// Throws std::runtime_error for a path that does not exist.
std::vector<std::string> collect_inputs(const std::vector<std::string> &paths);

// Classifies a script as `migsafe check` does: rules, ignore comments, then
// the options' disabled rules and severities. Throws ParseError for invalid
// SQL and std::invalid_argument for a bad protected name.
Findings check_sql(const std::string &sql, const CheckOptions &options);

// Classifies a script with the given context (the unit tests pass contexts
// that stand in for the database's).
Findings check_sql(const std::string &sql, const Context &context);

// Checks one input piece by piece (options.block_size bytes read at a
// time), handing what it finds to sink. Never throws for bad SQL or
// unreadable files: those are the error given to FileSink::end().
void check_input(const std::string &path, const CheckOptions &options, FileSink &sink);

// The same with the given context (--database: the live catalog's).
void check_input(const std::string &path, const CheckOptions &options, const Context &context, FileSink &sink);

// The offline context of the options: protected names and opt-in rules.
ProtectedNames protected_names(const CheckOptions &options);

// Findings made elsewhere (the server's migsafe_check()) as `migsafe check`
// reports them: ignore comments applied, then disabled rules and severities.
// Throws ParseError for invalid SQL.
Findings apply_script_options(const std::string &sql, Findings findings, const CheckOptions &options);

// The same, collected in a FileResult.
FileResult check_input(const std::string &path, const CheckOptions &options);

// Checks text already read, as check_input() checks a file's content (NUL
// bytes and invalid UTF-8 are errors too); path names it in the result.
FileResult check_text(const std::string &path, std::string_view source, const CheckOptions &options);

// Validates protected names (--protect, the configuration's "protect");
// throws std::invalid_argument with the reason. Returns a note for each
// unquoted name with capitals, which protects both spellings
// (protected_table_names()).
std::vector<std::string> validate_protected(const std::vector<std::string> &names);

// The PostgreSQL release whose grammar the CLI parses: that of the libpg_query
// it was built against ("17.4").
const char *grammar_version();

}  // namespace migsafe::cli
