package io.sluice.activities.support;

import io.sluice.activities.config.BadConfigException;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.Partitions;
import io.sluice.workflows.activity.PartitionRef;
import io.temporal.failure.ApplicationFailure;
import java.time.LocalDate;

/** Typed, non-retryable failures; everything else an activity throws is retried. */
public final class Failures {

  private Failures() {}

  public static ApplicationFailure of(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  public static ApplicationFailure of(String type, String message, Throwable cause) {
    return ApplicationFailure.newNonRetryableFailureWithCause(message, type, cause);
  }

  /** The partition's date, or a {@code BadRequest} failure. */
  public static LocalDate date(PartitionRef ref) {
    try {
      Partitions.requireDataset(ref.dataset());
      return Partitions.requireDate(ref.partitionDate());
    } catch (IllegalArgumentException e) {
      throw of(FailureTypes.BAD_REQUEST, e.getMessage());
    }
  }

  /** The dataset's config, or a {@code BadConfig} failure naming the file and key. */
  public static LoadedConfig config(SluiceSettings settings, String dataset) {
    try {
      return settings.config(dataset);
    } catch (BadConfigException | IllegalArgumentException e) {
      throw of(FailureTypes.BAD_CONFIG, e.getMessage(), e);
    }
  }

  /**
   * {@link #config}, with the dataset's tables made to match its declaration first ({@link
   * io.sluice.activities.dataset.DatasetTables#ensure}): what a stage that reads or writes them
   * loads.
   */
  public static LoadedConfig configAndTables(
      SluiceSettings settings, org.jooq.DSLContext dsl, String dataset) {
    LoadedConfig config = config(settings, dataset);
    try {
      io.sluice.activities.config.PatternCheck.require(dsl, config);
      io.sluice.activities.dataset.DatasetTables.ensure(
          dsl, config.schema(), config.file().toString());
    } catch (BadConfigException e) {
      throw of(FailureTypes.BAD_CONFIG, e.getMessage(), e);
    }
    return config;
  }
}
