-- Hand-written baseline for bench/ingest-stage: the same checks as the bundled expectations
-- and the same normalising CTAS as Sluice's stage step, over the all-text table bench.raw_text.
\set ON_ERROR_STOP on
\timing on

\set raw bench.raw_text
\ir judge.sql

CREATE TABLE bench.baseline_quarantine AS
SELECT line_no, reasons FROM judged WHERE cardinality(reasons) > 0;

CREATE TABLE bench.baseline_stg AS
SELECT DISTINCT ON (order_id) order_id, customer_id, order_ts, amount, currency, status,
       category, country, channel, quantity
FROM judged WHERE cardinality(reasons) = 0
ORDER BY order_id, line_no DESC;
