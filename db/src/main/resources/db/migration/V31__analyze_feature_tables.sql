-- Planner statistics for a feature table and its running state after a range pass
-- (docs/concepts.md#feature-sets-and-incremental-computation). ANALYZE is the owner's: a worker
-- that owns nothing would only get a warning. The name is checked, so the function can do nothing
-- else.
CREATE FUNCTION feats.analyze_feature_tables(feature_table text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    t text;
BEGIN
    IF feature_table !~ '^[a-z][a-z0-9_]*_[0-9a-f]{12}$' OR length(feature_table) > 63 THEN
        RAISE EXCEPTION 'not a feature set table: %', feature_table;
    END IF;
    FOREACH t IN ARRAY ARRAY[feature_table, feature_table || '_acc', feature_table || '_keys']
        LOOP
            IF to_regclass(format('feats.%I', t)) IS NOT NULL THEN
                EXECUTE format('ANALYZE feats.%I', t);
            ELSIF t = feature_table THEN
                RAISE EXCEPTION 'feature table feats.% does not exist', feature_table;
            END IF;
        END LOOP;
END;
$$;

REVOKE EXECUTE ON FUNCTION feats.analyze_feature_tables(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION feats.analyze_feature_tables(text) TO sluice_worker;
