-- Shared by the hand-written baselines: the validation checks over the all-text table named by
-- the psql variable raw, then the normalised and judged rows in the temporary table judged.
-- \set raw bench.raw_text
-- \ir judge.sql
-- validation: every row-level expectation as FILTER aggregates in one scan, plus uniqueness
SELECT count(*),
       count(*) FILTER (WHERE nullif(trim(order_id), '') IS NULL),
       count(*) FILTER (WHERE nullif(trim(customer_id), '') IS NULL),
       count(*) FILTER (WHERE nullif(trim(order_ts), '') IS NOT NULL AND meta.try_instant(trim(order_ts)) IS NULL),
       count(*) FILTER (WHERE nullif(trim(amount), '') IS NOT NULL AND (meta.try_decimal(trim(amount)) IS NULL OR meta.try_decimal(trim(amount)) < 0)),
       count(*) FILTER (WHERE nullif(trim(category), '') IS NOT NULL AND lower(trim(category)) NOT IN ('electronics','books','home','toys','grocery','fashion','sports','beauty')),
       count(*) FILTER (WHERE nullif(trim(status), '') IS NOT NULL AND lower(trim(status)) NOT IN ('completed','cancelled','refunded')),
       count(*) FILTER (WHERE currency !~ '^\s*[A-Za-z]{3}\s*$'),
       count(nullif(trim(order_id), '')) - count(DISTINCT nullif(trim(order_id), '')),
       max(meta.try_instant(trim(order_ts))),
       avg(meta.try_decimal(trim(amount)))
FROM :raw;

-- staging: normalise, judge, quarantine, keep the latest line per order id
CREATE TEMP TABLE judged AS
SELECT o.*,
       array_remove(ARRAY[
         CASE WHEN o.order_id IS NULL THEN 'missing_order_id' END,
         CASE WHEN o.customer_id IS NULL THEN 'missing_customer_id' END,
         CASE WHEN o.ts_text IS NULL THEN 'missing_order_ts' WHEN o.order_ts IS NULL THEN 'bad_order_ts' END,
         CASE WHEN o.amount_text IS NULL THEN 'missing_amount' WHEN o.amount IS NULL THEN 'bad_amount' WHEN o.amount < 0 THEN 'negative_amount' END,
         CASE WHEN o.qty_text IS NULL THEN 'missing_quantity' WHEN o.quantity IS NULL OR o.quantity <= 0 THEN 'bad_quantity' END,
         CASE WHEN o.category IS NULL THEN 'missing_category' WHEN o.category NOT IN ('electronics','books','home','toys','grocery','fashion','sports','beauty') THEN 'unknown_category' END,
         CASE WHEN o.status IS NULL THEN 'missing_status' WHEN o.status NOT IN ('completed','cancelled','refunded') THEN 'unknown_status' END
       ], NULL) AS reasons
FROM (SELECT row_number() OVER () + 1 AS line_no,
             nullif(trim(order_id), '') AS order_id,
             nullif(trim(customer_id), '') AS customer_id,
             nullif(trim(order_ts), '') AS ts_text,
             meta.try_instant(nullif(trim(order_ts), '')) AS order_ts,
             nullif(trim(amount), '') AS amount_text,
             meta.try_decimal(nullif(trim(amount), '')) AS amount,
             upper(nullif(trim(currency), '')) AS currency,
             lower(nullif(trim(status), '')) AS status,
             lower(nullif(trim(category), '')) AS category,
             upper(nullif(trim(country), '')) AS country,
             lower(nullif(trim(channel), '')) AS channel,
             nullif(trim(quantity), '') AS qty_text,
             meta.try_integer(nullif(trim(quantity), '')) AS quantity
      FROM :raw) o;

