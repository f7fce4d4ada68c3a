-- migsafe 0.1.0
\echo Use "CREATE EXTENSION migsafe" to load this file. \quit

CREATE FUNCTION migsafe_check(
    sql text,
    protected text[] DEFAULT NULL,
    OUT statement integer,
    OUT line integer,
    OUT col integer,
    OUT rule text,
    OUT severity text,
    OUT object text,
    OUT message text,
    OUT hint text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'migsafe_check'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION migsafe_check(text, text[]) IS
    'findings of migsafe''s rules for a SQL script, one row each';

CREATE FUNCTION migsafe_verdict(sql text)
RETURNS text
AS 'MODULE_PATHNAME', 'migsafe_verdict'
LANGUAGE C STRICT STABLE PARALLEL SAFE;

COMMENT ON FUNCTION migsafe_verdict(text) IS
    'safe, review or dangerous: the worst finding of a SQL script';

CREATE FUNCTION migsafe_rules(
    OUT rule text,
    OUT severity text,
    OUT summary text,
    OUT hint text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'migsafe_rules'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION migsafe_rules() IS 'the catalogue of migsafe''s rules';
