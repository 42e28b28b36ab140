-- Run once by the compose stack's PostgreSQL on a new volume (docker-entrypoint-initdb.d): the
-- workers' least-privilege login role. `sluice` (POSTGRES_USER) owns the database and migrates it;
-- the migration grants sluice_worker what a run needs (docs/operations.md#database-roles).
CREATE ROLE sluice_worker NOLOGIN;
CREATE ROLE sluice_app LOGIN PASSWORD 'sluice_app' IN ROLE sluice_worker;
