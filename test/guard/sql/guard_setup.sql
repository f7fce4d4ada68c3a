-- Shared set-up for the guard tests: roles and a helper. The tests run
-- with the server's defaults (enforce); every test states the mode it tests.
SELECT item, name FROM migsafe_status() WHERE item = 'layer';

SET client_min_messages = warning;  -- the roles may remain from an earlier run
DROP ROLE IF EXISTS migsafe_app;
DROP ROLE IF EXISTS migsafe_dba;
RESET client_min_messages;
CREATE ROLE migsafe_app LOGIN;
CREATE ROLE migsafe_dba LOGIN;
GRANT CREATE ON SCHEMA public TO migsafe_app;

-- attempt(sql): runs sql (dynamic SQL through PL/pgSQL's EXECUTE, itself a
-- path the guard must cover) and says what happened: 'ran', or the SQLSTATE,
-- message and detail of the error, with times masked.
CREATE FUNCTION attempt(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE sql;
    RETURN 'ran';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN regexp_replace(format('%s %s | %s', SQLSTATE, SQLERRM, split_part(detail, E'\n', 2)),
                          '\d{4}-\d\d-\d\d [0-9:.+]+', '<time>', 'g');
END;
$$;
GRANT EXECUTE ON FUNCTION attempt(text) TO PUBLIC;
