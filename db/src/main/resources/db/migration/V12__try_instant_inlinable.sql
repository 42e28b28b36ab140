-- meta.try_instant, third form. V11's range checks cost four extra regex evaluations per row,
-- and IMMUTABLE stopped the planner from inlining it (the text -> timestamptz cast is only
-- STABLE), so every row paid a function call. Here one regex encodes every range but
-- day-of-month, which is checked only for days 29-31; declared STABLE so it inlines.
CREATE OR REPLACE FUNCTION meta.try_instant(value text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT CASE
    WHEN value ~ '^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?([Zz]|[+-](0\d|1[0-5])(:?[0-5]\d)?)$' THEN
        CASE
            WHEN substr(value, 9, 2) <= '28' THEN replace(value, 'z', 'Z')::timestamptz
            WHEN substr(value, 9, 2)::int <= extract(day from
                    make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                        + interval '1 month - 1 day')::int
                THEN replace(value, 'z', 'Z')::timestamptz
        END
END;
$$;
