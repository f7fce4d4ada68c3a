#include "checker.hpp"

#include "../classifier/classifier.hpp"
#include "../parser/script_parser.hpp"
#include "ignores.hpp"
#include "libpg_query.hpp"
#include "script_stream.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <utility>

namespace fs = std::filesystem;

namespace migsafe::cli {

namespace {

// libpg_query's raw parser; an error becomes RawParseFailure.
List *library_raw_parse(const char *text) {
    PgQueryInternalParsetreeAndError parsed = migsafe::libpg_query_raw_parse(text);
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

std::vector<RelName> parse_protected(const std::vector<std::string> &names) {
    std::vector<RelName> result;
    for (const std::string &name : names) {
        std::vector<RelName> tables = protected_table_names(name.c_str());
        result.insert(result.end(), tables.begin(), tables.end());
    }
    return result;
}

// "skill and \"Skill\"", "a, b, c and d".
std::string listed(const std::vector<RelName> &tables) {
    std::string list;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        if (i > 0) list += i + 1 == tables.size() ? " and " : ", ";
        list += tables[i].display();
    }
    return list;
}

}  // namespace

std::vector<std::string> collect_inputs(const std::vector<std::string> &paths) {
    std::vector<std::string> inputs;
    for (const std::string &path : paths) {
        struct stat status;
        bool exists = stat(path.c_str(), &status) == 0;  // (fs::path would split every file name given)
        if (path == "-" || (exists && S_ISREG(status.st_mode))) {
            inputs.push_back(path);
            continue;
        }
        if (!exists || !S_ISDIR(status.st_mode)) throw std::runtime_error(path + ": no such file or directory");
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

std::vector<std::string> validate_protected(const std::vector<std::string> &names) {
    return in_parser_memory([&] {
        std::vector<std::string> notes;
        for (const std::string &name : names) {
            std::vector<RelName> tables = protected_table_names(name.c_str());
            if (tables.size() < 2) continue;
            notes.push_back("protected name " + name + " protects " + listed(tables) +
                            ": PostgreSQL folds an unquoted name to lower case, Prisma keeps a model's capitals; "
                            "quote it (" + tables.back().display() + ") to protect only the table of that spelling");
        }
        return notes;
    });
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

// The same for findings with their source lines, one per finding.
void apply_options(Findings &findings, std::vector<std::string> &lines, const CheckOptions &options) {
    Findings kept;
    std::vector<std::string> kept_lines;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (std::find(options.disabled.begin(), options.disabled.end(), findings[i].rule) != options.disabled.end())
            continue;
        kept.push_back(std::move(findings[i]));
        kept_lines.push_back(std::move(lines[i]));
    }
    apply_options(kept, options);  // the severities
    findings = std::move(kept);
    lines = std::move(kept_lines);
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

// Gives the sink a piece's findings, each with its source line. A finding
// on a line that goes on past what has been read waits for the line's end;
// the unused ignores that precede no statement come after every other
// finding of the input (as apply_ignores() orders a whole script's). The
// findings of the end of the script (Classifier::finish()) belong to
// earlier statements: while one may still come for statement n, the
// findings of the statements after n wait in memory, so that the sink gets
// every finding in statement order. Memory follows the file, not its
// statements: past kMaxHeld waiting findings they go on in the order found
// (and the end's come after them).
class Delivery {
public:
    Delivery(ScriptStream &stream, FileSink &sink) : stream_(stream), sink_(sink) {}

    // hold_after: the first statement a finding of the end may still be
    // for (Classifier::earliest_deferred_statement()), or 0.
    void add(const Piece &piece, Findings &findings, int hold_after) {
        flush();
        hold_after_ = hold_after;
        release();
        if (findings.empty()) return;
        // A byte on each finding's line: the start of the piece's nth line.
        const std::vector<int> &line_starts = stream_.line_starts();
        for (Finding &finding : findings) {
            std::size_t nth = static_cast<std::size_t>(std::max(finding.line - piece.start.line, 0));
            std::size_t at = nth == 0 ? 0 : static_cast<std::size_t>(line_starts[std::min(nth, line_starts.size()) - 1]);
            waiting_.push_back({std::move(finding), piece.offset + at});
        }
        flush();
    }

    // At the end of the input every line is whole: the findings of the
    // end (lines: the source line of each) go in their statements' places.
    void finish(Findings &end, std::vector<std::string> &lines) {
        flush();
        for (std::size_t i = 0; i < end.size(); ++i) {
            if (end[i].statement == 0)
                last_.emplace_back(std::move(end[i]), std::move(lines[i]));
            else
                held_.emplace_back(std::move(end[i]), std::move(lines[i]));
        }
        std::stable_sort(held_.begin(), held_.end(),
                         [](const auto &a, const auto &b) { return a.first.statement < b.first.statement; });
        hold_after_ = 0;
        release();
        for (const auto &[finding, line] : last_) sink_.finding(finding, line);
    }

private:
    struct Waiting {
        Finding finding;
        std::size_t offset;  // of a byte on its line
    };

    static constexpr std::size_t kMaxHeld = 100000;

    bool held(const Finding &finding) const { return hold_after_ > 0 && finding.statement > hold_after_; }

    // The held findings that no finding of the end can precede any more.
    void release() {
        while (!held_.empty() && (!held(held_.front().first) || held_.size() > kMaxHeld)) {
            sink_.finding(held_.front().first, held_.front().second);
            held_.pop_front();
        }
    }

    void flush() {
        for (; next_ < waiting_.size(); ++next_) {
            Waiting &waiting = waiting_[next_];
            std::optional<std::string_view> line = stream_.line_at(waiting.offset);
            if (!line) return;
            if (waiting.finding.statement == 0)
                last_.emplace_back(std::move(waiting.finding), std::string(*line));
            else if (!held_.empty() || held(waiting.finding))
                held_.emplace_back(std::move(waiting.finding), std::string(*line));
            else
                sink_.finding(waiting.finding, *line);
            release();
        }
        waiting_.clear();
        next_ = 0;
    }

    ScriptStream &stream_;
    FileSink &sink_;
    std::vector<Waiting> waiting_;  // in order, from next_ on
    std::size_t next_ = 0;
    int hold_after_ = 0;
    std::deque<std::pair<Finding, std::string>> held_;  // in statement order
    std::vector<std::pair<Finding, std::string>> last_;
};

// check_input() of any input.
// given: the context to classify with (--database's); null: the offline one.
void check_stream(Input &input, const CheckOptions &options, FileSink &sink, const Context *given = nullptr) {
    std::string error, error_line;
    int line = 0, col = 0;
    try {
        in_parser_memory([&] {
            std::optional<ProtectedNames> offline;
            if (given == nullptr) offline.emplace(parse_protected(options.protect), options.opted_in);
            const Context &context = given != nullptr ? *given : *offline;
            Classifier classifier(context);
            ScriptStream stream(input, {options.block_size, true});
            Delivery delivery(stream, sink);
            std::vector<HeldIgnore> held_ignores;
            Piece piece;
            try {
                while (stream.next(piece)) {
                    Script script;
                    script.text = piece.text;
                    script.start = piece.start;
                    script.statements_before = piece.statements_before;
                    add_statements(script, piece.text, piece.statements);
                    Findings findings;
                    classifier.classify(script, piece.several_statements, findings);
                    if (options.ignores) apply_ignores(script, findings, &held_ignores);
                    apply_options(findings, options);
                    delivery.add(piece, findings, classifier.earliest_deferred_statement());
                }
            } catch (const ParseError &) {
                error_line = stream.error_line();
                throw;
            }
            Findings end;
            std::vector<std::string> lines;
            classifier.finish(end, &lines);
            if (options.ignores) apply_held_ignores(held_ignores, end, lines);
            apply_options(end, lines, options);
            delivery.finish(end, lines);
            return 0;
        });
    } catch (const ParseError &parse_error) {
        error = parse_error.what();
        line = parse_error.line;
        col = parse_error.col;
    } catch (const std::exception &other) {
        error = other.what();
        error_line.clear();
    }
    sink.end(error, line, col, error_line);
}

// Collects what a check finds into a FileResult.
class ResultSink final : public FileSink {
public:
    explicit ResultSink(FileResult &result) : result_(result) {}
    void finding(const Finding &finding, std::string_view line) override {
        result_.findings.push_back(finding);
        result_.lines.emplace(finding.line, line);
    }
    void end(const std::string &error, int line, int col, std::string_view error_line) override {
        if (error.empty()) return;
        result_.findings.clear();
        result_.lines.clear();
        result_.error = error;
        result_.error_line = line;
        result_.error_col = col;
        if (line > 0) result_.lines.emplace(line, error_line);
    }

private:
    FileResult &result_;
};

}  // namespace

namespace {

// context: nullptr for the options' offline context.
void check_file(const std::string &path, const CheckOptions &options, const Context *context, FileSink &sink) {
    std::optional<FileInput> input;
    try {
        input.emplace(path);
    } catch (const std::exception &error) {
        sink.end(error.what(), 0, 0, {});
        return;
    }
    check_stream(*input, options, sink, context);
}

}  // namespace

void check_input(const std::string &path, const CheckOptions &options, FileSink &sink) {
    check_file(path, options, nullptr, sink);
}

void check_input(const std::string &path, const CheckOptions &options, const Context &context, FileSink &sink) {
    check_file(path, options, &context, sink);
}

ProtectedNames protected_names(const CheckOptions &options) {
    return in_parser_memory([&] { return ProtectedNames(parse_protected(options.protect), options.opted_in); });
}

Findings apply_script_options(const std::string &sql, Findings findings, const CheckOptions &options) {
    if (options.ignores)
        in_parser_memory([&] {
            apply_ignores(parse_script(sql.c_str(), library_raw_parse), findings);
            return 0;
        });
    apply_options(findings, options);
    return findings;
}

FileResult check_input(const std::string &path, const CheckOptions &options) {
    FileResult result = named_result(path);
    ResultSink sink(result);
    check_input(path, options, sink);
    return result;
}

FileResult check_text(const std::string &path, std::string_view source, const CheckOptions &options) {
    FileResult result = named_result(path);
    ResultSink sink(result);
    TextInput input(source);
    check_stream(input, options, sink);
    return result;
}

const char *grammar_version() { return PG_VERSION; }

}  // namespace migsafe::cli
