#include "live_catalog.hpp"

#include "database.hpp"
#include "libpg_query.hpp"

#include <cstdlib>
#include <vector>

namespace migsafe::cli {

namespace {

// The catalog's qualified name of a relation named in a script, quoted by
// the server, so that to_regclass() resolves it by the search_path.
constexpr const char *kQuotedName =
    "CASE WHEN $1 = '' THEN quote_ident($2) ELSE quote_ident($1) || '.' || quote_ident($2) END";

// A type as the catalog describes it (DatabaseContext's catalog_type()): the
// base type past domains, or for an array the base type of its elements,
// with the typmod that applies.
struct CatalogType {
    std::string oid;
    int typmod = -1;
    bool array = false;
    bool in_catalog_schema = false;
    std::string name;     // pg_type.typname
    std::string display;  // the name as ColumnType spells it
    char typtype = 0;
};

// One pg_type row, as the walk past domains and arrays needs it.
struct TypeRow {
    char typtype;
    std::string base, element;  // typbasetype; typelem of a true array type, else "0"
    int typtypmod;
    bool in_catalog_schema;
    std::string name, qualified;
};

std::optional<TypeRow> type_row(const Database &database, const std::string &oid) {
    Rows rows = database.query(
        "SELECT t.typtype, t.typbasetype, t.typtypmod,"
        // A true array type: varlena with an element type (format_type()'s
        // test; typsubscript only exists from PostgreSQL 14 on).
        "       CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE 0 END,"
        "       n.nspname = 'pg_catalog', t.typname, quote_ident(n.nspname) || '.' || quote_ident(t.typname)"
        "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = $1::oid",
        {oid});
    if (rows.size() != 1) return std::nullopt;
    return TypeRow{rows.text(0, 0)[0], rows.text(0, 1), rows.text(0, 3), std::atoi(rows.text(0, 2).c_str()),
                   rows.boolean(0, 4), rows.text(0, 5), rows.text(0, 6)};
}

// getBaseTypeAndTypmod(): past every domain, the typmod of the last one
// that has one.
std::optional<TypeRow> base_type(const Database &database, std::string &oid, int &typmod) {
    for (int depth = 0; depth < 100; ++depth) {
        std::optional<TypeRow> row = type_row(database, oid);
        if (!row || row->typtype != 'd') return row;
        typmod = row->typtypmod;
        oid = row->base;
    }
    return std::nullopt;
}

std::optional<CatalogType> catalog_type(const Database &database, std::string oid, int typmod) {
    std::optional<TypeRow> row = base_type(database, oid, typmod);
    if (!row) return std::nullopt;
    CatalogType type;
    if (row->element != "0") {
        type.array = true;
        oid = row->element;
        row = base_type(database, oid, typmod);
        if (!row) return std::nullopt;
    }
    type.oid = oid;
    type.typmod = typmod;
    type.in_catalog_schema = row->in_catalog_schema;
    type.name = row->name;
    type.display = row->in_catalog_schema ? row->name : row->qualified;
    type.typtype = row->typtype;
    return type;
}

// The typmod as the modifiers written in SQL (DatabaseContext's
// written_mods()): varchar(20) is stored as 24, numeric(12,2) as
// (12 << 16 | 2) + 4, interval's fields and precision share one.
std::vector<int> written_mods(const CatalogType &type) {
    constexpr int kHeader = 4;  // VARHDRSZ
    int typmod = type.typmod;
    if (typmod < 0) return {};
    if (!type.in_catalog_schema) return {typmod};
    if (type.name == "varchar" || type.name == "bpchar") return {typmod - kHeader};
    if (type.name == "numeric") {
        int packed = typmod - kHeader;
        return {(packed >> 16) & 0xFFFF, ((packed & 0x7FF) ^ 1024) - 1024};
    }
    if (type.name == "interval") {
        int range = (typmod >> 16) & 0x7FFF, precision = typmod & 0xFFFF;
        if (range == 0x7FFF && precision == 0xFFFF) return {};
        return {range, precision};
    }
    return {typmod};
}

ColumnType column_type(const CatalogType &type, std::vector<int> mods) {
    return ColumnType{type.display, std::move(mods), type.array};
}

// The type a statement names, resolved by the search_path as PostgreSQL
// resolves it; nullopt for a name of three parts or that names no type.
std::optional<std::string> resolve_type(const Database &database, const TypeName *type) {
    int parts = list_length(type->names);
    if (parts < 1 || parts > 2) return std::nullopt;
    std::string schema = parts == 2 ? strVal(linitial(type->names)) : "";
    std::string name = strVal(llast(type->names));
    std::optional<Rows> rows = database.try_query(
        (std::string("SELECT to_regtype(") + kQuotedName + ")::oid").c_str(), {schema, name});
    if (!rows || rows->size() != 1 || rows->null(0, 0)) return std::nullopt;
    return rows->text(0, 0);
}

// Whether a length coercion between two modifiers of one type folds away
// (the planner support functions varchar_support and numeric_support), or
// nullopt for the types whose support functions this does not mirror.
std::optional<bool> same_type_keeps_bytes(const ColumnType &from, const ColumnType &to) {
    if (to.mods.empty() || to.mods == from.mods) return true;  // no length coercion at all
    if (from.array) return std::nullopt;
    if (from.name == "varchar") return !from.mods.empty() && to.mods[0] >= from.mods[0];
    if (from.name == "numeric")
        return from.mods.size() == 2 && to.mods.size() == 2 && to.mods[1] == from.mods[1] && to.mods[0] >= from.mods[0];
    return std::nullopt;
}

// The column's expression in a parsed "SELECT <check expression>": each
// conjunct of its top-level AND.
void conjuncts(Node *node, std::vector<Node *> &out) {
    if (node != nullptr && IsA(node, BoolExpr) && castNode(BoolExpr, node)->boolop == AND_EXPR) {
        ListCell *cell;
        foreach (cell, castNode(BoolExpr, node)->args) conjuncts(static_cast<Node *>(lfirst(cell)), out);
        return;
    }
    out.push_back(node);
}

// Whether a CHECK expression, as pg_get_expr() prints it, is "column IS NOT
// NULL" or an AND with it. Parsed with libpg_query in the current memory
// context (the check's own, freed with it).
bool proves_not_null(const std::string &expression, const std::string &column) {
    std::string sql = "SELECT " + expression;
    PgQueryInternalParsetreeAndError parsed = libpg_query_raw_parse(sql.c_str());
    free(parsed.stderr_buffer);
    if (parsed.error != nullptr) {
        pg_query_free_error(parsed.error);
        return false;
    }
    if (list_length(parsed.tree) != 1) return false;
    Node *statement = castNode(RawStmt, linitial(parsed.tree))->stmt;
    if (!IsA(statement, SelectStmt) || list_length(castNode(SelectStmt, statement)->targetList) != 1) return false;
    std::vector<Node *> tests;
    conjuncts(castNode(ResTarget, linitial(castNode(SelectStmt, statement)->targetList))->val, tests);
    for (Node *test : tests) {
        if (test == nullptr || !IsA(test, NullTest)) continue;
        const auto *null_test = castNode(NullTest, test);
        if (null_test->nulltesttype != IS_NOT_NULL || null_test->arg == nullptr || !IsA(null_test->arg, ColumnRef))
            continue;
        const List *fields = castNode(ColumnRef, null_test->arg)->fields;
        if (list_length(fields) == 1 && IsA(linitial(fields), String) && column == strVal(linitial(fields)))
            return true;
    }
    return false;
}

}  // namespace

std::optional<LiveCatalog::Relation> LiveCatalog::resolve(const RelName &table) const {
    std::optional<Rows> rows = database_.try_query(
        (std::string("SELECT c.oid, c.relkind FROM pg_class c WHERE c.oid = to_regclass(") + kQuotedName + ")")
            .c_str(),
        {table.schema, table.name});
    if (!rows || rows->size() != 1) return std::nullopt;
    return Relation{rows->text(0, 0), rows->text(0, 1)[0]};
}

bool LiveCatalog::column_not_null(const RelName &table, const std::string &column) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation) return false;
    Rows rows = database_.query(
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = $1::oid AND attname = $2 AND attnum > 0 "
        "AND NOT attisdropped",
        {relation->oid, column});
    return rows.size() == 1 && rows.boolean(0, 0);
}

