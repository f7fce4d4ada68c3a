// What pg_stat_statements still mentions (see statement_mentions.hpp): one
// query through SPI, in a subtransaction, then each candidate text read by
// the server's parser, all in one memory context per call, deleted after it.
#include "statement_mentions.hpp"

#include "../classifier/raw_nodes.hpp"
#include "../parser/pg_call.hpp"
#include "database_context.hpp"
#include "lexer_tokens.hpp"
#include "object_scope.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
}

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

namespace migsafe::mentions {

namespace {

// At most this many candidate texts are read, the most called first: as
// many as a full pg_stat_statements holds by default (pg_stat_statements.max).
constexpr int kMaxCandidates = 5000;
// The example quotes at most this much of a statement.
constexpr int kExampleBytes = 120;

// ---- what the finding names --------------------------------------------------

// The table, and the column for the column rules, as the catalog spells them.
struct Target {
    std::string schema;
    std::string table;
    std::string column;  // empty: the table itself
};

bool column_rule(const Finding &finding) { return finding.rule == "drop-column" || finding.rule == "rename-column"; }

// The finding's object (as written: orders.note, public."Skill") resolved in
// this session's search_path, as the statement about to run resolves it.
std::optional<Target> target_of(const Finding &finding) {
    std::vector<std::string> parts = scope::identifiers(finding.object);
    Target target;
    if (column_rule(finding) && !parts.empty()) {
        target.column = parts.back();
        parts.pop_back();
    }
    if (parts.empty() || parts.size() > 2) return std::nullopt;
    Oid relid = resolve_relation(parts.size() == 1 ? RelName{"", parts[0]} : RelName{parts[0], parts[1]});
    if (!OidIsValid(relid)) return std::nullopt;
    const char *schema =
        pg_call([&] { return static_cast<const char *>(get_namespace_name(get_rel_namespace(relid))); });
    const char *table = pg_call([&] { return static_cast<const char *>(get_rel_name(relid)); });
    if (schema == nullptr || table == nullptr) return std::nullopt;
    target.schema = schema;
    target.table = table;
    return target;
}

// Always quoted: the name the catalog holds, not as the statement wrote it.
std::string quoted(const std::string &identifier) {
    std::string out = "\"";
    for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string display(const Target &target) {
    std::string name = quoted(target.schema) + "." + quoted(target.table);
    return target.column.empty() ? name : name + "." + quoted(target.column);
}

// ---- plain C: reading pg_stat_statements (under pg_call) ----------------------

// Whether pg_stat_statements records here: its settings exist only where it
// was preloaded, its one way of recording (a placeholder is a setting written
// for a library that is not loaded), and it is installed in this database.
bool recorded_here() {
    return pg_call([] {
        const char *setting = "pg_stat_statements.max";
        return GetConfigOption(setting, true, false) != nullptr &&
               (GetConfigOptionFlags(setting, true) & GUC_CUSTOM_PLACEHOLDER) == 0 &&
               OidIsValid(get_extension_oid("pg_stat_statements", true));
    });
}

// Where CREATE EXTENSION put the view (quoted), and whether it has
// stats_since (pg_stat_statements 1.11, PostgreSQL 17): the column is looked
// for, as an extension not yet updated lacks it on any major.
const char *kViewSql =
    "SELECT pg_catalog.quote_ident(n.nspname), "
    "       EXISTS (SELECT FROM pg_catalog.pg_attribute a "
    "               WHERE a.attrelid = c.oid AND a.attname = 'stats_since' AND NOT a.attisdropped) "
    "FROM pg_catalog.pg_extension e "
    "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
    "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'pg_stat_statements' "
    "WHERE e.extname = 'pg_stat_statements'";

// In UTC and in an order that sorts as text, whatever the session's DateStyle.
const char *kSinceSql = "pg_catalog.to_char(s.stats_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'";

// This database's entries: how many, how many this role may not read
// (another role's, without pg_read_all_stats), and those whose text holds
// the table's name ($2) and the column's ($3; the table's again for a
// table), most called first (ties by text: the example is always the same
// one). strpos, not LIKE: names hold '_'. As the current user, who sees what
// pg_stat_statements shows them.
// pg_stat_statements records this query too (migsafe's hook runs before
// its own): the CTEs' names are ones no application table is likely to have.
// Fills in: the stats_since expression, the view's schema, the cap + 1.
const char *kRecordedSql =
    "WITH migsafe_recorded AS MATERIALIZED ("
    "  SELECT s.query, s.calls, %s AS since FROM %s.pg_stat_statements s WHERE s.dbid = $1), "
    "migsafe_totals AS ("
    "  SELECT pg_catalog.count(*) AS total, "
    "         pg_catalog.count(*) FILTER (WHERE query = '<insufficient privilege>') AS hidden FROM migsafe_recorded) "
    "SELECT t.total, t.hidden, r.query, r.calls, r.since FROM migsafe_totals t LEFT JOIN LATERAL ("
    "  SELECT query, calls, since FROM migsafe_recorded "
    "  WHERE pg_catalog.strpos(pg_catalog.lower(query), pg_catalog.lower($2)) > 0 "
    "    AND pg_catalog.strpos(pg_catalog.lower(query), pg_catalog.lower($3)) > 0 "
    "  ORDER BY calls DESC, query LIMIT %d) r ON true";

struct Recorded {
    const char *table;   // in
    const char *column;  // in
    long long total;     // -1: the extension has no view
    long long hidden;
    int rows;            // candidates, each query, calls, since (nullptr: NULL)
    char **cells;        // in the caller's memory context
};

char *copied_value(uint64 row, int column, MemoryContext into) {
    char *value = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column);
    return value != nullptr ? MemoryContextStrdup(into, value) : nullptr;
}

// Every row carries the totals; the one row with no query says that no
// text held the names.
void copy_recorded(Recorded *out, MemoryContext into) {
    out->cells = static_cast<char **>(MemoryContextAllocZero(into, sizeof(char *) * (3 * SPI_processed + 1)));
    for (uint64 row = 0; row < SPI_processed; ++row) {
        if (row == 0) {
            out->total = strtoll(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), nullptr, 10);
            out->hidden = strtoll(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), nullptr, 10);
        }
        char *query = copied_value(row, 3, into);
        if (query == nullptr) continue;
        char **cell = out->cells + 3 * out->rows++;
        cell[0] = query;
        cell[1] = copied_value(row, 4, into);
        cell[2] = copied_value(row, 5, into);
    }
}

