-- A partition's rows judged once (docs/adr/0017-rows-are-judged-once.md): the worker writes each raw
-- row's typed values, cleaned texts and reasons into an unlogged table of this schema, named
-- <dataset>_<yyyymmdd>_<hash>, which validation counts over and staging copies from and then drops.
-- The tables are scratch: a crash empties them and the worker judges the partition again.
CREATE SCHEMA IF NOT EXISTS judged;
GRANT USAGE, CREATE ON SCHEMA judged TO sluice_worker;
