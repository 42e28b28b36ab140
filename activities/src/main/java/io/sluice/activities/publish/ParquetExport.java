package io.sluice.activities.publish;

import io.sluice.activities.features.FeatureSet.Column;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.jooq.Cursor;
import org.jooq.DataType;
import org.jooq.Record;
import org.jooq.impl.SQLDataType;

/**
 * Writes feature rows to a Parquet file (Snappy), streaming from a database cursor. Types: date as
 * DATE, text as STRING, integers as INT32, numeric as DOUBLE (model input, not money), instants as
 * TIMESTAMP(micros, UTC); a nullable column is OPTIONAL.
 */
final class ParquetExport {

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
    if (t.getType() == Boolean.class) {
      return PrimitiveTypeName.BOOLEAN;
    }
    if (t.isDate() || isInteger(t)) {
      return PrimitiveTypeName.INT32;
    }
    if (t.isTimestamp()) {
      return PrimitiveTypeName.INT64;
    }
    if (t.isNumeric()) {
      return PrimitiveTypeName.DOUBLE;
    }
    return PrimitiveTypeName.BINARY;
  }

  private static LogicalTypeAnnotation logical(DataType<?> t) {
    if (t.isDate()) {
      return LogicalTypeAnnotation.dateType();
    }
    if (t.isTimestamp()) {
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

  private static boolean isInteger(DataType<?> t) {
    Class<?> type = t.getType();
    return type == Integer.class || type == Short.class;
  }

  /**
   * Writes every row of {@code rows} (fields in {@code columns} order) to {@code file}.
   *
   * @return the rows written
   */
  static long write(Path file, List<Column> columns, Cursor<? extends Record> rows)
      throws IOException {
    MessageType schema = schema(columns);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    long n = 0;
    try (ParquetWriter<Group> out =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (Record r : rows) {
        Group g = groups.newGroup();
        for (int i = 0; i < columns.size(); i++) {
          append(g, columns.get(i), r.get(i));
        }
        out.write(g);
        n++;
      }
    }
    return n;
  }

  private static void append(Group g, Column c, Object v) {
    if (v == null) {
      if (!c.type().nullable()) {
        throw new IllegalStateException("column " + c.name() + " is null in a non-null column");
      }
      return;
    }
    String name = c.name();
    DataType<?> t = c.type();
    if (v instanceof Boolean b) {
      g.append(name, b);
    } else if (t.isDate()) {
      g.append(name, (int) ((LocalDate) v).toEpochDay());
    } else if (t.isTimestamp()) {
      OffsetDateTime ts = (OffsetDateTime) v;
      g.append(name, ChronoUnit.MICROS.between(OffsetDateTime.parse("1970-01-01T00:00Z"), ts));
    } else if (isInteger(t)) {
      g.append(name, ((Number) v).intValue());
    } else if (t.isNumeric()) {
      g.append(name, v instanceof BigDecimal d ? d.doubleValue() : ((Number) v).doubleValue());
    } else {
      g.append(name, v.toString());
    }
  }
}
