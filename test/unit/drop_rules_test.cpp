// The DROP family: drop-table, drop-database, drop-schema, drop-owned,
// drop-extension, drop-index, drop-type.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

// ---- drop-table -----------------------------------------------------------

TEST(DropTable, FlagsAnExistingTable) {
    EXPECT_EQ(summary(check("DROP TABLE users;")), (Strings{"1:1:1 drop-table dangerous users"}));
}

TEST(DropTable, MessageNamesTheTable) {
    Findings findings = check("DROP TABLE users;");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"users"})) << findings[0].message;
    EXPECT_FALSE(findings[0].hint.empty());
}

TEST(DropTable, OneFindingPerTable) {
    EXPECT_EQ(summary(check("DROP TABLE a, b;")),
              (Strings{"1:1:1 drop-table dangerous a", "1:1:1 drop-table dangerous b"}));
}

TEST(DropTable, IfExistsIsStillFlagged) {
    EXPECT_EQ(rules_of(check("DROP TABLE IF EXISTS users;")), (Strings{"drop-table"}));
}

TEST(DropTable, CascadeIsFlaggedAndSaysSo) {
    Findings findings = check("DROP TABLE users CASCADE;");
    ASSERT_EQ(rules_of(findings), (Strings{"drop-table"}));
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropTable, RestrictDoesNotMentionCascade) {
    Findings findings = check("DROP TABLE users RESTRICT;");
    ASSERT_EQ(rules_of(findings), (Strings{"drop-table"}));
    EXPECT_FALSE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropTable, SchemaQualifiedName) {
    EXPECT_EQ(objects_of(check("DROP TABLE app.users;")), (Strings{"app.users"}));
}

TEST(DropTable, QuotedNamesKeepTheirQuotes) {
    EXPECT_EQ(objects_of(check(R"(DROP TABLE public."User", "select", "my table";)")),
              (Strings{R"(public."User")", R"("select")", R"("my table")"}));
}

TEST(DropTable, UnquotedNamesAreFoldedToLowerCase) {
    EXPECT_EQ(objects_of(check("DROP TABLE App.Users;")), (Strings{"app.users"}));
}

TEST(DropTable, CatalogQualifierIsDropped) {
    EXPECT_EQ(objects_of(check("DROP TABLE mydb.public.users;")), (Strings{"public.users"}));
}

TEST(DropTable, MaterializedView) {
    EXPECT_EQ(summary(check("DROP MATERIALIZED VIEW IF EXISTS stats;")),
              (Strings{"1:1:1 drop-table dangerous stats"}));
}

TEST(DropTable, PlainViewIsNotATable) {
    EXPECT_EQ(rules_of(check("DROP VIEW active_users;")), Strings{});
}

TEST(DropTable, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nDROP TABLE t;")), Strings{});
}

TEST(DropTable, TableCreatedEarlierUnqualifiedIsPublic) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int); DROP TABLE public.t;")), Strings{});
    EXPECT_EQ(rules_of(check("CREATE TABLE public.t (id int); DROP TABLE t;")), Strings{});
}

TEST(DropTable, TableCreatedInAnotherSchemaIsADifferentTable) {
    EXPECT_EQ(summary(check("CREATE TABLE app.t (id int); DROP TABLE t;")),
              (Strings{"2:1:30 drop-table dangerous t"}));
}

TEST(DropTable, CreatedTableNameIsCaseSensitive) {
    EXPECT_EQ(objects_of(check(R"(CREATE TABLE "Users" (id int); DROP TABLE users;)")), (Strings{"users"}));
}

TEST(DropTable, OnlyTheExistingOneOfSeveral) {
    EXPECT_EQ(objects_of(check("CREATE TABLE t (id int); DROP TABLE t, u;")), (Strings{"u"}));
}

TEST(DropTable, TableCreatedAsSelect) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t AS SELECT 1 AS x; DROP TABLE t;")), Strings{});
    EXPECT_EQ(rules_of(check("SELECT 1 AS x INTO t; DROP TABLE t;")), Strings{});
}

TEST(DropTable, MaterializedViewCreatedEarlier) {
    EXPECT_EQ(rules_of(check("CREATE MATERIALIZED VIEW mv AS SELECT 1; DROP MATERIALIZED VIEW mv;")), Strings{});
}

TEST(DropTable, TableCreatedThenRenamedThenDropped) {
    EXPECT_EQ(rules_of(check("CREATE TABLE a (id int); ALTER TABLE a RENAME TO b; DROP TABLE b;")), Strings{});
}

TEST(DropTable, ExistingTableRenamedThenDroppedUnderTheNewName) {
    EXPECT_EQ(rules_of(check("ALTER TABLE legacy RENAME TO old_legacy; DROP TABLE old_legacy;")),
              (Strings{"rename-table", "drop-table"}));
}

