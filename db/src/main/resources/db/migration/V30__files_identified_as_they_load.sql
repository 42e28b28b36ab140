-- A pulled extract may be loaded while it is pulled (docs/adr/0023-pulled-sources-land-as-files.md):
-- its registration, its rows and its seal are then one transaction, and its identity (SHA-256 and
-- size) is known only when the pull ends, after the rows. So, inside that transaction only, a
-- loading file's identity may be unknown:
--   * it is set once, by meta.identify_file, from the session holding the file's load;
--   * a file is sealed or rejected only with its identity;
--   * a registration without one cannot commit (checked at commit), so every other session sees
--     each file with its identity, as before.

ALTER TABLE meta.ingested_files
    ALTER COLUMN sha256 DROP NOT NULL,
    ALTER COLUMN size_bytes DROP NOT NULL;

CREATE OR REPLACE FUNCTION meta.guard_ingested_file() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state NOT IN ('loading', 'rejected') OR NEW.row_count <> 0
            OR NEW.loaded_through_line <> 0 OR NEW.loader_pid IS NOT NULL THEN
            RAISE EXCEPTION 'meta.ingested_files: a file is registered loading (or rejected) and empty, got state %',
                NEW.state;
        END IF;
    ELSE
        IF OLD.state <> 'loading' THEN
            RAISE EXCEPTION 'meta.ingested_files: file % (%) is % and stays so: its record and raw rows are final',
                OLD.file_id, OLD.file_name, OLD.state
                USING HINT = 'A changed file is a new file: ingest it and the partition gets a new version.';
        END IF;
        IF NEW.file_id <> OLD.file_id OR NEW.dataset <> OLD.dataset
            OR NEW.partition_date <> OLD.partition_date OR NEW.file_name <> OLD.file_name
            OR (OLD.sha256 IS NOT NULL AND NEW.sha256 IS DISTINCT FROM OLD.sha256)
            OR (OLD.size_bytes IS NOT NULL AND NEW.size_bytes IS DISTINCT FROM OLD.size_bytes)
            OR NEW.run_id <> OLD.run_id OR NEW.ingested_at <> OLD.ingested_at
            OR NEW.header <> OLD.header THEN
            RAISE EXCEPTION 'meta.ingested_files: the identity of file % (%) never changes', OLD.file_id, OLD.file_name;
        END IF;
    END IF;
    IF (NEW.sha256 IS NULL) <> (NEW.size_bytes IS NULL) THEN
        RAISE EXCEPTION 'meta.ingested_files: file % (%) has a SHA-256 and a size, or neither yet',
            NEW.file_id, NEW.file_name;
    END IF;
    IF NEW.sha256 IS NULL AND NEW.state <> 'loading' THEN
        RAISE EXCEPTION 'meta.ingested_files: file % (%) cannot be % before its identity is known',
            NEW.file_id, NEW.file_name, NEW.state
            USING HINT = 'Call meta.identify_file first.';
    END IF;
    RETURN NEW;
END;
$$;

-- At commit: a file registered without its identity has been given one.
CREATE FUNCTION meta.require_identity() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (SELECT 1 FROM meta.ingested_files WHERE file_id = NEW.file_id AND sha256 IS NULL) THEN
        RAISE EXCEPTION 'meta.ingested_files: file % (%) was registered without its SHA-256 and size, and was not given them before its transaction committed',
            NEW.file_id, NEW.file_name
            USING HINT = 'A file registered before its bytes are known is identified (meta.identify_file) in the same transaction.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ingested_files_identified
    AFTER INSERT ON meta.ingested_files
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (NEW.sha256 IS NULL)
EXECUTE FUNCTION meta.require_identity();

-- The identity of a file registered without one, set once by the session holding its load.
CREATE FUNCTION meta.identify_file(file bigint, sha256 text, size_bytes bigint) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f meta.ingested_files := meta.claimed_file(file);
BEGIN
    IF f.sha256 IS NOT NULL THEN
        RAISE EXCEPTION 'file % (%) is identified already: its identity never changes', file, f.file_name;
    END IF;
    IF identify_file.sha256 IS NULL OR identify_file.sha256 !~ '^[0-9a-f]{64}$'
        OR identify_file.size_bytes IS NULL OR identify_file.size_bytes < 0 THEN
        RAISE EXCEPTION 'file % (%): a SHA-256 is 64 lowercase hex digits and a size is not negative',
            file, f.file_name;
    END IF;
    UPDATE meta.ingested_files
    SET sha256     = identify_file.sha256,
        size_bytes = identify_file.size_bytes
    WHERE file_id = file;
END;
$$;

REVOKE EXECUTE ON FUNCTION meta.identify_file(bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION meta.identify_file(bigint, text, bigint) TO sluice_worker;
