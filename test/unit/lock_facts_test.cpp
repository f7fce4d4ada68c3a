// The lock rules that catalog facts refine (alter-column-type, set-not-null,
// add-column-not-null-no-default, add-column-volatile-default), the opt-in
// missing-lock-timeout, and table_locks(): the lock and work migsafe_plan()
// reports. A FactsContext stands in for the database's catalog.
#include "classifier/table_locks.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace migsafe::test {
namespace {

// Answers the catalog questions from maps keyed "table.column" / "table" /
// function name; everything else is unknown, as offline.
class FactsContext final : public Context {
public:
    std::map<std::string, bool> rewrites, proven, empty, volatile_functions;
    std::set<std::string> partitioned;  // partitioned tables, by name
    std::map<std::string, TypeChange> types;  // "table.column": its type and the new one
    std::map<std::string, std::vector<std::string>> nullable_index_columns;  // "table.index"
    mutable std::vector<bool> explicit_casts;  // what type_change() was asked
    bool lock_timeout = false;
    bool require_lock_timeout = false;

    std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    std::optional<bool> type_change_rewrites(const RelName &table, const std::string &column,
                                             const TypeName *) const override {
        return find(rewrites, table.display() + "." + column);
    }
    std::optional<TypeChange> type_change(const RelName &table, const std::string &column, const TypeName *,
                                          bool explicit_cast) const override {
        explicit_casts.push_back(explicit_cast);
        auto it = types.find(table.display() + "." + column);
        return it == types.end() ? std::nullopt : std::optional<TypeChange>(it->second);
    }
    std::optional<bool> not_null_proven(const RelName &table, const std::string &column) const override {
        return find(proven, table.display() + "." + column);
    }
    std::optional<bool> table_is_empty(const RelName &table) const override { return find(empty, table.display()); }
    std::optional<std::vector<std::string>> index_nullable_columns(const RelName &table,
                                                                   const std::string &index) const override {
        auto it = nullable_index_columns.find(table.display() + "." + index);
        return it == nullable_index_columns.end() ? std::nullopt : std::optional(it->second);
    }
    bool partitioned_table(const RelName &table) const override { return partitioned.count(table.display()) > 0; }
    std::optional<bool> function_is_volatile(const List *name) const override {
        return find(volatile_functions, strVal(llast(name)));
    }
    bool lock_timeout_in_effect() const override { return lock_timeout; }
    bool opted_in(std::string_view rule) const override {
        return require_lock_timeout && rule == "missing-lock-timeout";
    }

private:
    static std::optional<bool> find(const std::map<std::string, bool> &facts, const std::string &key) {
        auto it = facts.find(key);
        return it == facts.end() ? std::nullopt : std::optional<bool>(it->second);
    }
};

Findings with(const std::string &sql, const Context &context, const std::string &rule) {
    return of_rule(cli::check_sql(sql, context), rule);
}

TEST(AlterColumnType, OfflineItMayRewrite) {
    Findings findings = of_rule(check("ALTER TABLE t ALTER COLUMN name TYPE text;"), "alter-column-type");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"may rewrite"}));
}

TEST(AlterColumnType, TheDatabaseKnowsABinaryCoercibleChangeRewritesNothing) {
    FactsContext context;
    context.rewrites["t.name"] = false;
    context.rewrites["t.code"] = true;
    EXPECT_TRUE(with("ALTER TABLE t ALTER COLUMN name TYPE text;", context, "alter-column-type").empty());
    Findings findings = with("ALTER TABLE t ALTER COLUMN code TYPE bigint;", context, "alter-column-type");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"it rewrites t"}));
    // USING always rewrites, whatever the types.
    EXPECT_EQ(with("ALTER TABLE t ALTER COLUMN name TYPE text USING name::text;", context, "alter-column-type").size(),
              1u);
}

ColumnType type(const std::string &name, std::vector<int> mods = {}) {
    return ColumnType{name, std::move(mods), false};
}

