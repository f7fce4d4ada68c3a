#include "options.hpp"

#include <string>

namespace migsafe {

namespace {

// PostgreSQL's parse_bool() false spellings: any prefix of "false", "no",
// "off" long enough to be unambiguous, and "0"; case-insensitive.
bool is_false_word(std::string value) {
    for (char &c : value) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (value.empty()) return false;
    auto prefix_of = [&](const std::string &word) { return word.compare(0, value.size(), value) == 0; };
    if (value == "0") return true;
    if (value.size() >= 1 && (prefix_of("false") || prefix_of("no"))) return true;
    return value.size() >= 2 && prefix_of("off");
}

bool value_enabled(const Node *value) {
    if (value == nullptr) return true;
    if (IsA(value, Boolean)) return boolVal(value);
    if (IsA(value, Integer)) return intVal(value) != 0;
    if (IsA(value, String)) return !is_false_word(strVal(value));
    return true;
}

}  // namespace

bool option_enabled(const List *options, const char *name) {
    ListCell *cell;
    foreach (cell, options) {
        const auto *option = lfirst_node(DefElem, cell);
        if (strcmp(option->defname, name) == 0) return value_enabled(option->arg);
    }
    return false;
}

}  // namespace migsafe
