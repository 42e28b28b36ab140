-- The transforms of a split's exports (docs/exports.md#transforms), fitted on its training rows only:
-- the spec publish applies and writes into metadata.json, one per feature set and as-of date.
CREATE TABLE meta.split_transforms (
    dataset    text  NOT NULL,
    as_of_date date  NOT NULL,
    spec       jsonb NOT NULL,
    run_id     text  NOT NULL,
    PRIMARY KEY (dataset, as_of_date)
);
