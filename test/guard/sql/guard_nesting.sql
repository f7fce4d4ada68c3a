-- Every path a statement can take into the server is judged: top level,
-- PL/pgSQL functions and procedures, SQL functions, DO blocks, EXECUTE of
-- dynamic SQL, prepared statements, data-modifying WITH, EXPLAIN ANALYZE,
-- COPY, rules and triggers.
CREATE TABLE accounts (id int PRIMARY KEY, balance int);
INSERT INTO accounts VALUES (1, 10), (2, 20);
CREATE TABLE events (id int);
SET migsafe.mode = enforce;
SET migsafe.review_action = allow;
\set VERBOSITY terse

-- PL/pgSQL function: static SQL, dynamic SQL, DDL
CREATE FUNCTION wipe_static() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM accounts; END $$;
CREATE FUNCTION wipe_dynamic(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('DELETE FROM %I', t); END $$;
CREATE FUNCTION drop_it(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('DROP TABLE %I', t); END $$;
CREATE FUNCTION truncate_it() RETURNS void LANGUAGE plpgsql AS $$ BEGIN TRUNCATE accounts; END $$;
SELECT wipe_static();
SELECT wipe_dynamic('accounts');
SELECT drop_it('accounts');
SELECT truncate_it();
-- a PL/pgSQL function that filters runs
CREATE FUNCTION prune(below int) RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM accounts WHERE balance < below; END $$;
SELECT prune(0);

-- procedures
CREATE PROCEDURE wipe_proc() LANGUAGE plpgsql AS $$ BEGIN UPDATE accounts SET balance = 0; END $$;
CALL wipe_proc();
CREATE PROCEDURE drop_proc() LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE accounts DROP COLUMN balance; END $$;
CALL drop_proc();

-- SQL functions: a string body is judged when it runs (creating it is fine)
CREATE FUNCTION wipe_sql() RETURNS void LANGUAGE sql AS 'DELETE FROM accounts';
SELECT wipe_sql();
CREATE FUNCTION drop_sql() RETURNS void LANGUAGE sql AS 'TRUNCATE accounts';
SELECT drop_sql();
-- a BEGIN ATOMIC body runs without being analysed again: judged at creation
CREATE FUNCTION wipe_atomic() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM accounts; END;
CREATE FUNCTION prune_atomic() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM accounts WHERE balance < 0; END;
SELECT prune_atomic();

-- DO blocks
DO $$ BEGIN DELETE FROM accounts; END $$;
DO $$ BEGIN EXECUTE 'DROP TABLE accounts'; END $$;
DO $$ BEGIN PERFORM 1 FROM accounts; END $$;

-- prepared statements: refused when prepared (they cannot run)
PREPARE wipe AS DELETE FROM accounts;
PREPARE wipe_ok(int) AS DELETE FROM accounts WHERE id = $1;
EXECUTE wipe_ok(42);
EXECUTE wipe;

-- data-modifying WITH, EXPLAIN ANALYZE, COPY, MERGE
WITH gone AS (DELETE FROM accounts RETURNING *) SELECT count(*) FROM gone;
WITH changed AS (UPDATE accounts SET balance = 0 RETURNING *) SELECT count(*) FROM changed;
WITH gone AS (DELETE FROM accounts RETURNING id) INSERT INTO events SELECT id FROM gone;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM accounts;
EXPLAIN (COSTS OFF) DELETE FROM accounts;
COPY (DELETE FROM accounts RETURNING id) TO STDOUT;
MERGE INTO accounts a USING events e ON true WHEN MATCHED THEN DELETE;
MERGE INTO accounts a USING events e ON a.id = e.id WHEN MATCHED THEN DELETE;

-- rules and triggers: creating a rule that deletes everything is refused;
-- a trigger's statements are judged when it fires
CREATE RULE wipe_on_insert AS ON INSERT TO events DO ALSO DELETE FROM accounts;
CREATE FUNCTION wipe_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM accounts; RETURN NEW; END $$;
CREATE TRIGGER wipe_after_insert AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION wipe_trigger();
INSERT INTO events VALUES (1);
CREATE FUNCTION drop_trigger() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN DROP TABLE accounts; END $$;
CREATE EVENT TRIGGER drop_on_ddl ON ddl_command_end WHEN TAG IN ('CREATE SEQUENCE') EXECUTE FUNCTION drop_trigger();
CREATE SEQUENCE some_sequence;
DROP EVENT TRIGGER drop_on_ddl;
-- validating a SQL function body runs nothing, but an event trigger that
-- fires meanwhile does run its statements
CREATE FUNCTION wipe_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM accounts; END $$;
CREATE EVENT TRIGGER wipe_on_create ON ddl_command_end WHEN TAG IN ('CREATE FUNCTION') EXECUTE FUNCTION wipe_on_ddl();
CREATE FUNCTION harmless() RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP EVENT TRIGGER wipe_on_create;
DROP TRIGGER wipe_after_insert ON events;

-- a multi-statement query: each statement is judged; the first refusal
-- aborts the whole implicit transaction
SELECT 1 \; DELETE FROM events WHERE id = 1 \; TRUNCATE accounts \; SELECT 2;

-- nothing changed
SELECT count(*) AS accounts, sum(balance) AS balance FROM accounts;
SELECT attname FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0 ORDER BY attnum;

SET migsafe.mode = off;
DROP TABLE accounts, events CASCADE;
DROP SEQUENCE IF EXISTS some_sequence;
DROP FUNCTION wipe_static, wipe_dynamic, drop_it, truncate_it, prune, wipe_sql, drop_sql, wipe_trigger, drop_trigger, wipe_on_ddl;
DROP PROCEDURE wipe_proc, drop_proc;
DEALLOCATE ALL;
