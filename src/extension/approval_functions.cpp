// migsafe_approve() and migsafe_open_window() in C. Each resolves the objects
// it is given in the caller's search_path, with the caller's privileges, to
// the relations they name now (object_scope.hpp), then calls the PL/pgSQL
// function that validates and records the approval or window
// (migsafe.approve, migsafe.open_window: SECURITY DEFINER with a fixed
// search_path, so they could not resolve the caller's names themselves).
// EXECUTE on these two is what makes a role an approver: the recording
// functions are called through fmgr, which checks no privilege.
#include "database_context.hpp"
#include "entry_point.hpp"
#include "object_scope.hpp"
#include "sql_functions.hpp"
#include "statement_fingerprint.hpp"

extern "C" {
#include "fmgr.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PGDLLEXPORT Datum migsafe_approve(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_open_window(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_approve_script(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(migsafe_approve);
PG_FUNCTION_INFO_V1(migsafe_approve_script);
PG_FUNCTION_INFO_V1(migsafe_open_window);
}

#include <algorithm>
#include <string>
#include <vector>

namespace migsafe {

namespace {

// The objects argument's elements; a NULL element stays NULL (the recording
// function refuses it with its own message).
std::vector<std::optional<std::string>> object_names(Datum array) {
    Datum *values = nullptr;
    bool *nulls = nullptr;
    int count = 0;
    pg_call([&] {
        deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &count);
    });
    std::vector<std::optional<std::string>> names;
    for (int i = 0; i < count; ++i) {
        if (nulls[i]) names.emplace_back(std::nullopt);
        else names.emplace_back(pg_call([&] { return text_to_cstring(DatumGetTextPP(values[i])); }));
    }
    return names;
}

struct ResolvedArrays {
    Datum relids;  // regclass[]
    Datum parts;   // text[], NULL elements for whole relations
};

ResolvedArrays resolved_arrays(Datum objects) {
    std::vector<scope::Resolved> resolved;
    for (const auto &name : object_names(objects)) resolved.push_back(name ? scope::resolve(*name) : scope::Resolved{});
    int count = static_cast<int>(resolved.size());
    return pg_call([&] {
        auto *relids = static_cast<Datum *>(palloc0(sizeof(Datum) * (count + 1)));
        auto *parts = static_cast<Datum *>(palloc0(sizeof(Datum) * (count + 1)));
        auto *part_nulls = static_cast<bool *>(palloc0(sizeof(bool) * (count + 1)));
        for (int i = 0; i < count; ++i) {
            relids[i] = ObjectIdGetDatum(resolved[i].relid);
            part_nulls[i] = resolved[i].part.empty();
            if (!part_nulls[i]) parts[i] = CStringGetTextDatum(resolved[i].part.c_str());
        }
        int dims[1] = {count}, lower[1] = {1};
        return ResolvedArrays{
            PointerGetDatum(construct_array(relids, count, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT)),
            PointerGetDatum(construct_md_array(parts, part_nulls, 1, dims, lower, TEXTOID, -1, false, TYPALIGN_INT))};
    });
}

// migsafe.<name>(argument types...), found without a search_path or a
// privilege check (approvers have no USAGE on schema migsafe).
Oid recording_function(const char *name, const std::vector<Oid> &types) {
    Oid found = pg_call([&] {
        Oid schema = get_namespace_oid("migsafe", false);
        oidvector *signature = buildoidvector(types.data(), static_cast<int>(types.size()));
        return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid, CStringGetDatum(name), PointerGetDatum(signature),
                               ObjectIdGetDatum(schema));
    });
    if (!OidIsValid(found))
        throw std::runtime_error(std::string("migsafe's function migsafe.") + name +
                                 " is missing: run ALTER EXTENSION migsafe UPDATE, or reinstall the extension");
    return found;
}

