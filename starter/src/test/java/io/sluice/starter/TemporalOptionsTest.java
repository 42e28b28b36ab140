package io.sluice.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command that talks to Temporal says at once which server it could not reach. */
class TemporalOptionsTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  /** A local port nothing listens on (it was free a moment ago). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "run --dataset orders --date 2024-01-01 --pipelines-dir ../pipelines",
        "status sluice/orders/2024-01-01",
        "runs --dataset orders --failed",
        "rerun sluice/orders/2024-01-01",
        "rerun --failed --dataset orders",
        "watch sluice/orders/2024-01-01",
        "cancel sluice/orders/2024-01-01",
        "pause sluice-backfill/orders/2024-01-01..2024-01-02",
        "backfill --dataset orders --from 2024-01-01 --to 2024-01-02 --no-wait",
        "replay sluice/orders/2024-01-01",
        "schedule create --dataset orders --pipelines-dir ../pipelines",
        "schedule list",
        "schedule describe --dataset orders",
        "schedule trigger --dataset orders"
      })
  void anUnreachableServerIsNamedWithWhatToCheck(String command) throws IOException {
    String address = "127.0.0.1:" + freePort();
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--address", address));

    long started = System.nanoTime();
    int exit = SluiceCli.execute(args.toArray(String[]::new));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(exit).isEqualTo(1);
    assertThat(console.err())
        .contains("cannot reach the Temporal server at " + address)
        .contains("is it running?")
        .contains("--address", "TEMPORAL_ADDRESS")
        .contains("scripts/dev-services start");
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }
}