// In the database the column's current type is known: a conversion is judged
// from both types, and the offline verdict is refined both ways.
TEST(AlterColumnType, TheDatabaseJudgesTheConversionFromBothTypes) {
    FactsContext context;
    context.types["t.narrow"] = {type("varchar", {40}), type("varchar", {20})};
    context.types["t.wide"] = {type("varchar", {20}), type("varchar", {40}), true};
    context.types["t.day"] = {type("timestamp"), type("date")};
    context.types["t.id"] = {type("int4"), type("int8")};
    context.types["t.small"] = {type("int8"), type("int4")};
    context.types["t.score"] = {type("int4"), type("float8")};
    context.types["t.amount"] = {type("numeric", {10, 2}), type("numeric", {12, 2})};
    context.types["t.at"] = {type("timestamptz"), type("timestamp")};
    context.rewrites["t.wide"] = false;
    context.rewrites["t.id"] = true;
    context.rewrites["t.score"] = true;
    context.rewrites["t.amount"] = false;
    context.rewrites["t.at"] = false;  // a session in UTC: PostgreSQL rewrites nothing

    Findings narrow = with("ALTER TABLE t ALTER COLUMN narrow TYPE varchar(20);", context, "alter-column-type");
    ASSERT_EQ(narrow.size(), 1u);
    EXPECT_EQ(narrow[0].severity, Severity::dangerous);
    EXPECT_EQ(narrow[0].message,
              "ALTER COLUMN ... TYPE narrows t.narrow from varchar(40) to varchar(20): longer values fail or are cut");
    Findings day = with("ALTER TABLE t ALTER COLUMN day TYPE date;", context, "alter-column-type");
    ASSERT_EQ(day.size(), 1u);
    EXPECT_EQ(day[0].message, "ALTER COLUMN ... TYPE changes t.day from timestamp to date: the time of day is dropped");
    EXPECT_EQ(with("ALTER TABLE t ALTER COLUMN small TYPE int;", context, "alter-column-type")[0].severity,
              Severity::dangerous);
    // The values stay; the stored time zone does not, whatever the rewrite.
    Findings at = with("ALTER TABLE t ALTER COLUMN at TYPE timestamp;", context, "alter-column-type");
    ASSERT_EQ(at.size(), 1u);
    EXPECT_EQ(at[0].severity, Severity::dangerous);

    EXPECT_TRUE(with("ALTER TABLE t ALTER COLUMN wide TYPE varchar(40);", context, "alter-column-type").empty());
    EXPECT_TRUE(with("ALTER TABLE t ALTER COLUMN amount TYPE numeric(12,2);", context, "alter-column-type").empty());
    Findings plain_cast =
        with("ALTER TABLE t ALTER COLUMN id TYPE bigint USING id::bigint;", context, "alter-column-type");
    EXPECT_EQ(summary(plain_cast), (Strings{"1:1:1 alter-column-type review t.id"}));
    // Offline a new type of double precision is dangerous; integer to it keeps every value.
    EXPECT_EQ(summary(with("ALTER TABLE t ALTER COLUMN score TYPE double precision;", context, "alter-column-type")),
              (Strings{"1:1:1 alter-column-type review t.score"}));
    // A column the catalog does not know gets the offline verdict.
    EXPECT_EQ(with("ALTER TABLE t ALTER COLUMN other TYPE date;", context, "alter-column-type")[0].severity,
              Severity::dangerous);
    EXPECT_EQ(with("ALTER TABLE t ALTER COLUMN other TYPE bigint;", context, "alter-column-type")[0].severity,
              Severity::review);
}

TEST(AlterColumnType, TheDatabaseTrustsAConversionThatKeepsTheStoredBytes) {
    FactsContext context;
    // a binary-coercible cast between two types the table does not list
    context.types["t.c"] = {type("cidr"), type("inet"), true};
    EXPECT_EQ(with("ALTER TABLE t ALTER COLUMN c TYPE inet;", context, "alter-column-type")[0].severity,
              Severity::review);
}

