package io.sluice.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.support.Outputs;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.Partitions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice exports}: the export snapshots under the data root, {@code
 * features/<dataset>/v<N>/<as-of>_<run id>/}, read from their metadata.json; and the one command
 * that removes any, {@code prune}.
 */
@Command(
    name = "exports",
    mixinStandardHelpOptions = true,
    description = "List, show, compare and prune the export snapshots of a dataset.",
    subcommands = {
      ExportsCommand.ListSnapshots.class,
      ExportsCommand.Show.class,
      ExportsCommand.Diff.class,
      ExportsCommand.Prune.class
    })
final class ExportsCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** One snapshot on disk: its version, its directory and its metadata. */
  record Snapshot(int version, Path dir, JsonNode metadata, boolean latest) {

    String name() {
      return "v" + version + "/" + dir.getFileName();
    }

    String asOf() {
      return metadata.path("as_of_date").asText();
    }

    long rows(String split) {
      return metadata.path("splits").path(split).path("rows").asLong();
    }

    long positives(String split) {
      return metadata.path("splits").path(split).path("positive_labels").asLong();
    }
  }

  /** The dataset's snapshots, oldest as-of first (then by name). */
  static List<Snapshot> snapshots(SluiceSettings settings, String dataset) throws IOException {
    Partitions.requireDataset(dataset);
    Path root = settings.dataRoot().resolve("features").resolve(dataset);
    List<Snapshot> all = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (Stream<Path> versions = Files.list(root)) {
      for (Path v : versions.filter(p -> p.getFileName().toString().matches("v\\d+")).toList()) {
        int version = Integer.parseInt(v.getFileName().toString().substring(1));
        Path versionDir = settings.exportDir(dataset, version);
        String latest =
            Files.isSymbolicLink(versionDir.resolve("latest"))
                ? Files.readSymbolicLink(versionDir.resolve("latest")).toString()
                : null;
        try (Stream<Path> dirs = Files.list(versionDir)) {
          for (Path d :
              dirs.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\d_.+"))
                  .filter(p -> Files.isRegularFile(p.resolve("metadata.json")))
                  .toList()) {
            all.add(
                new Snapshot(
                    version,
                    d,
                    JSON.readTree(d.resolve("metadata.json").toFile()),
                    d.getFileName().toString().equals(latest)));
          }
        }
      }
    }
    all.sort(
        Comparator.comparing(Snapshot::asOf)
            .thenComparing(Snapshot::version)
            .thenComparing(s -> s.dir().getFileName().toString()));
    return all;
  }

  /**
   * The snapshot {@code ref} names: {@code latest} (the newest version's), {@code v<N>/latest},
   * {@code v<N>/<snapshot>} or a snapshot name alone.
   */
  static Snapshot find(List<Snapshot> all, String dataset, String ref) {
    List<Snapshot> matches = new ArrayList<>();
    for (Snapshot s : all) {
      boolean latestOfItsVersion = s.latest() && ref.equals("v" + s.version() + "/latest");
      if (ref.equals(s.name())
          || ref.equals(s.dir().getFileName().toString())
          || latestOfItsVersion) {
        matches.add(s);
      }
    }
    if (ref.equals("latest")) {
      all.stream()
          .filter(Snapshot::latest)
          .max(Comparator.comparing(Snapshot::version))
          .ifPresent(matches::add);
    }
    if (matches.size() != 1) {
      throw new IllegalArgumentException(
          (matches.isEmpty() ? "no export snapshot " : "more than one export snapshot ")
              + "'"
              + ref
              + "' of "
              + dataset
              + "; see `sluice exports list --dataset "
              + dataset
              + "` (name one as v<N>/<as-of>_<run id>, or latest)");
    }
    return matches.get(0);
  }

  static String balance(long positives, long rows) {
    return rows == 0
        ? "-"
        : String.format(Locale.ROOT, "%.1f%% positive", 100.0 * positives / rows);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List a dataset's export snapshots, oldest as-of first.",
        "Each with its rows per split and the share of positive labels; * marks the snapshot each"
            + " version's latest points at."
      })
  static final class ListSnapshots implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
    String dataset;

    @Mixin LedgerOptions where;

    @Override
    public Integer call() throws IOException {
      List<Snapshot> all = snapshots(where.settings(), dataset);
      PrintStream out = System.out;
      if (all.isEmpty()) {
        out.println(
            "no export snapshots of "
                + dataset
                + " under "
                + where.settings().dataRoot().resolve("features").resolve(dataset));
        return 0;
      }
      out.printf(
          "%-2s %-48s %-10s %8s %8s %8s  %s%n",
          "", "snapshot", "as of", "train", "val", "test", "labels (all splits)");
      for (Snapshot s : all) {
        long rows = s.rows("train") + s.rows("val") + s.rows("test");
        long pos = s.positives("train") + s.positives("val") + s.positives("test");
        out.printf(
            "%-2s %-48s %-10s %8d %8d %8d  %s%n",
            s.latest() ? "*" : "",
            s.name(),
            s.asOf(),
            s.rows("train"),
            s.rows("val"),
            s.rows("test"),
            balance(pos, rows));
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show one export snapshot.",
        "Where it is, its as-of date and knowledge cutoff, its splits with their dates, rows and"
            + " label balance, and its columns with their types and knowledge cutoffs."
      })
  static final class Show implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
    String dataset;

    @Parameters(
        index = "0",
        defaultValue = "latest",
        description = "v<N>/<as-of>_<run id>, a snapshot name, or latest (default).")
    String snapshot;

    @Mixin LedgerOptions where;

    @Override
    public Integer call() throws IOException {
      Snapshot s = find(snapshots(where.settings(), dataset), dataset, snapshot);
      JsonNode m = s.metadata();
      PrintStream out = System.out;
      out.println("snapshot:  " + s.name() + (s.latest() ? " (latest)" : ""));
      out.println("directory: " + s.dir());
      out.println("as of:     " + s.asOf() + ", run " + m.path("run_id").asText("-"));
      out.println(
          "knowledge: every value depends on partitions before "
              + m.path("time_bounds").path("knowledge_cutoff").asText("-"));
      out.println(
          "label:     "
              + m.path("label").path("name").asText()
              + " (horizon "
              + m.path("label").path("horizon_days").asInt()
              + " days)");
      out.printf("%n%-6s %-10s %-10s %8s  %s%n", "split", "from", "to", "rows", "labels");
      for (String split : List.of("train", "val", "test")) {
        JsonNode sp = m.path("splits").path(split);
        out.printf(
            "%-6s %-10s %-10s %8d  %s%n",
            split,
            sp.path("from_date").asText("-").replace("null", "-"),
            sp.path("to_date").asText("-").replace("null", "-"),
            sp.path("rows").asLong(),
            balance(sp.path("positive_labels").asLong(), sp.path("rows").asLong()));
      }
      out.printf("%n%-34s %-12s %s%n", "column", "type", "knowledge cutoff");
      for (JsonNode c : m.path("columns")) {
        out.printf(
            "%-34s %-12s %s%n",
            c.path("name").asText(),
            c.path("type").asText(),
            c.path("knowledge_cutoff").asText("-"));
      }
      return 0;
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = {
        "Say what changed from one export snapshot to another.",
        "Columns added, removed or retyped; rows and label balance per split; training statistics"
            + " (mean, standard deviation, null fraction)."
      })
  static final class Diff implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
    String dataset;

    @Parameters(index = "0", description = "The older snapshot (v<N>/<name>, a name, or latest).")
    String from;

    @Parameters(index = "1", description = "The newer snapshot (v<N>/<name>, a name, or latest).")
    String to;

    @Mixin LedgerOptions where;

    @Override
    public Integer call() throws IOException {
      List<Snapshot> all = snapshots(where.settings(), dataset);
      Snapshot a = find(all, dataset, from);
      Snapshot b = find(all, dataset, to);
      PrintStream out = System.out;
      out.println("from " + a.name() + " (as of " + a.asOf() + ")");
      out.println("to   " + b.name() + " (as of " + b.asOf() + ")");
      Map<String, String> ca = columnTypes(a);
      Map<String, String> cb = columnTypes(b);
      List<String> changes = new ArrayList<>();
      for (String c : cb.keySet()) {
        if (!ca.containsKey(c)) {
          changes.add("+ " + c + " " + cb.get(c));
        } else if (!ca.get(c).equals(cb.get(c))) {
          changes.add("~ " + c + " " + ca.get(c) + " -> " + cb.get(c));
        }
      }
      for (String c : ca.keySet()) {
        if (!cb.containsKey(c)) {
          changes.add("- " + c + " " + ca.get(c));
        }
      }
      out.println();
      out.println(changes.isEmpty() ? "columns: the same" : "columns:");
      changes.forEach(c -> out.println("  " + c));
      out.printf(
          "%n%-6s %10s %10s %10s  %s%n", "split", "rows from", "rows to", "change", "labels");
      for (String split : List.of("train", "val", "test")) {
        long ra = a.rows(split);
        long rb = b.rows(split);
        out.printf(
            "%-6s %10d %10d %+10d  %s -> %s%n",
            split,
            ra,
            rb,
            rb - ra,
            balance(a.positives(split), ra),
            balance(b.positives(split), rb));
      }
      out.printf(
          "%n%-26s %14s %14s %12s %12s %9s %9s%n",
          "training statistics",
          "mean from",
          "mean to",
          "sd from",
          "sd to",
          "null from",
          "null to");
      JsonNode sa = a.metadata().path("training_statistics");
      JsonNode sb = b.metadata().path("training_statistics");
      TreeSet<String> features = new TreeSet<>();
      sa.fieldNames().forEachRemaining(features::add);
      sb.fieldNames().forEachRemaining(features::add);
      for (String f : features) {
        out.printf(
            "%-26s %14s %14s %12s %12s %9s %9s%n",
            f,
            number(sa.path(f).path("mean")),
            number(sb.path(f).path("mean")),
            number(sa.path(f).path("stddev")),
            number(sb.path(f).path("stddev")),
            number(sa.path(f).path("null_fraction")),
            number(sb.path(f).path("null_fraction")));
      }
      return 0;
    }

    private static Map<String, String> columnTypes(Snapshot s) {
      Map<String, String> types = new LinkedHashMap<>();
      for (JsonNode c : s.metadata().path("columns")) {
        types.put(c.path("name").asText(), c.path("type").asText());
      }
      return types;
    }

    private static String number(JsonNode n) {
      return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "-";
    }
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = {
        "Remove old export snapshots.",
        "Keeps the newest --keep of each version (by as-of date) and always the one latest points"
            + " at. Runs never remove a snapshot; only this command does. With --dry-run it only"
            + " says what it would remove."
      })
  static final class Prune implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. orders.")
    String dataset;

    @Option(
        names = "--keep",
        required = true,
        description = "How many snapshots of each version to keep (at least 1).")
    int keep;

    @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
    boolean dryRun;

    @Mixin LedgerOptions where;

    @Override
    public Integer call() throws IOException {
      if (keep < 1) {
        throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
      }
      Map<Integer, List<Snapshot>> byVersion = new LinkedHashMap<>();
      for (Snapshot s : snapshots(where.settings(), dataset)) {
        byVersion.computeIfAbsent(s.version(), v -> new ArrayList<>()).add(s);
      }
      int removed = 0;
      for (List<Snapshot> version : byVersion.values()) {
        int toKeep = keep;
        // newest first: the first --keep stay, and latest's target wherever it is
        List<Snapshot> newestFirst = new ArrayList<>(version);
        java.util.Collections.reverse(newestFirst);
        for (Iterator<Snapshot> it = newestFirst.iterator(); it.hasNext(); ) {
          Snapshot s = it.next();
          if (toKeep > 0 || s.latest()) {
            toKeep--;
            continue;
          }
          System.out.println(
              (dryRun ? "would remove " : "removed ") + s.name() + " (as of " + s.asOf() + ")");
          if (!dryRun) {
            Outputs.deleteTree(s.dir());
          }
          removed++;
        }
      }
      System.out.println(
          (dryRun ? removed + " snapshot(s) would be removed" : removed + " snapshot(s) removed")
              + "; kept the newest "
              + keep
              + " of each version and every latest");
      return 0;
    }
  }
}
