// concurrently-in-transaction: statements PostgreSQL refuses in a
// transaction block, in a script that runs as one.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

Strings flagged(const std::string &sql) { return summary(of_rule(check(sql), "concurrently-in-transaction")); }

TEST(ConcurrentlyInTransaction, AloneInItsFileIsFine) {
    EXPECT_EQ(flagged("CREATE INDEX CONCURRENTLY i ON t (a);"), Strings{});
    EXPECT_EQ(flagged("-- CreateIndex\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- the end\n"), Strings{});
    EXPECT_EQ(flagged("VACUUM t;"), Strings{});
}

TEST(ConcurrentlyInTransaction, WithOtherStatementsInTheFile) {
    EXPECT_EQ(flagged("ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY i ON t (a);"),
              Strings{"2:2:1 concurrently-in-transaction review"});
    EXPECT_EQ(flagged("CREATE INDEX CONCURRENTLY i ON t (a);\nSELECT 1;"),
              Strings{"1:1:1 concurrently-in-transaction review"});
}

TEST(ConcurrentlyInTransaction, EveryStatementThatCannotRunInABlock) {
    const Strings statements = {
        "DROP INDEX CONCURRENTLY i;",
        "REINDEX INDEX CONCURRENTLY i;",
        "REINDEX (CONCURRENTLY) TABLE t;",
        "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;",
        "VACUUM;",
        "VACUUM (ANALYZE) t;",
        "CLUSTER;",
        "CREATE DATABASE d;",
        "DROP DATABASE d;",
        "CREATE TABLESPACE s LOCATION '/x';",
        "DROP TABLESPACE s;",
        "ALTER SYSTEM SET work_mem = '64MB';",
    };
    for (const std::string &statement : statements)
        EXPECT_EQ(flagged("SELECT 1;\n" + statement).size(), 1u) << statement;
}

TEST(ConcurrentlyInTransaction, WhatRunsInABlockIsFine) {
    EXPECT_EQ(flagged("SELECT 1; CREATE INDEX i ON t (a); DROP INDEX i; REINDEX TABLE t; ANALYZE t; CLUSTER t USING i;"
                      "ALTER TABLE p DETACH PARTITION c; REFRESH MATERIALIZED VIEW CONCURRENTLY m;"),
              Strings{});
}

TEST(ConcurrentlyInTransaction, InsideAnExplicitBlock) {
    EXPECT_EQ(flagged("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;"),
              Strings{"2:2:1 concurrently-in-transaction review"});
    EXPECT_EQ(flagged("START TRANSACTION;\nVACUUM t;\nROLLBACK;"), Strings{"2:2:1 concurrently-in-transaction review"});
}

TEST(ConcurrentlyInTransaction, MessageSaysWhyAndHow) {
    Findings findings = of_rule(check("BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;"), "concurrently-in-transaction");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"CREATE INDEX CONCURRENTLY", "BEGIN", "25001"})) << findings[0].message;
    EXPECT_TRUE(mentions(findings[0].hint, {"alone", "own migration file"})) << findings[0].hint;
    Findings prisma = of_rule(check("SELECT 1; CREATE INDEX CONCURRENTLY i ON t (a);"), "concurrently-in-transaction");
    ASSERT_EQ(prisma.size(), 1u);
    EXPECT_TRUE(mentions(prisma[0].message, {"prisma migrate deploy", "one transaction"})) << prisma[0].message;
}

}  // namespace
}  // namespace migsafe::test
