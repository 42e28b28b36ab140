package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.samples.OrdersGenerator;
import io.sluice.workflows.activity.IngestActivities;
import io.sluice.workflows.activity.IngestActivities.IngestResult;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection lost mid-file: the next attempt resumes after the last committed chunk. */
class IngestResumeTest {

  static final LocalDate D = LocalDate.of(2024, 3, 1);

  @TempDir Path tmp;

  @Test
  void aRetriedIngestContinuesWhereTheLastCommittedChunkEnded() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp)) {
      new OrdersGenerator(5, 95).writeDay(h.settings.dataRoot(), D, D);
      AtomicInteger commits = new AtomicInteger();
      DataSource flaky = failingOnCommit(h.dataSource, 3, commits);
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        IngestActivities once = ActivityHarness.ingestInChunks(env, flaky, h.settings, 20);

        assertThatThrownBy(() -> once.ingest(ActivityHarness.ref(D)))
            .hasStackTraceContaining("connection lost");
        assertThat(h.dsl.fetchCount(h.dsl.selectFrom("raw.orders")))
            .as("two chunks of 20 committed before the connection was lost")
            .isEqualTo(40);
        assertThat(h.dsl.fetchValue("select state from meta.ingested_files")).isEqualTo("loading");
        assertThat(
                h.dsl.fetchValue(
                    "select loaded_through_line || '/' || row_count from meta.ingested_files"))
            .as("the resume point committed with the rows: header + 40 lines")
            .isEqualTo("41/40");

        IngestResult r = once.ingest(ActivityHarness.ref(D));
        assertThat(r.rowsLoaded()).as("only the rest is loaded").isEqualTo(55);
        assertThat(r.rawRows()).isEqualTo(95);
        assertThat(h.dsl.fetchValue("select count(distinct line_no) from raw.orders"))
            .isEqualTo(95L);
        assertThat(h.dsl.fetchValue("select min(line_no) || '-' || max(line_no) from raw.orders"))
            .isEqualTo("2-96");
        assertThat(h.dsl.fetchValue("select state from meta.ingested_files")).isEqualTo("sealed");
      } finally {
        env.close();
      }
    }
  }

  /** Connections whose n-th commit (counted over all of them) fails as a lost connection would. */
  static DataSource failingOnCommit(DataSource real, int n, AtomicInteger commits) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (p, m, a) -> {
              Object result = invoke(real, m, a);
              if (!"getConnection".equals(m.getName())) {
                return result;
              }
              Connection c = (Connection) result;
              return Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (cp, cm, ca) -> {
                    if ("commit".equals(cm.getName()) && commits.incrementAndGet() == n) {
                      c.rollback();
                      throw new SQLException("connection lost (injected)", "08006");
                    }
                    return invoke(c, cm, ca);
                  });
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] a)
      throws Throwable {
    try {
      return m.invoke(target, a);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
