-- Hand-written baseline for bench/ingest-stage, app events: the checks of the bundled
-- pipelines/app_events.yaml expectations and the same normalising CTAS as Sluice's stage step
-- over the all-text table bench.raw_events (an events dataset: every valid row is staged).
\set ON_ERROR_STOP on
\timing on

-- validation: every row-level expectation as FILTER aggregates in one scan, plus uniqueness
SELECT count(*),
       count(*) FILTER (WHERE nullif(trim(user_id), '') IS NULL),
       count(*) FILTER (WHERE nullif(trim(event_time), '') IS NOT NULL AND meta.try_instant(trim(event_time)) IS NULL),
       count(*) FILTER (WHERE nullif(trim(event_type), '') IS NOT NULL AND lower(trim(event_type)) NOT IN ('signup','view','add_to_cart','purchase')),
       count(*) FILTER (WHERE nullif(trim(platform), '') IS NOT NULL AND lower(trim(platform)) NOT IN ('ios','android','web')),
       count(*) FILTER (WHERE nullif(nullif(trim(revenue), ''), 'NA') IS NOT NULL
                          AND (meta.try_decimal_sized(trim(revenue), 10, 2) IS NULL OR meta.try_decimal_sized(trim(revenue), 10, 2) < 0)),
       count(nullif(trim(event_id), '')) - count(DISTINCT nullif(trim(event_id), '')),
       max(meta.try_instant(trim(event_time))),
       avg(meta.try_decimal_sized(nullif(trim(revenue), 'NA'), 10, 2))
FROM bench.raw_events;

-- staging: normalise, judge, quarantine, keep every valid row
CREATE TEMP TABLE judged AS
SELECT o.*,
       array_remove(ARRAY[
         CASE WHEN o.event_id IS NULL THEN 'missing_event_id' END,
         CASE WHEN o.user_id IS NULL THEN 'missing_user_id' END,
         CASE WHEN o.ts_text IS NULL THEN 'missing_event_time' WHEN o.event_time IS NULL THEN 'bad_event_time' END,
         CASE WHEN o.event_type IS NULL THEN 'missing_event_type'
              WHEN o.event_type NOT IN ('signup','view','add_to_cart','purchase') THEN 'unknown_event_type' END,
         CASE WHEN o.platform NOT IN ('ios','android','web') THEN 'unknown_platform' END,
         CASE WHEN o.revenue_text IS NOT NULL AND o.revenue IS NULL THEN 'bad_revenue'
              WHEN o.revenue < 0 THEN 'out_of_range_revenue' END
       ], NULL) AS reasons
FROM (SELECT row_number() OVER () + 1 AS line_no,
             nullif(trim(event_id), '') AS event_id,
             nullif(trim(user_id), '') AS user_id,
             nullif(trim(event_time), '') AS ts_text,
             meta.try_instant(nullif(trim(event_time), '')) AS event_time,
             lower(nullif(trim(event_type), '')) AS event_type,
             nullif(trim(session_id), '') AS session_id,
             lower(nullif(trim(platform), '')) AS platform,
             nullif(nullif(trim(revenue), ''), 'NA') AS revenue_text,
             meta.try_decimal_sized(nullif(nullif(trim(revenue), ''), 'NA'), 10, 2) AS revenue
      FROM bench.raw_events) o;

CREATE TABLE bench.baseline_quarantine AS
SELECT line_no, reasons FROM judged WHERE cardinality(reasons) > 0;

CREATE TABLE bench.baseline_stg AS
SELECT event_id, user_id, event_time, event_type, session_id, platform, revenue
FROM judged WHERE cardinality(reasons) = 0;
