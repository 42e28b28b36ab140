package io.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.db.RealTemporal;
import io.sluice.samples.OrdersGenerator;
import io.sluice.starter.PipelineRuns;
import io.sluice.workflows.FeaturePipelineWorkflow;
import io.sluice.workflows.PipelineResult;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The database password never leaves the worker's configuration: a run with a distinctive password,
 * every logger at DEBUG (jOOQ's SQL, Hikari's pool settings, Temporal's client), and the password
 * looked for in the log, the workflow history's raw bytes (inputs and results of the workflow and
 * every activity), the reports and exports on disk, and the ledger.
 */
@RealTemporal
class SecretsTest {

  @TempDir Path tmp;

  @Test
  void theDatabasePasswordAppearsInNoLogHistoryReportOrExport() throws Exception {
    String password = "pw-" + UUID.randomUUID().toString().replace("-", "");
    String role = "sluice_secret_" + password.substring(3, 15);
    LocalDate d = LocalDate.of(2024, 3, 1);
    new OrdersGenerator(5, 200).writeDay(tmp.resolve("data"), d, d);

    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    Map<Logger, Level> levels = new HashMap<>();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logs);
    Logger root = logs.getLogger(Logger.ROOT_LOGGER_NAME);
    String history;
    try (RealWorker admin = new RealWorker(tmp.resolve("admin"))) {
      admin.dsl.execute(
          "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "' IN ROLE sluice_worker");
      // from here on everything is logged and kept
      captured.start();
      for (Logger l : logs.getLoggerList()) {
        levels.put(l, l.getLevel());
        l.setLevel(Level.DEBUG);
      }
      root.addAppender(captured);
      try (RealWorker w =
          new RealWorker(tmp, Map.of("sluice.db.user", role, "sluice.db.password", password))) {
        FeaturePipelineWorkflow wf =
            PipelineRuns.start(w.client(), w.queue, PipelineRuns.request("orders", d.toString()));
        PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
        assertThat(result.stages()).hasSize(6);
        String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
        history =
            new String(
                w.client().fetchHistory(id).getHistory().toByteArray(),
                StandardCharsets.ISO_8859_1);
        String ledger =
            w.dsl
                .fetchValue("select string_agg(t::text, E'\\n') from meta.partition_ledger t")
                .toString();
        assertThat(ledger).contains("orders").doesNotContain(password);
        // the role created the run's feature tables; hand them over so the role can go
        w.dsl.execute("REASSIGN OWNED BY " + role + " TO CURRENT_USER");
      } finally {
        root.detachAppender(captured);
        levels.forEach(Logger::setLevel);
        admin.dsl.execute("DROP ROLE IF EXISTS " + role);
      }
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      lines.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        lines.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }
    String log = String.join("\n", lines);
    // the search can find things: the log and the history hold what the run did
    assertThat(log).contains(role).contains("\"meta\".\"partition_ledger\"");
    assertThat(history).contains("\"orders\"").contains(d.toString());
    assertThat(lines.stream().filter(l -> l.contains(password)).toList())
        .as("log lines holding the password")
        .isEmpty();
    assertThat(history).doesNotContain(password);
    assertThat(filesContaining(tmp, password)).isEmpty();
    assertThat(filesContaining(tmp, "2024-03-01"))
        .as("the reports and exports were read")
        .isNotEmpty();
  }

  /**
   * A partition whose file is a secret (the worker's environment file, say): behind a link that
   * leads out of the data root, or copied in. The runs fail as BadInput naming the file, and the
   * secret is in no history, ledger row, report or log line.
   */
  @Test
  void aSecretFileDroppedAsAPartitionFileGoesNowhere() throws Exception {
    String secret = "pw-" + UUID.randomUUID().toString().replace("-", "");
    Path secretFile = tmp.resolve("worker.env");
    Files.writeString(secretFile, "SLUICE_DB_PASSWORD=" + secret + "\n");
    LocalDate linked = LocalDate.of(2024, 3, 2);
    LocalDate copied = LocalDate.of(2024, 3, 3);
    Path linkedDir = Files.createDirectories(tmp.resolve("data/raw/" + linked));
    Files.createSymbolicLink(linkedDir.resolve("orders.csv"), secretFile);
    Path copiedDir = Files.createDirectories(tmp.resolve("data/raw/" + copied));
    Files.copy(secretFile, copiedDir.resolve("orders.csv"));

    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logs);
    captured.start();
    Logger root = logs.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(captured);
    StringBuilder histories = new StringBuilder();
    try (RealWorker w = new RealWorker(tmp)) {
      for (LocalDate d : List.of(linked, copied)) {
        FeaturePipelineWorkflow wf =
            PipelineRuns.start(w.client(), w.queue, PipelineRuns.request("orders", d.toString()));
        WorkflowStub stub = WorkflowStub.fromTyped(wf);
        Throwable failed =
            org.assertj.core.api.Assertions.catchThrowable(
                () -> stub.getResult(PipelineResult.class));
        assertThat(failed).as(d.toString()).isNotNull();
        String history =
            new String(
                w.client()
                    .fetchHistory(stub.getExecution().getWorkflowId())
                    .getHistory()
                    .toByteArray(),
                StandardCharsets.ISO_8859_1);
        assertThat(history).contains("BadInput").contains("orders.csv");
        histories.append(history);
      }
      String ledger =
          w.dsl
              .fetchValue("select string_agg(t::text, E'\\n') from meta.partition_ledger t")
              .toString();
      String files =
          w.dsl
              .fetchValue("select string_agg(t::text, E'\\n') from meta.ingested_files t")
              .toString();
      assertThat(ledger).contains("BadInput").doesNotContain(secret);
      assertThat(files).doesNotContain(secret);
    } finally {
      root.detachAppender(captured);
    }
    assertThat(histories.toString()).contains("outside").doesNotContain(secret);
    for (ILoggingEvent e : captured.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(secret);
      if (e.getThrowableProxy() != null) {
        assertThat(ThrowableProxyUtil.asString(e.getThrowableProxy())).doesNotContain(secret);
      }
    }
    assertThat(filesContaining(tmp.resolve("artifacts"), secret)).isEmpty();
  }

  private static List<Path> filesContaining(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().endsWith(".csv") && f.startsWith(dir.resolve("data/raw"))) {
          continue; // the input
        }
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (content.contains(new String(needle, StandardCharsets.ISO_8859_1))) {
          found.add(f);
        }
      }
    }
    return found;
  }
}
