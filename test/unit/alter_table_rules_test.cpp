// ALTER TABLE subcommands: drop-column, drop-constraint, alter-column-type.
#include "classifier/classifier.hpp"
#include "cli/checker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <set>

namespace migsafe::test {
namespace {

// ---- drop-column ----------------------------------------------------------

TEST(DropColumn, QuotedTableAndColumn) {
    EXPECT_EQ(summary(check(R"(ALTER TABLE "User" DROP COLUMN "legacyId";)")),
              (Strings{R"(1:1:1 drop-column dangerous "User"."legacyId")"}));
}

TEST(DropColumn, SchemaQualified) {
    EXPECT_EQ(objects_of(check("ALTER TABLE app.users DROP COLUMN email;")), (Strings{"app.users.email"}));
}

TEST(DropColumn, ColumnKeywordIsOptional) {
    EXPECT_EQ(objects_of(check("ALTER TABLE users DROP email;")), (Strings{"users.email"}));
}

TEST(DropColumn, IfExistsOnlyAndCascade) {
    Findings findings = check("ALTER TABLE IF EXISTS ONLY users DROP COLUMN IF EXISTS email CASCADE;");
    ASSERT_EQ(summary(findings), (Strings{"1:1:1 drop-column dangerous users.email"}));
    EXPECT_TRUE(mentions(findings[0].message, {"CASCADE"})) << findings[0].message;
}

TEST(DropColumn, OneFindingPerColumn) {
    EXPECT_EQ(objects_of(check("ALTER TABLE users DROP COLUMN a, DROP COLUMN b;")),
              (Strings{"users.a", "users.b"}));
}

TEST(DropColumn, KeywordColumnNameIsQuoted) {
    EXPECT_EQ(objects_of(check(R"(ALTER TABLE users DROP COLUMN "order";)")), (Strings{R"(users."order")"}));
}

TEST(DropColumn, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;")), Strings{});
}

TEST(DropColumn, ColumnAddedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN tmp int;\nALTER TABLE users DROP COLUMN tmp;")),
              Strings{});
}

TEST(DropColumn, AddedAndDroppedInOneStatementIsJudgedBeforeTheAdd) {
    // The state is updated after a statement is judged.
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN tmp int, DROP COLUMN tmp;")), (Strings{"drop-column"}));
}

TEST(DropColumn, OtherColumnThanTheAddedOne) {
    EXPECT_EQ(objects_of(check("ALTER TABLE users ADD COLUMN tmp int;\nALTER TABLE users DROP COLUMN email;")),
              (Strings{"users.email"}));
}

TEST(DropColumn, ColumnAddedToAnotherTable) {
    EXPECT_EQ(objects_of(check("ALTER TABLE orders ADD COLUMN tmp int;\nALTER TABLE users DROP COLUMN tmp;")),
              (Strings{"users.tmp"}));
}

TEST(DropColumn, AddedColumnNameIsCaseSensitive) {
    EXPECT_EQ(objects_of(check(R"(ALTER TABLE users ADD COLUMN "Tmp" int; ALTER TABLE users DROP COLUMN tmp;)")),
              (Strings{"users.tmp"}));
}

TEST(DropColumn, AddColumnIfNotExistsMayNotAddAnything) {
    // If email already exists the ADD does nothing and the DROP loses data.
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;\n"
                             "ALTER TABLE users DROP COLUMN email;")),
              (Strings{"drop-column"}));
}

TEST(DropColumn, ExistingColumnRenamedThenDropped) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users RENAME COLUMN email TO email_old;\n"
                             "ALTER TABLE users DROP COLUMN email_old;")),
              (Strings{"rename-column", "drop-column"}));
}

TEST(DropColumn, AddColumnAloneIsSafe) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN nickname text;")), Strings{});
}

// ---- drop-constraint ------------------------------------------------------

TEST(DropConstraint, Flagged) {
    EXPECT_EQ(summary(check("ALTER TABLE orders DROP CONSTRAINT orders_user_fk;")),
              (Strings{"1:1:1 drop-constraint dangerous orders.orders_user_fk"}));
}

