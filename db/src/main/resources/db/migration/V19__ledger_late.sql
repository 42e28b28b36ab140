-- A partition whose files did not arrive before its run's deadline is late data, not a failure:
-- the ledger says so (stage ingest, status late) so `sluice status` can show it apart.
ALTER TABLE meta.partition_ledger DROP CONSTRAINT partition_ledger_status_check;
ALTER TABLE meta.partition_ledger
    ADD CONSTRAINT partition_ledger_status_check
    CHECK (status IN ('running', 'done', 'failed', 'late'));
