package io.sluice.activities.ops;

import io.sluice.activities.ops.PartitionStates.Partition;
import io.sluice.activities.ops.PartitionStates.State;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.workflows.activity.BackfillActivities.BackfillPlan;
import io.sluice.workflows.activity.BackfillActivities.PlanRequest;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Which partitions of a range a backfill runs. {@code all}: every partition with files; {@code
 * failed}: those with a failed or late stage; {@code missing}: those never staged and not failed. A
 * partition to run whose files are not there is a gap: reported, never silently skipped.
 */
public final class BackfillPlanner {

  private final PartitionStates states;

  public BackfillPlanner(DSLContext dsl, SluiceSettings settings) {
    this.states = new PartitionStates(dsl, settings);
  }

  public BackfillPlan plan(PlanRequest request) {
    String only = request.only() == null ? "all" : request.only();
    if (!List.of("all", "failed", "missing").contains(only)) {
      throw new IllegalArgumentException("only '" + only + "' is not one of all, failed, missing");
    }
    List<String> run = new ArrayList<>();
    List<String> noSource = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> unstaged = new ArrayList<>();
    for (Partition p : states.read(request.dataset(), request.from(), request.to())) {
      boolean wanted =
          switch (only) {
            case "failed" -> p.state() == State.FAILED || p.state() == State.LATE;
            case "missing" -> p.state() == State.MISSING;
            default -> true;
          };
      if (!wanted) {
        skipped.add(p.date().toString());
        if (!p.staged()) {
          unstaged.add(p.date().toString());
        }
      } else if (!p.filesPresent()) {
        noSource.add(p.date().toString());
      } else {
        run.add(p.date().toString());
      }
    }
    return new BackfillPlan(run, noSource, skipped, unstaged);
  }
}
