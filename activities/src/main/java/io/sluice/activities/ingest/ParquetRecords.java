package io.sluice.activities.ingest;

import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.ingest.FileProblem.Kind;
import io.sluice.activities.support.Hashing;
import io.sluice.activities.support.JsonText;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file's rows: its flat top-level columns are matched to the declared ones by name, and
 * each value becomes the text a CSV would hold (a date as {@code 2024-03-01}, an instant as {@code
 * 2024-03-01T10:15:00Z}, a decimal in plain notation). A declared column whose Parquet type cannot
 * hold the declared type (a boolean for a decimal, a double for an integer, a nested or repeated
 * field) refuses the file before a row is read; a text column takes any type. The other flat
 * columns are the row's extras, and so are the nested or repeated ones, as JSON ({@link
 * ParquetJson}). A row's "line" is its number in the file, from 1. Memory holds one row group: a
 * row group of more than {@value #MAX_ROW_GROUP_BYTES} compressed bytes is refused.
 */
final class ParquetRecords implements RecordSource {

  static final long MAX_ROW_GROUP_BYTES = 128L << 20;

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  private final String file;
  private final Path path;
  private final ParquetFileReader reader;
  private final List<String> header;
  private final MessageType projection;
  private final Slot[] slots;
  private final int[] declaredSlot;
  private final Object[] row;
  private final JsonText.FlatObject extra = new JsonText.FlatObject();
  private final List<BlockMetaData> groups;
  private int group = -1;
  private long groupRowsLeft;
  private RecordReader<Object[]> rows;
  private long rowNumber;

  /**
   * One projected column: its name and type, or for a nested or repeated field no declaration
   * reads, the JSON it is read as (an extra).
   */
  private record Slot(String name, PrimitiveType type, ParquetJson.Field nested) {}

  ParquetRecords(String file, Path path, DeclaredColumns declared) throws IOException {
    this.file = file;
    this.path = path;
    try {
      this.reader =
          ParquetFileReader.open(
              new LocalInputFile(path),
              ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    } catch (IOException | RuntimeException e) {
      throw new FileProblem(
          file,
          1,
          Kind.NOT_PARQUET,
          "not a complete Parquet file ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          e);
    }
    try {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> names = new ArrayList<>();
      List<Type> projected = new ArrayList<>();
      List<Slot> s = new ArrayList<>();
      declaredSlot = new int[declared.names().size()];
      Arrays.fill(declaredSlot, -1);
      List<String> problems = new ArrayList<>();
      for (Type t : schema.getFields()) {
        names.add(t.getName());
        int column = declared.names().indexOf(t.getName());
        boolean flat = t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED);
        if (column >= 0) {
          String problem = mismatch(t, declared.types().get(column));
          if (problem != null) {
            problems.add("'" + t.getName() + "' " + problem);
            continue;
          }
          declaredSlot[column] = s.size();
        } else if (!flat) {
          projected.add(t);
          s.add(new Slot(t.getName(), null, new ParquetJson.Field(t)));
          continue;
        }
        projected.add(t);
        s.add(new Slot(t.getName(), t.asPrimitiveType(), null));
      }
      if (!problems.isEmpty()) {
        throw new FileProblem(file, 1, Kind.TYPE_MISMATCH, String.join("; ", problems), null);
      }
      header = List.copyOf(names);
      slots = s.toArray(Slot[]::new);
      row = new Object[slots.length];
      projection = new MessageType(schema.getName(), projected);
      reader.setRequestedSchema(projection);
      groups = reader.getRowGroups();
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * Why a Parquet column cannot feed a declared column of {@code type}, or null when it can (text
   * takes any flat column; a string column feeds any type, judged row by row as CSV text is).
   */
  static String mismatch(Type t, ColumnType type) {
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      return "is a nested or repeated Parquet field; declare a flat column";
    }
    PrimitiveType p = t.asPrimitiveType();
    PrimitiveTypeName physical = p.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    if (type == null || type.name().equals("text") || type.name().equals("enum")) {
      return null;
    }
    boolean string =
        physical == PrimitiveTypeName.BINARY
            && (logical == null
                || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation);
    if (string) {
      return null;
    }
    boolean integral =
        (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64)
            && (logical == null || logical instanceof IntLogicalTypeAnnotation);
    boolean decimal = logical instanceof DecimalLogicalTypeAnnotation;
    boolean ok =
        switch (type.name()) {
          case "integer", "bigint" ->
              integral || (decimal && ((DecimalLogicalTypeAnnotation) logical).getScale() == 0);
          case "decimal", "double" ->
              integral
                  || decimal
                  || physical == PrimitiveTypeName.FLOAT
                  || physical == PrimitiveTypeName.DOUBLE;
          case "boolean" -> physical == PrimitiveTypeName.BOOLEAN;
          case "date" -> logical instanceof DateLogicalTypeAnnotation;
          case "timestamp" ->
              logical instanceof TimestampLogicalTypeAnnotation
                  || physical == PrimitiveTypeName.INT96;
          default -> false;
        };
    return ok ? null : "is declared " + type.name() + " but the file stores it as " + describe(p);
  }

  private static String describe(PrimitiveType p) {
    LogicalTypeAnnotation l = p.getLogicalTypeAnnotation();
    return p.getPrimitiveTypeName() + (l == null ? "" : " (" + l + ")");
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public boolean next() throws IOException {
    while (groupRowsLeft == 0) {
      if (++group >= groups.size()) {
        return false;
      }
      BlockMetaData meta = groups.get(group);
      if (meta.getCompressedSize() > MAX_ROW_GROUP_BYTES) {
        throw new FileProblem(
            file,
            rowNumber + 1,
            Kind.ROW_GROUP_TOO_LARGE,
            String.format(
                "row group %d holds %,d compressed bytes, more than %,d",
                group + 1, meta.getCompressedSize(), MAX_ROW_GROUP_BYTES),
            null);
      }
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        return false;
      }
      groupRowsLeft = pages.getRowCount();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(projection);
      rows = io.getRecordReader(pages, new Materializer());
    }
    rowNumber++;
    groupRowsLeft--;
    try {
      rows.read();
    } catch (RuntimeException e) {
      throw new FileProblem(
          file, rowNumber, Kind.UNREADABLE, "a row that cannot be decoded: " + e.getMessage(), e);
    }
    return true;
  }

  @Override
  public long recordLine() {
    return rowNumber;
  }

  @Override
  public long lastLine() {
    return rowNumber;
  }

  @Override
  public void encode(CopyTextEncoder out) {
    try {
      for (int slot : declaredSlot) {
        out.text(slot < 0 ? null : text(slots[slot].type(), row[slot]));
      }
      extra.clear();
      for (int i = 0; i < slots.length; i++) {
        if (row[i] == null || declares(i)) {
          continue;
        }
        if (slots[i].nested() != null) {
          extra.putJson(slots[i].name(), (String) row[i]);
        } else {
          extra.put(slots[i].name(), text(slots[i].type(), row[i]));
        }
      }
      out.json(extra.text()).nullField();
    } catch (CopyTextEncoder.NulCharacterException e) {
      throw new FileProblem(
          file, rowNumber, Kind.NUL_CHARACTER, e.getMessage() + " in a string value", null);
    }
  }

  private boolean declares(int slot) {
    for (int s : declaredSlot) {
      if (s == slot) {
        return true;
      }
    }
    return false;
  }

  /** The file's bytes, hashed whole: Parquet is read from its end, not as one stream. */
  @Override
  public String sha256() throws IOException {
    return Hashing.sha256Hex(path);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** A value as CSV text would hold it. */
  static String text(PrimitiveType type, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (logical instanceof DecimalLogicalTypeAnnotation d) {
      BigInteger unscaled =
          v instanceof Binary b
              ? new BigInteger(b.getBytes())
              : BigInteger.valueOf(((Number) v).longValue());
      return new BigDecimal(unscaled, d.getScale()).toPlainString();
    }
    if (logical instanceof DateLogicalTypeAnnotation) {
      return LocalDate.ofEpochDay(((Number) v).longValue()).toString();
    }
    if (logical instanceof TimestampLogicalTypeAnnotation ts) {
      Instant at = instant(((Number) v).longValue(), ts.getUnit());
      return ts.isAdjustedToUTC()
          ? at.toString()
          : LOCAL.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
    }
    if (logical instanceof TimeLogicalTypeAnnotation t) {
      long nanos =
          switch (t.getUnit()) {
            case MILLIS -> ((Number) v).longValue() * 1_000_000L;
            case MICROS -> ((Number) v).longValue() * 1_000L;
            case NANOS -> ((Number) v).longValue();
          };
      return LocalTime.ofNanoOfDay(nanos).toString();
    }
    if (logical instanceof IntLogicalTypeAnnotation i && !i.isSigned()) {
      return v instanceof Integer n ? Integer.toUnsignedString(n) : Long.toUnsignedString((Long) v);
    }
    if (logical instanceof UUIDLogicalTypeAnnotation && v instanceof Binary b) {
      ByteBuffer bb = b.toByteBuffer();
      return new java.util.UUID(bb.getLong(), bb.getLong()).toString();
    }
    if (type.getPrimitiveTypeName() == PrimitiveTypeName.INT96 && v instanceof Binary b) {
      ByteBuffer bb = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = bb.getLong();
      long julianDay = bb.getInt() & 0xffffffffL;
      return Instant.ofEpochSecond((julianDay - 2_440_588L) * 86_400L, nanosOfDay).toString();
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : d.toString();
    }
    if (v instanceof Float f) {
      return Float.isFinite(f) ? new BigDecimal(f.toString()).toPlainString() : f.toString();
    }
    if (v instanceof Binary b) {
      return b.toStringUsingUTF8();
    }
    return v.toString();
  }

  private static Instant instant(long v, TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> Instant.ofEpochMilli(v);
      case MICROS ->
          Instant.ofEpochSecond(
              Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
      case NANOS ->
          Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
    };
  }

  /** Fills {@link #row} with each projected column's value: strings decoded once per dictionary. */
  private final class Materializer extends RecordMaterializer<Object[]> {
    private final GroupConverter root =
        new GroupConverter() {
          private final Converter[] converters = new Converter[slots.length];

          {
            for (int i = 0; i < slots.length; i++) {
              ParquetJson.Field nested = slots[i].nested();
              converters[i] =
                  nested != null ? nested.converter() : new Value(i, isString(slots[i].type()));
            }
          }

          @Override
          public Converter getConverter(int fieldIndex) {
            return converters[fieldIndex];
          }

          @Override
          public void start() {
            Arrays.fill(row, null);
            for (Slot slot : slots) {
              if (slot.nested() != null) {
                slot.nested().reset();
              }
            }
          }

          @Override
          public void end() {
            for (int i = 0; i < slots.length; i++) {
              if (slots[i].nested() != null) {
                row[i] = slots[i].nested().json();
              }
            }
          }
        };

    @Override
    public Object[] getCurrentRecord() {
      return row;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  static boolean isString(PrimitiveType t) {
    LogicalTypeAnnotation l = t.getLogicalTypeAnnotation();
    return t.getPrimitiveTypeName() == PrimitiveTypeName.BINARY
        && (l == null
            || l instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation);
  }

  /** One column's values into its slot of the row. */
  private final class Value extends PrimitiveConverter {
    private final int slot;
    private final boolean string;
    private String[] dictionary;

    Value(int slot, boolean string) {
      this.slot = slot;
      this.string = string;
    }

    @Override
    public boolean hasDictionarySupport() {
      return string;
    }

    @Override
    public void setDictionary(Dictionary d) {
      dictionary = new String[d.getMaxId() + 1];
      for (int i = 0; i <= d.getMaxId(); i++) {
        dictionary[i] = d.decodeToBinary(i).toStringUsingUTF8();
      }
    }

    @Override
    public void addValueFromDictionary(int id) {
      row[slot] = dictionary[id];
    }

    @Override
    public void addBinary(Binary v) {
      row[slot] = string ? v.toStringUsingUTF8() : Binary.fromConstantByteArray(v.getBytes());
    }

    @Override
    public void addBoolean(boolean v) {
      row[slot] = v ? "true" : "false";
    }

    @Override
    public void addDouble(double v) {
      row[slot] = v;
    }

    @Override
    public void addFloat(float v) {
      row[slot] = v;
    }

    @Override
    public void addInt(int v) {
      row[slot] = v;
    }

    @Override
    public void addLong(long v) {
      row[slot] = v;
    }
  }
}
