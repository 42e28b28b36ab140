package io.sluice.activities.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class OutputsTest {

  @Test
  void aFileErrorWrappedInUncheckedExceptionsIsFound() {
    IOException full = new IOException("No space left on device");
    assertThat(Outputs.ioCause(new DataAccessException("callable", new UncheckedIOException(full))))
        .isSameAs(full);
  }

  @Test
  void aLostDatabaseConnectionIsNotAFileError() {
    SQLException lost =
        new SQLException("An I/O error occurred while sending to the backend.", new IOException());
    assertThat(Outputs.ioCause(new DataAccessException("query", lost))).isNull();
    assertThat(Outputs.ioCause(new IllegalStateException("no I/O at all"))).isNull();
  }
}
