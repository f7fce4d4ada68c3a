// migsafe: the offline checker.
//   migsafe check [--format text|json] [--protect NAME[,NAME]] PATH...
//   migsafe rules
// Exit status: 0 nothing dangerous, 1 dangerous findings, 2 usage, I/O or
// syntax error.
#include "../classifier/catalogue.hpp"
#include "checker.hpp"
#include "report.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

int exit_status(const std::vector<migsafe::cli::FileResult> &results) {
    bool error = std::any_of(results.begin(), results.end(), [](const auto &r) { return !r.error.empty(); });
    if (error) return kExitError;
    for (const auto &result : results)
        for (const auto &finding : result.findings)
            if (finding.severity == migsafe::Severity::dangerous) return kExitFindings;
    return kExitPass;
}

int run_check(const std::vector<std::string> &paths, const std::string &format,
              const migsafe::cli::CheckOptions &options) {
    migsafe::cli::validate_protected(options.protect);
    std::vector<migsafe::cli::FileResult> results;
    for (const std::string &input : migsafe::cli::collect_inputs(paths))
        results.push_back(migsafe::cli::check_input(input, options));
    if (format == "json")
        migsafe::cli::write_json(std::cout, results);
    else
        migsafe::cli::write_text(std::cout, results);
    return exit_status(results);
}

void print_rules() {
    for (std::size_t i = 0; i < migsafe::rule_count(); ++i) {
        const migsafe::RuleInfo &rule = migsafe::rule_info(i);
        fmt::print("{:<24} {:<10} {}\n", rule.id, migsafe::severity_name(rule.severity), rule.summary);
    }
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"migsafe: finds unsafe statements in PostgreSQL migrations"};
    app.require_subcommand(1);

    std::vector<std::string> paths;
    std::string format = "text";
    migsafe::cli::CheckOptions options;
    CLI::App *check = app.add_subcommand("check", "check SQL files and directories of *.sql files");
    check->add_option("paths", paths, "files, directories (searched for *.sql) or - for standard input")->required();
    check->add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
    check->add_option("--protect", options.protect, "protected table names (name or schema.name)")->delimiter(',');

    app.add_subcommand("rules", "list the rules");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &error) {
        int status = app.exit(error);
        return status == 0 ? kExitPass : kExitError;
    }
    try {
        if (check->parsed()) return run_check(paths, format, options);
        print_rules();
        return kExitPass;
    } catch (const std::exception &error) {
        fmt::print(stderr, "migsafe: {}\n", error.what());
        return kExitError;
    }
}
