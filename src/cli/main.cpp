// migsafe: the offline checker.
//   migsafe check [--format text|json|sarif|github] [--strict] [--require-lock-timeout] [--enable RULE[,RULE]]
//                 [--protect NAME[,NAME]] [--config FILE] [--no-ignores] [--changed-since REV] PATH...
//   migsafe check --database URL [options] prisma/migrations
//                 (only the migrations _prisma_migrations does not list, against that database)
//   migsafe approve --reason TEXT [--valid-for INTERVAL] [--single-use] [--objects NAME[,NAME]] FILE...
//   migsafe rules
//   migsafe explain RULE
//   migsafe --version
// Exit status: 0 pass, 1 findings at the failing level (dangerous; review too
// with --strict), 2 usage, I/O or syntax error.
#include "../classifier/catalogue.hpp"
#include "approve.hpp"
#include "checker.hpp"
#include "config.hpp"
#include "database_check.hpp"
#include "git.hpp"
#include "report.hpp"
#include "rule_docs.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <cstdlib>
#include <iostream>

#include <unistd.h>

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

struct CheckFlags {
    std::vector<std::string> paths;
    std::string format = "text";
    std::vector<std::string> protect;
    std::string config;
    std::string changed_since;
    std::string database;  // --database URL
    bool strict = false;
    bool no_ignores = false;
    bool require_lock_timeout = false;
    std::vector<std::string> enable;  // --enable RULE[,RULE]: opt-in rules
    std::size_t block_size = 0;  // 0: CheckOptions' default
};

// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
bool colour_output() { return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr; }

// --database reads one directory in Prisma's layout, nothing else.
void require_prisma_directory(const CheckFlags &flags) {
    const char *layout = "--database reads Prisma's layout, prisma/migrations/<name>/migration.sql: "
                         "give it the one prisma/migrations directory";
    if (flags.paths.size() != 1 || flags.paths[0] == "-") throw std::runtime_error(layout);
    if (!flags.changed_since.empty()) throw std::runtime_error("--changed-since and --database do not go together");
}

int run_check(const CheckFlags &flags) {
    migsafe::cli::Config config;
    if (!flags.config.empty()) config = migsafe::cli::load_config(flags.config);
    migsafe::cli::CheckOptions options = migsafe::cli::merge(config, flags.protect, flags.strict, !flags.no_ignores,
                                                                         flags.require_lock_timeout, flags.enable);
    if (flags.block_size > 0) options.block_size = flags.block_size;
    for (const std::string &note : migsafe::cli::validate_protected(options.protect))
        fmt::print(stderr, "migsafe: note: {}\n", note);
    std::unique_ptr<migsafe::cli::DatabaseCheck> database;
    if (!flags.database.empty()) {
        require_prisma_directory(flags);
        database = std::make_unique<migsafe::cli::DatabaseCheck>(flags.database, flags.paths[0], options);
        fmt::print(stderr, "migsafe: {}\n", database->summary());
        if (std::string recovery = database->recovery(); !recovery.empty())
            fmt::print(stderr, "migsafe: {}\n", recovery);
    }
    std::vector<std::string> inputs;
    if (!database)
        inputs = flags.changed_since.empty() ? migsafe::cli::collect_inputs(flags.paths)
                                             : migsafe::cli::changed_since(flags.changed_since, flags.paths);
    migsafe::cli::Format format = flags.format == "json"    ? migsafe::cli::Format::json
                                  : flags.format == "sarif"  ? migsafe::cli::Format::sarif
                                  : flags.format == "github" ? migsafe::cli::Format::github
                                                             : migsafe::cli::Format::text;
    // Each input is checked piece by piece and reported at its end.
    migsafe::cli::ReportWriter report(std::cout, format, options, format == migsafe::cli::Format::text && colour_output());
    for (const std::string &input : inputs) {
        report.begin_file(input, migsafe::cli::migration_name(input));
        migsafe::cli::check_input(input, options, report);
    }
    if (database) database->run(report);
    report.finish();
    if (report.any_error()) return kExitError;
    return report.any_failing() ? kExitFindings : kExitPass;
}

// One call per file; nothing is printed unless every file is approvable.
int print_approvals(const std::vector<std::string> &files, const migsafe::cli::ApproveOptions &options) {
    if (options.reason.find_first_not_of(" \t\n") == std::string::npos)
        throw std::invalid_argument("--reason must not be empty");
    std::string calls;
    for (const std::string &file : files) calls += (calls.empty() ? "" : "\n") + migsafe::cli::approval_call(file, options);
    fmt::print("{}", calls);
    return kExitPass;
}

