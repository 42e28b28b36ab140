package io.sluice.starter;

import io.sluice.activities.dataset.DatasetSchemas;
import io.sluice.activities.dataset.SampleFiles;
import io.sluice.activities.dataset.SchemaInference;
import io.sluice.activities.dataset.SchemaInference.Column;
import io.sluice.activities.dataset.SchemaInference.Draft;
import io.sluice.workflows.Partitions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = {
      "Draft a pipeline file, <pipelines dir>/<dataset>.yaml, from a sample of your own CSV files.",
      "Reads up to --rows rows of <path>, guesses each column's type, the keys, the kind and the"
          + " expectations, prints every guess with the reason the sample gives, and writes the"
          + " draft once the config loader accepts it. Files under the data root (--data-root) as"
          + " <dir>/<yyyy-MM-dd>/ are declared with source.path <dir>/{date}, others with"
          + " <dataset>/{date} and a note saying where to put them. Check every guess; then"
          + " `sluice migrate`"
          + " and `sluice backfill` with a worker running (docs/getting-started.md#your-own-dataset).",
      "Values are trimmed; empty text and the null tokens NA, N/A, null, NULL, None, - and nan"
          + " are missing (a column declares the tokens it holds as null_values). A column takes"
          + " the first type that at least 98%% of its present values parse as, exactly as staging"
          + " parses them (the rest would be quarantined as bad_<column>): integer, bigint,"
          + " decimal, double, boolean, date, timestamp (some values without an offset: read as"
          + " UTC, assume_zone: UTC, printed to check), enum (at most 12 distinct values, case"
          + " folded, in at least 20 values, each seen 5 times on average), else text. A wider"
          + " number type that parses more values wins; numbers with a leading zero stay text"
          + " (any one in an id or *_id column, 2%% elsewhere); a column of 0 and 1 is integer;"
          + " id columns are never enums.",
      "required: the column is in every sampled file's header. nullable: false where no value is"
          + " missing, and always for the keys and the event time. primary_key: a text, integer"
          + " or bigint column with all values distinct and at most 2%% missing, preferring id,"
          + " then *_id, then the header's order; if none is, the most distinct one. kind: facts,"
          + " unless the key's name says event, or no column is unique and the key is not an id"
          + " repeating in at most a tenth of its rows (ids sent again, corrected): events. event_time:"
          + " a timestamp column, preferring names with time, _at, _ts or date; without one"
          + " nothing is written. entity_key: another such column whose values recur, *_id"
          + " first, not nested in another (a session in its user), with most distinct values;"
          + " else the primary key. Expectations: columns_exist, not_null on the entity key and"
          + " event time, parses on every typed column, in_set on every enum, unique on a facts"
          + " key, row_count, freshness, null-fraction drift on every nullable column.",
      "Exit 0 when the draft is written; 1 when the files cannot make a dataset (no date-time"
          + " column, a header name Sluice cannot use, no rows) or the file exists and --force"
          + " is not given; 2 for a bad option or dataset name."
    })
