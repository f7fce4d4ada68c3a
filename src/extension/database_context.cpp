#include "database_context.hpp"

#include "../parser/pg_call.hpp"
#include "state.hpp"
#include "session_objects.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/xact.h"
#include "access/tableam.h"
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "catalog/indexing.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "parser/parse_type.h"
#include "nodes/makefuncs.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_proc.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "rewrite/rewriteHandler.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/timestamp.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
}

#include "settings.hpp"

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
    // Most databases protect nothing: then no name needs resolving.
    const std::vector<unsigned int> &oids = protected_oids();
    if (oids.empty()) return std::nullopt;
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return std::nullopt;
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

std::vector<RelName> DatabaseContext::protected_descendants(const RelName &table) const {
    std::vector<RelName> found;
    const std::vector<unsigned int> &oids = protected_oids();
    if (oids.empty()) return found;
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return found;
    List *family = pg_call([&] { return find_all_inheritors(relid, NoLock, nullptr); });
    ListCell *cell;
    foreach (cell, family) {
        Oid member = lfirst_oid(cell);
        if (member == relid || std::find(oids.begin(), oids.end(), member) == oids.end()) continue;
        if (std::optional<RelName> name = relation_name(member)) found.push_back(*name);
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

bool relation_is_new(unsigned int relid, int lock) {
    return pg_call([&] {
        Relation rel = RelationIdGetRelation(relid);
        if (rel == nullptr) return false;
        // A temporary table of this session counts as new whenever it was
        // created: no other session can see it, so emptying, dropping or
        // locking it touches no shared data and blocks no one. Another
        // session's temporary table (rd_islocaltemp false) is judged as
        // any other table.
        bool temporary = rel->rd_islocaltemp;
        bool created = rel->rd_createSubid != InvalidSubTransactionId;
        RelationClose(rel);
        if (temporary) return true;
        bool is_new = created || session_objects::relation_is_own(relid, static_cast<LOCKMODE>(lock));
        // New for now only: a plan PostgreSQL keeps from this analysis
        // (PREPARE, a PL/pgSQL statement, the extended protocol) may run
        // after the transaction committed and other sessions wrote rows.
        // Invalidating the table's relcache entry (at the end of the
        // statement) has every such plan analysed, and judged, again.
        if (is_new) CacheInvalidateRelcacheByRelid(relid);
        return is_new;
    });
}

bool DatabaseContext::relation_created_by_session(const RelName &relation) const {
    Oid relid = resolve_relation(relation);
    return OidIsValid(relid) && relation_is_new(relid, about_to_run_ ? ShareLock : NoLock);
}

bool DatabaseContext::column_added_by_session(const RelName &table, const std::string &column) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return false;
    const char *name = column.c_str();
    AttrNumber attnum = pg_call([&] { return get_attnum(relid, name); });
    return attnum != InvalidAttrNumber && session_objects::column_added(relid, attnum);
}

bool DatabaseContext::type_created_by_session(const RelName &type) const {
    const char *schema = type.schema.empty() ? nullptr : type.schema.c_str();
    const char *name = type.name.c_str();
    Oid typid = pg_call([&] {
        List *names = schema != nullptr ? list_make2(makeString(pstrdup(schema)), makeString(pstrdup(name)))
                                        : list_make1(makeString(pstrdup(name)));
        return LookupTypeNameOid(nullptr, makeTypeNameFromNameList(names), true);
    });
    return OidIsValid(typid) && session_objects::type_created(typid);
}

bool DatabaseContext::schema_created_by_session(const std::string &schema) const {
    const char *name = schema.c_str();
    Oid nspid = pg_call([&] { return get_namespace_oid(name, true); });
    return OidIsValid(nspid) && session_objects::schema_created(nspid);
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

Oid through_updatable_views(Oid relid, bool &inherited) {
    for (int depth = 0; depth < 100; depth++) {  // a view cannot be its own base; bound it anyway
        Oid base = InvalidOid;
        bool base_inherited = false;
        pg_call([&] {
            if (get_rel_relkind(relid) != RELKIND_VIEW) return;
            Relation view = relation_open(relid, AccessShareLock);
            Query *query = get_view_query(view);
            // INSTEAD OF triggers and rules do what they do instead: their
            // own statements are judged.
            const TriggerDesc *triggers = view->trigdesc;
            bool instead = view->rd_rules != nullptr &&
                           std::any_of(view->rd_rules->rules, view->rd_rules->rules + view->rd_rules->numLocks,
                                       [](const RewriteRule *rule) { return rule->event != CMD_SELECT; });
            instead = instead || (triggers != nullptr && (triggers->trig_insert_instead_row ||
                                                          triggers->trig_update_instead_row ||
                                                          triggers->trig_delete_instead_row));
            if (!instead && view_query_is_auto_updatable(query, false) == nullptr) {
                const auto *ref = linitial_node(RangeTblRef, query->jointree->fromlist);
                const RangeTblEntry *rte = rt_fetch(ref->rtindex, query->rtable);
                base = rte->relid;
                base_inherited = rte->inh;
            }
            relation_close(view, AccessShareLock);
        });
        if (!OidIsValid(base)) return relid;
        relid = base;
        inherited = base_inherited;
    }
    return relid;
}

std::vector<RelName> DatabaseContext::existing_relations(unsigned int relid, bool with_inheritors) const {
    std::vector<RelName> existing;
    relid = through_updatable_views(relid, with_inheritors);
    if (!relation_is_new(relid)) {
        if (std::optional<RelName> name = relation_name(relid)) existing.push_back(*name);
        return existing;
    }
    if (!with_inheritors) return existing;
    List *family = pg_call([&] { return find_all_inheritors(relid, NoLock, nullptr); });
    ListCell *cell;
    foreach (cell, family) {
        Oid member = lfirst_oid(cell);
        if (member == relid || relation_is_new(member)) continue;
        if (std::optional<RelName> name = relation_name(member)) existing.push_back(*name);
    }
    return existing;
}

std::vector<RelName> DatabaseContext::existing_inheritors(const RelName &table) const {
    Oid relid = resolve_relation(table);
    return OidIsValid(relid) ? existing_relations(relid, true) : std::vector<RelName>{};
}

bool DatabaseContext::column_not_null(const RelName &table, const std::string &column) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return false;
    const char *name = column.c_str();
    AttrNumber attnum = pg_call([&] { return get_attnum(relid, name); });
    return attnum > 0 && attribute_not_null(relid, attnum);
}

bool DatabaseContext::attribute_not_null(unsigned int relid, int attnum) const {
    return pg_call([&] {
        HeapTuple tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
        if (!HeapTupleIsValid(tuple)) return false;
        bool not_null = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tuple))->attnotnull;
        ReleaseSysCache(tuple);
        return not_null;
    });
}

