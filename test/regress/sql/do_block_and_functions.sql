-- do-block: a DO block runs at once and cannot be read ahead (review, no
-- object). Function and procedure bodies are not run by the migration: no
-- finding for what they contain.
\pset null '(null)'

SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check($sql$DO $$ BEGIN DROP TABLE users; END $$;$sql$);
SELECT hint FROM migsafe_check('DO $$ BEGIN END $$');
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
DO LANGUAGE plpgsql $body$
BEGIN
    EXECUTE 'TRUNCATE ' || quote_ident('users');
    DELETE FROM sessions;
END
$body$;
DO $$ BEGIN RAISE NOTICE 'harmless'; END $$ LANGUAGE plpgsql;
DO 'BEGIN NULL; END';
$sql$);
SELECT migsafe_verdict('DO $$ BEGIN DROP TABLE users; END $$');
-- a DO block next to a dangerous statement: the statement decides the verdict
SELECT migsafe_verdict('DO $$ BEGIN END $$; TRUNCATE t');

-- Function and procedure bodies given as strings: no finding, whatever the
-- body says (they are judged in the database when they run). A BEGIN ATOMIC
-- body is stored analysed and runs without passing the hooks again, so its
-- DELETE and UPDATE statements are judged when it is created.
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM sessions $$;
CREATE OR REPLACE FUNCTION wipe() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE users;
    DROP TABLE users;
    UPDATE accounts SET balance = 0;
END
$fn$;
CREATE PROCEDURE reset_all() LANGUAGE sql BEGIN ATOMIC
    DELETE FROM sessions;
    UPDATE accounts SET balance = 0;
END;
CREATE FUNCTION f_atomic() RETURNS int LANGUAGE sql
RETURN (SELECT count(*) FROM users);
CREATE FUNCTION f_quoted() RETURNS void AS 'DELETE FROM sessions' LANGUAGE sql;
CREATE OR REPLACE PROCEDURE p_drop() LANGUAGE plpgsql AS 'BEGIN DROP SCHEMA app CASCADE; END';
$sql$);
-- calling them, or attaching them to a trigger, is no finding either
SELECT statement, rule, object FROM migsafe_check($sql$
CALL reset_all();
SELECT purge();
SELECT * FROM wipe();
CREATE TRIGGER t_purge AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION purge();
ALTER FUNCTION purge() SECURITY DEFINER;
DROP FUNCTION IF EXISTS purge();
DROP PROCEDURE reset_all();
$sql$);
-- a function definition followed by a real dangerous statement
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$ DELETE FROM t $$;
DELETE FROM t;
CREATE PROCEDURE h() LANGUAGE sql BEGIN ATOMIC TRUNCATE t; END;
TRUNCATE t;
$sql$);
