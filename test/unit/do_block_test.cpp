// do-block: DO blocks run at once but cannot be read ahead; function and
// procedure bodies are not run by the migration.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

TEST(DoBlock, FlaggedAsReviewWithoutObject) {
    Findings findings = check("DO $$ BEGIN RAISE NOTICE 'hi'; END $$;");
    EXPECT_EQ(summary(findings), (Strings{"1:1:1 do-block review"}));
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].object, "");
}

TEST(DoBlock, StatementsInsideAreNotJudgedOffline) {
    EXPECT_EQ(rules_of(check("DO $$ BEGIN DELETE FROM users; DROP TABLE logs; END $$;")), (Strings{"do-block"}));
}

TEST(DoBlock, LanguageClauseAndPlainString) {
    EXPECT_EQ(rules_of(check("DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$;")), (Strings{"do-block"}));
    EXPECT_EQ(rules_of(check("DO 'BEGIN NULL; END';")), (Strings{"do-block"}));
}

TEST(DoBlock, PositionInALongerScript) {
    EXPECT_EQ(summary(check("SELECT 1;\n\n  DO $$ BEGIN NULL; END $$;\nSELECT 2;")),
              (Strings{"2:3:3 do-block review"}));
}

TEST(DoBlock, FunctionBodyGetsNoFinding) {
    EXPECT_EQ(rules_of(check("CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$\n"
                             "BEGIN\n  DELETE FROM users;\n  TRUNCATE logs;\n  DROP TABLE sessions;\nEND\n$$;")),
              Strings{});
}

TEST(DoBlock, ProcedureBodyGetsNoFinding) {
    EXPECT_EQ(rules_of(check("CREATE OR REPLACE PROCEDURE purge() LANGUAGE sql AS $$ DELETE FROM t $$;")),
              Strings{});
}

TEST(DoBlock, CallingAProcedureGetsNoFinding) {
    EXPECT_EQ(rules_of(check("CALL purge();")), Strings{});
}

}  // namespace
}  // namespace migsafe::test
