-- migsafe 0.1.0 -> 0.2.0 (ALTER EXTENSION migsafe UPDATE).
-- Brings a database created at 0.1.0 to exactly the objects of
-- migsafe--0.2.0.sql: every function, table, column, grant, comment, event
-- trigger and pg_extension_config_dump() registration added or changed there
-- is added or changed here too (test/integration/extension_update.sh fails on
-- any difference). It runs as the extension's script, so the guard lets it
-- change migsafe's own state tables; it must keep their rows.
\echo Use "ALTER EXTENSION migsafe UPDATE TO '0.2.0'" to load this file. \quit

-- 0.2.0 changes no SQL object of 0.1.0.