TEST(AlterColumnType, UsingThatComputesValuesIsDangerousWhateverTheTypes) {
    FactsContext context;
    context.types["t.id"] = {type("int4"), type("int8")};
    Findings findings =
        with("ALTER TABLE t ALTER COLUMN id TYPE bigint USING id * 1000;", context, "alter-column-type");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::dangerous);
    EXPECT_TRUE(context.explicit_casts.empty());  // decided from the tree alone
    with("ALTER TABLE t ALTER COLUMN id TYPE bigint USING id::bigint;", context, "alter-column-type");
    with("ALTER TABLE t ALTER COLUMN id TYPE bigint;", context, "alter-column-type");
    EXPECT_EQ(context.explicit_casts, (std::vector<bool>{true, false}));
}

TEST(SetNotNull, AValidatedCheckInTheDatabaseSkipsTheScan) {
    FactsContext context;
    context.proven["t.a"] = true;
    context.proven["t.b"] = false;
    EXPECT_TRUE(with("ALTER TABLE t ALTER COLUMN a SET NOT NULL;", context, "set-not-null").empty());
    Findings known = with("ALTER TABLE t ALTER COLUMN b SET NOT NULL;", context, "set-not-null");
    ASSERT_EQ(known.size(), 1u);
    EXPECT_TRUE(mentions(known[0].message, {"scans every row of t"}));
    Findings offline = of_rule(check("ALTER TABLE t ALTER COLUMN b SET NOT NULL;"), "set-not-null");
    ASSERT_EQ(offline.size(), 1u);
    EXPECT_TRUE(mentions(offline[0].message, {"may scan"}));
}

// The partitioned table's index on ONLY the parent builds nothing (the
// recipe in docs/rules/create-index-not-concurrently.md); offline a table's
// kind is unknown, and ON ONLY a plain table builds it in full.
// USING INDEX is instant only on columns that are NOT NULL already: the
// database knows the index's columns; offline it passes.
TEST(AddPrimaryKey, UsingIndexOnNullableColumnsScansInTheDatabase) {
    const std::string sql = "ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id;";
    EXPECT_TRUE(of_rule(check(sql), "add-primary-key").empty());
    FactsContext context;
    context.nullable_index_columns["accounts.accounts_id"] = {"id", "region"};
    Findings findings = with(sql, context, "add-primary-key");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"USING INDEX accounts_id", "sets id, region NOT NULL", "scans"}))
        << findings[0].message;
    // Proven by a validated CHECK, or set NOT NULL earlier in the script: not scanned.
    context.proven["accounts.region"] = true;
    findings = with("ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;\n" + sql, context, "add-primary-key");
    EXPECT_TRUE(findings.empty()) << findings[0].message;
    context.nullable_index_columns["accounts.accounts_id"] = {};
    EXPECT_TRUE(with(sql, context, "add-primary-key").empty());
}

TEST(CreateIndexNotConcurrently, OnOnlyAPartitionedTableInTheDatabaseBuildsNothing) {
    FactsContext context;
    context.partitioned = {R"("Event")"};
    EXPECT_TRUE(with(R"(CREATE INDEX "Event_name_idx" ON ONLY "Event" (name);)", context,
                     "create-index-not-concurrently").empty());
    // near misses: without ONLY it builds every partition's index; another table
    EXPECT_EQ(with(R"(CREATE INDEX "Event_name_idx" ON "Event" (name);)", context, "create-index-not-concurrently").size(),
              1u);
    EXPECT_EQ(with(R"(CREATE INDEX "Log_name_idx" ON ONLY "Log" (name);)", context, "create-index-not-concurrently").size(),
              1u);
    EXPECT_EQ(of_rule(check(R"(CREATE INDEX "Event_name_idx" ON ONLY "Event" (name);)"), "create-index-not-concurrently")
                  .size(),
              1u);
}

