#include "object_scope.hpp"

#include "../parser/pg_call.hpp"
#include "database_context.hpp"

extern "C" {
#include "utils/varlena.h"
}

#include <algorithm>
#include <vector>

namespace migsafe::scope {

namespace {

constexpr const char *kProtectedRule = "protected-table";
constexpr const char *kSelfProtectionRule = "self-protection";

using Parts = std::vector<std::string>;

}  // namespace

std::vector<std::string> identifiers(const std::string &name) {
    const char *text = name.c_str();
    List *parts = NIL;
    bool valid = pg_call([&] { return SplitIdentifierString(pstrdup(text), '.', &parts); });
    Parts out;
    if (!valid) return out;
    ListCell *cell;
    foreach (cell, parts) out.emplace_back(static_cast<const char *>(lfirst(cell)));
    return out;
}

namespace {

// The relation a name resolves to in this session's search_path, or 0 (names
// of more than two parts are not relation names).
Oid relation_of(const Parts &parts) {
    if (parts.empty() || parts.size() > 2) return InvalidOid;
    return resolve_relation(parts.size() == 1 ? RelName{"", parts[0]} : RelName{parts[0], parts[1]});
}

Parts without_last(const Parts &parts) { return Parts(parts.begin(), parts.end() - 1); }

// A finding's object: the relation it is, or belongs to (a column, a
// constraint), and whether it is that relation itself.
struct Target {
    Parts parts;
    Oid relid = InvalidOid;
    bool whole_relation = false;
};

Target target_of(const Finding &finding) {
    Target target{identifiers(finding.object)};
    if (finding.relid != InvalidOid) {  // dropped: "schema.table" or "schema.table.column"
        target.relid = finding.relid;
        target.whole_relation = target.parts.size() <= 2;
        return target;
    }
    target.relid = relation_of(target.parts);
    target.whole_relation = OidIsValid(target.relid);
    if (!target.whole_relation && target.parts.size() >= 2) target.relid = relation_of(without_last(target.parts));
    return target;
}

// Names compared when the statement runs: approvals and windows given before
// migsafe 0.2.0 (no resolved relations stored), and objects that are not
// relations (schemas, types, roles). exact: the object itself, not the
// relation or schema it belongs to.
bool names_now(const Parts &entry, const Target &target, bool exact) {
    if (entry.empty() || target.parts.empty()) return false;
    Oid entry_relid = relation_of(entry);
    if (OidIsValid(entry_relid)) return entry_relid == target.relid && (!exact || target.whole_relation);
    return entry == target.parts || (!exact && target.parts.size() >= 2 && entry == without_last(target.parts));
}

// Whether one scope entry covers the target.
bool entry_covers(const state::ScopeEntry &entry, const Target &target, bool exact) {
    if (!entry.relid) return names_now(identifiers(entry.name), target, exact);
    if (*entry.relid == InvalidOid) {
        // It named no relation when given (a schema, a type, a name not
        // taken yet): it covers no relation by the relation's own name now,
        // only as the schema of a schema-qualified one.
        Parts name = identifiers(entry.name);
        if (!OidIsValid(target.relid)) return names_now(name, target, exact);
        return !exact && target.whole_relation && target.parts.size() == 2 && name == Parts{target.parts[0]};
    }
    if (target.relid != *entry.relid) return false;
    if (entry.part.empty()) return !exact || target.whole_relation;
    return !target.whole_relation && !exact && target.parts.back() == entry.part;
}

}  // namespace

bool needs_naming(const Finding &finding) {
    return finding.rule == kProtectedRule || finding.rule == kSelfProtectionRule;
}

Resolved resolve(const std::string &name) {
    Parts parts = identifiers(name);
    if (Oid relid = relation_of(parts); OidIsValid(relid)) return {relid, ""};
    if (parts.size() >= 2)
        if (Oid relid = relation_of(without_last(parts)); OidIsValid(relid)) return {relid, parts.back()};
    return {};
}

bool covers(const state::Scope &scope, const Finding &finding) {
    if (scope.everything) return !needs_naming(finding);
    if (finding.rule == kSelfProtectionRule)  // the entry "migsafe", whatever tables resolve to
        return std::any_of(scope.objects.begin(), scope.objects.end(),
                           [](const state::ScopeEntry &entry) { return identifiers(entry.name) == Parts{"migsafe"}; });
    Target target = target_of(finding);
    bool exact = finding.rule == kProtectedRule;  // the table itself, not its schema
    return std::any_of(scope.objects.begin(), scope.objects.end(),
                       [&](const state::ScopeEntry &entry) { return entry_covers(entry, target, exact); });
}

bool names_it_only_now(const state::Scope &scope, const Finding &finding) {
    if (scope.everything || finding.rule == kSelfProtectionRule) return false;
    Target target = target_of(finding);
    bool exact = finding.rule == kProtectedRule;
    return std::any_of(scope.objects.begin(), scope.objects.end(), [&](const state::ScopeEntry &entry) {
        return entry.relid && !entry_covers(entry, target, exact) && names_now(identifiers(entry.name), target, exact);
    });
}

}  // namespace migsafe::scope