bool DatabaseContext::operator_is_reflexive(unsigned int opno) const {
    char *name = pg_call([&] { return get_opname(opno); });
    return name != nullptr && (strcmp(name, "=") == 0 || strcmp(name, "<=") == 0 || strcmp(name, ">=") == 0);
}

Node *DatabaseContext::fold_constants(Node *expression) const {
    return pg_call([&] { return eval_const_expressions(nullptr, expression); });
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

// ---- Catalog facts for the lock rules --------------------------------------
// Each reads the relcache without taking a lock: the guard judges before the
// statement locks anything, and a lock taken here would be upgraded by the
// statement (a deadlock hazard). A fact that changes meanwhile changes what
// PostgreSQL does, not whether the statement is allowed to run.

namespace {

// PostgreSQL's ATColumnChangeRequiresRewrite (tablecmds.c): the conversion
// expression rewrites nothing when it reduces to the column itself through
// relabelings, domains without constraints and, when the time zone allows,
// timestamp <-> timestamptz.
bool conversion_rewrites(Node *expr, AttrNumber attnum) {
    for (;;) {
        if (IsA(expr, Var) && castNode(Var, expr)->varattno == attnum) return false;
        if (IsA(expr, RelabelType)) {
            expr = reinterpret_cast<Node *>(castNode(RelabelType, expr)->arg);
        } else if (IsA(expr, CoerceToDomain)) {
            const auto *domain = castNode(CoerceToDomain, expr);
            if (DomainHasConstraints(domain->resulttype)) return true;
            expr = reinterpret_cast<Node *>(domain->arg);
        } else if (IsA(expr, FuncExpr)) {
            const auto *call = castNode(FuncExpr, expr);
            if ((call->funcid != F_TIMESTAMPTZ_TIMESTAMP && call->funcid != F_TIMESTAMP_TIMESTAMPTZ) ||
                TimestampTimestampTzRequiresRewrite())
                return true;
            expr = static_cast<Node *>(linitial(call->args));
        } else {
            return true;
        }
    }
}

// Whether the planned conversion only relabels the column's stored value:
// binary-coercible casts and domains, with the length coercions that cannot
// fail already folded away by the planner.
bool keeps_stored_bytes(Node *expr, AttrNumber attnum) {
    for (;;) {
        if (IsA(expr, Var) && castNode(Var, expr)->varattno == attnum) return true;
        if (IsA(expr, RelabelType)) {
            expr = reinterpret_cast<Node *>(castNode(RelabelType, expr)->arg);
        } else if (IsA(expr, CoerceToDomain)) {
            // A domain's constraints can only refuse a value, never change it.
            expr = reinterpret_cast<Node *>(castNode(CoerceToDomain, expr)->arg);
        } else {
            return false;
        }
    }
}

// A type as the catalog describes it: the base type (past any domain), or
// for an array the base type of its elements, with the typmod that applies
// and the type's name; schema is null for pg_catalog. Filled inside
// pg_call(): nothing here has a destructor.
struct CatalogType {
    Oid type;
    int32 typmod;
    bool array;
    const char *schema;
    const char *name;
};

CatalogType catalog_type(Oid type, int32 typmod) {
    CatalogType found{InvalidOid, -1, false, nullptr, nullptr};
    type = getBaseTypeAndTypmod(type, &typmod);
    Oid element = get_element_type(type);
    if (OidIsValid(element)) {
        found.array = true;
        type = getBaseTypeAndTypmod(element, &typmod);
    }
    HeapTuple tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
    if (!HeapTupleIsValid(tuple)) return found;
    auto *form = reinterpret_cast<Form_pg_type>(GETSTRUCT(tuple));
    found.name = pstrdup(NameStr(form->typname));
    found.schema = form->typnamespace == PG_CATALOG_NAMESPACE ? nullptr : get_namespace_name(form->typnamespace);
    ReleaseSysCache(tuple);
    found.type = type;
    found.typmod = typmod;
    return found;
}

// The typmod as the modifiers written in SQL (type_change.hpp): varchar(20)
// is stored as 24, numeric(12,2) as (12 << 16 | 2) + 4, interval's fields
// and precision share one.
std::vector<int> written_mods(const std::string &name, bool in_catalog_schema, int32 typmod) {
    if (typmod < 0) return {};
    if (!in_catalog_schema) return {typmod};
    if (name == "varchar" || name == "bpchar") return {typmod - static_cast<int32>(VARHDRSZ)};
    if (name == "numeric") {
        int32 packed = typmod - static_cast<int32>(VARHDRSZ);
        return {(packed >> 16) & 0xFFFF, ((packed & 0x7FF) ^ 1024) - 1024};
    }
    if (name == "interval") {
        int range = INTERVAL_RANGE(typmod), precision = INTERVAL_PRECISION(typmod);
        if (range == INTERVAL_FULL_RANGE && precision == INTERVAL_FULL_PRECISION) return {};
        return {range, precision};
    }
    return {typmod};  // bit and varbit lengths, time precisions
}

ColumnType column_type(const CatalogType &type) {
    ColumnType column;
    std::string name = type.name;
    bool in_catalog_schema = type.schema == nullptr;
    column.name = in_catalog_schema ? name : quote_ident(type.schema) + "." + quote_ident(name);
    column.mods = written_mods(name, in_catalog_schema, type.typmod);
    column.array = type.array;
    return column;
}

// The relation's OID when it is an ordinary table (not partitioned, not a
// view), else InvalidOid.
Oid plain_table(const RelName &table) {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return InvalidOid;
    char kind = pg_call([&] { return get_rel_relkind(relid); });
    return kind == RELKIND_RELATION || kind == RELKIND_MATVIEW ? relid : InvalidOid;
}

}  // namespace

std::optional<bool> DatabaseContext::type_change_rewrites(const RelName &table, const std::string &column,
                                                          const TypeName *type) const {
    Oid relid = plain_table(table);
    if (!OidIsValid(relid)) return std::nullopt;
    const char *name = column.c_str();
    return pg_call([&]() -> std::optional<bool> {
        AttrNumber attnum = get_attnum(relid, name);
        if (attnum <= 0) return std::nullopt;
        Oid old_type = InvalidOid, collation = InvalidOid;
        int32 old_typmod = -1;
        get_atttypetypmodcoll(relid, attnum, &old_type, &old_typmod, &collation);
        int32 new_typmod = -1;
        Type new_type = LookupTypeName(nullptr, type, &new_typmod, true);
        if (new_type == nullptr) return std::nullopt;
        Oid new_type_oid = typeTypeId(new_type);
        ReleaseSysCache(new_type);
        // The expression ALTER TABLE builds (ATPrepAlterColumnType), planned
        // as it plans it, so that length coercions that change nothing
        // (varchar(20) to varchar(40)) fold away.
        Node *column_value = reinterpret_cast<Node *>(makeVar(1, attnum, old_type, old_typmod, collation, 0));
        Node *conversion = coerce_to_target_type(nullptr, column_value, old_type, new_type_oid, new_typmod,
                                                 COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
        if (conversion == nullptr) return std::nullopt;  // no cast: PostgreSQL refuses the statement
        conversion = reinterpret_cast<Node *>(expression_planner(reinterpret_cast<Expr *>(conversion)));
        return conversion_rewrites(conversion, attnum);
    });
}

// From the column's type and the new one, as PostgreSQL will convert
// (ATPrepAlterColumnType): whether the conversion keeps the stored bytes,
// and both types for the classifier's table of lossless conversions.
std::optional<TypeChange> DatabaseContext::type_change(const RelName &table, const std::string &column,
                                                      const TypeName *type, bool explicit_cast) const {
    if (type->pct_type || type->setof) return std::nullopt;
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return std::nullopt;
    const char *name = column.c_str();
    struct Facts {
        bool known;
        bool keeps_bytes;
        CatalogType from;
        CatalogType to;
    };
    Facts facts = pg_call([&]() -> Facts {
        Facts found{};
        char kind = get_rel_relkind(relid);
        if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE && kind != RELKIND_MATVIEW &&
            kind != RELKIND_FOREIGN_TABLE)
            return found;
        AttrNumber attnum = get_attnum(relid, name);
        if (attnum <= 0) return found;
        Oid old_type = InvalidOid, collation = InvalidOid;
        int32 old_typmod = -1;
        get_atttypetypmodcoll(relid, attnum, &old_type, &old_typmod, &collation);
        int32 new_typmod = -1;
        Type new_type = LookupTypeName(nullptr, type, &new_typmod, true);
        if (new_type == nullptr) return found;
        Oid new_type_oid = typeTypeId(new_type);
        ReleaseSysCache(new_type);
        Node *column_value = reinterpret_cast<Node *>(makeVar(1, attnum, old_type, old_typmod, collation, 0));
        Node *conversion = coerce_to_target_type(
            nullptr, column_value, old_type, new_type_oid, new_typmod,
            explicit_cast ? COERCION_EXPLICIT : COERCION_ASSIGNMENT,
            explicit_cast ? COERCE_EXPLICIT_CAST : COERCE_IMPLICIT_CAST, -1);
        // No conversion: PostgreSQL refuses the statement; the types still
        // say what it was meant to do.
        if (conversion != nullptr) {
            conversion = reinterpret_cast<Node *>(expression_planner(reinterpret_cast<Expr *>(conversion)));
            found.keeps_bytes = keeps_stored_bytes(conversion, attnum);
        }
        found.from = catalog_type(old_type, old_typmod);
        found.to = catalog_type(new_type_oid, new_typmod);
        found.known = OidIsValid(found.from.type) && OidIsValid(found.to.type);
        return found;
    });
    if (!facts.known) return std::nullopt;
    return TypeChange{column_type(facts.from), column_type(facts.to), facts.keeps_bytes};
}

std::optional<bool> DatabaseContext::not_null_proven(const RelName &table, const std::string &column) const {
    Oid relid = plain_table(table);
    if (!OidIsValid(relid)) return std::nullopt;
    const char *name = column.c_str();
    return pg_call([&]() -> std::optional<bool> {
        AttrNumber attnum = get_attnum(relid, name);
        if (attnum <= 0) return std::nullopt;
        Relation rel = RelationIdGetRelation(relid);
        if (rel == nullptr) return std::nullopt;
        // PostgreSQL's NotNullImpliedByRelConstraints: the validated CHECK
        // constraints, as expressions, must imply "column IS NOT NULL".
        List *checks = NIL;
        TupleConstr *constraints = rel->rd_att->constr;
        for (int i = 0; constraints != nullptr && i < constraints->num_check; ++i) {
            const ConstrCheck &check = constraints->check[i];
            if (!check.ccvalid) continue;
            Node *expr = eval_const_expressions(nullptr, static_cast<Node *>(stringToNode(check.ccbin)));
            expr = reinterpret_cast<Node *>(canonicalize_qual(reinterpret_cast<Expr *>(expr), true));
            checks = list_concat(checks, make_ands_implicit(reinterpret_cast<Expr *>(expr)));
        }
        Form_pg_attribute attribute = TupleDescAttr(rel->rd_att, attnum - 1);
        NullTest *not_null = makeNode(NullTest);
        not_null->arg = reinterpret_cast<Expr *>(
            makeVar(1, attnum, attribute->atttypid, attribute->atttypmod, attribute->attcollation, 0));
        not_null->nulltesttype = IS_NOT_NULL;
        not_null->argisrow = false;
        not_null->location = -1;
        RelationClose(rel);
        return checks != NIL && predicate_implied_by(list_make1(not_null), checks, true);
    });
}

namespace {

// The column a CHECK constraint of the relation tests with nothing but
// "column IS NOT NULL" (as PostgreSQL stored it: a NullTest of the column's
// Var, argisrow false for a scalar column), or 0 for any other constraint.
// Inside pg_call.
AttrNumber not_null_check_column(Oid relid, const char *constraint) {
    Oid constraint_oid = get_relation_constraint_oid(relid, constraint, true);
    if (!OidIsValid(constraint_oid)) return 0;
    HeapTuple tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(constraint_oid));
    if (!HeapTupleIsValid(tuple)) return 0;
    char *expression = nullptr;
    if (reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tuple))->contype == CONSTRAINT_CHECK) {
        bool is_null = true;
        Datum bin = SysCacheGetAttr(CONSTROID, tuple, Anum_pg_constraint_conbin, &is_null);
        if (!is_null) expression = TextDatumGetCString(bin);
    }
    ReleaseSysCache(tuple);
    if (expression == nullptr) return 0;
    Node *check = static_cast<Node *>(stringToNode(expression));
    if (!IsA(check, NullTest)) return 0;
    const auto *test = castNode(NullTest, check);
    if (test->nulltesttype != IS_NOT_NULL || test->argisrow || test->arg == nullptr || !IsA(test->arg, Var))
        return 0;
    const auto *column = castNode(Var, test->arg);
    return column->varlevelsup == 0 && column->varattno > 0 ? column->varattno : 0;
}

}  // namespace

