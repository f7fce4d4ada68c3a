#include "keep_dropped.hpp"

#include "compat.hpp"
#include "entry_point.hpp"
#include "settings.hpp"
#include "state.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "tcop/cmdtag.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

#include <string>

namespace migsafe::keep_dropped {

namespace {

void notice(const std::string &message, const std::string &hint = "") {
    pg_call([&] {
        if (hint.empty()) ereport(NOTICE, (errmsg_internal("%s", message.c_str())));
        else ereport(NOTICE, (errmsg_internal("%s", message.c_str()), errhint("%s", hint.c_str())));
    });
}

// The one table the DROP TABLE names, if it exists; InvalidOid otherwise
// (the DROP then runs and says what PostgreSQL says).
Oid dropped_table(const DropStmt *drop) {
    List *name = castNode(List, linitial(drop->objects));
    return pg_call([&] { return RangeVarGetRelid(makeRangeVarFromNameList(name), NoLock, true); });
}

std::string qualified_name(Oid relid) {
    return pg_call([&]() -> std::string {
        char *schema = get_namespace_name(get_rel_namespace(relid));
        char *name = get_rel_name(relid);
        return quote_qualified_identifier(schema, name);
    });
}

}  // namespace

bool instead_of_drop(const Node *stmt, long long audit_id, std::string_view statement, QueryCompletion *qc) {
    const auto *drop = castNode(DropStmt, stmt);
    if (drop->removeType != OBJECT_TABLE || drop->concurrent) return false;
    if (list_length(drop->objects) != 1) {
        notice("migsafe.keep_dropped keeps the table of a DROP TABLE that names one: these " +
               std::to_string(list_length(drop->objects)) + " tables are dropped, not kept");
        return false;
    }
    Oid relid = dropped_table(drop);
    if (!OidIsValid(relid) || !pg_call([&] { return compat::owns_relation(relid); })) return false;
    std::string name = qualified_name(relid);
    state::KeepResult kept = state::keep_dropped(relid, settings::keep_dropped_s, std::string(statement));
    if (!kept.not_kept.empty()) {
        notice("migsafe.keep_dropped: " + name + " is dropped, not kept: " + kept.not_kept);
        return false;
    }
    if (!kept.error.empty()) {
        notice("migsafe.keep_dropped: " + name + " is dropped, not kept: keeping it failed: " + kept.error);
        return false;
    }
    state::record_kept(audit_id, kept.kept_as);
    notice("migsafe kept " + name + " as migsafe_dropped." + kept.kept_as + " (migsafe.keep_dropped)",
           "SELECT migsafe_restore('" + kept.kept_as + "') puts it back; migsafe_purge() drops it once its time is past.");
    if (qc != nullptr) pg_call([&] { SetQueryCompletion(qc, CMDTAG_DROP_TABLE, 0); });
    return true;
}

}  // namespace migsafe::keep_dropped