TEST(AddColumnNotNullNoDefault, AnEmptyTableInTheDatabaseIsFine) {
    FactsContext context;
    context.empty["fresh"] = true;
    EXPECT_TRUE(with("ALTER TABLE fresh ADD COLUMN a int NOT NULL;", context, "add-column-not-null-no-default").empty());
    EXPECT_EQ(with("ALTER TABLE used ADD COLUMN a int NOT NULL;", context, "add-column-not-null-no-default").size(), 1u);
}

TEST(AddColumnVolatileDefault, KnownVolatileFunctionsSerialsIdentityAndStored) {
    for (const char *sql : {"ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
                            "ALTER TABLE t ADD COLUMN r float8 DEFAULT random() * 10;",
                            "ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT clock_timestamp();",
                            "ALTER TABLE t ADD COLUMN id uuid DEFAULT public.uuid_generate_v4();",
                            "ALTER TABLE t ADD COLUMN n bigserial;",
                            "ALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;",
                            "ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;",
                            "ALTER TABLE t ADD COLUMN s text DEFAULT md5(random()::text);"})
        EXPECT_EQ(of_rule(check(sql), "add-column-volatile-default").size(), 1u) << sql;
}

TEST(AddColumnVolatileDefault, NearMisses) {
    for (const char *sql : {"ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();",
                            "ALTER TABLE t ADD COLUMN at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;",
                            "ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT false;",
                            "ALTER TABLE t ADD COLUMN note text DEFAULT 'random()';",
                            "ALTER TABLE t ADD COLUMN n pg_catalog.int4;",
                            "-- ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();\nSELECT 1;",
                            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
                            "ALTER TABLE t ALTER COLUMN id SET DEFAULT gen_random_uuid();"})
        EXPECT_TRUE(of_rule(check(sql), "add-column-volatile-default").empty()) << sql;
}

TEST(AddColumnVolatileDefault, TheDatabaseReadsProvolatile) {
    FactsContext context;
    context.volatile_functions["next_code"] = true;      // a user function, volatile
    context.volatile_functions["gen_random_uuid"] = false;  // a database where it is not (hypothetically)
    EXPECT_EQ(with("ALTER TABLE t ADD COLUMN c int DEFAULT next_code();", context, "add-column-volatile-default").size(),
              1u);
    EXPECT_TRUE(
        with("ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();", context, "add-column-volatile-default").empty());
}