std::optional<LiveCatalog::Conversion> LiveCatalog::conversion(const Relation &relation, const std::string &column,
                                                               const TypeName *type, bool explicit_cast) const {
    if (type->pct_type || type->setof) return std::nullopt;
    std::optional<ColumnType> written = written_type(type);
    std::optional<std::string> new_oid = resolve_type(database_, type);
    if (!written || !new_oid) return std::nullopt;
    Rows attribute = database_.query(
        "SELECT atttypid, atttypmod FROM pg_attribute WHERE attrelid = $1::oid AND attname = $2 AND attnum > 0 "
        "AND NOT attisdropped",
        {relation.oid, column});
    if (attribute.size() != 1) return std::nullopt;
    std::optional<CatalogType> from = catalog_type(database_, attribute.text(0, 0), std::atoi(attribute.text(0, 1).c_str()));
    std::optional<TypeRow> to_row = type_row(database_, *new_oid);
    // A domain as the new type (its constraints), or modifiers of a type of
    // its own (its typmod_in): not mirrored here.
    if (!from || !to_row || to_row->typtype == 'd' || to_row->element != "0") return std::nullopt;
    if (!to_row->in_catalog_schema && !written->mods.empty()) return std::nullopt;
    CatalogType to{*new_oid, -1, written->array, to_row->in_catalog_schema, to_row->name,
                   to_row->in_catalog_schema ? to_row->name : to_row->qualified, to_row->typtype};
    Conversion result;
    result.change.from = column_type(*from, written_mods(*from));
    result.change.to = column_type(to, written->mods);
    result.timestamp_zone = !from->array && !to.array && from->in_catalog_schema && to.in_catalog_schema &&
                            ((from->name == "timestamp" && to.name == "timestamptz") ||
                             (from->name == "timestamptz" && to.name == "timestamp"));
    if (from->oid == to.oid && from->array == to.array) {
        std::optional<bool> keeps = same_type_keeps_bytes(result.change.from, result.change.to);
        if (!keeps) return std::nullopt;
        result.change.keeps_bytes = *keeps;
        return result;
    }
    if (from->array || to.array) return std::nullopt;  // array coercions: not mirrored here
    Rows cast = database_.query("SELECT castmethod, castcontext FROM pg_cast WHERE castsource = $1::oid AND "
                                "casttarget = $2::oid",
                                {from->oid, to.oid});
    if (cast.size() != 1) {
        // No cast: PostgreSQL converts through text (to a string type) or
        // refuses; either way no stored byte is kept.
        result.exists = false;
        result.change.keeps_bytes = false;
        return result;
    }
    char method = cast.text(0, 0)[0], context = cast.text(0, 1)[0];
    result.exists = context == 'i' || context == 'a' || (explicit_cast && context == 'e');
    if (!result.exists || method != 'b') {
        result.change.keeps_bytes = false;
        return result;
    }
    // A relabelling, then the new type's length coercion, which cannot fold
    // away from a relabelled value (its typmod is unknown).
    if (written->mods.empty()) {
        result.change.keeps_bytes = true;
    } else if (to.name == "varchar" || to.name == "numeric") {
        result.change.keeps_bytes = false;
    } else {
        return std::nullopt;
    }
    return result;
}

