// validate-in-same-transaction, int-primary-key (opt-in) and switching
// opt-in rules on (--enable, "enable" in the configuration file).
#include "test_support.hpp"

#include "cli/checker.hpp"
#include "cli/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

namespace migsafe::test {
namespace {

Strings validate_findings(const std::string &sql) {
    return summary(of_rule(check(sql), "validate-in-same-transaction"));
}

TEST(ValidateInSameTransaction, AfterNotValidInTheSameFile) {
    EXPECT_EQ(validate_findings("ALTER TABLE \"Order\" ADD CONSTRAINT \"total_positive\" CHECK (total >= 0) NOT VALID;\n"
                                "ALTER TABLE \"Order\" VALIDATE CONSTRAINT \"total_positive\";"),
              Strings{"2:2:1 validate-in-same-transaction review \"Order\".total_positive"});
    // A foreign key: SHARE ROW EXCLUSIVE on both tables through the scan.
    Findings fk = of_rule(check("ALTER TABLE posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (author_id) "
                                "REFERENCES users (id) NOT VALID;\n"
                                "ALTER TABLE posts VALIDATE CONSTRAINT posts_author_fkey;"),
                          "validate-in-same-transaction");
    ASSERT_EQ(fk.size(), 1u);
    EXPECT_TRUE(mentions(fk[0].message, {"same transaction", "SHARE ROW EXCLUSIVE", "posts"})) << fk[0].message;
    EXPECT_TRUE(mentions(fk[0].hint, {"later transaction"})) << fk[0].hint;
    // Inside one explicit BEGIN ... COMMIT.
    EXPECT_EQ(validate_findings("BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;")
                  .size(),
              1u);
}

TEST(ValidateInSameTransaction, NearMisses) {
    // A COMMIT between them: two transactions, the safe two-step form.
    EXPECT_EQ(validate_findings("BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nCOMMIT;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT c;"),
              Strings{});
    // VALIDATE alone: the constraint was added by an earlier migration.
    EXPECT_EQ(validate_findings("ALTER TABLE t VALIDATE CONSTRAINT c;"), Strings{});
    // Another constraint, another table.
    EXPECT_EQ(validate_findings("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT d;\nALTER TABLE u VALIDATE CONSTRAINT c;"),
              Strings{});
    // Added validated (add-check-validating's business, not this rule's).
    EXPECT_EQ(validate_findings("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\nALTER TABLE t VALIDATE CONSTRAINT c;"),
              Strings{});
    // A table created in the script holds no rows anyone waits for.
    EXPECT_EQ(validate_findings("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT c;"),
              Strings{});
    // ROLLBACK ends the transaction too.
    EXPECT_EQ(validate_findings("BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nROLLBACK;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT c;"),
              Strings{});
    // The text in comments, strings and dollar quotes.
    EXPECT_EQ(validate_findings("-- ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
                                "SELECT 'ALTER TABLE t VALIDATE CONSTRAINT c';\n"
                                "SELECT $x$ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID$x$;\n"
                                "ALTER TABLE t VALIDATE CONSTRAINT c;"),
              Strings{});
}

Findings with_rules(const std::string &sql, const Strings &opted_in) {
    cli::CheckOptions options;
    options.opted_in = opted_in;
    return of_rule(cli::check_sql(sql, options), "int-primary-key");
}

TEST(IntPrimaryKey, OffUnlessSwitchedOn) {
    EXPECT_TRUE(of_rule(check("CREATE TABLE t (id serial PRIMARY KEY);"), "int-primary-key").empty());
    EXPECT_EQ(summary(with_rules("CREATE TABLE t (id serial PRIMARY KEY);", {"int-primary-key"})),
              Strings{"1:1:17 int-primary-key review t.id"});
}

TEST(IntPrimaryKey, EveryNarrowIntegerForm) {
    for (const char *sql : {"CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE t (id integer PRIMARY KEY);",
                            "CREATE TABLE t (id int4 PRIMARY KEY);", "CREATE TABLE t (id smallint PRIMARY KEY);",
                            "CREATE TABLE t (id smallserial PRIMARY KEY);",
                            "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
                            "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));",
                            "ALTER TABLE t ADD COLUMN id serial PRIMARY KEY;"})
        EXPECT_EQ(with_rules(sql, {"int-primary-key"}).size(), 1u) << sql;
    Findings small = with_rules("CREATE TABLE t (id smallint PRIMARY KEY);", {"int-primary-key"});
    ASSERT_EQ(small.size(), 1u);
    EXPECT_TRUE(mentions(small[0].message, {"smallint", "32 767"})) << small[0].message;
}

TEST(IntPrimaryKey, NearMisses) {
    for (const char *sql : {"CREATE TABLE t (id bigint PRIMARY KEY);", "CREATE TABLE t (id bigserial PRIMARY KEY);",
                            "CREATE TABLE t (id uuid PRIMARY KEY);", "CREATE TABLE t (id int UNIQUE, n int);",
                            // a join table's composite key: its columns follow the referenced keys
                            "CREATE TABLE tag_post (tag_id int, post_id int, PRIMARY KEY (tag_id, post_id));",
                            "CREATE TABLE t (id int[] PRIMARY KEY);", "CREATE TABLE t (id myschema.int4 PRIMARY KEY);",
                            "-- CREATE TABLE t (id int PRIMARY KEY);\nSELECT 'CREATE TABLE t (id int PRIMARY KEY)';"})
        EXPECT_TRUE(with_rules(sql, {"int-primary-key"}).empty()) << sql;
}

// --enable and the configuration's "enable" switch opt-in rules on, and only those.
TEST(EnableRules, FlagAndConfiguration) {
    cli::CheckOptions flagged = cli::merge(cli::Config{}, {}, false, true, false, {"int-primary-key"});
    EXPECT_EQ(flagged.opted_in, Strings{"int-primary-key"});
    EXPECT_THROW(cli::merge(cli::Config{}, {}, false, true, false, {"drop-table"}), std::runtime_error);
    EXPECT_THROW(cli::merge(cli::Config{}, {}, false, true, false, {"no-such-rule"}), std::runtime_error);
    try {
        cli::opt_in_rule("--enable", "drop-table");
    } catch (const std::runtime_error &error) {
        EXPECT_TRUE(mentions(error.what(), {"--enable", "drop-table", "not opt-in"})) << error.what();
    }
    std::string path = testing::TempDir() + "enable.json";
    std::ofstream(path) << R"({"enable": ["int-primary-key", "missing-lock-timeout"]})";
    cli::CheckOptions configured = cli::merge(cli::load_config(path), {}, false, true);
    EXPECT_EQ(configured.opted_in, (Strings{"int-primary-key", "missing-lock-timeout"}));
    std::ofstream(path) << R"({"enable": ["drop-column"]})";
    EXPECT_THROW(cli::load_config(path), std::runtime_error);
}

}  // namespace
}  // namespace migsafe::test
