package io.sluice.activities.validate;

import static io.sluice.activities.validate.ValidationTest.HEADER;
import static io.sluice.activities.validate.ValidationTest.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.HtmlPage;
import io.sluice.activities.stage.StageActivitiesImpl;
import io.sluice.activities.support.Json;
import io.sluice.workflows.activity.PartitionRef;
import io.sluice.workflows.activity.StageActivities.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The HTML validation report as a person reads it, parsed back from the file a run wrote. */
class HtmlReportTest {

  static final LocalDate D = LocalDate.of(2024, 4, 1);
  static final PartitionRef REF = ActivityHarness.ref(D);
  static final String T = "2024-04-01T12:00:00Z";

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() {
    h = new ActivityHarness(tmp);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** {@code n} good orders o1..on, then {@code more} as it is. */
  private void write(int n, String more) throws IOException {
    StringBuilder rows = new StringBuilder(HEADER);
    for (int i = 1; i <= n; i++) {
      rows.append(row("o" + i, T, "10", "EUR", "completed"));
    }
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("orders.csv"), rows + more);
  }

  private Path html() {
    return h.settings.reportFile("orders", D, REF.runId(), "html");
  }

  private Path json() {
    return h.settings.reportFile("orders", D, REF.runId(), "json");
  }

  private HtmlPage page() throws IOException {
    return HtmlPage.read(html());
  }

  private JsonNode report() throws IOException {
    return Json.MAPPER.readTree(json().toFile());
  }

  /** Ingest and validate; an error-level failure is expected to stop the run. */
  private void validate() {
    h.ingest.ingest(REF);
    catchThrowable(() -> h.validate.validate(REF));
  }

  @Nested
  class Expectations {

    @Test
    void errorFailuresComeFirstThenWarnFailuresThenPassesAndFailedRowsAreShaded()
        throws IOException {
      // two unknown statuses of 22 fail status_known (error), a currency of four letters
      // currency_is_iso_code (warn); the rest pass
      write(
          20,
          row("s1", T, "10", "EUR", "lost")
              + row("s2", T, "10", "EUR", "lost")
              + row("c1", T, "10", "EURO", "completed"));
      validate();
      HtmlPage p = page();

      List<String> names = p.texts("//table[@id='expectations']/tr/td[2]");
      List<String> classes = p.texts("//table[@id='expectations']/tr[td]/@class");
      assertThat(names).hasSize(14).startsWith("status_known", "currency_is_iso_code");
      assertThat(classes.subList(0, 2)).containsExactly("failed-error", "failed-warn");
      assertThat(classes.subList(2, 14)).containsOnly("passed");
      // within a group, as the config lists them
      List<String> configOrder = new ArrayList<>();
      for (JsonNode o : report().path("expectations")) {
        configOrder.add(o.path("name").asText());
      }
      assertThat(names.subList(2, 14))
          .containsExactlyElementsOf(
              configOrder.stream()
                  .filter(n -> !n.equals("status_known") && !n.equals("currency_is_iso_code"))
                  .toList());
      String css = p.text("/html/head/style");
      assertThat(css)
          .contains("tr.failed-error>td{background:#fde7ea}")
          .contains("tr.failed-warn>td{background:#fff1d6}");
      assertThat(p.text("//table[@id='expectations']/tr[td][1]/td[1]")).isEqualTo("fail");
    }

    /**
     * At 1366 px the table may not be wider than the page: a fixed layout at the page's width, text
     * that wraps anywhere, and samples cut with their text in a title.
     */
    @Test
    void theTableFitsALaptopScreenAndLongSamplesAreCutWithTheirTextInATitle() throws IOException {
      String longStatus = "lost-" + "x".repeat(300);
      write(
          20,
          row("s1", T, "10", "EUR", longStatus)
              + row("s2", T, "10", "EUR", longStatus)
              + row("s3", T, "10", "EUR", "gone"));
      validate();
      HtmlPage p = page();

      assertThat(p.text("//table[@id='expectations']/@class")).isEqualTo("fit");
      assertThat(p.text("/html/head/style"))
          .contains("table.fit{width:100%;table-layout:fixed}")
          .contains("overflow-wrap:anywhere")
          .doesNotContain("nowrap");
      assertThat(p.texts("//table[@id='expectations']/colgroup/col")).hasSize(10);
      String samples = "//table[@id='expectations']/tr[td[2]='status_known']/td[10]/code";
      assertThat(p.texts(samples)).hasSize(2);
      assertThat(p.text(samples + "/span/@title")).isEqualTo(longStatus);
      assertThat(p.text(samples + "/span")).isEqualTo(longStatus.substring(0, 60) + "\u2026");
      assertThat(p.texts(samples + "[not(span)]")).containsExactly("gone");
    }
  }

  @Nested
  class Escaping {

