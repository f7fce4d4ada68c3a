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
            f.rule == "cluster")
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
    EXPECT_EQ(lock_rules("ALTER TABLE o ADD CONSTRAINT u UNIQUE (code);"), Strings{});  // another rule's business
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

}  // namespace
}  // namespace migsafe::test
