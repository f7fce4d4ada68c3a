// Lock hazards: create-index-not-concurrently, reindex-not-concurrently,
// add-foreign-key-validating, add-check-validating, vacuum-full, cluster.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

Strings lock_rules(const std::string &sql) {
    Strings out;
    for (const Finding &f : check(sql))
        if (f.rule == "create-index-not-concurrently" || f.rule == "reindex-not-concurrently" ||
            f.rule == "add-foreign-key-validating" || f.rule == "add-check-validating" || f.rule == "vacuum-full" ||
            f.rule == "cluster" || f.rule == "add-unique-constraint" || f.rule == "add-primary-key" ||
            f.rule == "set-not-null" || f.rule == "add-column-not-null-no-default" ||
            f.rule == "set-logged-unlogged" || f.rule == "set-tablespace" || f.rule == "set-access-method" ||
            f.rule == "detach-partition-not-concurrently")
            out.push_back(summary(f));
    return out;
}

TEST(CreateIndexNotConcurrently, OnAnExistingTable) {
    EXPECT_EQ(lock_rules("CREATE INDEX \"User_email_idx\" ON \"User\" (\"email\");"),
              Strings{"1:1:34 create-index-not-concurrently review \"User\""});
    EXPECT_EQ(lock_rules("CREATE UNIQUE INDEX ON public.users (email);"),
              Strings{"1:1:24 create-index-not-concurrently review public.users"});
}

TEST(CreateIndexNotConcurrently, NearMisses) {
    EXPECT_EQ(lock_rules("CREATE INDEX CONCURRENTLY i ON users (email);"), Strings{});
    EXPECT_EQ(lock_rules("CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);"), Strings{});
    EXPECT_EQ(lock_rules("CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\nCREATE INDEX i ON u (a);"), Strings{});
    EXPECT_EQ(lock_rules("-- CREATE INDEX i ON users (email);\nSELECT 'CREATE INDEX i ON users (email)';"), Strings{});
}

TEST(ReindexNotConcurrently, AllForms) {
    EXPECT_EQ(lock_rules("REINDEX INDEX i; REINDEX TABLE t; REINDEX SCHEMA s; REINDEX DATABASE d;").size(), 4u);
    EXPECT_EQ(lock_rules("REINDEX INDEX CONCURRENTLY i; REINDEX (CONCURRENTLY) TABLE t;"), Strings{});
    EXPECT_EQ(lock_rules("CREATE TABLE t (a int); REINDEX TABLE t;"), Strings{});
}

// PostgreSQL refuses CONCURRENTLY for the system catalogs: the finding must
// not advise it there.
TEST(ReindexNotConcurrently, SystemCatalogsAreNotToldToUseConcurrently) {
    for (const char *sql : {"REINDEX SYSTEM app;", "REINDEX TABLE pg_catalog.pg_class;", "REINDEX INDEX pg_class_oid_index;",
                            "REINDEX TABLE pg_toast.pg_toast_2619;"}) {
        Findings findings = of_rule(check(sql), "reindex-not-concurrently");
        ASSERT_EQ(findings.size(), 1u) << sql;
        EXPECT_TRUE(mentions(findings[0].message, {"cannot run CONCURRENTLY", "system catalogs"})) << findings[0].message;
        EXPECT_TRUE(mentions(findings[0].hint, {"maintenance window"})) << findings[0].hint;
    }
    Findings user_table = of_rule(check("REINDEX TABLE app.pg_like;"), "reindex-not-concurrently");
    ASSERT_EQ(user_table.size(), 1u);
    EXPECT_TRUE(mentions(user_table[0].message, {"blocks writes"})) << user_table[0].message;
}

TEST(DetachPartitionNotConcurrently, WithoutConcurrently) {
    EXPECT_EQ(lock_rules("ALTER TABLE events DETACH PARTITION events_2025;"),
              Strings{"1:1:37 detach-partition-not-concurrently review events"});
    Findings findings = of_rule(check("ALTER TABLE app.events DETACH PARTITION app.events_2025;"),
                                "detach-partition-not-concurrently");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"ACCESS EXCLUSIVE", "app.events", "app.events_2025"})) << findings[0].message;
    EXPECT_TRUE(mentions(findings[0].hint, {"CONCURRENTLY", "FINALIZE"})) << findings[0].hint;
}

