// DML that touches every row: delete-without-where, update-without-where,
// backfill-without-where. Findings point at the target table's name.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

// ---- delete-without-where -------------------------------------------------

TEST(DeleteWithoutWhere, PointsAtTheTable) {
    EXPECT_EQ(summary(check("DELETE FROM users;")), (Strings{"1:1:13 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, MessageSaysThereIsNoWhere) {
    Findings findings = check("DELETE FROM users;");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"users", "no WHERE"})) << findings[0].message;
}

TEST(DeleteWithoutWhere, WhereReferencingAColumnIsFine) {
    EXPECT_EQ(rules_of(check("DELETE FROM users WHERE id = 42;")), Strings{});
    EXPECT_EQ(rules_of(check("DELETE FROM users WHERE deleted_at < now() - interval '1 year';")), Strings{});
}

TEST(DeleteWithoutWhere, WhereTrueIsNoFilter) {
    Findings findings = check("DELETE FROM users WHERE true;");
    ASSERT_EQ(rules_of(findings), (Strings{"delete-without-where"}));
    EXPECT_TRUE(mentions(findings[0].message, {"restricts none of its rows"})) << findings[0].message;
}

TEST(DeleteWithoutWhere, WhereOneEqualsOneIsNoFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM users WHERE 1 = 1;")), (Strings{"delete-without-where"}));
}

TEST(DeleteWithoutWhere, WhereCurrentOfIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM users WHERE CURRENT OF users_cursor;")), Strings{});
}

TEST(DeleteWithoutWhere, OnlyAliasAndQualifiedName) {
    EXPECT_EQ(summary(check("DELETE FROM ONLY app.users AS u;")),
              (Strings{"1:1:18 delete-without-where dangerous app.users"}));
}

TEST(DeleteWithoutWhere, QuotedName) {
    EXPECT_EQ(objects_of(check(R"(DELETE FROM public."User";)")), (Strings{R"(public."User")"}));
}

TEST(DeleteWithoutWhere, UsingWithoutWhere) {
    EXPECT_EQ(summary(check("DELETE FROM orders USING users;")),
              (Strings{"1:1:13 delete-without-where dangerous orders"}));
}

TEST(DeleteWithoutWhere, UsingWithJoinCondition) {
    EXPECT_EQ(rules_of(check("DELETE FROM orders o USING users u WHERE o.user_id = u.id;")), Strings{});
}

TEST(DeleteWithoutWhere, Returning) {
    EXPECT_EQ(rules_of(check("DELETE FROM users RETURNING id;")), (Strings{"delete-without-where"}));
}

