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

TEST(SelfProtection, LastingWaysToSwitchTheGuardOff) {
    for (const char *sql : {
             "ALTER ROLE app SET migsafe.mode = off;",
             "ALTER ROLE ALL SET migsafe.mode = 'warn';",
             "ALTER ROLE app IN DATABASE prod SET migsafe.state_write = on;",
             "ALTER DATABASE prod SET migsafe.mode TO off;",
             "ALTER DATABASE prod SET migsafe.require_registered_approval = false;",
             "GRANT SET ON PARAMETER migsafe.mode TO app;",
             "GRANT ALL ON PARAMETER migsafe.state_write TO app;",
             "CREATE FUNCTION f() RETURNS void LANGUAGE sql SECURITY DEFINER SET migsafe.mode = off AS 'TRUNCATE t';",
             "CREATE PROCEDURE p() LANGUAGE sql SET migsafe.state_write = 1 AS 'TRUNCATE t';",
             "ALTER FUNCTION f() SET migsafe.mode = 'off';",
         })
        EXPECT_EQ(self_protection(sql), Strings{"migsafe"}) << sql;
}

TEST(SelfProtection, FewerStatementsJudgedByEffect) {
    for (const char *sql : {
             "ALTER SYSTEM SET migsafe.mass_change_min_rows = 0;",
             "ALTER SYSTEM SET migsafe.mass_change_min_rows = 1000000;",
             "ALTER ROLE batch SET migsafe.mass_change_min_rows = 0;",
             "ALTER DATABASE prod SET migsafe.mass_change_min_rows = 5000;",
             "CREATE FUNCTION purge() RETURNS void LANGUAGE sql SET migsafe.mass_change_min_rows = 0 AS 'SELECT 1';",
             "ALTER SYSTEM SET migsafe.mass_change_min_rows = '1e9';",
         })
        EXPECT_EQ(self_protection(sql), Strings{"migsafe"}) << sql;
    // a lower threshold judges more statements
    EXPECT_EQ(self_protection("ALTER SYSTEM SET migsafe.mass_change_min_rows = 100;"), Strings{});
    EXPECT_EQ(self_protection("ALTER ROLE app SET migsafe.mass_change_min_rows = 1000;"), Strings{});
}

TEST(SelfProtection, SettingsThatDoNotWeakenIt) {
    for (const char *sql : {
             "ALTER ROLE app SET migsafe.mode = enforce;",
             "ALTER DATABASE prod SET migsafe.review_action = block;",
             "ALTER DATABASE prod RESET migsafe.mode;",
             "ALTER ROLE app SET migsafe.approved_migration = 'x';",
             "ALTER ROLE app SET work_mem = '64MB';",
             "GRANT SET ON PARAMETER work_mem TO app;",
             "REVOKE SET ON PARAMETER migsafe.mode FROM app;",
             "CREATE FUNCTION f() RETURNS void LANGUAGE sql SET search_path = public AS 'SELECT 1';",
             "CREATE FUNCTION f() RETURNS void LANGUAGE sql SET migsafe.mode = enforce AS 'SELECT 1';",
         })
        EXPECT_EQ(self_protection(sql), Strings{}) << sql;
}

TEST(SelfProtection, ChangingItsFunctionsSchemaAndCatalog) {
    for (const char *sql : {
             "CREATE OR REPLACE FUNCTION migsafe.on_sql_drop() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';",
             "CREATE OR REPLACE FUNCTION pg_catalog.migsafe_approve(text, text) RETURNS void LANGUAGE sql AS '';",
             "ALTER FUNCTION migsafe_revoke(text) SECURITY INVOKER;",
             "ALTER FUNCTION migsafe_revoke(text) RESET ALL;",
             "ALTER FUNCTION migsafe_revoke(text) OWNER TO app;",
             "ALTER FUNCTION migsafe_revoke(text) RENAME TO r;",
             "ALTER FUNCTION migsafe.check_text(text) SET SCHEMA public;",
             "ALTER SCHEMA migsafe OWNER TO app;",
             "ALTER EVENT TRIGGER migsafe_sql_drop OWNER TO app;",
             "UPDATE pg_event_trigger SET evtenabled = 'D';",
             "UPDATE pg_catalog.pg_event_trigger SET evtenabled = 'D' WHERE evtname LIKE 'migsafe%';",
             "CREATE VIEW v AS SELECT * FROM migsafe.approvals;",
             "CREATE VIEW v AS SELECT a.* FROM public.t JOIN migsafe.windows a ON true;",
         })
        EXPECT_EQ(self_protection(sql), Strings{"migsafe"}) << sql;
    for (const char *sql : {
             "CREATE OR REPLACE FUNCTION public.approve_order() RETURNS void LANGUAGE sql AS '';",
             "CREATE OR REPLACE FUNCTION app.migsafe_approve() RETURNS void LANGUAGE sql AS '';",
             "CREATE FUNCTION public.migsafe_helper() RETURNS void LANGUAGE sql AS '';",
             "ALTER FUNCTION public.f() OWNER TO app;",
             "ALTER SCHEMA app OWNER TO app;",
             "CREATE VIEW v AS SELECT * FROM public.approvals;",
             "SELECT * FROM pg_event_trigger;",
         })
        EXPECT_EQ(self_protection(sql), Strings{}) << sql;
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