final class InferCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "<path>",
      description =
          "A CSV file (.csv or .csv.gz), a partition directory (<yyyy-MM-dd>/) holding files, or"
              + " a dataset directory holding <yyyy-MM-dd> directories (its first partitions are"
              + " sampled).")
  Path path;

  @Option(
      names = "--dataset",
      required = true,
      description =
          "The dataset's name, e.g. orders: a lower-case identifier of at most 40 characters, not"
              + " ending in _<digits>.")
  String dataset;

  @Option(
      names = "--rows",
      defaultValue = "10000",
      description = {"Rows to sample, over all files read.", "Default: ${DEFAULT-VALUE}"})
  int rows;

  @Option(names = "--force", description = "Overwrite the dataset's pipeline file if it exists.")
  boolean force;

  @Mixin DataRootOptions data;

  @Mixin PipelinesOptions pipelines;

  @Override
  public Integer call() throws IOException {
    Partitions.requireDataset(dataset);
    String nameProblem = DatasetSchemas.datasetNameProblem(dataset);
    if (nameProblem != null) {
      throw new IllegalArgumentException("invalid dataset name: " + nameProblem);
    }
    if (rows < 1) {
      throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
    }
    Path target = pipelines.dir.resolve(dataset + ".yaml");
    PrintStream err = System.err;
    if (Files.exists(target) && !force) {
      err.println(
          "sluice: "
              + target
              + " exists; nothing was read or written (--force overwrites it, or choose another"
              + " --dataset)");
      return 1;
    }
    Draft d;
    try {
      d = SchemaInference.infer(path, dataset, data.dir, rows);
    } catch (SchemaInference.Refused e) {
      err.println("sluice: " + e.getMessage());
      return 1;
    }
    print(d, System.out);
    Files.createDirectories(pipelines.dir);
    Path partial = pipelines.dir.resolve("." + dataset + ".yaml.partial");
    Files.writeString(partial, d.yaml());
    Files.move(
        partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    next(d, target, System.out);
    return 0;
  }

  private void print(Draft d, PrintStream out) {
    SampleFiles f = d.files();
    out.printf(
        "sampled %s of %s from %s%n",
        SchemaInference.plural(d.rows(), "row"),
        SchemaInference.plural(d.filesRead(), "file"),
        path);
    if (f.partitions().size() == 1) {
      out.printf("partition: %s%n", f.partitions().get(0));
    } else if (f.partitions().size() > 1) {
      out.printf(
          "partitions: %s..%s, %s found, the first %d sampled%n",
          f.partitions().get(0),
          f.partitions().get(f.partitions().size() - 1),
          f.partitions().size(),
          f.sampledPartitions());
    }
    out.printf(
        "source.path: %s%s%n",
        f.sourcePath(), f.sourceFiles() == null ? "" : ", files: " + f.sourceFiles());
    int width = Math.max(6, d.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0));
    out.printf("%n%-" + width + "s  %-9s  %s%n", "column", "type", "why");
    for (Column c : d.columns()) {
      out.printf(
          "%-" + width + "s  %-9s  %s%s%n",
          c.name(),
          c.type(),
          c.reason(),
          c.role().isEmpty() ? "" : "  -> " + c.role());
    }
    out.println();
    List<String[]> keys =
        List.of(
            new String[] {"kind:", d.kind(), d.kindReason()},
            new String[] {"primary_key:", d.primaryKey(), d.primaryKeyReason()},
            new String[] {"entity_key:", d.entityKey(), d.entityKeyReason()},
            new String[] {"event_time:", d.eventTime(), d.eventTimeReason()});
    int valueWidth = keys.stream().mapToInt(k -> k[1].length()).max().orElse(0);
    for (String[] k : keys) {
      out.printf("%-12s  %-" + valueWidth + "s  %s%n", k[0], k[1], k[2]);
    }
    out.println();
    for (String note : d.notes()) {
      out.println("note: " + note);
    }
  }

  private void next(Draft d, Path target, PrintStream out) {
    List<LocalDate> partitions = d.files().partitions();
    String from = partitions.isEmpty() ? "<yyyy-MM-dd>" : partitions.get(0).toString();
    String to =
        partitions.isEmpty() ? "<yyyy-MM-dd>" : partitions.get(partitions.size() - 1).toString();
    String defaultDir = System.getenv().getOrDefault("SLUICE_PIPELINES_DIR", "pipelines");
    out.printf("%nwrote %s: check every guess (docs/pipeline-yaml.md)%n", target);
    out.printf(
        "next, with a worker running on the same directories (SLUICE_DATA_ROOT=%s"
            + " SLUICE_PIPELINES_DIR=%s sluice worker):%n",
        data.dir, pipelines.dir);
    out.printf(
        "  sluice migrate%s%n",
        Path.of(defaultDir).equals(pipelines.dir) ? "" : " --pipelines-dir " + pipelines.dir);
    out.printf("  sluice backfill --dataset %s --from %s --to %s%n", d.dataset(), from, to);
  }
}