bool DatabaseContext::partitioned_table(const RelName &table) const {
    Oid relid = resolve_relation(table);
    return OidIsValid(relid) && pg_call([&] { return get_rel_relkind(relid); }) == RELKIND_PARTITIONED_TABLE;
}

namespace {

// The key columns of the table's index of this name (in the table's schema)
// that are not NOT NULL, as a List of C strings; false when there is no such
// index of that table. Inside pg_call.
bool index_nullable_key_columns(Oid relid, const char *index, List **columns) {
    Oid index_oid = get_relname_relid(index, get_rel_namespace(relid));
    if (!OidIsValid(index_oid)) return false;
    HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index_oid));
    if (!HeapTupleIsValid(tuple)) return false;
    const auto *form = reinterpret_cast<Form_pg_index>(GETSTRUCT(tuple));
    bool of_table = form->indrelid == relid;
    for (int key = 0; of_table && key < form->indnkeyatts; ++key) {
        AttrNumber attnum = form->indkey.values[key];
        if (attnum <= 0) continue;  // an expression: PostgreSQL refuses it as a primary key anyway
        HeapTuple attribute = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
        if (!HeapTupleIsValid(attribute)) continue;
        const auto *column = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(attribute));
        if (!column->attnotnull) *columns = lappend(*columns, pstrdup(NameStr(column->attname)));
        ReleaseSysCache(attribute);
    }
    ReleaseSysCache(tuple);
    return of_table;
}

}  // namespace

