-- Feature dates whose computation failed on their data (a division by zero in a SQL feature, a
-- value past a limit), with the staging they were computed from and the run that tried. Later runs
-- compute later dates without them, and try them again once that staging changes: one bad date
-- does not block every run after it.
CREATE TABLE meta.feature_date_failures (
    dataset       text        NOT NULL,
    feature_table text        NOT NULL,
    feature_date  date        NOT NULL,
    features_seq  bigint      NOT NULL,
    run_id        text        NOT NULL,
    error         text        NOT NULL,
    failed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feature_table, feature_date)
);
