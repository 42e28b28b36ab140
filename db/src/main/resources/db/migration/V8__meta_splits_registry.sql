-- Time-based split of labelled feature dates as of one partition; ranges, not row lists.
CREATE TABLE meta.splits (
    dataset    text    NOT NULL,
    as_of_date date    NOT NULL,
    split      text    NOT NULL CHECK (split IN ('train', 'val', 'test')),
    from_date  date,
    to_date    date,
    row_count  bigint  NOT NULL,
    embargo_days integer NOT NULL,
    run_id     text    NOT NULL,
    PRIMARY KEY (dataset, as_of_date, split)
);

-- Scaling statistics of numeric features, from the training split only.
CREATE TABLE meta.split_stats (
    dataset       text    NOT NULL,
    as_of_date    date    NOT NULL,
    feature       text    NOT NULL,
    mean          double precision,
    stddev        double precision,
    min_value     double precision,
    max_value     double precision,
    null_fraction double precision NOT NULL,
    PRIMARY KEY (dataset, as_of_date, feature)
);

-- One row per publish. A version number belongs to one (config hash, SQL hash) pair.
CREATE TABLE meta.feature_registry (
    dataset      text        NOT NULL,
    version      integer     NOT NULL,
    as_of_date   date        NOT NULL,
    config_hash  char(64)    NOT NULL,
    sql_hash     char(64)    NOT NULL,
    code_version text        NOT NULL,
    feature_rows bigint      NOT NULL,
    train_rows   bigint      NOT NULL,
    val_rows     bigint      NOT NULL,
    test_rows    bigint      NOT NULL,
    export_path  text        NOT NULL,
    run_id       text        NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, version, as_of_date)
);
