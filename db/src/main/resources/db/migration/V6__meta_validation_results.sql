-- The latest validation of each partition, one row per expectation.
CREATE TABLE meta.validation_results (
    dataset          text        NOT NULL,
    partition_date   date        NOT NULL,
    expectation      text        NOT NULL,
    kind             text        NOT NULL,
    column_name      text,
    severity         text        NOT NULL CHECK (severity IN ('error', 'warn')),
    mostly           numeric     NOT NULL,
    element_count    bigint      NOT NULL,
    unexpected_count bigint      NOT NULL,
    success          boolean     NOT NULL,
    details          jsonb       NOT NULL,
    run_id           text        NOT NULL,
    report_path      text        NOT NULL,
    validated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, partition_date, expectation)
);
