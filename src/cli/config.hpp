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
};

// Reads and validates FILE; throws std::runtime_error("FILE: what is wrong").
Config load_config(const std::string &path);

// The options of a check: the configuration, with command-line flags winning
// (--protect replaces the file's list; --strict and --require-lock-timeout
// turn their setting on).
CheckOptions merge(const Config &config, const std::vector<std::string> &protect_flag, bool strict_flag,
                   bool ignores, bool require_lock_timeout_flag = false);

}  // namespace migsafe::cli