void print_rules() {
    for (std::size_t i = 0; i < migsafe::rule_count(); ++i) {
        const migsafe::RuleInfo &rule = migsafe::rule_info(i);
        fmt::print("{:<28} {:<10} {}\n", rule.id, migsafe::severity_name(rule.severity), rule.summary);
    }
}

int explain(const std::string &rule) {
    const char *doc = migsafe::cli::rule_doc(rule);
    if (doc == nullptr) {
        fmt::print(stderr, "migsafe: unknown rule \"{}\"; `migsafe rules` lists them\n", rule);
        return kExitError;
    }
    fmt::print("{}", doc);
    return kExitPass;
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"migsafe: finds unsafe statements in PostgreSQL migrations"};
    app.require_subcommand(1);
    // Which grammar this build parses: statements newer than it are syntax
    // errors here, older servers reject what is newer than theirs.
    app.set_version_flag("--version", fmt::format("migsafe {} (PostgreSQL {} grammar)", migsafe::cli::kVersion,
                                                  migsafe::cli::grammar_version()));

    CheckFlags flags;
    CLI::App *check = app.add_subcommand("check", "check SQL files and directories of *.sql files");
    check->add_option("paths", flags.paths, "files, directories (searched for *.sql) or - for standard input");
    check->add_option("--format", flags.format, "output format")
        ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
    check->add_flag("--strict", flags.strict, "review findings fail too (exit status 1)");
    // One value per --protect (repeat it, or separate names with commas), so
    // that the paths after it stay paths.
    check->add_option("--protect", flags.protect, "protected table names (name or schema.name)")
        ->delimiter(',')
        ->allow_extra_args(false);
    check->add_option("--config", flags.config,
                      "JSON configuration: protect, disable, severity, strict, require_lock_timeout, enable");
    check->add_flag("--require-lock-timeout", flags.require_lock_timeout,
                    "report ACCESS EXCLUSIVE locks taken with no SET lock_timeout before them (missing-lock-timeout)");
    check->add_option("--enable", flags.enable, "switch on opt-in rules (int-primary-key, missing-lock-timeout)")
        ->delimiter(',')
        ->allow_extra_args(false);
    check->add_flag("--no-ignores", flags.no_ignores, "report what -- migsafe-ignore comments suppress");
    // Bytes read at a time; not in --help: the tests check that any block
    // size gives the same output (test/cli/blocks).
    check->add_option("--block-size", flags.block_size, "bytes read at a time")
        ->check(CLI::PositiveNumber)
        ->group("");
    check->add_option("--database", flags.database,
                      "check only the migrations of this prisma/migrations directory that the database (libpq "
                      "connection string or postgresql:// URL; Prisma's ?schema= too) has not applied, against it");
    check->add_option("--changed-since", flags.changed_since,
                      "check only the *.sql files added or changed since this git revision (under PATHs, default .)");

    migsafe::cli::ApproveOptions approve_options;
    std::vector<std::string> approve_files;
    CLI::App *approve = app.add_subcommand(
        "approve", "print the SQL call that approves each reviewed file by its content (migsafe_approve_script)");
    approve->add_option("files", approve_files, "the reviewed SQL files")->required()->check(CLI::ExistingFile);
    approve->add_option("--reason", approve_options.reason, "why it is approved (the review, the ticket)")->required();
    approve->add_option("--valid-for", approve_options.valid_for, "how long the approval lasts (an interval)")
        ->capture_default_str();
    approve->add_flag("--single-use", approve_options.single_use, "each approved statement runs once");
    approve->add_option("--objects", approve_options.objects,
                        "the only objects it may touch (name or schema.name; protected tables must be named)")
        ->delimiter(',')
        ->allow_extra_args(false);

    app.add_subcommand("rules", "list the rules");
    std::string rule;
    CLI::App *explain_command = app.add_subcommand("explain", "print a rule's documentation");
    explain_command->add_option("rule", rule, "rule id (see migsafe rules)")->required();

    try {
        app.parse(argc, argv);
        if (check->parsed() && flags.paths.empty() && flags.changed_since.empty())
            throw CLI::RequiredError("paths (or --changed-since REV)");
    } catch (const CLI::ParseError &error) {
        int status = app.exit(error);
        return status == 0 ? kExitPass : kExitError;
    }
    try {
        if (check->parsed()) {
            if (flags.paths.empty()) flags.paths.push_back(".");
            return run_check(flags);
        }
        if (explain_command->parsed()) return explain(rule);
        if (approve->parsed()) return print_approvals(approve_files, approve_options);
        print_rules();
        return kExitPass;
    } catch (const std::exception &error) {
        fmt::print(stderr, "migsafe: {}\n", error.what());
        return kExitError;
    }
}
