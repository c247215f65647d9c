-- FerretDB 1.x on PostgreSQL filters with containment on a field's value, e.g.
--   (_jsonb -> '_id') @> '"evt_1:wh_1"'
-- while the indexes it creates for MongoDB's are btree on the same expressions, which `@>` cannot
-- use: every find, update and delete, even by _id, scans the table. So beside each btree index that
-- FerretDB creates on document fields, this creates a GIN (jsonb_path_ops) index on the same
-- expressions, which serves `@>`; for the indexes of tables made before, at once; for new ones, by
-- an event trigger. Idempotent: run at every start of the embedded store, in single-user mode.

CREATE OR REPLACE FUNCTION ferretdb_containment_index(btree oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  columns text;
  target regclass;
  name text;
BEGIN
  SELECT i.indrelid::regclass, c.relname || '_gin',
         string_agg('(' || pg_get_indexdef(i.indexrelid, k, true) || ') jsonb_path_ops', ', ' ORDER BY k)
    INTO target, name, columns
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am a ON a.oid = c.relam
    CROSS JOIN generate_series(1, i.indnatts) AS k
   WHERE i.indexrelid = btree AND a.amname = 'btree'
     AND pg_get_indexdef(i.indexrelid, 1, true) LIKE '%_jsonb -> %'
   GROUP BY i.indrelid, c.relname;
  IF columns IS NOT NULL THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s)', left(name, 63), target, columns);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION ferretdb_containment_indexes() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM ferretdb_containment_index(created.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS ferretdb_containment_indexes;
CREATE EVENT TRIGGER ferretdb_containment_indexes ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION ferretdb_containment_indexes();

DO $$
DECLARE
  existing record;
BEGIN
  FOR existing IN
    SELECT i.indexrelid FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
     WHERE a.attname = '_jsonb' AND NOT a.attisdropped
  LOOP
    PERFORM ferretdb_containment_index(existing.indexrelid);
  END LOOP;
END $$;