TEST(DropTable, ExistingTableRenamedIntoANameCreatedAndDroppedEarlier) {
    // The first "a" is gone when legacy takes its name: the last DROP
    // removes legacy's rows.
    Findings findings = check(
        "CREATE TABLE a (id int);\n"
        "DROP TABLE a;\n"
        "ALTER TABLE legacy RENAME TO a;\n"
        "DROP TABLE a;");
    EXPECT_EQ(summary(of_rule(findings, "drop-table")), (Strings{"4:4:1 drop-table dangerous a"}));
}

TEST(DropTable, CreateTableIfNotExistsMayNotCreateAnything) {
    // If users already exists, CREATE TABLE IF NOT EXISTS does nothing and
    // the DROP removes the existing table with its rows.
    EXPECT_EQ(rules_of(check("CREATE TABLE IF NOT EXISTS users (id int);\nDROP TABLE users;")),
              (Strings{"drop-table"}));
}

TEST(DropTable, CreateTableRolledBackCreatesNothing) {
    EXPECT_EQ(rules_of(check("BEGIN;\nCREATE TABLE users (id int);\nROLLBACK;\nDROP TABLE users;")),
              (Strings{"drop-table"}));
}

TEST(DropTable, TemporaryTableIsNotThePublicOne) {
    EXPECT_EQ(rules_of(check("CREATE TEMP TABLE users (id int);\nDROP TABLE public.users;")),
              (Strings{"drop-table"}));
}

TEST(DropTable, DropForeignTableIsNotDropTable) {
    EXPECT_EQ(rules_of(check("DROP FOREIGN TABLE remote_users;")), Strings{});
}

// ---- drop-database --------------------------------------------------------

TEST(DropDatabase, Flagged) {
    EXPECT_EQ(summary(check("DROP DATABASE prod;")), (Strings{"1:1:1 drop-database dangerous prod"}));
}

TEST(DropDatabase, IfExistsQuotedAndForce) {
    EXPECT_EQ(summary(check(R"(DROP DATABASE IF EXISTS "Prod" WITH (FORCE);)")),
              (Strings{R"(1:1:1 drop-database dangerous "Prod")"}));
}

TEST(DropDatabase, CreateDatabaseIsNotFlagged) {
    EXPECT_EQ(rules_of(check("CREATE DATABASE scratch;")), Strings{});
}

// ---- drop-schema ----------------------------------------------------------

TEST(DropSchema, Flagged) {
    EXPECT_EQ(summary(check("DROP SCHEMA app;")), (Strings{"1:1:1 drop-schema dangerous app"}));
}

TEST(DropSchema, CascadeSaysSo) {
    Findings findings = check("DROP SCHEMA IF EXISTS app CASCADE;");
    ASSERT_EQ(rules_of(findings), (Strings{"drop-schema"}));
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropSchema, OneFindingPerSchema) {
    EXPECT_EQ(objects_of(check(R"(DROP SCHEMA a, "B";)")), (Strings{"a", R"("B")"}));
}

TEST(DropSchema, SchemaCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE SCHEMA scratch; DROP SCHEMA scratch CASCADE;")), Strings{});
}

TEST(DropSchema, CreatedSchemaNameIsCaseSensitive) {
    EXPECT_EQ(objects_of(check(R"(CREATE SCHEMA "App"; DROP SCHEMA app;)")), (Strings{"app"}));
}

TEST(DropSchema, CreateSchemaIfNotExistsMayNotCreateAnything) {
    EXPECT_EQ(rules_of(check("CREATE SCHEMA IF NOT EXISTS app;\nDROP SCHEMA app CASCADE;")),
              (Strings{"drop-schema"}));
}

// ---- drop-owned -----------------------------------------------------------

TEST(DropOwned, PointsAtTheRole) {
    EXPECT_EQ(summary(check("DROP OWNED BY bob;")), (Strings{"1:1:15 drop-owned dangerous bob"}));
}

TEST(DropOwned, OneFindingPerRole) {
    EXPECT_EQ(objects_of(check(R"(DROP OWNED BY bob, "Alice" CASCADE;)")), (Strings{"bob", R"("Alice")"}));
}

TEST(DropOwned, CurrentUser) {
    EXPECT_EQ(objects_of(check("DROP OWNED BY CURRENT_USER;")), (Strings{"CURRENT_USER"}));
}

TEST(DropOwned, ReassignOwnedIsNotFlagged) {
    EXPECT_EQ(rules_of(check("REASSIGN OWNED BY bob TO alice;")), Strings{});
}

// ---- drop-extension -------------------------------------------------------

TEST(DropExtension, Flagged) {
    EXPECT_EQ(summary(check("DROP EXTENSION postgis;")), (Strings{"1:1:1 drop-extension dangerous postgis"}));
}

