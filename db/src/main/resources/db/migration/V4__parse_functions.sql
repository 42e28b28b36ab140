-- Parsing that must not abort a whole statement on one bad value. Used by validation and
-- staging; each returns NULL when the text does not parse.

-- An ISO-8601 instant that carries its zone (Z or an offset); local times are not instants.
CREATE FUNCTION meta.try_instant(value text) RETURNS timestamptz
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$
BEGIN
    IF value IS NULL
        OR value !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$' THEN
        RETURN NULL;
    END IF;
    RETURN value::timestamptz;
EXCEPTION
    WHEN datetime_field_overflow OR invalid_datetime_format OR invalid_time_zone_displacement_value THEN
        RETURN NULL;
END;
$$;

-- A plain decimal number (no exponent, no thousands separators).
CREATE FUNCTION meta.try_decimal(value text) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE WHEN value ~ '^[+-]?\d{1,15}(\.\d{1,6})?$' THEN value::numeric END;
$$;

-- A whole number that fits an integer.
CREATE FUNCTION meta.try_integer(value text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE WHEN value ~ '^[+-]?\d{1,9}$' THEN value::integer END;
$$;