// With search_path pg_catalog, pg_temp, beside the qualified names: no
// object of the session's search_path stands in for an operator.
void select_recorded(Recorded *out) {
    MemoryContext caller = CurrentMemoryContext;
    int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                            true, 0, false);
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (SPI_execute(kViewSql, false, 1) != SPI_OK_SELECT) elog(ERROR, "reading pg_extension failed");
    if (SPI_processed == 1) {
        const char *schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
        bool has_since = strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), "t") == 0;
        char *sql = psprintf(kRecordedSql, has_since ? kSinceSql : "NULL::text", schema, kMaxCandidates + 1);
        Oid types[] = {OIDOID, TEXTOID, TEXTOID};
        Datum values[] = {ObjectIdGetDatum(MyDatabaseId), CStringGetTextDatum(out->table),
                          CStringGetTextDatum(out->column)};
        int result = SPI_execute_with_args(sql, 3, types, values, nullptr, false, 0);
        if (result != SPI_OK_SELECT)
            elog(ERROR, "reading pg_stat_statements failed: %s", SPI_result_code_string(result));
        copy_recorded(out, caller);
    }
    SPI_finish();
    AtEOXact_GUC(true, nest_level);
}

// select_recorded in a subtransaction: what it fails on (a schema this role
// may not use, an unreadable query text file) is rolled back, so that the
// statement being judged goes on in an intact transaction, and raised again
// once the subtransaction is gone.
void select_in_subtransaction(Recorded *out) {
    MemoryContext caller = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    ErrorData *volatile error = nullptr;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(caller);
    PG_TRY();
    {
        select_recorded(out);
        ReleaseCurrentSubTransaction();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller);
        error = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
    }
    PG_END_TRY();
    MemoryContextSwitchTo(caller);
    CurrentResourceOwner = owner;
    if (error != nullptr) ReThrowError(error);
}

