-- A file is 'loading' while its rows go in (in committed chunks, so a retried ingest resumes),
-- 'sealed' once complete, 'rejected' when it could not be read as the dataset's CSV. Raw rows
-- of a sealed file never change; a rejected load is undone by removing its rows.
ALTER TABLE meta.ingested_files
    ADD COLUMN state text NOT NULL DEFAULT 'sealed'
        CHECK (state IN ('loading', 'sealed', 'rejected')),
    ADD COLUMN rejection text;

-- How many fields the record carried; staging quarantines rows whose count differs from the
-- header's.
ALTER TABLE raw.orders ADD COLUMN field_count integer;

CREATE OR REPLACE FUNCTION raw.refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    -- Nested, not AND-ed: OLD does not exist for the statement-level TRUNCATE trigger.
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1
                   FROM meta.ingested_files f
                   WHERE f.file_id = OLD.file_id
                     AND f.state <> 'sealed') THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'raw.% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING HINT = 'Ingest a new file version instead of changing raw rows.';
END;
$$;