TEST(DropConstraint, QuotedIfExistsCascade) {
    EXPECT_EQ(objects_of(check(R"(ALTER TABLE public."User" DROP CONSTRAINT IF EXISTS "User_pkey" CASCADE;)")),
              (Strings{R"(public."User"."User_pkey")"}));
}

TEST(DropConstraint, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int CONSTRAINT t_pos CHECK (id > 0));\n"
                             "ALTER TABLE t DROP CONSTRAINT t_pos;")),
              Strings{});
}

TEST(DropConstraint, AddConstraintIsNotFlagged) {
    EXPECT_EQ(rules_of(check("ALTER TABLE orders ADD CONSTRAINT pos CHECK (total >= 0) NOT VALID;")), Strings{});
}

// The safe SET NOT NULL (docs/rules/set-not-null.md): its last step drops a
// CHECK that the NOT NULL now implies, which loses nothing.
const std::string kAddCheck =
    R"(ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;)" "\n";
const std::string kValidate = R"(ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";)" "\n";
const std::string kSetNotNull = R"(ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;)" "\n";
const std::string kDropCheck = R"(ALTER TABLE "User" DROP CONSTRAINT "User_email_not_null";)" "\n";

Strings drop_constraint_objects(const std::string &sql) { return objects_of(of_rule(check(sql), "drop-constraint")); }

TEST(DropConstraint, CheckImpliedByNotNullSetInTheScriptIsNotFlagged) {
    EXPECT_EQ(drop_constraint_objects(kAddCheck + kValidate + kSetNotNull + kDropCheck), Strings{});
    // NOT NULL first, or the CHECK left NOT VALID: the NOT NULL guards the column either way.
    EXPECT_EQ(drop_constraint_objects(kSetNotNull + kAddCheck + kDropCheck), Strings{});
    EXPECT_EQ(drop_constraint_objects("ALTER TABLE public.\"User\" ADD CONSTRAINT \"User_email_not_null\" "
                                      "CHECK (email IS NOT NULL);\n" +
                                      kSetNotNull + kDropCheck),
              Strings{});
}

TEST(DropConstraint, ImpliedCheckKeepsTheSetNotNullReview) {
    // One file is one transaction: the VALIDATE scans under the ADD's lock.
    EXPECT_EQ(rules_of(check(kAddCheck + kValidate + kSetNotNull + kDropCheck)),
              (Strings{"validate-in-same-transaction", "set-not-null"}));
    EXPECT_EQ(rules_of(check("BEGIN;\n" + kAddCheck + "COMMIT;\n" + kValidate + kSetNotNull + kDropCheck)),
              (Strings{"set-not-null"}));
}

const Strings kUserEmailCheck{R"("User"."User_email_not_null")"};

TEST(DropConstraint, CheckThatIsNotAPlainIsNotNullIsFlagged) {
    for (const char *expression : {R"("email" IS NOT NULL AND "email" <> '')", R"(NOT ("email" IS NULL))",
                                   R"("email" IS NULL)", R"("User"."email" IS NOT NULL)", R"(("email", "id") IS NOT NULL)",
                                   R"(length("email") IS NOT NULL)"}) {
        std::string add = std::string(R"(ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ()") +
                          expression + ") NOT VALID;\n";
        EXPECT_EQ(drop_constraint_objects(add + kValidate + kSetNotNull + kDropCheck), kUserEmailCheck) << expression;
    }
}

TEST(DropConstraint, ColumnNotSetNotNullIsFlagged) {
    EXPECT_EQ(drop_constraint_objects(kAddCheck + kValidate + kDropCheck), kUserEmailCheck);
    // Set NOT NULL with ONLY: a child's copy of the CHECK may be all that
    // keeps its NULLs out.
    EXPECT_EQ(drop_constraint_objects(kAddCheck + R"(ALTER TABLE ONLY "User" ALTER COLUMN "email" SET NOT NULL;)" +
                                      kDropCheck),
              kUserEmailCheck);
    // Set, then dropped again.
    EXPECT_EQ(drop_constraint_objects(kAddCheck + kSetNotNull + R"(ALTER TABLE "User" ALTER "email" DROP NOT NULL;)" +
                                      kDropCheck),
              kUserEmailCheck);
}