// ---- plain C: names among a text's tokens (under pg_call) --------------------

struct NameTokens {
    const char *table;
    int table_keyword;  // the keyword token the name is when unquoted, or -1
    const char *column;  // nullptr for a table
    int column_keyword;
    bool table_seen;
    bool column_seen;
};

bool is_name(int token, const core_YYSTYPE &value, const char *name, int keyword) {
    if (name == nullptr) return false;
    return (token == kIdent && strcmp(value.str, name) == 0) || (keyword >= 0 && token == keyword);
}

void find_names(const char *text, NameTokens *names) {
    LexerState lexer;
    core_YYSTYPE value;
    YYLTYPE location = 0;
    core_yyscan_t scanner = scanner_init(text, &lexer.extra, &ScanKeywords, ScanKeywordTokens);
    for (int token; (token = core_yylex(&value, &location, scanner)) != 0;) {
        names->table_seen = names->table_seen || is_name(token, value, names->table, names->table_keyword);
        names->column_seen = names->column_seen || is_name(token, value, names->column, names->column_keyword);
    }
    scanner_finish(scanner);
}

// ---- how a recorded text names the target --------------------------------------

enum class Mention { none, parsed, text_only };

// The token an unquoted name is when it is a keyword the grammar also takes
// as a name (name, type, ...), or -1. A name with upper case is one only
// when quoted, and so an identifier.
int keyword_token(const std::string &name) {
    if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); })) return -1;
    const char *text = name.c_str();
    int number = pg_call([&] { return ScanKeywordLookup(text, &ScanKeywords); });
    if (number < 0 || ScanKeywordCategories[number] == RESERVED_KEYWORD) return -1;
    return ScanKeywordTokens[number];
}

// A text the parser cannot read as a query (a utility statement; a
// normalized text the grammar rejects, such as SELECT interval $1): it
// counts by its text only, where PostgreSQL's lexer finds the names among
// its identifiers. A text the lexer rejects too counts: the search by text
// found the names in it.
Mention by_text(const char *text, const Target &target) {
    NameTokens names = {target.table.c_str(), keyword_token(target.table),
                        target.column.empty() ? nullptr : target.column.c_str(),
                        target.column.empty() ? -1 : keyword_token(target.column), false, target.column.empty()};
    try {
        pg_call([&] { find_names(text, &names); });
    } catch (const PgError &) {
        return Mention::text_only;
    }
    return names.table_seen && names.column_seen ? Mention::text_only : Mention::none;
}

// The query a statement runs where the raw walker reads it: a DML statement,
// also under EXPLAIN, CREATE TABLE AS, DECLARE and PREPARE; nullptr for
// other utility statements.
Node *query_of(Node *stmt) {
    switch (nodeTag(stmt)) {
        case T_ExplainStmt: return query_of(castNode(ExplainStmt, stmt)->query);
        case T_CreateTableAsStmt: return query_of(castNode(CreateTableAsStmt, stmt)->query);
        case T_DeclareCursorStmt: return query_of(castNode(DeclareCursorStmt, stmt)->query);
        case T_PrepareStmt: return query_of(castNode(PrepareStmt, stmt)->query);
        case T_SelectStmt:
        case T_InsertStmt:
        case T_UpdateStmt:
        case T_DeleteStmt:
        case T_MergeStmt: return stmt;
        default: return nullptr;
    }
}

// A RangeVar naming the table: unqualified (it may name another schema's
// table of that name: a mention, not a use), or qualified with its schema.
bool names_table(Node *query, const Target &target) {
    for (Node *node : raw_nodes_of(query, T_RangeVar)) {
        const auto *range = reinterpret_cast<const RangeVar *>(node);
        if (target.table == range->relname && (range->schemaname == nullptr || target.schema == range->schemaname))
            return true;
    }
    return false;
}

bool assigns(const List *targets, const std::string &column) {
    ListCell *cell;
    foreach (cell, targets) {
        const auto *target = static_cast<const ResTarget *>(lfirst(cell));
        if (target->name != nullptr && column == target->name) return true;
    }
    return false;
}

