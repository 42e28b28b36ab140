-- A sealed file's raw rows are final, and the database enforces it for every role:
--   * a file's state moves only loading -> sealed or loading -> rejected; sealed and rejected are
--     terminal, and a file's identity (dataset, day, name, bytes) never changes;
--   * each file's rows live in a table of their own (raw.orders -> day -> file), and rows go into
--     it only while the file is loading, from the database session that claimed its load
--     (meta.claim_file); the worker role may insert into that one table only while it loads;
--   * the worker role changes a file's record only through the owner functions below (it keeps
--     INSERT to register a file, and SELECT), never with UPDATE.
-- Staging then checks raw against each sealed file's recorded row count (docs/hostile-input.md).
-- Line numbers and counts become bigint: a long file (or one of blank lines) passes 2^31.

ALTER TABLE meta.ingested_files
    ALTER COLUMN row_count TYPE bigint,
    ALTER COLUMN loaded_through_line TYPE bigint,
    ADD COLUMN loader_pid integer,
    ADD COLUMN loader_run text;
ALTER TABLE stg.orders ALTER COLUMN line_no TYPE bigint;
ALTER TABLE quarantine.orders ALTER COLUMN line_no TYPE bigint;

-- The new raw layout; the rows move over below, then the old tables go.
ALTER TABLE raw.orders RENAME TO orders_before_v21;
ALTER TRIGGER orders_append_only ON raw.orders_before_v21 RENAME TO orders_before_v21_append_only;
ALTER TRIGGER orders_no_truncate ON raw.orders_before_v21 RENAME TO orders_before_v21_no_truncate;
DO
$$
    DECLARE
        day record;
    BEGIN
        FOR day IN
            SELECT c.relname
            FROM pg_inherits i
                     JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'raw.orders_before_v21'::regclass
            LOOP
                EXECUTE format('ALTER TABLE raw.%I RENAME TO %I', day.relname, day.relname || '_before_v21');
            END LOOP;
    END
$$;

CREATE TABLE raw.orders (
    partition_date date    NOT NULL,
    file_id        bigint  NOT NULL,
    line_no        bigint  NOT NULL,
    order_id       text,
    customer_id    text,
    order_ts       text,
    amount         text,
    currency       text,
    status         text,
    category       text,
    country        text,
    channel        text,
    quantity       text,
    extra          jsonb,
    field_count    integer
) PARTITION BY LIST (partition_date);

-- Row triggers on the parent are cloned to every table below it; TRUNCATE triggers are not.
CREATE TRIGGER orders_append_only
    BEFORE UPDATE OR DELETE ON raw.orders
    FOR EACH ROW EXECUTE FUNCTION raw.refuse_change();

CREATE TRIGGER orders_no_truncate
    BEFORE TRUNCATE ON raw.orders
    FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change();

-- Every statement that adds rows to a file's table: the file is loading and this session holds
-- its load. One check per statement (a COPY of a whole chunk is one), none per row.
CREATE FUNCTION raw.require_load() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    file bigint := TG_ARGV[0]::bigint;
    f    record;
BEGIN
    SELECT state, loader_pid, loader_run INTO f FROM meta.ingested_files WHERE file_id = file;
    IF f.state IS DISTINCT FROM 'loading' THEN
        RAISE EXCEPTION 'raw.%: file % is %: no rows may be added to it', TG_TABLE_NAME, file,
            coalesce(f.state, 'not registered')
            USING HINT = 'Ingest a new file version instead of changing raw rows.';
    END IF;
    IF f.loader_pid IS DISTINCT FROM pg_backend_pid() THEN
        RAISE EXCEPTION 'raw.%: file % is loading, but not by this session (its load is run %)',
            TG_TABLE_NAME, file, coalesce(f.loader_run, 'unclaimed')
            USING HINT = 'Rows go into raw only through the load that claimed the file (meta.claim_file).';
    END IF;
    RETURN NULL;
END;
$$;

