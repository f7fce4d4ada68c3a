#include "options.hpp"

#include <string>

namespace migsafe {

// Any prefix of "false", "no", "off" long enough to be unambiguous, and "0".
bool is_false_setting(std::string value) {
    for (char &c : value) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (value.empty()) return false;
    auto prefix_of = [&](const std::string &word) { return word.compare(0, value.size(), value) == 0; };
    if (value == "0") return true;
    if (value.size() >= 1 && (prefix_of("false") || prefix_of("no"))) return true;
    return value.size() >= 2 && prefix_of("off");
}

namespace {

bool value_enabled(const Node *value) {
    if (value == nullptr) return true;
    if (IsA(value, Boolean)) return boolVal(value);
    if (IsA(value, Integer)) return intVal(value) != 0;
    if (IsA(value, String)) return !is_false_setting(strVal(value));
    return true;
}

}  // namespace

// PostgreSQL reads an option list in order, each occurrence overriding the
// one before (EXPLAIN (ANALYZE off, ANALYZE on) analyses): the last one wins.
bool option_enabled(const List *options, const char *name) {
    bool enabled = false;
    ListCell *cell;
    foreach (cell, options) {
        const auto *option = lfirst_node(DefElem, cell);
        if (strcmp(option->defname, name) == 0) enabled = value_enabled(option->arg);
    }
    return enabled;
}

std::vector<std::string> setting_values(const VariableSetStmt *set) {
    std::vector<std::string> values;
    ListCell *cell;
    foreach (cell, set->args) {
        const Node *arg = static_cast<const Node *>(lfirst(cell));
        if (!IsA(arg, A_Const) || castNode(A_Const, arg)->isnull) continue;
        const Node *value = reinterpret_cast<const Node *>(&castNode(A_Const, arg)->val);
        if (IsA(value, String)) values.emplace_back(strVal(value));
        else if (IsA(value, Integer)) values.emplace_back(std::to_string(intVal(value)));
        else if (IsA(value, Float)) values.emplace_back(castNode(Float, value)->fval);
    }
    return values;
}

}  // namespace migsafe
