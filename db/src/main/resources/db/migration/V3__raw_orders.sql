-- The raw layer: every field exactly as received, keyed by (file, line). Extra columns the
-- file carried are kept in `extra`. Rows are only ever appended.
CREATE TABLE raw.orders (
    file_id     bigint  NOT NULL REFERENCES meta.ingested_files (file_id),
    line_no     integer NOT NULL,
    order_id    text,
    customer_id text,
    order_ts    text,
    amount      text,
    currency    text,
    status      text,
    category    text,
    country     text,
    channel     text,
    quantity    text,
    extra       jsonb,
    PRIMARY KEY (file_id, line_no)
);

CREATE FUNCTION raw.refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'raw.% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING HINT = 'Ingest a new file version instead of changing raw rows.';
END;
$$;

CREATE TRIGGER orders_append_only
    BEFORE UPDATE OR DELETE ON raw.orders
    FOR EACH ROW EXECUTE FUNCTION raw.refuse_change();

CREATE TRIGGER orders_no_truncate
    BEFORE TRUNCATE ON raw.orders
    FOR EACH STATEMENT EXECUTE FUNCTION raw.refuse_change();