// PostgreSQL makes a function VOLATILE unless it is declared otherwise: a
// function migsafe does not know is judged volatile offline (fail closed),
// PostgreSQL's own by its catalog.
TEST(AddColumnVolatileDefault, AnUnknownFunctionIsVolatileOffline) {
    for (const char *sql : {"ALTER TABLE t ADD COLUMN c int DEFAULT next_code();",
                            "ALTER TABLE t ADD COLUMN c jsonb DEFAULT my_json();",
                            "ALTER TABLE t ADD COLUMN c text DEFAULT app.upper('x');",
                            "ALTER TABLE t ADD COLUMN c uuid DEFAULT uuidv7();",
                            "ALTER TABLE t ADD COLUMN c uuid DEFAULT uuidv4();"}) {
        Findings findings = of_rule(check(sql), "add-column-volatile-default");
        ASSERT_EQ(findings.size(), 1u) << sql;
    }
    Findings unknown = of_rule(check("ALTER TABLE t ADD COLUMN c int DEFAULT next_code();"), "add-column-volatile-default");
    EXPECT_TRUE(mentions(unknown[0].message, {"next_code()", "STABLE or IMMUTABLE"})) << unknown[0].message;
    for (const char *sql : {"ALTER TABLE t ADD COLUMN c text DEFAULT lower('X');",
                            "ALTER TABLE t ADD COLUMN c text DEFAULT pg_catalog.upper('x');",
                            "ALTER TABLE t ADD COLUMN c jsonb DEFAULT jsonb_build_object('a', 1);",
                            "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT statement_timestamp();",
                            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int DEFAULT next_code();"})
        EXPECT_TRUE(of_rule(check(sql), "add-column-volatile-default").empty()) << sql;
}

Findings lock_timeout_findings(const std::string &sql) {
    cli::CheckOptions options;
    options.opted_in = {"missing-lock-timeout"};
    return of_rule(cli::check_sql(sql, options), "missing-lock-timeout");
}

TEST(MissingLockTimeout, OffUnlessSwitchedOn) {
    EXPECT_TRUE(of_rule(check("ALTER TABLE t ADD COLUMN a int;"), "missing-lock-timeout").empty());
    EXPECT_EQ(summary(lock_timeout_findings("ALTER TABLE t ADD COLUMN a int;")),
              Strings{"1:1:1 missing-lock-timeout review t"});
}

TEST(MissingLockTimeout, EveryAccessExclusiveStatementOnAnExistingTable) {
    for (const char *sql : {"DROP TABLE t;", "TRUNCATE t;", "ALTER TABLE t RENAME TO u;", "ALTER TABLE t DROP COLUMN a;",
                            "VACUUM FULL t;", "CLUSTER t USING i;", "DROP INDEX i;", "LOCK TABLE t;",
                            "CREATE RULE r AS ON INSERT TO t DO NOTHING;", "ALTER TABLE t ALTER a SET NOT NULL;"})
        EXPECT_EQ(lock_timeout_findings(sql).size(), 1u) << sql;
}

TEST(MissingLockTimeout, NearMisses) {
    for (const char *sql : {"SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN a int;",
                            "SET LOCAL lock_timeout TO 3000;\nDROP TABLE t;",
                            "BEGIN;\nSET LOCAL lock_timeout = '1s';\nTRUNCATE t;\nCOMMIT;",
                            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;",
                            "CREATE INDEX i ON t (a);",                        // SHARE: reads go on
                            "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);",  // SHARE ROW EXCLUSIVE
                            "ALTER TABLE t VALIDATE CONSTRAINT c;", "DELETE FROM t WHERE id = 1;",
                            "-- SET lock_timeout does not count in a comment, but there is no DDL here\nSELECT 1;"})
        EXPECT_TRUE(lock_timeout_findings(sql).empty()) << sql;
}

TEST(MissingLockTimeout, ATimeoutSwitchedOffOrEndedNoLongerCounts) {
    for (const char *sql : {"SET lock_timeout = '5s';\nSET lock_timeout = 0;\nDROP TABLE t;",
                            "SET lock_timeout = '5s';\nRESET lock_timeout;\nDROP TABLE t;",
                            "SET lock_timeout = '5s';\nRESET ALL;\nDROP TABLE t;",
                            "SET lock_timeout = '5s';\nSET lock_timeout TO DEFAULT;\nDROP TABLE t;",
                            "SET lock_timeout = '0ms';\nDROP TABLE t;",
                            "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\nDROP TABLE t;",
                            "-- SET lock_timeout = '5s';\nDROP TABLE t;"})
        EXPECT_EQ(lock_timeout_findings(sql).size(), 1u) << sql;
}

TEST(MissingLockTimeout, TheDatabaseSessionsTimeoutCounts) {
    FactsContext context;
    context.require_lock_timeout = true;
    EXPECT_EQ(with("DROP TABLE t;", context, "missing-lock-timeout").size(), 1u);
    context.lock_timeout = true;
    EXPECT_TRUE(with("DROP TABLE t;", context, "missing-lock-timeout").empty());
}

// ---- table_locks() ---------------------------------------------------------

Strings locks_of(const std::string &sql, const Context &context = ProtectedNames()) {
    Strings out;
    for_each_statement(sql, [&](const Node *statement) {
        for (const TableLock &lock : table_locks(statement, context))
            out.push_back(lock.relation.display() + " " + lock_level_name(lock.level) + " " +
                          table_work_name(lock.work) + (lock.work_certain ? "" : "?"));
    });
    return out;
}

TEST(TableLocks, AlterTableTakesTheStrongestOfItsCommands) {
    EXPECT_EQ(locks_of("ALTER TABLE t SET (fillfactor = 70), ALTER a SET STATISTICS 100;"),
              Strings{"t SHARE UPDATE EXCLUSIVE none"});
    EXPECT_EQ(locks_of("ALTER TABLE t SET (fillfactor = 70), DROP COLUMN a;"), Strings{"t ACCESS EXCLUSIVE none"});
    EXPECT_EQ(locks_of("ALTER TABLE t VALIDATE CONSTRAINT c;"), Strings{"t SHARE UPDATE EXCLUSIVE full scan"});
    EXPECT_EQ(locks_of("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"),
              (Strings{"t SHARE ROW EXCLUSIVE full scan", "u SHARE ROW EXCLUSIVE none"}));
    EXPECT_EQ(locks_of("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;"),
              (Strings{"t SHARE ROW EXCLUSIVE none", "u SHARE ROW EXCLUSIVE none"}));
    EXPECT_EQ(locks_of("ALTER TABLE t ADD PRIMARY KEY (id);"), Strings{"t ACCESS EXCLUSIVE index build"});
    EXPECT_EQ(locks_of("ALTER TABLE t ALTER a TYPE bigint;"), Strings{"t ACCESS EXCLUSIVE rewrite?"});
    EXPECT_EQ(locks_of("ALTER TABLE t ALTER a SET NOT NULL;"), Strings{"t ACCESS EXCLUSIVE full scan?"});
    EXPECT_EQ(locks_of("ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();"),
              Strings{"t ACCESS EXCLUSIVE rewrite"});
    EXPECT_EQ(locks_of("ALTER TABLE t DISABLE TRIGGER ALL;"), Strings{"t SHARE ROW EXCLUSIVE none"});
}

TEST(TableLocks, CatalogFactsMakeTheWorkCertain) {
    FactsContext context;
    context.rewrites["t.a"] = false;
    context.proven["t.b"] = true;
    EXPECT_EQ(locks_of("ALTER TABLE t ALTER a TYPE text;", context), Strings{"t ACCESS EXCLUSIVE none"});
    EXPECT_EQ(locks_of("ALTER TABLE t ALTER b SET NOT NULL;", context), Strings{"t ACCESS EXCLUSIVE none"});
}

TEST(TableLocks, OtherStatements) {
    EXPECT_EQ(locks_of("CREATE INDEX i ON t (a);"), Strings{"t SHARE index build"});
    EXPECT_EQ(locks_of("CREATE INDEX CONCURRENTLY i ON t (a);"), Strings{"t SHARE UPDATE EXCLUSIVE index build"});
    EXPECT_EQ(locks_of("DROP TABLE a, s.b;"), (Strings{"a ACCESS EXCLUSIVE none", "s.b ACCESS EXCLUSIVE none"}));
    EXPECT_EQ(locks_of("DROP INDEX CONCURRENTLY i;"), Strings{"i SHARE UPDATE EXCLUSIVE none"});
    EXPECT_EQ(locks_of("TRUNCATE a, b;"), (Strings{"a ACCESS EXCLUSIVE none", "b ACCESS EXCLUSIVE none"}));
    EXPECT_EQ(locks_of("VACUUM FULL t; VACUUM t;"),
              (Strings{"t ACCESS EXCLUSIVE rewrite", "t SHARE UPDATE EXCLUSIVE full scan"}));
    EXPECT_EQ(locks_of("REINDEX TABLE t; REINDEX INDEX i;"),
              (Strings{"t SHARE index build", "i ACCESS EXCLUSIVE index build"}));
    EXPECT_EQ(locks_of("LOCK TABLE t IN SHARE MODE;"), Strings{"t SHARE none"});
    EXPECT_EQ(locks_of("CREATE TABLE c (id int REFERENCES p (id));"), Strings{"p SHARE ROW EXCLUSIVE none"});
    EXPECT_EQ(locks_of("CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);"), Strings{"p ACCESS EXCLUSIVE none"});
    EXPECT_EQ(locks_of("DELETE FROM t WHERE a = 1;"), Strings{"t ROW EXCLUSIVE writes rows"});
    EXPECT_EQ(locks_of("SET lock_timeout = '1s'; CREATE TYPE mood AS ENUM ('ok'); SELECT * FROM t;"), Strings{});
}

TEST(TableLocks, StatementsThatCommitInternally) {
    auto one_transaction = [](const std::string &sql) {
        bool one = false;
        for_each_statement(sql, [&](const Node *statement) { one = runs_in_one_transaction(statement); });
        return one;
    };
    EXPECT_TRUE(one_transaction("ALTER TABLE t ADD COLUMN a int;"));
    EXPECT_TRUE(one_transaction("CREATE INDEX i ON t (a);"));
    EXPECT_FALSE(one_transaction("CREATE INDEX CONCURRENTLY i ON t (a);"));
    EXPECT_FALSE(one_transaction("DROP INDEX CONCURRENTLY i;"));
    EXPECT_FALSE(one_transaction("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;"));
    EXPECT_FALSE(one_transaction("VACUUM FULL t;"));
    EXPECT_FALSE(one_transaction("REINDEX TABLE t;"));
}

}  // namespace
}  // namespace migsafe::test