TEST(DropExtension, SeveralIfExistsCascade) {
    Findings findings = check(R"(DROP EXTENSION IF EXISTS hstore, "uuid-ossp" CASCADE;)");
    EXPECT_EQ(objects_of(findings), (Strings{"hstore", R"("uuid-ossp")"}));
    ASSERT_FALSE(findings.empty());
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropExtension, CreateExtensionIsNotFlagged) {
    EXPECT_EQ(rules_of(check("CREATE EXTENSION IF NOT EXISTS pgcrypto;")), Strings{});
}

// ---- drop-index -----------------------------------------------------------

TEST(DropIndex, FlaggedAsReview) {
    EXPECT_EQ(summary(check("DROP INDEX users_email_idx;")),
              (Strings{"1:1:1 drop-index review users_email_idx"}));
}

TEST(DropIndex, ConcurrentlyIfExistsQualified) {
    EXPECT_EQ(summary(check("DROP INDEX CONCURRENTLY IF EXISTS app.users_email_idx;")),
              (Strings{"1:1:1 drop-index review app.users_email_idx"}));
}

TEST(DropIndex, MessageMentionsConcurrentlyOnlyWhenMissing) {
    Findings plain = check("DROP INDEX i;");
    Findings concurrent = check("DROP INDEX CONCURRENTLY i;");
    ASSERT_EQ(plain.size(), 1u);
    ASSERT_EQ(concurrent.size(), 1u);
    EXPECT_TRUE(mentions(plain[0].message, {"CONCURRENTLY"})) << plain[0].message;
    EXPECT_FALSE(mentions(concurrent[0].message, {"CONCURRENTLY"})) << concurrent[0].message;
}

TEST(DropIndex, OneFindingPerIndex) {
    EXPECT_EQ(objects_of(check("DROP INDEX a_idx, b_idx;")), (Strings{"a_idx", "b_idx"}));
}

TEST(DropIndex, IndexCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE INDEX users_email_idx ON users (email);\nDROP INDEX users_email_idx;"), "drop-index")),
              (Strings{}));
}

TEST(DropIndex, IndexCreatedEarlierInTheTablesSchema) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE INDEX i ON app.users (email); DROP INDEX app.i;"), "drop-index")), Strings{});
}

TEST(DropIndex, IndexCreatedInAnotherSchemaIsADifferentIndex) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE INDEX i ON app.users (email); DROP INDEX i;"), "drop-index")), (Strings{"drop-index"}));
}

TEST(DropIndex, CreatedIndexRenamedThenDropped) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE INDEX i ON users (email); ALTER INDEX i RENAME TO j; DROP INDEX j;"), "drop-index")),
              Strings{});
}

TEST(DropIndex, CreateIndexIfNotExistsMayNotCreateAnything) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE INDEX IF NOT EXISTS i ON users (email);\nDROP INDEX i;"), "drop-index")),
              (Strings{"drop-index"}));
}

// ---- drop-type ------------------------------------------------------------

TEST(DropType, FlaggedAsReview) {
    EXPECT_EQ(summary(check("DROP TYPE mood;")), (Strings{"1:1:1 drop-type review mood"}));
}

TEST(DropType, Domain) {
    EXPECT_EQ(summary(check("DROP DOMAIN IF EXISTS app.email;")), (Strings{"1:1:1 drop-type review app.email"}));
}

TEST(DropType, QuotedSeveralCascade) {
    Findings findings = check(R"(DROP TYPE "Mood", public."Role" CASCADE;)");
    EXPECT_EQ(objects_of(findings), (Strings{R"("Mood")", R"(public."Role")"}));
    ASSERT_FALSE(findings.empty());
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropType, EnumCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TYPE mood AS ENUM ('sad', 'ok');\nDROP TYPE mood;")), Strings{});
}

TEST(DropType, CompositeRangeAndDomainCreatedEarlier) {
    EXPECT_EQ(rules_of(check("CREATE TYPE pair AS (a int, b int); DROP TYPE pair;")), Strings{});
    EXPECT_EQ(rules_of(check("CREATE TYPE span AS RANGE (subtype = int4); DROP TYPE span;")), Strings{});
    EXPECT_EQ(rules_of(check("CREATE DOMAIN email AS text; DROP DOMAIN email;")), Strings{});
}

TEST(DropType, CreatedTypeRenamedThenDropped) {
    EXPECT_EQ(rules_of(check("CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood RENAME TO feeling; "
                             "DROP TYPE feeling;")),
              Strings{});
}

TEST(DropType, OtherTypeThanTheCreatedOne) {
    EXPECT_EQ(objects_of(check("CREATE TYPE mood AS ENUM ('ok'); DROP TYPE mood, role;")), (Strings{"role"}));
}

}  // namespace
}  // namespace migsafe::test
