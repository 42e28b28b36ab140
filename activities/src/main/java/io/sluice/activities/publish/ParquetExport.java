package io.sluice.activities.publish;

import io.sluice.activities.features.FeatureSet.Column;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.jooq.DataType;
import org.jooq.impl.SQLDataType;

/**
 * Writes feature rows to a Parquet file (Snappy), a row at a time ({@link Writer}). Types: date as
 * DATE, text as STRING, integers as INT32, numeric as DOUBLE (model input, not money), instants as
 * TIMESTAMP(micros, UTC); a nullable column is OPTIONAL.
 */
final class ParquetExport {

  private static final OffsetDateTime EPOCH = OffsetDateTime.parse("1970-01-01T00:00Z");

  private ParquetExport() {}

  static MessageType schema(List<Column> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : columns) {
      DataType<?> t = c.type();
      var field = t.nullable() ? b.optional(primitive(t)) : b.required(primitive(t));
      LogicalTypeAnnotation logical = logical(t);
      (logical == null ? field : field.as(logical)).named(c.name());
    }
    return b.named("feature_row");
  }

  private static PrimitiveTypeName primitive(DataType<?> t) {
    return Kind.of(t).primitive;
  }

  private static LogicalTypeAnnotation logical(DataType<?> t) {
    if (t.isDate()) {
      return LogicalTypeAnnotation.dateType();
    }
    if (isInstant(t)) {
      return LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS);
    }
    if (t.getSQLType() == SQLDataType.SMALLINT.getSQLType()) {
      return LogicalTypeAnnotation.intType(16, true);
    }
    if (isInteger(t) || t.isNumeric() || t.getType() == Boolean.class) {
      return null;
    }
    return LogicalTypeAnnotation.stringType();
  }

  /** timestamptz (and timestamp): jOOQ's isTimestamp() alone is false for timestamptz. */
  static boolean isInstant(DataType<?> t) {
    return t.isTimestamp() || t.isTimestampWithTimeZone();
  }

  private static boolean isInteger(DataType<?> t) {
    Class<?> type = t.getType();
    return type == Integer.class || type == Short.class;
  }

  /** Row groups are cut at about this many buffered bytes (parquet-java's default block size). */
  static final long ROW_GROUP_BYTES = 128L * 1024 * 1024;

  /** How many rows are written between two looks at the row group's buffered size. */
  private static final int SIZE_CHECK_ROWS = 10_000;

  /**
   * Opens {@code file} (replacing it) for rows with {@code columns}: each row an array of Java
   * values in column order, nulls where missing.
   */
  static Writer open(Path file, List<Column> columns) throws IOException {
    return open(file, columns, ROW_GROUP_BYTES);
  }

  /** {@link #open(Path, List)} with row groups cut at about {@code rowGroupBytes}. */
  static Writer open(Path file, List<Column> columns, long rowGroupBytes) throws IOException {
    return new Writer(file, columns, rowGroupBytes);
  }

  /**
   * A Parquet file written a value at a time straight to its column writers: a flat schema needs
   * none of the record layer (field names, nesting levels, missing-field bookkeeping) that
   * parquet-java's {@code ParquetWriter} runs per value, and that layer was most of the time spent
   * encoding a split (docs/adr/0011-exports-from-one-copy-per-split.md). Same encodings as that
   * writer's defaults: Parquet 1.0 pages of 1 MB, dictionaries but for doubles, row groups of 128
   * MB, Snappy.
   */
  static final class Writer implements AutoCloseable {
    private final List<Column> columns;
    private final Kind[] kinds;
    private final int[] definedLevel;
    private final MessageType schema;
    private final ParquetProperties properties;
    private final CodecFactory codecs;
    private final ParquetFileWriter file;
    private final long rowGroupBytes;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private ColumnWriter[] writers;
    private long rowsInGroup;
    private boolean failed;
    private boolean closed;

    private Writer(Path path, List<Column> columns, long rowGroupBytes) throws IOException {
      this.columns = columns;
      this.rowGroupBytes = rowGroupBytes;
      this.kinds = columns.stream().map(c -> Kind.of(c.type())).toArray(Kind[]::new);
      this.schema = schema(columns);
      this.definedLevel = new int[columns.size()];
      ParquetProperties.Builder props = ParquetProperties.builder();
      for (int i = 0; i < columns.size(); i++) {
        definedLevel[i] = columns.get(i).type().nullable() ? 1 : 0;
        if (kinds[i].primitive == PrimitiveTypeName.DOUBLE) {
          props.withDictionaryEncoding(columns.get(i).name(), false);
        }
      }
      this.properties = props.build();
      this.codecs =
          new CodecFactory(new PlainParquetConfiguration(), properties.getPageSizeThreshold());
      ParquetFileWriter opened = null;
      try {
        opened =
            new ParquetFileWriter(
                new LocalOutputFile(path),
                schema,
                ParquetFileWriter.Mode.OVERWRITE,
                rowGroupBytes,
                ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
                null,
                properties);
        opened.start();
        this.file = opened;
        newRowGroup();
      } catch (IOException | RuntimeException e) {
        codecs.release();
        if (opened != null) {
          try {
            opened.close();
          } catch (IOException | RuntimeException closing) {
            e.addSuppressed(closing);
          }
        }
        throw e;
      }
    }

    private void newRowGroup() {
      pages =
          new ColumnChunkPageWriteStore(
              codecs.getCompressor(CompressionCodecName.SNAPPY),
              schema,
              properties.getAllocator(),
              properties.getColumnIndexTruncateLength(),
              properties.getPageWriteChecksumEnabled());
      store = properties.newColumnWriteStore(schema, pages, pages);
      List<ColumnDescriptor> descriptors = schema.getColumns();
      writers = new ColumnWriter[descriptors.size()];
      for (int i = 0; i < writers.length; i++) {
        writers[i] = store.getColumnWriter(descriptors.get(i));
      }
      rowsInGroup = 0;
    }

    /**
     * Writes one row: its values in column order, null where missing. After a failure the file is
     * left unfinished (no footer) for the caller to delete.
     */
    void write(Object[] values) throws IOException {
      if (failed) {
        throw new IllegalStateException("a row before failed to be written to this Parquet file");
      }
      try {
        add(values);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }

    private void add(Object[] values) throws IOException {
      for (int i = 0; i < writers.length; i++) {
        Object v = values[i];
        ColumnWriter w = writers[i];
        if (v == null) {
          if (definedLevel[i] == 0) {
            throw new IllegalStateException(
                "column " + columns.get(i).name() + " is null in a non-null column");
          }
          w.writeNull(0, 0);
          continue;
        }
        int d = definedLevel[i];
        switch (kinds[i]) {
          case BOOLEAN -> w.write((Boolean) v, 0, d);
          case DATE -> w.write((int) ((LocalDate) v).toEpochDay(), 0, d);
          case INSTANT -> w.write(ChronoUnit.MICROS.between(EPOCH, (OffsetDateTime) v), 0, d);
          case INTEGER -> w.write(((Number) v).intValue(), 0, d);
          case NUMBER ->
              w.write(
                  v instanceof BigDecimal b ? b.doubleValue() : ((Number) v).doubleValue(), 0, d);
          case TEXT -> w.write(Binary.fromString(v.toString()), 0, d);
        }
      }
      store.endRecord();
      if (++rowsInGroup % SIZE_CHECK_ROWS == 0 && store.getBufferedSize() >= rowGroupBytes) {
        flushRowGroup();
        newRowGroup();
      }
    }

    private void flushRowGroup() throws IOException {
      try {
        if (rowsInGroup > 0) {
          file.startBlock(rowsInGroup);
          store.flush();
          pages.flushToFileWriter(file);
          file.endBlock();
        }
      } finally {
        store.close();
        pages.close();
      }
    }

    /**
     * Marks the file as abandoned: {@link #close} then leaves it without a footer, for the caller
     * to delete, instead of finishing it with the rows so far.
     */
    void abort() {
      failed = true;
    }

    /**
     * Writes the last row group and the footer; after a failed write or {@link #abort}, only closes
     * the file. A failure while finishing is the one thrown; one while closing the file after it is
     * added to it.
     */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (ParquetFileWriter closing = file) {
        try {
          if (failed) {
            store.close();
            pages.close();
          } else {
            flushRowGroup();
            file.end(Map.of());
          }
        } finally {
          codecs.release();
        }
      }
    }
  }

  /**
   * What a column's values are, decided once per column: asking jOOQ's data type for every value
   * cost a tenth of a split's export.
   */
  enum Kind {
    BOOLEAN(PrimitiveTypeName.BOOLEAN),
    DATE(PrimitiveTypeName.INT32),
    INSTANT(PrimitiveTypeName.INT64),
    INTEGER(PrimitiveTypeName.INT32),
    NUMBER(PrimitiveTypeName.DOUBLE),
    TEXT(PrimitiveTypeName.BINARY);

    /** How the Parquet file stores the kind's values. */
    final PrimitiveTypeName primitive;

    Kind(PrimitiveTypeName primitive) {
      this.primitive = primitive;
    }

    static Kind of(DataType<?> t) {
      if (t.getType() == Boolean.class) {
        return BOOLEAN;
      }
      if (t.isDate()) {
        return DATE;
      }
      if (isInstant(t)) {
        return INSTANT;
      }
      if (isInteger(t)) {
        return INTEGER;
      }
      return t.isNumeric() ? NUMBER : TEXT;
    }
  }
}
