package io.sluice.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

/** For tests of sources: a harness with its orders source replaced, and what staging left. */
public final class Sources {

  private Sources() {}

  /** What staging left, as JSON rows without the file a row came from, and raw's extras. */
  public record Outcome(
      List<String> staged, List<String> quarantined, List<String> counts, List<String> extras) {

    /** With or without each row's line (a Parquet row's number is not its CSV line). */
    public static Outcome of(ActivityHarness h, boolean withLines) {
      return of(h, withLines, true);
    }

    /** Without quarantined rows' extras too (a pulled row's extras are its query's others). */
    public static Outcome of(ActivityHarness h, boolean withLines, boolean withExtras) {
      String drop = withLines ? " - 'file_id'" : " - 'file_id' - 'line_no'";
      String quarantined =
          drop + (withExtras ? "" : " || jsonb_build_object('record', t.record - 'extra')");
      return new Outcome(
          h.dsl
              .fetch(
                  "select (to_jsonb(t)"
                      + drop
                      + ")::text from stg.orders t order by order_id, partition_date")
              .into(String.class),
          h.dsl
              .fetch(
                  "select (to_jsonb(t)"
                      + quarantined
                      + " - 'quarantined_at')::text from quarantine.orders t"
                      + " order by partition_date, to_jsonb(t)"
                      + quarantined
                      + " - 'quarantined_at'")
              .into(String.class),
          h.dsl
              .fetch(
                  "select concat_ws(' ', partition_date, raw_rows, quarantined_rows, staged_rows,"
                      + " duplicate_rows) from meta.stage_reconciliation order by 1")
              .into(String.class),
          h.dsl
              .fetch(
                  "select concat_ws(' ', partition_date, "
                      + (withLines ? "line_no, " : "")
                      + "extra) from raw.orders where extra is not null"
                      + " order by partition_date, line_no")
              .into(String.class));
    }
  }

  /**
   * A harness whose data root holds a copy of {@code root/data} (when there is one) and whose
   * orders pipeline has {@code source} (the YAML of the keys under {@code source:}, indented by
   * two) instead of its bundled source.
   */
  public static ActivityHarness harness(Path root, String source) throws IOException {
    ActivityHarness h = new ActivityHarness(root.resolve("h"));
    Path data = root.resolve("data");
    if (Files.isDirectory(data)) {
      copyTree(data, h.settings.dataRoot());
    }
    if (source != null) {
      Path yaml = h.settings.pipelinesDir().resolve("orders.yaml");
      String text = Files.readString(yaml);
      int start = text.indexOf("\nsource:\n") + "\nsource:\n".length();
      int end = text.indexOf("\nkind: ", start) + 1;
      assertThat(start).isGreaterThan(10);
      Files.writeString(
          yaml, text.substring(0, start) + source.stripTrailing() + "\n" + text.substring(end));
    }
    return h;
  }

  /**
   * The keys under {@code source:} of a jdbc source pulling into {@code pulled/{date}}, ordered by
   * {@code seq}, its password in {@code secret}; {@code extra} is more keys of the source.
   */
  public static String jdbc(String url, String user, Path secret, String query, String extra) {
    return "  path: pulled/{date}\n"
        + "  kind: jdbc\n"
        + extra
        + "  jdbc:\n"
        + "    url: "
        + url
        + "\n    user: "
        + user
        + "\n    password_file: "
        + secret
        + "\n    query: \""
        + query
        + "\"\n    order_by: [seq]\n    fetch_size: 100\n";
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Ingest, validate and stage of {@code days} partitions from {@code first}, in order. */
  public static void stage(ActivityHarness h, LocalDate first, int days) {
    for (int i = 0; i < days; i++) {
      stage(h, first.plusDays(i));
    }
  }

  /** Ingest, validate and stage of one partition. */
  public static void stage(ActivityHarness h, LocalDate d) {
    PartitionRef ref = ActivityHarness.ref(d);
    h.ingest.ingest(ref);
    h.validate.validate(ref);
    h.stage.stage(ref);
  }
}
