// rename-enum-value, alter-domain-add-constraint, identifier-too-long.
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <map>

namespace migsafe::test {
namespace {

// A name of `length` bytes: "n" then the letters of the alphabet, over again.
std::string name_of(std::size_t length, char first = 'n') {
    std::string name(1, first);
    while (name.size() < length) name += static_cast<char>('a' + name.size() % 26);
    return name;
}

// ---- rename-enum-value ----------------------------------------------------

TEST(RenameEnumValue, FlaggedAsReview) {
    EXPECT_EQ(summary(check("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';")),
              (Strings{"1:1:1 rename-enum-value review mood"}));
}

TEST(RenameEnumValue, MessageNamesBothLabels) {
    Findings findings = check(R"(ALTER TYPE app."Status" RENAME VALUE 'ARCHIVED' TO 'CLOSED';)");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].object, R"(app."Status")");
    EXPECT_TRUE(mentions(findings[0].message, {"'ARCHIVED'", "'CLOSED'", R"(app."Status")"})) << findings[0].message;
}

TEST(RenameEnumValue, AddValueIsNotARename) {
    EXPECT_EQ(rules_of(of_rule(check("ALTER TYPE mood ADD VALUE 'meh';"), "rename-enum-value")), Strings{});
    EXPECT_EQ(rules_of(of_rule(check("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'sad';"),
                               "rename-enum-value")),
              Strings{});
}

TEST(RenameEnumValue, TypeCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
                             "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';")),
              Strings{});
    // Still new under its new name.
    EXPECT_EQ(rules_of(check("CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood RENAME TO feeling;\n"
                             "ALTER TYPE feeling RENAME VALUE 'sad' TO 'unhappy';")),
              Strings{});
}

TEST(RenameEnumValue, TypeCreatedThenDroppedIsNoLongerNew) {
    EXPECT_EQ(rules_of(of_rule(check("CREATE TYPE mood AS ENUM ('sad');\nDROP TYPE mood;\n"
                                     "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';"),
                               "rename-enum-value")),
              Strings{"rename-enum-value"});
}

TEST(RenameEnumValue, TextThatIsNoStatement) {
    EXPECT_EQ(rules_of(check("SELECT 'ALTER TYPE mood RENAME VALUE ''sad'' TO ''unhappy''';")), Strings{});
    EXPECT_EQ(rules_of(check("-- ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';\nSELECT 1;")), Strings{});
    EXPECT_EQ(rules_of(check("/* ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy'; */ SELECT 1;")), Strings{});
    EXPECT_EQ(rules_of(check("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ "
                             "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy' $$;")),
              Strings{});
}

// ---- alter-domain-add-constraint --------------------------------------------

TEST(AlterDomainAddConstraint, CheckWithoutNotValid) {
    Findings findings = check(R"(ALTER DOMAIN "Email" ADD CONSTRAINT lower_case CHECK (VALUE = lower(VALUE));)");
    EXPECT_EQ(summary(findings), (Strings{R"(1:1:1 alter-domain-add-constraint review "Email")"}));
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"ADD CHECK lower_case", "NOT VALID", "may check", "blocks writes"}))
        << findings[0].message;
    EXPECT_TRUE(mentions(findings[0].hint, {"NOT VALID", "VALIDATE CONSTRAINT", "VALUE IS NOT NULL"}))
        << findings[0].hint;
}

TEST(AlterDomainAddConstraint, UnnamedCheck) {
    EXPECT_EQ(summary(check("ALTER DOMAIN app.zip ADD CHECK (length(VALUE) = 5);")),
              (Strings{"1:1:1 alter-domain-add-constraint review app.zip"}));
}

TEST(AlterDomainAddConstraint, SetNotNull) {
    Findings findings = check("ALTER DOMAIN zip SET NOT NULL;");
    EXPECT_EQ(summary(findings), (Strings{"1:1:1 alter-domain-add-constraint review zip"}));
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"SET NOT NULL", "zip"})) << findings[0].message;
}

TEST(AlterDomainAddConstraint, NotNullConstraint) {
    // ADD CONSTRAINT ... NOT NULL: the grammar of PostgreSQL 17 and later.
    EXPECT_EQ(rules_of(check("ALTER DOMAIN zip ADD CONSTRAINT zip_nn NOT NULL;")),
              Strings{"alter-domain-add-constraint"});
}

