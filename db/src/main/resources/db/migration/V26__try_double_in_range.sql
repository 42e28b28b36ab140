-- meta.try_double, V24's grammar and one more condition. An exponent of at most 300 does not keep
-- the value inside double precision: 30 digits before it (999...9e300) overflow, and as many zeros
-- after the point (0.000...1e-300) underflow, and the cast then fails the whole statement instead
-- of giving NULL for one row. A value written with an exponent must be zero or between 1e-307 and
-- 1e308 in magnitude; without one, 30 digits always fit. (docs/pipeline-yaml.md, "columns")
CREATE OR REPLACE FUNCTION meta.try_double(value text) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN value ~ '^[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][+-]?\d{1,3})?$'
               AND coalesce(abs(substring(value FROM '[eE]([+-]?\d+)$')::integer), 0) <= 300 THEN
               CASE
                   WHEN strpos(lower(value), 'e') = 0
                       OR value::numeric = 0
                       OR abs(value::numeric) BETWEEN 1e-307 AND 1e308
                       THEN value::double precision
                   END
           END;
$$;
