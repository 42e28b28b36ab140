package io.sluice.activities.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * One declared column: its type, whether files must carry it ({@code required}) and whether it may
 * be empty ({@code nullable}), how its text is normalised before it is parsed (trimmed, the null
 * tokens made null, case-folded), the rules its value keeps, and the reasons its failures get.
 */
public record ColumnSpec(
    String name,
    ColumnType type,
    boolean required,
    boolean nullable,
    boolean trim,
    CaseFold caseFold,
    List<String> nullValues,
    List<RowRule> rules,
    Map<String, String> reasons) {

  /** How a column's text is case-folded before it is parsed, checked and staged. */
  public enum CaseFold {
    NONE,
    LOWER,
    UPPER
  }

  /**
   * The raw text as staging sees it: trimmed (unless {@code trim: false}), a null token or an empty
   * text made null, then case-folded.
   */
  public Field<String> normalised(Field<String> raw) {
    Field<String> t = trim ? DSL.trim(raw) : raw;
    Field<String> v = DSL.nullif(t, DSL.inline(""));
    for (String token : nullValues) {
      if (!token.isEmpty()) {
        v = DSL.nullif(v, DSL.inline(trim ? token.strip() : token));
      }
    }
    return switch (caseFold) {
      case NONE -> v;
      case LOWER -> DSL.lower(v);
      case UPPER -> DSL.upper(v);
    };
  }

  /** The reason for a failure of kind {@code key} (missing, bad, a rule's key, too_long, ...). */
  public String reason(String key, String defaultPrefix) {
    String declared = reasons.get(key);
    return declared != null ? declared : defaultPrefix + "_" + name;
  }

  /** The value as Java applies the same normalisation (for the profiler and tests). */
  public String normalise(String raw) {
    if (raw == null) {
      return null;
    }
    String t = trim ? raw.strip() : raw;
    if (t.isEmpty() || nullValues.contains(t)) {
      return null;
    }
    return switch (caseFold) {
      case NONE -> t;
      case LOWER -> t.toLowerCase(Locale.ROOT);
      case UPPER -> t.toUpperCase(Locale.ROOT);
    };
  }
}
