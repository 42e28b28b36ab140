-- Parsing for every column type a dataset may declare (docs/pipeline-yaml.md, "columns"). Like
-- the first ones, each returns NULL for text that does not parse, never an error, and is plain SQL
-- the planner can inline: no exception handler, so no subtransaction per row.

-- A decimal with at most int_digits digits before the point and frac_digits after it.
CREATE FUNCTION meta.try_decimal_sized(value text, int_digits integer, frac_digits integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN value ~ ('^[+-]?\d{1,' || int_digits || '}'
               || CASE WHEN frac_digits > 0 THEN '(\.\d{1,' || frac_digits || '})?' ELSE '' END || '$')
               THEN value::numeric
           END;
$$;

-- A whole number that fits a bigint (up to 18 digits).
CREATE FUNCTION meta.try_bigint(value text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE WHEN value ~ '^[+-]?\d{1,18}$' THEN value::bigint END;
$$;

-- A floating-point number: digits with an optional point and an exponent of at most 300, which
-- keeps every value inside double precision's range.
CREATE FUNCTION meta.try_double(value text) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN value ~ '^[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][+-]?\d{1,3})?$'
               AND coalesce(abs(substring(value FROM '[eE]([+-]?\d+)$')::integer), 0) <= 300
               THEN value::double precision
           END;
$$;

-- true/false, t/f, yes/no, y/n, 1/0, in any case.
CREATE FUNCTION meta.try_boolean(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN lower(value) IN ('true', 't', 'yes', 'y', '1') THEN true
           WHEN lower(value) IN ('false', 'f', 'no', 'n', '0') THEN false
           END;
$$;

-- A calendar date, yyyy-MM-dd, that exists (no 02-30, no year 0).
CREATE FUNCTION meta.try_date(value text) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN value ~ '^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
               AND substr(value, 9, 2)::int <= extract(day FROM
                       make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                           + interval '1 month - 1 day')::int
               THEN value::date
           END;
$$;

-- A date and time without a zone, read in the zone given (an IANA name such as Europe/Berlin).
CREATE FUNCTION meta.try_local_instant(value text, zone text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN value ~ '^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$'
               AND substr(value, 9, 2)::int <= extract(day FROM
                       make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                           + interval '1 month - 1 day')::int
               THEN value::timestamp AT TIME ZONE zone
           END;
$$;
