// SQL functions in C: migsafe_check(), migsafe_verdict(), migsafe_rules()
// over the classifier, and migsafe_guard_layer() for migsafe_status(). Each
// is a thin C entry point around run_guarded(). (Approvals, windows and
// protected tables are managed by SQL functions in the install script and
// approval_functions.cpp.)
#include "../classifier/catalogue.hpp"
#include "../classifier/classifier.hpp"
#include "../classifier/table_locks.hpp"
#include "database_context.hpp"
#include "lock_wait.hpp"
#include "recovery.hpp"
#include "entry_point.hpp"
#include "hooks.hpp"
#include "sql_functions.hpp"

extern "C" {
#include "fmgr.h"
#include "funcapi.h"
#include "parser/parser.h"
#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

PGDLLEXPORT Datum migsafe_check(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_verdict(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_recovery(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_rules(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum migsafe_plan(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(migsafe_plan);
PGDLLEXPORT Datum migsafe_guard_layer(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(migsafe_guard_layer);
PG_FUNCTION_INFO_V1(migsafe_check);
PG_FUNCTION_INFO_V1(migsafe_verdict);
PG_FUNCTION_INFO_V1(migsafe_recovery);
PG_FUNCTION_INFO_V1(migsafe_rules);
}

namespace migsafe {

extern bool loaded_at_startup;

namespace {

// The server's raw parser, with a syntax error turned into RawParseFailure.
// Other errors (out of memory, cancel) stay PostgreSQL errors.
List *server_raw_parse(const char *text) {
    try {
        return pg_call([&] { return raw_parser(text, RAW_PARSE_DEFAULT); });
    } catch (const PgError &error) {
        // Called from PL/pgSQL, SPI's error callback has already moved the
        // position to internalpos.
        int position = error.data()->cursorpos > 0 ? error.data()->cursorpos : error.data()->internalpos;
        if (position <= 0) throw;
        throw RawParseFailure{error.what(), position};
    }
}

std::vector<std::string> text_array_elements(ArrayType *array) {
    Datum *values = nullptr;
    bool *nulls = nullptr;
    int count = 0;
    pg_call([&] { deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &count); });
    std::vector<std::string> elements;
    for (int i = 0; i < count; ++i) {
        if (nulls[i]) throw std::invalid_argument("protected table names must not be NULL");
        elements.emplace_back(pg_call([&] { return text_to_cstring(DatumGetTextPP(values[i])); }));
    }
    return elements;
}

ProtectedNames protected_argument(FunctionCallInfo fcinfo, int arg) {
    std::vector<RelName> names;
    if (PG_NARGS() > arg && !PG_ARGISNULL(arg)) {
        ArrayType *array = pg_call([&] { return PG_GETARG_ARRAYTYPE_P(arg); });
        for (const std::string &text : text_array_elements(array)) {
            std::vector<RelName> tables = protected_table_names(text.c_str());
            names.insert(names.end(), tables.begin(), tables.end());
        }
    }
    return ProtectedNames(std::move(names));
}

}  // namespace

Script parse_sql(const char *sql) {
    StandardConformingStrings standard_strings;
    return parse_script(sql, server_raw_parse);
}

namespace {

Script parse_argument(FunctionCallInfo fcinfo) {
    return parse_sql(pg_call([&] { return text_to_cstring(PG_GETARG_TEXT_PP(0)); }));
}

Findings classify_argument(FunctionCallInfo fcinfo, const Context &context) {
    return classify(parse_argument(fcinfo), context);
}

Datum text_or_null(const std::string &value, bool &is_null) {
    is_null = value.empty();
    return is_null ? (Datum)0 : pg_call([&] { return CStringGetTextDatum(value.c_str()); });
}

void put_finding(ReturnSetInfo *rsinfo, const Finding &finding) {
    Datum values[8];
    bool nulls[8] = {};
    values[0] = Int32GetDatum(finding.statement);
    values[1] = Int32GetDatum(finding.line);
    values[2] = Int32GetDatum(finding.col);
    values[3] = text_or_null(finding.rule, nulls[3]);
    values[4] = text_or_null(severity_name(finding.severity), nulls[4]);
    values[5] = text_or_null(finding.object, nulls[5]);
    values[6] = text_or_null(finding.message, nulls[6]);
    values[7] = text_or_null(finding.hint, nulls[7]);
    pg_call([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

void put_rule(ReturnSetInfo *rsinfo, const RuleInfo &rule) {
    Datum values[4];
    bool nulls[4] = {};
    values[0] = text_or_null(rule.id, nulls[0]);
    values[1] = text_or_null(severity_name(rule.severity), nulls[1]);
    values[2] = text_or_null(rule.summary, nulls[2]);
    values[3] = text_or_null(rule.hint, nulls[3]);
    pg_call([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

// ---- migsafe_plan() -----------------------------------------------------------

}  // namespace

std::string statement_text(const Script &script, std::size_t index) {
    std::size_t begin = static_cast<std::size_t>(script.statements[index].location);
    std::size_t end = index + 1 < script.statements.size()
                          ? static_cast<std::size_t>(script.statements[index + 1].location)
                          : script.text.size();
    std::string_view text = script.text.substr(begin, end - begin);
    while (!text.empty() && (isspace(static_cast<unsigned char>(text.back())) || text.back() == ';'))
        text.remove_suffix(1);
    return std::string(text);
}

namespace {

// The table's size (pg_total_relation_size) and pg_class.reltuples, when it exists.
struct RelationFacts {
    bool exists = false;
    int64 size = 0;
    double rows = -1;  // -1: never analysed
};

RelationFacts relation_facts(const RelName &name) {
    RelationFacts facts;
    Oid relid = resolve_relation(name);
    if (!OidIsValid(relid)) return facts;
    pg_call([&] {
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
        if (!HeapTupleIsValid(tuple)) return;
        facts.exists = true;
        facts.rows = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->reltuples;
        ReleaseSysCache(tuple);
        facts.size = DatumGetInt64(DirectFunctionCall1(pg_total_relation_size, ObjectIdGetDatum(relid)));
    });
    return facts;
}

Datum rule_array(const std::vector<const Finding *> &findings, bool &is_null) {
    is_null = false;
    std::vector<Datum> ids;
    for (const Finding *finding : findings) {
        bool null = false;
        ids.push_back(text_or_null(finding->rule, null));
    }
    return pg_call([&] {
        return PointerGetDatum(construct_array(ids.data(), static_cast<int>(ids.size()), TEXTOID, -1, false,
                                               TYPALIGN_INT));
    });
}

// Columns granted_now and blockers: whether the lock would be granted now,
// and else who holds or awaits a conflicting one (pg_locks, as the current
// user may see it). NULL for a relation that does not exist yet.
void put_lock_holders(const TableLock &lock, Datum *values, bool *nulls) {
    Oid relid = resolve_relation(lock.relation);
    if (!OidIsValid(relid)) {
        nulls[9] = nulls[10] = true;
        return;
    }
    std::vector<lock_wait::Blocker> found = lock_wait::blockers(relid, lock.level);
    values[9] = BoolGetDatum(found.empty());
    std::string holders;
    for (const lock_wait::Blocker &blocker : found) holders += (holders.empty() ? "" : "; ") + lock_wait::describe(blocker);
    values[10] = text_or_null(holders, nulls[10]);
}

void put_plan_row(ReturnSetInfo *rsinfo, int statement, const std::string &sql, const TableLock *lock,
                  const std::vector<const Finding *> &findings) {
    constexpr int kColumns = 11;
    Datum values[kColumns] = {};
    bool nulls[kColumns] = {};
    values[0] = Int32GetDatum(statement);
    values[1] = text_or_null(sql, nulls[1]);
    if (lock != nullptr) {
        values[2] = text_or_null(lock->relation.display(), nulls[2]);
        values[3] = text_or_null(lock_level_name(lock->level), nulls[3]);
        values[4] = text_or_null(lock_blocks(lock->level), nulls[4]);
        std::string work = table_work_name(lock->work);
        values[5] = text_or_null(lock->work_certain ? work : work + " (may)", nulls[5]);
        RelationFacts facts = relation_facts(lock->relation);
        nulls[6] = !facts.exists;
        values[6] = Int64GetDatum(facts.size);
        nulls[7] = !facts.exists || facts.rows < 0;
        values[7] = Int64GetDatum(static_cast<int64>(facts.rows));
        put_lock_holders(*lock, values, nulls);
    } else {
        for (int i = 2; i <= 7; ++i) nulls[i] = true;
        nulls[9] = nulls[10] = true;
    }
    values[8] = rule_array(findings, nulls[8]);
    pg_call([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

}  // namespace

}  // namespace migsafe

// migsafe_plan(sql text): for each statement and each table it locks, the
// lock, the work done under it, the table's size and estimated rows, and the
// statement's findings.
Datum migsafe_plan(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
        if (PG_ARGISNULL(0)) return (Datum)0;
        migsafe::DatabaseContext context;
        migsafe::Script script = migsafe::parse_argument(fcinfo);
        migsafe::Findings findings = migsafe::classify(script, context);
        auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
        for (std::size_t i = 0; i < script.statements.size(); ++i) {
            int number = static_cast<int>(i) + 1;
            std::vector<const migsafe::Finding *> of_statement;
            for (const migsafe::Finding &finding : findings)
                if (finding.statement == number) of_statement.push_back(&finding);
            std::string sql = migsafe::statement_text(script, i);
            std::vector<migsafe::TableLock> locks = migsafe::table_locks(script.statements[i].node, context);
            if (locks.empty()) migsafe::put_plan_row(rsinfo, number, sql, nullptr, of_statement);
            for (const migsafe::TableLock &lock : locks) migsafe::put_plan_row(rsinfo, number, sql, &lock, of_statement);
        }
        return (Datum)0;
    });
}

// migsafe_check(sql text, protected text[] DEFAULT NULL): one row per finding.
Datum migsafe_check(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
        if (PG_ARGISNULL(0)) return (Datum)0;
        migsafe::ProtectedNames names = migsafe::protected_argument(fcinfo, 1);
        migsafe::DatabaseContext context(&names);
        auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
        for (const migsafe::Finding &finding : migsafe::classify_argument(fcinfo, context))
            migsafe::put_finding(rsinfo, finding);
        return (Datum)0;
    });
}

// migsafe_verdict(sql text): 'safe' | 'review' | 'dangerous' (STRICT).
Datum migsafe_verdict(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::DatabaseContext context;
        const char *verdict = migsafe::verdict(migsafe::classify_argument(fcinfo, context));
        return migsafe::pg_call([&] { return CStringGetTextDatum(verdict); });
    });
}

// migsafe_recovery(): whether point-in-time recovery to now is possible, as
// migsafe.require_recovery = archiving judges it.
Datum migsafe_recovery(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        std::string summary = migsafe::recovery::summary();
        return migsafe::pg_call([&] { return CStringGetTextDatum(summary.c_str()); });
    });
}

// migsafe_rules(): the rule catalogue.
Datum migsafe_rules(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        migsafe::pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
        auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
        for (std::size_t i = 0; i < migsafe::rule_count(); ++i) migsafe::put_rule(rsinfo, migsafe::rule_info(i));
        return (Datum)0;
    });
}

// migsafe_guard_layer(): which layer guards this session.
Datum migsafe_guard_layer(PG_FUNCTION_ARGS) {
    return migsafe::run_guarded([&]() -> Datum {
        const char *layer = !migsafe::hooks::active()      ? "none"
                            : migsafe::loaded_at_startup ? "hooks (shared_preload_libraries)"
                                                         : "hooks (library loaded by this session only)";
        return migsafe::pg_call([&] { return CStringGetTextDatum(layer); });
    });
}
