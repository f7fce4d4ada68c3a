// What an approval or a maintenance window names, and whether that covers a
// finding. An approval names objects as the DBA wrote them ('users',
// 'public."Skill"', 'users.email', 'legacy' for a schema); when it is given,
// each name is resolved in the approver's search_path to the relation it
// names then, and the guard compares relations by that OID: renaming another
// table into an approval's names, moving one into an earlier schema of the
// search_path, or creating one under a name that named nothing, does not
// bring it into the approval's scope.
#pragma once

#include "../classifier/finding.hpp"
#include "state.hpp"

#include <string>
#include <vector>

namespace migsafe::scope {

// What one name of an approval's objects named when it was given.
struct Resolved {
    unsigned int relid = 0;  // the relation itself, or the table of the column or constraint; 0: no relation
    std::string part;        // that column or constraint; empty: the whole relation
};

// A qualified name's parts with PostgreSQL's identifier rules
// ("public.\"Skill\".email": public, Skill, email); empty when the text is
// not a qualified name.
std::vector<std::string> identifiers(const std::string &name);

// Protected tables and migsafe itself change only under an approval or window
// that names them: a scope of "everything" does not cover these findings.
bool needs_naming(const Finding &finding);

// Resolves a name in this session's search_path, with its privileges: a name
// that is not a valid identifier names no relation (the recording function
// then refuses it); a schema the caller may not use raises PostgreSQL's
// "permission denied for schema" (PgError).
Resolved resolve(const std::string &name);

// Whether the scope covers the finding. Protected tables and migsafe itself
// need a scope that names them; other findings are covered by a name of their
// object or of the relation it belongs to.
bool covers(const state::Scope &scope, const Finding &finding);

// Whether one of the scope's names, resolved now, reaches the finding's
// relation although it named another relation (or none) when the approval or
// window was given: the reason to give in a refusal.
bool names_it_only_now(const state::Scope &scope, const Finding &finding);

}  // namespace migsafe::scope
