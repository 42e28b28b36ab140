#!/bin/sh
# The compose stack's Temporal schema job (temporalio/admin-tools): creates the databases temporal
# and temporal_visibility on a new volume, then upgrades both to the schema of the tools' version,
# which is the server's (docs/operations.md#upgrading-temporal).
set -eu
SQL_PASSWORD=$(cat /run/secrets/postgres_password)
export SQL_PASSWORD
tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p 5432 -u "$POSTGRES_USER" "$@"
}
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  dir=$([ "$db" = temporal ] && echo temporal || echo visibility)
  if tool --db "$db" create; then
    echo "created database $db"
    tool --db "$db" setup-schema -v 0.0
  fi
  tool --db "$db" update-schema -d "$schema/$dir/versioned"
  echo "database $db is at the schema of this version"
done
