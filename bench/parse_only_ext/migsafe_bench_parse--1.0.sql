-- The server's raw parser alone: the number of statements in sql.
CREATE FUNCTION migsafe_bench_parse(sql text) RETURNS int
    LANGUAGE C STRICT VOLATILE
    AS 'MODULE_PATHNAME', 'migsafe_bench_parse';
