#include "config.hpp"

#include "../classifier/catalogue.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace migsafe::cli {

namespace {

using json = nlohmann::json;

std::string known_rule(const std::string &path, const std::string &id) {
    if (find_rule(id) == nullptr) throw std::runtime_error(path + ": unknown rule \"" + id + "\" (see migsafe rules)");
    return id;
}

std::vector<std::string> strings(const std::string &path, const json &value, const char *key) {
    if (!value.is_array()) throw std::runtime_error(path + ": \"" + key + "\" must be an array of strings");
    std::vector<std::string> out;
    for (const json &item : value) {
        if (!item.is_string()) throw std::runtime_error(path + ": \"" + key + "\" must be an array of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

void read_severities(const std::string &path, const json &value, Config &config) {
    if (!value.is_object()) throw std::runtime_error(path + ": \"severity\" must be an object of rule: level");
    for (const auto &[rule, level] : value.items()) {
        known_rule(path, rule);
        std::string name = level.is_string() ? level.get<std::string>() : "";
        if (name == "off") config.disabled.push_back(rule);
        else if (name == "dangerous") config.severity[rule] = Severity::dangerous;
        else if (name == "review") config.severity[rule] = Severity::review;
        else throw std::runtime_error(path + ": severity of \"" + rule + "\" must be dangerous, review or off");
    }
}

}  // namespace

Config load_config(const std::string &path) {
    std::ifstream file(path);
    if (!file) throw std::runtime_error(path + ": cannot read the configuration file");
    json document = json::parse(file, nullptr, false);
    if (document.is_discarded()) throw std::runtime_error(path + ": not valid JSON");
    if (!document.is_object()) throw std::runtime_error(path + ": must be a JSON object");
    Config config;
    for (const auto &[key, value] : document.items()) {
        if (key == "protect") {
            config.protect = strings(path, value, "protect");
        } else if (key == "disable") {
            for (const std::string &rule : strings(path, value, "disable"))
                config.disabled.push_back(known_rule(path, rule));
        } else if (key == "severity") {
            read_severities(path, value, config);
        } else if (key == "strict") {
            if (!value.is_boolean()) throw std::runtime_error(path + ": \"strict\" must be true or false");
            config.strict = value.get<bool>();
        } else if (key == "enable") {
            for (const std::string &rule : strings(path, value, "enable")) config.enabled.push_back(opt_in_rule(path, rule));
        } else if (key == "require_lock_timeout") {
            if (!value.is_boolean())
                throw std::runtime_error(path + ": \"require_lock_timeout\" must be true or false");
            config.require_lock_timeout = value.get<bool>();
        } else {
            throw std::runtime_error(path + ": unknown key \"" + key +
                                     "\" (protect, disable, severity, strict, require_lock_timeout, enable)");
        }
    }
    return config;
}

std::string opt_in_rule(const std::string &source, const std::string &id) {
    const RuleInfo *rule = find_rule(id);
    if (rule == nullptr) throw std::runtime_error(source + ": unknown rule \"" + id + "\" (see migsafe rules)");
    if (!rule->opt_in)
        throw std::runtime_error(source + ": rule \"" + id + "\" is not opt-in: it always runs unless disabled");
    return id;
}

CheckOptions merge(const Config &config, const std::vector<std::string> &protect_flag, bool strict_flag,
                   bool ignores, bool require_lock_timeout_flag, const std::vector<std::string> &enable_flag) {
    CheckOptions options;
    options.protect = !protect_flag.empty() ? protect_flag : config.protect.value_or(std::vector<std::string>{});
    options.disabled = config.disabled;
    options.severity = config.severity;
    options.strict = strict_flag || config.strict.value_or(false);
    options.ignores = ignores;
    if (require_lock_timeout_flag || config.require_lock_timeout.value_or(false))
        options.opted_in.push_back("missing-lock-timeout");
    for (const std::string &rule : config.enabled) options.opted_in.push_back(rule);
    for (const std::string &rule : enable_flag) options.opted_in.push_back(opt_in_rule("--enable", rule));
    return options;
}

}  // namespace migsafe::cli
