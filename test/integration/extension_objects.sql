-- What the installed extension migsafe consists of, one fact per row, sorted,
-- for comparing two databases with diff (test/integration/extension_update.sh
-- compares a database created at the default version with one created at an
-- older version and updated). It lists every object that belongs to the
-- extension (pg_depend, deptype 'e') with what a DBA or the guard depends on:
-- function definitions (arguments, body, volatility, SECURITY DEFINER, SET
-- clauses), tables (columns in order, types, defaults, identity, NOT NULL,
-- constraints, indexes, triggers, policies, row security), event triggers
-- (event, function, tags, enabled state), schemas, owners, privileges and the
-- initial privileges pg_dump restores, comments, and the tables registered
-- with pg_extension_config_dump(). Nothing here depends on the rows.
-- psql -At -f extension_objects.sql: "object | fact" lines.

WITH ext AS (
    SELECT e.* FROM pg_extension e WHERE e.extname = 'migsafe'
),
members AS (
    SELECT d.classid, d.objid, d.objsubid,
           pg_describe_object(d.classid, d.objid, d.objsubid) AS object
    FROM pg_depend d JOIN ext ON d.refobjid = ext.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
),
-- Privileges as a sorted list, the default ones spelt out: a NULL ACL (never
-- granted or revoked) and its explicit equivalent read the same, and the
-- order in which GRANTs ran does not matter.
acl AS (
    SELECT m.classid, m.objid, CASE
        WHEN p.oid IS NOT NULL THEN coalesce(p.proacl, acldefault('f', p.proowner))
        WHEN c.oid IS NOT NULL THEN coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
        ELSE coalesce(n.nspacl, acldefault('n', n.nspowner)) END AS acl
    FROM members m
    LEFT JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    LEFT JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    LEFT JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
    WHERE m.objsubid = 0 AND coalesce(p.oid, c.oid, n.oid) IS NOT NULL
),
member_tables AS (
    SELECT m.object, c.* FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
),
facts(object, fact) AS (
    SELECT 'extension migsafe', format('version %s, schema %s, relocatable %s, owner %s',
                                       extversion, extnamespace::regnamespace, extrelocatable, pg_get_userbyid(extowner))
    FROM ext
    UNION ALL
    SELECT 'extension migsafe', format('pg_extension_config_dump(%L, %L)', t.rel::regclass, t.condition)
    FROM ext CROSS JOIN LATERAL unnest(ext.extconfig, ext.extcondition) AS t(rel, condition)
    UNION ALL
    SELECT object, 'member of the extension' FROM members
    UNION ALL
    SELECT m.object, 'privileges ' || (SELECT string_agg(x, ', ' ORDER BY x COLLATE "C") FROM (SELECT format('%s=%s%s', CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, CASE WHEN a.is_grantable THEN ' (grantable)' ELSE '' END) AS x FROM aclexplode(a.acl) AS a) AS items)
    FROM members m JOIN acl a USING (classid, objid)
    UNION ALL
    SELECT m.object, 'initial privileges (pg_dump) ' || i.privtype::text || ' '
                     || (SELECT string_agg(x, ', ' ORDER BY x COLLATE "C") FROM (SELECT format('%s=%s%s', CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, CASE WHEN a.is_grantable THEN ' (grantable)' ELSE '' END) AS x FROM aclexplode(i.initprivs) AS a) AS items)
    FROM members m JOIN pg_init_privs i ON i.classoid = m.classid AND i.objoid = m.objid AND i.objsubid = 0
    UNION ALL
    SELECT m.object, 'comment ' || d.description
    FROM members m JOIN pg_description d ON d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0
    UNION ALL
    -- functions: pg_get_functiondef has everything CREATE FUNCTION said
    SELECT m.object, format('owner %s, definition %s', pg_get_userbyid(p.proowner), pg_get_functiondef(p.oid))
    FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT m.object, format('owner %s, event %s, function %s, tags %s, enabled %s', pg_get_userbyid(e.evtowner),
                            e.evtevent, e.evtfoid::regprocedure, coalesce(e.evttags::text, 'all'),
                            CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled'
                                 WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END)
    FROM members m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT m.object, 'owner ' || pg_get_userbyid(n.nspowner)
    FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
    UNION ALL
    SELECT m.object, format('type %s %s', t.typtype, pg_catalog.format_type(t.oid, NULL)) ||
                     coalesce(' labels ' || (SELECT string_agg(quote_literal(l.enumlabel), ', ' ORDER BY l.enumsortorder)
                                             FROM pg_enum l WHERE l.enumtypid = t.oid), '')
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    -- tables, views, sequences
    SELECT object, format('owner %s, kind %s, persistence %s, options %s, row security %s%s, replica identity %s',
                          pg_get_userbyid(relowner), relkind, relpersistence, coalesce(reloptions::text, 'none'),
                          relrowsecurity, CASE WHEN relforcerowsecurity THEN ' (forced)' ELSE '' END, relreplident)
    FROM member_tables
    UNION ALL
    -- columns by position among the live ones: a column dropped by an
    -- upgrade script leaves a gap in attnum that a fresh install has not
    SELECT t.object, format('column %s %s %s%s%s%s%s%s', lpad((row_number() OVER (PARTITION BY t.oid ORDER BY a.attnum))::text, 3, '0'),
                            quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                            CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                            CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY'
                                 WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END,
                            CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' ELSE ' DEFAULT ' END
                                || pg_get_expr(ad.adbin, ad.adrelid)
                                || CASE WHEN a.attgenerated = 's' THEN ') STORED' ELSE '' END,
                            CASE WHEN a.attcollation <> 0 AND a.attcollation <> 'default'::regcollation
                                 THEN ' COLLATE ' || a.attcollation::regcollation ELSE '' END,
                            coalesce(' privileges ' || a.attacl::text, '')
                            || coalesce(' comment ' || col_description(t.oid, a.attnum), ''))
    FROM member_tables t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND t.relkind <> 'S'
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    UNION ALL
    SELECT t.object, format('constraint %s %s', quote_ident(c.conname), pg_get_constraintdef(c.oid))
    FROM member_tables t JOIN pg_constraint c ON c.conrelid = t.oid
    UNION ALL
    SELECT t.object, 'index ' || pg_get_indexdef(i.indexrelid)
    FROM member_tables t JOIN pg_index i ON i.indrelid = t.oid
    UNION ALL
    SELECT t.object, 'trigger ' || pg_get_triggerdef(g.oid)
    FROM member_tables t JOIN pg_trigger g ON g.tgrelid = t.oid AND NOT g.tgisinternal
    UNION ALL
    SELECT t.object, format('policy %s %s to %s using %s with check %s', quote_ident(p.polname), p.polcmd,
                            p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM member_tables t JOIN pg_policy p ON p.polrelid = t.oid
    UNION ALL
    SELECT t.object, 'view ' || pg_get_viewdef(t.oid)
    FROM member_tables t WHERE t.relkind IN ('v', 'm')
    UNION ALL
    -- sequences: the extension's own and those behind identity columns
    SELECT coalesce(t.object, format('sequence %s (identity of %s)', s.seqrelid::regclass, o.object)),
           format('sequence %s start %s increment %s min %s max %s cache %s%s',
                          format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                          CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
    FROM pg_sequence s
    LEFT JOIN member_tables t ON t.oid = s.seqrelid
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                          AND d.refclassid = 'pg_class'::regclass
    LEFT JOIN member_tables o ON o.oid = d.refobjid
    WHERE t.oid IS NOT NULL OR o.oid IS NOT NULL
)
SELECT object || ' | ' || fact FROM facts ORDER BY object COLLATE "C", fact COLLATE "C";
