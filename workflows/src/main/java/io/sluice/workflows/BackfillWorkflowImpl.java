package io.sluice.workflows;

import io.sluice.workflows.activity.BackfillActivities;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.BackfillActivities.PlanRequest;
import io.sluice.workflows.activity.FeatureActivities;
import io.sluice.workflows.activity.FeatureActivities.FeatureResult;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.PublishActivities;
import io.sluice.workflows.activity.PublishActivities.PublishResult;
import io.sluice.workflows.activity.SplitActivities;
import io.sluice.workflows.activity.StageActivities;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.sluice.workflows.activity.ValidateActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The backfill: partitions through ingest/validate/stage as activity chains, at most {@code
 * parallelism} at a time; every {@code historyLimit} events it drains and continues as new with the
 * remaining partitions, so a range of years keeps a short history. Then one feature pass up to the
 * day before the first failed or missing partition, one split and one publish.
 */
public final class BackfillWorkflowImpl implements BackfillWorkflow {

  private String dataset;
  private String from;
  private String to;
  private String phase = "planning";
  private final Deque<String> remaining = new ArrayDeque<>();
  private final List<String> noSource = new ArrayList<>();
  private final List<String> unstaged = new ArrayList<>();
  private final Map<String, String> failed = new TreeMap<>();
  private int total;
  private int done;
  private int running;
  private long rowsStaged;
  private int parallelism;
  private boolean paused;
  private boolean cancelled;
  private long startedAt;
  private int continuations;

  @Override
  public BackfillResult run(BackfillRequest request) {
    checked(request);
    dataset = request.dataset();
    from = request.from();
    to = request.to();
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.DATASET.valueSet(dataset),
        SearchAttributes.PARTITION_DATE.valueSet(
            LocalDate.parse(from).atStartOfDay().atOffset(ZoneOffset.UTC)),
        SearchAttributes.PARTITION.valueSet(from));
    BackfillCarry carry = request.carry();
    if (carry == null) {
      parallelism =
          request.parallelism() == null
              ? BackfillRequest.DEFAULT_PARALLELISM
              : request.parallelism();
      startedAt = Workflow.currentTimeMillis();
      setStage("planning");
      BackfillPlan plan =
          stub(BackfillActivities.class, "plan " + from + ".." + to)
              .plan(
                  new PlanRequest(
                      dataset, from, to, request.only() == null ? "all" : request.only()));
      remaining.addAll(plan.run());
      noSource.addAll(plan.noSource());
      unstaged.addAll(plan.unstaged());
      total = plan.run().size();
    } else {
      remaining.addAll(carry.remaining());
      noSource.addAll(carry.noSource());
      unstaged.addAll(carry.unstaged());
      failed.putAll(carry.failed());
      total = carry.total();
      done = carry.done();
      rowsStaged = carry.rowsStaged();
      parallelism = carry.parallelism();
      paused = carry.paused();
      startedAt = carry.startedAtMillis();
      continuations = carry.continuations();
    }
    int historyLimit =
        request.historyLimit() == null
            ? BackfillRequest.DEFAULT_HISTORY_LIMIT
            : request.historyLimit();

    setStage("partitions");
    String runId = Workflow.getInfo().getRunId();
    while (!remaining.isEmpty() && !cancelled) {
      Workflow.await(() -> cancelled || (!paused && running < parallelism));
      if (cancelled) {
        break;
      }
      if (historyFull(historyLimit)) {
        Workflow.await(() -> running == 0);
        BackfillCarry next =
            new BackfillCarry(
                List.copyOf(remaining),
                List.copyOf(noSource),
                List.copyOf(unstaged),
                total,
                done,
                rowsStaged,
                new TreeMap<>(failed),
                parallelism,
                paused,
                startedAt,
                continuations + 1);
        Workflow.continueAsNew(request.withCarry(next));
      }
      startPartition(remaining.poll(), runId);
    }
    Workflow.await(() -> running == 0);
    if (cancelled) {
      setStage("cancelled");
      return result("CANCELLED", null, null, 0, 0, null);
    }

