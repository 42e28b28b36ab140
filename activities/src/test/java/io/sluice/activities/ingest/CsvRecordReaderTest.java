package io.sluice.activities.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ingest.FileProblem.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The byte-level CSV reader: RFC 4180 as Commons CSV reads it, strict UTF-8, bounded memory. */
class CsvRecordReaderTest {

  /** A record as the tests compare it: its fields and the lines it starts and ends on. */
  record Rec(List<String> fields, long first, long last) {}

  private static List<Rec> read(byte[] bytes, int maxRecordBytes, int maxFields)
      throws IOException {
    List<Rec> out = new ArrayList<>();
    try (CsvRecordReader r =
        new CsvRecordReader(new ByteArrayInputStream(bytes), maxRecordBytes, maxFields)) {
      while (r.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
          fields.add(r.get(i));
        }
        out.add(new Rec(fields, r.recordLine(), r.lastLine()));
      }
    }
    return out;
  }

  private static List<Rec> read(String text) throws IOException {
    return read(text.getBytes(StandardCharsets.UTF_8), 1 << 20, 100);
  }

  private static List<List<String>> fields(List<Rec> records) {
    return records.stream().map(Rec::fields).toList();
  }

  @Test
  void quotedFieldsHoldCommasQuotesAndLineBreaks() throws IOException {
    List<Rec> recs = read("a,\"b,c\",\"say \"\"hi\"\"\"\n\"x\ny\r\nz\",2,\n");
    assertThat(fields(recs))
        .containsExactly(List.of("a", "b,c", "say \"hi\""), List.of("x\ny\r\nz", "2", ""));
    assertThat(recs.get(1).first()).isEqualTo(2);
    assertThat(recs.get(1).last()).as("LF and CR LF each end a line").isEqualTo(4);
  }

  @Test
  void lineBreaksMayBeLfCrOrCrLfAndEmptyLinesAreSkipped() throws IOException {
    List<Rec> recs = read("h1,h2\r\n\r\n1,2\r3,4\n\n\n5,6");
    assertThat(fields(recs))
        .containsExactly(
            List.of("h1", "h2"), List.of("1", "2"), List.of("3", "4"), List.of("5", "6"));
    assertThat(recs.stream().map(Rec::first)).containsExactly(1L, 3L, 4L, 7L);
    assertThat(recs.get(3).last()).as("the last record needs no line break").isEqualTo(7);
  }

  @Test
  void unquotedFieldsKeepQuotesAndSpacesAndBlanksAfterAClosingQuoteAreDropped() throws IOException {
    assertThat(fields(read(" a ,b\"c\", \"d\" ,\"e\"  \t,\"\"\n")))
        .containsExactly(List.of(" a ", "b\"c\"", " \"d\" ", "e", ""));
  }

  @Test
  void multiByteUtf8PassesThrough() throws IOException {
    assertThat(fields(read("Zoë,日本,🙂\n"))).containsExactly(List.of("Zoë", "日本", "🙂"));
  }

  @Test
  void anUnclosedQuoteIsRefusedAtTheLineItOpens() {
    assertThatThrownBy(() -> read("a,b\nc,\"d\ne\nf\n"))
        .isInstanceOfSatisfying(
            CsvRecordReader.Malformed.class,
            m -> {
              assertThat(m.kind).isEqualTo(Kind.UNTERMINATED_QUOTE);
              assertThat(m.line).isEqualTo(2);
            });
  }

  @Test
  void textAfterAClosingQuoteIsRefusedAtItsLine() {
    assertThatThrownBy(() -> read("a,b\n\"x\ny\"z,1\n"))
        .isInstanceOfSatisfying(
            CsvRecordReader.Malformed.class,
            m -> {
              assertThat(m.kind).isEqualTo(Kind.BAD_QUOTING);
              assertThat(m.line).isEqualTo(3);
            });
  }

  @Test
  void aRecordPastTheLimitIsRefusedWithoutBufferingIt() {
    byte[] huge = ("a,b\n1," + "x".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> read(huge, 4096, 100))
        .isInstanceOfSatisfying(
            CsvRecordReader.Malformed.class,
            m -> {
              assertThat(m.kind).isEqualTo(Kind.RECORD_TOO_LONG);
              assertThat(m.line).isEqualTo(2);
            });
    assertThatCode(() -> read(huge, 1 << 16, 100)).doesNotThrowAnyException();
  }

  @Test
  void tooManyFieldsAreRefused() {
    byte[] wide = ",".repeat(100).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> read(wide, 1 << 16, 100))
        .isInstanceOfSatisfying(
            CsvRecordReader.Malformed.class,
            m -> assertThat(m.kind).isEqualTo(Kind.TOO_MANY_FIELDS));
  }

  @Test
  void bytesTheJdkDecoderRefusesAreRefused() {
    for (String hex :
        List.of("c080", "e08080", "eda080", "f4908080", "f5", "ff", "c3", "e282", "80", "c328")) {
      byte[] seq = java.util.HexFormat.of().parseHex(hex);
      java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
      in.writeBytes("a,".getBytes(StandardCharsets.US_ASCII));
      in.writeBytes(seq);
      in.writeBytes(",b\n".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> read(in.toByteArray(), 1 << 16, 100))
          .as(hex)
          .isInstanceOf(MalformedInputException.class);
    }
  }

  /** The validator agrees with the JDK's strict decoder on random bytes, mostly near-UTF-8. */
  @Test
  void utf8ValidationMatchesTheJdk() {
    Random random = new Random(7);
    byte[] pieces =
        java.util.HexFormat.of().parseHex("41c2c3dfe0e1eceeedeff0f1f3f4f5f880909fa0bfc0");
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < b.length; i++) {
        b[i] = pieces[random.nextInt(pieces.length)];
      }
      assertThat(CsvRecordReader.Utf8.valid(b, 0, b.length))
          .as(java.util.HexFormat.of().formatHex(b))
          .isEqualTo(jdkAccepts(b));
    }
  }

  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Random text made of the characters CSV cares about: the reader and Commons CSV (RFC 4180, empty
   * lines ignored) read the same records, or both refuse the text.
   */
  @Test
  void readsWhatCommonsCsvReadsOnRandomText() throws IOException {
    Random random = new Random(42);
    String alphabet = "ab,,\"\"\n\r \t\u00e9";
    CSVFormat commons = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    int agreedRefusals = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String csv = text.toString();
      List<List<String>> expected = null;
      try (CSVParser p = CSVParser.parse(new StringReader(csv), commons)) {
        expected = new ArrayList<>();
        for (CSVRecord r : p) {
          expected.add(r.toList());
        }
      } catch (IOException | UncheckedIOException e) {
        expected = null;
      }
      List<List<String>> actual;
      try {
        actual = fields(read(csv));
      } catch (CsvRecordReader.Malformed e) {
        actual = null;
      }
      assertThat(actual)
          .as("reading %s", csv.replace("\r", "\\r").replace("\n", "\\n"))
          .isEqualTo(expected);
      if (expected == null) {
        agreedRefusals++;
      }
    }
    assertThat(agreedRefusals).as("the random texts include malformed ones").isGreaterThan(100);
  }
}
