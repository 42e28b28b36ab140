-- Hand-written baseline for bench/features: the orders features and label for every feature date
-- in [:from, :to] (docs/concepts.md#features-and-label-of-orders) in one statement, with window functions
-- for the versions.
-- psql -v from=2024-01-01 -v to=2024-01-30 -f bench/sql/baseline_features.sql
DROP TABLE IF EXISTS bench_hand_features;
CREATE TABLE bench_hand_features AS
WITH versions AS (
    SELECT o.*, lead(o.partition_date) OVER (PARTITION BY o.order_id ORDER BY o.partition_date) AS superseded_on
    FROM stg.orders o
    WHERE o.partition_date <= :'to'::date + 7
),
dates AS (
    SELECT d::date AS fd, ((d::date + 1)::timestamp AT TIME ZONE 'UTC') AS t
    FROM generate_series(:'from'::date, :'to'::date, interval '1 day') d
),
known AS (
    SELECT dates.fd, dates.t, v.customer_id, v.order_ts, v.amount, v.status, v.category
    FROM dates
    JOIN versions v
      ON v.partition_date <= dates.fd
     AND (v.superseded_on IS NULL OR v.superseded_on > dates.fd)
     AND v.order_ts >= dates.t - interval '90 days'
     AND v.order_ts < dates.t
),
features AS (
    SELECT fd, customer_id,
           count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '7 days') AS orders_7d,
           count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days') AS orders_30d,
           coalesce(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '7 days'), 0) AS revenue_7d,
           coalesce(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'), 0) AS revenue_30d,
           round(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days')
                 / nullif(count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'), 0), 6) AS avg_order_value_30d,
           count(DISTINCT category) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days') AS distinct_categories_30d,
           fd - (max(order_ts) FILTER (WHERE status = 'completed') AT TIME ZONE 'UTC')::date AS days_since_last_order,
           round(count(*) FILTER (WHERE status = 'refunded')::numeric
                 / nullif(count(*) FILTER (WHERE status IN ('completed', 'refunded')), 0), 6) AS refund_rate_90d
    FROM known
    GROUP BY fd, customer_id
    HAVING count(*) FILTER (WHERE status = 'completed') > 0
),
positives AS (
    SELECT DISTINCT dates.fd, v.customer_id
    FROM dates
    JOIN versions v
      ON v.partition_date <= dates.fd + 7
     AND (v.superseded_on IS NULL OR v.superseded_on > dates.fd + 7)
     AND v.order_ts >= dates.t
     AND v.order_ts < dates.t + interval '7 days'
     AND v.status = 'completed'
),
staged AS (
    SELECT partition_date FROM meta.stage_reconciliation WHERE dataset = 'orders'
)
SELECT f.*,
       CASE WHEN f.fd + 7 IN (SELECT partition_date FROM staged)
            THEN CASE WHEN p.customer_id IS NOT NULL THEN 1 ELSE 0 END
       END::smallint AS ordered_next_7d
FROM features f
LEFT JOIN positives p ON p.fd = f.fd AND p.customer_id = f.customer_id;