// Calls migsafe.<name> with the caller's arguments followed by the resolved
// objects (NULL when objects is NULL).
Datum record(FunctionCallInfo fcinfo, const char *name, std::vector<Oid> types, int objects_arg, bool &is_null) {
    bool no_objects = PG_ARGISNULL(objects_arg);
    ResolvedArrays resolved{};
    if (!no_objects) resolved = resolved_arrays(PG_GETARG_DATUM(objects_arg));
    types.push_back(REGCLASSARRAYOID);
    types.push_back(TEXTARRAYOID);
    Oid function = recording_function(name, types);
    int nargs = static_cast<int>(types.size());
    return pg_call([&] {
        FmgrInfo flinfo;
        fmgr_info(function, &flinfo);
        LOCAL_FCINFO(call, FUNC_MAX_ARGS);
        InitFunctionCallInfoData(*call, &flinfo, nargs, InvalidOid, nullptr, nullptr);
        for (int i = 0; i < PG_NARGS(); ++i) call->args[i] = fcinfo->args[i];
        call->args[nargs - 2] = {resolved.relids, no_objects};
        call->args[nargs - 1] = {resolved.parts, no_objects};
        Datum result = FunctionCallInvoke(call);
        is_null = call->isnull;
        return result;
    });
}

// ---- approvals by content ----------------------------------------------------

// What migsafe.approve_script() records of each statement of a script.
struct ScriptStatements {
    std::vector<std::string> fingerprints;
    std::vector<std::string> texts;
    std::vector<std::string> rules;  // each statement's rule ids, comma-separated ("": none)
    // What each statement's findings named, resolved now in the approver's
    // search_path: the statement (1-based), the name, its relation (0: none).
    std::vector<int> pin_ordinals;
    std::vector<std::string> pin_names;
    std::vector<Oid> pin_relids;
};

// Pins the relations a statement's findings name to the ones they name
// now: run later under another search_path, the same text reaching another
// table is not covered.
void pin_objects(ScriptStatements &out, int ordinal, const Findings &findings) {
    std::vector<std::string> seen;
    for (const Finding &finding : findings) {
        if (finding.statement != ordinal || finding.object.empty()) continue;
        if (std::find(seen.begin(), seen.end(), finding.object) != seen.end()) continue;
        seen.push_back(finding.object);
        out.pin_ordinals.push_back(ordinal);
        out.pin_names.push_back(finding.object);
        out.pin_relids.push_back(scope::resolve(finding.object).relid);
    }
}

// Parses the script as migsafe_check() does, classifies it in this database
// (the rules are kept for the reviewer, not used to match) and fingerprints
// each statement with the same lexer settings.
ScriptStatements script_statements(const char *sql) {
    StandardConformingStrings standard_strings;
    Script script = parse_sql(sql);
    if (script.statements.empty()) throw std::invalid_argument("the script has no statement to approve");
    DatabaseContext context;
    Findings findings = classify(script, context);
    ScriptStatements out;
    for (std::size_t i = 0; i < script.statements.size(); ++i) {
        std::string text = statement_text(script, i);
        out.fingerprints.push_back(fingerprint::of_statement(text));
        out.texts.push_back(text);
        std::string rules;
        for (const Finding &finding : findings) {
            if (finding.statement != static_cast<int>(i) + 1) continue;
            if (("," + rules + ",").find("," + finding.rule + ",") != std::string::npos) continue;
            rules += (rules.empty() ? "" : ",") + finding.rule;
        }
        out.rules.push_back(rules);
        pin_objects(out, static_cast<int>(i) + 1, findings);
    }
    return out;
}

Datum text_array(const std::vector<std::string> &values) {
    std::vector<Datum> elements;
    for (const std::string &value : values)
        elements.push_back(pg_call([&] { return CStringGetTextDatum(value.c_str()); }));
    return pg_call([&] {
        return PointerGetDatum(construct_array(elements.data(), static_cast<int>(elements.size()), TEXTOID, -1, false,
                                               TYPALIGN_INT));
    });
}

// regclass[] of the OIDs, NULL elements for 0.
Datum regclass_array(const std::vector<Oid> &relids) {
    int count = static_cast<int>(relids.size());
    return pg_call([&] {
        auto *values = static_cast<Datum *>(palloc0(sizeof(Datum) * (count + 1)));
        auto *nulls = static_cast<bool *>(palloc0(sizeof(bool) * (count + 1)));
        for (int i = 0; i < count; ++i) {
            values[i] = ObjectIdGetDatum(relids[i]);
            nulls[i] = !OidIsValid(relids[i]);
        }
        int dims[1] = {count}, lower[1] = {1};
        return PointerGetDatum(
            construct_md_array(values, nulls, 1, dims, lower, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT));
    });
}

