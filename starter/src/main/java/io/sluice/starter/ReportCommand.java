package io.sluice.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.workflows.Partitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Print the summary of a partition's latest report and where its files are.",
      "The report of its validation or of a refused ingest, with its JSON and HTML files. Exits 1"
          + " when that report failed."
    })
final class ReportCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
  String dataset;

  @Option(names = "--date", required = true, description = "Partition date, yyyy-MM-dd.")
  String date;

  @Option(
      names = "--artifacts-dir",
      defaultValue = "${env:SLUICE_ARTIFACTS_DIR:-artifacts}",
      description = {
        "Where the worker writes reports (env SLUICE_ARTIFACTS_DIR).",
        "Default: ${DEFAULT-VALUE}"
      })
  Path artifacts;

  @Override
  public Integer call() throws IOException {
    Partitions.requireDataset(dataset);
    Partitions.requireDate(date);
    Path dir = artifacts.resolve("reports").resolve(dataset).resolve(date);
    Optional<Path> latest = latest(dir);
    if (latest.isEmpty()) {
      System.err.println(
          "sluice: no report for " + dataset + "/" + date + " in " + dir.toAbsolutePath());
      return 2;
    }
    Path json = latest.get();
    JsonNode r = JSON.readTree(json.toFile());
    boolean ok = print(r);
    System.out.println("json: " + json.toAbsolutePath());
    Path html =
        json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", ".html"));
    if (Files.exists(html)) {
      System.out.println("html: " + html.toAbsolutePath());
    }
    return ok ? 0 : 1;
  }

  static Optional<Path> latest(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .max(Comparator.comparing(ReportCommand::modified).thenComparing(Path::toString));
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean print(JsonNode r) {
    String where = r.path("dataset").asText() + "/" + r.path("partition_date").asText();
    if ("ingest".equals(r.path("stage").asText())) {
      System.out.println(where + ": INGEST REFUSED (run " + r.path("run_id").asText() + ")");
      System.out.println("  " + r.path("problem").asText());
      return false;
    }
    boolean ok = r.path("success").asBoolean();
    System.out.printf(
        "%s: validation %s (run %s): %d rows, %d error(s), %d warning(s) of %d expectations%n",
        where,
        ok ? "PASSED" : "FAILED",
        r.path("run_id").asText(),
        r.path("row_count").asLong(),
        r.path("error_failures").asInt(),
        r.path("warn_failures").asInt(),
        r.path("expectations").size());
    for (JsonNode o : r.path("expectations")) {
      String mark = o.path("success").asBoolean() ? "ok  " : "FAIL";
      System.out.printf(
          "  %s %-5s %-34s %s%n",
          mark, o.path("severity").asText(), o.path("name").asText(), o.path("observed").asText());
      if (!o.path("success").asBoolean() && o.path("unexpected_samples").size() > 0) {
        System.out.println("             samples: " + o.path("unexpected_samples"));
      }
    }
    return ok;
  }
}
