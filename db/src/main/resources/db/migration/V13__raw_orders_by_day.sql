-- raw.orders becomes a table partitioned by day, and loses its primary key and foreign key.
--
-- Measured on 1,000,000 rows (bench/ingest-stage): the foreign key to meta.ingested_files cost
-- 4.4 s of COPY (one lookup per row), the (file_id, line_no) key about 1 s, against 1.4 s for the
-- rows themselves. Neither guards anything the loader does not already guarantee: a file's row in
-- meta.ingested_files is written before any of its raw rows and is never deleted, and each chunk
-- of lines commits in the same transaction as the file's resume point (loaded_through_line), so a
-- line cannot land twice. Reads of one partition touch only that day's table.
ALTER TABLE raw.orders RENAME TO orders_before_v13;

CREATE TABLE raw.orders (
    partition_date date    NOT NULL,
    file_id        bigint  NOT NULL,
    line_no        integer NOT NULL,
    order_id       text,
    customer_id    text,
    order_ts       text,
    amount         text,
    currency       text,
    status         text,
    category       text,
    country        text,
    channel        text,
    quantity       text,
    extra          jsonb,
    field_count    integer
) PARTITION BY LIST (partition_date);

-- Row triggers on the parent are cloned to every day's table; TRUNCATE triggers are not, so
-- raw.orders_partition adds one to each.
CREATE TRIGGER orders_append_only
    BEFORE UPDATE OR DELETE ON raw.orders
    FOR EACH ROW EXECUTE FUNCTION raw.refuse_change();

CREATE TRIGGER orders_no_truncate
    BEFORE TRUNCATE ON raw.orders
    FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change();

-- The day's table, created on first use. SECURITY DEFINER so a worker role that may only insert
-- into raw can still add a day.
CREATE FUNCTION raw.orders_partition(day date) RETURNS text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
    name text := 'orders_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass(format('raw.%I', name)) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE raw.%I PARTITION OF raw.orders FOR VALUES IN (%L)',
                           name, day);
            EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON raw.%I'
                               || ' FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change()', name);
        EXCEPTION
            WHEN duplicate_table THEN NULL; -- another session added it first
        END;
    END IF;
    RETURN format('raw.%I', name);
END;
$$;

SELECT raw.orders_partition(d)
FROM (SELECT DISTINCT partition_date AS d FROM meta.ingested_files) days;

INSERT INTO raw.orders (partition_date, file_id, line_no, order_id, customer_id, order_ts, amount,
                        currency, status, category, country, channel, quantity, extra, field_count)
SELECT f.partition_date, o.file_id, o.line_no, o.order_id, o.customer_id, o.order_ts, o.amount,
       o.currency, o.status, o.category, o.country, o.channel, o.quantity, o.extra, o.field_count
FROM raw.orders_before_v13 o
         JOIN meta.ingested_files f USING (file_id);

DROP TABLE raw.orders_before_v13;

-- Where a file's load stands: its last committed line, updated in each chunk's transaction.
ALTER TABLE meta.ingested_files ADD COLUMN loaded_through_line integer NOT NULL DEFAULT 0;

UPDATE meta.ingested_files f
SET loaded_through_line = coalesce((SELECT max(o.line_no) FROM raw.orders o
                                    WHERE o.partition_date = f.partition_date
                                      AND o.file_id = f.file_id), 0),
    row_count           = (SELECT count(*) FROM raw.orders o
                           WHERE o.partition_date = f.partition_date
                             AND o.file_id = f.file_id)
WHERE f.state = 'loading';