// A column reference ending in the column (note, o.note), or a target list
// that assigns it: INSERT's columns, UPDATE's SET, ON CONFLICT DO UPDATE
// SET, a MERGE action. Not a SELECT's output name (AS note).
bool names_column(Node *query, const std::string &column) {
    for (Node *node : raw_nodes_of(query, T_ColumnRef)) {
        auto *last = static_cast<Node *>(llast(reinterpret_cast<ColumnRef *>(node)->fields));
        if (IsA(last, String) && column == strVal(last)) return true;
    }
    auto assigned_in = [&](NodeTag tag, auto targets_of) {
        for (Node *node : raw_nodes_of(query, tag))
            if (assigns(targets_of(node), column)) return true;
        return false;
    };
    return assigned_in(T_InsertStmt, [](Node *n) { return castNode(InsertStmt, n)->cols; }) ||
           assigned_in(T_UpdateStmt, [](Node *n) { return castNode(UpdateStmt, n)->targetList; }) ||
           assigned_in(T_OnConflictClause, [](Node *n) { return castNode(OnConflictClause, n)->targetList; }) ||
           assigned_in(T_MergeWhenClause, [](Node *n) { return castNode(MergeWhenClause, n)->targetList; });
}

// Parsed: one statement of the text names the table (and the column).
Mention mention_in(const char *text, const Target &target) {
    List *statements = NIL;
    try {
        statements = pg_call([&] { return raw_parser(text, RAW_PARSE_DEFAULT); });
    } catch (const PgError &) {
        return by_text(text, target);
    }
    bool unread = false;
    ListCell *cell;
    foreach (cell, statements) {
        Node *query = query_of(lfirst_node(RawStmt, cell)->stmt);
        if (query == nullptr) {
            unread = true;
            continue;
        }
        if (names_table(query, target) && (target.column.empty() || names_column(query, target.column)))
            return Mention::parsed;
    }
    return unread ? by_text(text, target) : Mention::none;
}

// ---- counting -------------------------------------------------------------------

struct Candidate {
    const char *query;  // in the call's memory context
    long long calls;
    const char *since;  // nullptr: no stats_since
};

struct Reading {
    long long total = 0;
    long long hidden = 0;
    bool capped = false;
    std::vector<Candidate> candidates;
};

std::optional<Reading> read_recorded(const Target &target) {
    const char *column = target.column.empty() ? target.table.c_str() : target.column.c_str();
    Recorded recorded = {target.table.c_str(), column, -1, 0, 0, nullptr};
    pg_call([&] { select_in_subtransaction(&recorded); });
    if (recorded.total < 0) return std::nullopt;
    Reading reading;
    reading.total = recorded.total;
    reading.hidden = recorded.hidden;
    reading.capped = recorded.rows > kMaxCandidates;
    for (int row = 0; row < std::min(recorded.rows, kMaxCandidates); ++row) {
        char **cell = recorded.cells + 3 * row;
        reading.candidates.push_back({cell[0], cell[1] != nullptr ? std::stoll(cell[1]) : 0, cell[2]});
    }
    return reading;
}

struct Tally {
    long long parsed = 0, parsed_calls = 0;
    long long text_only = 0, text_only_calls = 0;
    const char *example = nullptr;  // the most called parsed mention, else text-only
    std::string oldest_since;       // empty: no stats_since
};

void count(Tally &tally, const Candidate &candidate, Mention mention) {
    bool parsed = mention == Mention::parsed;
    (parsed ? tally.parsed : tally.text_only) += 1;
    (parsed ? tally.parsed_calls : tally.text_only_calls) += candidate.calls;
    if (tally.example == nullptr || (parsed && tally.parsed == 1)) tally.example = candidate.query;
    if (candidate.since != nullptr && (tally.oldest_since.empty() || candidate.since < tally.oldest_since))
        tally.oldest_since = candidate.since;
}

// Each candidate's parse tree goes with the scratch context's reset: 5,000
// of them would otherwise add up.
Tally tally_of(const Reading &reading, const Target &target) {
    Tally tally;
    MemoryContext scratch = pg_call([] { return parse_memory_context(); });
    for (const Candidate &candidate : reading.candidates) {
        MemoryContext outer = switch_memory_context(scratch);
        Mention mention = mention_in(candidate.query, target);
        switch_memory_context(outer);
        pg_call([&] { MemoryContextReset(scratch); });
        if (mention != Mention::none) count(tally, candidate, mention);
    }
    return tally;
}

