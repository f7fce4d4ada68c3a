-- migsafe_plan(): the lock each statement takes on each table, the work done
-- under it, the table's size and rows, and the statement's findings. The
-- lock levels are checked against pg_locks: each statement runs in a
-- subtransaction that is rolled back after the strongest lock this backend
-- holds on the table has been read.
CREATE TABLE u (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, a int, b text, c varchar(20), d numeric(10,2), note text);
INSERT INTO t SELECT g, g, 'b' || g, 'c' || g, g, NULL FROM generate_series(1, 1000) g;
INSERT INTO u VALUES (1);
ANALYZE t;
CREATE INDEX t_a_idx ON t (a);
ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_c_present CHECK (c IS NOT NULL);
CREATE TABLE empty_table (id int);
CREATE TABLE p (k int) PARTITION BY LIST (k);
CREATE TABLE p0 PARTITION OF p FOR VALUES IN (0);
CREATE TABLE p2 (k int);
CREATE SCHEMA elsewhere;
CREATE FUNCTION nothing() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';

CREATE FUNCTION strongest_lock(statement text, rel regclass) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    held text;
BEGIN
    BEGIN
        EXECUTE statement;
        SELECT upper(regexp_replace(regexp_replace(mode, 'Lock$', ''), '([a-z])([A-Z])', '\1 \2', 'g'))
          INTO held
          FROM pg_locks
         WHERE locktype = 'relation' AND relation = rel AND pid = pg_backend_pid() AND granted
         ORDER BY array_position(ARRAY['AccessShareLock', 'RowShareLock', 'RowExclusiveLock',
                                       'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
                                       'ExclusiveLock', 'AccessExclusiveLock'], mode) DESC
         LIMIT 1;
        RAISE EXCEPTION 'roll back';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
    RETURN held;
END
$$;

-- planned = held on every row.
SELECT s.statement, s.rel, plan.lock_mode AS planned, strongest_lock(s.statement, s.rel::regclass) AS held
  FROM (VALUES
    ('ALTER TABLE t ADD COLUMN extra int', 't'),
    ('ALTER TABLE t SET (fillfactor = 70)', 't'),
    ('ALTER TABLE t ALTER a SET STATISTICS 100', 't'),
    ('ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (a) REFERENCES u (id) NOT VALID', 't'),
    ('ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (a) REFERENCES u (id) NOT VALID', 'u'),
    ('ALTER TABLE t ADD CONSTRAINT t_b CHECK (b <> '''') NOT VALID', 't'),
    ('ALTER TABLE t VALIDATE CONSTRAINT t_a_positive', 't'),
    ('ALTER TABLE t DISABLE TRIGGER ALL', 't'),
    ('ALTER TABLE t CLUSTER ON t_pkey', 't'),
    ('ALTER TABLE t ALTER a SET NOT NULL', 't'),
    ('ALTER TABLE t ALTER b TYPE varchar(10)', 't'),
    ('ALTER TABLE t ENABLE ROW LEVEL SECURITY', 't'),
    ('ALTER TABLE t RENAME TO t_renamed', 't'),
    ('ALTER TABLE t RENAME COLUMN b TO bee', 't'),
    ('ALTER INDEX t_a_idx RENAME TO t_a_index', 't_a_idx'),
    ('ALTER TABLE t SET SCHEMA elsewhere', 't'),
    ('CREATE INDEX ON t (b)', 't'),
    ('CREATE TRIGGER t_nothing BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION nothing()', 't'),
    ('CREATE RULE t_rule AS ON INSERT TO t DO ALSO NOTHING', 't'),
    ('CREATE POLICY t_policy ON t USING (true)', 't'),
    ('TRUNCATE t', 't'),
    ('DROP TABLE t', 't'),
    ('DROP INDEX t_a_idx', 't_a_idx'),
    ('REINDEX TABLE t', 't'),
    ('REINDEX INDEX t_a_idx', 't_a_idx'),
    ('CLUSTER t USING t_pkey', 't'),
    ('LOCK TABLE t IN SHARE MODE', 't'),
    ('DELETE FROM t WHERE a = 1', 't'),
    ('UPDATE t SET b = b WHERE a = 1', 't'),
    ('CREATE TABLE child_of_u (id int REFERENCES u (id))', 'u'),
    ('CREATE TABLE kid () INHERITS (t)', 't'),
    ('CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1)', 'p'),
    ('ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (2)', 'p'),
    ('ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (2)', 'p2'),
    ('ALTER TABLE p DETACH PARTITION p0', 'p'),
    ('ALTER TABLE p DETACH PARTITION p0', 'p0')
  ) AS s(statement, rel)
  LEFT JOIN LATERAL (SELECT * FROM migsafe_plan(s.statement) WHERE relation = s.rel) AS plan ON true
 ORDER BY s.statement, s.rel;

-- What only the database knows: the column's type, validated CHECKs, an
-- empty table, a function's volatility, each table's size and rows.
SELECT statement, relation, lock_mode, blocks, work, relation_size > 0 AS has_size, estimated_rows, rules
  FROM migsafe_plan($$
ALTER TABLE t ALTER COLUMN c TYPE varchar(40);
ALTER TABLE t ALTER COLUMN c TYPE text;
ALTER TABLE t ALTER COLUMN c TYPE varchar(10);
ALTER TABLE t ALTER COLUMN d TYPE numeric(12,2);
ALTER TABLE t ALTER COLUMN d TYPE numeric(12,3);
ALTER TABLE t ALTER COLUMN a TYPE bigint;
ALTER TABLE t ALTER COLUMN c TYPE text USING c::text;
ALTER TABLE t ALTER COLUMN c SET NOT NULL;
ALTER TABLE t ALTER COLUMN note SET NOT NULL;
ALTER TABLE empty_table ADD COLUMN x int NOT NULL;
ALTER TABLE t ADD COLUMN x int NOT NULL;
ALTER TABLE t ADD COLUMN id2 uuid DEFAULT gen_random_uuid();
ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();
ALTER TABLE t ADD COLUMN n bigserial;
CREATE INDEX ON t (b);
ALTER TABLE missing ALTER COLUMN c TYPE text;
SET lock_timeout = '1s';
$$);

-- migsafe_check() gives the same refined findings.
SELECT statement, rule, message FROM migsafe_check($$
ALTER TABLE t ALTER COLUMN c TYPE text;
ALTER TABLE t ALTER COLUMN a TYPE bigint;
ALTER TABLE t ALTER COLUMN c SET NOT NULL;
ALTER TABLE t ALTER COLUMN note SET NOT NULL;
$$);

-- missing-lock-timeout is opt-in.
SELECT count(*) FROM migsafe_check('ALTER TABLE t ADD COLUMN y int') WHERE rule = 'missing-lock-timeout';
SET migsafe.require_lock_timeout = on;
SELECT statement, rule, object FROM migsafe_check($$
ALTER TABLE t ADD COLUMN y int;
SET lock_timeout = '5s';
ALTER TABLE t ADD COLUMN z int;
$$) WHERE rule = 'missing-lock-timeout';
RESET migsafe.require_lock_timeout;

-- Bad input.
SELECT * FROM migsafe_plan(NULL);
SELECT * FROM migsafe_plan('ALTER TABLE');
SELECT count(*) FROM migsafe_plan('');
