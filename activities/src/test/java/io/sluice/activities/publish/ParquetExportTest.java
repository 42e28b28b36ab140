package io.sluice.activities.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ParquetRows;
import io.sluice.activities.features.FeatureSet.Column;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export's Parquet writer, which writes values straight to parquet-java's column writers, makes
 * the file parquet-java's own record writer makes of the same rows: the same values read back, and
 * per column the same encodings, null counts, minimums and maximums. Row groups are cut by size; a
 * failed row leaves a file without a footer.
 */
class ParquetExportTest {

  static final List<Column> EVERY_KIND =
      List.of(
          new Column("customer_id", SQLDataType.VARCHAR.notNull(), ""),
          new Column("note", SQLDataType.CLOB, ""),
          new Column("feature_date", SQLDataType.LOCALDATE.notNull(), ""),
          new Column("seen_at", SQLDataType.TIMESTAMPWITHTIMEZONE, ""),
          new Column("orders_7d", SQLDataType.INTEGER, ""),
          new Column("label", SQLDataType.SMALLINT.notNull(), ""),
          new Column("revenue_7d", SQLDataType.NUMERIC, ""),
          new Column("ratio", SQLDataType.DOUBLE, ""),
          new Column("active", SQLDataType.BOOLEAN, ""));

  @TempDir Path tmp;