TEST(DetachPartitionNotConcurrently, NearMisses) {
    for (const char *sql : {"ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;",
                            "ALTER TABLE events DETACH PARTITION events_2025 FINALIZE;",
                            "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM (1) TO (2);",
                            "-- ALTER TABLE events DETACH PARTITION events_2025;\nSELECT 'DETACH PARTITION';",
                            "CREATE TABLE events (a int) PARTITION BY RANGE (a);\n"
                            "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM (1) TO (2);\n"
                            "ALTER TABLE events DETACH PARTITION events_2025;"})
        EXPECT_TRUE(of_rule(check(sql), "detach-partition-not-concurrently").empty()) << sql;
}

// Constraints written in ADD COLUMN scan, build and lock as their ADD
// CONSTRAINT forms do.
TEST(InlineConstraints, ReachTheRulesOfTheirStandaloneForms) {
    EXPECT_EQ(lock_rules("ALTER TABLE emails ADD COLUMN user_id int REFERENCES users (id);"),
              Strings{"1:1:1 add-foreign-key-validating review emails"});
    EXPECT_EQ(lock_rules("ALTER TABLE t ADD COLUMN code text UNIQUE;"), Strings{"1:1:1 add-unique-constraint review t"});
    EXPECT_EQ(lock_rules("ALTER TABLE t ADD COLUMN n int CHECK (n > 0);"), Strings{"1:1:1 add-check-validating review t"});
    EXPECT_EQ(lock_rules("ALTER TABLE t ADD COLUMN id bigint PRIMARY KEY;"),
              (Strings{"1:1:1 add-primary-key review t", "1:1:1 add-column-not-null-no-default review t.id"}));
    // serial has its DEFAULT: no NOT NULL finding, the rewrite's instead.
    EXPECT_EQ(lock_rules("ALTER TABLE t ADD COLUMN id serial PRIMARY KEY;"), Strings{"1:1:1 add-primary-key review t"});
    EXPECT_EQ(of_rule(check("ALTER TABLE t ADD COLUMN id serial PRIMARY KEY;"), "add-column-volatile-default").size(), 1u);
    Findings findings = of_rule(check("ALTER TABLE emails ADD COLUMN user_id int REFERENCES users (id);"),
                                "add-foreign-key-validating");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"ADD COLUMN user_id", "REFERENCES", "users"})) << findings[0].message;
}

TEST(InlineConstraints, NearMisses) {
    for (const char *sql : {"CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN code text UNIQUE;",
                            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN u int REFERENCES users (id);",
                            "ALTER TABLE t ADD COLUMN code text;",
                            "ALTER TABLE t ADD COLUMN code text NULL DEFAULT 'x';",
                            "-- ALTER TABLE t ADD COLUMN code text UNIQUE;\nSELECT 'UNIQUE';"})
        EXPECT_EQ(lock_rules(sql), Strings{}) << sql;
}

TEST(AddForeignKeyValidating, WithoutNotValid) {
    EXPECT_EQ(lock_rules("ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") "
                         "REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;"),
              Strings{"1:1:1 add-foreign-key-validating review \"Post\""});
    Findings findings = of_rule(check("ALTER TABLE p ADD FOREIGN KEY (a) REFERENCES u (id);"), "add-foreign-key-validating");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(mentions(findings[0].message, {"NOT VALID", "u"})) << findings[0].message;
    EXPECT_TRUE(mentions(findings[0].hint, {"NOT VALID", "VALIDATE CONSTRAINT"})) << findings[0].hint;
}

TEST(AddForeignKeyValidating, NearMisses) {
    EXPECT_EQ(lock_rules("ALTER TABLE p ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;\n"
                         "ALTER TABLE p VALIDATE CONSTRAINT f;"),
              Strings{});
    // a table created in the script: nobody writes to it yet (Prisma's init migrations)
    EXPECT_EQ(lock_rules("CREATE TABLE p (a int);\nALTER TABLE p ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"),
              Strings{});
}

TEST(AddCheckValidating, WithoutNotValid) {
    EXPECT_EQ(lock_rules("ALTER TABLE o ADD CONSTRAINT c CHECK (total >= 0);"),
              Strings{"1:1:1 add-check-validating review o"});
    EXPECT_EQ(lock_rules("ALTER TABLE o ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;"), Strings{});
    EXPECT_EQ(lock_rules("ALTER TABLE o ADD CONSTRAINT u UNIQUE (code);"),
              Strings{"1:1:1 add-unique-constraint review o"});  // another rule's business
}