TEST(DropConstraint, OtherColumnOrTableSetNotNullIsFlagged) {
    EXPECT_EQ(drop_constraint_objects(kAddCheck + R"(ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;)" +
                                      kDropCheck),
              kUserEmailCheck);
    EXPECT_EQ(drop_constraint_objects(kAddCheck + R"(ALTER TABLE "Account" ALTER COLUMN "email" SET NOT NULL;)" +
                                      kDropCheck),
              kUserEmailCheck);
    EXPECT_EQ(drop_constraint_objects(kAddCheck + R"(ALTER TABLE other."User" ALTER COLUMN "email" SET NOT NULL;)" +
                                      kDropCheck),
              kUserEmailCheck);
}

TEST(DropConstraint, ConstraintNotAddedByTheScriptIsFlagged) {
    // Offline, an existing constraint's expression is unknown.
    EXPECT_EQ(drop_constraint_objects(kSetNotNull + kDropCheck), kUserEmailCheck);
    // The same name on another table.
    EXPECT_EQ(drop_constraint_objects(R"(ALTER TABLE "Account" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL);)"
                                      "\n" + kSetNotNull + kDropCheck),
              kUserEmailCheck);
    // Dropped once already: the second drop names whatever has that name now.
    EXPECT_EQ(drop_constraint_objects(kAddCheck + kSetNotNull + kDropCheck + kDropCheck), kUserEmailCheck);
}

TEST(DropConstraint, FactsAreForgottenWhenTheirObjectsChange) {
    const std::string recipe_start = kAddCheck + kSetNotNull;
    for (const char *change : {
             R"(ALTER TABLE "User" RENAME CONSTRAINT "User_email_not_null" TO "User_email_check";)"
             R"(ALTER TABLE "User" RENAME CONSTRAINT "User_email_check" TO "User_email_not_null";)",
             R"(ALTER TABLE "User" RENAME COLUMN "email" TO "mail"; ALTER TABLE "User" RENAME "mail" TO "email";)",
             R"(ALTER TABLE "User" RENAME TO "Person"; ALTER TABLE "Member" RENAME TO "User";)",
             R"(ALTER TABLE "User" SET SCHEMA archive; ALTER TABLE archive."Member" SET SCHEMA public;)"
             R"(ALTER TABLE "Member" RENAME TO "User";)",
             "BEGIN; SELECT 1; ROLLBACK;",
         }) {
        EXPECT_EQ(drop_constraint_objects(recipe_start + change + "\n" + kDropCheck), kUserEmailCheck) << change;
    }
}

TEST(DropConstraint, NotNullAndDropInOneStatementIsFlagged) {
    // Judged before the statement runs: the NOT NULL is not there yet.
    EXPECT_EQ(drop_constraint_objects(kAddCheck + R"(ALTER TABLE "User" ALTER "email" SET NOT NULL, )"
                                                  R"(DROP CONSTRAINT "User_email_not_null";)"),
              kUserEmailCheck);
}

// The database answers from its catalog (database_context.cpp): the
// classifier asks about the table and constraint, with or without the
// children the drop reaches.
class ImpliedChecks final : public Context {
public:
    std::set<std::string> implied;  // "table.constraint"
    mutable std::vector<bool> asked_with_children;

    std::optional<RelName> protected_match(const RelName &) const override { return std::nullopt; }
    std::vector<RelName> protected_in_schema(const std::string &) const override { return {}; }
    bool check_implied_by_not_null(const RelName &table, const std::string &constraint,
                                   bool with_children) const override {
        asked_with_children.push_back(with_children);
        return implied.count(table.display() + "." + quote_ident(constraint)) > 0;
    }
};

