// `migsafe check --config FILE`: a small JSON file a repository keeps next to
// its migrations.
//   {
//     "protect": ["public.\"Skill\""],          protected tables (as --protect: Skill
//                                               protects skill and "Skill")
//     "disable": ["do-block"],                  rules not reported
//     "severity": {"rename-table": "dangerous", "drop-index": "off"},
//     "strict": true                            review findings fail too
//   }
// Every key is optional; an unknown key, rule or value is an error.
#pragma once

#include "checker.hpp"

#include <optional>
#include <string>

namespace migsafe::cli {

struct Config {
    std::optional<std::vector<std::string>> protect;
    std::vector<std::string> disabled;          // from "disable" and severity "off"
    std::map<std::string, Severity> severity;
    std::optional<bool> strict;
    std::optional<bool> require_lock_timeout;
    std::vector<std::string> enabled;           // opt-in rules switched on ("enable")
};

// Reads and validates FILE; throws std::runtime_error("FILE: what is wrong").
Config load_config(const std::string &path);

// The options of a check: the configuration, with command-line flags winning
// (--protect replaces the file's list; --strict and --require-lock-timeout
// turn their setting on; --enable adds to the file's "enable").
CheckOptions merge(const Config &config, const std::vector<std::string> &protect_flag, bool strict_flag,
                   bool ignores, bool require_lock_timeout_flag = false,
                   const std::vector<std::string> &enable_flag = {});

// The id itself when it names an opt-in rule; otherwise throws
// std::runtime_error naming the source (a flag or a file) and what is wrong.
std::string opt_in_rule(const std::string &source, const std::string &id);

}  // namespace migsafe::cli
