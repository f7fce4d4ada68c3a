#include "database_context.hpp"

#include "../parser/pg_call.hpp"
#include "state.hpp"
#include "transaction_objects.hpp"

extern "C" {
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "parser/parse_type.h"
#include "nodes/makefuncs.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
}

#include <algorithm>

namespace migsafe {

unsigned int resolve_relation(const RelName &relation) {
    const char *schema = relation.schema.empty() ? nullptr : relation.schema.c_str();
    const char *name = relation.name.c_str();
    return pg_call([&] {
        RangeVar *range_var = makeRangeVar(schema != nullptr ? pstrdup(schema) : nullptr, pstrdup(name), -1);
        return RangeVarGetRelid(range_var, NoLock, true);
    });
}

const std::vector<unsigned int> &DatabaseContext::protected_oids() const {
    if (!protected_) protected_ = state::installed() ? state::protected_relations() : std::vector<unsigned int>{};
    return *protected_;
}

std::optional<RelName> DatabaseContext::protected_match(const RelName &table) const {
    if (names_ != nullptr) {
        if (std::optional<RelName> match = names_->protected_match(table)) return match;
    }
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return std::nullopt;
    const std::vector<unsigned int> &oids = protected_oids();
    if (std::find(oids.begin(), oids.end(), relid) == oids.end()) return std::nullopt;
    return relation_name(relid);
}

std::vector<RelName> DatabaseContext::protected_in_schema(const std::string &schema) const {
    std::vector<RelName> found;
    if (names_ != nullptr) found = names_->protected_in_schema(schema);
    const char *schema_name = schema.c_str();
    Oid namespace_oid = pg_call([&] { return get_namespace_oid(schema_name, true); });
    if (!OidIsValid(namespace_oid)) return found;
    for (unsigned int relid : protected_oids()) {
        Oid in_namespace = pg_call([&] { return get_rel_namespace(relid); });
        if (in_namespace != namespace_oid) continue;
        if (std::optional<RelName> name = relation_name(relid)) found.push_back(*name);
    }
    return found;
}

// As ExecuteTruncate() does for CASCADE: heap_truncate_find_FKs() gives the
// tables referencing any in the list (not those already in it); repeat until
// none is added.
std::vector<RelName> DatabaseContext::truncate_cascade_reaches(const std::vector<RelName> &tables) const {
    List *named = NIL;
    for (const RelName &table : tables) {
        Oid relid = resolve_relation(table);
        if (OidIsValid(relid)) named = pg_call([&] { return lappend_oid(named, relid); });
    }
    std::vector<RelName> reached;
    if (named == NIL) return reached;
    List *all = pg_call([&] { return list_copy(named); });
    for (;;) {
        List *referencing = pg_call([&] { return heap_truncate_find_FKs(all); });
        if (referencing == NIL) break;
        ListCell *cell;
        foreach (cell, referencing) {
            if (std::optional<RelName> name = relation_name(lfirst_oid(cell))) reached.push_back(*name);
        }
        all = pg_call([&] { return list_concat(all, referencing); });
    }
    return reached;
}

bool created_in_transaction(unsigned int relid) {
    return pg_call([&] {
        Relation rel = RelationIdGetRelation(relid);
        if (rel == nullptr) return false;
        // A temporary table of this session counts as new whenever it was
        // created: no other session can see it, so emptying, dropping or
        // locking it touches no shared data and blocks no one. Another
        // session's temporary table (rd_islocaltemp false) is judged as
        // any other table.
        bool created = rel->rd_createSubid != InvalidSubTransactionId || rel->rd_islocaltemp;
        RelationClose(rel);
        return created;
    });
}

bool DatabaseContext::relation_created_in_transaction(const RelName &relation) const {
    Oid relid = resolve_relation(relation);
    return OidIsValid(relid) && created_in_transaction(relid);
}

bool DatabaseContext::column_added_in_transaction(const RelName &table, const std::string &column) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return false;
    const char *name = column.c_str();
    AttrNumber attnum = pg_call([&] { return get_attnum(relid, name); });
    return attnum != InvalidAttrNumber && transaction_objects::column_added(relid, attnum);
}

std::optional<RelName> DatabaseContext::relation_name(unsigned int relid) const {
    const char *schema = nullptr;
    const char *name = nullptr;
    pg_call([&] {
        name = get_rel_name(relid);
        if (name != nullptr) schema = get_namespace_name(get_rel_namespace(relid));
    });
    if (name == nullptr) return std::nullopt;
    return RelName{schema != nullptr ? schema : "", name};
}

bool DatabaseContext::is_guard_state(const RelName &table) const {
    Oid relid = resolve_relation(table);
    return OidIsValid(relid) ? state::is_state_relation(relid) : Context::is_guard_state(table);
}

bool DatabaseContext::is_guard_state_relation(unsigned int relid) const { return state::is_state_relation(relid); }

// A cancel or a terminate raises here: pg_call() carries it out as a C++
// exception, so that the classifier's objects are destroyed, and run_guarded()
// raises it again at the boundary.
void DatabaseContext::before_statement() const {
    pg_call([] { CHECK_FOR_INTERRUPTS(); });
}

bool DatabaseContext::object_absent(ObjectType kind, const RelName &name) const {
    if (!about_to_run_) return false;
    const char *schema = name.schema.empty() ? nullptr : name.schema.c_str();
    const char *object = name.name.c_str();
    switch (kind) {
        case OBJECT_TABLE:
        case OBJECT_MATVIEW:
        case OBJECT_INDEX:
        case OBJECT_FOREIGN_TABLE:
            return !OidIsValid(resolve_relation(name));
        case OBJECT_SCHEMA:
            return pg_call([&] { return !OidIsValid(get_namespace_oid(object, true)); });
        case OBJECT_DATABASE:
            return pg_call([&] { return !OidIsValid(get_database_oid(object, true)); });
        case OBJECT_EXTENSION:
            return pg_call([&] { return !OidIsValid(get_extension_oid(object, true)); });
        case OBJECT_TYPE:
        case OBJECT_DOMAIN:
            return pg_call([&] {
                List *names = schema != nullptr ? list_make2(makeString(pstrdup(schema)), makeString(pstrdup(object)))
                                                : list_make1(makeString(pstrdup(object)));
                return !OidIsValid(LookupTypeNameOid(nullptr, makeTypeNameFromNameList(names), true));
            });
        default:
            return false;
    }
}

}  // namespace migsafe