TEST(DropConstraint, CatalogFactExemptsTheDrop) {
    ImpliedChecks context;
    context.implied = {R"("User"."User_email_not_null")"};
    EXPECT_EQ(rules_of(cli::check_sql(kDropCheck, context)), Strings{});
    EXPECT_EQ(context.asked_with_children, (std::vector<bool>{true}));
    EXPECT_EQ(rules_of(cli::check_sql(R"(ALTER TABLE ONLY "User" DROP CONSTRAINT "User_email_not_null";)", context)),
              Strings{});
    EXPECT_EQ(context.asked_with_children, (std::vector<bool>{true, false}));
}

TEST(DropConstraint, CatalogNearMissesAreFlagged) {
    ImpliedChecks context;
    context.implied = {R"("User"."User_email_not_null")"};
    EXPECT_EQ(objects_of(cli::check_sql(R"(ALTER TABLE "User" DROP CONSTRAINT "User_name_not_null";)"
                                        R"(ALTER TABLE "Account" DROP CONSTRAINT "User_email_not_null";)",
                                        context)),
              (Strings{R"("User"."User_name_not_null")", R"("Account"."User_email_not_null")"}));
}

// ---- alter-column-type ----------------------------------------------------

TEST(AlterColumnType, FlaggedAsReview) {
    EXPECT_EQ(summary(check(R"(ALTER TABLE "User" ALTER COLUMN "legacyId" TYPE bigint;)")),
              (Strings{R"(1:1:1 alter-column-type review "User"."legacyId")"}));
}

TEST(AlterColumnType, SetDataTypeWithUsing) {
    EXPECT_EQ(objects_of(check("ALTER TABLE users ALTER email SET DATA TYPE varchar(100) USING email::varchar;")),
              (Strings{"users.email"}));
}

// Offline the column's current type is unknown: a new type that can hold
// less than the types usually changed to it is dangerous.
TEST(AlterColumnType, ConversionsThatCanLoseValuesAreDangerous) {
    const char *dangerous[] = {
        "ALTER TABLE t ALTER COLUMN v TYPE varchar(2) USING substr(v, 1, 2);",
        "ALTER TABLE t ALTER COLUMN v TYPE text USING NULL;",
        "ALTER TABLE t ALTER COLUMN v TYPE bigint USING v * 100;",
        "ALTER TABLE t ALTER COLUMN v TYPE numeric(10,0);",
        R"(ALTER TABLE "X" ALTER COLUMN "d" SET DATA TYPE DATE;)",
        "ALTER TABLE t ALTER COLUMN v TYPE integer;",
        "ALTER TABLE t ALTER COLUMN v TYPE smallint;",
        "ALTER TABLE t ALTER COLUMN v TYPE real;",
        "ALTER TABLE t ALTER COLUMN v TYPE double precision;",
        "ALTER TABLE t ALTER COLUMN v TYPE timestamp;",
        "ALTER TABLE t ALTER COLUMN v TYPE timestamp(3);",
        "ALTER TABLE t ALTER COLUMN v TYPE timestamptz(3);",
        "ALTER TABLE t ALTER COLUMN v TYPE time;",
        "ALTER TABLE t ALTER COLUMN v TYPE varchar(20);",
        "ALTER TABLE t ALTER COLUMN v TYPE char(3);",
        "ALTER TABLE t ALTER COLUMN v TYPE jsonb USING v::jsonb;",
        R"(ALTER TABLE t ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");)",
        R"(ALTER TABLE t ALTER COLUMN "at" SET DATA TYPE TIMESTAMPTZ(3) USING "at" AT TIME ZONE 'UTC';)",
    };
    for (const char *sql : dangerous) {
        Findings findings = of_rule(check(sql), "alter-column-type");
        ASSERT_EQ(findings.size(), 1u) << sql;
        EXPECT_EQ(findings[0].severity, Severity::dangerous) << sql;
    }
}