TEST(DeleteWithoutWhere, InsideACteOfASelect) {
    EXPECT_EQ(summary(check("WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone;")),
              (Strings{"1:1:27 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, InsideACteOfAnInsert) {
    EXPECT_EQ(objects_of(check("WITH gone AS (DELETE FROM users RETURNING *)\n"
                               "INSERT INTO users_archive SELECT * FROM gone;")),
              (Strings{"users"}));
}

TEST(DeleteWithoutWhere, InsideACteOfTheInsertsSelect) {
    EXPECT_EQ(objects_of(check("INSERT INTO users_archive\n"
                               "WITH gone AS (DELETE FROM users RETURNING *) SELECT * FROM gone;")),
              (Strings{"users"}));
}

TEST(DeleteWithoutWhere, NestedCte) {
    EXPECT_EQ(summary(check("WITH outer_cte AS (\n"
                            "  WITH inner_cte AS (DELETE FROM users RETURNING id)\n"
                            "  SELECT id FROM inner_cte)\n"
                            "SELECT * FROM outer_cte;")),
              (Strings{"1:2:34 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, CteOfADeleteAndTheDeleteItself) {
    EXPECT_EQ(objects_of(check("WITH a AS (DELETE FROM logs RETURNING 1) DELETE FROM users;")),
              (Strings{"logs", "users"}));
}

TEST(DeleteWithoutWhere, CteWithWhereIsFine) {
    EXPECT_EQ(rules_of(check("WITH gone AS (DELETE FROM users WHERE id < 10 RETURNING *) SELECT * FROM gone;")),
              Strings{});
}

TEST(DeleteWithoutWhere, ExplainAnalyzeRunsTheDelete) {
    EXPECT_EQ(summary(check("EXPLAIN ANALYZE DELETE FROM users;")),
              (Strings{"1:1:29 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, ExplainAnalyzeOptionList) {
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM users;")), (Strings{"delete-without-where"}));
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE true) DELETE FROM users;")), (Strings{"delete-without-where"}));
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE on) DELETE FROM users;")), (Strings{"delete-without-where"}));
}

TEST(DeleteWithoutWhere, PlainExplainDoesNotRunTheDelete) {
    EXPECT_EQ(rules_of(check("EXPLAIN DELETE FROM users;")), Strings{});
    EXPECT_EQ(rules_of(check("EXPLAIN (VERBOSE, COSTS off) DELETE FROM users;")), Strings{});
}

TEST(DeleteWithoutWhere, ExplainAnalyzeFalseDoesNotRunTheDelete) {
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE false) DELETE FROM users;")), Strings{});
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE off) DELETE FROM users;")), Strings{});
}

TEST(DeleteWithoutWhere, ExplainAnalyzeZeroDoesNotRunTheDelete) {
    // PostgreSQL reads ANALYZE 0 as false (defGetBoolean): nothing runs.
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE 0) DELETE FROM users;")), Strings{});
}

TEST(DeleteWithoutWhere, Prepare) {
    EXPECT_EQ(summary(check("PREPARE wipe AS DELETE FROM users;")),
              (Strings{"1:1:29 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, PrepareWithParameterisedWhere) {
    EXPECT_EQ(rules_of(check("PREPARE del (int) AS DELETE FROM users WHERE id = $1;")), Strings{});
}

TEST(DeleteWithoutWhere, CopyOfADeleteReturning) {
    EXPECT_EQ(summary(check("COPY (DELETE FROM users RETURNING *) TO STDOUT;")),
              (Strings{"1:1:19 delete-without-where dangerous users"}));
}

TEST(DeleteWithoutWhere, PlainCopyIsFine) {
    EXPECT_EQ(rules_of(check("COPY users TO STDOUT;")), Strings{});
    EXPECT_EQ(rules_of(check("COPY (SELECT * FROM users) TO STDOUT;")), Strings{});
}

TEST(DeleteWithoutWhere, RuleAction) {
    EXPECT_EQ(objects_of(check("CREATE RULE purge AS ON INSERT TO events DO ALSO DELETE FROM queue;")),
              (Strings{"queue"}));
}

TEST(DeleteWithoutWhere, RuleWithSeveralActions) {
    EXPECT_EQ(objects_of(check("CREATE RULE purge AS ON INSERT TO events DO ALSO "
                               "(DELETE FROM queue; DELETE FROM stats WHERE stats.id = new.id);")),
              (Strings{"queue"}));
}

TEST(DeleteWithoutWhere, CreateTableAsWithADeletingCte) {
    // CREATE TABLE AS runs the data-modifying CTE: every row of users goes.
    EXPECT_EQ(rules_of(check("CREATE TABLE users_backup AS\n"
                             "WITH gone AS (DELETE FROM users RETURNING *) SELECT * FROM gone;")),
              (Strings{"delete-without-where"}));
}

TEST(DeleteWithoutWhere, MergeDeleteWithAConstantJoinCondition) {
    // ON true matches every row of users against the one source row, and
    // WHEN MATCHED THEN DELETE deletes each of them.
    EXPECT_EQ(objects_of(check("MERGE INTO users USING (SELECT 1 AS id) s ON true WHEN MATCHED THEN DELETE;")),
              (Strings{"users"}));
}

TEST(DeleteWithoutWhere, MergeDeleteWithAJoinOnColumns) {
    EXPECT_EQ(rules_of(check("MERGE INTO users u USING gone g ON u.id = g.id WHEN MATCHED THEN DELETE;")),
              Strings{});
}

TEST(DeleteWithoutWhere, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE staging (id int); DELETE FROM staging;")), Strings{});
}

TEST(DeleteWithoutWhere, CreateTableIfNotExistsMayNotCreateAnything) {
    EXPECT_EQ(rules_of(check("CREATE TABLE IF NOT EXISTS users (id int);\nDELETE FROM users;")),
              (Strings{"delete-without-where"}));
}

TEST(DeleteWithoutWhere, FunctionBodyIsNotRun) {
    EXPECT_EQ(rules_of(check("CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS $$ DELETE FROM users $$;")),
              Strings{});
}

// A BEGIN ATOMIC body is stored analysed and runs without being analysed
// again, so no hook would see it run: it is judged when it is created.
TEST(DeleteWithoutWhere, SqlStandardFunctionBodyIsJudgedAtCreation) {
    EXPECT_EQ(rules_of(check("CREATE FUNCTION wipe() RETURNS void LANGUAGE sql\n"
                             "BEGIN ATOMIC\n  DELETE FROM users;\nEND;\nSELECT 1;")),
              Strings{"delete-without-where"});
}

TEST(DeleteWithoutWhere, SqlStandardFunctionBodyWithWhereIsSafe) {
    EXPECT_EQ(rules_of(check("CREATE PROCEDURE prune() LANGUAGE sql\n"
                             "BEGIN ATOMIC\n  DELETE FROM users WHERE id < 10;\n"
                             "  UPDATE users SET name = 'x' WHERE id = 1;\nEND;")),
              Strings{});
}

TEST(UpdateWithoutWhere, SqlStandardFunctionBodyIsJudgedAtCreation) {
    EXPECT_EQ(rules_of(check("CREATE PROCEDURE reset_names() LANGUAGE sql\n"
                             "BEGIN ATOMIC\n  UPDATE users SET name = 'x';\nEND;")),
              Strings{"update-without-where"});
}

// ---- update-without-where -------------------------------------------------

TEST(UpdateWithoutWhere, PointsAtTheTable) {
    EXPECT_EQ(summary(check("UPDATE users SET active = false;")),
              (Strings{"1:1:8 update-without-where dangerous users"}));
}

TEST(UpdateWithoutWhere, MessageNamesTheOverwrittenColumns) {
    Findings findings = check(R"(UPDATE users SET active = false, "lastLogin" = NULL;)");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"active", R"("lastLogin")"})) << findings[0].message;
}

TEST(UpdateWithoutWhere, WhereReferencingAColumnIsFine) {
    EXPECT_EQ(rules_of(check("UPDATE users SET active = false WHERE id = 1;")), Strings{});
}

TEST(UpdateWithoutWhere, WhereTrueAndOneEqualsOneAreNoFilter) {
    EXPECT_EQ(rules_of(check("UPDATE users SET active = false WHERE true;")), (Strings{"update-without-where"}));
    EXPECT_EQ(rules_of(check("UPDATE users SET active = false WHERE 1 = 1;")), (Strings{"update-without-where"}));
}

TEST(UpdateWithoutWhere, OnlyQualifiedQuoted) {
    EXPECT_EQ(summary(check(R"(UPDATE ONLY public."User" SET "legacyId" = NULL;)")),
              (Strings{R"(1:1:13 update-without-where dangerous public."User")"}));
}

TEST(UpdateWithoutWhere, MultiColumnSet) {
    EXPECT_EQ(rules_of(check("UPDATE users SET (a, b) = (1, 2);")), (Strings{"update-without-where"}));
}

TEST(UpdateWithoutWhere, FromWithoutWhere) {
    EXPECT_EQ(objects_of(check("UPDATE orders SET total = 0 FROM users;")), (Strings{"orders"}));
}

TEST(UpdateWithoutWhere, InsideACte) {
    EXPECT_EQ(summary(check("WITH u AS (UPDATE users SET active = false RETURNING id)\nSELECT * FROM u;")),
              (Strings{"1:1:19 update-without-where dangerous users"}));
}

TEST(UpdateWithoutWhere, ExplainAnalyzeVersusExplain) {
    EXPECT_EQ(rules_of(check("EXPLAIN ANALYZE UPDATE users SET active = false;")), (Strings{"update-without-where"}));
    EXPECT_EQ(rules_of(check("EXPLAIN UPDATE users SET active = false;")), Strings{});
}

TEST(UpdateWithoutWhere, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (x int); UPDATE t SET x = 1;")), Strings{});
}

// ---- backfill-without-where vs update-without-where -----------------------

TEST(BackfillWithoutWhere, ColumnAddedEarlierIsABackfill) {
    EXPECT_EQ(summary(check("ALTER TABLE users ADD COLUMN active boolean;\n"
                            "UPDATE users SET active = true;")),
              (Strings{"2:2:8 backfill-without-where review users"}));
}

TEST(BackfillWithoutWhere, MessageNamesTheBackfilledColumns) {
    Findings findings = check("ALTER TABLE users ADD COLUMN active boolean; UPDATE users SET active = true;");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"active"})) << findings[0].message;
}

TEST(BackfillWithoutWhere, SeveralAddedColumns) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;\n"
                             "UPDATE users SET a = 1, b = 2;")),
              (Strings{"backfill-without-where"}));
}

