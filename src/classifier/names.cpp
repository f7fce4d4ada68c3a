#include "names.hpp"

namespace migsafe {

namespace {

bool is_plain_identifier(std::string_view ident) {
    if (ident.empty()) return false;
    char first = ident.front();
    if (!((first >= 'a' && first <= 'z') || first == '_')) return false;
    for (char c : ident) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
        if (!ok) return false;
    }
    return true;
}

bool needs_keyword_quotes(const std::string &ident) {
    int code = ScanKeywordLookup(ident.c_str(), &ScanKeywords);
    return code >= 0 && ScanKeywordCategories[code] != UNRESERVED_KEYWORD;
}

}  // namespace

std::string quote_ident(std::string_view ident) {
    std::string plain(ident);
    if (is_plain_identifier(ident) && !needs_keyword_quotes(plain)) return plain;
    std::string quoted = "\"";
    for (char c : ident) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string RelName::display() const {
    if (schema.empty()) return quote_ident(name);
    return quote_ident(schema) + "." + quote_ident(name);
}

RelName rel_name(const RangeVar *range_var) {
    RelName result;
    if (range_var == nullptr) return result;
    if (range_var->schemaname != nullptr) result.schema = range_var->schemaname;
    if (range_var->relname != nullptr) result.name = range_var->relname;
    return result;
}

RelName rel_name(const List *name_parts) {
    RelName result;
    int length = list_length(name_parts);
    if (length >= 1) result.name = strVal(llast(name_parts));
    if (length >= 2) result.schema = strVal(list_nth(name_parts, length - 2));
    return result;
}

namespace {
std::string_view effective_schema(const RelName &name) {
    return name.schema.empty() ? std::string_view("public") : std::string_view(name.schema);
}
}  // namespace

bool same_object(const RelName &a, const RelName &b) {
    if (a.name != b.name) return false;
    // A temporary table comes first in every search_path: an unqualified
    // name reaches it, a name qualified with another schema does not.
    if ((a.schema == "pg_temp" && b.schema.empty()) || (b.schema == "pg_temp" && a.schema.empty())) return true;
    return effective_schema(a) == effective_schema(b);
}

bool matches_protected(const RelName &protected_name, const RelName &reference) {
    if (protected_name.name != reference.name) return false;
    return protected_name.schema.empty() || reference.schema.empty() ||
           protected_name.schema == reference.schema;
}

}  // namespace migsafe
