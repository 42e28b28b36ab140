package io.sluice.activities.ingest;

import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfig.ColumnConfig;
import io.sluice.activities.dataset.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw table's declared columns as a file's records feed them, in the raw table's order: each
 * one's name, its declared type (a Parquet file's column types are checked against it) and, for
 * JSON records, the JSON pointer it is read from ({@code json_pointer}; null: the top-level key of
 * its name).
 */
record DeclaredColumns(List<String> names, List<ColumnType> types, List<String> jsonPointers) {

  static DeclaredColumns of(LoadedConfig config) {
    List<String> names = config.schema().names();
    List<ColumnType> types = new ArrayList<>();
    List<String> pointers = new ArrayList<>();
    for (String n : names) {
      types.add(config.schema().column(n).type());
      ColumnConfig declared = config.config().columns().get(n);
      pointers.add(declared == null ? null : declared.jsonPointer());
    }
    return new DeclaredColumns(names, types, pointers);
  }
}