std::optional<std::vector<std::string>> DatabaseContext::index_nullable_columns(const RelName &table,
                                                                                const std::string &index) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return std::nullopt;
    const char *name = index.c_str();
    List *columns = NIL;
    if (!pg_call([&] { return index_nullable_key_columns(relid, name, &columns); })) return std::nullopt;
    std::vector<std::string> nullable;
    ListCell *cell;
    foreach (cell, columns) nullable.emplace_back(static_cast<const char *>(lfirst(cell)));
    return nullable;
}

namespace {

// Whether the relation's constraint of this name is not yet validated and
// has a catalog row written by the running transaction (or one of its
// subtransactions): added NOT VALID in it. An already validated one makes
// VALIDATE a no-op. Inside pg_call.
bool constraint_is_transactions_own(Oid relid, const char *constraint) {
    Oid constraint_oid = get_relation_constraint_oid(relid, constraint, true);
    if (!OidIsValid(constraint_oid)) return false;
    HeapTuple tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(constraint_oid));
    if (!HeapTupleIsValid(tuple)) return false;
    bool own = !reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tuple))->convalidated &&
               TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data));
    ReleaseSysCache(tuple);
    return own;
}

}  // namespace

bool DatabaseContext::constraint_created_in_transaction(const RelName &table, const std::string &constraint) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return false;
    const char *name = constraint.c_str();
    return pg_call([&] { return constraint_is_transactions_own(relid, name); });
}

