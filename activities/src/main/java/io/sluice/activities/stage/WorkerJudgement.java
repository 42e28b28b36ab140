package io.sluice.activities.stage;

import static io.sluice.db.jooq.meta.Tables.INGESTED_FILES;

import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.ColumnType;
import io.sluice.activities.dataset.DatasetSchema;
import io.sluice.activities.dataset.RowJudge;
import io.sluice.activities.ingest.CopyTextEncoder;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;

/**
 * Stage's judged table ({@link Judgement#TABLE}) filled by the worker instead of by SQL: the
 * partition's raw texts come out with one binary COPY, each row is judged by the dataset's {@link
 * RowJudge}, and the judged rows go back with one COPY, through a temporary file (one connection,
 * and memory that does not grow with the partition). The few rows the judge cannot be sure of are
 * judged by the SQL ({@link Judgement#select}) and added. The table has the columns, types and rows
 * the SQL alone would give it: {@code RowJudgeDifferentialTest} holds the judge to the SQL.
 */
final class WorkerJudgement {

  private static final Name UNDECIDED = DSL.name("stage_undecided");

  private WorkerJudgement() {}

  /** What the fill did: rows judged in the worker and rows left to the SQL. */
  record Filled(long judged, long undecided) {}

  static Filled fill(DSLContext tx, DatasetSchema schema, Condition rawRows) {
    List<ColumnSpec> columns = schema.columns();
    List<Field<?>> table = new ArrayList<>();
    table.add(DSL.field(DSL.name("file_id"), SQLDataType.BIGINT));
    table.add(DSL.field(DSL.name("line_no"), SQLDataType.BIGINT));
    table.add(DSL.field(DSL.name("file_name"), SQLDataType.CLOB));
    for (ColumnSpec c : columns) {
      // as the SQL's parse gives it: a sized decimal is sized by the staged table, not here
      org.jooq.DataType<?> type =
          c.type() instanceof ColumnType.Decimal ? SQLDataType.NUMERIC : c.type().staged();
      table.add(DSL.field(DSL.name(c.name()), type));
    }
    table.add(DSL.field(DSL.name(Judgement.REASONS.getName()), SQLDataType.CLOB.array()));
    tx.createTemporaryTable(Judgement.TABLE).columns(table).onCommitDrop().execute();
    tx.createTemporaryTable(UNDECIDED)
        .columns(
            DSL.field(DSL.name("file_id"), SQLDataType.BIGINT),
            DSL.field(DSL.name("line_no"), SQLDataType.BIGINT))
        .onCommitDrop()
        .execute();

    String source =
        "COPY (" + tx.renderInlined(rawTexts(schema, rawRows)) + ") TO STDOUT (FORMAT binary)";
    Path judged = null;
    Path undecided = null;
    try {
      judged = Files.createTempFile("sluice-judged-", ".copy");
      undecided = Files.createTempFile("sluice-undecided-", ".copy");
      Path judgedFile = judged;
      Path undecidedFile = undecided;
      Filled filled =
          tx.connectionResult(
              c -> {
                CopyManager copy = c.unwrap(BaseConnection.class).getCopyAPI();
                Filled f = judge(copy, source, RowJudge.of(schema), judgedFile, undecidedFile);
                copyIn(copy, "COPY " + Judgement.TABLE.last() + " FROM STDIN", judgedFile);
                if (f.undecided() > 0) {
                  copyIn(copy, "COPY " + UNDECIDED.last() + " FROM STDIN", undecidedFile);
                }
                return f;
              });
      if (filled.undecided() > 0) {
        Field<Long> fileId = Judgement.rawFileId(schema);
        Field<Long> lineNo = Judgement.rawLineNo(schema);
        tx.insertInto(Judgement.JUDGED)
            .select(
                Judgement.select(
                    schema,
                    rawRows.and(
                        DSL.row(fileId, lineNo)
                            .in(
                                DSL.select(
                                        DSL.field(DSL.name("file_id"), Long.class),
                                        DSL.field(DSL.name("line_no"), Long.class))
                                    .from(DSL.table(UNDECIDED))))))
            .execute();
      }
      // the planner knows nothing of a table filled by COPY in this transaction: without its size
      // and key distribution it joins the quarantined rows back to raw with a full scan
      tx.execute("ANALYZE " + Judgement.TABLE.last());
      return filled;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot judge " + schema.dataset() + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(judged);
      deleteQuietly(undecided);
    }
  }

  /**
   * Each raw row as the judge takes it: {@code file_id}, {@code line_no}, {@code file_name}, {@code
   * wrong_fields} (its field count is not its header's), and each declared column's text as {@code
   * t0}, {@code t1}, ... in declaration order.
   */
  static Select<?> rawTexts(DatasetSchema schema, Condition rawRows) {
    List<SelectField<?>> fields = new ArrayList<>();
    fields.add(Judgement.rawFileId(schema).as("file_id"));
    fields.add(Judgement.rawLineNo(schema).as("line_no"));
    fields.add(INGESTED_FILES.FILE_NAME.as("file_name"));
    fields.add(Judgement.wrongFieldCount(schema).as("wrong_fields"));
    for (int i = 0; i < schema.columns().size(); i++) {
      fields.add(schema.rawText(schema.columns().get(i).name()).as("t" + i));
    }
    return DSL.select(fields)
        .from(schema.raw())
        .join(INGESTED_FILES)
        .on(INGESTED_FILES.FILE_ID.eq(Judgement.rawFileId(schema)))
        .where(rawRows);
  }

