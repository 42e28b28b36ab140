-- What each validated partition looked like, per column: the baseline drift checks compare
-- the next partitions against.
CREATE TABLE meta.column_profiles (
    dataset        text             NOT NULL,
    partition_date date             NOT NULL,
    column_name    text             NOT NULL,
    row_count      bigint           NOT NULL,
    null_count     bigint           NOT NULL,
    mean           double precision,
    min_value      double precision,
    max_value      double precision,
    run_id         text             NOT NULL,
    PRIMARY KEY (dataset, partition_date, column_name)
);
