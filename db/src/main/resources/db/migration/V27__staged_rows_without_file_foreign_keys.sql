-- Staged and quarantined rows keep the id of the file they came from, without a foreign key to
-- meta.ingested_files (docs/adr/0016-staged-rows-without-a-foreign-key.md). Stage writes only rows
-- judged from the sealed files of the partition's version, after reconciling raw against them, and
-- no role deletes a registered file; the check PostgreSQL made for every inserted row was a third of
-- the time of staging a large partition. The tables made from declarations no longer get one either.
DO
$$
    DECLARE
        fk record;
    BEGIN
        FOR fk IN
            SELECT n.nspname AS schema_name, t.relname AS table_name, c.conname AS constraint_name
            FROM pg_constraint c
                     JOIN pg_class t ON t.oid = c.conrelid
                     JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype = 'f'
              AND c.confrelid = 'meta.ingested_files'::regclass
              AND n.nspname IN ('stg', 'quarantine')
            LOOP
                EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT %I', fk.schema_name, fk.table_name,
                               fk.constraint_name);
            END LOOP;
    END
$$;
