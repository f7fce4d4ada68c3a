// protected-table: any change to a protected table, matched by name.
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace migsafe::test {
namespace {

// The protected-table findings of sql, with these names protected.
Findings guarded(const std::string &sql, const Strings &protect) {
    return of_rule(check(sql, protect), "protected-table");
}

// Their objects.
Strings guarded_objects(const std::string &sql, const Strings &protect) {
    return objects_of(guarded(sql, protect));
}

const Strings kUsers{"users"};

// ---- name matching --------------------------------------------------------

TEST(ProtectedTableNames, NothingProtectedNothingFound) {
    EXPECT_EQ(guarded_objects("ALTER TABLE users ADD COLUMN x int;", {}), Strings{});
}

TEST(ProtectedTableNames, PointsAtTheTableName) {
    EXPECT_EQ(summary(guarded("ALTER TABLE users ADD COLUMN x int;", kUsers)),
              (Strings{"1:1:13 protected-table dangerous users"}));
}

TEST(ProtectedTableNames, UnqualifiedProtectedMatchesAnySchema) {
    EXPECT_EQ(guarded_objects("ALTER TABLE users ADD x int;", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE public.users ADD x int;", kUsers), (Strings{"public.users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE app.users ADD x int;", kUsers), (Strings{"app.users"}));
}

TEST(ProtectedTableNames, QualifiedProtectedMatchesItsSchemaAndUnqualified) {
    const Strings app_users{"app.users"};
    EXPECT_EQ(guarded_objects("ALTER TABLE app.users ADD x int;", app_users), (Strings{"app.users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE users ADD x int;", app_users), (Strings{"users"}));
}

TEST(ProtectedTableNames, QualifiedProtectedDoesNotMatchAnotherSchema) {
    EXPECT_EQ(guarded_objects("ALTER TABLE public.users ADD x int;", {"app.users"}), Strings{});
}

TEST(ProtectedTableNames, OtherTableIsNotProtected) {
    EXPECT_EQ(guarded_objects("ALTER TABLE users_archive ADD x int;", kUsers), Strings{});
}

TEST(ProtectedTableNames, QuotedProtectedNameIsCaseSensitive) {
    const Strings skill{R"("Skill")"};
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE "Skill" ADD x int;)", skill), (Strings{R"("Skill")"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE skill ADD x int;", skill), Strings{});
    EXPECT_EQ(guarded_objects("ALTER TABLE Skill ADD x int;", skill), Strings{});
}

TEST(ProtectedTableNames, UnquotedProtectedNameWithCapitalsProtectsBothSpellings) {
    // A Prisma model's name as typed: PostgreSQL folds it to skill, Prisma's
    // table is "Skill"; protecting only skill would protect nothing.
    const Strings skill{"Skill"};
    EXPECT_EQ(guarded_objects("ALTER TABLE skill ADD x int;", skill), (Strings{"skill"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE Skill ADD x int;", skill), (Strings{"skill"}));
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE "Skill" ADD x int;)", skill), (Strings{R"("Skill")"}));
    EXPECT_EQ(guarded_objects(R"(DROP TABLE public."Skill", skill;)", skill),
              (Strings{R"(public."Skill")", "skill"}));
    // Other spellings are other tables.
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE "SKILL" ADD x int; ALTER TABLE "skill_v" ADD x int;)", skill), Strings{});
}

TEST(ProtectedTableNames, UnquotedLowerCaseProtectedNameIsOneTable) {
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE "Skill" ADD x int;)", {"skill"}), Strings{});
}

TEST(ProtectedTableNames, QualifiedNameWithCapitalsInTheSchema) {
    const Strings app_skill{R"(App."Skill")"};
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE "App"."Skill" ADD x int; ALTER TABLE app."Skill" ADD y int;)", app_skill),
              (Strings{R"("App"."Skill")", R"(app."Skill")"}));
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE other."Skill" ADD x int;)", app_skill), Strings{});
}

TEST(ProtectedTableNames, SchemaQualifiedQuotedProtectedName) {
    EXPECT_EQ(guarded_objects(R"(ALTER TABLE public."Skill" ADD x int;)", {R"(public."Skill")"}),
              (Strings{R"(public."Skill")"}));
}

