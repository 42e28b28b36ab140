-- Hand-written SQL features for the orders dataset (an example; enable it in orders.yaml with
--   features:
--     sql: {file: sql/orders_weekend.sql, window: 30d,
--           columns: {weekend_orders_30d: integer, largest_order_30d: numeric}}
-- ).
-- Read only `known`: for each feature_date being computed, the staged orders as known at the end
-- of that date (latest version received in a partition <= feature_date) with order_ts in
-- [t - 30 days, t), where t = feature_date + 1 day at 00:00 UTC. Return feature_date, customer_id
-- and the declared columns, at most one row per (feature_date, customer_id); customers without a
-- row get nulls.
SELECT feature_date,
       customer_id,
       count(*) FILTER (WHERE extract(isodow FROM order_ts AT TIME ZONE 'UTC') >= 6) AS weekend_orders_30d,
       max(amount) AS largest_order_30d
FROM known
WHERE status = 'completed'
GROUP BY feature_date, customer_id
