// What counts as a filter for delete-without-where and update-without-where,
// read from the raw parse tree (the CLI, migsafe_check()): a condition that
// restricts the target's own rows. Each class of condition that looks like a
// filter and is not has a case here, next to the near miss that is one.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

const Strings kDelete{"delete-without-where"};
const Strings kUpdate{"update-without-where"};
const Strings kNone{};

// ---- subqueries: correlated ones restrict, uncorrelated ones do not --------

TEST(DmlFilters, CorrelatedNotExistsIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM sessions WHERE NOT EXISTS "
                             "(SELECT 1 FROM users u WHERE u.id = sessions.user_id);")),
              kNone);
}

TEST(DmlFilters, CorrelatedExistsThroughAnAliasIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id);")),
              kNone);
}

TEST(DmlFilters, CorrelatedScalarSubqueryIsAFilter) {
    EXPECT_EQ(rules_of(check("UPDATE t SET val = 'x' WHERE (SELECT flag FROM u WHERE u.id = t.id);")), kNone);
}

TEST(DmlFilters, TargetColumnInListIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id IN (SELECT id FROM u WHERE u.flag);")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id NOT IN (SELECT id FROM u);")), kNone);
}

TEST(DmlFilters, UncorrelatedExistsIsNoFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.flag);")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE EXISTS (SELECT 1 FROM u);")), kDelete);
}

TEST(DmlFilters, SubqueryReusingTheTargetsNameDoesNotCorrelate) {
    // Inside the subquery, t is the subquery's own t.
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE EXISTS (SELECT 1 FROM t WHERE t.id = 1);")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE EXISTS (SELECT 1 FROM t AS x WHERE x.id = t.id);")), kNone);
}

// ---- conditions true for every row ---------------------------------------

TEST(DmlFilters, ColumnComparedWithItselfIsNoFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id = id;")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE t.id >= t.id;")), kDelete);
    EXPECT_EQ(rules_of(check("UPDATE t SET val = NULL WHERE id IS NOT DISTINCT FROM id;")), kUpdate);
}

TEST(DmlFilters, ColumnComparedWithAnotherIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id = parent_id;")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id < id + 1 AND id > 5;")), kNone);
}

TEST(DmlFilters, OrWithAnArmThatRestrictsNothingIsNoFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE true OR id = 1;")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id = 1 OR 1 = 1;")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id = 1 OR id = 2;")), kNone);
}

TEST(DmlFilters, AndWithOneArmThatRestrictsIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE true AND id = 1;")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id = id AND val IS NULL;")), kNone);
}

TEST(DmlFilters, NotOfATargetConditionIsAFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE NOT (id = 1);")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE NOT false;")), kDelete);
}

