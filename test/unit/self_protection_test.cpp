// self-protection: what would switch the guard off or rewrite its record.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace migsafe::test {
namespace {

Strings self_protection(const std::string &sql) { return objects_of(of_rule(check(sql), "self-protection")); }

TEST(SelfProtection, DroppingTheExtensionOrItsParts) {
    EXPECT_EQ(self_protection("DROP EXTENSION migsafe;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("DROP EXTENSION IF EXISTS pg_trgm, migsafe CASCADE;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("DROP EVENT TRIGGER migsafe_sql_drop;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("DROP EVENT TRIGGER IF EXISTS migsafe_ddl_command_start;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("DROP SCHEMA migsafe CASCADE;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER EXTENSION migsafe DROP TABLE migsafe.windows;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SCHEMA migsafe RENAME TO old_migsafe;"), Strings{"migsafe"});
}

TEST(SelfProtection, DisablingItsEventTriggers) {
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER migsafe_table_rewrite DISABLE;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER migsafe_sql_drop ENABLE REPLICA;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER migsafe_sql_drop ENABLE;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER migsafe_sql_drop RENAME TO x;"), Strings{"migsafe"});
    // what it is created with, and other event triggers
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER migsafe_sql_drop ENABLE ALWAYS;"), Strings{});
    EXPECT_EQ(self_protection("ALTER EVENT TRIGGER audit_ddl DISABLE; DROP EVENT TRIGGER audit_ddl;"), Strings{});
}

TEST(SelfProtection, WritingItsStateTables) {
    EXPECT_EQ(self_protection("INSERT INTO migsafe.approvals (migration) VALUES ('x');"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("UPDATE migsafe.windows SET closes_at = now() + '1 year' WHERE id = 1;"),
              Strings{"migsafe"});
    EXPECT_EQ(self_protection("DELETE FROM migsafe.audit_log WHERE id < 10;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("WITH x AS (DELETE FROM migsafe.protected_tables RETURNING 1) SELECT * FROM x;"),
              Strings{"migsafe"});
    EXPECT_EQ(self_protection("TRUNCATE migsafe.audit_log;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("COPY migsafe.approvals FROM '/tmp/forged.csv';"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER TABLE migsafe.audit_log DISABLE TRIGGER ALL;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("CREATE RULE r AS ON INSERT TO migsafe.audit_log DO INSTEAD NOTHING;"),
              Strings{"migsafe"});
    // a rule on another table whose actions write a state table
    EXPECT_EQ(self_protection("CREATE RULE r AS ON INSERT TO t DO ALSO INSERT INTO migsafe.approvals (migration) "
                              "VALUES ('x');"),
              Strings{"migsafe"});
    EXPECT_EQ(self_protection("CREATE RULE r AS ON UPDATE TO t DO INSTEAD (SELECT 1; DELETE FROM migsafe.windows);"),
              Strings{"migsafe"});
    EXPECT_EQ(self_protection("CREATE RULE r AS ON INSERT TO t DO ALSO SELECT count(*) FROM migsafe.approvals;"),
              Strings{});
    // reading is fine, and so are tables of other schemas with the same names
    EXPECT_EQ(self_protection("SELECT * FROM migsafe.audit_log; COPY migsafe.audit_log TO STDOUT;"), Strings{});
    EXPECT_EQ(self_protection("DELETE FROM public.approvals WHERE id = 1; TRUNCATE audit_log;"), Strings{});
}

TEST(SelfProtection, AlterSystemThatUnloadsOrWeakensTheGuard) {
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM RESET shared_preload_libraries;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries TO DEFAULT;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM RESET ALL;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.mode = off;"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.mode = 'warn';"), Strings{"migsafe"});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.require_registered_approval = off;"), Strings{"migsafe"});
    // keeping migsafe loaded, or making the guard stricter, is fine
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements, migsafe';"),
              Strings{});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries = '$libdir/migsafe', 'pgaudit';"),
              Strings{});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries = \"migsafe.so\";"), Strings{});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.mode = enforce; ALTER SYSTEM RESET migsafe.mode;"),
              Strings{});
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.review_action = block; ALTER SYSTEM SET work_mem = '64MB';"),
              Strings{});
    // a name that merely contains migsafe does not load it
    EXPECT_EQ(self_protection("ALTER SYSTEM SET shared_preload_libraries = 'not_migsafe';"), Strings{"migsafe"});
}

TEST(SelfProtection, ExtensionUpdateAndOtherExtensionsAreFine) {
    EXPECT_EQ(self_protection("ALTER EXTENSION migsafe UPDATE; ALTER EXTENSION migsafe UPDATE TO '0.2.0';"),
              Strings{});
    EXPECT_EQ(self_protection("DROP EXTENSION pg_trgm; ALTER EXTENSION postgis DROP TABLE spatial_ref_sys;"),
              Strings{});
    EXPECT_EQ(self_protection("SET migsafe.mode = warn;"), Strings{});  // a superuser's session, on purpose
}

TEST(SelfProtection, OneFindingPerStatement) {
    EXPECT_EQ(rules_of(check("DROP EXTENSION migsafe;")), (Strings{"drop-extension", "self-protection"}));
}

}  // namespace
}  // namespace migsafe::test
