package io.sluice.activities.features;

import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;

/**
 * The tables a feature set lives in: {@code feats.<dataset>_<hash>} and its running state ({@code
 * _acc}, {@code _keys}). They are created by whoever may: the owner role when {@code sluice
 * migrate} runs (or a worker that migrates on start), or a worker that owns the schema, as the
 * embedded default does. A least-privilege worker only checks that they are there.
 */
public final class FeatureTables {

  /** The SQLSTATE PostgreSQL reports for a missing privilege. */
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  private FeatureTables() {}

  /** The feature set's tables are missing and this role may not create them. */
  public static final class NotMigrated extends IllegalStateException {
    NotMigrated(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Creates the tables of {@code set} that do not exist yet and returns their names (empty when all
   * were there). Existing tables are never touched, so a role without DDL privileges can call it.
   *
   * @throws NotMigrated when a table is missing and the role may not create it
   */
  public static List<String> ensure(DSLContext dsl, FeatureSet set) {
    List<String> missing = missing(dsl, set);
    if (missing.isEmpty()) {
      return missing;
    }
    try {
      set.createTable(dsl);
      new FeatureState(set, set.table(dsl)).createTables(dsl);
    } catch (DataAccessException e) {
      if (INSUFFICIENT_PRIVILEGE.equals(e.sqlState())) {
        throw new NotMigrated(
            "the feature set of pipelines/"
                + set.declaredIn()
                + " has no tables yet ("
                + String.join(", ", missing)
                + ") and this database role may not create them: run `sluice migrate` with the"
                + " owner role (SLUICE_DB_MIGRATE_USER) after changing the config, then rerun",
            e);
      }
      throw e;
    }
    return missing;
  }

  /** The tables of {@code set} that do not exist yet. */
  public static List<String> missing(DSLContext dsl, FeatureSet set) {
    Table<Record> table = set.table(dsl);
    FeatureState state = new FeatureState(set, table);
    List<String> missing = new ArrayList<>();
    for (Table<?> t : List.of(table, state.accTable(), state.keysTable())) {
      if (!exists(dsl, t)) {
        missing.add(t.getQualifiedName().toString());
      }
    }
    return missing;
  }

  /** Creates the stable view when there is none yet; an existing one is left to the next run. */
  public static boolean ensureView(DSLContext dsl, FeatureSet set) {
    if (exists(dsl, set.view())) {
      return false;
    }
    set.pointView(dsl);
    return true;
  }

  private static boolean exists(DSLContext dsl, Table<?> t) {
    return dsl.fetchValue("SELECT to_regclass(?) IS NOT NULL", t.getQualifiedName().toString())
            instanceof Boolean b
        && b;
  }
}
