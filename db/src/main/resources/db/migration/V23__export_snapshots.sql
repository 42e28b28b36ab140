-- Every publish writes an immutable snapshot of its own, data/features/<dataset>/v<N>/<snapshot>/
-- with <snapshot> = <as-of date>_<run id>, and a registry row of its own: a rerun of a date, or a
-- backfill of an older one, adds a snapshot and replaces none. Rows from before snapshots keep a
-- null snapshot (their export was the version's directory itself).
ALTER TABLE meta.feature_registry DROP CONSTRAINT feature_registry_pkey;
ALTER TABLE meta.feature_registry ADD PRIMARY KEY (dataset, version, as_of_date, run_id);
ALTER TABLE meta.feature_registry ADD COLUMN snapshot text;
