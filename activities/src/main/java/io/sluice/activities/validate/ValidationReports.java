package io.sluice.activities.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.sluice.activities.support.Json;
import io.sluice.activities.support.Outputs;
import io.sluice.activities.support.SluiceSettings;
import io.sluice.activities.validate.ValidationReport.Quarantine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The two files of a run's validation report, {@code <run-id>.json} for machines and {@code
 * <run-id>.html} for people, under {@code artifacts/reports/<dataset>/<date>/}. The JSON holds
 * everything the HTML shows, so a later stage of the same run can add to both.
 */
public final class ValidationReports {

  private ValidationReports() {}

  /**
   * Writes both files, the HTML first: a JSON report always has its HTML. Fails with {@code
   * OutputFailed} when either cannot be written where it belongs.
   */
  static void write(Path json, Path html, ValidationReport report) {
    Outputs.writeAtomically(html, HtmlReport.render(report).getBytes(StandardCharsets.UTF_8));
    Outputs.writeAtomically(json, Json.bytes(report));
  }

  /**
   * Adds what staging quarantined to the validation report of the same run, both files rewritten. A
   * run without one (a stage run on its own) gets none: returns false and writes nothing.
   *
   * @throws IOException when the JSON report cannot be read back
   * @throws io.temporal.failure.ApplicationFailure {@code OutputFailed}, when a file cannot be
   *     written where it belongs
   */
  public static boolean addQuarantine(
      SluiceSettings settings, String dataset, LocalDate date, String runId, Quarantine quarantine)
      throws IOException {
    Path json = settings.reportFile(dataset, date, runId, "json");
    if (!Files.exists(json)) {
      return false;
    }
    ValidationReport report;
    try {
      report =
          Json.MAPPER
              .readerFor(ValidationReport.class)
              // a report written by a newer version may carry more: what this one knows is drawn
              .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(json.toFile());
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the text it choked on, which may be a sample from a data file:
      // only where it is goes into the message (and from there into a log line)
      throw new IOException(
          json
              + " cannot be read as a validation report: "
              + e.getClass().getSimpleName()
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()));
    }
    if (report.expectations() == null || report.columns() == null) {
      throw new IOException(json + " is not a validation report (it has no expectations)");
    }
    write(
        json, settings.reportFile(dataset, date, runId, "html"), report.withQuarantine(quarantine));
    return true;
  }
}