-- Rows routed from raw.orders or a day's table fire those tables' statement triggers, not the
-- file's: the same check over the rows a statement added there (never the loader's path).
CREATE FUNCTION raw.require_loads_of_new_rows() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    bad record;
BEGIN
    SELECT n.file_id, f.state, f.loader_run
    INTO bad
    FROM (SELECT DISTINCT file_id FROM new_rows) n
             LEFT JOIN meta.ingested_files f ON f.file_id = n.file_id
    WHERE f.state IS DISTINCT FROM 'loading'
       OR f.loader_pid IS DISTINCT FROM pg_backend_pid()
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'raw.%: file % is %: no rows may be added to it by this session', TG_TABLE_NAME,
            bad.file_id, coalesce(bad.state, 'not registered')
            USING HINT = 'Ingest a new file version instead of changing raw rows.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION raw.orders_partition(day date) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    name text := 'orders_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass(format('raw.%I', name)) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE raw.%I PARTITION OF raw.orders FOR VALUES IN (%L)'
                               || ' PARTITION BY LIST (file_id)', name, day);
            EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON raw.%I'
                               || ' FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change()', name);
            EXECUTE format('CREATE TRIGGER rows_of_loading_files AFTER INSERT ON raw.%I'
                               || ' REFERENCING NEW TABLE AS new_rows'
                               || ' FOR EACH STATEMENT EXECUTE FUNCTION raw.require_loads_of_new_rows()',
                           name);
        EXCEPTION
            WHEN duplicate_table THEN NULL; -- another session added it first
        END;
    END IF;
    RETURN format('raw.%I', name);
END;
$$;

CREATE FUNCTION raw.file_table(file bigint, day date) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    day_table text := raw.orders_partition(day);
    name      text := 'orders_' || to_char(day, 'YYYYMMDD') || '_f' || file;
BEGIN
    IF to_regclass(format('raw.%I', name)) IS NULL THEN
        EXECUTE format('CREATE TABLE raw.%I PARTITION OF %s (partition_date DEFAULT %L, file_id DEFAULT %s)'
                           || ' FOR VALUES IN (%s)', name, day_table, day, file, file);
        EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON raw.%I'
                           || ' FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change()', name);
        EXECUTE format('CREATE TRIGGER require_load BEFORE INSERT ON raw.%I'
                           || ' FOR EACH STATEMENT EXECUTE FUNCTION raw.require_load(%L)', name, file);
    END IF;
    RETURN format('raw.%I', name);
END;
$$;

-- The rows move into their files' tables (made with their checks), then the old layout goes.
SELECT raw.file_table(file_id, partition_date)
FROM meta.ingested_files f
WHERE EXISTS (SELECT 1 FROM raw.orders_before_v21 o WHERE o.partition_date = f.partition_date AND o.file_id = f.file_id);

INSERT INTO raw.orders (partition_date, file_id, line_no, order_id, customer_id, order_ts, amount,
                        currency, status, category, country, channel, quantity, extra, field_count)
SELECT partition_date, file_id, line_no, order_id, customer_id, order_ts, amount, currency, status,
       category, country, channel, quantity, extra, field_count
FROM raw.orders_before_v21;

DROP TABLE raw.orders_before_v21;

-- Statement triggers fire for the table a statement names: the move above, through raw.orders,
-- fired none of the file tables' checks, and raw.orders gets its own only now.
CREATE TRIGGER orders_rows_of_loading_files
    AFTER INSERT ON raw.orders
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION raw.require_loads_of_new_rows();

CREATE FUNCTION meta.guard_ingested_file() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state NOT IN ('loading', 'rejected') OR NEW.row_count <> 0
            OR NEW.loaded_through_line <> 0 OR NEW.loader_pid IS NOT NULL THEN
            RAISE EXCEPTION 'meta.ingested_files: a file is registered loading (or rejected) and empty, got state %',
                NEW.state;
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.state <> 'loading' THEN
        RAISE EXCEPTION 'meta.ingested_files: file % (%) is % and stays so: its record and raw rows are final',
            OLD.file_id, OLD.file_name, OLD.state
            USING HINT = 'A changed file is a new file: ingest it and the partition gets a new version.';
    END IF;
    IF NEW.file_id <> OLD.file_id OR NEW.dataset <> OLD.dataset
        OR NEW.partition_date <> OLD.partition_date OR NEW.file_name <> OLD.file_name
        OR NEW.sha256 <> OLD.sha256 OR NEW.size_bytes <> OLD.size_bytes
        OR NEW.run_id <> OLD.run_id OR NEW.ingested_at <> OLD.ingested_at
        OR NEW.header <> OLD.header THEN
        RAISE EXCEPTION 'meta.ingested_files: the identity of file % (%) never changes', OLD.file_id, OLD.file_name;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ingested_files_guard
    BEFORE INSERT OR UPDATE ON meta.ingested_files
    FOR EACH ROW EXECUTE FUNCTION meta.guard_ingested_file();