TEST(DmlFilters, WhereFalseLetsNoRowThrough) {
    EXPECT_EQ(rules_of(check("UPDATE t SET val = 0 WHERE false;")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE NULL;")), kNone);
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE true;")), kDelete);
}

TEST(DmlFilters, IsNotNullCountsAsAFilterOffline) {
    // Offline nothing says the column is NOT NULL; the database knows.
    EXPECT_EQ(rules_of(check("DELETE FROM t WHERE id IS NOT NULL;")), kNone);
}

// ---- conditions on another relation only ---------------------------------

TEST(DmlFilters, UpdateFromFilteringTheOtherTableOnlyIsNoFilter) {
    EXPECT_EQ(rules_of(check("UPDATE t SET val = NULL FROM u WHERE u.id = 1;")), kUpdate);
    EXPECT_EQ(rules_of(check("UPDATE t SET val = u.name FROM u WHERE u.id = t.id;")), kNone);
}

TEST(DmlFilters, DeleteUsingFilteringTheOtherTableOnlyIsNoFilter) {
    EXPECT_EQ(rules_of(check("DELETE FROM t USING u WHERE u.flag;")), kDelete);
    EXPECT_EQ(rules_of(check("DELETE FROM t USING u WHERE u.id = t.id AND u.flag;")), kNone);
}

TEST(DmlFilters, UnqualifiedColumnWithAnotherTableCountsAsTheTargetsOffline) {
    // Whose column "flag" is needs the catalog: offline no finding, the
    // database judges the analysed statement.
    EXPECT_EQ(rules_of(check("DELETE FROM t USING u WHERE flag;")), kNone);
}

TEST(DmlFilters, MergeJoinedOnTheSourceOnlyIsNoFilter) {
    EXPECT_EQ(rules_of(check("MERGE INTO t USING u ON u.id = 1 WHEN MATCHED THEN DELETE;")), kDelete);
    EXPECT_EQ(rules_of(check("MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE;")), kNone);
    EXPECT_EQ(rules_of(check("MERGE INTO t AS x USING u ON x.id = u.id WHEN MATCHED THEN UPDATE SET val = u.name;")),
              kNone);
}

// ---- upserts ---------------------------------------------------------------

TEST(DmlFilters, UpsertOfATableIntoItselfOverwritesEveryRow) {
    Findings findings = check("INSERT INTO t SELECT * FROM t ON CONFLICT (id) DO UPDATE SET val = NULL;");
    ASSERT_EQ(rules_of(findings), kUpdate);
    EXPECT_TRUE(mentions(findings[0].message, {"ON CONFLICT", "every row"})) << findings[0].message;
}

TEST(DmlFilters, OrdinaryUpsertsAreFine) {
    EXPECT_EQ(rules_of(check("INSERT INTO t VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val;")),
              kNone);
    EXPECT_EQ(rules_of(check("INSERT INTO t SELECT * FROM staging ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val;")),
              kNone);
    EXPECT_EQ(rules_of(check("INSERT INTO t SELECT * FROM t WHERE id < 10 ON CONFLICT (id) DO UPDATE SET val = NULL;")),
              kNone);
    EXPECT_EQ(rules_of(check("INSERT INTO t SELECT * FROM t ON CONFLICT (id) DO UPDATE SET val = NULL "
                             "WHERE t.val = 'old';")),
              kNone);
    EXPECT_EQ(rules_of(check("INSERT INTO t SELECT * FROM t ON CONFLICT (id) DO NOTHING;")), kNone);
}

TEST(DmlFilters, UpsertIntoATableCreatedInTheScriptIsFine) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int PRIMARY KEY, val text);\n"
                             "INSERT INTO t SELECT * FROM t ON CONFLICT (id) DO UPDATE SET val = NULL;")),
              kNone);
}

// ---- rules, EXPLAIN, PREPARE, views, parents ------------------------------

TEST(DmlFilters, RuleActionFilteredOnNewOnlyIsNoFilter) {
    EXPECT_EQ(rules_of(check("CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM t WHERE NEW.id > 0;")), kDelete);
    EXPECT_EQ(rules_of(check("CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM t WHERE t.id = NEW.id;")), kNone);
    EXPECT_EQ(rules_of(check("CREATE RULE r AS ON DELETE TO log DO ALSO DELETE FROM t WHERE id = OLD.id;")), kNone);
}

TEST(DmlFilters, ExplainTakesTheLastAnalyzeOption) {
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE off, ANALYZE on) DELETE FROM t;")), kDelete);
    EXPECT_EQ(rules_of(check("EXPLAIN (ANALYZE on, ANALYZE off) DELETE FROM t;")), kNone);
}

TEST(DmlFilters, PreparedStatementIsJudgedLikeTheStatement) {
    EXPECT_EQ(rules_of(check("PREPARE p AS DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.flag);")), kDelete);
    EXPECT_EQ(rules_of(check("PREPARE p AS DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id);")), kNone);
}

TEST(DmlFilters, ViewCreatedInTheScriptHoldsExistingRows) {
    EXPECT_EQ(rules_of(check("CREATE VIEW v AS SELECT * FROM t;\nDELETE FROM v;")), kDelete);
}

TEST(DmlFilters, NewParentOfAnExistingTableHoldsItsRows) {
    EXPECT_EQ(rules_of(check("CREATE TABLE p (id int, val text);\nALTER TABLE t INHERIT p;\nDELETE FROM p;")),
              kDelete);
    EXPECT_EQ(rules_of(check("CREATE TABLE p (id int, val text) PARTITION BY RANGE (id);\n"
                             "ALTER TABLE p ATTACH PARTITION t FOR VALUES FROM (0) TO (100);\nTRUNCATE p;")),
              (Strings{"truncate"}));
    EXPECT_EQ(rules_of(check("CREATE TABLE p (id int, val text);\nDELETE FROM p;")), kNone);
}

}  // namespace
}  // namespace migsafe::test