TEST(AlterColumnType, WideningsStayReview) {
    const char *review[] = {
        "ALTER TABLE t ALTER COLUMN v TYPE bigint;",
        "ALTER TABLE t ALTER COLUMN v TYPE text;",
        "ALTER TABLE t ALTER COLUMN v TYPE varchar;",
        "ALTER TABLE t ALTER COLUMN v TYPE numeric;",
        "ALTER TABLE t ALTER COLUMN v TYPE timestamptz;",
        "ALTER TABLE t ALTER COLUMN v TYPE text[];",
        // a plain cast of the column to the new type converts, nothing more
        "ALTER TABLE t ALTER COLUMN v TYPE bigint USING v::bigint;",
        "ALTER TABLE t ALTER COLUMN v TYPE text USING (v::text);",
        "ALTER TABLE t ALTER COLUMN v TYPE bigint USING v;",
    };
    for (const char *sql : review)
        EXPECT_EQ(summary(of_rule(check(sql), "alter-column-type")), (Strings{"1:1:1 alter-column-type review t.v"}))
            << sql;
}

TEST(AlterColumnType, MessagesSayWhatIsLost) {
    Findings using_expression = check("ALTER TABLE t ALTER COLUMN v TYPE varchar(2) USING substr(v, 1, 2);");
    ASSERT_EQ(using_expression.size(), 1u);
    EXPECT_EQ(using_expression[0].message, "ALTER COLUMN ... TYPE of t.v: USING substr(...) rewrites every value");
    Findings date = check(R"(ALTER TABLE "X" ALTER COLUMN "d" SET DATA TYPE DATE;)");
    ASSERT_EQ(date.size(), 1u);
    EXPECT_EQ(date[0].message,
              R"(ALTER COLUMN ... TYPE changes "X".d to date without knowing its current type: a timestamp loses )"
              "its time of day");
    Findings varchar = check("ALTER TABLE t ALTER COLUMN v TYPE varchar(20);");
    ASSERT_EQ(varchar.size(), 1u);
    EXPECT_TRUE(mentions(varchar[0].message, {"varchar(20)", "longer than 20 characters fail or are cut"}))
        << varchar[0].message;
}

TEST(AlterColumnType, DangerousConversionOfANewColumnIsNotFlagged) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (v text); ALTER TABLE t ALTER v TYPE varchar(2) USING substr(v, 1, 2);")),
              Strings{});
    EXPECT_EQ(rules_of(check("ALTER TABLE t ADD COLUMN d timestamp; ALTER TABLE t ALTER d TYPE date;")), Strings{});
}

TEST(AlterColumnType, OneStatementMixesDangerousAndReviewColumns) {
    EXPECT_EQ(summary(check("ALTER TABLE t ALTER a TYPE bigint, ALTER b TYPE date;")),
              (Strings{"1:1:1 alter-column-type review t.a", "1:1:1 alter-column-type dangerous t.b"}));
}

TEST(AlterColumnType, OneFindingPerColumn) {
    EXPECT_EQ(objects_of(check("ALTER TABLE t ALTER a TYPE bigint, ALTER b TYPE text;")), (Strings{"t.a", "t.b"}));
}

TEST(AlterColumnType, ColumnAddedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN n int; ALTER TABLE users ALTER n TYPE bigint;")),
              Strings{});
}

TEST(AlterColumnType, TableCreatedEarlierInTheScript) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (n int); ALTER TABLE t ALTER n TYPE bigint;")), Strings{});
}

TEST(AlterColumnType, OtherColumnSubcommandsAreNotTypeChanges) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ALTER email SET DEFAULT '', ALTER email DROP DEFAULT;")),
              Strings{});
}

// ---- several subcommands --------------------------------------------------

TEST(AlterTable, FindingsOfOneStatementComeInCatalogueOrder) {
    EXPECT_EQ(rules_of(check("ALTER TABLE t ALTER b TYPE text, DROP CONSTRAINT c, DROP COLUMN a;")),
              (Strings{"drop-column", "drop-constraint", "alter-column-type"}));
}

}  // namespace
}  // namespace migsafe::test