std::optional<TypeChange> LiveCatalog::type_change(const RelName &table, const std::string &column,
                                                   const TypeName *type, bool explicit_cast) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation || (relation->kind != 'r' && relation->kind != 'p' && relation->kind != 'm' && relation->kind != 'f'))
        return std::nullopt;
    std::optional<Conversion> found = conversion(*relation, column, type, explicit_cast);
    if (!found) return std::nullopt;
    return found->change;
}

std::optional<bool> LiveCatalog::type_change_rewrites(const RelName &table, const std::string &column,
                                                      const TypeName *type) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation || (relation->kind != 'r' && relation->kind != 'm')) return std::nullopt;
    std::optional<Conversion> found = conversion(*relation, column, type, false);
    // Whether timestamp <-> timestamptz rewrites depends on the time zone of
    // the session that deploys, not this one's.
    if (!found || !found->exists || found->timestamp_zone) return std::nullopt;
    return !found->change.keeps_bytes;
}

std::optional<bool> LiveCatalog::not_null_proven(const RelName &table, const std::string &column) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation || (relation->kind != 'r' && relation->kind != 'm')) return std::nullopt;
    Rows attribute = database_.query(
        "SELECT atttypid FROM pg_attribute WHERE attrelid = $1::oid AND attname = $2 AND attnum > 0 "
        "AND NOT attisdropped",
        {relation->oid, column});
    if (attribute.size() != 1) return std::nullopt;
    // A composite column's IS NOT NULL tests every field: not the column's
    // own NOT NULL.
    std::optional<CatalogType> type = catalog_type(database_, attribute.text(0, 0), -1);
    if (!type || type->typtype == 'c') return std::nullopt;
    Rows checks = database_.query(
        "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conrelid = $1::oid AND contype = 'c' "
        "AND convalidated",
        {relation->oid});
    if (checks.size() == 0) return false;  // nothing can prove it: SET NOT NULL scans
    for (int i = 0; i < checks.size(); ++i)
        if (proves_not_null(checks.text(i, 0), column)) return true;
    // PostgreSQL proves it from other expressions too (predicate_implied_by):
    // those are not judged here.
    return std::nullopt;
}

