-- Settings: what weakens the guard is superuser-only; a typo is an error.
SELECT name, setting, context, boot_val FROM pg_settings WHERE name LIKE 'migsafe.%' ORDER BY name;

-- The "migsafe." prefix is reserved: a misspelt setting is an error, not a
-- silent placeholder.
SET migsafe.mdoe = 'off';
SELECT set_config('migsafe.enforce', 'off', false);
-- and bad values are refused
SET migsafe.mode = 'disabled';
SET migsafe.review_action = 'ignore';

-- An application role cannot weaken the guard in any way.
SET migsafe.mode = enforce;
SET ROLE migsafe_app;
SET migsafe.mode = 'off';
SET migsafe.mode = 'warn';
SELECT set_config('migsafe.mode', 'off', false);
SELECT set_config('migsafe.mode', 'off', true);
SET LOCAL migsafe.mode = 'off';
RESET migsafe.mode;
RESET ALL;
SHOW migsafe.mode;
SET migsafe.review_action = 'allow';
SET migsafe.require_registered_approval = off;
ALTER ROLE migsafe_app SET migsafe.mode = 'off';
ALTER ROLE migsafe_app SET migsafe.require_registered_approval = off;
ALTER DATABASE :"DBNAME" SET migsafe.mode = 'off';
SELECT attempt('SET migsafe.mode = off');
-- ... but it may name the approval it runs under
SET migsafe.approved_migration = '20261124_drop_legacy';
SHOW migsafe.approved_migration;
RESET migsafe.approved_migration;
RESET ROLE;
SHOW migsafe.mode;

-- A database owner is not a superuser either.
ALTER DATABASE :"DBNAME" OWNER TO migsafe_app;
SET ROLE migsafe_app;
ALTER DATABASE :"DBNAME" SET migsafe.mode = 'off';
ALTER DATABASE :"DBNAME" RESET ALL;
RESET ROLE;
ALTER DATABASE :"DBNAME" OWNER TO CURRENT_USER;
-- (but the test database's own, from the Makefile)
SELECT count(*) AS overrides FROM pg_db_role_setting s
WHERE array_to_string(s.setconfig, ',') LIKE '%migsafe%'
  AND array_to_string(s.setconfig, ',') <> 'migsafe.session_script_window=0';

-- The status of this session.
SET migsafe.review_action = block;
SELECT item, name, detail FROM migsafe_status() WHERE item IN ('setting', 'layer');
RESET migsafe.review_action;
