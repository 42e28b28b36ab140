-- The workers' least privilege. Migrations run as the owner role (the one running this script),
-- which owns every schema, table and function. Workers log in as a role that is a member of the
-- group role sluice_worker, which may read and write what the pipeline writes and nothing more:
--   * no DDL: it owns nothing and has no CREATE on any schema. The two changes to the schema a run
--     needs go through owner functions that check their arguments: raw.orders_partition adds a
--     day's table to raw.orders, feats.point_features_view points feats.<dataset>_features at a
--     feature set's table. Feature tables themselves are created by `sluice migrate` (or a worker
--     that migrates on start) for every config in the pipelines directory.
--   * raw is append-only for it by privilege, not only by trigger: SELECT and INSERT, no UPDATE,
--     DELETE or TRUNCATE. A file that fails half-way is discarded through raw.discard_unsealed,
--     which removes only the rows of a file that was never sealed.
-- Temporary tables (the stage step's judgement table) need the database's TEMPORARY privilege,
-- which PostgreSQL grants to PUBLIC by default.
DO
$$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_worker') THEN
            BEGIN
                CREATE ROLE sluice_worker NOLOGIN;
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently
                WHEN insufficient_privilege THEN
                    RAISE EXCEPTION 'the group role sluice_worker does not exist and % may not create roles',
                        current_user
                        USING HINT = 'As a superuser or a CREATEROLE role run: CREATE ROLE sluice_worker NOLOGIN;'
                            || ' GRANT sluice_worker TO <the workers'' login role>; then migrate again.';
            END;
        END IF;
    END
$$;

GRANT USAGE ON SCHEMA meta, raw, stg, quarantine, feats TO sluice_worker;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA meta, raw, stg, quarantine, feats TO sluice_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA meta, raw, stg, quarantine, feats
    GRANT USAGE, SELECT ON SEQUENCES TO sluice_worker;

-- Bookkeeping, staged versions, quarantine and features: rewritten per partition by the steps.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA meta, stg, quarantine TO sluice_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA meta, stg, quarantine
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sluice_worker;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA feats TO sluice_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA feats
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO sluice_worker;

-- A file's identity is never rewritten or removed; its load state and counts are.
REVOKE DELETE ON meta.ingested_files FROM sluice_worker;

-- Raw: read and append only. Day tables added later by raw.orders_partition get the same.
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA raw TO sluice_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw GRANT SELECT, INSERT ON TABLES TO sluice_worker;

-- The rows of a file whose load failed (bad bytes, unterminated quote, ...) before it was sealed.
-- The trigger on raw.orders refuses the delete of any sealed file's row all the same.
CREATE FUNCTION raw.discard_unsealed(file bigint, day date) RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    removed bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM meta.ingested_files f WHERE f.file_id = file AND f.state = 'sealed') THEN
        RAISE EXCEPTION 'file % is sealed: its raw rows are kept for good', file;
    END IF;
    DELETE FROM raw.orders o WHERE o.partition_date = day AND o.file_id = file;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$;

-- Points feats.<dataset>_features at the feature set table feats.<dataset>_<12 hex digits>, which
-- must exist. The names are checked, so the function can do nothing else.
CREATE FUNCTION feats.point_features_view(dataset text, feature_table text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    view_name text := dataset || '_features';
BEGIN
    IF dataset !~ '^[a-z][a-z0-9_]{0,62}$' OR feature_table !~ ('^' || dataset || '_[0-9a-f]{12}$') THEN
        RAISE EXCEPTION 'not a feature set table of dataset %: %', dataset, feature_table;
    END IF;
    IF NOT EXISTS (SELECT 1
                   FROM pg_class c
                            JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'feats'
                     AND c.relname = feature_table
                     AND c.relkind = 'r') THEN
        RAISE EXCEPTION 'feature table feats.% does not exist', feature_table
            USING HINT = 'Run sluice migrate as the owner role after changing the pipeline config.';
    END IF;
    EXECUTE format('DROP VIEW IF EXISTS feats.%I', view_name);
    EXECUTE format('CREATE VIEW feats.%I AS SELECT * FROM feats.%I', view_name, feature_table);
END;
$$;

REVOKE EXECUTE ON FUNCTION raw.discard_unsealed(bigint, date), feats.point_features_view(text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION raw.discard_unsealed(bigint, date), feats.point_features_view(text, text)
    TO sluice_worker;
