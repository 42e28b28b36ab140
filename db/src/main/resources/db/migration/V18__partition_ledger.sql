-- The partition ledger: one row per (dataset, partition, stage), written by the worker around every
-- activity (running when it starts, done or failed when it ends). It is what `sluice status` reads
-- to say what is done, failed, running, missing or stale, and what a rerun uses to find the failed
-- stage. Each row keeps what produced the stage's output: the partition's input checksum, the
-- config hash, the features' SQL hash (features, split, publish) and the code version.
CREATE TABLE meta.partition_ledger (
    dataset         text        NOT NULL,
    partition_date  date        NOT NULL,
    stage           text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    workflow_id     text        NOT NULL,
    run_id          text        NOT NULL,
    attempt         integer     NOT NULL,
    input_checksum  text,
    config_hash     text,
    sql_hash        text,
    code_version    text        NOT NULL,
    counts          jsonb       NOT NULL DEFAULT '{}',
    error           text,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    PRIMARY KEY (dataset, partition_date, stage)
);
CREATE INDEX partition_ledger_status_idx ON meta.partition_ledger (dataset, status);
