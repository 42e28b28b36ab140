package io.sluice.activities.config;

import io.sluice.db.jooq.stg.Tables;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Field;

/**
 * The staged orders columns that features may use, read from the generated table so the config
 * check and the SQL cannot disagree. Bookkeeping columns (partition, file, line) are left out.
 */
public final class StagedColumns {

  /** What a column holds, as far as aggregates and filters care. */
  public enum Kind {
    TEXT,
    NUMBER,
    INSTANT
  }

  private static final Set<String> BOOKKEEPING = Set.of("partition_date", "file_id", "line_no");

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    for (Field<?> f : Tables.ORDERS.fields()) {
      if (!BOOKKEEPING.contains(f.getName())) {
        Class<?> type = f.getType();
        Kind kind =
            Number.class.isAssignableFrom(type) || type == BigDecimal.class
                ? Kind.NUMBER
                : type == OffsetDateTime.class ? Kind.INSTANT : Kind.TEXT;
        KINDS.put(f.getName(), kind);
      }
    }
  }

  /** The usable column names, in table order. */
  public static final List<String> NAMES = List.copyOf(KINDS.keySet());

  private StagedColumns() {}

  /** The kind of {@code column}, or null when it is not a usable staged column. */
  public static Kind kind(String column) {
    return column == null ? null : KINDS.get(column);
  }
}
