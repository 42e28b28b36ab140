package io.sluice.activities.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The {@code features} block of a pipeline config: point-in-time aggregates per entity over windows
 * ending at T = d + 1 day 00:00 UTC, computed from the staged rows known at the end of partition d.
 * Every name is checked as an identifier and every column against the staged table; values in
 * filters are bound, never spliced into SQL.
 *
 * @param population which entities get a row for date d: those with at least one row passing the
 *     filter in the window
 * @param filters named row filters the aggregates refer to
 * @param aggregates the features, in column order
 * @param sql hand-written SQL features, after the aggregates; none when absent
 * @param joins other datasets' features of the same entity, after the SQL features; none when
 *     absent
 * @param derived arithmetic over the features above, last; none when absent
 */
public record FeaturesConfig(
    Population population,
    Map<String, Filter> filters,
    List<Aggregate> aggregates,
    SqlFeatures sql,
    // absent from a file without them, so that its config hash is the one it always had
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Join> joins,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Derived> derived) {

  /**
   * Features of the entity from another dataset (docs/pipeline-yaml.md#joins): a dimension's
   * attributes as known at the end of d and valid at T, or aggregates over a facts or events
   * dataset's rows as known at the end of d, with windows ending at T.
   *
   * @param dataset the other dataset, declared in its own pipeline file
   * @param key its column holding this feature set's entity (default: its entity_key)
   * @param attributes a dimension's columns, exported as they are
   * @param filters named row filters over its columns, for its aggregates
   * @param aggregates features over its rows, as this file's aggregates
   */
  public record Join(
      String dataset,
      String key,
      List<String> attributes,
      Map<String, Filter> filters,
      List<Aggregate> aggregates) {}

  /**
   * A feature computed from two features declared above it: {@code left op right}, bounded to
   * [{@code min}, {@code max}] when given.
   *
   * @param op ratio, difference, product or sum
   */
  public record Derived(
      String name, String op, String left, String right, BigDecimal min, BigDecimal max) {}

  /**
   * Features a person writes in SQL, in a file next to the pipeline config. The file holds one
   * SELECT that reads the relation {@code known} and returns {@code feature_date}, the entity key
   * and the declared columns, at most one row per (feature_date, entity). {@code known} holds, for
   * every feature date being computed, the staged rows as known at the end of that date (their
   * latest version received in a partition {@code <= feature_date}) with event time in [T - window,
   * T), plus {@code t}, that T. Reading only {@code known} keeps the features point-in-time
   * correct.
   *
   * @param file the file, relative to the pipelines directory
   * @param window how far back {@code known} reaches, such as {@code 30d}
   * @param columns the columns the SELECT returns besides date and entity, with their SQL types
   *     (integer, bigint, numeric, double precision, boolean, text, date, timestamptz), in order
   */
  public record SqlFeatures(String file, String window, Map<String, String> columns) {}

  /** Entities with at least one row passing {@code filter} in {@code window}. */
  public record Population(String filter, String window) {}

  /**
   * Rows whose {@code column} is one of {@code in} (text, compared as staged: statuses and
   * categories are lower case) and/or within [{@code min}, {@code max}] (numbers).
   */
  public record Filter(String column, List<String> in, BigDecimal min, BigDecimal max) {}

  /**
   * One feature.
   *
   * @param agg count, sum, avg, min, max, count_distinct, days_since_last or ratio
   * @param column the staged column aggregated (sum, avg, min, max, count_distinct)
   * @param filter a name from {@code filters}; all rows when absent
   * @param window a number of days, such as {@code 7d}
   * @param numerator for ratio: the name of another aggregate
   * @param denominator for ratio: the name of another aggregate (null when it is 0)
   * @param export false for a helper aggregate that only feeds a ratio
   * @param value for share: the value of {@code column} whose share of the rows it is
   */
  public record Aggregate(
      String name,
      String agg,
      String column,
      String filter,
      String window,
      String numerator,
      String denominator,
      Boolean export,
      // absent from a file without it, so that its config hash is the one it always had
      @JsonInclude(JsonInclude.Include.NON_NULL) String value) {}
}
