package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.activities.ActivityHarness;
import io.sluice.samples.CustomersGenerator;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.PartitionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled {@code customer_value} feature set (orders joined with the customers dimension,
 * transforms fitted on the training split): what a joined dataset receives after the training dates
 * changes neither the training rows nor a fitted parameter, whatever time it says it took effect.
 */
class JoinedTransformsTest {

  static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  static final int DAYS = 45;
  static final LocalDate LAST = FIRST.plusDays(DAYS - 1);

  @TempDir Path tmp;
  ActivityHarness h;

  @BeforeEach
  void setUp() throws IOException {
    h = new ActivityHarness(tmp.resolve("sluice"));
    Path pipelines = h.settings.pipelinesDir();
    Files.copy(
        ActivityHarness.repoFile("pipelines/customers.yaml"), pipelines.resolve("customers.yaml"));
    Files.createDirectories(pipelines.resolve("features"));
    Files.copy(
        ActivityHarness.repoFile("pipelines/features/customer_value.yaml"),
        pipelines.resolve("features/customer_value.yaml"));
    OrdersGenerator orders = new OrdersGenerator(11, 60);
    CustomersGenerator customers = new CustomersGenerator(11, 60);
    for (LocalDate d = FIRST; !d.isAfter(LAST); d = d.plusDays(1)) {
      orders.writeDay(h.settings.dataRoot(), FIRST, d);
      customers.writeDay(h.settings.dataRoot(), FIRST, d);
      stage("orders", d, "run-" + d);
      stage("customers", d, "run-" + d);
    }
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void stage(String dataset, LocalDate d, String run) {
    PartitionRef ref = new PartitionRef(dataset, d.toString(), run);
    h.ingest.ingest(ref);
    h.validate.validate(ref);
    h.stage.stage(ref);
  }

  /** Features up to LAST, split and publish as {@code run}; the export's metadata. */
  private JsonNode publish(String run) throws IOException {
    PartitionRef ref = new PartitionRef("customer_value", LAST.toString(), run);
    h.features.computeFeatures(ref, 1);
    h.split.split(ref);
    Path export = Path.of(h.publish.publish(ref).exportPath());
    return new ObjectMapper().readTree(export.resolve("metadata.json").toFile());
  }

  private List<String> rows(String where, Object... values) {
    return h.dsl
        .fetch(
            "select concat_ws(' ', feature_date, customer_id, segment, region, credit_limit,"
                + " revenue_to_limit_30d) from feats.customer_value_features where "
                + where
                + " order by feature_date, customer_id",
            values)
        .getValues(0, String.class);
  }

  @Test
  void aDimensionVersionReceivedAfterTheTrainingDatesChangesNoFittedParameter() throws Exception {
    JsonNode before = publish("first");
    LocalDate trainEnd = LocalDate.parse(before.at("/splits/train/to_date").asText());
    LocalDate valStart = LocalDate.parse(before.at("/splits/val/from_date").asText());
    assertThat(trainEnd.plusDays(before.at("/label/horizon_days").asInt(7)))
        .as("the embargo: no training label reads a validation date")
        .isBefore(valStart);
    assertThat(before.at("/transforms/columns").size()).isGreaterThan(10);
    List<String> training = rows("feature_date <= ?", trainEnd);
    assertThat(training).isNotEmpty();

    // received on the last day: every customer in a new segment with a limit of 1, half of them
    // back-dated to the first day (inside the training dates), half taking effect the day before
    List<String> ids =
        h.dsl
            .fetch("select distinct customer_id from stg.customers order by 1")
            .getValues(0, String.class);
    StringBuilder late = new StringBuilder();
    for (int i = 0; i < ids.size(); i++) {
      LocalDate effective = i % 2 == 0 ? FIRST : LAST.minusDays(1);
      late.append(ids.get(i))
          .append(",enterprise,nowhere,1.00,")
          .append(effective)
          .append("T12:00:00Z\n");
    }
    Files.writeString(
        h.settings.dataRoot().resolve("customers/" + LAST + "/customers.csv"),
        late.toString(),
        StandardOpenOption.APPEND);
    stage("customers", LAST, "late-customers");
    // every date computed again in one range pass, the late partition staged
    h.dsl.execute("delete from meta.feature_dates where dataset = 'customer_value'");
    h.dsl.execute("delete from meta.feature_state");
    JsonNode after = publish("after-late-customers");

    assertThat(rows("feature_date <= ?", trainEnd)).as("the training rows").isEqualTo(training);
    assertThat(after.get("transforms"))
        .as("every fitted parameter")
        .isEqualTo(before.get("transforms"));
    assertThat(rows("feature_date = ? and region = 'nowhere'", LAST))
        .as("the last date reads the versions that took effect before its T")
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).contains(" enterprise nowhere 1.00 "));
  }
}
