package io.sluice.starter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.FeatureSetRequest;
import io.sluice.workflows.FeatureSetWorkflow;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.PipelineRequest;
import io.sluice.workflows.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleBackfill;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The daily schedule of a dataset, through Temporal's ScheduleClient. The schedule {@code
 * sluice/<dataset>/daily} starts {@code FeaturePipelineWorkflow} every day at a UTC time of day;
 * each run processes the partition of the day before its scheduled time. A feature set file's
 * schedule starts {@code FeatureSetWorkflow} the same way.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Manage a dataset's or a feature set's daily Temporal Schedule.",
    subcommands = {
      ScheduleCommand.Create.class,
      ScheduleCommand.Update.class,
      ScheduleCommand.Describe.class,
      ScheduleCommand.ListSchedules.class,
      ScheduleCommand.Pause.class,
      ScheduleCommand.Unpause.class,
      ScheduleCommand.Trigger.class,
      ScheduleCommand.Backfill.class,
      ScheduleCommand.Delete.class
    })
final class ScheduleCommand {

  static String scheduleId(String dataset) {
    return "sluice/" + Partitions.requireDataset(dataset) + "/daily";
  }

  /** The time of day of a schedule's calendar. */
  static LocalTime timeOfDay(String at) {
    try {
      return LocalTime.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("invalid --at '" + at + "': give a UTC time as HH:mm");
    }
  }

  static ScheduleOverlapPolicy overlap(String name) {
    try {
      return ScheduleOverlapPolicy.valueOf(
          "SCHEDULE_OVERLAP_POLICY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid --overlap '"
              + name
              + "': one of skip, buffer-one, buffer-all, cancel-other, terminate-other, allow-all");
    }
  }

  static Duration duration(String option, String iso) {
    try {
      return Duration.parse(iso);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid " + option + " '" + iso + "': give an ISO-8601 duration such as PT24H");
    }
  }

  static ScheduleCalendarSpec daily(LocalTime at) {
    return ScheduleCalendarSpec.newBuilder()
        .setSeconds(List.of(new ScheduleRange(at.getSecond())))
        .setMinutes(List.of(new ScheduleRange(at.getMinute())))
        .setHour(List.of(new ScheduleRange(at.getHour())))
        .setDayOfMonth(List.of(new ScheduleRange(1, 31)))
        .setMonth(List.of(new ScheduleRange(1, 12)))
        .setDayOfWeek(List.of(new ScheduleRange(0, 6)))
        .setComment("daily at " + at + " UTC")
        .build();
  }

  /** The time of day a schedule runs at (its first calendar's first hour/minute/second). */
  static LocalTime timeOfDay(Schedule schedule) {
    ScheduleCalendarSpec c = schedule.getSpec().getCalendars().get(0);
    return LocalTime.of(
        c.getHour().get(0).getStart(),
        c.getMinutes().get(0).getStart(),
        c.getSeconds().get(0).getStart());
  }

  /** Options shared by create and update; on update, an absent option keeps what is there. */
  static final class Settings {
    @Option(
        names = "--at",
        description = {"UTC time of day of the daily run, HH:mm.", "Default: 06:00"})
    String at;

    @Option(
        names = "--wait-for-data",
        description = {
          "How long each run waits for its files, or a feature set's for the datasets it reads"
              + " (ISO-8601).",
          "Default: PT6H"
        })
    String waitForData;

    @Option(
        names = "--catchup-window",
        description = {
          "How late a missed run may still start, e.g. after an outage (ISO-8601).",
          "Default: P1D"
        })
    String catchupWindow;

    @Option(
        names = "--overlap",
        description = {
          "When a run is still going at the next time: skip, buffer-one, buffer-all,"
              + " cancel-other, terminate-other, allow-all.",
          "Default: buffer-one"
        })
    String overlap;

    @Option(
        names = "--pause-on-failure",
        negatable = true,
        description = {"Pause the schedule when a run fails.", "Default: no"})
    Boolean pauseOnFailure;
  }

