package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code run} and {@code schedule create} refuse a dataset without a pipeline config that loads
 * before they start anything: the Temporal address given is unreachable, so a command that got as
 * far as Temporal would say so instead.
 */
class PipelinesOptionsTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @TempDir Path pipelines;

  private static final String[] STARTING = {
    "run --dataset %s --date 2024-01-01", "schedule create --dataset %s"
  };

  private int sluice(String command, String dataset, Path dir) throws IOException {
    List<String> args = new ArrayList<>(List.of(String.format(command, dataset).split(" ")));
    try (ServerSocket s = new ServerSocket(0)) {
      args.addAll(List.of("--address", "127.0.0.1:" + s.getLocalPort()));
    }
    args.addAll(List.of("--pipelines-dir", dir.toString()));
    return SluiceCli.execute(args.toArray(String[]::new));
  }

  private void orders() throws IOException {
    Files.copy(Path.of("../pipelines/orders.yaml"), pipelines.resolve("orders.yaml"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void anUnknownDatasetIsRefusedNamingTheFileAndTheDatasetsThere(int command) throws IOException {
    orders();
    Files.writeString(pipelines.resolve("returns.yaml"), "dataset: returns\n");

    assertThat(sluice(STARTING[command], "ordres", pipelines)).isEqualTo(2);
    assertThat(console.err())
        .contains("unknown dataset 'ordres'")
        .contains(pipelines.resolve("ordres.yaml").toString())
        .contains("datasets there: orders, returns")
        .contains("--pipelines-dir", "SLUICE_PIPELINES_DIR")
        .doesNotContain("Temporal");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aConfigThatDoesNotLoadIsRefusedWithTheLoadersReason(int command) throws IOException {
    Files.writeString(pipelines.resolve("orders.yaml"), "dataset: orders\nno_such_key: 1\n");

    assertThat(sluice(STARTING[command], "orders", pipelines)).isEqualTo(2);
    assertThat(console.err())
        .contains("pipeline config of dataset 'orders' does not load")
        .contains("orders.yaml")
        .contains("no_such_key")
        .doesNotContain("Temporal");
  }

  @Test
  void aFeatureSetGivenAsADatasetIsRefusedSayingHowToRunIt() throws IOException {
    orders();
    Files.createDirectories(pipelines.resolve("features"));
    Files.copy(
        Path.of("../pipelines/features/customer_value.yaml"),
        pipelines.resolve("features/customer_value.yaml"));
    assertThat(sluice("run --dataset %s --date 2024-01-01", "customer_value", pipelines))
        .isEqualTo(2);
    assertThat(console.err())
        .contains("'customer_value' is a feature set")
        .contains("sluice run --feature-set customer_value --date <yyyy-MM-dd>")
        .doesNotContain("Temporal");
    assertThat(
            sluice(
                "backfill --dataset %s --from 2024-01-01 --to 2024-01-31",
                "customer_value", pipelines))
        .isEqualTo(2);
    assertThat(console.err())
        .contains(
            "sluice backfill --feature-set customer_value --from <yyyy-MM-dd> --to <yyyy-MM-dd>")
        .doesNotContain("Temporal");
  }

  @Test
  void aMissingPipelinesDirectoryIsNamed() throws IOException {
    Path nowhere = pipelines.resolve("nowhere");
    assertThat(sluice(STARTING[0], "orders", nowhere)).isEqualTo(2);
    assertThat(console.err())
        .contains(nowhere.resolve("orders.yaml").toString())
        .contains(nowhere + " does not exist")
        .contains("--pipelines-dir");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aKnownDatasetGoesOnToTemporal(int command) throws IOException {
    orders();
    assertThat(sluice(STARTING[command], "orders", pipelines)).isEqualTo(1);
    assertThat(console.err()).contains("cannot reach the Temporal server");
  }
}