Datum int_array(const std::vector<int> &numbers) {
    std::vector<Datum> values;
    for (int number : numbers) values.push_back(Int32GetDatum(number));
    return pg_call([&] {
        return PointerGetDatum(
            construct_array(values.data(), static_cast<int>(values.size()), INT4OID, sizeof(int32), true, TYPALIGN_INT));
    });
}

// migsafe_approve_script(script, reason, valid_for, objects, single_use):
// calls migsafe.approve_script(sha256, reason, valid_for, objects,
// single_use, fingerprints, texts, rules, object_relids, object_parts,
// pin_ordinals, pin_names, pin_relids),
// whose result (OUT parameters alike) it returns.
Datum record_script(FunctionCallInfo fcinfo, bool &is_null) {
    if (PG_ARGISNULL(0)) throw std::invalid_argument("script must not be NULL");
    text *script = pg_call([&] { return PG_GETARG_TEXT_PP(0); });
    std::string sql(VARDATA_ANY(script), VARSIZE_ANY_EXHDR(script));
    if (sql.find('\0') != std::string::npos) throw std::invalid_argument("script must not contain NUL bytes");
    std::string sha256 = fingerprint::sha256_hex(sql);
    ScriptStatements statements = script_statements(sql.c_str());
    bool no_objects = PG_ARGISNULL(3);
    ResolvedArrays resolved{};
    if (!no_objects) resolved = resolved_arrays(PG_GETARG_DATUM(3));
    Oid function = recording_function("approve_script", {TEXTOID, TEXTOID, INTERVALOID, TEXTARRAYOID, BOOLOID,
                                                         TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, REGCLASSARRAYOID,
                                                         TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, REGCLASSARRAYOID});
    Datum sha = pg_call([&] { return CStringGetTextDatum(sha256.c_str()); });
    Datum fingerprints = text_array(statements.fingerprints);
    Datum texts = text_array(statements.texts);
    Datum rules = text_array(statements.rules);
    Datum pin_ordinals = int_array(statements.pin_ordinals);
    Datum pin_names = text_array(statements.pin_names);
    Datum pin_relids = regclass_array(statements.pin_relids);
    return pg_call([&] {
        FmgrInfo flinfo;
        fmgr_info(function, &flinfo);
        LOCAL_FCINFO(call, 13);
        InitFunctionCallInfoData(*call, &flinfo, 13, InvalidOid, nullptr, nullptr);
        call->args[0] = {sha, false};
        for (int i = 1; i <= 4; ++i) call->args[i] = fcinfo->args[i];
        call->args[5] = {fingerprints, false};
        call->args[6] = {texts, false};
        call->args[7] = {rules, false};
        call->args[8] = {resolved.relids, no_objects};
        call->args[9] = {resolved.parts, no_objects};
        call->args[10] = {pin_ordinals, false};
        call->args[11] = {pin_names, false};
        call->args[12] = {pin_relids, false};
        Datum result = FunctionCallInvoke(call);
        is_null = call->isnull;
        return result;
    });
}

}  // namespace

}  // namespace migsafe

extern "C" {

// migsafe_approve(migration text, reason text, valid_for interval, objects text[])
Datum migsafe_approve(PG_FUNCTION_ARGS) {
    bool is_null = false;
    Datum result = migsafe::run_guarded(
        [&] { return migsafe::record(fcinfo, "approve", {TEXTOID, TEXTOID, INTERVALOID, TEXTARRAYOID}, 3, is_null); });
    if (is_null) PG_RETURN_NULL();
    return result;
}

// migsafe_open_window(duration interval, reason text, objects text[])
Datum migsafe_open_window(PG_FUNCTION_ARGS) {
    bool is_null = false;
    Datum result = migsafe::run_guarded(
        [&] { return migsafe::record(fcinfo, "open_window", {INTERVALOID, TEXTOID, TEXTARRAYOID}, 2, is_null); });
    if (is_null) PG_RETURN_NULL();
    return result;
}
}

extern "C" {

// migsafe_approve_script(script text, reason text, valid_for interval,
// objects text[], single_use boolean)
Datum migsafe_approve_script(PG_FUNCTION_ARGS) {
    bool is_null = false;
    Datum result = migsafe::run_guarded([&] { return migsafe::record_script(fcinfo, is_null); });
    if (is_null) PG_RETURN_NULL();
    return result;
}
}
