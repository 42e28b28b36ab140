package io.sluice.activities.ingest;

import io.sluice.activities.ingest.FileProblem.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CSV file's records (plain or gzip): the first record is the header, which names the fields that
 * feed the declared columns; a field the header does not name, or names but no column declares,
 * goes to the row's extras.
 */
final class CsvRecords implements RecordSource {

  private final String file;
  private final SourceStream src;
  private final CsvRecordReader csv;
  private final List<String> header;
  private final int[] sources;
  private final boolean[] extraField;

  /** The JSON member key of each header field that goes to the extras (see CopyTextEncoder). */
  private final byte[][] extraKeys;

  CsvRecords(String file, SourceStream src, List<String> columns) throws IOException {
    this.file = file;
    this.src = src;
    this.csv =
        new CsvRecordReader(src.data(), RawFileLoader.MAX_RECORD_BYTES, RawFileLoader.MAX_FIELDS);
    if (csv.next()) {
      List<String> fields = new ArrayList<>(csv.size());
      for (int i = 0; i < csv.size(); i++) {
        fields.add(csv.get(i));
      }
      header = CsvHeader.names(fields);
    } else {
      header = List.of();
    }
    sources = new int[columns.size()];
    for (int c = 0; c < sources.length; c++) {
      sources[c] = header.indexOf(columns.get(c));
    }
    extraField = new boolean[header.size()];
    Arrays.fill(extraField, true);
    for (int s : sources) {
      if (s >= 0) {
        extraField[s] = false;
      }
    }
    extraKeys = new byte[header.size()][];
    for (int i = 0; i < extraKeys.length; i++) {
      if (extraField[i]) {
        extraKeys[i] = CopyTextEncoder.memberKey(header.get(i));
      }
    }
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public boolean next() throws IOException {
    return !header.isEmpty() && csv.next();
  }

  @Override
  public long recordLine() {
    return csv.recordLine();
  }

  @Override
  public long lastLine() {
    return header.isEmpty() ? 1 : csv.lastLine();
  }

  @Override
  public void encode(CopyTextEncoder out) {
    long line = csv.recordLine();
    try {
      byte[] data = csv.data();
      int size = csv.size();
      for (int field : sources) {
        if (field >= 0 && field < size) {
          out.utf8(data, csv.start(field), csv.end(field));
        } else {
          out.nullField();
        }
      }
      for (int i = 0; i < size; i++) {
        if (i >= header.size() || extraField[i]) {
          byte[] key =
              i < header.size()
                  ? extraKeys[i]
                  : CopyTextEncoder.memberKey("_field_" + (i + 1)); // a field past the header
          out.member(key, data, csv.start(i), csv.end(i));
        }
      }
      out.endObject().number(size);
    } catch (CopyTextEncoder.NulCharacterException e) {
      throw new FileProblem(
          file, line, Kind.NUL_CHARACTER, e.getMessage() + "; remove it from the file", null);
    }
  }

  @Override
  public String sha256() throws IOException {
    return src.sha256();
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
