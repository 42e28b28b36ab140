package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.HtmlPage;
import io.sluice.activities.support.Json;
import io.sluice.workflows.FailureTypes;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.sluice.workflows.activity.StageActivities.StageResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-file corpus in test resources: each file-level case fails with BadInput (or
 * SourceMissing) naming file, line and problem, and leaves raw as it was.
 */
class BadInputTest {

  static final LocalDate D = LocalDate.of(2024, 5, 1);

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

  /** Copies one corpus case into the partition directory of {@link #D}. */
  private void drop(String corpusCase) throws IOException {
    Path from = ActivityHarness.repoFile("activities/src/test/resources/bad-files/" + corpusCase);
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
  }

  private ApplicationFailure ingestFails() {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> h.ingest.ingest(ActivityHarness.ref(D)));
    assertThat(t).isInstanceOf(ActivityFailure.class);
    assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t.getCause();
  }

  private void assertRefused(String corpusCase, String problem, long line) throws IOException {
    drop(corpusCase);
    assertRefused(problem, line);
  }

  /** The file of {@link #D} dropped already is refused with {@code problem} at {@code line}. */
  private void assertRefused(String problem, long line) throws IOException {
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .contains("orders.csv line " + line + ": " + problem)
        .contains("no row of this file is in raw")
        .contains("Report: ");
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).as("raw untouched").isZero();
    assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.partition_versions"))).isZero();
    assertReported(problem.split(":")[0], line);
    // a retry of the same bytes is refused again, the same way, without reading them again
    Files.delete(report("html"));
    assertThat(ingestFails().getOriginalMessage()).contains(problem);
    assertReported(problem.split(":")[0], line);
  }

  private Path report(String extension) {
    return h.settings.reportFile("orders", D, "run-" + D, extension);
  }

  /** Both reports name the file, its hash, the line and kind of problem, and what to do. */
  private void assertReported(String kind, long line) throws IOException {
    JsonNode json = Json.MAPPER.readTree(report("json").toFile());
    assertThat(json.path("line").asLong()).isEqualTo(line);
    assertThat(json.path("kind").asText()).isEqualTo(kind);
    assertThat(json.path("sha256").asText()).matches("[0-9a-f]{64}");
    HtmlPage page = HtmlPage.read(report("html"));
    assertThat(page.text("//table[@id='rejection']/tr[th='file']/td")).isEqualTo("orders.csv");
    assertThat(page.text("//table[@id='rejection']/tr[th='SHA-256']/td"))
        .isEqualTo(json.path("sha256").asText());
    assertThat(page.text("//td[@id='line']")).isEqualTo(Long.toString(line));
    assertThat(page.text("//td[@id='kind']")).isEqualTo(kind);
    assertThat(page.text("//p[@id='what-to-do']"))
        .isEqualTo(FileProblem.Kind.valueOf(kind.toUpperCase(Locale.ROOT)).whatToDo());
  }

  /**
   * A file whose first line is anything (here a secret): the page names it by name and hash, says
   * what is wrong and what to do, and holds nothing read from it.
   */
  @Test
  void aRefusedFileHasAnHtmlReportWithNothingOfItsContent() throws Exception {
    String secret = "AKIA-not-a-header-3f9c7e";
    Path file = partitionFile();
    Files.writeString(file, secret + "\n" + secret + "\n");
    assertThat(ingestFails().getType()).isEqualTo(FailureTypes.BAD_INPUT);

    String html = Files.readString(report("html"));
    assertThat(html).doesNotContain(secret).doesNotContain("AKIA");
    assertThat(Files.readString(report("json"))).doesNotContain("AKIA");
    HtmlPage page = HtmlPage.read(report("html"));
    assertThat(page.text("//table[@id='rejection']/tr[th='SHA-256']/td"))
        .isEqualTo(
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    assertThat(page.text("//td[@id='kind']")).isEqualTo("missing_columns");
    assertThat(page.text("//td[@id='line']")).isEqualTo("1");
    assertThat(page.text("//p[@id='what-to-do']"))
        .isEqualTo(FileProblem.Kind.MISSING_COLUMNS.whatToDo());
    assertThat(page.text("//a[@id='temporal-run']/@href"))
        .startsWith("http://127.0.0.1:8233/namespaces/default/workflows/test-workflow-id/")
        .endsWith("/history");
  }

  @Test
  void aProblemIsLocatedFromItsMessage() {
    assertThat(FileProblem.locate("a: b.csv", "a: b.csv line 12: bad_quoting: text after a quote"))
        .isEqualTo(new FileProblem.Where(12, FileProblem.Kind.BAD_QUOTING));
    assertThat(FileProblem.locate("b.csv", "b.csv line 1: no_such_kind: x")).isNull();
    assertThat(FileProblem.locate("b.csv", "c.csv line 1: empty_file: x")).isNull();
    assertThat(FileProblem.locate("b.csv", null)).isNull();
  }

  @Test
  void emptyFile() throws IOException {
    assertRefused("empty-file", "empty_file", 1);
  }

  @Test
  void headerOnly() throws IOException {
    assertRefused("header-only", "header_only", 2);
  }

  @Test
  void missingRequiredColumn() throws IOException {
    assertRefused(
        "missing-column",
        "missing_columns: required column(s) missing from the header: [amount]",
        1);
  }

  @Test
  void duplicateHeaderNames() throws IOException {
    assertRefused(
        "duplicate-header",
        "duplicate_header: column names repeated: 'currency' at columns [5, 8]",
        1);
  }

  @Test
  void bytesThatAreNotUtf8() throws IOException {
    assertRefused("not-utf8", "not_utf8", 4);
  }

  @Test
  void unterminatedQuotedField() throws IOException {
    assertRefused("unterminated-quote", "unterminated_quote", 5);
  }

  @Test
  void nulCharacter() throws IOException {
    assertRefused("nul-character", "nul_character", 4);
  }

  private static final String HEADER =
      "order_id,customer_id,order_ts,amount,currency,status,category,country,channel,quantity";

  private Path partitionFile() throws IOException {
    Path dir = h.settings.dataRoot().resolve("raw").resolve(D.toString());
    Files.createDirectories(dir);
    return dir.resolve("orders.csv");
  }

  @Test
  void aHeaderOfTenThousandColumnsIsRefused() throws IOException {
    StringBuilder header = new StringBuilder(HEADER);
    for (int i = 0; i < 10_000; i++) {
      header.append(",c").append(i);
    }
    Files.writeString(
        partitionFile(),
        header + "\no1,C1,2024-05-01T10:00:00Z,10.00,EUR,completed,books,DE,web,1\n");
    assertRefused("too_many_fields: more than 2000 fields in one record", 1);
  }

  /** A sparse file: a line of 1 GiB that takes no disk; the reader stops at its limit. */
  @Test
  void aOneGigabyteLineIsRefusedWithoutHoldingItInMemory() throws IOException {
    Path file = partitionFile();
    Files.writeString(file, HEADER + "\no1,");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(1L << 30);
    }
    assertRefused("record_too_long: a record longer than 16 MiB", 2);
  }

  @Test
  void missingPartitionDirectory() {
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_MISSING);
    assertThat(f.getOriginalMessage()).contains("raw/2024-05-01 does not exist");
  }

  @Test
  void directoryWithoutFiles() throws IOException {
    Files.createDirectories(h.settings.dataRoot().resolve("raw").resolve(D.toString()));
    ApplicationFailure f = ingestFails();
    assertThat(f.getType()).isEqualTo(FailureTypes.SOURCE_MISSING);
    assertThat(f.getOriginalMessage()).contains("no files matching *.{csv,csv.gz}");
  }

  @Nested
  class GoodVariants {

    @Test
    void gzipLoadsLikePlain() throws IOException {
      drop("gzip");
      assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(5);
    }

    @Test
    void bomAndCrlfLoadTheSameValuesAsPlain() throws IOException {
      drop("bom-crlf");
      IngestResult r = h.ingest.ingest(ActivityHarness.ref(D));
      assertThat(r.rawRows()).isEqualTo(5);
      assertThat(
              h.dsl.fetchValue("select string_agg(quantity, ',' order by line_no) from raw.orders"))
          .isEqualTo("1,1,1,1,1");
      assertThat(h.dsl.fetchValue("select count(*) from raw.orders where order_id like 'o%'"))
          .isEqualTo(5L);
    }

    @Test
    void everyCharacterCopyEscapesArrivesInRawUnchanged() throws IOException {
      drop("awkward-text");
      assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(4);
      Map<String, String> raw = new HashMap<>();
      for (var r :
          h.dsl.fetch(
              "select order_id, line_no, customer_id, category, quantity, extra->>'note' as note"
                  + " from raw.orders")) {
        raw.put(r.get("order_id") + ".line", r.get("line_no").toString());
        raw.put(r.get("order_id") + ".customer", r.get("customer_id", String.class));
        raw.put(r.get("order_id") + ".category", r.get("category", String.class));
        raw.put(r.get("order_id") + ".quantity", r.get("quantity", String.class));
        raw.put(r.get("order_id") + ".note", r.get("note", String.class));
      }
      assertThat(raw)
          .containsEntry("o1.customer", "tab\there")
          .containsEntry("o1.category", "back\\slash \\N \\t")
          .containsEntry("o1.note", "extra\twith tab")
          .containsEntry("o2.customer", "line one\nline two")
          .containsEntry("o2.category", "carriage\rreturn")
          .containsEntry("o2.note", "")
          // Lines are counted as the CSV parser counts them: a lone CR ends a line too.
          .containsEntry("o3.line", "6")
          .containsEntry("o3.customer", "Zo\u00eb \u65e5\u672c \ud83d\ude00")
          .containsEntry("o3.category", "\"quoted\"")
          .containsEntry("o3.quantity", "")
          .containsEntry("o3.note", "\\N")
          .containsEntry("o4.line", "7")
          .containsEntry("o4.customer", "\\N");
    }

    @Test
    void rowsWithTheWrongNumberOfFieldsAreQuarantined() throws IOException {
      drop("wrong-field-count");
      h.ingest.ingest(ActivityHarness.ref(D));
      StageResult s = h.stage.stage(ActivityHarness.ref(D));
      assertThat(s).isEqualTo(new StageResult(3, 2, 1, 0));
      String[] short_ =
          h.dsl
              .fetchOne("select reasons from quarantine.orders where line_no = 3")
              .get(0, String[].class);
      assertThat(Arrays.asList(short_)).contains("wrong_field_count");
      String surplus =
          h.dsl
              .fetchValue(
                  "select record->'extra'->>'_field_11' from quarantine.orders where line_no = 4")
              .toString();
      assertThat(surplus).as("the surplus field is kept, not dropped").isEqualTo("surplus");
    }

    @Test
    void headerOnlyIsAValidDayWhenConfigured() throws IOException {
      Path cfg = h.settings.pipelinesDir().resolve("orders.yaml");
      Files.writeString(
          cfg,
          Files.readString(cfg).replace("allow_header_only: false", "allow_header_only: true"));
      drop("header-only");
      assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isZero();
    }
  }

  /** Symbolic links in the partition's path: followed only where they stay under a root. */
  @Nested
  class Links {

    /** A directory outside every root holding the corpus' plain file. */
    private Path outside() throws IOException {
      Path dir = tmp.resolve("outside").resolve(D.toString());
      Files.createDirectories(dir);
      Files.copy(
          ActivityHarness.repoFile("activities/src/test/resources/bad-files/plain/orders.csv"),
          dir.resolve("orders.csv"));
      return dir;
    }

    private Path partitionDir() {
      return h.settings.dataRoot().resolve("raw").resolve(D.toString());
    }

    private void assertRefusedAsOutside(ApplicationFailure f, String path) {
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage())
          .contains("orders/2024-05-01", path, h.settings.dataRoot().toString())
          .contains("SLUICE_ALLOWED_ROOTS");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).as("raw untouched").isZero();
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("meta.ingested_files"))).isZero();
    }

    @Test
    void aPartitionDirectoryLinkedOutsideTheDataRootIsRefused() throws IOException {
      Path target = outside();
      Files.createDirectories(partitionDir().getParent());
      Files.createSymbolicLink(partitionDir(), target);
      assertRefusedAsOutside(ingestFails(), "raw/2024-05-01");
    }

    @Test
    void aFileLinkedOutsideTheDataRootIsRefusedAndNoFileOfThePartitionLoads() throws IOException {
      Path target = outside().resolve("orders.csv");
      drop("plain");
      Files.createSymbolicLink(partitionDir().resolve("orders-late.csv"), target);
      assertRefusedAsOutside(ingestFails(), "raw/2024-05-01/orders-late.csv");
    }

    @Test
    void theSensorRefusesAPartitionLinkedOutside() throws IOException {
      Path target = outside();
      Files.createDirectories(partitionDir().getParent());
      Files.createSymbolicLink(partitionDir(), target);
      Throwable t = catchThrowable(() -> h.source.probe(ActivityHarness.ref(D)));
      assertThat(t).as("probe refused").isNotNull();
      assertThat(t.getCause()).isInstanceOf(ApplicationFailure.class);
      assertRefusedAsOutside((ApplicationFailure) t.getCause(), "raw/2024-05-01");
    }

    @Test
    void aLinkThatStaysInsideTheDataRootLoads() throws IOException {
      Path archived = h.settings.dataRoot().resolve("archive").resolve(D.toString());
      Files.createDirectories(archived);
      Files.copy(
          ActivityHarness.repoFile("activities/src/test/resources/bad-files/plain/orders.csv"),
          archived.resolve("orders.csv"));
      Files.createDirectories(partitionDir().getParent());
      Files.createSymbolicLink(partitionDir(), archived);
      assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(5);
    }

    @Test
    void aLinkIntoAnAllowedRootLoads() throws IOException {
      Path target = outside();
      h.close();
      h = new ActivityHarness(tmp.resolve("allowing"), false, List.of(tmp.resolve("outside")));
      Files.createDirectories(partitionDir().getParent());
      Files.createSymbolicLink(partitionDir(), target);
      assertThat(h.ingest.ingest(ActivityHarness.ref(D)).rawRows()).isEqualTo(5);
    }
  }

  @Test
  void aSealedFileCannotBeChanged() throws IOException {
    drop("plain");
    h.ingest.ingest(ActivityHarness.ref(D));
    assertThatThrownBy(() -> h.dsl.execute("delete from raw.orders"))
        .hasMessageContaining("append-only");
  }
}
