#!/bin/sh
# Run once by the compose stack's PostgreSQL on a new volume (docker-entrypoint-initdb.d): the
# workers' least-privilege login role, its password from its secret file. `sluice` (POSTGRES_USER)
# owns the database and migrates it; the migration grants sluice_worker what a run needs
# (docs/operations.md#database-roles).
set -eu
password=$(cat /run/secrets/sluice_app_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$password" <<'SQL'
CREATE ROLE sluice_worker NOLOGIN;
CREATE ROLE sluice_app LOGIN IN ROLE sluice_worker;
ALTER ROLE sluice_app PASSWORD :'password';
SQL