TEST(BackfillWithoutWhere, QuotedColumnAndQualifiedTable) {
    EXPECT_EQ(rules_of(check(R"(ALTER TABLE public."User" ADD COLUMN "isActive" boolean;)"
                             "\n"
                             R"(UPDATE "User" SET "isActive" = true;)")),
              (Strings{"backfill-without-where"}));
}

TEST(BackfillWithoutWhere, ColumnAddedThenRenamed) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN a int;\n"
                             "ALTER TABLE users RENAME COLUMN a TO b;\n"
                             "UPDATE users SET b = 1;")),
              (Strings{"backfill-without-where"}));
}

TEST(BackfillWithoutWhere, PreExistingColumnIsAnUpdate) {
    EXPECT_EQ(summary(check("ALTER TABLE users ADD COLUMN active boolean;\n"
                            "UPDATE users SET email = NULL;")),
              (Strings{"2:2:8 update-without-where dangerous users"}));
}

TEST(BackfillWithoutWhere, MixedSetIsAnUpdate) {
    Findings findings = check("ALTER TABLE users ADD COLUMN active boolean;\n"
                              "UPDATE users SET active = true, email = NULL;");
    ASSERT_EQ(rules_of(findings), (Strings{"update-without-where"}));
    EXPECT_TRUE(mentions(findings[0].message, {"email"})) << findings[0].message;
    EXPECT_FALSE(mentions(findings[0].message, {"active"})) << findings[0].message;
}

