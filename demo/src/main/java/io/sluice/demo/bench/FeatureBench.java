package io.sluice.demo.bench;

import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import java.time.LocalDate;

/**
 * Benchmark driver (bench/features): stages days of orders with the real activities, then times the
 * features step. Prints {@code key=value} lines.
 *
 * <p>Modes: {@code stage <first> <days>} ingests, validates and stages those days; {@code daily
 * <first> <days>} does the same and runs the features step after each day, as daily runs do; {@code
 * features <date> [parallelism]} runs the features step for that date (computing every missing or
 * stale date up to it in one pass, cut into runs side by side at the given parallelism, default 1)
 * and prints {@code features_ms} and {@code dates}.
 *
 * <p>Arguments: jdbc-url user password data-root pipelines-dir mode ... The dataset staged is
 * {@code orders} unless the system property {@code bench.dataset} names another; the features step
 * runs for the feature set {@code bench.features} (default: the dataset's own).
 */
public final class FeatureBench {

  private static final String DATASET = System.getProperty("bench.dataset", "orders");
  private static final String FEATURES = System.getProperty("bench.features", DATASET);

  private FeatureBench() {}

  public static void main(String[] args) {
    BenchActivities.runAndExit(() -> measure(args));
  }

  private static void measure(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: FeatureBench <jdbc-url> <user> <password> <data-root> <pipelines-dir>"
              + " stage|daily <first-date> <days> | features <date> [parallelism]");
      System.exit(2);
    }
    try (BenchActivities bench = new BenchActivities(args)) {
      if ("stage".equals(args[5]) || "daily".equals(args[5])) {
        boolean daily = "daily".equals(args[5]);
        LocalDate first = LocalDate.parse(args[6]);
        int days = Integer.parseInt(args[7]);
        IngestActivities ingest = bench.stub(IngestActivities.class);
        ValidateActivities validate = bench.stub(ValidateActivities.class);
        StageActivities stage = bench.stub(StageActivities.class);
        FeatureActivities features = bench.stub(FeatureActivities.class);
        long start = System.nanoTime();
        for (int i = 0; i < days; i++) {
          PartitionRef ref = new PartitionRef(DATASET, first.plusDays(i).toString(), "bench");
          ingest.ingest(ref);
          validate.validate(ref);
          stage.stage(ref);
          if (daily) {
            features.computeFeatures(ref, 1);
          }
          System.err.print("\rbench: " + args[5] + " " + (i + 1) + "/" + days);
        }
        System.err.println();
        System.out.println("stage_ms=" + (System.nanoTime() - start) / 1_000_000);
      } else {
        FeatureActivities features = bench.stub(FeatureActivities.class);
        PartitionRef ref = new PartitionRef(FEATURES, args[6], "bench-" + System.nanoTime());
        int parallelism = args.length > 7 ? Integer.parseInt(args[7]) : 1;
        long start = System.nanoTime();
        FeatureActivities.FeatureResult r = features.computeFeatures(ref, parallelism);
        System.out.println("features_ms=" + (System.nanoTime() - start) / 1_000_000);
        System.out.println("dates=" + r.datesComputed());
        System.out.println("rows_of_date=" + r.featureRows());
      }
    }
  }
}
