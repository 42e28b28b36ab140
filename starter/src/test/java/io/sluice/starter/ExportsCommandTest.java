package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.activities.publish.ExportMetadata;
import io.sluice.activities.support.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice exports}: snapshots as publish writes them, listed, shown, compared, pruned. */
class ExportsCommandTest {

  @TempDir Path data;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void snapshots() throws IOException {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    write(1, "2024-03-10", "r1", 100, 40, List.of("orders_7d"), 2.0);
    write(1, "2024-03-12", "r2", 120, 48, List.of("orders_7d"), 2.5);
    write(1, "2024-03-11", "r3", 110, 44, List.of("orders_7d"), 2.2);
    write(2, "2024-03-12", "r4", 120, 60, List.of("orders_7d", "orders_14d"), 2.5);
    latest(1, "2024-03-12_r2");
    latest(2, "2024-03-12_r4");
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private void write(
      int version,
      String asOf,
      String run,
      long trainRows,
      long positives,
      List<String> features,
      double mean)
      throws IOException {
    Path dir =
        Files.createDirectories(
            data.resolve("features/orders/v" + version + "/" + asOf + "_" + run));
    List<ExportMetadata.Column> columns = new java.util.ArrayList<>();
    columns.add(new ExportMetadata.Column("feature_date", "date", "", asOf));
    for (String f : features) {
      columns.add(new ExportMetadata.Column(f, "integer", "", asOf));
    }
    columns.add(new ExportMetadata.Column("ordered_next_7d", "smallint", "", asOf));
    Map<String, ExportMetadata.SplitInfo> splits = new LinkedHashMap<>();
    splits.put(
        "train",
        new ExportMetadata.SplitInfo(
            "2024-03-01", "2024-03-03", trainRows, positives, "train.csv", "train.parquet"));
    splits.put("val", new ExportMetadata.SplitInfo(null, null, 0, 0, "val.csv", "val.parquet"));
    splits.put("test", new ExportMetadata.SplitInfo(null, null, 0, 0, "test.csv", "test.parquet"));
    Map<String, ExportMetadata.Stats> stats = new LinkedHashMap<>();
    for (String f : features) {
      stats.put(f, new ExportMetadata.Stats(mean, 1.0, 0.0, 9.0, 0.0));
    }
    ExportMetadata m =
        new ExportMetadata(
            "orders",
            version,
            asOf,
            "c",
            "s",
            "test",
            "customer_id",
            new ExportMetadata.Label("ordered_next_7d", 7),
            columns,
            splits,
            new ExportMetadata.TimeBounds("2024-03-01", "2024-03-03", "2024-03-11T00:00Z"),
            stats,
            null,
            run);
    Files.write(dir.resolve("metadata.json"), Json.bytes(m));
    Files.writeString(dir.resolve("train.csv"), "feature_date\n");
  }

  private void latest(int version, String snapshot) throws IOException {
    Files.createSymbolicLink(
        data.resolve("features/orders/v" + version + "/latest"), Path.of(snapshot));
  }

  private String run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data-root";
    all[args.length + 1] = data.toString();
    int exit = SluiceCli.execute(all);
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listGivesEverySnapshotOldestFirstWithItsRowsAndLabelBalance() {
    String list = run("exports", "list", "--dataset", "orders");
    assertThat(list.lines().skip(1).map(l -> l.substring(3, 30).strip()).toList())
        .containsExactly(
            "v1/2024-03-10_r1", "v1/2024-03-11_r3", "v1/2024-03-12_r2", "v2/2024-03-12_r4");
    assertThat(list)
        .containsPattern("\\* +v1/2024-03-12_r2 +2024-03-12 +120 +0 +0 +40\\.0% positive");
    assertThat(list).containsPattern("\\* +v2/2024-03-12_r4 .* 50\\.0% positive");
  }

  @Test
  void showPrintsTheSplitsAndEachColumnsKnowledgeCutoff() {
    String shown = run("exports", "show", "--dataset", "orders", "latest");
    assertThat(shown)
        .contains("snapshot:  v2/2024-03-12_r4 (latest)")
        .contains("partitions before 2024-03-11T00:00Z")
        .containsPattern("train +2024-03-01 2024-03-03 +120  50\\.0% positive")
        .containsPattern("orders_14d +integer +2024-03-12");
  }

  @Test
  void diffNamesTheAddedColumnAndTheChangedCountsAndStatistics() {
    String diff = run("exports", "diff", "--dataset", "orders", "v1/latest", "v2/latest");
    assertThat(diff)
        .contains("+ orders_14d integer")
        .containsPattern("train +120 +120 +\\+0  40\\.0% positive -> 50\\.0% positive")
        .containsPattern("orders_14d +- +2\\.5000");
    String older = run("exports", "diff", "--dataset", "orders", "2024-03-10_r1", "2024-03-12_r2");
    assertThat(older).contains("columns: the same").containsPattern("train +100 +120 +\\+20");
  }

  @Test
  void pruneKeepsTheNewestAndLatestAndRemovesOnlyWithoutDryRun() {
    String dry = run("exports", "prune", "--dataset", "orders", "--keep", "1", "--dry-run");
    assertThat(dry)
        .contains("would remove v1/2024-03-11_r3", "would remove v1/2024-03-10_r1")
        .contains("2 snapshot(s) would be removed");
    assertThat(data.resolve("features/orders/v1/2024-03-10_r1")).exists();
    out.reset();
    run("exports", "prune", "--dataset", "orders", "--keep", "1");
    assertThat(data.resolve("features/orders/v1/2024-03-10_r1")).doesNotExist();
    assertThat(data.resolve("features/orders/v1/2024-03-11_r3")).doesNotExist();
    assertThat(data.resolve("features/orders/v1/2024-03-12_r2")).exists();
    assertThat(data.resolve("features/orders/v2/2024-03-12_r4")).exists();
  }

  @Test
  void anUnknownSnapshotIsNamedWithWhatToDo() {
    int exit =
        SluiceCli.execute(
            "exports", "show", "--dataset", "orders", "v9/nope", "--data-root", data.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no export snapshot 'v9/nope' of orders", "sluice exports list --dataset orders");
  }
}
