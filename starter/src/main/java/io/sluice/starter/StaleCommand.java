package io.sluice.starter;

import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.workflows.DateRanges;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "stale",
    mixinStandardHelpOptions = true,
    description = {
      "List a dataset's stale partitions and the gaps in the range.",
      "Stale: outputs made by another config hash, SQL hash or code version than today's. Gaps:"
          + " missing partitions inside the range. Prints the backfill command that brings them up"
          + " to date. Exit 1 when something is stale or missing, else 0."
    })
final class StaleCommand implements Callable<Integer> {

  @Option(
      names = "--dataset",
      required = true,
      description = "Dataset or feature set name, e.g. orders or customer_value.")
  String dataset;

  @Mixin LedgerView range;
  @Mixin LedgerOptions ledger;

  @Override
  public Integer call() {
    List<Partition> partitions = range.read(ledger, dataset);
    if (partitions == null) {
      return 2;
    }
    // a feature set file's dates are its dataset's partitions, which that dataset's runs stage
    var config = ledger.settings().config(dataset);
    String anchor = config.isFeatureSet() ? config.config().dataset() : null;
    List<Partition> stale = partitions.stream().filter(p -> p.state() == State.STALE).toList();
    List<Partition> missing = partitions.stream().filter(p -> p.state() == State.MISSING).toList();
    String first = partitions.get(0).date().toString();
    String last = partitions.get(partitions.size() - 1).date().toString();
    if (stale.isEmpty() && missing.isEmpty()) {
      System.out.printf("%s %s..%s: nothing stale, no gaps%n", dataset, first, last);
      return 0;
    }
    if (!stale.isEmpty()) {
      System.out.printf(
          "%s: %d stale partition(s): %s%n",
          dataset, stale.size(), DateRanges.of(stale.stream().map(Partition::date).toList()));
      LedgerView.list(System.out, partitions, List.of(State.STALE));
      if (anchor != null) {
        System.out.printf(
            "bring them up to date with (one run computes every stale date up to its own):%n"
                + "  sluice run --feature-set %s --date %s%n",
            dataset, stale.get(stale.size() - 1).date());
      } else {
        System.out.printf(
            "bring them up to date with:%n  sluice backfill --dataset %s --from %s --to %s%n",
            dataset, stale.get(0).date(), stale.get(stale.size() - 1).date());
      }
    }
    if (!missing.isEmpty()) {
      System.out.printf(
          "%s: %d missing partition(s) (gaps): %s%n",
          dataset, missing.size(), DateRanges.of(missing.stream().map(Partition::date).toList()));
      LedgerView.list(System.out, partitions, List.of(State.MISSING));
      System.out.printf(
          "fill them with:%n  sluice backfill --dataset %s --from %s --to %s --only-missing%n",
          anchor != null ? anchor : dataset,
          missing.get(0).date(),
          missing.get(missing.size() - 1).date());
    }
    return 1;
  }
}