// An index counts when PostgreSQL's foreign key checks can use it: its
// leading key columns are exactly the columns (a 0 in indkey is an
// expression), it is not partial (indpred NULL), it is valid and live (an
// index a failed CREATE INDEX CONCURRENTLY left behind serves no query), and
// it is a B-tree or hash index (equality look-ups). A partitioned table's
// index counts once it is valid, that is on every partition. No lock is
// taken: the relcache and the syscache read the committed catalog (and the
// transaction's own changes), which is what the statement about to run sees.
std::optional<bool> DatabaseContext::index_covers_columns(const RelName &table,
                                                          const std::vector<std::string> &columns) const {
    Oid relid = resolve_relation(table);
    // A table the catalog does not know (an earlier migration, not yet run,
    // creates it): its indexes are not known either.
    if (!OidIsValid(relid)) return std::nullopt;
    if (columns.empty() || columns.size() > INDEX_MAX_KEYS) return false;
    const char *names[INDEX_MAX_KEYS];
    int count = static_cast<int>(columns.size());
    for (int i = 0; i < count; ++i) names[i] = columns[static_cast<std::size_t>(i)].c_str();
    return pg_call([&]() -> std::optional<bool> {
        char kind = get_rel_relkind(relid);
        if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE) return false;
        AttrNumber wanted[INDEX_MAX_KEYS];
        for (int i = 0; i < count; ++i) {
            wanted[i] = get_attnum(relid, names[i]);
            if (wanted[i] <= 0) return false;  // no such column: the statement adds it, no index has it yet
        }
        Relation rel = RelationIdGetRelation(relid);
        if (rel == nullptr) return std::nullopt;
        List *indexes = RelationGetIndexList(rel);
        RelationClose(rel);
        bool covered = false;
        ListCell *cell;
        foreach (cell, indexes) {
            HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(cell)));
            if (!HeapTupleIsValid(tuple)) continue;
            auto *index = reinterpret_cast<Form_pg_index>(GETSTRUCT(tuple));
            bool usable = index->indisvalid && index->indislive && index->indnkeyatts >= count &&
                          heap_attisnull(tuple, Anum_pg_index_indpred, nullptr);
            for (int i = 0; usable && i < count; ++i) {
                bool listed = false;
                for (int j = 0; j < count; ++j) listed = listed || index->indkey.values[i] == wanted[j];
                for (int j = 0; j < i; ++j) listed = listed && index->indkey.values[j] != index->indkey.values[i];
                usable = listed;  // distinct key columns, each one of the foreign key's
            }
            Oid index_oid = index->indexrelid;
            ReleaseSysCache(tuple);
            if (!usable) continue;
            HeapTuple class_tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(index_oid));
            if (!HeapTupleIsValid(class_tuple)) continue;
            Oid access_method = reinterpret_cast<Form_pg_class>(GETSTRUCT(class_tuple))->relam;
            ReleaseSysCache(class_tuple);
            if (access_method == BTREE_AM_OID || access_method == HASH_AM_OID) {
                covered = true;
                break;
            }
        }
        list_free(indexes);
        return covered;
    });
}

