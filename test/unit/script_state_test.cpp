// What earlier statements of a script created, across rules: a name counts
// as new only while it surely names an object without production data.
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace migsafe::test {
namespace {

// The rules that fire on the last statement of sql.
Strings rules_of_last(const std::string &sql) {
    Findings findings = check(sql);
    int last = 0;
    for (const Finding &finding : findings) last = std::max(last, finding.statement);
    Strings out;
    for (const Finding &finding : findings)
        if (finding.statement == last) out.push_back(finding.rule);
    return out;
}

TEST(ScriptState, CreateIndexDropTableAllNew) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n"
                             "ALTER TABLE t ADD COLUMN x int, DROP COLUMN id;\nDROP INDEX t_id;\nDROP TABLE t;")),
              Strings{});
}

TEST(ScriptState, NewTableMovedToAnotherSchemaStaysNew) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nALTER TABLE t SET SCHEMA app;\nDROP TABLE app.t;")),
              Strings{});
}

TEST(ScriptState, NewSchemaRenamedStaysNew) {
    EXPECT_EQ(rules_of(check("CREATE SCHEMA s;\nALTER SCHEMA s RENAME TO s2;\nDROP SCHEMA s2 CASCADE;")), Strings{});
}

TEST(ScriptState, ExistingTableMovedIntoANewSchema) {
    // The schema was empty when created; now it holds users and its rows.
    EXPECT_EQ(rules_of_last("CREATE SCHEMA scratch;\nALTER TABLE users SET SCHEMA scratch;\n"
                            "DROP SCHEMA scratch CASCADE;"),
              (Strings{"drop-schema"}));
}

TEST(ScriptState, ExistingTableAttachedAsPartitionOfANewTable) {
    EXPECT_EQ(rules_of_last("CREATE TABLE events_all (id int) PARTITION BY RANGE (id);\n"
                            "ALTER TABLE events_all ATTACH PARTITION events FOR VALUES FROM (0) TO (100);\n"
                            "TRUNCATE events_all;"),
              (Strings{"truncate"}));
}

TEST(ScriptState, ExistingTableInheritsFromANewTable) {
    // DELETE on the parent reaches the child's rows.
    EXPECT_EQ(rules_of_last("CREATE TABLE parent (id int);\nALTER TABLE users INHERIT parent;\n"
                            "DELETE FROM parent;"),
              (Strings{"delete-without-where"}));
}

TEST(ScriptState, NewTableAttachedToAnotherNewTable) {
    EXPECT_EQ(rules_of(check("CREATE TABLE p (id int) PARTITION BY RANGE (id);\nCREATE TABLE c (id int);\n"
                             "ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM (0) TO (10);\nTRUNCATE p;")),
              Strings{});
}

TEST(ScriptState, AddedColumnDroppedThenExistingColumnRenamedToItsName) {
    EXPECT_EQ(rules_of_last("ALTER TABLE users ADD COLUMN c int;\nALTER TABLE users DROP COLUMN c;\n"
                            "ALTER TABLE users RENAME COLUMN email TO c;\nALTER TABLE users DROP COLUMN c;"),
              (Strings{"drop-column"}));
}

TEST(ScriptState, AddedColumnDroppedAndReAddedIsNew) {
    EXPECT_EQ(rules_of(check("ALTER TABLE users ADD COLUMN c int;\nALTER TABLE users DROP COLUMN c;\n"
                             "ALTER TABLE users ADD COLUMN c text;\nUPDATE users SET c = '';")),
              (Strings{"backfill-without-where"}));
}

TEST(ScriptState, NewIndexDroppedThenExistingIndexRenamedToItsName) {
    EXPECT_EQ(rules_of_last("CREATE INDEX i ON t (x);\nDROP INDEX i;\nALTER INDEX old_idx RENAME TO i;\n"
                            "DROP INDEX i;"),
              (Strings{"drop-index"}));
}

TEST(ScriptState, NewTypeDroppedThenExistingTypeRenamedToItsName) {
    EXPECT_EQ(rules_of_last("CREATE TYPE y AS ENUM ('a');\nDROP TYPE y;\nALTER TYPE mood RENAME TO y;\n"
                            "DROP TYPE y;"),
              (Strings{"drop-type"}));
}

TEST(ScriptState, NewTableDroppedAndCreatedAgainIsNew) {
    EXPECT_EQ(rules_of(check("CREATE TABLE t (id int);\nDROP TABLE t;\nCREATE TABLE t (id int);\nTRUNCATE t;")),
              Strings{});
}

}  // namespace
}  // namespace migsafe::test