-- The load of a file that is loading becomes this session's, and its table takes this session's
-- rows. A load whose session is gone (a worker killed mid-file) is taken over; one whose session
-- still runs is not. Returns the file's table.
CREATE FUNCTION meta.claim_file(file bigint, run text) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f     meta.ingested_files;
    table_name text;
BEGIN
    SELECT * INTO f FROM meta.ingested_files WHERE file_id = file FOR UPDATE;
    IF NOT FOUND OR f.state <> 'loading' THEN
        RAISE EXCEPTION 'file % is %, not loading: it cannot be loaded again', file, coalesce(f.state, 'unknown');
    END IF;
    IF f.loader_pid IS NOT NULL AND f.loader_pid <> pg_backend_pid()
        AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = f.loader_pid) THEN
        RAISE EXCEPTION 'file % (%) is being loaded by another session (run %)', file, f.file_name, f.loader_run
            USING ERRCODE = 'lock_not_available';
    END IF;
    table_name := raw.file_table(file, f.partition_date);
    EXECUTE format('GRANT INSERT ON %s TO sluice_worker', table_name);
    UPDATE meta.ingested_files SET loader_pid = pg_backend_pid(), loader_run = run WHERE file_id = file;
    RETURN table_name;
END;
$$;

-- The file's record, locked; raises unless this session holds the load of a file that is loading.
CREATE FUNCTION meta.claimed_file(file bigint) RETURNS meta.ingested_files
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f meta.ingested_files;
BEGIN
    SELECT * INTO f FROM meta.ingested_files WHERE file_id = file FOR UPDATE;
    IF NOT FOUND OR f.state <> 'loading' THEN
        RAISE EXCEPTION 'file % is %, not loading', file, coalesce(f.state, 'unknown');
    END IF;
    IF f.loader_pid IS DISTINCT FROM pg_backend_pid() THEN
        RAISE EXCEPTION 'file % (%) is not claimed by this session', file, f.file_name
            USING HINT = 'Call meta.claim_file first.';
    END IF;
    RETURN f;
END;
$$;

-- Where a load stands: its last committed line and its rows in raw, in each chunk's transaction.
CREATE FUNCTION meta.file_progress(file bigint, through_line bigint, rows bigint) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
    PERFORM meta.claimed_file(file);
    UPDATE meta.ingested_files SET loaded_through_line = through_line, row_count = rows WHERE file_id = file;
END;
$$;

-- Complete: the file's table takes no more rows, from anyone.
CREATE FUNCTION meta.seal_file(file bigint) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f meta.ingested_files := meta.claimed_file(file);
BEGIN
    EXECUTE format('REVOKE INSERT ON %s FROM sluice_worker', raw.file_table(file, f.partition_date));
    UPDATE meta.ingested_files SET state = 'sealed', loader_pid = NULL WHERE file_id = file;
END;
$$;

-- A load's rows go. With a reason the file cannot be read as the dataset's data and is refused for
-- good; without one its load starts over (the file changed while it was read).
CREATE FUNCTION meta.discard_load(file bigint, reason text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f meta.ingested_files := meta.claimed_file(file);
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS raw.%I', 'orders_' || to_char(f.partition_date, 'YYYYMMDD') || '_f' || file);
    UPDATE meta.ingested_files
    SET state               = CASE WHEN reason IS NULL THEN 'loading' ELSE 'rejected' END,
        rejection           = reason,
        row_count           = 0,
        loaded_through_line = 0,
        loader_pid          = CASE WHEN reason IS NULL THEN loader_pid END
    WHERE file_id = file;
END;
$$;

-- The worker reads raw and inserts only into the table of a file whose load it holds.
REVOKE INSERT ON ALL TABLES IN SCHEMA raw FROM sluice_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw REVOKE INSERT ON TABLES FROM sluice_worker;
GRANT SELECT ON ALL TABLES IN SCHEMA raw TO sluice_worker;
REVOKE UPDATE ON meta.ingested_files FROM sluice_worker;

DROP FUNCTION raw.discard_unsealed(bigint, date);
REVOKE EXECUTE ON FUNCTION raw.file_table(bigint, date), meta.claim_file(bigint, text),
    meta.claimed_file(bigint), meta.file_progress(bigint, bigint, bigint), meta.seal_file(bigint),
    meta.discard_load(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION meta.claim_file(bigint, text), meta.file_progress(bigint, bigint, bigint),
    meta.seal_file(bigint), meta.discard_load(bigint, text) TO sluice_worker;
