-- meta.try_instant, without the EXCEPTION block of V4: a subtransaction per row was slow and is
-- not allowed in parallel plans ("cannot start subtransactions during a parallel operation").
-- Every field is range-checked before the cast, in nested CASEs (which fix the order), so the
-- cast never sees a value it would reject.
CREATE OR REPLACE FUNCTION meta.try_instant(value text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
    WHEN value ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$' THEN
        CASE
            WHEN substr(value, 1, 4)::int >= 1
                AND substr(value, 6, 2)::int BETWEEN 1 AND 12
                AND substr(value, 12, 2)::int <= 23
                AND substr(value, 15, 2)::int <= 59
                AND (substr(value, 17, 1) <> ':' OR substr(value, 18, 2)::int <= 59)
                AND (substring(value from '[+-](\d{2}):?\d{0,2}$') IS NULL
                     OR substring(value from '[+-](\d{2}):?\d{0,2}$')::int <= 15)
                AND (substring(value from '[+-]\d{2}:?(\d{2})$') IS NULL
                     OR substring(value from '[+-]\d{2}:?(\d{2})$')::int <= 59) THEN
                CASE
                    WHEN substr(value, 9, 2)::int BETWEEN 1 AND extract(day from
                        make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                            + interval '1 month - 1 day')::int
                    THEN replace(value, 'z', 'Z')::timestamptz
                END
        END
END;
$$;
