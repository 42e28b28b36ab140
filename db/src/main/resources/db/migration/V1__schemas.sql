-- The five layers of the data plane: immutable raw input, staged versions, rejected rows,
-- features, and Sluice's own bookkeeping.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS feats;
CREATE SCHEMA IF NOT EXISTS meta;
