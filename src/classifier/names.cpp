#include "names.hpp"

#include <cstring>

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

bool needs_keyword_quotes(std::string_view ident) {
    // ScanKeywordLookup() reads a C string: copy the name, unless it is
    // longer than any keyword.
    char name[NAMEDATALEN];
    if (ident.size() > static_cast<std::size_t>(ScanKeywords.max_kw_len) || ident.size() >= sizeof name) return false;
    memcpy(name, ident.data(), ident.size());
    name[ident.size()] = '\0';
    int code = ScanKeywordLookup(name, &ScanKeywords);
    return code >= 0 && ScanKeywordCategories[code] != UNRESERVED_KEYWORD;
}

// quote_ident(ident), appended to out.
void append_quoted(std::string &out, std::string_view ident) {
    if (is_plain_identifier(ident) && !needs_keyword_quotes(ident)) {
        out += ident;
        return;
    }
    out += '"';
    for (std::size_t from = 0; from <= ident.size();) {
        std::size_t quote = ident.find('"', from);
        std::size_t end = quote == std::string_view::npos ? ident.size() : quote + 1;
        out.append(ident.data() + from, end - from);
        if (quote == std::string_view::npos) break;
        out += '"';  // a quote is doubled
        from = end;
    }
    out += '"';
}

}  // namespace

std::string quote_ident(std::string_view ident) {
    std::string quoted;
    quoted.reserve(ident.size() + 2);
    append_quoted(quoted, ident);
    return quoted;
}

std::string RelName::display() const {
    std::string out;
    out.reserve(schema.size() + name.size() + 5);
    if (!schema.empty()) {
        append_quoted(out, schema);
        out += '.';
    }
    append_quoted(out, name);
    return out;
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

bool same_object(const RelName &a, const RelName &b) {
    if (a.name != b.name) return false;
    std::string_view schema_a = a.schema, schema_b = b.schema;
    if (schema_a == schema_b) return true;
    // A temporary table comes first in every search_path: an unqualified
    // name reaches it, a name qualified with another schema does not.
    constexpr std::string_view temp = "pg_temp", public_schema = "public";
    if ((schema_a == temp && schema_b.empty()) || (schema_b == temp && schema_a.empty())) return true;
    return (schema_a.empty() ? public_schema : schema_a) == (schema_b.empty() ? public_schema : schema_b);
}

bool matches_protected(const RelName &protected_name, const RelName &reference) {
    if (protected_name.name != reference.name) return false;
    return protected_name.schema.empty() || reference.schema.empty() ||
           protected_name.schema == reference.schema;
}

}  // namespace migsafe
