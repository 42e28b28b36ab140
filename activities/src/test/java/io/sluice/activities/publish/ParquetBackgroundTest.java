package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ParquetRows;
import io.sluice.activities.features.FeatureSet.Column;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet file written on a thread of its own holds every row in the order handed over, across
 * batch boundaries; a row its writer refuses fails the export where the rows are handed over or
 * finished; an export abandoned halfway stops the thread and leaves no complete file.
 */
class ParquetBackgroundTest {

  static final List<Column> COLUMNS =
      List.of(
          new Column("d", SQLDataType.LOCALDATE.notNull(), ""),
          new Column("n", SQLDataType.INTEGER, ""),
          new Column("x", SQLDataType.NUMERIC, ""));

  @TempDir Path tmp;

  @Test
  void keepsTheRowsAndTheirOrderAcrossBatches() throws Exception {
    Path file = tmp.resolve("rows.parquet");
    int rows = 5000; // several batches and a partial last one
    try (ParquetBackground pq =
        new ParquetBackground(ParquetExport.open(file, COLUMNS), "rows.parquet")) {
      for (int i = 0; i < rows; i++) {
        pq.write(
            new Object[] {
              LocalDate.of(2024, 1, 1).plusDays(i % 40), i % 7 == 0 ? null : i, i / 4.0
            });
      }
      pq.finish();
    }
    List<Group> read = ParquetRows.read(file);
    assertThat(read).hasSize(rows);
    for (int i = 0; i < rows; i++) {
      Group g = read.get(i);
      assertThat(g.getInteger("d", 0))
          .isEqualTo((int) LocalDate.of(2024, 1, 1).plusDays(i % 40).toEpochDay());
      assertThat(g.getFieldRepetitionCount("n")).isEqualTo(i % 7 == 0 ? 0 : 1);
      if (i % 7 != 0) {
        assertThat(g.getInteger("n", 0)).isEqualTo(i);
      }
      assertThat(g.getDouble("x", 0)).isEqualTo(i / 4.0);
    }
  }

  @Test
  void aRowTheWriterRefusesFailsTheExport() throws Exception {
    Path file = tmp.resolve("bad.parquet");
    assertThatThrownBy(
            () -> {
              try (ParquetBackground pq =
                  new ParquetBackground(ParquetExport.open(file, COLUMNS), "bad.parquet")) {
                pq.write(new Object[] {LocalDate.of(2024, 1, 1), 1, 1.0});
                pq.write(new Object[] {null, 2, 2.0}); // d is not nullable
                for (int i = 0; i < 100_000; i++) {
                  pq.write(new Object[] {LocalDate.of(2024, 1, 1), i, 0.5});
                }
                pq.finish();
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column d is null in a non-null column");
  }

  @Test
  void anAbandonedExportStopsTheThread() throws Exception {
    Path file = tmp.resolve("abandoned.parquet");
    ParquetBackground pq =
        new ParquetBackground(ParquetExport.open(file, COLUMNS), "abandoned.parquet");
    for (int i = 0; i < 3000; i++) {
      pq.write(new Object[] {LocalDate.of(2024, 1, 1), i, 0.5});
    }
    pq.close();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("parquet abandoned.parquet"))
                .filter(Thread::isAlive))
        .isEmpty();
    // left without a footer: no file that reads as a complete export of fewer rows
    assertThatThrownBy(() -> ParquetRows.read(file)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void readsIsoDatesAsLocalDateParseDoes() {
    for (String text :
        List.of("2024-01-31", "1000-01-01", "9999-12-31", "2024-02-29", "1970-01-01")) {
      byte[] row = ("x," + text).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(SplitExport.isoDate(row, 2)).isEqualTo(LocalDate.parse(text));
    }
    for (String text : List.of("0999-01-01", "2024/01/31", "2024-1-310", "abcd-ef-gh")) {
      byte[] row = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(SplitExport.isoDate(row, 0)).as(text).isNull();
    }
  }
}