bool DatabaseContext::check_implied_by_not_null(const RelName &table, const std::string &constraint,
                                                bool with_children) const {
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return false;
    char kind = pg_call([&] { return get_rel_relkind(relid); });
    if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE) return false;
    const char *name = constraint.c_str();
    AttrNumber attnum = pg_call([&] { return not_null_check_column(relid, name); });
    if (attnum == 0 || !attribute_not_null(relid, attnum)) return false;
    if (!with_children) return true;
    // The drop also removes the CHECK's inherited copies: each child's
    // column must be NOT NULL too (ALTER TABLE ONLY ... SET NOT NULL can
    // leave a child's nullable).
    char *column = pg_call([&] { return get_attname(relid, attnum, true); });
    if (column == nullptr) return false;
    List *family = pg_call([&] { return find_all_inheritors(relid, NoLock, nullptr); });
    ListCell *cell;
    foreach (cell, family) {
        Oid member = lfirst_oid(cell);
        if (member == relid) continue;
        AttrNumber member_attnum = pg_call([&] { return get_attnum(member, column); });
        if (member_attnum <= 0 || !attribute_not_null(member, member_attnum)) return false;
    }
    return true;
}

// ---- Domains ---------------------------------------------------------------------

namespace {

// What ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL checks, found the way
// PostgreSQL finds it (get_rels_with_domain, typecmds.c): pg_depend's
// entries on the type. Counted: the columns of tables and materialized views
// of the type, of a domain over it, or of an array of either (PostgreSQL
// checks the first two and refuses the statement for the arrays: either way
// the column is in use). Not counted: columns of views and foreign tables,
// which store nothing PostgreSQL checks (a partitioned table's partitions
// are tables of their own). -1 ("cannot know", judged as in use) for any
// other type built on it (a composite type's column, a range type), whose
// values may be stored anywhere. Plain C: it runs inside pg_call().
int domain_columns_of(Oid type, int depth) {
    if (depth > 32) return -1;  // PostgreSQL's own walk would recurse as deep
    Relation depend = table_open(DependRelationId, AccessShareLock);
    ScanKeyData key[2];
    ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
                ObjectIdGetDatum(TypeRelationId));
    ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(type));
    SysScanDesc scan = systable_beginscan(depend, DependReferenceIndexId, true, nullptr, 2, key);
    int columns = 0;
    HeapTuple tuple;
    while (columns >= 0 && HeapTupleIsValid(tuple = systable_getnext(scan))) {
        auto *dependent = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tuple));
        if (dependent->classid == RelationRelationId && dependent->objsubid > 0) {
            char kind = get_rel_relkind(dependent->objid);
            if (kind == RELKIND_RELATION || kind == RELKIND_MATVIEW)
                ++columns;
            else if (kind != RELKIND_VIEW && kind != RELKIND_FOREIGN_TABLE && kind != RELKIND_PARTITIONED_TABLE)
                columns = -1;  // a composite type's column (or a kind unknown here)
        } else if (dependent->classid == TypeRelationId) {
            bool over = get_typtype(dependent->objid) == TYPTYPE_DOMAIN || get_element_type(dependent->objid) == type;
            int more = over ? domain_columns_of(dependent->objid, depth + 1) : -1;
            columns = more < 0 ? -1 : columns + more;
        }
    }
    systable_endscan(scan);
    table_close(depend, AccessShareLock);
    return columns;
}

}  // namespace

