// migsafe_approve() and migsafe_open_window() in C. Each resolves the objects
// it is given in the caller's search_path, with the caller's privileges, to
// the relations they name now (object_scope.hpp), then calls the PL/pgSQL
// function that validates and records the approval or window
// (migsafe.approve, migsafe.open_window: SECURITY DEFINER with a fixed
// search_path, so they could not resolve the caller's names themselves).
// EXECUTE on these two is what makes a role an approver: the recording
// functions are called through fmgr, which checks no privilege.
#include "entry_point.hpp"
#include "object_scope.hpp"

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
PG_FUNCTION_INFO_V1(migsafe_approve);
PG_FUNCTION_INFO_V1(migsafe_open_window);
}

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