// ---- conflicting_levels(): PostgreSQL's lock conflict table --------------

namespace migsafe::test {
namespace {

bool conflicts(LockLevel a, LockLevel b) {
    std::vector<LockLevel> levels = conflicting_levels(a);
    return std::find(levels.begin(), levels.end(), b) != levels.end();
}

TEST(LockConflicts, TheTableIsSymmetric) {
    for (int a = 1; a <= 8; ++a)
        for (int b = 1; b <= 8; ++b)
            EXPECT_EQ(conflicts(static_cast<LockLevel>(a), static_cast<LockLevel>(b)),
                      conflicts(static_cast<LockLevel>(b), static_cast<LockLevel>(a)))
                << a << " vs " << b;
}

TEST(LockConflicts, AsTheManualLists) {
    // How many of the eight levels each one conflicts with.
    const int counts[] = {1, 2, 4, 5, 5, 6, 7, 8};
    for (int level = 1; level <= 8; ++level)
        EXPECT_EQ(static_cast<int>(conflicting_levels(static_cast<LockLevel>(level)).size()), counts[level - 1]) << level;
    EXPECT_FALSE(conflicts(LockLevel::share, LockLevel::share));  // CREATE INDEX beside CREATE INDEX
    EXPECT_TRUE(conflicts(LockLevel::share, LockLevel::row_exclusive));  // ... stops writes
    EXPECT_FALSE(conflicts(LockLevel::row_exclusive, LockLevel::row_exclusive));
    EXPECT_TRUE(conflicts(LockLevel::access_exclusive, LockLevel::access_share));  // ALTER waits for SELECT
    EXPECT_FALSE(conflicts(LockLevel::exclusive, LockLevel::access_share));
}

TEST(LockConflicts, NamedAsPgLocksSpellsThem) {
    EXPECT_STREQ(pg_locks_mode(LockLevel::access_exclusive), "AccessExclusiveLock");
    EXPECT_STREQ(pg_locks_mode(LockLevel::share_update_exclusive), "ShareUpdateExclusiveLock");
    EXPECT_STREQ(pg_locks_mode(LockLevel::row_share), "RowShareLock");
}

}  // namespace
}  // namespace migsafe::test
