-- Staged orders: every valid version of an order, with the partition and line it came in.
CREATE TABLE stg.orders (
    order_id       text        NOT NULL,
    partition_date date        NOT NULL,
    file_id        bigint      NOT NULL REFERENCES meta.ingested_files (file_id),
    line_no        integer     NOT NULL,
    customer_id    text        NOT NULL,
    order_ts       timestamptz NOT NULL,
    amount         numeric     NOT NULL,
    currency       text,
    status         text        NOT NULL,
    category       text        NOT NULL,
    country        text,
    channel        text,
    quantity       integer     NOT NULL,
    PRIMARY KEY (order_id, partition_date)
);
CREATE INDEX orders_partition_idx ON stg.orders (partition_date);
CREATE INDEX orders_order_ts_idx ON stg.orders (order_ts);

-- Rows that could not be staged, with the record as received and every reason that applies.
CREATE TABLE quarantine.orders (
    file_id        bigint  NOT NULL REFERENCES meta.ingested_files (file_id),
    line_no        integer NOT NULL,
    partition_date date    NOT NULL,
    reasons        text[]  NOT NULL,
    record         jsonb   NOT NULL,
    PRIMARY KEY (file_id, line_no)
);
CREATE INDEX quarantine_orders_partition_idx ON quarantine.orders (partition_date);

-- Per partition: raw rows = quarantined + staged versions + in-partition duplicates.
CREATE TABLE meta.stage_reconciliation (
    dataset           text        NOT NULL,
    partition_date    date        NOT NULL,
    partition_version integer     NOT NULL,
    raw_rows          bigint      NOT NULL,
    quarantined_rows  bigint      NOT NULL,
    staged_rows       bigint      NOT NULL,
    duplicate_rows    bigint      NOT NULL,
    run_id            text        NOT NULL,
    staged_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, partition_date),
    CONSTRAINT counts_reconcile CHECK (raw_rows = quarantined_rows + staged_rows + duplicate_rows)
);
