-- A registry row says what the feature set is, not only its hashes: the feature table it was
-- exported from and the exported columns with their types.
ALTER TABLE meta.feature_registry
    ADD COLUMN feature_table text  NOT NULL DEFAULT '',
    ADD COLUMN columns       jsonb NOT NULL DEFAULT '[]';