TEST(AlterDomainAddConstraint, NearMisses) {
    for (const char *sql : {"ALTER DOMAIN zip ADD CONSTRAINT five CHECK (length(VALUE) = 5) NOT VALID;",
                            "ALTER DOMAIN zip VALIDATE CONSTRAINT five;",
                            "ALTER DOMAIN zip DROP CONSTRAINT five;",
                            "ALTER DOMAIN zip DROP NOT NULL;",
                            "ALTER DOMAIN zip SET DEFAULT '00000';",
                            "ALTER DOMAIN zip DROP DEFAULT;",
                            "ALTER DOMAIN zip RENAME CONSTRAINT five TO five_digits;",
                            "ALTER TABLE t ADD CONSTRAINT five CHECK (a > 0) NOT VALID;",
                            "SELECT 'ALTER DOMAIN zip SET NOT NULL';",
                            "-- ALTER DOMAIN zip SET NOT NULL;\nSELECT 1;"})
        EXPECT_EQ(rules_of(check(sql)), Strings{}) << sql;
}

TEST(AlterDomainAddConstraint, DomainCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE DOMAIN zip AS text;\n"
                             "ALTER DOMAIN zip ADD CONSTRAINT five CHECK (length(VALUE) = 5);\n"
                             "ALTER DOMAIN zip SET NOT NULL;")),
              Strings{});
    EXPECT_EQ(rules_of(check("CREATE DOMAIN app.zip AS text;\nALTER DOMAIN app.zip SET NOT NULL;")), Strings{});
    // Another schema's domain of the same name existed before.
    EXPECT_EQ(rules_of(check("CREATE DOMAIN app.zip AS text;\nALTER DOMAIN billing.zip SET NOT NULL;")),
              Strings{"alter-domain-add-constraint"});
}

TEST(AlterDomainAddConstraint, DomainCreatedThenDroppedIsNoLongerNew) {
    EXPECT_EQ(rules_of(check("CREATE DOMAIN zip AS text;\nDROP DOMAIN zip;\nALTER DOMAIN zip SET NOT NULL;")),
              (Strings{"alter-domain-add-constraint"}));
}

// The database answers how many columns use the domain.
class DomainUse final : public Context {
public:
    std::map<std::string, int> columns;  // by domain name; absent: cannot know

    std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    std::optional<int> domain_columns(const RelName &domain) const override {
        auto found = columns.find(domain.display());
        if (found == columns.end()) return std::nullopt;
        return found->second;
    }
    bool type_created_by_session(const RelName &type) const override { return type.name == "session_zip"; }
};

TEST(AlterDomainAddConstraint, InTheDatabaseAnUnusedDomainChecksNothing) {
    DomainUse context;
    context.columns = {{"zip", 0}, {"email", 3}, {"code", 1}};
    EXPECT_EQ(rules_of(cli::check_sql("ALTER DOMAIN zip SET NOT NULL;", context)), Strings{});
    Findings findings = cli::check_sql("ALTER DOMAIN email ADD CHECK (VALUE <> '');", context);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"checks every row of the 3 columns"})) << findings[0].message;
    EXPECT_FALSE(mentions(findings[0].message, {"may"})) << findings[0].message;
    findings = cli::check_sql("ALTER DOMAIN code SET NOT NULL;", context);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"the one column of"})) << findings[0].message;
    // Unknown to the catalog: judged as offline.
    findings = cli::check_sql("ALTER DOMAIN other SET NOT NULL;", context);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"may check"})) << findings[0].message;
    // Created earlier in the session.
    EXPECT_EQ(rules_of(cli::check_sql("ALTER DOMAIN session_zip SET NOT NULL;", context)), Strings{});
}

// ---- identifier-too-long ------------------------------------------------------

TEST(IdentifierTooLong, TableName) {
    std::string long_name = name_of(70);
    Findings findings = check("CREATE TABLE " + long_name + " (id int);");
    EXPECT_EQ(summary(findings), (Strings{"1:1:14 identifier-too-long review " + long_name.substr(0, 63)}));
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {long_name, "truncates it to " + long_name.substr(0, 63)}))
        << findings[0].message;
}

TEST(IdentifierTooLong, UnquotedNamesAreComparedAsTheParserReadsThem) {
    std::string long_name = name_of(64, 'N');  // upper-case first letter: the parser lower-cases it
    std::string truncated = "n" + long_name.substr(1, 62);
    EXPECT_EQ(objects_of(check("CREATE TABLE t (" + long_name + " int);")), (Strings{truncated}));
}

