-- Hand-written baseline for bench/joined-features: the customer_value feature set
-- (pipelines/features/customer_value.yaml: orders of each customer, the customers dimension as known
-- at the end of each date and valid at T, a derived ratio, the label) for every feature date in
-- [:from, :to], in one statement. A customer's attributes are read with a lateral lookup of the
-- latest version received up to the date whose updated_at is before T.
-- psql -v from=2024-01-01 -v to=2024-01-30 -f bench/sql/baseline_customer_value.sql
DROP TABLE IF EXISTS bench_hand_customer_value;
CREATE TABLE bench_hand_customer_value AS
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
    SELECT fd, t, customer_id,
           count(*) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days') AS orders_30d,
           coalesce(sum(amount) FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days'), 0) AS revenue_30d,
           mode() WITHIN GROUP (ORDER BY category::text)
               FILTER (WHERE status = 'completed' AND order_ts >= t - interval '30 days') AS top_category_30d,
           fd - (max(order_ts) FILTER (WHERE status = 'completed') AT TIME ZONE 'UTC')::date AS days_since_last_order
    FROM known
    GROUP BY fd, t, customer_id
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
SELECT f.fd AS feature_date, f.customer_id, f.orders_30d, f.revenue_30d, f.top_category_30d,
       f.days_since_last_order, c.segment, c.region, c.credit_limit,
       CASE WHEN round(f.revenue_30d / nullif(c.credit_limit, 0), 6) IS NULL THEN NULL
            ELSE least(round(f.revenue_30d / nullif(c.credit_limit, 0), 6), 10) END AS revenue_to_limit_30d,
       CASE WHEN f.fd + 7 IN (SELECT partition_date FROM staged)
            THEN CASE WHEN p.customer_id IS NOT NULL THEN 1 ELSE 0 END
       END::smallint AS ordered_next_7d
FROM features f
LEFT JOIN LATERAL (
    SELECT s.segment, s.region, s.credit_limit
    FROM stg.customers s
    WHERE s.customer_id = f.customer_id
      AND s.partition_date <= f.fd
      AND s.updated_at < f.t
    ORDER BY s.updated_at DESC, s.partition_date DESC
    LIMIT 1
) c ON true
LEFT JOIN positives p ON p.fd = f.fd AND p.customer_id = f.customer_id;
