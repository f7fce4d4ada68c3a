-- truncate: TRUNCATE of an existing table (ONLY, CASCADE, several tables);
-- one finding per table, at the table's name.
\pset null '(null)'

SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('TRUNCATE users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('TRUNCATE TABLE users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('TRUNCATE ONLY users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('truncate users *');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('TRUNCATE TABLE users RESTART IDENTITY CASCADE');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('TRUNCATE users CONTINUE IDENTITY RESTRICT');
SELECT statement, line, col, rule, severity, object
FROM migsafe_check('TRUNCATE a, ONLY app.b, "Session", "order"');
SELECT hint FROM migsafe_check('TRUNCATE a');
SELECT migsafe_verdict('TRUNCATE a');

-- on several lines: each finding at its table
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
TRUNCATE
    audit_log,
  "AuditEntry";
$sql$);

-- tables created earlier in the script are empty: no finding for them
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
CREATE TABLE import_buffer (line text);
COPY import_buffer FROM STDIN;
TRUNCATE import_buffer;
TRUNCATE import_buffer, events;
$sql$);
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
CREATE TABLE app.buffer (line text);
TRUNCATE app.buffer;
TRUNCATE buffer;
$sql$);

-- near misses
SELECT statement, rule, object FROM migsafe_check($sql$
SELECT 'TRUNCATE users';
SELECT truncate('a'::text) FROM generate_series(1, 1) truncate;
CREATE TABLE "truncate" (id int);
SELECT trunc(1.5);
GRANT TRUNCATE ON users TO admin;
REVOKE TRUNCATE ON users FROM admin;
$sql$);