TEST(AddExclusionConstraint, OnAnExistingTable) {
    Findings findings = of_rule(check("ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist "
                                      "(room WITH =, during WITH &&);"),
                                "add-exclusion-constraint");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(summary(findings[0]), "1:1:1 add-exclusion-constraint review bookings");
    EXPECT_TRUE(mentions(findings[0].message, {"ADD EXCLUDE no_overlap", "ACCESS EXCLUSIVE"})) << findings[0].message;
    for (const char *sql : {"CREATE TABLE bookings (room int, during tstzrange);\n"
                            "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
                            "CREATE TABLE b (r tstzrange, EXCLUDE USING gist (r WITH &&));",
                            "-- ALTER TABLE bookings ADD EXCLUDE USING gist (r WITH &&);\nSELECT 'ADD EXCLUDE';"})
        EXPECT_TRUE(of_rule(check(sql), "add-exclusion-constraint").empty()) << sql;
}

TEST(VacuumFullAndCluster, Rewrites) {
    EXPECT_EQ(lock_rules("VACUUM FULL events; VACUUM (FULL, ANALYZE) logs;").size(), 2u);
    EXPECT_EQ(lock_rules("VACUUM FULL;"), Strings{"1:1:1 vacuum-full review"});
    EXPECT_EQ(lock_rules("VACUUM events; VACUUM (ANALYZE) events; ANALYZE events; VACUUM (FULL off) events;"),
              Strings{});
    EXPECT_EQ(lock_rules("CLUSTER events USING events_pkey;"), Strings{"1:1:9 cluster review events"});
    EXPECT_EQ(lock_rules("CLUSTER;"), Strings{"1:1:1 cluster review"});
    EXPECT_EQ(lock_rules("CREATE TABLE e (a int); VACUUM FULL e; CLUSTER e USING i;"), Strings{});
}

TEST(UniqueAndPrimaryKey, WithoutUsingIndex) {
    EXPECT_EQ(lock_rules("ALTER TABLE u ADD CONSTRAINT k UNIQUE (email); ALTER TABLE e ADD PRIMARY KEY (id);"),
              (Strings{"1:1:1 add-unique-constraint review u", "2:1:48 add-primary-key review e"}));
    EXPECT_EQ(lock_rules("ALTER TABLE u ADD CONSTRAINT k UNIQUE USING INDEX k; "
                         "ALTER TABLE e ADD CONSTRAINT p PRIMARY KEY USING INDEX p;"),
              Strings{});
    EXPECT_EQ(lock_rules("CREATE TABLE e (id int); ALTER TABLE e ADD PRIMARY KEY (id);"), Strings{});
}

TEST(SetNotNull, ExistingColumnsOnly) {
    Findings findings = of_rule(check("ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;"), "set-not-null");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].object, "\"User\".email");
    EXPECT_TRUE(mentions(findings[0].message, {"may scan", "CHECK"})) << findings[0].message;
    EXPECT_EQ(lock_rules("ALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 0 WHERE c IS NULL;\n"
                         "ALTER TABLE t ALTER COLUMN c SET NOT NULL;"),
              Strings{});
    EXPECT_EQ(lock_rules("ALTER TABLE t ALTER COLUMN c DROP NOT NULL;"), Strings{});
}

TEST(AddColumnNotNullNoDefault, FailsOnRows) {
    EXPECT_EQ(lock_rules("ALTER TABLE \"User\" ADD COLUMN \"plan\" TEXT NOT NULL;"),
              Strings{"1:1:1 add-column-not-null-no-default review \"User\".plan"});
    EXPECT_EQ(lock_rules("ALTER TABLE u ADD COLUMN plan text NOT NULL DEFAULT 'free';"
                         "ALTER TABLE u ADD COLUMN n int;"
                         "ALTER TABLE u ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;"
                         "ALTER TABLE u ADD COLUMN x int NOT NULL GENERATED ALWAYS AS (1) STORED;"),
              Strings{});
    EXPECT_EQ(lock_rules("CREATE TABLE u (id int); ALTER TABLE u ADD COLUMN plan text NOT NULL;"), Strings{});
}

TEST(TableRewrites, LoggedTablespaceAccessMethod) {
    EXPECT_EQ(lock_rules("ALTER TABLE e SET LOGGED; ALTER TABLE e SET UNLOGGED; ALTER TABLE e SET TABLESPACE s;"
                         "ALTER TABLE e SET ACCESS METHOD heap2;")
                  .size(),
              4u);
    EXPECT_EQ(lock_rules("CREATE TABLE e (a int); ALTER TABLE e SET UNLOGGED; ALTER TABLE e SET TABLESPACE s;"),
              Strings{});
}

}  // namespace
}  // namespace migsafe::test