// ---- the sentence ---------------------------------------------------------------

// 1,234: counts are never negative.
std::string with_commas(long long number) {
    std::string digits = std::to_string(number);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<std::size_t>(at), ",");
    return digits;
}

std::string statements(long long number) {
    return with_commas(number) + (number == 1 ? " recorded statement" : " recorded statements");
}

std::string calls(long long number) { return "(" + with_commas(number) + (number == 1 ? " call)" : " calls)"); }

// White space collapsed, at most kExampleBytes of whole characters.
std::string example_of(const char *query) {
    std::string text;
    for (const char *c = query; *c != '\0'; ++c) {
        if (!std::isspace(static_cast<unsigned char>(*c))) text += *c;
        else if (!text.empty() && text.back() != ' ') text += ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    const char *data = text.c_str();
    int length = static_cast<int>(text.size());
    int clipped = pg_call([&] { return pg_mbcliplen(data, length, kExampleBytes); });
    return text.substr(0, static_cast<std::size_t>(clipped)) + (clipped < length ? " ..." : "");
}

std::string notes(const Reading &reading, std::string first) {
    auto add = [&](const std::string &note) { first += (first.empty() ? "" : "; ") + note; };
    if (reading.capped)
        add("only the " + with_commas(kMaxCandidates) + " most called texts that hold the names were read");
    if (reading.hidden > 0) add("query texts of other roles are hidden from this role");
    return first.empty() ? "" : " (" + first + ")";
}

std::string sentence(const Target &target, const Reading &reading, const Tally &tally) {
    std::string text = "pg_stat_statements mentions " + display(target);
    if (tally.parsed + tally.text_only == 0)
        return text + " in no recorded statement" +
               notes(reading, with_commas(reading.total) + " recorded in this database") + ".";
    if (tally.parsed > 0) {
        text += " in " + statements(tally.parsed) + " " + calls(tally.parsed_calls);
        if (tally.text_only > 0)
            text += " and " + with_commas(tally.text_only) + " more by text only " + calls(tally.text_only_calls);
    } else {
        text += " by text only, in " + statements(tally.text_only) + " " + calls(tally.text_only_calls);
    }
    if (!tally.oldest_since.empty()) text += ", the oldest of them counted since " + tally.oldest_since;
    return text + notes(reading, "") + ", e.g.: " + example_of(tally.example);
}

std::optional<std::string> look_up(const Finding &finding) {
    std::optional<Target> target = target_of(finding);
    if (!target) return std::nullopt;
    std::optional<Reading> reading = read_recorded(*target);
    if (!reading) return std::nullopt;
    return sentence(*target, *reading, tally_of(*reading, *target));
}

void log_failure(const std::string &why) {
    const char *text = why.c_str();
    pg_call([&] {
        ereport(LOG_SERVER_ONLY, (errmsg_internal("migsafe could not read pg_stat_statements: %s", text)));
    });
}

}  // namespace

bool concerns(const Finding &finding) {
    return finding.rule == "drop-table" || finding.rule == "drop-column" || finding.rule == "rename-table" ||
           finding.rule == "rename-column";
}

std::optional<std::string> mentions_of(const Finding &finding) {
    if (!concerns(finding) || !recorded_here()) return std::nullopt;
    MemoryContext call = pg_call([] { return parse_memory_context(); });
    MemoryContext caller = switch_memory_context(call);
    std::optional<std::string> sentence;
    std::optional<std::string> failure;
    try {
        sentence = look_up(finding);
    } catch (const PgError &error) {
        if (error.data()->sqlerrcode == ERRCODE_QUERY_CANCELED) {
            // Its error data lives in the call's context: left to the
            // statement's, which the abort frees.
            switch_memory_context(caller);
            throw;
        }
        failure = error.what();
    } catch (const std::exception &error) {
        failure = error.what();
    }
    switch_memory_context(caller);
    pg_call([&] { MemoryContextDelete(call); });
    if (failure) log_failure(*failure);
    return failure ? std::nullopt : sentence;
}

}  // namespace migsafe::mentions
