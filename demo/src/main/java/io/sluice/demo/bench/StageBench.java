package io.sluice.demo.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.activities.ingest.IngestActivitiesImpl;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidateActivitiesImpl;
import io.sluice.db.Database;
import io.sluice.db.DbSettings;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Benchmark driver (bench/ingest-stage): runs the real ingest, validate and stage activities for
 * one partition against a real PostgreSQL and prints one {@code key=value} line per measure.
 *
 * <p>Arguments: jdbc-url user password data-root pipelines-dir date [stages: ingest,validate,stage]
 * [warm-up date]. With a warm-up date, that (small) partition is ingested first, untimed, so the
 * measured stages run in a worker whose code is already compiled, as in a long-running worker.
 */
public final class StageBench {

  private StageBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println(
          "usage: StageBench <jdbc-url> <user> <password> <data-root> <pipelines-dir> <date>"
              + " [stages] [warm-up-date]");
      System.exit(2);
    }
    String stages = args.length > 6 ? args[6] : "ingest,validate,stage";
    try (HikariDataSource ds = Database.open(new DbSettings(args[0], args[1], args[2], 4))) {
      Database.migrate(ds);
      DSLContext dsl = DSL.using(ds, SQLDialect.POSTGRES);
      Path tmp = java.nio.file.Files.createTempDirectory("sluice-bench-artifacts");
      SluiceSettings settings =
          new SluiceSettings(Path.of(args[3]), Path.of(args[4]), tmp, "bench");
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        env.registerActivitiesImplementations(
            new IngestActivitiesImpl(ds, settings),
            new ValidateActivitiesImpl(dsl, settings),
            new StageActivitiesImpl(dsl, settings));
        ActivityOptions once =
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build();
        if (args.length > 7) {
          IngestActivities warm = env.newActivityStub(IngestActivities.class, once);
          PartitionRef warmRef = new PartitionRef("orders", args[7], "warm-" + System.nanoTime());
          time("warmup_ingest_ms", () -> warm.ingest(warmRef));
        }
        PartitionRef ref = new PartitionRef("orders", args[5], "bench-" + System.nanoTime());
        if (stages.contains("ingest")) {
          IngestActivities ingest = env.newActivityStub(IngestActivities.class, once);
          time("ingest_ms", () -> ingest.ingest(ref));
        }
        if (stages.contains("validate")) {
          ValidateActivities validate = env.newActivityStub(ValidateActivities.class, once);
          time("validate_ms", () -> validate.validate(ref));
        }
        if (stages.contains("stage")) {
          StageActivities stage = env.newActivityStub(StageActivities.class, once);
          time("stage_ms", () -> stage.stage(ref));
        }
      } finally {
        env.close();
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("peak_heap_mb=" + peak / (1024 * 1024));
    System.out.println("max_heap_mb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    // Temporal's test environment leaves non-daemon timer threads behind.
    System.exit(0);
  }

  private static void time(String key, Supplier<?> step) {
    long start = System.nanoTime();
    Object result = step.get();
    System.out.println(key + "=" + (System.nanoTime() - start) / 1_000_000);
    System.out.println("# " + result);
  }
}