TEST(BackfillWithoutWhere, ColumnAddedToAnotherTableIsAnUpdate) {
    EXPECT_EQ(rules_of(check("ALTER TABLE orders ADD COLUMN active boolean;\n"
                             "UPDATE users SET active = true;")),
              (Strings{"update-without-where"}));
}

TEST(BackfillWithoutWhere, ColumnAddedInAnotherSchemaIsAnUpdate) {
    EXPECT_EQ(rules_of(check("ALTER TABLE app.users ADD COLUMN active boolean;\n"
                             "UPDATE users SET active = true;")),
              (Strings{"update-without-where"}));
}

TEST(BackfillWithoutWhere, UpdateBeforeTheAddIsAnUpdate) {
    EXPECT_EQ(rules_of(check("UPDATE users SET active = true;\n"
                             "ALTER TABLE users ADD COLUMN active boolean;")),
              (Strings{"update-without-where"}));
}

TEST(BackfillWithoutWhere, BackfillWithWhereIsFine) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN active boolean;\n"
                             "UPDATE users SET active = true WHERE id BETWEEN 1 AND 1000;")),
              Strings{});
}

TEST(BackfillWithoutWhere, AddColumnIfNotExistsMayNotAddAnything) {
    // If active already exists, ADD COLUMN IF NOT EXISTS does nothing and
    // the UPDATE overwrites existing data.
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN IF NOT EXISTS active boolean;\n"
                             "UPDATE users SET active = true;")),
              (Strings{"update-without-where"}));
}

}  // namespace
}  // namespace migsafe::test
