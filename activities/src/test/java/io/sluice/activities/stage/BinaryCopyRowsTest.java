package io.sluice.activities.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * {@link BinaryCopyRows} reads a real binary COPY stream of PostgreSQL's (a bigint, a text with
 * NULLs, empty strings, multi-byte characters and COPY's escape characters, a boolean) to the same
 * fields however the stream is cut into messages: one message per row as PostgreSQL sends it, cut
 * at random places, a byte at a time, or all in one; the raw bytes of a text field are its UTF-8. A
 * stream cut short, or with bytes after its trailer, is an error.
 */
class BinaryCopyRowsTest {

  private static final String QUERY =
      "COPY (SELECT g::bigint AS n,"
          + " CASE WHEN g % 7 = 0 THEN NULL WHEN g % 5 = 0 THEN ''"
          + " ELSE 'v' || g || repeat('é' || chr(9) || chr(92) || 'x', g % 4) || chr(10) END AS t,"
          + " g % 2 = 0 AS b FROM generate_series(1, 500) g ORDER BY g) TO STDOUT (FORMAT binary)";

  @TempDir static Path tmp;

  private static List<byte[]> asSent;
  private static byte[] stream;

  @BeforeAll
  static void copyOnce() throws Exception {
    try (ActivityHarness h = new ActivityHarness(tmp);
        Connection c = h.dataSource.getConnection()) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      CopyOut out = copy.copyOut(QUERY);
      asSent = new ArrayList<>();
      for (byte[] m; (m = out.readFromCopy()) != null; ) {
        asSent.add(m);
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      copy.copyOut(QUERY, all);
      stream = all.toByteArray();
    }
  }

  @Test
  void readsTheSameRowsHoweverTheStreamIsCut() throws IOException {
    List<String> expected = read(new Messages(asSent));
    assertThat(expected).hasSize(500);
    assertThat(expected.get(0)).isEqualTo("1|v1é\t\\x\n|false|v1é\t\\x\n");
    assertThat(expected.get(4)).isEqualTo("5||false|");
    assertThat(expected.get(6)).isEqualTo("7|null|false|null");

    assertThat(read(new Messages(List.of(stream)))).isEqualTo(expected);
    assertThat(read(new Messages(cut(stream, 1)))).isEqualTo(expected);
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 20; i++) {
      List<byte[]> parts = new ArrayList<>();
      int at = 0;
      while (at < stream.length) {
        int n = Math.min(stream.length - at, 1 + rnd.nextInt(200));
        parts.add(Arrays.copyOfRange(stream, at, at + n));
        at += n;
      }
      assertThat(read(new Messages(parts))).isEqualTo(expected);
    }
  }

  @Test
  void aStreamCutShortOrWithBytesAfterItsTrailerFails() {
    byte[] shortened = Arrays.copyOf(stream, stream.length - 2);
    assertThatThrownBy(() -> read(new Messages(List.of(shortened))))
        .hasMessageContaining("without its trailer");
    List<byte[]> insideARow = new ArrayList<>(asSent.subList(0, 10));
    insideARow.set(9, Arrays.copyOf(insideARow.get(9), insideARow.get(9).length - 3));
    assertThatThrownBy(() -> read(new Messages(insideARow))).hasMessageContaining("inside a row");
    byte[] longer = Arrays.copyOf(stream, stream.length + 1);
    assertThatThrownBy(() -> read(new Messages(List.of(longer))))
        .hasMessageContaining("after its trailer");
    List<byte[]> extraMessage = new ArrayList<>(asSent);
    extraMessage.add(new byte[] {0});
    assertThatThrownBy(() -> read(new Messages(extraMessage)))
        .hasMessageContaining("after its trailer");
  }

  @Test
  void aStreamOfNoRowsIsItsHeaderAndTrailer() throws Exception {
    List<byte[]> messages = new ArrayList<>();
    try (ActivityHarness h = new ActivityHarness(tmp.resolve("none"));
        Connection c = h.dataSource.getConnection()) {
      CopyOut out =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyOut(QUERY.replace("generate_series(1, 500)", "generate_series(1, 0)"));
      for (byte[] m; (m = out.readFromCopy()) != null; ) {
        messages.add(m);
      }
    }
    assertThat(read(new Messages(messages))).isEmpty();
    byte[] all = messages.stream().reduce(new byte[0], BinaryCopyRowsTest::concat);
    assertThat(read(new Messages(cut(all, 1)))).isEmpty();
  }

  @Test
  void aHeaderExtensionIsSkipped() throws IOException {
    // the flags and the extension's length follow the 11-byte signature: an extension of 3 bytes
    byte[] extended = new byte[stream.length + 3];
    System.arraycopy(stream, 0, extended, 0, 15);
    extended[18] = 3;
    System.arraycopy(stream, 19, extended, 22, stream.length - 19);
    assertThat(read(new Messages(List.of(extended)))).isEqualTo(read(new Messages(asSent)));
  }

  @Test
  void aRowOfAnotherWidthFails() {
    assertThatThrownBy(
            () -> {
              BinaryCopyRows rows = new BinaryCopyRows(new Messages(asSent), 4);
              rows.next();
            })
        .hasMessageContaining("3 fields, expected 4");
  }

  /** Each row as {@code n|t|b|t's raw bytes}, null fields as "null" ("" for the raw bytes). */
  private static List<String> read(CopyOut out) throws IOException {
    BinaryCopyRows rows = new BinaryCopyRows(out, 3);
    List<String> read = new ArrayList<>();
    while (rows.next()) {
      String raw =
          rows.length(1) < 0
              ? "null"
              : new String(rows.bytes(), rows.start(1), rows.length(1), StandardCharsets.UTF_8);
      read.add(rows.int8(0) + "|" + rows.text(1) + "|" + rows.bool(2) + "|" + raw);
    }
    assertThat(rows.next()).isFalse();
    return read;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] ab = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, ab, a.length, b.length);
    return ab;
  }

  private static List<byte[]> cut(byte[] all, int size) {
    List<byte[]> parts = new ArrayList<>();
    for (int at = 0; at < all.length; at += size) {
      parts.add(Arrays.copyOfRange(all, at, Math.min(all.length, at + size)));
    }
    return parts;
  }

  /** A COPY whose messages are the given byte arrays, in order. */
  private static final class Messages implements CopyOut {
    private final Deque<byte[]> left;

    Messages(List<byte[]> messages) {
      this.left = new ArrayDeque<>(messages);
    }

    @Override
    public byte[] readFromCopy() {
      return left.poll();
    }

    @Override
    public byte[] readFromCopy(boolean block) {
      return readFromCopy();
    }

    @Override
    public int getFieldCount() {
      return 3;
    }

    @Override
    public int getFormat() {
      return 1;
    }

    @Override
    public int getFieldFormat(int field) {
      return 1;
    }

    @Override
    public boolean isActive() {
      return !left.isEmpty();
    }

    @Override
    public void cancelCopy() {
      left.clear();
    }

    @Override
    public long getHandledRowCount() {
      return -1;
    }
  }
}