std::optional<int> DatabaseContext::domain_columns(const RelName &domain) const {
    const char *schema = domain.schema.empty() ? nullptr : domain.schema.c_str();
    const char *name = domain.name.c_str();
    int columns = pg_call([&] {
        List *names = schema != nullptr ? list_make2(makeString(pstrdup(schema)), makeString(pstrdup(name)))
                                        : list_make1(makeString(pstrdup(name)));
        Oid typid = LookupTypeNameOid(nullptr, makeTypeNameFromNameList(names), true);
        if (!OidIsValid(typid) || get_typtype(typid) != TYPTYPE_DOMAIN) return -1;
        return domain_columns_of(typid, 0);
    });
    if (columns < 0) return std::nullopt;
    return columns;
}

// ---- Empty tables ------------------------------------------------------------
// Whether a table holds a row is asked only by the rules that already found
// a statement that loses its rows (TRUNCATE, DELETE or UPDATE of every row,
// DROP TABLE, ADD COLUMN NOT NULL without a default): ordinary statements
// never pay for it.

namespace {

// What a look at a table's rows found.
enum class Rows { none, some, unknown };

// Pages one look reads at most, over the whole family: 8 MB at the default
// block size. A table whose first pages hold only dead rows (emptied by a
// DELETE that vacuum has not yet cut back) is read page by page; past the
// limit the answer is "cannot know", judged as holding rows.
constexpr BlockNumber kEmptinessPages = 1024;

// Whether one relation holds a row, stopping at the first. SnapshotDirty
// sees every committed row and every row another transaction (a prepared
// one too) has inserted and not yet committed, or deleted and not yet
// committed: such a row counts. Rows this transaction deleted and rows a
// committed transaction deleted do not. Plain C: it runs inside pg_call().
Rows relation_rows(Relation rel, BlockNumber &budget) {
    char kind = rel->rd_rel->relkind;
    if (kind == RELKIND_PARTITIONED_TABLE) return Rows::none;  // its partitions hold its rows
    // A foreign table's rows are elsewhere; another session's temporary
    // table cannot be read from here.
    if ((kind != RELKIND_RELATION && kind != RELKIND_MATVIEW) || RELATION_IS_OTHER_TEMP(rel)) return Rows::unknown;
    BlockNumber pages = RelationGetNumberOfBlocks(rel);
    if (pages == 0) return Rows::none;
    if (rel->rd_tableam != GetHeapamTableAmRoutine()) return Rows::unknown;
    SnapshotData dirty;
    InitDirtySnapshot(dirty);
    TableScanDesc scan = table_beginscan_strat(rel, &dirty, 0, nullptr, true, false);
    heap_setscanlimits(scan, 0, std::min(pages, budget));
    bool found = heap_getnext(scan, ForwardScanDirection) != nullptr;
    table_endscan(scan);
    if (found) return Rows::some;
    if (pages > budget) return Rows::unknown;
    budget -= pages;
    return Rows::none;
}

// The same for the relation and every child and partition, at any depth
// (what TRUNCATE, DELETE and UPDATE without ONLY reach, and DROP ...
// CASCADE), each locked in `lock` mode first. keep: hold the locks until
// the transaction ends; otherwise each is released after the look (taken
// and released once each, so that a lock the transaction held before stays).
Rows family_rows(Oid relid, LOCKMODE lock, bool keep) {
    return pg_call([&] {
        LockRelationOid(relid, lock);  // find_all_inheritors() locks the children only
        List *family = find_all_inheritors(relid, lock, nullptr);
        BlockNumber budget = kEmptinessPages;
        Rows rows = Rows::none;
        ListCell *cell;
        foreach (cell, family) {
            Relation rel = RelationIdGetRelation(lfirst_oid(cell));
            rows = rel == nullptr ? Rows::unknown : relation_rows(rel, budget);  // null: dropped meanwhile
            if (rel != nullptr) RelationClose(rel);
            if (rows != Rows::none) break;
        }
        if (!keep)
            foreach (cell, family) UnlockRelationOid(lfirst_oid(cell), lock);
        return rows;
    });
}

}  // namespace

