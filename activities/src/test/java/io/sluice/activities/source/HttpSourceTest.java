package io.sluice.activities.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.activities.ActivityHarness;
import io.sluice.activities.Sources;
import io.sluice.activities.Sources.Outcome;
import io.sluice.activities.config.PipelineConfig.Http;
import io.sluice.activities.config.PipelineConfig.Pagination;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code http} source against an HTTP server the test runs: the orders of a CSV drop served as
 * pages of JSON stage the same rows whichever way the pages follow each other; 429 and 5xx are
 * retried, a pull that gives up resumes at its last page; 4xx, bodies that are not JSON and records
 * that are not objects are one clear failure each, never showing the token.
 */
class HttpSourceTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 2;
  static final String TOKEN = "s3cr3t-token-value";

  @TempDir Path tmp;
  HttpServer server;
  String base;
  final Map<String, List<ObjectNode>> byDay = new HashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresLeft = new AtomicInteger();
  volatile int failWith = 500;
  volatile String failPage;
  volatile String answer; // a fixed body instead of records
  volatile int status = 200;
  volatile long delayMillis;
  Path tokenFile;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/orders", this::orders);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    tokenFile = tmp.resolve("api_token");
    Files.writeString(tokenFile, TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /**
   * GET /v1/orders?day=D[&page=N&per_page=S | &offset=O&limit=S | &cursor=C]: {"data": [...],
   * "next": cursor}, and a Link header to the next page.
   */
  private void orders(HttpExchange x) throws IOException {
    String query = x.getRequestURI().getRawQuery();
    requests.add(query);
    Map<String, String> q = new HashMap<>();
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      q.put(
          part.substring(0, eq),
          java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
    }
    try {
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
      send(x, 401, "{\"error\": \"bad token\"}");
      return;
    }
    if ((failPage == null || query.contains(failPage)) && failuresLeft.getAndDecrement() > 0) {
      x.getResponseHeaders().add("Retry-After", "0");
      send(x, failWith, "{\"error\": \"try later\"}");
      return;
    }
    if (answer != null) {
      send(x, status, answer);
      return;
    }
    List<ObjectNode> all = byDay.getOrDefault(q.get("day"), List.of());
    int size = Integer.parseInt(q.getOrDefault("per_page", q.getOrDefault("limit", "1000000")));
    int from =
        q.containsKey("page")
            ? (Integer.parseInt(q.get("page")) - 1) * size
            : q.containsKey("offset")
                ? Integer.parseInt(q.get("offset"))
                : q.containsKey("cursor") ? Integer.parseInt(q.get("cursor")) : 0;
    int to = Math.min(all.size(), from + size);
    ObjectNode body = HttpPull.JSON.createObjectNode();
    ArrayNode data = body.putArray("data");
    for (int i = from; i < to; i++) {
      data.add(all.get(i));
    }
    if (to < all.size()) {
      body.put("next", Integer.toString(to));
      String self = x.getRequestURI().toString();
      x.getResponseHeaders()
          .add(
              "Link",
              "<" + HttpPull.withParam(self, "cursor", Integer.toString(to)) + ">; rel=\"next\"");
    } else {
      body.putNull("next");
    }
    send(x, 200, body.toString());
  }

  private static void send(HttpExchange x, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders()
        .add(
            "Content-Type", code == 200 && body.startsWith("<") ? "text/html" : "application/json");
    x.sendResponseHeaders(code, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private void serve(Path csv, LocalDate day) throws IOException {
    List<ObjectNode> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(csv);
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      for (CSVRecord rec : p) {
        ObjectNode o = HttpPull.JSON.createObjectNode();
        p.getHeaderNames().forEach(n -> o.put(n, rec.get(n)));
        rows.add(o);
      }
    }
    byDay.put(day.toString(), rows);
  }

  private String source(String pagination, String extra) {
    return "  path: pulled/{date}\n"
        + "  kind: http\n"
        + extra
        + "  http:\n"
        + "    url: \""
        + base
        + "/v1/orders?day={date}\"\n"
        + "    records: /data\n"
        + "    token_file: "
        + tokenFile
        + "\n"
        + "    timeout_seconds: 1\n"
        + "    retries: 2\n"
        + pagination;
  }

  static final String CURSOR =
      "    pagination: {kind: cursor, param: cursor, cursor: /next, size_param: per_page, size: 70}\n";

  @Test
  void theOrdersOfACsvDropServedInPagesStageTheSameRowsHoweverThePagesFollow() throws Exception {
    Path csvRoot = tmp.resolve("csv");
    OrdersGenerator gen = new OrdersGenerator(9, 230);
    for (int i = 0; i < DAYS; i++) {
      serve(gen.writeDay(csvRoot.resolve("data"), FIRST, FIRST.plusDays(i)), FIRST.plusDays(i));
    }
    Outcome csv;
    try (ActivityHarness h = Sources.harness(csvRoot, null)) {
      Sources.stage(h, FIRST, DAYS);
      csv = Outcome.of(h, false);
    }
    List<String> paginations =
        List.of(
            CURSOR,
            "    pagination: {kind: page, param: page, size_param: per_page, size: 50}\n",
            "    pagination: {kind: offset, param: offset, size_param: limit, size: 64}\n",
            "    pagination: {kind: link, size_param: per_page, size: 100}\n",
            "");
    for (String pagination : paginations) {
      requests.clear();
      try (ActivityHarness h =
          Sources.harness(
              tmp.resolve("http-" + paginations.indexOf(pagination)), source(pagination, ""))) {
        Sources.stage(h, FIRST, DAYS);
        assertThat(Outcome.of(h, false)).as(pagination).isEqualTo(csv);
      }
      assertThat(requests.size()).as(pagination).isGreaterThan(pagination.isEmpty() ? 1 : 4);
    }
  }

  @Test
  void anUnchangedApiIsNoNewVersionAndAChangedRecordIs() throws Exception {
    byDay.put(FIRST.toString(), records(120));
    try (ActivityHarness h = Sources.harness(tmp.resolve("changes"), source(CURSOR, ""))) {
      var ref = ActivityHarness.ref(FIRST);
      assertThat(h.source.probe(ref).ready()).as("the sensor").isTrue();
      assertThat(requests).as("the sensor asks for the first page only").hasSize(1);
      assertThat(h.ingest.ingest(ref).partitionVersion()).isEqualTo(1);
      var again = h.ingest.ingest(ref);
      assertThat(again.partitionVersion()).isEqualTo(1);
      assertThat(again.filesNew()).isZero();
      byDay.get(FIRST.toString()).get(7).put("status", "refunded");
      assertThat(h.source.changedPartitions(ActivityHarness.ref(FIRST.plusDays(1))))
          .containsExactly(FIRST.toString());
      var changed = h.ingest.ingest(ref);
      assertThat(changed.partitionVersion()).isEqualTo(2);
      assertThat(changed.rawRows()).isEqualTo(120);
    }
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedAfterTheServersPause() throws Exception {
    byDay.put(FIRST.toString(), records(5));
    failuresLeft.set(2);
    failWith = 429;
    try (ActivityHarness h = Sources.harness(tmp.resolve("429"), source(CURSOR, ""))) {
      assertThat(h.ingest.ingest(ActivityHarness.ref(FIRST)).rawRows()).isEqualTo(5);
      assertThat(requests).hasSize(3);
    }
  }

  @Test
  void aPullThatGivesUpResumesAtItsLastPage() throws Exception {
    byDay.put(FIRST.toString(), records(700));
    Http http =
        new Http(
            base + "/v1/orders?day={date}",
            "/data",
            null,
            null,
            tokenFile.toString(),
            new Pagination("cursor", "cursor", null, "per_page", 100, "/next"),
            null,
            1,
            1);
    Path extract = tmp.resolve("pulled/extract.jsonl");
    List<HttpPull.State> beats = new ArrayList<>();
    failPage = "cursor=400";
    failuresLeft.set(2); // more than the one retry: the pull gives up at page 5
    assertThatThrownBy(() -> pull(http, extract, null, beats))
        .hasMessageContaining("answered 500 (2 tries); the pull will be retried from page 4");
    assertThat(beats).hasSize(4);
    assertThat(Files.exists(extract)).isFalse();
    requests.clear();
    pull(http, extract, beats.get(3), beats);
    assertThat(requests)
        .as("pages 5 to 7 only")
        .hasSize(3)
        .allMatch(r -> !r.contains("cursor=300"));
    List<String> lines = Files.readAllLines(extract);
    assertThat(lines).hasSize(700);
    for (int i = 0; i < 700; i++) {
      assertThat(lines.get(i)).isEqualTo(records(700).get(i).toString());
    }
  }

  @Test
  void aWrongTokenIsABadConfigThatNamesWhereTheTokenIsNotWhatItIs() throws Exception {
    Files.writeString(tokenFile, "wrong-token-value");
    try (ActivityHarness h = Sources.harness(tmp.resolve("401"), source(CURSOR, ""))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage())
          .contains("GET " + base + "/v1/orders?day=2024-03-01&per_page=70 answered 401")
          .contains("check the token in " + tokenFile)
          .doesNotContain("wrong-token-value");
      assertThat(requests).hasSize(1);
    }
  }

  @Test
  void aMissingPageIsABadConfig() throws Exception {
    answer = "{\"error\": \"no such day\"}";
    status = 404;
    try (ActivityHarness h = Sources.harness(tmp.resolve("404"), source(CURSOR, ""))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage()).contains("answered 404; check source.http.url");
    }
  }

  @Test
  void aBodyThatIsNotJsonIsABadInput() throws Exception {
    answer = "<html>maintenance</html>";
    try (ActivityHarness h = Sources.harness(tmp.resolve("html"), source(CURSOR, ""))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
      assertThat(f.getOriginalMessage())
          .contains("answered 200 with a body that is not JSON (Content-Type text/html)");
      assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders"))).isZero();
    }
  }

  @Test
  void aRecordThatIsNotAnObjectIsABadInput() throws Exception {
    answer = "{\"data\": [{\"order_id\": \"o-1\"}, [1, 2]], \"next\": null}";
    try (ActivityHarness h = Sources.harness(tmp.resolve("array"), source(CURSOR, ""))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
      assertThat(f.getOriginalMessage())
          .contains("record 2 of GET")
          .contains("is a JSON array, not an object");
    }
  }

  @Test
  void aSlowServerIsRetriedThenTheActivityIsRetried() throws Exception {
    byDay.put(FIRST.toString(), records(3));
    delayMillis = 2500;
    try (ActivityHarness h = Sources.harness(tmp.resolve("slow"), source(CURSOR, ""))) {
      ApplicationFailure f = fails(h);
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage())
          .contains("no answer within 1 s (3 tries); the pull will be retried from page 0");
    }
  }

  @Test
  void anEmptyDayIsAMissingSourceUnlessDeclaredAnEmptyDay() throws Exception {
    try (ActivityHarness h = Sources.harness(tmp.resolve("empty"), source(CURSOR, ""))) {
      assertThat(h.source.probe(ActivityHarness.ref(FIRST)).ready()).as("the sensor").isFalse();
      assertThat(fails(h).getType()).isEqualTo(FailureTypes.SOURCE_MISSING);
    }
    try (ActivityHarness h =
        Sources.harness(tmp.resolve("empty-ok"), source(CURSOR, "  allow_empty: true\n"))) {
      assertThat(h.ingest.ingest(ActivityHarness.ref(FIRST)).rawRows()).isZero();
    }
  }

  @Test
  void aTokenWrittenAsAHeaderIsRefused() throws Exception {
    try (ActivityHarness h =
        Sources.harness(
            tmp.resolve("header"),
            source(CURSOR, "")
                .replace(
                    "    records: /data\n",
                    "    records: /data\n    headers: {Authorization: Bearer x}\n"))) {
      ApplicationFailure f = fails(h);
      assertThat(f.getType()).isEqualTo(FailureTypes.BAD_CONFIG);
      assertThat(f.getOriginalMessage())
          .contains("key 'source.http.headers.authorization': a secret; name it with token_env");
    }
  }

  private static void pull(Http http, Path extract, HttpPull.State from, List<HttpPull.State> beats)
      throws IOException {
    HttpPull.pull(
        "orders's source", http, Secrets.ofEnvironment(), FIRST, extract, false, from, beats::add);
  }

  private static List<ObjectNode> records(int n) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode o = HttpPull.JSON.createObjectNode();
      o.put("order_id", "o-" + i)
          .put("customer_id", "c-1")
          .put("order_ts", "2024-03-01T09:00:00Z")
          .put("amount", new java.math.BigDecimal("12.50"))
          .put("status", "completed")
          .put("category", "books")
          .put("quantity", 1);
      out.add(o);
    }
    return out;
  }

  private static ApplicationFailure fails(ActivityHarness h) {
    Throwable t = catchThrowable(() -> h.ingest.ingest(ActivityHarness.ref(FIRST)));
    assertThat(t).isNotNull();
    return (ApplicationFailure) t.getCause();
  }
}
