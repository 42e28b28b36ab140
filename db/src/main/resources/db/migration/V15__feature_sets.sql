-- Features are declared in pipelines/<dataset>.yaml. Each feature set (the features, the label and
-- the SQL Sluice generates for them) has its own table, feats.<dataset>_<hash>, created by the
-- features step; feats.<dataset>_features is a view of the current one. The fixed table of the
-- first version goes.
DROP TABLE feats.orders_customer_daily;

-- Every staging of a partition takes the next number: a database-wide order of events that does
-- not depend on any worker's clock.
CREATE SEQUENCE meta.stage_seq;
ALTER TABLE meta.stage_reconciliation
    ADD COLUMN stage_seq bigint NOT NULL DEFAULT nextval('meta.stage_seq');

-- Which feature dates a feature table holds, and the staging they were computed from. Features of
-- d read partitions <= d, its label partitions <= d + horizon: a date is stale when one of those
-- was staged again (a higher stage_seq) after it was computed.
CREATE TABLE meta.feature_dates (
    dataset        text        NOT NULL,
    feature_table  text        NOT NULL,
    feature_date   date        NOT NULL,
    feature_rows   bigint      NOT NULL,
    features_seq   bigint      NOT NULL,
    labels_seq     bigint,
    computed_at    timestamptz NOT NULL DEFAULT now(),
    run_id         text        NOT NULL,
    PRIMARY KEY (feature_table, feature_date)
);