    LocalDate blockedBy =
        Stream.of(failed.keySet(), noSource, unstaged)
            .flatMap(java.util.Collection::stream)
            .map(LocalDate::parse)
            .min(LocalDate::compareTo)
            .orElse(null);
    LocalDate through = blockedBy == null ? LocalDate.parse(to) : blockedBy.minusDays(1);
    String status = blockedBy == null ? "COMPLETED" : "COMPLETED_WITH_FAILURES";
    if (total == 0 || through.isBefore(LocalDate.parse(from))) {
      setStage("done");
      return result(status, blockedBy, null, 0, 0, null);
    }
    PartitionRef last = new PartitionRef(dataset, through.toString(), runId);
    try {
      setStage("features");
      FeatureResult f =
          stub(FeatureActivities.class, "features " + from + ".." + through)
              .computeFeatures(last, parallelism);
      setStage("split");
      stub(SplitActivities.class, "split as of " + through).split(last);
      setStage("publish");
      PublishResult p = stub(PublishActivities.class, "publish as of " + through).publish(last);
      setStage("done");
      return result(status, blockedBy, through, f.datesComputed(), p.version(), p.exportPath());
    } catch (ActivityFailure e) {
      String message =
          String.format(
              "backfill %s %s..%s: %s failed (features through %s): %s",
              dataset, from, to, phase, through, ActivityFailures.message(e));
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          message, ActivityFailures.type(e), e);
    }
  }

  /** One partition's ingest → validate → stage chain; the tallies change when it ends. */
  private void startPartition(String date, String runId) {
    PartitionRef ref = new PartitionRef(dataset, date, runId);
    running++;
    Promise<StageResult> chain =
        Async.function(stub(IngestActivities.class, "ingest " + date)::ingest, ref)
            .thenCompose(
                i ->
                    Async.function(
                        stub(ValidateActivities.class, "validate " + date)::validate, ref))
            .thenCompose(
                v -> Async.function(stub(StageActivities.class, "stage " + date)::stage, ref));
    chain.handle(
        (r, e) -> {
          running--;
          if (e == null) {
            done++;
            rowsStaged += r.staged();
          } else if (e instanceof ActivityFailure a) {
            failed.put(date, ActivityFailures.type(a) + ": " + ActivityFailures.message(a));
          } else {
            failed.put(date, e.getClass().getSimpleName() + ": " + e.getMessage());
          }
          return null;
        });
  }

  private boolean historyFull(int limit) {
    return Workflow.getInfo().getHistoryLength() >= limit
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private BackfillResult result(
      String status,
      LocalDate blockedBy,
      LocalDate through,
      long dates,
      int version,
      String export) {
    return new BackfillResult(
        dataset,
        from,
        to,
        status,
        total,
        done,
        failed,
        noSource,
        rowsStaged,
        through == null ? null : through.toString(),
        dates,
        blockedBy == null ? null : blockedBy.toString(),
        version,
        export,
        Workflow.currentTimeMillis() - startedAt,
        continuations);
  }

  /** A stub of {@code type} whose calls the UI labels {@code <step>} of this dataset. */
  private <T> T stub(Class<T> type, String step) {
    String[] words = step.split(" ", 2);
    return Activities.labelled(type, words[0] + " " + dataset + " " + words[1]);
  }

  private void setStage(String p) {
    phase = p;
    showStage();
  }

  /** The stage people see in visibility: a paused run says so while its partitions wait. */
  private void showStage() {
    String shown = paused && startsPartitions() ? "paused" : phase;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STAGE.valueSet(shown));
    Workflow.setCurrentDetails("backfill " + dataset + " " + from + ".." + to + ": " + shown);
  }

  /** Whether the run may still start partitions: what pause, resize and cancel act on. */
  private boolean startsPartitions() {
    return !cancelled && ("planning".equals(phase) || "partitions".equals(phase));
  }

  @Override
  public void pause() {
    paused = true;
    showStage();
  }

  @Override
  public void resume() {
    paused = false;
    showStage();
  }

  @Override
  public void resize(int n) {
    if (n >= 1 && n <= BackfillRequest.MAX_PARALLELISM) {
      parallelism = n;
    } else {
      // a signal cannot be refused: the run goes on as it was, and says why
      Workflow.setCurrentDetails(
          "ignored the signal resize "
              + n
              + ": parallelism is 1.."
              + BackfillRequest.MAX_PARALLELISM);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
  }

  @Override
  public String pauseUpdate() {
    pause();
    return "paused: no new partition starts, running ones finish";
  }

  @Override
  public void validatePause() {
    requireStartingPartitions("pause");
    if (paused) {
      throw refused("pause", "it is paused already");
    }
  }

  @Override
  public String resumeUpdate() {
    resume();
    return "resumed at parallelism " + parallelism;
  }

  @Override
  public void validateResume() {
    requireStartingPartitions("resume");
    if (!paused) {
      throw refused("resume", "it is not paused");
    }
  }

  @Override
  public String resizeUpdate(int n) {
    parallelism = n;
    return "parallelism " + n;
  }

  @Override
  public void validateResize(int n) {
    if (n < 1 || n > BackfillRequest.MAX_PARALLELISM) {
      throw refused(
          "resize " + n, "parallelism is 1.." + BackfillRequest.MAX_PARALLELISM + ", got " + n);
    }
    requireStartingPartitions("resize");
  }

  @Override
  public String cancelUpdate() {
    cancel();
    return "cancelling: no new partition starts; the run ends when the running ones have";
  }

  @Override
  public void validateCancel() {
    requireStartingPartitions("cancel");
  }

  private void requireStartingPartitions(String what) {
    if (cancelled) {
      throw refused(what, "the backfill is being cancelled");
    }
    if (!startsPartitions()) {
      throw refused(
          what,
          "the backfill is past its partitions (now: "
              + phase
              + "); to stop it at once use temporal workflow cancel");
    }
  }

  private static IllegalArgumentException refused(String what, String why) {
    return new IllegalArgumentException(what + " refused: " + why);
  }

  @Override
  public BackfillProgress progress() {
    return new BackfillProgress(
        dataset,
        from,
        to,
        phase,
        total,
        done,
        running,
        new TreeMap<>(failed),
        List.copyOf(noSource),
        rowsStaged,
        parallelism,
        paused,
        startedAt == 0 ? 0 : Workflow.currentTimeMillis() - startedAt,
        continuations,
        startedAt);
  }

  private static void checked(BackfillRequest request) {
    try {
      if (request == null) {
        throw new IllegalArgumentException("no input: expected " + BackfillRequest.SHAPE);
      }
      Partitions.requireKnownFields(request.unknownFields(), BackfillRequest.SHAPE);
      Partitions.requireDataset(request.dataset());
      Partitions.range(request.from(), request.to());
      Integer p = request.parallelism();
      if (p != null && (p < 1 || p > BackfillRequest.MAX_PARALLELISM)) {
        throw new IllegalArgumentException(
            "parallelism " + p + " is outside 1.." + BackfillRequest.MAX_PARALLELISM);
      }
      if (request.only() != null && !List.of("all", "failed", "missing").contains(request.only())) {
        throw new IllegalArgumentException(
            "only '" + request.only() + "' is not one of all, failed, missing");
      }
      if (request.historyLimit() != null && request.historyLimit() < 50) {
        throw new IllegalArgumentException(
            "historyLimit " + request.historyLimit() + " is below 50");
      }
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_REQUEST);
    }
  }
}
