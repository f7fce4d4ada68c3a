// The rule catalogue and the table that ties each rule id to its check.
// Adding a rule: one entry here (with the one kind of statement its check reads,
// when it reads one only), one check function in rules/, its tests and
// docs/rules/<id>.md (a test fails when the page is missing).
#include "catalogue.hpp"

#include "rules/rule.hpp"

#include <cstring>

namespace migsafe {

namespace {

constexpr Severity dangerous = Severity::dangerous;
constexpr Severity review = Severity::review;

constexpr Rule kRules[] = {
    {{"drop-table", dangerous, "DROP TABLE or DROP MATERIALIZED VIEW of an existing table",
      "Rename the table first and keep it until nothing reads it (then drop it in an approved "
      "migration), or back it up; run the DROP with SET migsafe.approved_migration or in a "
      "maintenance window."},
     check_drop_table, T_DropStmt},
    {{"drop-database", dangerous, "DROP DATABASE",
      "Dropping a database is an operations task, not a migration: do it by hand in a "
      "maintenance window after a backup."},
     check_drop_database, T_DropdbStmt},
    {{"drop-schema", dangerous, "DROP SCHEMA, with or without CASCADE",
      "Drop the schema's objects one by one in reviewed migrations; never CASCADE. Run the final "
      "DROP SCHEMA with an approved migration or in a maintenance window."},
     check_drop_schema, T_DropStmt},
    {{"truncate", dangerous, "TRUNCATE of an existing table (ONLY, CASCADE, several tables)",
      "Delete the rows you mean with DELETE ... WHERE in batches, or run the TRUNCATE with an "
      "approved migration or in a maintenance window."},
     check_truncate, T_TruncateStmt},
    {{"delete-without-where", dangerous,
      "DELETE whose WHERE restricts none of the target's rows, or that has none (also in WITH, views, rules)",
      "Add a WHERE clause that selects the rows to delete, and delete in batches on big tables."},
     check_delete_without_where},
    {{"update-without-where", dangerous,
      "UPDATE (or upsert of a table into itself) whose WHERE restricts no row, overwriting an existing column",
      "Add a WHERE clause that selects the rows to change; update big tables in batches."},
     check_update_without_where},
    {{"backfill-without-where", review,
      "UPDATE with no WHERE clause that only fills columns added earlier in the same script",
      "A backfill loses no data but rewrites every row under one lock: on a big table, backfill "
      "in batches (UPDATE ... WHERE id BETWEEN ...) outside the schema migration."},
     check_backfill_without_where},
    {{"mass-delete", dangerous,
      "A statement that, with what it fired (triggers, rules, cascades), deleted every row of an existing table "
      "(at least migsafe.mass_change_min_rows; database only, judged after it ran)",
      "Delete the rows you mean, in batches (DELETE ... WHERE id IN (SELECT id ... LIMIT 1000)); to empty a "
      "table on purpose, run the statement with an approved migration or in a maintenance window."},
     nullptr},
    {{"mass-update", dangerous,
      "A statement that, with what it fired, overwrote every row of an existing table (at least "
      "migsafe.mass_change_min_rows; database only, judged after it ran)",
      "Update the rows you mean, in batches; to rewrite every row on purpose, run the statement with an "
      "approved migration or in a maintenance window."},
     nullptr},
    {{"drop-column", dangerous, "ALTER TABLE ... DROP COLUMN of an existing column",
      "Remove a column in steps: stop reading and writing it in the application and deploy "
      "that; then drop it in a later, approved migration (SET migsafe.approved_migration) once "
      "no running code uses it."},
     check_drop_column, T_AlterTableStmt},
    {{"drop-constraint", dangerous, "ALTER TABLE ... DROP CONSTRAINT on an existing table",
      "Check that no data or code relies on the constraint; to replace it, add the new "
      "constraint (NOT VALID, then VALIDATE) before dropping the old one, in an approved "
      "migration."},
     check_drop_constraint, T_AlterTableStmt},
    {{"drop-owned", dangerous, "DROP OWNED BY (drops every object the role owns)",
      "Reassign the objects first (REASSIGN OWNED BY ... TO ...), then drop what is left "
      "explicitly, object by object."},
     check_drop_owned, T_DropOwnedStmt},
    {{"drop-extension", dangerous, "DROP EXTENSION (may cascade into tables and columns)",
      "Check what depends on the extension (pg_depend) and remove those uses first; never "
      "CASCADE. Run it with an approved migration or in a maintenance window."},
     check_drop_extension, T_DropStmt},
    {{"protected-table", dangerous,
      "any change to a protected table: ALTER, RENAME, DROP, TRUNCATE, CREATE INDEX, TRIGGER, "
      "RULE or POLICY on it, a FOREIGN KEY that references it, inheritance or partitioning",
      "Protected tables change only under an approval or maintenance window that names the "
      "table explicitly (migsafe_approve(..., objects => ARRAY['schema.table']))."},
     check_protected_table},
    {{"self-protection", dangerous,
      "a change that would switch the guard off or rewrite its record: DROP or ALTER EXTENSION "
      "migsafe, dropping or disabling its event triggers, writing its state tables directly, "
      "ALTER SYSTEM that unloads migsafe or weakens migsafe.mode",
      "Only a DBA does this, on purpose: under an approval or window that names migsafe "
      "(objects => ARRAY['migsafe']). To manage approvals, windows and protected tables, use "
      "migsafe's functions."},
     check_self_protection},
    {{"concurrently-in-transaction", review,
      "a statement PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY, DROP INDEX "
      "CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ...) in a file with other statements or inside BEGIN "
      "... COMMIT",
      "Put the statement alone in its own migration file (Prisma runs each migration.sql as one "
      "transaction), outside BEGIN ... COMMIT."},
     check_concurrently_in_transaction},
    {{"cascade-drop", dangerous,
      "a table or column dropped by a cascade that the statement did not name (in the database: "
      "seen by the sql_drop event trigger)",
      "Drop dependent tables and columns explicitly, each in a reviewed statement, instead of "
      "relying on CASCADE; or approve the statement for the objects it reaches."},
     nullptr},
    {{"large-table-rewrite", dangerous,
      "ALTER TABLE or ALTER TYPE about to rewrite a table larger than migsafe.max_rewrite_size "
      "(in the database: seen by the table_rewrite event trigger)",
      "A rewrite holds an ACCESS EXCLUSIVE lock for as long as it copies the table: add a new "
      "column, backfill it in batches and switch over instead, or run it in a maintenance "
      "window."},
     nullptr},
    {{"table-rewrite", review,
      "ALTER TABLE or ALTER TYPE about to rewrite an existing table no larger than "
      "migsafe.max_rewrite_size (in the database: seen by the table_rewrite event trigger)",
      "Small tables rewrite quickly, but the rewrite still blocks every query on the table while "
      "it runs; check the table's size and traffic first."},
     nullptr},
    {{"alter-column-type", review,
      "ALTER COLUMN ... TYPE / SET DATA TYPE on an existing column (dangerous when the conversion can "
      "change or lose stored values)",
      "Add a new column of the new type, backfill it in batches, verify every row converted as "
      "intended, switch the application to it, and drop the old column in a later migration. A "
      "widening that PostgreSQL makes in place (varchar(20) to varchar(40) or text) needs only a "
      "short lock_timeout."},
     check_alter_column_type, T_AlterTableStmt},
    {{"rename-table", review, "ALTER TABLE ... RENAME TO or SET SCHEMA of an existing table",
      "Running code still uses the old name: create the new table or a view under the new name, "
      "deploy code that uses it, then retire the old name."},
     check_rename_table, T_Invalid},  // RENAME and SET SCHEMA
    {{"rename-column", review, "ALTER TABLE ... RENAME COLUMN of an existing column",
      "Running code still uses the old name: add the new column, write to both, backfill, "
      "switch reads, then drop the old column."},
     check_rename_column, T_RenameStmt},
    {{"rename-enum-value", review, "ALTER TYPE ... RENAME VALUE of an existing enum type",
      "Running code still writes and compares the old label: add the new label (ALTER TYPE ... ADD "
      "VALUE), move rows and code to it, then stop using the old one (PostgreSQL cannot drop an enum "
      "value; to be rid of it, replace the type)."},
     check_rename_enum_value, T_AlterEnumStmt},
    {{"drop-index", review, "DROP INDEX of an existing index",
      "Queries that used the index get slower at once: check pg_stat_user_indexes.idx_scan "
      "first, and use DROP INDEX CONCURRENTLY to avoid blocking the table."},
     check_drop_index, T_DropStmt},
    {{"drop-type", review, "DROP TYPE or DROP DOMAIN of an existing type",
      "Check that no column, function or running code uses the type; never CASCADE (it drops "
      "the columns of that type)."},
     check_drop_type, T_DropStmt},
    {{"create-index-not-concurrently", review, "CREATE INDEX without CONCURRENTLY on an existing table",
      "Build it with CREATE INDEX CONCURRENTLY, alone in its migration file (it cannot run in a "
      "transaction block); check pg_index.indisvalid afterwards and drop and retry an invalid one."},
     check_create_index_not_concurrently, T_IndexStmt},
    {{"reindex-not-concurrently", review, "REINDEX without CONCURRENTLY",
      "Use REINDEX ... CONCURRENTLY (PostgreSQL 12 and later), alone in its migration file. The system "
      "catalogs (REINDEX SYSTEM, pg_catalog's tables and indexes) cannot be reindexed concurrently: do that "
      "in a maintenance window, not in a migration."},
     check_reindex_not_concurrently, T_ReindexStmt},
    {{"add-foreign-key-validating", review,
      "ALTER TABLE ... ADD FOREIGN KEY without NOT VALID on an existing table",
      "Add it in two steps: ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (instant), then ALTER "
      "TABLE ... VALIDATE CONSTRAINT in a later transaction, that is a later migration file (it checks "
      "rows without blocking writes)."},
     check_add_foreign_key_validating, T_AlterTableStmt},
    {{"add-check-validating", review, "ALTER TABLE ... ADD CHECK without NOT VALID on an existing table",
      "Add it in two steps: ADD CONSTRAINT ... CHECK (...) NOT VALID (instant), then ALTER TABLE ... "
      "VALIDATE CONSTRAINT in a later transaction, that is a later migration file (it scans without "
      "blocking reads and writes)."},
     check_add_check_validating, T_AlterTableStmt},
    {{"add-unique-constraint", review,
      "ALTER TABLE ... ADD UNIQUE without USING INDEX on an existing table",
      "Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (alone in its file), then ADD "
      "CONSTRAINT ... UNIQUE USING INDEX, which is instant."},
     check_add_unique_constraint, T_AlterTableStmt},
    {{"add-primary-key", review,
      "ALTER TABLE ... ADD PRIMARY KEY without USING INDEX on an existing table, or (database only) USING INDEX "
      "on columns not yet NOT NULL",
      "Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (alone in its file), make the "
      "columns NOT NULL safely, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX."},
     check_add_primary_key, T_AlterTableStmt},
    {{"add-exclusion-constraint", review, "ALTER TABLE ... ADD EXCLUDE on an existing table",
      "PostgreSQL builds an exclusion constraint's index under an ACCESS EXCLUSIVE lock and has no USING INDEX "
      "form for it: add it in a maintenance window, or enforce the rule another way (a unique index built "
      "CONCURRENTLY, a trigger) on a big table."},
     check_add_exclusion_constraint, T_AlterTableStmt},
    {{"set-not-null", review, "ALTER COLUMN ... SET NOT NULL on an existing column",
      "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later transaction (a later "
      "migration file), then SET NOT NULL (PostgreSQL 12 and later use the validated check and skip the "
      "scan), then drop the check."},
     check_set_not_null, T_AlterTableStmt},
    {{"add-column-not-null-no-default", review,
      "ALTER TABLE ... ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
      "Give the column a DEFAULT (a constant default is instant since PostgreSQL 11), or add it "
      "nullable, backfill it, then make it NOT NULL safely."},
     check_add_column_not_null_no_default, T_AlterTableStmt},
    {{"add-column-volatile-default", review,
      "ALTER TABLE ... ADD COLUMN with a volatile DEFAULT (gen_random_uuid(), random(), clock_timestamp(), "
      "nextval() and serial types), an identity or a stored generated column, on an existing table",
      "Add the column without the default (or with a constant one: instant), set the default for new "
      "rows with ALTER COLUMN ... SET DEFAULT, and backfill existing rows in batches."},
     check_add_column_volatile_default, T_AlterTableStmt},
    {{"set-logged-unlogged", review, "ALTER TABLE ... SET LOGGED / SET UNLOGGED of an existing table",
      "Both rewrite the table under an ACCESS EXCLUSIVE lock: run them in a maintenance window."},
     check_set_logged_unlogged, T_AlterTableStmt},
    {{"set-tablespace", review, "ALTER TABLE ... SET TABLESPACE of an existing table",
      "The table is copied under an ACCESS EXCLUSIVE lock: run it in a maintenance window, or use "
      "pg_repack --tablespace."},
     check_set_tablespace, T_AlterTableStmt},
    {{"set-access-method", review, "ALTER TABLE ... SET ACCESS METHOD of an existing table",
      "The table is rewritten under an ACCESS EXCLUSIVE lock: run it in a maintenance window."},
     check_set_access_method, T_AlterTableStmt},
    {{"vacuum-full", review, "VACUUM FULL of an existing table (rewrites it under an ACCESS EXCLUSIVE lock)",
      "Use plain VACUUM, or pg_repack (rebuilds online); run VACUUM FULL only in a maintenance window."},
     check_vacuum_full, T_VacuumStmt},
    {{"cluster", review, "CLUSTER of an existing table (rewrites it under an ACCESS EXCLUSIVE lock)",
      "Use pg_repack --order-by (online), or run CLUSTER only in a maintenance window."},
     check_cluster, T_ClusterStmt},
    {{"detach-partition-not-concurrently", review,
      "ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on an existing partitioned table",
      "Use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14 and later), alone in its migration "
      "file (it cannot run in a transaction block); if it is interrupted, finish it with DETACH PARTITION ... "
      "FINALIZE."},
     check_detach_partition_not_concurrently, T_AlterTableStmt},
    {{"validate-in-same-transaction", review,
      "ALTER TABLE ... VALIDATE CONSTRAINT in the same transaction as the ADD CONSTRAINT ... NOT VALID that "
      "created it (a file with no COMMIT between them runs as one transaction)",
      "Put VALIDATE CONSTRAINT in a later migration file, that is a later transaction: ADD ... NOT VALID "
      "commits at once, and VALIDATE alone takes a SHARE UPDATE EXCLUSIVE lock that lets reads and writes go "
      "on while it scans."},
     check_validate_in_same_transaction, T_AlterTableStmt},
    {{"alter-domain-add-constraint", review,
      "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID, or SET NOT NULL, of an existing domain",
      "Add the constraint as a CHECK with NOT VALID (ALTER DOMAIN ... ADD CONSTRAINT ... CHECK (...) NOT VALID: "
      "instant, and new values are checked at once), then run ALTER DOMAIN ... VALIDATE CONSTRAINT in its own "
      "transaction at a quiet time, with a lock_timeout: it checks the stored rows and, in PostgreSQL 15, still "
      "blocks writes to those tables while it scans. SET NOT NULL has no NOT VALID form: use CHECK (VALUE IS NOT "
      "NULL) NOT VALID instead."},
     check_alter_domain_add_constraint, T_AlterDomainStmt},
    {{"foreign-key-without-index", review,
      "a FOREIGN KEY (CREATE TABLE, ADD CONSTRAINT, ADD COLUMN ... REFERENCES) whose columns no index of the "
      "referencing table starts with, anywhere in the script (in the database: nor in the catalog)",
      "Index the referencing columns: for a table the script creates, CREATE INDEX ON child (parent_id) in the "
      "same script; for an existing table, CREATE INDEX CONCURRENTLY ON child (parent_id), alone in its "
      "migration file. Any index whose leading columns are the foreign key's (or a PRIMARY KEY or UNIQUE "
      "starting with them) will do."},
     check_foreign_key_without_index},
    {{"transaction-control", review,
      "BEGIN that the script never ends, or COMMIT / ROLLBACK that ends the transaction the migration tool "
      "runs the file in (scripts only: the database never judges transaction statements)",
      "Leave transactions to the migration tool: remove BEGIN, COMMIT and ROLLBACK from the file. A statement "
      "that cannot run in a transaction (CREATE INDEX CONCURRENTLY) goes alone in its own migration file; "
      "a script run with psql that needs one transaction uses psql --single-transaction, or ends every BEGIN "
      "with a COMMIT."},
     check_transaction_control, T_TransactionStmt},
    {{"missing-lock-timeout", review,
      "(opt-in: --require-lock-timeout, migsafe.require_lock_timeout) a statement taking an ACCESS "
      "EXCLUSIVE lock on an existing table with no SET lock_timeout before it",
      "Begin the migration with SET lock_timeout = '5s' (and retry when it fails), or let the database "
      "apply one: migsafe.ddl_lock_timeout.",
      true},
     check_missing_lock_timeout},
    {{"int-primary-key", review,
      "(opt-in: --enable int-primary-key, migsafe.enable_rules) a one-column primary key of type integer, "
      "smallint, serial or smallserial",
      "Use bigint: bigint GENERATED ALWAYS AS IDENTITY (or bigserial) for a generated key. Changing the type "
      "of an existing key later rewrites the table and the tables that reference it.",
      true},
     check_int_primary_key},
    {{"identifier-too-long", review,
      "an identifier longer than 63 bytes (NAMEDATALEN - 1), which PostgreSQL truncates with only a NOTICE",
      "Use a name of at most 63 bytes (the same name the application uses); names that share their "
      "first 63 bytes name the same object."},
     check_identifier_too_long},
    {{"do-block", review, "DO block: runs immediately, but its statements cannot be read ahead",
      "migsafe in the database checks every statement of the block as it runs; prefer plain "
      "SQL statements in migrations so that offline checks can see them."},
     check_do_block, T_DoStmt},
    {{"unused-ignore", review,
      "(migsafe check only) a migsafe-ignore comment that suppresses nothing: no finding of the "
      "rules it names on the statement after it, an unknown rule, or no reason",
      "Remove the comment, or fix it: -- migsafe-ignore: RULE[, RULE] reason, on the line(s) "
      "right before the statement."},
     nullptr},
};

}  // namespace

const Rule *rule_table_begin() { return std::begin(kRules); }
const Rule *rule_table_end() { return std::end(kRules); }

std::size_t rule_count() { return std::size(kRules); }
const RuleInfo &rule_info(std::size_t index) { return kRules[index].info; }

Finding finding_of(const RuleInfo &rule, std::string object, std::string message) {
    Finding finding;
    finding.rule = rule.id;
    finding.severity = rule.severity;
    finding.object = std::move(object);
    finding.message = std::move(message);
    finding.hint = rule.hint;
    return finding;
}

const RuleInfo *find_rule(std::string_view id) {
    for (const Rule &rule : kRules)
        if (id == rule.info.id) return &rule.info;
    return nullptr;
}

}  // namespace migsafe