    @Test
    void valuesFromADataFileRenderAsTextNeverAsMarkup() throws IOException {
      String script = "<script>alert(1)</script>";
      String img = "\"><img src=x onerror=alert(1)>";
      String rtl = "ab\u202Edc";
      write(
          40,
          row("x1", T, "10", "EUR", script)
              + row("x2", T, "10", "EUR", "\"" + img.replace("\"", "\"\"") + "\"")
              + row("x3", T, "10", "EUR", rtl));
      validate();
      HtmlPage p = page();

      assertThat(p.count("//script")).isZero();
      assertThat(p.count("//img")).isZero();
      assertThat(p.count("//*[@onerror]")).isZero();
      assertThat(p.texts("//table[@id='expectations']/tr[td[2]='status_known']/td[10]/code"))
          .containsExactly(script, img, "ab[U+202E]dc");
      String raw = Files.readString(html());
      assertThat(raw).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<img");
    }
  }

  @Nested
  class Histograms {

    @Test
    void numericColumnsHaveACountAxisAndBinBounds() throws IOException {
      // amounts -5, 20 and eighteen 10s: 20 bins of 1.25 from -5; the fullest holds 18
      write(18, row("a1", T, "-5", "EUR", "completed") + row("a2", T, "20", "EUR", "completed"));
      validate();
      HtmlPage p = page();

      String amount = "//figure[starts-with(figcaption, 'amount ')]/svg";
      assertThat(p.texts(amount + "/text[@class='y-tick']")).containsExactly("0", "9", "18");
      assertThat(p.text(amount + "/text[@class='y-title']")).isEqualTo("rows");
      assertThat(p.texts(amount + "/text[@class='x-tick']"))
          .containsExactly("-5", "1.25", "7.5", "13.75", "20");
      assertThat(p.texts(amount + "/rect/title"))
          .hasSize(20)
          .startsWith("[-5, -3.75): 1 row")
          .contains("[10, 11.25): 18 rows")
          .endsWith("[18.75, 20]: 1 row");
      // every quantity is 1: one bin, one bound
      String quantity = "//figure[starts-with(figcaption, 'quantity ')]/svg";
      assertThat(p.texts(quantity + "/text[@class='x-tick']")).containsExactly("1");
      assertThat(p.texts(quantity + "/text[@class='y-tick']")).containsExactly("0", "10", "20");
    }

    @Test
    void boundsKeepTheDecimalsThatTellNarrowBinsApart() {
      assertThat(HtmlReport.axis(1.25, 1.25)).isEqualTo("1.25");
      assertThat(HtmlReport.axis(0.001 + 3 * 0.00045, 0.00045)).isEqualTo("0.00235");
      assertThat(HtmlReport.axis(0.0001, 0.0001)).isEqualTo("0.0001");
      assertThat(HtmlReport.axis(-0.0, 1)).isEqualTo("0");
      assertThat(HtmlReport.axis(2.5e9, 1e8)).isEqualTo("2.50e+09");
    }
  }

  @Nested
  class TemporalLink {

    /**
     * The test environment runs each activity as workflow test-workflow-id, a new run each time.
     */
    @Test
    void theReportLinksToTheHistoryOfTheRunThatValidated() throws IOException {
      write(5, "");
      validate();
      JsonNode temporal = report().path("temporal");
      String runId = temporal.path("workflow_run_id").asText();

      assertThat(temporal.path("workflow_id").asText()).isEqualTo("test-workflow-id");
      assertThat(temporal.path("namespace").asText()).isEqualTo("default");
      assertThat(runId).matches("[0-9a-f-]{36}");
      String url =
          "http://127.0.0.1:8233/namespaces/default/workflows/test-workflow-id/"
              + runId
              + "/history";
      assertThat(temporal.path("history_url").asText()).isEqualTo(url);
      assertThat(page().text("//a[@id='temporal-run']/@href")).isEqualTo(url);
    }
  }

  @Nested
  class Quarantine {

    private static final String BAD =
        String.join(
            "\n",
            "b1,C1," + T + ",abc,EUR,completed,books,DE,web,0",
            "b2,C1," + T + ",-1,EUR,completed,books,DE,web,1",
            "b3,C1," + T + ",5,EUR,completed,garden,DE,web,1",
            "b4,C1," + T + ",-2,EUR,completed,garden,DE,web,1",
            "o1,C1," + T + ",11,EUR,completed,books,DE,web,1",
            "");

