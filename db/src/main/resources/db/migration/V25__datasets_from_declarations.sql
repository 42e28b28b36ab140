-- Datasets are declared in pipelines/<dataset>.yaml; `sluice migrate` (or a worker that migrates
-- on start) creates each one's raw, staging and quarantine tables from its declaration
-- (docs/pipeline-yaml.md#columns). The owner functions that add raw's day and file tables take
-- the dataset from the file's record instead of assuming orders, and the orders tables these
-- migrations made up to now are retired:
--   * empty ones (a new database, or one that never ran orders) are dropped; the declaration makes
--     them again, named after whatever datasets the pipelines directory declares;
--   * ones holding rows stay where they are: their layout is the one the bundled declaration of
--     orders makes (raw.orders by day and file, stg.orders keyed by order and partition,
--     quarantine.orders), so the migration of the declaration adopts them, rows included.

-- The day table of a dataset's raw table, made if it is not there yet.
CREATE FUNCTION raw.day_table(dataset text, day date) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    parent regclass;
    name   text;
BEGIN
    -- the names Sluice's migration accepts for a dataset (DatasetSchemas): nothing else is quoted
    -- into the DDL below, and no dataset's name can be another one's day or file table
    IF dataset IS NULL OR dataset !~ '^[a-z][a-z0-9_]{0,39}$' OR dataset ~ '_[0-9]+$' THEN
        RAISE EXCEPTION 'not a dataset name: %', dataset;
    END IF;
    parent := to_regclass(format('raw.%I', dataset));
    IF parent IS NULL OR NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = parent) THEN
        RAISE EXCEPTION 'dataset % has no raw table', dataset
            USING HINT = format('Run sluice migrate (or start a worker that migrates) with %s.yaml in the'
                                    || ' pipelines directory.', dataset);
    END IF;
    name := dataset || '_' || to_char(day, 'YYYYMMDD');
    IF to_regclass(format('raw.%I', name)) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE raw.%I PARTITION OF raw.%I FOR VALUES IN (%L)'
                               || ' PARTITION BY LIST (file_id)', name, dataset, day);
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

-- A file's table, under its dataset's day table.
CREATE OR REPLACE FUNCTION raw.file_table(file bigint, day date) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    ds        text;
    day_table text;
    name      text;
BEGIN
    SELECT f.dataset INTO ds FROM meta.ingested_files f WHERE f.file_id = file AND f.partition_date = day;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'file % of % is not registered', file, day;
    END IF;
    day_table := raw.day_table(ds, day);
    name := ds || '_' || to_char(day, 'YYYYMMDD') || '_f' || file;
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

CREATE OR REPLACE FUNCTION meta.discard_load(file bigint, reason text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    f meta.ingested_files := meta.claimed_file(file);
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS raw.%I',
                   f.dataset || '_' || to_char(f.partition_date, 'YYYYMMDD') || '_f' || file);
    UPDATE meta.ingested_files
    SET state               = CASE WHEN reason IS NULL THEN 'loading' ELSE 'rejected' END,
        rejection           = reason,
        row_count           = 0,
        loaded_through_line = 0,
        loader_pid          = CASE WHEN reason IS NULL THEN loader_pid END
    WHERE file_id = file;
END;
$$;

DROP FUNCTION raw.orders_partition(date);

REVOKE EXECUTE ON FUNCTION raw.day_table(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION raw.day_table(text, date) TO sluice_worker;

DO
$$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM raw.orders) AND NOT EXISTS (SELECT 1 FROM stg.orders)
            AND NOT EXISTS (SELECT 1 FROM quarantine.orders) THEN
            DROP TABLE quarantine.orders;
            DROP TABLE stg.orders;
            DROP TABLE raw.orders; -- and its day and file tables, all empty
        END IF;
    END
$$;