  @Test
  void writesWhatParquetJavasRecordWriterWritesOfTheSameRows() throws IOException {
    List<Object[]> rows = randomRows(new Random(7), 30_000);
    Path ours = tmp.resolve("ours.parquet");
    try (ParquetExport.Writer w = ParquetExport.open(ours, EVERY_KIND)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    Path theirs = tmp.resolve("theirs.parquet");
    writeWithRecordWriter(theirs, rows);

    List<Group> read = ParquetRows.read(ours);
    List<Group> expected = ParquetRows.read(theirs);
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.get(i).toString()).as("row %d", i).isEqualTo(expected.get(i).toString());
    }
    ParquetMetadata a = footer(ours);
    ParquetMetadata b = footer(theirs);
    assertThat(a.getFileMetaData().getSchema()).isEqualTo(b.getFileMetaData().getSchema());
    assertThat(a.getBlocks()).hasSize(1);
    assertThat(b.getBlocks()).hasSize(1);
    List<ColumnChunkMetaData> ca = a.getBlocks().get(0).getColumns();
    List<ColumnChunkMetaData> cb = b.getBlocks().get(0).getColumns();
    for (int c = 0; c < ca.size(); c++) {
      String name = EVERY_KIND.get(c).name();
      assertThat(ca.get(c).getEncodings()).as(name).isEqualTo(cb.get(c).getEncodings());
      assertThat(ca.get(c).getCodec()).as(name).isEqualTo(CompressionCodecName.SNAPPY);
      assertThat(ca.get(c).getValueCount()).as(name).isEqualTo(cb.get(c).getValueCount());
      Statistics<?> sa = ca.get(c).getStatistics();
      Statistics<?> sb = cb.get(c).getStatistics();
      assertThat(sa.getNumNulls()).as(name).isEqualTo(sb.getNumNulls());
      assertThat(sa.minAsString()).as(name).isEqualTo(sb.minAsString());
      assertThat(sa.maxAsString()).as(name).isEqualTo(sb.maxAsString());
    }
    // doubles are stored plain even where a dictionary would pay, the rest with one while it pays
    assertThat(ca.get(7).getEncodings().toString()).doesNotContain("DICTIONARY");
    assertThat(ca.get(2).getEncodings().toString()).contains("DICTIONARY");
  }

  @Test
  void cutsRowGroupsBySizeAndKeepsEveryRowInOrder() throws IOException {
    List<Object[]> rows = randomRows(new Random(11), 60_000);
    Path file = tmp.resolve("groups.parquet");
    try (ParquetExport.Writer w = ParquetExport.open(file, EVERY_KIND, 256 * 1024)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    List<BlockMetaData> blocks = footer(file).getBlocks();
    assertThat(blocks.size()).isGreaterThan(1);
    assertThat(blocks.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(60_000);
    List<Group> read = ParquetRows.read(file);
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i += 997) {
      assertThat(read.get(i).getString("customer_id", 0)).isEqualTo(rows.get(i)[0]);
      assertThat(read.get(i).getInteger("feature_date", 0))
          .isEqualTo((int) ((LocalDate) rows.get(i)[2]).toEpochDay());
    }
  }

  @Test
  void writesAFileWithNoRows() throws IOException {
    Path file = tmp.resolve("empty.parquet");
    try (ParquetExport.Writer w = ParquetExport.open(file, EVERY_KIND)) {
      // nothing
    }
    assertThat(ParquetRows.read(file)).isEmpty();
    assertThat(footer(file).getFileMetaData().getSchema())
        .isEqualTo(ParquetExport.schema(EVERY_KIND));
  }

  @Test
  void aNullInANonNullColumnFailsAndLeavesNoFooter() throws IOException {
    Path file = tmp.resolve("failed.parquet");
    ParquetExport.Writer w = ParquetExport.open(file, EVERY_KIND);
    Object[] row = randomRows(new Random(3), 1).get(0);
    w.write(row);
    Object[] bad = row.clone();
    bad[5] = null; // label is not null
    assertThatThrownBy(() -> w.write(bad))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column label is null in a non-null column");
    assertThatThrownBy(() -> w.write(row)).isInstanceOf(IllegalStateException.class);
    w.close();
    assertThatThrownBy(() -> footer(file)).isInstanceOf(RuntimeException.class);
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter();
    }
  }

  /** Rows of every kind, about one value in six null where the column allows it. */
  private static List<Object[]> randomRows(Random r, int n) {
    String[] notes = {"", "plain", "ünïcødé ✓", "quote \" and, comma", "𝄞 clef", "line\nbreak"};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          new Object[] {
            "c" + r.nextInt(5000),
            r.nextInt(6) == 0 ? null : notes[r.nextInt(notes.length)] + r.nextInt(50),
            LocalDate.of(2024, 1, 1).plusDays(r.nextInt(400) - 200),
            r.nextInt(6) == 0
                ? null
                : OffsetDateTime.ofInstant(
                    Instant.ofEpochSecond(
                        1_700_000_000L + r.nextInt(90_000_000), r.nextInt(999_999) * 1000L),
                    ZoneOffset.UTC),
            r.nextInt(6) == 0 ? null : r.nextInt(200) - 20,
            r.nextInt(2),
            r.nextInt(6) == 0
                ? null
                : new BigDecimal(r.nextLong() % 10_000_000).movePointLeft(r.nextInt(5)),
            r.nextInt(6) == 0 ? null : r.nextInt(40) / 8.0, // few values: a dictionary would pay
            r.nextInt(6) == 0 ? null : r.nextBoolean()
          });
    }
    return rows;
  }

  /** The same rows through parquet-java's record writer (its example Group API). */
  private static void writeWithRecordWriter(Path file, List<Object[]> rows) throws IOException {
    MessageType schema = ParquetExport.schema(EVERY_KIND);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding("revenue_7d", false)
            .withDictionaryEncoding("ratio", false)
            .build()) {
      for (Object[] row : rows) {
        Group g = groups.newGroup();
        for (int c = 0; c < row.length; c++) {
          Object v = row[c];
          String name = EVERY_KIND.get(c).name();
          if (v == null) {
            continue;
          }
          switch (c) {
            case 0, 1 -> g.add(name, Binary.fromString((String) v));
            case 2 -> g.add(name, (int) ((LocalDate) v).toEpochDay());
            case 3 ->
                g.add(
                    name,
                    ChronoUnit.MICROS.between(Instant.EPOCH, ((OffsetDateTime) v).toInstant()));
            case 4, 5 -> g.add(name, (Integer) v);
            case 6 -> g.add(name, ((BigDecimal) v).doubleValue());
            case 7 -> g.add(name, (Double) v);
            default -> g.add(name, (Boolean) v);
          }
        }
        w.write(g);
      }
    }
  }
}
