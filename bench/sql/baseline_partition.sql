-- Hand-written baseline for bench/end-to-end: one daily partition through the same steps as a
-- Sluice run, as one psql script, on tables hand.* that hold the history before :'d' (copied from
-- Sluice's, untimed). Steps: load the file into an all-text table, the validation checks, the
-- normalising stage with quarantine and the latest version per order, the features of :'d' and
-- the labels of :'d' - 7, then the split by date (70/15/15, 7-day embargo, as Sluice plans it),
-- the training statistics and the export of the three splits as CSV.
-- psql -v d=2024-01-31 -v file=/path/orders.csv -v raw_columns='order_id text, ...' -v out_train=/tmp/train.csv -v out_val=/tmp/val.csv \
--   -v out_test=/tmp/test.csv -f bench/sql/baseline_partition.sql
\set ON_ERROR_STOP on

-- the file's own header, every column text (some days carry extra columns, in any order)
CREATE TABLE hand.raw_text (:raw_columns);
\set copy '\\copy hand.raw_text FROM ' :'file' ' WITH (FORMAT csv, HEADER true)'
:copy

-- the checks, and the normalised, judged rows (stage: quarantine and the latest line per order id)
\set raw hand.raw_text
\ir judge.sql

CREATE TABLE hand.quarantine AS
SELECT line_no, reasons FROM judged WHERE cardinality(reasons) > 0;

INSERT INTO hand.stg (partition_date, order_id, customer_id, order_ts, amount, currency, status,
                      category, country, channel, quantity)
SELECT DISTINCT ON (order_id) :'d'::date, order_id, customer_id, order_ts, amount, currency,
       status, category, country, channel, quantity
FROM judged WHERE cardinality(reasons) = 0
ORDER BY order_id, line_no DESC;

-- features of :'d' (knowledge time: versions received by :'d', events before T = :'d' + 1)
INSERT INTO hand.features
WITH versions AS (
    SELECT o.*, lead(o.partition_date) OVER (PARTITION BY o.order_id ORDER BY o.partition_date) AS superseded_on
    FROM hand.stg o
    WHERE o.partition_date <= :'d'::date
      AND o.order_ts >= (:'d'::date + 1)::timestamp AT TIME ZONE 'UTC' - interval '90 days'
),
known AS (
    SELECT :'d'::date AS fd, ((:'d'::date + 1)::timestamp AT TIME ZONE 'UTC') AS t,
           v.customer_id, v.order_ts, v.amount, v.status, v.category
    FROM versions v
    WHERE v.superseded_on IS NULL
      AND v.order_ts < (:'d'::date + 1)::timestamp AT TIME ZONE 'UTC'
)
SELECT fd, customer_id,
       count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '7 days'),
       count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'),
       coalesce(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '7 days'), 0),
       coalesce(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'), 0),
       round(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days')
             / nullif(count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'), 0), 6),
       count(DISTINCT category) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'),
       fd - (max(order_ts) FILTER (WHERE status = 'completed') AT TIME ZONE 'UTC')::date,
       round(count(*) FILTER (WHERE status = 'refunded')::numeric
             / nullif(count(*) FILTER (WHERE status IN ('completed', 'refunded')), 0), 6),
       NULL::smallint
FROM known
GROUP BY fd, customer_id
HAVING count(*) FILTER (WHERE status = 'completed') > 0;

-- the labels of :'d' - 7: ordered (completed) in the 7 days after its T, as known on :'d'
UPDATE hand.features f
SET ordered_next_7d = (f.customer_id IN (
        SELECT v.customer_id
        FROM (SELECT o.customer_id, o.status,
                     lead(o.partition_date) OVER (PARTITION BY o.order_id ORDER BY o.partition_date) AS superseded_on
              FROM hand.stg o
              WHERE o.order_ts >= (:'d'::date - 6)::timestamp AT TIME ZONE 'UTC'
                AND o.order_ts < (:'d'::date + 1)::timestamp AT TIME ZONE 'UTC') v
        WHERE v.superseded_on IS NULL AND v.status = 'completed'))::int
WHERE f.feature_date = :'d'::date - 7;

-- split by labelled feature date as Sluice plans it (SplitPlan): the first 70% of the dates train;
-- val takes up to 15% of them, from the first date more than 7 days (the embargo) after train's
-- last; test the rest, from the first date more than 7 days after the last date used. Dates inside
-- an embargo belong to no split. The fractions are multiplied as doubles, as Sluice does.
CREATE TEMP TABLE split_dates AS
WITH labelled AS (
    SELECT feature_date, row_number() OVER (ORDER BY feature_date) AS i
    FROM (SELECT DISTINCT feature_date FROM hand.features WHERE ordered_next_7d IS NOT NULL) x
), sizes AS (
    SELECT count(*) AS n, greatest(1, floor(count(*)::float8 * 0.7))::bigint AS n_train,
           floor(count(*)::float8 * 0.15)::bigint AS val_quota
    FROM labelled
), train AS (
    SELECT s.*, (SELECT feature_date FROM labelled WHERE i = s.n_train) AS train_last FROM sizes s
), val AS (
    SELECT t.*, v.i0, least(t.val_quota, t.n - v.i0 + 1) AS n_val
    FROM train t,
         LATERAL (SELECT coalesce(min(i), t.n + 1) AS i0 FROM labelled
                  WHERE i > t.n_train AND feature_date > t.train_last + 7) v
), plan AS (
    SELECT v.*, w.j0
    FROM val v,
         LATERAL (SELECT coalesce(min(i), v.n + 1) AS j0 FROM labelled
                  WHERE i >= v.i0 + greatest(v.n_val, 0)
                    AND feature_date > coalesce(
                        (SELECT feature_date FROM labelled WHERE v.n_val > 0 AND i = v.i0 + v.n_val - 1),
                        v.train_last) + 7) w
)
SELECT l.feature_date,
       CASE WHEN l.i <= p.n_train THEN 'train'
            WHEN l.i >= p.i0 AND l.i < p.i0 + p.n_val THEN 'val'
            WHEN l.i >= p.j0 THEN 'test' END AS split
FROM labelled l, plan p;
DELETE FROM split_dates WHERE split IS NULL;

-- training statistics of every numeric feature
SELECT avg(orders_7d), stddev_samp(orders_7d), min(orders_7d), max(orders_7d),
       avg(orders_30d), stddev_samp(orders_30d), avg(revenue_7d), stddev_samp(revenue_7d),
       avg(revenue_30d), stddev_samp(revenue_30d), avg(avg_order_value_30d),
       stddev_samp(avg_order_value_30d), avg(distinct_categories_30d),
       stddev_samp(distinct_categories_30d), avg(days_since_last_order),
       stddev_samp(days_since_last_order), avg(refund_rate_90d), stddev_samp(refund_rate_90d)
FROM hand.features JOIN split_dates USING (feature_date) WHERE split = 'train';

\set tr '\\copy (SELECT f.* FROM hand.features f JOIN split_dates s USING (feature_date) WHERE s.split = ''train'' ORDER BY 1, 2) TO ' :'out_train' ' WITH (FORMAT csv, HEADER true)'
\set va '\\copy (SELECT f.* FROM hand.features f JOIN split_dates s USING (feature_date) WHERE s.split = ''val'' ORDER BY 1, 2) TO ' :'out_val' ' WITH (FORMAT csv, HEADER true)'
\set te '\\copy (SELECT f.* FROM hand.features f JOIN split_dates s USING (feature_date) WHERE s.split = ''test'' ORDER BY 1, 2) TO ' :'out_test' ' WITH (FORMAT csv, HEADER true)'
:tr
:va
:te
