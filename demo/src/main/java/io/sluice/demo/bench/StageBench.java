package io.sluice.demo.bench;

import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.ValidateActivities;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.function.Supplier;

/**
 * Benchmark driver (bench/ingest-stage): runs the real ingest, validate and stage activities (or
 * split and publish, of a partition whose features are computed) for one partition against a real
 * PostgreSQL and prints one {@code key=value} line per measure.
 *
 * <p>Arguments: jdbc-url user password data-root pipelines-dir dataset date [stages, any of
 * ingest,validate,stage,split,publish, or none to only make the schema; default
 * ingest,validate,stage] [warm-up date]. With a warm-up date, that (small) partition goes through
 * the same stages first, untimed, so the measured stages run in a worker whose code is already
 * compiled, as in a long-running worker ({@code WARM_STAGES=ingest} warms up with its ingest
 * alone). With {@code WARM_URL}, a second, empty database, the warm-up runs there, reading the data
 * root {@code WARM_ROOT} (by default the measured one): the warm-up date may then be the measured
 * date itself, so the measured stages are the worker's second run of the same work. Several
 * comma-separated databases (and roots, the last one for the rest) warm up once each, in order.
 * With {@code WARM_URL} the measured worker is set up before the warm-ups, and the measured run
 * waits for the JIT to go quiet
 * (docs/adr/0032-bench-sources-sets-the-worker-up-before-warming-up.md).
 */
public final class StageBench {

  private StageBench() {}

  public static void main(String[] args) {
    BenchActivities.runAndExit(() -> measure(args));
  }

  private static void measure(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println(
          "usage: StageBench <jdbc-url> <user> <password> <data-root> <pipelines-dir> <dataset>"
              + " <date> [stages] [warm-up-date]");
      System.exit(2);
    }
    String dataset = args[5];
    String stages = args.length > 7 ? args[7] : "ingest,validate,stage";
    String warmUrl = System.getenv("WARM_URL");
    // The measured worker is set up first (its schema migrated, its pool opened), so what that
    // startup leaves the JIT to compile is compiled during the warm-ups, as in a worker that has
    // run for a while, not during the measured run.
    try (BenchActivities bench = new BenchActivities(args)) {
      if (args.length > 8 && warmUrl != null) {
        String[] urls = warmUrl.split(",");
        String[] roots = System.getenv().getOrDefault("WARM_ROOT", args[3]).split(",");
        for (int i = 0; i < urls.length; i++) {
          String[] warmArgs = args.clone();
          warmArgs[0] = urls[i];
          warmArgs[3] = roots[Math.min(i, roots.length - 1)];
          try (BenchActivities warm = new BenchActivities(warmArgs)) {
            warmUp(warm, dataset, args[8], stages);
          }
        }
      }
      if (args.length > 8 && warmUrl == null) {
        warmUp(bench, dataset, args[8], stages);
      }
      if (warmUrl != null) {
        awaitIdleCompiler();
      }
      run(bench, new PartitionRef(dataset, args[6], "bench-" + System.nanoTime()), stages, "");
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("peak_heap_mb=" + peak / (1024 * 1024));
    System.out.println("max_heap_mb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  /** The untimed run of {@code date} before the measured one. */
  private static void warmUp(BenchActivities bench, String dataset, String date, String stages) {
    String warmStages = WARM_ALL ? stages : "ingest";
    run(bench, new PartitionRef(dataset, date, "warm-" + System.nanoTime()), warmStages, "warmup_");
  }

  /**
   * Waits until the JIT has finished no compilation for half a second (at most 30 s), so the
   * compilations the warm-ups queued run before the measured run, as in a worker that is idle
   * between two scheduled runs, not during it. Prints how long it waited.
   */
  private static void awaitIdleCompiler() throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + 30_000_000_000L;
    long last = jit.getTotalCompilationTime();
    for (int quiet = 0; quiet < 5 && System.nanoTime() < deadline; ) {
      Thread.sleep(100);
      long now = jit.getTotalCompilationTime();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
    System.out.println("compiler_settle_ms=" + (System.nanoTime() - start) / 1_000_000);
  }

  private static final boolean WARM_ALL = !"ingest".equals(System.getenv("WARM_STAGES"));

  private static void run(BenchActivities bench, PartitionRef ref, String stages, String prefix) {
    IngestActivities ingest = bench.stub(IngestActivities.class);
    ValidateActivities validate = bench.stub(ValidateActivities.class);
    StageActivities stage = bench.stub(StageActivities.class);
    SplitActivities split = bench.stub(SplitActivities.class);
    PublishActivities publish = bench.stub(PublishActivities.class);
    step(stages, prefix, "ingest", () -> ingest.ingest(ref));
    step(stages, prefix, "validate", () -> validate.validate(ref));
    step(stages, prefix, "stage", () -> stage.stage(ref));
    step(stages, prefix, "split", () -> split.split(ref));
    step(stages, prefix, "publish", () -> publish.publish(ref));
  }

  /** Times {@code call} as {@code <prefix><name>_ms} when {@code stages} names it. */
  private static void step(String stages, String prefix, String name, Supplier<?> call) {
    if (stages.contains(name)) {
      time(prefix + name + "_ms", call);
    }
  }

  private static void time(String key, Supplier<?> step) {
    long start = System.nanoTime();
    Object result = step.get();
    System.out.println(key + "=" + (System.nanoTime() - start) / 1_000_000);
    System.out.println("# " + result);
  }
}