  private static Filled judge(
      CopyManager copy, String source, RowJudge judge, Path judgedFile, Path undecidedFile)
      throws SQLException, IOException {
    int n = judge.schema().columns().size();
    CopyOut out = copy.copyOut(source);
    long judged = 0;
    long undecided = 0;
    try (DataInputStream in = new DataInputStream(new CopyOutStream(out));
        OutputStream rows = new BufferedOutputStream(Files.newOutputStream(judgedFile), 1 << 16);
        OutputStream left =
            new BufferedOutputStream(Files.newOutputStream(undecidedFile), 1 << 16)) {
      BinaryRows.readHeader(in);
      CopyTextEncoder row = new CopyTextEncoder(1 << 12);
      String[] texts = new String[n];
      while (true) {
        short fields = in.readShort();
        if (fields == -1) {
          if (in.read() >= 0) {
            throw new IllegalStateException("COPY sent data after its trailer");
          }
          break;
        }
        if (fields != 4 + n) {
          throw new IllegalStateException("COPY sent " + fields + " fields, expected " + (4 + n));
        }
        long fileId = BinaryRows.int8(in);
        long lineNo = BinaryRows.int8(in);
        String fileName = BinaryRows.text(in);
        boolean wrongFields = BinaryRows.bool(in);
        for (int i = 0; i < n; i++) {
          texts[i] = BinaryRows.text(in);
        }
        RowJudge.Verdict v = judge.judge(texts, wrongFields);
        row.clear();
        if (v.undecided() || !encode(row, fileId, lineNo, fileName, v)) {
          row.clear();
          row.number(fileId).number(lineNo).endRow();
          left.write(row.array(), 0, row.size());
          undecided++;
        } else {
          rows.write(row.array(), 0, row.size());
          judged++;
        }
      }
    } finally {
      if (out.isActive()) {
        out.cancelCopy();
      }
    }
    return new Filled(judged, undecided);
  }

  /**
   * A judged row in COPY text form; false when a value has no text PostgreSQL reads back as the
   * same value (an instant before year 1), and the row goes to the SQL.
   */
  private static boolean encode(
      CopyTextEncoder row, long fileId, long lineNo, String fileName, RowJudge.Verdict v) {
    row.number(fileId).number(lineNo).text(fileName);
    for (Object value : v.values()) {
      if (value == null) {
        row.nullField();
      } else if (value instanceof String s) {
        row.text(s);
      } else if (value instanceof Integer i) {
        row.number(i);
      } else if (value instanceof Long l) {
        row.number(l);
      } else if (value instanceof BigDecimal d) {
        row.text(d.toPlainString());
      } else if (value instanceof Double d) {
        row.text(Double.toString(d));
      } else if (value instanceof Boolean b) {
        row.text(b ? "t" : "f");
      } else if (value instanceof LocalDate d) {
        row.text(d.toString());
      } else if (value instanceof OffsetDateTime t) {
        if (t.getYear() < 1 || t.getYear() > 9999) {
          return false;
        }
        row.text(t.toString());
      } else {
        throw new IllegalStateException("no COPY text for " + value.getClass());
      }
    }
    row.text(arrayLiteral(v.reasons()));
    row.endRow();
    return true;
  }

  /** A text[] literal: every element quoted, quotes and backslashes escaped. */
  static String arrayLiteral(List<String> items) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"');
      String s = items.get(i);
      for (int k = 0; k < s.length(); k++) {
        char ch = s.charAt(k);
        if (ch == '"' || ch == '\\') {
          b.append('\\');
        }
        b.append(ch);
      }
      b.append('"');
    }
    return b.append('}').toString();
  }

  private static void copyIn(CopyManager copy, String sql, Path file)
      throws SQLException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      copy.copyIn(sql, in, 1 << 16);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file; the next start of the JVM's temp cleanup takes it
      }
    }
  }

  /** The bytes of a COPY TO STDOUT, message after message. */
  private static final class CopyOutStream extends InputStream {
    private final CopyOut out;
    private byte[] buf = new byte[0];
    private int pos;
    private boolean done;

    CopyOutStream(CopyOut out) {
      this.out = out;
    }

    private boolean more() throws IOException {
      while (pos == buf.length) {
        if (done) {
          return false;
        }
        try {
          byte[] next = out.readFromCopy();
          if (next == null) {
            done = true;
            return false;
          }
          buf = next;
          pos = 0;
        } catch (SQLException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return more() ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!more()) {
        return -1;
      }
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** PostgreSQL's binary COPY format, for the few types the raw texts query sends. */
  private static final class BinaryRows {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', -1, '\r', '\n', 0};

    private BinaryRows() {}

    static void readHeader(DataInputStream in) throws IOException {
      byte[] sig = new byte[SIGNATURE.length];
      in.readFully(sig);
      if (!java.util.Arrays.equals(sig, SIGNATURE)) {
        throw new IOException("not a binary COPY stream");
      }
      in.readInt(); // flags
      int extension = in.readInt();
      in.skipNBytes(extension);
    }

    static long int8(DataInputStream in) throws IOException {
      requireLength(in, 8);
      return in.readLong();
    }

    static boolean bool(DataInputStream in) throws IOException {
      requireLength(in, 1);
      return in.readByte() != 0;
    }

    static String text(DataInputStream in) throws IOException {
      int length = in.readInt();
      if (length < 0) {
        return null;
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void requireLength(DataInputStream in, int expected) throws IOException {
      int length = in.readInt();
      if (length != expected) {
        throw new EOFException("a field of " + length + " bytes where " + expected + " were due");
      }
    }
  }
}
