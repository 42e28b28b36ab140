-- The daily features run advances a feature set's running state (per-entity sums and counts, and
-- per-entity value counts for distinct/min/max/latest) from d - 1 to d with the rows that enter or
-- leave a window on d, instead of re-reading every window. The state lives in
-- feats.<feature table>_acc and feats.<feature table>_keys; this row says which date it is for
-- and the staging it was built from: it may only be advanced while no partition <= state_date has
-- been staged again since (a higher stage_seq), otherwise it is rebuilt from the windows.
CREATE TABLE meta.feature_state (
    feature_table  text        PRIMARY KEY,
    state_date     date        NOT NULL,
    stage_seq      bigint      NOT NULL,
    computed_at    timestamptz NOT NULL DEFAULT now(),
    run_id         text        NOT NULL
);
