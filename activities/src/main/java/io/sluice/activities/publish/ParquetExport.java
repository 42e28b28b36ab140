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
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.jooq.DataType;
import org.jooq.impl.SQLDataType;

/**
 * Writes feature rows to a Parquet file (Snappy), a row at a time. Types: date as DATE, text as
 * STRING, integers as INT32, numeric as DOUBLE (model input, not money), instants as
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

  private static final class RowsBuilder extends ParquetWriter.Builder<Object[], RowsBuilder> {
    private final List<Column> columns;

    RowsBuilder(OutputFile file, List<Column> columns) {
      super(file);
      this.columns = columns;
    }

    @Override
    protected RowsBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return new Rows(columns);
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
      return new Rows(columns);
    }
  }

  /**
   * Hands each row's values straight to Parquet's record consumer, with no intermediate object per
   * value as the example Group API makes.
   */
  private static final class Rows extends WriteSupport<Object[]> {
    private final List<Column> columns;
    private final MessageType schema;
    private RecordConsumer out;

    private final Kind[] kinds;

    Rows(List<Column> columns) {
      this.columns = columns;
      this.schema = schema(columns);
      this.kinds = columns.stream().map(c -> Kind.of(c.type())).toArray(Kind[]::new);
    }

    @Override
    public WriteContext init(Configuration conf) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration conf) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Object[] values) {
      out.startMessage();
      for (int i = 0; i < columns.size(); i++) {
        Object v = values[i];
        Column c = columns.get(i);
        if (v == null) {
          if (!c.type().nullable()) {
            throw new IllegalStateException("column " + c.name() + " is null in a non-null column");
          }
          continue;
        }
        out.startField(c.name(), i);
        add(out, kinds[i], v);
        out.endField(c.name(), i);
      }
      out.endMessage();
    }
  }

  /**
   * Opens {@code file} (replacing it) for rows with {@code columns}: each row an array of Java
   * values in column order, nulls where missing.
   */
  static ParquetWriter<Object[]> open(Path file, List<Column> columns) throws IOException {
    RowsBuilder b =
        new RowsBuilder(new LocalOutputFile(file), columns)
            .withConf(new PlainParquetConfiguration())
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    for (Column c : columns) {
      if (primitive(c.type()) == PrimitiveTypeName.DOUBLE) {
        b = b.withDictionaryEncoding(c.name(), false);
      }
    }
    return b.build();
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

  private static void add(RecordConsumer out, Kind kind, Object v) {
    if (v instanceof Boolean b) {
      out.addBoolean(b);
      return;
    }
    switch (kind) {
      case DATE -> out.addInteger((int) ((LocalDate) v).toEpochDay());
      case INSTANT -> out.addLong(ChronoUnit.MICROS.between(EPOCH, (OffsetDateTime) v));
      case INTEGER -> out.addInteger(((Number) v).intValue());
      case NUMBER ->
          out.addDouble(v instanceof BigDecimal d ? d.doubleValue() : ((Number) v).doubleValue());
      case BOOLEAN, TEXT -> out.addBinary(Binary.fromString(v.toString()));
    }
  }
}