// A view that PostgreSQL updates itself is judged by its base table. The
// first look takes only ACCESS SHARE, released after it: a table with a row
// (the common case of a statement already found dangerous) is answered at
// once, without waiting for its writers or making them wait, and without a
// lock that the statement's own would upgrade. About to run, a family that
// looks empty is locked in SHARE mode, which waits for every transaction
// writing to it (a prepared one too) and lets none start until this
// transaction ends, and looked at again: no row can then be committed
// between the answer and the statement's own lock.
//
// The answer holds for now only, but PostgreSQL may keep the plan of the
// statement judged (PREPARE, a PL/pgSQL statement, a named statement of the
// extended protocol) and run it again later without analysing it, when the
// table may hold rows. Found empty, the table's relcache entry is therefore
// invalidated (at the end of the statement): every plan cached from this
// analysis is analysed, and judged, again before it next runs.
std::optional<bool> DatabaseContext::table_is_empty(const RelName &table) const {
    if (!judges_contents_) return std::nullopt;
    Oid relid = resolve_relation(table);
    if (!OidIsValid(relid)) return std::nullopt;
    bool inherited = true;  // the whole family is looked at, whatever ONLY the view says: never fewer rows
    relid = through_updatable_views(relid, inherited);
    for (const auto &[known, empty] : emptiness_)
        if (known == relid) return empty;
    char kind = pg_call([&] { return get_rel_relkind(relid); });
    if (kind != RELKIND_RELATION && kind != RELKIND_MATVIEW && kind != RELKIND_PARTITIONED_TABLE) return std::nullopt;
    Rows rows = family_rows(relid, AccessShareLock, false);
    if (rows == Rows::none && about_to_run_) {
        // Only a role that may change the table gets it locked (as LOCK
        // TABLE ... IN SHARE MODE requires): another's statement fails on
        // its privileges anyway, and must not make the table's writers wait.
        bool may_lock = pg_call([&] {
            bool missing = false;  // dropped meanwhile: cannot know
            return pg_class_aclcheck_ext(relid, GetUserId(), ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE, &missing) ==
                       ACLCHECK_OK &&
                   !missing;
        });
        rows = may_lock ? family_rows(relid, ShareLock, true) : Rows::unknown;
        if (rows == Rows::none) pg_call([&] { CacheInvalidateRelcacheByRelid(relid); });
    }
    std::optional<bool> empty;
    if (rows == Rows::none) empty = true;
    else if (rows == Rows::some) empty = false;
    emptiness_.emplace_back(relid, empty);
    return empty;
}

std::optional<bool> DatabaseContext::function_is_volatile(const List *name) const {
    return pg_call([&]() -> std::optional<bool> {
        FuncCandidateList candidates =
            FuncnameGetCandidates(const_cast<List *>(name), -1, NIL, false, false, false, true);
        if (candidates == nullptr) return std::nullopt;
        for (; candidates != nullptr; candidates = candidates->next)
            if (func_volatile(candidates->oid) == PROVOLATILE_VOLATILE) return true;
        return false;
    });
}

bool DatabaseContext::lock_timeout_in_effect() const {
    return about_to_run_ &&
           (LockTimeout > 0 || settings::ddl_lock_timeout_ms > 0 || settings::lock_wait_budget() > 0);
}

bool DatabaseContext::opted_in(std::string_view rule) const {
    return (rule == "missing-lock-timeout" && settings::require_lock_timeout) || settings::rule_enabled(rule);
}

}  // namespace migsafe