    @Test
    void stagingAddsTheReasonsWithTheirCountsAndTheReconciliation() throws IOException {
      write(40, BAD);
      h.ingest.ingest(REF);
      h.validate.validate(REF);
      JsonNode validated = report();
      assertThat(page().text("//h2[.='Quarantine']/following-sibling::p[1]"))
          .startsWith("Not staged yet");

      StageResult s = h.stage.stage(REF);
      HtmlPage p = page();

      Map<String, Long> inDatabase = new LinkedHashMap<>();
      for (Record r :
          h.dsl.fetch(
              "select unnest(reasons), count(*) from quarantine.orders"
                  + " where partition_date = ? group by 1",
              D)) {
        inDatabase.put(r.get(0, String.class), r.get(1, Long.class));
      }
      List<String> reasons = p.texts("//table[@id='quarantine']/tr/td[1]");
      List<Long> counts =
          p.texts("//table[@id='quarantine']/tr/td[2]").stream().map(Long::valueOf).toList();
      Map<String, Long> shown = new LinkedHashMap<>();
      for (int i = 0; i < reasons.size(); i++) {
        shown.put(reasons.get(i), counts.get(i));
      }
      assertThat(shown)
          .isEqualTo(inDatabase)
          .containsExactly(
              Map.entry("negative_amount", 2L),
              Map.entry("unknown_category", 2L),
              Map.entry("bad_amount", 1L),
              Map.entry("bad_quantity", 1L));
      assertThat(s).isEqualTo(new StageResult(45, 4, 40, 1));
      assertThat(p.text("//p[@id='reconciliation']"))
          .isEqualTo("raw 45 = quarantined 4 + staged 40 + duplicates 1");

      // the JSON carries the quarantine too, and everything it had before
      JsonNode staged = report();
      assertThat(staged.path("quarantine").path("quarantined_rows").asLong()).isEqualTo(4);
      assertThat(staged.path("quarantine").path("reasons").get(0).path("reason").asText())
          .isEqualTo("negative_amount");
      validated
          .fieldNames()
          .forEachRemaining(
              f -> {
                if (!f.equals("quarantine")) {
                  assertThat(staged.get(f)).as(f).isEqualTo(validated.get(f));
                }
              });
      // the page still has all the validation showed
      assertThat(p.count("//table[@id='expectations']/tr[td]")).isEqualTo(14);
      assertThat(p.count("//figure/svg")).isEqualTo(2);
      assertThat(p.text("//a[@id='temporal-run']/@href"))
          .isEqualTo(validated.path("temporal").path("history_url").asText());
    }

    @Test
    void aStageWithoutAValidationReportWritesNone() throws IOException {
      write(40, BAD);
      h.ingest.ingest(REF);
      h.stage.stage(REF);
      assertThat(json()).doesNotExist();
      assertThat(html()).doesNotExist();
    }

    @Test
    void aReportThatCannotBeWrittenDoesNotFailTheStage() throws IOException {
      write(40, BAD);
      h.ingest.ingest(REF);
      h.validate.validate(REF);
      // a directory where the HTML report goes: it cannot be replaced by a file
      Files.delete(html());
      Files.createDirectories(html().resolve("in-the-way"));

      assertThat(h.stage.stage(REF)).isEqualTo(new StageResult(45, 4, 40, 1));
      assertThat(report().path("quarantine").isNull()).isTrue();
    }

    /** Jackson quotes the text it cannot parse: a sample value must not reach the log that way. */
    @Test
    void aReportThatCannotBeReadIsNamedInTheWarningButNotQuoted() throws IOException {
      write(40, BAD);
      h.ingest.ingest(REF);
      h.validate.validate(REF);
      Files.writeString(json(), "{\"expectations\": [sample-7f3a9c]}");
      ListAppender<ILoggingEvent> log = new ListAppender<>();
      Logger logger = (Logger) LoggerFactory.getLogger(StageActivitiesImpl.class);
      log.start();
      logger.addAppender(log);
      try {
        assertThat(h.stage.stage(REF)).isEqualTo(new StageResult(45, 4, 40, 1));
      } finally {
        logger.detachAppender(log);
      }
      assertThat(log.list).hasSize(1);
      assertThat(log.list.get(0).getFormattedMessage())
          .contains(json() + " cannot be read as a validation report")
          .contains("at line 1, column")
          .doesNotContain("7f3a9c");
    }

    @Test
    void aReportDirectoryLinkedOutsideTheArtifactsDirectoryIsLeftAsItWas() throws IOException {
      write(40, BAD);
      h.ingest.ingest(REF);
      h.validate.validate(REF);
      Path reports = h.settings.artifactsDir().resolve("reports").resolve("orders");
      Path elsewhere = tmp.resolve("elsewhere");
      Files.move(reports, elsewhere);
      Files.createSymbolicLink(reports, elsewhere);
      Path json = elsewhere.resolve(D.toString()).resolve(REF.runId() + ".json");
      Path html = elsewhere.resolve(D.toString()).resolve(REF.runId() + ".html");
      String jsonBefore = Files.readString(json);
      String htmlBefore = Files.readString(html);

      assertThat(h.stage.stage(REF)).isEqualTo(new StageResult(45, 4, 40, 1));
      assertThat(Files.readString(json)).isEqualTo(jsonBefore);
      assertThat(Files.readString(html)).isEqualTo(htmlBefore);
    }
  }
}
