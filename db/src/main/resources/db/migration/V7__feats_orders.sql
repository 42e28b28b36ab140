-- Point-in-time customer features as of the end of feature_date (T = feature_date + 1 day,
-- 00:00 UTC), computed from the order versions received in partitions <= feature_date.
CREATE TABLE feats.orders_customer_daily (
    feature_date            date    NOT NULL,
    customer_id             text    NOT NULL,
    orders_7d               integer NOT NULL,
    orders_30d              integer NOT NULL,
    revenue_7d              numeric NOT NULL,
    revenue_30d             numeric NOT NULL,
    avg_order_value_30d     numeric,
    distinct_categories_30d integer NOT NULL,
    days_since_last_order   integer NOT NULL,
    refund_rate_90d         numeric NOT NULL,
    -- 1/0 once partition feature_date + 7 is staged; NULL (unlabelled) before.
    ordered_next_7d         smallint,
    PRIMARY KEY (feature_date, customer_id)
);
