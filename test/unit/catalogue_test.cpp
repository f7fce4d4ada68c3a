// The rule catalogue, severities, the verdict, and the tie between the
// catalogue and the findings the classifier makes.
#include "test_support.hpp"

#include "classifier/catalogue.hpp"
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace migsafe::test {
namespace {

Strings catalogue_ids() {
    Strings ids;
    for (std::size_t i = 0; i < rule_count(); ++i) ids.push_back(rule_info(i).id);
    return ids;
}

// DESIGN.md §2: every rule id and its severity.
const std::map<std::string, Severity> kDesignedRules{
    {"drop-table", Severity::dangerous},
    {"drop-database", Severity::dangerous},
    {"drop-schema", Severity::dangerous},
    {"truncate", Severity::dangerous},
    {"delete-without-where", Severity::dangerous},
    {"update-without-where", Severity::dangerous},
    {"backfill-without-where", Severity::review},
    {"drop-column", Severity::dangerous},
    {"drop-constraint", Severity::dangerous},
    {"drop-owned", Severity::dangerous},
    {"drop-extension", Severity::dangerous},
    {"protected-table", Severity::dangerous},
    {"alter-column-type", Severity::review},
    {"rename-table", Severity::review},
    {"rename-column", Severity::review},
    {"drop-index", Severity::review},
    {"drop-type", Severity::review},
    {"do-block", Severity::review},
    // issue "Event triggers and self-protection"
    {"self-protection", Severity::dangerous},
    {"concurrently-in-transaction", Severity::review},
    {"cascade-drop", Severity::dangerous},
    {"large-table-rewrite", Severity::dangerous},
    {"table-rewrite", Severity::review},
    // issue "migsafe check for CI"
    {"unused-ignore", Severity::review},
    // issue "Lock and rewrite hazards"
    {"create-index-not-concurrently", Severity::review},
    {"reindex-not-concurrently", Severity::review},
    {"add-foreign-key-validating", Severity::review},
    {"add-check-validating", Severity::review},
    {"add-unique-constraint", Severity::review},
    {"add-primary-key", Severity::review},
    {"set-not-null", Severity::review},
    {"add-column-not-null-no-default", Severity::review},
    {"add-column-volatile-default", Severity::review},
    {"missing-lock-timeout", Severity::review},
    {"set-logged-unlogged", Severity::review},
    {"set-tablespace", Severity::review},
    {"set-access-method", Severity::review},
    {"vacuum-full", Severity::review},
    {"cluster", Severity::review},
    // rule coverage against peer linters
    {"detach-partition-not-concurrently", Severity::review},
    {"validate-in-same-transaction", Severity::review},
    {"int-primary-key", Severity::review},
    {"add-exclusion-constraint", Severity::review},
    {"rename-enum-value", Severity::review},
    {"alter-domain-add-constraint", Severity::review},
    {"identifier-too-long", Severity::review},
    {"foreign-key-without-index", Severity::review},
    {"transaction-control", Severity::review},
    // issue "The DML guard judges what a statement does to the rows"
    {"mass-delete", Severity::dangerous},
    {"mass-update", Severity::dangerous},
};

// Rules only the database's event triggers report: a statement that would
// trigger them there, which offline gives nothing.
const std::map<std::string, std::string> kOutsideTheClassifier{
    {"cascade-drop", "DROP TYPE mood CASCADE;"},
    {"large-table-rewrite", "ALTER TABLE big ALTER COLUMN id TYPE bigint;"},
    {"table-rewrite", "ALTER TABLE small ALTER COLUMN id TYPE bigint;"},
    {"mass-delete", "DELETE FROM jobs WHERE done;"},
    {"mass-update", "UPDATE jobs SET state = 'new' WHERE state IS NOT NULL;"},
};

// A statement that triggers each rule (protected: "users").
const std::map<std::string, std::string> kExamples{
    {"drop-table", "DROP TABLE t;"},
    {"drop-database", "DROP DATABASE d;"},
    {"drop-schema", "DROP SCHEMA s;"},
    {"truncate", "TRUNCATE t;"},
    {"delete-without-where", "DELETE FROM t;"},
    {"update-without-where", "UPDATE t SET x = 1;"},
    {"backfill-without-where", "ALTER TABLE t ADD COLUMN x int; UPDATE t SET x = 1;"},
    {"drop-column", "ALTER TABLE t DROP COLUMN x;"},
    {"drop-constraint", "ALTER TABLE t DROP CONSTRAINT c;"},
    {"drop-owned", "DROP OWNED BY r;"},
    {"drop-extension", "DROP EXTENSION e;"},
    {"protected-table", "CREATE INDEX ON users (x);"},
    {"alter-column-type", "ALTER TABLE t ALTER x TYPE bigint;"},
    {"rename-table", "ALTER TABLE t RENAME TO u;"},
    {"rename-column", "ALTER TABLE t RENAME x TO y;"},
    {"drop-index", "DROP INDEX i;"},
    {"drop-type", "DROP TYPE y;"},
    {"do-block", "DO $$ BEGIN END $$;"},
    {"self-protection", "DROP EXTENSION migsafe;"},
    {"concurrently-in-transaction", "CREATE TABLE t (a int); CREATE INDEX CONCURRENTLY ON u (a);"},
    {"unused-ignore", "-- migsafe-ignore: drop-table nothing to drop here\nSELECT 1;"},  // the CLI's comments
    {"create-index-not-concurrently", "CREATE INDEX i ON t (a);"},
    {"reindex-not-concurrently", "REINDEX TABLE t;"},
    {"add-foreign-key-validating", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"},
    {"add-check-validating", "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);"},
    {"add-unique-constraint", "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);"},
    {"add-primary-key", "ALTER TABLE t ADD PRIMARY KEY (id);"},
    {"set-not-null", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"},
    {"add-column-not-null-no-default", "ALTER TABLE t ADD COLUMN a int NOT NULL;"},
    {"add-column-volatile-default", "ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid();"},
    {"missing-lock-timeout", "ALTER TABLE t ADD COLUMN a int;"},
    {"set-logged-unlogged", "ALTER TABLE t SET UNLOGGED;"},
    {"set-tablespace", "ALTER TABLE t SET TABLESPACE s;"},
    {"set-access-method", "ALTER TABLE t SET ACCESS METHOD heap2;"},
    {"vacuum-full", "VACUUM FULL t;"},
    {"cluster", "CLUSTER t USING i;"},
    {"detach-partition-not-concurrently", "ALTER TABLE t DETACH PARTITION t_2025;"},
    {"validate-in-same-transaction",
     "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c;"},
    {"int-primary-key", "CREATE TABLE t (id serial PRIMARY KEY);"},
    {"add-exclusion-constraint", "ALTER TABLE t ADD CONSTRAINT x EXCLUDE USING gist (r WITH &&);"},
    {"rename-enum-value", "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';"},
    {"alter-domain-add-constraint", "ALTER DOMAIN zip ADD CONSTRAINT five CHECK (length(VALUE) = 5);"},
    {"identifier-too-long", "CREATE TABLE t (a_column_name_that_goes_on_and_on_well_past_the_limit_of_postgres int);"},
    {"foreign-key-without-index", "CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p (id));"},
    {"transaction-control", "BEGIN; CREATE TABLE t (a int);"},
};

TEST(Catalogue, HasTheDesignedRules) {
    std::set<std::string> ids;
    for (const std::string &id : catalogue_ids()) ids.insert(id);
    std::set<std::string> designed;
    for (const auto &[id, severity] : kDesignedRules) designed.insert(id);
    EXPECT_EQ(ids, designed);
}

TEST(Catalogue, IdsAreUnique) {
    Strings ids = catalogue_ids();
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(Catalogue, IdsAreKebabCase) {
    const std::regex kebab("[a-z]+(-[a-z]+)*");
    for (const std::string &id : catalogue_ids()) EXPECT_TRUE(std::regex_match(id, kebab)) << id;
}

TEST(Catalogue, SeveritiesAreTheDesignedOnes) {
    for (std::size_t i = 0; i < rule_count(); ++i) {
        const RuleInfo &rule = rule_info(i);
        auto designed = kDesignedRules.find(rule.id);
        ASSERT_NE(designed, kDesignedRules.end()) << rule.id;
        EXPECT_EQ(rule.severity, designed->second) << rule.id;
    }
}

TEST(Catalogue, EveryRuleHasASummaryAndAHint) {
    for (std::size_t i = 0; i < rule_count(); ++i) {
        const RuleInfo &rule = rule_info(i);
        ASSERT_NE(rule.summary, nullptr) << rule.id;
        ASSERT_NE(rule.hint, nullptr) << rule.id;
        EXPECT_GT(std::string(rule.summary).size(), 5u) << rule.id;
        EXPECT_GT(std::string(rule.hint).size(), 20u) << rule.id;
    }
}

TEST(Catalogue, FindRuleReturnsTheCatalogueEntry) {
    for (std::size_t i = 0; i < rule_count(); ++i) EXPECT_EQ(find_rule(rule_info(i).id), &rule_info(i));
}

TEST(Catalogue, FindRuleOfAnUnknownId) {
    EXPECT_EQ(find_rule("no-such-rule"), nullptr);
    EXPECT_EQ(find_rule(""), nullptr);
    EXPECT_EQ(find_rule("DROP-TABLE"), nullptr);
    EXPECT_EQ(find_rule("drop-table "), nullptr);
}

TEST(Catalogue, FindRuleTakesAStringView) {
    std::string text = "xdrop-tablex";
    const RuleInfo *rule = find_rule(std::string_view(text).substr(1, 10));
    ASSERT_NE(rule, nullptr);
    EXPECT_STREQ(rule->id, "drop-table");
}

TEST(Catalogue, EveryRuleHasADocPage) {
    namespace fs = std::filesystem;
    for (const std::string &id : catalogue_ids()) {
        fs::path page = fs::path(MIGSAFE_SOURCE_DIR) / "docs" / "rules" / (id + ".md");
        EXPECT_TRUE(fs::is_regular_file(page)) << "missing " << page;
        if (fs::is_regular_file(page)) {
            EXPECT_GT(fs::file_size(page), 0u) << page;
        }
    }
}

TEST(Catalogue, SeverityNames) {
    EXPECT_STREQ(severity_name(Severity::dangerous), "dangerous");
    EXPECT_STREQ(severity_name(Severity::review), "review");
}

// ---- every rule fires, and its findings carry the catalogue's data ----------

class EveryRule : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryRule, ExampleTriggersItWithCatalogueSeverityAndHint) {
    const std::string &id = GetParam();
    if (auto database_only = kOutsideTheClassifier.find(id); database_only != kOutsideTheClassifier.end()) {
        EXPECT_TRUE(of_rule(check(database_only->second), id).empty()) << database_only->second;
        return;
    }
    auto example = kExamples.find(id);
    ASSERT_NE(example, kExamples.end()) << "no example for " << id;
    const RuleInfo *rule = find_rule(id);
    ASSERT_NE(rule, nullptr);
    cli::CheckOptions options{{"users"}};
    if (rule->opt_in) {
        // Off unless switched on.
        EXPECT_TRUE(of_rule(cli::check_sql(example->second, options), id).empty()) << example->second;
        options.opted_in = {id};
    }
    Findings findings = of_rule(cli::check_sql(example->second, options), id);
    ASSERT_EQ(findings.size(), 1u) << example->second;
    EXPECT_EQ(findings[0].severity, rule->severity);
    EXPECT_EQ(findings[0].hint, rule->hint);
    EXPECT_FALSE(findings[0].message.empty());
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EveryRule, ::testing::ValuesIn(catalogue_ids()),
                         [](const auto &info) {
                             std::string name = info.param;
                             for (char &c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

// ---- verdict ------------------------------------------------------------------

Finding finding_of(Severity severity) {
    Finding finding;
    finding.severity = severity;
    return finding;
}

// The statements the guard does not classify (concerns_no_rule): alone, with
// every opt-in rule on and a protected table, no rule finds anything.
TEST(ConcernsNoRule, TransactionControlAndShow) {
    Strings quiet = {"BEGIN;", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", "COMMIT;", "END;",
                     "ROLLBACK;", "SAVEPOINT a;", "RELEASE SAVEPOINT a;", "ROLLBACK TO SAVEPOINT a;",
                     "PREPARE TRANSACTION 'x';", "COMMIT PREPARED 'x';", "ROLLBACK PREPARED 'x';",
                     "SHOW migsafe.mode;", "SHOW ALL;"};
    cli::CheckOptions options{{"users"}};
    for (std::size_t i = 0; i < rule_count(); ++i)
        if (rule_info(i).opt_in) options.opted_in.push_back(rule_info(i).id);
    for (const std::string &sql : quiet) {
        for_each_statement(sql, [&](const Node *statement) { EXPECT_TRUE(concerns_no_rule(statement)) << sql; });
        EXPECT_EQ(rules_of(cli::check_sql(sql, options)), Strings{}) << sql;
    }
    for (const std::string sql : {"SET lock_timeout = 0;", "DELETE FROM users;", "SET migsafe.mode = off;",
                                  "ALTER SYSTEM SET migsafe.mode = off;", "SELECT 1;"})
        for_each_statement(sql, [&](const Node *statement) { EXPECT_FALSE(concerns_no_rule(statement)) << sql; });
}

TEST(Verdict, NoFindingsIsSafe) { EXPECT_STREQ(verdict({}), "safe"); }

TEST(Verdict, ReviewOnly) {
    EXPECT_STREQ(verdict({finding_of(Severity::review), finding_of(Severity::review)}), "review");
}

TEST(Verdict, AnyDangerousWins) {
    EXPECT_STREQ(verdict({finding_of(Severity::review), finding_of(Severity::dangerous)}), "dangerous");
    EXPECT_STREQ(verdict({finding_of(Severity::dangerous)}), "dangerous");
}

TEST(Verdict, OfClassifiedScripts) {
    EXPECT_STREQ(verdict(check("CREATE TABLE t (id int); DROP TABLE t;")), "safe");
    EXPECT_STREQ(verdict(check("DROP INDEX i; ALTER TABLE t RENAME TO u;")), "review");
    EXPECT_STREQ(verdict(check("DROP INDEX i; TRUNCATE t;")), "dangerous");
    EXPECT_STREQ(verdict(check("CREATE INDEX ON users (x);", {"users"})), "dangerous");
}

}  // namespace
}  // namespace migsafe::test