TEST(IdentifierTooLong, QuotedNames) {
    std::string long_name = "Organization" + name_of(60, 'X');
    Findings findings = check("CREATE TABLE \"" + long_name + "\" (id int);");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, "identifier-too-long");
    EXPECT_EQ(findings[0].object, "\"" + long_name.substr(0, 63) + "\"");
    EXPECT_EQ(findings[0].col, 14);
}

TEST(IdentifierTooLong, WhereNamesComeFrom) {
    std::string n = name_of(64);
    std::string t = n.substr(0, 63);
    for (const std::string &sql : {
             "CREATE TABLE t (id int, CONSTRAINT " + n + " CHECK (id > 0));",
             "CREATE TABLE t (id int CONSTRAINT " + n + " PRIMARY KEY);",
             "ALTER TABLE t ADD COLUMN " + n + " int;",
             "ALTER TABLE t ADD CONSTRAINT " + n + " UNIQUE USING INDEX i;",
             "CREATE INDEX CONCURRENTLY " + n + " ON t (a);",
             "ALTER TABLE t RENAME TO " + n + ";",
             "ALTER TABLE t RENAME COLUMN a TO " + n + ";",
             "ALTER INDEX i RENAME TO " + n + ";",
             "CREATE SEQUENCE " + n + ";",
             "CREATE VIEW " + n + " AS SELECT 1;",
             "CREATE TYPE " + n + " AS ENUM ('a');",
             "CREATE DOMAIN " + n + " AS text;",
             "CREATE TYPE pair AS (" + n + " int);",
             "CREATE TABLE app." + n + " (id int);",
             "CREATE SCHEMA " + n + ";",
         }) {
        Findings findings = of_rule(check(sql), "identifier-too-long");
        ASSERT_EQ(findings.size(), 1u) << sql;
        EXPECT_EQ(findings[0].object, t) << sql;
    }
}

TEST(IdentifierTooLong, MultibyteNamesAreCutAtACharacterBoundary) {
    // 62 ASCII bytes, then "é" (2 bytes) does not fit: 62 bytes are kept.
    std::string long_name = name_of(62) + "\xc3\xa9" + "tail";
    Findings findings = check("CREATE TABLE \"" + long_name + "\" (id int);");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {long_name.substr(0, 62)})) << findings[0].message;
}

TEST(IdentifierTooLong, OncePerDistinctNameAndStatement) {
    std::string n = name_of(64);
    Findings findings = check("CREATE TABLE t (" + n + " int, CONSTRAINT c CHECK (" + n + " > 0));");
    EXPECT_EQ(rules_of(findings), Strings{"identifier-too-long"});
    findings = check("ALTER TABLE " + n + " ADD COLUMN " + name_of(65, 'c') + " int;");
    EXPECT_EQ(rules_of(findings), (Strings{"identifier-too-long", "identifier-too-long"}));
}

TEST(IdentifierTooLong, TwoLongNamesThatTruncateAlikeCollide) {
    std::string a = name_of(63) + "_created_at", b = name_of(63) + "_updated_at";
    Findings findings = check("CREATE TABLE t (" + a + " int, " + b + " int);");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"collide", b})) << findings[0].message;
}

TEST(IdentifierTooLong, NewObjectsAreNotExempt) {
    std::string n = name_of(64);
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN " + n + " int;")),
              Strings{"identifier-too-long"});
}

TEST(IdentifierTooLong, NearMisses) {
    std::string exact = name_of(63);
    std::string n = name_of(70);
    for (const std::string &sql : {
             "CREATE TABLE " + exact + " (id int);",
             "CREATE TABLE \"" + exact + "\" (id int);",
             "ALTER TABLE " + exact + " RENAME TO " + exact.substr(0, 62) + "x;",
             "SELECT '" + n + "';",
             "COMMENT ON TABLE t IS '" + n + "';",
             "-- " + n + "\nCREATE TABLE t (id int);",
             "CREATE TABLE t (id int); -- " + n,
             "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ DECLARE " + n +
                 " int := 1; BEGIN RETURN " + n + "; END $$;",
             "DO $$ BEGIN CREATE TABLE " + n + " (id int); END $$;",
             // A 63-byte name in one statement, a longer one in the next.
             "CREATE TABLE " + exact + " (id int);\nSELECT 1 AS " + exact + "_more;",
         })
        EXPECT_EQ(rules_of(of_rule(check(sql), "identifier-too-long")), Strings{}) << sql;
}

}  // namespace
}  // namespace migsafe::test