  /**
   * The schedule for a dataset, or with {@code featureSet} for a feature set file (whose runs wait
   * for the datasets it reads, as a dataset's wait for its files), from the options, over {@code
   * base} (null: the defaults).
   */
  static Schedule build(
      String dataset,
      boolean featureSet,
      String taskQueue,
      Settings s,
      Schedule base,
      ScheduledInput baseInput) {
    LocalTime at =
        s.at != null ? timeOfDay(s.at) : base != null ? timeOfDay(base) : LocalTime.of(6, 0);
    String wait =
        s.waitForData != null
            ? s.waitForData
            : baseInput != null && baseInput.waitFor() != null ? baseInput.waitFor() : "PT6H";
    Partitions.waitForData(wait);
    SchedulePolicy old = base == null ? null : base.getPolicy();
    Duration catchup =
        s.catchupWindow != null
            ? duration("--catchup-window", s.catchupWindow)
            : old != null && old.getCatchupWindow() != null
                ? old.getCatchupWindow()
                : Duration.ofDays(1);
    ScheduleOverlapPolicy overlap =
        s.overlap != null
            ? overlap(s.overlap)
            : old != null
                ? old.getOverlap()
                : ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE;
    boolean pauseOnFailure =
        s.pauseOnFailure != null ? s.pauseOnFailure : old != null && old.isPauseOnFailure();
    return Schedule.newBuilder()
        .setAction(
            (featureSet
                    ? ScheduleActionStartWorkflow.newBuilder()
                        .setWorkflowType(FeatureSetWorkflow.class)
                        .setArguments(new FeatureSetRequest(dataset, null, wait))
                    : ScheduleActionStartWorkflow.newBuilder()
                        .setWorkflowType(FeaturePipelineWorkflow.class)
                        .setArguments(new PipelineRequest(dataset, null, wait)))
                .setOptions(
                    WorkflowOptions.newBuilder()
                        .setWorkflowId("sluice/" + dataset + "/scheduled")
                        .setTaskQueue(taskQueue)
                        .setMemo(Map.of("dataset", dataset, "schedule", scheduleId(dataset)))
                        .setStaticSummary(
                            dataset + (featureSet ? " daily run (feature set)" : " daily run"))
                        // both, or describing the schedule fails to read the empty one back
                        .setStaticDetails(
                            "Runs the partition of the day before the scheduled time; the run's"
                                + " memo (partition) and search attribute SluicePartition name it.")
                        .setTypedSearchAttributes(
                            io.temporal.common.SearchAttributes.newBuilder()
                                .set(SearchAttributes.DATASET, dataset)
                                .build())
                        .build())
                .build())
        .setSpec(
            ScheduleSpec.newBuilder()
                .setCalendars(List.of(daily(at)))
                .setTimeZoneName("UTC")
                .build())
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setCatchupWindow(catchup)
                .setOverlap(overlap)
                .setPauseOnFailure(pauseOnFailure)
                .build())
        .setState(
            base != null
                ? base.getState()
                : ScheduleState.newBuilder().setNote("created by sluice schedule create").build())
        .build();
  }

  /** Connects, runs {@code work} on the dataset's schedule handle, disconnects. */
  static int onSchedule(
      TemporalOptions temporal, String dataset, Function<ScheduleHandle, Integer> work) {
    String id = scheduleId(dataset);
    WorkflowServiceStubs stubs = temporal.stubs();
    try {
      ScheduleClient client = scheduleClient(temporal, stubs);
      return work.apply(client.getHandle(id));
    } finally {
      stubs.shutdown();
    }
  }

  static ScheduleClient scheduleClient(TemporalOptions temporal, WorkflowServiceStubs stubs) {
    return ScheduleClient.newInstance(
        stubs, ScheduleClientOptions.newBuilder().setNamespace(temporal.namespace).build());
  }

  /**
   * What a schedule's runs are given: the name, how long each waits (for its files, or a feature
   * set's runs for the datasets it reads), and whether it is a feature set's.
   */
  record ScheduledInput(String name, String waitFor, boolean featureSet) {}

  static ScheduledInput input(ScheduleDescription d) {
    ScheduleActionStartWorkflow a = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
    if (FeatureSetWorkflow.TYPE.equals(a.getWorkflowType())) {
      FeatureSetRequest r = a.getArguments().get(0, FeatureSetRequest.class);
      return new ScheduledInput(r.featureSet(), r.waitForInputs(), true);
    }
    PipelineRequest r = a.getArguments().get(0, PipelineRequest.class);
    return new ScheduledInput(r.dataset(), r.waitForData(), false);
  }

  static String partitionOf(Instant scheduled) {
    return Partitions.partitionOfScheduledTime(scheduled.atOffset(ZoneOffset.UTC)).toString();
  }

  abstract static class DatasetCommand implements Callable<Integer> {
    @Option(
        names = "--dataset",
        required = true,
        description = "Dataset or feature set name, e.g. orders or customer_value.")
    String dataset;

    @Mixin TemporalOptions temporal;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create the dataset's daily schedule (runs process the day before).")
  static final class Create extends DatasetCommand {
    @Mixin Settings settings;
    @Mixin PipelinesOptions pipelines;

    @Override
    public Integer call() {
      boolean featureSet = pipelines.isFeatureSet(dataset);
      if (featureSet) {
        pipelines.requireFeatureSet(dataset);
      } else {
        pipelines.requireDataset(dataset);
      }
      Schedule schedule = build(dataset, featureSet, temporal.taskQueue, settings, null, null);
      WorkflowServiceStubs stubs = temporal.stubs();
      try {
        scheduleClient(temporal, stubs)
            .createSchedule(
                scheduleId(dataset),
                schedule,
                ScheduleOptions.newBuilder().setMemo(Map.of("dataset", dataset)).build());
      } catch (io.temporal.client.schedules.ScheduleAlreadyRunningException e) {
        throw new IllegalArgumentException(
            "schedule "
                + scheduleId(dataset)
                + " exists already: change it with sluice schedule update --dataset "
                + dataset);
      } finally {
        stubs.shutdown();
      }
      System.out.printf(
          "created schedule %s: daily at %s UTC, each run processes the day before%n",
          scheduleId(dataset), timeOfDay(schedule));
      return 0;
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Change the daily schedule; options not given keep their value.")
  static final class Update extends DatasetCommand {
    @Mixin Settings settings;

    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            h.update(
                in -> {
                  ScheduleDescription d = in.getDescription();
                  ScheduledInput was = input(d);
                  return new ScheduleUpdate(
                      build(
                          dataset,
                          was.featureSet(),
                          temporal.taskQueue,
                          settings,
                          d.getSchedule(),
                          was));
                });
            System.out.println("updated schedule " + h.getId());
            return 0;
          });
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Show the schedule: spec, policies, recent runs and the next ones.")
  static final class Describe extends DatasetCommand {
    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            ScheduleDescription d = h.describe();
            Schedule s = d.getSchedule();
            ScheduledInput in = input(d);
            System.out.printf(
                "schedule %s  %s%s%n",
                d.getId(),
                s.getState().isPaused() ? "PAUSED" : "active",
                s.getState().getNote() == null || s.getState().getNote().isEmpty()
                    ? ""
                    : " (" + s.getState().getNote() + ")");
            System.out.printf(
                "  daily at %s UTC; waits up to %s for %s; catch-up window %s; overlap %s;"
                    + " pause on failure %s%n",
                timeOfDay(s),
                in.waitFor(),
                in.featureSet() ? "the datasets it reads (a feature set)" : "files",
                s.getPolicy().getCatchupWindow(),
                s.getPolicy().getOverlap().name().replace("SCHEDULE_OVERLAP_POLICY_", ""),
                s.getPolicy().isPauseOnFailure() ? "yes" : "no");
            System.out.printf("  runs so far: %d%n", d.getInfo().getNumActions());
            System.out.println("  recent:");
            for (ScheduleActionResult r : d.getInfo().getRecentActions()) {
              String wf =
                  r.getAction() instanceof ScheduleActionExecutionStartWorkflow w
                      ? w.getWorkflowId()
                      : "?";
              System.out.printf(
                  "    scheduled %s  partition %s  started %s  %s%n",
                  r.getScheduledAt(), partitionOf(r.getScheduledAt()), r.getStartedAt(), wf);
            }
            System.out.println("  next:");
            for (Instant t : d.getInfo().getNextActionTimes().stream().limit(5).toList()) {
              System.out.printf("    %s  partition %s%n", t, partitionOf(t));
            }
            return 0;
          });
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List Sluice's schedules (all datasets, or --dataset).")
  static final class ListSchedules implements Callable<Integer> {
    @Option(names = "--dataset", description = "Only this dataset's schedule.")
    String dataset;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      String prefix = dataset == null ? "sluice/" : scheduleId(dataset);
      WorkflowServiceStubs stubs = temporal.stubs();
      try {
        ScheduleClient client = scheduleClient(temporal, stubs);
        // The list comes from visibility, which lags behind pause, unpause and delete: it only
        // names the schedules; each one's state is read from the schedule itself.
        List<String> ids =
            client
                .listSchedules()
                .map(s -> s.getScheduleId())
                .filter(id -> id.startsWith(prefix))
                .sorted()
                .toList();
        for (String id : ids) {
          ScheduleDescription d;
          try {
            d = client.getHandle(id).describe();
          } catch (ScheduleException e) {
            if (e.getCause() instanceof StatusRuntimeException g
                && g.getStatus().getCode() == Status.Code.NOT_FOUND) {
              continue; // deleted since it was listed
            }
            throw e;
          }
          System.out.printf(
              "%s  %s  next %s%n",
              id,
              d.getSchedule().getState().isPaused() ? "PAUSED" : "active",
              d.getInfo().getNextActionTimes().stream().findFirst().orElse(null));
        }
        return 0;
      } finally {
        stubs.shutdown();
      }
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause the schedule.")
  static final class Pause extends DatasetCommand {
    @Option(names = "--note", defaultValue = "paused with sluice", description = "Why.")
    String note;

    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            h.pause(note);
            System.out.println("paused " + h.getId());
            return 0;
          });
    }
  }

  @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Unpause the schedule.")
  static final class Unpause extends DatasetCommand {
    @Option(names = "--note", defaultValue = "unpaused with sluice", description = "Why.")
    String note;

    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            h.unpause(note);
            System.out.println("unpaused " + h.getId());
            return 0;
          });
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = "Start a run now; it processes yesterday's partition (UTC).")
  static final class Trigger extends DatasetCommand {
    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            h.trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
            System.out.printf(
                "triggered %s: the run processes partition %s%n",
                h.getId(), partitionOf(Instant.now()));
            return 0;
          });
    }
  }

  @Command(
      name = "backfill",
      mixinStandardHelpOptions = true,
      description = {
        "Run the schedule's action for past partitions (Temporal's schedule backfill).",
        "One run per partition, at the scheduled time that would have processed it, in date"
            + " order."
      })
  static final class Backfill extends DatasetCommand {
    @Option(names = "--from", required = true, description = "First partition, yyyy-MM-dd.")
    String from;

    @Option(names = "--to", required = true, description = "Last partition, yyyy-MM-dd.")
    String to;

    @Option(
        names = "--overlap",
        defaultValue = "buffer-all",
        description = {
          "Overlap policy of the backfilled runs.",
          "Default: ${DEFAULT-VALUE} (in order)"
        })
    String overlap;

    @Option(names = "--dry-run", description = "List the partitions it would run, start nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      List<LocalDate> partitions = Partitions.range(from, to);
      ScheduleOverlapPolicy policy = overlap(overlap);
      return onSchedule(
          temporal,
          dataset,
          h -> {
            LocalTime at = timeOfDay(h.describe().getSchedule());
            Instant first = partitions.get(0).plusDays(1).atTime(at).toInstant(ZoneOffset.UTC);
            Instant last =
                partitions
                    .get(partitions.size() - 1)
                    .plusDays(1)
                    .atTime(at)
                    .toInstant(ZoneOffset.UTC);
            if (dryRun) {
              System.out.printf(
                  "would run %d partition(s) of %s through schedule %s:%n",
                  partitions.size(), dataset, h.getId());
              partitions.forEach(
                  p ->
                      System.out.printf("  %s (scheduled time %s)%n", p, p.plusDays(1).atTime(at)));
              return 0;
            }
            h.backfill(
                List.of(new ScheduleBackfill(first.minusSeconds(1), last.plusSeconds(1), policy)));
            System.out.printf(
                "schedule %s: backfilling %d partition(s) %s..%s (scheduled times %s..%s)%n",
                h.getId(), partitions.size(), from, to, first, last);
            System.out.printf(
                "follow them with: sluice runs --dataset %s --from %s --to %s%n",
                dataset, from, to);
            return 0;
          });
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete the schedule.")
  static final class Delete extends DatasetCommand {
    @Override
    public Integer call() {
      return onSchedule(
          temporal,
          dataset,
          h -> {
            h.delete();
            System.out.println("deleted " + h.getId() + " (its past runs stay in Temporal)");
            return 0;
          });
    }
  }
}
