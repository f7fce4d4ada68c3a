// Renames that break running code: rename-table, rename-column.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

// ---- rename-table ---------------------------------------------------------

TEST(RenameTable, FlaggedAsReview) {
    EXPECT_EQ(summary(check("ALTER TABLE users RENAME TO people;")),
              (Strings{"1:1:1 rename-table review users"}));
}

TEST(RenameTable, MessageNamesTheNewName) {
    Findings findings = check(R"(ALTER TABLE users RENAME TO "People";)");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"users", R"("People")"})) << findings[0].message;
}

TEST(RenameTable, IfExistsQualifiedQuoted) {
    EXPECT_EQ(objects_of(check(R"(ALTER TABLE IF EXISTS app."User" RENAME TO "Person";)")),
              (Strings{R"(app."User")"}));
}

TEST(RenameTable, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int); ALTER TABLE t RENAME TO u;")), Strings{});
}

TEST(RenameTable, OtherRelationKindsAreNotTables) {
    EXPECT_EQ(rules_of(check("ALTER VIEW v RENAME TO w;")), Strings{});
    EXPECT_EQ(rules_of(check("ALTER INDEX i RENAME TO j;")), Strings{});
    EXPECT_EQ(rules_of(check("ALTER SEQUENCE s RENAME TO s2;")), Strings{});
}

TEST(RenameTable, SetSchemaMovesTheQualifiedName) {
    Findings findings = check("ALTER TABLE app.users SET SCHEMA archive;");
    EXPECT_EQ(summary(findings), (Strings{"1:1:1 rename-table review app.users"}));
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"SET SCHEMA", "archive"})) << findings[0].message;
}

TEST(RenameTable, SetSchemaNearMisses) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nALTER TABLE t SET SCHEMA app;")), Strings{});
    EXPECT_EQ(rules_of(check("ALTER VIEW v SET SCHEMA app;")), Strings{});
    EXPECT_EQ(rules_of(check("ALTER SEQUENCE s SET SCHEMA app;")), Strings{});
    EXPECT_EQ(rules_of(check("ALTER TYPE mood SET SCHEMA app;")), Strings{});
    EXPECT_EQ(rules_of(check("SELECT 'ALTER TABLE users SET SCHEMA app';")), Strings{});
}

TEST(RenameTable, RenameConstraintIsNotATableRename) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users RENAME CONSTRAINT a TO b;")), Strings{});
}

// ---- rename-column --------------------------------------------------------

TEST(RenameColumn, FlaggedAsReview) {
    EXPECT_EQ(summary(check(R"(ALTER TABLE "User" RENAME COLUMN "legacyId" TO "oldId";)")),
              (Strings{R"(1:1:1 rename-column review "User"."legacyId")"}));
}

TEST(RenameColumn, ColumnKeywordIsOptional) {
    EXPECT_EQ(objects_of(check("ALTER TABLE app.users RENAME email TO mail;")), (Strings{"app.users.email"}));
}

TEST(RenameColumn, MessageNamesTheNewName) {
    Findings findings = check("ALTER TABLE users RENAME COLUMN email TO mail;");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"users.email", "mail"})) << findings[0].message;
}

TEST(RenameColumn, ColumnAddedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN tmp int; ALTER TABLE users RENAME tmp TO tmp2;")),
              Strings{});
}

TEST(RenameColumn, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (a int); ALTER TABLE t RENAME a TO b;")), Strings{});
}

TEST(RenameColumn, ViewColumnIsNotATableColumn) {
    EXPECT_EQ(rules_of(check("ALTER VIEW v RENAME COLUMN a TO b;")), Strings{});
}

}  // namespace
}  // namespace migsafe::test
