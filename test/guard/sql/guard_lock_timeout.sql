-- migsafe.ddl_lock_timeout: the lock_timeout the guard gives DDL on existing
-- tables when the session has none; migsafe.require_lock_timeout: the
-- opt-in rule missing-lock-timeout in the guard. An event trigger at
-- ddl_command_start (which runs inside the statement) shows the
-- lock_timeout each statement runs with.
SET migsafe.review_action = allow;
CREATE TABLE lt (id int);
CREATE FUNCTION show_lock_timeout() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE '% runs with lock_timeout %', tg_tag, current_setting('lock_timeout');
END
$$;
CREATE EVENT TRIGGER show_lock_timeout ON ddl_command_start EXECUTE FUNCTION show_lock_timeout();

-- Off by default.
ALTER TABLE lt ADD COLUMN a int;

SET migsafe.ddl_lock_timeout = '2s';
ALTER TABLE lt ADD COLUMN b int;
SHOW lock_timeout;                          -- only for the statement
CREATE INDEX lt_a ON lt (a);                -- SHARE blocks writes: applied
CREATE INDEX CONCURRENTLY lt_b ON lt (b);   -- commits internally: left alone
CREATE TABLE lt_new (id int PRIMARY KEY);   -- locks no existing table
CREATE TABLE lt_child (id int REFERENCES lt_new (id));  -- SHARE ROW EXCLUSIVE on lt_new
COMMENT ON TABLE lt IS 'no lock worth a timeout';
SET lock_timeout = '7s';
ALTER TABLE lt ADD COLUMN c int;            -- the session's own timeout wins
RESET lock_timeout;

-- After an error, inside a transaction, in dynamic SQL: restored each time.
ALTER TABLE lt ADD COLUMN a int;
SHOW lock_timeout;
BEGIN;
ALTER TABLE lt ADD COLUMN d int;
SHOW lock_timeout;
SAVEPOINT s;
ALTER TABLE lt ADD COLUMN d int;
ROLLBACK TO s;
SHOW lock_timeout;
ROLLBACK;
DO $$ BEGIN EXECUTE 'ALTER TABLE lt ADD COLUMN e int'; END $$;
SHOW lock_timeout;

-- With the guard off, migsafe does nothing.
SET migsafe.mode = off;
ALTER TABLE lt ADD COLUMN f int;
RESET migsafe.mode;

-- Bad values.
-- (the SQLSTATE alone: the range's wording gained units in 16)
\set VERBOSITY sqlstate
SET migsafe.ddl_lock_timeout = -1;
\set VERBOSITY default
SET migsafe.ddl_lock_timeout = 'soon';
RESET migsafe.ddl_lock_timeout;

-- missing-lock-timeout, opt-in; only a superuser switches it.
SET migsafe.review_action = warn;
ALTER TABLE lt ADD COLUMN g int;            -- off: nothing
SET migsafe.require_lock_timeout = on;
ALTER TABLE lt ADD COLUMN h int;            -- reported
SET lock_timeout = '5s';
ALTER TABLE lt ADD COLUMN i int;            -- the session has one
RESET lock_timeout;
SET migsafe.ddl_lock_timeout = '3s';
ALTER TABLE lt ADD COLUMN j int;            -- migsafe applies one
RESET migsafe.ddl_lock_timeout;
SET migsafe.review_action = block;
ALTER TABLE lt ADD COLUMN k int;            -- refused
SELECT count(*) FROM information_schema.columns WHERE table_name = 'lt' AND column_name = 'k';
CREATE ROLE lock_timeout_app;
SET ROLE lock_timeout_app;
SET migsafe.require_lock_timeout = off;
SET migsafe.ddl_lock_timeout = '1s';        -- anyone may make DDL fail faster
RESET ROLE;
RESET migsafe.ddl_lock_timeout;
DROP ROLE lock_timeout_app;

RESET migsafe.require_lock_timeout;
RESET migsafe.review_action;
DROP EVENT TRIGGER show_lock_timeout;
SET migsafe.mode = off;
DROP TABLE lt_child, lt_new, lt;
DROP FUNCTION show_lock_timeout();
RESET migsafe.mode;
