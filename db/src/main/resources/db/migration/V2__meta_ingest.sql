-- Every file ever ingested, identified by its SHA-256: the same bytes land once.
CREATE TABLE meta.ingested_files (
    file_id        bigserial   PRIMARY KEY,
    dataset        text        NOT NULL,
    partition_date date        NOT NULL,
    file_name      text        NOT NULL,
    sha256         char(64)    NOT NULL,
    size_bytes     bigint      NOT NULL,
    row_count      integer     NOT NULL,
    header         text[]      NOT NULL,
    run_id         text        NOT NULL,
    ingested_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingested_files_unique_bytes UNIQUE (dataset, partition_date, sha256)
);

-- A partition's content is the set of files it held at one ingest; a different set is a new
-- version, and staging always reads the latest one.
CREATE TABLE meta.partition_versions (
    dataset        text        NOT NULL,
    partition_date date        NOT NULL,
    version        integer     NOT NULL,
    file_ids       bigint[]    NOT NULL,
    content_sha256 char(64)    NOT NULL,
    run_id         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, partition_date, version)
);