namespace {

// A text[] literal of the names, each quoted ("a\"b" for a"b).
std::string text_array(const std::vector<std::string> &names) {
    std::string literal = "{";
    for (const std::string &name : names) {
        if (literal.size() > 1) literal += ',';
        literal += '"';
        for (char c : name) {
            if (c == '"' || c == '\\') literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

}  // namespace

// The same test as the extension's (src/extension/database_context.cpp):
// a valid, live, non-partial B-tree or hash index whose leading key columns
// are exactly these, in any order (an expression key has no attribute and
// makes the sets differ).
std::optional<bool> LiveCatalog::index_covers_columns(const RelName &table,
                                                      const std::vector<std::string> &columns) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation || (relation->kind != 'r' && relation->kind != 'p')) return std::nullopt;
    Rows rows = database_.query(
        "SELECT EXISTS (SELECT FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = c.relam "
        "WHERE i.indrelid = $1::oid AND i.indpred IS NULL AND i.indisvalid AND i.indislive "
        "AND am.amname IN ('btree', 'hash') AND i.indnkeyatts >= $2::int "
        "AND ARRAY(SELECT a.attname::text FROM unnest((i.indkey::int2[])[0:$2::int - 1]) k "
        "          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k ORDER BY 1) "
        "  = ARRAY(SELECT x FROM unnest($3::text[]) x ORDER BY 1))",
        {relation->oid, std::to_string(columns.size()), text_array(columns)});
    return rows.boolean(0, 0);
}

std::optional<std::vector<std::string>> LiveCatalog::index_nullable_columns(const RelName &table,
                                                                            const std::string &index) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation) return std::nullopt;
    Rows found = database_.query(
        "SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = $1::oid AND c.relname = $2 "
        "AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = $1::oid)",
        {relation->oid, index});
    if (found.size() != 1) return std::nullopt;
    Rows rows = database_.query(
        "SELECT a.attname FROM pg_index i "
        "CROSS JOIN LATERAL unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indexrelid = $1::oid AND NOT a.attnotnull ORDER BY k.n",
        {found.text(0, 0)});
    std::vector<std::string> nullable;
    for (int i = 0; i < rows.size(); ++i) nullable.push_back(rows.text(i, 0));
    return nullable;
}

bool LiveCatalog::partitioned_table(const RelName &table) const {
    std::optional<Relation> relation = resolve(table);
    return relation && relation->kind == 'p';
}

// A SELECT of the table without ONLY reads its children and partitions too;
// it sees committed rows only. It needs the SELECT privilege: without it,
// "cannot know". A table whose first pages hold only dead rows may take long
// to read: past two seconds, "cannot know" too.
std::optional<bool> LiveCatalog::table_is_empty(const RelName &table) const {
    std::optional<Relation> relation = resolve(table);
    if (!relation || (relation->kind != 'r' && relation->kind != 'm' && relation->kind != 'p')) return std::nullopt;
    if (auto known = emptiness_.find(relation->oid); known != emptiness_.end()) return known->second;
    std::optional<bool> empty;
    Rows allowed = database_.query(
        "SELECT has_table_privilege($1::oid, 'SELECT'), format('SELECT NOT EXISTS (SELECT FROM %s)', $1::oid::regclass)",
        {relation->oid});
    if (allowed.size() == 1 && allowed.boolean(0, 0)) {
        std::optional<Rows> rows = database_.try_query(allowed.text(0, 1).c_str(), {}, "2s");
        if (rows && rows->size() == 1) empty = rows->boolean(0, 0);
    }
    emptiness_.emplace(relation->oid, empty);
    return empty;
}

std::optional<bool> LiveCatalog::function_is_volatile(const List *name) const {
    int parts = list_length(name);
    if (parts < 1 || parts > 2) return std::nullopt;
    std::string schema = parts == 2 ? strVal(linitial(name)) : "";
    std::string function = strVal(llast(name));
    Rows rows = database_.query(
        "SELECT bool_or(p.provolatile = 'v') FROM pg_proc p WHERE p.proname = $2 AND CASE WHEN $1 = '' "
        "THEN pg_function_is_visible(p.oid) ELSE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1) END",
        {schema, function});
    if (rows.size() != 1 || rows.null(0, 0)) return std::nullopt;
    return rows.boolean(0, 0);
}

}  // namespace migsafe::cli