TEST(ProtectedTableNames, SeveralProtectedNames) {
    EXPECT_EQ(guarded_objects("TRUNCATE users, skills, logs;", {"users", "skills"}), (Strings{"users", "skills"}));
}

// ---- what counts as a change ----------------------------------------------

TEST(ProtectedTable, AnyAlterTableSubcommand) {
    for (const char *sql : {"ALTER TABLE users ADD COLUMN x int;", "ALTER TABLE users OWNER TO bob;",
                            "ALTER TABLE users ENABLE ROW LEVEL SECURITY;",
                            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                            "ALTER TABLE IF EXISTS ONLY users SET (fillfactor = 70);"})
        EXPECT_EQ(guarded_objects(sql, kUsers), (Strings{"users"})) << sql;
}

TEST(ProtectedTable, AlterAlsoReportsTheOrdinaryRule) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users DROP COLUMN email;", kUsers)),
              (Strings{"drop-column", "protected-table"}));
}

TEST(ProtectedTable, RenameTableAndColumn) {
    EXPECT_EQ(guarded_objects("ALTER TABLE users RENAME TO people;", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE users RENAME COLUMN email TO mail;", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE users RENAME CONSTRAINT a TO b;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, SetSchema) {
    EXPECT_EQ(summary(guarded("ALTER TABLE users SET SCHEMA archive;", kUsers)),
              (Strings{"1:1:13 protected-table dangerous users"}));
}

TEST(ProtectedTable, DropTable) {
    Findings findings = check("DROP TABLE IF EXISTS users CASCADE;", kUsers);
    EXPECT_EQ(summary(findings),
              (Strings{"1:1:1 drop-table dangerous users", "1:1:1 protected-table dangerous users"}));
}

TEST(ProtectedTable, DropOneOfSeveralTables) {
    EXPECT_EQ(guarded_objects("DROP TABLE logs, app.users;", kUsers), (Strings{"app.users"}));
}

TEST(ProtectedTable, Truncate) {
    EXPECT_EQ(summary(guarded("TRUNCATE ONLY users;", kUsers)), (Strings{"1:1:15 protected-table dangerous users"}));
}

TEST(ProtectedTable, CreateIndex) {
    EXPECT_EQ(guarded_objects("CREATE INDEX users_email_idx ON users (email);", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("CREATE UNIQUE INDEX CONCURRENTLY ON public.users (email);", kUsers),
              (Strings{"public.users"}));
}

TEST(ProtectedTable, CreateTrigger) {
    EXPECT_EQ(guarded_objects("CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f();",
                              kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, CreateRule) {
    EXPECT_EQ(guarded_objects("CREATE RULE r AS ON INSERT TO users DO INSTEAD NOTHING;", kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, CreateAndAlterPolicy) {
    EXPECT_EQ(guarded_objects("CREATE POLICY p ON users USING (true);", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER POLICY p ON users USING (false);", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, DropTriggerRuleOrPolicyOnIt) {
    EXPECT_EQ(summary(guarded("DROP TRIGGER IF EXISTS t ON users;", kUsers)),
              (Strings{"1:1:1 protected-table dangerous users"}));
    EXPECT_EQ(guarded_objects("DROP RULE r ON app.users;", kUsers), (Strings{"app.users"}));
    EXPECT_EQ(guarded_objects("DROP POLICY p ON users;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, DropTriggerOnAnotherTable) {
    EXPECT_EQ(guarded_objects("DROP TRIGGER users ON logs;", kUsers), Strings{});
}

TEST(ProtectedTable, CreateTableWithColumnReference) {
    EXPECT_EQ(summary(guarded("CREATE TABLE orders (id int, user_id int REFERENCES users (id));", kUsers)),
              (Strings{"1:1:53 protected-table dangerous users"}));
}

TEST(ProtectedTable, CreateTableWithTableConstraintReference) {
    EXPECT_EQ(guarded_objects("CREATE TABLE orders (user_id int,\n"
                              "  CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES public.users (id));",
                              kUsers),
              (Strings{"public.users"}));
}

TEST(ProtectedTable, CreateTableWithoutReferenceIsFine) {
    EXPECT_EQ(guarded_objects("CREATE TABLE orders (id int, user_id int);", kUsers), Strings{});
    EXPECT_EQ(guarded_objects("CREATE TABLE users_copy (LIKE users);", kUsers), Strings{});
}

TEST(ProtectedTable, AddForeignKeyOnAnotherTable) {
    EXPECT_EQ(guarded_objects("ALTER TABLE orders ADD CONSTRAINT orders_user_fk\n"
                              "  FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
                              kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, AddColumnWithReference) {
    EXPECT_EQ(guarded_objects("ALTER TABLE orders ADD COLUMN user_id int REFERENCES users;", kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, AddCheckConstraintOnAnotherTableIsFine) {
    EXPECT_EQ(guarded_objects("ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0);", kUsers), Strings{});
}

TEST(ProtectedTable, PartitionOf) {
    EXPECT_EQ(guarded_objects("CREATE TABLE users_2024 PARTITION OF users FOR VALUES FROM (1) TO (100);",
                              kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, Inherits) {
    EXPECT_EQ(guarded_objects("CREATE TABLE admins (level int) INHERITS (users);", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, AttachAndDetachPartition) {
    EXPECT_EQ(guarded_objects("ALTER TABLE events ATTACH PARTITION users FOR VALUES IN (1);", kUsers),
              (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE events DETACH PARTITION users;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, InheritAndNoInherit) {
    EXPECT_EQ(guarded_objects("ALTER TABLE admins INHERIT users;", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("ALTER TABLE admins NO INHERIT users;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, ClusterAndVacuumFullRewriteIt) {
    EXPECT_EQ(guarded_objects("CLUSTER users USING users_pkey;", kUsers), (Strings{"users"}));
    EXPECT_EQ(guarded_objects("VACUUM FULL users;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, PlainVacuumAndAnalyzeAreFine) {
    EXPECT_EQ(guarded_objects("VACUUM users;", kUsers), Strings{});
    EXPECT_EQ(guarded_objects("ANALYZE users;", kUsers), Strings{});
}

TEST(ProtectedTable, RenameTriggerOnIt) {
    EXPECT_EQ(guarded_objects("ALTER TRIGGER t ON users RENAME TO t2;", kUsers), (Strings{"users"}));
}

TEST(ProtectedTable, DropSchemaCascadeReachesAQualifiedProtectedTable) {
    // DESIGN §2: "a cascade that reaches it". app.users goes with schema app.
    EXPECT_EQ(rules_of(check("DROP SCHEMA app CASCADE;", {"app.users"})),
              (Strings{"drop-schema", "protected-table"}));
}

TEST(ProtectedTable, DropSchemaCascadeOfAnotherSchema) {
    EXPECT_EQ(guarded_objects("DROP SCHEMA other CASCADE;", {"app.users"}), Strings{});
}

TEST(ProtectedTable, DmlWithWhereIsNotAChange) {
    EXPECT_EQ(rules_of(check("DELETE FROM users WHERE id = 1;", kUsers)), Strings{});
    EXPECT_EQ(rules_of(check("UPDATE users SET email = '' WHERE id = 1;", kUsers)), Strings{});
    EXPECT_EQ(rules_of(check("INSERT INTO users (id) VALUES (1);", kUsers)), Strings{});
}

TEST(ProtectedTable, ReadingItIsNotAChange) {
    EXPECT_EQ(rules_of(check("CREATE VIEW v AS SELECT * FROM users; SELECT * FROM users;", kUsers)), Strings{});
    EXPECT_EQ(rules_of(check("LOCK TABLE users IN SHARE MODE;", kUsers)), Strings{});
}

// ---- one finding per protected table per statement ------------------------

TEST(ProtectedTable, SelfReferenceIsOneFinding) {
    EXPECT_EQ(guarded_objects("ALTER TABLE users ADD COLUMN manager_id int REFERENCES users;", kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, SeveralReferencesAreOneFinding) {
    EXPECT_EQ(guarded_objects("CREATE TABLE t (a int REFERENCES users, b int REFERENCES users,\n"
                              "  FOREIGN KEY (a, b) REFERENCES users (x, y));",
                              kUsers),
              (Strings{"users"}));
}

TEST(ProtectedTable, SameTableWrittenTwoWaysIsOneFinding) {
    // users and public.users both name the one protected table public.users.
    EXPECT_EQ(guarded(R"(CREATE TABLE t (a int REFERENCES users, b int REFERENCES public.users);)",
                      {"public.users"})
                  .size(),
              1u);
}

TEST(ProtectedTable, OneFindingPerProtectedTable) {
    EXPECT_EQ(guarded_objects("CREATE TABLE t (a int REFERENCES users, b int REFERENCES skills);",
                              {"users", "skills"}),
              (Strings{"users", "skills"}));
}

TEST(ProtectedTable, EachStatementReportsAgain) {
    Findings findings = guarded("ALTER TABLE users ADD a int;\nALTER TABLE users ADD b int;", kUsers);
    EXPECT_EQ(summary(findings), (Strings{"1:1:13 protected-table dangerous users",
                                          "2:2:13 protected-table dangerous users"}));
}

// Statement numbers of findings.
std::vector<int> statements_of(const Findings &findings) {
    std::vector<int> out;
    for (const Finding &finding : findings) out.push_back(finding.statement);
    return out;
}

TEST(ProtectedTable, RenamedProtectedTableStaysProtected) {
    EXPECT_EQ(statements_of(guarded("ALTER TABLE users RENAME TO people;\nALTER TABLE people ADD x int;\n"
                                    "TRUNCATE people;",
                                    kUsers)),
              (std::vector<int>{1, 2, 3}));
}

TEST(ProtectedTable, MovedProtectedTableStaysProtected) {
    EXPECT_EQ(statements_of(guarded("ALTER TABLE app.users SET SCHEMA archive;\nDROP TABLE archive.users;",
                                    {"app.users"})),
              (std::vector<int>{1, 2}));
}

TEST(ProtectedTable, CreatedInTheScriptStillMatchesByName) {
    // A name is protected whatever the script did before.
    EXPECT_EQ(guarded_objects("CREATE TABLE users (id int);\nCREATE INDEX ON users (id);", kUsers),
              (Strings{"users"}));
}

}  // namespace
}  // namespace migsafe::test

namespace migsafe::test {
namespace {

// A database where "family" has the protected child "family_kept".
class FamilyContext final : public Context {
public:
    std::optional<RelName> protected_match(const RelName &table) const override {
        if (table.name == "family_kept") return table;
        return std::nullopt;
    }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    std::vector<RelName> protected_descendants(const RelName &table) const override {
        if (table.name == "family") return {RelName{"public", "family_kept"}};
        return {};
    }
};

Strings protected_with_family(const std::string &sql) {
    FamilyContext context;
    return objects_of(of_rule(cli::check_sql(sql, context), "protected-table"));
}

TEST(ProtectedDescendants, StatementsOnTheParentReachTheChild) {
    for (const char *sql : {"ALTER TABLE family ADD COLUMN a int;", "TRUNCATE family;", "CREATE INDEX ON family (id);",
                            "VACUUM FULL family;", "ALTER TABLE family DROP COLUMN extra;"})
        EXPECT_EQ(protected_with_family(sql), Strings{"public.family_kept"}) << sql;
}

TEST(ProtectedDescendants, OnlyAndOtherStatementsDoNot) {
    for (const char *sql : {"ALTER TABLE ONLY family ADD COLUMN a int;", "TRUNCATE ONLY family;",
                            "CREATE INDEX ON ONLY family (id);", "ALTER TABLE family RENAME TO kin;",
                            "CREATE TRIGGER t BEFORE INSERT ON family FOR EACH ROW EXECUTE FUNCTION f();",
                            "ALTER TABLE other ADD COLUMN a int;", "SELECT * FROM family;"})
        EXPECT_EQ(protected_with_family(sql), Strings{}) << sql;
}

}  // namespace
}  // namespace migsafe::test
